//! `replications.csv` (one row per replication × policy), `daily.csv` (one row per policy ×
//! day, means across replications and a 10–90 % band) and, with several locations,
//! `daily-locations.csv` (one row per policy × day × location).
//!
//! Every file is written and read with the `csv` crate, so ids holding commas, quotes or line
//! breaks are quoted and read back whole; the daily files are read by column name. Numbers
//! are written as [`fmt_f64`] formats them (empty when undefined).
//!
//! Ids (policy, location and other names) are data, never formulas: an id that a spreadsheet
//! would take for one (starting with `=`, `+`, `-`, `@`, a tab or a carriage return, as the
//! OWASP guidance on CSV injection lists them) is written with a leading `'`, and so is an id
//! that starts with `'` itself, so that [`id_cell`] and [`id_from_cell`] undo each other.

use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::ReportError;
use super::sealing::Sealing;
use super::view::{Band, DayCosts, DayRow, LocationSeries};
use super::{create_temp, fmt_f64, push_f64};
use crate::experiment::Rows;
use crate::metrics::METRICS;
use crate::model::Model;

/// A CSV file written under a temporary name beside its place and renamed into place by
/// [`TempCsv::finish`]; unless finished, it removes its temporary file.
pub(crate) struct TempCsv {
    out: Option<csv::Writer<File>>,
    tmp: PathBuf,
    path: PathBuf,
    /// Whether the file is a staging folder's, streamed: sealed while written.
    seals: bool,
    /// Seals what is written in the background, once [`TempCsv::seal_early`] is called.
    sealing: Option<Sealing>,
    renamed: bool,
}

impl TempCsv {
    /// Starts the file at `path`; with `seals`, a staging folder's file streamed as a run
    /// goes, to be sealed while written ([`TempCsv::seal_early`]).
    pub(crate) fn create(path: &Path, seals: bool) -> Result<TempCsv, csv::Error> {
        let (file, tmp) = create_temp(path)?;
        Ok(TempCsv {
            out: Some(csv::Writer::from_writer(file)),
            tmp,
            path: path.to_path_buf(),
            seals,
            sealing: None,
            renamed: false,
        })
    }

    /// The writer (buffered).
    pub(crate) fn writer(&mut self) -> &mut csv::Writer<File> {
        self.out.as_mut().expect("not finished")
    }

    /// Asks for what is written to the file so far to be sealed in the background (synced to
    /// disk and hashed, [`Sealing`]): a large streamed file is then mostly on disk and hashed
    /// by the time it is finished.
    pub(crate) fn seal_early(&mut self) -> std::io::Result<()> {
        if !self.seals {
            return Ok(());
        }
        if self.sealing.is_none() {
            let file = self.out.as_ref().expect("not finished").get_ref();
            self.sealing = Some(Sealing::start(file, &self.tmp)?);
        }
        self.sealing.as_ref().expect("started").nudge();
        Ok(())
    }

    /// Flushes and renames the file into place (a staging folder's file: synced by its
    /// commit, [`folder::Staging::commit`](super::folder::Staging::commit)). Returns its
    /// SHA-256 if it was sealed early ([`TempCsv::seal_early`]), for
    /// [`folder::Staging::note_sealed`](super::folder::Staging::note_sealed); fails if the
    /// sealing did.
    pub(crate) fn finish(mut self) -> Result<Option<String>, csv::Error> {
        let out = self.out.take().expect("not finished");
        out.into_inner().map_err(|e| e.into_error())?;
        let sum = self.sealing.take().map(Sealing::finish).transpose()?;
        std::fs::rename(&self.tmp, &self.path)?;
        self.renamed = true;
        Ok(sum)
    }
}

