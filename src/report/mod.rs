//! Reports: the files a run leaves behind and the table it prints.
//!
//! A finished run is first gathered into one [`RunView`] (from the run's statistics in memory
//! after `scsim run`, or from its files by `scsim plot`); one [`Exporter`] per output format
//! then writes its file(s) from the view.
//!
//! Every output folder is written whole into a staging folder and swapped in (see
//! [`folder`]); inside it, every file is written to a new temporary name and renamed into
//! place, so a reader never sees a half-written file. Nothing here depends on the thread count or the
//! clock: the same run writes the same bytes.

pub mod csv;
pub mod error;
pub mod experiment_html;
pub mod export;
pub mod folder;
mod glossary;
pub mod html;
pub mod json;
mod number;
pub mod pairs;
pub mod plots;
mod sealing;
mod skus;
pub mod sweep_plots;
pub mod table;
pub mod verdicts;
pub mod view;

pub use error::ReportError;
pub use export::{Exporter, drawings, exporters, write_run};
pub use view::RunView;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

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

/// Writes `bytes` to `path` atomically (a new temporary file in the same folder, synced to
/// disk, then renamed).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |out| out.write_all(bytes))
}

/// Writes the file at `path` atomically as [`write_atomic`] does, its contents streamed by
/// `write` through a buffer (never held whole in memory).
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    write_via_temp(path, write, true)
}

/// Writes a file of an output folder as [`write_atomic_with`] does, but leaves it unsynced:
/// [`folder::Staging::commit`] syncs every file of a staging folder, all at once (and
/// [`folder::sync_files`] those of a finished folder redrawn in place).
pub(crate) fn write_staged_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    write_via_temp(path, write, false)
}

/// Writes `path` under a temporary name, synced to disk if `sync`, then renames it into place.
fn write_via_temp(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    sync: bool,
) -> io::Result<()> {
    let (file, tmp) = create_temp(path)?;
    let mut out = io::BufWriter::new(file);
    let written = write(&mut out)
        .and_then(|()| out.into_inner().map_err(io::IntoInnerError::into_error))
        .and_then(|file| if sync { file.sync_all() } else { Ok(()) });
    match written.and_then(|()| fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Creates a new temporary file beside `path` to be renamed onto it: a unique hidden name
/// (`.<stem>.tmp-<pid>-<n>.<extension>`), created only if nothing (no file, no link) has
/// that name.
pub fn create_temp(path: &Path) -> io::Result<(fs::File, PathBuf)> {
    let part = |p: Option<&std::ffi::OsStr>| p.map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (stem, ext) = (part(path.file_stem()), part(path.extension()));
    loop {
        let tmp = path.with_file_name(format!(".{stem}.tmp-{}.{ext}", unique_suffix()));
        match fs::OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            other => return other.map(|f| (f, tmp)),
        }
    }
}

/// `<pid>-<n>`: unique within this process, and across processes alive at once.
pub(crate) fn unique_suffix() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    format!("{}-{}{:09}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed), nanos)
}

/// Formats a float for CSV and tables: shortest round-trip digits, empty when undefined.
pub fn fmt_f64(x: f64) -> String {
    let mut s = String::new();
    write_f64(&mut s, x);
    s
}

/// Writes `x` as [`fmt_f64`] does into `out`, replacing its contents (no allocation once `out`
/// is large enough).
pub fn write_f64(out: &mut String, x: f64) {
    out.clear();
    push_f64(out, x);
}

/// Appends `x` as [`fmt_f64`] formats it to `out`.
pub(crate) fn push_f64(out: &mut String, x: f64) {
    if x.is_finite() {
        number::push_shortest(out, x);
    }
}
