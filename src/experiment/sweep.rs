//! Parameter sweeps: addressing fields of a scenario document, value lists and ranges, and the
//! grid of points to run.
//!
//! A path is a dot-separated list of steps through the scenario JSON. A step into an object is
//! a field name; a step into a list selects elements by their `name` or `id` field, by position
//! (`0`, `1`, …) or all of them (`*`). So `policies.safety.inventory.S` is the `S` of the
//! policy named `safety`, and `demand.*.distribution.mean` the mean of every demand stream.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Why a `--set PATH=VALUES` argument does not parse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SetError {
    /// No `=` between the path and the values.
    #[error("{arg:?}: expected PATH=VALUES")]
    NoEquals {
        /// The argument.
        arg: String,
    },
    /// The path before `=` is empty.
    #[error("{arg:?}: the path is empty")]
    EmptyPath {
        /// The argument.
        arg: String,
    },
    /// The range of values is not valid.
    #[error("{arg:?}: {reason}")]
    Range {
        /// The argument.
        arg: String,
        /// What is wrong with the range.
        reason: RangeError,
    },
    /// The list of values is empty.
    #[error("{arg:?}: no values")]
    NoValues {
        /// The argument.
        arg: String,
    },
}

/// Why a range `FROM..TO:STEP` is not valid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RangeError {
    /// A bound or the step is not a number.
    #[error("{0:?} is not a number")]
    NotANumber(String),
    /// FROM > TO, or the step is not positive.
    #[error("a range needs FROM ≤ TO and a positive STEP, got {from}..{to}:{step}")]
    Backwards {
        /// First value, as given.
        from: String,
        /// Last value, as given.
        to: String,
        /// Step, as given.
        step: String,
    },
    /// The range has more than 100,000 values.
    #[error("the range has {0} values; at most 100,000")]
    TooLong(usize),
}

/// Why a path does not address a field of a scenario document.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PathError {
    /// The path addresses no field.
    #[error("{path}: matches nothing in the scenario")]
    NoMatch {
        /// The path.
        path: String,
    },
    /// An object has no field of the step's name (and the path goes below it).
    #[error("{path}: no field {step:?} here (fields: {fields})")]
    NoField {
        /// The path.
        path: String,
        /// The step not found.
        step: String,
        /// The object's fields, comma-separated.
        fields: String,
    },
    /// No element of a list matches the step.
    #[error("{path}: no element {step:?} in this list")]
    NoElement {
        /// The path.
        path: String,
        /// The step that matched nothing.
        step: String,
    },
    /// The step goes below a scalar.
    #[error("{path}: {step:?} goes below a value that is not an object or a list")]
    BelowScalar {
        /// The path.
        path: String,
        /// The step below the scalar.
        step: String,
    },
}

/// A swept parameter: a path and the values it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    /// Dot-separated path into the scenario.
    pub path: String,
    /// Values, in sweep order.
    pub values: Vec<Value>,
}

/// Parses `PATH=VALUES`: a comma-separated list (`2,4,8`, `additive,multiplicative`) or an
/// inclusive range `FROM..TO:STEP` (`80..140:10`; the step defaults to 1).
pub fn parse_set(arg: &str) -> Result<Parameter, SetError> {
    let (path, values) = arg.split_once('=').ok_or_else(|| SetError::NoEquals { arg: arg.to_string() })?;
    if path.is_empty() {
        return Err(SetError::EmptyPath { arg: arg.to_string() });
    }
    let values = if let Some((from, rest)) = values.split_once("..") {
        let (to, step) = rest.split_once(':').unwrap_or((rest, "1"));
        range(from, to, step).map_err(|reason| SetError::Range { arg: arg.to_string(), reason })?
    } else {
        values.split(',').map(|v| scalar(v.trim())).collect()
    };
    if values.is_empty() {
        return Err(SetError::NoValues { arg: arg.to_string() });
    }
    Ok(Parameter { path: path.to_string(), values })
}

/// A JSON scalar from text: a number when it reads as one, else a string.
fn scalar(text: &str) -> Value {
    if let Ok(i) = text.parse::<i64>() {
        return Value::from(i);
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Value::from(x),
        _ => Value::from(text),
    }
}

