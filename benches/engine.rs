//! Throughput where users run (issue 13), each case beside the ratio it is judged by, measured
//! in the same run. Criterion reports each case in SKU-days per second ("elements/s"); after
//! its runs the bench times every case again for a fixed second and prints a table of SKU-days
//! per second, the ratio to the hand-written floor loop (`floor/mod.rs`) and the ratio each target
//! of issue 13 names.
//!
//! Cases (Poisson demand 20/day, base-stock, 365 days, backorders, one replication per
//! iteration on one thread unless said otherwise):
//! - `floor-canonical`: the hand-written loop, S = 110, lead time 5 (fill rate 0.957).
//! - `canonical`: the engine on the same case; `backorder-S86`: S = 86 (fill rate 0.36);
//!   `readme-L4`: the README's old case, lead time 4 (fill rate 0.9999).
//! - `base-stock-20` and `forecast-fill-rate-20`: 20 SKUs, base-stock S = 110 against
//!   safety stock with a 95 % fill-rate target recomputed daily (exponential smoothing).
//! - `items-1000`, `items-10000`: the canonical item repeated at one location.
//! - `policies-1`, `policies-8`: 64 replications through the experiment (aggregation
//!   included) in a one-thread pool, with base-stock alone and with 8 different static
//!   policies (base-stock, s_S, r_Q, echelon base-stock).
//! - `experiment-1-thread`, `experiment-all-cores`: 2,048 canonical replications through the
//!   experiment in pools of one thread and of every core.
//! - `network-1-thread`, `network-2-threads`: 64 replications of a 1 → 5 → 100-store network
//!   (106 pairs, two policies: local and echelon base-stock) through the experiment in pools
//!   of one and of two threads (the speed-up is meaningful only on a machine with two idle
//!   cores).

#[path = "floor/mod.rs"]
mod floor;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput};
use scsim::experiment::{self, RunSpec};
use scsim::model::Model;
use scsim::scenario::ScenarioFile;
use scsim::sim::engine::Workspace;

const BASE_STOCK: &str = r#"{"type": "base_stock", "S": 110}"#;
const FILL_RATE_TARGET: &str = r#"{"type": "safety_stock", "forecast": {"type": "ses", "alpha": 0.1},
    "service": {"type": "fill_rate", "target": 0.95}, "recompute_every": 1}"#;
/// Eight different static policies (forecast-driven ones have their own case).
const EIGHT_POLICIES: [&str; 8] = [
    BASE_STOCK,
    r#"{"type": "base_stock", "S": 100}"#,
    r#"{"type": "base_stock", "S": 120}"#,
    r#"{"type": "s_S", "s": 90, "S": 130}"#,
    r#"{"type": "s_S", "s": 80, "S": 120}"#,
    r#"{"type": "r_Q", "r": 95, "Q": 40}"#,
    r#"{"type": "r_Q", "r": 90, "Q": 60}"#,
    r#"{"type": "echelon_base_stock", "S": 110}"#,
];

