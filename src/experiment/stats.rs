//! Streaming statistics across replications: moments with Student-t confidence intervals, and
//! a log-linear histogram for quantile bands. Both have bounded memory whatever the number of
//! replications.

use std::cell::Cell;

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::metrics::histogram::nearest_rank;

/// Count, mean and sum of squared deviations (Welford), mergeable (Chan et al.). NaN values
/// (undefined metrics) are not counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    /// Number of values.
    pub n: u64,
    /// Mean.
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub m2: f64,
}

impl Moments {
    /// Adds one value (ignored if NaN).
    #[inline]
    pub fn push(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// Adds `x - x` for a value `x` to moments of such differences only (mean and `m2` 0):
    /// one more count if `x` is finite (the difference is 0), none otherwise (NaN). Bit for bit
    /// what [`Moments::push`] gives, without its division.
    #[inline]
    pub(crate) fn push_self_difference(&mut self, x: f64) {
        debug_assert!(self.mean.to_bits() == 0 && self.m2.to_bits() == 0);
        self.n += u64::from(x.is_finite());
    }

    /// Merges the moments of another, disjoint set of values.
    pub fn merge(&mut self, o: &Moments) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *o;
            return;
        }
        let n = self.n + o.n;
        let d = o.mean - self.mean;
        self.mean += d * o.n as f64 / n as f64;
        self.m2 += o.m2 + d * d * (self.n as f64 * o.n as f64) / n as f64;
        self.n = n;
    }

    /// Sample standard deviation (NaN with fewer than two values).
    pub fn sd(&self) -> f64 {
        if self.n < 2 { f64::NAN } else { (self.m2.max(0.0) / (self.n - 1) as f64).sqrt() }
    }

    /// Half-width of the two-sided 95 % Student-t confidence interval of the mean.
    pub fn half_width(&self) -> f64 {
        if self.n < 2 {
            return f64::NAN;
        }
        t_quantile_975(self.n - 1) * self.sd() / (self.n as f64).sqrt()
    }

    /// The moments of the same values negated, bit for bit what pushing and merging `-x` for
    /// every `x` gives (a zero mean stays `+0`, as it is computed).
    pub fn negated(&self) -> Moments {
        Moments { n: self.n, mean: 0.0 - self.mean, m2: self.m2 }
    }

    /// The mean, or NaN with no values.
    pub fn mean(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.mean }
    }
}

/// The 0.975 quantile of Student's t with `df` degrees of freedom. The inversion is computed
/// once per `df` in a row (every statistic of a run has the same number of replications).
pub fn t_quantile_975(df: u64) -> f64 {
    thread_local! {
        // The last degrees of freedom asked for and their quantile (0 has none: NaN).
        static LAST: Cell<(u64, f64)> = const { Cell::new((0, f64::NAN)) };
    }
    LAST.with(|last| {
        let (known, t) = last.get();
        if known == df {
            return t;
        }
        let t = StudentsT::new(0.0, 1.0, df as f64).map(|t| t.inverse_cdf(0.975)).unwrap_or(f64::NAN);
        last.set((df, t));
        t
    })
}

/// Counts of non-negative integers in log-linear buckets: exact below 128, then 64 buckets per
/// power of two (relative resolution 1/64). Adding two histograms is exact and associative.
/// Only the buckets from the lowest to the highest value recorded are kept, so the size grows
/// with the spread of the values, not their size (levels near 10⁹ stay small).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LogHistogram {
    /// The bucket of `counts[0]`.
    #[serde(default)]
    first: usize,
    counts: Vec<u64>,
}

const EXACT: u64 = 128;
const SUB_BITS: u32 = 6;

fn bucket(v: u64) -> usize {
    if v < EXACT {
        return v as usize;
    }
    let e = 63 - v.leading_zeros(); // floor(log2 v) ≥ 7
    let sub = (v >> (e - SUB_BITS)) & ((1 << SUB_BITS) - 1);
    (EXACT + (e as u64 - 7) * (1 << SUB_BITS) + sub) as usize
}

