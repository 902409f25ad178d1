//! Comparison statistics: multiple comparisons with the best (marks and ties), the all-pairs
//! matrix of paired differences, the simultaneous error rate, the recommendation sentence and
//! the console table's width.

use std::collections::BTreeMap;
use std::path::Path;

use rand_distr::{Distribution, Normal};
use rand_xoshiro::SplitMix64;
use rand_xoshiro::rand_core::SeedableRng;
use scsim::experiment::compare::{self, Pairs, Sample, Verdict};
use scsim::experiment::stats::Moments;
use scsim::metrics::{Better, Metric, SupplierMetric};
use scsim::model::{Objective, Target};
use scsim::report::json::{Metrics, PolicySummary, Stat};
use scsim::report::verdicts::comparison;

/// The paired difference `x − y` of two series of replications.
fn paired(x: &[f64], y: &[f64]) -> Sample {
    let mut m = Moments::default();
    x.iter().zip(y).for_each(|(a, b)| m.push(a - b));
    Sample::from(&m)
}

/// The MCB verdict on series of replications, one per policy.
fn verdict(better: Better, series: &[Vec<f64>]) -> Verdict {
    let diff = |i: usize, j: usize| paired(&series[i], &series[j]);
    let pairs = Pairs { k: series.len(), replications: series[0].len() as u64, diff: &diff };
    compare::verdict(better, &pairs, &(0..series.len()).collect::<Vec<_>>())
}

/// `n` values with mean exactly `mean` and sample standard deviation exactly `sd`:
/// `mean ± sd·sqrt((n−1)/n)` alternating (n even).
fn spread(n: usize, mean: f64, sd: f64) -> Vec<f64> {
    let a = sd * ((n - 1) as f64 / n as f64).sqrt();
    (0..n).map(|i| if i % 2 == 0 { mean + a } else { mean - a }).collect()
}

#[test]
fn a_clearly_better_policy_gets_the_mark() {
    // Common noise (the shared random numbers) plus policy effects 0, +5, +3 on a cost; the
    // paired differences have spread 0.5: every difference is at least 6 margins from zero.
    let common: Vec<f64> = (0..20).map(|r| 100.0 + 7.0 * ((r * 37 % 11) as f64 - 5.0)).collect();
    let wobble = spread(20, 0.0, 0.5);
    let series: Vec<Vec<f64>> = [0.0, 5.0, 3.0]
        .iter()
        .enumerate()
        .map(|(p, e)| {
            common.iter().zip(&wobble).map(|(c, w)| c + e + if p == 1 { *w } else { 0.0 }).collect()
        })
        .collect();
    assert_eq!(verdict(Better::Lower, &series), Verdict::Best(0));
    // The same numbers as a service level (higher is better): policy 1 wins.
    assert_eq!(verdict(Better::Higher, &series), Verdict::Best(1));
}

#[test]
fn identical_policies_tie_and_get_no_mark() {
    let x: Vec<f64> = (0..20).map(|r| 0.9 + 0.01 * (r % 7) as f64).collect();
    assert_eq!(verdict(Better::Higher, &[x.clone(), x.clone()]), Verdict::Tie(vec![0, 1]));
    // Both at 100 % in every replication: a tie, not a star.
    let full = vec![1.0; 20];
    assert_eq!(verdict(Better::Higher, &[full.clone(), full.clone(), x]), Verdict::Tie(vec![0, 1]));
}

#[test]
fn close_service_levels_within_their_intervals_get_no_mark() {
    // 98.22 % ± 0.14 against 98.11 % ± 0.14 over 20 replications: sd = 0.14 % · √20 / t(19)
    // = 0.30 %. With independent noise the paired difference has sd 0.42 %, and 0.11 % is
    // within its margin t₀.₉₅(19) · 0.42 % / √20 = 0.16 %.
    // The two series' deviations are orthogonal (+−+− and ++−−), as independent noise is on
    // average: the paired sd is exactly √2 · sd.
    let sd = 0.0014 * 20f64.sqrt() / 2.093;
    let a = spread(20, 0.9822, sd);
    let pattern = spread(20, 0.0, sd);
    let b: Vec<f64> = (0..20).map(|i| 0.9811 + pattern[i / 2 * 2 + (i / 2) % 2]).collect();
    assert!((paired(&a, &b).sd - 2f64.sqrt() * sd).abs() < 1e-12, "{:?}", paired(&a, &b));
    assert!((paired(&a, &b).mean - 0.0011).abs() < 1e-12);
    assert_eq!(verdict(Better::Higher, &[a.clone(), b.clone()]), Verdict::Tie(vec![0, 1]));
    // The plausible wrong answer, "the larger mean wins", would mark the first.
    assert!(a.iter().sum::<f64>() > b.iter().sum::<f64>());
}

