//! `scsim.sweep` and `scsim.optimize`: the library's sweep and policy search over a scenario,
//! writing their tables (`sweep.csv`, `sweep-invalid.csv`; `optimize.json`) into a folder
//! that the Python side reads into DataFrames.

use std::path::{Path, PathBuf};

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use serde_json::Value;

use scsim::experiment::optimize::{self as search, Bounds, Constraint, Objective, Question};
use scsim::experiment::points;
use scsim::experiment::section;
use scsim::experiment::shard::{Origin, Settings, SweepSpec};
use scsim::experiment::sweep::{self as grid, Grid, Parameter, parse_set};
use scsim::metrics::metric_index;
use scsim::model::Model;
use scsim::scenario::ScenarioFile;
use scsim::scenario::error::ScenarioError as LibError;

use crate::background;
use crate::errors::scenario_error;
use crate::run::policy_names;
use crate::scenario::{Overrides, Scenario};

fn invalid(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// The scenario with the overrides: its file, model and document.
fn prepare(
    py: Python<'_>,
    scenario: &Scenario,
    overrides: &Overrides,
) -> PyResult<(ScenarioFile, Model, Value)> {
    let (file, model) = scenario.build(overrides).map_err(|e| scenario_error(py, &e))?;
    let mut doc: Value = serde_json::from_str(&scenario.text).map_err(invalid)?;
    overrides.apply_json(&mut doc);
    Ok((file, model, doc))
}

/// What the sweep's or search's points are computed from (`base`: the baseline policy).
fn origin(scenario: &Scenario, file: &ScenarioFile, model: &Model, base: usize) -> Origin {
    Origin {
        scsim_version: scsim::VERSION.to_string(),
        scenario_file: scenario.path.display().to_string(),
        scenario: scenario.text.clone(),
        inputs: file.input_sha256(),
        settings: Settings {
            replications: model.replications,
            horizon_days: model.horizon,
            warmup_days: model.warmup,
            seed: model.seed,
            baseline: model.policies[base].name.clone(),
        },
    }
}

/// The index of the policy `name`, or a ValueError naming the policies.
pub(crate) fn policy_index(model: &Model, name: &str) -> PyResult<usize> {
    model.policies.iter().position(|p| p.name == name).ok_or_else(|| {
        invalid(format!("{name:?} is not a policy of the scenario; its policies: {:?}", policy_names(model)))
    })
}

/// Checks that every path names something in `doc`.
fn check_paths<'a>(doc: &Value, paths: impl Iterator<Item = (&'a str, &'a Value)>) -> PyResult<()> {
    for (path, value) in paths {
        grid::apply(&mut doc.clone(), path, value).map_err(invalid)?;
    }
    Ok(())
}

/// Sweeps the grid `sets` (each `PATH=VALUES` as `scsim sweep --set` takes it) over the
/// scenario with only `policies` (all when empty); writes `sweep.csv` and
/// `sweep-invalid.csv` (and the points) into `dir`.
#[pyfunction]
#[pyo3(signature = (scenario, dir, sets, policies=Vec::new(), replications=None, seed=None, days=None, warmup=None, threads=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn sweep(
    py: Python<'_>,
    scenario: &Scenario,
    dir: PathBuf,
    sets: Vec<String>,
    policies: Vec<String>,
    replications: Option<u32>,
    seed: Option<u64>,
    days: Option<u32>,
    warmup: Option<u32>,
    threads: Option<usize>,
) -> PyResult<()> {
    let overrides = Overrides { replications, days, warmup, seed };
    let (file, model, mut doc) = prepare(py, scenario, &overrides)?;
    let parameters: Vec<Parameter> = if sets.is_empty() {
        // The scenario's own `sweep` section, as `scsim sweep` without `--set`.
        section::section(&file.scenario.sweep, &doc).map_err(|mut problems| {
            file.place(&mut problems);
            scenario_error(py, &LibError::Invalid { file: scenario.path.clone(), problems })
        })?
    } else {
        sets.iter().map(|s| parse_set(s).map_err(invalid)).collect::<PyResult<_>>()?
    };
    if parameters.is_empty() {
        return Err(invalid(
            "nothing to sweep: give set=['PATH=VALUES', ...] or a `sweep` section in the scenario",
        ));
    }
    if grid::grid_size(&parameters) > grid::DEFAULT_POINT_LIMIT {
        return Err(invalid(format!(
            "the grid has more than {} points; sweep fewer values",
            grid::DEFAULT_POINT_LIMIT
        )));
    }
    let keep: Vec<usize> = policies.iter().map(|n| policy_index(&model, n)).collect::<PyResult<_>>()?;
    if let Some(list) = doc.get_mut("policies").and_then(Value::as_array_mut).filter(|_| !keep.is_empty()) {
        list.retain(|p| {
            p.get("name").and_then(Value::as_str).is_some_and(|n| policies.iter().any(|m| m == n))
        });
    }
    check_paths(&doc, parameters.iter().map(|p| (p.path.as_str(), &p.values[0])))?;
    let spec =
        SweepSpec { origin: origin(scenario, &file, &model, keep.first().copied().unwrap_or(0)), parameters };
    let all = 0..Grid::new(&spec.parameters).len();
    background::run(py, threads, move |progress| {
        let pending = points::pending(&doc, &spec, all.clone(), &dir, false);
        points::run_points(&doc, &spec, &pending, &dir, progress)?;
        points::write_tables(&dir, &spec, points::read_points(&dir, all)).map(drop)
    })?
    .map_err(|e| PyOSError::new_err(e.to_string()))
}

