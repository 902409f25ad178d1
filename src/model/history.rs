//! Daily history read from a wide CSV file (for `bootstrap` and `replay`): one column of one
//! series, one row per consecutive day, dated when the file has a date column. A file that
//! holds several series (long format, `date,sku,qty`) is refused rather than merged (it is read
//! with `"layout": "long"`, `history_long.rs`), and error messages show no more of the file
//! than the offending cell.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::MAX_UNITS;
use crate::scenario::InputFile;
use crate::scenario::date::Date;

/// A daily series: day i is `first + i` when the history is dated.
#[derive(Debug, Clone, Default)]
pub(super) struct Series {
    /// The date of the first day, when the file has dates.
    pub(super) first: Option<Date>,
    /// The quantity of each day.
    pub(super) values: Vec<i64>,
}

/// Why a history file gives no daily values. `file` is the path it was read from.
#[derive(Debug, thiserror::Error)]
pub(super) enum HistoryError {
    /// The scenario named a file the loader did not read (its content changed after loading).
    #[error("cannot read {file}: it was not read with the scenario")]
    NotLoaded { file: String },
    /// The file could not be read.
    #[error("cannot read {file}: {source}")]
    Read { file: String, source: Arc<std::io::Error> },
    /// The file is not UTF-8 text.
    #[error("cannot read {file}: stream did not contain valid UTF-8")]
    NotText { file: String },
    /// The CSV reader failed.
    #[error("{file}: {source}")]
    Csv { file: String, source: csv::Error },
    /// The file has no rows.
    #[error("{file} is empty; it needs one row per day")]
    Empty { file: String },
    /// The named column is not in the header (`field` names it in the scenario).
    #[error("{file}:1: no column {name:?}; its header has: {header}")]
    NoColumn { file: String, field: &'static str, name: String, header: String },
    /// A cell of the file is wrong (`column` is the column's header name).
    #[error("{file}:{line}:{column}: {message}")]
    Cell { file: String, line: usize, column: String, message: String },
    /// A cell is not a whole number of units.
    #[error("{file} line {line}: {cell:?} is not a whole number of units ≥ 0")]
    NotUnits { file: String, line: usize, cell: String },
    /// The file has a header only.
    #[error("{file} has no data rows")]
    NoData { file: String },
    /// The rows hold several series (a long-format file), told apart by `key`.
    #[error(
        "{file} holds several series: column {key:?} takes {kinds} different values, so its rows belong to different items or places; scsim does not merge them. Read it with \"layout\": \"long\" (rows date, location, item, quantity, filtered to each demand entry's own pair), or give one column per series (date,sku01,sku02,…) and name it in `column`"
    )]
    Several { file: String, key: String, kinds: usize },
}

/// Parses one column of daily history from a CSV file's bytes: one row per day, after a
/// header when a column is named or the first cell is not a number. The days are dated by
/// the column `date_column` when given (then the rows must be consecutive days).
pub(super) fn history(
    input: &InputFile,
    column: Option<&str>,
    date_column: Option<&str>,
) -> Result<Series, HistoryError> {
    let file = input.path.display().to_string();
    let text = text(input)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = reader.records().enumerate().map(|(k, row)| {
        row.map(|r| (k + 1, r)).map_err(|source| HistoryError::Csv { file: file.clone(), source })
    });
    let (_, first) = rows.next().ok_or_else(|| HistoryError::Empty { file: file.clone() })??;
    // The first row is a header if a column is named or its cell is not a number.
    let header = column.is_some() || first.get(0).is_none_or(|c| c.trim().parse::<f64>().is_err());
    let col = match column {
        None => 0,
        Some(name) => find_column(&file, &first, "column", name)?,
    };
    let dates = match date_column {
        Some(name) => Some(find_column(&file, &first, "date_column", name)?),
        None => None,
    };
    let data = (!header).then_some(Ok((1, first.clone()))).into_iter().chain(rows);
    let mut series = Series::default();
    let mut keys = Keys::default();
    for row in data {
        let (line, record) = row?;
        let cell = record.get(col).unwrap_or("").trim();
        match units(cell) {
            Some(v) => series.values.push(v),
            None => return Err(HistoryError::NotUnits { file, line, cell: short(cell) }),
        }
        if let Some(k) = dates {
            let name = first.get(k).unwrap_or("date");
            let date = consecutive(&file, line, name, record.get(k).unwrap_or(""), &series)?;
            series.first = series.first.or(Some(date));
        }
        keys.add(&record, col);
    }
    if let Some((key, kinds)) = keys.several(&first, header) {
        return Err(HistoryError::Several { file, key, kinds });
    }
    if series.values.is_empty() {
        return Err(HistoryError::NoData { file });
    }
    Ok(series)
}

