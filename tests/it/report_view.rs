//! The view of a finished run that every report is drawn from: the view read back from a run's
//! files is the view built from its statistics in memory, and ids holding commas, quotes, angle
//! brackets, semicolons and apostrophes survive the CSV files, `scsim plot` and the HTML report
//! (line breaks in ids are refused by validation).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use assert_cmd::Command;
use scsim::model::Model;
use scsim::report::{self, Run, RunInfo, RunView};
use scsim::scenario::ScenarioFile;

use crate::common;

/// Builds `scenario` with a shorter horizon.
fn model(scenario: &str, days: u32, warmup: u32) -> Model {
    let mut file = ScenarioFile::read(Path::new(scenario)).expect("scenario parses");
    file.scenario.horizon_days = days.into();
    file.scenario.warmup_days = warmup.into();
    Model::build(&file).expect("scenario is valid")
}

/// The view built in memory and the view read back from the files its exporters wrote.
fn both_views(model: &Model, replications: u32) -> (RunView, RunView) {
    let stats = common::run(model, replications, 11);
    let info = RunInfo {
        version: "test".into(),
        scenario_file: "scenario.json".into(),
        seed: 11,
        replications,
        baseline: 0,
    };
    let built = RunView::build(&Run { model, info, stats: &stats });
    let dir = tempfile::tempdir().unwrap();
    for exporter in report::exporters(false) {
        exporter.write(&built, dir.path()).unwrap();
    }
    let loaded = RunView::load(dir.path()).unwrap();
    (built, loaded)
}

#[test]
fn the_view_read_from_a_runs_files_is_the_view_built_in_memory() {
    for (scenario, locations) in [("scenarios/quickstart.json", 0), ("scenarios/three-echelon.json", 9)] {
        let model = model(scenario, 90, 20);
        let (built, loaded) = both_views(&model, 6);
        assert_eq!(built.daily.len(), model.policies.len());
        assert!(built.daily.iter().all(|days| days.len() == 90));
        assert_eq!(built.warmup_days(), 20);
        assert_eq!(built.locations.first().map_or(0, Vec::len), locations, "{scenario}");
        // Undefined numbers (NaN) are written as empty cells and read back as NaN: compare the
        // printed views, in which NaN equals NaN.
        assert_eq!(format!("{built:?}"), format!("{loaded:?}"), "{scenario}");
        assert_eq!(built.summary, loaded.summary);
    }
}

/// A network whose ids need quoting in CSV and escaping in HTML.
const ODD_IDS: &str = r#"{
  "schema_version": 1,
  "name": "odd ids",
  "horizon_days": 40,
  "warmup_days": 5,
  "replications": 4,
  "seed": 7,
  "items": [ { "id": "say \"hi\"" } ],
  "locations": [ { "id": "dc <main> & co" }, { "id": "store,north" }, { "id": "semi;colon 'it'" } ],
  "suppliers": [ { "id": "acme, inc." } ],
  "lanes": [
    { "id": "in,bound", "from": "acme, inc.", "to": "dc <main> & co", "lead_time": { "type": "constant", "value": 3 } },
    { "id": "to \"north\"", "from": "dc <main> & co", "to": "store,north", "lead_time": { "type": "constant", "value": 2 } },
    { "id": "to-break", "from": "dc <main> & co", "to": "semi;colon 'it'", "lead_time": { "type": "constant", "value": 2 } }
  ],
  "demand": [
    { "location": "store,north", "item": "say \"hi\"", "distribution": { "type": "poisson", "mean": 5 } },
    { "location": "semi;colon 'it'", "item": "say \"hi\"", "distribution": { "type": "poisson", "mean": 3 } }
  ],
  "costs": { "holding_per_unit_day": 0.05, "backorder_per_unit_day": 1.0, "order_fixed": 10.0 },
  "policies": [
    { "name": "lean", "inventory": { "type": "base_stock", "S": 20 } },
    { "name": "ample", "inventory": { "type": "base_stock", "S": 40 } }
  ]
}"#;

const LOCATIONS: [&str; 3] = ["dc <main> & co", "store,north", "semi;colon 'it'"];

/// The values of column `column` of the CSV file `path`, read with the csv crate.
fn column(path: &Path, column: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let k = reader.headers().unwrap().iter().position(|h| h == column).expect("the column exists");
    reader.records().map(|r| r.unwrap()[k].to_string()).collect()
}

#[test]
fn ids_with_commas_quotes_and_brackets_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("odd.json");
    fs::write(&scenario, ODD_IDS).unwrap();
    let out = dir.path().join("out");
    let scsim = || Command::cargo_bin("scsim").unwrap();
    scsim().arg("validate").arg(&scenario).assert().success();
    scsim().arg("run").arg(&scenario).arg("--quiet").arg("--out").arg(&out).assert().success();

    // Every CSV file parses back to the same ids, one row per policy × day (× location).
    let locations = column(&out.join("daily-locations.csv"), "location");
    assert_eq!(locations.len(), 2 * 40 * 3);
    assert_eq!(locations[..3], LOCATIONS.map(String::from));
    assert_eq!(locations.iter().collect::<BTreeSet<_>>().len(), 3);
    assert_eq!(column(&out.join("daily.csv"), "policy").len(), 2 * 40);
    let replications = column(&out.join("replications.csv"), "policy");
    assert_eq!(replications.iter().filter(|p| *p == "lean").count(), 4);
    assert_eq!(replications.iter().filter(|p| *p == "ample").count(), 4);
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
    let pairs = summary["policies"][0]["pairs"].as_object().unwrap();
    assert!(pairs.contains_key("store,north/say \"hi\"") && pairs.contains_key("semi;colon 'it'/say \"hi\""));

    // The report is well-formed and shows the ids as they are.
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let doc = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
    )
    .expect("report.html is well-formed");
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for id in ["store,north/say \"hi\"", "dc <main> & co/say \"hi\"", "to \"north\"", "acme, inc."] {
        assert!(texts.contains(&id), "the report does not show {id:?}");
    }
    assert!(html.contains("dc &lt;main&gt; &amp; co") && html.contains("say &quot;hi&quot;"));

    // scsim plot redraws the run from its files, byte for byte.
    let before = fs::read(out.join("report.html")).unwrap();
    fs::remove_file(out.join("report.html")).unwrap();
    fs::remove_dir_all(out.join("plots")).unwrap();
    scsim().arg("plot").arg(&out).assert().success();
    assert!(fs::read(out.join("report.html")).unwrap() == before, "report.html differs after scsim plot");
}
