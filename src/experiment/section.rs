//! The scenario's own `sweep` section, checked like the rest of the scenario (every problem,
//! each at its path): each parameter gives a list of values or a range, and its path addresses
//! a field of the scenario.

use serde_json::Value;

use super::sweep::{self, Parameter};
use crate::scenario::SweepParameter;
use crate::scenario::error::Problem;

/// The parameters of a `sweep` section, checked against `doc` (the scenario document); or
/// every problem found.
pub fn section(sweep: &[SweepParameter], doc: &Value) -> Result<Vec<Parameter>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (i, p) in sweep.iter().enumerate() {
        let at = |field: &str| format!("sweep[{i}].{field}");
        let values = match (&p.values, p.from, p.to) {
            (Some(v), None, None) if v.is_empty() => {
                Err(Problem::new(at("values"), "needs at least one value"))
            }
            (Some(v), None, None) => Ok(v.clone()),
            (None, Some(from), Some(to)) => {
                let step = p.step.unwrap_or(1.0);
                sweep::range(&from.to_string(), &to.to_string(), &step.to_string())
                    .map_err(|e| Problem::new(at("from"), e.to_string()))
            }
            _ => Err(Problem::new(format!("sweep[{i}]"), "give either `values` or `from` and `to`")),
        };
        let values = match values {
            Ok(v) => v,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        match sweep::apply(&mut doc.clone(), &p.path, &values[0]) {
            Ok(_) => out.push(Parameter { path: p.path.clone(), values }),
            Err(e) => problems.push(Problem::new(at("path"), e.to_string())),
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}
