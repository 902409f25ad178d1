//! Policies in a scenario file: inventory rules, overrides, sourcing rules, forecasts and
//! service targets.

use schemars::JsonSchema;
use serde::Deserialize;

use super::one;

/// A named way of running the whole network, compared against the other policies.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicySet {
    /// Unique name, used in every report.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Inventory policy of every stocked (location, item) pair, unless overridden.
    pub inventory: PolicySpec,
    /// How orders are split over the lanes of a pair; may be left out where a pair has one lane.
    #[serde(default)]
    pub sourcing: Option<SourcingSpec>,
    /// Per-location and/or per-item replacements of the inventory policy or the sourcing rule.
    #[serde(default)]
    pub overrides: Vec<PolicyOverride>,
    /// How customer orders are shipped under this policy, replacing every segment's
    /// `fulfilment` (so that fulfilment rules can be compared as policies).
    #[serde(default)]
    pub fulfilment: Option<super::Fulfilment>,
}

/// Replaces the policy and/or the sourcing rule for the pairs it matches (later overrides win).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyOverride {
    /// Location id this applies to; all locations when left out.
    #[serde(default)]
    pub location: Option<String>,
    /// Item id this applies to; all items when left out.
    #[serde(default)]
    pub item: Option<String>,
    /// The inventory policy for the matched pairs.
    #[serde(default)]
    pub inventory: Option<PolicySpec>,
    /// The sourcing rule for the matched pairs.
    #[serde(default)]
    pub sourcing: Option<SourcingSpec>,
}

/// How an order is placed on the lanes that replenish a pair. Sources are named by lane id, or
/// by supplier id when one lane from that supplier serves the pair.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum SourcingSpec {
    /// Every order goes to one source.
    Single {
        /// Lane or supplier id.
        source: String,
    },
    /// Every order is split by fixed shares (units conserved by largest remainders); what a
    /// source cannot take moves to the next one listed.
    Split {
        /// Sources with their shares (> 0; normalised to sum to 1).
        shares: Vec<Share>,
    },
    /// Orders go to the first source listed that is available and has capacity; what it cannot
    /// take moves to the next.
    PrimaryBackup {
        /// Sources in order of preference.
        sources: Vec<String>,
    },
    /// Like primary_backup, in increasing order of unit cost (then fixed order cost).
    Cheapest,
    /// Like primary_backup, in increasing order of mean lead time.
    Fastest,
}

/// One source's share of a split order.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Share {
    /// Lane or supplier id.
    pub source: String,
    /// Share of each order (> 0).
    #[schemars(range(min = 0))]
    pub share: f64,
}

