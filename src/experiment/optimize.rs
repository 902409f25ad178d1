//! Policy search: the best integer values of a few parameters by simulation.
//!
//! The objective and constraints are evaluated by simulating each candidate on the same random
//! numbers (the same seed and replications), so two candidates differ only by the parameter,
//! and the landscape the search sees is deterministic. The search is a pattern search on the
//! integer lattice:
//!
//! 1. a coarse grid (9 values per parameter for one or two parameters, 5 for three or more,
//!    evenly spaced, ends included) is evaluated;
//! 2. the best feasible point (constraints met by their mean; lowest objective; ties to the
//!    smaller values) becomes the incumbent — if none is feasible, the one closest to feasible;
//! 3. around the incumbent, each parameter is tried one step up and one step down; the
//!    incumbent moves while that improves it, and the step is halved when it does not, down
//!    to 1.
//!
//! Each evaluation costs one simulation of the replications asked for; evaluations are cached.
//! With monotone constraints and objectives (service and stock both rise with a base-stock
//! level) this finds the smallest feasible level; in general it finds a local optimum of the
//! simulated landscape, and the coarse grid guards against the worst local traps.

use std::collections::BTreeMap;

use rayon::prelude::*;
use std::path::Path;

use serde_json::{Value, json};

use crate::experiment::points::{PointError, point_model, simulate};
use crate::experiment::shard::SweepSpec;
use crate::metrics::{METRICS, metric_index};
use crate::report::json::Metrics;
use crate::report::write_atomic;

/// A constraint on a metric's mean: `metric >= bound` or `metric <= bound`.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    /// Metric key.
    pub metric: String,
    /// Whether the metric must be at least (true) or at most (false) the bound.
    pub at_least: bool,
    /// The bound.
    pub bound: f64,
}

/// Why a constraint `METRIC>=VALUE` or `METRIC<=VALUE` does not parse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConstraintError {
    /// Neither `>=` nor `<=` in the text.
    #[error("{0:?}: expected METRIC>=VALUE or METRIC<=VALUE")]
    NoComparison(String),
    /// The bound is not a number.
    #[error("{text:?}: {bound:?} is not a number")]
    NotANumber {
        /// The constraint as given.
        text: String,
        /// The bound as given (spaces removed).
        bound: String,
    },
    /// The bound is not finite (NaN or infinite).
    #[error("{0:?}: the bound must be a finite number")]
    NotFinite(String),
    /// A share (fill rate, …) bounded outside 0..=1: met or missed whatever the policy does.
    #[error(
        "{text:?}: {metric} is a share between 0 and 1 (0.98 means 98 %), so a bound of {bound} can never be {never}"
    )]
    ShareOutOfRange {
        /// The constraint as given.
        text: String,
        /// The metric's key.
        metric: String,
        /// The bound.
        bound: f64,
        /// `met` or `missed`.
        never: &'static str,
    },
}

impl Constraint {
    /// Parses `metric>=value` or `metric<=value` (spaces allowed); a share metric's bound must
    /// be within 0..=1. Whether the metric exists is the caller's check.
    pub fn parse(text: &str) -> Result<Constraint, ConstraintError> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let (metric, at_least, bound) = if let Some((m, b)) = t.split_once(">=") {
            (m, true, b)
        } else if let Some((m, b)) = t.split_once("<=") {
            (m, false, b)
        } else {
            return Err(ConstraintError::NoComparison(text.to_string()));
        };
        let bound = bound
            .parse::<f64>()
            .map_err(|_| ConstraintError::NotANumber { text: text.to_string(), bound: bound.to_string() })?;
        if !bound.is_finite() {
            return Err(ConstraintError::NotFinite(text.to_string()));
        }
        let share = metric_index(metric).is_some_and(|i| METRICS[i].share);
        if share && !(0.0..=1.0).contains(&bound) {
            let never = if (bound > 1.0) == at_least { "met" } else { "missed" };
            let (text, metric) = (text.to_string(), metric.to_string());
            return Err(ConstraintError::ShareOutOfRange { text, metric, bound, never });
        }
        Ok(Constraint { metric: metric.to_string(), at_least, bound })
    }

    /// How far the mean is inside the constraint (negative: violated).
    pub fn slack(&self, mean: f64) -> f64 {
        if self.at_least { mean - self.bound } else { self.bound - mean }
    }
}

/// What an evaluation of a candidate returned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    /// Objective to minimise (the caller negates a maximised metric).
    pub objective: f64,
    /// Smallest slack over the constraints (≥ 0: feasible).
    pub slack: f64,
}

impl Evaluation {
    fn feasible(&self) -> bool {
        self.slack >= 0.0
    }

