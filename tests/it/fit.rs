//! `scsim fit`: classification, fitted parameters within their sampling error, weekly profile
//! and trend detection, the format of demand.csv (the scenario `demand` table), errors located by file, line and column,
//! and a round trip through the simulator.

use std::fmt::Write as _;

use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Gamma, Poisson};
use rand_xoshiro::Xoshiro256PlusPlus;

use scsim::fit::{self, Class, Columns, PairFit, Silent};
use scsim::sim::dist::IntDist;

use crate::common;

fn rng(seed: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}

fn poisson(r: &mut Xoshiro256PlusPlus, mean: f64) -> u32 {
    if mean <= 0.0 { 0 } else { Poisson::new(mean).unwrap().sample(r) as u32 }
}

/// Negative binomial with this mean and sd, as a gamma–Poisson mixture (independent of the
/// simulator's samplers).
fn neg_bin(r: &mut Xoshiro256PlusPlus, mean: f64, sd: f64) -> u32 {
    let shape = mean * mean / (sd * sd - mean);
    let rate = Gamma::new(shape, mean / shape).unwrap().sample(r);
    poisson(r, rate)
}

/// `n` days of demand occurring with probability `p`, of size 1 + `size()`.
fn compound(
    r: &mut Xoshiro256PlusPlus,
    n: usize,
    p: f64,
    size: impl Fn(&mut Xoshiro256PlusPlus) -> u32,
) -> Vec<u32> {
    (0..n).map(|_| if r.random::<f64>() < p { 1 + size(r) } else { 0 }).collect()
}

fn fit_of(x: &[u32]) -> PairFit {
    fit::fit_series("l".into(), "i".into(), x)
}

#[test]
fn series_of_known_class_are_classified() {
    let mut r = rng(1);
    let n = 730;
    // Smooth: Poisson 20 every day (ADI 1, CV² 0.05). Erratic: demand on 95 % of days (ADI
    // 1.05) of size 1 + NB(10, sd 12) (CV² 1.19). Intermittent: 20 % of days (ADI 5) of size
    // 1 + Poisson(2) (CV² 0.22). Lumpy: 20 % of days of size 1 + NB(10, sd 12).
    let cases = [
        ((0..n).map(|_| poisson(&mut r, 20.0)).collect::<Vec<_>>(), Class::Smooth),
        (compound(&mut r, n, 0.95, |r| neg_bin(r, 10.0, 12.0)), Class::Erratic),
        (compound(&mut r, n, 0.2, |r| poisson(r, 2.0)), Class::Intermittent),
        (compound(&mut r, n, 0.2, |r| neg_bin(r, 10.0, 12.0)), Class::Lumpy),
    ];
    for (x, class) in cases {
        let (got, adi, cv2) = fit_of(&x).class.unwrap();
        assert_eq!(got, class, "ADI {adi}, CV² {cv2}");
    }
    // A pair that never sold has no class and a constant 0 demand.
    let none = fit_of(&[0; 100]);
    assert!(none.class.is_none() && none.choice.dist == IntDist::Constant(0));
}

