//! The files of a finished run, one [`Exporter`] per format, each writing from the
//! [`RunView`]: `summary.json`, `daily.csv`, `daily-locations.csv`, `pairs.csv`, `plots/` and
//! `report.html`.
//! (`replications.csv` is streamed while the run goes: see
//! [`ReplicationsCsv`](super::csv::ReplicationsCsv).)

use std::path::Path;

use rayon::prelude::*;

use super::error::ReportError;
use super::plots::{self, Kind};
use super::view::RunView;
use super::{Run, csv, html, json, write_staged_with};

/// Writes one kind of output of a run into its folder (its own files only: exporters run at
/// once on the threads of the current rayon pool).
pub trait Exporter: Sync {
    /// Writes the output of `view` into `dir` (each file atomically).
    fn write(&self, view: &RunView, dir: &Path) -> Result<(), ReportError>;
}

/// Every output of a finished run, in the order they are written (the files read back by
/// `scsim plot` first); `png` adds PNG images of the plots.
pub fn exporters(png: bool) -> Vec<Box<dyn Exporter>> {
    let mut all: Vec<Box<dyn Exporter>> =
        vec![Box::new(SummaryJson), Box::new(DailyCsv), Box::new(LocationsCsv), Box::new(PairsCsv)];
    all.extend(drawings(png));
    all
}

/// The outputs drawn from the others (what `scsim plot` redraws): the plots and the report.
pub fn drawings(png: bool) -> Vec<Box<dyn Exporter>> {
    vec![Box::new(Plots { png }), Box::new(HtmlReport)]
}

/// Writes the files of a finished run into `dir` (all but `replications.csv`, which is
/// streamed): the summary, the tables, the plots (`png`: PNG copies too) and the report.
pub fn write_run(dir: &Path, run: &Run, png: bool) -> Result<(), ReportError> {
    export(&RunView::build(run), dir, exporters(png))
}

/// Writes the outputs of `exporters` from `view` into `dir`, at once on the threads of the
/// current rayon pool (the writing that follows a run in parallel is otherwise serial: with
/// many locations it is a tenth of a short run); the first failure in the order of
/// `exporters` is returned.
pub fn export(view: &RunView, dir: &Path, exporters: Vec<Box<dyn Exporter>>) -> Result<(), ReportError> {
    let results: Vec<_> = exporters.par_iter().map(|exporter| exporter.write(view, dir)).collect();
    results.into_iter().collect()
}

/// Writes `bytes` to `dir/name`, unsynced: the staging folder's commit syncs it (or
/// `scsim plot`, which redraws files in place: [`super::folder::sync_files`]).
fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), ReportError> {
    let file = dir.join(name);
    write_staged_with(&file, |out| out.write_all(bytes)).map_err(|source| ReportError::Write { file, source })
}

/// `summary.json`.
pub(crate) struct SummaryJson;

impl Exporter for SummaryJson {
    fn write(&self, view: &RunView, dir: &Path) -> Result<(), ReportError> {
        // Streamed: at 10,000 lanes the file is 8 MB, and a growing buffer would hold twice that.
        let file = dir.join("summary.json");
        write_staged_with(&file, |out| json::write_summary(&view.summary, out))
            .map_err(|source| ReportError::Write { file, source })
    }
}

/// `daily.csv`.
pub(crate) struct DailyCsv;

impl Exporter for DailyCsv {
    fn write(&self, view: &RunView, dir: &Path) -> Result<(), ReportError> {
        write(dir, "daily.csv", &csv::daily_bytes(&view.policy_names(), &view.daily))
    }
}

/// `daily-locations.csv`, with several locations only.
pub(crate) struct LocationsCsv;

impl Exporter for LocationsCsv {
    fn write(&self, view: &RunView, dir: &Path) -> Result<(), ReportError> {
        if view.locations.is_empty() {
            return Ok(());
        }
        let bytes = csv::locations_bytes(&view.policy_names(), &view.locations, view.warmup_days());
        write(dir, "daily-locations.csv", &bytes)
    }
}

/// `pairs.csv`: every metric of every policy at every stocked pair.
pub(crate) struct PairsCsv;

impl Exporter for PairsCsv {
    fn write(&self, view: &RunView, dir: &Path) -> Result<(), ReportError> {
        // Streamed to the file row by row: never the whole table as text in memory.
        let file = dir.join("pairs.csv");
        let written = csv::TempCsv::create(&file, false).and_then(|mut out| {
            view.pairs.write_csv(&view.policy_names(), out.writer())?;
            out.finish().map(drop)
        });
        written.map_err(|e| ReportError::Write { file, source: e.into() })
    }
}

/// `report.html`.
pub(crate) struct HtmlReport;

impl Exporter for HtmlReport {
    fn write(&self, view: &RunView, dir: &Path) -> Result<(), ReportError> {
        write(dir, "report.html", html::report(view).as_bytes())
    }
}

/// `plots/*.svg`, and `plots/*.png` with `png`.
pub(crate) struct Plots {
    /// Whether to draw PNG images too.
    pub(crate) png: bool,
}

impl Exporter for Plots {
    fn write(&self, view: &RunView, dir: &Path) -> Result<(), ReportError> {
        let folder = dir.join("plots");
        std::fs::create_dir_all(&folder)
            .map_err(|source| ReportError::Write { file: folder.clone(), source })?;
        for kind in Kind::ALL.into_iter().filter(|k| k.available(view)) {
            write(&folder, &format!("{}.svg", kind.file_stem()), plots::svg(kind, view).as_bytes())?;
            if self.png {
                plots::png(kind, view, &folder.join(format!("{}.png", kind.file_stem())))?;
            }
        }
        Ok(())
    }
}
