//! `scsim.optimize(..., per_pair=True)`: the cheapest level of one inventory parameter for
//! every stocked pair (the library's per-pair optimisation, as `scsim optimize --per-pair`),
//! writing `policy-table.csv` and `policy-table-results.csv` into a folder that the Python
//! side reads into DataFrames.

use std::path::PathBuf;

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;

use scsim::experiment::optimize::Constraint;
use scsim::experiment::per_pair::{
    Question, Target, optimize_pairs, parameter, policy_table_bytes, results_bytes,
};

use crate::errors::scenario_error;
use crate::experiments::{objective, policy_index};
use crate::scenario::{Overrides, Scenario};

fn invalid(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// Finds the cheapest level of `param` (as `scsim optimize --per-pair --param` takes it, e.g.
/// `inventory.S=0..200` or `inventory.service.z=0..4:0.05`) for every stocked pair of
/// `policy` (default: the first), subject to `subject_to` at each pair, or to the catalogue
/// target `aggregate_target` (`fill_rate>=VALUE`); writes `policy-table.csv` and
/// `policy-table-results.csv` into `dir`. Returns whether every pair (or the catalogue) meets
/// the target.
#[pyfunction]
#[pyo3(signature = (scenario, dir, param, minimize=None, maximize=None, subject_to=Vec::new(), aggregate_target=None, policy=None, replications=None, seed=None, days=None, warmup=None, threads=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn optimize_per_pair(
    py: Python<'_>,
    scenario: &Scenario,
    dir: PathBuf,
    param: String,
    minimize: Option<String>,
    maximize: Option<String>,
    subject_to: Vec<String>,
    aggregate_target: Option<String>,
    policy: Option<String>,
    replications: Option<u32>,
    seed: Option<u64>,
    days: Option<u32>,
    warmup: Option<u32>,
    threads: Option<usize>,
) -> PyResult<bool> {
    let overrides = Overrides { replications, days, warmup, seed };
    let (_, model) = scenario.build(&overrides).map_err(|e| scenario_error(py, &e))?;
    let (objective, mut texts) = objective(&model, minimize, maximize)?;
    texts.extend(subject_to);
    let constraints: Vec<Constraint> =
        texts.iter().map(|c| Constraint::parse(c).map_err(invalid)).collect::<PyResult<_>>()?;
    let policy_name = policy.unwrap_or_else(|| model.policies[0].name.clone());
    let policy = policy_index(&model, &policy_name)?;
    let (field, lo, hi) = parameter(&model, policy, &param).map_err(invalid)?;
    let target = match aggregate_target {
        Some(text) => {
            let c = Constraint::parse(&text).map_err(invalid)?;
            Target::catalogue(&c, &text).map_err(invalid)?
        }
        None => Target::EachPair(constraints),
    };
    let question = Question { policy, field, lo, hi, objective, target };
    let outcome = crate::background::run(py, threads, move |_| {
        optimize_pairs(&model, &question, model.replications, model.seed, &mut |_| {})
    })?
    .map_err(invalid)?;
    let write = |name: &str, bytes: Vec<u8>| {
        std::fs::write(dir.join(name), bytes).map_err(|e| PyOSError::new_err(format!("{name}: {e}")))
    };
    write("policy-table.csv", policy_table_bytes(&policy_name, &outcome))?;
    write("policy-table-results.csv", results_bytes(&policy_name, &outcome))?;
    Ok(outcome.feasible)
}
