//! The state of a per-pair search: the catalogue runs with per-pair levels, the measured
//! curves, bisection, the climb and the catalogue target.

use std::collections::BTreeMap;

use super::marginal::March;
use super::{Choice, FrontierPoint, Outcome, PerPairError, Question, columns};
use crate::experiment::optimize::Constraint;
use crate::experiment::stats::Moments;
use crate::experiment::{self, RunSpec};
use crate::metrics::Metric;
use crate::model::{Model, Pair};

/// The state of a search: the pairs, their rules and every (pair, level) measured.
pub(super) struct Search<'a> {
    model: &'a Model,
    question: &'a Question,
    spec: RunSpec,
    /// Indices of the pairs optimised (those with demand).
    pairs: Vec<usize>,
    /// Each optimised pair's metrics by level.
    pub(super) curves: Vec<BTreeMap<i64, Vec<Moments>>>,
    runs: u32,
    pub(super) progress: Option<&'a mut dyn FnMut(u32)>,
}

impl<'a> Search<'a> {
    pub(super) fn new(
        model: &'a Model,
        question: &'a Question,
        spec: RunSpec,
    ) -> Result<Search<'a>, PerPairError> {
        let policy = &model.policies[question.policy];
        let pairs: Vec<usize> =
            (0..model.pairs.len()).filter(|&p| !model.pairs[p].demands.is_empty()).collect();
        if pairs.is_empty() {
            return Err(PerPairError::NoDemand);
        }
        let misfits: Vec<String> = pairs
            .iter()
            .filter(|&&p| question.field.set(&policy.controls[p].rule.kind, 0).is_none())
            .map(|&p| model.pairs[p].name.clone())
            .collect();
        if !misfits.is_empty() {
            return Err(PerPairError::Mismatch {
                field: question.field.name(),
                policy: policy.name.clone(),
                pairs: misfits,
            });
        }
        let curves = vec![BTreeMap::new(); pairs.len()];
        Ok(Search { model, question, spec, pairs, curves, runs: 0, progress: None })
    }

    /// The model with only the policy searched, each optimised pair at its level.
    fn patched(&self, levels: &[i64]) -> Model {
        let mut model = self.model.clone();
        let mut policy = model.policies.swap_remove(self.question.policy);
        for (&p, &v) in self.pairs.iter().zip(levels) {
            let control = &mut policy.controls[p];
            control.rule.kind =
                self.question.field.set(&control.rule.kind, v).expect("checked in Search::new");
            control.initial_levels = control.rule.static_levels().expect("a static rule");
            control.initial_on_hand =
                model.pairs[p].initial_on_hand.unwrap_or(control.initial_levels.order_up_to).max(0);
        }
        model.policies = vec![policy];
        model
    }

    /// Simulates the levels in `wanted` (a pair without one sits at its lowest level measured,
    /// else the lowest level), unless every wanted level is already measured.
    fn probe(&mut self, wanted: &[Option<i64>]) {
        let fresh = |(k, w): (usize, &Option<i64>)| w.is_some_and(|v| !self.curves[k].contains_key(&v));
        if !wanted.iter().enumerate().any(fresh) {
            return;
        }
        let levels: Vec<i64> = wanted
            .iter()
            .enumerate()
            .map(|(k, w)| {
                w.unwrap_or_else(|| self.curves[k].keys().next().copied().unwrap_or(self.question.lo))
            })
            .collect();
        let model = self.patched(&levels);
        let stats = experiment::run(&model, &self.spec, &mut |_| {}, &|_| {});
        let measured = &stats.policies[0].ordered.pairs;
        for (k, (&p, &v)) in self.pairs.iter().zip(&levels).enumerate() {
            self.curves[k].entry(v).or_insert_with(|| measured[p].clone());
        }
        self.runs += 1;
        if let Some(progress) = self.progress.as_mut() {
            progress(self.runs);
        }
    }

    /// The mean of `metric` at pair `k`, level `v` (measured).
    fn mean(&self, k: usize, v: i64, metric: Metric) -> f64 {
        self.curves[k][&v][metric as usize].mean()
    }

    /// The objective of pair `k` at level `v`, to minimise (NaN counts as the worst).
    pub(super) fn cost(&self, k: usize, v: i64) -> f64 {
        let metric = crate::metrics::metric_index(&self.question.objective.metric).expect("a known metric");
        let m = self.curves[k][&v][metric].mean();
        let c = if self.question.objective.maximize { -m } else { m };
        if c.is_nan() { f64::INFINITY } else { c }
    }

    /// Whether pair `k` meets every constraint at level `v` by the mean.
    fn meets(&self, k: usize, v: i64, constraints: &[Constraint]) -> bool {
        constraints.iter().all(|c| {
            let metric = crate::metrics::metric_index(&c.metric).expect("a known metric");
            c.slack(self.curves[k][&v][metric].mean()) >= 0.0
        })
    }

    /// Per-pair targets: bisection to each pair's smallest feasible level, then a climb while
    /// the objective improves. A pair infeasible even at HI gets HI.
    pub(super) fn each_pair(&mut self, constraints: &[Constraint]) -> (Vec<i64>, Vec<bool>) {
        let (lo, hi) = (self.question.lo, self.question.hi);
        let n = self.pairs.len();
        self.probe(&vec![Some(hi); n]);
        let feasible: Vec<bool> = (0..n).map(|k| self.meets(k, hi, constraints)).collect();
        let mut low: Vec<i64> = feasible.iter().map(|&f| if f { lo } else { hi }).collect();
        let mut high = vec![hi; n];
        loop {
            let wanted: Vec<Option<i64>> =
                (0..n).map(|k| (low[k] < high[k]).then(|| low[k] + (high[k] - low[k]) / 2)).collect();
            if wanted.iter().all(Option::is_none) {
                break;
            }
            self.probe(&wanted);
            for (k, w) in wanted.iter().enumerate() {
                if let Some(mid) = *w {
                    if self.meets(k, mid, constraints) { high[k] = mid } else { low[k] = mid + 1 }
                }
            }
        }
        self.climb(&mut high, &feasible, constraints);
        (high, feasible)
    }

    /// From each feasible pair's smallest feasible level `high[k]`, the cheapest level above:
    /// the objective is taken to be unimodal there, so the cheapest level is the first whose
    /// next level up is no cheaper (or fails the target). One run checks the next level of
    /// every pair; the pairs still descending then bisect on that monotone question, each round
    /// simulating the middle of every pair's interval and the level above it.
    fn climb(&mut self, high: &mut [i64], feasible: &[bool], constraints: &[Constraint]) {
        let hi = self.question.hi;
        let n = high.len();
        let descends =
            |s: &Search, k: usize, v: i64| s.meets(k, v + 1, constraints) && s.cost(k, v + 1) < s.cost(k, v);
        let next: Vec<Option<i64>> =
            (0..n).map(|k| (feasible[k] && high[k] < hi).then(|| high[k] + 1)).collect();
        self.probe(&next);
        let mut top: Vec<i64> = (0..n)
            .map(|k| if next[k].is_some() && descends(self, k, high[k]) { hi } else { high[k] })
            .collect();
        for k in 0..n {
            if top[k] > high[k] {
                high[k] += 1;
            }
        }
        loop {
            let mids: Vec<Option<i64>> =
                (0..n).map(|k| (high[k] < top[k]).then(|| high[k] + (top[k] - high[k]) / 2)).collect();
            if mids.iter().all(Option::is_none) {
                break;
            }
            self.probe(&mids);
            self.probe(&mids.iter().map(|m| m.map(|v| v + 1)).collect::<Vec<_>>());
            for (k, m) in mids.iter().enumerate() {
                let Some(m) = *m else { continue };
                if descends(self, k, m) { high[k] = m + 1 } else { top[k] = m }
            }
        }
    }

    /// A catalogue target: every level simulated, each pair from its cheapest level, marginal
    /// analysis until the demand-weighted fill rate reaches `target`.
    pub(super) fn catalogue(&mut self, target: f64) -> (Vec<i64>, Vec<bool>) {
        let n = self.pairs.len();
        for v in self.question.lo..=self.question.hi {
            self.probe(&vec![Some(v); n]);
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
                let kind =
                    self.question.field.set(&policy.controls[p].rule.kind, levels[k]).expect("checked");
                Choice {
                    location: self.model.locations[pair.location].clone(),
                    item: self.model.items[pair.item].clone(),
                    values: columns(&kind),
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
            runs: self.runs,
            evaluations: self.curves.iter().map(BTreeMap::len).sum(),
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
