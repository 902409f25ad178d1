//! `report.html`: one self-contained page (inline SVG, no script, no network) that answers
//! "which policy, and what does it cost me?": the recommendation, run metadata, the summary
//! table with the statistically best policy of each row marked, paired differences to the
//! baseline and between every pair, the plots, and a glossary generated from `docs/metrics.md`.

use std::collections::BTreeMap;

use super::json::{Metrics, PAIRS_IN_SUMMARY, PolicySummary, Stat, Summary};
use super::pairs::PairTable;
use super::plots::{self, Kind};
use super::table::{format_value, heading};
use super::verdicts::Mark;
use super::view::RunView;
use crate::metrics::{
    LANE_METRICS, METRICS, MetricDef, ORDER_METRICS, SEGMENT_METRICS, SUPPLIER_METRICS, Theme, metric_index,
};

/// The metrics of the first summary table.
pub(crate) const KEY_METRICS: [&str; 7] = [
    "fill_rate",
    "cycle_service_level",
    "avg_backorders",
    "wait_mean_days",
    "lost_units",
    "avg_on_hand",
    "cost_total_per_day",
];

/// Escapes text for HTML.
pub(crate) fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn value(s: Option<&Stat>) -> (f64, f64) {
    s.map_or((f64::NAN, f64::NAN), |s| (s.mean.unwrap_or(f64::NAN), s.half_width.unwrap_or(f64::NAN)))
}

/// The marks of a summary table (none for differences and per-scope tables).
type Marks<'a> = Option<&'a BTreeMap<String, Mark>>;

