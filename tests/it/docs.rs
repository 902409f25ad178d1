//! The documentation covers what the code has: every metric is defined once in
//! docs/metrics.md, every field of the scenario format is described in docs/scenario.md, and
//! the files docs/architecture.md names exist.

use std::collections::BTreeSet;

use scsim::metrics::{LANE_METRICS, METRICS, ORDER_METRICS, SEGMENT_METRICS, SUPPLIER_METRICS};

#[test]
fn every_metric_has_exactly_one_definition() {
    let doc = std::fs::read_to_string("docs/metrics.md").unwrap();
    let defined: Vec<&str> = doc.lines().filter_map(|l| l.strip_prefix("### ")).map(str::trim).collect();
    let code: Vec<&str> = METRICS
        .iter()
        .chain(&SUPPLIER_METRICS)
        .chain(&SEGMENT_METRICS)
        .chain(&LANE_METRICS)
        .chain(&ORDER_METRICS)
        .map(|m| m.key)
        .collect();
    for key in &code {
        assert_eq!(defined.iter().filter(|d| *d == key).count(), 1, "{key} must be defined once");
    }
    for d in &defined {
        assert!(code.contains(d), "docs/metrics.md defines {d}, which the code does not compute");
    }
}

fn property_names(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                out.extend(props.keys().cloned());
            }
            map.values().for_each(|x| property_names(x, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|x| property_names(x, out)),
        _ => {}
    }
}

#[test]
fn every_scenario_field_is_documented() {
    let schema = serde_json::to_value(schemars::schema_for!(scsim::scenario::Scenario)).unwrap();
    let mut names = BTreeSet::new();
    property_names(&schema, &mut names);
    assert!(names.len() > 30, "the schema lists the fields: {names:?}");
    let doc = std::fs::read_to_string("docs/scenario.md").unwrap();
    let missing: Vec<&String> = names.iter().filter(|n| !doc.contains(&format!("`{n}`"))).collect();
    assert!(missing.is_empty(), "docs/scenario.md does not describe: {missing:?}");
}

/// The source files `docs/architecture.md` names (`src/...` in backquotes, or a bare file name
/// in the row of its folder), so that a file moved or renamed without the guide fails here.
fn architecture_paths(doc: &str) -> Vec<String> {
    doc.split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.starts_with("src/") && s.ends_with(".rs") && !s.contains('<'))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_architecture_guide_names_files_that_exist() {
    let doc = std::fs::read_to_string("docs/architecture.md").unwrap();
    let paths = architecture_paths(&doc);
    assert!(paths.len() >= 20, "the guide names the files a change touches: {paths:?}");
    let missing: Vec<&String> = paths.iter().filter(|p| !std::path::Path::new(p).is_file()).collect();
    assert!(missing.is_empty(), "docs/architecture.md names files that do not exist: {missing:?}");
    for folder in ["scenario", "model", "sim", "metrics", "experiment", "report", "cli"] {
        assert!(doc.contains(&format!("`src/{folder}/`")), "the guide describes src/{folder}/");
    }
}
