//! The table `scsim run` prints: the recommendation, policies × key metrics with 95 %
//! half-widths and the best marked, and the paired differences to the baseline; at most
//! [`WIDTH`] characters wide by default.

use super::Run;
use super::verdicts::Mark;
use crate::experiment::stats::Moments as M;
use crate::experiment::stats::Moments;
use crate::metrics::{LANE_METRICS, METRICS, MetricDef, SEGMENT_METRICS, SUPPLIER_METRICS, metric_index};

/// Metrics shown in the console table by default.
pub const KEY_METRICS: [&str; 6] =
    ["fill_rate", "cycle_service_level", "avg_backorders", "avg_on_hand", "lost_units", "cost_total_per_day"];

/// Metrics shown in the console table with `--wide` (every file has every metric).
pub const WIDE_METRICS: [&str; 14] = [
    "fill_rate",
    "cycle_service_level",
    "ready_rate",
    "avg_backorders",
    "wait_mean_days",
    "avg_on_hand",
    "lost_units",
    "walkaway_units",
    "cancelled_units",
    "churn_units",
    "cost_holding_per_day",
    "cost_backorder_per_day",
    "cost_lost_sales_per_day",
    "cost_total_per_day",
];

/// Supplier, lane and segment metrics shown by default.
const SUPPLIER_KEYS: [&str; 4] =
    ["supplier_units_ordered", "supplier_spend_per_day", "supplier_lead_time_days", "supplier_availability"];
const LANE_KEYS: [&str; 3] = ["lane_units_ordered", "lane_fill_rate", "lane_transit_days"];
const SEGMENT_KEYS: [&str; 4] =
    ["segment_fill_rate", "segment_wait_mean_days", "segment_walkaway_units", "segment_churn_units"];

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

/// Whether a metric is a total over the measured days (a count of units, lines, orders or
/// days) rather than a share, a daily average, a per-day rate or a per-unit wait.
pub fn is_total(m: &MetricDef) -> bool {
    let counted = matches!(m.unit, "units" | "lines" | "orders") || m.key == "supplier_down_days";
    let level = ["Average", "Maximum"].iter().any(|w| m.label.starts_with(w));
    counted && !level && !m.share
}

/// A column heading: the label with its unit and basis (`%`, `units, daily average`,
/// `units, total over measured days`, `cost/day`).
pub fn heading(m: &MetricDef) -> String {
    // The unit is left out where the label says it ("Units ordered", "Days down").
    let redundant = m.share || m.unit.is_empty() || m.label.to_lowercase().contains(m.unit);
    let unit = if m.share {
        "%"
    } else if redundant {
        ""
    } else {
        m.unit
    };
    let basis = if is_total(m) {
        "total over measured days"
    } else if m.label.starts_with("Average") {
        "daily average"
    } else {
        ""
    };
    match (unit, basis) {
        ("", "") => m.label.to_string(),
        (u, "") | ("", u) => format!("{} ({u})", m.label),
        (u, b) => format!("{} ({u}, {b})", m.label),
    }
}

/// Width of the console table (default layout).
pub const WIDTH: usize = 120;

/// One column of a console table: a metric (its index in `defs`), scaled (per day for
/// totals).
struct Column {
    index: usize,
    def: MetricDef,
    scale: f64,
    heading: String,
}

impl Column {
    /// Totals over the measured days become per-day rates, so that neighbouring columns share
    /// one basis.
    fn of(defs: &[MetricDef], index: usize, measured_days: u32) -> Column {
        let def = defs[index];
        // Days down stay a total: per day they would be a share of days.
        if is_total(&def) && def.unit != "days" {
            let heading = format!("{} ({}/day)", def.label, def.unit);
            Column { index, def, scale: 1.0 / f64::from(measured_days.max(1)), heading }
        } else {
            Column { index, def, scale: 1.0, heading: heading(&def) }
        }
    }

    fn cell(&self, moments: &[Moments], diff: bool) -> String {
        let m = &moments[self.index];
        format_value(m.mean() * self.scale, m.half_width() * self.scale, self.def.share, diff)
    }
}

