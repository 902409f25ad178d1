//! Policy quantities in days of cover: `S_cover_days`, `s_cover_days`, `r_cover_days` and
//! `Q_cover_days` stand for that many days of a pair's mean daily demand, rounded to units,
//! so that one policy fits every pair of a catalogue.

use std::cell::OnceCell;
use std::ops::Range;

use super::build::Builder;
use super::{DemandStream, MAX_UNITS, OrderStream, Pair};
use crate::sim::policy::RuleKind;

/// The most days of cover a quantity may be.
const MAX_COVER_DAYS: f64 = 3650.0;

/// A policy quantity as the scenario gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Amount {
    /// Units.
    Units(i64),
    /// Days of the pair's mean daily demand.
    CoverDays(f64),
}

impl Amount {
    /// The units at a pair whose mean daily demand is `daily`: `round(days × daily)`.
    fn units(self, daily: f64) -> i64 {
        match self {
            Amount::Units(u) => u,
            Amount::CoverDays(days) => (days * daily).round() as i64,
        }
    }
}

/// The quantities of a static policy as given, each in units or in days of cover.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Quantities {
    /// Base-stock: S.
    BaseStock(Amount),
    /// Echelon base-stock: S.
    EchelonBaseStock(Amount),
    /// (s,S).
    SS(Amount, Amount),
    /// (r,Q).
    RQ(Amount, Amount),
}

impl Quantities {
    /// The rule at a pair whose mean daily demand is `daily`.
    pub(super) fn kind(&self, daily: f64) -> RuleKind {
        match *self {
            Quantities::BaseStock(s) => RuleKind::BaseStock { level: s.units(daily) },
            Quantities::EchelonBaseStock(s) => RuleKind::EchelonBaseStock { level: s.units(daily) },
            Quantities::SS(s, big_s) => RuleKind::SS { s: s.units(daily), level: big_s.units(daily) },
            Quantities::RQ(r, q) => RuleKind::RQ { r: r.units(daily), q: q.units(daily) },
        }
    }

    /// Whether some quantity is in days of cover (then the rule differs by pair).
    pub(super) fn in_days(&self) -> bool {
        let days = |a: &Amount| matches!(a, Amount::CoverDays(_));
        match self {
            Quantities::BaseStock(s) | Quantities::EchelonBaseStock(s) => days(s),
            Quantities::SS(a, b) | Quantities::RQ(a, b) => days(a) || days(b),
        }
    }
}

/// Each pair's mean daily demand over the measured days, computed the first time a policy
/// needs it.
pub(super) struct MeanDemand<'m> {
    pairs: &'m [Pair],
    demands: &'m [DemandStream],
    orders: &'m [OrderStream],
    review: &'m [usize],
    days: Range<u32>,
    means: OnceCell<Vec<f64>>,
}

impl<'m> MeanDemand<'m> {
    /// The mean daily demand of `pairs` over the measured days `warmup..horizon` (clamped to
    /// at least one day); `review` lists pairs downstream first.
    pub(super) fn new(
        pairs: &'m [Pair],
        demands: &'m [DemandStream],
        orders: &'m [OrderStream],
        review: &'m [usize],
        warmup: i64,
        horizon: i64,
    ) -> MeanDemand<'m> {
        let end = horizon.clamp(1, i64::from(u32::MAX)) as u32;
        let start = warmup.clamp(0, i64::from(end) - 1) as u32;
        MeanDemand { pairs, demands, orders, review, days: start..end, means: OnceCell::new() }
    }

    /// The pairs.
    pub(super) fn pairs(&self) -> &'m [Pair] {
        self.pairs
    }

    /// Pair `p`'s mean daily demand: the expected demand of its customers (the demand model's
    /// mean with its weekly profile and trend, averaged over the measured days; customer order
    /// streams at their expected rate) plus, for a pair that supplies others, their mean
    /// demand.
    pub(super) fn of(&self, p: usize) -> f64 {
        self.means.get_or_init(|| self.compute())[p]
    }

    fn compute(&self) -> Vec<f64> {
        let mut means = vec![0.0; self.pairs.len()];
        let n = self.days.len() as f64;
        for d in self.demands {
            means[d.pair] += self.days.clone().map(|t| d.sampler.mean(t)).sum::<f64>() / n;
        }
        for (p, rate) in self.orders.iter().flat_map(OrderStream::demand_rates) {
            means[p] += rate;
        }
        for &p in self.review {
            means[p] += self.pairs[p].children.iter().map(|&c| means[c]).sum::<f64>();
        }
        means
    }
}

