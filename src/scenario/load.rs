//! Loading a scenario: reading the file and the input files it names, parsing the JSON
//! (serde's messages reworded for planners), and the file's SHA-256.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::error::ScenarioError;
use super::{IntDistSpec, Scenario};

/// A scenario file as read from disk.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    /// Where it was read from (relative paths inside are resolved against its folder).
    pub path: PathBuf,
    /// Its parsed content.
    pub scenario: Scenario,
    /// SHA-256 of the file's bytes, in hex.
    pub sha256: String,
    /// The input files the scenario names (bootstrap histories), by the name written in it.
    pub(crate) inputs: BTreeMap<String, InputFile>,
}

/// An input file a scenario names, read relative to the scenario's folder.
#[derive(Debug, Clone)]
pub(crate) struct InputFile {
    /// The path it was read from (the scenario's folder joined with the name).
    pub(crate) path: PathBuf,
    /// Its bytes, or why they could not be read (reported by the model builder, with the
    /// JSON path of the field that names the file).
    pub(crate) bytes: Result<Vec<u8>, Arc<std::io::Error>>,
}

impl ScenarioFile {
    /// Reads and parses a scenario file (shape only; see [`crate::model::Model::build`] for content).
    pub fn read(path: &Path) -> Result<ScenarioFile, ScenarioError> {
        let bytes =
            std::fs::read(path).map_err(|source| ScenarioError::Read { file: path.to_path_buf(), source })?;
        ScenarioFile::parse(&bytes, path)
    }

    /// The SHA-256 (hex) of each input file the scenario names, by that name (`unreadable`
    /// for a file that could not be read): with the scenario's text, what its results
    /// depend on.
    pub fn input_sha256(&self) -> BTreeMap<String, String> {
        let sum = |f: &InputFile| {
            f.bytes.as_ref().map_or_else(|_| "unreadable".into(), |b| hex(&Sha256::digest(b)))
        };
        self.inputs.iter().map(|(name, f)| (name.clone(), sum(f))).collect()
    }

    /// Parses scenario bytes as if read from `path`, and reads the input files it names
    /// (relative to `path`'s folder).
    pub fn parse(bytes: &[u8], path: &Path) -> Result<ScenarioFile, ScenarioError> {
        let scenario = parse_scenario(bytes, path)?;
        let inputs = read_inputs(&scenario, path.parent().unwrap_or(Path::new(".")));
        Ok(ScenarioFile { path: path.to_path_buf(), scenario, sha256: hex(&Sha256::digest(bytes)), inputs })
    }
}

/// Reads every file a bootstrap distribution of the scenario names, each once.
fn read_inputs(scenario: &Scenario, base_dir: &Path) -> BTreeMap<String, InputFile> {
    let mut inputs = BTreeMap::new();
    for spec in int_dists(scenario) {
        if let IntDistSpec::Bootstrap { file, .. } = spec {
            inputs.entry(file.clone()).or_insert_with(|| {
                let path = base_dir.join(file);
                let bytes = std::fs::read(&path).map_err(Arc::new);
                InputFile { path, bytes }
            });
        }
    }
    inputs
}

/// Every distribution of whole numbers in the scenario.
fn int_dists(s: &Scenario) -> impl Iterator<Item = &IntDistSpec> {
    let demand = s
        .demand
        .iter()
        .flat_map(|d| std::iter::once(&d.distribution).chain(d.spikes.as_ref().map(|sp| &sp.duration_days)));
    let lanes = s
        .lanes
        .iter()
        .flat_map(|l| std::iter::once(&l.lead_time).chain(l.delays.as_ref().map(|d| &d.extra_days)));
    let segments = s.segments.iter().filter_map(|g| g.patience_days.as_ref());
    demand.chain(lanes).chain(segments)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses scenario JSON; `file` is only used in error messages.
fn parse_scenario(bytes: &[u8], file: &Path) -> Result<Scenario, ScenarioError> {
    if let Err(e) = serde_json::from_slice::<serde_json::Value>(bytes) {
        return Err(ScenarioError::Syntax {
            file: file.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = display_path(&e.path().to_string());
        let inner = e.into_inner();
        ScenarioError::Shape {
            file: file.to_path_buf(),
            line: inner.line(),
            column: inner.column(),
            path,
            message: strip_position(&inner.to_string()),
        }
    })
}

/// A serde message without its position, in a planner's words rather than Rust's.
fn strip_position(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    let mut out = message
        .replace("expected i64", "expected a whole number")
        .replace("expected u64", "expected a whole number ≥ 0")
        .replace("expected f64", "expected a number")
        .replace("floating point", "decimal number");
    if let Some(i) = out.find("expected internally tagged enum") {
        out.truncate(i);
        out.push_str(
            r#"expected an object with a "type" field, for example {"type": "constant", "value": 4}"#,
        );
    }
    out
}

fn display_path(path: &str) -> String {
    if path == "." || path.is_empty() { "(top level)".to_string() } else { path.to_string() }
}
