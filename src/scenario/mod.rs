//! The scenario file format: what a planner writes, exactly as it appears in JSON.
//!
//! These types only describe shape. Everything semantic (references resolve, numbers are in
//! range, policies are consistent) is checked by [`crate::model::Model::build`], which turns a
//! scenario into the validated model the engine runs. The doc comments here are the field
//! descriptions of the JSON Schema printed by `scsim schema`; `docs/scenario.md` is the
//! planner's guide to the same fields.

pub mod error;
mod load;

pub(crate) use load::InputFile;
pub use load::ScenarioFile;

use schemars::JsonSchema;
use serde::Deserialize;

/// The only scenario format version this build reads.
pub const SCHEMA_VERSION: i64 = 1;

/// A complete scenario: the world to simulate and the policies to compare in it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; must be 1.
    #[schemars(range(min = 1, max = 1))]
    pub schema_version: i64,
    /// Short name; names the output folder (`output/<name>/`). Defaults to the file name.
    #[serde(default)]
    pub name: Option<String>,
    /// Free text shown in reports: what the scenario is about.
    #[serde(default)]
    pub description: Option<String>,
    /// Number of simulated days (day 0 to horizon_days - 1).
    #[schemars(range(min = 1, max = 100000))]
    pub horizon_days: i64,
    /// Days at the start that are simulated but left out of every metric.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub warmup_days: i64,
    /// Default number of replications (independent runs of the horizon).
    #[serde(default = "default_replications")]
    #[schemars(range(min = 1))]
    pub replications: i64,
    /// Default master seed; the same seed gives the same results.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// The stock-keeping units.
    pub items: Vec<Item>,
    /// Stocking points (warehouses, stores).
    pub locations: Vec<Location>,
    /// External suppliers.
    #[serde(default)]
    pub suppliers: Vec<Supplier>,
    /// Replenishment lanes, from a supplier or another location to a location.
    pub lanes: Vec<Lane>,
    /// Customer demand streams, one or more per (location, item).
    pub demand: Vec<Demand>,
    /// Customer segments: how customers react when an item is out of stock.
    #[serde(default)]
    pub segments: Vec<Segment>,
    /// Cost rates applying to every item (items may override them).
    #[serde(default)]
    pub costs: Costs,
    /// Starting on-hand stock; unlisted stocked (location, item) pairs start at the policy's
    /// order-up-to level.
    #[serde(default)]
    pub initial_on_hand: Vec<InitialStock>,
    /// The named policies to compare; the first is the baseline of paired comparisons.
    pub policies: Vec<PolicySet>,
    /// Parameters `scsim sweep` varies when no `--set` is given.
    #[serde(default)]
    pub sweep: Vec<SweepParameter>,
}

/// A parameter to sweep: a path into this document and its values (a list, or a range).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepParameter {
    /// Dot-separated path, e.g. `policies.safety.inventory.S` or `demand.*.distribution.mean`.
    pub path: String,
    /// The values, in order.
    #[serde(default)]
    pub values: Option<Vec<serde_json::Value>>,
    /// A range instead of a list: first value.
    #[serde(default)]
    pub from: Option<f64>,
    /// Last value (inclusive).
    #[serde(default)]
    pub to: Option<f64>,
    /// Step (default 1).
    #[serde(default)]
    pub step: Option<f64>,
}

fn default_replications() -> i64 {
    100
}

fn default_seed() -> u64 {
    1
}

/// A stock-keeping unit.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Unique identifier used to refer to the item.
    pub id: String,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Cost rates for this item; fields left out take the scenario-wide `costs`.
    #[serde(default)]
    pub costs: CostOverrides,
}

/// A stocking location.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// Unique identifier (shared namespace with suppliers).
    pub id: String,
    /// How stock is shared among the lines waiting for it (customers' backorders and orders of
    /// the locations this one supplies). Default `fcfs`.
    #[serde(default)]
    pub allocation: Allocation,
    /// Priority of this location's orders at the locations that supply it, when they allocate by
    /// `priority` (higher first). Default 0.
    #[serde(default)]
    pub priority: i64,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

/// How stock is shared among the lines waiting for it (customers' backorders and orders of
/// downstream locations).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Allocation {
    /// First come, first served: the oldest day first; orders of downstream locations placed
    /// the same day share in proportion to their size.
    #[default]
    Fcfs,
    /// Higher `priority` first (customer segments' and downstream locations' priority), first
    /// come first served within a priority.
    Priority,
    /// When stock cannot fill every waiting line, each gets a share proportional to what it is
    /// owed (largest remainders, ties to the oldest), once a batch of receipts is in and at the
    /// location's turn in the review; lines must allow partial fills.
    FairShare,
}

