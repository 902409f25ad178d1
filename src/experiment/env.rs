//! A day-by-day environment for learning and heuristic policies: a batch of replications of
//! one policy whose pairs with the `external` inventory rule take their order quantities from
//! the caller at each review.
//!
//! Each replication is the engine's own day loop, paused between steps 3 and 4 of each day on
//! which one of the policy's external pairs reviews (see `sim::external`): the caller reads the
//! [observation](Environment::observation), gives the orders to [`Environment::step`], and the
//! engine finishes the day and runs on to the next such review. Replication `b` of a batch
//! reset with seed `s` (and first replication `f`) uses the random streams of replication
//! `f + b` of `scsim run --seed s`, so a rule computed from the observation that is the rule of
//! a built-in policy gives exactly that policy's numbers, and an episode is a pure function of
//! its seed and replication.
//!
//! **Observation.** For each replication `b` and external pair `j` (in the order of
//! [`Environment::pairs`]), [`Environment::features`] numbers, at
//! `(b · pairs + j) · features`:
//!
//! | index | feature |
//! |---|---|
//! | 0 | units on hand (after the day's receipts and demand) |
//! | 1 | units owed: customers' backorders and the orders of downstream locations waiting here |
//! | 2 | the inventory position: on hand + on order − owed (what the built-in rules order by) |
//! | 3 | 1 if the pair reviews today (its order is placed today), else 0 |
//! | 4 … 4 + L − 1 | units on order expected on each of the next `L` days ([`Environment::lead_days`], the longest lead time, at least 1), by the lead time confirmed when they left; units overdue count on the first day, units ordered from a location that has not shipped them yet are in the position only |
//! | 4 + L … 4 + L + K − 1 | units demanded on each of the last `K` = [`RECENT_DAYS`] days, oldest first, the last being today (customers' demand up to the review; 0 before day 0) |
//! | 4 + L + K | the demand model's expected demand of the pair for tomorrow (its weekday mean; for a pair that supplies others, theirs added) |
//!
//! **Step.** One order per replication and external pair (units ≥ 0, same layout without the
//! feature axis); an order for a pair that does not review today is ignored. The step finishes
//! today, runs the following days up to the next review day of an external pair (or to the
//! horizon) and returns, per replication, the reward and whether the episode is done.
//!
//! **Reward** of a step: the sum over the days it ran (today included) of the objective's
//! daily value, every day counted (warm-up included, unlike the metrics):
//! - when the scenario's objective maximises profit per day: the selling price of the units
//!   sold that day (demanded and not lost or cancelled) minus the day's costs;
//! - otherwise: minus the day's costs.
//!
//! The day's costs are those of `daily.csv`: holding, backorder penalties, lost-sale
//! penalties, order fixed costs, purchases (costed when ordered, where profit costs the goods
//! when sold) and pipeline holding. Days before the first review run at reset and give no
//! reward.
//!
//! **End.** When the horizon is reached the replication is closed as `scsim run` closes it:
//! [`Environment::replication`] then gives its counters, and
//! [`Environment::metrics`] every metric of the run's total, computed the same way.

use std::sync::Arc;

use crate::metrics::{Metric, MetricValues};
use crate::model::Model;
use crate::sim::engine::{DayRecord, Workspace};
use crate::sim::policy::RuleKind;

/// Days of recent demand in the observation.
pub const RECENT_DAYS: usize = 7;

/// Features before the on-order vector: on hand, owed, position, reviews today.
const HEAD: usize = 4;

/// Why an environment cannot be built or stepped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvError {
    /// The policy index is out of range.
    #[error("policy {policy} does not exist: the scenario has {count} policies")]
    NoPolicy {
        /// The index asked for.
        policy: usize,
        /// The number of policies.
        count: usize,
    },
    /// The policy gives no pair the `external` rule.
    #[error("policy '{name}' has no pair with the `external` inventory rule, so nothing is left to decide")]
    NoExternalPair {
        /// The policy's name.
        name: String,
    },
    /// A batch of no replications.
    #[error("the batch size must be at least 1")]
    EmptyBatch,
    /// The orders do not have one entry per replication and external pair.
    #[error("{given} orders given; {expected} expected (one per replication and external pair)")]
    OrderCount {
        /// Orders given.
        given: usize,
        /// Replications × external pairs.
        expected: usize,
    },
    /// A negative order.
    #[error("order {index} is {units} units; orders are 0 or more")]
    NegativeOrder {
        /// Its index in the orders.
        index: usize,
        /// Its value.
        units: i64,
    },
    /// A step after the end of the episode.
    #[error("the episode has ended (day {horizon} reached): reset the environment")]
    Ended {
        /// The horizon.
        horizon: u32,
    },
}

