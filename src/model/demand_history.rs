//! Demand from a history file: the series of a demand entry (a column of a wide file, or its
//! own pair's rows of a long file, read once per file), and how it is drawn (`bootstrap`
//! methods, `replay`).

use std::collections::HashMap;
use std::sync::Arc;

use super::Model;
use super::build::Builder;
use super::history::{HistoryError, Series};
use super::history_long::{LongTable, read_long};
use crate::scenario::date::Date;
use crate::scenario::{self, BootstrapMethod, HistorySource, IntDistSpec, Layout};
use crate::sim::dist::IntDist;
use crate::sim::history::{HistoryDraw, by_class, class};

/// Long-format files read, by file and column names; `None` when the file has problems.
pub(super) type LongFiles = HashMap<[String; 5], Option<Arc<LongTable>>>;

/// The pairs whose long history has days without a row.
#[derive(Debug, Default)]
pub(super) struct Notes {
    /// (pair "location/item", days without a row, days of history, file).
    zero_filled: Vec<(String, usize, usize, String)>,
}

/// Pairs listed one by one in the notes; more are summarised.
const LISTED: usize = 10;

impl Notes {
    /// The notes, one sentence each.
    pub(super) fn lines(&self) -> Vec<String> {
        let z = &self.zero_filled;
        let line = |(pair, zeros, days, file): &(String, usize, usize, String)| {
            format!("{pair}: {zeros} of {days} days of {file} have no row and count as zero demand")
        };
        if z.len() <= LISTED {
            return z.iter().filter(|x| x.1 > 0).map(line).collect();
        }
        let with = z.iter().filter(|x| x.1 > 0).count();
        let total: usize = z.iter().map(|x| x.1).sum();
        let most = z.iter().max_by_key(|x| (x.1, std::cmp::Reverse(&x.0))).map(line).unwrap_or_default();
        vec![format!(
            "{with} of {} pairs with long history have days without a row, {total} days in all, counted as zero demand; the most: {most}",
            z.len()
        )]
    }
}

impl Model {
    /// Notes about the input that are not problems (days of a long history without a row,
    /// counted as zero demand), one sentence each.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }
}

/// A run with replay demand is one replication per policy (the history is one sequence):
/// the replications are set to 1, with a warning when more were asked for.
pub(super) fn one_replay(model: &mut Model) {
    if model.replications > 1 && model.demands.iter().any(|d| d.sampler.replays()) {
        model.warnings.push(format!(
            "replay demand replays the one recorded history: the run is one replication per policy (not {})",
            model.replications
        ));
        model.replications = 1;
    }
}

