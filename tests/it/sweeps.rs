//! The sweep application as a library: a sweep's points are the runs of their scenarios, shards
//! merge into the unsharded sweep, and a resumed sweep writes the same bytes.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use scsim::experiment::merge::{Shards, read_shards, sweep_points};
use scsim::experiment::optimize::{Bounds, Objective, only_policy, optimize};
use scsim::experiment::points::{self, pending, read_points, run_points, save_sweep, simulate};
use scsim::experiment::shard::{Origin, PointResult, Settings, SweepShard, SweepSpec};
use scsim::experiment::sweep::{Grid, Parameter, share};
use scsim::model::Model;
use scsim::report::folder::Staging;
use scsim::scenario::ScenarioFile;

const SCENARIO: &str = "scenarios/quickstart.json";

/// The quickstart scenario, shortened so that a sweep takes little time.
fn document() -> Value {
    let mut doc: Value = serde_json::from_slice(&fs::read(SCENARIO).unwrap()).unwrap();
    doc["replications"] = json!(8);
    doc["horizon_days"] = json!(120);
    doc
}

fn model_of(doc: &Value) -> Model {
    let file = ScenarioFile::parse(&serde_json::to_vec(doc).unwrap(), Path::new(SCENARIO)).unwrap();
    Model::build(&file).unwrap()
}

/// A sweep of the safety-stock policy's S over four values.
fn spec() -> SweepSpec {
    let model = model_of(&document());
    SweepSpec {
        origin: Origin {
            scsim_version: scsim::VERSION.to_string(),
            scenario_file: SCENARIO.into(),
            scenario: fs::read_to_string(SCENARIO).unwrap(),
            inputs: Default::default(),
            settings: Settings {
                replications: model.replications,
                horizon_days: model.horizon,
                warmup_days: model.warmup,
                seed: model.seed,
                baseline: model.policies[0].name.clone(),
            },
        },
        parameters: vec![Parameter {
            path: "policies.safety-stock.inventory.S".into(),
            values: [90, 100, 110, 120].into_iter().map(Value::from).collect(),
        }],
    }
}

/// Runs the points `range` of the sweep into `dir`.
fn run_range(dir: &Path, range: std::ops::Range<usize>, resume: bool) -> Vec<PointResult> {
    let spec = spec();
    let todo = pending(&document(), &spec, range.clone(), dir, resume);
    run_points(&document(), &spec, &todo, dir, &|_| {}).unwrap();
    read_points(dir, range).collect::<Result<_, _>>().unwrap()
}

#[test]
fn a_sweeps_points_are_the_runs_of_their_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let points = run_range(dir.path(), 0..4, false);
    assert_eq!(points.len(), 4);
    let policies = document()["policies"].as_array().unwrap().clone();
    let safety = policies.iter().position(|p| p["name"] == "safety-stock").unwrap();
    for (point, s) in points.iter().zip([90, 100, 110, 120]) {
        assert_eq!(point.values, vec![json!(s)]);
        let mut doc = document();
        doc["policies"][safety]["inventory"]["S"] = json!(s);
        let alone = simulate(&model_of(&doc), &|_| {});
        assert_eq!(point.policies, alone, "point S = {s}");
    }
    let best = points::best_points(&points, model_of(&document()).objective());
    assert_eq!(best.len(), policies.len());
    let cost = |p: &PointResult, k: usize| p.policies[k].1["cost_total_per_day"].mean.unwrap();
    let k = best.iter().position(|b| b.policy == "safety-stock").unwrap();
    assert!(points.iter().all(|p| cost(best[k].point, k) <= cost(p, k)));
}

