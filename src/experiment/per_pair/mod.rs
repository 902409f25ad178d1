//! Per-pair optimisation: the cheapest level of one inventory parameter for every stocked
//! (location, item) pair of a catalogue, to each pair's own service target or to one
//! catalogue-wide target.
//!
//! Pairs that share no upstream location, no lane capacity and no customer order stream are
//! independent: a pair's results depend only on its own level and its own random streams
//! (demand by stream, lead times by lane and day), never on the levels of the others. So one
//! run of the whole catalogue evaluates a candidate level at every pair at once, each pair at
//! its own level (the policy's rules patched pair by pair), and every run uses the same seed
//! and replications (common random numbers): a pair's result at a level is the same whichever
//! run measured it, and is cached.
//!
//! - **Per-pair targets** (`search_each`): the service metrics of a pair rise with its level
//!   (replication by replication, on common random numbers), so the smallest level meeting the
//!   target is found by bisection, all pairs bisecting together: each round is one run in which
//!   every unresolved pair sits at the middle of its interval. From there a pair whose
//!   objective still improves one level up (a pair whose backorder penalty outweighs holding
//!   is cheaper above its smallest feasible level) climbs to the first level whose next is no
//!   cheaper, by bisection on that question (two runs a round: the middles and the levels above
//!   them); the objective is taken to be unimodal in the level. About `2 + log2(HI − LO + 1)`
//!   runs when no pair climbs, plus `2 log2(HI − LO + 1)` when some do.
//! - **A catalogue target** (`search_catalogue`): every level `LO..=HI` is one run (every pair
//!   at that level), giving each pair's whole curve; each pair starts at its cheapest level and
//!   marginal analysis raises, one step at a time, the pair with the most filled units per unit
//!   of extra cost, until the demand-weighted fill rate reaches the target.
//!
//! A target is met *by the mean* over the replications (as in the policy search); the results
//! carry the half-widths, so a planner can see how sure each pair is.

mod each;
mod field;
mod marginal;
mod search;
mod submodel;
mod tables;

use crate::experiment::RunSpec;
use crate::experiment::optimize::{Constraint, Objective};
use crate::experiment::stats::Moments;
use crate::metrics::Metric;
use crate::model::Model;
pub use field::{Field, MAX_LEVEL, MAX_Z, Step};
pub use search::COARSE_REPLICATIONS;
use search::Search;
pub use tables::{policy_table_bytes, results_bytes};

/// Why a per-pair optimisation cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PerPairError {
    /// The pairs interact, so they cannot be optimised one by one.
    #[error(
        "per-pair optimisation needs pairs that do not interact, and these do: {}; optimise such a scenario as a whole with `scsim optimize` without --per-pair",
        .0.join("; ")
    )]
    Coupled(Vec<String>),
    /// The parameter is not one a per-pair search can set.
    #[error(
        "--param {0:?}: a per-pair search sets inventory.S=LO..HI (base_stock, or s_S with S − s kept), inventory.s=LO..HI (s_S with S − s kept), inventory.r=LO..HI (r_Q with Q kept), inventory.S_cover_days=LO..HI:STEP (base_stock; days from LO to HI by STEP, LO and HI multiples of STEP) or inventory.service.z=LO..HI:STEP (safety_stock; the safety factor from LO to HI by STEP, 0 ≤ LO, HI ≤ 8)"
    )]
    Parameter(String),
    /// A decimal range (days of cover, a safety factor) with these problems.
    #[error("--param {param:?}: {}", .problems.join("; "))]
    Range {
        /// The parameter as given.
        param: String,
        /// Every problem of its range.
        problems: Vec<String>,
    },
    /// Several of the above, all found at once.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Several(Vec<PerPairError>),
    /// The range reaches levels no stock could take.
    #[error("--param {0:?}: levels are searched between -{MAX_LEVEL} and {MAX_LEVEL}")]
    TooWide(String),
    /// Some pairs' policies have no such parameter.
    #[error("{field} is not a parameter of the policy {policy:?} at {}{}", .pairs.iter().take(5).cloned().collect::<Vec<_>>().join(", "), if .pairs.len() > 5 { format!(" and {} more pairs", .pairs.len() - 5) } else { String::new() })]
    Mismatch {
        /// The parameter.
        field: &'static str,
        /// The policy.
        policy: String,
        /// The pairs (`location/item`).
        pairs: Vec<String>,
    },
    /// The range allows a level the policy cannot take.
    #[error("--param {0}: an order-up-to level below 0 is not a level")]
    Negative(String),
    /// No pair has demand.
    #[error("no stocked pair has demand, so there is nothing to optimise")]
    NoDemand,
    /// A catalogue target is not a fill-rate lower bound.
    #[error(
        "--aggregate-target {0:?}: the catalogue target is a demand-weighted fill rate, written fill_rate>=VALUE"
    )]
    Aggregate(String),
}

/// What the pairs must reach.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Every pair meets these constraints on its own metrics (by the mean).
    EachPair(Vec<Constraint>),
    /// The catalogue's demand-weighted fill rate reaches this share.
    Catalogue(f64),
}

impl Target {
    /// The catalogue target of a constraint text, which must be `fill_rate>=VALUE`.
    pub fn catalogue(c: &Constraint, text: &str) -> Result<Target, PerPairError> {
        if c.metric == Metric::FillRate.def().key && c.at_least {
            Ok(Target::Catalogue(c.bound))
        } else {
            Err(PerPairError::Aggregate(text.to_string()))
        }
    }
}

