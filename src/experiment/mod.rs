//! Experiments: many replications of every policy, in parallel, reduced deterministically.
//!
//! Replication `r` of every policy uses the streams of `(seed, r)`, so policies are compared on
//! common random numbers. Two kinds of statistics are kept apart:
//!
//! - floating-point statistics (moments of every metric, daily cost sums) are accumulated per
//!   *chunk* of at most 256 replications, chunks are merged in order into their *block* (at most
//!   64 per run), and blocks are merged strictly in block order. Chunks and blocks depend only on
//!   the number of replications, never on the thread count, so these numbers are bit-identical
//!   on 1 or 64 threads, and shards of whole blocks merge into exactly them;
//! - integer statistics (daily unit sums, histograms) are exact and order-free, so each worker
//!   thread keeps its own and adds them to the total when it finishes (the daily records in
//!   narrow sums widened exactly, `day_sums`).
//!
//! A thread takes one chunk at a time, so memory is bounded by the chunks in flight (their
//! statistics and per-replication rows), not by the number of replications; a chunk keeps its
//! per-pair statistics compactly (`run_stats::ChunkPairs`: a chunk of one or two
//! replications keeps the values, 8 bytes a metric, instead of moments, 24), and a block of
//! one chunk is merged straight into the run. After set-up the per-replication work allocates
//! nothing.

pub mod compare;
mod day_sums;
pub mod env;
pub mod golden;
pub mod merge;
pub mod optimize;
mod pair_rows;
pub mod paths;
pub mod per_pair;
pub mod points;
mod run_stats;
pub mod section;
pub mod shard;
pub mod stats;
pub mod sweep;

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use rayon::prelude::*;

use crate::experiment::stats::Moments;
use crate::metrics::{LaneCounters, MetricValues, N_METRICS, SegmentCounters};
use crate::model::Model;
use crate::sim::engine::Workspace;
use day_sums::DaySums;
pub use pair_rows::PairRows;
use run_stats::ChunkPairs;
pub use run_stats::{Counted, DayCounts, Ordered, PolicyStats, RunStats};

/// Most blocks a run is split into.
const MAX_BLOCKS: u32 = 64;

/// Most replications in a chunk, the unit of work a thread takes.
const MAX_CHUNK: u32 = 256;

/// Replications per block for a run of `replications` replications.
pub fn block_size(replications: u32) -> u32 {
    replications.div_ceil(MAX_BLOCKS).max(1)
}

/// Number of blocks of a run of `replications` replications.
pub fn block_count(replications: u32) -> u32 {
    replications.div_ceil(block_size(replications))
}

/// How a run of `replications` replications is cut into blocks and each block into chunks of
/// at most [`MAX_CHUNK`] replications. Chunks are numbered block by block, every block having
/// room for the same number of chunks (the last block may use fewer).
#[derive(Debug, Clone, Copy)]
struct Chunks {
    replications: u32,
    block_size: u32,
    per_block: u32,
}

impl Chunks {
    fn new(replications: u32) -> Chunks {
        let block_size = block_size(replications);
        Chunks { replications, block_size, per_block: block_size.div_ceil(MAX_CHUNK) }
    }

    /// The number of the first chunk of block `block`.
    fn first(&self, block: u32) -> u32 {
        block * self.per_block
    }

    /// The block of chunk `chunk` and its replications (empty past the end of a short last
    /// block).
    fn locate(&self, chunk: u32) -> (u32, Range<u32>) {
        let (block, k) = (chunk / self.per_block, chunk % self.per_block);
        let block_end = ((block + 1) * self.block_size).min(self.replications);
        let start = (block * self.block_size + k * MAX_CHUNK).min(block_end);
        (block, start..(start + MAX_CHUNK).min(block_end))
    }

    /// Whether chunk `chunk` is the last (non-empty) one of its block.
    fn ends_block(&self, chunk: u32) -> bool {
        chunk % self.per_block + 1 == self.per_block || self.locate(chunk + 1).1.is_empty()
    }
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

/// The per-replication total metrics of one block, for `replications.csv`:
/// `(replication, policy, values)` in replication order, policy order within a replication.
pub type Rows = Vec<(u32, usize, MetricValues)>;

/// The floating-point statistics and rows of one chunk of replications.
struct ChunkResult {
    /// Per policy, every statistic but the per-pair ones (`pairs` is empty)...
    policies: Vec<Ordered>,
    /// ... which are kept apart, compactly.
    pair_stats: Vec<ChunkPairs>,
    rows: Rows,
    pairs: Option<PairRows>,
}

/// One worker thread's reusable state.
struct Worker {
    ws: Workspace,
    counted: Vec<Counted>,
    /// Per policy, the daily records of the replications since the last widening into
    /// `counted`.
    days: Vec<DaySums>,
    values: Vec<MetricValues>,
    suppliers: Vec<LaneCounters>,
    segments: Vec<SegmentCounters>,
}

impl Worker {
    fn new(model: &Model) -> Worker {
        Worker {
            ws: Workspace::new(model),
            counted: (0..model.policies.len()).map(|_| Counted::new(model)).collect(),
            days: (0..model.policies.len()).map(|_| DaySums::new(model.horizon as usize)).collect(),
            values: vec![[0.0; N_METRICS]; model.policies.len()],
            suppliers: vec![LaneCounters::default(); model.suppliers.len()],
            segments: vec![SegmentCounters::default(); model.segments.len()],
        }
    }