impl Builder<'_> {
    /// The distribution of a demand entry's history (`bootstrap`, `replay`) and how its days
    /// are drawn (`None`: independently, uniformly). `path` is the distribution's path.
    pub(super) fn history_demand(
        &mut self,
        path: &str,
        d: &scenario::Demand,
    ) -> Option<(IntDist, Option<HistoryDraw>)> {
        let source = d.distribution.history_source()?;
        let before = self.problems.len();
        let dated = match d.distribution {
            IntDistSpec::Bootstrap { method, .. } => {
                matches!(method, BootstrapMethod::Weekday | BootstrapMethod::WeekdayMonth)
            }
            _ => self.start.is_some(),
        };
        let series = self.series(path, &source, (&d.location, &d.item), dated)?;
        let draw = match d.distribution {
            IntDistSpec::Bootstrap { method, block_days, .. } => {
                self.bootstrap_draw(path, &series, method, block_days)
            }
            _ => self.replay(path, &series),
        };
        let dist = self.empirical(path, &series.values, &vec![1.0; series.values.len()])?;
        (self.problems.len() == before).then_some((dist, draw))
    }

    /// The daily series of the entry at (location, item) in a history file, `dated` when the
    /// draw needs the dates (a wide file's dates are read only then, from `date_column` or
    /// a column `date`).
    fn series(
        &mut self,
        path: &str,
        source: &HistorySource,
        (location, item): (&str, &str),
        dated: bool,
    ) -> Option<Series> {
        let given = |f: &'static str, v: Option<&str>| v.map(|_| f);
        let misplaced: Vec<&str> = match source.layout {
            Layout::Wide => [
                given("location_column", source.location_column),
                given("item_column", source.item_column),
                given("quantity_column", source.quantity_column),
            ]
            .into_iter()
            .flatten()
            .collect(),
            Layout::Long => given("column", source.column).into_iter().collect(),
        };
        for field in misplaced {
            let layout = if source.layout == Layout::Wide { "a long" } else { "a wide" };
            self.problem(format!("{path}.{field}"), format!("is for {layout} history; see `layout`"));
        }
        match source.layout {
            Layout::Wide => {
                let date_column = source.date_column.or(dated.then_some("date"));
                self.history(path, source.file, source.column, date_column)
            }
            Layout::Long => {
                let table = self.long_table(path, source)?;
                match table.series(location, item) {
                    Ok(s) => {
                        let days = s.values.len();
                        self.notes.zero_filled.push((
                            format!("{location}/{item}"),
                            s.zero_filled,
                            days,
                            table.file.clone(),
                        ));
                        Some(Series { first: Some(table.first), values: s.values })
                    }
                    Err(message) => {
                        self.problem(format!("{path}.file"), message);
                        None
                    }
                }
            }
        }
    }

    /// The long file of `source`, read on its first use; its problems are reported (once, at
    /// the first entry that reads it).
    fn long_table(&mut self, path: &str, source: &HistorySource) -> Option<Arc<LongTable>> {
        let key = [
            source.file,
            source.date_column.unwrap_or(""),
            source.location_column.unwrap_or(""),
            source.item_column.unwrap_or(""),
            source.quantity_column.unwrap_or(""),
        ]
        .map(str::to_string);
        if let Some(table) = self.long_files.get(&key) {
            return table.clone();
        }
        let read = match self.inputs.get(source.file) {
            Some(input) => read_long(input, source),
            None => Err(vec![HistoryError::NotLoaded { file: source.file.to_string() }]),
        };
        let table = match read {
            Ok(t) => Some(Arc::new(t)),
            Err(problems) => {
                for e in problems {
                    self.history_problem(path, e);
                }
                None
            }
        };
        self.long_files.insert(key, table.clone());
        table
    }

    /// Reports a problem of a history file, at the field that names what is wrong.
    pub(super) fn history_problem(&mut self, path: &str, e: HistoryError) {
        let field = if let HistoryError::NoColumn { field, .. } = e { field } else { "file" };
        self.problem(format!("{path}.{field}"), e.to_string());
    }

    /// How a bootstrap draws its days (`None` for the uniform `day`).
    fn bootstrap_draw(
        &mut self,
        path: &str,
        series: &Series,
        method: BootstrapMethod,
        block_days: Option<i64>,
    ) -> Option<HistoryDraw> {
        let values: Vec<u64> = series.values.iter().map(|&v| v.max(0) as u64).collect();
        if block_days.is_some() && method != BootstrapMethod::Block {
            self.problem(format!("{path}.block_days"), "is only used by \"method\": \"block\"");
        }
        let by_month = match method {
            BootstrapMethod::Day => return None,
            BootstrapMethod::Block => {
                let days = block_days.unwrap_or(7);
                let n = values.len() as i64;
                if !self.range_i64(&format!("{path}.block_days"), days, 1, n.max(1)) {
                    return None;
                }
                return Some(HistoryDraw::Block { days: days as u32, values });
            }
            BootstrapMethod::Weekday => false,
            BootstrapMethod::WeekdayMonth => true,
        };
        let (start, first) = self.calendar(path, series, "this method")?;
        let (starts, grouped) = by_class(first, &values, by_month);
        // Every class the horizon reaches needs a day of history (a year reaches them all).
        let missing = (0..self.horizon.min(400))
            .map(|t| start.plus(i64::from(t)))
            .find(|&date| starts[class(date, by_month) + 1] == starts[class(date, by_month)]);
        if let Some(date) = missing {
            let month = if by_month { format!(" in month {}", date.civil().1) } else { String::new() };
            self.problem(
                format!("{path}.method"),
                format!("the history has no {}{month}, which the simulated day {date} needs; use a longer history or \"method\": \"weekday\"", crate::scenario::date::WEEKDAYS[date.weekday()]),
            );
            return None;
        }
        Some(HistoryDraw::Classes { start, by_month, starts, values: grouped })
    }

    /// The replay of `series` over the horizon.
    fn replay(&mut self, path: &str, series: &Series) -> Option<HistoryDraw> {
        let values: Vec<u64> = series.values.iter().map(|&v| v.max(0) as u64).collect();
        let (offset, from) = match (self.start, series.first) {
            (Some(start), Some(first)) => (start.0 - first.0, format!("start_date {start}")),
            (Some(_), None) => {
                self.calendar(path, series, "replay from start_date")?;
                return None;
            }
            (None, first) => (0, first.map_or("its first day".into(), |f| format!("its first date {f}"))),
        };
        let horizon = i64::from(self.horizon);
        if offset < 0 || offset + horizon > values.len() as i64 {
            let span = match series.first {
                Some(f) => format!("{} days, {f} to {}", values.len(), f.plus(values.len() as i64 - 1)),
                None => format!("{} days", values.len()),
            };
            self.problem(
                format!("{path}.file"),
                format!("holds {span}; a replay of horizon_days ({horizon}) from {from} needs the history to cover every simulated day; allowed: a horizon of at most the days of history from there"),
            );
            return None;
        }
        Some(HistoryDraw::Replay { offset: offset as u32, values })
    }

    /// The start date and the history's first date, which `what` needs.
    fn calendar(&mut self, path: &str, series: &Series, what: &str) -> Option<(Date, Date)> {
        if self.start.is_none() {
            self.problem(format!("{path}.method"), format!("{what} keeps the calendar and needs the scenario's `start_date` (the date of day 0, YYYY-MM-DD)"));
        }
        if series.first.is_none() {
            self.problem(
                format!("{path}.file"),
                format!("{what} needs dated history: a `date` column (or name it in `date_column`)"),
            );
        }
        self.start.zip(series.first)
    }
}
