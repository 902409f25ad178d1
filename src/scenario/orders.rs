//! Customer orders that span items: order streams, their basket models, and how a segment's
//! orders are fulfilled.

use schemars::JsonSchema;
use serde::Deserialize;

use super::demand::IntDistSpec;

/// A stream of customer orders at one location; each order holds lines for several items.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderStream {
    /// Unique identifier (names the stream in reports).
    pub id: String,
    /// Location id where customers order.
    pub location: String,
    /// Customer segment id (its `fulfilment` and `priority` apply); `default` when left out.
    #[serde(default)]
    pub segment: Option<String>,
    /// Number of orders arriving per day.
    pub orders_per_day: IntDistSpec,
    /// Which items an order holds and in what quantities.
    pub basket: Basket,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

/// Which items an order holds and in what quantities.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Basket {
    /// Each item is in an order independently with its probability, with its own quantity
    /// distribution; a line drawn with quantity 0 is left out, and an order left with no line
    /// is not placed.
    Independent {
        /// The items that can be ordered (each item at most once).
        items: Vec<BasketItem>,
    },
    /// Each order is one of the listed baskets, drawn by weight (correlated items are baskets
    /// that hold them together).
    Empirical {
        /// The baskets (at least one).
        baskets: Vec<EmpiricalBasket>,
    },
}

/// An item of an independent basket model.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasketItem {
    /// Item id.
    pub item: String,
    /// Probability that an order holds the item (0 to 1).
    #[schemars(range(min = 0, max = 1))]
    pub probability: f64,
    /// Units of the item in an order that holds it.
    pub quantity: IntDistSpec,
}

/// One basket of an empirical basket model.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmpiricalBasket {
    /// The order's lines (each item at most once, quantities ≥ 1).
    pub lines: Vec<BasketLine>,
    /// Relative weight (≥ 0); 1 when left out.
    #[serde(default)]
    pub weight: Option<f64>,
}

/// A line of an empirical basket.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasketLine {
    /// Item id.
    pub item: String,
    /// Units (≥ 1).
    #[schemars(range(min = 1))]
    pub quantity: i64,
}

/// How a segment's customer orders are shipped (order streams only; per-item demand ignores
/// it).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fulfilment {
    /// Ship what is in stock and backorder the rest (`ship_partial`), or hold the whole order
    /// until every line can ship (`ship_complete`). Default `ship_partial`.
    #[serde(default)]
    pub rule: ShipRule,
    /// With `ship_complete`: stock that arrives for a held order is set aside for it and not
    /// sold to others (true), or an order takes stock only when all of its lines can ship at
    /// once (false). Default false.
    #[serde(default)]
    pub reserve_stock: bool,
    /// Days an order waits for its missing lines before the customer acts (`after_wait_limit`);
    /// unlimited when left out.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub wait_limit_days: Option<i64>,
    /// What the customer does once the wait limit is reached. Default `accept_partial`.
    #[serde(default)]
    pub after_wait_limit: AfterWaitLimit,
    /// Cost of each shipment to a customer (split shipments cost more). Default 0.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub cost_per_shipment: f64,
}

impl Default for Fulfilment {
    fn default() -> Fulfilment {
        Fulfilment {
            rule: ShipRule::ShipPartial,
            reserve_stock: false,
            wait_limit_days: None,
            after_wait_limit: AfterWaitLimit::AcceptPartial,
            cost_per_shipment: 0.0,
        }
    }
}

/// Whether an order may ship in parts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShipRule {
    /// Ship what is in stock now; the rest ships as it arrives (each shipment counted).
    #[default]
    ShipPartial,
    /// Ship the order only when every line can ship.
    ShipComplete,
}

/// What a customer does when an order's wait limit is reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AfterWaitLimit {
    /// Accept partial shipments from then on (ship what is there, the rest as it comes).
    #[default]
    AcceptPartial,
    /// Take what is there and cancel the rest.
    CancelRest,
}

/// How a location shares stock among the customer orders waiting for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderAllocation {
    /// The oldest order first.
    #[default]
    Age,
    /// Higher segment `priority` first, the oldest first within a priority.
    Priority,
    /// First the orders that the stock on hand can complete (oldest first), then the others
    /// by age.
    CompleteFirst,
}
