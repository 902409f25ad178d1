//! Golden checks: compare a run's `summary.json` with a saved one, for CI.
//!
//! Every value is compared: integers (counts, replications, histogram counts) must be equal,
//! floats within a tolerance (0, the default, means bit for bit), strings equal. The scenario's
//! file path and the scsim version are not compared (a checkout may live anywhere, and the
//! results, not the version string, are what a golden pins).

use serde_json::Value;

/// Keys that are not compared.
const IGNORED: [&str; 2] = ["file", "scsim_version"];

/// One difference between the golden summary and the run's.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// Where, e.g. `policies[lean].total.fill_rate.mean`.
    pub path: String,
    /// The golden value.
    pub expected: String,
    /// The run's value.
    pub got: String,
}

/// The differences between `expected` and `got`; floats may differ by
/// `tolerance × max(1, |expected|)`.
pub fn compare(expected: &Value, got: &Value, tolerance: f64) -> Vec<Difference> {
    let mut out = Vec::new();
    walk(expected, got, tolerance, String::new(), &mut out);
    out
}

fn walk(e: &Value, g: &Value, tol: f64, path: String, out: &mut Vec<Difference>) {
    let mut differ = |e: &Value, g: &Value| {
        out.push(Difference { path: path.clone(), expected: short(e), got: short(g) });
    };
    match (e, g) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                if IGNORED.contains(&k.as_str()) {
                    continue;
                }
                let child = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                match b.get(k) {
                    Some(w) => walk(v, w, tol, child, out),
                    None => out.push(Difference { path: child, expected: short(v), got: "(missing)".into() }),
                }
            }
            for (k, w) in b {
                if !a.contains_key(k) && !IGNORED.contains(&k.as_str()) {
                    let child = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                    out.push(Difference { path: child, expected: "(missing)".into(), got: short(w) });
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                differ(
                    &Value::from(format!("{} elements", a.len())),
                    &Value::from(format!("{} elements", b.len())),
                );
                return;
            }
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                // Name list elements by their name when they have one.
                let tag = v.get("name").and_then(Value::as_str).map_or(i.to_string(), str::to_string);
                walk(v, w, tol, format!("{path}[{tag}]"), out);
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let same = match (
                a.as_i64().or(a.as_u64().map(|u| u as i64)),
                b.as_i64().or(b.as_u64().map(|u| u as i64)),
            ) {
                (Some(x), Some(y)) if !a.is_f64() && !b.is_f64() => x == y,
                _ => {
                    let (x, y) = (a.as_f64().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN));
                    x == y || (x - y).abs() <= tol * x.abs().max(1.0)
                }
            };
            if !same {
                differ(e, g);
            }
        }
        _ if e == g => {}
        _ => differ(e, g),
    }
}

fn short(v: &Value) -> String {
    match v {
        Value::Object(_) => "{…}".into(),
        Value::Array(a) => format!("[{} elements]", a.len()),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_exact_floats_within_tolerance() {
        let e = json!({"scsim_version": "0.1.0", "run": {"replications": 20},
            "policies": [{"name": "lean", "total": {"fill_rate": {"mean": 0.9, "n": 20}}}]});
        let mut g = e.clone();
        assert!(compare(&e, &g, 0.0).is_empty());
        g["scsim_version"] = json!("9.9.9");
        assert!(compare(&e, &g, 0.0).is_empty(), "the version is not compared");
        g["policies"][0]["total"]["fill_rate"]["mean"] = json!(0.9 + 1e-12);
        let d = compare(&e, &g, 0.0);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "policies[lean].total.fill_rate.mean");
        assert!(compare(&e, &g, 1e-9).is_empty());
        g["policies"][0]["total"]["fill_rate"]["n"] = json!(19);
        assert_eq!(compare(&e, &g, 1.0).len(), 1, "counts must match whatever the tolerance");
        g["run"]["replications"] = json!(21);
        g["extra"] = json!(1);
        assert_eq!(compare(&e, &g, 1.0).len(), 3);
    }
}
