//! Reports: the files a run leaves behind and the table it prints.
//!
//! A finished run is first gathered into one [`RunView`] (from the run's statistics in memory
//! after `scsim run`, or from its files by `scsim plot`); one [`Exporter`] per output format
//! then writes its file(s) from the view.
//!
//! Every file is written to a temporary name in the output folder and renamed into place, so a
//! reader never sees a half-written file. Nothing here depends on the thread count or the
//! clock: the same run writes the same bytes.

pub mod csv;
pub mod error;
pub mod export;
mod glossary;
pub mod html;
pub mod json;
pub mod plots;
pub mod sweep_plots;
pub mod table;
pub mod view;

pub use error::ReportError;
pub use export::{Exporter, drawings, exporters};
pub use view::RunView;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::experiment::RunStats;
use crate::model::Model;

/// Facts about a run that every report repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    /// scsim version that produced the results.
    pub version: String,
    /// Scenario file as given on the command line.
    pub scenario_file: String,
    /// Master seed.
    pub seed: u64,
    /// Replications.
    pub replications: u32,
    /// Index of the baseline policy.
    pub baseline: usize,
}

/// A finished run: model, settings and statistics.
#[derive(Debug, Clone)]
pub struct Run<'a> {
    /// The model that was run.
    pub model: &'a Model,
    /// Run settings.
    pub info: RunInfo,
    /// Statistics.
    pub stats: &'a RunStats,
}

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temp_path(path);
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)
}

/// The temporary name used while `path` is being written.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

/// Formats a float for CSV and tables: shortest round-trip digits, empty when undefined.
pub fn fmt_f64(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}