    /// Simulates the replications `reps` of every policy, baseline first; keeps every pair's
    /// values with `pairs`.
    fn run_chunk(
        &mut self,
        model: &Model,
        spec: &RunSpec,
        (reps, pairs): (Range<u32>, bool),
        progress: &(dyn Fn(u64) + Sync),
    ) -> ChunkResult {
        let n_policies = model.policies.len();
        let mut block = ChunkResult {
            policies: (0..n_policies).map(|_| Ordered::unpaired(model)).collect(),
            pair_stats: (0..n_policies).map(|_| ChunkPairs::new(model.pairs.len(), reps.len())).collect(),
            rows: Vec::with_capacity(reps.len() * n_policies),
            pairs: pairs.then(|| PairRows::new(reps.clone(), n_policies, model.pairs.len())),
        };
        let order = std::iter::once(spec.baseline).chain((0..n_policies).filter(|&p| p != spec.baseline));
        let order: Vec<usize> = order.collect();
        for r in reps {
            for &p in &order {
                self.ws.run(model, p, spec.seed, r as u64);
                let ordered = &mut block.policies[p];
                let kept = block.pairs.as_mut().map(|k| k.slot(r, p));
                self.record_metrics(model, p, (ordered, &mut block.pair_stats[p]), kept);
                self.counted[p].waits.add(self.ws.total().1);
                if spec.daily {
                    self.record_daily(p, ordered);
                }
            }
            self.record_differences(&mut block.policies);
            block.rows.extend((0..n_policies).map(|p| (r, p, self.values[p])));
            progress(1);
        }
        block
    }

    /// Computes the metrics of the last run (of policy `p`) in every scope and adds them to the
    /// policy's statistics (the per-pair ones to `pair_stats`); keeps the total's values for
    /// the rows and differences, and each pair's in `pairs` if given.
    fn record_metrics(
        &mut self,
        model: &Model,
        p: usize,
        (ordered, pair_stats): (&mut Ordered, &mut ChunkPairs),
        pairs: Option<&mut [MetricValues]>,
    ) {
        let measured = model.measured_days();
        let (total, waits) = self.ws.total();
        self.values[p] = total.metrics(measured, waits);
        push_all(&mut ordered.total, self.values[p]);
        let mut kept = pairs.map(|k| k.iter_mut());
        for (k, (c, w)) in self.ws.pair_counters().enumerate() {
            let values = c.metrics(measured, w);
            if let Some(slot) = kept.as_mut().and_then(|k| k.next()) {
                *slot = values;
            }
            pair_stats.record(k, values);
        }
        self.suppliers.iter_mut().for_each(|c| *c = LaneCounters::default());
        for (lane, counts) in model.lanes.iter().zip(self.ws.lane_counters()) {
            if let Some(s) = lane.supplier() {
                self.suppliers[s].add(counts);
            }
        }
        let lanes = ordered.lanes.iter_mut().zip(self.ws.lane_counters()).zip(&model.lanes);
        for ((moments, counts), lane) in lanes {
            push_all(moments, counts.lane_metrics(measured, lane.supplier().is_some()));
        }
        let supplier_stats = ordered.suppliers.iter_mut().zip(&self.suppliers).zip(self.ws.supplier_days());
        for ((moments, counts), days) in supplier_stats {
            push_all(moments, counts.metrics(days, measured));
        }
        self.segments.iter_mut().for_each(|c| *c = SegmentCounters::default());
        for (stream, counts) in model.demands.iter().zip(self.ws.stream_counters()) {
            self.segments[stream.segment].add(counts);
        }
        for (moments, counts) in ordered.segments.iter_mut().zip(&self.segments) {
            push_all(moments, counts.metrics());
        }
        for (k, (counts, lead)) in self.ws.order_counters().enumerate() {
            push_all(&mut ordered.orders[k], counts.metrics(lead, model.shipment_cost(p, k), measured));
        }
    }