/// The file's text.
pub(super) fn text(input: &InputFile) -> Result<&str, HistoryError> {
    let file = || input.path.display().to_string();
    let bytes = input.bytes.as_ref().map_err(|e| HistoryError::Read { file: file(), source: e.clone() })?;
    std::str::from_utf8(bytes).map_err(|_| HistoryError::NotText { file: file() })
}

/// The position of column `name` in `header`; `field` is the scenario field naming it.
pub(super) fn find_column(
    file: &str,
    header: &csv::StringRecord,
    field: &'static str,
    name: &str,
) -> Result<usize, HistoryError> {
    header.iter().position(|c| c.trim() == name).ok_or_else(|| HistoryError::NoColumn {
        file: file.to_string(),
        field,
        name: name.to_string(),
        header: header.iter().take(12).map(short).collect::<Vec<_>>().join(", "),
    })
}

/// A quantity cell: a whole number of units ≥ 0 (`12` or `12.0`).
pub(super) fn units(cell: &str) -> Option<i64> {
    match cell.trim().parse::<f64>() {
        Ok(v) if v >= 0.0 && v.fract() == 0.0 && v <= MAX_UNITS as f64 => Some(v as i64),
        _ => None,
    }
}

/// A date cell, or the error that places it.
pub(super) fn date(file: &str, line: usize, column: &str, cell: &str) -> Result<Date, HistoryError> {
    Date::parse(cell).ok_or_else(|| HistoryError::Cell {
        file: file.to_string(),
        line,
        column: short(column),
        message: format!("{:?} is not a date; allowed: YYYY-MM-DD", short(cell.trim())),
    })
}

/// The date of the row just read into `series` (its last value), which must follow the
/// previous row's.
fn consecutive(
    file: &str,
    line: usize,
    column: &str,
    cell: &str,
    series: &Series,
) -> Result<Date, HistoryError> {
    let got = date(file, line, column, cell)?;
    let Some(first) = series.first else { return Ok(got) };
    let expected = first.plus(series.values.len() as i64 - 1);
    if got == expected {
        return Ok(got);
    }
    Err(HistoryError::Cell {
        file: file.to_string(),
        line,
        column: short(column),
        message: format!(
            "{got} is not the day after the previous row's ({}); a wide history has one row per consecutive day (use \"layout\": \"long\" for dated rows with gaps)",
            expected.plus(-1)
        ),
    })
}

/// At most 40 characters of a cell, for an error message.
pub(super) fn short(cell: &str) -> String {
    let mut s: String = cell.chars().take(40).collect();
    if cell.chars().count() > 40 {
        s.push('…');
    }
    s
}

/// The text (non-numeric) values of each column other than the one read, to tell a file that
/// keys several series by a column (values repeated over rows, more than one of them).
#[derive(Default)]
struct Keys {
    columns: HashMap<usize, (HashSet<String>, usize)>,
    numeric: HashSet<usize>,
}

impl Keys {
    fn add(&mut self, record: &csv::StringRecord, read: usize) {
        for (k, cell) in record.iter().enumerate() {
            let cell = cell.trim();
            if k == read || self.numeric.contains(&k) {
                continue;
            }
            if cell.parse::<f64>().is_ok() {
                self.numeric.insert(k);
                self.columns.remove(&k);
                continue;
            }
            let (seen, rows) = self.columns.entry(k).or_default();
            *rows += 1;
            if seen.len() <= 1 << 16 {
                seen.insert(cell.to_string());
            }
        }
    }

    /// The column that splits the rows into several series (repeated values, more than one),
    /// preferring one that does not hold dates, then the fewest values; and how many it takes.
    fn several(&self, first: &csv::StringRecord, header: bool) -> Option<(String, usize)> {
        let (k, kinds) = self
            .columns
            .iter()
            .filter(|(_, (seen, rows))| seen.len() > 1 && seen.len() < *rows)
            .map(|(&k, (seen, _))| (k, seen.len(), seen.iter().all(|v| dates(v))))
            .min_by_key(|&(k, kinds, dated)| (dated, kinds, k))
            .map(|(k, kinds, _)| (k, kinds))?;
        let name = if header { short(first.get(k).unwrap_or_default()) } else { format!("{}", k + 1) };
        Some((name, kinds))
    }
}

/// Whether a cell looks like a date or time (digits and separators only).
fn dates(cell: &str) -> bool {
    cell.chars().all(|c| c.is_ascii_digit() || "-/.: T".contains(c))
}
