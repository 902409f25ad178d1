//! The results of every policy at every stocked (location, item) pair: [`PairTable`], which
//! `pairs.csv` and the per-SKU view of `report.html` are written from (built from the run's
//! statistics, or read back from `pairs.csv` by `scsim plot`), and the streamed
//! `pairs-replications.csv` ([`PairsReplicationsCsv`]).
//!
//! A table holds each metric's mean and half-width per policy and pair (16 bytes a number),
//! not the summary's map of named statistics, so a 10,000-SKU catalogue costs a few MB here;
//! the files are streamed to disk row by row.

use std::io::Write;
use std::path::Path;

use super::csv::{TempCsv, id_cell, id_from_cell};
use super::json::Summary;
use super::skus::{abc_classes, demand_cv, xyz_class};
use super::{Run, write_f64};
use crate::experiment::PairRows;
use crate::experiment::stats::Moments;
use crate::metrics::{METRICS, Metric, N_METRICS, metric_index};
use crate::model::Model;

/// Each metric's mean and 95 % half-width at one pair (NaN where undefined).
pub type PairStats = [(f64, f64); N_METRICS];

/// The per-pair results of a run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PairTable {
    /// Each pair's `location/item`, sorted (the order of `pairs.csv` and `summary.json`).
    pub names: Vec<String>,
    /// Each pair's coefficient of variation of daily demand in the model (NaN without
    /// demand), which gives its XYZ class: see [`demand_cv`].
    pub cv: Vec<f64>,
    /// Each pair's unit cost (its item's `unit_purchase`, 0 without), for the inventory
    /// investment.
    pub unit_cost: Vec<f64>,
    /// Per policy (summary order), per pair (order of `names`): the pair's statistics.
    pub policies: Vec<Vec<PairStats>>,
}

/// The order of `model`'s pairs in reports: sorted by `location/item`.
pub(crate) fn report_order(model: &Model) -> Vec<usize> {
    let mut order: Vec<usize> = (0..model.pairs.len()).collect();
    order.sort_by(|&a, &b| model.pairs[a].name.cmp(&model.pairs[b].name));
    order
}

/// A number as reports keep it: NaN when not finite (as `summary.json` writes `null`).
fn finite(x: f64) -> f64 {
    if x.is_finite() { x } else { f64::NAN }
}

fn stats_of(moments: &[Moments]) -> PairStats {
    std::array::from_fn(|k| (finite(moments[k].mean()), finite(moments[k].half_width())))
}

impl PairTable {
    /// The table of a run that has just finished.
    pub(crate) fn build(run: &Run) -> PairTable {
        let order = report_order(run.model);
        let pairs = &run.model.pairs;
        PairTable {
            names: order.iter().map(|&k| pairs[k].name.clone()).collect(),
            cv: order.iter().map(|&k| demand_cv(&pairs[k].prior)).collect(),
            unit_cost: order.iter().map(|&k| pairs[k].costs.unit_cost).collect(),
            policies: (run.stats.policies.iter())
                .map(|s| order.iter().map(|&k| stats_of(&s.ordered.pairs[k])).collect())
                .collect(),
        }
    }

    /// The table held by a summary that kept its pairs (a folder without `pairs.csv`).
    pub(crate) fn from_summary(summary: &Summary) -> PairTable {
        let names: Vec<String> =
            summary.policies.first().map(|p| p.pairs.keys().cloned().collect()).unwrap_or_default();
        let stat = |m: Option<&super::json::Stat>, half: bool| {
            m.and_then(|s| if half { s.half_width } else { s.mean }).unwrap_or(f64::NAN)
        };
        let policies = (summary.policies.iter())
            .map(|p| {
                let row = |name: &String| {
                    let m = p.pairs.get(name);
                    std::array::from_fn(|k| {
                        let s = m.and_then(|m| m.get(METRICS[k].key));
                        (stat(s, false), stat(s, true))
                    })
                };
                names.iter().map(row).collect()
            })
            .collect();
        let n = names.len();
        PairTable { names, cv: vec![f64::NAN; n], unit_cost: vec![0.0; n], policies }
    }

