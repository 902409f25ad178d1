//! How validation reports: every problem at once (structural and semantic), each at its path
//! with its line and column in the user's file and the id of each list element on the path;
//! one problem repeated over many stocked pairs as one message; files that are no scenario,
//! or far too large, refused with a sentence.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use scsim::model::Model;
use scsim::scenario::ScenarioFile;
use scsim::scenario::error::{Problem, ScenarioError};

use crate::common;
use crate::validation::{self, Edit::Set, apply};

/// The valid base scenario of the rule table, as written (several lines).
const BASE: &str = include_str!("../data/validation-base.json");

/// The error of scenario text, read as `tests/inline.json`.
fn error(text: &str) -> ScenarioError {
    let built =
        ScenarioFile::parse(text.as_bytes(), Path::new("tests/inline.json")).and_then(|f| Model::build(&f));
    match built {
        Ok(_) => panic!("the scenario is valid"),
        Err(e) => e,
    }
}

fn problems(text: &str) -> Vec<Problem> {
    match error(text) {
        ScenarioError::Invalid { problems, .. } => problems,
        other => panic!("expected a list of problems, got {other}"),
    }
}

/// `text` with the first occurrence of `from` (which must be there) replaced by `to`.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} is not in the text");
    text.replacen(from, to, 1)
}

/// Line and column (from 1, in characters) of the first occurrence of `needle` in `text`.
fn line_column(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} is not in the text"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or(before).chars().count() + 1;
    (line, column)
}

/// An expected problem: its path, the path labelled with ids, where it is in the text (the
/// first occurrence of `anchor`), and a fragment of its message.
struct Want {
    path: &'static str,
    label: &'static str,
    anchor: &'static str,
    fragment: &'static str,
}

fn check(text: &str, found: &[Problem], want: &Want) {
    let p = found
        .iter()
        .find(|p| p.path == want.path)
        .unwrap_or_else(|| panic!("no problem at {}; found {found:#?}", want.path));
    assert!(p.message.contains(want.fragment), "{}: {:?} lacks {:?}", want.path, p.message, want.fragment);
    let place = p.place.as_ref().unwrap_or_else(|| panic!("{} is not placed", want.path));
    assert_eq!(place.label, want.label);
    let (line, column) = line_column(text, want.anchor);
    assert_eq!((place.position.line, place.position.column), (line, column), "{}", want.path);
}

