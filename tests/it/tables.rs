//! Scenario tables (`tables` in the scenario, docs/scenario.md "Tables"): a scenario in tables
//! runs exactly as the same scenario written in JSON; every problem of a table is reported at
//! its file, row and column, all at once; policy rows become overrides; and an item's own terms
//! on a lane (`item_terms`) give it its own lead time and price.

use std::fs;
use std::path::{Path, PathBuf};

use scsim::model::Model;
use scsim::scenario::ScenarioFile;
use scsim::scenario::error::ScenarioError;

use crate::common::{self, assert_agrees, pair, poisson_excess};

/// The shared settings of both forms: one store, one supplier, two items, two policies.
fn scenario(items: &str, lanes_extra: &str, demand: &str, policies: [&str; 2], rest: &str) -> String {
    format!(
        r#"{{"schema_version": 1, "name": "tables", "horizon_days": 200, "warmup_days": 20, "replications": 20, "seed": 5,
  "items": [{items}], "locations": [{{"id": "store"}}], "suppliers": [{{"id": "acme"}}],
  "lanes": [{{"id": "acme-store", "from": "acme", "to": "store", "lead_time": {{"type": "uniform", "min": 3, "max": 5}}{lanes_extra}}}],
  {demand}
  "costs": {{"holding_per_unit_day": 0.05, "backorder_per_unit_day": 1, "order_fixed": 10}},
  "policies": [{{"name": "base", "inventory": {{"type": "base_stock", "S": 100}}{}}},
               {{"name": "minmax", "inventory": {{"type": "s_S", "s": 80, "S": 150}}{}}}]{rest}}}"#,
        policies[0], policies[1]
    )
}

/// The scenario written in JSON only.
fn in_json() -> String {
    scenario(
        r#"{"id": "widget", "price": 20, "costs": {"unit_purchase": 12}},
           {"id": "gadget", "description": "g", "price": 30, "costs": {"unit_purchase": 18, "holding_per_unit_day": 0.1}}"#,
        r#", "item_terms": [{"item": "gadget", "unit_cost": 19, "lead_time": {"type": "constant", "value": 2}, "order_multiple": 2}]"#,
        r#""demand": [{"location": "store", "item": "widget", "distribution": {"type": "poisson", "mean": 20}},
           {"location": "store", "item": "gadget", "distribution": {"type": "poisson", "mean": 5},
            "weekly_profile": [1, 1, 1, 1, 1.5, 2, 0.5], "trend": {"type": "linear", "per_day": 0.001}}],
           "initial_on_hand": [{"location": "store", "item": "widget", "units": 50}],"#,
        [
            r#", "overrides": [{"location": "store", "item": "gadget", "inventory": {"type": "base_stock", "S": 40}}]"#,
            r#", "overrides": [{"location": "store", "item": "gadget", "inventory": {"type": "s_S", "s": 20, "S": 50}}]"#,
        ],
        "",
    )
}

/// The same scenario with its items, demand, lane terms, policy parameters and starting stock
/// in tables.
const TABLES: [(&str, &str); 5] = [
    (
        "items.csv",
        "item,description,price,unit_purchase,holding_per_unit_day\nwidget,,20,12,\ngadget,g,30,18,0.1\n",
    ),
    (
        "demand.csv",
        "location,item,distribution,mean,weekly_profile,trend_per_day\nstore,widget,poisson,20,,\nstore,gadget,poisson,5,1 1 1 1 1.5 2 0.5,0.001\n",
    ),
    ("lanes.csv", "lane,item,unit_cost,lead_time,order_multiple\nacme-store,gadget,19,2,2\n"),
    (
        "policies.csv",
        "policy,location,item,type,s,S\nbase,store,gadget,,,40\nminmax,store,gadget,s_S,20,50\n",
    ),
    ("initial.csv", "location,item,units\nstore,widget,50\n"),
];

const TABLES_FIELD: &str = r#", "tables": {"items": "items.csv", "demand": "demand.csv", "lanes": "lanes.csv",
    "policies": "policies.csv", "initial_on_hand": "initial.csv"}"#;

