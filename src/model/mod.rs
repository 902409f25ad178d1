//! The validated model: a scenario with every reference resolved to an index, every number
//! checked, and every sampler prepared. It is immutable and shared by all replications.
//!
//! [`Model::build`] collects every problem it finds (each with its JSON path and what is
//! allowed) instead of stopping at the first, so a planner fixes a file in one pass.

mod build;
mod cover;
mod demand;
mod demand_history;
mod economics;
mod estimate;
mod history;
mod history_long;
mod shares;
pub(crate) use shares::Split;
mod names;
pub use estimate::{Estimate, MAX_BYTES, MAX_PAIR_DAYS};
pub(crate) use names::file_stem;
mod network;
mod orders;
mod policies;
mod supply;
mod terms;

use build::Builder;
pub use economics::{Objective, Target};
pub use orders::OrderStream;
pub(crate) use orders::{BasketModel, OrderRules};

#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::scenario::ScenarioFile;
use crate::scenario::error::{ScenarioError, group};
use crate::sim::demand::{Churn, DemandSampler, Shocks};
use crate::sim::dist::Sampler;
use crate::sim::forecast::Prior;
use crate::sim::policy::{Levels, Planning, Rule};
use crate::sim::supply::{Lane, Source, Sourcing, Supplier};

/// Largest number of units any quantity in a scenario may have (keeps sums far from overflow).
pub(crate) const MAX_UNITS: i64 = 1_000_000_000;
/// Longest horizon in days (about 270 years).
const MAX_HORIZON: i64 = 100_000;
/// Longest lead time in days.
const MAX_LEAD_TIME: u64 = 3_650;
/// Most replications in one run.
const MAX_REPLICATIONS: i64 = 100_000_000;
/// Largest cost rate.
const MAX_COST: f64 = 1e12;
/// The validated, immutable model of a scenario.
#[derive(Debug, Clone)]
pub struct Model {
    /// Scenario name (names the output folder).
    pub name: String,
    /// Scenario description.
    pub(crate) description: String,
    /// Simulated days.
    pub horizon: u32,
    /// Days left out of the metrics at the start.
    pub warmup: u32,
    /// Default number of replications.
    pub replications: u32,
    /// Default master seed.
    pub seed: u64,
    /// Item ids.
    pub items: Vec<String>,
    /// Location ids.
    pub locations: Vec<String>,
    /// Pair indices in the order they are reviewed each day: downstream locations first, so
    /// that their orders reach the locations supplying them the same day.
    pub(crate) review_order: Vec<usize>,
    /// Whether some lane ships from a location (a multi-echelon network).
    pub(crate) has_network: bool,
    /// Whether some lane from a location can deliver the same day, so that a receipt can be
    /// shipped on and received again within the day.
    pub(crate) same_day_transfers: bool,
    /// Indices of the pairs whose location allocates by fair share.
    pub(crate) fair_share_pairs: Vec<usize>,
    /// Suppliers.
    pub(crate) suppliers: Vec<Supplier>,
    /// Lanes.
    pub lanes: Vec<Lane>,
    /// Indices of the lanes whose daily capacity is limited or can drop (a capacity per day, or
    /// a supplier with outages): what they can still take is reset every day.
    pub(crate) limited_lanes: Vec<usize>,
    /// Whether some lane can deliver the same day (lead time 0), so that step 4 of the day has
    /// work to do.
    pub(crate) same_day_receipts: bool,
    /// Whether some supplier has outages.
    pub(crate) has_outages: bool,
    /// Whether a shipment can arrive after its confirmed date (delays, frozen transit, short
    /// shipments), so that overdue units must be carried in the pipeline.
    pub(crate) late_shipments: bool,
    /// Whether some segment cancels backorders after a patience.
    pub(crate) has_patience: bool,
    /// Whether some segment churns.
    pub(crate) has_churn: bool,
    /// Days ahead a patience deadline can fall (longest patience + 1).
    pub(crate) deadline_span: u32,
    /// Stocked (location, item) pairs, in location-then-item order.
    pub pairs: Vec<Pair>,
    /// Demand streams.
    pub(crate) demands: Vec<DemandStream>,
    /// Customer segments.
    pub(crate) segments: Vec<Segment>,
    /// Customer order streams (orders whose lines span items).
    pub orders: Vec<OrderStream>,
    /// How each location shares stock among waiting customer orders.
    pub(crate) order_allocation: Vec<crate::scenario::OrderAllocation>,
    /// Policies to compare (the first is the baseline).
    pub policies: Vec<Policy>,
    /// SHA-256 of the scenario file.
    pub(crate) scenario_sha256: String,
    /// What the policies are ranked by.
    pub(crate) objective: Objective,
    /// Warnings that do not stop the scenario from running.
    pub(crate) warnings: Vec<String>,
    /// Notes about the input that are not problems (zero-filled days of long histories).
    pub(crate) notes: Vec<String>,
}

