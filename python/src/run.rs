//! `scsim.run`: one run of a scenario, kept in memory as the CLI's files would hold it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use scsim::experiment::{self, PairRows, Rows, RunSpec, RunStats};
use scsim::metrics::METRICS;
use scsim::model::Model;
use scsim::report::csv::ReplicationsCsv;
use scsim::report::folder::Staging;
use scsim::report::pairs::PairsReplicationsCsv;
use scsim::report::{self, Run, RunInfo, RunView};

use crate::background;
use crate::errors::scenario_error;
use crate::scenario::{Overrides, Scenario};

/// A finished run: its model, settings, statistics and per-replication rows.
#[pyclass(frozen, module = "scsim._scsim")]
pub(crate) struct RunResult {
    model: Arc<Model>,
    info: RunInfo,
    stats: RunStats,
    rows: Rows,
    view: RunView,
    /// The bytes of `pairs-replications.csv`, when asked for.
    pairs_replications: Option<Vec<u8>>,
}

impl RunResult {
    fn run(&self) -> Run<'_> {
        Run { model: &self.model, info: self.info.clone(), stats: &self.stats }
    }

    /// Writes every file into `staging`'s folder.
    fn write_files(&self, staging: &Staging, png: bool) -> Result<(), String> {
        let dir = staging.path();
        let path = dir.join("replications.csv");
        let mut csv = ReplicationsCsv::create(&path, &self.model).map_err(|e| e.to_string())?;
        csv.write(&self.rows).map_err(|e| e.to_string())?;
        report::write_run(dir, &self.run(), png).map_err(|e| e.to_string())?;
        if let Some(bytes) = &self.pairs_replications {
            std::fs::write(dir.join("pairs-replications.csv"), bytes).map_err(|e| e.to_string())?;
        }
        let sum = csv.finish().map_err(|e| e.to_string())?;
        staging.note_sealed(&path, sum);
        Ok(())
    }
}

#[pymethods]
impl RunResult {
    /// The bytes of `summary.json`.
    fn summary_json<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &report::json::summary_bytes(&self.view.summary))
    }

    /// The bytes of `daily.csv`.
    fn daily_csv<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &report::csv::daily_bytes(&self.view.policy_names(), &self.view.daily))
    }

    /// The bytes of `pairs.csv`.
    fn pairs_csv<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.view.pairs.csv_bytes(&self.view.policy_names()))
    }

    /// The bytes of `pairs-replications.csv` (None unless the run was asked for it).
    fn pairs_replications_csv<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.pairs_replications.as_ref().map(|bytes| PyBytes::new(py, bytes))
    }

    /// The bytes of `daily-locations.csv` (None with a single location).
    fn locations_csv<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        let v = &self.view;
        (!v.locations.is_empty()).then(|| {
            PyBytes::new(py, &report::csv::locations_bytes(&v.policy_names(), &v.locations, v.warmup_days()))
        })
    }

    /// The rows of `replications.csv` as columns: `replication`, `policy`, then every metric
    /// (NaN where undefined).
    fn replication_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let columns = PyDict::new(py);
        columns.set_item("replication", self.rows.iter().map(|r| r.0).collect::<Vec<u32>>())?;
        let names: Vec<&str> = self.rows.iter().map(|r| self.model.policies[r.1].name.as_str()).collect();
        columns.set_item("policy", names)?;
        for (k, m) in METRICS.iter().enumerate() {
            columns.set_item(m.key, self.rows.iter().map(|r| r.2[k]).collect::<Vec<f64>>())?;
        }
        Ok(columns)
    }

    /// The HTML report (`report.html`).
    fn report_html(&self) -> String {
        report::html::report(&self.view)
    }

    /// Writes the run's output folder `dir` as `scsim run --out DIR` does, byte for byte;
    /// a folder holding something other than a scsim output is refused unless `force`.
    #[pyo3(signature = (dir, force = false, png = false))]
    fn write(&self, py: Python<'_>, dir: PathBuf, force: bool, png: bool) -> PyResult<()> {
        py.detach(|| {
            let staging = Staging::begin(&dir, force, false).map_err(|e| e.to_string())?;
            self.write_files(&staging, png)?;
            staging.commit("run").map_err(|e| e.to_string())
        })
        .map_err(PyOSError::new_err)
    }
}

