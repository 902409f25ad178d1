//! The day-by-day environment (owned by the `env` branch; this stub registers nothing).

use pyo3::prelude::*;

/// Adds the environment's classes to the module (none yet).
pub fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
