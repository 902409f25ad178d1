//! The per-SKU view of a run: a big catalogue's summary.json leaves the pairs to pairs.csv
//! (and says so), the report's worst-SKU tables and ABC classes, and `scsim plot` redrawing the
//! same report from the files.

use crate::common::run_scsim;

/// One store with 1 SKU of constant demand 1,000 a day and `small` SKUs of constant demand 1,
/// base-stock with a lead time of 2 days; the small SKUs' S = 1 is too low, so they backorder.
fn catalogue(small: usize) -> String {
    let ids: Vec<String> = (0..=small).map(|i| format!("sku{i:03}")).collect();
    let items: Vec<String> = ids.iter().map(|id| format!(r#"{{"id": "{id}"}}"#)).collect();
    let demand: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let units = if i == 0 { 1000 } else { 1 };
            format!(r#"{{"location": "store", "item": "{id}", "distribution": {{"type": "constant", "value": {units}}}}}"#)
        })
        .collect();
    let quoted: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
    format!(
        r#"{{"schema_version": 1, "name": "skus", "horizon_days": 60, "warmup_days": 10, "replications": 4,
        "items": [{}], "locations": [{{"id": "store"}}], "suppliers": [{{"id": "sup"}}],
        "lanes": [{{"id": "lane", "from": "sup", "to": "store", "items": [{}], "lead_time": {{"type": "constant", "value": 2}}}}],
        "segments": [{{"id": "default", "unmet": {{"type": "backorder"}}}}], "demand": [{}],
        "policies": [{{"name": "bs", "inventory": {{"type": "base_stock", "S": 1}},
                       "overrides": [{{"item": "sku000", "inventory": {{"type": "base_stock", "S": 3000}}}}]}}]}}"#,
        items.join(", "),
        quoted.join(", "),
        demand.join(", ")
    )
}

#[test]
fn a_big_catalogue_keeps_its_pairs_in_pairs_csv_and_the_report_shows_the_worst_and_abc() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("skus.json");
    std::fs::write(&scenario, catalogue(200)).unwrap();
    let out = dir.path().join("out");
    run_scsim(&["run", scenario.to_str().unwrap()], &out);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["pairs_left_out"],
        serde_json::json!({"pairs": 201, "bound": 200, "file": "pairs.csv"})
    );
    assert_eq!(summary["policies"][0]["pairs"], serde_json::json!({}));
    let pairs = std::fs::read_to_string(out.join("pairs.csv")).unwrap();
    assert_eq!(pairs.lines().count(), 202, "a header and 201 pairs");
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    // Demand value: 1,000 + 200 × 1 = 1,200 a day. A: the big SKU (0 % before it); B: the small
    // SKUs while less than 95 % (1,140) comes before them, i.e. the first 140; C: the last 60.
    for (class, count) in [('A', 1), ('B', 140), ('C', 60)] {
        assert!(
            report.contains(&format!("<tr><th scope=\"row\">{class}</th><td>{count}</td>")),
            "class {class}"
        );
    }
    // Only the small SKUs backorder; 20 of the 200 are listed.
    assert!(report.contains("<strong>Most units backordered</strong> (20 of 201 pairs with any"));
    assert!(!report.contains("store/sku000</th>"), "the big SKU never backorders");
    assert!(report.contains("201 stocked pairs: every pair's metrics are in <code>pairs.csv</code>"));
    // `scsim plot` reads the pairs back from pairs.csv: the same report.
    assert_cmd::Command::cargo_bin("scsim").unwrap().arg("plot").arg(&out).assert().success();
    assert_eq!(std::fs::read_to_string(out.join("report.html")).unwrap(), report);
}

#[test]
fn a_small_catalogue_keeps_its_pairs_in_summary_json() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("skus.json");
    std::fs::write(&scenario, catalogue(3)).unwrap();
    let out = dir.path().join("out");
    run_scsim(&["run", scenario.to_str().unwrap()], &out);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert!(summary.get("pairs_left_out").is_none());
    assert_eq!(summary["policies"][0]["pairs"].as_object().unwrap().len(), 4);
}