fn bucket_low(i: usize) -> u64 {
    let i = i as u64;
    if i < EXACT {
        return i;
    }
    let e = (i - EXACT) / (1 << SUB_BITS) + 7;
    let sub = (i - EXACT) % (1 << SUB_BITS);
    ((1 << SUB_BITS) + sub) << (e - SUB_BITS as u64)
}

impl LogHistogram {
    /// Records one value (negative values count as 0).
    #[inline]
    pub fn record(&mut self, v: i64) {
        record(&mut self.first, &mut self.counts, v);
    }

    /// Adds another histogram's counts.
    pub fn add(&mut self, o: &LogHistogram) {
        if o.counts.is_empty() {
            return;
        }
        cover(&mut self.first, &mut self.counts, o.first, o.first + o.counts.len());
        let offset = o.first - self.first;
        for (a, b) in self.counts[offset..].iter_mut().zip(&o.counts) {
            *a += b;
        }
    }

    /// The lower edge of the bucket holding the `q` quantile (nearest rank); exact for values
    /// below 128. NaN when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        nearest_rank(&self.counts, q).map_or(f64::NAN, |i| bucket_low(i + self.first) as f64)
    }
}

/// Records `v` (0 if negative) in log-linear `counts` whose first bucket is `first`.
#[inline]
fn record<C: Count>(first: &mut usize, counts: &mut Vec<C>, v: i64) {
    record_bucket(first, counts, bucket(v.max(0) as u64));
}

/// Records a value of bucket `b` in log-linear `counts` whose first bucket is `first`.
#[inline]
fn record_bucket<C: Count>(first: &mut usize, counts: &mut Vec<C>, b: usize) {
    match counts.get_mut(b.wrapping_sub(*first)) {
        Some(count) => *count += C::ONE,
        None => record_outside(first, counts, b),
    }
}

/// Records a value in bucket `b`, outside the buckets kept so far.
#[cold]
fn record_outside<C: Count>(first: &mut usize, counts: &mut Vec<C>, b: usize) {
    cover(first, counts, b, b + 1);
    counts[b - *first] += C::ONE;
}

/// Extends `counts` (whose first bucket is `first`) to hold buckets `lo..hi`.
fn cover<C: Count>(first: &mut usize, counts: &mut Vec<C>, lo: usize, hi: usize) {
    if counts.is_empty() {
        *first = lo;
    } else if lo < *first {
        let grow = *first - lo;
        counts.splice(0..0, std::iter::repeat_n(C::default(), grow));
        *first = lo;
    }
    let end = *first + counts.len();
    if hi > end {
        counts.resize(hi - *first, C::default());
    }
}

/// A histogram count: 64 bits in [`LogHistogram`], 16 in [`NarrowHistogram`].
trait Count: Copy + Default + std::ops::AddAssign {
    const ONE: Self;
}

impl Count for u64 {
    const ONE: u64 = 1;
}

impl Count for u16 {
    const ONE: u16 = 1;
}

/// A [`LogHistogram`] with 16-bit counts, for a worker to record into between two
/// [`NarrowHistogram::drain_into`] (a quarter of the memory, so that the daily histograms of
/// many policies stay in cache). The caller keeps every count below 2¹⁶ by draining it at
/// least every 65,535 values.
#[derive(Debug, Clone, Default)]
pub(crate) struct NarrowHistogram {
    first: usize,
    counts: Vec<u16>,
}

impl NarrowHistogram {
    /// The bucket of `v` (0 if negative), for [`NarrowHistogram::record_bucket`]: every
    /// bucket fits 16 bits (the last, of `i64::MAX`, is 3,775).
    #[inline]
    pub(crate) fn bucket_of(v: i64) -> u16 {
        bucket(v.max(0) as u64) as u16
    }

    /// Records one value by its bucket ([`NarrowHistogram::bucket_of`]): what recording the
    /// value gives.
    #[inline]
    pub(crate) fn record_bucket(&mut self, b: u16) {
        record_bucket(&mut self.first, &mut self.counts, b.into());
    }