/// Writes the tables form (with `tables`, replacing the named files' text) into `dir`.
fn write_tables(dir: &Path, tables: &[(&str, &str)]) -> PathBuf {
    for (name, text) in TABLES.iter().chain(tables) {
        fs::write(dir.join(name), text).unwrap();
    }
    let text = scenario("", "", "", ["", ""], TABLES_FIELD);
    let path = dir.join("scenario.json");
    fs::write(&path, text).unwrap();
    path
}

/// Every problem of the scenario at `path`, as printed.
fn printed_problems(path: &Path) -> Vec<String> {
    match ScenarioFile::read(path).and_then(|f| Model::build(&f)) {
        Ok(_) => panic!("the scenario is valid"),
        Err(ScenarioError::Invalid { problems, .. }) => problems.iter().map(ToString::to_string).collect(),
        Err(e) => panic!("expected a list of problems, got {e}"),
    }
}

/// Asserts that one problem starts at `file:row:column` and says `fragment`.
fn has(problems: &[String], at: &str, fragment: &str) {
    let found = problems.iter().any(|p| {
        p.split_once(&format!("{}{at}: ", std::path::MAIN_SEPARATOR))
            .is_some_and(|(_, rest)| rest.contains(fragment))
    });
    assert!(found, "no problem at {at} saying {fragment:?} in:\n{}", problems.join("\n"));
}

#[test]
fn a_scenario_in_tables_gives_the_same_summary_as_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let tables = write_tables(dir.path(), &[]);
    let json = dir.path().join("json.json");
    fs::write(&json, in_json()).unwrap();
    let (a, b) = (dir.path().join("out-json"), dir.path().join("out-tables"));
    common::run_scsim(&["run", json.to_str().unwrap()], &a);
    common::run_scsim(&["run", tables.to_str().unwrap()], &b);
    let summary = |d: &Path| fs::read_to_string(d.join("summary.json")).unwrap();
    let (a, b) = (summary(&a), summary(&b));
    // Only the scenario file's name and hash (of its JSON text) may differ.
    let meta = |text: &str, key: &str| {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        v["scenario"][key].as_str().unwrap().to_string()
    };
    let mut b_as_a = b.clone();
    for key in ["file", "sha256"] {
        b_as_a = b_as_a.replace(&meta(&b, key), &meta(&a, key));
    }
    assert_ne!(meta(&a, "sha256"), meta(&b, "sha256"), "the two files differ");
    assert!(a == b_as_a, "summary.json differs between the JSON and the tables form");
}

#[test]
fn every_table_problem_is_reported_at_its_file_row_and_column_all_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_tables(
        dir.path(),
        &[
            ("items.csv", "item,pricee,price\nwidget,,20\ngadget,,-3\nbolt,,abc\n"),
            (
                "demand.csv",
                "location,item,distribution,mean\nstore,widget,poisson,20\nstore,nosuch,poisson,5\nstore,widget\n",
            ),
            ("lanes.csv", "lane,item,unit_cost\nacme-stor,widget,3\n"),
            ("policies.csv", "policy,location,S\nbase,store,40\n"),
            ("initial.csv", "location,item,units\nstore,widget,50\nstore,widget,60\n"),
        ],
    );
    let problems = printed_problems(&path);
    has(&problems, "items.csv:1:pricee", "did you mean `price`?");
    has(&problems, "items.csv:3:price", "is -3; allowed");
    has(&problems, "items.csv:4:price", "expected a number");
    has(&problems, "demand.csv:3:item", "\"nosuch\"");
    has(&problems, "demand.csv:4", "has 2 cells; the header has 4 columns");
    has(&problems, "lanes.csv:2:lane", "did you mean \"acme-store\"?");
    has(&problems, "policies.csv:1", "the column `item` is missing");
    has(&problems, "initial.csv:3:location", "repeats the location, item of line 2");
    // The price left unset by the bad cell is then missing on one item of three (the
    // validator's own rule), at the row.
    has(&problems, "items.csv:4:item", "set a price on every item or on none");
    assert_eq!(problems.len(), 9, "each problem once:\n{}", problems.join("\n"));
    // None of the problems names a JSON path.
    assert!(problems.iter().all(|p| !p.contains("at items[")), "{problems:#?}");
}

