//! Running the points of a sweep: each point's model, its simulation, its file in `points/`
//! (kept by a resumed sweep), and the tables `sweep.csv` and `sweep-invalid.csv` of a sweep.
//!
//! Nothing here prints or reads arguments; progress is reported through a callback.

use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;
use serde_json::Value;

use crate::experiment::merge::{point_path, read_json};
use crate::experiment::shard::{PointResult, SweepSpec};
use crate::experiment::sweep::{Grid, PathError, substitute};
use crate::experiment::{self, RunSpec};
use crate::metrics::{METRICS, Metric};
use crate::model::{Model, Objective};
use crate::report::csv::id_cell;
use crate::report::json::{Metrics, Stat};
use crate::report::{create_temp, write_atomic};
use crate::scenario::ScenarioFile;
use crate::scenario::error::{Problem, ScenarioError};

/// Why a point of a sweep (or a candidate of a search) has no valid scenario.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PointError {
    /// A parameter's path does not fit the scenario.
    #[error(transparent)]
    Path(#[from] PathError),
    /// The substituted scenario has problems (listed, separated by `; `).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Problem>),
    /// The substituted scenario does not read as a scenario (the reader's message).
    #[error("{0}")]
    Unreadable(String),
}

/// Why a sweep's files could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A file or folder could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file or folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A saved point could not be read back.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// A table could not be written.
    #[error("cannot write {path}: {source}")]
    Csv {
        /// The file.
        path: String,
        /// Why.
        source: csv::Error,
    },
}

/// A point of a sweep that cannot run, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidPoint {
    /// The point's index in the grid.
    pub index: usize,
    /// Why its scenario is invalid.
    pub reason: String,
}

/// The points of a sweep still to run. Only indices and reasons are held (a point's model is
/// rebuilt when it runs), so memory does not grow with the number of points.
#[derive(Debug, Clone, Default)]
pub struct Pending {
    /// The points already saved in the output folder (a resumed sweep), in grid order.
    pub saved: Vec<usize>,
    /// The points with a valid scenario, to simulate, in grid order.
    pub valid: Vec<usize>,
    /// The points whose scenario is invalid, in grid order.
    pub invalid: Vec<InvalidPoint>,
}

/// A scenario document with `point` substituted, validated; the error is why it is invalid.
/// A problem is given by its JSON path only: its line and column would be in the rewritten
/// document, not in the user's file.
pub fn point_model(doc: &Value, spec: &SweepSpec, point: &[Value]) -> Result<Model, PointError> {
    let doc = substitute(doc, &spec.parameters, point)?;
    let bytes = serde_json::to_vec(&doc).map_err(|e| PointError::Unreadable(e.to_string()))?;
    let invalid = |e: ScenarioError| match e {
        ScenarioError::Invalid { problems, .. } => {
            PointError::Invalid(problems.into_iter().map(|p| Problem { place: None, ..p }).collect())
        }
        other => PointError::Unreadable(other.to_string()),
    };
    let file = ScenarioFile::parse(&bytes, Path::new(&spec.origin.scenario_file)).map_err(invalid)?;
    Model::build(&file).map_err(invalid)
}

/// Runs a model without daily series and returns each policy's total metrics; `progress`
/// receives the number of replications finished.
pub fn simulate(model: &Model, progress: &(dyn Fn(u64) + Sync)) -> Vec<(String, Metrics)> {
    let spec = RunSpec { replications: model.replications, seed: model.seed, baseline: 0, daily: false };
    let stats = experiment::run(model, &spec, &mut |_| {}, progress);
    model
        .policies
        .iter()
        .zip(&stats.policies)
        .map(|(p, s)| {
            let metrics =
                METRICS.iter().zip(&s.ordered.total).map(|(d, m)| (d.key.to_string(), Stat::of(m))).collect();
            (p.name.clone(), metrics)
        })
        .collect()
}

/// The point `k` saved in `dir`, if it is there and belongs to the sweep `spec`.
pub fn saved_point(dir: &Path, spec: &SweepSpec, k: usize) -> Option<PointResult> {
    let point: PointResult = read_json(&point_path(dir, k)).ok()?;
    (point.sweep == spec.fingerprint() && point.index == k).then_some(point)
}

