//! The per-day loop allocates nothing once a workspace is set up: a second run of the same
//! replication (whose buffers already have their working size) must not touch the allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use scsim::experiment::RunSpec;
use scsim::metrics::N_METRICS;
use scsim::model::Model;
use scsim::sim::engine::Workspace;

mod common;

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

thread_local! {
    /// Bytes allocated and not yet freed by this thread.
    static LIVE: Cell<i64> = const { Cell::new(0) };
}

thread_local! {
    /// Whether this thread's allocations count in [`MEASURED_LIVE`] (the threads of one
    /// test's pool, so that tests running at the same time do not count).
    static MEASURED: Cell<bool> = const { Cell::new(false) };
}

/// Bytes allocated and not yet freed by the measured threads, and their peak.
static MEASURED_LIVE: AtomicI64 = AtomicI64::new(0);
static MEASURED_PEAK: AtomicI64 = AtomicI64::new(0);

/// Counts an allocation (when counting) and `bytes` more live on this thread.
fn note(bytes: i64) {
    if COUNTING.with(Cell::get) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
    LIVE.with(|l| l.set(l.get() + bytes));
    if MEASURED.with(Cell::get) {
        let live = MEASURED_LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
        MEASURED_PEAK.fetch_max(live, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size() as i64);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.with(|l| l.set(l.get() - layout.size() as i64));
        if MEASURED.with(Cell::get) {
            MEASURED_LIVE.fetch_sub(layout.size() as i64, Ordering::Relaxed);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size as i64 - layout.size() as i64);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs replication `replication` of every policy twice in one workspace and asserts that the
/// second pass, whose buffers already have their working size, allocates nothing.
fn second_run_allocates_nothing(m: &Model, seed: u64, replication: u64) -> Workspace {
    let mut ws = Workspace::new(m);
    for p in 0..m.policies.len() {
        ws.run(m, p, seed, replication);
    }
    COUNTING.with(|c| c.set(true));
    for p in 0..m.policies.len() {
        ws.run(m, p, seed, replication);
    }
    COUNTING.with(|c| c.set(false));
    assert_eq!(ALLOCATIONS.load(Ordering::Relaxed), 0);
    ws
}

#[test]
fn a_replication_allocates_nothing_after_set_up() {
    // Stochastic lead times (from 0 days: the engine's full day loop), mixed customer
    // behaviour with multi-unit lines, order rounding, a weekly profile and a trend, several
    // policies.
    let m = common::model(
        r#"{"schema_version": 1, "horizon_days": 400, "warmup_days": 50,
        "items": [{"id": "a"}, {"id": "b"}], "locations": [{"id": "l"}], "suppliers": [{"id": "s"}],
        "lanes": [{"id": "x", "from": "s", "to": "l", "lead_time": {"type": "uniform", "min": 0, "max": 6},
                   "min_order": 10, "order_multiple": 5}],
        "segments": [{"id": "mixed", "unmet": {"type": "mixed", "backorder_probability": 0.6}, "line_size": 3}],
        "demand": [
            {"location": "l", "item": "a", "distribution": {"type": "poisson", "mean": 12},
             "weekly_profile": [1, 1, 1, 1, 1.5, 0.5, 0]},
            {"location": "l", "item": "a", "segment": "mixed", "distribution": {"type": "negative_binomial", "mean": 5, "sd": 4}},
            {"location": "l", "item": "b", "distribution": {"type": "normal", "mean": 8, "sd": 3},
             "trend": {"type": "linear", "per_day": 0.001}}
        ],
        "policies": [
            {"name": "bs", "inventory": {"type": "base_stock", "S": 60}},
            {"name": "ss", "inventory": {"type": "s_S", "s": 20, "S": 90, "review_period": 3}},
            {"name": "rq", "inventory": {"type": "r_Q", "r": 30, "Q": 25}}
        ]}"#,
    );
    let ws = second_run_allocates_nothing(&m, 9, 0);
    // The run did real work.
    assert!(ws.total().0.demand_units > 0 && ws.total().0.backordered_units > 0);
}

#[test]
fn a_lean_replication_allocates_nothing_after_set_up() {
    // Models without the optional mechanisms run on the engine's lean day loop.
    let m = common::model(
        r#"{"schema_version": 1, "horizon_days": 400, "warmup_days": 50,
        "items": [{"id": "a"}, {"id": "b"}], "locations": [{"id": "l"}], "suppliers": [{"id": "s"}, {"id": "t"}],
        "lanes": [{"id": "x", "from": "s", "to": "l", "lead_time": {"type": "uniform", "min": 1, "max": 6},
                   "capacity_per_day": 40},
                  {"id": "y", "from": "t", "to": "l", "lead_time": {"type": "constant", "value": 2}, "order_multiple": 5}],
        "segments": [{"id": "mixed", "unmet": {"type": "mixed", "backorder_probability": 0.6}, "line_size": 3}],
        "demand": [
            {"location": "l", "item": "a", "segment": "mixed", "distribution": {"type": "poisson", "mean": 12}},
            {"location": "l", "item": "b", "distribution": {"type": "negative_binomial", "mean": 8, "sd": 4}}
        ],
        "policies": [
            {"name": "split", "inventory": {"type": "base_stock", "S": 50},
             "sourcing": {"type": "split", "shares": [{"source": "x", "share": 0.5}, {"source": "y", "share": 0.5}]}},
            {"name": "rq", "inventory": {"type": "r_Q", "r": 20, "Q": 25},
             "sourcing": {"type": "primary_backup", "sources": ["x", "y"]}}
        ]}"#,
    );
    assert!((0..m.policies.len()).all(|p| m.lean(p)));
    let ws = second_run_allocates_nothing(&m, 9, 0);
    assert!(ws.total().0.demand_units > 0 && ws.total().0.backordered_units > 0);
}