#[test]
fn a_missing_table_and_a_bad_value_inside_a_distribution_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_tables(
        dir.path(),
        &[("demand.csv", "location,item,distribution,mean\nstore,widget,poisson,-4\n")],
    );
    fs::remove_file(dir.path().join("initial.csv")).unwrap();
    let problems = printed_problems(&path);
    has(&problems, "demand.csv:2:mean", "-4");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("at tables.initial_on_hand: cannot read") && p.contains("initial.csv")),
        "{problems:#?}"
    );
    // The command says the same and exits with 2.
    let out = assert_cmd::Command::cargo_bin("scsim")
        .unwrap()
        .args(["validate", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("demand.csv:2:mean: "));
}

#[test]
fn a_policy_row_changes_only_its_pair_as_a_json_override_does() {
    let dir = tempfile::tempdir().unwrap();
    let without = write_tables(dir.path(), &[("policies.csv", "policy,location,item,S\n")]);
    let plain = common::load(&without);
    let with =
        write_tables(dir.path(), &[("policies.csv", "policy,location,item,S\nbase,store,gadget,12\n")]);
    let changed = common::load(&with);
    let json = in_json().replace(r#""S": 40}"#, r#""S": 12}"#);
    let json_override = common::model(&json);
    let (a, b, c) =
        (common::run(&plain, 20, 3), common::run(&changed, 20, 3), common::run(&json_override, 20, 3));
    for key in ["avg_backorders", "avg_on_hand", "fill_rate"] {
        let at = |m: &Model, s: &scsim::experiment::RunStats, p: usize, name: &str| {
            pair(m, s, p, name, key).mean()
        };
        assert_eq!(
            at(&plain, &a, 0, "store/widget"),
            at(&changed, &b, 0, "store/widget"),
            "{key}: other pair"
        );
        assert_ne!(at(&plain, &a, 0, "store/gadget"), at(&changed, &b, 0, "store/gadget"), "{key}: its pair");
        assert_eq!(
            at(&changed, &b, 0, "store/gadget"),
            at(&json_override, &c, 0, "store/gadget"),
            "{key}: as JSON"
        );
        assert_eq!(
            at(&plain, &a, 1, "store/gadget"),
            at(&changed, &b, 1, "store/gadget"),
            "{key}: other policy"
        );
    }
}

/// Base-stock S with daily review, Poisson(λ) demand and backorders: the average backorders
/// are E[(D_L − S)^+] with D_L ~ Poisson(λL) (tests/it/closed_forms.rs), so the item with its
/// own lead time of 2 days on a 4-day lane backorders as with L = 2; it pays its own unit cost
/// on every unit ordered, which with base-stock is every unit demanded.
#[test]
fn an_item_with_its_own_terms_gets_its_lead_time_and_price() {
    let (s, lambda) = (12, 5.0);
    let json = format!(
        r#"{{"schema_version": 1, "horizon_days": 2000, "warmup_days": 100,
        "items": [{{"id": "i"}}, {{"id": "j"}}], "locations": [{{"id": "loc"}}], "suppliers": [{{"id": "sup"}}],
        "lanes": [{{"id": "lane", "from": "sup", "to": "loc", "lead_time": {{"type": "constant", "value": 4}}, "unit_cost": 5,
                   "item_terms": [{{"item": "j", "lead_time": {{"type": "constant", "value": 2}}, "unit_cost": 7}}]}}],
        "demand": [{{"location": "loc", "item": "i", "distribution": {{"type": "poisson", "mean": {lambda}}}}},
                   {{"location": "loc", "item": "j", "distribution": {{"type": "poisson", "mean": {lambda}}}}}],
        "policies": [{{"name": "bs", "inventory": {{"type": "base_stock", "S": {s}}}}}]}}"#
    );
    let m = common::model(&json);
    let stats = common::run(&m, 200, 11);
    let backorders = |l: f64| poisson_excess(s, l * lambda);
    let (own, lane) =
        (pair(&m, &stats, 0, "loc/j", "avg_backorders"), pair(&m, &stats, 0, "loc/i", "avg_backorders"));
    assert_agrees(
        "j's backorders (own lead time 2)",
        &own,
        backorders(2.0),
        &[backorders(1.0), backorders(3.0), backorders(4.0)],
    );
    assert_agrees(
        "i's backorders (the lane's 4)",
        &lane,
        backorders(4.0),
        &[backorders(2.0), backorders(3.0)],
    );
    let spend = |name: &str| pair(&m, &stats, 0, name, "cost_purchase_per_day");
    assert_agrees("j's purchase per day", &spend("loc/j"), 7.0 * lambda, &[5.0 * lambda]);
    assert_agrees("i's purchase per day", &spend("loc/i"), 5.0 * lambda, &[7.0 * lambda]);
    common::check_conservation(&m, 10, 2);
}

