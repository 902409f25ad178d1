//! Policies: inventory rules, sourcing rules, forecast methods and service targets, and the
//! control each policy gives each stocked pair.

use std::collections::HashMap;

use super::build::{Builder, Index, ceil_days};
use super::cover::{Amount, MeanDemand, Quantities};
use super::{Control, MAX_UNITS, Pair, Policy};
use crate::scenario::{
    ForecastSpec, LotSpec, PolicySet, PolicySpec, Scenario, SeasonalitySpec, ServiceSpec, SourcingSpec,
};
use crate::sim::forecast::{Forecaster, Method, Seasonality};
use crate::sim::policy::{ForecastRule, Lot, Planning, Rule, RuleKind, Safety, forecast_levels};
use crate::sim::supply::{Lane, Shipper, Sourcing};

impl Builder<'_> {
    /// Every policy, or `None` when one has a problem (all of them are reported). Without
    /// `lanes` (some lane is invalid) only the rules are checked.
    pub(super) fn policies(
        &mut self,
        s: &Scenario,
        means: &MeanDemand,
        lanes: Option<&[Lane]>,
        ids: &Index,
    ) -> Option<Vec<Policy>> {
        let policies: Vec<Option<Policy>> =
            s.policies.iter().enumerate().map(|(i, p)| self.policy(i, p, means, lanes, ids)).collect();
        policies.into_iter().collect()
    }

    /// Policy `i`, checked.
    fn policy(
        &mut self,
        i: usize,
        p: &PolicySet,
        means: &MeanDemand,
        lanes: Option<&[Lane]>,
        ids: &Index,
    ) -> Option<Policy> {
        let pairs = means.pairs();
        let path = format!("policies[{i}]");
        let rules = self.rules(&path, p);
        let assigned = self.assign(&path, p, pairs, ids);
        // Sourcing needs valid lanes; without them the problems are already reported.
        let lanes = lanes?;
        let mut controls = Vec::with_capacity(pairs.len());
        for (pi, (pair, a)) in pairs.iter().zip(&assigned).enumerate() {
            if pair.sources.is_empty() {
                continue; // reported as "no lane brings …"
            }
            let template = rules[&a.inventory].as_ref();
            let rule = template.and_then(|t| self.rule_at(&a.inventory, t, pi, pair, means));
            let sourcing = match &a.sourcing {
                Some(assigned) => self.sourcing(&assigned.path, assigned.spec, pair, lanes, ids),
                None if pair.sources.len() == 1 => Some(Sourcing::Sequential(vec![0])),
                None => {
                    let names: Vec<&str> = pair.sources.iter().map(|x| lanes[x.lane].id.as_str()).collect();
                    self.pair_problem(
                        format!("{path}.sourcing"),
                        &pair.name,
                        format!(
                            "{} lanes bring {} ({}): give the policy a sourcing rule (single, split, primary_backup, cheapest or fastest)",
                            names.len(),
                            pair.name,
                            names.join(", ")
                        ),
                    );
                    None
                }
            };
            if let (Some(rule), Some(sourcing)) = (rule, sourcing) {
                controls.push(control(rule, sourcing, pair, lanes));
            }
        }
        for (pi, a) in assigned.iter().enumerate() {
            if matches!(
                rules[&a.inventory].as_ref().map(|t| &t.rule.kind),
                Some(RuleKind::EchelonBaseStock { .. })
            ) {
                self.closed_echelon(&a.inventory, pi, pairs);
            }
        }
        let fulfilment = p.fulfilment.as_ref().map(|f| self.order_rules(&format!("{path}.fulfilment"), f));
        (controls.len() == pairs.len()).then(|| Policy {
            fulfilment,
            name: p.name.clone(),
            description: p.description.clone().unwrap_or_default(),
            forecasts: controls.iter().any(|c| matches!(c.rule.kind, RuleKind::Forecast(_))),
            external: controls.iter().any(|c| c.rule.kind == RuleKind::External),
            controls,
        })
    }

    /// Each inventory spec of a policy, by its JSON path, checked once whether or not it
    /// matches a pair.
    fn rules(&mut self, path: &str, p: &PolicySet) -> HashMap<String, Option<Template>> {
        let mut rules = HashMap::new();
        let default_rule = self.rule(&format!("{path}.inventory"), &p.inventory);
        rules.insert(format!("{path}.inventory"), default_rule);
        for (k, o) in p.overrides.iter().enumerate() {
            if let Some(inv) = &o.inventory {
                let opath = format!("{path}.overrides[{k}].inventory");
                let rule = self.rule(&opath, inv);
                rules.insert(opath, rule);
            }
        }
        rules
    }

    /// The inventory policy and sourcing rule of each pair: the policy's own, replaced by
    /// the last override that matches the pair.
    fn assign<'p>(
        &mut self,
        path: &str,
        p: &'p PolicySet,
        pairs: &[Pair],
        ids: &Index,
    ) -> Vec<Assignment<'p>> {
        let own = Assignment {
            inventory: format!("{path}.inventory"),
            sourcing: p
                .sourcing
                .as_ref()
                .map(|spec| AssignedSourcing { spec, path: format!("{path}.sourcing") }),
        };
        let mut assigned = vec![own; pairs.len()];
        for (k, o) in p.overrides.iter().enumerate() {
            let opath = format!("{path}.overrides[{k}]");
            let loc = o
                .location
                .as_ref()
                .map(|id| self.resolve(&ids.locations, id, format!("{opath}.location"), "location"));
            let item =
                o.item.as_ref().map(|id| self.resolve(&ids.items, id, format!("{opath}.item"), "item"));
            if o.inventory.is_none() && o.sourcing.is_none() {
                self.problem(&opath, "replaces nothing: give an inventory policy, a sourcing rule, or both");
            }
            if loc == Some(None) || item == Some(None) {
                continue;
            }
            let (loc, item) = (loc.flatten(), item.flatten());
            let mut matched = 0;
            for (pi, pr) in pairs.iter().enumerate() {
                if loc.is_none_or(|l| l == pr.location) && item.is_none_or(|it| it == pr.item) {
                    matched += 1;
                    if o.inventory.is_some() {
                        assigned[pi].inventory = format!("{opath}.inventory");
                    }
                    if let Some(src) = &o.sourcing {
                        assigned[pi].sourcing =
                            Some(AssignedSourcing { spec: src, path: format!("{opath}.sourcing") });
                    }
                }
            }
            if matched == 0 && !self.demand_unresolved {
                self.problem(opath, "matches no stocked (location, item) pair");
            }
        }
        assigned
    }

    /// Resolves a source name (a lane id, else a supplier or location id) to an index into `pair.sources`.
    pub(super) fn source(
        &mut self,
        path: String,
        name: &str,
        pair: &Pair,
        lanes: &[Lane],
        ids: &Index,
    ) -> Option<usize> {
        let by_lane = pair.sources.iter().position(|x| lanes[x.lane].id == name);
        let shipper = match (ids.suppliers.get(name), ids.locations.get(name)) {
            (Some(sup), _) => Some(Shipper::Supplier(sup)),
            (None, Some(loc)) => Some(Shipper::Location(loc)),
            (None, None) => None,
        };
        let by_supplier: Vec<usize> =
            (0..pair.sources.len()).filter(|&k| shipper == Some(lanes[pair.sources[k].lane].from)).collect();
        match (by_lane, by_supplier.as_slice()) {
            (Some(k), _) => Some(k),
            (None, [k]) => Some(*k),
            (None, []) => {
                let serving: Vec<&str> = pair.sources.iter().map(|x| lanes[x.lane].id.as_str()).collect();
                let hint = if path.contains(".overrides[") {
                    ""
                } else {
                    " (a policy's own `sourcing` applies to every stocked pair; to give it to some pairs only, put it in an override with their `location` and `item`)"
                };
                self.pair_problem(
                    path,
                    &pair.name,
                    format!(
                        "{name:?} does not serve {}; the lanes that do: {}{hint}",
                        pair.name,
                        serving.join(", ")
                    ),
                );
                None
            }
            (None, _) => {
                self.pair_problem(
                    path,
                    &pair.name,
                    format!("{name:?} has several lanes to {}: name the lane", pair.name),
                );
                None
            }
        }
    }

    pub(super) fn sourcing(
        &mut self,
        path: &str,
        spec: &SourcingSpec,
        pair: &Pair,
        lanes: &[Lane],
        ids: &Index,
    ) -> Option<Sourcing> {
        let names = |b: &mut Self, list: &[&String], field: &str| -> Option<Vec<usize>> {
            if list.is_empty() {
                b.problem(format!("{path}.{field}"), "needs at least one source");
                return None;
            }
            let found: Vec<Option<usize>> = list
                .iter()
                .enumerate()
                .map(|(k, n)| {
                    // A single source is named by the field itself, a list's by its index.
                    let at = match field {
                        "source" => format!("{path}.source"),
                        "shares" => format!("{path}.shares[{k}].source"),
                        _ => format!("{path}.{field}[{k}]"),
                    };
                    b.source(at, n, pair, lanes, ids)
                })
                .collect();
            let found: Option<Vec<usize>> = found.into_iter().collect();
            if let Some(f) = &found {
                let mut sorted = f.clone();
                sorted.sort_unstable();
                sorted.dedup();
                if sorted.len() != f.len() {
                    b.problem(format!("{path}.{field}"), "names the same lane twice");
                    return None;
                }
            }
            found
        };
        let by = |key: &dyn Fn(usize) -> (f64, f64)| -> Sourcing {
            let mut order: Vec<usize> = (0..pair.sources.len()).collect();
            order.sort_by(|&a, &b| key(a).partial_cmp(&key(b)).expect("finite").then(a.cmp(&b)));
            Sourcing::Sequential(order)
        };
        match spec {
            SourcingSpec::Single { source } => names(self, &[source], "source").map(Sourcing::Sequential),
            SourcingSpec::PrimaryBackup { sources } => {
                names(self, &sources.iter().collect::<Vec<_>>(), "sources").map(Sourcing::Sequential)
            }
            SourcingSpec::Split { shares } => {
                let list: Vec<&String> = shares.iter().map(|x| &x.source).collect();
                let sources = names(self, &list, "shares");
                let mut ok = true;
                for (k, x) in shares.iter().enumerate() {
                    if !(x.share.is_finite() && x.share > 0.0 && x.share <= 1e6) {
                        self.problem(
                            format!("{path}.shares[{k}].share"),
                            format!("is {}; must be greater than 0", x.share),
                        );
                        ok = false;
                    }
                }
                let total: f64 = shares.iter().map(|x| x.share).sum();
                let sources = sources.filter(|_| ok)?;
                Some(Sourcing::Split { sources, shares: shares.iter().map(|x| x.share / total).collect() })
            }
            SourcingSpec::Cheapest => Some(by(&|k| (pair.sources[k].unit_cost, pair.sources[k].order_cost))),
            SourcingSpec::Fastest => {
                Some(by(&|k| (lanes[pair.sources[k].lane].mean_lead_time(pair.item), 0.0)))
            }
        }
    }

    pub(super) fn forecast_rule(
        &mut self,
        path: &str,
        method: Option<Method>,
        safety: Option<Safety>,
        lot: Lot,
        buffer: f64,
        recompute_every: i64,
    ) -> Option<RuleKind> {
        self.non_negative(&format!("{path}.buffer"), buffer, MAX_UNITS as f64);
        self.range_i64(&format!("{path}.recompute_every"), recompute_every, 1, 3650);
        Some(RuleKind::Forecast(ForecastRule {
            method: method?,
            safety: safety?,
            lot,
            buffer,
            recompute_every: recompute_every.clamp(1, 3650) as u32,
        }))
    }

    pub(super) fn forecast_method(&mut self, path: &str, spec: &ForecastSpec) -> Option<Method> {
        let before = self.problems.len();
        let method = match *spec {
            ForecastSpec::Plan => Method::Plan,
            ForecastSpec::Naive => Method::Naive,
            ForecastSpec::MovingAverage { window } => {
                self.range_i64(&format!("{path}.window"), window, 1, 3650);
                Method::MovingAverage { window: window.clamp(1, 3650) as usize }
            }
            ForecastSpec::Ses { alpha } => {
                Method::Ses { alpha: self.unit_interval(format!("{path}.alpha"), alpha) }
            }
            ForecastSpec::Holt { alpha, beta } => Method::Holt {
                alpha: self.unit_interval(format!("{path}.alpha"), alpha),
                beta: self.unit_interval(format!("{path}.beta"), beta),
            },
            ForecastSpec::HoltWinters { alpha, beta, gamma, seasonality } => Method::HoltWinters {
                alpha: self.unit_interval(format!("{path}.alpha"), alpha),
                beta: self.unit_interval(format!("{path}.beta"), beta),
                gamma: self.unit_interval(format!("{path}.gamma"), gamma),
                seasonality: match seasonality {
                    SeasonalitySpec::Additive => Seasonality::Additive,
                    SeasonalitySpec::Multiplicative => Seasonality::Multiplicative,
                },
            },
            ForecastSpec::Croston { alpha } => {
                Method::Croston { alpha: self.unit_interval(format!("{path}.alpha"), alpha) }
            }
            ForecastSpec::Sba { alpha } => {
                Method::Sba { alpha: self.unit_interval(format!("{path}.alpha"), alpha) }
            }
            ForecastSpec::Tsb { alpha, beta } => Method::Tsb {
                alpha: self.unit_interval(format!("{path}.alpha"), alpha),
                beta: self.unit_interval(format!("{path}.beta"), beta),
            },
        };
        (self.problems.len() == before).then_some(method)
    }

    pub(super) fn service(&mut self, path: &str, spec: &ServiceSpec) -> Option<Safety> {
        let target = |b: &mut Self, t: f64| -> Option<f64> {
            if (0.5..=0.9999).contains(&t) {
                Some(t)
            } else {
                b.problem(format!("{path}.target"), format!("is {t}; allowed: 0.5 to 0.9999"));
                None
            }
        };
        match *spec {
            ServiceSpec::CycleServiceLevel { target: t } => {
                target(self, t).map(|t| Safety::Factor(crate::sim::policy::z_for_cycle_service(t)))
            }
            ServiceSpec::FillRate { target: t } => target(self, t).map(Safety::FillRate),
            ServiceSpec::SafetyFactor { z } => {
                if (-4.0..=8.0).contains(&z) {
                    Some(Safety::Factor(z))
                } else {
                    self.problem(format!("{path}.z"), format!("is {z}; allowed: -4 to 8"));
                    None
                }
            }
        }
    }

    /// The lot of a `safety_stock` policy at `path` (none: 0 units).
    fn lot(&mut self, path: &str, lot: Option<&LotSpec>) -> Lot {
        match lot {
            None => Lot::Units(0.0),
            Some(LotSpec::Units { units }) => {
                self.non_negative(&format!("{path}.lot.units"), *units, MAX_UNITS as f64);
                Lot::Units(*units)
            }
            Some(LotSpec::CoverDays { days }) => {
                self.non_negative(&format!("{path}.lot.days"), *days, 3650.0);
                Lot::CoverDays(*days)
            }
        }
    }

    /// The rule of an inventory spec, checked; a static rule's quantities may be in days of
    /// cover, resolved at each pair by [`Builder::rule_at`].
    fn rule(&mut self, path: &str, spec: &PolicySpec) -> Option<Template> {
        let before = self.problems.len();
        let (quantities, period, offset) = match *spec {
            PolicySpec::BaseStock { big_s, big_s_cover_days, review_period, review_offset } => {
                let s = self.amount(path, "S", big_s, big_s_cover_days, 0);
                (s.map(Quantities::BaseStock), review_period, review_offset)
            }
            PolicySpec::EchelonBaseStock { big_s, big_s_cover_days, review_period, review_offset } => {
                let s = self.amount(path, "S", big_s, big_s_cover_days, 0);
                (s.map(Quantities::EchelonBaseStock), review_period, review_offset)
            }
            PolicySpec::SS { s, s_cover_days, big_s, big_s_cover_days, review_period, review_offset } => {
                let small = self.amount(path, "s", s, s_cover_days, -MAX_UNITS);
                let big = self.amount(path, "S", big_s, big_s_cover_days, 0);
                if let (Some(Amount::Units(s)), Some(Amount::Units(big_s))) = (small, big)
                    && s >= big_s
                {
                    self.problem(format!("{path}.s"), format!("is {s}; must be less than S ({big_s})"));
                }
                (small.zip(big).map(|(a, b)| Quantities::SS(a, b)), review_period, review_offset)
            }
            PolicySpec::External { review_period, review_offset } => {
                let kind = Some(Err(RuleKind::External));
                return self.template(path, kind, review_period, review_offset, before);
            }
            PolicySpec::RQ { r, r_cover_days, q, q_cover_days, review_period, review_offset } => {
                let r = self.amount(path, "r", r, r_cover_days, -MAX_UNITS);
                let q = self.amount(path, "Q", q, q_cover_days, 1);
                (r.zip(q).map(|(r, q)| Quantities::RQ(r, q)), review_period, review_offset)
            }
            PolicySpec::SafetyStock {
                ref forecast,
                ref service,
                ref lot,
                buffer,
                recompute_every,
                review_period,
                review_offset,
            } => {
                let method = self.forecast_method(&format!("{path}.forecast"), forecast);
                let safety = self.service(&format!("{path}.service"), service);
                let lot = self.lot(path, lot.as_ref());
                let rule = self.forecast_rule(path, method, safety, lot, buffer, recompute_every);
                return self.template(path, rule.map(Err), review_period, review_offset, before);
            }
            PolicySpec::JustInTime {
                ref forecast,
                buffer,
                recompute_every,
                review_period,
                review_offset,
            } => {
                let method = match forecast {
                    Some(f) => self.forecast_method(&format!("{path}.forecast"), f),
                    None => Some(Method::Plan),
                };
                let rule = self.forecast_rule(
                    path,
                    method,
                    Some(Safety::None),
                    Lot::Units(0.0),
                    buffer,
                    recompute_every,
                );
                return self.template(path, rule.map(Err), review_period, review_offset, before);
            }
        };
        self.template(path, quantities.map(Ok), period, offset, before)
    }

    /// A rule's template from its static quantities (`Ok`) or its forecast rule (`Err`), with
    /// its review schedule checked; `None` when a problem was found since `before`.
    fn template(
        &mut self,
        path: &str,
        kind: Option<Result<Quantities, RuleKind>>,
        period: i64,
        offset: i64,
        before: usize,
    ) -> Option<Template> {
        if self.range_i64(&format!("{path}.review_period"), period, 1, 3650) {
            self.range_i64(&format!("{path}.review_offset"), offset, 0, period - 1);
        }
        let (kind, quantities) = match kind? {
            Ok(q) => (q.kind(0.0), Some(q)),
            Err(kind) => (kind, None),
        };
        let rule = Rule { kind, review_period: period as u32, review_offset: offset as u32 };
        (self.problems.len() == before).then_some(Template { rule, quantities })
    }

    /// The rule `template` gives pair `p` (its quantities in days of cover resolved with the
    /// pair's mean daily demand), checked.
    fn rule_at(
        &mut self,
        path: &str,
        template: &Template,
        p: usize,
        pair: &Pair,
        means: &MeanDemand,
    ) -> Option<Rule> {
        match &template.quantities {
            Some(q) if q.in_days() => {
                let kind = self.kind_at(path, q, pair, means.of(p))?;
                Some(Rule { kind, ..template.rule.clone() })
            }
            _ => Some(template.rule.clone()),
        }
    }
}

