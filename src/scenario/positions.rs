//! Where each value of a scenario is in the user's file: a small scanner over JSON text that
//! serde_json has already accepted, recording the line and column of every value by its path
//! (`policies[2].overrides[0].inventory.s`), and the id of every element of a list
//! (`demand[10] (shop/sku07)`), so that each problem can say where it is.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::error::{Place, Problem, TOP};

/// A line and column in a file, both from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column (in characters), from 1.
    pub column: usize,
}

/// A cell of a scenario table, where a value of the document came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The table file.
    pub file: Arc<Path>,
    /// Its line (the header is line 1).
    pub line: usize,
    /// The column's header (empty: the row or the file as a whole).
    pub column: String,
}

/// The position of every value of a document, by path. For a member of an object the position
/// is that of its key (where a planner looks for a misspelt field); for an element of an array,
/// or the whole document, that of the value.
#[derive(Debug, Clone, Default)]
pub(crate) struct Positions {
    at: HashMap<String, Position>,
    /// The id of each element of a list that has one, by its path (`demand[10]`).
    ids: HashMap<String, String>,
    /// The table cell of each value that came from a table, by path.
    cells: HashMap<String, Cell>,
}

impl Positions {
    /// Scans `text`, which must be valid JSON (nothing is recorded past a syntax error), and
    /// `doc`, its parsed document, for the ids of list elements.
    pub(crate) fn scan(text: &str, doc: &Value) -> Positions {
        let mut s = Scanner { text: text.as_bytes(), i: 0, line: 1, column: 1, at: HashMap::new() };
        s.skip_space();
        let start = s.here();
        s.at.insert(String::new(), start);
        s.value(String::new());
        let mut ids = HashMap::new();
        collect_ids(doc, "", &mut ids);
        Positions { at: s.at, ids, cells: HashMap::new() }
    }

    /// Records the table cells values of the document came from, by path.
    pub(crate) fn add_cells(&mut self, cells: impl IntoIterator<Item = (String, Cell)>) {
        self.cells.extend(cells);
    }

    /// Places each problem in the file: its line and column, and its path labelled with ids.
    pub(crate) fn place(&self, problems: &mut [Problem]) {
        for p in problems.iter_mut().filter(|p| p.place.is_none()) {
            let path = if p.path == TOP { "" } else { &p.path };
            if let Some(cell) = self.cell(path) {
                p.place = Some(Place::table(cell.clone()));
            } else if let Some(position) = self.find(path) {
                p.place = Some(Place { position, label: self.label(path), cell: None });
            }
        }
    }

    /// `path` with the id of each list element it passes through, e.g.
    /// `demand[10] (shop/sku07).distribution.mean`.
    fn label(&self, path: &str) -> String {
        if path.is_empty() {
            return TOP.to_string();
        }
        let mut out = String::with_capacity(path.len());
        for (i, c) in path.char_indices() {
            out.push(c);
            if let (']', Some(id)) = (c, self.ids.get(&path[..=i])) {
                out.push_str(&format!(" ({id})"));
            }
        }
        out
    }

    /// The table cell the value at `path` (or the nearest enclosing value) came from, if it came
    /// from a table.
    fn cell(&self, path: &str) -> Option<&Cell> {
        if self.cells.is_empty() {
            return None;
        }
        let mut p = path;
        loop {
            if let Some(cell) = self.cells.get(p) {
                return Some(cell);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// The position of the value at `path` or, when the path names something the file does not
    /// hold (a missing field), of its nearest enclosing value.
    pub(crate) fn find(&self, path: &str) -> Option<Position> {
        let mut p = path;
        loop {
            if let Some(pos) = self.at.get(p) {
                return Some(*pos);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }
}

/// A recursive-descent walk over valid JSON, depth bounded by serde_json's own limit (128).
struct Scanner<'t> {
    text: &'t [u8],
    i: usize,
    line: usize,
    column: usize,
    at: HashMap<String, Position>,
}

impl Scanner<'_> {
    fn here(&self) -> Position {
        Position { line: self.line, column: self.column }
    }

    fn bump(&mut self) -> Option<u8> {
        let b = *self.text.get(self.i)?;
        self.i += 1;
        if b == b'\n' {
            self.line += 1;
            self.column = 1;
        } else if b & 0xC0 != 0x80 {
            // Count characters, not the continuation bytes of UTF-8.
            self.column += 1;
        }
        Some(b)
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.i).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.bump();
        }
    }

    /// Scans the value starting here (already recorded by the caller).
    fn value(&mut self, path: String) {
        match self.peek() {
            Some(b'{') => self.object(&path),
            Some(b'[') => self.array(&path),
            Some(b'"') => drop(self.string()),
            _ => {
                while self
                    .peek()
                    .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
                {
                    self.bump();
                }
            }
        }
    }

    fn object(&mut self, path: &str) {
        self.bump();
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                self.bump();
                return;
            }
            let key_at = self.here();
            let key = self.string();
            let child = if path.is_empty() { key } else { format!("{path}.{key}") };
            self.skip_space();
            self.bump(); // ':'
            self.skip_space();
            self.at.insert(child.clone(), key_at);
            self.value(child);
            self.skip_space();
            if self.bump() != Some(b',') {
                return;
            }
        }
    }

    fn array(&mut self, path: &str) {
        self.bump();
        for i in 0.. {
            self.skip_space();
            if matches!(self.peek(), Some(b']') | None) {
                self.bump();
                return;
            }
            let child = format!("{path}[{i}]");
            self.at.insert(child.clone(), self.here());
            self.value(child);
            self.skip_space();
            if self.bump() != Some(b',') {
                return;
            }
        }
    }

    /// Scans a string and returns its (unescaped) content.
    fn string(&mut self) -> String {
        let start = self.i;
        self.bump();
        while let Some(b) = self.bump() {
            match b {
                b'\\' => drop(self.bump()),
                b'"' => break,
                _ => {}
            }
        }
        let raw = std::str::from_utf8(&self.text[start..self.i]).unwrap_or_default();
        serde_json::from_str(raw).unwrap_or_default()
    }
}

/// The id of an element of a list, as a planner would name it: its `id`, its `name`, or its
/// `location`/`item` (demand streams, starting stock, overrides).
pub(crate) fn element_id(element: &Value) -> Option<String> {
    let text = |k: &str| element.get(k).and_then(Value::as_str);
    if let Some(id) = text("id").or_else(|| text("name")) {
        return Some(id.to_string());
    }
    let parts: Vec<&str> = ["location", "item"].into_iter().filter_map(text).collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Records the id of every element of every list of `v` (at `path`) in `labels`.
fn collect_ids(v: &Value, path: &str, labels: &mut HashMap<String, String>) {
    match v {
        Value::Array(list) => {
            for (i, x) in list.iter().enumerate() {
                let child = format!("{path}[{i}]");
                if let Some(id) = element_id(x) {
                    labels.insert(child.clone(), id);
                }
                collect_ids(x, &child, labels);
            }
        }
        Value::Object(map) => {
            for (k, x) in map {
                let child = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                collect_ids(x, &child, labels);
            }
        }
        _ => {}
    }
}