/// The points `range` of the sweep `spec` on the scenario document `doc`: those saved in
/// `dir` when `resume`, and every other one validated before anything runs.
pub fn pending(doc: &Value, spec: &SweepSpec, range: Range<usize>, dir: &Path, resume: bool) -> Pending {
    let grid = Grid::new(&spec.parameters);
    let mut out = Pending::default();
    for k in range {
        if resume && saved_point(dir, spec, k).is_some() {
            out.saved.push(k);
            continue;
        }
        match point_model(doc, spec, &grid.point(k)) {
            Ok(_) => out.valid.push(k),
            Err(e) => out.invalid.push(InvalidPoint { index: k, reason: e.to_string() }),
        }
    }
    out
}

/// Simulates the pending valid points in parallel (in the current thread pool) and saves every
/// pending point, valid or not, in `dir/points/` as soon as it is done.
pub fn run_points(
    doc: &Value,
    spec: &SweepSpec,
    pending: &Pending,
    dir: &Path,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), SweepError> {
    let points = dir.join("points");
    std::fs::create_dir_all(&points).map_err(|source| write_error(&points, source))?;
    let grid = Grid::new(&spec.parameters);
    let sweep = spec.fingerprint();
    let todo: Vec<usize> =
        pending.valid.iter().copied().chain(pending.invalid.iter().map(|p| p.index)).collect();
    todo.into_par_iter().try_for_each(|k| {
        let values = grid.point(k);
        let (invalid, policies) = match point_model(doc, spec, &values) {
            Ok(m) => (None, simulate(&m, progress)),
            Err(e) => (Some(e.to_string()), Vec::new()),
        };
        save_point(dir, &PointResult { sweep: sweep.clone(), index: k, values, invalid, policies })
    })
}

/// The saved points `range` of the sweep in `dir`, read one at a time, in grid order.
pub fn read_points(
    dir: &Path,
    range: Range<usize>,
) -> impl Iterator<Item = Result<PointResult, SweepError>> + '_ {
    range.map(move |k| {
        let path = point_path(dir, k);
        read_json(&path)
            .map_err(|e| SweepError::Read { path: path.display().to_string(), reason: e.to_string() })
    })
}

/// The metrics a sweep keeps in memory for its plots, best points and report (see
/// [`slim`]); every metric is in `sweep.csv` and the point files.
pub const KEPT_METRICS: [&str; 4] = ["fill_rate", "cost_total_per_day", "avg_on_hand", "profit_per_day"];

/// A point with only the metrics of [`KEPT_METRICS`] (and without its sweep's fingerprint).
pub fn slim(mut point: PointResult) -> PointResult {
    point.sweep = String::new();
    for (_, metrics) in &mut point.policies {
        metrics.retain(|k, _| KEPT_METRICS.contains(&k.as_str()));
    }
    point
}

/// Saves a point in `dir/points/`, atomically.
pub fn save_point(dir: &Path, point: &PointResult) -> Result<(), SweepError> {
    let path = point_path(dir, point.index);
    let bytes = serde_json::to_vec(point).expect("a point serializes");
    write_atomic(&path, &bytes).map_err(|source| write_error(&path, source))
}

fn write_error(path: &Path, source: std::io::Error) -> SweepError {
    SweepError::Write { path: path.display().to_string(), source }
}

/// For one policy, the valid point with the lowest mean total cost per day.
#[derive(Debug, Clone, PartialEq)]
pub struct BestPoint<'a> {
    /// The policy.
    pub policy: &'a str,
    /// The point.
    pub point: &'a PointResult,
    /// The policy's metrics at that point.
    pub metrics: &'a Metrics,
}

/// For each policy (in the order of the first valid point), its best point by `objective`:
/// the best by the objective's metric among the points that meet its targets, else the point
/// nearest to meeting them. Points where the metric is undefined are left out.
pub fn best_points<'a>(points: &'a [PointResult], objective: &Objective) -> Vec<BestPoint<'a>> {
    let Some(first) = points.iter().find(|p| p.invalid.is_none()) else { return Vec::new() };
    let mut best = Vec::new();
    for (k, (policy, _)) in first.policies.iter().enumerate() {
        let mean = |p: &PointResult, m: Metric| {
            p.policies.get(k).and_then(|(_, s)| s.get(m.def().key)).and_then(|s| s.mean)
        };
        let candidates: Vec<&PointResult> =
            points.iter().filter(|p| mean(p, objective.metric).is_some()).collect();
        if let Some(&i) = objective.ranking(candidates.len(), |i, m| mean(candidates[i], m)).first() {
            let point = candidates[i];
            best.push(BestPoint { policy, point, metrics: &point.policies[k].1 });
        }
    }
    best
}