    /// Whether `self` is better than `other`: feasible beats infeasible; among feasible, lower
    /// objective; among infeasible, larger slack.
    fn better_than(&self, other: &Evaluation) -> bool {
        match (self.feasible(), other.feasible()) {
            (true, false) => true,
            (false, true) => false,
            (true, true) => self.objective < other.objective,
            (false, false) => self.slack > other.slack,
        }
    }
}

/// The outcome of a search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult {
    /// The best point.
    pub best: Vec<i64>,
    /// Its evaluation.
    pub evaluation: Evaluation,
    /// Every point evaluated, with its evaluation, in lattice order.
    pub evaluated: BTreeMap<Vec<i64>, Evaluation>,
}

/// Evenly spaced integers from `lo` to `hi` (ends included), at most `count` of them. The
/// arithmetic is in i128, so any pair of i64 bounds works.
fn coarse(lo: i64, hi: i64, count: i64) -> Vec<i64> {
    let (lo, hi, count) = (i128::from(lo), i128::from(hi), i128::from(count));
    let mut v: Vec<i64> = if hi - lo < count {
        (lo..=hi).map(|x| x as i64).collect()
    } else {
        (0..count).map(|k| (lo + (hi - lo) * k / (count - 1)) as i64).collect()
    };
    v.dedup();
    v
}

/// Searches the integer box `bounds` (inclusive) for the best point. `evaluate` receives a
/// batch of points and returns their evaluations (so the caller can run them in parallel).
pub fn search(
    bounds: &[(i64, i64)],
    evaluate: &mut dyn FnMut(&[Vec<i64>]) -> Vec<Evaluation>,
) -> SearchResult {
    let mut cache: BTreeMap<Vec<i64>, Evaluation> = BTreeMap::new();
    let mut run = |points: Vec<Vec<i64>>, cache: &mut BTreeMap<Vec<i64>, Evaluation>| {
        let mut fresh: Vec<Vec<i64>> = points.into_iter().filter(|p| !cache.contains_key(p)).collect();
        fresh.sort();
        fresh.dedup();
        if !fresh.is_empty() {
            let evals = evaluate(&fresh);
            cache.extend(fresh.into_iter().zip(evals));
        }
    };
    let per_axis = if bounds.len() <= 2 { 9 } else { 5 };
    let axes: Vec<Vec<i64>> = bounds.iter().map(|&(lo, hi)| coarse(lo, hi, per_axis)).collect();
    let grid = axes.iter().fold(vec![Vec::new()], |acc, axis| {
        acc.iter()
            .flat_map(|p| {
                axis.iter().map(move |&v| {
                    let mut q = p.clone();
                    q.push(v);
                    q
                })
            })
            .collect::<Vec<Vec<i64>>>()
    });
    run(grid, &mut cache);
    let pick = |cache: &BTreeMap<Vec<i64>, Evaluation>| {
        let mut best: Option<(&Vec<i64>, &Evaluation)> = None;
        for (p, e) in cache {
            if best.is_none_or(|(_, b)| e.better_than(b)) {
                best = Some((p, e));
            }
        }
        best.map(|(p, _)| p.clone()).expect("the grid is not empty")
    };
    let mut best = pick(&cache);
    let mut steps: Vec<i64> =
        axes.iter().map(|a| if a.len() > 1 { a[1].saturating_sub(a[0]).max(1) } else { 1 }).collect();
    loop {
        let mut neighbours: Vec<Vec<i64>> = Vec::new();
        for d in 0..bounds.len() {
            for sign in [-1i64, 1] {
                let mut q = best.clone();
                match q[d].checked_add(sign * steps[d]) {
                    Some(v) if (bounds[d].0..=bounds[d].1).contains(&v) => q[d] = v,
                    _ => continue,
                }
                neighbours.push(q);
            }
        }
        run(neighbours, &mut cache);
        let next = pick(&cache);
        if next != best {
            best = next;
            continue;
        }
        if steps.iter().all(|&s| s == 1) {
            break;
        }
        steps.iter_mut().for_each(|s| *s = (*s + 1) / 2);
    }
    let evaluation = cache[&best];
    SearchResult { best, evaluation, evaluated: cache }
}

/// An integer parameter to search and its inclusive bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Bounds {
    /// Dot-separated path into the scenario.
    pub path: String,
    /// Smallest value.
    pub lo: i64,
    /// Largest value.
    pub hi: i64,
}

/// Why bounds `PATH=LO..HI` do not parse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoundsError {
    /// No `=` or no `..`.
    #[error("{0:?}: expected PATH=LO..HI")]
    Syntax(String),
    /// LO or HI is not an integer, or LO > HI.
    #[error("{0:?}: LO and HI must be integers with LO ≤ HI")]
    Range(String),
}