/// An external supplier with unlimited stock.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Supplier {
    /// Unique identifier (shared namespace with locations).
    pub id: String,
    /// When the supplier is down, and what that does.
    #[serde(default)]
    pub outages: Option<Outages>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

/// Supplier outages: random (a two-state Markov chain) and/or scheduled.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outages {
    /// Random failures and repairs, evaluated at the start of each day.
    #[serde(default)]
    pub random: Option<RandomOutages>,
    /// Planned outage windows.
    #[serde(default)]
    pub scheduled: Vec<OutageWindow>,
    /// Share of each lane's `capacity_per_day` kept while down (0 = a full outage: no orders
    /// accepted). Above 0 every lane of the supplier needs a `capacity_per_day`. Default 0.
    #[serde(default)]
    #[schemars(range(min = 0, max = 1))]
    pub remaining_capacity: f64,
    /// What happens to shipments already on their way: `continue` (they arrive as planned) or
    /// `freeze` (their transit clock stops while the supplier is down). Default `continue`.
    #[serde(default)]
    pub in_transit: InTransit,
}

/// Random outages.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum RandomOutages {
    /// Daily probabilities of failing (when up) and of recovering (when down).
    Markov {
        /// Probability per day that a working supplier fails (0 to 1).
        #[schemars(range(min = 0, max = 1))]
        fail_probability: f64,
        /// Probability per day that a failed supplier recovers (greater than 0, at most 1).
        #[schemars(range(min = 0, max = 1))]
        recover_probability: f64,
    },
    /// Mean days between failures and mean days to repair (geometric durations:
    /// fail probability 1/MTBF, recover probability 1/MTTR).
    Mtbf {
        /// Mean days up between failures (≥ 1).
        mean_days_between_failures: f64,
        /// Mean days down per failure (≥ 1).
        mean_days_to_repair: f64,
    },
}

/// A planned outage.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutageWindow {
    /// First day of the outage.
    #[schemars(range(min = 0))]
    pub start_day: i64,
    /// Length in days (≥ 1).
    #[schemars(range(min = 1))]
    pub days: i64,
    /// Repeat every this many days (365: yearly); once when left out.
    #[serde(default)]
    pub every_days: Option<i64>,
}

/// What an outage does to shipments already in transit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InTransit {
    /// They arrive as planned.
    #[default]
    Continue,
    /// Their transit clock stops while the supplier is down.
    Freeze,
}

/// A replenishment lane: orders placed by `to` are shipped from `from`, an external supplier or
/// another location (which ships only what it has on hand).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lane {
    /// Unique identifier.
    pub id: String,
    /// Supplier or location id the lane ships from.
    pub from: String,
    /// Location id the lane delivers to.
    pub to: String,
    /// Items the lane carries; all items when left out.
    #[serde(default)]
    pub items: Option<Vec<String>>,
    /// Lead time in whole days: a shipment leaving on day t arrives at the start of day t + L
    /// (L = 0: the same day). A supplier ships at the review that orders; a location ships when
    /// it has the stock.
    pub lead_time: IntDistSpec,
    /// Price per unit ordered on this lane; default: the item's `unit_purchase` cost from a
    /// supplier, 0 from a location (a transfer cost).
    #[serde(default)]
    pub unit_cost: Option<f64>,
    /// Fixed cost per order placed on this lane; default: the item's `order_fixed` cost.
    #[serde(default)]
    pub order_cost: Option<f64>,
    /// Minimum order quantity in units (orders below it are raised to it). Default 0.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub min_order: i64,
    /// Orders are rounded up to a multiple of this many units. Default 1.
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub order_multiple: i64,
    /// Units that can be ordered on the lane per day, over all items and pairs; unlimited when
    /// left out. Units waiting as backorders at a shipping location ship without this cap.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub capacity_per_day: Option<i64>,
    /// Lead time the supplier promises (days), for the on-time share; default: the mean lead
    /// time rounded up.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub quoted_lead_time: Option<i64>,
    /// Random extra days added to some shipments (port congestion, manufacturing delays).
    #[serde(default)]
    pub delays: Option<Delays>,
    /// Short shipments (external suppliers only): a share of the units ordered that actually
    /// arrives.
    #[serde(default, rename = "yield")]
    pub yield_: Option<Yield>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

/// Delay shocks on a lane.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Delays {
    /// Probability that a day's shipment is delayed (0 to 1).
    #[schemars(range(min = 0, max = 1))]
    pub probability: f64,
    /// Extra days when it is.
    pub extra_days: IntDistSpec,
}

