//! `replications.csv` (one row per replication × policy), `daily.csv` (one row per policy ×
//! day, means across replications and a 10–90 % band) and, with several locations,
//! `daily-locations.csv` (one row per policy × day × location).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{Run, fmt_f64, temp_path};
use crate::experiment::Rows;
use crate::metrics::METRICS;
use crate::model::Model;

/// Streams `replications.csv` while a run progresses; [`ReplicationsCsv::finish`] moves it into
/// place. Dropped unfinished, it removes its temporary file.
pub struct ReplicationsCsv {
    out: Option<BufWriter<File>>,
    tmp: PathBuf,
    path: PathBuf,
    policy_names: Vec<String>,
}

impl ReplicationsCsv {
    /// Starts the file at `path` (written under a temporary name until finished).
    pub fn create(path: &Path, model: &Model) -> io::Result<ReplicationsCsv> {
        let tmp = temp_path(path);
        let mut out = BufWriter::new(File::create(&tmp)?);
        let header: Vec<&str> =
            ["replication", "policy"].into_iter().chain(METRICS.iter().map(|m| m.key)).collect();
        writeln!(out, "{}", header.join(","))?;
        Ok(ReplicationsCsv {
            out: Some(out),
            tmp,
            path: path.to_path_buf(),
            policy_names: model.policies.iter().map(|p| p.name.clone()).collect(),
        })
    }

    /// Appends a block of rows.
    pub fn write(&mut self, rows: &Rows) -> io::Result<()> {
        let out = self.out.as_mut().expect("not finished");
        for (r, p, values) in rows {
            write!(out, "{r},{}", self.policy_names[*p])?;
            for v in values {
                write!(out, ",{}", fmt_f64(*v))?;
            }
            writeln!(out)?;
        }
        Ok(())
    }

    /// Flushes and renames the file into place.
    pub fn finish(mut self) -> io::Result<()> {
        let out = self.out.take().expect("not finished");
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&self.tmp, &self.path)
    }
}

impl Drop for ReplicationsCsv {
    fn drop(&mut self) {
        if self.out.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// The column names of `daily.csv`.
pub const DAILY_COLUMNS: [&str; 20] = [
    "policy",
    "day",
    "warmup",
    "on_hand_mean",
    "on_hand_p10",
    "on_hand_p90",
    "backorders_mean",
    "backorders_p10",
    "backorders_p90",
    "demand_mean",
    "fill_rate",
    "lost_mean",
    "suppliers_down_mean",
    "cost_holding_mean",
    "cost_backorder_mean",
    "cost_lost_sales_mean",
    "cost_ordering_mean",
    "cost_purchase_mean",
    "cost_pipeline_mean",
    "cost_total_mean",
];

/// The column names of `daily-locations.csv`.
pub const LOCATION_COLUMNS: [&str; 5] = ["policy", "day", "warmup", "location", "owed_mean"];

/// The bytes of `daily-locations.csv`: per location, the mean end-of-day units owed to its
/// customers and to the locations it supplies, or `None` for a single location.
pub fn locations_bytes(run: &Run) -> Option<Vec<u8>> {
    let locations = &run.model.locations;
    if locations.len() < 2 {
        return None;
    }
    let mut out = LOCATION_COLUMNS.join(",");
    out.push('\n');
    let n = run.stats.replications as f64;
    for (policy, stats) in run.model.policies.iter().zip(&run.stats.policies) {
        for (day, sums) in stats.counted.locations.chunks(locations.len()).enumerate() {
            let warm = u8::from((day as u32) < run.model.warmup);
            for (location, &sum) in locations.iter().zip(sums) {
                let mean = fmt_f64(sum as f64 / n);
                out.push_str(&format!("{},{day},{warm},{location},{mean}\n", policy.name));
            }
        }
    }
    Some(out.into_bytes())
}

/// The bytes of `daily.csv`.
pub fn daily_bytes(run: &Run) -> Vec<u8> {
    let mut out = String::new();
    out.push_str(&DAILY_COLUMNS.join(","));
    out.push('\n');
    let n = run.stats.replications as f64;
    for (policy, stats) in run.model.policies.iter().zip(&run.stats.policies) {
        let days = stats.counted.daily.iter().zip(&stats.counted.bands).zip(&stats.ordered.daily_costs);
        for (day, ((s, bands), c)) in days.enumerate() {
            let fill = if s.demand > 0 { s.filled as f64 / s.demand as f64 } else { f64::NAN };
            let cells = [
                s.on_hand as f64 / n,
                bands[0].quantile(0.1),
                bands[0].quantile(0.9),
                s.backorders as f64 / n,
                bands[1].quantile(0.1),
                bands[1].quantile(0.9),
                s.demand as f64 / n,
                fill,
                s.lost as f64 / n,
                s.suppliers_down as f64 / n,
                c.holding / n,
                c.backorder / n,
                c.lost_sales / n,
                c.ordering / n,
                c.purchase / n,
                c.pipeline / n,
                c.total() / n,
            ];
            let warm = u8::from((day as u32) < run.model.warmup);
            out.push_str(&format!("{},{day},{warm}", policy.name));
            for v in cells {
                out.push(',');
                out.push_str(&fmt_f64(v));
            }
            out.push('\n');
        }
    }
    out.into_bytes()
}
