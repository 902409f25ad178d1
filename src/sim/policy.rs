//! Inventory policies: pure decision rules on the inventory position.
//!
//! Every policy is, at each review, a pair of levels — a reorder point `s` and an order-up-to
//! level `S` — and a rule for the quantity. Static policies (base-stock, (s,S), (r,Q)) fix the
//! levels; forecast-driven policies (safety stock, just-in-time) recompute them on a schedule
//! from a forecaster (see [`forecast_levels`]). The decision itself, [`Rule::order_quantity`],
//! is a pure function of the position and the levels. Lane constraints (minimum order,
//! multiples, capacity) and the choice of supplier are applied afterwards by the sourcing step.

use statrs::distribution::{ContinuousCDF, Normal};

use crate::sim::forecast::{Forecaster, Method};
pub use crate::sim::loss::{normal_loss, z_for_fill_rate};

/// The decision rule of one policy at one (location, item) pair.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    /// Order up to `level` whenever the position is below it.
    BaseStock {
        /// The base-stock level S.
        level: i64,
    },
    /// Order up to `level` whenever the echelon position (this pair's and that of every pair
    /// it supplies, directly or not) is below it.
    EchelonBaseStock {
        /// The echelon base-stock level.
        level: i64,
    },
    /// When the position is at or below `s`, order up to `level` (S).
    SS {
        /// Reorder point.
        s: i64,
        /// Order-up-to level S.
        level: i64,
    },
    /// When the position is at or below `r`, order the smallest multiple of `q` that lifts it
    /// above `r`.
    RQ {
        /// Reorder point.
        r: i64,
        /// Lot size.
        q: i64,
    },
    /// Reorder point and order-up-to level recomputed from a forecast.
    Forecast(ForecastRule),
    /// The quantity set from outside for the day (see `sim::external`); the engine takes it in
    /// place of [`Rule::order_quantity`], which gives 0.
    External,
}

/// How a forecast-driven policy sizes its safety stock.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Safety {
    /// None: just-in-time.
    None,
    /// A fixed safety factor z (from a target cycle service level).
    Factor(f64),
    /// The factor that gives this fill rate by the normal loss function.
    FillRate(f64),
}

/// How a forecast-driven policy sizes the lot above the reorder point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Lot {
    /// A fixed number of units.
    Units(f64),
    /// The forecast demand of this many days.
    CoverDays(f64),
}

/// A forecast-driven policy: reorder point = forecast over the protection interval + z·σ +
/// buffer, order-up-to = reorder point + lot.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastRule {
    /// The forecaster.
    pub method: Method,
    /// Safety stock rule.
    pub safety: Safety,
    /// Lot above the reorder point.
    pub lot: Lot,
    /// Units added to the reorder point.
    pub buffer: f64,
    /// Days between recomputations of the levels.
    pub recompute_every: u32,
}

/// A decision rule with its review schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// What to order at a review.
    pub kind: RuleKind,
    /// Days between reviews (1 = every day).
    pub review_period: u32,
    /// Day of the first review (`0 ≤ offset < review_period`).
    pub review_offset: u32,
}

/// The levels a policy orders by at a review.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Levels {
    /// Order when the position is at or below this.
    pub reorder_point: i64,
    /// Order up to this (for (r,Q): r + Q).
    pub order_up_to: i64,
}

impl Rule {
    /// The day of the pair's first review.
    pub fn first_review(&self) -> u32 {
        self.review_offset
    }

    /// The day of the review that follows a review on `day`.
    pub fn review_after(&self, day: u32) -> u32 {
        day + self.review_period
    }

    /// The fixed levels of a static policy (`None` for forecast-driven ones; zero levels for
    /// `External`, whose quantities come from outside).
    pub fn static_levels(&self) -> Option<Levels> {
        match self.kind {
            RuleKind::BaseStock { level } | RuleKind::EchelonBaseStock { level } => {
                Some(Levels { reorder_point: level - 1, order_up_to: level })
            }
            RuleKind::SS { s, level } => Some(Levels { reorder_point: s, order_up_to: level }),
            RuleKind::RQ { r, q } => Some(Levels { reorder_point: r, order_up_to: r + q }),
            RuleKind::External => Some(Levels::default()),
            RuleKind::Forecast(_) => None,
        }
    }

