//! Long-format demand history (`date, location, item, quantity`, one row per day a pair sold):
//! read once per file, then cut into the daily series of each (location, item) pair, with the
//! days that have no row as zero demand.

use std::collections::HashMap;

use super::history::{HistoryError, date, find_column, short, text, units};
use crate::scenario::date::Date;
use crate::scenario::{HistorySource, InputFile};

/// The most located problems reported for one file (the rest are counted).
const MAX_PROBLEMS: usize = 20;

/// A long-format history file, parsed: each pair's rows.
#[derive(Debug)]
pub(super) struct LongTable {
    /// The file, for messages.
    pub(super) file: String,
    /// The first and last date of the whole file (every pair's series spans them).
    pub(super) first: Date,
    pub(super) last: Date,
    /// The location and item ids of the file, numbered.
    locations: Names,
    items: Names,
    /// Each (location, item)'s rows: (days after `first`, quantity), by date.
    pairs: HashMap<(u32, u32), Vec<(u32, u32)>>,
}

/// One pair's daily series, cut from a [`LongTable`].
#[derive(Debug)]
pub(super) struct PairSeries {
    /// Quantity of each day from the file's first date to its last.
    pub(super) values: Vec<i64>,
    /// Days with no row (zero demand).
    pub(super) zero_filled: usize,
}

/// The column names a long file is read with, in the order date, location, item, quantity:
/// the names given, else `date`, `location`, `item`, `quantity`.
fn names<'a>(source: &HistorySource<'a>) -> [(&'static str, &'a str); 4] {
    [
        ("date_column", source.date_column.unwrap_or("date")),
        ("location_column", source.location_column.unwrap_or("location")),
        ("item_column", source.item_column.unwrap_or("item")),
        ("quantity_column", source.quantity_column.unwrap_or("quantity")),
    ]
}

