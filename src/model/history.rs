//! Daily history read from a CSV file (for `bootstrap`): one column of one series. A file
//! that holds several series (long format, `date,sku,qty`) is refused rather than merged, and
//! error messages show no more of the file than the offending cell.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::MAX_UNITS;
use crate::scenario::InputFile;

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
    /// The named column is not in the header.
    #[error("no column {name:?} in {file}; its header has: {header}")]
    NoColumn { file: String, name: String, header: String },
    /// A cell is not a whole number of units.
    #[error("{file} line {line}: {cell:?} is not a whole number of units ≥ 0")]
    NotUnits { file: String, line: usize, cell: String },
    /// The file has a header only.
    #[error("{file} has no data rows")]
    NoData { file: String },
    /// The rows hold several series (a long-format file), told apart by `key`.
    #[error(
        "{file} holds several series: column {key:?} takes {kinds} different values, so its rows belong to different items or places; scsim does not merge them. Give one column per series (date,sku01,sku02,…) and name it in `column`, or one file per series"
    )]
    Several { file: String, key: String, kinds: usize },
}

/// Parses one column of daily history from a CSV file's bytes: one row per day, after a
/// header when a column is named or the first cell is not a number.
pub(super) fn history(input: &InputFile, column: Option<&str>) -> Result<Vec<i64>, HistoryError> {
    let file = input.path.display().to_string();
    let bytes =
        input.bytes.as_ref().map_err(|e| HistoryError::Read { file: file.clone(), source: e.clone() })?;
    let text = std::str::from_utf8(bytes).map_err(|_| HistoryError::NotText { file: file.clone() })?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = reader.records().enumerate().map(|(k, row)| {
        row.map(|r| (k + 1, r)).map_err(|source| HistoryError::Csv { file: file.clone(), source })
    });
    let (_, first) = rows.next().ok_or_else(|| HistoryError::Empty { file: file.clone() })??;
    // The first row is a header if a column is named or its cell is not a number.
    let header = column.is_some() || first.get(0).is_none_or(|c| c.trim().parse::<f64>().is_err());
    let col = match column {
        None => 0,
        Some(name) => first.iter().position(|c| c.trim() == name).ok_or_else(|| HistoryError::NoColumn {
            file: file.clone(),
            name: name.to_string(),
            header: first.iter().take(12).map(short).collect::<Vec<_>>().join(", "),
        })?,
    };
    let data = (!header).then_some(Ok((1, first.clone()))).into_iter().chain(rows);
    let mut values = Vec::new();
    let mut keys = Keys::default();
    for row in data {
        let (line, record) = row?;
        let cell = record.get(col).unwrap_or("").trim();
        match cell.parse::<f64>() {
            Ok(v) if v >= 0.0 && v.fract() == 0.0 && v <= MAX_UNITS as f64 => values.push(v as i64),
            _ => return Err(HistoryError::NotUnits { file, line, cell: short(cell) }),
        }
        keys.add(&record, col);
    }
    if let Some((key, kinds)) = keys.several(&first, header) {
        return Err(HistoryError::Several { file, key, kinds });
    }
    if values.is_empty() {
        return Err(HistoryError::NoData { file });
    }
    Ok(values)
}

/// At most 40 characters of a cell, for an error message.
fn short(cell: &str) -> String {
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