    /// Adds the paired differences of the last replication: each policy minus every policy
    /// listed before it, and minus itself (0, or NaN where its value is not finite). The rest
    /// of the matrix follows from these ([`complete_diffs`]).
    fn record_differences(&self, policies: &mut [Ordered]) {
        for (p, ordered) in policies.iter_mut().enumerate() {
            let (before, itself) = ordered.diff[..=p].split_at_mut(p);
            for (q, moments) in before.iter_mut().enumerate() {
                push_all(moments, self.values[p].iter().zip(&self.values[q]).map(|(a, b)| a - b));
            }
            for (moments, &v) in itself[0].iter_mut().zip(&self.values[p]) {
                moments.push_self_difference(v);
            }
        }
    }

    /// Adds the daily records of the last run (of policy `p`) to its daily sums.
    fn record_daily(&mut self, p: usize, ordered: &mut Ordered) {
        let counted = &mut self.counted[p];
        self.days[p].add(self.ws.days(), &mut ordered.daily_costs, counted);
        for (a, &b) in counted.locations.iter_mut().zip(self.ws.location_backorders()) {
            *a += b as i128;
        }
    }

    /// The worker's integer statistics, every narrow sum widened.
    fn into_counted(mut self) -> Vec<Counted> {
        for (days, counted) in self.days.iter_mut().zip(&mut self.counted) {
            days.widen_into(counted);
        }
        self.counted
    }
}

/// Fills the paired differences that [`Worker::record_differences`] leaves out: policy `p`
/// minus a later policy `q` is the negation of `q` minus `p`, exactly what pushing and merging
/// those differences would give (IEEE arithmetic rounds `-a` as it rounds `a`), so the
/// statistics are the same to the bit, with a little over half the work for many policies.
fn complete_diffs(policies: &mut [Ordered]) {
    for p in 0..policies.len() {
        for q in p + 1..policies.len() {
            let negated: Vec<Moments> = policies[q].diff[p].iter().map(Moments::negated).collect();
            policies[p].diff[q] = negated;
        }
    }
}

/// Adds one replication's values to the moments of each metric.
fn push_all(moments: &mut [Moments], values: impl IntoIterator<Item = f64>) {
    for (m, v) in moments.iter_mut().zip(values) {
        m.push(v);
    }
}

/// Receives finished chunks in any order and merges them strictly in order: chunks into their
/// block, blocks into the run.
struct Reducer<'a> {
    chunks: Chunks,
    /// The next chunk to merge.
    next: u32,
    pending: BTreeMap<u32, ChunkResult>,
    /// The statistics of the block being assembled from its chunks.
    block: Option<Vec<Ordered>>,
    /// The statistics of the blocks merged so far (none yet: the first block is taken whole,
    /// which is what merging it into empty statistics gives, without a second copy).
    ordered: Option<Vec<Ordered>>,
    kept: Option<Vec<Vec<Ordered>>>,
    rows: &'a mut (dyn FnMut(&Rows) + Send),
    pairs: Option<&'a mut (dyn FnMut(&PairRows) + Send)>,
}

impl Reducer<'_> {
    fn deliver(&mut self, index: u32, chunk: ChunkResult) {
        self.pending.insert(index, chunk);
        while let Some(chunk) = self.pending.remove(&self.next) {
            (self.rows)(&chunk.rows);
            if let (Some(consumer), Some(pairs)) = (self.pairs.as_mut(), &chunk.pairs) {
                consumer(pairs);
            }
            let ends_block = self.chunks.ends_block(self.next);
            match (&mut self.block, &mut self.ordered) {
                // A block of this one chunk, not kept: merged straight into the run (what
                // merging it into an empty block and that block into the run gives), without
                // building the block's per-pair moments.
                (None, Some(ordered)) if ends_block && self.kept.is_none() => {
                    merge_chunk(ordered, chunk.policies, chunk.pair_stats);
                    self.next = self.chunks.first(self.chunks.locate(self.next).0 + 1);
                    continue;
                }
                (None, _) => {
                    let mut block = chunk.policies;
                    for (ordered, pairs) in block.iter_mut().zip(chunk.pair_stats) {
                        ordered.pairs = pairs.into_moments();
                    }
                    self.block = Some(block);
                }
                (Some(block), _) => merge_chunk(block, chunk.policies, chunk.pair_stats),
            }
            if !ends_block {
                self.next += 1;
                continue;
            }
            let block = self.block.take().expect("a block is being assembled");
            match (&mut self.ordered, &mut self.kept) {
                (None, None) => self.ordered = Some(block),
                (None, Some(kept)) => {
                    self.ordered = Some(block.clone());
                    kept.push(completed(block));
                }
                (Some(ordered), kept) => {
                    for (a, b) in ordered.iter_mut().zip(&block) {
                        a.merge(b);
                    }
                    if let Some(kept) = kept {
                        kept.push(completed(block));
                    }
                }
            }
            self.next = self.chunks.first(self.chunks.locate(self.next).0 + 1);
        }
    }
}

