//! What a run of a model will cost before it starts: the work (stocked pair-days simulated)
//! and the memory its largest structures need, so that a small input that would take hours or
//! gigabytes is refused up front (`--force` runs it anyway).

use super::Model;

/// The most pair-days (stocked pairs × days × policies × replications) run without `--force`:
/// about an hour on a few cores.
pub const MAX_PAIR_DAYS: u64 = 10_000_000_000;

/// The most memory, in bytes, a run may be estimated to need without `--force`.
pub const MAX_BYTES: u64 = 2 << 30;

/// Bytes of one waiting line of a backlog (each backordered line of a customer is one).
const LINE_BYTES: f64 = 48.0;

/// Bytes of one bucket of the daily percentile bands (two per day: on hand and backorders).
const BUCKET_BYTES: f64 = 8.0;

/// The estimated cost of running a model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Stocked pair-days simulated: pairs × days × policies × replications.
    pub pair_days: u64,
    /// Bytes the largest structures need at once: the waiting lines of the backlogs and the
    /// daily bands (one set per policy in every worker thread, and the total).
    pub bytes: u64,
}

impl Estimate {
    /// Why the run is refused (each limit exceeded, with the estimate), if it is.
    pub fn refusal(&self) -> Option<String> {
        let mut over = Vec::new();
        if self.pair_days > MAX_PAIR_DAYS {
            over.push(format!(
                "{:.1e} pair-days to simulate (stocked pairs × days × policies × replications), above the limit of {MAX_PAIR_DAYS:.0e}",
                self.pair_days as f64
            ));
        }
        if self.bytes > MAX_BYTES {
            over.push(format!(
                "about {:.1} GB of memory (waiting lines of backorders, one per customer line, and the daily bands), above the limit of {} GB",
                self.bytes as f64 / 1e9,
                MAX_BYTES >> 30
            ));
        }
        (!over.is_empty()).then(|| {
            format!(
                "this run would need {}; reduce the scenario, or run it anyway with --force",
                over.join(", and ")
            )
        })
    }
}

impl Model {
    /// The estimated cost of running every policy of this model on `threads` worker threads.
    pub fn estimate(&self, threads: usize) -> Estimate {
        let days = u64::from(self.horizon);
        let pair_days = (self.pairs.len() as u64)
            .saturating_mul(days)
            .saturating_mul(self.policies.len() as u64)
            .saturating_mul(u64::from(self.replications));
        // Lines waiting at once: a stock-out lasts about a lead time and a review, and each
        // customer line of demand in it waits (worst policy, worst segment: lines of one unit).
        let span = f64::from(self.calendar_span()) + 7.0;
        let daily: f64 = self.pairs.iter().map(|p| p.prior.weekday_means.iter().sum::<f64>() / 7.0).sum();
        let lines = daily * span * LINE_BYTES * threads.max(1) as f64;
        // The bands keep log-linear buckets over the spread of a day's levels across
        // replications: about the largest pair's demand over a stock-out.
        let busiest =
            self.pairs.iter().map(|p| p.prior.weekday_means.iter().sum::<f64>() / 7.0).fold(1.0, f64::max);
        let buckets = 128.0 + 64.0 * ((busiest * span).log2() - 6.0).max(0.0);
        // Each worker thread counts its replications' bands in one set per policy (integer
        // counts, added into the total when the worker is done), whatever the replications.
        let copies = (threads.max(1) + 1) as f64 * self.policies.len() as f64;
        let bands = days as f64 * 2.0 * buckets * BUCKET_BYTES * copies;
        Estimate { pair_days, bytes: (lines + bands).min(u64::MAX as f64) as u64 }
    }
}
