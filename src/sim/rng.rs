//! Random streams for common random numbers.
//!
//! Every random number in scsim is a pure function of
//! `(seed, replication, purpose, entity, index)`: a [`Stream`] is identified by the first four,
//! and its `index`-th draw is output number `index + 1` of a SplitMix64 generator (Steele, Lea &
//! Flood 2014) whose state starts at the stream's key. SplitMix64 is a named, portable,
//! fully specified generator (it is the seeding generator of `java.util.SplittableRandom` and of
//! the xoshiro family); running it in counter mode lets the engine draw, say, the lead time of
//! lane 3 on day 117 without drawing anything else first. Draws never depend on the policy being
//! simulated, on the thread, or on the order in which the engine visits entities, which is what
//! makes runs reproducible on any number of threads and makes two policies see the same demand.
//!
//! To draw from a stream with a sampler of the `rand` ecosystem (`rand::RngExt`, `rand_distr`),
//! read it in order with [`Stream::rng_from`]: the [`StreamRng`] it returns implements
//! [`rand_core::Rng`] (rand_core 0.10's name for `RngCore`) and yields the stream's own 64-bit
//! draws, so the result is as reproducible as the engine's draws.

use std::convert::Infallible;

use rand_core::{SeedableRng, TryRng, utils};

/// The SplitMix64 increment (the golden ratio in 64-bit fixed point).
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function (Stafford's "Mix13" variant of the MurmurHash3 finaliser).
#[inline]
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Folds one more identifier into a stream key.
#[inline]
fn absorb(key: u64, value: u64) -> u64 {
    mix64(key ^ mix64(value.wrapping_add(GOLDEN_GAMMA)))
}

/// What a stream is used for. The discriminants are part of every stream key: never renumber
/// them, or every stream (and every saved golden result) changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Daily demand quantity of one demand stream (index = day).
    Demand = 1,
    /// Lead time of one lane (index = day the shipment leaves).
    LeadTime = 2,
    /// Per-line customer choices of one demand stream (a sub-stream per day, index = line).
    CustomerChoice = 3,
    /// Per-line patience of one demand stream (a sub-stream per day, index = line).
    Patience = 4,
    /// Demand spikes of one demand stream (index = 2 × day, 2 × day + 1).
    Spike = 5,
    /// Delay shocks of one lane (index = 2 × day, 2 × day + 1).
    Delay = 6,
    /// Short shipments of one lane (a sub-stream per order day, index = 2 × pair, 2 × pair + 1).
    Yield = 7,
    /// Random outages of one supplier (index = day).
    Outage = 8,
    /// Customer orders of one order stream (a sub-stream per day: draw 0 the number of orders,
    /// then a sub-stream per order, index = 1 + order).
    Orders = 9,
    /// The segment of each order line of a demand stream with segment shares (a sub-stream
    /// per day, index = line).
    Segment = 10,
}

/// One uniform draw in `[0, 1)`: a multiple of 2^-53, kept as its 53-bit numerator so that an
/// inversion table compares integers (no conversion on the hot path, and the same answer as
/// comparing the exact value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Uniform(u64);

impl Uniform {
    /// Number of random bits in a draw.
    pub const BITS: u32 = 53;

    /// The smallest draw at or above `u` (clamped to `[0, 1)`), for tests.
    #[cfg(test)]
    pub fn at_least(u: f64) -> Uniform {
        let scaled = (u * (1u64 << Self::BITS) as f64).ceil();
        Uniform((scaled.max(0.0) as u64).min((1 << Self::BITS) - 1))
    }

    /// The draw's numerator: the draw is `bits() / 2^53`.
    #[inline]
    pub fn bits(self) -> u64 {
        self.0
    }

    /// The draw as a number in `[0, 1)`.
    #[inline]
    pub fn value(self) -> f64 {
        self.0 as f64 * (1.0 / (1u64 << Self::BITS) as f64)
    }
}

/// One random stream; cheap to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stream {
    key: u64,
}

impl Stream {
    /// The stream for `(seed, replication, purpose, entity)`.
    pub fn new(seed: u64, replication: u64, purpose: Purpose, entity: u64) -> Stream {
        let key = absorb(absorb(absorb(mix64(seed), replication), purpose as u64), entity);
        Stream { key }
    }

    /// The stream whose SplitMix64 state starts at `key` (for reference checks).
    pub fn from_key(key: u64) -> Stream {
        Stream { key }
    }