impl Builder<'_> {
    /// One quantity, given as `name` (units, at least `lo`) or as `name_cover_days`: exactly
    /// one of them.
    pub(super) fn amount(
        &mut self,
        path: &str,
        name: &str,
        units: Option<i64>,
        days: Option<f64>,
        lo: i64,
    ) -> Option<Amount> {
        match (units, days) {
            (Some(u), None) => {
                self.range_i64(&format!("{path}.{name}"), u, lo, MAX_UNITS).then_some(Amount::Units(u))
            }
            (None, Some(d)) => self
                .non_negative(&format!("{path}.{name}_cover_days"), d, MAX_COVER_DAYS)
                .then_some(Amount::CoverDays(d)),
            (Some(_), Some(_)) => {
                self.problem(
                    format!("{path}.{name}_cover_days"),
                    format!("{name} is given too: give exactly one of {name} (units) and {name}_cover_days (days of demand)"),
                );
                None
            }
            (None, None) => {
                self.problem(
                    format!("{path}.{name}"),
                    format!("is missing: give {name} (units) or {name}_cover_days (days of the pair's mean daily demand)"),
                );
                None
            }
        }
    }

    /// The rule kind of `quantities` at `pair`, whose mean daily demand is `daily`, checked
    /// when some quantity is in days of cover (S and Q within their ranges, s below S).
    pub(super) fn kind_at(
        &mut self,
        path: &str,
        q: &Quantities,
        pair: &Pair,
        daily: f64,
    ) -> Option<RuleKind> {
        let kind = q.kind(daily);
        if !q.in_days() {
            return Some(kind);
        }
        let at = format!("at {} (mean demand {daily:.4} units/day)", pair.name);
        let bad = |b: &mut Self, field: &str, problem: String| {
            b.pair_problem(format!("{path}.{field}_cover_days"), &pair.name, format!("gives {problem} {at}"));
        };
        match kind {
            RuleKind::BaseStock { level } | RuleKind::EchelonBaseStock { level } if level > MAX_UNITS => {
                bad(self, "S", format!("S = {level}, more than {MAX_UNITS}"));
            }
            RuleKind::SS { s, level } if level > MAX_UNITS || s >= level => {
                let field = if matches!(q, Quantities::SS(Amount::CoverDays(_), _)) { "s" } else { "S" };
                bad(
                    self,
                    field,
                    format!("s = {s} and S = {level}; s must be less than S and S at most {MAX_UNITS}"),
                );
            }
            RuleKind::RQ { r, q: lot } if !(1..=MAX_UNITS).contains(&lot) || r > MAX_UNITS => {
                let field = if matches!(q, Quantities::RQ(_, Amount::CoverDays(_))) { "Q" } else { "r" };
                bad(self, field, format!("r = {r} and Q = {lot}; Q must be 1 to {MAX_UNITS}"));
            }
            _ => return Some(kind),
        }
        None
    }
}

impl super::Model {
    /// Each pair's mean daily demand, as quantities in days of cover use it (see [`MeanDemand`]).
    pub(crate) fn mean_daily_demand(&self) -> Vec<f64> {
        let (warmup, horizon) = (i64::from(self.warmup), i64::from(self.horizon));
        let means =
            MeanDemand::new(&self.pairs, &self.demands, &self.orders, &self.review_order, warmup, horizon);
        (0..self.pairs.len()).map(|p| means.of(p)).collect()
    }

    /// The units `days` of cover stand for at a pair of mean daily demand `daily`.
    pub(crate) fn cover_units(days: f64, daily: f64) -> i64 {
        Amount::CoverDays(days).units(daily)
    }
}