#[test]
fn a_network_replication_allocates_nothing_after_set_up() {
    // Internal orders, upstream backlogs, fair-share and priority allocation, echelon positions.
    let text = std::fs::read_to_string("scenarios/three-echelon.json").unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["locations"][1]["allocation"] = "fair_share".into();
    v["locations"][2]["allocation"] = "priority".into();
    v["locations"][8]["priority"] = 2.into();
    let m = common::model(&v.to_string());
    let ws = second_run_allocates_nothing(&m, 3, 1);
    assert!(ws.total().0.demand_units > 0);
    assert!(ws.total().0.owed_unit_days > 0, "the DCs did run short");
}

/// A catalogue of `items` copies of the canonical item (Poisson 20/day, lead time 5,
/// base-stock S = 110) at one location.
fn catalogue(items: usize) -> String {
    let ids: Vec<String> = (0..items).map(|i| format!(r#"{{"id": "sku{i}"}}"#)).collect();
    let demand: Vec<String> = (0..items)
        .map(|i| {
            format!(
                r#"{{"location": "dc", "item": "sku{i}", "distribution": {{"type": "poisson", "mean": 20}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"schema_version": 1, "horizon_days": 365, "warmup_days": 0,
        "items": [{}], "locations": [{{"id": "dc"}}], "suppliers": [{{"id": "sup"}}],
        "lanes": [{{"id": "lane", "from": "sup", "to": "dc", "lead_time": {{"type": "constant", "value": 5}}}}],
        "demand": [{}], "policies": [{{"name": "p", "inventory": {{"type": "base_stock", "S": 110}}}}]}}"#,
        ids.join(","),
        demand.join(",")
    )
}

/// Bytes held while simulating [`catalogue`]`(items)`: the model and a workspace that has run
/// one replication.
fn catalogue_bytes(items: usize) -> i64 {
    let json = catalogue(items);
    let before = LIVE.with(Cell::get);
    let m = common::model(&json);
    let mut ws = Workspace::new(&m);
    ws.run(&m, 0, 1, 0);
    assert!(ws.total().0.backordered_units > 0, "the catalogue runs short at times");
    LIVE.with(Cell::get) - before
}

/// The bound of [`a_catalogue_holds_a_bounded_number_of_bytes_per_pair`].
const BYTES_PER_PAIR: i64 = 3_500;

#[test]
fn a_catalogue_holds_a_bounded_number_of_bytes_per_pair() {
    // The bytes one more pair adds (model and engine state), from the difference of two sizes,
    // so that what does not grow with the items does not count. Issue 13: memory proportional
    // to the items; identical demand definitions share one sampler and its tables.
    let per_pair = (catalogue_bytes(3000) - catalogue_bytes(1000)) / 2000;
    eprintln!("model + workspace: {per_pair} bytes per pair");
    assert!((1000..BYTES_PER_PAIR).contains(&per_pair), "{per_pair} bytes per pair");
}

/// The peak bytes an experiment of 20 replications of [`catalogue`]`(items)` on one thread
/// holds beyond its workspace (what a workspace that has run one replication holds): the
/// statistics it accumulates and hands over.
fn experiment_bytes(items: usize) -> i64 {
    let m = common::model(&catalogue(items));
    let before = LIVE.with(Cell::get);
    let mut ws = Workspace::new(&m);
    ws.run(&m, 0, 1, 0);
    let workspace = LIVE.with(Cell::get) - before;
    drop(ws);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .start_handler(|_| MEASURED.with(|c| c.set(true)))
        .build()
        .expect("a pool");
    let spec = RunSpec { replications: 20, seed: 1, baseline: 0, daily: true };
    pool.install(|| {
        MEASURED_LIVE.store(0, Ordering::Relaxed);
        MEASURED_PEAK.store(0, Ordering::Relaxed);
        let stats = scsim::experiment::run(&m, &spec, &mut |_| {}, &|_| {});
        assert_eq!(stats.replications, 20);
    });
    MEASURED_PEAK.load(Ordering::Relaxed) - workspace
}

#[test]
fn an_experiment_holds_one_set_of_per_pair_moments_and_a_compact_chunk() {
    // Issue 17 (10,000 SKUs with pairs.csv under 200 MB): beyond its workspace, a run holds
    // each pair's moments once (24 bytes a metric) and, for the chunk in flight, the pair's
    // values (8 bytes a metric and replication in a chunk of one replication), not a second
    // set of moments per chunk (which made it 48 bytes a metric).
    let per_pair = (experiment_bytes(3000) - experiment_bytes(1000)) / 2000;
    let metric = per_pair as f64 / N_METRICS as f64;
    eprintln!("experiment statistics: {per_pair} bytes per pair, {metric:.1} a metric");
    assert!(per_pair > 24 * N_METRICS as i64, "{per_pair} bytes per pair");
    assert!(per_pair < 36 * N_METRICS as i64, "{per_pair} bytes per pair ({metric:.1} a metric)");
}
