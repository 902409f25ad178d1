//! One finished run as every report sees it: the summary, the daily series of each policy and
//! the daily series of each location. `scsim run` builds it from the run's statistics in memory
//! ([`RunView::build`]); `scsim plot` reads it back from the run's files ([`RunView::load`]).
//! Both give the same view, so both draw the same plots and report.

use std::path::{Path, PathBuf};

use super::error::ReportError;
use super::json::{Summary, summary};
use super::pairs::PairTable;
use super::{Run, csv};
use crate::experiment::PolicyStats;

/// A mean across replications with its 10–90 % band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Mean.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// Mean cost per day by kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayCosts {
    /// Holding, backorder, lost sales, ordering, purchase, pipeline.
    pub kinds: [f64; 6],
    /// All kinds together.
    pub total: f64,
}

/// One day of one policy: means across replications (a row of `daily.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct DayRow {
    /// Day.
    pub day: u32,
    /// Whether it is a warm-up day.
    pub warmup: bool,
    /// End-of-day on-hand.
    pub on_hand: Band,
    /// End-of-day backorders.
    pub backorders: Band,
    /// Units demanded.
    pub demand: f64,
    /// Share of the day's demand filled from stock (NaN without demand).
    pub fill_rate: f64,
    /// Units lost.
    pub lost: f64,
    /// Suppliers down.
    pub suppliers_down: f64,
    /// Cost by kind.
    pub costs: DayCosts,
}

/// One location's mean end-of-day units owed (to its customers and to the locations it
/// supplies) by day, under one policy.
#[derive(Debug, Clone, PartialEq)]
pub struct LocationSeries {
    /// The location.
    pub location: String,
    /// Mean units owed, index = day.
    pub owed: Vec<f64>,
}

/// A finished run, as the reports show it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    /// The summary (`summary.json`).
    pub summary: Summary,
    /// The days of each policy (`daily.csv`), policies in summary order.
    pub daily: Vec<Vec<DayRow>>,
    /// The locations of each policy (`daily-locations.csv`), policies in summary order and
    /// locations in scenario order; empty with a single location.
    pub locations: Vec<Vec<LocationSeries>>,
    /// The results at every stocked pair (`pairs.csv`; the summary keeps them only up to
    /// [`PAIRS_IN_SUMMARY`](super::json::PAIRS_IN_SUMMARY) pairs).
    pub pairs: PairTable,
}

impl RunView {
    /// The view of a run that has just finished.
    pub fn build(run: &Run) -> RunView {
        let policies = || run.model.policies.iter().zip(&run.stats.policies);
        let locations = if run.model.locations.len() < 2 {
            Vec::new()
        } else {
            policies().map(|(_, stats)| location_series(run, stats)).collect()
        };
        RunView {
            summary: summary(run),
            daily: policies().map(|(_, stats)| day_rows(run, stats)).collect(),
            locations,
            pairs: PairTable::build(run),
        }
    }

    /// Reads the run in `dir` from `summary.json`, `daily.csv`, `pairs.csv` and, if present,
    /// `daily-locations.csv` (a folder of an older scsim without `pairs.csv`: the pairs of
    /// `summary.json`).
    pub fn load(dir: &Path) -> Result<RunView, ReportError> {
        let summary_file = dir.join("summary.json");
        let summary: Summary = serde_json::from_slice(&read(&summary_file)?)
            .map_err(|source| ReportError::Summary { file: summary_file, source })?;
        let policies: Vec<&str> = summary.policies.iter().map(|p| p.name.as_str()).collect();
        let pairs_file = dir.join("pairs.csv");
        let pairs = if summary.pairs_left_out.is_some() || pairs_file.exists() {
            PairTable::read(&read(&pairs_file)?, &policies)
                .map_err(|reason| ReportError::Pairs { file: pairs_file, reason })?
        } else {
            PairTable::from_summary(&summary)
        };
        let daily_file = dir.join("daily.csv");
        let daily = csv::read_daily(&read(&daily_file)?, &policies, &daily_file)?;
        let locations_file = dir.join("daily-locations.csv");
        let locations = if locations_file.exists() {
            csv::read_locations(&read(&locations_file)?, &policies, &locations_file)?
        } else {
            Vec::new()
        };
        Ok(RunView { summary, daily, locations, pairs })
    }

    /// The names of the policies, in summary order.
    pub fn policy_names(&self) -> Vec<&str> {
        self.summary.policies.iter().map(|p| p.name.as_str()).collect()
    }

    /// The number of warm-up days.
    pub fn warmup_days(&self) -> usize {
        self.daily.first().map_or(0, |days| days.iter().filter(|d| d.warmup).count())
    }
}

fn read(file: &Path) -> Result<Vec<u8>, ReportError> {
    std::fs::read(file).map_err(|source| ReportError::Missing { file: PathBuf::from(file), source })
}

/// The days of one policy: sums over replications divided by their number.
fn day_rows(run: &Run, stats: &PolicyStats) -> Vec<DayRow> {
    let n = run.stats.replications as f64;
    let days = stats.counted.daily.iter().zip(&stats.counted.bands).zip(&stats.ordered.daily_costs);
    days.enumerate()
        .map(|(day, ((s, bands), c))| {
            let band = |mean: i128, k: usize| Band {
                mean: mean as f64 / n,
                p10: bands[k].quantile(0.1),
                p90: bands[k].quantile(0.9),
            };
            DayRow {
                day: day as u32,
                warmup: (day as u32) < run.model.warmup,
                on_hand: band(s.on_hand, 0),
                backorders: band(s.backorders, 1),
                demand: s.demand as f64 / n,
                fill_rate: if s.demand > 0 { s.filled as f64 / s.demand as f64 } else { f64::NAN },
                lost: s.lost as f64 / n,
                suppliers_down: s.suppliers_down as f64 / n,
                costs: DayCosts {
                    kinds: [c.holding, c.backorder, c.lost_sales, c.ordering, c.purchase, c.pipeline]
                        .map(|x| x / n),
                    total: c.total() / n,
                },
            }
        })
        .collect()
}

/// The locations of one policy: the sums owed over replications divided by their number.
fn location_series(run: &Run, stats: &PolicyStats) -> Vec<LocationSeries> {
    let n = run.stats.replications as f64;
    let count = run.model.locations.len();
    run.model
        .locations
        .iter()
        .enumerate()
        .map(|(k, location)| LocationSeries {
            location: location.clone(),
            owed: stats.counted.locations.iter().skip(k).step_by(count).map(|&sum| sum as f64 / n).collect(),
        })
        .collect()
}
