//! Scenario tables: items, demand streams, lane terms, policy parameters and starting stock
//! read from CSV files named in the scenario's `tables`, each row appended to the JSON list it
//! stands for before the scenario is validated, so that every check applies to it unchanged.
//! Where each appended value came from (file, line, column) is recorded, so that each problem
//! in it is reported as `FILE:ROW:COLUMN`.
//!
//! `columns.rs` lists each table's columns (the reader's checks and `scsim schema --tables`
//! both come from it), `read.rs` reads a table, and one file per table turns its rows into
//! JSON.

mod columns;
mod demand;
mod initial;
mod items;
mod lanes;
mod policies;
mod read;

use std::path::Path;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use columns::TABLES;
pub use columns::tables_schema;
use read::{Row, Table};

use super::error::Problem;
use super::load::InputFile;
use super::positions::Cell;
use super::structure::nearest;

/// CSV tables the scenario takes items, demand, lane terms, policy parameters and starting
/// stock from, each a path relative to the scenario file's folder. Every row is added after the
/// entries written in the JSON (see docs/scenario.md, "Tables").
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tables {
    /// Items: `item`, `description`, `price` and cost-rate columns by their JSON names.
    #[serde(default)]
    pub items: Option<String>,
    /// Demand streams: `location`, `item`, `segment`, `distribution` (its type) and the
    /// distribution's fields as columns, `weekly_profile`, `trend_per_day`.
    #[serde(default)]
    pub demand: Option<String>,
    /// Terms of items on lanes: `lane`, `item`, `unit_cost`, `order_cost`, `min_order`,
    /// `order_multiple`, `lead_time` or `lead_time_distribution` with `lead_time_…` fields.
    #[serde(default)]
    pub lanes: Option<String>,
    /// Policy parameters per pair: `policy`, `location`, `item`, `type` and the policy's
    /// fields as columns; each row an override of the policy.
    #[serde(default)]
    pub policies: Option<String>,
    /// Starting stock: `location`, `item`, `units`.
    #[serde(default)]
    pub initial_on_hand: Option<String>,
}

/// What reading a scenario's tables added to its document.
#[derive(Default)]
pub(crate) struct Appended {
    /// The table cell of each appended value, by JSON path.
    pub(crate) cells: Vec<(String, Cell)>,
    /// The problems of the tables themselves (placed in their file, or at `tables.…`).
    pub(crate) problems: Vec<Problem>,
    /// The tables read, by the name written in the scenario.
    pub(crate) files: Vec<(String, InputFile)>,
}

/// Reads the tables `doc` names (relative to `base_dir`) and appends their rows to `doc`.
pub(crate) fn append(doc: &mut Value, base_dir: &Path) -> Appended {
    let mut out = Out { doc, appended: Appended::default() };
    for spec in &TABLES {
        let Some(name) = out.doc.pointer(&format!("/tables/{}", spec.name)).and_then(Value::as_str) else {
            continue;
        };
        let name = name.to_string();
        let path = base_dir.join(&name);
        let bytes = std::fs::read(&path).map_err(Arc::new);
        let input = InputFile { path: path.clone(), bytes: bytes.clone() };
        out.appended.files.push((name, input));
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                let message = format!("cannot read {}: {e}", path.display());
                out.appended.problems.push(Problem::new(format!("tables.{}", spec.name), message));
                continue;
            }
        };
        let table = read::read(spec, path.into(), &bytes, &mut out.appended.problems);
        match spec.name {
            "items" => items::append(&table, &mut out),
            "demand" => demand::append(spec, &table, &mut out),
            "lanes" => lanes::append(spec, &table, &mut out),
            "policies" => policies::append(spec, &table, &mut out),
            _ => initial::append(&table, &mut out),
        }
    }
    out.appended
}

/// The document rows are appended to, and what was recorded.
pub(super) struct Out<'d> {
    doc: &'d mut Value,
    appended: Appended,
}

impl Out<'_> {
    /// Appends `entry` (from `row` of `table`) to the list `key` of the object at JSON pointer
    /// `parent` (whose path is `parent_path`), creating the list when the object has none.
    fn push(
        &mut self,
        (parent, parent_path): (&str, &str),
        key: &str,
        entry: Entry,
        table: &Table,
        row: &Row,
    ) {
        let Some(Value::Object(object)) = self.doc.pointer_mut(parent) else { return };
        let Value::Array(list) = object.entry(key).or_insert_with(|| Value::Array(Vec::new())) else {
            return; // not a list: the structural pass reports it
        };
        let base = if parent_path.is_empty() { key.to_string() } else { format!("{parent_path}.{key}") };
        let base = format!("{base}[{}]", list.len());
        list.push(Value::Object(entry.value));
        for (path, column) in entry.columns {
            let path = if path.is_empty() { base.clone() } else { format!("{base}.{path}") };
            self.appended.cells.push((path, table.cell(row, &column)));
        }
    }

    /// The index of the element of list `list` whose field `field` is `id`; else reports the
    /// row's cell in `column` (with the nearest id) and returns `None`.
    fn find(
        &mut self,
        list: &str,
        field: &str,
        id: &str,
        (table, row, column): (&Table, &Row, &str),
    ) -> Option<usize> {
        let ids: Vec<String> = match self.doc.get(list) {
            Some(Value::Array(l)) => l
                .iter()
                .map(|x| x.get(field).and_then(Value::as_str).unwrap_or_default().to_string())
                .collect(),
            _ => Vec::new(),
        };
        if let Some(k) = ids.iter().position(|x| x == id) {
            return Some(k);
        }
        let hint = match nearest(id, ids.iter().map(String::as_str)) {
            Some(n) => format!("did you mean {n:?}?"),
            None => {
                format!("allowed: {}", ids.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(", "))
            }
        };
        let message = format!("is {id:?}, which names no element of `{list}` in the scenario; {hint}");
        self.appended.problems.push(Problem::in_table(table.cell(row, column), message));
        None
    }
}

/// One row as a JSON object, with the column each of its values came from.
pub(super) struct Entry {
    value: Map<String, Value>,
    /// (path inside the object, column), the object itself first.
    columns: Vec<(String, String)>,
}

impl Entry {
    /// An empty object standing for a row, located at its column `column` as a whole.
    fn new(column: &str) -> Entry {
        Entry { value: Map::new(), columns: vec![(String::new(), column.to_string())] }
    }

    /// Sets the value at the dotted `path` (creating the objects on the way), from `column`.
    fn set(&mut self, path: &str, v: Value, column: &str) {
        let mut object = &mut self.value;
        let mut parts = path.split('.').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                object.insert(part.to_string(), v);
                break;
            }
            let next = object.entry(part).or_insert_with(|| Value::Object(Map::new()));
            if !next.is_object() {
                *next = Value::Object(Map::new());
            }
            object = next.as_object_mut().expect("made an object");
        }
        self.mark(path, column);
    }

    /// Locates the value at `path` at `column`.
    fn mark(&mut self, path: &str, column: &str) {
        self.columns.retain(|(p, _)| p != path);
        self.columns.push((path.to_string(), column.to_string()));
    }

    /// Sets `path` to the value of `row`'s cell in column `column`, when it is set.
    fn copy(&mut self, table: &Table, row: &Row, column: &str, path: &str) {
        if let Some(v) = table.get(row, column) {
            self.set(path, v.clone(), column);
        }
    }
}