    /// Reads `pairs.csv` (in `bytes`) back: every policy of `policies` must list the same
    /// pairs in the same order.
    pub(crate) fn read(bytes: &[u8], policies: &[&str]) -> Result<PairTable, String> {
        let mut reader = ::csv::Reader::from_reader(bytes);
        let header = reader.headers().map_err(|e| e.to_string())?.clone();
        let columns: Vec<(usize, usize, bool)> = (header.iter().enumerate())
            .filter_map(|(c, h)| {
                let (key, half) = match h.strip_suffix("_half_width") {
                    Some(key) => (key, true),
                    None => (h.strip_suffix("_mean")?, false),
                };
                Some((c, metric_index(key)?, half))
            })
            .collect();
        let column = |name: &str| header.iter().position(|h| h == name);
        let (cv_column, cost_column) = (column("demand_cv"), column("unit_cost"));
        let mut table = PairTable { policies: vec![Vec::new(); policies.len()], ..PairTable::default() };
        for record in reader.records() {
            let record = record.map_err(|e| e.to_string())?;
            let line = record.position().map_or(0, |p| p.line());
            let cell = |k: usize| record.get(k).map(id_from_cell);
            let (Some(policy), Some(location), Some(item)) = (cell(0), cell(1), cell(2)) else {
                return Err(format!("line {line}: fewer than 3 columns"));
            };
            let p = (policies.iter().position(|&n| n == policy))
                .ok_or_else(|| format!("line {line}: policy {policy:?} is not in summary.json"))?;
            let name = format!("{location}/{item}");
            let k = table.policies[p].len();
            let number = |c: Option<usize>| c.and_then(|c| record.get(c)).and_then(|v| v.parse::<f64>().ok());
            if p == 0 {
                table.names.push(name);
                table.cv.push(number(cv_column).unwrap_or(f64::NAN));
                table.unit_cost.push(number(cost_column).unwrap_or(0.0));
            } else if table.names.get(k) != Some(&name) {
                return Err(format!("line {line}: pair {name} is not in the first policy's order"));
            }
            let mut stats = [(f64::NAN, f64::NAN); N_METRICS];
            for &(c, m, half) in &columns {
                let x = number(Some(c)).unwrap_or(f64::NAN);
                if half { stats[m].1 = x } else { stats[m].0 = x }
            }
            table.policies[p].push(stats);
        }
        match table.policies.iter().position(|p| p.len() != table.names.len()) {
            Some(p) => Err(format!(
                "policy {:?} has {} pairs, the first {}",
                policies[p],
                table.policies[p].len(),
                table.names.len()
            )),
            None => Ok(table),
        }
    }

    /// The mean of `metric` at pair `k` under policy `p` (NaN where undefined).
    pub fn mean(&self, p: usize, k: usize, metric: Metric) -> f64 {
        self.policies[p][k][metric as usize].0
    }

    /// The mean inventory investment at pair `k` under policy `p`: its unit cost × mean units
    /// on hand (0 where undefined).
    pub fn investment(&self, p: usize, k: usize) -> f64 {
        let value = self.unit_cost[k] * self.mean(p, k, Metric::AvgOnHand);
        if value.is_finite() { value } else { 0.0 }
    }

    /// The bytes of `pairs.csv` (for the Python package; a run streams the file).
    pub fn csv_bytes(&self, policies: &[&str]) -> Vec<u8> {
        let mut out = ::csv::Writer::from_writer(Vec::new());
        self.write_csv(policies, &mut out).expect("writing into memory cannot fail");
        out.into_inner().expect("writing into memory cannot fail")
    }