impl Drop for TempCsv {
    fn drop(&mut self) {
        if !self.renamed {
            // The writer and the sealing thread first: no handle of the file left open.
            drop(self.out.take());
            drop(self.sealing.take());
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Streams `replications.csv` while a run progresses; [`ReplicationsCsv::finish`] moves it into
/// place. Dropped unfinished, it removes its temporary file.
///
/// It is no [`Exporter`](super::Exporter): its rows are written as replications finish and
/// are not part of the [`RunView`](super::RunView).
pub struct ReplicationsCsv {
    out: TempCsv,
    /// Each policy's cell, as the CSV writer quotes it.
    policy_cells: Vec<String>,
    /// The rows being formatted, each number straight into it (reused: no allocation per
    /// row).
    text: String,
}

impl ReplicationsCsv {
    /// Starts the file at `path` (written under a temporary name until finished).
    pub fn create(path: &Path, model: &Model) -> Result<ReplicationsCsv, csv::Error> {
        let mut out = TempCsv::create(path, true)?;
        out.writer()
            .write_record(["replication", "policy"].into_iter().chain(METRICS.iter().map(|m| m.key)))?;
        let policy_cells = model.policies.iter().map(|p| field_text(&id_cell(&p.name)));
        Ok(ReplicationsCsv {
            out,
            policy_cells: policy_cells.collect::<Result<_, _>>()?,
            text: String::new(),
        })
    }

    /// Appends a block of rows. Numbers (digits, `-` and `.`, or nothing) never need quoting,
    /// so the rows are formatted here and written to the file in one piece, after whatever
    /// the CSV writer holds.
    pub fn write(&mut self, rows: &Rows) -> Result<(), csv::Error> {
        let text = &mut self.text;
        text.clear();
        for (r, p, values) in rows {
            push_f64(text, *r as f64);
            text.push(',');
            text.push_str(&self.policy_cells[*p]);
            for v in values {
                text.push(',');
                push_f64(text, *v);
            }
            text.push('\n');
        }
        let out = self.out.writer();
        out.flush()?;
        // `&File` writes too: straight to the file, after what the flush wrote.
        std::io::Write::write_all(&mut out.get_ref(), text.as_bytes())?;
        Ok(self.out.seal_early()?)
    }

    /// Flushes and renames the file into place; returns its SHA-256 (sealed while written),
    /// for [`Staging::note_sealed`](super::folder::Staging::note_sealed).
    #[must_use = "a sealed file's sum is for Staging::note_sealed"]
    pub fn finish(self) -> Result<Option<String>, csv::Error> {
        self.out.finish()
    }
}

/// `text` as the CSV writer writes it as a field (quoted where it must be).
fn field_text(text: &str) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_field(text)?;
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("a quoted UTF-8 field is UTF-8"))
}

/// An id as a CSV cell: with a leading `'` if it starts with a spreadsheet formula prefix
/// (`=`, `+`, `-`, `@`, tab, carriage return) or with `'`.
pub fn id_cell(id: &str) -> std::borrow::Cow<'_, str> {
    if id.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) { format!("'{id}").into() } else { id.into() }
}

/// The id written as `cell` by [`id_cell`].
pub fn id_from_cell(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// An id in a CSV file (see [`id_cell`]).
#[derive(Debug, Clone)]
struct Id(String);

impl Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&id_cell(&self.0))
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        let cell = String::deserialize(d)?;
        Ok(Id(id_from_cell(&cell).to_string()))
    }
}

/// A number in a CSV file: shortest round-trip digits, empty when undefined.
#[derive(Debug, Clone, Copy)]
struct Cell(f64);

impl Serialize for Cell {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&fmt_f64(self.0))
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cell, D::Error> {
        let text = String::deserialize(d)?;
        if text.is_empty() {
            return Ok(Cell(f64::NAN));
        }
        text.parse().map(Cell).map_err(|_| serde::de::Error::custom(format!("{text:?} is not a number")))
    }
}

/// A row of `daily.csv`; the field names are the columns.
#[derive(Debug, Serialize, Deserialize)]
struct DailyRecord {
    policy: Id,
    day: u32,
    warmup: u8,
    on_hand_mean: Cell,
    on_hand_p10: Cell,
    on_hand_p90: Cell,
    backorders_mean: Cell,
    backorders_p10: Cell,
    backorders_p90: Cell,
    demand_mean: Cell,
    fill_rate: Cell,
    lost_mean: Cell,
    suppliers_down_mean: Cell,
    cost_holding_mean: Cell,
    cost_backorder_mean: Cell,
    cost_lost_sales_mean: Cell,
    cost_ordering_mean: Cell,
    cost_purchase_mean: Cell,
    cost_pipeline_mean: Cell,
    cost_total_mean: Cell,
}