/// A per-pair search.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Index of the policy whose rules are set.
    pub policy: usize,
    /// The parameter set.
    pub field: Field,
    /// Smallest level tried.
    pub lo: i64,
    /// Largest level tried.
    pub hi: i64,
    /// What "cheapest" means: the objective of each pair (a cost to minimise or a profit to
    /// maximise).
    pub objective: Objective,
    /// What must be met.
    pub target: Target,
}

/// The level chosen for one pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// Location id.
    pub location: String,
    /// Item id.
    pub item: String,
    /// The policy table's columns for the pair (e.g. `S`, or `s` and `S`, or `S_cover_days`)
    /// and their values as written.
    pub values: Vec<(&'static str, String)>,
    /// Whether the pair meets its target (per-pair targets; with a catalogue target, whether
    /// the catalogue does).
    pub meets_target: bool,
    /// The pair's metrics at the chosen level (indexed like `METRICS`).
    pub metrics: Vec<Moments>,
    /// Inventory investment: the item's unit cost × mean units on hand.
    pub investment: f64,
}

/// One allocation of levels on the efficient frontier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrontierPoint {
    /// Demand-weighted fill rate of the catalogue.
    pub fill_rate: f64,
    /// Σ unit cost × mean on hand.
    pub investment: f64,
}

/// The outcome of a per-pair search.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// One choice per pair with demand, in pair order.
    pub choices: Vec<Choice>,
    /// Whether every pair (per-pair targets) or the catalogue meets the target.
    pub feasible: bool,
    /// The chosen allocation's catalogue figures.
    pub chosen: FrontierPoint,
    /// The efficient frontier through the simulated levels, by increasing investment.
    pub frontier: Vec<FrontierPoint>,
    /// Runs at the full count of replications (each of the pairs it measures only, where the
    /// model can be cut; else of the whole catalogue).
    pub runs: u32,
    /// Pair-level evaluations they gave (distinct pair × level).
    pub evaluations: usize,
    /// Runs at the coarse count of replications (steering the search only).
    pub coarse_runs: u32,
    /// Pair-level evaluations at the coarse count.
    pub coarse_evaluations: usize,
    /// Pairs × replications simulated in all: the work of the search.
    pub pair_replications: u64,
}

/// The reasons the stocked pairs of `model` interact (empty: independent).
pub fn couplings(model: &Model) -> Vec<String> {
    let mut why = Vec::new();
    if model.has_network {
        why.push("some lanes ship from a location, so pairs share upstream stock".to_string());
    }
    if !model.orders.is_empty() {
        why.push(format!("customer order streams span items ({})", model.orders.len()));
    }
    for (l, lane) in model.lanes.iter().enumerate() {
        let users = model.pairs.iter().filter(|p| p.sources.iter().any(|s| s.lane == l)).count();
        if lane.capacity_per_day != i64::MAX && users > 1 {
            why.push(format!(
                "lane {:?} ships at most {} units a day for {users} pairs",
                lane.id, lane.capacity_per_day
            ));
        }
    }
    why
}

/// The pairs with demand whose control under policy `policy` has no `field` (`None`: none).
fn misfits(model: &Model, policy: usize, field: Field) -> Option<PerPairError> {
    let controls = &model.policies[policy].controls;
    let pairs: Vec<String> = (0..model.pairs.len())
        .filter(|&p| {
            !model.pairs[p].demands.is_empty() && field.set(&controls[p].rule.kind, 0, 1.0).is_none()
        })
        .map(|p| model.pairs[p].name.clone())
        .collect();
    (!pairs.is_empty()).then(|| PerPairError::Mismatch {
        field: field.name(),
        policy: model.policies[policy].name.clone(),
        pairs,
    })
}

/// The parameter and levels of `--param TEXT` for policy `policy` of `model`, with every
/// problem at once: those of its range and the pairs whose policy has no such parameter.
pub fn parameter(model: &Model, policy: usize, text: &str) -> Result<(Field, i64, i64), PerPairError> {
    let parsed = Field::parse(text);
    let misfit = Field::named(text).and_then(|field| misfits(model, policy, field));
    match (parsed, misfit) {
        (Ok(range), None) => Ok(range),
        (Ok(_), Some(e)) | (Err(e), None) => Err(e),
        (Err(a), Some(b)) => Err(PerPairError::Several(vec![a, b])),
    }
}

/// Runs the search of `question` on `model` with `replications` replications and `seed`;
/// `progress` hears each catalogue run finish (its number). Runs in the current thread pool.
pub fn optimize_pairs(
    model: &Model,
    question: &Question,
    replications: u32,
    seed: u64,
    progress: &mut dyn FnMut(u32),
) -> Result<Outcome, PerPairError> {
    let why = couplings(model);
    if !why.is_empty() {
        return Err(PerPairError::Coupled(why));
    }
    if matches!(question.field, Field::UpTo | Field::UpToCover(_)) && question.lo < 0 {
        return Err(PerPairError::Negative(format!("inventory.S={}..{}", question.lo, question.hi)));
    }
    let mut search = Search::new(model, question, RunSpec { replications, seed, baseline: 0, daily: false })?;
    search.progress = Some(progress);
    let (levels, feasible) = match &question.target {
        Target::EachPair(constraints) => search.each_pair(constraints),
        Target::Catalogue(target) => search.catalogue(*target),
    };
    Ok(search.outcome(&levels, &feasible))
}

#[cfg(test)]
mod tests;
