//! Experiments: many replications of every policy, in parallel, reduced deterministically.
//!
//! Replication `r` of every policy uses the streams of `(seed, r)`, so policies are compared on
//! common random numbers. Replications are grouped in fixed blocks whose size depends only on
//! the number of replications (never on the thread count); a block is simulated sequentially by
//! one worker, and finished blocks are merged strictly in block order. The floating-point
//! results are therefore identical on 1 or 64 threads, and a run split into shards of whole
//! blocks merges into exactly the same numbers. Memory is bounded by the blocks in flight, not
//! by the number of replications.

use std::ops::Range;

use rayon::prelude::*;

use crate::engine::{CostBreakdown, DayRecord, Workspace};
use crate::metrics::{MetricValues, N_METRICS, WaitHistogram};
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
}

/// Sums over replications of one day's records.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DaySums {
    /// End-of-day on-hand.
    pub on_hand: f64,
    /// End-of-day backorders.
    pub backorders: f64,
    /// Units demanded.
    pub demand: f64,
    /// Units filled from stock on arrival.
    pub filled: f64,
    /// Units lost.
    pub lost: f64,
    /// Costs.
    pub costs: CostBreakdown,
}

impl DaySums {
    fn add_record(&mut self, r: &DayRecord) {
        self.on_hand += r.on_hand as f64;
        self.backorders += r.backorders as f64;
        self.demand += r.demand as f64;
        self.filled += r.filled as f64;
        self.lost += r.lost as f64;
        self.add_costs(&r.costs);
    }

    fn add(&mut self, o: &DaySums) {
        self.on_hand += o.on_hand;
        self.backorders += o.backorders;
        self.demand += o.demand;
        self.filled += o.filled;
        self.lost += o.lost;
        self.add_costs(&o.costs);
    }

    fn add_costs(&mut self, c: &CostBreakdown) {
        self.costs.holding += c.holding;
        self.costs.backorder += c.backorder;
        self.costs.lost_sales += c.lost_sales;
        self.costs.ordering += c.ordering;
        self.costs.purchase += c.purchase;
    }
}

/// Everything accumulated about one policy.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyStats {
    /// Moments of each metric summed over pairs.
    pub total: Vec<Moments>,
    /// Moments of each metric per pair (indexed like `Model::pairs`).
    pub pairs: Vec<Vec<Moments>>,
    /// Moments of the paired difference (this policy − baseline) of each total metric.
    pub diff: Vec<Moments>,
    /// Per day, sums over replications.
    pub daily: Vec<DaySums>,
    /// Per day, histograms across replications of end-of-day on-hand and backorders.
    pub bands: Vec<[LogHistogram; 2]>,
    /// Late-filled units by days waited, pooled over replications.
    pub waits: WaitHistogram,
}

impl PolicyStats {
    fn new(model: &Model) -> PolicyStats {
        let h = model.horizon as usize;
        PolicyStats {
            total: vec![Moments::default(); N_METRICS],
            pairs: vec![vec![Moments::default(); N_METRICS]; model.pairs.len()],
            diff: vec![Moments::default(); N_METRICS],
            daily: vec![DaySums::default(); h],
            bands: vec![Default::default(); h],
            waits: WaitHistogram::default(),
        }
    }

    fn merge(&mut self, o: &PolicyStats) {
        merge_all(&mut self.total, &o.total);
        merge_all(&mut self.diff, &o.diff);
        for (a, b) in self.pairs.iter_mut().zip(&o.pairs) {
            merge_all(a, b);
        }
        for (a, b) in self.daily.iter_mut().zip(&o.daily) {
            a.add(b);
        }
        for (a, b) in self.bands.iter_mut().zip(&o.bands) {
            a[0].add(&b[0]);
            a[1].add(&b[1]);
        }
        self.waits.add(&o.waits);
    }
}

fn merge_all(a: &mut [Moments], b: &[Moments]) {
    for (x, y) in a.iter_mut().zip(b) {
        x.merge(y);
    }
}

/// The results of a run (or of a shard of one): per policy, statistics over replications.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStats {
    /// One entry per policy, in scenario order.
    pub policies: Vec<PolicyStats>,
    /// Replications accumulated.
    pub replications: u32,
}

