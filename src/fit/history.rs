//! Reading a long-format demand history (columns date, location, item, quantity) into one
//! sparse series per location × item, fast: byte records, no per-row allocation.

use std::collections::HashMap;
use std::path::Path;

use super::{Columns, FitError, Problem};
use crate::scenario::date::Date;

/// Problems kept before reading stops (the count of the rest is reported).
const MAX_PROBLEMS: usize = 50;

/// The history as read: one sparse series per pair, in order of first appearance.
#[derive(Debug, Default)]
pub(crate) struct History {
    /// `(location, item)` of each pair.
    pub(crate) pairs: Vec<(String, String)>,
    /// Each pair's rows as `(day number, quantity)`, in file order.
    pub(crate) rows: Vec<Vec<(i32, u32)>>,
    /// First and last date (day numbers) of the whole file.
    pub(crate) first: i32,
    /// Last date of the whole file.
    pub(crate) last: i32,
}

/// Reads the history at `path`; every problem (up to [`MAX_PROBLEMS`]) at once.
/// `progress(bytes)` is called every 64k rows with the bytes read so far.
pub(crate) fn read(path: &Path, columns: &Columns, progress: &dyn Fn(u64)) -> Result<History, FitError> {
    let file = std::fs::File::open(path).map_err(|e| FitError::Io(path.display().to_string(), e))?;
    let mut reader = csv::ReaderBuilder::new().buffer_capacity(1 << 20).from_reader(file);
    let name = path.display().to_string();
    let header = reader.byte_headers().map_err(|e| FitError::Io(name.clone(), e.into()))?.clone();
    let index = column_indices(&name, &header, columns)?;
    let mut reading = Reading { name, index, history: History::default(), ..Reading::default() };
    reading.history.first = i32::MAX;
    reading.history.last = i32::MIN;
    let mut record = csv::ByteRecord::new();
    let mut n = 0u64;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => reading.row(&record),
            Err(e) => reading.problem(record.position().map_or(0, |p| p.line()), "", e.to_string()),
        }
        n += 1;
        if n.is_multiple_of(65_536) {
            progress(reader.position().byte());
        }
        if reading.problems.len() > MAX_PROBLEMS {
            break;
        }
    }
    reading.finish()
}

/// Where the four columns are in the header.
fn column_indices(name: &str, header: &csv::ByteRecord, columns: &Columns) -> Result<[usize; 4], FitError> {
    let wanted = [&columns.date, &columns.location, &columns.item, &columns.quantity];
    let mut index = [0; 4];
    let mut missing = Vec::new();
    for (k, col) in wanted.into_iter().enumerate() {
        match header.iter().position(|h| h == col.as_bytes()) {
            Some(i) => index[k] = i,
            None => missing.push(col.clone()),
        }
    }
    if missing.is_empty() {
        return Ok(index);
    }
    let found: Vec<String> = header.iter().map(|h| String::from_utf8_lossy(h).into_owned()).collect();
    Err(FitError::Problems(vec![Problem {
        file: name.to_string(),
        line: 1,
        column: String::new(),
        message: format!(
            "has no column {}; the header has {}; name the columns with --date-column, --location-column, --item-column, --quantity-column",
            missing.join(", "),
            found.join(", ")
        ),
    }]))
}

/// The state of a read in progress.
#[derive(Default)]
struct Reading {
    name: String,
    index: [usize; 4],
    history: History,
    /// Pair key (`location \0 item`) → pair index.
    lookup: HashMap<Vec<u8>, usize>,
    key: Vec<u8>,
    /// The last date cell and its day number (histories are usually sorted by date).
    last_date: (Vec<u8>, i32),
    problems: Vec<Problem>,
    more: usize,
}

impl Reading {
    fn row(&mut self, record: &csv::ByteRecord) {
        let line = record.position().map_or(0, |p| p.line());
        let cell = |k: usize| record.get(self.index[k]).unwrap_or(b"");
        let (date, quantity) = (cell(0), cell(3));
        let day = match self.day(date) {
            Some(d) => d,
            None => {
                let msg = format!("is {:?}; allowed: a date YYYY-MM-DD", show(date));
                return self.problem(line, "date", msg);
            }
        };
        let Some(qty) = parse_quantity(quantity) else {
            let msg = format!("is {:?}; allowed: a whole number ≥ 0 (at most 4294967295)", show(quantity));
            return self.problem(line, "quantity", msg);
        };
        let pair = match self.pair(record) {
            Ok(p) => p,
            Err(column) => return self.problem(line, column, "is not valid UTF-8".into()),
        };
        let h = &mut self.history;
        h.rows[pair].push((day, qty));
        h.first = h.first.min(day);
        h.last = h.last.max(day);
    }

