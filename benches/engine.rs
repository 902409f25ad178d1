//! Engine throughput in SKU-days per second (criterion reports it as "elements/s").
//!
//! - `canonical/1-thread`: one item, base-stock S = 110, Poisson demand 20/day, lead time 4
//!   days, 365 days; one replication per iteration on one thread.
//! - `canonical/experiment-1-thread` and `canonical/experiment-all-cores`: the same case, 2,048
//!   replications through the parallel experiment (aggregation included) in a pool of one
//!   thread and in one of every core; their ratio is the parallel speed-up.
//! - `1000-items/1-thread`: 1,000 such items at one location, one replication of 365 days.
//! - `1000-items/forecast-1-thread`: the same with a forecast-driven safety-stock policy
//!   (exponential smoothing, 95 % cycle service level, levels recomputed weekly).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use scsim::experiment::{self, RunSpec};
use scsim::model::Model;
use scsim::scenario::ScenarioFile;
use scsim::sim::engine::Workspace;

const BASE_STOCK: &str = r#"{"type": "base_stock", "S": 110}"#;
const SAFETY_STOCK: &str = r#"{"type": "safety_stock", "forecast": {"type": "ses", "alpha": 0.1},
    "service": {"type": "cycle_service_level", "target": 0.95}}"#;

fn scenario(items: usize, policy: &str) -> Model {
    let ids: Vec<String> = (0..items).map(|i| format!(r#"{{"id": "sku{i}"}}"#)).collect();
    let demand: Vec<String> = (0..items)
        .map(|i| {
            format!(
                r#"{{"location": "dc", "item": "sku{i}", "distribution": {{"type": "poisson", "mean": 20}}}}"#
            )
        })
        .collect();
    let json = format!(
        r#"{{
        "schema_version": 1, "horizon_days": 365, "warmup_days": 0,
        "items": [{}], "locations": [{{"id": "dc"}}], "suppliers": [{{"id": "sup"}}],
        "lanes": [{{"id": "lane", "from": "sup", "to": "dc", "lead_time": {{"type": "constant", "value": 4}}}}],
        "demand": [{}],
        "costs": {{"holding_per_unit_day": 0.1, "backorder_per_unit_day": 1.0, "order_fixed": 5.0, "unit_purchase": 2.0}},
        "policies": [{{"name": "policy", "inventory": {policy}}}]
    }}"#,
        ids.join(","),
        demand.join(",")
    );
    let file = ScenarioFile::parse(json.as_bytes(), Path::new("bench.json")).expect("parses");
    Model::build(&file).expect("valid")
}

fn bench(c: &mut Criterion) {
    let canonical = scenario(1, BASE_STOCK);
    let mut g = c.benchmark_group("canonical");
    g.throughput(Throughput::Elements(365));
    let mut ws = Workspace::new(&canonical);
    let mut r = 0u64;
    g.bench_function("1-thread", |b| {
        b.iter(|| {
            r += 1;
            ws.run(black_box(&canonical), 0, 42, r);
        })
    });
    let reps = 2048u32;
    g.throughput(Throughput::Elements(365 * reps as u64));
    g.sample_size(20);
    let spec = RunSpec { replications: reps, seed: 42, baseline: 0, daily: true };
    for (name, threads) in [("experiment-1-thread", 1), ("experiment-all-cores", 0)] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool");
        g.bench_function(name, |b| {
            b.iter(|| pool.install(|| experiment::run(black_box(&canonical), &spec, &mut |_| {}, &|_| {})))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("1000-items");
    g.throughput(Throughput::Elements(365 * 1000));
    g.sample_size(20);
    for (name, policy) in [("1-thread", BASE_STOCK), ("forecast-1-thread", SAFETY_STOCK)] {
        let wide = scenario(1000, policy);
        let mut ws = Workspace::new(&wide);
        g.bench_function(name, |b| {
            b.iter(|| {
                r += 1;
                ws.run(black_box(&wide), 0, 42, r);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
