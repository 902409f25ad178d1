//! `scsim.run`: one run of a scenario, kept in memory as the CLI's files would hold it.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use scsim::experiment::{self, Rows, RunSpec, RunStats};
use scsim::metrics::METRICS;
use scsim::model::Model;
use scsim::report::csv::ReplicationsCsv;
use scsim::report::folder::Staging;
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
}

impl RunResult {
    fn run(&self) -> Run<'_> {
        Run { model: &self.model, info: self.info.clone(), stats: &self.stats }
    }

    /// Writes every file into the staging folder `dir`.
    fn write_files(&self, dir: &std::path::Path, png: bool) -> Result<(), String> {
        let path = dir.join("replications.csv");
        let mut csv = ReplicationsCsv::create(&path, &self.model).map_err(|e| e.to_string())?;
        csv.write(&self.rows).map_err(|e| e.to_string())?;
        report::write_run(dir, &self.run(), png).map_err(|e| e.to_string())?;
        csv.finish().map_err(|e| e.to_string())
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
            self.write_files(staging.path(), png)?;
            staging.commit("run").map_err(|e| e.to_string())
        })
        .map_err(PyOSError::new_err)
    }
}

/// Runs `scenario` with `overrides`, on `threads` threads, with `baseline` (a policy name)
/// as the policy the others are compared with; `scenario_file` is recorded as the CLI records
/// the path given to it. Refuses a run above the library's work and memory limits unless
/// `force`.
#[pyfunction]
#[pyo3(signature = (scenario, replications=None, seed=None, days=None, warmup=None, threads=None, baseline=None, force=false))]
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
    let (stats, rows) = background::run(py, threads, move |progress| {
        let mut rows = Rows::new();
        let stats = experiment::run(&shared, &spec, &mut |r| rows.extend_from_slice(r), progress);
        (stats, rows)
    })?;
    let view = RunView::build(&Run { model: &model, info: info.clone(), stats: &stats });
    Ok(RunResult { model, info, stats, rows, view })
}

/// The names of a model's policies.
pub(crate) fn policy_names(model: &Model) -> Vec<&str> {
    model.policies.iter().map(|p| p.name.as_str()).collect()
}
