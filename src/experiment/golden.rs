//! Golden checks: compare a run's `summary.json` with a saved one, for CI.
//!
//! Every value is compared: integers (counts, replications, histogram counts) must be equal,
//! floats within a tolerance (0, the default, means bit for bit), strings equal. The scenario's
//! file path and the scsim version are not compared (a checkout may live anywhere, and the
//! results, not the version string, are what a golden pins).

use serde_json::Value;

/// Keys that are not compared.
const IGNORED: [&str; 2] = ["file", "scsim_version"];

/// The headline metrics: their differences are listed first, in this order.
const HEADLINE: [&str; 8] = [
    "profit_per_day",
    "cost_total_per_day",
    "fill_rate",
    "cycle_service_level",
    "avg_backorders",
    "lost_units",
    "avg_on_hand",
    "wait_mean_days",
];

/// The run settings a golden check reports first: (label, pointer into summary.json).
const SETTINGS: [(&str, &str); 6] = [
    ("replications", "/run/replications"),
    ("seed", "/run/seed"),
    ("days", "/run/horizon_days"),
    ("warm-up", "/run/warmup_days"),
    ("scenario SHA-256", "/scenario/sha256"),
    ("scsim", "/scsim_version"),
];

/// One line saying which run settings differ between the golden summary and the run's
/// (`settings changed: replications 20 → 10, seed 42 → 7`), or that none does.
pub fn settings_line(expected: &Value, got: &Value) -> String {
    let show =
        |v: Option<&Value>| v.map_or("(missing)".to_string(), |v| short(v).trim_matches('"').to_string());
    let changed: Vec<String> = SETTINGS
        .iter()
        .filter_map(|(label, pointer)| {
            let (e, g) = (expected.pointer(pointer), got.pointer(pointer));
            (e != g).then(|| format!("{label} {} → {}", show(e), show(g)))
        })
        .collect();
    if changed.is_empty() {
        let same: Vec<String> = SETTINGS
            .iter()
            .map(|(label, pointer)| format!("{label} {}", show(got.pointer(pointer))))
            .collect();
        format!("settings unchanged ({})", same.join(", "))
    } else {
        format!("settings changed: {}", changed.join(", "))
    }
}

/// The differences with those of the headline metrics' policy totals first (their means in
/// the order of `HEADLINE`, then their other statistics), then the others in document order.
pub fn headline_first(mut differences: Vec<Difference>) -> Vec<Difference> {
    let rank = |d: &Difference| {
        let headline = HEADLINE
            .iter()
            .position(|k| d.path.contains(&format!(".total.{k}.")))
            .filter(|_| d.path.starts_with("policies["));
        match headline {
            Some(i) => (u8::from(!d.path.ends_with(".mean")), i),
            None => (2, 0),
        }
    };
    differences.sort_by_key(rank);
    differences
}

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

    #[test]
    fn the_settings_line_names_what_changed() {
        let e = json!({"scsim_version": "0.1.0", "scenario": {"sha256": "ab"},
            "run": {"replications": 20, "seed": 42, "horizon_days": 90, "warmup_days": 0}});
        assert!(settings_line(&e, &e).starts_with("settings unchanged (replications 20, seed 42"));
        let mut g = e.clone();
        g["run"]["replications"] = json!(10);
        g["scenario"]["sha256"] = json!("cd");
        assert_eq!(settings_line(&e, &g), "settings changed: replications 20 → 10, scenario SHA-256 ab → cd");
    }

    #[test]
    fn headline_metrics_come_first() {
        let d = |path: &str| Difference { path: path.into(), expected: "1".into(), got: "2".into() };
        let sorted = headline_first(vec![
            d("run.replications"),
            d("policies[a].total.avg_on_hand.mean"),
            d("policies[a].total.fill_rate.sd"),
            d("policies[a].total.orders.mean"),
            d("policies[a].total.fill_rate.mean"),
        ]);
        let paths: Vec<&str> = sorted.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "policies[a].total.fill_rate.mean",
                "policies[a].total.avg_on_hand.mean",
                "policies[a].total.fill_rate.sd",
                "run.replications",
                "policies[a].total.orders.mean"
            ]
        );
    }
}