    /// The day number of a date cell, cached for runs of equal dates.
    fn day(&mut self, date: &[u8]) -> Option<i32> {
        if self.last_date.0 == date {
            return Some(self.last_date.1);
        }
        let d = parse_date(date)?;
        self.last_date.0.clear();
        self.last_date.0.extend_from_slice(date);
        self.last_date.1 = d;
        Some(d)
    }

    /// The index of the row's pair, adding it when new; `Err(column)` for a cell not in UTF-8.
    fn pair(&mut self, record: &csv::ByteRecord) -> Result<usize, &'static str> {
        let location = record.get(self.index[1]).unwrap_or(b"");
        let item = record.get(self.index[2]).unwrap_or(b"");
        self.key.clear();
        self.key.extend_from_slice(location);
        self.key.push(0);
        self.key.extend_from_slice(item);
        if let Some(&k) = self.lookup.get(self.key.as_slice()) {
            return Ok(k);
        }
        let location = std::str::from_utf8(location).map_err(|_| "location")?;
        let item = std::str::from_utf8(item).map_err(|_| "item")?;
        let k = self.history.pairs.len();
        self.history.pairs.push((location.to_string(), item.to_string()));
        self.history.rows.push(Vec::new());
        self.lookup.insert(self.key.clone(), k);
        Ok(k)
    }

    fn problem(&mut self, line: u64, column: &str, message: String) {
        if self.problems.len() > MAX_PROBLEMS {
            self.more += 1;
            return;
        }
        self.problems.push(Problem { file: self.name.clone(), line, column: column.to_string(), message });
    }

    fn finish(mut self) -> Result<History, FitError> {
        if self.problems.is_empty() && self.history.pairs.is_empty() {
            self.problem(1, "", "has no rows of history".into());
        }
        if self.problems.is_empty() {
            return Ok(self.history);
        }
        if self.problems.len() > MAX_PROBLEMS {
            let file = self.name.clone();
            self.problems.truncate(MAX_PROBLEMS);
            let message = "and more problems after these; reading stopped".to_string();
            self.problems.push(Problem { file, line: 0, column: String::new(), message });
        }
        Err(FitError::Problems(self.problems))
    }
}

/// At most 40 characters of a cell, for messages.
fn show(cell: &[u8]) -> String {
    String::from_utf8_lossy(cell).chars().take(40).collect()
}

/// A whole number ≥ 0 (also written with a zero fraction, as `3.0`).
fn parse_quantity(cell: &[u8]) -> Option<u32> {
    let cell = cell.trim_ascii();
    if !cell.is_empty() && cell.iter().all(u8::is_ascii_digit) {
        return std::str::from_utf8(cell).ok()?.parse().ok();
    }
    let x: f64 = std::str::from_utf8(cell).ok()?.parse().ok()?;
    (x >= 0.0 && x.fract() == 0.0 && x <= u32::MAX as f64).then_some(x as u32)
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (the scenario's one date type).
pub(crate) fn parse_date(cell: &[u8]) -> Option<i32> {
    let date = Date::parse(std::str::from_utf8(cell).ok()?)?;
    i32::try_from(date.0).ok()
}

/// `YYYY-MM-DD` of a day number (inverse of [`parse_date`]).
pub fn format_date(z: i32) -> String {
    Date(i64::from(z)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_bad_dates_are_refused() {
        assert_eq!(parse_date(b"1970-01-01"), Some(0));
        assert_eq!(parse_date(b"2000-03-01"), Some(11_017));
        for d in [-1000, 0, 11_016, 19_000, 20_000] {
            assert_eq!(parse_date(format_date(d).as_bytes()), Some(d));
        }
        assert_eq!(format_date(parse_date(b"2024-02-29").unwrap() + 1), "2024-03-01");
        for bad in [&b"2023-02-29"[..], b"2024-13-01", b"2024-1-01", b"01/02/2024", b""] {
            assert_eq!(parse_date(bad), None);
        }
    }

    #[test]
    fn quantities_are_whole_numbers() {
        assert_eq!(parse_quantity(b"12"), Some(12));
        assert_eq!(parse_quantity(b"3.0"), Some(3));
        assert_eq!(parse_quantity(b"2.5"), None);
        assert_eq!(parse_quantity(b"-1"), None);
        assert_eq!(parse_quantity(b"x"), None);
    }
}