/// Writes `sweep.csv` (one row per valid point and policy: the point, its values, the policy,
/// each metric's mean and half-width) and `sweep-invalid.csv` (the invalid points and why)
/// into `dir`, streaming `points` one at a time; returns the points [`slim`]med.
pub fn write_tables(
    dir: &Path,
    spec: &SweepSpec,
    points: impl Iterator<Item = Result<PointResult, SweepError>>,
) -> Result<Vec<PointResult>, SweepError> {
    let paths: Vec<&str> = spec.parameters.iter().map(|p| p.path.as_str()).collect();
    let mut header: Vec<String> =
        ["point"].into_iter().chain(paths.iter().copied()).map(String::from).collect();
    let mut invalid_header = header.clone();
    invalid_header.push("reason".into());
    header.push("policy".into());
    for m in METRICS {
        header.extend([format!("{}_mean", m.key), format!("{}_half_width", m.key)]);
    }
    let mut table = CsvFile::create(&dir.join("sweep.csv"), &header)?;
    let mut invalid_table = CsvFile::create(&dir.join("sweep-invalid.csv"), &invalid_header)?;
    let mut kept = Vec::new();
    for point in points {
        let point = point?;
        let mut lead = vec![point.index.to_string()];
        lead.extend(point.values.iter().map(plain));
        if let Some(reason) = &point.invalid {
            invalid_table.row(lead.into_iter().chain([id_cell(reason).into_owned()]))?;
            kept.push(slim(point));
            continue;
        }
        for (policy, metrics) in &point.policies {
            let mut row = lead.clone();
            row.push(id_cell(policy).into_owned());
            for m in METRICS {
                let s = metrics.get(m.key);
                let cell = |x: Option<f64>| x.map_or(String::new(), |v| v.to_string());
                row.extend([cell(s.and_then(|s| s.mean)), cell(s.and_then(|s| s.half_width))]);
            }
            table.row(row)?;
        }
        kept.push(slim(point));
    }
    table.finish()?;
    invalid_table.finish()?;
    Ok(kept)
}

/// A CSV file written row by row to a temporary name and renamed into place when finished.
struct CsvFile {
    path: std::path::PathBuf,
    temp: std::path::PathBuf,
    writer: csv::Writer<std::io::BufWriter<std::fs::File>>,
}

impl CsvFile {
    fn create(path: &Path, header: &[String]) -> Result<CsvFile, SweepError> {
        let (file, temp) = create_temp(path).map_err(|source| write_error(path, source))?;
        let mut csv = CsvFile {
            path: path.to_path_buf(),
            temp,
            writer: csv::Writer::from_writer(std::io::BufWriter::new(file)),
        };
        csv.row(header.iter().cloned())?;
        Ok(csv)
    }

    fn row(&mut self, cells: impl IntoIterator<Item = String>) -> Result<(), SweepError> {
        let path = self.path.display().to_string();
        self.writer.write_record(cells).map_err(|source| SweepError::Csv { path, source })
    }

    fn finish(self) -> Result<(), SweepError> {
        let CsvFile { path, temp, writer } = self;
        let file = writer.into_inner().map_err(|e| write_error(&path, e.into_error()))?;
        let file = file.into_inner().map_err(|e| write_error(&path, e.into_error()))?;
        file.sync_all().map_err(|source| write_error(&path, source))?;
        std::fs::rename(temp, &path).map_err(|source| write_error(&path, source))
    }
}

/// A value as a table cell: strings without their quotes (and neutralised as ids are).
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => id_cell(s).into_owned(),
        other => other.to_string(),
    }
}

/// Writes a whole sweep into `dir`: every point's file in `points/` and the tables; returns
/// the points [`slim`]med.
pub fn save_sweep(
    dir: &Path,
    spec: &SweepSpec,
    points: Vec<PointResult>,
) -> Result<Vec<PointResult>, SweepError> {
    let folder = dir.join("points");
    std::fs::create_dir_all(&folder).map_err(|source| write_error(&folder, source))?;
    for point in &points {
        save_point(dir, point)?;
    }
    write_tables(dir, spec, points.into_iter().map(Ok))
}
