//! The statistics a run accumulates per policy: floating-point moments merged in a fixed
//! order ([`Ordered`]), exact integer counts summed in any order ([`Counted`]), and the run's
//! result ([`RunStats`]).

use serde::{Deserialize, Serialize};

use crate::experiment::stats::{LogHistogram, Moments};
use crate::metrics::{
    CostBreakdown, MetricValues, N_LANE_METRICS, N_METRICS, N_ORDER_METRICS, N_SEGMENT_METRICS,
    N_SUPPLIER_METRICS, WaitHistogram,
};
use crate::model::Model;

crate::metrics::counters::counters! {
    /// Sums over replications of one day's unit counts (exact integers).
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct DayCounts {
        /// End-of-day on-hand.
        pub on_hand: i128,
        /// End-of-day backorders.
        pub backorders: i128,
        /// Units demanded.
        pub demand: i128,
        /// Units filled from stock on arrival.
        pub filled: i128,
        /// Units lost.
        pub lost: i128,
        /// Suppliers down.
        pub suppliers_down: i128,
    }
}

/// Floating-point statistics of one policy, merged in block order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ordered {
    /// Moments of each metric summed over pairs.
    pub total: Vec<Moments>,
    /// Moments of each metric per pair (indexed like `Model::pairs`).
    pub pairs: Vec<Vec<Moments>>,
    /// Moments of the paired differences of each total metric: `diff[q][k]` is this policy
    /// minus policy `q` on metric `k`, replication by replication (every pair of policies, so
    /// any policy can be the baseline; zero against itself).
    pub diff: Vec<Vec<Moments>>,
    /// Moments of each supplier metric per supplier (indexed like `Model::suppliers`).
    pub suppliers: Vec<Vec<Moments>>,
    /// Moments of each segment metric per segment (indexed like `Model::segments`).
    pub segments: Vec<Vec<Moments>>,
    /// Moments of each lane metric per lane (indexed like `Model::lanes`).
    pub lanes: Vec<Vec<Moments>>,
    /// Moments of each order metric per order stream (indexed like `Model::orders`).
    #[serde(default)]
    pub orders: Vec<Vec<Moments>>,
    /// Per day, sums over replications of the day's costs.
    pub daily_costs: Vec<CostBreakdown>,
}

impl Ordered {
    /// Empty statistics for `model`.
    pub fn new(model: &Model) -> Ordered {
        Ordered {
            pairs: vec![vec![Moments::default(); N_METRICS]; model.pairs.len()],
            ..Ordered::unpaired(model)
        }
    }

    /// Empty statistics for `model` without the per-pair moments (`pairs` is empty: a chunk
    /// keeps them apart, in a [`ChunkPairs`]).
    pub(crate) fn unpaired(model: &Model) -> Ordered {
        Ordered {
            total: vec![Moments::default(); N_METRICS],
            pairs: Vec::new(),
            diff: vec![vec![Moments::default(); N_METRICS]; model.policies.len()],
            suppliers: vec![vec![Moments::default(); N_SUPPLIER_METRICS]; model.suppliers.len()],
            segments: vec![vec![Moments::default(); N_SEGMENT_METRICS]; model.segments.len()],
            lanes: vec![vec![Moments::default(); N_LANE_METRICS]; model.lanes.len()],
            orders: vec![vec![Moments::default(); N_ORDER_METRICS]; model.orders.len()],
            daily_costs: vec![CostBreakdown::default(); model.horizon as usize],
        }
    }

    /// Merges the statistics of the next block.
    pub fn merge(&mut self, o: &Ordered) {
        merge_all(&mut self.total, &o.total);
        let scopes = self.pairs.iter_mut().zip(&o.pairs).chain(self.diff.iter_mut().zip(&o.diff));
        let scopes = scopes.chain(self.suppliers.iter_mut().zip(&o.suppliers));
        let scopes = scopes.chain(self.segments.iter_mut().zip(&o.segments));
        let scopes = scopes.chain(self.orders.iter_mut().zip(&o.orders));
        for (a, b) in scopes.chain(self.lanes.iter_mut().zip(&o.lanes)) {
            merge_all(a, b);
        }
        for (a, b) in self.daily_costs.iter_mut().zip(&o.daily_costs) {
            a.add(b);
        }
    }
}

fn merge_all(a: &mut [Moments], b: &[Moments]) {
    for (x, y) in a.iter_mut().zip(b) {
        x.merge(y);
    }
}

/// Chunks of at most this many replications keep each pair's values rather than its moments
/// (8 bytes a metric and replication against 24 for the moments).
const VALUES_UP_TO: usize = 2;

/// The per-pair statistics of one policy over one chunk of replications, kept as compactly as
/// the moments can be rebuilt bit for bit: the values themselves for a chunk of one or two
/// replications (a run of up to 128 replications has only such chunks), else the moments.
/// Merged into a block's or the run's moments ([`ChunkPairs::merge_into`]), they give exactly
/// what pushing the values into the chunk's own moments and merging those gives.
#[derive(Debug)]
pub(crate) enum ChunkPairs {
    /// Every pair's values, replication by replication (`r × pairs + pair`).
    Values {
        /// Number of pairs.
        pairs: usize,
        /// The values recorded so far.
        values: Vec<MetricValues>,
    },
    /// Every pair's moments.
    Moments(Vec<Vec<Moments>>),
}