/// The values `from, from + step, …` up to `to` inclusive.
pub fn range(from: &str, to: &str, step: &str) -> Result<Vec<Value>, RangeError> {
    let parse = |t: &str| t.trim().parse::<f64>().map_err(|_| RangeError::NotANumber(t.to_string()));
    let (a, b, s) = (parse(from)?, parse(to)?, parse(step)?);
    if s.is_nan() || s <= 0.0 || b < a {
        let (from, to, step) = (from.to_string(), to.to_string(), step.to_string());
        return Err(RangeError::Backwards { from, to, step });
    }
    let n = ((b - a) / s + 1e-9).floor() as usize + 1;
    if n > 100_000 {
        return Err(RangeError::TooLong(n));
    }
    let integral = [from, to, step].iter().all(|t| t.trim().parse::<i64>().is_ok());
    Ok((0..n)
        .map(|k| {
            let v = a + k as f64 * s;
            if integral { Value::from(v.round() as i64) } else { Value::from(v) }
        })
        .collect())
}

/// Sets every field `path` addresses in `doc` to `value`; returns how many were set.
pub fn apply(doc: &mut Value, path: &str, value: &Value) -> Result<usize, PathError> {
    let steps: Vec<&str> = path.split('.').collect();
    let n = set(doc, &steps, value, path)?;
    if n == 0 { Err(PathError::NoMatch { path: path.to_string() }) } else { Ok(n) }
}

fn set(node: &mut Value, steps: &[&str], value: &Value, path: &str) -> Result<usize, PathError> {
    let Some((&step, rest)) = steps.split_first() else {
        *node = value.clone();
        return Ok(1);
    };
    match node {
        Value::Object(map) => match map.get_mut(step) {
            Some(child) => set(child, rest, value, path),
            None if rest.is_empty() => {
                // A field left to its default can be swept too.
                map.insert(step.to_string(), value.clone());
                Ok(1)
            }
            None => {
                Err(PathError::NoField { path: path.to_string(), step: step.to_string(), fields: keys(map) })
            }
        },
        Value::Array(items) => {
            let index = step.parse::<usize>().ok();
            let mut n = 0;
            for (i, item) in items.iter_mut().enumerate() {
                let named = ["name", "id"].iter().any(|k| item.get(k).and_then(Value::as_str) == Some(step));
                if step == "*" || named || index == Some(i) {
                    n += set(item, rest, value, path)?;
                }
            }
            if n == 0 {
                Err(PathError::NoElement { path: path.to_string(), step: step.to_string() })
            } else {
                Ok(n)
            }
        }
        _ => Err(PathError::BelowScalar { path: path.to_string(), step: step.to_string() }),
    }
}

fn keys(map: &serde_json::Map<String, Value>) -> String {
    map.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
}

/// Points a sweep may have without `--force`.
pub const DEFAULT_POINT_LIMIT: u128 = 10_000;

/// Points a sweep may have at most, even with `--force`.
pub const MAX_POINTS: u128 = 1_000_000;

/// The number of points of the grid of `parameters` (exact, even for a product beyond
/// `usize`).
pub fn grid_size(parameters: &[Parameter]) -> u128 {
    parameters.iter().fold(1u128, |n, p| n.saturating_mul(p.values.len() as u128))
}

/// The points of a sweep: every combination of the parameters' values, the first parameter
/// varying slowest. Point `k` is computed from its index, so no list of points is held.
#[derive(Debug, Clone, Copy)]
pub struct Grid<'a> {
    parameters: &'a [Parameter],
    len: usize,
}

