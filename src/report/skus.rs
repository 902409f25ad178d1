//! The per-SKU view of `report.html`: the worst pairs by backorders and by lost margin, and an
//! ABC/XYZ breakdown of service and stock. Built from the run's [`PairTable`], so a run and its
//! redrawing (`scsim plot`, which reads `pairs.csv` back) show the same.
//!
//! ABC ranks pairs by demand value; XYZ by the variability of their daily demand in the model
//! (the coefficient of variation, [`demand_cv`]): X up to [`XYZ_LIMITS`]`[0]`, Y up to
//! [`XYZ_LIMITS`]`[1]`, Z above (docs/metrics.md, "Per-SKU classes").

use super::html::esc;
use super::pairs::PairTable;
use super::table::format_value;
use crate::metrics::Metric;
use crate::sim::forecast::Prior;

/// Rows of each "worst pairs" table.
const WORST: usize = 20;

/// The share of the total demand value that class A holds, then A and B together.
const ABC_SHARES: [f64; 2] = [0.80, 0.95];

/// The largest coefficient of variation of daily demand of class X, then of class Y.
pub(crate) const XYZ_LIMITS: [f64; 2] = [0.5, 1.0];

/// The coefficient of variation of a pair's daily demand in the model, from its forecast prior
/// (the demand of its customers, and at a location that supplies others, theirs; at the start
/// of the horizon): the standard deviation over the days of a week, its weekday profile
/// included (the mean of the weekday variances plus the variance of the weekday means), over
/// the mean. NaN without demand.
pub(crate) fn demand_cv(prior: &Prior) -> f64 {
    let means = prior.weekday_means;
    let mean = means.iter().sum::<f64>() / 7.0;
    let spread = means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / 7.0;
    if mean > 0.0 { (prior.variance + spread).max(0.0).sqrt() / mean } else { f64::NAN }
}

/// The XYZ class of a coefficient of variation (`None` when undefined).
pub(crate) fn xyz_class(cv: f64) -> Option<char> {
    if cv.is_nan() {
        None
    } else if cv <= XYZ_LIMITS[0] {
        Some('X')
    } else if cv <= XYZ_LIMITS[1] {
        Some('Y')
    } else {
        Some('Z')
    }
}

/// The per-SKU section (empty with fewer than two pairs).
pub(crate) fn view(policies: &[&str], t: &PairTable) -> String {
    if t.names.len() < 2 || policies.is_empty() {
        return String::new();
    }
    let mut out = String::from("<h2>Per SKU</h2>");
    for (p, name) in policies.iter().enumerate() {
        out.push_str(&format!("<h3>{}</h3>", esc(name)));
        out.push_str(&worst(t, p, Metric::BackorderedUnits, "Most units backordered"));
        out.push_str(&worst(t, p, Metric::LostMarginPerDay, "Most margin lost per day"));
    }
    out.push_str(&abc(policies, t));
    out.push_str(&abc_xyz(policies, t));
    out
}

/// The `WORST` pairs of policy `p` with the largest mean `metric` (pairs where it is zero or
/// undefined left out), with fill rate and on hand beside it.
fn worst(t: &PairTable, p: usize, metric: Metric, title: &str) -> String {
    let mut rows: Vec<(usize, f64)> = (0..t.names.len())
        .map(|k| (k, t.mean(p, k, metric)))
        .filter(|(_, v)| v.is_finite() && *v > 0.0)
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let key = metric.def().key;
    let mut out = format!(
        "<p><strong>{title}</strong> ({} of {} pairs with any; mean ± 95 % half-width)</p><table><thead><tr><th>Location/item</th><th>{key}</th><th>Fill rate</th><th>Average on hand</th></tr></thead><tbody>",
        rows.len().min(WORST),
        t.names.len()
    );
    for &(k, _) in rows.iter().take(WORST) {
        let cell = |m: Metric, share: bool| {
            let (mean, half) = t.policies[p][k][m as usize];
            esc(&format_value(mean, half, share, false))
        };
        out.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&t.names[k]),
            cell(metric, false),
            cell(Metric::FillRate, true),
            cell(Metric::AvgOnHand, false)
        ));
    }
    out + "</tbody></table>"
}

