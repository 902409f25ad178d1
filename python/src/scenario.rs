//! `scsim.Scenario`: a scenario read and validated, as text and as a model, and the run
//! settings Python may override (as the CLI's `--replications`, `--days`, `--warmup`,
//! `--seed` do).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyo3::prelude::*;

use scsim::model::Model;
use scsim::scenario::ScenarioFile;
use scsim::scenario::error::ScenarioError as LibError;

use crate::errors::scenario_error;

/// Run settings that replace the scenario's own (the library's, as the CLI's flags give them).
pub(crate) use scsim::scenario::SettingOverrides as Overrides;

/// A validated scenario. Made by `scsim.load`; `to_dict()` gives its document back.
#[pyclass(frozen, module = "scsim._scsim")]
pub(crate) struct Scenario {
    /// The scenario's JSON text (the file's bytes when read from a file).
    pub(crate) text: String,
    /// The file it was read from, or stands for (relative input files are read beside it).
    pub(crate) path: PathBuf,
    /// The validated model with the scenario's own settings.
    pub(crate) model: Arc<Model>,
}

impl Scenario {
    /// Parses and validates `text` as if read from `path`, with `overrides`.
    pub(crate) fn build(&self, overrides: &Overrides) -> Result<(ScenarioFile, Model), LibError> {
        let mut file = ScenarioFile::parse(self.text.as_bytes(), &self.path)?;
        overrides.apply(&mut file.scenario);
        let model = Model::build(&file)?;
        Ok((file, model))
    }

    fn from_text(py: Python<'_>, text: String, path: PathBuf) -> PyResult<Scenario> {
        let file = ScenarioFile::parse(text.as_bytes(), &path).map_err(|e| scenario_error(py, &e))?;
        let model = Model::build(&file).map_err(|e| scenario_error(py, &e))?;
        Ok(Scenario { text, path, model: Arc::new(model) })
    }
}

#[pymethods]
impl Scenario {
    /// The scenario's name.
    #[getter]
    fn name(&self) -> &str {
        &self.model.name
    }

    /// The file the scenario was read from (or stands for).
    #[getter]
    fn path(&self) -> String {
        self.path.display().to_string()
    }

    /// The names of the policies, in scenario order.
    #[getter]
    fn policies(&self) -> Vec<String> {
        self.model.policies.iter().map(|p| p.name.clone()).collect()
    }

    /// Replications, days, warm-up days and seed of the scenario.
    #[getter]
    fn settings(&self) -> (u32, u32, u32, u64) {
        let m = &self.model;
        (m.replications, m.horizon, m.warmup, m.seed)
    }

    /// The validator's warnings (they do not stop a run).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.model.warnings().to_vec()
    }

    /// The objective the policies are ranked by, in words.
    #[getter]
    fn objective(&self) -> String {
        self.model.objective().describe()
    }

    /// The scenario's JSON text.
    fn to_json(&self) -> &str {
        &self.text
    }

    fn __repr__(&self) -> String {
        let m = &self.model;
        format!(
            "<scsim.Scenario {:?}: {} policies, {} pairs, {} days, {} replications>",
            m.name,
            m.policies.len(),
            m.pairs.len(),
            m.horizon,
            m.replications
        )
    }
}

/// Reads and validates the scenario file `path`.
#[pyfunction]
pub(crate) fn load_file(py: Python<'_>, path: PathBuf) -> PyResult<Scenario> {
    // The library's reading first: its size limit and messages.
    let text = ScenarioFile::read(&path).and_then(|_| read(&path)).map_err(|e| scenario_error(py, &e))?;
    Scenario::from_text(py, text, path)
}

/// Validates the scenario JSON `text` as if read from `path` (input files are read beside it).
#[pyfunction]
pub(crate) fn load_text(py: Python<'_>, text: String, path: PathBuf) -> PyResult<Scenario> {
    Scenario::from_text(py, text, path)
}

/// The text of a file the library has read once already.
fn read(path: &Path) -> Result<String, LibError> {
    std::fs::read_to_string(path).map_err(|source| LibError::Read { file: path.to_path_buf(), source })
}
