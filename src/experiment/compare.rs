//! Comparing policies: multiple comparisons with the best (MCB) on the paired,
//! common-random-number differences, and the recommendation a run opens with.
//!
//! The procedure (documented in `docs/experiments.md`): with `k` policies and `n` replications,
//! `D_ij` is policy `i` minus policy `j` oriented so that positive is better. Every paired
//! difference gets a one-sided Student-t bound at level `1 − α/(k − 1)` (Bonferroni);
//! the leader (best mean) is marked best only when every lower bound `D̄_lj − w_lj` is above
//! zero. Otherwise the leader and every policy it is not separated from tie. The chance of
//! marking a policy that is not the truly best is at most `α` (5 %).

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use crate::experiment::stats::Moments;
use crate::metrics::{Better, Metric};
use crate::model::Objective;

/// Error rate of the simultaneous statements (marks, recommendation): at most 5 % of runs
/// mark a policy that is not the best.
pub const ALPHA: f64 = 0.05;

/// Power aimed at when estimating the replications that would separate two policies.
const POWER: f64 = 0.8;

/// Mean, standard deviation and count of a sample (a metric's values, or paired differences).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Mean (NaN: undefined).
    pub mean: f64,
    /// Standard deviation (NaN with fewer than two values).
    pub sd: f64,
    /// Number of values.
    pub n: u64,
}

impl From<&Moments> for Sample {
    fn from(m: &Moments) -> Sample {
        Sample { mean: m.mean(), sd: m.sd(), n: m.n }
    }
}

/// What the statistics say about the best policy of one metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// This policy is better than every other (simultaneous 95 %).
    Best(usize),
    /// The leader and the policies it cannot be told apart from, leader first.
    Tie(Vec<usize>),
    /// No mark: the metric has no direction, is not decided by the policy, is undefined in a
    /// replication, or there is a single policy.
    Unmarked,
}

/// The paired differences of one metric between policies: `diff(i, j)` is policy `i` minus
/// policy `j`, replication by replication.
pub struct Pairs<'a> {
    /// Number of policies.
    pub k: usize,
    /// Replications of the run (a difference defined in fewer is not compared).
    pub replications: u64,
    /// The paired difference `i − j`.
    pub diff: &'a dyn Fn(usize, usize) -> Sample,
}

/// One-sided critical value of the simultaneous bounds: Student's t at `1 − α/(k − 1)` with
/// `n − 1` degrees of freedom.
pub fn critical_value(k: usize, n: u64) -> f64 {
    let level = 1.0 - ALPHA / (k.max(2) - 1) as f64;
    StudentsT::new(0.0, 1.0, n.saturating_sub(1) as f64).map_or(f64::NAN, |t| t.inverse_cdf(level))
}

/// The simultaneous margin `w` of a paired difference (NaN when undefined).
pub fn margin(d: &Sample, k: usize) -> f64 {
    critical_value(k, d.n) * d.sd / (d.n as f64).sqrt()
}

fn sign(better: Better) -> Option<f64> {
    match better {
        Better::Higher => Some(1.0),
        Better::Lower => Some(-1.0),
        Better::Neither | Better::External => None,
    }
}

/// Multiple comparisons with the best among the policies `among` (indices for `pairs`).
pub fn verdict(better: Better, pairs: &Pairs, among: &[usize]) -> Verdict {
    let Some(s) = sign(better) else { return Verdict::Unmarked };
    let k = among.len();
    let complete =
        |d: &Sample| d.n == pairs.replications && d.n >= 2 && d.mean.is_finite() && d.sd.is_finite();
    let all = among.iter().all(|&i| among.iter().all(|&j| i == j || complete(&(pairs.diff)(i, j))));
    if k < 2 || !all {
        return Verdict::Unmarked;
    }
    // The leader: no other policy has a better mean (each difference to it is ≤ 0).
    let leader = among
        .iter()
        .copied()
        .find(|&i| among.iter().all(|&j| i == j || s * (pairs.diff)(i, j).mean >= 0.0))
        .unwrap_or(among[0]);
    let mut tied = vec![leader];
    for &j in among.iter().filter(|&&j| j != leader) {
        let d = (pairs.diff)(leader, j);
        if s * d.mean - margin(&d, k) <= 0.0 {
            tied.push(j);
        }
    }
    if tied.len() == 1 { Verdict::Best(leader) } else { Verdict::Tie(tied) }
}