/// Reads a long-format file: every problem of its header and rows (up to [`MAX_PROBLEMS`]).
pub(super) fn read_long(input: &InputFile, source: &HistorySource) -> Result<LongTable, Vec<HistoryError>> {
    let file = input.path.display().to_string();
    let text = text(input).map_err(|e| vec![e])?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header =
        reader.headers().map_err(|source| vec![HistoryError::Csv { file: file.clone(), source }])?.clone();
    let mut problems = Vec::new();
    let mut cols = [0usize; 4];
    for (k, (field, name)) in names(source).into_iter().enumerate() {
        match find_column(&file, &header, field, name) {
            Ok(c) => cols[k] = c,
            Err(e) => problems.push(e),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Rows::default();
    rows.read(&file, &mut reader, &header, cols, &mut problems);
    let (Some(first), Some(last)) = (rows.first, rows.last) else {
        problems.push(HistoryError::NoData { file: file.clone() });
        return Err(problems);
    };
    let date_name = short(header.get(cols[0]).unwrap_or("date"));
    let mut pairs = HashMap::with_capacity(rows.pairs.len());
    for (key, mut list) in rows.pairs {
        list.sort_unstable_by_key(|r| (r.date, r.line));
        for w in list.windows(2).filter(|w| w[0].date == w[1].date) {
            let message = format!(
                "a second row for {}, location {:?}, item {:?} (the first is line {}); allowed: one row per date, location and item",
                Date(i64::from(w[1].date)),
                rows.locations.names[key.0 as usize],
                rows.items.names[key.1 as usize],
                w[0].line
            );
            let line = w[1].line as usize;
            problems.push(HistoryError::Cell {
                file: file.clone(),
                line,
                column: date_name.clone(),
                message,
            });
        }
        let days = list.iter().map(|r| ((i64::from(r.date) - first.0) as u32, r.quantity)).collect();
        pairs.insert(key, days);
    }
    if !problems.is_empty() {
        return Err(capped(problems));
    }
    Ok(LongTable { file, first, last, locations: rows.locations, items: rows.items, pairs })
}

/// One row of a long file, kept small (a history may have millions).
#[derive(Debug, Clone, Copy)]
struct Row {
    date: i32,
    line: u32,
    quantity: u32,
}

/// The rows of a long file read so far, by pair, with the ids interned.
#[derive(Debug, Default)]
struct Rows {
    locations: Names,
    items: Names,
    pairs: HashMap<(u32, u32), Vec<Row>>,
    first: Option<Date>,
    last: Option<Date>,
}

/// Ids of one kind, numbered in order of first appearance.
#[derive(Debug, Default)]
struct Names {
    index: HashMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    /// The id's number, adding it when new.
    fn intern(&mut self, id: &str) -> u32 {
        if let Some(&k) = self.index.get(id) {
            return k;
        }
        let k = self.names.len() as u32;
        self.index.insert(id.to_string(), k);
        self.names.push(id.to_string());
        k
    }
}

impl Rows {
    /// Reads every row; the problems of the rows that do not read well go to `problems`.
    fn read(
        &mut self,
        file: &str,
        reader: &mut csv::Reader<&[u8]>,
        header: &csv::StringRecord,
        cols: [usize; 4],
        problems: &mut Vec<HistoryError>,
    ) {
        let mut record = csv::StringRecord::new();
        let mut line = 1;
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => line += 1,
                Ok(false) => break,
                Err(source) => {
                    problems.push(HistoryError::Csv { file: file.to_string(), source });
                    break;
                }
            }
            let cell = |c: usize| record.get(c).unwrap_or("").trim();
            let date = date(file, line, header.get(cols[0]).unwrap_or(""), cell(cols[0]));
            let quantity = units(cell(cols[3])).ok_or_else(|| HistoryError::Cell {
                file: file.to_string(),
                line,
                column: short(header.get(cols[3]).unwrap_or("")),
                message: format!("{:?} is not a whole number of units ≥ 0", short(cell(cols[3]))),
            });
            let (date, quantity) = match (date, quantity) {
                (Ok(d), Ok(q)) => (d, q),
                (d, q) => {
                    problems.extend(d.err().into_iter().chain(q.err()));
                    continue;
                }
            };
            let key = (self.locations.intern(cell(cols[1])), self.items.intern(cell(cols[2])));
            let row = Row { date: date.0 as i32, line: line as u32, quantity: quantity as u32 };
            self.pairs.entry(key).or_default().push(row);
            self.first = Some(self.first.map_or(date, |f| f.min(date)));
            self.last = Some(self.last.map_or(date, |l| l.max(date)));
        }
    }
}

/// At most [`MAX_PROBLEMS`] problems, the last saying how many more there are.
fn capped(mut problems: Vec<HistoryError>) -> Vec<HistoryError> {
    if problems.len() > MAX_PROBLEMS {
        let more = problems.len() - MAX_PROBLEMS;
        problems.truncate(MAX_PROBLEMS);
        if let Some(HistoryError::Cell { message, .. }) = problems.last_mut() {
            message.push_str(&format!(" (and {more} more problems in this file)"));
        }
    }
    problems
}

impl LongTable {
    /// The daily series of `location` and `item`, or the message saying the file has no row
    /// for them.
    pub(super) fn series(&self, location: &str, item: &str) -> Result<PairSeries, String> {
        let key = self.locations.index.get(location).zip(self.items.index.get(item));
        let Some(rows) = key.and_then(|(&l, &i)| self.pairs.get(&(l, i))) else {
            let mut known: Vec<String> = self
                .pairs
                .keys()
                .map(|&(l, i)| {
                    format!("{}/{}", self.locations.names[l as usize], self.items.names[i as usize])
                })
                .collect();
            known.sort_unstable();
            let more = if known.len() > 8 { format!(", … ({} pairs)", known.len()) } else { String::new() };
            known.truncate(8);
            return Err(format!(
                "{} has no rows for location {location:?} and item {item:?}; it has: {}{more}",
                self.file,
                known.join(", ")
            ));
        };
        let days = (self.last.0 - self.first.0 + 1) as usize;
        let mut values = vec![0; days];
        for &(day, quantity) in rows {
            values[day as usize] = i64::from(quantity);
        }
        Ok(PairSeries { values, zero_filled: days - rows.len() })
    }
}