/// An inventory policy. Every policy decides on the inventory position (on hand + on order −
/// backorders) at each review, after the day's demand.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum PolicySpec {
    /// Order-up-to / base-stock: at each review order up to S.
    BaseStock {
        /// Order-up-to level S (units); or give `S_cover_days`.
        #[serde(rename = "S", default)]
        #[schemars(range(min = 0))]
        big_s: Option<i64>,
        /// S in days of the pair's mean daily demand (≥ 0), instead of `S`.
        #[serde(rename = "S_cover_days", default)]
        #[schemars(range(min = 0))]
        big_s_cover_days: Option<f64>,
        /// Days between reviews (1 = every day).
        #[serde(default = "one")]
        #[schemars(range(min = 1))]
        review_period: i64,
        /// First review day (0 to review_period − 1).
        #[serde(default)]
        #[schemars(range(min = 0))]
        review_offset: i64,
    },
    /// (s,S), which planners call min-max: when the position is at or below s, order up to S.
    #[serde(rename = "s_S")]
    SS {
        /// Reorder point s (units); or give `s_cover_days`.
        #[serde(default)]
        s: Option<i64>,
        /// s in days of the pair's mean daily demand (≥ 0), instead of `s`.
        #[serde(default)]
        #[schemars(range(min = 0))]
        s_cover_days: Option<f64>,
        /// Order-up-to level S (units), greater than s; or give `S_cover_days`.
        #[serde(rename = "S", default)]
        big_s: Option<i64>,
        /// S in days of the pair's mean daily demand (≥ 0), instead of `S`.
        #[serde(rename = "S_cover_days", default)]
        #[schemars(range(min = 0))]
        big_s_cover_days: Option<f64>,
        /// Days between reviews (1 = every day).
        #[serde(default = "one")]
        #[schemars(range(min = 1))]
        review_period: i64,
        /// First review day (0 to review_period − 1).
        #[serde(default)]
        #[schemars(range(min = 0))]
        review_offset: i64,
    },
    /// (r,Q): when the position is at or below r, order the smallest multiple of Q that lifts
    /// it above r.
    #[serde(rename = "r_Q")]
    RQ {
        /// Reorder point r (units); or give `r_cover_days`.
        #[serde(default)]
        r: Option<i64>,
        /// r in days of the pair's mean daily demand (≥ 0), instead of `r`.
        #[serde(default)]
        #[schemars(range(min = 0))]
        r_cover_days: Option<f64>,
        /// Lot size Q (units, at least 1); or give `Q_cover_days`.
        #[serde(rename = "Q", default)]
        #[schemars(range(min = 1))]
        q: Option<i64>,
        /// Q in days of the pair's mean daily demand (≥ 0; at least 1 unit at every pair),
        /// instead of `Q`.
        #[serde(rename = "Q_cover_days", default)]
        #[schemars(range(min = 0))]
        q_cover_days: Option<f64>,
        /// Days between reviews (1 = every day).
        #[serde(default = "one")]
        #[schemars(range(min = 1))]
        review_period: i64,
        /// First review day (0 to review_period − 1).
        #[serde(default)]
        #[schemars(range(min = 0))]
        review_offset: i64,
    },
    /// Echelon base-stock: order up to S on the echelon inventory position (this location's
    /// position plus the echelon positions of the locations it supplies with the item).
    EchelonBaseStock {
        /// Echelon order-up-to level S (units); or give `S_cover_days`.
        #[serde(rename = "S", default)]
        #[schemars(range(min = 0))]
        big_s: Option<i64>,
        /// S in days of the pair's mean daily (echelon) demand (≥ 0), instead of `S`.
        #[serde(rename = "S_cover_days", default)]
        #[schemars(range(min = 0))]
        big_s_cover_days: Option<f64>,
        /// Days between reviews (1 = every day).
        #[serde(default = "one")]
        #[schemars(range(min = 1))]
        review_period: i64,
        /// First review day (0 to review_period − 1).
        #[serde(default)]
        #[schemars(range(min = 0))]
        review_offset: i64,
    },
    /// Safety stock from a forecast: the reorder point is the forecast demand over the
    /// protection interval plus z·σ plus the buffer; the order-up-to level adds the lot; both are
    /// recomputed every `recompute_every` days.
    SafetyStock {
        /// The forecaster.
        forecast: ForecastSpec,
        /// The service target that sets z.
        service: ServiceSpec,
        /// Lot ordered above the reorder point; none when left out.
        #[serde(default)]
        lot: Option<LotSpec>,
        /// Extra units on top of the reorder point. Default 0.
        #[serde(default)]
        buffer: f64,
        /// Days between recomputations of the levels. Default 7.
        #[serde(default = "seven")]
        recompute_every: i64,
        /// Days between reviews (1 = every day).
        #[serde(default = "one")]
        #[schemars(range(min = 1))]
        review_period: i64,
        /// First review day (0 to review_period − 1).
        #[serde(default)]
        #[schemars(range(min = 0))]
        review_offset: i64,
    },
    /// Just-in-time, lot-for-lot: no safety stock; each review orders what was demanded since
    /// the last one, keeping the position at the forecast demand over the protection interval
    /// plus a small buffer.
    JustInTime {
        /// The forecaster; default `{"type": "plan"}` (the demand model's expected demand).
        #[serde(default)]
        forecast: Option<ForecastSpec>,
        /// Extra units on top of the forecast need. Default 0.
        #[serde(default)]
        buffer: f64,
        /// Days between recomputations of the level. Default 7.
        #[serde(default = "seven")]
        recompute_every: i64,
        /// Days between reviews (1 = every day).
        #[serde(default = "one")]
        #[schemars(range(min = 1))]
        review_period: i64,
        /// First review day (0 to review_period − 1).
        #[serde(default)]
        #[schemars(range(min = 0))]
        review_offset: i64,
    },
    /// Orders set from outside the simulation, by the day-by-day environment
    /// (`scsim::experiment::env`, `scsim.gym` in Python): at each review the pair orders the
    /// quantity its caller set for the day. Run by `scsim run`, nobody sets one and the pair
    /// never orders. Starting stock: the scenario's `initial_on_hand`, else 0.
    External {
        /// Days between reviews (1 = every day).
        #[serde(default = "one")]
        #[schemars(range(min = 1))]
        review_period: i64,
        /// First review day (0 to review_period − 1).
        #[serde(default)]
        #[schemars(range(min = 0))]
        review_offset: i64,
    },
}