impl DailyRecord {
    fn new(policy: &str, d: &DayRow) -> DailyRecord {
        let [holding, backorder, lost_sales, ordering, purchase, pipeline] = d.costs.kinds.map(Cell);
        DailyRecord {
            policy: Id(policy.to_string()),
            day: d.day,
            warmup: u8::from(d.warmup),
            on_hand_mean: Cell(d.on_hand.mean),
            on_hand_p10: Cell(d.on_hand.p10),
            on_hand_p90: Cell(d.on_hand.p90),
            backorders_mean: Cell(d.backorders.mean),
            backorders_p10: Cell(d.backorders.p10),
            backorders_p90: Cell(d.backorders.p90),
            demand_mean: Cell(d.demand),
            fill_rate: Cell(d.fill_rate),
            lost_mean: Cell(d.lost),
            suppliers_down_mean: Cell(d.suppliers_down),
            cost_holding_mean: holding,
            cost_backorder_mean: backorder,
            cost_lost_sales_mean: lost_sales,
            cost_ordering_mean: ordering,
            cost_purchase_mean: purchase,
            cost_pipeline_mean: pipeline,
            cost_total_mean: Cell(d.costs.total),
        }
    }

    fn day_row(&self) -> DayRow {
        DayRow {
            day: self.day,
            warmup: self.warmup == 1,
            on_hand: Band { mean: self.on_hand_mean.0, p10: self.on_hand_p10.0, p90: self.on_hand_p90.0 },
            backorders: Band {
                mean: self.backorders_mean.0,
                p10: self.backorders_p10.0,
                p90: self.backorders_p90.0,
            },
            demand: self.demand_mean.0,
            fill_rate: self.fill_rate.0,
            lost: self.lost_mean.0,
            suppliers_down: self.suppliers_down_mean.0,
            costs: DayCosts {
                kinds: [
                    self.cost_holding_mean,
                    self.cost_backorder_mean,
                    self.cost_lost_sales_mean,
                    self.cost_ordering_mean,
                    self.cost_purchase_mean,
                    self.cost_pipeline_mean,
                ]
                .map(|c| c.0),
                total: self.cost_total_mean.0,
            },
        }
    }
}

/// A row of `daily-locations.csv`; the field names are the columns.
#[derive(Debug, Serialize, Deserialize)]
struct LocationRecord {
    policy: Id,
    day: u32,
    warmup: u8,
    location: Id,
    owed_mean: Cell,
}

/// The CSV bytes of `records` (a header from their field names, then one row each).
fn csv_bytes<R: Serialize>(records: impl Iterator<Item = R>) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for record in records {
        out.serialize(record).expect("a record of names and numbers serialises");
    }
    out.into_inner().expect("writing into memory cannot fail")
}

/// The bytes of `daily.csv`: the days of each policy in turn.
pub fn daily_bytes(policies: &[&str], daily: &[Vec<DayRow>]) -> Vec<u8> {
    let rows = policies.iter().zip(daily).flat_map(|(p, days)| days.iter().map(|d| DailyRecord::new(p, d)));
    csv_bytes(rows)
}

/// The bytes of `daily-locations.csv`: for each policy and day, every location in turn.
/// `warmup` is the number of warm-up days.
pub fn locations_bytes(policies: &[&str], locations: &[Vec<LocationSeries>], warmup: usize) -> Vec<u8> {
    let rows = policies.iter().zip(locations).flat_map(|(policy, series)| {
        let days = series.first().map_or(0, |s| s.owed.len());
        (0..days).flat_map(move |day| {
            series.iter().map(move |s| LocationRecord {
                policy: Id(policy.to_string()),
                day: day as u32,
                warmup: u8::from(day < warmup),
                location: Id(s.location.clone()),
                owed_mean: Cell(s.owed[day]),
            })
        })
    });
    csv_bytes(rows)
}

/// Each record of a CSV file in `bytes`, read by column name, with the index of its policy in
/// `policies` and its line.
fn records<R: serde::de::DeserializeOwned>(
    bytes: &[u8],
    policies: &[&str],
    file: &Path,
    policy_of: impl Fn(&R) -> &str,
) -> Result<Vec<(usize, u64, R)>, ReportError> {
    let mut reader = csv::Reader::from_reader(bytes);
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    let headers = reader.headers().map_err(|source| ReportError::Csv { file: file.into(), source })?.clone();
    while reader.read_record(&mut record).map_err(|source| ReportError::Csv { file: file.into(), source })? {
        let line = record.position().map_or(0, |p| p.line());
        let row: R = record
            .deserialize(Some(&headers))
            .map_err(|source| ReportError::Csv { file: file.into(), source })?;
        let policy = policies.iter().position(|&p| p == policy_of(&row)).ok_or_else(|| {
            ReportError::UnknownPolicy { file: file.into(), line, policy: policy_of(&row).to_string() }
        })?;
        out.push((policy, line, row));
    }
    Ok(out)
}