/// What to search for: the objective (`minimize`/`maximize` a metric, else the scenario's
/// objective and its targets) and the constraints, as texts.
pub(crate) fn objective(
    model: &Model,
    minimize: Option<String>,
    maximize: Option<String>,
) -> PyResult<(Objective, Vec<String>)> {
    let (objective, targets) = match (minimize, maximize) {
        (Some(_), Some(_)) => return Err(invalid("give minimize or maximize, not both")),
        (Some(metric), None) => (Objective { metric, maximize: false }, Vec::new()),
        (None, Some(metric)) => (Objective { metric, maximize: true }, Vec::new()),
        (None, None) => {
            let own = model.objective();
            let targets = own.targets.iter().map(|t| t.text()).collect();
            (Objective { metric: own.key().to_string(), maximize: own.maximize }, targets)
        }
    };
    metric_index(&objective.metric)
        .ok_or_else(|| invalid(format!("unknown metric {:?}", objective.metric)))?;
    Ok((objective, targets))
}

/// Searches the integer box `params` (each `PATH=LO..HI`, as `scsim optimize --param`
/// takes it) for the best values for `policy`, subject to `subject_to` (e.g.
/// `fill_rate>=0.98`); writes `optimize.json` into `dir`. Returns whether a point meets
/// every constraint.
#[pyfunction]
#[pyo3(signature = (scenario, dir, params, minimize=None, maximize=None, subject_to=Vec::new(), policy=None, replications=None, seed=None, days=None, warmup=None, threads=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn optimize(
    py: Python<'_>,
    scenario: &Scenario,
    dir: PathBuf,
    params: Vec<String>,
    minimize: Option<String>,
    maximize: Option<String>,
    subject_to: Vec<String>,
    policy: Option<String>,
    replications: Option<u32>,
    seed: Option<u64>,
    days: Option<u32>,
    warmup: Option<u32>,
    threads: Option<usize>,
) -> PyResult<bool> {
    let overrides = Overrides { replications, days, warmup, seed };
    let (file, model, doc) = prepare(py, scenario, &overrides)?;
    let bounds: Vec<Bounds> =
        params.iter().map(|t| Bounds::parse(t).map_err(invalid)).collect::<PyResult<_>>()?;
    let first = bounds.first().ok_or_else(|| invalid("give at least one param 'PATH=LO..HI'"))?;
    let (objective, mut texts) = objective(&model, minimize, maximize)?;
    texts.extend(subject_to);
    let constraints: Vec<Constraint> =
        texts.iter().map(|c| Constraint::parse(c).map_err(invalid)).collect::<PyResult<_>>()?;
    let policy = policy.unwrap_or_else(|| default_policy(&model, &first.path));
    policy_index(&model, &policy)?;
    let doc = search::only_policy(&doc, &policy);
    let parameters =
        bounds.iter().map(|b| Parameter { path: b.path.clone(), values: vec![Value::from(b.lo)] });
    let spec = SweepSpec { origin: origin(scenario, &file, &model, 0), parameters: parameters.collect() };
    check_paths(&doc, spec.parameters.iter().map(|p| (p.path.as_str(), &p.values[0])))?;
    let (search_bounds, search_objective) = (bounds.clone(), objective.clone());
    let optimum = background::run(py, threads, move |_| {
        search::optimize(&doc, &spec, &search_bounds, &search_objective, &constraints)
    })?;
    if optimum.all_invalid() {
        return Err(invalid(format!(
            "every one of the {} candidates tried has an invalid scenario",
            optimum.candidates.len()
        )));
    }
    let question = Question {
        scenario_file: &scenario.path.display().to_string(),
        policy: &policy,
        bounds: &bounds,
        objective: &objective,
        constraints: &texts,
        replications: model.replications,
        seed: model.seed,
    };
    search::write_result(Path::new(&dir), &question, &optimum)
        .map_err(|e| PyOSError::new_err(e.to_string()))?;
    Ok(optimum.feasible)
}

/// The policy a search is for by default: the one its first path names, else the first.
fn default_policy(model: &Model, path: &str) -> String {
    path.strip_prefix("policies.")
        .and_then(|rest| rest.split('.').next())
        .filter(|name| model.policies.iter().any(|p| &p.name == name))
        .map_or_else(|| model.policies[0].name.clone(), str::to_string)
}