impl RunStats {
    /// Empty statistics for `model`.
    pub fn new(model: &Model) -> RunStats {
        RunStats {
            policies: (0..model.policies.len()).map(|_| PolicyStats::new(model)).collect(),
            replications: 0,
        }
    }

    /// Merges the statistics of the next block (blocks must be merged in order).
    pub fn merge(&mut self, block: &RunStats) {
        for (a, b) in self.policies.iter_mut().zip(&block.policies) {
            a.merge(b);
        }
        self.replications += block.replications;
    }
}

/// The per-replication total metrics of one block, for `replications.csv`.
pub type Rows = Vec<(u32, usize, MetricValues)>;

/// Simulates one block of replications sequentially.
fn run_block(
    model: &Model,
    spec: &RunSpec,
    reps: Range<u32>,
    ws: &mut Workspace,
    progress: &(dyn Fn(u64) + Sync),
) -> (RunStats, Rows) {
    let mut stats = RunStats::new(model);
    let mut rows = Vec::with_capacity(reps.len() * model.policies.len());
    let measured = model.measured_days();
    let warmup = model.warmup as usize;
    let order =
        std::iter::once(spec.baseline).chain((0..model.policies.len()).filter(|&p| p != spec.baseline));
    let order: Vec<usize> = order.collect();
    let mut values = vec![[0.0; N_METRICS]; model.policies.len()];
    for r in reps {
        for &p in &order {
            ws.run(model, p, spec.seed, r as u64);
            let ps = &mut stats.policies[p];
            let (total, waits) = ws.total();
            values[p] = total.metrics(measured, waits);
            for (m, v) in ps.total.iter_mut().zip(&values[p]) {
                m.push(*v);
            }
            for (moments, (c, w)) in ps.pairs.iter_mut().zip(ws.pair_counters()) {
                for (m, v) in moments.iter_mut().zip(c.metrics(measured, w)) {
                    m.push(v);
                }
            }
            for (d, rec) in ws.days().iter().enumerate() {
                ps.daily[d].add_record(rec);
                ps.bands[d][0].record(rec.on_hand);
                ps.bands[d][1].record(rec.backorders);
            }
            debug_assert!(ws.days().len() > warmup);
            ps.waits.add(waits);
            if p != spec.baseline {
                for (k, m) in ps.diff.iter_mut().enumerate() {
                    m.push(values[p][k] - values[spec.baseline][k]);
                }
            }
        }
        rows.extend((0..model.policies.len()).map(|p| (r, p, values[p])));
        progress(1);
    }
    stats.replications = rows.len() as u32 / model.policies.len() as u32;
    (stats, rows)
}

/// Runs the blocks `blocks` of a run in the current rayon pool and returns their merged
/// statistics. `rows` receives every replication's total metrics in replication order, policy
/// order within a replication; `progress` is called with the number of replications finished.
pub fn run_blocks(
    model: &Model,
    spec: &RunSpec,
    blocks: Range<u32>,
    rows: &mut dyn FnMut(&Rows),
    progress: &(dyn Fn(u64) + Sync),
) -> RunStats {
    let size = block_size(spec.replications);
    let mut stats = RunStats::new(model);
    let in_flight = (rayon::current_num_threads() * 2).max(2) as u32;
    let mut next = blocks.start;
    while next < blocks.end {
        let batch = next..(next + in_flight).min(blocks.end);
        next = batch.end;
        let done: Vec<(RunStats, Rows)> = batch
            .into_par_iter()
            .map_init(
                || Workspace::new(model),
                |ws, b| {
                    let reps = b * size..((b + 1) * size).min(spec.replications);
                    run_block(model, spec, reps, ws, progress)
                },
            )
            .collect();
        for (block, block_rows) in &done {
            stats.merge(block);
            rows(block_rows);
        }
    }
    stats
}

/// Runs every replication of `spec`.
pub fn run(
    model: &Model,
    spec: &RunSpec,
    rows: &mut dyn FnMut(&Rows),
    progress: &(dyn Fn(u64) + Sync),
) -> RunStats {
    run_blocks(model, spec, 0..block_count(spec.replications), rows, progress)
}
