//! Where a sweep or search path (see [`crate::experiment::sweep`]) points in the scenario file
//! as the user wrote it: why a path names nothing, with the nearest paths that do name
//! something, and the line and column of a field in the user's own file (never a position in
//! a rewritten document).

use serde_json::Value;

use crate::scenario::structure::edit_distance;

/// One concrete step through a document: a field of an object or an element of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A field of an object.
    Field(String),
    /// An element of a list, by position.
    Index(usize),
}

/// A path that names nothing in a scenario, located in the user's file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {what}, at {file}:{line}:{column}{}", nearest_text(.nearest))]
pub struct Unmatched {
    /// The path as given.
    pub path: String,
    /// Which step fails and why.
    pub what: String,
    /// The scenario file, as given.
    pub file: String,
    /// Line (from 1) of the object or list where the path stops matching.
    pub line: usize,
    /// Column (from 1) of the same.
    pub column: usize,
    /// The nearest paths that name something (at most 3, nearest first).
    pub nearest: Vec<String>,
}

fn nearest_text(nearest: &[String]) -> String {
    if nearest.is_empty() { String::new() } else { format!("; nearest valid paths: {}", nearest.join(", ")) }
}

/// Where a path stops matching: the step's index, the node it was applied to, why.
struct Failure {
    step: usize,
    trail: Vec<Key>,
    what: String,
    candidates: Vec<String>,
}

/// Why `path` names nothing in the scenario text `text` (read from `file`), or `None` when
/// it names something. A missing last field is not a failure (a field left to its default
/// can be swept).
pub fn unmatched(text: &str, file: &str, path: &str) -> Option<Unmatched> {
    let doc: Value = serde_json::from_str(text).ok()?;
    let steps: Vec<&str> = path.split('.').collect();
    let failure = walk(&doc, &steps, 0, Vec::new())?;
    let (line, column) = position(text, &failure.trail).unwrap_or((1, 1));
    let mut ranked = failure.candidates.clone();
    ranked.sort_by_key(|c| (distance(steps[failure.step], c), c.clone()));
    let with = |c: &str| -> Vec<String> {
        let mut s: Vec<String> = steps.iter().map(|s| s.to_string()).collect();
        s[failure.step] = c.to_string();
        s
    };
    let resolves = |s: &Vec<String>| {
        let steps: Vec<&str> = s.iter().map(String::as_str).collect();
        walk(&doc, &steps, 0, Vec::new()).is_none()
    };
    let mut nearest: Vec<String> =
        ranked.iter().map(|c| with(c)).filter(resolves).map(|s| s.join(".")).collect();
    if nearest.is_empty() {
        nearest = ranked.iter().map(|c| with(c)[..=failure.step].join(".")).collect();
    }
    nearest.truncate(3);
    Some(Unmatched {
        path: path.to_string(),
        what: failure.what,
        file: file.to_string(),
        line,
        column,
        nearest,
    })
}

/// The first failure of `steps[i..]` below `node` (reached by `trail`), if any.
fn walk(node: &Value, steps: &[&str], i: usize, trail: Vec<Key>) -> Option<Failure> {
    let &step = steps.get(i)?;
    let fail = |what: String, candidates: Vec<String>| {
        Some(Failure { step: i, trail: trail.clone(), what, candidates })
    };
    match node {
        Value::Object(map) => match map.get(step) {
            Some(child) => walk(child, steps, i + 1, extend(&trail, Key::Field(step.to_string()))),
            None if i + 1 == steps.len() => None,
            None => fail(format!("no field {step:?} here"), map.keys().cloned().collect()),
        },
        Value::Array(items) => {
            let matches: Vec<usize> = (0..items.len()).filter(|&k| selects(step, k, &items[k])).collect();
            if matches.is_empty() {
                let labels = items.iter().enumerate().map(|(k, item)| label(k, item)).collect();
                return fail(format!("no element {step:?} in this list"), labels);
            }
            matches.into_iter().find_map(|k| walk(&items[k], steps, i + 1, extend(&trail, Key::Index(k))))
        }
        _ => fail(format!("{step:?} goes below a value that is not an object or a list"), Vec::new()),
    }
}

fn extend(trail: &[Key], key: Key) -> Vec<Key> {
    let mut t = trail.to_vec();
    t.push(key);
    t
}

/// Whether the path step `step` selects element `k` of a list: `*`, its position, its
/// `name` or its `id`.
fn selects(step: &str, k: usize, item: &Value) -> bool {
    step == "*"
        || step.parse::<usize>() == Ok(k)
        || ["name", "id"].iter().any(|f| item.get(f).and_then(Value::as_str) == Some(step))
}