/// Reads `daily.csv` (in `bytes`, from `file`): the days of each policy in `policies`.
pub(crate) fn read_daily(
    bytes: &[u8],
    policies: &[&str],
    file: &Path,
) -> Result<Vec<Vec<DayRow>>, ReportError> {
    let mut daily: Vec<Vec<DayRow>> = vec![Vec::new(); policies.len()];
    for (policy, _, row) in records(bytes, policies, file, |r: &DailyRecord| &r.policy.0)? {
        daily[policy].push(row.day_row());
    }
    Ok(daily)
}

/// Reads `daily-locations.csv` (in `bytes`, from `file`): the locations of each policy in
/// `policies`, in file order.
pub(crate) fn read_locations(
    bytes: &[u8],
    policies: &[&str],
    file: &Path,
) -> Result<Vec<Vec<LocationSeries>>, ReportError> {
    let mut out: Vec<Vec<LocationSeries>> = vec![Vec::new(); policies.len()];
    for (policy, line, row) in records(bytes, policies, file, |r: &LocationRecord| &r.policy.0)? {
        let all = &mut out[policy];
        let k = match all.iter().position(|s| s.location == row.location.0) {
            Some(k) => k,
            None => {
                all.push(LocationSeries { location: row.location.0, owed: Vec::new() });
                all.len() - 1
            }
        };
        if all[k].owed.len() != row.day as usize {
            return Err(ReportError::DaysOutOfOrder { file: file.into(), line });
        }
        all[k].owed.push(row.owed_mean.0);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(location: &str, owed: Vec<f64>) -> LocationSeries {
        LocationSeries { location: location.into(), owed }
    }

    #[test]
    fn numbers_are_written_as_fmt_f64_writes_them_and_ids_are_quoted() {
        let locations = vec![vec![series("a,b", vec![1.0, f64::NAN]), series("say \"hi\"", vec![1e-7, 0.1])]];
        let text = String::from_utf8(locations_bytes(&["p"], &locations, 1)).unwrap();
        let expected = "policy,day,warmup,location,owed_mean\n\
                        p,0,1,\"a,b\",1\n\
                        p,0,1,\"say \"\"hi\"\"\",0.0000001\n\
                        p,1,0,\"a,b\",\n\
                        p,1,0,\"say \"\"hi\"\"\",0.1\n";
        assert_eq!(text, expected);
        let back = read_locations(text.as_bytes(), &["p"], Path::new("daily-locations.csv")).unwrap();
        assert_eq!(back[0][0].location, "a,b");
        assert_eq!(back[0][1].location, "say \"hi\"");
        assert!(back[0][0].owed[1].is_nan());
        assert_eq!(back[0][1].owed, [1e-7, 0.1]);
    }

    #[test]
    fn ids_that_look_like_formulas_are_neutralised_and_read_back() {
        let ids = ["=cmd", "+1", "-x", "@sum", "\tt", "\rr", "'quoted", "store,north", "\"quoted\"", "plain"];
        let locations = vec![ids.iter().map(|id| series(id, vec![1.0])).collect()];
        let text = String::from_utf8(locations_bytes(&["=p"], &locations, 0)).unwrap();
        let cells: Vec<String> =
            csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.unwrap()[3].to_string()).collect();
        for cell in &cells {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?} starts like a formula");
        }
        assert_eq!(cells[0], "'=cmd");
        assert_eq!(cells[6], "''quoted");
        assert_eq!(cells[7], "store,north");
        assert!(text.lines().all(|l| !l.starts_with('=')), "{text}");
        let back = read_locations(text.as_bytes(), &["=p"], Path::new("daily-locations.csv")).unwrap();
        let names: Vec<&str> = back[0].iter().map(|s| s.location.as_str()).collect();
        assert_eq!(names, ids);
    }

    #[test]
    fn a_row_of_an_unknown_policy_is_reported_with_its_line() {
        let text = "policy,day,warmup,location,owed_mean\np,0,1,x,1\nq,0,1,x,1\n";
        let e = read_locations(text.as_bytes(), &["p"], Path::new("f.csv")).unwrap_err();
        assert!(matches!(e, ReportError::UnknownPolicy { line: 3, ref policy, .. } if policy == "q"), "{e}");
    }
}