/// Short shipments on a lane.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Yield {
    /// Probability that a shipment arrives short (0 to 1). Default 1.
    #[serde(default = "one_f64")]
    #[schemars(range(min = 0, max = 1))]
    pub probability: f64,
    /// Share of the units that arrives when it is short.
    pub fraction: FractionSpec,
    /// What happens to the missing units: `cancel` (the order is reduced, the policy will
    /// reorder) or `reship` (they are shipped again, with a new lead time). Default `cancel`.
    #[serde(default)]
    pub shortfall: Shortfall,
}

fn one_f64() -> f64 {
    1.0
}

/// What happens to the units missing from a short shipment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Shortfall {
    /// The order is reduced.
    #[default]
    Cancel,
    /// They are shipped again on the day of the short arrival.
    Reship,
}

/// A distribution of shares between 0 and 1.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FractionSpec {
    /// Always `value`.
    Constant {
        /// Between 0 and 1.
        value: f64,
    },
    /// Uniform between `min` and `max`.
    Uniform {
        /// Between 0 and 1.
        min: f64,
        /// Between `min` and 1.
        max: f64,
    },
}

fn one() -> i64 {
    1
}

/// A stream of customer demand for one item at one location.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    /// Location id where customers buy.
    pub location: String,
    /// Item id they buy.
    pub item: String,
    /// Customer segment id; the segment named `default` (backorder everything unless the
    /// scenario defines it) when left out.
    #[serde(default)]
    pub segment: Option<String>,
    /// Units demanded per day.
    pub distribution: IntDistSpec,
    /// Seven multipliers of the daily mean: day t uses entry t mod 7 (day 0 takes the first).
    #[serde(default)]
    pub weekly_profile: Option<Vec<f64>>,
    /// Multiplicative trend of the daily mean.
    #[serde(default)]
    pub trend: Option<Trend>,
    /// Random demand spikes.
    #[serde(default)]
    pub spikes: Option<Spikes>,
    /// Scheduled promotions (day ranges with a multiplier).
    #[serde(default)]
    pub promotions: Vec<Promotion>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

/// Random demand spikes: on a day without a spike, one starts with `probability`, lasting a
/// random number of days, during which the daily mean is multiplied.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spikes {
    /// Daily probability that a spike starts (0 to 1).
    #[schemars(range(min = 0, max = 1))]
    pub probability: f64,
    /// Multiplier of the daily mean during a spike (≥ 0).
    #[schemars(range(min = 0))]
    pub multiplier: f64,
    /// Length of a spike in days (values below 1 count as 1).
    pub duration_days: IntDistSpec,
}

/// A scheduled promotion.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Promotion {
    /// First day.
    #[schemars(range(min = 0))]
    pub start_day: i64,
    /// Length in days (≥ 1).
    #[schemars(range(min = 1))]
    pub days: i64,
    /// Multiplier of the daily mean (≥ 0).
    #[schemars(range(min = 0))]
    pub multiplier: f64,
    /// Repeat every this many days; once when left out.
    #[serde(default)]
    pub every_days: Option<i64>,
}

/// A trend in the daily mean.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trend {
    /// The mean on day t is multiplied by max(0, 1 + per_day * t).
    Linear {
        /// Change per day as a fraction of the base mean (0.001 = +0.1 % of the base per day).
        per_day: f64,
    },
    /// The mean on day t is multiplied by (1 + per_day)^t.
    Exponential {
        /// Compound growth rate per day (0.0002 ≈ +7.6 % per year).
        per_day: f64,
    },
}

/// How customers of a segment behave when the item is out of stock.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// Unique identifier; `default` applies to demand without a segment.
    pub id: String,
    /// What happens to an order line that cannot be filled from stock.
    #[serde(default)]
    pub unmet: Unmet,
    /// Units per order line: a day's demand arrives as lines of this many units (the last line
    /// takes the remainder). Default 1.
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub line_size: i64,
    /// Days a backordered line waits before it is cancelled; unlimited when left out.
    #[serde(default)]
    pub patience_days: Option<IntDistSpec>,
    /// Whether a line may be filled in part (the rest waits); when false a line ships only
    /// whole. Default true.
    #[serde(default = "yes")]
    pub partial_fill: bool,
    /// Priority of this segment's backorders at locations with `priority` allocation (higher
    /// first). Default 0.
    #[serde(default)]
    pub priority: i64,
    /// Market-share erosion: the segment's demand shrinks after bad service.
    #[serde(default)]
    pub churn: Option<Churn>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

fn yes() -> bool {
    true
}

/// Churn: a loyalty factor multiplying the segment's demand.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Churn {
    /// Drop of the loyalty factor each time a line is backordered or cancelled (0 to 1).
    #[schemars(range(min = 0, max = 1))]
    pub drop: f64,
    /// Recovery of the loyalty factor per day, towards 1 (0 to 1).
    #[schemars(range(min = 0, max = 1))]
    pub recovery_per_day: f64,
}

