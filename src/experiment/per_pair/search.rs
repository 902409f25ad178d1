//! The state of a per-pair search: the runs with per-pair levels (of only the pairs measured,
//! where the model can be cut), the measured curves at the full and the coarse count of
//! replications, and the catalogue target.

use std::collections::BTreeMap;

use super::marginal::March;
use super::submodel;
use super::{Choice, FrontierPoint, Outcome, PerPairError, Question};
use crate::experiment::optimize::Constraint;
use crate::experiment::stats::Moments;
use crate::experiment::{self, RunSpec};
use crate::metrics::Metric;
use crate::model::{Control, Model, Pair};
use crate::sim::forecast::Forecaster;
use crate::sim::policy::{RuleKind, forecast_levels};

/// Which replications a measurement has: the run's own count, or the first few of them (a
/// coarse measurement, only to steer the search; replication r draws the same numbers
/// whatever the count).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tier {
    /// Every replication of the run.
    Full,
    /// The first [`COARSE_REPLICATIONS`].
    Coarse,
}

/// Replications of a coarse measurement (used when a run has at least four times as many).
pub const COARSE_REPLICATIONS: u32 = 20;

/// The state of a search: the pairs, their rules and every (pair, level) measured.
pub(super) struct Search<'a> {
    model: &'a Model,
    pub(super) question: &'a Question,
    spec: RunSpec,
    /// Indices of the pairs optimised (those with demand).
    pairs: Vec<usize>,
    /// Their mean daily demand (for quantities in days of cover).
    pub(super) daily: Vec<f64>,
    /// Each optimised pair's metrics by level, over every replication.
    pub(super) curves: Vec<BTreeMap<i64, Vec<Moments>>>,
    /// Each optimised pair's metrics by level over the first `COARSE_REPLICATIONS`.
    coarse: Vec<BTreeMap<i64, Vec<Moments>>>,
    /// Whether a run may simulate only the pairs it measures (see `submodel`).
    cut: bool,
    /// Runs at the full count and at the coarse count.
    runs: [u32; 2],
    /// Pair × replications simulated.
    work: u64,
    pub(super) progress: Option<&'a mut dyn FnMut(u32)>,
}