    /// The raw 64-bit draw number `index` of this stream.
    #[inline]
    pub fn u64_at(&self, index: u64) -> u64 {
        mix64(self.key.wrapping_add(index.wrapping_add(1).wrapping_mul(GOLDEN_GAMMA)))
    }

    /// Draw number `index` as a uniform draw with 53 random bits.
    #[inline]
    pub fn draw_at(&self, index: u64) -> Uniform {
        Uniform(self.u64_at(index) >> (64 - Uniform::BITS))
    }

    /// Draw number `index` as a number in `[0, 1)` with 53 random bits.
    #[inline]
    pub fn uniform_at(&self, index: u64) -> f64 {
        self.draw_at(index).value()
    }

    /// An independent stream derived from draw `index`, for a variable number of draws that all
    /// belong to one index (for example the customer lines of one day).
    #[inline]
    pub fn substream(&self, index: u64) -> Stream {
        Stream { key: absorb(self.key, index ^ 0xA076_1D64_78BD_642F) }
    }

    /// The stream's key, which is also the initial state of its SplitMix64 generator.
    pub fn key(&self) -> u64 {
        self.key
    }

    /// This stream read in order from draw number `start`, as a `rand_core` generator.
    pub fn rng_from(self, start: u64) -> StreamRng {
        StreamRng { stream: self, next: start }
    }
}

/// A [`Stream`] read in order: a `rand_core` generator whose `n`-th `next_u64` (counting from
/// the starting draw) is the stream's draw `start + n`.
///
/// `next_u32` takes the upper 32 bits of the next 64-bit draw, and `fill_bytes` writes the
/// little-endian bytes of successive 64-bit draws (the bytes of a last, partial draw are
/// discarded with it). Seeding with 8 bytes starts at the stream whose key is those bytes read
/// little-endian, which makes it the same generator as `rand_xoshiro`'s `SplitMix64` for
/// 64-bit draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRng {
    stream: Stream,
    next: u64,
}

impl StreamRng {
    /// The number of the draw the next `next_u64` returns.
    pub fn position(&self) -> u64 {
        self.next
    }
}

impl TryRng for StreamRng {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.try_next_u64().map(|x| (x >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let x = self.stream.u64_at(self.next);
        self.next = self.next.wrapping_add(1);
        Ok(x)
    }

    #[inline]
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        utils::fill_bytes_via_next_word(dst, || self.try_next_u64())
    }
}

impl SeedableRng for StreamRng {
    type Seed = [u8; 8];

    /// The stream whose key is `seed` read little-endian, from its first draw.
    fn from_seed(seed: [u8; 8]) -> StreamRng {
        Stream::from_key(u64::from_le_bytes(seed)).rng_from(0)
    }

    /// The stream whose key is `state`, from its first draw (as `SplitMix64::seed_from_u64`).
    fn seed_from_u64(state: u64) -> StreamRng {
        Stream::from_key(state).rng_from(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_is_in_unit_interval_and_spread() {
        let s = Stream::new(7, 0, Purpose::Demand, 0);
        let n = 100_000;
        let mut sum = 0.0;
        let mut below_tenth = 0;
        for i in 0..n {
            let u = s.uniform_at(i);
            assert!((0.0..1.0).contains(&u));
            sum += u;
            if u < 0.1 {
                below_tenth += 1;
            }
        }
        let mean = sum / n as f64;
        // Mean of U(0,1) has sd 1/sqrt(12 n) = 0.00091; 5 sd = 0.0046.
        assert!((mean - 0.5).abs() < 0.0046, "mean {mean}");
        // Binomial(n, 0.1): sd = 94.9; 5 sd = 475.
        assert!((below_tenth as i64 - 10_000).abs() < 475, "{below_tenth}");
    }

    #[test]
    fn streams_differ_by_every_identifier() {
        let base = Stream::new(1, 2, Purpose::Demand, 3);
        let variants = [
            Stream::new(2, 2, Purpose::Demand, 3),
            Stream::new(1, 3, Purpose::Demand, 3),
            Stream::new(1, 2, Purpose::LeadTime, 3),
            Stream::new(1, 2, Purpose::Demand, 4),
            base.substream(0),
        ];
        for v in variants {
            assert_ne!(v.u64_at(0), base.u64_at(0));
        }
    }
}
