//! Demand models in the engine: every distribution family, bootstrap from history, weekly
//! profiles and trends produce the daily demand they describe.

use crate::common;

use scsim::model::Model;
use scsim::sim::engine::Workspace;

fn scenario(demand: &str, horizon: u32) -> String {
    format!(
        r#"{{"schema_version": 1, "horizon_days": {horizon},
        "items": [{{"id": "i"}}], "locations": [{{"id": "l"}}], "suppliers": [{{"id": "s"}}],
        "lanes": [{{"id": "x", "from": "s", "to": "l", "lead_time": {{"type": "constant", "value": 1}}}}],
        "demand": [{{"location": "l", "item": "i", {demand}}}],
        "policies": [{{"name": "p", "inventory": {{"type": "base_stock", "S": 100}}}}]}}"#
    )
}

/// Daily demand of `replications` replications, concatenated.
fn demands(m: &Model, replications: u64) -> Vec<i64> {
    let mut ws = Workspace::new(m);
    let mut out = Vec::new();
    for r in 0..replications {
        ws.run(m, 0, 99, r);
        out.extend(ws.days().iter().map(|d| d.demand));
    }
    out
}

fn mean_sd(xs: &[i64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<i64>() as f64 / n;
    let var = xs.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

#[test]
fn every_family_has_its_mean_and_spread() {
    // (distribution, exact mean, exact sd) of the whole-number values produced.
    let nb_sd = 8.0f64;
    let cases = [
        (r#"{"type": "poisson", "mean": 7.5}"#, 7.5, 7.5f64.sqrt()),
        (r#"{"type": "negative_binomial", "mean": 20, "sd": 8}"#, 20.0, nb_sd),
        (r#"{"type": "uniform", "min": 3, "max": 9}"#, 6.0, (48.0f64 / 12.0).sqrt()),
        (r#"{"type": "constant", "value": 4}"#, 4.0, 0.0),
        (r#"{"type": "empirical", "values": [0, 10], "weights": [3, 1]}"#, 2.5, 0.75f64.sqrt() * 5.0),
        // A normal far from 0 rounds symmetrically: the mean is kept, the variance gains 1/12.
        (r#"{"type": "normal", "mean": 50, "sd": 6}"#, 50.0, (36.0f64 + 1.0 / 12.0).sqrt()),
    ];
    for (dist, mean, sd) in cases {
        let m = common::model(&scenario(&format!(r#""distribution": {dist}"#), 4000));
        let xs = demands(&m, 5);
        let (got_mean, got_sd) = mean_sd(&xs);
        let se = sd / (xs.len() as f64).sqrt();
        assert!(
            (got_mean - mean).abs() <= 4.0 * se + 1e-12,
            "{dist}: mean {got_mean}, expected {mean} ± {}",
            4.0 * se
        );
        // The sample sd of 20,000 values is within a few percent of the true sd.
        assert!((got_sd - sd).abs() <= 0.05 * sd + 1e-12, "{dist}: sd {got_sd}, expected {sd}");
    }
}

#[test]
fn gamma_demand_has_the_rounded_gamma_mean() {
    // Rounding a continuous variable to the nearest integer moves its mean by much less than
    // the Monte-Carlo error here.
    let m = common::model(&scenario(r#""distribution": {"type": "gamma", "mean": 12, "sd": 5}"#, 4000));
    let xs = demands(&m, 5);
    let (mean, _) = mean_sd(&xs);
    assert!((mean - 12.0).abs() < 4.0 * 5.0 / (xs.len() as f64).sqrt() + 0.01, "{mean}");
}

#[test]
fn bootstrap_draws_days_of_history_uniformly() {
    let m = common::model(&scenario(
        r#""distribution": {"type": "bootstrap", "file": "data/history.csv", "column": "units"}"#,
        6000,
    ));
    let xs = demands(&m, 1);
    let history = [12, 0, 7, 30, 12, 5];
    assert!(xs.iter().all(|x| history.contains(x)), "only historical values");
    // 12 appears twice in six days: probability 1/3 (binomial sd 0.0061 over 6,000 days).
    let share12 = xs.iter().filter(|&&x| x == 12).count() as f64 / xs.len() as f64;
    assert!((share12 - 1.0 / 3.0).abs() < 4.0 * 0.0061, "{share12}");
    // Without a column name the first column is used: dates are not numbers, so it is rejected
    // with the file and line.
    let file = scsim::scenario::ScenarioFile::parse(
        scenario(r#""distribution": {"type": "bootstrap", "file": "data/history.csv"}"#, 10).as_bytes(),
        std::path::Path::new("tests/inline.json"),
    )
    .unwrap();
    let err = Model::build(&file).unwrap_err().to_string();
    assert!(err.contains("history.csv line 2") && err.contains("demand[0] (l/i).distribution.file"), "{err}");
}

#[test]
fn weekly_profile_and_trend_scale_the_mean() {
    let profile = [0.5, 1.0, 1.0, 1.0, 2.0, 1.5, 0.0];
    let m = common::model(&scenario(
        r#""distribution": {"type": "poisson", "mean": 10}, "weekly_profile": [0.5, 1, 1, 1, 2, 1.5, 0]"#,
        7 * 400,
    ));
    let xs = demands(&m, 2);
    for (wd, mult) in profile.iter().enumerate() {
        let day: Vec<i64> = xs.iter().enumerate().filter(|(d, _)| d % 7 == wd).map(|(_, &x)| x).collect();
        let (mean, _) = mean_sd(&day);
        let expected = 10.0 * mult;
        let se = (expected / day.len() as f64).sqrt();
        assert!((mean - expected).abs() <= 4.0 * se + 1e-12, "weekday {wd}: {mean} vs {expected}");
    }
    // Linear trend +0.1 % a day over 2,000 days: the last 500 days average 1 + 0.001 × 1749.5.
    let m = common::model(&scenario(
        r#""distribution": {"type": "poisson", "mean": 10}, "trend": {"type": "linear", "per_day": 0.001}"#,
        2000,
    ));
    let xs = demands(&m, 4);
    let tail: Vec<i64> = xs.chunks(2000).flat_map(|r| r[1500..].to_vec()).collect();
    let (mean, _) = mean_sd(&tail);
    let expected = 10.0 * (1.0 + 0.001 * 1749.5);
    assert!((mean - expected).abs() <= 4.0 * (expected / tail.len() as f64).sqrt(), "{mean} vs {expected}");
}

/// Sample variance and its standard error, sqrt((m₄ − s⁴)/n), from the sample's fourth
/// central moment.
fn variance_and_se(xs: &[i64]) -> (f64, f64) {
    let (mean, sd) = mean_sd(xs);
    let n = xs.len() as f64;
    let m4 = xs.iter().map(|&x| (x as f64 - mean).powi(4)).sum::<f64>() / n;
    (sd * sd, ((m4 - sd.powi(4)) / n).sqrt())
}

#[test]
fn compound_demand_has_the_closed_form_mean_and_variance() {
    // (distribution, p, size mean μ, size variance σ²): mean p·μ, variance p·σ² + p(1−p)·μ².
    let cases = [
        (
            r#"{"type": "compound", "probability": 0.3, "size": {"type": "negative_binomial", "mean": 6, "sd": 3}}"#,
            0.3,
            6.0,
            9.0,
        ),
        (
            r#"{"type": "compound", "probability": 0.1, "shift": 1, "size": {"type": "poisson", "mean": 4}}"#,
            0.1,
            5.0,
            4.0,
        ),
        (
            r#"{"type": "compound", "probability": 1, "size": {"type": "constant", "value": 3}}"#,
            1.0,
            3.0,
            0.0,
        ),
    ];
    for (dist, p, mu, var) in cases {
        let m = common::model(&scenario(&format!(r#""distribution": {dist}"#), 4000));
        let xs = demands(&m, 5);
        let n = xs.len() as f64;
        let (mean, _) = mean_sd(&xs);
        let true_var: f64 = p * var + p * (1.0 - p) * mu * mu;
        let mean_tol = 4.0 * (true_var / n).sqrt() + 1e-12;
        assert!((mean - p * mu).abs() <= mean_tol, "{dist}: mean {mean}, expected {} ± {mean_tol}", p * mu);
        let (got_var, se) = variance_and_se(&xs);
        let tol = 4.0 * se + 1e-12;
        assert!((got_var - true_var).abs() <= tol, "{dist}: variance {got_var}, expected {true_var} ± {tol}");
        // The plausible wrong answer, the size's variance scaled by p without the occurrence
        // term p(1−p)μ², is rejected.
        let wrong = p * var;
        if p < 1.0 {
            assert!((got_var - wrong).abs() > tol, "{dist}: {got_var} also matches the wrong {wrong}");
        }
    }
}

#[test]
fn compound_demand_is_validated() {
    let bad = [
        (
            r#"{"type": "compound", "probability": 0, "size": {"type": "poisson", "mean": 4}}"#,
            "distribution.probability",
        ),
        (
            r#"{"type": "compound", "probability": 1.5, "size": {"type": "poisson", "mean": 4}}"#,
            "distribution.probability",
        ),
        (
            r#"{"type": "compound", "probability": 0.5, "size": {"type": "compound", "probability": 0.5, "size": {"type": "constant", "value": 1}}}"#,
            "distribution.size.type",
        ),
        (
            r#"{"type": "compound", "probability": 0.5, "size": {"type": "poisson", "mean": -1}}"#,
            "distribution.size.mean",
        ),
        (
            r#"{"type": "compound", "probability": 0.5, "shift": -2, "size": {"type": "poisson", "mean": 1}}"#,
            "distribution.shift",
        ),
    ];
    for (dist, path) in bad {
        let file = scsim::scenario::ScenarioFile::parse(
            scenario(&format!(r#""distribution": {dist}"#), 10).as_bytes(),
            std::path::Path::new("tests/inline.json"),
        )
        .unwrap();
        let err = Model::build(&file).unwrap_err().to_string();
        assert!(err.contains(path), "{dist}: {err}");
    }
}
