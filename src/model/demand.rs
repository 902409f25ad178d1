//! Demand: customer segments, demand streams and their samplers, distributions of whole
//! numbers (including empirical ones and bootstrap history), shocks, and the forecasters' priors.

use std::sync::Arc;

use super::build::{Builder, Index};
use super::history::{HistoryError, Series, history};
use super::network::PairIndex;
use super::orders::{OrderRules, OrderStream};
use super::shares::Shares;
use super::{DemandStream, MAX_HORIZON, MAX_LEAD_TIME, MAX_UNITS, Pair, Segment};
use crate::scenario::{self, BootstrapMethod, IntDistSpec, Layout, Scenario, Unmet};
use crate::sim::demand::{Churn, DemandSampler, Shocks, Spikes, Trend};
use crate::sim::dist::{IntDist, MAX_TABLE_LEN, Sampler};

/// What a demand entry refers to: its location, item and segment (`None` when unknown).
#[derive(Debug, Clone, Copy)]
pub(super) struct DemandRef {
    pub(super) location: Option<usize>,
    pub(super) item: Option<usize>,
    pub(super) segment: Option<usize>,
}

impl Builder<'_> {
    /// Resolves each demand entry's location, item and segment.
    /// Also gives each entry's segment shares (`None` without them).
    pub(super) fn demand_refs(
        &mut self,
        s: &Scenario,
        ids: &Index,
        segments: &[Segment],
    ) -> (Vec<DemandRef>, Vec<Option<Shares>>) {
        let mut refs = Vec::new();
        let mut shares = Vec::new();
        for (i, d) in s.demand.iter().enumerate() {
            let shared = self.segment_shares(i, d, ids, segments);
            let location =
                self.resolve(&ids.locations, &d.location, format!("demand[{i}].location"), "location");
            let item = self.resolve(&ids.items, &d.item, format!("demand[{i}].item"), "item");
            let segment = match (&d.segment, &shared, &d.segment_shares) {
                (Some(id), _, _) => {
                    self.resolve(&ids.segments, id, format!("demand[{i}].segment"), "segment")
                }
                (None, Some(list), _) => list.first().map(|&(g, _)| g),
                (None, None, Some(_)) => None,
                (None, None, None) => {
                    Some(segments.iter().position(|g| g.id == "default").expect("default segment"))
                }
            };
            self.demand_unresolved |= location.is_none() || item.is_none();
            refs.push(DemandRef { location, item, segment });
            shares.push(shared);
        }
        (refs, shares)
    }

    /// The demand streams, each added to its pair's list.
    pub(super) fn demand_streams(
        &mut self,
        s: &Scenario,
        refs: &[DemandRef],
        shares: &[Option<Shares>],
        pairs: &mut [Pair],
        index: &PairIndex,
    ) -> Vec<DemandStream> {
        let mut demands = Vec::new();
        for (i, ((d, r), shared)) in s.demand.iter().zip(refs).zip(shares).enumerate() {
            let sampler = self.demand_sampler(i, d);
            let shocks = self.shocks(&format!("demand[{i}]"), d);
            if let (Some(sampler), Some(shocks)) = (&sampler, &shocks) {
                self.check_peak(i, s.horizon_days, sampler, shocks);
            }
            if let (Some(l), Some(it), Some(segment), Some(sampler), Some(shocks)) =
                (r.location, r.item, r.segment, sampler, shocks)
            {
                let p = index.get(l, it).expect("a pair where customers buy");
                let stream =
                    DemandStream { pair: p, segment, sampler, shocks, class: 0, entry: i, split: None };
                match shared {
                    Some(list) => {
                        pairs[p].demands.extend(super::shares::split_streams(&mut demands, stream, list))
                    }
                    None => {
                        pairs[p].demands.push(demands.len());
                        demands.push(stream);
                    }
                }
            }
        }
        demands
    }

    /// Bounds demand entry `i`'s scaled demand, so it can neither overflow nor take forever
    /// to draw.
    fn check_peak(&mut self, i: usize, horizon_days: i64, sampler: &DemandSampler, shocks: &Shocks) {
        let peak =
            sampler.peak_multiplier(horizon_days.clamp(1, MAX_HORIZON) as u32) * shocks.peak_multiplier();
        let base = sampler.base();
        let (mean, max) = (base.dist().mean() * peak, base.table().max() as f64 * peak);
        if !(mean <= 1e7 && max <= MAX_UNITS as f64) {
            self.problem(
                format!("demand[{i}]"),
                format!("daily demand can reach a mean of {mean:.3e} (largest value {max:.3e}) once the weekly profile, trend, spikes and promotions multiply it; allowed: a mean of at most 1e7 and values of at most 1e9"),
            );
        }
    }

    pub(super) fn segments(&mut self, s: &Scenario) -> Vec<Segment> {
        let mut out: Vec<Segment> = Vec::new();
        for (i, g) in s.segments.iter().enumerate() {
            let path = format!("segments[{i}]");
            let backorder_probability = match g.unmet {
                Unmet::Backorder => 1.0,
                Unmet::Lost => 0.0,
                Unmet::Mixed { backorder_probability: p } => {
                    if !(0.0..=1.0).contains(&p) {
                        self.problem(
                            format!("{path}.unmet.backorder_probability"),
                            format!("is {p}; allowed: 0 to 1"),
                        );
                    }
                    p
                }
            };
            self.range_i64(&format!("{path}.line_size"), g.line_size, 1, MAX_UNITS);
            let patience =
                g.patience_days.as_ref().and_then(|p| self.sampler(&format!("{path}.patience_days"), p));
            if let Some(p) = patience.as_ref().filter(|p| p.table().max() > MAX_LEAD_TIME) {
                self.problem(
                    format!("{path}.patience_days"),
                    format!("can reach {} days; allowed: at most {MAX_LEAD_TIME}", p.table().max()),
                );
            }
            self.range_i64(&format!("{path}.priority"), g.priority, -1_000_000, 1_000_000);
            let churn = g.churn.as_ref().map(|c| {
                let drop = self.unit_interval(format!("{path}.churn.drop"), c.drop);
                let recovery =
                    self.unit_interval(format!("{path}.churn.recovery_per_day"), c.recovery_per_day);
                Churn { drop, recovery }
            });
            let orders = self.order_rules(&format!("{path}.fulfilment"), &g.fulfilment);
            out.push(Segment {
                id: g.id.clone(),
                backorder_probability,
                line_size: g.line_size.max(1) as u64,
                patience,
                partial_fill: g.partial_fill,
                priority: g.priority,
                churn,
                orders,
            });
        }
        if !out.iter().any(|g| g.id == "default") {
            out.push(Segment {
                id: "default".into(),
                backorder_probability: 1.0,
                line_size: 1,
                patience: None,
                partial_fill: true,
                priority: 0,
                churn: None,
                orders: OrderRules::DEFAULT,
            });
        }
        out
    }

    pub(super) fn shocks(&mut self, path: &str, d: &scenario::Demand) -> Option<Shocks> {
        let before = self.problems.len();
        let spikes = d.spikes.as_ref().and_then(|sp| {
            let probability = self.probability(format!("{path}.spikes.probability"), sp.probability);
            self.non_negative(&format!("{path}.spikes.multiplier"), sp.multiplier, 1e6);
            let duration = self.sampler(&format!("{path}.spikes.duration_days"), &sp.duration_days)?;
            Some(Box::new(Spikes { probability, multiplier: sp.multiplier, duration }))
        });
        let promotions = d
            .promotions
            .iter()
            .enumerate()
            .map(|(k, pr)| {
                let ppath = format!("{path}.promotions[{k}]");
                self.non_negative(&format!("{ppath}.multiplier"), pr.multiplier, 1e6);
                (self.window(&ppath, pr.start_day, pr.days, pr.every_days), pr.multiplier)
            })
            .collect();
        (self.problems.len() == before).then_some(Shocks { spikes, promotions })
    }

    /// The sampler of demand entry `i` (shared with every earlier entry of the same definition).
    pub(super) fn demand_sampler(&mut self, i: usize, d: &scenario::Demand) -> Option<Arc<DemandSampler>> {
        let path = format!("demand[{i}]");
        let before = self.problems.len();
        let dist_path = format!("{path}.distribution");
        let (dist, draw) = match d.distribution.history_source() {
            Some(_) => {
                self.history_demand(&dist_path, d).map_or((None, None), |(dist, draw)| (Some(dist), draw))
            }
            None => (self.int_dist(&dist_path, &d.distribution), None),
        };
        let profile = match &d.weekly_profile {
            None => None,
            Some(p) if p.len() != 7 => {
                self.problem(
                    format!("{path}.weekly_profile"),
                    format!("has {} values; needs exactly 7 (one per weekday)", p.len()),
                );
                None
            }
            Some(p) => {
                for (k, &m) in p.iter().enumerate() {
                    self.non_negative(&format!("{path}.weekly_profile[{k}]"), m, 1e6);
                }
                Some([p[0], p[1], p[2], p[3], p[4], p[5], p[6]])
            }
        };
        let trend = match d.trend {
            None => Trend::Flat,
            Some(scenario::Trend::Linear { per_day }) => {
                if !per_day.is_finite() || per_day.abs() > 1.0 {
                    self.problem(format!("{path}.trend.per_day"), format!("is {per_day}; allowed: -1 to 1"));
                }
                Trend::Linear(per_day)
            }
            Some(scenario::Trend::Exponential { per_day }) => {
                if !per_day.is_finite() || !(-0.5..=0.1).contains(&per_day) {
                    self.problem(
                        format!("{path}.trend.per_day"),
                        format!("is {per_day}; allowed: -0.5 to 0.1"),
                    );
                }
                Trend::Exponential(per_day)
            }
        };
        let dist = dist?;
        if self.problems.len() > before {
            return None;
        }
        // A history is the stream's own; any other definition is built once and shared.
        let key = format!("{dist:?} {profile:?} {trend:?}");
        if draw.is_none()
            && let Some(shared) = self.samplers.get(&key)
        {
            return Some(shared.clone());
        }
        match DemandSampler::new(dist, profile, trend) {
            Ok(s) => Some(match draw {
                Some(draw) => Arc::new(s.with_history(draw)),
                None => self.samplers.entry(key).or_insert(Arc::new(s)).clone(),
            }),
            Err(e) => {
                self.problem(format!("{path}.distribution"), e.to_string());
                None
            }
        }
    }

    pub(super) fn sampler(&mut self, path: &str, spec: &IntDistSpec) -> Option<Sampler> {
        let dist = self.int_dist(path, spec)?;
        match Sampler::new(dist) {
            Ok(s) => Some(s),
            Err(e) => {
                self.problem(path, e.to_string());
                None
            }
        }
    }

    /// Checks a distribution's parameters and converts it.
    pub(super) fn int_dist(&mut self, path: &str, spec: &IntDistSpec) -> Option<IntDist> {
        const MAX_MEAN: f64 = 1e7;
        let before = self.problems.len();
        let dist = match *spec {
            IntDistSpec::Constant { value } => {
                self.range_i64(&format!("{path}.value"), value, 0, MAX_UNITS);
                IntDist::Constant(value.max(0) as u64)
            }
            IntDistSpec::Poisson { mean } => {
                self.non_negative(&format!("{path}.mean"), mean, MAX_MEAN);
                IntDist::Poisson { mean }
            }
            IntDistSpec::Normal { mean, sd } => {
                self.non_negative(&format!("{path}.mean"), mean, MAX_MEAN);
                self.non_negative(&format!("{path}.sd"), sd, MAX_MEAN);
                IntDist::Normal { mean, sd }
            }
            IntDistSpec::NegativeBinomial { mean, sd } => {
                let mean_ok = self.non_negative(&format!("{path}.mean"), mean, MAX_MEAN);
                if mean_ok && mean == 0.0 {
                    self.problem(format!("{path}.mean"), "must be greater than 0");
                }
                if mean_ok && !(sd.is_finite() && sd * sd > mean) {
                    self.problem(format!("{path}.sd"), format!("is {sd}; a negative binomial needs sd² > mean ({mean}); use poisson for sd² = mean"));
                }
                IntDist::NegativeBinomial { mean, sd }
            }
            IntDistSpec::Gamma { mean, sd } => {
                for (f, v) in [("mean", mean), ("sd", sd)] {
                    if !(v.is_finite() && v > 0.0 && v <= MAX_MEAN) {
                        self.problem(
                            format!("{path}.{f}"),
                            format!("is {v}; allowed: greater than 0, at most 1e7"),
                        );
                    }
                }
                IntDist::Gamma { mean, sd }
            }
            IntDistSpec::Uniform { min, max } => {
                let ok = self.range_i64(&format!("{path}.min"), min, 0, MAX_UNITS)
                    & self.range_i64(&format!("{path}.max"), max, 0, MAX_UNITS);
                if ok && min > max {
                    self.problem(format!("{path}.max"), format!("is {max}; must be at least min ({min})"));
                }
                IntDist::Uniform { min: min.max(0) as u64, max: max.max(min).max(0) as u64 }
            }
            IntDistSpec::Empirical { ref values, ref weights } => {
                let weights = weights.clone().unwrap_or_else(|| vec![1.0; values.len()]);
                self.empirical(path, values, &weights)?
            }
            IntDistSpec::Compound { probability, ref size, shift } => {
                self.compound(path, probability, size, shift)?
            }
            IntDistSpec::Bootstrap {
                ref file,
                ref column,
                layout: Layout::Wide,
                method: BootstrapMethod::Day,
                ref date_column,
                ..
            } => {
                let values = self.history(path, file, column.as_deref(), date_column.as_deref())?.values;
                let weights = vec![1.0; values.len()];
                self.empirical(path, &values, &weights)?
            }
            IntDistSpec::Bootstrap { .. } | IntDistSpec::Replay { .. } => {
                self.problem(path, "a long-format history, a bootstrap that keeps the calendar and replay are for demand only; here: a wide history drawn by \"method\": \"day\"");
                return None;
            }
        };
        (self.problems.len() == before).then_some(dist)
    }

    /// Validates and builds a compound distribution: probability in (0, 1], a size of
    /// any family but compound, bootstrap and replay, a shift ≥ 0.
    fn compound(&mut self, path: &str, probability: f64, size: &IntDistSpec, shift: i64) -> Option<IntDist> {
        if !(probability.is_finite() && probability > 0.0 && probability <= 1.0) {
            self.problem(
                format!("{path}.probability"),
                format!("is {probability}; allowed: greater than 0, at most 1"),
            );
        }
        self.range_i64(&format!("{path}.shift"), shift, 0, MAX_UNITS);
        let size_path = format!("{path}.size");
        if let IntDistSpec::Compound { .. } | IntDistSpec::Bootstrap { .. } | IntDistSpec::Replay { .. } =
            size
        {
            self.problem(
                format!("{size_path}.type"),
                "must not be compound, bootstrap or replay; allowed: constant, poisson, normal, negative_binomial, gamma, uniform, empirical (give the sizes seen as empirical values)",
            );
            return None;
        }
        let size = self.int_dist(&size_path, size)?;
        Some(IntDist::Compound { probability, shift: shift.max(0) as u64, size: Box::new(size) })
    }

    pub(super) fn empirical(&mut self, path: &str, values: &[i64], weights: &[f64]) -> Option<IntDist> {
        if values.is_empty() {
            self.problem(format!("{path}.values"), "needs at least one value");
            return None;
        }
        if values.len() != weights.len() {
            self.problem(
                format!("{path}.weights"),
                format!(
                    "has {} weights for {} values; give one weight per value",
                    weights.len(),
                    values.len()
                ),
            );
            return None;
        }
        let mut ok = true;
        for (k, &v) in values.iter().enumerate() {
            ok &= self.range_i64(&format!("{path}.values[{k}]"), v, 0, MAX_UNITS);
        }
        for (k, &w) in weights.iter().enumerate() {
            ok &= self.non_negative(&format!("{path}.weights[{k}]"), w, 1e12);
        }
        if ok && weights.iter().sum::<f64>() <= 0.0 {
            self.problem(format!("{path}.weights"), "are all 0; at least one must be positive");
            ok = false;
        }
        if !ok {
            return None;
        }
        // Merge equal values and sort, so the table is increasing.
        let mut merged: Vec<(u64, f64)> =
            values.iter().map(|&v| v as u64).zip(weights.iter().copied()).collect();
        merged.sort_by_key(|&(v, _)| v);
        let mut vs: Vec<u64> = Vec::new();
        let mut ws: Vec<f64> = Vec::new();
        for (v, w) in merged {
            if vs.last() == Some(&v) {
                *ws.last_mut().expect("same length") += w;
            } else {
                vs.push(v);
                ws.push(w);
            }
        }
        if vs.len() > MAX_TABLE_LEN {
            self.problem(path, format!("has {} distinct values; at most {MAX_TABLE_LEN} (2²⁰)", vs.len()));
            return None;
        }
        Some(IntDist::Discrete { values: vs, weights: ws })
    }

    /// The daily history in column `column` (the first when `None`) of the wide CSV file
    /// `file`, which the scenario loader has read, dated by `date_column` when given.
    pub(super) fn history(
        &mut self,
        path: &str,
        file: &str,
        column: Option<&str>,
        date_column: Option<&str>,
    ) -> Option<Series> {
        let parsed = match self.inputs.get(file) {
            Some(input) => history(input, column, date_column),
            None => Err(HistoryError::NotLoaded { file: file.to_string() }),
        };
        parsed.map_err(|e| self.history_problem(path, e)).ok()
    }
}

