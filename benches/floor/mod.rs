//! The floor: a hand-written loop for the canonical case, the speed the engine is judged
//! against (issue 13). One item, Poisson demand with mean 20 a day sampled from an inverse-CDF
//! table, base-stock S = 110, lead time 5 in scsim's timing convention (an order placed at the
//! end of day t is on hand before day t + 5's demand, so stock is exposed to 5 days of
//! demand), unmet demand backordered, 365 days. Its fill rate is about 0.957, as scsim's.
//!
//! Shared by `benches/engine.rs` and `examples/floor.rs` (`scripts/bench-cli`).

use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};

/// Days in one replication.
pub const DAYS: u64 = 365;
const MEAN: f64 = 20.0;
const LEAD: usize = 5;
const S: i64 = 110;
/// The canonical case's fill rate (scsim measures 0.9571 over 2,000 replications).
pub const FILL_RATE: f64 = 0.957;

/// Units demanded and units shipped on the day demanded, summed over replications.
#[derive(Default)]
pub struct Tally {
    demand: i64,
    filled: i64,
}

impl Tally {
    /// Fill rate: units shipped on the day demanded over units demanded.
    pub fn fill_rate(&self) -> f64 {
        self.filled as f64 / self.demand as f64
    }
}

/// Poisson(20) as an inverse-CDF table: entry k is P(D ≤ k) scaled to 2^64.
pub struct Floor {
    table: Vec<u64>,
}

impl Default for Floor {
    /// Builds the demand table.
    fn default() -> Self {
        let (mut pmf, mut cdf, mut table) = ((-MEAN).exp(), 0.0, Vec::new());
        for k in 1..=120 {
            cdf += pmf;
            table.push((cdf * 2f64.powi(64)) as u64);
            pmf *= MEAN / k as f64;
        }
        *table.last_mut().expect("a table") = u64::MAX;
        Floor { table }
    }
}

impl Floor {
    fn demand(&self, u: u64) -> i64 {
        self.table.partition_point(|&t| t <= u) as i64
    }

    /// Simulates one replication of 365 days and adds it to `tally`.
    pub fn run(&self, seed: u64, tally: &mut Tally) {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let (mut arriving, mut net, mut on_order) = ([0i64; LEAD], S, 0i64);
        for day in 0..DAYS as usize {
            let slot = day % LEAD;
            net += arriving[slot];
            on_order -= arriving[slot];
            let d = self.demand(rng.next_u64());
            tally.filled += d.min(net.max(0));
            tally.demand += d;
            net -= d;
            arriving[slot] = S - net - on_order;
            on_order = S - net;
        }
    }

    /// Runs 2,000 replications and panics unless the fill rate is within 0.005 of 0.957
    /// (its standard error there is about 0.001), so the loop is timed in the right regime.
    pub fn check_regime(&self) -> f64 {
        let mut tally = Tally::default();
        (0..2000).for_each(|r| self.run(r, &mut tally));
        let fill = tally.fill_rate();
        assert!((fill - FILL_RATE).abs() < 0.005, "floor loop fill rate {fill}, not about {FILL_RATE}");
        fill
    }
}
