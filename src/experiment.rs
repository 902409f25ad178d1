//! Experiments: many replications of every policy, in parallel, reduced deterministically.
//!
//! Replication `r` of every policy uses the streams of `(seed, r)`, so policies are compared on
//! common random numbers. Two kinds of statistics are kept apart:
//!
//! - floating-point statistics (moments of every metric, daily cost sums) are accumulated per
//!   *block* of replications, and blocks are merged strictly in block order. The block size
//!   depends only on the number of replications, never on the thread count, so these numbers
//!   are bit-identical on 1 or 64 threads, and shards of whole blocks merge into exactly them;
//! - integer statistics (daily unit sums, histograms) are exact and order-free, so each worker
//!   thread keeps its own and they are summed at the end.
//!
//! Memory is bounded by the blocks in flight, not by the number of replications, and after
//! set-up the per-replication work allocates nothing.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::engine::{CostBreakdown, Workspace};
use crate::metrics::{
    LaneCounters, MetricValues, N_LANE_METRICS, N_METRICS, N_SEGMENT_METRICS, N_SUPPLIER_METRICS,
    SegmentCounters, WaitHistogram,
};
use crate::model::Model;
use crate::stats::{LogHistogram, Moments};

/// Most blocks a run is split into.
const MAX_BLOCKS: u32 = 64;

/// Replications per block for a run of `replications` replications.
pub fn block_size(replications: u32) -> u32 {
    replications.div_ceil(MAX_BLOCKS).max(1)
}

/// Number of blocks of a run of `replications` replications.
pub fn block_count(replications: u32) -> u32 {
    replications.div_ceil(block_size(replications))
}

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    /// Number of replications.
    pub replications: u32,
    /// Master seed.
    pub seed: u64,
    /// Index of the policy other policies are compared with.
    pub baseline: usize,
    /// Whether to accumulate the daily series (sweeps do without them).
    pub daily: bool,
}

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

impl DayCounts {
    fn add(&mut self, o: &DayCounts) {
        self.on_hand += o.on_hand;
        self.backorders += o.backorders;
        self.demand += o.demand;
        self.filled += o.filled;
        self.lost += o.lost;
        self.suppliers_down += o.suppliers_down;
    }
}

fn add_costs(a: &mut CostBreakdown, c: &CostBreakdown) {
    a.holding += c.holding;
    a.backorder += c.backorder;
    a.lost_sales += c.lost_sales;
    a.ordering += c.ordering;
    a.purchase += c.purchase;
    a.pipeline += c.pipeline;
}

/// Floating-point statistics of one policy, merged in block order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ordered {
    /// Moments of each metric summed over pairs.
    pub total: Vec<Moments>,
    /// Moments of each metric per pair (indexed like `Model::pairs`).
    pub pairs: Vec<Vec<Moments>>,
    /// Moments of the paired difference (this policy − baseline) of each total metric.
    pub diff: Vec<Moments>,
    /// Moments of each supplier metric per supplier (indexed like `Model::suppliers`).
    pub suppliers: Vec<Vec<Moments>>,
    /// Moments of each segment metric per segment (indexed like `Model::segments`).
    pub segments: Vec<Vec<Moments>>,
    /// Moments of each lane metric per lane (indexed like `Model::lanes`).
    pub lanes: Vec<Vec<Moments>>,
    /// Per day, sums over replications of the day's costs.
    pub daily_costs: Vec<CostBreakdown>,
}

impl Ordered {
    /// Empty statistics for `model`.
    pub fn new(model: &Model) -> Ordered {
        Ordered {
            total: vec![Moments::default(); N_METRICS],
            pairs: vec![vec![Moments::default(); N_METRICS]; model.pairs.len()],
            diff: vec![Moments::default(); N_METRICS],
            suppliers: vec![vec![Moments::default(); N_SUPPLIER_METRICS]; model.suppliers.len()],
            segments: vec![vec![Moments::default(); N_SEGMENT_METRICS]; model.segments.len()],
            lanes: vec![vec![Moments::default(); N_LANE_METRICS]; model.lanes.len()],
            daily_costs: vec![CostBreakdown::default(); model.horizon as usize],
        }
    }