impl Bounds {
    /// Parses `PATH=LO..HI` (integers, LO ≤ HI).
    pub fn parse(text: &str) -> Result<Bounds, BoundsError> {
        let expected = || BoundsError::Syntax(text.to_string());
        let (path, range) = text.split_once('=').ok_or_else(expected)?;
        let (lo, hi) = range.split_once("..").ok_or_else(expected)?;
        match (lo.trim().parse::<i64>(), hi.trim().parse::<i64>()) {
            (Ok(lo), Ok(hi)) if lo <= hi => Ok(Bounds { path: path.to_string(), lo, hi }),
            _ => Err(BoundsError::Range(text.to_string())),
        }
    }
}

/// The metric to optimise and in which direction.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    /// Metric key.
    pub metric: String,
    /// Maximise (true) or minimise (false).
    pub maximize: bool,
}

/// One candidate simulated by a search: its values and the policy's metrics, or why its
/// scenario is invalid.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The parameters' values.
    pub point: Vec<i64>,
    /// The policy's metrics, or why the candidate's scenario is invalid.
    pub metrics: Result<Metrics, PointError>,
}

/// The outcome of a policy search on simulations.
#[derive(Debug, Clone, PartialEq)]
pub struct Optimum {
    /// The best values, one per parameter.
    pub best: Vec<i64>,
    /// Whether the best values meet every constraint by its mean.
    pub feasible: bool,
    /// The policy's metrics at the best values.
    pub metrics: Metrics,
    /// Every candidate simulated, in the order simulated.
    pub candidates: Vec<Candidate>,
}

impl Optimum {
    /// Whether every candidate's scenario was invalid (so the "best" values mean nothing).
    pub fn all_invalid(&self) -> bool {
        self.candidates.iter().all(|c| c.metrics.is_err())
    }
}

/// Searches the box `bounds` for the best values of the only policy of the scenario document
/// `doc` (see [`only_policy`]); `spec` names the sweep the candidates are points of. Candidates
/// are simulated in parallel in the current thread pool.
pub fn optimize(
    doc: &Value,
    spec: &SweepSpec,
    bounds: &[Bounds],
    objective: &Objective,
    constraints: &[Constraint],
) -> Optimum {
    let mut candidates: Vec<Candidate> = Vec::new();
    let lattice: Vec<(i64, i64)> = bounds.iter().map(|b| (b.lo, b.hi)).collect();
    let result = search(&lattice, &mut |points| {
        let evaluated: Vec<Candidate> = points
            .par_iter()
            .map(|point| {
                let values: Vec<Value> = point.iter().map(|&v| Value::from(v)).collect();
                let metrics = point_model(doc, spec, &values).map(|m| simulate(&m, &|_| {}).remove(0).1);
                Candidate { point: point.clone(), metrics }
            })
            .collect();
        let evals = evaluated.iter().map(|c| evaluate(&c.metrics, objective, constraints)).collect();
        candidates.extend(evaluated);
        evals
    });
    let metrics = candidates
        .iter()
        .find(|c| c.point == result.best)
        .and_then(|c| c.metrics.as_ref().ok())
        .cloned()
        .unwrap_or_default();
    Optimum { feasible: result.evaluation.slack >= 0.0, best: result.best, metrics, candidates }
}

/// How a candidate's metrics score: the objective (to minimise) and the smallest slack.
fn evaluate(
    metrics: &Result<Metrics, PointError>,
    objective: &Objective,
    constraints: &[Constraint],
) -> Evaluation {
    let Ok(m) = metrics else {
        return Evaluation { objective: f64::INFINITY, slack: f64::NEG_INFINITY };
    };
    let mean = |k: &str| m.get(k).and_then(|s| s.mean).unwrap_or(f64::NAN);
    let value = if objective.maximize { -mean(&objective.metric) } else { mean(&objective.metric) };
    let slack = constraints.iter().map(|c| c.slack(mean(&c.metric))).fold(f64::INFINITY, f64::min);
    Evaluation {
        objective: if value.is_nan() { f64::INFINITY } else { value },
        slack: if slack.is_nan() { f64::NEG_INFINITY } else { slack },
    }
}

/// The scenario document `doc` with only the policy named `policy`, so that each candidate
/// simulates just it.
pub fn only_policy(doc: &Value, policy: &str) -> Value {
    let mut doc = doc.clone();
    if let Some(list) = doc.get_mut("policies").and_then(Value::as_array_mut) {
        list.retain(|p| p.get("name").and_then(Value::as_str) == Some(policy));
    }
    doc
}

/// What a search was asked, as `optimize.json` records it.
#[derive(Debug, Clone, PartialEq)]
pub struct Question<'a> {
    /// The scenario file, as given.
    pub scenario_file: &'a str,
    /// The policy whose metrics count.
    pub policy: &'a str,
    /// The parameters searched.
    pub bounds: &'a [Bounds],
    /// The objective.
    pub objective: &'a Objective,
    /// The constraints, as given.
    pub constraints: &'a [String],
    /// Replications per candidate.
    pub replications: u32,
    /// The seed.
    pub seed: u64,
}