/// A stocked (location, item) pair.
#[derive(Debug, Clone)]
pub struct Pair {
    /// Location index.
    pub(crate) location: usize,
    /// Item index.
    pub(crate) item: usize,
    /// `location/item`, for reports.
    pub name: String,
    /// Cost rates.
    pub(crate) costs: PairCosts,
    /// Lanes that replenish this pair, with their prices for this item.
    pub(crate) sources: Vec<Source>,
    /// Indices of the demand streams at this pair.
    pub(crate) demands: Vec<usize>,
    /// Whether customer orders draw on this pair.
    pub(crate) ordered: bool,
    /// Starting on-hand if the scenario sets it (else the policy's target level).
    pub(crate) initial_on_hand: Option<i64>,
    /// Expected demand by weekday and its variance, where forecasters start.
    pub(crate) prior: Prior,
    /// Priorities of the pair's backlog classes (one class, priority 0, under first come
    /// first served).
    pub(crate) classes: Vec<i64>,
    /// Whether arriving stock is shared among waiting lines in proportion to what each is owed
    /// (else by class, first come first served within a class).
    pub(crate) fair_share: bool,
    /// The pairs this one supplies directly.
    pub(crate) children: Vec<usize>,
    /// Every pair this one supplies directly or indirectly (its echelon, without itself), in
    /// increasing order.
    pub(crate) downstream: Vec<usize>,
    /// Whether some source of the pair is another location (an internal lane).
    pub(crate) internally_supplied: bool,
}

/// Cost rates of a pair, resolved from item and scenario defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PairCosts {
    /// Per unit on hand at the end of a day.
    pub(crate) holding: f64,
    /// Per unit backordered at the end of a day.
    pub(crate) backorder: f64,
    /// Per unit of lost sales.
    pub(crate) lost_sale: f64,
    /// Per unit in transit to the pair at the end of a day.
    pub(crate) in_transit: f64,
    /// The item's standard unit cost (its `unit_purchase`): what a unit sold costs when the
    /// pair ordered nothing on the measured days.
    pub(crate) unit_cost: f64,
    /// Selling price per unit at the pair's location (`None` without prices).
    pub(crate) price: Option<f64>,
}

/// A demand stream.
#[derive(Debug, Clone)]
pub(crate) struct DemandStream {
    /// Pair index.
    pub(crate) pair: usize,
    /// Segment index.
    pub(crate) segment: usize,
    /// Daily quantity sampler (shared by the streams of the same definition).
    pub(crate) sampler: Arc<DemandSampler>,
    /// Random spikes and promotions.
    pub(crate) shocks: Shocks,
    /// The demand entry it comes from (the key of its random streams).
    pub(crate) entry: usize,
    /// With segment shares, on the stream that draws the demand: its segments' streams and
    /// shares.
    pub(crate) split: Option<Box<shares::Split>>,
    /// Backlog class of its lines at its pair.
    pub(crate) class: usize,
}

/// A customer segment's behaviour.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    /// Identifier.
    pub(crate) id: String,
    /// Probability that a short line is backordered (1 = always wait, 0 = always leave).
    pub(crate) backorder_probability: f64,
    /// Units per order line.
    pub(crate) line_size: u64,
    /// Days a backordered line waits before it is cancelled (`None`: forever).
    pub(crate) patience: Option<Sampler>,
    /// Whether lines may be filled in part.
    pub(crate) partial_fill: bool,
    /// Priority at locations that allocate by priority.
    pub(crate) priority: i64,
    /// Market-share erosion after bad service.
    pub(crate) churn: Option<Churn>,
    /// How the segment's customer orders are shipped.
    pub(crate) orders: OrderRules,
}