/// A table with one row per metric and one column per scope (policy, supplier…); with
/// `marks`, the best policy of a row is starred and policies tied for best get "=". Rows
/// undefined everywhere are left out.
pub(crate) fn metric_table(
    defs: &[MetricDef],
    columns: &[(String, Option<&Metrics>)],
    diff: bool,
    marks: Marks,
) -> String {
    let mut out = String::from("<table><thead><tr><th>Metric</th>");
    for (name, _) in columns {
        out.push_str(&format!("<th>{}</th>", esc(name)));
    }
    out.push_str("</tr></thead><tbody>");
    for d in defs {
        let values: Vec<(f64, f64)> =
            columns.iter().map(|(_, m)| value(m.and_then(|m| m.get(d.key)))).collect();
        if values.iter().all(|v| !v.0.is_finite()) {
            continue;
        }
        let mark = marks.and_then(|m| m.get(d.key));
        out.push_str(&format!("<tr><th scope=\"row\" title=\"{}\">{}</th>", d.key, esc(&heading(d))));
        for ((name, _), (m, h)) in columns.iter().zip(&values) {
            let text = esc(&format_value(*m, *h, d.share, diff));
            let significant = diff && m.is_finite() && h.is_finite() && m.abs() > *h;
            let (class, sign) = match mark {
                Some(Mark::Best(p)) if p == name => (" class=\"best\"", " ★"),
                Some(Mark::Tie(t)) if t.contains(name) => (" class=\"tie\"", " ="),
                _ if significant => (" class=\"significant\"", ""),
                _ => ("", ""),
            };
            out.push_str(&format!("<td{class}>{text}{sign}</td>"));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// For each key metric, the paired difference of every pair of policies: row minus column.
fn all_pairs(s: &Summary) -> String {
    if s.policies.len() < 3 {
        return String::new();
    }
    let mut out = String::from(
        "<h2>Every pair of policies</h2><p class=\"note\">Row policy minus column policy, replication by replication on the same random numbers: mean ± 95 % half-width (shares in percentage points). Bold: the interval excludes zero.</p>",
    );
    for def in KEY_METRICS.iter().filter_map(|k| METRICS.iter().find(|m| m.key == *k)) {
        out.push_str(&format!("<h3>{}</h3><table><thead><tr><th></th>", esc(&heading(def))));
        for p in &s.policies {
            out.push_str(&format!("<th>{}</th>", esc(&p.name)));
        }
        out.push_str("</tr></thead><tbody>");
        for row in &s.policies {
            out.push_str(&format!("<tr><th scope=\"row\">{}</th>", esc(&row.name)));
            for col in &s.policies {
                let (m, h) = value(row.differences.get(&col.name).and_then(|d| d.get(def.key)));
                let bold = m.is_finite() && h.is_finite() && m.abs() > h;
                let text = if row.name == col.name {
                    "–".into()
                } else {
                    esc(&format_value(m, h, def.share, true))
                };
                out.push_str(&format!("<td{}>{text}</td>", if bold { " class=\"significant\"" } else { "" }));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
    }
    out
}

/// The metrics shown per (location, item) pair.
const PAIR_METRICS: [&str; 5] =
    ["fill_rate", "avg_backorders", "avg_on_hand", "avg_owed_downstream", "avg_in_transit"];

/// With several stocked pairs, a table per key metric: one row per pair, one column per
/// policy (metrics undefined or zero everywhere are left out).
fn by_pair(policies: &[&str], t: &PairTable) -> String {
    if t.names.len() < 2 {
        return String::new();
    }
    if t.names.len() > PAIRS_IN_SUMMARY {
        return format!(
            "<h2>By location and item</h2><p class=\"note\">{} stocked pairs: every pair's metrics are in <code>pairs.csv</code>; the per-SKU view above shows the worst.</p>",
            t.names.len()
        );
    }
    let mut out = String::from(
        "<h2>By location and item</h2><p class=\"note\">Each stocked (location, item) pair: mean over replications ± 95 % half-width. The totals above pool them (service levels over the pairs where customers buy).</p>",
    );
    for key in PAIR_METRICS {
        let Some(m) = metric_index(key) else { continue };
        let def = &METRICS[m];
        let cell = |p: usize, k: usize| t.policies[p][k][m];
        let policy_range = || 0..policies.len();
        let used = (0..t.names.len())
            .any(|k| policy_range().any(|p| cell(p, k).0.is_finite() && cell(p, k).0 != 0.0));
        if !used {
            continue;
        }
        out.push_str(&format!("<h3>{}</h3><table><thead><tr><th>Location/item</th>", esc(&heading(def))));
        for name in policies {
            out.push_str(&format!("<th>{}</th>", esc(name)));
        }
        out.push_str("</tr></thead><tbody>");
        for k in (0..t.names.len()).filter(|&k| policy_range().any(|p| cell(p, k).0.is_finite())) {
            out.push_str(&format!("<tr><th scope=\"row\">{}</th>", esc(&t.names[k])));
            for p in policy_range() {
                let (mean, half) = cell(p, k);
                out.push_str(&format!("<td>{}</td>", esc(&format_value(mean, half, def.share, false))));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
    }
    out
}

/// The key metrics, then every metric by theme in a folded section.
fn themed(columns: &[(String, Option<&Metrics>)], diff: bool, marks: Marks) -> String {
    let key: Vec<MetricDef> =
        KEY_METRICS.iter().filter_map(|k| METRICS.iter().find(|m| m.key == *k).copied()).collect();
    let mut out = metric_table(&key, columns, diff, marks);
    out.push_str("<details><summary>Every metric, by theme</summary>");
    for theme in Theme::ALL {
        let defs: Vec<MetricDef> = METRICS.iter().filter(|m| m.theme == Some(theme)).copied().collect();
        let table = metric_table(&defs, columns, diff, marks);
        if table.contains("<td") {
            out.push_str(&format!("<h3>{}</h3>{table}", theme.title()));
        }
    }
    out.push_str("</details>");
    out
}

pub(crate) const STYLE: &str = "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:2em auto;max-width:1000px;color:#222;line-height:1.45;padding:0 1em}\
h1{margin-bottom:0.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:0.2em}\
p.description{color:#444;max-width:60em}\
table{border-collapse:collapse;margin:0.6em 0;font-size:0.92em}\
th,td{padding:0.3em 0.7em;border-bottom:1px solid #e5e5e5;text-align:right;white-space:nowrap}\
thead th{border-bottom:2px solid #bbb;text-align:center}th[scope=row]{text-align:left;font-weight:normal}\
td.best{font-weight:bold;background:#eef7ee}td.tie{background:#f5f5ea}\
p.recommendation{font-size:1.1em;background:#eef3f8;border-left:4px solid #245;padding:0.6em 0.9em;max-width:60em}td.significant{font-weight:bold}\
table.meta th{text-align:left;font-weight:normal;color:#555}table.meta td{text-align:left}\
figure{margin:1.2em 0}figcaption{color:#555;font-size:0.9em}\
.policy{display:inline-block;width:0.9em;height:0.9em;margin-right:0.35em;vertical-align:-0.1em;border-radius:2px}\
details{margin:0.8em 0}summary{cursor:pointer;color:#245;font-weight:bold}h3{margin-bottom:0.2em}\
dt{font-weight:bold;margin-top:0.6em}dd{margin-left:1.5em}dd p{margin:0.2em 0}code{font-size:0.95em;background:#f4f4f4;padding:0 0.2em}\
.note{color:#555;font-size:0.9em}";

/// The report page.
pub fn report(view: &RunView) -> String {
    let s = &view.summary;
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>");
    out.push_str(&format!(
        "<title>scsim: {}</title><style>{STYLE}</style></head><body>",
        esc(&s.scenario.name)
    ));
    out.push_str(&format!("<h1>{}</h1>", esc(&s.scenario.name)));
    if !s.scenario.description.is_empty() {
        out.push_str(&format!("<p class=\"description\">{}</p>", esc(&s.scenario.description)));
    }
    if let Some(c) = &s.comparison {
        out.push_str(&format!("<p class=\"recommendation\">{}</p>", esc(&c.recommendation.text)));
    }
    out.push_str(&meta(s));
    out.push_str(&policy_list(s));
    out.push_str(&summary_tables(s));
    out.push_str(&all_pairs(s));
    out.push_str("<h2>Plots</h2>");
    for kind in Kind::ALL.into_iter().filter(|k| k.available(view)) {
        out.push_str(&format!(
            "<figure>{}<figcaption>{}</figcaption></figure>",
            plots::svg(kind, view),
            esc(kind.caption())
        ));
    }
    let names = view.policy_names();
    out.push_str(&super::skus::view(&names, &view.pairs));
    out.push_str(&by_pair(&names, &view.pairs));
    // One table per supplier and per segment and lane (segments and lanes only when there are
    // several).
    out.push_str(&scoped(s, "Suppliers", 1, &SUPPLIER_METRICS, &|p| &p.suppliers));
    out.push_str(&scoped(s, "Customer segments", 2, &SEGMENT_METRICS, &|p| &p.segments));
    out.push_str(&scoped(s, "Lanes", 2, &LANE_METRICS, &|p| &p.lanes));
    out.push_str(&order_streams(s));
    out.push_str(&super::glossary::glossary_html());
    out.push_str("</body></html>\n");
    out
}

/// The table of run facts: replications, days, seed, baseline, scenario and version.
fn meta(s: &Summary) -> String {
    let r = &s.run;
    let facts = [
        ("Replications", r.replications.to_string()),
        (
            "Days simulated",
            format!("{} ({} warm-up, {} measured)", r.horizon_days, r.warmup_days, r.measured_days),
        ),
        ("Seed", r.seed.to_string()),
        ("Baseline policy", r.baseline.clone()),
        ("Scenario file", s.scenario.file.clone()),
        ("Scenario SHA-256", s.scenario.sha256.clone()),
        ("scsim version", s.scsim_version.clone()),
    ];
    let mut out = String::from("<table class=\"meta\"><tbody>");
    for (k, v) in facts {
        out.push_str(&format!("<tr><th>{k}</th><td>{}</td></tr>", esc(&v)));
    }
    out.push_str("</tbody></table>");
    out
}

/// The policies with their colours and descriptions.
fn policy_list(s: &Summary) -> String {
    let mut out = String::from("<h2>Policies</h2><ul>");
    for (p, policy) in s.policies.iter().enumerate() {
        let c = plots::policy_color(p);
        out.push_str(&format!(
            "<li><span class=\"policy\" style=\"background:#{:02x}{:02x}{:02x}\"></span><strong>{}</strong>{}</li>",
            c.0,
            c.1,
            c.2,
            esc(&policy.name),
            if policy.description.is_empty() { String::new() } else { format!(": {}", esc(&policy.description)) }
        ));
    }
    out.push_str("</ul>");
    out
}

/// The metrics of every policy, then (with several policies) their paired differences to the
/// baseline.
fn summary_tables(s: &Summary) -> String {
    let mut out = String::from(
        "<h2>Summary</h2><p class=\"note\">Mean over replications ± half-width of the 95 % confidence interval. ★ marks the best policy of a row and = the policies tied for best, only where multiple comparisons with the best on the paired replications decide it (95 % simultaneous confidence; a metric the policy does not decide, or undefined in a replication, is never marked). Shares in %; totals are over the measured days.</p>",
    );
    let columns: Vec<(String, Option<&Metrics>)> =
        s.policies.iter().map(|p| (p.name.clone(), Some(&p.total))).collect();
    out.push_str(&themed(&columns, false, s.comparison.as_ref().map(|c| &c.marks)));
    if s.policies.len() > 1 {
        let baseline = &s.run.baseline;
        out.push_str(&format!(
            "<h2>Paired differences to {}</h2><p class=\"note\">Each policy minus the baseline, replication by replication on the same random demand and lead times (shares in percentage points). Bold: the 95 % interval excludes zero.</p>",
            esc(baseline)
        ));
        let columns: Vec<(String, Option<&Metrics>)> = s
            .policies
            .iter()
            .filter(|p| &p.name != baseline)
            .map(|p| (p.name.clone(), p.difference_vs_baseline.as_ref()))
            .collect();
        out.push_str(&themed(&columns, true, None));
    }
    out
}

/// A section titled `title` with one table per scope (supplier, segment, lane) that `get`
/// picks from a policy, when there are at least `min` scopes.
fn scoped(
    s: &Summary,
    title: &str,
    min: usize,
    defs: &[MetricDef],
    get: &dyn Fn(&PolicySummary) -> &BTreeMap<String, Metrics>,
) -> String {
    let names: Vec<&String> = s.policies.first().map(|p| get(p).keys().collect()).unwrap_or_default();
    if names.len() < min {
        return String::new();
    }
    let mut html = format!("<h2>{title}</h2>");
    for name in names {
        html.push_str(&format!("<h3>{}</h3>", esc(name)));
        let columns: Vec<(String, Option<&Metrics>)> =
            s.policies.iter().map(|p| (p.name.clone(), get(p).get(name))).collect();
        html.push_str(&metric_table(defs, &columns, false, None));
    }
    html
}

/// The customer orders section: each order stream's implied demand per item, and its order
/// metrics by policy (empty without order streams).
fn order_streams(s: &Summary) -> String {
    if s.order_streams.is_empty() {
        return String::new();
    }
    let mut html = String::from(
        "<h2>Customer orders</h2><p class=\"note\">Orders whose lines span items: the order fill rate \
         counts orders shipped complete on the day ordered; the unit and line fill rates are those \
         of the same orders.</p>",
    );
    for o in &s.order_streams {
        let rates: Vec<String> =
            o.demand_per_day.iter().map(|(item, r)| format!("{} {r:.3}", esc(item))).collect();
        html.push_str(&format!(
            "<h3>{}</h3><p>At {}, segment {}. Implied demand per day: {}.</p>",
            esc(&o.id),
            esc(&o.location),
            esc(&o.segment),
            rates.join(", ")
        ));
        let columns: Vec<(String, Option<&Metrics>)> =
            s.policies.iter().map(|p| (p.name.clone(), p.orders.get(&o.id))).collect();
        html.push_str(&metric_table(&ORDER_METRICS, &columns, false, None));
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::METRICS;

    #[test]
    fn every_metric_has_a_theme_and_every_key_metric_exists() {
        for m in METRICS {
            assert!(m.theme.is_some(), "{} has no theme", m.key);
        }
        for k in KEY_METRICS {
            assert!(METRICS.iter().any(|m| m.key == k), "{k}");
        }
    }
}
