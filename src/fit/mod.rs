//! Input modelling: fitting a demand model to each location × item of a long-format history
//! (`scsim fit`). It sits before the scenario in the pipeline: its output is a
//! `demand` table that a scenario reads, so it depends on nothing downstream but the
//! simulator's distributions (`sim::dist`), whose exact laws its likelihood uses.
//!
//! Per pair: the daily series from the history's first to its last date (dates without a row
//! are 0); its Syntetos–Boylan class (ADI, CV²); a linear trend and a weekly profile, each kept
//! only when significant at 0.1 %; candidate families fitted by moments given each day's
//! multiplier, the one with the lowest AIC chosen, with its Kolmogorov distance.

mod families;
mod history;
mod pattern;
mod write;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use families::Choice;
pub use history::format_date;
pub use pattern::{ADI_CUTOFF, CV2_CUTOFF, Class};
pub use write::write_outputs;

use crate::sim::dist::IntDist;

/// The names of the history's columns (defaults: `date`, `location`, `item`, `quantity`).
#[derive(Debug, Clone)]
pub struct Columns {
    /// Column of the date (`YYYY-MM-DD`).
    pub date: String,
    /// Column of the location id.
    pub location: String,
    /// Column of the item id.
    pub item: String,
    /// Column of the quantity (a whole number ≥ 0).
    pub quantity: String,
}

impl Default for Columns {
    fn default() -> Columns {
        let s = |x: &str| x.to_string();
        Columns { date: s("date"), location: s("location"), item: s("item"), quantity: s("quantity") }
    }
}

/// One problem in a history file, located by line and column name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: String,
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// The column's header name (empty for a whole-row problem).
    pub column: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column.as_str()) {
            (0, _) => write!(f, "{}: {}", self.file, self.message),
            (line, "") => write!(f, "{}:{line}: {}", self.file, self.message),
            (line, col) => write!(f, "{}:{line}:{col}: {}", self.file, self.message),
        }
    }
}

/// Why a fit failed.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// The history file has problems (bad input).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Problems(Vec<Problem>),
    /// A file could not be read.
    #[error("cannot read {0}: {1}")]
    Io(String, #[source] std::io::Error),
    /// An output file could not be written.
    #[error("cannot write {0}: {1}")]
    Write(PathBuf, #[source] std::io::Error),
}

/// The fitted demand model and the figures of one location × item.
#[derive(Debug, Clone)]
pub struct PairFit {
    /// Location id.
    pub location: String,
    /// Item id.
    pub item: String,
    /// Days of history (the whole file's span) and days without demand among them.
    pub days: usize,
    /// Days without demand.
    pub zero_days: usize,
    /// Class, ADI and CV² (`None` when the pair never had demand).
    pub class: Option<(Class, f64, f64)>,
    /// Weekly profile (entry 0 is the day after the history), when significant.
    pub weekly_profile: Option<[f64; 7]>,
    /// Linear trend per day relative to the level of the day after the history, when
    /// significant.
    pub trend_per_day: Option<f64>,
    /// The chosen distribution (constant 0 without demand), its AIC and Kolmogorov distance.
    pub choice: Choice,
}

/// The fit of a whole history.
#[derive(Debug, Clone)]
pub struct Fit {
    /// One fit per pair, sorted by location then item.
    pub pairs: Vec<PairFit>,
    /// First date of the history (days since 1970-01-01).
    pub first_date: i32,
    /// Last date of the history.
    pub last_date: i32,
}

impl Fit {
    /// The `start_date` a scenario using the fit should have: the day after the history.
    pub fn start_date(&self) -> String {
        format_date(self.last_date + 1)
    }
}

/// What a fit reports as it goes: bytes of the file read, then pairs fitted.
pub trait Progress: Sync {
    /// `done` of `total` bytes read.
    fn read(&self, done: u64, total: u64);
    /// `done` more pairs fitted of `total`.
    fn fitted(&self, done: u64, total: u64);
}

/// A [`Progress`] that reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn read(&self, _: u64, _: u64) {}
    fn fitted(&self, _: u64, _: u64) {}
}

/// Reads the history at `path` and fits every pair, in parallel on the current rayon pool;
/// the result does not depend on the number of threads.
pub fn fit(path: &Path, columns: &Columns, progress: &dyn Progress) -> Result<Fit, FitError> {
    let total = std::fs::metadata(path).map_err(|e| FitError::Io(path.display().to_string(), e))?.len();
    let history = history::read(path, columns, &|done| progress.read(done, total))?;
    progress.read(total, total);
    let (first, last) = (history.first, history.last);
    let days = (last - first + 1) as usize;
    let mut order: Vec<usize> = (0..history.pairs.len()).collect();
    order.sort_by(|&a, &b| history.pairs[a].cmp(&history.pairs[b]));
    let n = order.len() as u64;
    let pairs = order
        .par_iter()
        .map(|&k| {
            let mut x = vec![0u32; days];
            for &(day, q) in &history.rows[k] {
                let slot = &mut x[(day - first) as usize];
                *slot = slot.saturating_add(q);
            }
            let (location, item) = history.pairs[k].clone();
            let fit = fit_series(location, item, &x);
            progress.fitted(1, n);
            fit
        })
        .collect();
    Ok(Fit { pairs, first_date: first, last_date: last })
}

/// Fits one daily series (day 0 = the history's first date).
pub fn fit_series(location: String, item: String, x: &[u32]) -> PairFit {
    let days = x.len();
    let zero_days = x.iter().filter(|&&v| v == 0).count();
    let Some((adi, cv2)) = pattern::adi_cv2(x) else {
        let choice = Choice { dist: IntDist::Constant(0), aic: 0.0, ks: 0.0 };
        let (weekly_profile, trend_per_day) = (None, None);
        return PairFit {
            location,
            item,
            days,
            zero_days,
            class: None,
            weekly_profile,
            trend_per_day,
            choice,
        };
    };
    let trend_per_day = pattern::trend(x);
    let weekly_profile = pattern::weekly_profile(x, |t| pattern::trend_factor(trend_per_day, t, days));
    let m: Vec<f64> = (0..days)
        .map(|t| {
            let w = weekly_profile.map_or(1.0, |p| p[(t + 7 - days % 7) % 7]);
            w * pattern::trend_factor(trend_per_day, t, days)
        })
        .collect();
    let choice = families::choose(x, &m);
    let class = Some((Class::of(adi, cv2), adi, cv2));
    PairFit { location, item, days, zero_days, class, weekly_profile, trend_per_day, choice }
}