    /// Units to order at a review when the inventory position is `position`.
    #[inline]
    pub fn order_quantity(&self, position: i64, levels: &Levels) -> i64 {
        if position > levels.reorder_point {
            return 0;
        }
        match self.kind {
            RuleKind::RQ { q, .. } => ((levels.reorder_point - position) / q + 1) * q,
            RuleKind::External => 0,
            _ => (levels.order_up_to - position).max(0),
        }
    }
}

/// Demand and lead time figures a forecast-driven policy plans with at one pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Planning {
    /// Mean lead time of the lane it mainly orders from (days).
    pub lead_mean: f64,
    /// Variance of that lead time (days²).
    pub lead_variance: f64,
    /// Days between reviews.
    pub review_period: u32,
}

impl Planning {
    /// Days of demand an order must cover in the engine's timing: from the review that places
    /// it to the day before the next order arrives, `max(L, 1) + R − 1`.
    pub fn protection_days(&self) -> f64 {
        self.lead_mean.max(1.0) + self.review_period as f64 - 1.0
    }
}

/// The safety factor z for a target cycle service level: Φ⁻¹(target).
pub fn z_for_cycle_service(target: f64) -> f64 {
    Normal::standard().inverse_cdf(target)
}

/// `x.round() as i64` (halves away from zero) without the library's `round`, a call of about
/// 24 instructions on x86-64 without SSE4.1: the same result for every `x` (in the default
/// round-to-nearest, ties-to-even mode). For `0 ≤ x < 2^52` with whole part `n`, add `h`, the
/// largest double under ½ (½ − 2^-54), and truncate:
/// - if `x`'s fraction is ½ or more, the exact sum lies in `[n + 1 − 2^-54, n + 2)`; the
///   double below `n + 1` is at least 2^-53 under it, so the sum rounds to `n + 1` or more
///   (at `x = ½`, `1 − 2^-54` is a tie that rounds to the even `1`) and truncates to `n + 1`;
/// - otherwise the fraction is at most `½ − u`, `u` being the spacing of the doubles at `x`,
///   so the exact sum is at most `n + 1 − u − 2^-54`, which rounds to at most the double
///   `n + 1 − u` (for `n = 0`, to at most `1 − 2^-53`, the double below 1): it truncates to `n`.
///
/// Negative `x` is the mirror image (`h` takes `x`'s sign). NaN and larger `x` take the
/// library's way.
fn round_to_i64(x: f64) -> i64 {
    const BELOW_HALF: f64 = 0.499_999_999_999_999_94;
    if x.abs() < 4_503_599_627_370_496.0 { (x + BELOW_HALF.copysign(x)) as i64 } else { x.round() as i64 }
}

/// What a forecast-driven policy's levels are sized from at one recomputation: the first of
/// the three stages of [`forecast_levels`]. Each stage is a long chain of dependent
/// arithmetic, and the recomputations of a pair's days do not feed each other: the days can go
/// through them one stage for all the days before the next (`Workspace::forecast_ahead`),
/// where the CPU overlaps the days' chains.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Exposure {
    /// Forecast demand over the protection interval, `D_P`.
    demand: f64,
    /// Its standard deviation σ.
    sigma: f64,
    /// The lot above the reorder point.
    lot: f64,
    /// The demand a fill-rate target is a fraction of: the lot, or a review period's forecast
    /// demand if more.
    cycle: f64,
}

impl Exposure {
    /// Stage 1: the forecasts and their uncertainty.
    pub(crate) fn of(rule: &ForecastRule, forecaster: &Forecaster, plan: &Planning) -> Exposure {
        let p = plan.protection_days();
        let demand = forecaster.forecast_over(p);
        let daily = demand / p;
        let sigma = (p * forecaster.error_variance() + daily * daily * plan.lead_variance).sqrt();
        let lot = match rule.lot {
            Lot::Units(u) => u,
            Lot::CoverDays(days) => forecaster.forecast_over(days),
        };
        Exposure { demand, sigma, lot, cycle: lot.max(daily * plan.review_period as f64) }
    }

