//! `report.html` of a sweep and of a policy search, in the style of a run's report: what was
//! asked, the best points, the plots (a sweep) or the search trace (a search).

use super::html::{KEY_METRICS, STYLE, esc, metric_table};
use super::json::Metrics;
use super::sweep_plots::SweepPlot;
use super::table::format_value;
use crate::experiment::optimize::{Optimum, Question};
use crate::experiment::points::best_points;
use crate::experiment::shard::{PointResult, SweepSpec};
use crate::metrics::{METRICS, MetricDef};
use crate::model::Objective;

/// The head of a page and its title.
fn open(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>scsim: {0}</title><style>{STYLE}</style></head><body><h1>{0}</h1>",
        esc(title)
    )
}

/// A table of facts, one per row.
fn facts(rows: &[(&str, String)]) -> String {
    let mut out = String::from("<table class=\"meta\"><tbody>");
    for (k, v) in rows {
        out.push_str(&format!("<tr><th>{k}</th><td>{}</td></tr>", esc(v)));
    }
    out + "</tbody></table>"
}

/// A metric's mean ± half-width as the run report shows it, `n/a` when undefined.
fn shown(metrics: &Metrics, key: &str) -> String {
    let share = METRICS.iter().find(|m| m.key == key).is_some_and(|m| m.share);
    let s = metrics.get(key);
    let (m, h) =
        (s.and_then(|s| s.mean).unwrap_or(f64::NAN), s.and_then(|s| s.half_width).unwrap_or(f64::NAN));
    format_value(m, h, share, false)
}

/// `path = value` of each parameter of a point.
fn values(spec: &SweepSpec, point: &PointResult) -> String {
    let parts: Vec<String> =
        spec.parameters.iter().zip(&point.values).map(|(p, v)| format!("{} = {v}", p.path)).collect();
    parts.join(", ")
}

/// The report of a sweep named `name`: its settings and parameters, each policy's point of
/// lowest total cost, the sweep plots and the invalid points. `points` may be slimmed
/// (`experiment::points::slim`).
pub fn sweep_report(
    name: &str,
    spec: &SweepSpec,
    points: &[PointResult],
    objective: &Objective,
    plots: &[SweepPlot],
) -> String {
    let s = &spec.origin.settings;
    let invalid: Vec<&PointResult> = points.iter().filter(|p| p.invalid.is_some()).collect();
    let parameters: Vec<String> =
        spec.parameters.iter().map(|p| format!("{} ({} values)", p.path, p.values.len())).collect();
    let mut out = open(&format!("Sweep: {name}"));
    out.push_str(&facts(&[
        ("Scenario file", spec.origin.scenario_file.clone()),
        ("Parameters", parameters.join(" × ")),
        ("Points", format!("{} ({} invalid)", points.len(), invalid.len())),
        ("Replications per point", s.replications.to_string()),
        ("Days simulated", format!("{} ({} warm-up)", s.horizon_days, s.warmup_days)),
        ("Seed", s.seed.to_string()),
        ("scsim version", spec.origin.scsim_version.clone()),
    ]));
    out.push_str(&format!(
        "<h2>Best point by policy ({})</h2><p class=\"note\">Mean over replications ± 95 % half-width, on the same random numbers at every point. Every metric of every point is in sweep.csv.</p>",
        esc(&objective.describe())
    ));
    out.push_str(&format!(
        "<table><thead><tr><th>Policy</th><th>Point</th><th>{}</th><th>Fill rate</th></tr></thead><tbody>",
        esc(objective.metric.def().label)
    ));
    for best in best_points(points, objective) {
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(best.policy),
            esc(&values(spec, best.point)),
            esc(&shown(best.metrics, objective.key())),
            esc(&shown(best.metrics, "fill_rate"))
        ));
    }
    out.push_str("</tbody></table>");
    if !plots.is_empty() {
        out.push_str("<h2>Plots</h2>");
        for plot in plots {
            out.push_str(&format!(
                "<figure>{}<figcaption>{}</figcaption></figure>",
                plot.svg,
                esc(&plot.name)
            ));
        }
    }
    if !invalid.is_empty() {
        out.push_str(&format!("<h2>Invalid points</h2><p class=\"note\">{} points could not run (all in sweep-invalid.csv); the first 50:</p><table><thead><tr><th>Point</th><th>Values</th><th>Why</th></tr></thead><tbody>", invalid.len()));
        for p in invalid.iter().take(50) {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td style=\"text-align:left;white-space:normal\">{}</td></tr>",
                p.index,
                esc(&values(spec, p)),
                esc(p.invalid.as_deref().unwrap_or(""))
            ));
        }
        out.push_str("</tbody></table>");
    }
    out + "</body></html>\n"
}

