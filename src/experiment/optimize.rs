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

impl Constraint {
    /// Parses `metric>=value` or `metric<=value` (spaces allowed).
    pub fn parse(text: &str) -> Result<Constraint, String> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let (metric, at_least, bound) = if let Some((m, b)) = t.split_once(">=") {
            (m, true, b)
        } else if let Some((m, b)) = t.split_once("<=") {
            (m, false, b)
        } else {
            return Err(format!("{text:?}: expected METRIC>=VALUE or METRIC<=VALUE"));
        };
        let bound = bound.parse::<f64>().map_err(|_| format!("{text:?}: {bound:?} is not a number"))?;
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

/// Evenly spaced integers from `lo` to `hi` (ends included), at most `count` of them.
fn coarse(lo: i64, hi: i64, count: i64) -> Vec<i64> {
    if hi - lo < count {
        return (lo..=hi).collect();
    }
    let mut v: Vec<i64> = (0..count).map(|k| lo + (hi - lo) * k / (count - 1)).collect();
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
        axes.iter().map(|a| if a.len() > 1 { (a[1] - a[0]).max(1) } else { 1 }).collect();
    loop {
        let mut neighbours: Vec<Vec<i64>> = Vec::new();
        for d in 0..bounds.len() {
            for sign in [-1i64, 1] {
                let mut q = best.clone();
                q[d] += sign * steps[d];
                if (bounds[d].0..=bounds[d].1).contains(&q[d]) {
                    neighbours.push(q);
                }
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