/// A model of `items` copies of the canonical item at one location, lead time `lead`.
fn scenario(items: usize, lead: u32, policies: &[&str]) -> Model {
    let ids: Vec<String> = (0..items).map(|i| format!(r#"{{"id": "sku{i}"}}"#)).collect();
    let demand: Vec<String> = (0..items)
        .map(|i| {
            format!(
                r#"{{"location": "dc", "item": "sku{i}", "distribution": {{"type": "poisson", "mean": 20}}}}"#
            )
        })
        .collect();
    let policies: Vec<String> = (policies.iter().enumerate())
        .map(|(i, p)| format!(r#"{{"name": "policy{i}", "inventory": {p}}}"#))
        .collect();
    let json = format!(
        r#"{{
        "schema_version": 1, "horizon_days": 365, "warmup_days": 0,
        "items": [{}], "locations": [{{"id": "dc"}}], "suppliers": [{{"id": "sup"}}],
        "lanes": [{{"id": "lane", "from": "sup", "to": "dc", "lead_time": {{"type": "constant", "value": {lead}}}}}],
        "demand": [{}],
        "costs": {{"holding_per_unit_day": 0.1, "backorder_per_unit_day": 1.0, "order_fixed": 5.0, "unit_purchase": 2.0}},
        "policies": [{}]
    }}"#,
        ids.join(","),
        demand.join(","),
        policies.join(",")
    );
    let file = ScenarioFile::parse(json.as_bytes(), Path::new("bench.json")).expect("parses");
    Model::build(&file).expect("valid")
}

/// A 1 → 5 → 100-store network of one item: a plant supplied in 5 days, five distribution
/// centres 2 days from it, twenty stores per centre a day from theirs, Poisson 8 a day at each
/// store; base-stock everywhere on local inventory position ("local") against echelon
/// base-stock at the plant and the centres ("echelon").
fn network() -> Model {
    let dcs: Vec<String> = (0..5).map(|d| format!("dc{d}")).collect();
    let stores: Vec<(String, &str)> = (0..100).map(|s| (format!("store{s}"), dcs[s / 20].as_str())).collect();
    let locations = std::iter::once("plant").chain(dcs.iter().map(String::as_str));
    let locations = locations.chain(stores.iter().map(|(s, _)| s.as_str()));
    let locations: Vec<String> = locations.map(|l| format!(r#"{{"id": "{l}"}}"#)).collect();
    let lane = |from: &str, to: &str, days: u32| {
        format!(
            r#"{{"id": "{from}-{to}", "from": "{from}", "to": "{to}", "lead_time": {{"type": "constant", "value": {days}}}}}"#
        )
    };
    let lanes = std::iter::once(lane("sup", "plant", 5)).chain(dcs.iter().map(|d| lane("plant", d, 2)));
    let lanes: Vec<String> = lanes.chain(stores.iter().map(|(s, d)| lane(d, s, 1))).collect();
    let demand: Vec<String> = (stores.iter())
        .map(|(s, _)| {
            format!(
                r#"{{"location": "{s}", "item": "sku", "distribution": {{"type": "poisson", "mean": 8}}}}"#
            )
        })
        .collect();
    // Local levels: a store's day of exposure plus a standard deviation (fill rate about 0.98
    // with the centres' delays), a centre's 2 days of 160 a day, the plant's 5 of 800 a day,
    // each with a standard deviation; echelon levels add the local levels downstream.
    let levels = |kind: &str, dc: u32, plant: u32| {
        let at = |l: &str, level: u32| {
            format!(r#"{{"location": "{l}", "inventory": {{"type": "{kind}", "S": {level}}}}}"#)
        };
        let overrides: Vec<String> =
            std::iter::once(at("plant", plant)).chain(dcs.iter().map(|d| at(d, dc))).collect();
        format!(
            r#"{{"name": "{kind}", "inventory": {{"type": "base_stock", "S": 12}}, "overrides": [{}]}}"#,
            overrides.join(",")
        )
    };
    let policies = [levels("base_stock", 340, 4060), levels("echelon_base_stock", 580, 6960)];
    let json = format!(
        r#"{{
        "schema_version": 1, "horizon_days": 365, "warmup_days": 0,
        "items": [{{"id": "sku"}}], "locations": [{}], "suppliers": [{{"id": "sup"}}],
        "lanes": [{}], "demand": [{}],
        "costs": {{"holding_per_unit_day": 0.1, "backorder_per_unit_day": 1.0, "order_fixed": 5.0, "unit_purchase": 2.0}},
        "policies": [{}]
    }}"#,
        locations.join(","),
        lanes.join(","),
        demand.join(","),
        policies.join(",")
    );
    let file = ScenarioFile::parse(json.as_bytes(), Path::new("network.json")).expect("parses");
    Model::build(&file).expect("valid")
}

/// One measured case: what one iteration runs and how many SKU-days it simulates.
struct Case {
    name: &'static str,
    sku_days: u64,
    run: Box<dyn FnMut()>,
}

/// One replication of the engine per iteration.
fn engine(name: &'static str, model: Model) -> Case {
    let sku_days = 365 * model.pairs.len() as u64;
    let (mut ws, mut r) = (Workspace::new(&model), 0u64);
    let run = Box::new(move || {
        r += 1;
        ws.run(black_box(&model), 0, 42, r);
    });
    Case { name, sku_days, run }
}

/// `replications` through the experiment (every policy) in a pool of `threads` (0: every core).
fn experiment(name: &'static str, model: Model, replications: u32, threads: usize) -> Case {
    let per_rep = 365 * (model.pairs.len() * model.policies.len()) as u64;
    let spec = RunSpec { replications, seed: 42, baseline: 0, daily: true };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool");
    let run = Box::new(move || {
        black_box(pool.install(|| experiment::run(black_box(&model), &spec, &mut |_| {}, &|_| {})));
    });
    Case { name, sku_days: per_rep * replications as u64, run }
}

fn floor_case() -> Case {
    let floor = floor::Floor::default();
    floor.check_regime();
    let (mut tally, mut r) = (floor::Tally::default(), 0u64);
    let run = Box::new(move || {
        r += 1;
        floor.run(black_box(r), &mut tally);
    });
    Case { name: "floor-canonical", sku_days: floor::DAYS, run }
}

fn cases() -> Vec<Case> {
    vec![
        floor_case(),
        engine("canonical", scenario(1, 5, &[BASE_STOCK])),
        engine("backorder-S86", scenario(1, 5, &[r#"{"type": "base_stock", "S": 86}"#])),
        engine("readme-L4", scenario(1, 4, &[BASE_STOCK])),
        engine("base-stock-20", scenario(20, 5, &[BASE_STOCK])),
        engine("forecast-fill-rate-20", scenario(20, 5, &[FILL_RATE_TARGET])),
        engine("items-1000", scenario(1000, 5, &[BASE_STOCK])),
        engine("items-10000", scenario(10_000, 5, &[BASE_STOCK])),
        experiment("policies-1", scenario(1, 5, &[BASE_STOCK]), 64, 1),
        experiment("policies-8", scenario(1, 5, &EIGHT_POLICIES), 64, 1),
        experiment("experiment-1-thread", scenario(1, 5, &[BASE_STOCK]), 2048, 1),
        experiment("experiment-all-cores", scenario(1, 5, &[BASE_STOCK]), 2048, 0),
        experiment("network-1-thread", network(), 64, 1),
        experiment("network-2-threads", network(), 64, 2),
    ]
}

/// SKU-days per second, timed over whole iterations for at least a second.
fn throughput(case: &mut Case) -> f64 {
    (case.run)();
    let (start, mut iterations) = (Instant::now(), 0u64);
    while start.elapsed() < Duration::from_secs(1) {
        (case.run)();
        iterations += 1;
    }
    (iterations * case.sku_days) as f64 / start.elapsed().as_secs_f64()
}

/// The ratio each case is judged by: (its case, the case it is divided by, the target).
fn judged_by(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "canonical" => ("floor-canonical", "≥ 0.25"),
        "backorder-S86" => ("canonical", "≥ 0.5"),
        "forecast-fill-rate-20" => ("base-stock-20", "≥ 0.5"),
        "items-10000" => ("canonical", "≥ 0.5"),
        "policies-8" => ("policies-1", "≥ 1"),
        "experiment-all-cores" => ("experiment-1-thread", "speed-up"),
        "network-2-threads" => ("network-1-thread", "≥ 1.85"),
        _ => return None,
    })
}

/// Whether the table times `name`: every case without a filter on the command line, else the
/// cases whose name contains the filter (or one of its `|`-separated parts), the floor loop and the cases those are judged by.
fn in_table(name: &str, all: &[&str], filter: Option<&str>) -> bool {
    let Some(filter) = filter else { return true };
    let named = |c: &str| filter.split('|').any(|f| c.contains(f));
    let judged_against = |c: &str| judged_by(c).is_some_and(|(base, _)| base == name);
    name == "floor-canonical" || named(name) || all.iter().any(|c| named(c) && judged_against(c))
}

fn print_table(cases: &mut [Case], filter: Option<&str>) {
    let all: Vec<&str> = cases.iter().map(|c| c.name).collect();
    let rates: Vec<(&str, f64)> = (cases.iter_mut())
        .filter(|c| in_table(c.name, &all, filter))
        .map(|c| (c.name, throughput(c)))
        .collect();
    let rate = |name: &str| rates.iter().find(|(n, _)| *n == name).map_or(f64::NAN, |r| r.1);
    println!("\n| case | SKU-days/s | × floor | judged by | ratio | target |");
    println!("|---|---|---|---|---|---|");
    for &(name, r) in &rates {
        let (base, ratio, target) = judged_by(name).map_or(Default::default(), |(base, target)| {
            (format!("vs {base}"), format!("{:.3}", r / rate(base)), target)
        });
        let floor = r / rate("floor-canonical");
        println!("| {name} | {:.2} M | {floor:.3} | {base} | {ratio} | {target} |", r / 1e6);
    }
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let mut cases = cases();
    let mut group = c.benchmark_group("issue13");
    // Flat: the same number of iterations in each sample, so the 10,000-item case (about a
    // second and a half per iteration) takes ten iterations, not the 55 of linear sampling.
    group.sampling_mode(SamplingMode::Flat);
    for case in &mut cases {
        group.throughput(Throughput::Elements(case.sku_days));
        group.bench_function(case.name, |b| b.iter(&mut case.run));
    }
    group.finish();
    c.final_summary();
    // `cargo test --benches` runs each case once without `--bench`: no table then.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--bench") {
        let filter = args.iter().find(|a| !a.starts_with('-')).map(String::as_str);
        print_table(&mut cases, filter);
    }
}