/// A named policy: how every pair is controlled.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Name from the scenario.
    pub name: String,
    /// Description from the scenario.
    pub description: String,
    /// Control of each pair, indexed like [`Model::pairs`].
    pub(crate) controls: Vec<Control>,
    /// Whether any pair's rule forecasts.
    pub(crate) forecasts: bool,
    /// Whether any pair's orders are set from outside (the `external` rule).
    pub(crate) external: bool,
    /// Fulfilment rules of customer orders replacing every segment's (`None`: the segments').
    pub(crate) fulfilment: Option<OrderRules>,
}

/// How one policy controls one pair.
#[derive(Debug, Clone)]
pub(crate) struct Control {
    /// The inventory policy.
    pub(crate) rule: Rule,
    /// How orders are placed on the pair's sources.
    pub(crate) sourcing: Sourcing,
    /// Lead time and review figures a forecast-driven rule plans with.
    pub(crate) planning: Planning,
    /// The rule's levels at the start.
    pub(crate) initial_levels: Levels,
    /// Stock on hand at the start of day 0: the scenario's `initial_on_hand`, else the rule's
    /// order-up-to level (for echelon base-stock, what its echelon's starting stock leaves of
    /// S).
    pub(crate) initial_on_hand: i64,
    /// Days after which a backordered line is promised when the pipeline does not cover it
    /// (the planning lead time, rounded up).
    pub(crate) promise_days: u32,
}

impl Model {
    /// Indices of the segments some demand stream belongs to.
    pub(crate) fn used_segments(&self) -> Vec<usize> {
        (0..self.segments.len()).filter(|&g| self.demands.iter().any(|d| d.segment == g)).collect()
    }

    /// Validates a scenario and builds the model, collecting every problem found.
    pub fn build(file: &ScenarioFile) -> Result<Model, ScenarioError> {
        let mut b = Builder::new(file);
        let model = b.model(file);
        match model {
            Some(m) if b.problems.is_empty() => Ok(m),
            _ => {
                let mut problems = group(b.problems);
                file.positions.place(&mut problems);
                Err(ScenarioError::Invalid { file: file.path.clone(), problems })
            }
        }
    }

    /// The largest number of days ahead the engine can schedule a receipt.
    pub(crate) fn calendar_span(&self) -> u32 {
        self.lanes.iter().map(Lane::max_lead_time).max().unwrap_or(0) + 1
    }

    /// Whether policy `policy` runs on the engine's lean day loop: the model has a single
    /// location allocating first come first served, no supplier outages, late shipments, customer patience or churn, demand spikes
    /// or promotions, same-day lanes or in-transit holding cost, and the policy does not
    /// take its orders from outside (`external`). The lean loop is the same code with those
    /// mechanisms compiled out, so the results are the same either way. Forecasting is not
    /// one of them: the review step observes and recomputes on both loops, for the policies
    /// that forecast.
    pub fn lean(&self, policy: usize) -> bool {
        self.locations.len() == 1
            && self.fair_share_pairs.is_empty()
            && !(self.has_network
                || self.has_outages
                || self.late_shipments
                || self.has_patience
                || self.has_churn
                || self.same_day_receipts
                || self.policies[policy].external)
            && self.orders.is_empty()
            && self.demands.iter().all(|d| d.shocks.is_none())
            && self.pairs.iter().all(|p| p.costs.in_transit == 0.0)
    }

    /// Whether the pairs of a lean replication ([`Model::lean`]) are independent of each other,
    /// so that it can run pair by pair with the results of running day by day (see
    /// `sim::engine`): no lane's capacity is shared, pairs are reviewed and their demand streams
    /// listed in index order (each day's sums over pairs add in the same order; a lane's
    /// spend, the one total pairs share, is computed after the run from integer counts).
    pub(crate) fn independent_pairs(&self) -> bool {
        !self.pairs.is_empty()
            && self.limited_lanes.is_empty()
            && self.review_order.iter().enumerate().all(|(k, &p)| k == p)
            && self.demands.windows(2).all(|w| w[0].pair <= w[1].pair)
    }

    /// Number of days counted in the metrics.
    pub fn measured_days(&self) -> u32 {
        self.horizon - self.warmup
    }
}