/// What happens to an order line that cannot be filled from stock on the day it arrives.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Unmet {
    /// The customer waits: the unfilled units become backorders.
    #[default]
    Backorder,
    /// The customer leaves: the unfilled units are lost sales.
    Lost,
    /// Each short line is backordered with this probability, else lost.
    Mixed {
        /// Probability that a short line waits (0 to 1).
        #[schemars(range(min = 0, max = 1))]
        backorder_probability: f64,
    },
}

/// Cost rates. All default to 0.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// Cost per unit on hand at the end of each day.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub holding_per_unit_day: f64,
    /// Penalty per unit backordered at the end of each day.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub backorder_per_unit_day: f64,
    /// Penalty per unit of lost sales.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub lost_sale_per_unit: f64,
    /// Fixed cost per replenishment order.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub order_fixed: f64,
    /// Purchase price per unit ordered.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub unit_purchase: f64,
    /// Cost per unit in transit on a lane at the end of each day (pipeline holding).
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub in_transit_per_unit_day: f64,
}

/// Per-item cost rates; each field left out takes the scenario-wide value.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CostOverrides {
    /// Cost per unit on hand at the end of each day.
    #[serde(default)]
    pub holding_per_unit_day: Option<f64>,
    /// Penalty per unit backordered at the end of each day.
    #[serde(default)]
    pub backorder_per_unit_day: Option<f64>,
    /// Penalty per unit of lost sales.
    #[serde(default)]
    pub lost_sale_per_unit: Option<f64>,
    /// Fixed cost per replenishment order.
    #[serde(default)]
    pub order_fixed: Option<f64>,
    /// Purchase price per unit ordered.
    #[serde(default)]
    pub unit_purchase: Option<f64>,
    /// Cost per unit in transit at the end of each day.
    #[serde(default)]
    pub in_transit_per_unit_day: Option<f64>,
}

/// Starting stock of one item at one location.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InitialStock {
    /// Location id.
    pub location: String,
    /// Item id.
    pub item: String,
    /// Units on hand at the start of day 0.
    #[schemars(range(min = 0))]
    pub units: i64,
}

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
        /// Order-up-to level S (units).
        #[serde(rename = "S")]
        #[schemars(range(min = 0))]
        big_s: i64,
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
        /// Reorder point s (units).
        s: i64,
        /// Order-up-to level S (units), greater than s.
        #[serde(rename = "S")]
        big_s: i64,
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
        /// Reorder point r (units).
        r: i64,
        /// Lot size Q (units, at least 1).
        #[serde(rename = "Q")]
        #[schemars(range(min = 1))]
        q: i64,
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
        /// Echelon order-up-to level S (units).
        #[serde(rename = "S")]
        #[schemars(range(min = 0))]
        big_s: i64,
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

/// A distribution of whole numbers (units per day, days of lead time).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum IntDistSpec {
    /// Always `value`.
    Constant {
        /// The value.
        value: i64,
    },
    /// Poisson.
    Poisson {
        /// Mean (≥ 0).
        #[schemars(range(min = 0))]
        mean: f64,
    },
    /// Normal, rounded to the nearest whole number, negative values cut to 0.
    Normal {
        /// Mean before rounding.
        #[schemars(range(min = 0))]
        mean: f64,
        /// Standard deviation before rounding (≥ 0).
        sd: f64,
    },
    /// Negative binomial (over-dispersed counts): needs sd² > mean.
    NegativeBinomial {
        /// Mean (> 0).
        #[schemars(range(min = 0))]
        mean: f64,
        /// Standard deviation; sd² must exceed the mean.
        sd: f64,
    },
    /// Gamma, rounded to the nearest whole number.
    Gamma {
        /// Mean (> 0).
        #[schemars(range(min = 0))]
        mean: f64,
        /// Standard deviation (> 0).
        sd: f64,
    },
    /// Whole numbers from min to max, equally likely.
    Uniform {
        /// Smallest value (≥ 0).
        min: i64,
        /// Largest value (≥ min).
        max: i64,
    },
    /// Listed values, with optional weights (equal weights when left out).
    Empirical {
        /// Possible values (≥ 0).
        values: Vec<i64>,
        /// Relative weights, one per value (≥ 0, not all 0).
        #[serde(default)]
        weights: Option<Vec<f64>>,
    },
    /// Bootstrap: each day draws one day of history, uniformly.
    Bootstrap {
        /// CSV file with one row per historical day, relative to the scenario file.
        file: String,
        /// Column holding the daily quantity; the first column when left out.
        #[serde(default)]
        column: Option<String>,
    },
}