/// How a path names element `k` of a list: its name or id, else its position.
fn label(k: usize, item: &Value) -> String {
    ["name", "id"]
        .iter()
        .find_map(|f| item.get(f).and_then(Value::as_str))
        .map_or(k.to_string(), str::to_string)
}

/// The line and column (from 1) in `text` of the deepest field `path` reaches along its first
/// match (the parent object when the last field is missing).
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let doc: Value = serde_json::from_str(text).ok()?;
    let mut node = &doc;
    let mut trail = Vec::new();
    for step in path.split('.') {
        let next = match node {
            Value::Object(map) => map.get(step).map(|c| (c, Key::Field(step.to_string()))),
            Value::Array(items) => {
                (0..items.len()).find(|&k| selects(step, k, &items[k])).map(|k| (&items[k], Key::Index(k)))
            }
            _ => None,
        };
        let Some((child, key)) = next else { break };
        node = child;
        trail.push(key);
    }
    position(text, &trail)
}

/// The line and column (from 1) where the value at `trail` starts in the JSON `text`.
pub fn position(text: &str, trail: &[Key]) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let mut at = skip_ws(b, 0);
    for key in trail {
        at = child(b, at, key)?;
    }
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    Some((before.matches('\n').count() + 1, before[line_start..].chars().count() + 1))
}

/// The start of the value `key` selects in the object or list starting at `at`.
fn child(b: &[u8], at: usize, key: &Key) -> Option<usize> {
    let mut i = skip_ws(b, at + 1);
    let mut k = 0;
    loop {
        if matches!(b.get(i)?, b'}' | b']') {
            return None;
        }
        let found = match (b[at], key) {
            (b'{', Key::Field(name)) => {
                let end = string_end(b, i)?;
                let field: String = serde_json::from_slice(&b[i..end]).ok()?;
                i = skip_ws(b, skip_ws(b, end) + 1);
                &field == name
            }
            (b'[', Key::Index(n)) => k == *n,
            _ => return None,
        };
        if found {
            return Some(i);
        }
        i = skip_ws(b, value_end(b, i)?);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
        k += 1;
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// One past the closing quote of the string starting at `i`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match b.get(j)? {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
}

/// One past the end of the value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let (mut depth, mut j) = (0usize, i);
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let end = b[i..].iter().position(|c| matches!(c, b',' | b'}' | b']') || c.is_ascii_whitespace());
            Some(i + end.unwrap_or(b.len() - i))
        }
    }
}

/// Edit distance between two names, ignoring case.
fn distance(a: &str, b: &str) -> usize {
    edit_distance(&a.to_lowercase(), &b.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "{\n  \"policies\": [\n    {\"name\": \"lean\", \"inventory\": {\"S\": 1}},\n    {\"name\": \"safety\",\n     \"inventory\": {\"type\": \"x\", \"S\": [1, {\"a\": \"}\"}], \"s\": 2}}\n  ]\n}\n";

    #[test]
    fn positions_are_in_the_text_as_written() {
        let f = |s: &str| Key::Field(s.into());
        assert_eq!(position(TEXT, &[]), Some((1, 1)));
        assert_eq!(position(TEXT, &[f("policies")]), Some((2, 15)));
        assert_eq!(position(TEXT, &[f("policies"), Key::Index(1)]), Some((4, 5)));
        assert_eq!(position(TEXT, &[f("policies"), Key::Index(1), f("inventory"), f("s")]), Some((5, 60)));
        assert_eq!(position(TEXT, &[f("policies"), Key::Index(2)]), None);
        assert_eq!(locate(TEXT, "policies.safety.inventory.s"), Some((5, 60)));
        assert_eq!(
            locate(TEXT, "policies.lean.inventory.review_period"),
            Some((3, 35)),
            "the parent of a missing field"
        );
    }

    #[test]
    fn unmatched_paths_name_the_step_the_place_and_the_nearest_paths() {
        assert_eq!(unmatched(TEXT, "f.json", "policies.safety.inventory.s"), None);
        assert_eq!(unmatched(TEXT, "f.json", "policies.lean.inventory.review_period"), None);
        let u = unmatched(TEXT, "f.json", "policies.safty.inventory.s").unwrap();
        assert_eq!((u.line, u.column), (2, 15));
        let safety = "policies.safety.inventory.s".to_string();
        assert_eq!(u.nearest, vec![safety, "policies.lean.inventory.s".to_string()], "nearest first");
        assert!(u.to_string().contains("no element \"safty\""), "{u}");
        let u = unmatched(TEXT, "f.json", "policies.lean.inventry.S").unwrap();
        assert_eq!(u.nearest[0], "policies.lean.inventory.S");
        assert_eq!((u.line, u.column), (3, 5));
        assert_eq!(distance("kitten", "Sitting"), 3);
    }
}