/// Sample mean, variance and the standard error of the variance, sqrt((m₄ − s⁴)/n).
fn moments(x: &[u32]) -> (f64, f64, f64) {
    let n = x.len() as f64;
    let mean = x.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let var = x.iter().map(|&v| (f64::from(v) - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let m4 = x.iter().map(|&v| (f64::from(v) - mean).powi(4)).sum::<f64>() / n;
    (mean, var, ((m4 - var * var) / n).sqrt())
}

#[test]
fn poisson_and_negative_binomial_parameters_are_within_their_sampling_error() {
    let n = 2000;
    let mut r = rng(2);
    // Poisson(6): the mean's standard error is sqrt(λ/n).
    let x: Vec<u32> = (0..n).map(|_| poisson(&mut r, 6.0)).collect();
    let fitted = fit_of(&x).choice.dist;
    let se = (6.0 / n as f64).sqrt();
    assert!((fitted.mean() - 6.0).abs() < 4.0 * se, "{fitted:?}");
    // Whatever the family, its variance is the Poisson's within the sampling error of a
    // variance: (μ₄ − σ⁴)/n = (λ + 2λ²)/n.
    let var_se = ((6.0 + 2.0 * 36.0) / n as f64).sqrt();
    assert!((fitted.sd().powi(2) - 6.0).abs() < 4.0 * var_se + 1.0 / 12.0, "{fitted:?}");
    assert!(matches!(fitted, IntDist::Poisson { .. } | IntDist::NegativeBinomial { .. }), "{fitted:?}");

    // Negative binomial, mean 10, sd 5: an over-dispersed family (negative binomial, or the
    // rounded gamma, nearly the same law) with the true mean and sd.
    let x: Vec<u32> = (0..n).map(|_| neg_bin(&mut r, 10.0, 5.0)).collect();
    let fitted = fit_of(&x).choice.dist;
    let (_, _, var_se) = moments(&x);
    assert!((fitted.mean() - 10.0).abs() < 4.0 * 5.0 / (n as f64).sqrt(), "{fitted:?}");
    // sd error ≈ (variance error)/(2 sd); the rounded gamma's variance is 1/12 less.
    assert!((fitted.sd() - 5.0).abs() < 4.0 * var_se / 10.0 + 0.01, "{fitted:?}");
    assert!(matches!(fitted, IntDist::NegativeBinomial { .. } | IntDist::Gamma { .. }), "{fitted:?}");
    // The plausible wrong answer, a Poisson (variance = mean), is not chosen.
    assert!(!matches!(fitted, IntDist::Poisson { .. }));
}

#[test]
fn compound_parameters_are_within_their_sampling_error() {
    let (n, p, lambda) = (2000, 0.15, 3.0);
    let x = compound(&mut rng(3), n, p, |r| poisson(r, lambda));
    let fitted = fit_of(&x).choice.dist;
    let IntDist::Compound { probability, shift, ref size } = fitted else { panic!("{fitted:?}") };
    assert_eq!(shift, 1);
    // p̂: binomial standard error sqrt(p(1−p)/n); the size's mean: sqrt(λ/(n·p)).
    assert!((probability - p).abs() < 4.0 * (p * (1.0 - p) / n as f64).sqrt(), "{probability}");
    let size_se = (lambda / (n as f64 * p)).sqrt();
    assert!((size.mean() - lambda).abs() < 4.0 * size_se, "{size:?}");
}

#[test]
fn a_weekly_profile_is_found_where_there_is_one_and_only_there() {
    let profile = [0.5, 1.0, 1.0, 1.0, 2.0, 1.5, 0.0];
    let mut r = rng(4);
    for n in [728usize, 730] {
        let x: Vec<u32> = (0..n).map(|t| poisson(&mut r, 10.0 * profile[t % 7])).collect();
        let got = fit_of(&x).weekly_profile.expect("a strong profile is found");
        for (j, g) in got.iter().enumerate() {
            // Entry j is the weekday of day n + j, the day after the history being entry 0.
            let w = profile[(n + j) % 7];
            let se = (10.0 * w / (n / 7) as f64).sqrt() / 10.0;
            assert!((g - w).abs() < 4.0 * se + 0.02, "n {n}, entry {j}: {g} vs {w}");
        }
    }
    let flat: Vec<u32> = (0..730).map(|_| poisson(&mut r, 10.0)).collect();
    let f = fit_of(&flat);
    assert_eq!(f.weekly_profile, None);
    assert_eq!(f.trend_per_day, None);
    // A trend of +0.1 % of the starting level a day: the fitted slope relative to the level
    // of day n is 0.001 / (1 + 0.001 n).
    let x: Vec<u32> = (0..730).map(|t| poisson(&mut r, 20.0 * (1.0 + 0.001 * t as f64))).collect();
    let g = fit_of(&x).trend_per_day.expect("a trend");
    let expected = 0.001 / (1.0 + 0.73);
    assert!((g - expected).abs() < 0.25 * expected, "{g} vs {expected}");
}

/// Writes a long-format history and fits it.
fn fit_history(csv: &str) -> (tempfile::TempDir, fit::Fit) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.csv");
    std::fs::write(&path, csv).unwrap();
    let f = fit::fit(&path, &Columns::default(), &Silent).unwrap();
    (dir, f)
}

/// Days since 2024-01-01 as dates.
fn date(d: usize) -> String {
    fit::format_date(19_723 + d as i32)
}

/// A history of three pairs over 364 days: a Poisson(8) seller, an intermittent one and one
/// with a single row of 0 (a pair seen, never sold).
fn three_pairs() -> String {
    let mut r = rng(5);
    let mut csv = String::from("date,location,item,quantity\n");
    for d in 0..364 {
        let _ = writeln!(csv, "{},north,fast,{}", date(d), poisson(&mut r, 8.0));
        if r.random::<f64>() < 0.2 {
            let _ = writeln!(csv, "{},north,slow,{}", date(d), 1 + poisson(&mut r, 1.0));
        }
    }
    let _ = writeln!(csv, "{},south,none,0", date(3));
    csv
}

#[test]
fn demand_csv_is_the_c1_demand_table() {
    let (dir, f) = fit_history(&three_pairs());
    assert_eq!(f.start_date(), "2024-12-30");
    let out = dir.path().join("out");
    fit::write_outputs(&f, &out).unwrap();
    let text = std::fs::read_to_string(out.join("demand.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    // The key columns first, then only columns the demand table allows: distribution fields, a compound's
    // size_… fields, weekly_profile, trend_per_day.
    assert_eq!(header[..3], ["location", "item", "distribution"]);
    let allowed =
        ["value", "mean", "sd", "probability", "shift", "size_distribution", "size_mean", "size_sd"];
    assert!(
        header[3..].iter().all(|h| allowed.contains(h) || *h == "weekly_profile" || *h == "trend_per_day"),
        "{header:?}"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 3);
    fn cell<'a>(header: &[&str], row: &[&'a str], name: &str) -> &'a str {
        header.iter().position(|h| *h == name).map_or("", |i| row[i])
    }
    let cell = |row: &[&'_ str], name: &str| cell(&header, row, name).to_string();
    // Sorted by location then item; the never-sold pair is a constant 0.
    assert_eq!((rows[0][1], rows[1][1], rows[2][1]), ("fast", "slow", "none"));
    assert_eq!((cell(&rows[2], "distribution"), cell(&rows[2], "value")), ("constant".into(), "0".into()));
    // The intermittent pair is a compound of shifted sizes; every parameter is a number.
    assert_eq!(cell(&rows[1], "distribution"), "compound");
    assert_eq!(cell(&rows[1], "shift"), "1");
    assert!(["poisson", "negative_binomial"].contains(&cell(&rows[1], "size_distribution").as_str()));
    let p: f64 = cell(&rows[1], "probability").parse().unwrap();
    assert!((p - 0.2).abs() < 4.0 * (0.16f64 / 364.0).sqrt(), "{p}");
    let mean: f64 = cell(&rows[0], "mean").parse().unwrap();
    assert!((mean - 8.0).abs() < 4.0 * (8.0f64 / 364.0).sqrt(), "{mean}");
    for row in &rows {
        assert_eq!(row.len(), header.len());
        for (h, c) in header.iter().zip(row).skip(3) {
            assert!(c.is_empty() || *h == "size_distribution" || c.parse::<f64>().is_ok(), "{h}: {c}");
        }
    }
    // fit.csv: one row per pair with class, days and zero days.
    let fit_csv = std::fs::read_to_string(out.join("fit.csv")).unwrap();
    let slow = fit_csv.lines().find(|l| l.starts_with("north,slow,")).unwrap();
    assert!(slow.starts_with("north,slow,intermittent,"), "{slow}");
    let none = fit_csv.lines().find(|l| l.starts_with("south,none,")).unwrap();
    assert!(none.ends_with(",364,364"), "{none}");
}

#[test]
fn history_errors_are_located_by_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.csv");
    std::fs::write(
        &path,
        "date,location,item,quantity\n2024-01-01,a,b,3\n2024-13-01,a,b,1\n2024-01-03,a,b,-2\n",
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("scsim")
        .unwrap()
        .args(["fit"])
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    // Every problem at once, each with its line and column.
    assert!(err.contains("h.csv:3:date") && err.contains("YYYY-MM-DD"), "{err}");
    assert!(err.contains("h.csv:4:quantity") && err.contains("whole number"), "{err}");
    assert!(!dir.path().join("out").exists(), "nothing written on bad input");
    // A missing column names the header it found and the options.
    std::fs::write(&path, "day,sku,qty\n2024-01-01,b,3\n").unwrap();
    let e = fit::fit(&path, &Columns::default(), &Silent).unwrap_err().to_string();
    assert!(e.contains("h.csv:1:") && e.contains("day, sku, qty") && e.contains("--date-column"), "{e}");
}

#[test]
fn the_fitted_demand_reproduces_the_history_mean_in_the_simulator() {
    // Three pairs: smooth with a weekly profile, over-dispersed, intermittent.
    let mut r = rng(6);
    let profile = [1.0, 1.0, 1.0, 1.0, 1.5, 1.5, 0.0];
    let mut csv = String::from("date,location,item,quantity\n");
    let mut history = [Vec::new(), Vec::new(), Vec::new()];
    for d in 0..728 {
        let q = [
            poisson(&mut r, 12.0 * profile[d % 7]),
            neg_bin(&mut r, 6.0, 4.0),
            if r.random::<f64>() < 0.25 { 1 + neg_bin(&mut r, 3.0, 2.5) } else { 0 },
        ];
        for (k, (item, q)) in ["a", "b", "c"].iter().zip(q).enumerate() {
            let _ = writeln!(csv, "{},s,{item},{q}", date(d));
            history[k].push(q);
        }
    }
    let (_dir, f) = fit_history(&csv);
    let demand: Vec<String> = f.pairs.iter().map(demand_json).collect();
    let json = format!(
        r#"{{"schema_version": 1, "horizon_days": 728, "warmup_days": 0, "items": [{{"id": "a"}}, {{"id": "b"}}, {{"id": "c"}}],
        "locations": [{{"id": "s"}}], "suppliers": [{{"id": "v"}}],
        "lanes": [{{"id": "x", "from": "v", "to": "s", "lead_time": {{"type": "constant", "value": 1}}}}],
        "demand": [{}], "policies": [{{"name": "p", "inventory": {{"type": "base_stock", "S": 50}}}}]}}"#,
        demand.join(",")
    );
    let model = common::model(&json);
    let stats = common::run(&model, 20, 9);
    for (k, item) in ["a", "b", "c"].iter().enumerate() {
        let (h_mean, h_var, _) = moments(&history[k]);
        let sim = common::pair(&model, &stats, 0, &format!("s/{item}"), "demand_units").mean / 728.0;
        // The history's mean and the simulated mean each carry sampling error.
        let tol = 4.0 * (h_var / 728.0 + h_var / (728.0 * 20.0)).sqrt();
        assert!((sim - h_mean).abs() < tol, "{item}: simulated {sim} vs history {h_mean} ± {tol}");
    }
}

