//! The comparison section of `summary.json`: which policy is best on each total metric
//! (multiple comparisons with the best, `experiment::compare`), and the recommendation
//! sentence, both computed from the summary's paired differences so that `scsim run` and
//! `scsim plot` say the same.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::json::{PolicySummary, Stat};
use super::table::format_value;
use crate::experiment::compare::{self, ALPHA, Pairs, Recommendation, Sample, Verdict};
use crate::metrics::{Better, METRICS, Metric, MetricDef};
use crate::model::Objective;

/// The best policy of one metric, or the policies that tie for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// Better than every other policy (simultaneous 95 %).
    Best(String),
    /// The leader and the policies it cannot be told apart from, leader first.
    Tie(Vec<String>),
}

/// The recommendation of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecommendationSummary {
    /// One or two sentences for a planner.
    pub text: String,
    /// The metric ranked (its key).
    pub goal: String,
    /// The policy recommended, if the statistics separate one.
    pub policy: Option<String>,
    /// The runner-up, or the policies tied with the leader (leader first).
    pub compared: Vec<String>,
    /// Leader minus runner-up on the goal metric, positive when the leader is better.
    pub gain: Option<f64>,
    /// The simultaneous one-sided margin of `gain` (the gain is at least `gain − margin`).
    pub margin: Option<f64>,
    /// Replications that would likely separate a tied leader from the runner-up.
    pub replications_needed: Option<u64>,
}

/// Marks and recommendation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// How marks are decided.
    pub procedure: String,
    /// The chance of marking a policy that is not the best, at most.
    pub error_rate: f64,
    /// The best policy (or the tie) of each total metric the statistics decide, by key.
    pub marks: BTreeMap<String, Mark>,
    /// The recommendation.
    pub recommendation: RecommendationSummary,
}

const PROCEDURE: &str = "multiple comparisons with the best on paired (common random number) differences, one-sided Student-t bounds Bonferroni-adjusted over the other policies";

fn sample(s: Option<&Stat>) -> Sample {
    s.map_or(Sample { mean: f64::NAN, sd: f64::NAN, n: 0 }, |s| Sample {
        mean: s.mean.unwrap_or(f64::NAN),
        sd: s.sd.unwrap_or(f64::NAN),
        n: s.n,
    })
}

/// The paired difference `i − j` of `key` (zero against itself).
fn diff(policies: &[PolicySummary], key: &str, i: usize, j: usize) -> Sample {
    sample(policies[i].differences.get(&policies[j].name).and_then(|m| m.get(key)))
}

fn mean(policies: &[PolicySummary], p: usize, key: &str) -> f64 {
    sample(policies[p].total.get(key)).mean
}

/// The comparison of `policies` over `replications` replications for `goal`.
pub fn comparison(policies: &[PolicySummary], replications: u64, goal: &Objective) -> Comparison {
    let names = |ps: &[usize]| ps.iter().map(|&p| policies[p].name.clone()).collect::<Vec<_>>();
    let all: Vec<usize> = (0..policies.len()).collect();
    let mut marks = BTreeMap::new();
    for d in &METRICS {
        let f = |i, j| diff(policies, d.key, i, j);
        let pairs = Pairs { k: policies.len(), replications, diff: &f };
        match compare::verdict(d.better, &pairs, &all) {
            Verdict::Best(p) => marks.insert(d.key.to_string(), Mark::Best(policies[p].name.clone())),
            Verdict::Tie(t) => marks.insert(d.key.to_string(), Mark::Tie(names(&t))),
            Verdict::Unmarked => None,
        };
    }
    let key = goal.metric.def().key;
    let f = |i, j| diff(policies, key, i, j);
    let pairs = Pairs { k: policies.len(), replications, diff: &f };
    let r = compare::recommend(goal, &|p, m: Metric| mean(policies, p, m.def().key), &pairs);
    let text = sentence(policies, replications, goal, &r);
    Comparison {
        procedure: PROCEDURE.into(),
        error_rate: ALPHA,
        marks,
        recommendation: RecommendationSummary {
            text,
            goal: key.into(),
            policy: r.policy.map(|p| policies[p].name.clone()),
            compared: names(&r.compared),
            gain: r.gain.map(|g| g.mean).filter(|x| x.is_finite()),
            margin: Some(r.margin).filter(|x| x.is_finite()),
            replications_needed: r.replications_needed,
        },
    }
}

