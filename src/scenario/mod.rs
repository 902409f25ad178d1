//! The scenario file format: what a planner writes, exactly as it appears in JSON.
//!
//! These types only describe shape. Everything semantic (references resolve, numbers are in
//! range, policies are consistent) is checked by [`crate::model::Model::build`], which turns a
//! scenario into the validated model the engine runs. The doc comments here are the field
//! descriptions of the JSON Schema printed by `scsim schema`; `docs/scenario.md` is the
//! planner's guide to the same fields.

pub(crate) mod date;
mod demand;
pub mod error;
mod load;
mod objective;
mod orders;
mod policy;
mod positions;
mod settings;
pub(crate) mod structure;
mod supply;
pub(crate) mod tables;

pub(crate) use demand::HistorySource;
pub use demand::{
    BootstrapMethod, Churn, Demand, IntDistSpec, Layout, Promotion, Segment, SegmentShare, Spikes, Trend,
    Unmet,
};
pub(crate) use load::InputFile;
pub use load::{MAX_SCENARIO_MB, ScenarioFile};
pub use objective::{ObjectiveSpec, TargetSpec};
pub use orders::{
    AfterWaitLimit, Basket, BasketItem, BasketLine, EmpiricalBasket, Fulfilment, OrderAllocation,
    OrderStream, ShipRule,
};
pub use policy::{
    ForecastSpec, LotSpec, PolicyOverride, PolicySet, PolicySpec, SeasonalitySpec, ServiceSpec, Share,
    SourcingSpec,
};
pub use positions::{Cell, Position};
pub use settings::SettingOverrides;
pub use supply::{
    Delays, FractionSpec, InTransit, ItemTerms, Lane, OutageWindow, Outages, RandomOutages, Shortfall,
    Supplier, Yield,
};
pub use tables::{Tables, tables_schema};

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
    /// Calendar date of day 0 (`YYYY-MM-DD`): needed by bootstrap methods that keep the
    /// calendar, and aligns `replay` to the history's dates.
    #[serde(default)]
    pub start_date: Option<String>,
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
    #[serde(default)]
    pub demand: Vec<Demand>,
    /// Customer order streams: orders whose lines span several items at one location.
    #[serde(default)]
    pub orders: Vec<OrderStream>,
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
    /// What the policies are ranked by: a metric to minimise or maximise, and service targets.
    /// Default: maximise `profit_per_day` when items have prices, else minimise
    /// `cost_total_per_day`.
    #[serde(default)]
    pub objective: Option<ObjectiveSpec>,
    /// CSV tables whose rows are added to `items`, `demand`, the lanes' `item_terms`, the
    /// policies' `overrides` and `initial_on_hand` (paths relative to this file's folder).
    #[serde(default)]
    pub tables: Option<Tables>,
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
    /// Selling price per unit sold to customers. Set it on every item or on none: with prices
    /// the report gives revenue, margins and profit, and counts the revenue of every unit not
    /// sold.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub price: Option<f64>,
    /// Selling price at particular locations, by location id, overriding `price` there.
    #[serde(default)]
    pub location_prices: std::collections::BTreeMap<String, f64>,
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
    /// How stock is shared among the customer orders waiting here (order streams only).
    /// Default `age`.
    #[serde(default)]
    pub order_allocation: OrderAllocation,
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

/// Cost rates. In the scenario-wide `costs` a rate left out is 0; in an item's `costs` it takes
/// the scenario-wide value.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "CostRates_of_{T}")]
pub struct CostRates<T: Default> {
    /// Cost per unit on hand at the end of each day.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub holding_per_unit_day: T,
    /// Penalty per unit backordered at the end of each day.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub backorder_per_unit_day: T,
    /// Penalty per unit of lost sales.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub lost_sale_per_unit: T,
    /// Fixed cost per replenishment order.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub order_fixed: T,
    /// Purchase price per unit ordered.
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub unit_purchase: T,
    /// Cost per unit in transit on a lane at the end of each day (pipeline holding).
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub in_transit_per_unit_day: T,
}

/// The scenario-wide cost rates (a rate left out is 0).
pub type Costs = CostRates<f64>;

/// An item's cost rates (a rate left out takes the scenario-wide value).
pub type CostOverrides = CostRates<Option<f64>>;

impl Costs {
    /// These rates as overrides that set every rate.
    pub(crate) fn as_overrides(&self) -> CostOverrides {
        CostRates {
            holding_per_unit_day: Some(self.holding_per_unit_day),
            backorder_per_unit_day: Some(self.backorder_per_unit_day),
            lost_sale_per_unit: Some(self.lost_sale_per_unit),
            order_fixed: Some(self.order_fixed),
            unit_purchase: Some(self.unit_purchase),
            in_transit_per_unit_day: Some(self.in_transit_per_unit_day),
        }
    }
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

/// Default of counts that start at one (review periods, line sizes, order multiples).
fn one() -> i64 {
    1
}
