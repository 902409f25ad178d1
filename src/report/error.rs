//! What can go wrong while reading a run's files back or writing a report.

use std::path::PathBuf;

/// A report that cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file of the run folder cannot be read.
    #[error("{}: cannot read it ({source}); is this the folder of a finished scsim run?", file.display())]
    Missing {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `summary.json` is not a summary of this scsim.
    #[error("{}: not a summary written by this scsim: {source}", file.display())]
    Summary {
        /// The file.
        file: PathBuf,
        /// What the JSON reader found.
        source: serde_json::Error,
    },
    /// `pairs.csv`, which holds the per-pair metrics of a run with many pairs, cannot be read.
    #[error("{}: {reason}", file.display())]
    Pairs {
        /// The file.
        file: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A CSV file cannot be parsed.
    #[error("{}: {source}", file.display())]
    Csv {
        /// The file.
        file: PathBuf,
        /// What the CSV reader found.
        source: csv::Error,
    },
    /// A row of a daily CSV file names a policy the summary does not have.
    #[error("{}: line {line}: unknown policy {policy:?}", file.display())]
    UnknownPolicy {
        /// The file.
        file: PathBuf,
        /// The line (1 is the header).
        line: u64,
        /// The policy named.
        policy: String,
    },
    /// The days of a policy (and location) in a daily CSV file do not run 0, 1, 2, …
    #[error("{}: line {line}: days must run 0, 1, 2, … for each policy and location", file.display())]
    DaysOutOfOrder {
        /// The file.
        file: PathBuf,
        /// The line (1 is the header).
        line: u64,
    },
    /// A file cannot be written.
    #[error("cannot write {}: {source}", file.display())]
    Write {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A plot cannot be drawn into its file.
    #[error("cannot draw {}: {message}", file.display())]
    Draw {
        /// The file.
        file: PathBuf,
        /// What the drawing backend reported.
        message: String,
    },
}
