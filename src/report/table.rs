//! The table `scsim run` prints: policies × key metrics with 95 % half-widths, and the paired
//! differences to the baseline.

use super::Run;
use crate::experiment::stats::Moments as M;
use crate::experiment::stats::Moments;
use crate::metrics::{LANE_METRICS, METRICS, MetricDef, SEGMENT_METRICS, SUPPLIER_METRICS, metric_index};

/// Metrics shown in the console table.
pub const KEY_METRICS: [&str; 7] = [
    "fill_rate",
    "cycle_service_level",
    "ready_rate",
    "avg_backorders",
    "avg_on_hand",
    "lost_units",
    "cost_total_per_day",
];

/// `mean ± half-width`, as a percentage for shares, with the half-width to two significant
/// digits and the mean to the same decimals.
pub fn format_stat(m: &Moments, share: bool) -> String {
    format_with(m, share, false)
}

/// A paired difference: signed, and in percentage points for shares.
pub fn format_diff(m: &Moments, share: bool) -> String {
    format_with(m, share, true)
}

fn format_with(m: &Moments, share: bool, diff: bool) -> String {
    format_value(m.mean(), m.half_width(), share, diff)
}

/// Formats a mean and its half-width (NaN: undefined) as in the tables: shares as percentages
/// (percentage points for differences), the half-width to two significant digits.
pub fn format_value(mean: f64, half_width: f64, share: bool, diff: bool) -> String {
    let scale = if share { 100.0 } else { 1.0 };
    let unit = match (share, diff) {
        (true, false) => "%",
        (true, true) => " pp",
        _ => "",
    };
    let (mean, hw) = (mean * scale, half_width * scale);
    if !mean.is_finite() {
        return "n/a".into();
    }
    let digits = match hw {
        h if h.is_finite() && h > 0.0 => decimals(h),
        0.0 => 2,
        _ => decimals(mean.abs() / 10.0),
    };
    let sign = if diff && mean > 0.0 { "+" } else { "" };
    if hw.is_finite() {
        format!("{sign}{mean:.digits$}{unit} ± {hw:.digits$}")
    } else {
        format!("{sign}{mean:.digits$}{unit}")
    }
}

/// Decimals that show `x` to two significant digits (0 to 4).
fn decimals(x: f64) -> usize {
    if x <= 0.0 || !x.is_finite() {
        return 2;
    }
    (1 - x.log10().floor() as i64).clamp(0, 4) as usize
}

/// A column heading: the label with its unit.
pub fn heading(m: &MetricDef) -> String {
    let redundant = m.label.to_lowercase().contains(m.unit);
    if m.unit.is_empty() || m.share || redundant {
        m.label.to_string()
    } else {
        format!("{} ({})", m.label, m.unit)
    }
}

/// The console table.
pub fn render(run: &Run) -> String {
    let ids: Vec<usize> = KEY_METRICS.iter().map(|k| metric_index(k).expect("known metric")).collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header = vec!["policy".to_string()];
    header.extend(ids.iter().map(|&i| heading(&METRICS[i])));
    rows.push(header);
    for (policy, stats) in run.model.policies.iter().zip(&run.stats.policies) {
        let mut row = vec![policy.name.clone()];
        row.extend(ids.iter().map(|&i| format_stat(&stats.ordered.total[i], METRICS[i].share)));
        rows.push(row);
    }
    let mut out = layout(&rows);
    if run.model.policies.len() > 1 {
        let base = &run.model.policies[run.info.baseline].name;
        out.push_str(&format!(
            "\nPaired difference to {base} (same random demand and lead times; shares in percentage points):\n"
        ));
        let mut diff_rows = vec![rows[0].clone()];
        for (p, (policy, stats)) in run.model.policies.iter().zip(&run.stats.policies).enumerate() {
            if p == run.info.baseline {
                continue;
            }
            let mut row = vec![policy.name.clone()];
            row.extend(ids.iter().map(|&i| format_diff(&stats.ordered.diff[i], METRICS[i].share)));
            diff_rows.push(row);
        }
        out.push_str(&layout(&diff_rows));
    }
    if run.model.suppliers.len() > 1 {
        out.push_str("\nSuppliers:\n");
        out.push_str(&scope_table(run, "supplier", &SUPPLIER_METRICS, &|p| {
            let stats = &run.stats.policies[p].ordered.suppliers;
            run.model.suppliers.iter().zip(stats).map(|(s, m)| (s.id.clone(), m.clone())).collect()
        }));
    }
    if run.model.has_network {
        out.push_str("\nLanes:\n");
        out.push_str(&scope_table(run, "lane", &LANE_METRICS, &|p| {
            let stats = &run.stats.policies[p].ordered.lanes;
            run.model.lanes.iter().zip(stats).map(|(l, m)| (l.id.clone(), m.clone())).collect()
        }));
    }
    let segments = run.model.used_segments();
    if segments.len() > 1 {
        out.push_str("\nCustomer segments:\n");
        out.push_str(&scope_table(run, "segment", &SEGMENT_METRICS, &|p| {
            let stats = &run.stats.policies[p].ordered.segments;
            segments.iter().map(|&g| (run.model.segments[g].id.clone(), stats[g].clone())).collect()
        }));
    }
    out
}

/// A table with one row per policy and scope (supplier, segment): `scopes` gives each scope's
/// name and its moments within a policy's statistics.
fn scope_table(
    run: &Run,
    kind: &str,
    defs: &[MetricDef],
    scopes: &dyn Fn(usize) -> Vec<(String, Vec<M>)>,
) -> String {
    let mut rows = vec![vec!["policy".to_string(), kind.to_string()]];
    rows[0].extend(defs.iter().map(heading));
    for (p, policy) in run.model.policies.iter().enumerate() {
        for (name, moments) in scopes(p) {
            let mut row = vec![policy.name.clone(), name];
            row.extend(defs.iter().zip(&moments).map(|(d, m)| format_stat(m, d.share)));
            rows.push(row);
        }
    }
    layout(&rows)
}

fn layout(rows: &[Vec<String>]) -> String {
    let cols = rows[0].len();
    let widths: Vec<usize> =
        (0..cols).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, w))| if c == 0 { format!("{cell:<w$}") } else { format!("{cell:>w$}") })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if i == 0 {
            out.push_str(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moments(xs: &[f64]) -> Moments {
        let mut m = Moments::default();
        xs.iter().for_each(|&x| m.push(x));
        m
    }

    #[test]
    fn half_width_sets_the_decimals() {
        // mean 41.7, sd 0.1, n 3: half-width 4.303 * 0.1 / sqrt 3 = 0.248.
        assert_eq!(format_stat(&moments(&[41.6, 41.7, 41.8]), false), "41.70 ± 0.25");
        assert_eq!(format_stat(&moments(&[0.80, 0.81, 0.82]), true), "81.0% ± 2.5");
        assert_eq!(format_stat(&moments(&[5.0]), false), "5.00");
        assert_eq!(format_stat(&moments(&[0.0, 0.0]), false), "0.00 ± 0.00");
        assert_eq!(format_stat(&moments(&[1.0, 1.0]), true), "100.00% ± 0.00");
        assert_eq!(format_stat(&moments(&[305.0, 305.0]), false), "305.00 ± 0.00");
        assert_eq!(format_stat(&Moments::default(), false), "n/a");
        assert_eq!(format_diff(&moments(&[0.17, 0.18, 0.16]), true), "+17.0 pp ± 2.5");
        assert_eq!(format_diff(&moments(&[-3.0, -3.2, -2.8]), false), "-3.00 ± 0.50");
    }
}