    /// Stage 2: the safety factor z.
    pub(crate) fn safety_factor(&self, rule: &ForecastRule) -> f64 {
        match rule.safety {
            Safety::None => 0.0,
            Safety::Factor(z) => z,
            Safety::FillRate(target) => z_for_fill_rate(target, self.cycle, self.sigma),
        }
    }

    /// Stage 3: the levels with safety factor `z`.
    pub(crate) fn levels(&self, rule: &ForecastRule, z: f64) -> Levels {
        let reorder_point = round_to_i64(self.demand + z * self.sigma + rule.buffer);
        Levels { reorder_point, order_up_to: reorder_point + round_to_i64(self.lot) }
    }
}

/// The levels of a forecast-driven policy given its forecaster's state:
///
/// - demand over the protection interval `P = max(L,1) + R − 1`: `D_P = Σ forecasts`, with mean
///   daily demand `d = D_P / P`;
/// - `σ² = P·σ_d² + d²·σ_L²`, where `σ_d²` is the forecaster's smoothed one-step squared error
///   and `σ_L²` the lead time variance;
/// - safety stock `z·σ`, with z fixed, from the fill-rate target (of the demand
///   `max(lot, d·R)`), or 0 (just-in-time);
/// - reorder point `round(D_P + z·σ + buffer)`, order-up-to `reorder point + round(lot)`.
pub fn forecast_levels(rule: &ForecastRule, forecaster: &Forecaster, plan: &Planning) -> Levels {
    let exposure = Exposure::of(rule, forecaster, plan);
    exposure.levels(rule, exposure.safety_factor(rule))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::forecast::Prior;

    fn rule(kind: RuleKind) -> Rule {
        Rule { kind, review_period: 1, review_offset: 0 }
    }

    fn order(r: &Rule, ip: i64) -> i64 {
        r.order_quantity(ip, &r.static_levels().unwrap())
    }

    #[test]
    fn base_stock_orders_up_to_level() {
        let r = rule(RuleKind::BaseStock { level: 110 });
        assert_eq!(order(&r, 100), 10);
        assert_eq!(order(&r, -5), 115);
        assert_eq!(order(&r, 110), 0);
        assert_eq!(order(&r, 120), 0);
    }

    #[test]
    fn s_s_orders_only_at_or_below_s() {
        let r = rule(RuleKind::SS { s: 40, level: 100 });
        assert_eq!(order(&r, 41), 0);
        assert_eq!(order(&r, 40), 60);
        assert_eq!(order(&r, -3), 103);
    }

    #[test]
    fn r_q_orders_smallest_multiple_lifting_above_r() {
        let r = rule(RuleKind::RQ { r: 30, q: 25 });
        assert_eq!(order(&r, 31), 0);
        assert_eq!(order(&r, 30), 25);
        assert_eq!(order(&r, 6), 25);
        assert_eq!(order(&r, 5), 50);
        assert_eq!(order(&r, -20), 75);
        for ip in -100..=30 {
            let q = order(&r, ip);
            assert!(ip + q > 30 && ip + q <= 55 && q % 25 == 0, "ip {ip} q {q}");
        }
    }

    #[test]
    fn review_schedule() {
        let r = Rule { kind: RuleKind::BaseStock { level: 1 }, review_period: 7, review_offset: 2 };
        let days: Vec<u32> = std::iter::successors(Some(r.first_review()), |&d| Some(r.review_after(d)))
            .take_while(|&d| d < 20)
            .collect();
        assert_eq!(days, vec![2, 9, 16]);
    }

    #[test]
    fn z_from_service_targets() {
        assert!((z_for_cycle_service(0.95) - 1.644_854).abs() < 1e-5);
        assert!((z_for_cycle_service(0.5)).abs() < 1e-9);
        // G(z) = (1 − 0.98) · 100 / 25 = 0.08: the tables give G(1.02) = 0.0802 and
        // G(1.03) = 0.0787, so z is just above 1.02.
        let z = z_for_fill_rate(0.98, 100.0, 25.0);
        assert!((normal_loss(z) - 0.08).abs() < 1e-9);
        assert!(z > 1.02 && z < 1.03, "{z}");
    }

    /// Forecast-driven policies of every kind on a model the lean day loop takes: several
    /// items, lost sales, a weekly profile, a capacity shared by the pairs, random lead times,
    /// periodic reviews, levels recomputed every day and every week, a warm-up.
    const FORECASTING: &str = r#"{
        "schema_version": 1, "horizon_days": 150, "warmup_days": 20,
        "items": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
        "locations": [{"id": "dc"}], "suppliers": [{"id": "s"}],
        "lanes": [{"id": "l", "from": "s", "to": "dc", "capacity_per_day": 70,
                   "lead_time": {"type": "uniform", "min": 2, "max": 5}}],
        "segments": [{"id": "shop", "unmet": {"type": "mixed", "backorder_probability": 0.5}}],
        "demand": [
            {"location": "dc", "item": "a", "segment": "shop", "distribution": {"type": "poisson", "mean": 20},
             "weekly_profile": [0.8, 0.8, 0.9, 1.0, 1.2, 1.6, 0.7]},
            {"location": "dc", "item": "b", "segment": "shop", "distribution": {"type": "negative_binomial", "mean": 12, "sd": 6}},
            {"location": "dc", "item": "c", "segment": "shop", "distribution": {"type": "poisson", "mean": 2}}
        ],
        "policies": [
            {"name": "ses-fill-rate", "inventory": {"type": "safety_stock", "forecast": {"type": "ses", "alpha": 0.1},
             "service": {"type": "fill_rate", "target": 0.95}, "recompute_every": 1}},
            {"name": "holt-winters", "inventory": {"type": "safety_stock", "forecast": {"type": "holt_winters",
             "alpha": 0.1, "beta": 0.01, "gamma": 0.1, "seasonality": "multiplicative"},
             "service": {"type": "cycle_service_level", "target": 0.9}, "recompute_every": 1}},
            {"name": "weekly", "inventory": {"type": "safety_stock", "forecast": {"type": "moving_average", "window": 7},
             "service": {"type": "fill_rate", "target": 0.98}, "lot": {"type": "cover_days", "days": 3},
             "recompute_every": 7, "review_period": 2}},
            {"name": "jit", "inventory": {"type": "just_in_time", "buffer": 5}}
        ]
    }"#;

    #[test]
    fn forecast_policies_give_the_full_loops_results_on_the_lean_loop() {
        use crate::model::Model;
        use crate::scenario::ScenarioFile;
        use crate::sim::engine::tests::assert_runs_match_the_full_loop;
        let file =
            ScenarioFile::parse(FORECASTING.as_bytes(), std::path::Path::new("f.json")).expect("parses");
        let model = Model::build(&file).expect("valid");
        assert_runs_match_the_full_loop(&model, 9, |lean| {
            let (totals, _) = lean.total();
            assert!(totals.forecast.days > 0 && totals.orders > 0 && totals.walkaway_units > 0);
        });
    }

    #[test]
    fn rounding_without_the_library_call_rounds_as_it_does() {
        let halves = (-40..=40).map(|k| f64::from(k) * 0.5);
        let near =
            [0.499_999_999_999_999_94, -0.499_999_999_999_999_94, 1e15 + 0.5, -1e15 - 0.5, 4.5e15, 1e300];
        let odd = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, f64::MIN_POSITIVE];
        let noise = (0..10_000).map(|k| (f64::from(k) * 0.618_033_988_749_895).sin() * 1e3);
        // Halves and integers at every scale up to 2^53, and the doubles next to them.
        let scales = (0..54).flat_map(|e| {
            let base = 2f64.powi(e);
            [base - 0.5, base, base + 0.5, base - 1.0, base + 1.0].into_iter().flat_map(|v| {
                // Below 0.0 (at 2^0 − 1) the bits wrap to a NaN, a case of its own.
                let (below, above) =
                    (f64::from_bits(v.to_bits().wrapping_sub(1)), f64::from_bits(v.to_bits() + 1));
                [below, v, above, -below, -v, -above]
            })
        });
        // Random bit patterns of every exponent up to 2^60.
        let mut bits = 0x9E37_79B9_7F4A_7C15_u64;
        let random = std::iter::repeat_with(move || {
            bits ^= bits << 13;
            bits ^= bits >> 7;
            bits ^= bits << 17;
            f64::from_bits((bits & 0x800F_FFFF_FFFF_FFFF) | ((1023 - 30 + bits % 90) << 52))
        });
        for x in halves.chain(near).chain(odd).chain(noise).chain(scales).chain(random.take(1_000_000)) {
            assert_eq!(round_to_i64(x), x.round() as i64, "{x}");
        }
    }

    #[test]
    fn a_cycle_service_factor_fails_a_fill_rate_target() {
        // Fill rate 0.98 on cycles of 100 units with σ = 25: G(z) = 0.08, z ≈ 1.02 by the
        // tables; Φ⁻¹(0.98) ≈ 2.054, the plausible wrong answer, is far off and its expected
        // shortage, 25·G(2.054) ≈ 0.18 units, is not the 2 units the target allows.
        let z = z_for_fill_rate(0.98, 100.0, 25.0);
        assert!(z > 1.02 && z < 1.03, "{z}");
        let wrong = z_for_cycle_service(0.98);
        assert!((wrong - z).abs() > 1.0);
        assert!((25.0 * normal_loss(wrong) - 2.0).abs() > 1.0);
    }

    #[test]
    fn safety_stock_formula_matches_its_closed_form() {
        // Flat forecast of 20/day with error variance 16, lead time mean 4 (variance 1),
        // review period 2: P = 4 + 2 − 1 = 5 days, D_P = 100, σ² = 5·16 + 20²·1 = 480.
        let prior = Prior { weekday_means: [20.0; 7], variance: 16.0 };
        let f = Forecaster::new(&Method::Ses { alpha: 0.1 }, &prior);
        let plan = Planning { lead_mean: 4.0, lead_variance: 1.0, review_period: 2 };
        let sigma = 480f64.sqrt();
        let r = ForecastRule {
            method: Method::Ses { alpha: 0.1 },
            safety: Safety::Factor(1.644_853_6),
            lot: Lot::Units(30.0),
            buffer: 2.0,
            recompute_every: 7,
        };
        let l = forecast_levels(&r, &f, &plan);
        let rop = (100.0 + 1.644_853_6 * sigma + 2.0f64).round() as i64;
        assert_eq!(l, Levels { reorder_point: rop, order_up_to: rop + 30 });
        // Cover days: lot = 3 days of forecast = 60.
        let l = forecast_levels(&ForecastRule { lot: Lot::CoverDays(3.0), ..r.clone() }, &f, &plan);
        assert_eq!(l.order_up_to - l.reorder_point, 60);
        // Just-in-time: no safety stock.
        let l = forecast_levels(&ForecastRule { safety: Safety::None, buffer: 0.0, ..r.clone() }, &f, &plan);
        assert_eq!(l.reorder_point, 100);
        // Fill rate: z solves σ·G(z) = (1 − β)·max(lot, d·R) = 0.02 · 40.
        let l = forecast_levels(&ForecastRule { safety: Safety::FillRate(0.98), ..r }, &f, &plan);
        let z = z_for_fill_rate(0.98, 40.0, sigma);
        assert!((sigma * normal_loss(z) - 0.8).abs() < 1e-9);
        assert_eq!(l.reorder_point, (100.0 + z * sigma + 2.0).round() as i64);
    }
}