    /// Merges the statistics of the next block.
    pub fn merge(&mut self, o: &Ordered) {
        merge_all(&mut self.total, &o.total);
        merge_all(&mut self.diff, &o.diff);
        let scopes = self.pairs.iter_mut().zip(&o.pairs);
        let scopes = scopes.chain(self.suppliers.iter_mut().zip(&o.suppliers));
        let scopes = scopes.chain(self.segments.iter_mut().zip(&o.segments));
        for (a, b) in scopes.chain(self.lanes.iter_mut().zip(&o.lanes)) {
            merge_all(a, b);
        }
        for (a, b) in self.daily_costs.iter_mut().zip(&o.daily_costs) {
            add_costs(a, b);
        }
    }
}

fn merge_all(a: &mut [Moments], b: &[Moments]) {
    for (x, y) in a.iter_mut().zip(b) {
        x.merge(y);
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

/// The per-replication total metrics of one block, for `replications.csv`:
/// `(replication, policy, values)` in replication order, policy order within a replication.
pub type Rows = Vec<(u32, usize, MetricValues)>;

/// The floating-point statistics of one block of replications.
struct Block {
    policies: Vec<Ordered>,
    rows: Rows,
}

/// One worker thread's reusable state.
struct Worker {
    ws: Workspace,
    counted: Vec<Counted>,
    values: Vec<MetricValues>,
    suppliers: Vec<LaneCounters>,
    segments: Vec<SegmentCounters>,
}

impl Worker {
    fn new(model: &Model) -> Worker {
        Worker {
            ws: Workspace::new(model),
            counted: (0..model.policies.len()).map(|_| Counted::new(model)).collect(),
            values: vec![[0.0; N_METRICS]; model.policies.len()],
            suppliers: vec![LaneCounters::default(); model.suppliers.len()],
            segments: vec![SegmentCounters::default(); model.segments.len()],
        }
    }

    /// Simulates the replications `reps` of every policy, baseline first.
    fn run_block(
        &mut self,
        model: &Model,
        spec: &RunSpec,
        reps: Range<u32>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Block {
        let n_policies = model.policies.len();
        let mut block = Block {
            policies: (0..n_policies).map(|_| Ordered::new(model)).collect(),
            rows: Vec::with_capacity(reps.len() * n_policies),
        };
        let measured = model.measured_days();
        let order = std::iter::once(spec.baseline).chain((0..n_policies).filter(|&p| p != spec.baseline));
        let order: Vec<usize> = order.collect();
        for r in reps {
            for &p in &order {
                self.ws.run(model, p, spec.seed, r as u64);
                let (total, waits) = self.ws.total();
                self.values[p] = total.metrics(measured, waits);
                let ordered = &mut block.policies[p];
                for (m, v) in ordered.total.iter_mut().zip(&self.values[p]) {
                    m.push(*v);
                }
                for (moments, (c, w)) in ordered.pairs.iter_mut().zip(self.ws.pair_counters()) {
                    for (m, v) in moments.iter_mut().zip(c.metrics(measured, w)) {
                        m.push(v);
                    }
                }
                self.suppliers.iter_mut().for_each(|c| *c = LaneCounters::default());
                for (lane, counts) in model.lanes.iter().zip(self.ws.lane_counters()) {
                    if let Some(s) = lane.supplier() {
                        self.suppliers[s].add(counts);
                    }
                }
                let lanes = ordered.lanes.iter_mut().zip(self.ws.lane_counters()).zip(&model.lanes);
                for ((moments, counts), lane) in lanes {
                    for (m, v) in
                        moments.iter_mut().zip(counts.lane_metrics(measured, lane.supplier().is_some()))
                    {
                        m.push(v);
                    }
                }
                let supplier_stats =
                    ordered.suppliers.iter_mut().zip(&self.suppliers).zip(self.ws.supplier_days());
                for ((moments, counts), days) in supplier_stats {
                    for (m, v) in moments.iter_mut().zip(counts.metrics(days, measured)) {
                        m.push(v);
                    }
                }
                self.segments.iter_mut().for_each(|c| *c = SegmentCounters::default());
                for (stream, counts) in model.demands.iter().zip(self.ws.stream_counters()) {
                    self.segments[stream.segment].add(counts);
                }
                for (moments, counts) in ordered.segments.iter_mut().zip(&self.segments) {
                    for (m, v) in moments.iter_mut().zip(counts.metrics()) {
                        m.push(v);
                    }
                }
                if p != spec.baseline {
                    for (k, m) in ordered.diff.iter_mut().enumerate() {
                        m.push(self.values[p][k] - self.values[spec.baseline][k]);
                    }
                }
                self.counted[p].waits.add(waits);
                if !spec.daily {
                    continue;
                }
                let counted = &mut self.counted[p];
                let days = self.ws.days().iter().zip(&mut ordered.daily_costs);
                for ((rec, costs), (c, bands)) in days.zip(counted.daily.iter_mut().zip(&mut counted.bands)) {
                    add_costs(costs, &rec.costs);
                    c.on_hand += rec.on_hand as i128;
                    c.backorders += rec.backorders as i128;
                    c.demand += rec.demand as i128;
                    c.filled += rec.filled as i128;
                    c.lost += rec.lost as i128;
                    c.suppliers_down += rec.suppliers_down as i128;
                    bands[0].record(rec.on_hand);
                    bands[1].record(rec.backorders);
                }
                for (a, &b) in counted.locations.iter_mut().zip(self.ws.location_backorders()) {
                    *a += b as i128;
                }
            }
            block.rows.extend((0..n_policies).map(|p| (r, p, self.values[p])));
            progress(1);
        }
        block
    }
}

/// Receives finished blocks in any order and merges them strictly in block order.
struct Reducer<'a> {
    next: u32,
    pending: BTreeMap<u32, Block>,
    ordered: Vec<Ordered>,
    kept: Option<Vec<Vec<Ordered>>>,
    rows: &'a mut (dyn FnMut(&Rows) + Send),
}

impl Reducer<'_> {
    fn deliver(&mut self, index: u32, block: Block) {
        self.pending.insert(index, block);
        while let Some(block) = self.pending.remove(&self.next) {
            for (a, b) in self.ordered.iter_mut().zip(&block.policies) {
                a.merge(b);
            }
            (self.rows)(&block.rows);
            if let Some(kept) = &mut self.kept {
                kept.push(block.policies);
            }
            self.next += 1;
        }
    }
}

/// Runs the blocks `blocks` of a run in the current rayon pool and returns their statistics.
/// `rows` receives every replication's total metrics in replication order; `progress` is
/// called with the number of replications finished.
///
/// Each pool thread takes the next unclaimed block from a shared counter, so blocks finish in
/// nearly increasing order and only a few wait to be merged; the thread that delivers the next
/// block in order merges it while the others keep simulating.
pub fn run_blocks(
    model: &Model,
    spec: &RunSpec,
    blocks: Range<u32>,
    keep_blocks: bool,
    rows: &mut (dyn FnMut(&Rows) + Send),
    progress: &(dyn Fn(u64) + Sync),
) -> RunStats {
    let size = block_size(spec.replications);
    let threads = rayon::current_num_threads().max(1);
    let claim = AtomicU32::new(blocks.start);
    let reducer = Mutex::new(Reducer {
        next: blocks.start,
        pending: BTreeMap::new(),
        ordered: (0..model.policies.len()).map(|_| Ordered::new(model)).collect(),
        kept: keep_blocks.then(Vec::new),
        rows,
    });
    let counted: Vec<Vec<Counted>> = (0..threads)
        .into_par_iter()
        .map(|_| {
            let mut worker = Worker::new(model);
            loop {
                let b = claim.fetch_add(1, Ordering::Relaxed);
                if b >= blocks.end {
                    break;
                }
                let reps = b * size..((b + 1) * size).min(spec.replications);
                let block = worker.run_block(model, spec, reps, progress);
                reducer.lock().expect("the reducer never panics while locked").deliver(b, block);
            }
            worker.counted
        })
        .collect();
    let reducer = reducer.into_inner().expect("not poisoned");
    debug_assert!(reducer.pending.is_empty() && reducer.next == blocks.end.max(blocks.start));
    let mut total: Vec<Counted> = (0..model.policies.len()).map(|_| Counted::new(model)).collect();
    for worker in &counted {
        for (a, b) in total.iter_mut().zip(worker) {
            a.add(b);
        }
    }
    let replications = blocks.map(|b| ((b + 1) * size).min(spec.replications) - b * size).sum();
    RunStats {
        policies: reducer
            .ordered
            .into_iter()
            .zip(total)
            .map(|(ordered, counted)| PolicyStats { ordered, counted })
            .collect(),
        replications,
        blocks: reducer.kept.unwrap_or_default(),
    }
}

/// Runs every replication of `spec`.
pub fn run(
    model: &Model,
    spec: &RunSpec,
    rows: &mut (dyn FnMut(&Rows) + Send),
    progress: &(dyn Fn(u64) + Sync),
) -> RunStats {
    run_blocks(model, spec, 0..block_count(spec.replications), false, rows, progress)
}