#[test]
fn undefined_values_and_metrics_no_policy_decides_are_never_marked() {
    let good = vec![1.0; 10];
    let bad = vec![5.0; 10];
    assert_eq!(verdict(Better::Lower, &[good.clone(), bad.clone()]), Verdict::Best(0));
    assert_eq!(verdict(Better::External, &[good.clone(), bad.clone()]), Verdict::Unmarked);
    assert_eq!(verdict(Better::Neither, &[good.clone(), bad.clone()]), Verdict::Unmarked);
    // Undefined in some replications (a mean wait with no backorders): not compared.
    let mut gaps = good.clone();
    gaps[3] = f64::NAN;
    assert_eq!(verdict(Better::Lower, &[gaps, bad.clone()]), Verdict::Unmarked);
    assert_eq!(verdict(Better::Lower, &[vec![f64::NAN; 10], bad]), Verdict::Unmarked);
    for m in [SupplierMetric::LeadTimeDays, SupplierMetric::Availability, SupplierMetric::DownDays] {
        assert_eq!(m.def().better, Better::External, "{}", m.def().key);
    }
}

#[test]
fn in_a_shipped_run_marks_follow_the_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let args = ["run", "scenarios/multi-supplier.json", "--replications", "8", "--days", "200"];
    crate::common::run_scsim(&args, &out);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let marks = &summary["comparison"]["marks"];
    // The good policies never backorder, so their mean wait is undefined (n/a): no mark, even
    // though the policy with almost no fill rate has the only (and so "smallest") value.
    assert!(marks.get("wait_mean_days").is_none(), "{marks}");
    assert!(marks.get("demand_units").is_none(), "no direction");
    let mut tied: Vec<&str> =
        marks["fill_rate"]["tie"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    tied.sort_unstable();
    assert_eq!(tied, ["overseas-with-local-backup", "split-70-30"], "{marks}");
    // The matrix: antisymmetric, and each entry the difference of the two policies' means.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let opening =
        html.find("<p class=\"recommendation\">").expect("the report opens with the recommendation");
    assert!(opening < html.find("<h2>").unwrap());
    assert!(html.contains("<h2>Every pair of policies</h2>"));
    let text = summary["comparison"]["recommendation"]["text"].as_str().unwrap();
    assert!(text.starts_with("Recommended: overseas-with-local-backup"), "{text}");
    let policies = summary["policies"].as_array().unwrap();
    for a in policies {
        for b in policies.iter().filter(|b| b["name"] != a["name"]) {
            let (na, nb) = (a["name"].as_str().unwrap(), b["name"].as_str().unwrap());
            for key in ["fill_rate", "cost_total_per_day", "avg_on_hand"] {
                let ab = a["differences"][nb][key]["mean"].as_f64().unwrap();
                let ba = b["differences"][na][key]["mean"].as_f64().unwrap();
                assert_eq!(ab, -ba, "{na} {nb} {key}");
                let means =
                    a["total"][key]["mean"].as_f64().unwrap() - b["total"][key]["mean"].as_f64().unwrap();
                assert!(
                    (ab - means).abs() <= 1e-9 * means.abs().max(1.0),
                    "{na} {nb} {key}: {ab} vs {means}"
                );
                assert_eq!(a["differences"][nb][key]["n"], 8);
            }
        }
        let baseline = policies[0]["name"].as_str().unwrap();
        if a["name"] != baseline {
            assert_eq!(a["difference_vs_baseline"], a["differences"][baseline]);
        }
    }
}

/// Draws `n` normal replications of `k` independent policies with the given means and sd 1.
fn draw(rng: &mut SplitMix64, means: &[f64], n: usize) -> Vec<Vec<f64>> {
    let normal = Normal::new(0.0, 1.0).unwrap();
    means.iter().map(|m| (0..n).map(|_| m + normal.sample(rng)).collect()).collect()
}