/// One replication of the batch.
#[derive(Debug, Clone)]
struct Replica {
    ws: Workspace,
    /// The day the replication is paused on (the horizon once done).
    day: u32,
    /// The record of the day paused on.
    rec: DayRecord,
    done: bool,
    /// Demand of the last [`RECENT_DAYS`] days of each external pair (a ring by day).
    recent: Vec<i64>,
    /// Units sold by each pair of the model when the last day closed.
    sold: Vec<i64>,
}

/// A batch of replications of one policy stepped day by day (see the module documentation).
#[derive(Debug, Clone)]
pub struct Environment {
    model: Arc<Model>,
    policy: usize,
    /// The model's pairs whose rule is `external`, in model order.
    pairs: Vec<usize>,
    lead_days: usize,
    profit: bool,
    reps: Vec<Replica>,
    rewards: Vec<f64>,
    done: Vec<bool>,
    due: Vec<i64>,
}

impl Environment {
    /// An environment of `batch` replications of policy `policy` of `model`, reset with
    /// `seed` (replications `0..batch`).
    pub fn new(model: Arc<Model>, policy: usize, batch: usize, seed: u64) -> Result<Environment, EnvError> {
        let count = model.policies.len();
        let p = model.policies.get(policy).ok_or(EnvError::NoPolicy { policy, count })?;
        let pairs: Vec<usize> =
            (0..model.pairs.len()).filter(|&pi| p.controls[pi].rule.kind == RuleKind::External).collect();
        if pairs.is_empty() {
            return Err(EnvError::NoExternalPair { name: p.name.clone() });
        }
        if batch == 0 {
            return Err(EnvError::EmptyBatch);
        }
        let replica = Replica {
            ws: Workspace::new(&model),
            day: 0,
            rec: DayRecord::default(),
            done: false,
            recent: vec![0; pairs.len() * RECENT_DAYS],
            sold: vec![0; model.pairs.len()],
        };
        let objective = model.objective();
        let mut env = Environment {
            lead_days: (model.calendar_span() as usize).saturating_sub(1).max(1),
            profit: objective.metric == Metric::ProfitPerDay && objective.maximize,
            reps: vec![replica; batch],
            rewards: vec![0.0; batch],
            done: vec![false; batch],
            due: Vec::new(),
            model,
            policy,
            pairs,
        };
        env.due = vec![0; env.lead_days];
        env.reset(seed);
        Ok(env)
    }

    /// Starts a new episode of every replication: replication `b` of the batch is replication
    /// `b` of seed `seed`.
    pub fn reset(&mut self, seed: u64) {
        self.reset_from(seed, 0);
    }

    /// Starts a new episode of every replication: replication `b` of the batch is replication
    /// `first + b` of seed `seed` (so that successive episodes can use fresh replications).
    pub fn reset_from(&mut self, seed: u64, first: u64) {
        let model = Arc::clone(&self.model);
        for (b, rep) in self.reps.iter_mut().enumerate() {
            rep.ws.start(&model, self.policy, seed, first + b as u64);
            rep.day = 0;
            rep.done = false;
            rep.recent.iter_mut().for_each(|x| *x = 0);
            rep.sold.iter_mut().for_each(|x| *x = 0);
            advance(&model, &self.pairs, self.profit, rep);
        }
        self.rewards.iter_mut().for_each(|r| *r = 0.0);
        self.done.iter_mut().for_each(|d| *d = false);
    }

    /// The index of the policy stepped.
    pub fn policy(&self) -> usize {
        self.policy
    }

    /// Replications stepped together.
    pub fn batch(&self) -> usize {
        self.reps.len()
    }

    /// The model's pair indices whose orders the caller sets, in observation order.
    pub fn pairs(&self) -> &[usize] {
        &self.pairs
    }

    /// The names (`location/item`) of the external pairs, in observation order.
    pub fn pair_names(&self) -> Vec<String> {
        self.pairs.iter().map(|&pi| self.model.pairs[pi].name.clone()).collect()
    }

    /// Days in the on-order part of the observation: the longest lead time, at least 1.
    pub fn lead_days(&self) -> usize {
        self.lead_days
    }

    /// Numbers per replication and pair in the observation.
    pub fn features(&self) -> usize {
        HEAD + self.lead_days + RECENT_DAYS + 1
    }

    /// The observation's shape: replications, external pairs, features.
    pub fn shape(&self) -> [usize; 3] {
        [self.reps.len(), self.pairs.len(), self.features()]
    }

    /// The day each replication is paused on (the horizon once its episode is done).
    pub fn day(&self) -> u32 {
        self.reps[0].day
    }

    /// The observation, flat in the order of [`Environment::shape`].
    pub fn observation(&mut self) -> Vec<f64> {
        let mut out = vec![0.0; self.shape().iter().product()];
        self.observe_into(&mut out);
        out
    }