    /// Writes `pairs.csv` into `out`: a row per policy (`policies`, summary order) and pair:
    /// the pair's ABC and XYZ classes, demand CV and unit cost, then every metric's mean and
    /// 95 % half-width (empty when undefined).
    pub fn write_csv<W: Write>(
        &self,
        policies: &[&str],
        out: &mut ::csv::Writer<W>,
    ) -> Result<(), ::csv::Error> {
        let mut header: Vec<String> =
            ["policy", "location", "item", "abc", "xyz", "demand_cv", "unit_cost"].map(String::from).into();
        header.extend(
            METRICS.iter().flat_map(|m| [format!("{}_mean", m.key), format!("{}_half_width", m.key)]),
        );
        out.write_record(&header)?;
        let mut cell = String::with_capacity(32);
        let abc = abc_classes(self);
        for (policy, rows) in policies.iter().zip(&self.policies) {
            let policy = id_cell(policy);
            for (k, (name, stats)) in self.names.iter().zip(rows).enumerate() {
                // Ids never hold '/' (validation refuses it), so the pair name splits exactly.
                let (location, item) = name.split_once('/').unwrap_or((name, ""));
                for id in [&*policy, &id_cell(location), &id_cell(item)] {
                    out.write_field(id)?;
                }
                out.write_field([abc[k] as u8])?;
                out.write_field(xyz_class(self.cv[k]).map_or(String::new(), String::from))?;
                for x in [self.cv[k], self.unit_cost[k]] {
                    write_f64(&mut cell, x);
                    out.write_field(&cell)?;
                }
                for &(mean, half) in stats {
                    for x in [mean, half] {
                        write_f64(&mut cell, x);
                        out.write_field(&cell)?;
                    }
                }
                out.write_record(None::<&[u8]>)?;
            }
        }
        Ok(())
    }
}

/// Streams `pairs-replications.csv` while a run progresses: one row per replication ×
/// policy × pair with each metric's value, in replication order, then policy order, then
/// pair order (as `pairs.csv`). [`PairsReplicationsCsv::finish`] moves it into place.
pub struct PairsReplicationsCsv {
    out: TempCsv,
    policy_names: Vec<String>,
    /// Per pair in report order: its index in the model and its `location`, `item` cells.
    pairs: Vec<(usize, String, String)>,
    cell: String,
}

impl PairsReplicationsCsv {
    /// Starts the file at `path` (written under a temporary name until finished); with
    /// `seals`, a staging folder's file, sealed while written (synced to disk and hashed in the
    /// background, for [`Staging::note_sealed`](super::folder::Staging::note_sealed)).
    pub fn create(path: &Path, model: &Model, seals: bool) -> Result<PairsReplicationsCsv, ::csv::Error> {
        let mut out = TempCsv::create(path, seals)?;
        let header = ["replication", "policy", "location", "item"].into_iter();
        out.writer().write_record(header.chain(METRICS.iter().map(|m| m.key)))?;
        let cells = |k: usize| {
            let (location, item) =
                (&model.locations[model.pairs[k].location], &model.items[model.pairs[k].item]);
            (k, id_cell(location).into_owned(), id_cell(item).into_owned())
        };
        Ok(PairsReplicationsCsv {
            out,
            policy_names: model.policies.iter().map(|p| id_cell(&p.name).into_owned()).collect(),
            pairs: report_order(model).into_iter().map(cells).collect(),
            cell: String::with_capacity(32),
        })
    }

    /// Appends the rows of a chunk of replications.
    pub fn write(&mut self, rows: &PairRows) -> Result<(), ::csv::Error> {
        let out = self.out.writer();
        for (r, p, values) in rows.iter() {
            for (k, location, item) in &self.pairs {
                self.cell.clear();
                std::fmt::Write::write_fmt(&mut self.cell, format_args!("{r}")).expect("writing to a String");
                for field in [&self.cell, &self.policy_names[p], location, item] {
                    out.write_field(field)?;
                }
                for &v in &values[*k] {
                    write_f64(&mut self.cell, v);
                    out.write_field(&self.cell)?;
                }
                out.write_record(None::<&[u8]>)?;
            }
        }
        Ok(self.out.seal_early()?)
    }

    /// Flushes and renames the file into place; returns its SHA-256 if it was sealed while
    /// written, for [`Staging::note_sealed`](super::folder::Staging::note_sealed).
    #[must_use = "a sealed file's sum is for Staging::note_sealed"]
    pub fn finish(self) -> Result<Option<String>, ::csv::Error> {
        self.out.finish()
    }
}
