//! Unit tests of model building: ids, the network's order, the review order, collected
//! problems, and history files.

use std::path::Path;
use std::sync::Arc;

use serde_json::{Value, json};

use super::Model;
use super::build::Builder;
use super::history::history;
use crate::scenario::error::{Problem, ScenarioError};
use crate::scenario::{InputFile, ScenarioFile};

/// One item `i` sold at `store`, bought from supplier `sup` with a lead time of 2 days.
fn one_store() -> Value {
    json!({
        "schema_version": 1,
        "horizon_days": 50,
        "items": [{"id": "i"}],
        "locations": [{"id": "store"}],
        "suppliers": [{"id": "sup"}],
        "lanes": [{"id": "in", "from": "sup", "to": "store", "lead_time": {"type": "constant", "value": 2}}],
        "demand": [{"location": "store", "item": "i", "distribution": {"type": "constant", "value": 3}}],
        "policies": [{"name": "p", "inventory": {"type": "base_stock", "S": 10}}]
    })
}

fn file(doc: &Value) -> ScenarioFile {
    ScenarioFile::parse(doc.to_string().as_bytes(), Path::new("test.json")).expect("well-formed")
}

fn problems(doc: &Value) -> Vec<Problem> {
    match Model::build(&file(doc)) {
        Err(ScenarioError::Invalid { problems, .. }) => problems,
        other => panic!("expected problems, got {other:?}"),
    }
}

fn problem(path: &str, message: &str) -> Problem {
    Problem::new(path, message)
}

/// A serial network: supplier → hub → dc → store, locations listed as hub, store, dc.
fn serial() -> Value {
    let mut doc = one_store();
    doc["locations"] = json!([{"id": "hub"}, {"id": "store"}, {"id": "dc"}]);
    let lead = json!({"type": "constant", "value": 1});
    doc["lanes"] = json!([
        {"id": "in", "from": "sup", "to": "hub", "lead_time": lead},
        {"id": "hub-dc", "from": "hub", "to": "dc", "lead_time": lead},
        {"id": "dc-store", "from": "dc", "to": "store", "lead_time": lead}
    ]);
    doc
}

#[test]
fn ids_resolve_to_the_indices_of_their_lists() {
    let mut doc = one_store();
    doc["items"] = json!([{"id": "x"}, {"id": "y"}]);
    doc["locations"] = json!([{"id": "a"}, {"id": "b"}]);
    doc["lanes"] =
        json!([{"id": "in", "from": "sup", "to": "b", "lead_time": {"type": "constant", "value": 2}}]);
    doc["demand"][0]["location"] = json!("b");
    doc["demand"][0]["item"] = json!("y");
    let m = Model::build(&file(&doc)).expect("valid");
    // Only b/y is stocked: location 1, item 1.
    assert_eq!(m.pairs.len(), 1);
    assert_eq!((m.pairs[0].location, m.pairs[0].item, m.pairs[0].name.as_str()), (1, 1, "b/y"));
    assert_eq!(m.lanes[0].to, 1);
}

#[test]
fn an_unknown_id_is_a_problem_at_its_path_naming_the_known_ones() {
    let mut doc = one_store();
    doc["demand"][0]["location"] = json!("sup");
    assert_eq!(
        problems(&doc),
        vec![problem(
            "demand[0].location",
            r#"unknown location "sup" ("sup" is a supplier); known locations: store"#
        )]
    );
}

#[test]
fn every_problem_is_collected_at_once() {
    let mut doc = one_store();
    doc["replications"] = json!(0);
    doc["policies"][0]["inventory"]["S"] = json!(-1);
    assert_eq!(
        problems(&doc),
        vec![
            problem("replications", "is 0; allowed: 1 to 100000000"),
            problem("policies[0].inventory.S", "is -1; allowed: 0 to 1000000000"),
        ]
    );
}

#[test]
fn network_order_puts_the_locations_nearest_the_suppliers_first() {
    let f = file(&serial());
    let mut b = Builder::new(&f);
    let ids = b.index(&f.scenario);
    let lanes = b.lanes(&f.scenario, &ids);
    // hub (index 0) ships to dc (2), which ships to store (1).
    assert_eq!(b.network_order(&f.scenario, &lanes, 3), vec![0, 2, 1]);
    assert!(b.problems.is_empty());
}

#[test]
fn network_order_reports_a_cycle_with_its_locations_and_lanes() {
    let mut doc = one_store();
    doc["locations"] = json!([{"id": "a"}, {"id": "b"}]);
    let lead = json!({"type": "constant", "value": 1});
    doc["lanes"] = json!([
        {"id": "in", "from": "sup", "to": "a", "lead_time": lead},
        {"id": "ab", "from": "a", "to": "b", "lead_time": lead},
        {"id": "ba", "from": "b", "to": "a", "lead_time": lead}
    ]);
    let f = file(&doc);
    let mut b = Builder::new(&f);
    let ids = b.index(&f.scenario);
    let lanes = b.lanes(&f.scenario, &ids);
    let order = b.network_order(&f.scenario, &lanes, 2);
    assert_eq!(order, vec![0, 1], "the locations of the cycle follow in index order");
    assert_eq!(
        b.problems,
        vec![problem(
            "lanes[1]",
            "the network has a cycle: a → b → a (lanes ab, ba); stock must flow from suppliers down to customers"
        )]
    );
}

