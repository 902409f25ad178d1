//! [`PairRows`]: the per-pair metric values of a chunk of replications, which
//! [`run_with_pairs`](super::run_with_pairs) hands over in replication order for
//! `pairs-replications.csv`.

use std::ops::Range;

use crate::metrics::{MetricValues, N_METRICS};

/// The metric values of every pair in a chunk of replications, for
/// `pairs-replications.csv` (kept only when asked for: see [`run_with_pairs`](super::run_with_pairs)).
#[derive(Debug, Clone, PartialEq)]
pub struct PairRows {
    replications: Range<u32>,
    policies: usize,
    pairs: usize,
    /// Index `(replication offset × policies + policy) × pairs + pair`.
    values: Vec<MetricValues>,
}

impl PairRows {
    pub(super) fn new(replications: Range<u32>, policies: usize, pairs: usize) -> PairRows {
        let values = vec![[0.0; N_METRICS]; replications.len() * policies * pairs];
        PairRows { replications, policies, pairs, values }
    }

    /// The values of replication `r` and policy `p`, one per pair (indexed like `Model::pairs`).
    pub(super) fn slot(&mut self, r: u32, p: usize) -> &mut [MetricValues] {
        let start = ((r - self.replications.start) as usize * self.policies + p) * self.pairs;
        &mut self.values[start..start + self.pairs]
    }

    /// `(replication, policy, values per pair)` in replication order, policy order within a
    /// replication; the values are indexed like `Model::pairs`.
    pub fn iter(&self) -> impl Iterator<Item = (u32, usize, &[MetricValues])> + '_ {
        let chunk = self.pairs.max(1);
        let rows = self.values.chunks(chunk).enumerate();
        rows.map(|(i, values)| {
            (self.replications.start + (i / self.policies) as u32, i % self.policies, values)
        })
    }
}