impl ChunkPairs {
    /// Empty statistics of `pairs` pairs over `replications` replications.
    pub(crate) fn new(pairs: usize, replications: usize) -> ChunkPairs {
        if replications <= VALUES_UP_TO {
            ChunkPairs::Values { pairs, values: Vec::with_capacity(pairs * replications) }
        } else {
            ChunkPairs::Moments(vec![vec![Moments::default(); N_METRICS]; pairs])
        }
    }

    /// Records the values of pair `pair` in the current replication; every pair of a
    /// replication is recorded, in pair order, before the next replication's.
    #[inline]
    pub(crate) fn record(&mut self, pair: usize, values: MetricValues) {
        match self {
            ChunkPairs::Values { values: kept, .. } => kept.push(values),
            ChunkPairs::Moments(moments) => super::push_all(&mut moments[pair], values),
        }
    }

    /// Merges these statistics into `pairs` (each pair's moments of the chunks before).
    pub(crate) fn merge_into(&self, pairs: &mut [Vec<Moments>]) {
        match self {
            ChunkPairs::Values { pairs: n, values } => {
                for (k, moments) in pairs.iter_mut().enumerate() {
                    let mut chunk = [Moments::default(); N_METRICS];
                    values.iter().skip(k).step_by((*n).max(1)).for_each(|v| super::push_all(&mut chunk, *v));
                    merge_all(moments, &chunk);
                }
            }
            ChunkPairs::Moments(moments) => {
                for (a, b) in pairs.iter_mut().zip(moments) {
                    merge_all(a, b);
                }
            }
        }
    }

    /// The per-pair moments of this chunk alone.
    pub(crate) fn into_moments(self) -> Vec<Vec<Moments>> {
        match self {
            ChunkPairs::Moments(moments) => moments,
            values @ ChunkPairs::Values { pairs, .. } => {
                let mut moments = vec![vec![Moments::default(); N_METRICS]; pairs];
                values.merge_into(&mut moments);
                moments
            }
        }
    }
}

/// Integer statistics of one policy, summed in any order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counted {
    /// Per day, sums over replications of unit counts.
    pub daily: Vec<DayCounts>,
    /// Per day, histograms across replications of end-of-day on-hand and backorders.
    pub bands: Vec<[LogHistogram; 2]>,
    /// Late-filled units by days waited, pooled over replications.
    pub waits: WaitHistogram,
    /// Per day and location (`day × locations + location`), sums over replications of the
    /// end-of-day units owed to customers and downstream locations (empty with a single
    /// location).
    pub locations: Vec<i128>,
}

impl Counted {
    /// Empty counts for `model`.
    pub fn new(model: &Model) -> Counted {
        let h = model.horizon as usize;
        Counted {
            daily: vec![DayCounts::default(); h],
            bands: vec![Default::default(); h],
            waits: WaitHistogram::default(),
            locations: if model.locations.len() > 1 {
                vec![0; h * model.locations.len()]
            } else {
                Vec::new()
            },
        }
    }

    /// Adds another worker's (or shard's) counts.
    pub fn add(&mut self, o: &Counted) {
        for (a, b) in self.daily.iter_mut().zip(&o.daily) {
            a.add(b);
        }
        for (a, b) in self.bands.iter_mut().zip(&o.bands) {
            a[0].add(&b[0]);
            a[1].add(&b[1]);
        }
        self.waits.add(&o.waits);
        for (a, b) in self.locations.iter_mut().zip(&o.locations) {
            *a += b;
        }
    }
}

/// Everything accumulated about one policy.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyStats {
    /// Floating-point statistics.
    pub ordered: Ordered,
    /// Integer statistics.
    pub counted: Counted,
}

/// The results of a run: per policy, statistics over replications.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStats {
    /// One entry per policy, in scenario order.
    pub policies: Vec<PolicyStats>,
    /// Replications accumulated.
    pub replications: u32,
    /// The floating-point statistics of each block (per policy), in block order, when asked
    /// for (shards keep them so that a merge reproduces the unsharded reduction exactly).
    pub blocks: Vec<Vec<Ordered>>,
}

impl RunStats {
    /// Statistics from blocks merged in order and integer counts (how a merge of shards
    /// rebuilds a run).
    pub fn from_parts(
        model: &Model,
        blocks: &[Vec<Ordered>],
        counted: Vec<Counted>,
        replications: u32,
    ) -> RunStats {
        let mut ordered: Vec<Ordered> = (0..model.policies.len()).map(|_| Ordered::new(model)).collect();
        for block in blocks {
            for (a, b) in ordered.iter_mut().zip(block) {
                a.merge(b);
            }
        }
        RunStats {
            policies: ordered
                .into_iter()
                .zip(counted)
                .map(|(ordered, counted)| PolicyStats { ordered, counted })
                .collect(),
            replications,
            blocks: Vec::new(),
        }
    }
}
