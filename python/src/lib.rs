//! `scsim._scsim`: the compiled part of the Python package `scsim`, a thin layer over the
//! scsim library (`python/scsim/__init__.py` builds the Python API on it: DataFrames, dicts).

mod background;
mod env;
mod errors;
mod experiments;
mod per_pair;
mod run;
mod scenario;

use pyo3::prelude::*;

/// The native module.
#[pymodule]
fn _scsim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", scsim::VERSION)?;
    m.add("ScenarioError", m.py().get_type::<errors::ScenarioError>())?;
    m.add_class::<scenario::Scenario>()?;
    m.add_class::<run::RunResult>()?;
    m.add_function(wrap_pyfunction!(scenario::load_file, m)?)?;
    m.add_function(wrap_pyfunction!(scenario::load_text, m)?)?;
    m.add_function(wrap_pyfunction!(run::run, m)?)?;
    m.add_function(wrap_pyfunction!(experiments::sweep, m)?)?;
    m.add_function(wrap_pyfunction!(experiments::optimize, m)?)?;
    m.add_function(wrap_pyfunction!(per_pair::optimize_per_pair, m)?)?;
    env::register(m)?;
    Ok(())
}
