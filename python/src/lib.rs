//! `scsim._scsim`: the compiled part of the Python package `scsim`, a thin layer over the
//! scsim library (see `python/scsim/__init__.py` for the Python API built on it).

mod env;

use pyo3::prelude::*;

/// The native module.
#[pymodule]
fn _scsim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", scsim::VERSION)?;
    env::register(m)?;
    Ok(())
}