/// A rule as a policy's spec gives it: a static rule's quantities may be in days of cover,
/// which differ by pair.
#[derive(Debug, Clone)]
struct Template {
    /// The rule (with the levels of a pair without demand where quantities are in days).
    rule: Rule,
    /// A static rule's quantities as given.
    quantities: Option<Quantities>,
}

/// The control of one pair. A forecast-driven rule plans with the lead time of its first
/// source; for a split, every order arrives in parts, share wᵢ after the lead time Lᵢ of its
/// source, so it plans with the mean `Σ wᵢ·E[Lᵢ]` and the variance `Σ wᵢ²·Var[Lᵢ]` (the spread
/// between sources is known in advance and adds no uncertainty).
pub(super) fn control(rule: Rule, sourcing: Sourcing, pair: &Pair, lanes: &[Lane]) -> Control {
    let lane = |src: usize| &lanes[pair.sources[src].lane];
    let (lead_mean, lead_variance) = match &sourcing {
        Sourcing::Sequential(order) => {
            (lane(order[0]).mean_lead_time(pair.item), lane(order[0]).lead_time_variance(pair.item))
        }
        Sourcing::Split { sources, shares } => {
            let parts = sources.iter().zip(shares);
            let mean = parts.clone().map(|(&s, w)| w * lane(s).mean_lead_time(pair.item)).sum();
            let variance = parts.map(|(&s, w)| w * w * lane(s).lead_time_variance(pair.item)).sum();
            (mean, variance)
        }
    };
    let planning = Planning { lead_mean, lead_variance, review_period: rule.review_period };
    let initial_levels = match &rule.kind {
        RuleKind::Forecast(f) => forecast_levels(f, &Forecaster::new(&f.method, &pair.prior), &planning),
        _ => rule.static_levels().expect("a static rule has fixed levels"),
    };
    Control {
        rule,
        sourcing,
        planning,
        initial_levels,
        initial_on_hand: 0, // set by `set_starting_stock` once every pair has its control
        promise_days: ceil_days(planning.lead_mean),
    }
}

/// The inventory policy (by the JSON path of its spec) and sourcing rule (with its path) that
/// a policy gives one pair.
#[derive(Clone)]
struct Assignment<'p> {
    inventory: String,
    sourcing: Option<AssignedSourcing<'p>>,
}

/// A sourcing rule given to a pair, with the JSON path of its spec.
#[derive(Clone)]
struct AssignedSourcing<'p> {
    spec: &'p SourcingSpec,
    path: String,
}