/// Writes `optimize.json` into `dir` (atomically): the question, the best values, whether they
/// are feasible, the policy's metrics there and every candidate.
pub fn write_result(dir: &Path, question: &Question, optimum: &Optimum) -> std::io::Result<()> {
    let objective = question.objective;
    let best: serde_json::Map<String, Value> =
        question.bounds.iter().zip(&optimum.best).map(|(b, v)| (b.path.clone(), Value::from(*v))).collect();
    let evaluations: Vec<Value> = optimum
        .candidates
        .iter()
        .map(|c| json!({"point": c.point, "metrics": c.metrics.as_ref().ok(), "invalid": c.metrics.as_ref().err().map(ToString::to_string)}))
        .collect();
    let direction = if objective.maximize { "maximize" } else { "minimize" };
    let report = json!({
        "scsim_version": crate::VERSION,
        "scenario": question.scenario_file,
        "policy": question.policy,
        "objective": {"metric": objective.metric, "direction": direction},
        "constraints": question.constraints,
        "replications": question.replications,
        "seed": question.seed,
        "best": best,
        "feasible": optimum.feasible,
        "metrics": optimum.metrics,
        "evaluations": evaluations,
    });
    let bytes = serde_json::to_vec_pretty(&report).expect("the result serializes");
    write_atomic(&dir.join("optimize.json"), &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints_parse_and_measure_slack() {
        let c = Constraint::parse("fill_rate >= 0.98").unwrap();
        assert_eq!(c, Constraint { metric: "fill_rate".into(), at_least: true, bound: 0.98 });
        assert!((c.slack(0.99) - 0.01).abs() < 1e-12);
        let c = Constraint::parse("avg_backorders<=2").unwrap();
        assert!(c.slack(3.0) < 0.0);
        assert!(Constraint::parse("fill_rate=0.9").is_err());
        assert!(Constraint::parse("fill_rate>=x").is_err());
        for bad in ["fill_rate>=NaN", "fill_rate>=inf", "fill_rate<=-inf"] {
            assert!(matches!(Constraint::parse(bad), Err(ConstraintError::NotFinite(_))), "{bad}");
        }
        // A share's bound outside 0..=1 can never be met (or never missed); other metrics' can.
        for (bad, never) in
            [("fill_rate>=98", "met"), ("fill_rate<=1.5", "missed"), ("fill_rate>=-0.1", "missed")]
        {
            let err = Constraint::parse(bad).unwrap_err();
            assert!(
                matches!(&err, ConstraintError::ShareOutOfRange { never: n, .. } if *n == never),
                "{bad}: {err}"
            );
        }
        assert!(Constraint::parse("fill_rate>=1").is_ok() && Constraint::parse("avg_backorders<=98").is_ok());
    }

    #[test]
    fn the_widest_i64_range_is_searched_without_overflow() {
        let result = search(&[(i64::MIN, i64::MAX)], &mut |points| {
            points.iter().map(|p| Evaluation { objective: (p[0] as f64).abs(), slack: 1.0 }).collect()
        });
        assert!(result.best[0].unsigned_abs() < 1 << 12, "{:?}", result.best);
        assert_eq!(coarse(i64::MAX - 2, i64::MAX, 9), vec![i64::MAX - 2, i64::MAX - 1, i64::MAX]);
    }

    #[test]
    fn finds_the_smallest_feasible_level_of_a_monotone_problem() {
        // Service rises with S and reaches the target at S = 137; cost rises with S.
        let mut calls = 0;
        let result = search(&[(0, 500)], &mut |points| {
            calls += points.len();
            points.iter().map(|p| Evaluation { objective: p[0] as f64, slack: p[0] as f64 - 137.0 }).collect()
        });
        assert_eq!(result.best, vec![137]);
        assert!(calls < 40, "{calls} evaluations");
    }

    #[test]
    fn finds_the_minimum_of_a_convex_two_parameter_problem() {
        let f = |p: &[i64]| ((p[0] - 23) as f64).powi(2) + 2.0 * ((p[1] + 7) as f64).powi(2);
        let result = search(&[(-50, 50), (-50, 50)], &mut |points| {
            points.iter().map(|p| Evaluation { objective: f(p), slack: 1.0 }).collect()
        });
        assert_eq!(result.best, vec![23, -7]);
    }

    #[test]
    fn reports_the_closest_point_when_nothing_is_feasible() {
        let result = search(&[(0, 10)], &mut |points| {
            points.iter().map(|p| Evaluation { objective: 0.0, slack: p[0] as f64 - 100.0 }).collect()
        });
        assert_eq!(result.best, vec![10]);
        assert!(result.evaluation.slack < 0.0);
    }
}