/// The metrics of the console table: the key metrics (or, `wide`, the wider set) with the
/// scenario's objective and the metrics of its targets. By default the objective takes the
/// place of the total cost (with prices the two rank policies alike; the files have both).
fn keys(run: &Run, wide: bool) -> Vec<&'static str> {
    let objective = run.model.objective();
    let base: &[&str] = if wide { &WIDE_METRICS } else { &KEY_METRICS };
    let mut keys: Vec<&str> =
        base.iter().map(|&k| if k == "cost_total_per_day" && !wide { objective.key() } else { k }).collect();
    for key in std::iter::once(objective.key()).chain(objective.targets.iter().map(|t| t.metric.def().key)) {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// The columns shown (see [`keys`]), without a column whose statistics equal those of an
/// earlier one for every policy (named in `dropped`).
fn columns(run: &Run, wide: bool, dropped: &mut Vec<String>) -> Vec<Column> {
    let mut shown: Vec<usize> = Vec::new();
    for key in keys(run, wide) {
        let i = metric_index(key).expect("known metric");
        let same = |j: &usize| run.stats.policies.iter().all(|p| p.ordered.total[i] == p.ordered.total[*j]);
        let zero = run
            .stats
            .policies
            .iter()
            .all(|p| p.ordered.total[i].mean() == 0.0 && p.ordered.total[i].m2 == 0.0);
        match shown.iter().find(|j| same(j)) {
            Some(&j) => dropped.push(format!("{} (identical to {})", METRICS[i].label, METRICS[j].label)),
            None if zero => dropped.push(format!("{} (zero for every policy)", METRICS[i].label)),
            None => shown.push(i),
        }
    }
    shown.into_iter().map(|i| Column::of(&METRICS, i, run.model.measured_days())).collect()
}

/// The console table: the recommendation, the key metrics of every policy with the best
/// marked, and the paired differences to the baseline; `wide` shows more metrics.
pub fn render(run: &Run, wide: bool) -> String {
    let summary = super::json::summary(run);
    let comparison = summary.comparison.as_ref().expect("a run's summary has a comparison");
    let mut out = format!("{}\n", wrap(&comparison.recommendation.text, WIDTH));
    let mut dropped = Vec::new();
    let cols = columns(run, wide, &mut dropped);
    let mut header = vec!["policy".to_string()];
    header.extend(cols.iter().map(|c| c.heading.clone()));
    let mut rows = vec![header.clone()];
    for (policy, stats) in run.model.policies.iter().zip(&run.stats.policies) {
        let mut row = vec![policy.name.clone()];
        for c in &cols {
            let mark = match comparison.marks.get(c.def.key) {
                Some(Mark::Best(p)) if p == &policy.name => " ★",
                Some(Mark::Tie(t)) if t.contains(&policy.name) => " =",
                _ => "",
            };
            row.push(format!("{}{mark}", c.cell(&stats.ordered.total, false)));
        }
        rows.push(row);
    }
    out.push_str(&layout(&rows));
    out.push_str(&wrap(
        "★ best, = tied for best: multiple comparisons with the best on the paired replications, \
         95 % simultaneous (no mark: the statistics do not decide). Mean ± 95 % half-width.",
        WIDTH,
    ));
    if !dropped.is_empty() {
        out.push_str(&wrap(&format!("Not shown: {}.", dropped.join("; ")), WIDTH));
    }
    if run.model.policies.len() > 1 {
        let base = &run.model.policies[run.info.baseline].name;
        out.push_str(&format!(
            "\nPaired difference to {base} (same random demand and lead times; shares in percentage points):\n"
        ));
        let mut diff_rows = vec![header];
        for (p, (policy, stats)) in run.model.policies.iter().zip(&run.stats.policies).enumerate() {
            if p == run.info.baseline {
                continue;
            }
            let mut row = vec![policy.name.clone()];
            row.extend(cols.iter().map(|c| c.cell(&stats.ordered.diff[run.info.baseline], true)));
            diff_rows.push(row);
        }
        out.push_str(&layout(&diff_rows));
    }
    out.push_str(&scopes(run, wide));
    out
}

/// The supplier, lane and segment tables (their key metrics, or every one when `wide`).
fn scopes(run: &Run, wide: bool) -> String {
    let days = run.model.measured_days();
    let pick = |defs: &[MetricDef], keys: &[&str]| -> Vec<Column> {
        let shown = (0..defs.len()).filter(|&i| wide || keys.contains(&defs[i].key));
        shown.map(|i| Column::of(defs, i, days)).collect()
    };
    let mut out = String::new();
    if run.model.suppliers.len() > 1 {
        out.push_str("\nSuppliers:\n");
        out.push_str(&scope_table(run, "supplier", &pick(&SUPPLIER_METRICS, &SUPPLIER_KEYS), &|p| {
            let stats = &run.stats.policies[p].ordered.suppliers;
            run.model.suppliers.iter().zip(stats).map(|(s, m)| (s.id.clone(), m.clone())).collect()
        }));
    }
    if run.model.has_network {
        out.push_str("\nLanes:\n");
        out.push_str(&scope_table(run, "lane", &pick(&LANE_METRICS, &LANE_KEYS), &|p| {
            let stats = &run.stats.policies[p].ordered.lanes;
            run.model.lanes.iter().zip(stats).map(|(l, m)| (l.id.clone(), m.clone())).collect()
        }));
    }
    let segments = run.model.used_segments();
    if segments.len() > 1 {
        out.push_str("\nCustomer segments:\n");
        out.push_str(&scope_table(run, "segment", &pick(&SEGMENT_METRICS, &SEGMENT_KEYS), &|p| {
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
    cols: &[Column],
    scopes: &dyn Fn(usize) -> Vec<(String, Vec<M>)>,
) -> String {
    let mut rows = vec![vec!["policy".to_string(), kind.to_string()]];
    rows[0].extend(cols.iter().map(|c| c.heading.clone()));
    for (p, policy) in run.model.policies.iter().enumerate() {
        for (name, moments) in scopes(p) {
            let mut row = vec![policy.name.clone(), name];
            row.extend(cols.iter().map(|c| c.cell(&moments, false)));
            rows.push(row);
        }
    }
    layout(&rows)
}

/// Words of `text` in lines of at most `width` characters (a longer word has its own line).
fn wrap_lines(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

fn wrap(text: &str, width: usize) -> String {
    wrap_lines(text, width).into_iter().map(|l| l + "\n").collect()
}

/// Lays out `rows` (the first is the header) in aligned columns: each column as wide as its
/// widest cell, the header wrapped onto several lines to fit.
fn layout(rows: &[Vec<String>]) -> String {
    let cols = rows[0].len();
    let body = &rows[1..];
    let cell_width = |c: usize| body.iter().map(|r| r[c].chars().count()).max().unwrap_or(0);
    let longest_word = |c: usize| rows[0][c].split_whitespace().map(|w| w.chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols).map(|c| cell_width(c).max(longest_word(c)).max(6)).collect();
    let header: Vec<Vec<String>> = (0..cols).map(|c| wrap_lines(&rows[0][c], widths[c])).collect();
    let depth = header.iter().map(Vec::len).max().unwrap_or(1);
    // Headers are aligned at the bottom, next to the rule.
    let line = |c: usize, l: usize| {
        (l + header[c].len()).checked_sub(depth).map_or(String::new(), |i| header[c][i].clone())
    };
    let mut lines: Vec<Vec<String>> = (0..depth).map(|l| (0..cols).map(|c| line(c, l)).collect()).collect();
    lines.push(widths.iter().map(|w| "-".repeat(*w)).collect());
    lines.extend(body.iter().cloned());
    let mut out = String::new();
    for row in lines {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (cell, w))| if c == 0 { format!("{cell:<w$}") } else { format!("{cell:>w$}") })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
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