#[test]
fn the_simultaneous_error_rate_holds_on_normal_data() {
    // Two policies, the second worse by a hair (the least favourable case): it is marked
    // exactly when its paired t statistic exceeds t₀.₉₅(n−1), probability 0.05 (→ α as the
    // gap → 0). 4,000 trials: standard error √(0.05 · 0.95 / 4000) = 0.0034; tolerance
    // 4 standard errors (0.014). A two-sided 95 % rule (0.025) or counting a mark of either
    // policy as wrong (0.10) is rejected.
    let mut rng = SplitMix64::seed_from_u64(7);
    let trials = 4000;
    let wrong = (0..trials)
        .filter(|_| verdict(Better::Higher, &draw(&mut rng, &[1e-9, 0.0], 10)) == Verdict::Best(1))
        .count();
    let rate = wrong as f64 / trials as f64;
    assert!((rate - 0.05).abs() < 0.014, "rate {rate}");
    // Four policies, three worse by a hair: marking any of them is an error, at most α
    // (Bonferroni) plus 4 standard errors.
    let wrong = (0..trials)
        .filter(|_| matches!(verdict(Better::Higher, &draw(&mut rng, &[1e-9, 0.0, 0.0, 0.0], 10)), Verdict::Best(p) if p != 0))
        .count();
    let rate = wrong as f64 / trials as f64;
    assert!(rate < 0.05 + 0.014, "rate {rate}");
    // A clear gap is found nearly always (power), so the procedure is not vacuous.
    let found = (0..400)
        .filter(|_| verdict(Better::Higher, &draw(&mut rng, &[2.0, 0.0, 0.0], 10)) == Verdict::Best(0))
        .count();
    assert!(found > 360, "found {found} of 400");
}

/// A policy's summary with only what the comparison reads: its total cost and its paired
/// differences to the others.
fn policy(name: &str, costs: &[f64], others: &[(&str, &[f64])]) -> PolicySummary {
    let stat = |m: &Moments| Stat::of(m);
    let moments = |xs: &mut dyn Iterator<Item = f64>| {
        let mut m = Moments::default();
        xs.for_each(|x| m.push(x));
        m
    };
    let metric = |m: Moments| -> Metrics { BTreeMap::from([("cost_total_per_day".to_string(), stat(&m))]) };
    let mut total = metric(moments(&mut costs.iter().copied()));
    // The fill rate rises with the cost: 1 − (110 − mean cost) / 100.
    let fill = 1.0 - (110.0 - total["cost_total_per_day"].mean.unwrap()) / 100.0;
    total.insert("fill_rate".into(), stat(&moments(&mut std::iter::repeat_n(fill, costs.len()))));
    PolicySummary {
        name: name.into(),
        description: String::new(),
        total,
        difference_vs_baseline: None,
        differences: others
            .iter()
            .map(|(o, ys)| (o.to_string(), metric(moments(&mut costs.iter().zip(*ys).map(|(a, b)| a - b)))))
            .collect(),
        pairs: BTreeMap::new(),
        suppliers: BTreeMap::new(),
        segments: BTreeMap::new(),
        lanes: BTreeMap::new(),
        orders: BTreeMap::new(),
        wait_histogram: Vec::new(),
    }
}

#[test]
fn the_recommendation_names_a_clear_winner_with_its_gain() {
    let a: Vec<f64> = (0..20).map(|r| 100.0 + (r % 5) as f64).collect();
    let wobble = spread(20, 10.0, 1.0);
    let b: Vec<f64> = a.iter().zip(&wobble).map(|(x, w)| x + w).collect();
    let policies = [policy("lean", &b, &[("smart", &a)]), policy("smart", &a, &[("lean", &b)])];
    let c = comparison(&policies, 20, &Objective::total_cost());
    let r = &c.recommendation;
    assert_eq!(r.policy.as_deref(), Some("smart"));
    assert_eq!(r.compared, ["lean"]);
    // Gain 10 exactly; margin t₀.₉₅(19) · 1 / √20 = 1.729 / 4.472 = 0.387.
    assert!((r.gain.unwrap() - 10.0).abs() < 1e-9);
    assert!((r.margin.unwrap() - 1.7291 / 20f64.sqrt()).abs() < 1e-3, "{:?}", r.margin);
    assert!(r.text.starts_with("Recommended: smart has the lowest total cost per day"), "{}", r.text);
    assert!(r.text.contains("10.0 cost/day lower than the runner-up lean"), "{}", r.text);
    assert!(r.text.contains("at least 9.6"), "{}", r.text);
}