/// Runs `scenario` with `overrides`, on `threads` threads, with `baseline` (a policy name)
/// as the policy the others are compared with; `scenario_file` is recorded as the CLI records
/// the path given to it. Refuses a run above the library's work and memory limits unless
/// `force`. With `pairs_per_replication`, keeps `pairs-replications.csv` (as
/// `scsim run --pairs-per-replication` writes it).
#[pyfunction]
#[pyo3(signature = (scenario, replications=None, seed=None, days=None, warmup=None, threads=None, baseline=None, force=false, pairs_per_replication=false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn run(
    py: Python<'_>,
    scenario: &Scenario,
    replications: Option<u32>,
    seed: Option<u64>,
    days: Option<u32>,
    warmup: Option<u32>,
    threads: Option<usize>,
    baseline: Option<String>,
    force: bool,
    pairs_per_replication: bool,
) -> PyResult<RunResult> {
    let overrides = Overrides { replications, days, warmup, seed };
    let (_, model) = scenario.build(&overrides).map_err(|e| scenario_error(py, &e))?;
    let threads_used = threads.unwrap_or_else(rayon::current_num_threads);
    if let Some(refusal) = model.estimate(threads_used).refusal().filter(|_| !force) {
        return Err(PyValueError::new_err(format!(
            "{}: {refusal} (force=True runs it)",
            scenario.path.display()
        )));
    }
    let base = match baseline {
        None => 0,
        Some(name) => model.policies.iter().position(|p| p.name == name).ok_or_else(|| {
            PyValueError::new_err(format!(
                "{name:?} is not a policy of the scenario; its policies: {:?}",
                policy_names(&model)
            ))
        })?,
    };
    let spec = RunSpec { replications: model.replications, seed: model.seed, baseline: base, daily: true };
    let info = RunInfo {
        version: scsim::VERSION.to_string(),
        scenario_file: scenario.path.display().to_string(),
        seed: spec.seed,
        replications: spec.replications,
        baseline: base,
    };
    let model = Arc::new(model);
    let shared = Arc::clone(&model);
    let (stats, rows, pairs_replications) =
        background::run(py, threads, move |progress| -> Result<_, String> {
            let mut rows = Rows::new();
            if !pairs_per_replication {
                let stats = experiment::run(&shared, &spec, &mut |r| rows.extend_from_slice(r), progress);
                return Ok((stats, rows, None));
            }
            let (stats, bytes) = with_pairs_csv(&shared, |pairs| {
                experiment::run_with_pairs(
                    &shared,
                    &spec,
                    &mut |r| rows.extend_from_slice(r),
                    pairs,
                    progress,
                )
            })?;
            Ok((stats, rows, Some(bytes)))
        })?
        .map_err(PyOSError::new_err)?;
    let view = RunView::build(&Run { model: &model, info: info.clone(), stats: &stats });
    Ok(RunResult { model, info, stats, rows, view, pairs_replications })
}

/// Runs `run` with a sink for each chunk's per-pair rows that writes them as
/// `pairs-replications.csv` (the CLI's writer, into a temporary file); returns its result and
/// the file's bytes.
fn with_pairs_csv<T>(
    model: &Model,
    run: impl FnOnce(&mut (dyn FnMut(&PairRows) + Send)) -> T,
) -> Result<(T, Vec<u8>), String> {
    static FILES: AtomicU64 = AtomicU64::new(0);
    let n = FILES.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("scsim-pairs-{}-{n}.csv", std::process::id()));
    let mut out = PairsReplicationsCsv::create(&path, model, false).map_err(|e| e.to_string())?;
    let mut error = None;
    let result = run(&mut |p: &PairRows| {
        if error.is_none() {
            error = out.write(p).err();
        }
    });
    if let Some(e) = error {
        return Err(format!("cannot write {}: {e}", path.display()));
    }
    // A scratch file, not sealed: it has no sum.
    let _ = out.finish().map_err(|e| e.to_string())?;
    let bytes = std::fs::read(&path).map_err(|e| e.to_string());
    let _ = std::fs::remove_file(&path);
    Ok((result, bytes?))
}

/// The names of a model's policies.
pub(crate) fn policy_names(model: &Model) -> Vec<&str> {
    model.policies.iter().map(|p| p.name.as_str()).collect()
}