fn seven() -> i64 {
    7
}

/// A demand forecaster.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ForecastSpec {
    /// The demand model's expected demand (with its weekday pattern), never updated: a fixed
    /// plan.
    Plan,
    /// Tomorrow's demand equals today's.
    Naive,
    /// Mean of the last `window` days.
    MovingAverage {
        /// Days averaged (1 to 3650).
        #[schemars(range(min = 1))]
        window: i64,
    },
    /// Simple exponential smoothing.
    Ses {
        /// Smoothing of the level (0 to 1).
        #[schemars(range(min = 0, max = 1))]
        alpha: f64,
    },
    /// Holt's linear trend.
    Holt {
        /// Smoothing of the level (0 to 1).
        #[schemars(range(min = 0, max = 1))]
        alpha: f64,
        /// Smoothing of the trend (0 to 1).
        #[schemars(range(min = 0, max = 1))]
        beta: f64,
    },
    /// Holt–Winters with a weekly season.
    HoltWinters {
        /// Smoothing of the level (0 to 1).
        #[schemars(range(min = 0, max = 1))]
        alpha: f64,
        /// Smoothing of the trend (0 to 1).
        #[schemars(range(min = 0, max = 1))]
        beta: f64,
        /// Smoothing of the weekday effects (0 to 1).
        #[schemars(range(min = 0, max = 1))]
        gamma: f64,
        /// `additive` or `multiplicative` weekday effects.
        seasonality: SeasonalitySpec,
    },
    /// Croston's method for intermittent demand: demand size and interval between demands
    /// smoothed separately, on days with demand; forecast = size / interval.
    Croston {
        /// Smoothing of the size and the interval (0 to 1).
        #[schemars(range(min = 0, max = 1))]
        alpha: f64,
    },
    /// Syntetos–Boylan approximation: Croston's forecast times (1 − alpha/2).
    Sba {
        /// Smoothing of the size and the interval (0 to 1).
        #[schemars(range(min = 0, max = 1))]
        alpha: f64,
    },
    /// Teunter–Syntetos–Babai: demand probability smoothed every day, size on days with
    /// demand; forecast = probability × size.
    Tsb {
        /// Smoothing of the size (0 to 1).
        #[schemars(range(min = 0, max = 1))]
        alpha: f64,
        /// Smoothing of the demand probability (0 to 1).
        #[schemars(range(min = 0, max = 1))]
        beta: f64,
    },
}

/// How weekday effects combine with the level.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeasonalitySpec {
    /// Added to the level.
    Additive,
    /// Multiplying the level.
    Multiplicative,
}

/// The service target that sets the safety factor z.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ServiceSpec {
    /// Probability of no stockout per cycle: z = Φ⁻¹(target).
    CycleServiceLevel {
        /// Between 0.5 and 0.9999.
        #[schemars(range(min = 0.5, max = 0.9999))]
        target: f64,
    },
    /// Share of demand filled from stock: z solves σ·G(z) = (1 − target)·Q (normal loss).
    FillRate {
        /// Between 0.5 and 0.9999.
        #[schemars(range(min = 0.5, max = 0.9999))]
        target: f64,
    },
    /// A safety factor given directly.
    SafetyFactor {
        /// z (−4 to 8).
        z: f64,
    },
}

/// The lot ordered above the reorder point.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum LotSpec {
    /// A fixed quantity.
    Units {
        /// Units (≥ 0).
        units: f64,
    },
    /// The forecast demand of a number of days.
    CoverDays {
        /// Days (≥ 0).
        days: f64,
    },
}