/// Each pair's class, A, B or C (index = pair), by its demand value under the first policy:
/// revenue plus revenue lost per day where items have prices, else units demanded. Pairs are
/// sorted by value; A holds the first 80 % of the total, B the next 15 %, C the rest.
pub(crate) fn abc_classes(t: &PairTable) -> Vec<char> {
    let revenue = |k: usize| t.mean(0, k, Metric::RevenuePerDay) + t.mean(0, k, Metric::LostRevenuePerDay);
    let units = |k: usize| t.mean(0, k, Metric::DemandUnits).max(0.0);
    // One basis for the whole catalogue: revenue when every pair with demand has a revenue,
    // else units demanded (a mix of the two scales would not rank).
    let priced = |k: usize| (revenue(k).is_finite() && revenue(k) > 0.0) || units(k) <= 0.0;
    let by_revenue = (0..t.names.len()).all(priced);
    let value = |k: usize| if by_revenue { revenue(k) } else { units(k) };
    let mut pairs: Vec<(usize, f64)> = (0..t.names.len()).map(|k| (k, value(k))).collect();
    pairs.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total: f64 = pairs.iter().map(|p| if p.1.is_finite() { p.1 } else { 0.0 }).sum();
    let mut classes = vec!['C'; t.names.len()];
    let mut before = 0.0;
    for (k, v) in pairs {
        let share = if total > 0.0 { before / total } else { 1.0 };
        before += if v.is_finite() { v } else { 0.0 };
        classes[k] = if share < ABC_SHARES[0] {
            'A'
        } else if share < ABC_SHARES[1] {
            'B'
        } else {
            'C'
        };
    }
    classes
}

/// The ABC table: per class and policy, the pairs, the demand-weighted fill rate and the mean
/// units on hand summed over the class.
fn abc(policies: &[&str], t: &PairTable) -> String {
    let classes = abc_classes(t);
    let mut out = String::from(
        "<h3>Service and stock by ABC class</h3><p class=\"note\">Classes by demand value under the first policy (revenue plus revenue lost per day when every pair with demand has a price, else units demanded, for every pair alike): A holds the first 80 % of the total value, B the next 15 %, C the last 5 %. Fill rate: units filled over units demanded in the class (means); on hand: the class's mean units on hand, summed.</p><table><thead><tr><th>Class</th><th>Pairs</th>",
    );
    for name in policies {
        out.push_str(&format!("<th>{} fill rate</th><th>{} on hand</th>", esc(name), esc(name)));
    }
    out.push_str("</tr></thead><tbody>");
    for class in ['A', 'B', 'C'] {
        let members: Vec<usize> = (0..classes.len()).filter(|&k| classes[k] == class).collect();
        out.push_str(&format!("<tr><th scope=\"row\">{class}</th><td>{}</td>", members.len()));
        for p in 0..policies.len() {
            let (fill, on_hand, _) = group(t, p, &members);
            out.push_str(&format!("<td>{fill}</td><td>{on_hand:.1}</td>"));
        }
        out.push_str("</tr>");
    }
    out + "</tbody></table>"
}

/// The service and stock of the pairs `members` under policy `p`: the demand-weighted fill
/// rate ("n/a" without demand), the sum of mean units on hand and the sum of the mean
/// inventory investment (units on hand × unit purchase cost, where items have it).
fn group(t: &PairTable, p: usize, members: &[usize]) -> (String, f64, f64) {
    let (mut filled, mut demand, mut on_hand, mut invested) = (0.0, 0.0, 0.0, 0.0);
    for &k in members {
        let (d, f) = (t.mean(p, k, Metric::DemandUnits), t.mean(p, k, Metric::FillRate));
        if d.is_finite() && f.is_finite() {
            filled += f * d;
            demand += d;
        }
        on_hand += t.mean(p, k, Metric::AvgOnHand).max(0.0);
        invested += t.investment(p, k);
    }
    let fill = if demand > 0.0 { format!("{:.2} %", 100.0 * filled / demand) } else { "n/a".into() };
    (fill, on_hand, invested)
}