    /// Adds the counts to `total` and sets them to 0 (keeping the buckets). `total` then
    /// holds what recording every value in it directly would give, buckets kept included: a
    /// narrow histogram keeps exactly the buckets from its lowest to its highest value.
    pub(crate) fn drain_into(&mut self, total: &mut LogHistogram) {
        if self.counts.is_empty() {
            return;
        }
        cover(&mut total.first, &mut total.counts, self.first, self.first + self.counts.len());
        let offset = self.first - total.first;
        for (a, b) in total.counts[offset..].iter_mut().zip(&mut self.counts) {
            *a += u64::from(std::mem::take(b));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn moments_match_two_pass_and_merge_agrees() {
        let xs: Vec<f64> = (0..1000).map(|i| ((i * 37) % 101) as f64 * 0.5 + 3.0).collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        let mut all = Moments::default();
        xs.iter().for_each(|&x| all.push(x));
        assert!((all.mean - mean).abs() < 1e-12);
        assert!((all.sd() - var.sqrt()).abs() < 1e-10);
        let (mut a, mut b) = (Moments::default(), Moments::default());
        xs[..300].iter().for_each(|&x| a.push(x));
        xs[300..].iter().for_each(|&x| b.push(x));
        a.merge(&b);
        assert_eq!(a.n, 1000);
        assert!((a.mean - mean).abs() < 1e-12);
        assert!((a.sd() - var.sqrt()).abs() < 1e-10);
        let mut nan = Moments::default();
        nan.push(f64::NAN);
        assert_eq!(nan.n, 0);
    }

    #[test]
    fn a_self_difference_counts_as_pushing_it() {
        // x − x is +0 for every finite x and NaN otherwise; pushed, it leaves the mean and m2
        // at +0 and counts the finite values: the shortcut gives the same bits.
        let xs = [3.5, -0.0, 0.0, f64::NAN, f64::INFINITY, -1e300, f64::NEG_INFINITY, 5e-324, 7.0];
        let (mut pushed, mut counted) = (Moments::default(), Moments::default());
        for x in xs {
            pushed.push(x - x);
            counted.push_self_difference(x);
        }
        assert_eq!(counted.n, 6);
        assert_eq!((pushed.n, pushed.mean.to_bits(), pushed.m2.to_bits()), (6, 0, 0));
        assert_eq!((counted.n, counted.mean.to_bits(), counted.m2.to_bits()), (6, 0, 0));
    }

    /// The moments of a series pushed in two parts and merged, as the experiment does.
    fn pushed_and_merged(xs: &[f64], split: usize) -> Moments {
        let (mut a, mut b) = (Moments::default(), Moments::default());
        xs[..split].iter().for_each(|&x| a.push(x));
        xs[split..].iter().for_each(|&x| b.push(x));
        a.merge(&b);
        a
    }

    proptest! {
        #[test]
        fn negated_moments_are_those_of_the_negated_values_to_the_bit(
            xs in proptest::collection::vec(
                prop_oneof![-1e6f64..1e6, Just(0.0), Just(-0.0), Just(f64::NAN), (-1000i32..1000).prop_map(|k| k as f64 / 8.0)],
                0..40,
            ),
            split in 0usize..40,
        ) {
            let split = split.min(xs.len());
            // Differences a − b and b − a are each other's negation, zero as +0 both ways.
            let negated: Vec<f64> = xs.iter().map(|&x| 0.0 - x).collect();
            let direct = pushed_and_merged(&negated, split);
            let mirrored = pushed_and_merged(&xs, split).negated();
            prop_assert_eq!(direct.n, mirrored.n);
            prop_assert_eq!(direct.mean.to_bits(), mirrored.mean.to_bits());
            prop_assert_eq!(direct.m2.to_bits(), mirrored.m2.to_bits());
        }
    }

    #[test]
    fn t_quantiles_match_tables() {
        // Published two-sided 95 % critical values.
        assert!((t_quantile_975(1) - 12.706).abs() < 1e-3);
        assert!((t_quantile_975(9) - 2.262).abs() < 1e-3);
        assert!((t_quantile_975(99) - 1.984).abs() < 1e-3);
        // Remembered per degrees of freedom: asking again, in any order, gives the same values.
        assert_eq!(t_quantile_975(1), t_quantile_975(1));
        assert!((t_quantile_975(9) - 2.262).abs() < 1e-3 && (t_quantile_975(1) - 12.706).abs() < 1e-3);
        assert!(t_quantile_975(0).is_nan());
        let mut m = Moments::default();
        [1.0, 2.0, 3.0, 4.0].iter().for_each(|&x| m.push(x));
        // sd = 1.29099, t(3) = 3.18245: half-width = 3.18245 * 1.29099 / 2.
        assert!((m.half_width() - 2.054_23).abs() < 1e-4);
    }

    #[test]
    fn log_histogram_buckets() {
        for v in [0u64, 1, 127, 128, 129, 1000, 123_456_789] {
            let b = bucket(v);
            assert!(bucket_low(b) <= v, "{v}");
            assert!(bucket_low(b + 1) > v, "{v}");
            assert!((v - bucket_low(b)) as f64 <= v as f64 / 64.0, "{v}");
        }
        let mut h = LogHistogram::default();
        for v in 0..100 {
            h.record(v);
        }
        assert_eq!(h.quantile(0.1), 9.0);
        assert_eq!(h.quantile(0.9), 89.0);
    }

    #[test]
    fn narrow_histograms_recorded_by_bucket_drain_into_what_recording_the_values_gives() {
        let values = [-5, 0, 3, 127, 128, 129, 1000, 1_000_000_007, i64::MAX, 64, 127];
        // The last bucket (of i64::MAX: 2⁶² · (1 + 63/64) and above) fits 16 bits.
        assert_eq!(NarrowHistogram::bucket_of(i64::MAX), 128 + 55 * 64 + 63);
        assert_eq!(NarrowHistogram::bucket_of(-5), 0);
        let (mut narrow, mut drained, mut direct) =
            (NarrowHistogram::default(), LogHistogram::default(), LogHistogram::default());
        for (k, &v) in values.iter().enumerate() {
            narrow.record_bucket(NarrowHistogram::bucket_of(v));
            direct.record(v);
            if k % 4 == 3 {
                narrow.drain_into(&mut drained);
            }
        }
        narrow.drain_into(&mut drained);
        assert_eq!(drained, direct);
        assert_eq!(drained.quantile(0.0), 0.0);
        assert_eq!(drained.quantile(0.5), 127.0);
        assert_eq!(drained.quantile(1.0), (127u64 << 56) as f64);
    }

    #[test]
    fn log_histograms_keep_only_the_spread_of_large_values() {
        // Levels near 10⁹ give the same quantiles in a few buckets, in any order of adding.
        let big = 1_000_000_000i64;
        let values: Vec<i64> = (0..1000).map(|k| big + (k * 7919) % 1000).collect();
        let mut all = LogHistogram::default();
        values.iter().for_each(|&v| all.record(v));
        assert!(all.counts.len() <= 2, "{} buckets", all.counts.len());
        let (mut a, mut b) = (LogHistogram::default(), LogHistogram::default());
        values[..400].iter().for_each(|&v| a.record(v));
        values[400..].iter().for_each(|&v| b.record(v));
        b.record(3);
        a.record(3);
        let mut ab = a.clone();
        ab.add(&b);
        let mut ba = b.clone();
        ba.add(&a);
        assert_eq!(ab, ba);
        all.record(3);
        all.record(3);
        assert_eq!(ab, all);
        // The lower edge of the bucket of 10⁹ + x: 10⁹ rounded down to a 1/64 step of 2²⁹.
        let step = 1u64 << (29 - 6);
        assert_eq!(all.quantile(0.5), ((big as u64 / step) * step) as f64);
        assert_eq!(all.quantile(0.001), 3.0);
        ab.add(&LogHistogram::default());
        assert_eq!(ab, all);
    }
}