#[test]
fn the_recommendation_says_when_the_top_policies_cannot_be_told_apart() {
    let a: Vec<f64> = (0..20).map(|r| 100.0 + (r % 5) as f64).collect();
    let wobble = spread(20, 0.5, 5.0);
    let b: Vec<f64> = a.iter().zip(&wobble).map(|(x, w)| x + w).collect();
    let policies = [policy("one", &b, &[("two", &a)]), policy("two", &a, &[("one", &b)])];
    let r = comparison(&policies, 20, &Objective::total_cost()).recommendation;
    assert_eq!(r.policy, None);
    assert_eq!(r.compared, ["two", "one"]);
    // ((z₀.₉₅ + z₀.₈) · sd / |mean|)² = ((1.6449 + 0.8416) · 5 / 0.5)² = 618.3 → 619.
    assert_eq!(r.replications_needed, Some(619));
    assert!(
        r.text.starts_with("two and one cannot be told apart on total cost per day at 20 replications"),
        "{}",
        r.text
    );
    assert!(r.text.contains("about 619 replications would likely separate two from one"), "{}", r.text);
    // Identical in every replication: no number of replications separates them.
    let policies = [policy("one", &a, &[("two", &a)]), policy("two", &a, &[("one", &a)])];
    let r = comparison(&policies, 20, &Objective::total_cost()).recommendation;
    assert_eq!(r.replications_needed, None);
    assert!(r.text.contains("identical in every replication"), "{}", r.text);
}

#[test]
fn the_recommendation_meets_the_service_targets() {
    // "cheap" costs 100 and fills 90 %, "safe" costs 110 and fills 100 % (the helper's rule).
    let cheap: Vec<f64> = (0..20).map(|r| 99.0 + (r % 3) as f64 + if r < 2 { 0.5 } else { 0.0 }).collect();
    let safe: Vec<f64> = cheap.iter().zip(spread(20, 10.0, 1.0)).map(|(x, w)| x + w).collect();
    let policies = [policy("cheap", &cheap, &[("safe", &safe)]), policy("safe", &safe, &[("cheap", &cheap)])];
    let target = Target { metric: Metric::FillRate, bound: 0.97, at_least: true };
    let goal = Objective { targets: vec![target], ..Objective::total_cost() };
    let r = comparison(&policies, 20, &goal).recommendation;
    assert_eq!(r.policy.as_deref(), Some("safe"), "{}", r.text);
    assert!(r.text.contains("safe is the only policy that meets the service targets"), "{}", r.text);
    assert!(r.text.contains("It meets the service targets: fill rate ≥ 97.0%"), "{}", r.text);
    // Without the target the cheaper policy wins.
    let r = comparison(&policies, 20, &Objective::total_cost()).recommendation;
    assert_eq!(r.policy.as_deref(), Some("cheap"), "{}", r.text);
    // A target nobody meets: no recommendation.
    let goal = Objective { targets: vec![Target { bound: 1.5, ..target }], ..Objective::total_cost() };
    let r = comparison(&policies, 20, &goal).recommendation;
    assert_eq!(r.policy, None);
    assert!(r.text.starts_with("No policy meets the service targets (fill rate)"), "{}", r.text);
}

#[test]
fn the_console_table_fits_120_columns_on_every_shipped_scenario() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue; // a folder of tables (scenarios/catalog/)
        }
        let out = dir.path().join(path.file_stem().unwrap());
        let output = assert_cmd::Command::cargo_bin("scsim")
            .unwrap()
            .args(["run", path.to_str().unwrap(), "--replications", "4", "--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", Path::new(&path).display());
        let text = String::from_utf8(output.stdout).unwrap();
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        assert!(widest <= 120, "{}: {widest} columns\n{text}", path.display());
        // The objective's column: cost (cost/day) or profit (money/day), a rate per day.
        assert!(text.contains("(cost/day)") || text.contains("(money/day)"), "{text}");
        assert!(!text.contains("Lost sales (units)"), "a total beside per-day columns\n{text}");
    }
}

#[test]
fn the_console_names_dropped_columns_and_follows_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("q");
    let args = ["run", "scenarios/quickstart.json", "--replications", "4", "--days", "120", "--wide"];
    let output = assert_cmd::Command::cargo_bin("scsim")
        .unwrap()
        .args(args)
        .args(["--baseline", "min-max", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    // In quickstart the ready rate equals the cycle service level for every policy (the
    // README's earlier table showed both columns, equal digit for digit).
    assert!(text.contains("Ready rate (identical to Cycle service level)"), "{text}");
    assert!(text.contains("Lost sales (zero for every policy)"), "{text}");
    assert!(text.contains("Paired difference to min-max"), "{text}");
    assert!(text.contains("Walk-aways") || text.contains("Holding cost"), "--wide adds columns\n{text}");
}
