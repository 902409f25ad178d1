//! The structural pass: a scenario document checked against the JSON Schema of the scenario
//! types (the one `scsim schema` prints), reporting every unknown field (with the nearest known
//! name), missing field, wrong type and unknown `type` of a tagged variant at its exact path.
//! It is driven by the schema alone, so a new field of the serde types needs no change here.
//!
//! It also repairs what it can in the document (drops unknown fields, renames a misspelt
//! required one) so that the semantic pass can still run and report its own problems; the
//! repaired document is never simulated.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::Scenario;
use super::error::{Problem, TOP};

/// The scenario's JSON Schema, generated once.
fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| schemars::schema_for!(Scenario).to_value())
}

/// Every structural problem of `doc`; repairs `doc` as described in the module doc.
pub(crate) fn check(doc: &mut Value) -> Vec<Problem> {
    let root = schema();
    let mut walker = Walker { defs: root.get("$defs").and_then(Value::as_object), problems: Vec::new() };
    walker.walk(root, doc, "");
    walker.problems
}

struct Walker<'s> {
    defs: Option<&'s Map<String, Value>>,
    problems: Vec<Problem>,
}

/// `path` extended by a field name.
fn field(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

impl<'s> Walker<'s> {
    fn problem(&mut self, path: &str, message: String) {
        let path = if path.is_empty() { TOP } else { path };
        self.problems.push(Problem::new(path, message));
    }

    /// The schema `schema` refers to, following `$ref`s.
    fn resolve(&self, mut schema: &'s Value) -> &'s Value {
        while let Some(name) = schema.get("$ref").and_then(Value::as_str) {
            match name.strip_prefix("#/$defs/").and_then(|n| self.defs?.get(n)) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    fn walk(&mut self, schema: &'s Value, v: &mut Value, path: &str) {
        let schema = self.resolve(schema);
        if let Some(variants) = schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Value::as_array)
        {
            return self.variants(variants, v, path);
        }
        if let Some(expected) = schema.get("type")
            && !type_matches(expected, schema.get("format"), v)
        {
            let message = format!("is {}; expected {}", describe(v), expected_words(expected, schema));
            return self.problem(path, message);
        }
        if let Some(c) = schema.get("const")
            && c != v
        {
            return self.problem(path, format!("is {}; must be {c}", describe(v)));
        }
        match v {
            Value::Object(map) => self.object(schema, map, path),
            Value::Array(list) => {
                if let Some(items) = schema.get("items") {
                    for (i, x) in list.iter_mut().enumerate() {
                        self.walk(items, x, &format!("{path}[{i}]"));
                    }
                }
            }
            _ => {}
        }
    }

    /// A value that must match one of several schemas: an optional value (`null` or the
    /// schema), a tagged variant (`{"type": …}`), or one of a list of words.
    fn variants(&mut self, variants: &'s [Value], v: &mut Value, path: &str) {
        let tag = |s: &Value| s.pointer("/properties/type/const").and_then(Value::as_str).map(str::to_string);
        let schemas: Vec<&'s Value> = variants.iter().map(|s| self.resolve(s)).collect();
        let non_null: Vec<&'s Value> = schemas
            .iter()
            .copied()
            .filter(|s| s.get("type").and_then(Value::as_str) != Some("null"))
            .collect();
        if v.is_null() && non_null.len() < schemas.len() {
            return;
        }
        if let [only] = non_null.as_slice() {
            return self.walk(only, v, path);
        }
        let tags: Option<Vec<String>> = non_null.iter().map(|s| tag(s)).collect();
        let words: Option<Vec<String>> =
            non_null.iter().map(|s| s.get("const").and_then(Value::as_str).map(str::to_string)).collect();
        match (tags, words) {
            (Some(tags), _) => self.tagged(&non_null, &tags, v, path),
            (None, Some(words)) => self.word(&words, v, path),
            (None, None) => self.walk(non_null[0], v, path),
        }
    }

    fn tagged(&mut self, schemas: &[&'s Value], tags: &[String], v: &mut Value, path: &str) {
        let allowed = tags.join(", ");
        let Some(map) = v.as_object() else {
            let example = format!(r#"{{"type": "{}", …}}"#, tags[0]);
            return self.problem(
                path,
                format!(
                    "is {}; expected an object with a \"type\" field, for example {example}",
                    describe(v)
                ),
            );
        };
        let Some(found) = map.get("type") else {
            return self.problem(path, format!("missing field `type`; allowed types: {allowed}"));
        };
        let Some(name) = found.as_str() else {
            return self
                .problem(&field(path, "type"), format!("is {}; expected one of {allowed}", describe(found)));
        };
        match tags.iter().position(|t| t == name) {
            Some(k) => self.walk(schemas[k], v, path),
            None => {
                let hint = suggestion(name, tags.iter().map(String::as_str)).unwrap_or_default();
                self.problem(
                    &field(path, "type"),
                    format!("unknown type \"{name}\"{hint}; allowed types: {allowed}"),
                );
            }
        }
    }

    fn word(&mut self, words: &[String], v: &Value, path: &str) {
        let allowed = words.join(", ");
        match v.as_str() {
            Some(w) if words.iter().any(|x| x == w) => {}
            Some(w) => {
                let hint = suggestion(w, words.iter().map(String::as_str)).unwrap_or_default();
                self.problem(path, format!("unknown value \"{w}\"{hint}; allowed: {allowed}"));
            }
            None => self.problem(path, format!("is {}; expected one of {allowed}", describe(v))),
        }
    }

    fn object(&mut self, schema: &'s Value, map: &mut Map<String, Value>, path: &str) {
        static EMPTY: OnceLock<Map<String, Value>> = OnceLock::new();
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new));
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map_or(Vec::new(), |r| r.iter().filter_map(Value::as_str).collect());
        if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
            self.unknown_fields(properties, &required, map, path);
        }
        for name in &required {
            if !map.contains_key(*name) {
                self.problem(path, format!("missing field `{name}`"));
            }
        }
        for (key, sub) in properties {
            if let Some(x) = map.get_mut(key) {
                self.walk(sub, x, &field(path, key));
            }
        }
    }

    /// Reports the fields `properties` does not name, with the nearest known name, and removes
    /// them (a misspelt required field is renamed instead, so the checks after it can run).
    fn unknown_fields(
        &mut self,
        properties: &Map<String, Value>,
        required: &[&str],
        map: &mut Map<String, Value>,
        path: &str,
    ) {
        let unknown: Vec<String> = map.keys().filter(|k| !properties.contains_key(*k)).cloned().collect();
        for key in unknown {
            let near = nearest(&key, properties.keys().map(String::as_str));
            let message = match near {
                Some(n) => format!("unknown field `{key}`; did you mean `{n}`?"),
                None => format!("unknown field `{key}`; known fields: {}", join_keys(properties)),
            };
            self.problem(&field(path, &key), message);
            let value = map.remove(&key).expect("listed above");
            if let Some(n) = near.filter(|n| required.contains(n) && !map.contains_key(*n)) {
                map.insert(n.to_string(), value);
            }
        }
    }
}

fn join_keys(properties: &Map<String, Value>) -> String {
    properties.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
}

/// Whether `v` has the JSON type `expected` (a name or a list of names) and fits `format`.
fn type_matches(expected: &Value, format: Option<&Value>, v: &Value) -> bool {
    let one = |t: &str| match t {
        "integer" => match format.and_then(Value::as_str) {
            Some("uint64") => v.is_u64(),
            Some("int64") => v.is_i64(),
            _ => v.is_i64() || v.is_u64(),
        },
        "number" => v.is_number(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        "null" => v.is_null(),
        _ => true,
    };
    match expected {
        Value::String(t) => one(t),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(one),
        _ => true,
    }
}

/// What a schema's `type` asks for, in a planner's words.
fn expected_words(expected: &Value, schema: &Value) -> String {
    let one = |t: &str| match (t, schema.get("format").and_then(Value::as_str)) {
        ("integer", Some("uint64")) => "a whole number ≥ 0".to_string(),
        ("integer", _) => "a whole number".to_string(),
        ("number", _) => "a number".to_string(),
        ("string", _) => "text (in quotes)".to_string(),
        ("boolean", _) => "true or false".to_string(),
        ("object", _) => match schema.get("properties").and_then(Value::as_object) {
            Some(p) => format!("an object with named fields ({}), not a list", join_keys(p)),
            None => "an object".to_string(),
        },
        ("array", _) => "a list".to_string(),
        (other, _) => other.to_string(),
    };
    match expected {
        Value::String(t) => one(t),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .map(one)
            .collect::<Vec<_>>()
            .join(" or "),
        other => other.to_string(),
    }
}

/// A value described for an error message: its kind and, when short, the value.
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) if n.is_f64() => format!("a decimal number ({n})"),
        Value::Number(n) if n.is_i64() => format!("the number {n}"),
        Value::Number(n) => format!("the number {n}, too large"),
        Value::String(s) if s.chars().count() <= 40 => format!("text ({s:?})"),
        Value::String(_) => "text".to_string(),
        Value::Array(_) => "a list".to_string(),
        Value::Object(_) => "an object".to_string(),
    }
}

/// `; did you mean "x"?` when a known word is close to `word`.
fn suggestion<'a>(word: &str, known: impl Iterator<Item = &'a str>) -> Option<String> {
    nearest(word, known).map(|n| format!("; did you mean \"{n}\"?"))
}

/// The known name closest to `word`, if it is close enough to be a likely misspelling.
pub(crate) fn nearest<'a>(word: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    known
        .map(|k| (edit_distance(&lower, &k.to_lowercase()), k))
        .filter(|&(d, k)| d <= (k.chars().count() / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Levenshtein distance between two strings, in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspellings_find_the_nearest_name() {
        let known = ["lead_time", "order_cost", "capacity_per_day"];
        assert_eq!(nearest("lead_tme", known.into_iter()), Some("lead_time"));
        assert_eq!(nearest("ordr_cost", known.into_iter()), Some("order_cost"));
        assert_eq!(nearest("colour", known.into_iter()), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
