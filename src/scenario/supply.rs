//! Supply in a scenario file: suppliers and their outages, and lanes (lead times, delays,
//! short shipments).

use schemars::JsonSchema;
use serde::Deserialize;

use super::{IntDistSpec, one};

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
    /// Terms of particular items on this lane (price, order cost, lead time, minimum order,
    /// multiple), each field given replacing the lane's own for that item.
    #[serde(default)]
    pub item_terms: Vec<ItemTerms>,
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

/// The terms of one item on a lane: each field given replaces the lane's own for that item.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemTerms {
    /// Item id; the lane must carry it.
    pub item: String,
    /// Price per unit of this item ordered on the lane.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub unit_cost: Option<f64>,
    /// Fixed cost per order of this item placed on the lane.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub order_cost: Option<f64>,
    /// Lead time of this item on the lane, in whole days (same meaning as the lane's).
    #[serde(default)]
    pub lead_time: Option<IntDistSpec>,
    /// Minimum order quantity of this item, in units.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub min_order: Option<i64>,
    /// Orders of this item are rounded up to a multiple of this many units.
    #[serde(default)]
    #[schemars(range(min = 1))]
    pub order_multiple: Option<i64>,
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
