//! `scsim.ScenarioError`: a scenario that cannot be read or is invalid, carrying every
//! problem as a list of dicts (`path`, `line`, `column`, `message`, `label`).

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use scsim::scenario::error::{Problem, ScenarioError as LibError, TOP};

create_exception!(
    _scsim,
    ScenarioError,
    PyValueError,
    "A scenario that cannot be read or is invalid; `.problems` lists every problem as a dict \
     with `path` (JSON path), `line` and `column` (1-based, None when unknown), `message` and \
     `label` (the path with the ids of list elements)."
);

/// One problem as the dict Python sees.
fn problem_dict<'py>(
    py: Python<'py>,
    path: &str,
    position: Option<(usize, usize)>,
    message: &str,
    label: Option<&str>,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("path", path)?;
    d.set_item("line", position.map(|p| p.0))?;
    d.set_item("column", position.map(|p| p.1))?;
    d.set_item("message", message)?;
    d.set_item("label", label.unwrap_or(path))?;
    Ok(d)
}

/// The problems of a library error, one dict each.
fn problems<'py>(py: Python<'py>, e: &LibError) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    match e {
        LibError::Invalid { problems, .. } => {
            for Problem { path, message, place, .. } in problems {
                let position = place.as_ref().map(|p| (p.position.line, p.position.column));
                let label = place.as_ref().map(|p| p.label.as_str());
                list.append(problem_dict(py, path, position, message, label)?)?;
            }
        }
        LibError::Syntax { line, column, message, .. } => {
            list.append(problem_dict(py, TOP, Some((*line, *column)), message, None)?)?;
        }
        other => list.append(problem_dict(py, TOP, None, &other.to_string(), None)?)?,
    }
    Ok(list)
}

/// The Python exception for a library error: its message is the CLI's, `.problems` the list.
pub(crate) fn scenario_error(py: Python<'_>, e: &LibError) -> PyErr {
    let err = ScenarioError::new_err(e.to_string());
    match problems(py, e).and_then(|list| err.value(py).setattr("problems", list)) {
        Ok(()) => err,
        Err(other) => other,
    }
}
