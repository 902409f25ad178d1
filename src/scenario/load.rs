//! Loading a scenario: reading the file and the input files it names, parsing the JSON
//! (serde's messages reworded for planners), and the file's SHA-256.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use std::io::Read;

use serde_json::Value;

use super::error::{Problem, ScenarioError, TOP};
use super::positions::Positions;
use super::structure::{self, describe};
use super::tables;
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
    /// Where each value is in the file, to place problems.
    pub(crate) positions: Arc<Positions>,
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
    /// Reads at most [`MAX_SCENARIO_MB`].
    pub fn read(path: &Path) -> Result<ScenarioFile, ScenarioError> {
        ScenarioFile::parse(&read_bounded(path)?, path)
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
        let (scenario, positions, tables) = parse_scenario(bytes, path)?;
        let mut file = ScenarioFile::assemble(bytes, path, scenario, positions);
        file.inputs.extend(tables);
        Ok(file)
    }

    /// Places `problems` found in this file (their line, column and the ids on their paths).
    pub fn place(&self, problems: &mut [Problem]) {
        self.positions.place(problems);
    }

    /// A scenario file from its parts, reading the input files it names.
    fn assemble(bytes: &[u8], path: &Path, scenario: Scenario, positions: Positions) -> ScenarioFile {
        let inputs = read_inputs(&scenario, path.parent().unwrap_or(Path::new(".")));
        let sha256 = hex(&Sha256::digest(bytes));
        ScenarioFile { path: path.to_path_buf(), scenario, sha256, inputs, positions: Arc::new(positions) }
    }
}

/// Reads every file a bootstrap distribution of the scenario names, each once.
fn read_inputs(scenario: &Scenario, base_dir: &Path) -> BTreeMap<String, InputFile> {
    let mut inputs = BTreeMap::new();
    for spec in int_dists(scenario) {
        if let Some(file) = spec.history_source().map(|h| h.file) {
            inputs.entry(file.to_string()).or_insert_with(|| {
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
    let lanes = s.lanes.iter().flat_map(|l| {
        let terms = l.item_terms.iter().filter_map(|t| t.lead_time.as_ref());
        std::iter::once(&l.lead_time).chain(terms).chain(l.delays.as_ref().map(|d| &d.extra_days))
    });
    let segments = s.segments.iter().filter_map(|g| g.patience_days.as_ref());
    demand.chain(lanes).chain(segments)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The largest scenario file read, in MB: far above any real scenario, it stops a wrong file
/// (a device, a data dump) from being read whole.
pub const MAX_SCENARIO_MB: u64 = 32;

/// Reads at most [`MAX_SCENARIO_MB`] from `path`.
fn read_bounded(path: &Path) -> Result<Vec<u8>, ScenarioError> {
    let read_error = |source| ScenarioError::Read { file: path.to_path_buf(), source };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_SCENARIO_MB << 20 | 1).read_to_end(&mut bytes))
        .map_err(read_error)?;
    Ok(bytes)
}

/// A parsed scenario, where its values are, and the tables it was read with.
type Parsed = (Scenario, Positions, Vec<(String, InputFile)>);

/// Parses scenario JSON; `file` is only used in error messages. Both passes run: the structural
/// one on the document, then, when a repaired document deserialises, the semantic one (so that
/// every problem is reported at once).
/// The rows of the tables the scenario names are appended to the document first (see
/// [`tables`]), so that both passes check them.
fn parse_scenario(bytes: &[u8], file: &Path) -> Result<Parsed, ScenarioError> {
    if bytes.len() as u64 > MAX_SCENARIO_MB << 20 {
        return Err(ScenarioError::TooLarge { file: file.to_path_buf(), limit_mb: MAX_SCENARIO_MB });
    }
    let mut doc = parse_document(bytes, file)?;
    let mut positions = Positions::scan(std::str::from_utf8(bytes).unwrap_or_default(), &doc);
    let appended = tables::append(&mut doc, file.parent().unwrap_or(Path::new(".")));
    positions.add_cells(appended.cells);
    let mut repaired = doc;
    let mut problems = appended.problems;
    problems.extend(structure::check(&mut repaired));
    match serde_path_to_error::deserialize::<_, Scenario>(&repaired) {
        Ok(scenario) if problems.is_empty() => return Ok((scenario, positions, appended.files)),
        Ok(scenario) => {
            let repaired = ScenarioFile::assemble(bytes, file, scenario, positions.clone());
            if let Err(ScenarioError::Invalid { problems: semantic, .. }) =
                crate::model::Model::build(&repaired)
            {
                problems.extend(semantic);
            }
        }
        Err(e) if problems.is_empty() => {
            let path = e.path().to_string();
            let path = if path == "." { TOP.to_string() } else { path };
            problems.push(Problem::new(path, reword(&e.into_inner().to_string())));
        }
        Err(_) => {}
    }
    positions.place(&mut problems);
    Err(ScenarioError::Invalid { file: file.to_path_buf(), problems })
}

/// The JSON document of a scenario file: valid JSON holding an object.
fn parse_document(bytes: &[u8], file: &Path) -> Result<Value, ScenarioError> {
    let not_a_scenario = |what: &str| ScenarioError::NotAScenario {
        file: file.to_path_buf(),
        message: format!(
            "{what}; a scenario is one JSON object, {{\"schema_version\": 1, \"horizon_days\": …, \"items\": […], …}} (see docs/scenario.md)"
        ),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(not_a_scenario("the file is empty"));
    }
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| ScenarioError::Syntax {
        file: file.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: reword(&e.to_string()),
    })?;
    match &doc {
        Value::Object(_) => Ok(doc),
        Value::Array(_) => Err(not_a_scenario(
            "the file holds a list (a JSON array) where a scenario is expected; to run several scenarios, put each in its own file",
        )),
        other => {
            Err(not_a_scenario(&format!("the file holds {} where a scenario is expected", describe(other))))
        }
    }
}

/// A serde message without its position, in a planner's words rather than Rust's.
fn reword(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    message
        .replace("expected i64", "expected a whole number")
        .replace("expected u64", "expected a whole number ≥ 0")
        .replace("expected f64", "expected a number")
        .replace("floating point", "decimal number")
}