#[test]
fn item_terms_are_validated_like_the_lanes_own() {
    let base = common::newsvendor().0;
    let add =
        |terms: &str| base.replace(r#""value": 1}}"#, &format!(r#""value": 1}}, "item_terms": [{terms}]}}"#));
    let problems = common::problems(&add(
        r#"{"item": "i", "unit_cost": -1, "min_order": -2, "order_multiple": 0}, {"item": "zz"}, {"item": "i"}"#,
    ));
    let paths: Vec<(&str, &str)> = problems.iter().map(|p| (p.path.as_str(), p.message.as_str())).collect();
    for (path, fragment) in [
        ("lanes[0].item_terms[0].unit_cost", "allowed"),
        ("lanes[0].item_terms[0].min_order", "allowed: 0"),
        ("lanes[0].item_terms[0].order_multiple", "allowed: 1"),
        ("lanes[0].item_terms[1].item", "zz"),
        ("lanes[0].item_terms[2].item", "give each item once"),
    ] {
        assert!(paths.iter().any(|(p, m)| *p == path && m.contains(fragment)), "{path}: {paths:#?}");
    }
    let carried =
        base.replace(r#""value": 1}}"#, r#""value": 1}, "items": [], "item_terms": [{"item": "i"}]}"#);
    let problems = common::problems(&carried);
    assert!(
        problems.iter().any(|p| p.path == "lanes[0].item_terms[0].item" && p.message.contains("not carried")),
        "{problems:#?}"
    );
}

#[test]
fn init_writes_a_template_that_validates_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("mine");
    let scsim = || assert_cmd::Command::cargo_bin("scsim").unwrap();
    scsim().args(["init", "--tables", folder.to_str().unwrap()]).assert().success();
    let scenario = folder.join("scenario.json");
    for name in ["items.csv", "demand.csv", "lanes.csv", "policies.csv", "initial_on_hand.csv"] {
        let text = fs::read_to_string(folder.join(name)).unwrap();
        assert!(text.lines().count() >= 3, "{name}: a header and example rows");
    }
    scsim().args(["validate", scenario.to_str().unwrap()]).assert().success();
    let m = common::load(&scenario);
    assert_eq!(m.items.len(), 3, "the items come from items.csv");
    common::run_scsim(&["run", scenario.to_str().unwrap(), "--replications", "4"], &dir.path().join("out"));
    // A second init into the same folder replaces nothing.
    let again = scsim().args(["init", "--tables", folder.to_str().unwrap()]).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn schema_tables_lists_the_columns_the_reader_checks() {
    let out = assert_cmd::Command::cargo_bin("scsim").unwrap().args(["schema", "--tables"]).output().unwrap();
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for table in ["items", "demand", "lanes", "policies", "initial_on_hand"] {
        let columns = schema[table]["columns"].as_array().unwrap_or_else(|| panic!("{table}"));
        assert!(
            columns
                .iter()
                .all(|c| c["name"].is_string() && c["type"].is_string() && c["meaning"].is_string())
        );
    }
    let column =
        |t: &str, n: &str| schema[t]["columns"].as_array().unwrap().iter().find(|c| c["name"] == n).cloned();
    assert_eq!(column("items", "item").unwrap()["required"], true);
    assert_eq!(column("items", "price").unwrap()["type"], "number");
    assert_eq!(column("initial_on_hand", "units").unwrap()["type"], "integer");
    let open = column("demand", "<field>").unwrap();
    assert!(open["fields"].as_array().unwrap().contains(&serde_json::json!("mean")), "{open}");
    // A column the schema does not list is refused by the reader, with the listed one nearest.
    let dir = tempfile::tempdir().unwrap();
    let path = write_tables(dir.path(), &[("initial.csv", "location,item,unitz\nstore,widget,50\n")]);
    has(&printed_problems(&path), "initial.csv:1:unitz", "did you mean `units`?");
}
