//! The per-SKU view of `report.html`: the worst pairs by backorders and by lost margin, and an
//! ABC breakdown of service and stock. Built from the summary's pairs, so a run and its
//! redrawing (`scsim plot`) show the same.

use super::html::esc;
use super::json::{Metrics, PolicySummary, Summary};
use super::table::format_value;

/// Rows of each "worst pairs" table.
const WORST: usize = 20;

/// The share of the total demand value that class A holds, then A and B together.
const ABC_SHARES: [f64; 2] = [0.80, 0.95];

fn mean(m: Option<&Metrics>, key: &str) -> f64 {
    m.and_then(|m| m.get(key)).and_then(|s| s.mean).unwrap_or(f64::NAN)
}

fn half_width(m: Option<&Metrics>, key: &str) -> f64 {
    m.and_then(|m| m.get(key)).and_then(|s| s.half_width).unwrap_or(f64::NAN)
}

/// The per-SKU section (empty with fewer than two pairs).
pub(crate) fn view(s: &Summary) -> String {
    let Some(first) = s.policies.first() else { return String::new() };
    if first.pairs.len() < 2 {
        return String::new();
    }
    let mut out = String::from("<h2>Per SKU</h2>");
    for policy in &s.policies {
        out.push_str(&format!("<h3>{}</h3>", esc(&policy.name)));
        out.push_str(&worst(policy, "backordered_units", "Most units backordered"));
        out.push_str(&worst(policy, "lost_margin_per_day", "Most margin lost per day"));
    }
    out.push_str(&abc(s));
    out
}

/// The `WORST` pairs of `policy` with the largest mean `key` (pairs where it is zero or
/// undefined left out), with fill rate and on hand beside it.
fn worst(policy: &PolicySummary, key: &str, title: &str) -> String {
    let mut rows: Vec<(&String, f64)> = policy
        .pairs
        .iter()
        .map(|(name, m)| (name, mean(Some(m), key)))
        .filter(|(_, v)| v.is_finite() && *v > 0.0)
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut out = format!(
        "<p><strong>{title}</strong> ({} of {} pairs with any; mean ± 95 % half-width)</p><table><thead><tr><th>Location/item</th><th>{key}</th><th>Fill rate</th><th>Average on hand</th></tr></thead><tbody>",
        rows.len().min(WORST),
        policy.pairs.len()
    );
    for (name, _) in rows.iter().take(WORST) {
        let m = policy.pairs.get(*name);
        let cell = |k: &str, share: bool| esc(&format_value(mean(m, k), half_width(m, k), share, false));
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            cell(key, false),
            cell("fill_rate", true),
            cell("avg_on_hand", false)
        ));
    }
    out + "</tbody></table>"
}

/// Each pair's class, A, B or C, by its demand value under the first policy: revenue plus
/// revenue lost per day where items have prices, else units demanded. Pairs are sorted by
/// value; A holds the first 80 % of the total, B the next 15 %, C the rest.
fn classes(first: &PolicySummary) -> Vec<(&String, char)> {
    let value = |m: &Metrics| {
        let revenue = mean(Some(m), "revenue_per_day") + mean(Some(m), "lost_revenue_per_day");
        if revenue.is_finite() && revenue > 0.0 { revenue } else { mean(Some(m), "demand_units").max(0.0) }
    };
    let mut pairs: Vec<(&String, f64)> = first.pairs.iter().map(|(n, m)| (n, value(m))).collect();
    pairs.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let total: f64 = pairs.iter().map(|p| if p.1.is_finite() { p.1 } else { 0.0 }).sum();
    let mut before = 0.0;
    pairs
        .into_iter()
        .map(|(name, v)| {
            let share = if total > 0.0 { before / total } else { 1.0 };
            before += if v.is_finite() { v } else { 0.0 };
            let class = if share < ABC_SHARES[0] {
                'A'
            } else if share < ABC_SHARES[1] {
                'B'
            } else {
                'C'
            };
            (name, class)
        })
        .collect()
}

/// The ABC table: per class and policy, the pairs, the demand-weighted fill rate and the mean
/// units on hand summed over the class.
fn abc(s: &Summary) -> String {
    let classes = classes(&s.policies[0]);
    let mut out = String::from(
        "<h3>Service and stock by ABC class</h3><p class=\"note\">Classes by demand value under the first policy (revenue plus revenue lost per day where items have prices, else units demanded): A holds the first 80 % of the total value, B the next 15 %, C the last 5 %. Fill rate: units filled over units demanded in the class (means); on hand: the class's mean units on hand, summed.</p><table><thead><tr><th>Class</th><th>Pairs</th>",
    );
    for p in &s.policies {
        out.push_str(&format!("<th>{} fill rate</th><th>{} on hand</th>", esc(&p.name), esc(&p.name)));
    }
    out.push_str("</tr></thead><tbody>");
    for class in ['A', 'B', 'C'] {
        let members: Vec<&String> = classes.iter().filter(|c| c.1 == class).map(|c| c.0).collect();
        out.push_str(&format!("<tr><th scope=\"row\">{class}</th><td>{}</td>", members.len()));
        for p in &s.policies {
            let (mut filled, mut demand, mut on_hand) = (0.0, 0.0, 0.0);
            for name in &members {
                let m = p.pairs.get(*name);
                let (d, f) = (mean(m, "demand_units"), mean(m, "fill_rate"));
                if d.is_finite() && f.is_finite() {
                    filled += f * d;
                    demand += d;
                }
                on_hand += mean(m, "avg_on_hand").max(0.0);
            }
            let fill = if demand > 0.0 { format!("{:.2} %", 100.0 * filled / demand) } else { "n/a".into() };
            out.push_str(&format!("<td>{fill}</td><td>{on_hand:.1}</td>"));
        }
        out.push_str("</tr>");
    }
    out + "</tbody></table>"
}
