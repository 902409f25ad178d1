//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;

use scsim::experiment::stats::Moments;
use scsim::experiment::{self, RunSpec, RunStats};
use scsim::metrics::{check_network, metric_index};
use scsim::model::Model;
use scsim::scenario::ScenarioFile;
use scsim::scenario::error::{Problem, ScenarioError};
use scsim::sim::engine::Workspace;

/// Builds a model from scenario JSON text (relative files resolve against `tests/`).
pub fn model(json: &str) -> Model {
    let file = ScenarioFile::parse(json.as_bytes(), Path::new("tests/inline.json")).expect("scenario parses");
    Model::build(&file).unwrap_or_else(|e| panic!("scenario is valid: {e}"))
}

/// The problems found in scenario JSON text (relative files resolve against `tests/`): every
/// problem of an invalid scenario, or the one shape error (wrong type, unknown or missing
/// field) as a problem at its path; none for a valid scenario.
pub fn problems(json: &str) -> Vec<Problem> {
    let built =
        ScenarioFile::parse(json.as_bytes(), Path::new("tests/inline.json")).and_then(|f| Model::build(&f));
    match built {
        Ok(_) => Vec::new(),
        Err(ScenarioError::Invalid { problems, .. }) => problems,
        Err(e) => panic!("neither valid nor invalid: {e}"),
    }
}

/// Runs `scsim ARGS --quiet --out OUT` and asserts that it succeeds.
pub fn run_scsim(args: &[&str], out: &Path) {
    assert_cmd::Command::cargo_bin("scsim")
        .expect("binary builds")
        .args(args)
        .arg("--quiet")
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// Reads and builds the scenario file at `path`.
pub fn load(path: &Path) -> Model {
    let file = ScenarioFile::read(path).unwrap_or_else(|e| panic!("{} reads: {e}", path.display()));
    Model::build(&file).unwrap_or_else(|e| panic!("{} is valid: {e}", path.display()))
}

/// Runs every replication and returns the statistics.
pub fn run(model: &Model, replications: u32, seed: u64) -> RunStats {
    let spec = RunSpec { replications, seed, baseline: 0, daily: true };
    experiment::run(model, &spec, &mut |_| {}, &|_| {})
}

/// The total moments of metric `key` for policy `p`.
pub fn total(stats: &RunStats, p: usize, key: &str) -> Moments {
    stats.policies[p].ordered.total[metric_index(key).expect("known metric")]
}

/// Runs each replication of each policy directly and checks the conservation ledger of every
/// pair and of the network as a whole (panics on the first broken ledger).
pub fn check_conservation(model: &Model, replications: u32, seed: u64) {
    let mut ws = Workspace::new(model);
    for r in 0..replications {
        for p in 0..model.policies.len() {
            ws.run(model, p, seed, r as u64);
            for (pair, ledger) in model.pairs.iter().zip(ws.ledgers()) {
                if let Err(e) = ledger.check() {
                    panic!("replication {r}, policy {}, pair {}: {e}", model.policies[p].name, pair.name);
                }
            }
            if let Err(e) = check_network(ws.ledgers()) {
                panic!("replication {r}, policy {}: {e}", model.policies[p].name);
            }
        }
    }
}

/// The moments of metric `key` for policy `p` at the pair named `name` (`location/item`).
pub fn pair(model: &Model, stats: &RunStats, p: usize, name: &str, key: &str) -> Moments {
    let k = model.pairs.iter().position(|x| x.name == name).expect("known pair");
    stats.policies[p].ordered.pairs[k][metric_index(key).expect("known metric")]
}

/// Poisson probabilities P(D = 0..=n) for mean `mu`, computed in log space (independently of
/// the engine's tables).
pub fn poisson_pmf(mu: f64, n: usize) -> Vec<f64> {
    (0..=n)
        .map(|k| {
            if mu == 0.0 {
                return if k == 0 { 1.0 } else { 0.0 };
            }
            let ln_fact: f64 = (1..=k).map(|i| (i as f64).ln()).sum();
            (k as f64 * mu.ln() - mu - ln_fact).exp()
        })
        .collect()
}

/// E[(s - D)^+] for D ~ Poisson(mu).
pub fn poisson_positive_part(s: i64, mu: f64) -> f64 {
    if s <= 0 {
        return 0.0;
    }
    poisson_pmf(mu, s as usize).iter().enumerate().map(|(d, p)| (s - d as i64) as f64 * p).sum()
}

/// E[(D - s)^+] for D ~ Poisson(mu).
pub fn poisson_excess(s: i64, mu: f64) -> f64 {
    mu - s as f64 + poisson_positive_part(s, mu)
}

/// Asserts that a Monte-Carlo estimate agrees with an exact value within 4 standard errors.
///
/// Replication results are independent, so the mean over n replications is approximately
/// normal with standard error sd/√n; a correct engine lands outside ±4 standard errors with
/// probability 6e-5 per check. `wrong` lists values a plausible bug would produce (for example
/// the same formula with the lead time off by one day): each must be rejected by the same
/// tolerance, which shows the test has the power to catch that bug.
pub fn assert_agrees(what: &str, estimate: &Moments, exact: f64, wrong: &[f64]) {
    let se = estimate.sd() / (estimate.n as f64).sqrt();
    let tol = 4.0 * se + 1e-12;
    let mean = estimate.mean();
    assert!((mean - exact).abs() <= tol, "{what}: simulated {mean:.6} ± {tol:.6} (4 s.e.), exact {exact:.6}");
    for &w in wrong {
        assert!(
            (mean - w).abs() > tol,
            "{what}: the test cannot tell the exact {exact:.6} from the wrong {w:.6} (simulated {mean:.6} ± {tol:.6})"
        );
    }
}

/// A search problem with a known answer: lost sales with a one-day lead time, so every day is a
/// newsvendor with Poisson(20) demand, a holding cost h = 1 per unit left and a penalty p per
/// unit short. The optimal level is the smallest S with F(S) ≥ p / (p + h); p is chosen so the
/// fractile falls midway between F(S* − 1) and F(S*), with S* = 24. Returns the scenario (one
/// policy `news`, base-stock) and S*.
pub fn newsvendor() -> (String, usize) {
    let cdf: Vec<f64> = poisson_pmf(20.0, 80)
        .iter()
        .scan(0.0, |c, p| {
            *c += p;
            Some(*c)
        })
        .collect();
    let optimum = 24usize;
    let fractile = (cdf[optimum - 1] + cdf[optimum]) / 2.0;
    let p = fractile / (1.0 - fractile);
    let scenario = format!(
        r#"{{"schema_version": 1, "horizon_days": 1000, "warmup_days": 10, "replications": 60,
        "items": [{{"id": "i"}}], "locations": [{{"id": "l"}}], "suppliers": [{{"id": "s"}}],
        "lanes": [{{"id": "x", "from": "s", "to": "l", "lead_time": {{"type": "constant", "value": 1}}}}],
        "segments": [{{"id": "default", "unmet": {{"type": "lost"}}}}],
        "demand": [{{"location": "l", "item": "i", "distribution": {{"type": "poisson", "mean": 20}}}}],
        "costs": {{"holding_per_unit_day": 1, "lost_sale_per_unit": {p}}},
        "policies": [{{"name": "news", "inventory": {{"type": "base_stock", "S": 10}}}}]}}"#
    );
    (scenario, optimum)
}
