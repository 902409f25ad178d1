//! Errors about input: what a user wrote wrong, where, and what is allowed.

use std::fmt;
use std::path::PathBuf;

/// One problem found in a scenario, located by its JSON path (e.g. `policies[1].inventory.S`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where in the document the problem is.
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.path, self.message)
    }
}

/// A scenario that could not be read or is not valid. Each variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read the file")]
    Read {
        /// The scenario file.
        file: PathBuf,
        /// Why it could not be read.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid JSON.
    #[error("{file}:{line}:{column}: not valid JSON: {message}")]
    Syntax {
        /// The scenario file.
        file: PathBuf,
        /// Line of the error (from 1).
        line: usize,
        /// Column of the error (from 1).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The JSON does not have the scenario's shape (wrong type, unknown or missing field).
    #[error("{file}:{line}:{column}: at {path}: {message}")]
    Shape {
        /// The scenario file.
        file: PathBuf,
        /// Line of the error (from 1).
        line: usize,
        /// Column of the error (from 1).
        column: usize,
        /// JSON path of the value, e.g. `policies[0].inventory`.
        path: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// The scenario is well-formed but its content is invalid; every problem is listed.
    #[error("{file}: {} problem{} found:\n{}", .problems.len(), if .problems.len() == 1 { "" } else { "s" }, list(.problems))]
    Invalid {
        /// The scenario file.
        file: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n")
}
