//! Per-pair optimisation (`scsim optimize --per-pair`) against the exact per-SKU optimum of a
//! catalogue of Poisson base-stock SKUs, its files, the catalogue target and its refusals.

use std::path::Path;

use scsim::experiment::optimize::{Constraint, Objective};
use scsim::experiment::per_pair::{Field, Outcome, Question, Target, optimize_pairs};
use scsim::metrics::Metric;

use crate::common::{model, poisson_positive_part};

/// The SKUs: Poisson mean demand per day and constant lead time (days).
const SKUS: [(f64, i64); 6] = [(2.0, 2), (5.0, 3), (10.0, 4), (20.0, 1), (3.5, 5), (8.0, 2)];

/// A catalogue of one store, one supplier and a lane per SKU; base-stock S = 1 everywhere,
/// backorders, holding 1 per unit-day and no backorder penalty (so cost rises with S and the
/// cheapest level meeting a target is the smallest).
fn catalogue(replications: u32, days: u32, capacity: Option<i64>) -> String {
    // One lane per SKU (a capacity, when given, is each lane's own).
    let items: Vec<String> = (0..SKUS.len())
        .map(|i| format!(r#"{{"id": "sku{i}", "costs": {{"holding_per_unit_day": 1, "backorder_per_unit_day": 0, "unit_purchase": 10}}}}"#))
        .collect();
    let cap = capacity.map_or(String::new(), |c| format!(r#", "capacity_per_day": {c}"#));
    let lanes: Vec<String> = SKUS
        .iter()
        .enumerate()
        .map(|(i, (_, lead))| {
            format!(r#"{{"id": "lane{i}", "from": "sup", "to": "store", "items": ["sku{i}"], "lead_time": {{"type": "constant", "value": {lead}}}{cap}}}"#)
        })
        .collect();
    let demand: Vec<String> = SKUS
        .iter()
        .enumerate()
        .map(|(i, (lambda, _))| {
            format!(r#"{{"location": "store", "item": "sku{i}", "distribution": {{"type": "poisson", "mean": {lambda}}}}}"#)
        })
        .collect();
    format!(
        r#"{{"schema_version": 1, "name": "catalogue", "horizon_days": {days}, "warmup_days": 100, "replications": {replications},
        "items": [{}], "locations": [{{"id": "store"}}], "suppliers": [{{"id": "sup"}}], "lanes": [{}],
        "segments": [{{"id": "default", "unmet": {{"type": "backorder"}}}}], "demand": [{}],
        "policies": [{{"name": "bs", "inventory": {{"type": "base_stock", "S": 1}}}}]}}"#,
        items.join(", "),
        lanes.join(", "),
        demand.join(", ")
    )
}

/// Exact fill rate of daily-review base-stock S, Poisson(λ) demand, backorders and lead time
/// L in scsim's timing (tests/it/closed_forms.rs): the stock meeting day t's demand is
/// (S − D_{L−1})^+, so fill = (E(S − D_{L−1})^+ − E(S − D_L)^+) / λ.
fn exact_fill(s: i64, lambda: f64, lead: i64) -> f64 {
    let before = (lead.max(1) - 1) as f64 * lambda;
    (poisson_positive_part(s, before) - poisson_positive_part(s, before + lambda)) / lambda
}

/// The smallest S whose exact fill rate is at least `target`.
fn smallest(target: f64, lambda: f64, lead: i64) -> i64 {
    (0..).find(|&s| exact_fill(s, lambda, lead) >= target).expect("fill tends to 1")
}

/// How far `target` is from every SKU's decision boundary: the smallest gap between the
/// target and the exact fill rates at S* − 1 and S*.
fn margin(target: f64) -> f64 {
    SKUS.iter()
        .map(|&(lambda, lead)| {
            let s = smallest(target, lambda, lead);
            let below = if s > 0 { target - exact_fill(s - 1, lambda, lead) } else { f64::INFINITY };
            below.min(exact_fill(s, lambda, lead) - target)
        })
        .fold(f64::INFINITY, f64::min)
}

fn search(json: &str, target: Target, lo: i64, hi: i64) -> Outcome {
    let m = model(json);
    let question = Question {
        policy: 0,
        field: Field::UpTo,
        lo,
        hi,
        objective: Objective { metric: "cost_total_per_day".into(), maximize: false },
        target,
    };
    optimize_pairs(&m, &question, m.replications, m.seed, &mut |_| {}).expect("independent pairs")
}

#[test]
fn picks_the_exact_smallest_base_stock_of_every_sku() {
    // The target is the one in 0.900..0.990 farthest from every SKU's boundary, so that the
    // Monte-Carlo error of the simulated fill rates (checked below against that distance)
    // cannot flip any SKU's choice.
    let target =
        (900..=990).map(|k| f64::from(k) / 1000.0).max_by(|a, b| margin(*a).total_cmp(&margin(*b))).unwrap();
    let gap = margin(target);
    let exact: Vec<i64> = SKUS.iter().map(|&(l, lead)| smallest(target, l, lead)).collect();
    // The plausible wrong answer, S from a lead time one day off, differs for some SKU, so the
    // test can fail.
    for shift in [-1, 1] {
        let wrong: Vec<i64> =
            SKUS.iter().map(|&(l, lead)| smallest(target, l, (lead + shift).max(1))).collect();
        assert_ne!(wrong, exact, "lead time {shift:+} gives the same levels");
    }
    let c = Constraint::parse(&format!("fill_rate>={target}")).unwrap();
    let outcome = search(&catalogue(300, 1600, None), Target::EachPair(vec![c]), 0, 120);
    for (k, choice) in outcome.choices.iter().enumerate() {
        let fill = &choice.metrics[Metric::FillRate as usize];
        // 2 half-widths ≈ 4 standard errors: the choice cannot be flipped by Monte-Carlo error.
        assert!(
            2.0 * fill.half_width() < gap,
            "sku{k}: half-width {} too wide for the margin {gap} at target {target}",
            fill.half_width()
        );
        assert_eq!(choice.values, vec![("S", exact[k].to_string())], "sku{k} at target {target}");
        assert!(choice.meets_target);
    }
    assert!(outcome.feasible);
    // Bisection over 0..=120 with all SKUs in each run: 1 + 7 rounds and one step of the climb,
    // not levels × SKUs.
    assert!(outcome.runs <= 10, "{} runs", outcome.runs);
}

#[test]
fn climbs_to_the_cost_optimum_above_the_smallest_feasible_level() {
    // Holding 1 and backorder penalty 9 per unit-day: the end-of-day net stock is S − D_L
    // (tests/it/closed_forms.rs), so each SKU's cost is a newsvendor's and its cheapest S is
    // the smallest with P(D_L ≤ S) ≥ 9 / (9 + 1) = 0.9, D_L ~ Poisson(λL). For these SKUs the
    // fractile is at least 0.0075 from P(D_L ≤ S) at the answer and the level below, and the
    // comparison of neighbouring levels is on common random numbers, so it is precise. The
    // fill-rate target 0.5 is met far lower: the bisection stops low and the climb must get
    // there. With the lead time one day longer the answer differs for every SKU.
    let cdf = |s: i64, mu: f64| -> f64 { crate::common::poisson_pmf(mu, s as usize).iter().sum() };
    let newsvendor = |lambda: f64, lead: i64| (0..).find(|&s| cdf(s, lambda * lead as f64) >= 0.9).unwrap();
    let json = catalogue(100, 1100, None)
        .replace(r#""backorder_per_unit_day": 0"#, r#""backorder_per_unit_day": 9"#);
    let c = Constraint::parse("fill_rate>=0.5").unwrap();
    let outcome = search(&json, Target::EachPair(vec![c]), 0, 120);
    for (k, &(lambda, lead)) in SKUS.iter().enumerate() {
        let best = newsvendor(lambda, lead);
        assert_ne!(newsvendor(lambda, lead + 1), best);
        assert_eq!(
            outcome.choices[k].values,
            vec![("S", best.to_string())],
            "sku{k}: λ = {lambda}, L = {lead}"
        );
    }
}

#[test]
fn a_catalogue_target_is_met_at_no_more_cost_than_per_sku_targets() {
    let json = catalogue(100, 600, None);
    let c = Constraint::parse("fill_rate>=0.95").unwrap();
    let each = search(&json, Target::EachPair(vec![c]), 0, 80);
    let pooled = search(&json, Target::Catalogue(0.95), 0, 80);
    assert!(pooled.feasible);
    assert!(pooled.chosen.fill_rate >= 0.95, "{}", pooled.chosen.fill_rate);
    // Per-SKU levels meet the catalogue target too, so the least-cost allocation is no dearer.
    assert!(each.chosen.fill_rate >= 0.95);
    let cost = |o: &Outcome| -> f64 {
        o.choices.iter().map(|c| c.metrics[Metric::CostTotalPerDay as usize].mean()).sum()
    };
    assert!(cost(&pooled) <= cost(&each) + 1e-9, "pooled {} > per SKU {}", cost(&pooled), cost(&each));
    // The frontier rises with investment, and the chosen point lies on it.
    let f = &pooled.frontier;
    assert!(f.windows(2).all(|w| w[1].investment >= w[0].investment - 1e-9));
    assert!(f.first().unwrap().fill_rate < 0.95 && f.last().unwrap().fill_rate > 0.95);
}

/// Writes the catalogue (20 replications × 300 days) into `dir` and optimises every SKU's
/// `param` (e.g. `inventory.S=0..60`) to a 90 % fill rate with the command; returns its output
/// folder.
fn optimize_catalogue(dir: &Path, param: &str) -> std::path::PathBuf {
    let scenario = dir.join("catalogue.json");
    std::fs::write(&scenario, catalogue(20, 300, None)).unwrap();
    let out = dir.join("out");
    let args = ["optimize", scenario.to_str().unwrap(), "--per-pair", "--param", param];
    crate::common::run_scsim(&[&args[..], &["--subject-to", "fill_rate>=0.9"]].concat(), &out);
    out
}

#[test]
fn the_command_writes_the_policy_table_and_refuses_interacting_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let out = optimize_catalogue(dir.path(), "inventory.S=0..60");
    let table = std::fs::read_to_string(out.join("policy-table.csv")).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "policy,location,item,S");
    assert_eq!(lines.len(), SKUS.len() + 1);
    assert!(lines[1].starts_with("bs,store,sku0,"), "{}", lines[1]);
    let results = std::fs::read_to_string(out.join("policy-table-results.csv")).unwrap();
    assert!(results.starts_with("policy,location,item,S,meets_target,inventory_investment,"));
    for file in ["frontier.svg", "report.html"] {
        assert!(Path::new(&out.join(file)).exists(), "{file}");
    }
    // A lane capacity shared by the pairs couples them: refused as bad input, nothing written.
    let capacity = dir.path().join("capacity.json");
    let mut shared: serde_json::Value = serde_json::from_str(&catalogue(20, 300, Some(50))).unwrap();
    let skus: Vec<String> = (0..SKUS.len()).map(|i| format!("sku{i}")).collect();
    shared["lanes"].as_array_mut().unwrap().truncate(1);
    shared["lanes"][0]["items"] = serde_json::json!(skus);
    std::fs::write(&capacity, shared.to_string()).unwrap();
    let refused = assert_cmd::Command::cargo_bin("scsim")
        .unwrap()
        .args([
            "optimize",
            capacity.to_str().unwrap(),
            "--per-pair",
            "--param",
            "inventory.S=0..60",
            "--quiet",
        ])
        .arg("--out")
        .arg(dir.path().join("refused"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    assert!(stderr.contains("do not interact") && stderr.contains("lane0"), "{stderr}");
    assert!(!dir.path().join("refused").exists());
}

/// The policy table the search writes is the `policies` table a scenario reads back: a run
/// of the scenario with it, on the search's seed, replications and days, gives every pair the
/// fill rate the search reported at its chosen level, exactly (pairs are independent and their
/// random streams are keyed by pair, so a catalogue run and a run of the table are the same).
/// So for levels in units (`S`) and in days of cover (`S_cover_days`, written as searched).
#[test]
fn the_policy_table_read_back_as_scenario_tables_gives_the_searched_results() {
    for (param, column) in [("inventory.S=0..60", "S"), ("inventory.S_cover_days=0..20:0.25", "S_cover_days")]
    {
        let dir = tempfile::tempdir().unwrap();
        let out = optimize_catalogue(dir.path(), param);
        let table = std::fs::read_to_string(out.join("policy-table.csv")).unwrap();
        assert_eq!(table.lines().next(), Some(format!("policy,location,item,{column}").as_str()));
        std::fs::write(dir.path().join("policy-table.csv"), &table).unwrap();
        let mut with_table: serde_json::Value = serde_json::from_str(&catalogue(20, 300, None)).unwrap();
        with_table["tables"] = serde_json::json!({"policies": "policy-table.csv"});
        let read_back = dir.path().join("read-back.json");
        std::fs::write(&read_back, with_table.to_string()).unwrap();
        let run = dir.path().join("run");
        crate::common::run_scsim(&["run", read_back.to_str().unwrap()], &run);

        let rows = |path: &Path| -> Vec<(String, String)> {
            let mut reader = csv::Reader::from_path(path).unwrap();
            let header = reader.headers().unwrap().clone();
            let col = |name: &str| header.iter().position(|h| h == name).unwrap();
            let (item, fill) = (col("item"), col("fill_rate_mean"));
            reader.records().map(|r| r.unwrap()).map(|r| (r[item].to_string(), r[fill].to_string())).collect()
        };
        let searched = rows(&out.join("policy-table-results.csv"));
        let ran = rows(&run.join("pairs.csv"));
        assert_eq!(searched.len(), SKUS.len());
        assert_eq!(searched, ran, "{param}: the searched fill rates and those of the run with the table");
        // The table really set the levels: with the scenario's own S = 1 every SKU fills far less.
        assert!(ran.iter().all(|(_, fill)| fill.parse::<f64>().unwrap() >= 0.9));
    }
}
