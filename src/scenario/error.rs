//! Errors about input: what a user wrote wrong, where, and what is allowed.

use std::fmt;
use std::path::PathBuf;

pub use super::positions::{Cell, Position};

/// One problem found in a scenario, located by its JSON path (e.g. `policies[1].inventory.S`).
/// Two problems are the same when their path and message are; where they are in the file
/// ([`Problem::place`]) is derived from the path.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Where in the document the problem is.
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
    /// Where the path is in the user's file, when known.
    pub place: Option<Place>,
    /// The element the message is about when one rule fails for many elements at the same
    /// path (a stocked pair, e.g. `dc/widget`): such problems are reported as one.
    pub subject: Option<String>,
}

/// The path of the document as a whole.
pub const TOP: &str = "(top level)";

/// The problems found, with those that differ only in their [`Problem::subject`] (one rule
/// failing for many stocked pairs at the same path) reported as one that lists the subjects.
pub(crate) fn group(problems: Vec<Problem>) -> Vec<Problem> {
    let mut out: Vec<(Problem, Vec<String>)> = Vec::new();
    for p in problems {
        let key = |q: &Problem| {
            q.subject.as_ref().map(|s| (q.path.clone(), q.message.replace(s.as_str(), "\u{0}")))
        };
        let k = key(&p);
        match out.iter_mut().find(|(q, _)| k.is_some() && key(q) == k) {
            Some((_, subjects)) => subjects.extend(p.subject),
            None => {
                let subjects = p.subject.iter().cloned().collect();
                out.push((p, subjects));
            }
        }
    }
    out.into_iter().map(|(p, subjects)| if subjects.len() > 1 { merged(p, &subjects) } else { p }).collect()
}

/// One problem standing for the same problem about each of `subjects`.
fn merged(first: Problem, subjects: &[String]) -> Problem {
    const SHOWN: usize = 12;
    let subject = first.subject.as_deref().unwrap_or_default();
    let mut list = subjects.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if subjects.len() > SHOWN {
        list.push_str(&format!(" and {} more", subjects.len() - SHOWN));
    }
    let message = first.message.replace(subject, "these pairs");
    Problem {
        message: format!("in {} pairs: {message}; the pairs are {list}", subjects.len()),
        subject: None,
        ..first
    }
}

/// Where a problem is in the user's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Line and column of the value (or of its key, for a member of an object); for a value
    /// from a table, the line of its row and the column's number.
    pub position: Position,
    /// The path with the id of each list element on it, e.g. `demand[10] (shop/sku07).item`;
    /// for a value from a table, the column's header.
    pub label: String,
    /// The table cell the value came from, when it came from a scenario table (the problem
    /// is then reported as `FILE:ROW:COLUMN`).
    pub cell: Option<Cell>,
}

impl Place {
    /// The place of a value that came from table cell `cell`.
    pub(crate) fn table(cell: Cell) -> Place {
        let position = Position { line: cell.line, column: 0 };
        Place { position, label: cell.column.clone(), cell: Some(cell) }
    }
}

impl Problem {
    /// A problem at `path`, not yet placed in the file.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem { path: path.into(), message: message.into(), place: None, subject: None }
    }

    /// A problem of a scenario table itself (its header, a row's cells), at `cell`.
    pub(crate) fn in_table(cell: Cell, message: impl Into<String>) -> Problem {
        let path = format!("{}:{}:{}", cell.file.display(), cell.line, cell.column);
        Problem { path, message: message.into(), place: Some(Place::table(cell)), subject: None }
    }

    /// Whether the problem is in a scenario table rather than in the scenario file.
    fn in_a_table(&self) -> bool {
        self.place.as_ref().is_some_and(|p| p.cell.is_some())
    }
}

impl PartialEq for Problem {
    fn eq(&self, other: &Problem) -> bool {
        self.path == other.path && self.message == other.message
    }
}

impl Eq for Problem {}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Some(Place { cell: Some(c), .. }) => {
                let line = if c.line == 0 { String::new() } else { format!(":{}", c.line) };
                let column = if c.column.is_empty() { String::new() } else { format!(":{}", c.column) };
                write!(f, "{}{line}{column}: {}", c.file.display(), self.message)
            }
            Some(p) => {
                write!(f, "{}:{}: at {}: {}", p.position.line, p.position.column, p.label, self.message)
            }
            None => write!(f, "at {}: {}", self.path, self.message),
        }
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
    /// The file holds no scenario: it is empty, or its JSON is not an object.
    #[error("{file}: {message}")]
    NotAScenario {
        /// The scenario file.
        file: PathBuf,
        /// What the file holds instead, and what a scenario looks like.
        message: String,
    },
    /// The file is larger than any scenario scsim reads.
    #[error(
        "{file}: the file is larger than {limit_mb} MB, the largest scenario scsim reads (is it the right file?)"
    )]
    TooLarge {
        /// The scenario file.
        file: PathBuf,
        /// The limit, in MB.
        limit_mb: u64,
    },
    /// The scenario's shape or content is invalid; every problem is listed.
    #[error("{file}: {} problem{} found:\n{}", .problems.len(), if .problems.len() == 1 { "" } else { "s" }, list(.file, .problems))]
    Invalid {
        /// The scenario file.
        file: PathBuf,
        /// Every problem found.
        problems: Vec<Problem>,
    },
}

fn list(file: &std::path::Path, problems: &[Problem]) -> String {
    let file = file.display();
    problems
        .iter()
        .map(|p| {
            if p.place.is_some() && !p.in_a_table() { format!("  - {file}:{p}") } else { format!("  - {p}") }
        })
        .collect::<Vec<_>>()
        .join("\n")
}