/// The report of a policy search: the question, the best values and their metrics, and the
/// search trace (every candidate in the order simulated).
pub fn search_report(name: &str, question: &Question, optimum: &Optimum) -> String {
    let objective = question.objective;
    let direction = if objective.maximize { "maximise" } else { "minimise" };
    let mut out = open(&format!("Policy search: {name}"));
    out.push_str(&facts(&[
        ("Scenario file", question.scenario_file.to_string()),
        ("Policy", question.policy.to_string()),
        ("Objective", format!("{direction} {}", objective.metric)),
        (
            "Constraints",
            if question.constraints.is_empty() { "none".into() } else { question.constraints.join(", ") },
        ),
        ("Replications per candidate", question.replications.to_string()),
        ("Seed", question.seed.to_string()),
        ("Candidates simulated", optimum.candidates.len().to_string()),
    ]));
    let best: Vec<String> =
        question.bounds.iter().zip(&optimum.best).map(|(b, v)| format!("{} = {v}", b.path)).collect();
    let verdict = if optimum.feasible { "Best values" } else { "No feasible point; the closest values" };
    out.push_str(&format!("<h2>{verdict}</h2><p><strong>{}</strong></p>", esc(&best.join(", "))));
    let defs: Vec<MetricDef> = KEY_METRICS
        .iter()
        .chain(std::iter::once(&objective.metric.as_str()))
        .filter_map(|k| METRICS.iter().find(|m| m.key == *k).copied())
        .collect();
    out.push_str(&metric_table(&defs, &[(question.policy.to_string(), Some(&optimum.metrics))], false, None));
    out.push_str(&trace(question, optimum));
    out + "</body></html>\n"
}

/// The search trace: one row per candidate, in the order simulated.
fn trace(question: &Question, optimum: &Optimum) -> String {
    let keys: Vec<&str> = std::iter::once(question.objective.metric.as_str())
        .chain(question.constraints.iter().filter_map(|c| c.split(['>', '<']).next()).map(str::trim))
        .collect();
    let mut out = String::from(
        "<h2>Search trace</h2><p class=\"note\">Every candidate simulated, in order: the coarse grid, then the pattern search around the incumbent.</p><table><thead><tr><th>#</th>",
    );
    for b in question.bounds {
        out.push_str(&format!("<th>{}</th>", esc(&b.path)));
    }
    for k in &keys {
        out.push_str(&format!("<th>{}</th>", esc(k)));
    }
    out.push_str("<th>Note</th></tr></thead><tbody>");
    for (i, c) in optimum.candidates.iter().enumerate() {
        let class = if c.point == optimum.best { " class=\"best\"" } else { "" };
        out.push_str(&format!("<tr><td>{}</td>", i + 1));
        for v in &c.point {
            out.push_str(&format!("<td{class}>{v}</td>"));
        }
        match &c.metrics {
            Ok(m) => {
                for k in &keys {
                    out.push_str(&format!("<td>{}</td>", esc(&shown(m, k))));
                }
                out.push_str(&format!("<td>{}</td>", if c.point == optimum.best { "best" } else { "" }));
            }
            Err(e) => out.push_str(&format!(
                "<td colspan=\"{}\" style=\"text-align:left;white-space:normal\">invalid: {}</td>",
                keys.len() + 1,
                esc(&e.to_string())
            )),
        }
        out.push_str("</tr>");
    }
    out + "</tbody></table>"
}

/// The report of a per-pair optimisation named `name`: the question and its outcome as facts,
/// then the efficient-frontier plot (SVG text) inline.
pub fn per_pair_report(name: &str, rows: &[(&str, String)], frontier_svg: &str) -> String {
    let mut out = open(&format!("Per-pair optimisation: {name}"));
    out.push_str(&facts(rows));
    out.push_str("<h2>Efficient frontier</h2><p>Each point: an allocation of levels across the pairs, reached by raising one pair at a time where it adds the most filled units per unit of inventory investment; the large marker is the allocation chosen. The levels of every pair are in <code>policy-table.csv</code>, their metrics in <code>policy-table-results.csv</code>.</p>");
    out.push_str(frontier_svg);
    out + "</body></html>\n"
}