impl<'a> Grid<'a> {
    /// The grid of `parameters` (its size must have been checked against [`MAX_POINTS`]).
    pub fn new(parameters: &'a [Parameter]) -> Grid<'a> {
        Grid { parameters, len: usize::try_from(grid_size(parameters)).unwrap_or(usize::MAX) }
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the grid has no point (a parameter without values).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The values of point `k` (`k < len`), one per parameter.
    pub fn point(&self, k: usize) -> Vec<Value> {
        let mut rest = k;
        let mut values = vec![Value::Null; self.parameters.len()];
        for (slot, p) in values.iter_mut().zip(self.parameters).rev() {
            *slot = p.values[rest % p.values.len()].clone();
            rest /= p.values.len();
        }
        values
    }
}

/// A scenario document with one point's values substituted.
pub fn substitute(doc: &Value, parameters: &[Parameter], point: &[Value]) -> Result<Value, PathError> {
    let mut out = doc.clone();
    for (p, v) in parameters.iter().zip(point) {
        apply(&mut out, &p.path, v)?;
    }
    Ok(out)
}

/// The `k`-th of `n` equal shares of `0..len` (contiguous, in order).
pub fn share(len: usize, k: usize, n: usize) -> std::ops::Range<usize> {
    len * k / n..len * (k + 1) / n
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_lists_and_ranges() {
        assert_eq!(parse_set("a.b=2,4,8").unwrap().values, vec![json!(2), json!(4), json!(8)]);
        assert_eq!(parse_set("a=80..100:10").unwrap().values, vec![json!(80), json!(90), json!(100)]);
        assert_eq!(parse_set("a=0.5..1:0.25").unwrap().values, vec![json!(0.5), json!(0.75), json!(1.0)]);
        assert_eq!(parse_set("a=3..5").unwrap().values, vec![json!(3), json!(4), json!(5)]);
        assert_eq!(
            parse_set("x=additive,multiplicative").unwrap().values,
            vec![json!("additive"), json!("multiplicative")]
        );
        assert!(parse_set("nothing").is_err());
        assert!(parse_set("a=5..1:1").is_err());
        assert!(parse_set("a=1..5:0").is_err());
    }

    #[test]
    fn paths_select_by_name_index_and_wildcard() {
        let mut doc = json!({
            "policies": [{"name": "lean", "inventory": {"S": 1}}, {"name": "safe", "inventory": {"S": 2}}],
            "demand": [{"distribution": {"mean": 1}}, {"distribution": {"mean": 2}}],
            "lanes": [{"id": "main", "lead_time": {"type": "constant", "value": 4}}]
        });
        assert_eq!(apply(&mut doc, "policies.safe.inventory.S", &json!(9)).unwrap(), 1);
        assert_eq!(doc["policies"][1]["inventory"]["S"], 9);
        assert_eq!(apply(&mut doc, "demand.*.distribution.mean", &json!(5)).unwrap(), 2);
        assert_eq!(apply(&mut doc, "lanes.main.lead_time.value", &json!(6)).unwrap(), 1);
        assert_eq!(apply(&mut doc, "policies.0.inventory.review_period", &json!(7)).unwrap(), 1);
        assert_eq!(doc["policies"][0]["inventory"]["review_period"], 7, "a defaulted field can be set");
        assert!(
            apply(&mut doc, "policies.nope.inventory.S", &json!(1))
                .unwrap_err()
                .to_string()
                .contains("no element")
        );
        assert!(
            apply(&mut doc, "policies.lean.nope.S", &json!(1)).unwrap_err().to_string().contains("no field")
        );
    }

    #[test]
    fn grid_is_the_full_product_first_slowest() {
        let p = |path: &str, v: Vec<i64>| Parameter {
            path: path.into(),
            values: v.into_iter().map(Value::from).collect(),
        };
        let parameters = [p("a", vec![1, 2]), p("b", vec![10, 20, 30])];
        let g = Grid::new(&parameters);
        assert_eq!(g.len(), 6);
        assert_eq!(g.point(0), vec![json!(1), json!(10)]);
        assert_eq!(g.point(1), vec![json!(1), json!(20)]);
        assert_eq!(g.point(3), vec![json!(2), json!(10)]);
        assert_eq!(g.point(5), vec![json!(2), json!(30)]);
        assert_eq!(Grid::new(&[]).point(0), Vec::<Value>::new());
        let long = p("c", (0..100_000).collect());
        assert_eq!(grid_size(&[long.clone(), long.clone(), long]), 1_000_000_000_000_000);
    }

    #[test]
    fn shares_cover_everything_once() {
        for (len, n) in [(10, 3), (3, 5), (0, 2), (100, 7)] {
            let parts: Vec<usize> = (0..n).flat_map(|k| share(len, k, n)).collect();
            assert_eq!(parts, (0..len).collect::<Vec<_>>());
        }
    }
}