#[test]
fn the_five_errors_of_the_issue_are_all_reported_with_line_and_id() {
    let text = edit(
        BASE,
        r#""id": "acme-dc", "from": "acme", "to": "dc", "lead_time""#,
        r#""id": "acme-dc", "from": "acme", "to": "dc", "lead_tme""#,
    );
    let text = edit(&text, r#""order_cost": 1"#, r#""ordr_cost": 1"#);
    let text = edit(
        &text,
        r#""location": "store", "item": "widget", "segment""#,
        r#""location": "store", "item": "gizmo", "segment""#,
    );
    let text = edit(&text, r#""target": 0.95"#, r#""target": 97"#);
    let text = edit(&text, r#""horizon_days": 60"#, r#""horizon_days": 0"#);
    let found = problems(&text);
    let wants = [
        Want {
            path: "lanes[0].lead_tme",
            label: "lanes[0] (acme-dc).lead_tme",
            anchor: "\"lead_tme\"",
            fragment: "did you mean `lead_time`?",
        },
        Want {
            path: "lanes[1].ordr_cost",
            label: "lanes[1] (backup-dc).ordr_cost",
            anchor: "\"ordr_cost\"",
            fragment: "did you mean `order_cost`?",
        },
        Want {
            path: "demand[0].item",
            label: "demand[0] (store/gizmo).item",
            anchor: "\"item\": \"gizmo\"",
            fragment: "unknown item \"gizmo\"",
        },
        Want {
            path: "policies[1].inventory.service.target",
            label: "policies[1] (ss).inventory.service.target",
            anchor: "\"target\"",
            fragment: "0.5 to 0.9999",
        },
        Want {
            path: "horizon_days",
            label: "horizon_days",
            anchor: "\"horizon_days\"",
            fragment: "allowed: 1 to 100000",
        },
    ];
    for want in &wants {
        check(&text, &found, want);
    }
    assert_eq!(found.len(), 5, "{found:#?}");
}

#[test]
fn problems_inside_tagged_variants_are_at_the_field() {
    let text = edit(BASE, r#""s": 10, "S": 40"#, r#""s": 10.5, "S": 40"#);
    let text = edit(
        &text,
        r#""service": {"type": "fill_rate", "target": 0.95}"#,
        r#""service": {"type": "fill_rate", "target": 0.95, "z": 2}"#,
    );
    let found = problems(&text);
    check(
        &text,
        &found,
        &Want {
            path: "policies[1].overrides[1].inventory.s",
            label: "policies[1] (ss).overrides[1] (store).inventory.s",
            anchor: "\"s\": 10.5",
            fragment: "is a decimal number (10.5); expected a whole number",
        },
    );
    check(
        &text,
        &found,
        &Want {
            path: "policies[1].inventory.service.z",
            label: "policies[1] (ss).inventory.service.z",
            anchor: "\"z\": 2",
            fragment: "unknown field `z`",
        },
    );
    assert_eq!(found.len(), 2, "{found:#?}");
}

#[test]
fn objects_written_as_positional_lists_are_refused() {
    let text = edit(
        BASE,
        r#""costs": {"holding_per_unit_day": 0.2, "lost_sale_per_unit": 5}"#,
        r#""costs": [0.05, 1.0, 0, 10, 0, 0]"#,
    );
    let found = problems(&text);
    check(
        &text,
        &found,
        &Want {
            path: "costs",
            label: "costs",
            anchor: "\"costs\": [",
            fragment: "is a list; expected an object with named fields",
        },
    );
}

/// A store with `n` items, all brought by one lane, and a policy sourcing from `source`.
fn many_items(n: usize, source: &str) -> String {
    let items: Vec<String> = (1..=n).map(|i| format!(r#"{{"id": "sku{i:02}"}}"#)).collect();
    let demand: Vec<String> = (1..=n)
        .map(|i| format!(r#"{{"location": "shop", "item": "sku{i:02}", "distribution": {{"type": "poisson", "mean": 3}}}}"#))
        .collect();
    format!(
        r#"{{"schema_version": 1, "horizon_days": 30,
  "items": [{}],
  "locations": [{{"id": "shop"}}], "suppliers": [{{"id": "fast"}}],
  "lanes": [{{"id": "fast-shop", "from": "fast", "to": "shop", "lead_time": {{"type": "constant", "value": 2}}}}],
  "demand": [
    {}],
  "policies": [{{"name": "p", "inventory": {{"type": "base_stock", "S": 10}},
    "sourcing": {{"type": "single", "source": "{source}"}}}}]}}"#,
        items.join(", "),
        demand.join(",\n    ")
    )
}

#[test]
fn one_problem_in_many_pairs_is_one_message() {
    assert!(
        ScenarioFile::parse(many_items(20, "fast").as_bytes(), Path::new("t.json"))
            .is_ok_and(|f| Model::build(&f).is_ok())
    );
    let text = many_items(20, "fastcoo");
    let found = problems(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    let p = &found[0];
    assert_eq!(p.path, "policies[0].sourcing.source");
    assert!(p.message.starts_with("in 20 pairs: \"fastcoo\" does not serve these pairs"), "{}", p.message);
    assert!(p.message.contains("the pairs are shop/sku01, shop/sku02"), "{}", p.message);
    assert!(p.message.contains("and 8 more"), "{}", p.message);
    let place = p.place.as_ref().expect("placed");
    assert_eq!(place.label, "policies[0] (p).sourcing.source");
    assert_eq!(place.position.line, line_column(&text, "\"source\"").0);
}

#[test]
fn an_element_of_a_list_is_named_by_its_id() {
    let text = many_items(12, "fast");
    let text = edit(
        &text,
        r#""item": "sku11", "distribution": {"type": "poisson", "mean": 3}"#,
        r#""item": "sku11", "distribution": {"type": "poisson", "mean": -3}"#,
    );
    let found = problems(&text);
    check(
        &text,
        &found,
        &Want {
            path: "demand[10].distribution.mean",
            label: "demand[10] (shop/sku11).distribution.mean",
            anchor: "\"mean\": -3",
            fragment: "allowed",
        },
    );
}

#[test]
fn files_that_hold_no_scenario_get_a_sentence() {
    let cases = [
        ("", "the file is empty"),
        ("  \n", "the file is empty"),
        ("[]", "holds a list (a JSON array) where a scenario is expected"),
        ("[{\"schema_version\": 1}]", "holds a list"),
        ("42", "holds the number 42 where a scenario is expected"),
        ("\"scenario\"", "holds text"),
    ];
    for (text, fragment) in cases {
        let message = error(text).to_string();
        assert!(message.contains(fragment), "{text:?}: {message}");
        assert!(message.contains("a scenario is one JSON object"), "{text:?}: {message}");
    }
}

#[test]
fn an_endless_input_stops_at_the_size_limit() {
    let zero = Path::new("/dev/zero");
    if !zero.exists() {
        return;
    }
    let start = Instant::now();
    let e = ScenarioFile::read(zero).expect_err("not a scenario");
    assert!(matches!(e, ScenarioError::TooLarge { limit_mb: 32, .. }), "{e}");
    assert!(e.to_string().contains("larger than 32 MB"), "{e}");
    assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
    let big = vec![b' '; (32 << 20) + 1];
    assert!(matches!(ScenarioFile::parse(&big, Path::new("big.json")), Err(ScenarioError::TooLarge { .. })));
}

/// Values the documentation allows at the edge of a range (negative reorder points, a lead
/// time of 0 days, a full outage, ...) build without a problem.
#[test]
fn documented_edge_values_are_accepted() {
    let base: Value = serde_json::from_str(validation::BASE).expect("the base is JSON");
    let edges = [
        Set("/policies/1/overrides/1/inventory/s", json!(-5)),
        Set("/policies/2/inventory/r", json!(-5)),
        Set("/lanes/2/lead_time", json!({"type": "constant", "value": 0})),
        Set("/suppliers/0/outages/remaining_capacity", json!(0)),
        Set("/suppliers/0/outages/scheduled/0/every_days", json!(365)),
        Set("/segments/0/patience_days", json!({"type": "constant", "value": 0})),
        Set("/warmup_days", json!(59)),
        Set("/policies/1/inventory/service/target", json!(0.5)),
        Set("/demand/0/trend", json!({"type": "exponential", "per_day": -0.5})),
    ];
    for edit in &edges {
        let mut doc = base.clone();
        apply(&mut doc, edit);
        let problems = common::problems(&doc.to_string());
        assert!(problems.is_empty(), "{doc}: {problems:?}");
    }
}

#[test]
fn the_sweep_section_is_checked_with_every_problem() {
    let text = edit(
        BASE,
        r#""schema_version": 1,"#,
        r#""schema_version": 1, "sweep": [
    {"path": "policies.bs.inventory.S", "values": [40, 60]},
    {"path": "policies.nope.inventory.S", "values": [1]},
    {"path": "horizon_days", "from": 90, "to": 30},
    {"path": "seed"}],"#,
    );
    let file =
        ScenarioFile::parse(text.as_bytes(), Path::new("tests/inline.json")).expect("the scenario parses");
    let doc: Value = serde_json::from_str(&text).unwrap();
    let problems = scsim::experiment::section::section(&file.scenario.sweep, &doc).expect_err("invalid");
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["sweep[1].path", "sweep[2].from", "sweep[3]"], "{problems:#?}");
    assert!(problems[2].message.contains("give either `values` or `from` and `to`"));
    let valid = edit(&text, r#"{"path": "seed"}"#, r#"{"path": "seed", "values": [1, 2]}"#);
    let valid = edit(&valid, r#""from": 90, "to": 30"#, r#""from": 30, "to": 90, "step": 30"#);
    let valid = edit(&valid, "policies.nope", "policies.rq");
    let doc: Value = serde_json::from_str(&valid).unwrap();
    let file = ScenarioFile::parse(valid.as_bytes(), Path::new("tests/inline.json")).unwrap();
    let parameters = scsim::experiment::section::section(&file.scenario.sweep, &doc).expect("valid");
    assert_eq!(parameters[2].values, [json!(30), json!(60), json!(90)]);
}

/// The quickstart scenario with `edit` applied to its text.
fn quickstart(from: &str, to: &str) -> Model {
    let text = std::fs::read_to_string("scenarios/quickstart.json").unwrap();
    let file = ScenarioFile::parse(edit(&text, from, to).as_bytes(), Path::new("scenarios/q.json")).unwrap();
    Model::build(&file).unwrap_or_else(|e| panic!("valid: {e}"))
}

#[test]
fn runs_that_would_exhaust_the_machine_are_refused_before_they_start() {
    let text = std::fs::read_to_string("scenarios/quickstart.json").unwrap();
    let small = common::model(&text).estimate(2);
    assert_eq!(small.refusal(), None, "{small:?}");
    // Poisson demand of 10⁷ a day: each backordered line waits, tens of millions of lines.
    let busy =
        quickstart(r#""type": "poisson", "mean": 20"#, r#""type": "poisson", "mean": 10000000"#).estimate(2);
    let refusal = busy.refusal().expect("refused");
    assert!(refusal.contains("GB of memory") && refusal.contains("above the limit of 2 GB"), "{refusal}");
    assert!(refusal.contains("--force"), "{refusal}");
    // Order-up-to levels near 10⁹ cost no more than small ones: the daily bands keep the
    // spread of the levels, not their size.
    let high = quickstart(r#""S": 85"#, r#""S": 1000000000"#).estimate(2);
    assert_eq!(high, small);
    // Replications add work, not memory: each worker thread counts its bands in one set.
    let many = quickstart(r#""replications": 200"#, r#""replications": 100000"#).estimate(2);
    assert_eq!((many.bytes, many.refusal()), (small.bytes, None), "{many:?}");
    // The command refuses before it starts, with exit code 2 and nothing written.
    let dir = tempfile::tempdir().unwrap();
    let busy_text = edit(&text, r#""type": "poisson", "mean": 20"#, r#""type": "poisson", "mean": 10000000"#);
    std::fs::write(dir.path().join("busy.json"), busy_text).unwrap();
    let start = Instant::now();
    let out = assert_cmd::Command::cargo_bin("scsim")
        .unwrap()
        .current_dir(dir.path())
        .args(["run", "busy.json", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert!(start.elapsed() < Duration::from_secs(10) && !dir.path().join("output").exists());
    // The work: pairs × days × policies × replications.
    let m = common::model(&text);
    let expected =
        m.pairs.len() as u64 * u64::from(m.horizon) * m.policies.len() as u64 * u64::from(m.replications);
    assert_eq!(small.pair_days, expected);
}