#[test]
fn review_order_lists_pairs_downstream_first() {
    let m = Model::build(&file(&serial())).expect("valid");
    // Pairs follow the locations: hub/i = 0, store/i = 1, dc/i = 2; the store is reviewed
    // first, then the dc that supplies it, then the hub.
    let names: Vec<&str> = m.pairs.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["hub/i", "store/i", "dc/i"]);
    assert_eq!(m.review_order, vec![1, 2, 0]);
    assert_eq!(m.pairs[0].downstream, vec![1, 2]);
    assert_eq!(m.pairs[2].children, vec![1]);
}

#[test]
fn a_bootstrap_file_is_read_with_the_scenario_relative_to_it() {
    let dir = std::env::temp_dir().join(format!("scsim-model-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("h.csv"), "day,units\n1,4\n2,6\n").unwrap();
    let mut doc = one_store();
    doc["demand"][0]["distribution"] = json!({"type": "bootstrap", "file": "h.csv", "column": "units"});
    let f = ScenarioFile::parse(doc.to_string().as_bytes(), &dir.join("s.json")).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    // Read at load time: building needs no file.
    let m = Model::build(&f).expect("valid");
    let table: Vec<(u64, f64)> = m.demands[0].sampler.base().table().pmf().collect();
    assert_eq!(table, vec![(4, 0.5), (6, 0.5)]);
}

#[test]
fn a_missing_bootstrap_file_is_a_problem_at_the_field_naming_it() {
    let mut doc = one_store();
    doc["demand"][0]["distribution"] = json!({"type": "bootstrap", "file": "no-such-file.csv"});
    let found = problems(&doc);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, "demand[0].distribution.file");
    assert!(found[0].message.starts_with("cannot read no-such-file.csv: "), "{}", found[0].message);
}

fn input(text: &str) -> InputFile {
    InputFile { path: "h.csv".into(), bytes: Ok(text.as_bytes().to_vec()) }
}

#[test]
fn history_reads_a_named_column_after_the_header() {
    assert_eq!(history(&input("day,units\n1,5\n2, 7 \n"), Some("units"), None).unwrap().values, vec![5, 7]);
}

#[test]
fn history_without_a_header_starts_at_the_first_row() {
    assert_eq!(history(&input("3\n0\n12\n"), None, None).unwrap().values, vec![3, 0, 12]);
    assert_eq!(
        history(&input("units\n3\n"), None, None).unwrap().values,
        vec![3],
        "a word in the first cell is a header"
    );
}

#[test]
fn history_errors_say_what_and_where() {
    let message = |text: &str, column| history(&input(text), column, None).unwrap_err().to_string();
    assert_eq!(message("5\n-1\n", None), r#"h.csv line 2: "-1" is not a whole number of units ≥ 0"#);
    assert_eq!(message("5\n2.5\n", None), r#"h.csv line 2: "2.5" is not a whole number of units ≥ 0"#);
    assert_eq!(
        message("day,qty\n1,2\n", Some("units")),
        r#"h.csv:1: no column "units"; its header has: day, qty"#
    );
    assert_eq!(message("", None), "h.csv is empty; it needs one row per day");
    assert_eq!(message("units\n", None), "h.csv has no data rows");
    let unreadable =
        InputFile { path: "h.csv".into(), bytes: Err(Arc::new(std::io::ErrorKind::NotFound.into())) };
    assert!(history(&unreadable, None, None).unwrap_err().to_string().starts_with("cannot read h.csv: "));
}

#[test]
fn an_items_own_terms_on_a_lane_replace_the_lanes_for_it_only() {
    let mut doc = one_store();
    doc["items"] = json!([{"id": "i"}, {"id": "j"}]);
    let j_demand =
        json!({"location": "store", "item": "j", "distribution": {"type": "constant", "value": 1}});
    doc["demand"].as_array_mut().expect("a list").push(j_demand);
    doc["lanes"][0]["min_order"] = json!(5);
    doc["lanes"][0]["unit_cost"] = json!(2.0);
    doc["lanes"][0]["item_terms"] = json!([{"item": "j", "min_order": 100, "order_multiple": 50,
        "order_cost": 3.0, "lead_time": {"type": "constant", "value": 6}}]);
    let m = Model::build(&file(&doc)).expect("valid");
    let source = |item: usize| &m.pairs.iter().find(|p| p.item == item).expect("stocked").sources[0];
    let (i, j) = (source(0), source(1));
    assert_eq!((i.min_order, i.order_multiple, i.unit_cost), (5, 1, 2.0), "the lane's own terms");
    assert_eq!((j.min_order, j.order_multiple, j.unit_cost, j.order_cost), (100, 50, 2.0, 3.0), "j's own");
    assert_eq!((j.round_order(1), j.round_order(101)), (100, 150));
    let lane = &m.lanes[0];
    assert_eq!((lane.mean_lead_time(0), lane.mean_lead_time(1)), (2.0, 6.0));
    assert_eq!((lane.lead(0).quoted, lane.lead(1).quoted, lane.max_lead_time()), (2, 6, 6));
}
