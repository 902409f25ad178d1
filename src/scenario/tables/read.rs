//! Reading one table: its header checked against the table's columns, its rows split into
//! cells and each cell read as its column's kind; every problem located by file, line and
//! column. Rows with a problem of their own (wrong number of cells, an empty required cell, a
//! repeated key) are left out, so that the validator does not report them a second time.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::{Number, Value};

use super::columns::{Kind, TableSpec};
use crate::scenario::error::Problem;
use crate::scenario::positions::Cell;
use crate::scenario::structure::nearest;

/// A table as read: its checked header and its usable rows.
pub(crate) struct Table {
    /// The file it was read from.
    pub(crate) file: Arc<Path>,
    /// Its headers, trimmed.
    pub(crate) headers: Vec<String>,
    /// Its rows without a problem of their own.
    pub(crate) rows: Vec<Row>,
}

/// One row: its line in the file and the value of each cell (`None`: empty, or not of its
/// column's kind, which is reported).
pub(crate) struct Row {
    /// Line in the file (the header is line 1).
    pub(crate) line: usize,
    cells: Vec<Option<Value>>,
}

impl Table {
    /// The value of `row`'s cell in column `name`, if the table has it and it is set.
    pub(crate) fn get<'r>(&self, row: &'r Row, name: &str) -> Option<&'r Value> {
        let k = self.headers.iter().position(|h| h == name)?;
        row.cells[k].as_ref()
    }

    /// Text of `row`'s cell in column `name`, if set.
    pub(crate) fn text<'r>(&self, row: &'r Row, name: &str) -> Option<&'r str> {
        self.get(row, name).and_then(Value::as_str)
    }

    /// The parameter columns behind `prefix` (`lead_time_mean` → `mean`) that `row` sets, as
    /// (field, header, value), in the order of the header.
    pub(crate) fn params<'t>(
        &'t self,
        spec: &'t TableSpec,
        row: &'t Row,
        prefix: &'t str,
    ) -> impl Iterator<Item = (&'t str, &'t str, &'t Value)> {
        self.headers.iter().zip(&row.cells).filter_map(move |(h, v)| {
            let (open, field) = spec.open_field(h).filter(|_| spec.column(h).is_none())?;
            (open.prefix == prefix).then_some((field, h.as_str(), v.as_ref()?))
        })
    }

    /// The place of `row`'s cell in column `column`.
    pub(crate) fn cell(&self, row: &Row, column: &str) -> Cell {
        Cell { file: self.file.clone(), line: row.line, column: column.to_string() }
    }
}

/// Reads the table `spec` from `bytes` (read from `file`), adding its problems to `problems`.
pub(crate) fn read(spec: &TableSpec, file: Arc<Path>, bytes: &[u8], problems: &mut Vec<Problem>) -> Table {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let mut table = Table { file, headers: Vec::new(), rows: Vec::new() };
    let at = |t: &Table, line: usize, column: &str, message: String| {
        Problem::in_table(Cell { file: t.file.clone(), line, column: column.to_string() }, message)
    };
    table.headers = match reader.headers() {
        Ok(h) => h.iter().map(|x| x.trim().to_string()).collect(),
        Err(e) => {
            problems.push(at(&table, 1, "", format!("cannot read the header: {e}")));
            return table;
        }
    };
    let kinds = header_problems(spec, &table, problems);
    if kinds.is_none() {
        return table;
    }
    let kinds = kinds.unwrap_or_default();
    let mut keys: HashMap<Vec<String>, usize> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems.push(at(&table, line, "", format!("is not valid CSV: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.len() != table.headers.len() {
            let message =
                format!("has {} cells; the header has {} columns", record.len(), table.headers.len());
            problems.push(at(&table, line, "", message));
            continue;
        }
        let mut row = Row { line, cells: Vec::with_capacity(record.len()) };
        let mut ok = true;
        for ((text, header), kind) in record.iter().zip(&table.headers).zip(&kinds) {
            let text = text.trim();
            let required = spec.column(header).is_some_and(|c| c.required);
            if text.is_empty() && required {
                problems.push(at(&table, line, header, "is empty; every row needs a value here".into()));
                ok = false;
            }
            row.cells.push(match parse(text, *kind) {
                Ok(v) => v,
                Err(message) => {
                    problems.push(at(&table, line, header, message));
                    None
                }
            });
        }
        let key: Vec<String> =
            spec.key.iter().map(|k| table.text(&row, k).unwrap_or_default().to_string()).collect();
        if ok && !spec.key.is_empty() {
            if let Some(first) = keys.get(&key) {
                let message = format!("repeats the {} of line {first}; give each once", spec.key.join(", "));
                problems.push(at(&table, line, spec.key[0], message));
                ok = false;
            } else {
                keys.insert(key, line);
            }
        }
        if ok {
            table.rows.push(row);
        }
    }
    table
}

/// Checks the header against the table's columns: every problem added to `problems`. Returns
/// the kind of each column, or `None` when a required column is missing (the rows cannot be
/// read then).
fn header_problems(spec: &TableSpec, table: &Table, problems: &mut Vec<Problem>) -> Option<Vec<Kind>> {
    let at = |column: &str, message: String| {
        Problem::in_table(Cell { file: table.file.clone(), line: 1, column: column.to_string() }, message)
    };
    let known = spec.known();
    let mut kinds = Vec::with_capacity(table.headers.len());
    for (k, h) in table.headers.iter().enumerate() {
        if table.headers[..k].contains(h) {
            problems.push(at(h, "is a repeated column; give each column once".into()));
        }
        let kind = match (spec.column(h), spec.open_field(h)) {
            (Some(c), _) => c.kind,
            (None, Some(_)) => Kind::Auto,
            (None, None) => {
                let hint = match nearest(h, known.iter().map(String::as_str)) {
                    Some(n) => format!("did you mean `{n}`?"),
                    None => format!(
                        "the columns are {}",
                        spec.columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
                    ),
                };
                problems.push(at(h, format!("is an unknown column of the {} table; {hint}", spec.name)));
                Kind::Auto
            }
        };
        kinds.push(kind);
    }
    let mut complete = true;
    for c in spec.columns.iter().filter(|c| c.required && !table.headers.iter().any(|h| h == c.name)) {
        problems
            .push(at("", format!("the column `{}` is missing; every {} table needs it", c.name, spec.name)));
        complete = false;
    }
    complete.then_some(kinds)
}

/// A cell's value as its column's kind: `None` for an empty cell.
fn parse(text: &str, kind: Kind) -> Result<Option<Value>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let number = |t: &str| -> Option<Value> {
        match t.parse::<i64>() {
            Ok(i) => Some(Value::from(i)),
            Err(_) => t.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number),
        }
    };
    let value = match kind {
        Kind::Text => Value::String(text.to_string()),
        Kind::Auto => number(text).unwrap_or_else(|| Value::String(text.to_string())),
        Kind::Number | Kind::Integer => {
            number(text).ok_or_else(|| format!("is {text:?}; expected a number"))?
        }
        Kind::Numbers => {
            let parts: Option<Vec<Value>> = text.split_whitespace().map(number).collect();
            Value::Array(parts.ok_or_else(|| format!("is {text:?}; expected numbers separated by spaces"))?)
        }
    };
    Ok(Some(value))
}