/// The ABC × XYZ table: per class pair (rows A-X … C-Z, and pairs without demand in the
/// model as "–"), the pairs, and per policy the fill rate, the units on hand and the inventory
/// investment of the class.
fn abc_xyz(policies: &[&str], t: &PairTable) -> String {
    let abc = abc_classes(t);
    let mut out = format!(
        "<h3>Service and stock by ABC/XYZ class</h3><p class=\"note\">ABC as above; XYZ by the coefficient of variation of each pair's daily demand in the model (weekday profile included): X up to {}, Y up to {}, Z above; – without demand in the model. Investment: mean units on hand × unit purchase cost, summed.</p><table><thead><tr><th>Class</th><th>Pairs</th>",
        XYZ_LIMITS[0], XYZ_LIMITS[1]
    );
    for name in policies {
        let name = esc(name);
        out.push_str(&format!("<th>{name} fill rate</th><th>{name} on hand</th><th>{name} investment</th>"));
    }
    out.push_str("</tr></thead><tbody>");
    for class in ['A', 'B', 'C'] {
        for xyz in [Some('X'), Some('Y'), Some('Z'), None] {
            let members: Vec<usize> =
                (0..abc.len()).filter(|&k| abc[k] == class && xyz_class(t.cv[k]) == xyz).collect();
            if members.is_empty() {
                continue;
            }
            let label = format!("{class}{}", xyz.map_or("–".into(), |c| c.to_string()));
            out.push_str(&format!("<tr><th scope=\"row\">{label}</th><td>{}</td>", members.len()));
            for p in 0..policies.len() {
                let (fill, on_hand, invested) = group(t, p, &members);
                out.push_str(&format!("<td>{fill}</td><td>{on_hand:.1}</td><td>{invested:.1}</td>"));
            }
            out.push_str("</tr>");
        }
    }
    out + "</tbody></table>"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xyz_classes_split_at_half_and_one() {
        let classes: Vec<Option<char>> =
            [0.0, 0.5, 0.5000001, 1.0, 1.0000001, 3.0, f64::NAN].map(xyz_class).into();
        assert_eq!(classes, [Some('X'), Some('X'), Some('Y'), Some('Y'), Some('Z'), Some('Z'), None]);
    }

    /// A table of one policy whose pairs have these (revenue per day, units demanded).
    fn table(pairs: &[(f64, f64)]) -> PairTable {
        let stats = pairs.iter().map(|&(revenue, units)| {
            let mut s: crate::report::pairs::PairStats = [(f64::NAN, f64::NAN); crate::metrics::N_METRICS];
            s[Metric::RevenuePerDay as usize].0 = revenue;
            s[Metric::LostRevenuePerDay as usize].0 = 0.0;
            s[Metric::DemandUnits as usize].0 = units;
            s
        });
        PairTable {
            names: (0..pairs.len()).map(|k| format!("store/sku{k}")).collect(),
            cv: vec![f64::NAN; pairs.len()],
            unit_cost: vec![0.0; pairs.len()],
            policies: vec![stats.collect()],
        }
    }

    #[test]
    fn abc_ranks_every_pair_on_one_basis() {
        // All priced: by revenue. sku0 has 90 % of the revenue (A) though the fewest units.
        let priced = table(&[(900.0, 10.0), (60.0, 500.0), (40.0, 490.0)]);
        assert_eq!(abc_classes(&priced), ['A', 'B', 'C']);
        // sku2 has no price: every pair by units (500 and 490 of 1,000 lead, sku0's 10 is C).
        // Mixing the scales (revenue 900 and 60 against 490 units) would give A, C, A.
        let mixed = table(&[(900.0, 10.0), (60.0, 500.0), (0.0, 490.0)]);
        assert_eq!(abc_classes(&mixed), ['C', 'A', 'A']);
    }

    #[test]
    fn demand_cv_counts_the_weekday_profile() {
        // Poisson, mean 100 every day: sd 10, CV 0.1 (variance over mean would give 1).
        assert!((demand_cv(&Prior { weekday_means: [100.0; 7], variance: 100.0 }) - 0.1).abs() < 1e-12);
        // Constant 6 on weekdays 1–5, 0 on day 0 and 12 on day 6: mean 6, variance 72/7.
        let prior = Prior { weekday_means: [0.0, 6.0, 6.0, 6.0, 6.0, 6.0, 12.0], variance: 0.0 };
        assert!((demand_cv(&prior) - (72.0f64 / 7.0).sqrt() / 6.0).abs() < 1e-12);
        assert!(demand_cv(&Prior { weekday_means: [0.0; 7], variance: 0.0 }).is_nan(), "no demand");
    }
}