    /// Writes the observation into `out` (of the length of [`Environment::shape`]'s product).
    pub fn observe_into(&mut self, out: &mut [f64]) {
        let f = self.features();
        let mut rows = out.chunks_exact_mut(f);
        for rep in &self.reps {
            for (j, &pi) in self.pairs.iter().enumerate() {
                let row = rows.next().expect("out holds every replication and pair");
                let v = rep.ws.view(pi, rep.day);
                row[..HEAD].copy_from_slice(&[
                    v.on_hand as f64,
                    v.backorders as f64,
                    v.position as f64,
                    f64::from(u8::from(v.reviews_today && !rep.done)),
                ]);
                rep.ws.due_by_day(pi, rep.day, &mut self.due);
                for (x, &units) in row[HEAD..].iter_mut().zip(&self.due) {
                    *x = units as f64;
                }
                let recent = &rep.recent[j * RECENT_DAYS..(j + 1) * RECENT_DAYS];
                let demand = &mut row[HEAD + self.lead_days..HEAD + self.lead_days + RECENT_DAYS];
                for (k, x) in demand.iter_mut().enumerate() {
                    *x = recent[(rep.day as usize + 1 + k) % RECENT_DAYS] as f64;
                }
                let prior = &self.model.pairs[pi].prior;
                row[f - 1] = prior.weekday_means[(rep.day as usize + 1) % 7];
            }
        }
    }

    /// Places `orders` (units, one per replication and external pair, replication-major) at
    /// today's reviews and runs every replication to its next review day of an external pair
    /// or to the horizon. Returns each replication's reward and whether its episode is done.
    pub fn step(&mut self, orders: &[i64]) -> Result<(&[f64], &[bool]), EnvError> {
        let expected = self.reps.len() * self.pairs.len();
        if orders.len() != expected {
            return Err(EnvError::OrderCount { given: orders.len(), expected });
        }
        if let Some((index, &units)) = orders.iter().enumerate().find(|(_, u)| **u < 0) {
            return Err(EnvError::NegativeOrder { index, units });
        }
        if self.reps[0].done {
            return Err(EnvError::Ended { horizon: self.model.horizon });
        }
        let model = &*self.model;
        for (b, rep) in self.reps.iter_mut().enumerate() {
            for (j, &pi) in self.pairs.iter().enumerate() {
                rep.ws.set_order(pi, orders[b * self.pairs.len() + j]);
            }
            let mut rec = rep.rec;
            rep.ws.day_from_review(model, rep.day, &mut rec);
            rep.day += 1;
            let today = day_reward(model, self.profit, rep, &rec);
            self.rewards[b] = today + advance(model, &self.pairs, self.profit, rep);
            self.done[b] = rep.done;
        }
        Ok((&self.rewards, &self.done))
    }

    /// Replication `b`'s workspace once its episode is done (its counters, ledgers and daily
    /// records, as after [`Workspace::run`]); `None` before.
    pub fn replication(&self, b: usize) -> Option<&Workspace> {
        self.reps.get(b).filter(|r| r.done).map(|r| &r.ws)
    }

    /// Every metric of replication `b`'s total once its episode is done, as `scsim run`
    /// computes them for `replications.csv`; `None` before.
    pub fn metrics(&self, b: usize) -> Option<MetricValues> {
        let ws = self.replication(b)?;
        let (total, waits) = ws.total();
        Some(total.metrics(self.model.measured_days(), waits))
    }
}

/// Runs `rep` from its current day (not begun) to the next day on which an external pair
/// reviews, pausing before that day's review step, or to the horizon, closing the replication.
/// Returns the rewards of the days it finished.
fn advance(model: &Model, pairs: &[usize], profit: bool, rep: &mut Replica) -> f64 {
    let mut reward = 0.0;
    while rep.day < model.horizon {
        let mut rec = DayRecord::default();
        rep.ws.day_until_review(model, rep.day, &mut rec);
        let mut reviews = false;
        for (j, &pi) in pairs.iter().enumerate() {
            let v = rep.ws.view(pi, rep.day);
            rep.recent[j * RECENT_DAYS + rep.day as usize % RECENT_DAYS] = v.demand_today;
            reviews |= v.reviews_today;
        }
        if reviews {
            rep.rec = rec;
            return reward;
        }
        rep.ws.day_from_review(model, rep.day, &mut rec);
        rep.day += 1;
        reward += day_reward(model, profit, rep, &rec);
    }
    rep.ws.end(model);
    rep.done = true;
    reward
}

/// The reward of the day just closed (see the module documentation).
fn day_reward(model: &Model, profit: bool, rep: &mut Replica, rec: &DayRecord) -> f64 {
    let mut reward = -rec.costs.total();
    if profit {
        for (pi, (pair, sold)) in model.pairs.iter().zip(&mut rep.sold).enumerate() {
            let now = rep.ws.view(pi, rep.day - 1).sold;
            reward += pair.costs.price.unwrap_or(0.0) * (now - *sold) as f64;
            *sold = now;
        }
    }
    reward
}