/// Replications that would separate two policies whose paired difference is `d`: enough for
/// the simultaneous bound to exclude zero with 80 % probability if the true difference is the
/// observed one, `((z₁₋α/(k−1) + z₀.₈) · sd / |mean|)²`. `None` when the difference is exactly
/// zero in every replication (no number of replications separates them).
pub fn replications_to_separate(d: &Sample, k: usize) -> Option<u64> {
    if d.mean == 0.0 || !d.mean.is_finite() || !d.sd.is_finite() {
        return None;
    }
    let z = Normal::new(0.0, 1.0).expect("standard normal");
    let level = 1.0 - ALPHA / (k.max(2) - 1) as f64;
    let n = ((z.inverse_cdf(level) + z.inverse_cdf(POWER)) * d.sd / d.mean.abs()).powi(2);
    Some((n.ceil() as u64).max(d.n + 1))
}

/// The recommendation of a run: which policy, and how sure.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// The policy recommended (none when the top policies tie or none meets the targets).
    pub policy: Option<usize>,
    /// The runner-up (or the policies tied with the leader, leader first).
    pub compared: Vec<usize>,
    /// The leader's paired difference to the runner-up, oriented so that positive is better
    /// (none with fewer than two eligible policies).
    pub gain: Option<Sample>,
    /// The simultaneous margin of that difference.
    pub margin: f64,
    /// Replications that would separate the tied leader from the runner-up.
    pub replications_needed: Option<u64>,
    /// Policies meeting every target, in policy order.
    pub feasible: Vec<usize>,
}

/// The recommendation for `goal`: `value(p, metric)` is policy `p`'s mean of a metric and
/// `pairs(metric)` the paired differences of the goal metric.
pub fn recommend(goal: &Objective, value: &dyn Fn(usize, Metric) -> f64, pairs: &Pairs) -> Recommendation {
    let feasible: Vec<usize> =
        (0..pairs.k).filter(|&p| goal.targets.iter().all(|t| t.slack(value(p, t.metric)) >= 0.0)).collect();
    let s = if goal.maximize { 1.0 } else { -1.0 };
    let mut ranked = feasible.clone();
    ranked.sort_by(|&a, &b| (s * value(b, goal.metric)).total_cmp(&(s * value(a, goal.metric))));
    let verdict = verdict(goal.better(), pairs, &ranked);
    let leader = match &verdict {
        Verdict::Best(p) => Some(*p),
        Verdict::Tie(t) => t.first().copied(),
        Verdict::Unmarked => ranked.first().copied(),
    };
    let runner_up = match &verdict {
        Verdict::Tie(t) => t.get(1).copied(),
        _ => ranked.iter().copied().find(|&p| Some(p) != leader),
    };
    let gain = leader.zip(runner_up);
    let oriented = gain.map(|(l, r)| {
        let d = (pairs.diff)(l, r);
        Sample { mean: s * d.mean, ..d }
    });
    let k = ranked.len();
    Recommendation {
        policy: if matches!(verdict, Verdict::Best(_)) || k == 1 { leader } else { None },
        compared: match verdict {
            Verdict::Tie(t) => t,
            _ => gain.map(|(_, r)| vec![r]).unwrap_or_default(),
        },
        margin: oriented.map_or(f64::NAN, |d| margin(&d, k)),
        replications_needed: oriented.and_then(|d| replications_to_separate(&d, k)),
        gain: oriented,
        feasible,
    }
}
