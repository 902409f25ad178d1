//! Per-pair outputs: `pairs-replications.csv` (`scsim run --pairs-per-replication`) and the
//! XYZ classes of `pairs.csv` and the report.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::run_scsim;

/// One store, one item per demand model, base-stock with a lead time of 2 days, two policies.
/// The daily demand CV of each item, derived by hand:
/// - `p100`: Poisson, mean 100: sd 10, CV 0.1 (X);
/// - `p2`: Poisson, mean 2: CV 1/√2 ≈ 0.707 (Y);
/// - `lumpy`: demand 10 on one day in ten: mean 1, variance 0.1 × 0.9 × 10² = 9, CV 3 (Z);
/// - `weekly`: a constant 6 scaled by the weekday profile 0,1,1,1,1,1,2: 0, 6 × 5, 12 over a
///   week, mean 6, variance (36 + 36) / 7, CV √(72/7) / 6 ≈ 0.5345 (Y; a constant, X, if the
///   profile were ignored).
fn scenario() -> String {
    let demand = [
        ("p100", r#"{"type": "poisson", "mean": 100}"#, ""),
        ("p2", r#"{"type": "poisson", "mean": 2}"#, ""),
        (
            "lumpy",
            r#"{"type": "compound", "probability": 0.1, "size": {"type": "constant", "value": 10}}"#,
            "",
        ),
        ("weekly", r#"{"type": "constant", "value": 6}"#, r#", "weekly_profile": [0, 1, 1, 1, 1, 1, 2]"#),
    ];
    let items: Vec<String> = demand
        .iter()
        .map(|(id, ..)| format!(r#"{{"id": "{id}", "price": 10, "costs": {{"unit_purchase": 4}}}}"#))
        .collect();
    let streams: Vec<String> = demand
        .iter()
        .map(|(id, d, extra)| {
            format!(r#"{{"location": "store", "item": "{id}", "distribution": {d}{extra}}}"#)
        })
        .collect();
    let ids: Vec<String> = demand.iter().map(|(id, ..)| format!("\"{id}\"")).collect();
    format!(
        r#"{{"schema_version": 1, "name": "pairs-out", "horizon_days": 80, "warmup_days": 10, "replications": 70, "seed": 5,
        "items": [{}], "locations": [{{"id": "store"}}], "suppliers": [{{"id": "sup"}}],
        "lanes": [{{"id": "lane", "from": "sup", "to": "store", "items": [{}], "lead_time": {{"type": "constant", "value": 2}}}}],
        "segments": [{{"id": "default", "unmet": {{"type": "backorder"}}}}], "demand": [{}],
        "policies": [{{"name": "low", "inventory": {{"type": "base_stock", "S": 20}}}},
                     {{"name": "high", "inventory": {{"type": "base_stock", "S": 400}}}}]}}"#,
        items.join(", "),
        ids.join(", "),
        streams.join(", ")
    )
}

fn write_scenario(dir: &Path) -> String {
    let path = dir.join("pairs-out.json");
    std::fs::write(&path, scenario()).unwrap();
    path.to_str().unwrap().to_string()
}

/// The records of a CSV file with a column lookup.
fn table(path: &Path) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    (header, reader.records().map(Result::unwrap).collect())
}

fn column(header: &csv::StringRecord, name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

#[test]
fn pairs_csv_classes_each_pair_by_the_cv_of_its_daily_demand() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_scenario(dir.path());
    let out = dir.path().join("out");
    run_scsim(&["run", &scenario, "--replications", "4"], &out);
    let (header, rows) = table(&out.join("pairs.csv"));
    let expected = [
        ("p100", 0.1, "X"),
        ("p2", 0.5f64.sqrt(), "Y"),
        ("lumpy", 3.0, "Z"),
        ("weekly", (72.0f64 / 7.0).sqrt() / 6.0, "Y"),
    ];
    for (item, cv, class) in expected {
        let own: Vec<&csv::StringRecord> =
            rows.iter().filter(|r| &r[column(&header, "item")] == item).collect();
        assert_eq!(own.len(), 2, "{item}: a row per policy");
        for r in own {
            let got: f64 = r[column(&header, "demand_cv")].parse().unwrap();
            // The CV comes from the demand's probability table (its far tail cut).
            assert!((got - cv).abs() <= 1e-4 * cv, "{item}: CV {got}, expected {cv}");
            assert_eq!(&r[column(&header, "xyz")], class, "{item}");
            assert_eq!(&r[column(&header, "unit_cost")], "4");
        }
    }
    // The plausible wrong answers are rejected: Poisson variance over mean (1 for every
    // Poisson, so p100 would be Y), or the compound's size alone (constant, so lumpy X).
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("Service and stock by ABC/XYZ class"));
    // p100 holds 100 of 109 units of demand a day (92 %): class A alone, and X.
    assert!(report.contains("<tr><th scope=\"row\">AX</th><td>1</td>"), "p100 is A and X");
    // `scsim plot` reads the classes back from pairs.csv: the same report.
    assert_cmd::Command::cargo_bin("scsim").unwrap().arg("plot").arg(&out).assert().success();
    assert_eq!(std::fs::read_to_string(out.join("report.html")).unwrap(), report);
}

#[test]
fn pairs_replications_csv_has_every_replication_of_every_pair_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_scenario(dir.path());
    let out = dir.path().join("out");
    // 70 replications: blocks of 2, so several chunks per thread and out-of-order finishes.
    run_scsim(&["run", &scenario, "--pairs-per-replication", "--threads", "3"], &out);
    let (header, rows) = table(&out.join("pairs-replications.csv"));
    let keys: Vec<&str> = header.iter().take(4).collect();
    assert_eq!(keys, ["replication", "policy", "location", "item"]);
    assert_eq!(header.len(), 4 + scsim::metrics::METRICS.len());
    assert_eq!(rows.len(), 70 * 2 * 4, "a row per replication, policy and pair");
    // Replication order, then policy order (scenario order), then pair order (as pairs.csv).
    let order: Vec<(u32, &str, &str)> =
        rows.iter().map(|r| (r[0].parse::<u32>().unwrap(), &r[1], &r[3])).collect();
    let mut expected = Vec::new();
    for rep in 0..70 {
        for policy in ["low", "high"] {
            for item in ["lumpy", "p100", "p2", "weekly"] {
                expected.push((rep, policy, item));
            }
        }
    }
    assert_eq!(order, expected);

    // Each pair's mean over the replications is pairs.csv's mean (Welford's running mean
    // against a plain sum: equal to rounding).
    let demand = column(&header, "demand_units");
    let mut sums: BTreeMap<(String, String), f64> = BTreeMap::new();
    for r in &rows {
        *sums.entry((r[1].to_string(), r[3].to_string())).or_default() += r[demand].parse::<f64>().unwrap();
    }
    let (pairs_header, pairs) = table(&out.join("pairs.csv"));
    for r in &pairs {
        let mean: f64 = r[column(&pairs_header, "demand_units_mean")].parse().unwrap();
        let sum = sums[&(r[0].to_string(), r[2].to_string())];
        assert!((sum / 70.0 - mean).abs() <= 1e-9 * mean, "{}/{}: {} vs {mean}", &r[0], &r[2], sum / 70.0);
    }
    // Each replication's pairs add up to its total in replications.csv (every unit is demanded
    // at one pair).
    let (rep_header, totals) = table(&out.join("replications.csv"));
    let total_demand = column(&rep_header, "demand_units");
    for t in &totals {
        let own = rows.iter().filter(|r| r[0] == t[0] && r[1] == t[1]);
        let sum: f64 = own.map(|r| r[demand].parse::<f64>().unwrap()).sum();
        assert_eq!(sum, t[total_demand].parse::<f64>().unwrap(), "replication {} {}", &t[0], &t[1]);
    }
}

#[test]
fn pairs_replications_csv_is_the_same_on_any_thread_count_and_changes_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_scenario(dir.path());
    let (one, four, without) = (dir.path().join("one"), dir.path().join("four"), dir.path().join("without"));
    run_scsim(&["run", &scenario, "--pairs-per-replication", "--threads", "1"], &one);
    run_scsim(&["run", &scenario, "--pairs-per-replication", "--threads", "4"], &four);
    run_scsim(&["run", &scenario, "--threads", "2"], &without);
    let read = |dir: &Path, file: &str| std::fs::read(dir.join(file)).unwrap();
    assert_eq!(read(&one, "pairs-replications.csv"), read(&four, "pairs-replications.csv"));
    for file in ["summary.json", "pairs.csv", "replications.csv", "report.html"] {
        assert_eq!(read(&one, file), read(&without, file), "{file}");
    }
    assert!(!without.join("pairs-replications.csv").exists(), "only on request");
}

#[test]
fn pairs_per_replication_is_refused_with_shards() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = write_scenario(dir.path());
    let assert = assert_cmd::Command::cargo_bin("scsim")
        .unwrap()
        .args(["run", &scenario, "--pairs-per-replication", "--shard", "0/2", "--quiet", "--out"])
        .arg(dir.path().join("shard"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("--pairs-per-replication") && stderr.contains("--shard"), "{stderr}");
    assert!(!dir.path().join("shard").exists(), "nothing written");
}