/// A value of `def` in words: `948.2 cost/day`, `98.1 %`.
fn amount(def: &MetricDef, x: f64, diff: bool) -> String {
    let text = format_value(x, f64::NAN, def.share, diff);
    match def.unit {
        _ if def.share => text,
        "" => text,
        unit => format!("{text} {unit}"),
    }
}

fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The targets in words, each with the policy's mean: `fill rate ≥ 97 % (98.1 %)`.
fn targets(policies: &[PolicySummary], p: usize, goal: &Objective) -> String {
    let parts: Vec<String> = goal
        .targets
        .iter()
        .map(|t| {
            let d = t.metric.def();
            let op = if t.at_least { "≥" } else { "≤" };
            let value = mean(policies, p, d.key);
            format!(
                "{} {op} {} ({})",
                d.label.to_lowercase(),
                amount(d, t.bound, false),
                amount(d, value, false)
            )
        })
        .collect();
    parts.join(", ")
}

/// The recommendation in one or two sentences.
fn sentence(policies: &[PolicySummary], replications: u64, goal: &Objective, r: &Recommendation) -> String {
    let d = goal.metric.def();
    let what = d.label.to_lowercase();
    let name = |p: usize| policies[p].name.as_str();
    let (best_word, more, less) = match goal.better() {
        Better::Higher => ("highest", "higher", "lower"),
        _ => ("lowest", "lower", "higher"),
    };
    if r.feasible.is_empty() {
        let list: Vec<String> = goal.targets.iter().map(|t| t.metric.def().label.to_lowercase()).collect();
        return format!("No policy meets the service targets ({}); none is recommended.", list.join(", "));
    }
    let meets = if goal.targets.is_empty() {
        String::new()
    } else {
        format!(
            " It meets the service targets: {}.",
            targets(policies, r.policy.unwrap_or(r.feasible[0]), goal)
        )
    };
    let Some(gain) = r.gain else {
        let p = r.feasible[0];
        let only = if policies.len() > 1 {
            "the only policy that meets the service targets"
        } else {
            "the only policy"
        };
        let value = amount(d, mean(policies, p, d.key), false);
        return format!("Recommended: {} is {only} ({what} {value}).{meets}", name(p));
    };
    if let Some(p) = r.policy {
        let runner = r.compared[0];
        let bound = gain.mean - r.margin;
        return format!(
            "Recommended: {} has the {best_word} {what} ({}), {} {more} than the runner-up {} \
             (at least {} with 95 % simultaneous confidence, paired over {replications} replications).{meets}",
            name(p),
            amount(d, mean(policies, p, d.key), false),
            amount(d, gain.mean.abs(), false),
            name(runner),
            amount(d, bound, false),
        );
    }
    if !gain.mean.is_finite() {
        return format!("{what} is undefined in some replication, so no policy is recommended on it.");
    }
    let tied: Vec<&str> = r.compared.iter().map(|&p| name(p)).collect();
    let leader = r.compared[0];
    let runner = r.compared.get(1).copied().unwrap_or(leader);
    let separate = match r.replications_needed {
        Some(n) => {
            format!("about {n} replications would likely separate {} from {}", name(leader), name(runner))
        }
        None => {
            "they are identical in every replication, so more replications would not separate them".into()
        }
    };
    let direction = if gain.mean >= 0.0 { more } else { less };
    format!(
        "{} cannot be told apart on {what} at {replications} replications ({} is {} {direction}, \
         within the 95 % simultaneous margin of {}); {separate}.",
        and_list(&tied),
        name(leader),
        amount(d, gain.mean.abs(), false),
        amount(d, r.margin, false),
    )
}