/// Sets each pair's forecast prior: the weekday means and variance of its customers' demand,
/// plus, for a pair that supplies others, their priors (it sees their orders as its demand).
/// `review` lists pairs downstream first, so theirs are complete when added.
pub(super) fn set_priors(
    pairs: &mut [Pair],
    demands: &[DemandStream],
    orders: &[OrderStream],
    review: &[usize],
) {
    // Customer orders: the implied daily mean, with a Poisson-like variance (an approximation).
    for (p, rate) in orders.iter().flat_map(OrderStream::demand_rates) {
        pairs[p].prior.weekday_means.iter_mut().for_each(|m| *m += rate);
        pairs[p].prior.variance += rate;
    }
    for d in demands {
        let prior = &mut pairs[d.pair].prior;
        for (k, (mean, var)) in d.sampler.weekday_moments().iter().enumerate() {
            prior.weekday_means[k] += mean;
            prior.variance += var / 7.0;
        }
    }
    for &p in review {
        for k in 0..pairs[p].children.len() {
            let below = pairs[pairs[p].children[k]].prior;
            let prior = &mut pairs[p].prior;
            for (m, b) in prior.weekday_means.iter_mut().zip(below.weekday_means) {
                *m += b;
            }
            prior.variance += below.variance;
        }
    }
}