/// Merges a chunk's statistics (per policy, `policies` and their per-pair `pair_stats`) into
/// `into`.
fn merge_chunk(into: &mut [Ordered], policies: Vec<Ordered>, pair_stats: Vec<ChunkPairs>) {
    for ((a, b), pairs) in into.iter_mut().zip(&policies).zip(&pair_stats) {
        a.merge(b);
        pairs.merge_into(&mut a.pairs);
    }
}

/// `policies` with their paired differences completed ([`complete_diffs`]).
fn completed(mut policies: Vec<Ordered>) -> Vec<Ordered> {
    complete_diffs(&mut policies);
    policies
}

/// Runs the blocks `blocks` of a run in the current rayon pool and returns their statistics.
/// `rows` receives every replication's total metrics in replication order; `progress` is
/// called with the number of replications finished.
///
/// Each pool thread takes the next unclaimed chunk from a shared counter, so chunks finish in
/// nearly increasing order and only a few wait to be merged; the thread that delivers the next
/// chunk in order merges it while the others keep simulating.
pub fn run_blocks(
    model: &Model,
    spec: &RunSpec,
    blocks: Range<u32>,
    keep_blocks: bool,
    rows: &mut (dyn FnMut(&Rows) + Send),
    progress: &(dyn Fn(u64) + Sync),
) -> RunStats {
    run_blocks_to(model, spec, (blocks, keep_blocks), rows, None, progress)
}

/// [`run_blocks`], also handing every chunk's per-pair values to `pairs` (in replication
/// order) if given.
fn run_blocks_to<'a>(
    model: &Model,
    spec: &RunSpec,
    (blocks, keep_blocks): (Range<u32>, bool),
    rows: &'a mut (dyn FnMut(&Rows) + Send),
    pairs: Option<&'a mut (dyn FnMut(&PairRows) + Send)>,
    progress: &(dyn Fn(u64) + Sync),
) -> RunStats {
    let size = block_size(spec.replications);
    let chunks = Chunks::new(spec.replications);
    let (first, end) = (chunks.first(blocks.start), chunks.first(blocks.end.max(blocks.start)));
    let threads = rayon::current_num_threads().max(1);
    let keep_pairs = pairs.is_some();
    let claim = AtomicU32::new(first);
    let reducer = Mutex::new(Reducer {
        chunks,
        next: first,
        pending: BTreeMap::new(),
        block: None,
        ordered: None,
        kept: keep_blocks.then(Vec::new),
        rows,
        pairs,
    });
    // Integer statistics are exact and order-free: the first worker to finish starts the total
    // and each later one adds its own, while the others may still be simulating.
    let counted: Mutex<Option<Vec<Counted>>> = Mutex::new(None);
    (0..threads).into_par_iter().for_each(|_| {
        let mut worker = Worker::new(model);
        loop {
            let c = claim.fetch_add(1, Ordering::Relaxed);
            if c >= end {
                break;
            }
            let (_, reps) = chunks.locate(c);
            if reps.is_empty() {
                continue;
            }
            let chunk = worker.run_chunk(model, spec, (reps, keep_pairs), progress);
            reducer.lock().expect("the reducer never panics while locked").deliver(c, chunk);
        }
        let worker = worker.into_counted();
        let mut total = counted.lock().expect("adding counts never panics");
        match total.as_mut() {
            None => *total = Some(worker),
            Some(total) => {
                for (a, b) in total.iter_mut().zip(&worker) {
                    a.add(b);
                }
            }
        }
    });
    let reducer = reducer.into_inner().expect("not poisoned");
    debug_assert!(reducer.pending.is_empty() && reducer.block.is_none() && reducer.next == end);
    let total = counted.into_inner().expect("not poisoned").expect("every pool has a thread");
    let replications = blocks.map(|b| ((b + 1) * size).min(spec.replications) - b * size).sum();
    let ordered =
        reducer.ordered.unwrap_or_else(|| (0..model.policies.len()).map(|_| Ordered::new(model)).collect());
    RunStats {
        policies: completed(ordered)
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

/// Runs every replication of `spec` as [`run`] does (the same statistics, bit for bit), and
/// hands each chunk of replications' per-pair metric values to `pairs`, in replication order.
/// A chunk's values stay in memory until it is handed over: at most the chunks in flight
/// (about one per thread, each of at most 256 replications × policies × pairs × 8 bytes a
/// metric).
pub fn run_with_pairs(
    model: &Model,
    spec: &RunSpec,
    rows: &mut (dyn FnMut(&Rows) + Send),
    pairs: &mut (dyn FnMut(&PairRows) + Send),
    progress: &(dyn Fn(u64) + Sync),
) -> RunStats {
    let blocks = 0..block_count(spec.replications);
    run_blocks_to(model, spec, (blocks, false), rows, Some(pairs), progress)
}

#[cfg(test)]
mod tests;
