//! Determinism: every shipped scenario gives bit-identical statistics and replication rows on
//! one thread and on three (the scenarios folder is read when the test runs, so a new scenario
//! is covered without editing this file).

use std::fs;
use std::path::PathBuf;

use scsim::experiment::{self, RunSpec};
use scsim::model::Model;

use crate::common;

/// Everything a run reports, written with `{:?}` (which prints every float exactly, and NaN
/// equal to itself, so comparing the text compares the bits that matter).
fn run_on_threads(model: &Model, threads: usize) -> String {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
    pool.install(|| {
        let spec = RunSpec { replications: 40, seed: 2024, baseline: 0, daily: true };
        let mut rows = Vec::new();
        let stats = experiment::run(model, &spec, &mut |r| rows.extend_from_slice(r), &|_| {});
        format!("{stats:#?}\n{rows:?}")
    })
}

fn shipped_scenarios() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir("scenarios")
        .expect("scenarios folder")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_shipped_scenario_gives_the_same_results_on_1_and_3_threads() {
    let paths = shipped_scenarios();
    assert!(paths.len() >= 6, "expected the shipped scenarios, found {paths:?}");
    for path in paths {
        let model = common::load(&path);
        let (one, three) = (run_on_threads(&model, 1), run_on_threads(&model, 3));
        assert!(
            one.contains("replications: 40"),
            "{}: the run did not report its replications",
            path.display()
        );
        if let Some((line, (a, b))) = one.lines().zip(three.lines()).enumerate().find(|(_, (a, b))| a != b) {
            panic!("{}: line {line} differs between 1 and 3 threads:\n  {a}\n  {b}", path.display());
        }
        assert_eq!(one.len(), three.len(), "{}: output lengths differ", path.display());
    }
}
