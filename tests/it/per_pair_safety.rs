//! The safety factor of a `safety_stock` policy as a per-pair parameter
//! (`--param inventory.service.z=LO..HI:STEP`): the smallest z meeting each SKU's fill-rate
//! target against a closed form, the policy table (`z` column) read back, and bad input.

use std::path::Path;

use scsim::experiment::optimize::{Constraint, Objective};
use scsim::experiment::per_pair::{Field, Question, Target, optimize_pairs};
use scsim::metrics::Metric;

use crate::common::{model, run_scsim};

/// The SKUs: daily demand uniform on the whole numbers `min..=max`, constant lead time (days).
const SKUS: [(i64, i64, i64); 5] = [(0, 20, 4), (5, 15, 2), (0, 8, 3), (10, 30, 1), (0, 40, 5)];

/// The grid of safety factors searched: 0, 0.25, …, 4.
const STEP: f64 = 0.25;
const STEPS: i64 = 16;

/// One store, a lane per SKU, a `safety_stock` policy forecasting the demand model's mean
/// (`plan`), no lot (an order-up-to level at the reorder point), reviewed daily and
/// recomputed only once (`recompute_every` above the horizon), backorders, holding 1 and no
/// backorder penalty (so cost rises with z and the cheapest z meeting a target is the
/// smallest).
fn catalogue(replications: u32, days: u32) -> String {
    let items: Vec<String> = (0..SKUS.len())
        .map(|i| {
            format!(r#"{{"id": "sku{i}", "costs": {{"holding_per_unit_day": 1, "unit_purchase": 10}}}}"#)
        })
        .collect();
    let lanes: Vec<String> = SKUS
        .iter()
        .enumerate()
        .map(|(i, (_, _, lead))| {
            format!(r#"{{"id": "lane{i}", "from": "sup", "to": "store", "items": ["sku{i}"], "lead_time": {{"type": "constant", "value": {lead}}}}}"#)
        })
        .collect();
    let demand: Vec<String> = SKUS
        .iter()
        .enumerate()
        .map(|(i, (min, max, _))| {
            format!(r#"{{"location": "store", "item": "sku{i}", "distribution": {{"type": "uniform", "min": {min}, "max": {max}}}}}"#)
        })
        .collect();
    format!(
        r#"{{"schema_version": 1, "name": "safety", "horizon_days": {days}, "warmup_days": 100, "replications": {replications},
        "items": [{}], "locations": [{{"id": "store"}}], "suppliers": [{{"id": "sup"}}], "lanes": [{}],
        "segments": [{{"id": "default", "unmet": {{"type": "backorder"}}}}], "demand": [{}],
        "policies": [{{"name": "ss", "inventory": {{"type": "safety_stock", "forecast": {{"type": "plan"}},
            "service": {{"type": "safety_factor", "z": 0}}, "recompute_every": 3650}}}}]}}"#,
        items.join(", "),
        lanes.join(", "),
        demand.join(", ")
    )
}

/// The distribution of the demand of `days` days, each uniform on `min..=max` (index = units).
fn sum_pmf(min: i64, max: i64, days: i64) -> Vec<f64> {
    let width = (max - min + 1) as usize;
    let one: Vec<f64> =
        (0..=max as usize).map(|k| if k >= min as usize { 1.0 / width as f64 } else { 0.0 }).collect();
    (0..days).fold(vec![1.0], |acc, _| {
        let mut next = vec![0.0; acc.len() + one.len() - 1];
        for (i, a) in acc.iter().enumerate() {
            for (j, b) in one.iter().enumerate() {
                next[i + j] += a * b;
            }
        }
        next
    })
}

/// E[(s − D)^+] for D with distribution `pmf`.
fn positive_part(s: i64, pmf: &[f64]) -> f64 {
    pmf.iter().enumerate().map(|(d, p)| p * (s - d as i64).max(0) as f64).sum()
}

/// Exact fill rate of daily-review order-up-to S with backorders and lead time L in scsim's
/// timing (as `tests/it/per_pair.rs`): fill = (E(S − D_{L−1})^+ − E(S − D_L)^+) / μ.
fn exact_fill(s: i64, (min, max, lead): (i64, i64, i64)) -> f64 {
    let mean = (min + max) as f64 / 2.0;
    let before = sum_pmf(min, max, lead.max(1) - 1);
    let through = sum_pmf(min, max, lead.max(1));
    (positive_part(s, &before) - positive_part(s, &through)) / mean
}

/// The smallest S whose exact fill rate reaches `target`.
fn smallest_level(target: f64, sku: (i64, i64, i64)) -> i64 {
    (0..).find(|&s| exact_fill(s, sku) >= target).expect("fill tends to 1")
}

/// The order-up-to levels z can give a SKU: `round(μL + z·√(L·σ̂²))`, where σ̂² is the
/// policy's demand variance at its one computation, on day 0 after observing that day's
/// demand y: `0.98·σ² + 0.02·(y − μ)²` (docs/policies.md), so between `0.98·σ²` and
/// `0.98·σ² + 0.02·((max − min)/2)²`. Returns the lowest and highest.
fn level_range(z: f64, (min, max, lead): (i64, i64, i64)) -> (i64, i64) {
    let mean = (min + max) as f64 / 2.0;
    let width = (max - min + 1) as f64;
    let variance = (width * width - 1.0) / 12.0;
    let spread = (max - min) as f64 / 2.0;
    let l = lead.max(1) as f64;
    let level = |mse: f64| (mean * l + z * (l * mse).sqrt()).round() as i64;
    (level(0.98 * variance), level(0.98 * variance + 0.02 * spread * spread))
}

/// The smallest grid z whose every possible level reaches `level`, if the answer is sure: the
/// grid point below gives every replication a lower level (else `None`).
fn smallest_z(level: i64, sku: (i64, i64, i64)) -> Option<i64> {
    let k = (0..=STEPS).find(|&k| level_range(k as f64 * STEP, sku).0 >= level)?;
    (k == 0 || level_range((k - 1) as f64 * STEP, sku).1 < level).then_some(k)
}

/// The target's distance from every SKU's boundary (the exact fill rates at S* − 1 and S*),
/// or `None` when some SKU's answer is not sure on the grid.
fn margin(target: f64) -> Option<f64> {
    SKUS.iter().try_fold(f64::INFINITY, |m, &sku| {
        let s = smallest_level(target, sku);
        smallest_z(s, sku)?;
        let below = if s > 0 { target - exact_fill(s - 1, sku) } else { f64::INFINITY };
        Some(m.min(below).min(exact_fill(s, sku) - target))
    })
}

#[test]
fn picks_the_smallest_safety_factor_meeting_each_skus_fill_rate() {
    // Demand and the policy's variance are known, so z gives each SKU a level within the
    // bounds of `level_range` in every replication; the level's fill rate is exact. The target
    // is the one in 0.900..0.990 farthest from every SKU's boundary whose answer is sure.
    let target = (900..=990)
        .map(|k| f64::from(k) / 1000.0)
        .filter_map(|t| margin(t).map(|m| (t, m)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .expect("a target with sure answers")
        .0;
    let gap = margin(target).unwrap();
    let exact: Vec<i64> =
        SKUS.iter().map(|&sku| smallest_z(smallest_level(target, sku), sku).unwrap()).collect();
    // Plausible wrong answers are rejected: one z for every SKU (as z = Φ⁻¹(target) of a
    // normal cycle-service level would be), and the levels of a lead time one day off.
    assert!(exact.iter().any(|&k| k != exact[0]), "every SKU has the same z: {exact:?}");
    let off: Vec<Option<i64>> = SKUS
        .iter()
        .map(|&(min, max, lead)| smallest_z(smallest_level(target, (min, max, lead + 1)), (min, max, lead)))
        .collect();
    assert_ne!(off, exact.iter().map(|&k| Some(k)).collect::<Vec<_>>(), "a lead time one day longer");
    let m = model(&catalogue(300, 3000));
    let (field, lo, hi) =
        Field::parse(&format!("inventory.service.z=0..{}:{STEP}", STEPS as f64 * STEP)).unwrap();
    let question = Question {
        policy: 0,
        field,
        lo,
        hi,
        objective: Objective { metric: "cost_total_per_day".into(), maximize: false },
        target: Target::EachPair(vec![Constraint::parse(&format!("fill_rate>={target}")).unwrap()]),
    };
    let outcome = optimize_pairs(&m, &question, m.replications, m.seed, &mut |_| {}).expect("independent");
    for (k, choice) in outcome.choices.iter().enumerate() {
        let fill = &choice.metrics[Metric::FillRate as usize];
        assert!(2.0 * fill.half_width() < gap, "sku{k}: half-width {} for margin {gap}", fill.half_width());
        let z = exact[k] as f64 * STEP;
        assert_eq!(choice.values, vec![("z", z.to_string())], "sku{k} at target {target}");
        assert!(choice.meets_target);
    }
}

/// Writes the catalogue (20 replications × 300 days) into `dir` and optimises every SKU's z
/// to a 90 % fill rate with the command; returns its output folder.
fn optimize_catalogue(dir: &Path) -> std::path::PathBuf {
    let scenario = dir.join("catalogue.json");
    std::fs::write(&scenario, catalogue(20, 300)).unwrap();
    let out = dir.join("out");
    let args =
        ["optimize", scenario.to_str().unwrap(), "--per-pair", "--param", "inventory.service.z=0..4:0.1"];
    run_scsim(&[&args[..], &["--subject-to", "fill_rate>=0.9"]].concat(), &out);
    out
}

/// The policy table's `z` column is read back by a scenario's `tables`: a run with it gives
/// every pair exactly the metrics the search reported at its chosen z.
#[test]
fn the_policy_table_of_safety_factors_read_back_gives_the_searched_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = optimize_catalogue(dir.path());
    let table = std::fs::read_to_string(out.join("policy-table.csv")).unwrap();
    assert_eq!(table.lines().next(), Some("policy,location,item,z"));
    std::fs::write(dir.path().join("policy-table.csv"), &table).unwrap();
    let mut with_table: serde_json::Value = serde_json::from_str(&catalogue(20, 300)).unwrap();
    with_table["tables"] = serde_json::json!({"policies": "policy-table.csv"});
    let read_back = dir.path().join("read-back.json");
    std::fs::write(&read_back, with_table.to_string()).unwrap();
    let run = dir.path().join("run");
    run_scsim(&["run", read_back.to_str().unwrap()], &run);
    let rows = |path: &Path| -> Vec<Vec<String>> {
        let mut reader = csv::Reader::from_path(path).unwrap();
        let header = reader.headers().unwrap().clone();
        let cols: Vec<usize> = ["item", "fill_rate_mean", "avg_on_hand_mean", "cost_total_per_day_mean"]
            .iter()
            .map(|name| header.iter().position(|h| h == *name).unwrap())
            .collect();
        reader
            .records()
            .map(|r| r.unwrap())
            .map(|r| cols.iter().map(|&c| r[c].to_string()).collect())
            .collect()
    };
    let searched = rows(&out.join("policy-table-results.csv"));
    assert_eq!(searched.len(), SKUS.len());
    assert_eq!(searched, rows(&run.join("pairs.csv")));
    // The table really set z: with the scenario's own z = 0 every SKU fills less than 90 %.
    assert!(searched.iter().all(|r| r[1].parse::<f64>().unwrap() >= 0.9));
    let zs: Vec<f64> =
        table.lines().skip(1).map(|l| l.rsplit(',').next().unwrap().parse().unwrap()).collect();
    assert!(zs.iter().all(|&z| z > 0.0), "{zs:?}");
}

#[test]
fn a_bad_safety_factor_range_is_refused_with_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    // A base-stock policy has no safety factor; the range is negative, too high and not a
    // multiple of its step: all four reported at once, exit code 2, nothing written.
    let scenario = dir.path().join("bs.json");
    let json = catalogue(20, 300).replace(
        r#"{"type": "safety_stock", "forecast": {"type": "plan"},
            "service": {"type": "safety_factor", "z": 0}, "recompute_every": 3650}"#,
        r#"{"type": "base_stock", "S": 10}"#,
    );
    assert!(json.contains("base_stock"));
    std::fs::write(&scenario, json).unwrap();
    let refused = assert_cmd::Command::cargo_bin("scsim")
        .unwrap()
        .args([
            "optimize",
            scenario.to_str().unwrap(),
            "--per-pair",
            "--param",
            "inventory.service.z=-0.5..9:0.3",
        ])
        .args(["--subject-to", "fill_rate>=0.9", "--quiet", "--out"])
        .arg(dir.path().join("refused"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    for part in [
        "LO -0.5 is negative",
        "HI 9 is above 8",
        "LO -0.5 is not a multiple of STEP 0.3",
        "service.z is not a parameter of the policy \"ss\"",
    ] {
        assert!(stderr.contains(part), "{part:?} missing from {stderr}");
    }
    assert!(!dir.path().join("refused").exists());
    // A policy table's `z` cell is checked at its cell like any other.
    std::fs::write(dir.path().join("p.csv"), "policy,location,item,z\nss,store,sku0,9\n").unwrap();
    let mut with_table: serde_json::Value = serde_json::from_str(&catalogue(20, 300)).unwrap();
    with_table["tables"] = serde_json::json!({"policies": "p.csv"});
    let bad = dir.path().join("bad-table.json");
    std::fs::write(&bad, with_table.to_string()).unwrap();
    let refused = assert_cmd::Command::cargo_bin("scsim")
        .unwrap()
        .args(["validate", bad.to_str().unwrap()])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    assert!(stderr.contains("p.csv:2:z") && stderr.contains("allowed: -4 to 8"), "{stderr}");
}
