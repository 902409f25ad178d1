//! A finished run as read back from its files (`summary.json` and `daily.csv`): what the plots
//! and the HTML report are drawn from, whether right after `scsim run` or later by `scsim plot`.

use std::path::{Path, PathBuf};

use super::csv::{DAILY_COLUMNS, LOCATION_COLUMNS};
use super::json::Summary;

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

/// One day of one policy in `daily.csv`.
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
    /// Mean suppliers down.
    pub suppliers_down: f64,
    /// Mean cost per day by kind: holding, backorder, lost sales, ordering, purchase, pipeline.
    pub costs: [f64; 6],
}

/// A finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunData {
    /// `summary.json`.
    pub summary: Summary,
    /// `daily.csv`, per policy in summary order.
    pub daily: Vec<Vec<DayRow>>,
    /// `daily-locations.csv` (absent with a single location), per policy in summary order.
    pub locations: Vec<LocationSeries>,
}

/// Each location's mean end-of-day backorders (owed to customers and downstream locations) by
/// day, locations in file order.
pub type LocationSeries = Vec<(String, Vec<f64>)>;

/// A run folder that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct RunFilesError {
    /// The file.
    pub file: PathBuf,
    /// What is wrong.
    pub message: String,
}

impl RunData {
    /// Reads the run in `dir`.
    pub fn load(dir: &Path) -> Result<RunData, RunFilesError> {
        let read = |name: &str| {
            let file = dir.join(name);
            std::fs::read(&file).map_err(|e| RunFilesError {
                file,
                message: format!("cannot read it ({e}); is this the folder of a finished scsim run?"),
            })
        };
        let summary_path = dir.join("summary.json");
        let summary: Summary = serde_json::from_slice(&read("summary.json")?).map_err(|e| RunFilesError {
            file: summary_path,
            message: format!("not a summary written by this scsim: {e}"),
        })?;
        let daily = parse_daily(&read("daily.csv")?, &summary)
            .map_err(|message| RunFilesError { file: dir.join("daily.csv"), message })?;
        let locations = if dir.join("daily-locations.csv").exists() {
            parse_locations(&read("daily-locations.csv")?, &summary)
                .map_err(|message| RunFilesError { file: dir.join("daily-locations.csv"), message })?
        } else {
            Vec::new()
        };
        Ok(RunData { summary, daily, locations })
    }
}

fn parse_locations(bytes: &[u8], summary: &Summary) -> Result<Vec<LocationSeries>, String> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader.headers().map_err(|e| e.to_string())?.iter().map(String::from).collect();
    if header != LOCATION_COLUMNS {
        return Err(format!("unexpected columns {header:?}"));
    }
    let mut out: Vec<LocationSeries> = vec![Vec::new(); summary.policies.len()];
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| e.to_string())?;
        let at = |what: &str| format!("line {}: {what}", line + 2);
        let policy = summary
            .policies
            .iter()
            .position(|p| p.name == record[0])
            .ok_or_else(|| at(&format!("unknown policy {:?}", &record[0])))?;
        let day: usize = record[1].parse().map_err(|_| at("the day is not a whole number"))?;
        let value = if record[4].is_empty() {
            f64::NAN
        } else {
            record[4].parse().map_err(|_| at("owed_mean is not a number"))?
        };
        let series = match out[policy].iter().position(|(name, _)| name == &record[3]) {
            Some(k) => &mut out[policy][k].1,
            None => {
                out[policy].push((record[3].to_string(), Vec::new()));
                &mut out[policy].last_mut().expect("just pushed").1
            }
        };
        if series.len() != day {
            return Err(at("days must run 0, 1, 2, … for each policy and location"));
        }
        series.push(value);
    }
    Ok(out)
}

fn parse_daily(bytes: &[u8], summary: &Summary) -> Result<Vec<Vec<DayRow>>, String> {
    let mut reader = csv::Reader::from_reader(bytes);
    let header: Vec<String> = reader.headers().map_err(|e| e.to_string())?.iter().map(String::from).collect();
    if header != DAILY_COLUMNS {
        return Err(format!("unexpected columns {header:?}"));
    }
    let mut daily: Vec<Vec<DayRow>> = vec![Vec::new(); summary.policies.len()];
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| e.to_string())?;
        let policy = summary
            .policies
            .iter()
            .position(|p| p.name == record[0])
            .ok_or_else(|| format!("line {}: unknown policy {:?}", line + 2, &record[0]))?;
        let num = |i: usize| -> Result<f64, String> {
            let cell = &record[i];
            if cell.is_empty() {
                return Ok(f64::NAN);
            }
            cell.parse().map_err(|_| {
                format!("line {}: {:?} in column {} is not a number", line + 2, cell, DAILY_COLUMNS[i])
            })
        };
        let band = |i: usize| -> Result<Band, String> {
            Ok(Band { mean: num(i)?, p10: num(i + 1)?, p90: num(i + 2)? })
        };
        daily[policy].push(DayRow {
            day: num(1)? as u32,
            warmup: num(2)? == 1.0,
            on_hand: band(3)?,
            backorders: band(6)?,
            suppliers_down: num(12)?,
            costs: [num(13)?, num(14)?, num(15)?, num(16)?, num(17)?, num(18)?],
        });
    }
    Ok(daily)
}