/// A fitted pair as a JSON demand entry: the demand.csv values copied into JSON (the tables
/// reader is another branch's).
fn demand_json(p: &PairFit) -> String {
    let mut s = format!(
        r#"{{"location": "{}", "item": "{}", "distribution": {}"#,
        p.location,
        p.item,
        dist_json(&p.choice.dist)
    );
    if let Some(w) = p.weekly_profile {
        let _ = write!(s, r#", "weekly_profile": {w:?}"#);
    }
    if let Some(g) = p.trend_per_day {
        let _ = write!(s, r#", "trend": {{"type": "linear", "per_day": {g}}}"#);
    }
    s + "}"
}

fn dist_json(d: &IntDist) -> String {
    match d {
        IntDist::Poisson { mean } => format!(r#"{{"type": "poisson", "mean": {mean}}}"#),
        IntDist::NegativeBinomial { mean, sd } => {
            format!(r#"{{"type": "negative_binomial", "mean": {mean}, "sd": {sd}}}"#)
        }
        IntDist::Gamma { mean, sd } => format!(r#"{{"type": "gamma", "mean": {mean}, "sd": {sd}}}"#),
        IntDist::Compound { probability, shift, size } => {
            format!(
                r#"{{"type": "compound", "probability": {probability}, "shift": {shift}, "size": {}}}"#,
                dist_json(size)
            )
        }
        other => panic!("fit does not write {other:?}"),
    }
}

#[test]
fn the_output_does_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.csv");
    std::fs::write(&path, three_pairs()).unwrap();
    let files = |threads: &str| {
        let out = dir.path().join(format!("out{threads}"));
        let stdout = assert_cmd::Command::cargo_bin("scsim")
            .unwrap()
            .arg("fit")
            .arg(&path)
            .args(["--quiet", "--threads", threads, "--out"])
            .arg(&out)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert!(String::from_utf8(stdout).unwrap().contains("start_date: 2024-12-30"));
        ["demand.csv", "fit.csv"].map(|f| std::fs::read(out.join(f)).unwrap())
    };
    assert_eq!(files("1"), files("3"));
}
