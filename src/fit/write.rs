//! The files of a fit: `demand.csv` (strictly the `demand` table of scenario `tables`: only the columns some row
//! uses) and `fit.csv` (the figures of every pair).

use std::path::Path;

use super::{Fit, FitError, PairFit};
use crate::sim::dist::IntDist;

/// Distribution fields in the order their columns are written.
const FIELDS: [&str; 8] =
    ["value", "mean", "sd", "probability", "shift", "size_distribution", "size_mean", "size_sd"];

/// Writes `DIR/demand.csv` and `DIR/fit.csv` (creating `dir`), each replaced whole.
pub fn write_outputs(fit: &Fit, dir: &Path) -> Result<(), FitError> {
    std::fs::create_dir_all(dir).map_err(|e| FitError::Write(dir.to_path_buf(), e))?;
    for (name, bytes) in [("demand.csv", demand_csv(fit)), ("fit.csv", fit_csv(fit))] {
        let path = dir.join(name);
        crate::report::write_atomic(&path, &bytes).map_err(|e| FitError::Write(path, e))?;
    }
    Ok(())
}

/// The `demand` table of scenario `tables`: `location,item,distribution`, the distribution fields some row uses,
/// then `weekly_profile` and `trend_per_day` when some row has them.
pub(crate) fn demand_csv(fit: &Fit) -> Vec<u8> {
    let rows: Vec<Vec<(&str, String)>> = fit.pairs.iter().map(|p| fields(&p.choice.dist)).collect();
    let used: Vec<&str> =
        FIELDS.into_iter().filter(|f| rows.iter().any(|r| r.iter().any(|(k, _)| k == f))).collect();
    let profile = fit.pairs.iter().any(|p| p.weekly_profile.is_some());
    let trend = fit.pairs.iter().any(|p| p.trend_per_day.is_some());
    let mut header = vec!["location", "item", "distribution"];
    header.extend(&used);
    header.extend(profile.then_some("weekly_profile"));
    header.extend(trend.then_some("trend_per_day"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).expect("writing to memory");
    for (p, row) in fit.pairs.iter().zip(&rows) {
        let mut rec = vec![p.location.clone(), p.item.clone(), family(&p.choice.dist).to_string()];
        rec.extend(
            used.iter().map(|f| row.iter().find(|(k, _)| k == f).map_or(String::new(), |(_, v)| v.clone())),
        );
        if profile {
            rec.push(profile_cell(p));
        }
        if trend {
            rec.push(p.trend_per_day.map_or(String::new(), num));
        }
        w.write_record(&rec).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// `fit.csv`: one row per pair with its class, figures and fitted model.
pub(crate) fn fit_csv(fit: &Fit) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["location", "item", "class", "adi", "cv2", "distribution"];
    header.extend(&FIELDS[1..]);
    header.extend([
        "daily_mean",
        "aic",
        "ks_distance",
        "weekly_profile",
        "trend_per_day",
        "days",
        "zero_days",
    ]);
    w.write_record(&header).expect("writing to memory");
    for p in &fit.pairs {
        w.write_record(fit_row(p)).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

fn fit_row(p: &PairFit) -> Vec<String> {
    let dist = &p.choice.dist;
    let row = fields(dist);
    let (class, adi, cv2) = match p.class {
        Some((c, adi, cv2)) => (c.name().to_string(), num(adi), num(cv2)),
        None => Default::default(),
    };
    let mut rec = vec![p.location.clone(), p.item.clone(), class, adi, cv2, family(dist).to_string()];
    rec.extend(
        FIELDS[1..]
            .iter()
            .map(|f| row.iter().find(|(k, _)| k == f).map_or(String::new(), |(_, v)| v.clone())),
    );
    let has_demand = p.class.is_some();
    let figure = |x: f64| if has_demand { num(x) } else { String::new() };
    rec.extend([num(dist.mean()), figure(p.choice.aic), figure(p.choice.ks), profile_cell(p)]);
    rec.extend([p.trend_per_day.map_or(String::new(), num), p.days.to_string(), p.zero_days.to_string()]);
    rec
}

/// The distribution's `type` in a scenario.
fn family(dist: &IntDist) -> &'static str {
    match dist {
        IntDist::Constant(_) => "constant",
        IntDist::Poisson { .. } => "poisson",
        IntDist::Normal { .. } => "normal",
        IntDist::NegativeBinomial { .. } => "negative_binomial",
        IntDist::Gamma { .. } => "gamma",
        IntDist::Uniform { .. } => "uniform",
        IntDist::Discrete { .. } => "empirical",
        IntDist::Compound { .. } => "compound",
    }
}

/// The distribution's fields as demand-table columns (a compound's size as `size_…`).
fn fields(dist: &IntDist) -> Vec<(&'static str, String)> {
    match *dist {
        IntDist::Constant(v) => vec![("value", v.to_string())],
        IntDist::Poisson { mean } => vec![("mean", num(mean))],
        IntDist::Normal { mean, sd }
        | IntDist::NegativeBinomial { mean, sd }
        | IntDist::Gamma { mean, sd } => {
            vec![("mean", num(mean)), ("sd", num(sd))]
        }
        IntDist::Compound { probability, shift, ref size } => {
            let mut out = vec![("probability", num(probability)), ("shift", shift.to_string())];
            out.push(("size_distribution", family(size).to_string()));
            for (k, v) in fields(size) {
                out.push((if k == "mean" { "size_mean" } else { "size_sd" }, v));
            }
            out
        }
        IntDist::Uniform { .. } | IntDist::Discrete { .. } => unreachable!("fit never chooses {dist:?}"),
    }
}

fn profile_cell(p: &PairFit) -> String {
    p.weekly_profile.map_or(String::new(), |w| w.iter().map(|&x| num(x)).collect::<Vec<_>>().join(" "))
}

/// A number to six significant digits, in the shortest form that reads back as that.
fn num(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return if x.is_finite() { "0".into() } else { String::new() };
    }
    let digits = 5 - x.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits);
    let rounded = if digits >= 0 {
        (x * scale).round() / scale
    } else {
        (x / 10f64.powi(-digits)).round() * 10f64.powi(-digits)
    };
    format!("{rounded}")
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_have_six_significant_digits() {
        assert_eq!(num(3.424_657_534_2), "3.42466");
        assert_eq!(num(0.000_123_456_78), "0.000123457");
        assert_eq!(num(1_234_567.0), "1234570");
        assert_eq!(num(-0.5), "-0.5");
        assert_eq!(num(0.0), "0");
    }
}