#[test]
fn merged_shards_equal_the_unsharded_sweep() {
    let whole = tempfile::tempdir().unwrap();
    let points = run_range(whole.path(), 0..4, false);
    save_sweep(whole.path(), &spec(), points.clone()).unwrap();

    let parts = tempfile::tempdir().unwrap();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for i in [1u32, 0] {
        let dir = parts.path().join(i.to_string());
        let staging = Staging::begin(&dir, false, false).unwrap();
        let range = share(Grid::new(&spec().parameters).len(), i as usize, 2);
        run_range(staging.path(), range.clone(), false);
        let manifest = SweepShard { sweep: spec(), shard: i, shards: 2, points: range.collect() };
        fs::write(staging.path().join("sweep-shard.json"), serde_json::to_vec(&manifest).unwrap()).unwrap();
        staging.commit("sweep-shard").unwrap();
        dirs.push(dir);
    }
    let Shards::Sweep(shards) = read_shards(&dirs).unwrap() else { panic!("sweep shards") };
    let merged_points = sweep_points(&shards).unwrap();
    assert_eq!(merged_points, points);
    let merged = tempfile::tempdir().unwrap();
    save_sweep(merged.path(), &spec(), merged_points).unwrap();
    for file in ["sweep.csv", "sweep-invalid.csv", "points/00000.json", "points/00003.json"] {
        assert_eq!(
            fs::read(merged.path().join(file)).unwrap(),
            fs::read(whole.path().join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn a_resumed_sweep_recomputes_only_the_missing_point_and_writes_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let points = run_range(dir.path(), 0..4, false);
    save_sweep(dir.path(), &spec(), points).unwrap();
    let before: Vec<Vec<u8>> =
        ["sweep.csv", "points/00001.json"].iter().map(|f| fs::read(dir.path().join(f)).unwrap()).collect();
    fs::remove_file(dir.path().join("points/00001.json")).unwrap();
    let todo = pending(&document(), &spec(), 0..4, dir.path(), true);
    assert_eq!(todo.saved.len(), 3);
    assert_eq!(todo.valid, vec![1]);
    run_points(&document(), &spec(), &todo, dir.path(), &|_| {}).unwrap();
    let resumed = read_points(dir.path(), 0..4).collect::<Result<Vec<_>, _>>().unwrap();
    save_sweep(dir.path(), &spec(), resumed).unwrap();
    let after: Vec<Vec<u8>> =
        ["sweep.csv", "points/00001.json"].iter().map(|f| fs::read(dir.path().join(f)).unwrap()).collect();
    assert_eq!(after, before);
}

#[test]
fn optimize_finds_the_newsvendor_critical_fractile() {
    let (scenario, optimum) = crate::common::newsvendor();
    let doc: Value = serde_json::from_str(&scenario).unwrap();
    let mut spec = spec();
    spec.origin.scenario = scenario.clone();
    spec.parameters = vec![Parameter { path: "policies.news.inventory.S".into(), values: vec![json!(0)] }];
    let bounds = [Bounds::parse("policies.news.inventory.S=0..80").unwrap()];
    let objective = Objective { metric: "cost_total_per_day".into(), maximize: false };
    let result = optimize(&only_policy(&doc, "news"), &spec, &bounds, &objective, &[]);
    assert_eq!(result.best, vec![optimum as i64]);
    assert!(result.feasible);
    assert!(result.candidates.len() < 40, "{} candidates", result.candidates.len());
    let best = result.candidates.iter().find(|c| c.point == result.best).unwrap();
    assert_eq!(best.metrics.as_ref().unwrap(), &result.metrics);
}

#[test]
fn a_saved_point_holds_its_own_values_only_and_names_its_sweep_by_fingerprint() {
    let run = |count: i64, dir: &Path| {
        let mut spec = spec();
        spec.parameters[0].values = (0..count).map(|k| Value::from(90 + k)).collect();
        let todo = pending(&document(), &spec, 0..1, dir, false);
        run_points(&document(), &spec, &todo, dir, &|_| {}).unwrap();
        (spec, fs::read_to_string(dir.join("points/00000.json")).unwrap())
    };
    let (small, large) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (one, text) = run(1, small.path());
    let (thousand, long_text) = run(1000, large.path());
    // The same point (S = 90) of a 1-point and of a 1000-point sweep: the same size on disk.
    assert_eq!(text.len(), long_text.len());
    let point: PointResult = serde_json::from_str(&long_text).unwrap();
    assert_eq!(point.values, vec![json!(90)]);
    assert_eq!(point.sweep, thousand.fingerprint());
    assert!(!long_text.contains("parameters") && !long_text.contains("scenario"));
    // A resumed sweep keeps a point only when its sweep is the same.
    assert!(points::saved_point(large.path(), &thousand, 0).is_some());
    assert!(points::saved_point(large.path(), &one, 0).is_none());
}