impl<'a> Search<'a> {
    pub(super) fn new(
        model: &'a Model,
        question: &'a Question,
        spec: RunSpec,
    ) -> Result<Search<'a>, PerPairError> {
        let pairs: Vec<usize> =
            (0..model.pairs.len()).filter(|&p| !model.pairs[p].demands.is_empty()).collect();
        if pairs.is_empty() {
            return Err(PerPairError::NoDemand);
        }
        if let Some(e) = super::misfits(model, question.policy, question.field) {
            return Err(e);
        }
        let curves = vec![BTreeMap::new(); pairs.len()];
        let means = model.mean_daily_demand();
        Ok(Search {
            daily: pairs.iter().map(|&p| means[p]).collect(),
            model,
            question,
            spec,
            pairs,
            coarse: curves.clone(),
            curves,
            cut: submodel::cuttable(model),
            runs: [0, 0],
            work: 0,
            progress: None,
        })
    }

    /// The number of optimised pairs.
    pub(super) fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether a coarse tier is worth having (the run has several times its replications).
    pub(super) fn has_coarse(&self) -> bool {
        self.cut && self.spec.replications >= 4 * COARSE_REPLICATIONS
    }

    /// Optimised pair `k` and its control in the policy searched.
    pub(super) fn pair(&self, k: usize) -> (&Pair, &Control) {
        let p = self.pairs[k];
        (&self.model.pairs[p], &self.model.policies[self.question.policy].controls[p])
    }

    /// The control of optimised pair `k` at level `v`.
    pub(super) fn control(&self, k: usize, v: i64) -> Control {
        let p = self.pairs[k];
        let mut control = self.model.policies[self.question.policy].controls[p].clone();
        control.rule.kind =
            self.question.field.set(&control.rule.kind, v, self.daily[k]).expect("checked in Search::new");
        control.initial_levels = match &control.rule.kind {
            RuleKind::Forecast(f) => {
                let prior = &self.model.pairs[p].prior;
                forecast_levels(f, &Forecaster::new(&f.method, prior), &control.planning)
            }
            _ => control.rule.static_levels().expect("a static rule"),
        };
        control.initial_on_hand =
            self.model.pairs[p].initial_on_hand.unwrap_or(control.initial_levels.order_up_to).max(0);
        control
    }

    fn tier(&self, tier: Tier) -> &Vec<BTreeMap<i64, Vec<Moments>>> {
        match tier {
            Tier::Full => &self.curves,
            Tier::Coarse => &self.coarse,
        }
    }

    /// Simulates the levels in `wanted` not yet measured at `tier`: a run of only those pairs
    /// where the model can be cut, else of the whole catalogue (a pair without a wanted level
    /// at its lowest level measured, else the lowest level).
    pub(super) fn probe(&mut self, wanted: &[Option<i64>], tier: Tier) {
        let fresh: Vec<usize> = (0..wanted.len())
            .filter(|&k| {
                wanted[k].is_some_and(|v| !self.tier(tier).get(k).is_some_and(|c| c.contains_key(&v)))
            })
            .collect();
        if fresh.is_empty() {
            return;
        }
        let (keep, levels): (Vec<usize>, Vec<i64>) = if self.cut {
            fresh.iter().map(|&k| (k, wanted[k].expect("fresh"))).unzip()
        } else {
            let lowest = |k: usize| self.curves[k].keys().next().copied().unwrap_or(self.question.lo);
            (0..wanted.len()).map(|k| (k, wanted[k].unwrap_or_else(|| lowest(k)))).unzip()
        };
        let measured = self.simulate(&keep, &levels, tier);
        let curves = match tier {
            Tier::Full => &mut self.curves,
            Tier::Coarse => &mut self.coarse,
        };
        for ((&k, &v), m) in keep.iter().zip(&levels).zip(measured) {
            curves[k].entry(v).or_insert(m);
        }
        self.runs[tier as usize] += 1;
        if let Some(progress) = self.progress.as_mut() {
            progress(self.runs[0] + self.runs[1]);
        }
    }

    /// One run of the optimised pairs `keep` at `levels` with the replications of `tier`: each
    /// pair's metrics.
    fn simulate(&mut self, keep: &[usize], levels: &[i64], tier: Tier) -> Vec<Vec<Moments>> {
        let replications = match tier {
            Tier::Full => self.spec.replications,
            Tier::Coarse => COARSE_REPLICATIONS.min(self.spec.replications),
        };
        let spec = RunSpec { replications, ..self.spec.clone() };
        let controls: Vec<Control> = keep.iter().zip(levels).map(|(&k, &v)| self.control(k, v)).collect();
        let model_pairs: Vec<usize> = keep.iter().map(|&k| self.pairs[k]).collect();
        self.work += keep.len() as u64 * u64::from(replications);
        if self.cut {
            let model = submodel::sub_model(self.model, self.question.policy, &model_pairs, controls);
            let mut stats = experiment::run(&model, &spec, &mut |_| {}, &|_| {});
            return std::mem::take(&mut stats.policies[0].ordered.pairs);
        }
        let mut model = self.model.clone();
        let mut policy = model.policies.swap_remove(self.question.policy);
        for (&p, control) in model_pairs.iter().zip(controls) {
            policy.controls[p] = control;
        }
        model.policies = vec![policy];
        let stats = experiment::run(&model, &spec, &mut |_| {}, &|_| {});
        model_pairs.iter().map(|&p| stats.policies[0].ordered.pairs[p].clone()).collect()
    }

    /// The mean of `metric` at pair `k`, level `v` (measured).
    fn mean(&self, k: usize, v: i64, metric: Metric) -> f64 {
        self.curves[k][&v][metric as usize].mean()
    }

    /// The objective of pair `k` at level `v` (measured at every replication), to minimise
    /// (NaN counts as the worst).
    pub(super) fn cost(&self, k: usize, v: i64) -> f64 {
        let metric = crate::metrics::metric_index(&self.question.objective.metric).expect("a known metric");
        let m = self.curves[k][&v][metric].mean();
        let c = if self.question.objective.maximize { -m } else { m };
        if c.is_nan() { f64::INFINITY } else { c }
    }

    /// Whether pair `k` meets every constraint at level `v` by the mean at `tier`.
    pub(super) fn meets(&self, k: usize, v: i64, constraints: &[Constraint], tier: Tier) -> bool {
        constraints.iter().all(|c| {
            let metric = crate::metrics::metric_index(&c.metric).expect("a known metric");
            c.slack(self.tier(tier)[k][&v][metric].mean()) >= 0.0
        })
    }

    /// A catalogue target: every level simulated, each pair from its cheapest level, marginal
    /// analysis until the demand-weighted fill rate reaches `target`.
    pub(super) fn catalogue(&mut self, target: f64) -> (Vec<i64>, Vec<bool>) {
        let n = self.pairs.len();
        for v in self.question.lo..=self.question.hi {
            self.probe(&vec![Some(v); n], Tier::Full);
        }
        let start: Vec<i64> = (0..n)
            .map(|k| {
                let levels = self.curves[k].keys().copied();
                levels.fold(
                    self.question.lo,
                    |best, v| if self.cost(k, v) < self.cost(k, best) { v } else { best },
                )
            })
            .collect();
        let mut march = March::new(self, start, |s, k, v| s.cost(k, v));
        let mut reached = march.fill(self) >= target;
        while !reached && march.step(self, |s, k, v| s.cost(k, v)) {
            reached = march.fill(self) >= target;
        }
        (march.levels, vec![reached; n])
    }

    /// The figures of pair `k` at level `v`: units filled, units demanded, investment.
    pub(super) fn figures(&self, k: usize, v: i64) -> (f64, f64, f64) {
        let demand = self.mean(k, v, Metric::DemandUnits);
        let fill = self.mean(k, v, Metric::FillRate);
        let filled = if fill.is_nan() || demand.is_nan() { 0.0 } else { fill * demand };
        let on_hand = self.mean(k, v, Metric::AvgOnHand);
        let unit_cost = self.model.pairs[self.pairs[k]].costs.unit_cost;
        (filled, if demand.is_nan() { 0.0 } else { demand }, unit_cost * on_hand)
    }

    /// The catalogue figures of an allocation.
    pub(super) fn point(&self, levels: &[i64]) -> FrontierPoint {
        let (filled, demand, investment) = levels.iter().enumerate().fold((0.0, 0.0, 0.0), |acc, (k, &v)| {
            let (f, d, i) = self.figures(k, v);
            (acc.0 + f, acc.1 + d, acc.2 + i)
        });
        FrontierPoint { fill_rate: if demand > 0.0 { filled / demand } else { f64::NAN }, investment }
    }

    /// The frontier of fill rate against investment through the measured levels: from each
    /// pair's lowest level measured, marginal analysis on investment to the highest.
    fn frontier(&self) -> Vec<FrontierPoint> {
        let start: Vec<i64> = self.curves.iter().map(|c| *c.keys().next().expect("measured")).collect();
        let invest = |s: &Search, k: usize, v: i64| s.figures(k, v).2;
        let mut march = March::new(self, start, invest);
        let mut points = vec![self.point(&march.levels)];
        while march.step(self, invest) {
            points.push(self.point(&march.levels));
        }
        thin(points, 400)
    }

    pub(super) fn outcome(&self, levels: &[i64], feasible: &[bool]) -> Outcome {
        let policy = &self.model.policies[self.question.policy];
        let choices = self
            .pairs
            .iter()
            .enumerate()
            .map(|(k, &p)| {
                let pair: &Pair = &self.model.pairs[p];
                let kind = self
                    .question
                    .field
                    .set(&policy.controls[p].rule.kind, levels[k], self.daily[k])
                    .expect("checked");
                Choice {
                    location: self.model.locations[pair.location].clone(),
                    item: self.model.items[pair.item].clone(),
                    values: self.question.field.columns(&kind, levels[k]),
                    meets_target: feasible[k],
                    metrics: self.curves[k][&levels[k]].clone(),
                    investment: self.figures(k, levels[k]).2,
                }
            })
            .collect();
        Outcome {
            choices,
            feasible: feasible.iter().all(|&f| f),
            chosen: self.point(levels),
            frontier: self.frontier(),
            runs: self.runs[0],
            evaluations: self.curves.iter().map(BTreeMap::len).sum(),
            coarse_runs: self.runs[1],
            coarse_evaluations: self.coarse.iter().map(BTreeMap::len).sum(),
            pair_replications: self.work,
        }
    }
}

/// At most `most` points of `points`, evenly spread, first and last kept.
pub(super) fn thin(points: Vec<FrontierPoint>, most: usize) -> Vec<FrontierPoint> {
    if points.len() <= most {
        return points;
    }
    let last = points.len() - 1;
    (0..most).map(|i| points[i * last / (most - 1)]).collect()
}
