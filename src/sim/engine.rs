//! The engine: one replication of one policy, day by day. No I/O, no threads.
//!
//! The order of work inside day `t` is fixed (see `docs/model.md`):
//!
//! 0. **Suppliers.** Each supplier with outages is up or down today (random chain, then
//!    scheduled windows); a down supplier takes no orders (or only its remaining capacity).
//! 1. **Receipts.** Shipments due on day `t` arrive (a frozen shipment of a down supplier waits;
//!    a short one delivers part); each pair that received stock fills its backorders (customer
//!    lines and the orders of downstream locations) by priority class and first come first
//!    served within a class (orders of locations placed the same day share), or, once all of
//!    the batch is in, in proportion to what each line is owed.
//!    Units shipped to a downstream location leave now and arrive after the lane's lead time
//!    (the same day for a lead time of 0, which is received within this step).
//! 2. **Demand.** Each demand stream draws the day's units (scaled by spikes, promotions and
//!    churn) as order lines. Stock fills them if no backorder is waiting; a short line is
//!    backordered (with a patience deadline and a promised date) or lost, by its segment.
//!    Then customer orders (order streams) arrive and each location allocates its stock to its
//!    open orders by its order allocation rule, shipping each whole or in parts by its
//!    fulfilment rule (`orders`).
//! 3. **Cancellations.** Backordered lines whose patience ends today and that are still waiting
//!    are cancelled.
//! 4. **Review.** Pairs take their turn downstream first. At its turn a pair allocates its
//!    stock among the lines waiting for it (today's orders of the pairs it supplies included),
//!    its forecaster observes the day, and, if its review falls on `t`, it computes the
//!    inventory position (on hand + on order − backorders − units owed downstream; for echelon
//!    base-stock, summed over the pair's echelon) and orders through its sourcing rule. An
//!    order on an external supplier ships now; an order on another location joins the lines
//!    waiting there. A shipment leaving on day `t` with lead time `L` is due at the start of
//!    day `t + L`.
//! 5. **Same-day receipts.** Orders with `L = 0` arrive now and fill backorders.
//! 6. **Accounting.** End-of-day on-hand, backorders and units in transit are recorded and
//!    costed; loyalty recovers.
//!
//! So an order placed at the review of day `t` with lead time `L ≥ 1` can fill demand from day
//! `t + L` on, and exposes the pair to `L` days of demand; `L = 0` clears backorders the same
//! evening and, for demand, behaves like `L = 1`.
//!
//! This module holds the [`Workspace`] and the two schedules of the days; the steps are
//! `impl Workspace` blocks in their own modules: step 0 in `outages`, steps 1 and 5 and the
//! shipments in `flow`, steps 2 and 3 in `customers`, step 4 in `review`, step 6 and the close
//! of a replication in `accounting`; the state they share is in `state`. Steps 2, 4 and 6 are
//! per-stream and per-pair functions (`demand_of`, `review_pair`, `account_pair`) that both
//! schedules call: day by day, every pair each day (`Workspace::days_of`, the general loop),
//! or, for a lean replication whose pairs are independent (`Model::independent_pairs`) and
//! whose policy does not forecast, pair by pair, each pair all its days while its state is in
//! the cache (`Workspace::pairs_of`), with the same results to the byte. Pair by pair, a pair
//! supplied on one lane with a fixed lead time runs its days in `ring_pair`, its shipments
//! carried by the pipeline ring instead of the calendar.

use crate::metrics::{
    CostBreakdown, Counters, LaneCounters, Ledger, OrderCounters, SegmentCounters, SupplierDays,
    WaitHistogram,
};
use crate::model::Model;
use crate::sim::backlog::Backlog;
use crate::sim::bulk;
use crate::sim::calendar::Calendar;
use crate::sim::forecast::Forecaster;
use crate::sim::orders::OrderBook;
use crate::sim::policy::Levels;
use crate::sim::policy::RuleKind;
use crate::sim::ring_pair::{FORECAST_GROUP, RingPair};
use crate::sim::state::{
    Deadline, PairState, Receipt, Shipment, SourceOrders, StreamState, Streams, SupplierState,
};

/// One day of one replication, summed over pairs (kept for every day, warm-up included).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DayRecord {
    /// End-of-day units on hand.
    pub on_hand: i64,
    /// End-of-day units backordered.
    pub backorders: i64,
    /// Units demanded.
    pub demand: i64,
    /// Units filled from stock on arrival.
    pub filled: i64,
    /// Units lost (walk-aways and cancellations).
    pub lost: i64,
    /// Suppliers down (in an outage) that day.
    pub suppliers_down: i64,
    /// Costs of the day.
    pub costs: CostBreakdown,
}

/// Everything one replication mutates, allocated once and reused across replications.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub(super) policy: usize,
    pub(super) pairs: Vec<PairState>,
    /// Forecasters by policy and pair (`None` where the rule does not forecast).
    pub(super) forecasters: Vec<Vec<Option<Forecaster>>>,
    pub(super) demand_states: Vec<StreamState>,
    /// Whether each demand stream's backorders are kept in bulk (see `bulk`).
    pub(super) in_bulk: Vec<bool>,
    pub(super) suppliers: Vec<SupplierState>,
    pub(super) supplier_days: Vec<SupplierDays>,
    pub(super) lanes: Vec<LaneCounters>,
    /// What each source of each pair ordered, pair by pair (pair `p`'s sources start at
    /// `first_source[p]`), from which the pairs' and lanes' order counts and costs are computed
    /// at the end.
    pub(super) source_orders: Vec<SourceOrders>,
    pub(super) first_source: Vec<usize>,
    /// What each lane can ship today (0 while its supplier is down and takes nothing).
    pub(super) lane_capacity: Vec<i64>,
    /// What each lane can still ship today.
    pub(super) capacity_left: Vec<i64>,
    pub(super) calendar: Calendar<Receipt>,
    pub(super) deadlines: Calendar<Deadline>,
    pub(super) parts: Vec<i64>,
    pub(super) shipments: Vec<Shipment>,
    /// Units due per pair and day (a ring the size of the calendar), for promised dates.
    pub(super) pipeline: Vec<i64>,
    pub(super) ring: usize,
    pub(super) days: Vec<DayRecord>,
    /// End-of-day backorders (customers' and downstream locations') by day and location (empty
    /// with a single location).
    pub(super) location_backorders: Vec<i64>,
    pub(super) streams: Streams,
    pub(super) total: Counters,
    pub(super) total_waits: WaitHistogram,
    /// Open customer orders and the counts of each order stream.
    pub(super) orders: OrderBook,
    /// Units each pair with the `external` rule orders at today's review, set by the caller
    /// (see `sim::external`).
    pub(super) external: Vec<i64>,
    /// Whether every pair's shipments can be carried by the pipeline ring (see `ring_pair`).
    pub(super) all_ring: bool,
    /// The levels of a group of pairs at their reviews, forecast ahead of their days (see
    /// `ring_pair`; empty unless a policy forecasts).
    pub(super) levels_ahead: Vec<Levels>,
}

impl Workspace {
    /// Allocates the state for `model`.
    pub fn new(model: &Model) -> Workspace {
        let max_wait = model.horizon;
        let calendar = Calendar::new(model.calendar_span());
        let ring = calendar.span() as usize + 1;
        let pairs = model
            .pairs
            .iter()
            .map(|pair| PairState {
                // Lines take room as they come (most pairs of a catalogue never wait, or
                // for fewer lines than a lead time's worth), kept for the next replications.
                backlog: Backlog::new(pair.classes.clone(), 0),
                // Room for the usual waits (a lead time or so); longer ones grow it once (a
                // histogram up to the horizon would be most of a pair's memory).
                waits: WaitHistogram::with_max(model.calendar_span() + 8),
                ..PairState::default()
            })
            .collect();
        let forecasters = model
            .policies
            .iter()
            .map(|policy| {
                policy
                    .controls
                    .iter()
                    .zip(&model.pairs)
                    .map(|(c, pair)| match &c.rule.kind {
                        RuleKind::Forecast(f) => Some(Forecaster::new(&f.method, &pair.prior)),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let capacities: Vec<i64> = model.lanes.iter().map(|l| l.capacity_per_day).collect();
        let first_source: Vec<usize> = model
            .pairs
            .iter()
            .scan(0, |next, p| {
                let first = *next;
                *next += p.sources.len();
                Some(first)
            })
            .collect();
        Workspace {
            policy: 0,
            pairs,
            forecasters,
            demand_states: vec![StreamState::FRESH; model.demands.len()],
            in_bulk: bulk::in_bulk(model),
            suppliers: vec![SupplierState::default(); model.suppliers.len()],
            supplier_days: vec![SupplierDays::default(); model.suppliers.len()],
            lanes: vec![LaneCounters::default(); model.lanes.len()],
            source_orders: vec![SourceOrders::default(); model.pairs.iter().map(|p| p.sources.len()).sum()],
            first_source: first_source.clone(),
            lane_capacity: capacities.clone(),
            capacity_left: capacities,
            calendar,
            deadlines: Calendar::new(model.deadline_span),
            parts: Vec::with_capacity(model.lanes.len()),
            shipments: Vec::with_capacity(
                model.pairs.iter().map(|p| p.children.len()).max().unwrap_or(0) + 8,
            ),
            pipeline: vec![0; model.pairs.len() * ring],
            ring,
            days: vec![DayRecord::default(); model.horizon as usize],
            location_backorders: if model.locations.len() > 1 {
                vec![0; model.horizon as usize * model.locations.len()]
            } else {
                Vec::new()
            },
            streams: Streams::default(),
            total: Counters::default(),
            total_waits: WaitHistogram::with_max(max_wait),
            orders: OrderBook::new(model),
            external: vec![0; model.pairs.len()],
            all_ring: (0..model.pairs.len())
                .all(|pi| RingPair::of(model, pi, first_source[pi], ring).is_some()),
            levels_ahead: if model.policies.iter().any(|p| p.forecasts) {
                vec![Levels::default(); FORECAST_GROUP * model.horizon as usize]
            } else {
                Vec::new()
            },
        }
    }

    /// Runs replication `replication` of policy `policy` with master seed `seed`. The result is
    /// a pure function of `(model, policy, seed, replication)`.
    pub fn run(&mut self, model: &Model, policy: usize, seed: u64, replication: u64) {
        self.reset(model, policy, seed, replication);
        if !model.lean(policy) {
            self.days_of::<true>(model);
        } else if model.independent_pairs() && !model.policies[policy].forecasts {
            self.pairs_of(model);
        } else if model.independent_pairs() && self.all_ring {
            self.ring_pairs_forecasting(model);
        } else {
            // A forecasting policy on other pairs runs day by day: its pairs' forecasts in one
            // pass a day overlap their chains of floating-point arithmetic, which gains more
            // than keeping each pair in the cache.
            self.days_of::<false>(model);
        }
        self.finish(model);
    }

    /// Runs every day of a lean replication pair by pair (pair-major), for pairs that are
    /// independent ([`Model::independent_pairs`]): each pair runs all its days while its state
    /// is in the cache, with the per-pair steps the day-by-day loop calls. Day `d`'s record
    /// still adds pair 0, then pair 1, …: the results are the same bytes as [`Self::days_of`]'s.
    /// The policy does not forecast (see [`Self::run`]). A pair whose shipments come on one
    /// lane with a fixed lead time runs its days in `ring_pair`.
    pub(super) fn pairs_of(&mut self, model: &Model) {
        let controls = &model.policies[self.policy].controls;
        let mut days = std::mem::take(&mut self.days);
        for pi in 0..self.pairs.len() {
            if let Some(ring) = RingPair::of(model, pi, self.first_source[pi], self.ring) {
                self.ring_pair_days::<false>(model, controls, &ring, &mut days, pi == 0, 0);
                continue;
            }
            for (day, rec) in (0..model.horizon).zip(&mut days) {
                if pi == 0 {
                    *rec = DayRecord::default();
                }
                self.receive::<false>(model, day);
                for &d in &model.pairs[pi].demands {
                    self.demand_of::<false>(model, controls, d, day, rec);
                }
                self.review_pair::<false, false>(model, controls, pi, day, rec);
                self.account_pair::<false>(model, pi, day >= model.warmup, rec);
            }
            // The calendar held this pair's shipments only: book those still on their way and
            // hand it, empty, to the next pair.
            self.count_open_receipts(model);
        }
        self.days = days;
    }

    /// Runs every day of the replication. `FULL` says whether the optional mechanisms of
    /// [`Model::lean`] may be in use: with `FULL = false` the compiler leaves their code out of
    /// the day loop, which is otherwise the same code.
    pub(super) fn days_of<const FULL: bool>(&mut self, model: &Model) {
        // Each day's record is written in place (taken out of `self` while the days run).
        let mut days = std::mem::take(&mut self.days);
        for (day, rec) in (0..model.horizon).zip(&mut days) {
            *rec = DayRecord::default();
            self.steps_before_review::<FULL>(model, day, rec);
            self.steps_from_review::<FULL>(model, day, rec);
        }
        self.days = days;
    }

    /// Steps 0 to 3 of `day`: suppliers, receipts, demand and cancellations. The day-by-day
    /// environment (`sim::external`) stops here to hand over the state and take the orders.
    #[inline(always)]
    pub(super) fn steps_before_review<const FULL: bool>(
        &mut self,
        model: &Model,
        day: u32,
        rec: &mut DayRecord,
    ) {
        let controls = &model.policies[self.policy].controls;
        if FULL && model.has_outages {
            self.suppliers(model, day, rec);
        }
        self.receive::<FULL>(model, day);
        if FULL && model.late_shipments {
            self.roll_overdue(day);
        }
        self.demand::<FULL>(model, controls, day, rec);
        if FULL && !model.orders.is_empty() {
            self.customer_orders(model, controls, day, rec);
        }
        if FULL && model.has_patience {
            self.cancel(model, day, rec);
        }
    }

    /// Steps 4 to 6 of `day`: reviews and orders, same-day receipts, accounting.
    #[inline(always)]
    pub(super) fn steps_from_review<const FULL: bool>(
        &mut self,
        model: &Model,
        day: u32,
        rec: &mut DayRecord,
    ) {
        let controls = &model.policies[self.policy].controls;
        self.review::<FULL>(model, controls, day, rec);
        if FULL && model.same_day_receipts {
            self.receive::<FULL>(model, day);
            if !model.orders.is_empty() {
                self.fill_orders(model, day, rec);
            }
        }
        self.account::<FULL>(model, day, rec);
    }

    pub(super) fn reset(&mut self, model: &Model, policy: usize, seed: u64, replication: u64) {
        self.policy = policy;
        let controls = &model.policies[policy].controls;
        for (state, control) in self.pairs.iter_mut().zip(controls) {
            let start = control.initial_on_hand;
            state.on_hand = start;
            state.on_order = 0;
            state.backorders = 0;
            state.owed = 0;
            state.awaiting = 0;
            state.backlog.clear();
            state.next_review = control.rule.first_review();
            state.levels = control.initial_levels;
            state.next_recompute = 0;
            state.today_demand = 0;
            state.disrupted = false;
            state.cycle_start = None;
            state.cycle_stockout = false;
            state.counters = Counters::default();
            state.ledger = Ledger { initial_on_hand: start, ..Ledger::default() };
            state.waits.clear();
        }
        for (f, pair) in self.forecasters[policy].iter_mut().zip(&model.pairs) {
            if let Some(f) = f {
                f.reset(&pair.prior);
            }
        }
        self.demand_states.iter_mut().for_each(|s| *s = StreamState::FRESH);
        self.suppliers.iter_mut().for_each(|s| *s = SupplierState::default());
        self.supplier_days.iter_mut().for_each(|s| *s = SupplierDays::default());
        self.lanes.iter_mut().for_each(|l| *l = LaneCounters::default());
        self.source_orders.iter_mut().for_each(|o| *o = SourceOrders::default());
        for (cap, lane) in self.lane_capacity.iter_mut().zip(&model.lanes) {
            *cap = lane.capacity_per_day;
        }
        self.calendar.clear();
        self.deadlines.clear();
        self.pipeline.iter_mut().for_each(|x| *x = 0);
        self.streams.reset(model, seed, replication);
        self.orders.clear();
    }

    /// Counters of each pair for the last run.
    pub fn pair_counters(&self) -> impl Iterator<Item = (&Counters, &WaitHistogram)> {
        self.pairs.iter().map(|p| (&p.counters, &p.waits))
    }

    /// Counters summed over pairs for the last run, with the pooled wait histogram.
    pub fn total(&self) -> (&Counters, &WaitHistogram) {
        (&self.total, &self.total_waits)
    }

    /// Counters of each lane for the last run.
    pub fn lane_counters(&self) -> &[LaneCounters] {
        &self.lanes
    }

    /// Counts of each demand stream for the last run.
    pub fn stream_counters(&self) -> impl Iterator<Item = &SegmentCounters> {
        self.demand_states.iter().map(|s| &s.counters)
    }

    /// Counts of each order stream for the last run, with its completed orders by lead time.
    pub fn order_counters(&self) -> impl Iterator<Item = (&OrderCounters, &WaitHistogram)> {
        self.orders.counters.iter().zip(&self.orders.lead)
    }

    /// Measured days each supplier was up and down in the last run.
    pub fn supplier_days(&self) -> &[SupplierDays] {
        &self.supplier_days
    }

    /// Conservation ledgers of each pair for the last run.
    pub fn ledgers(&self) -> impl Iterator<Item = &Ledger> + Clone {
        self.pairs.iter().map(|p| &p.ledger)
    }

    /// Daily records of the last run (every day, warm-up included).
    pub fn days(&self) -> &[DayRecord] {
        &self.days
    }

    /// End-of-day backorders of the last run (units owed to customers and to downstream
    /// locations) by day and location (`day × locations + location`); empty for a single
    /// location.
    pub fn location_backorders(&self) -> &[i64] {
        &self.location_backorders
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::scenario::ScenarioFile;
    use std::path::Path;

    /// A model with everything the lean loop keeps: several items and segments, lost sales,
    /// multi-unit lines, priorities, capacities, order minimums and multiples, random lead
    /// times, split and backup sourcing, periodic and (r, Q) reviews, a warm-up.
    const LEAN: &str = r#"{
        "schema_version": 1, "horizon_days": 200, "warmup_days": 30,
        "items": [
            {"id": "a", "costs": {"holding_per_unit_day": 0.1, "backorder_per_unit_day": 1.0, "lost_sale_per_unit": 4.0}},
            {"id": "b"}, {"id": "c"}
        ],
        "locations": [{"id": "dc"}],
        "suppliers": [{"id": "s1"}, {"id": "s2"}],
        "lanes": [
            {"id": "l1", "from": "s1", "to": "dc", "lead_time": {"type": "uniform", "min": 2, "max": 6},
             "capacity_per_day": 60, "min_order": 10, "order_cost": 5},
            {"id": "l2", "from": "s2", "to": "dc", "lead_time": {"type": "constant", "value": 1},
             "order_multiple": 5, "unit_cost": 3}
        ],
        "segments": [
            {"id": "shop", "unmet": {"type": "mixed", "backorder_probability": 0.6}},
            {"id": "trade", "line_size": 10, "partial_fill": false, "priority": 5}
        ],
        "demand": [
            {"location": "dc", "item": "a", "segment": "shop", "distribution": {"type": "poisson", "mean": 20},
             "weekly_profile": [0.8, 0.8, 0.9, 1.0, 1.2, 1.6, 0.7]},
            {"location": "dc", "item": "a", "segment": "trade",
             "distribution": {"type": "empirical", "values": [0, 20, 40], "weights": [0.7, 0.2, 0.1]}},
            {"location": "dc", "item": "b", "segment": "shop", "distribution": {"type": "negative_binomial", "mean": 12, "sd": 6}},
            {"location": "dc", "item": "c", "segment": "trade", "distribution": {"type": "poisson", "mean": 30}}
        ],
        "policies": [
            {"name": "split", "inventory": {"type": "base_stock", "S": 90},
             "sourcing": {"type": "split", "shares": [{"source": "l1", "share": 0.7}, {"source": "l2", "share": 0.3}]}},
            {"name": "backup", "inventory": {"type": "r_Q", "r": 40, "Q": 50, "review_period": 2},
             "sourcing": {"type": "primary_backup", "sources": ["l1", "l2"]}}
        ]
    }"#;

    /// A catalogue whose pairs are independent (no lane capacity):
    /// backorders and lost sales, multi-unit lines, random lead times drawn per lane and day,
    /// split sourcing, (r, Q) reviews every 2 days, a forecast policy (which `run` runs day by
    /// day), a warm-up. `UNIT` is l2's
    /// unit cost.
    const INDEPENDENT: &str = r#"{
        "schema_version": 1, "horizon_days": 150, "warmup_days": 20,
        "items": [
            {"id": "a", "costs": {"holding_per_unit_day": 0.13, "backorder_per_unit_day": 1.7, "lost_sale_per_unit": 4.1}},
            {"id": "b", "costs": {"holding_per_unit_day": 0.071, "backorder_per_unit_day": 0.93}},
            {"id": "c", "costs": {"holding_per_unit_day": 0.0113, "lost_sale_per_unit": 2.9}},
            {"id": "d", "costs": {"holding_per_unit_day": 0.31, "backorder_per_unit_day": 1.1}}
        ],
        "locations": [{"id": "dc"}],
        "suppliers": [{"id": "s1"}, {"id": "s2"}],
        "lanes": [
            {"id": "l1", "from": "s1", "to": "dc", "lead_time": {"type": "uniform", "min": 2, "max": 6},
             "min_order": 10, "order_cost": 5, "unit_cost": 2},
            {"id": "l2", "from": "s2", "to": "dc", "lead_time": {"type": "constant", "value": 3},
             "order_multiple": 5, "unit_cost": UNIT}
        ],
        "segments": [
            {"id": "shop", "unmet": {"type": "mixed", "backorder_probability": 0.6}},
            {"id": "trade", "line_size": 10, "partial_fill": false, "priority": 5}
        ],
        "demand": [
            {"location": "dc", "item": "a", "segment": "shop", "distribution": {"type": "poisson", "mean": 20}},
            {"location": "dc", "item": "a", "segment": "trade",
             "distribution": {"type": "empirical", "values": [0, 20, 40], "weights": [0.7, 0.2, 0.1]}},
            {"location": "dc", "item": "b", "segment": "shop", "distribution": {"type": "negative_binomial", "mean": 12, "sd": 6}},
            {"location": "dc", "item": "c", "segment": "trade", "distribution": {"type": "poisson", "mean": 30}},
            {"location": "dc", "item": "d", "segment": "shop", "distribution": {"type": "poisson", "mean": 20}}
        ],
        "policies": [
            {"name": "split", "inventory": {"type": "base_stock", "S": 70},
             "sourcing": {"type": "split", "shares": [{"source": "l1", "share": 0.7}, {"source": "l2", "share": 0.3}]}},
            {"name": "rq", "inventory": {"type": "r_Q", "r": 40, "Q": 50, "review_period": 2},
             "sourcing": {"type": "primary_backup", "sources": ["l2", "l1"]}},
            {"name": "forecast", "inventory": {"type": "safety_stock", "forecast": {"type": "ses", "alpha": 0.2},
             "service": {"type": "fill_rate", "target": 0.9}},
             "sourcing": {"type": "primary_backup", "sources": ["l1", "l2"]}}
        ]
    }"#;

    /// A catalogue whose pairs but `d` each have one lane with a fixed lead time, so that pair
    /// by pair the pipeline ring carries their shipments (`a` and `e` share a lane), while `d`,
    /// the first pair, with a random lead time, uses the calendar: backorders (kept in bulk) and
    /// lost sales, lead times from 1 to 6, the longest the ring of 8 days holds, a quoted lead
    /// time shorter than the lead time (`l2`), reviews every day, 2 and 3 days, a warm-up,
    /// orders still on their way at the horizon, in slots that wrap around the ring.
    const RING: &str = r#"{
        "schema_version": 1, "horizon_days": 123, "warmup_days": 15,
        "items": [
            {"id": "d"},
            {"id": "a", "costs": {"holding_per_unit_day": 0.13, "backorder_per_unit_day": 1.7}},
            {"id": "b", "costs": {"holding_per_unit_day": 0.071, "lost_sale_per_unit": 2.9}},
            {"id": "c", "costs": {"holding_per_unit_day": 0.31, "backorder_per_unit_day": 1.1}},
            {"id": "e", "costs": {"holding_per_unit_day": 0.2, "backorder_per_unit_day": 0.9}}
        ],
        "locations": [{"id": "dc"}],
        "suppliers": [{"id": "s1"}, {"id": "s2"}, {"id": "s3"}, {"id": "s4"}],
        "lanes": [
            {"id": "l1", "from": "s1", "to": "dc", "items": ["a", "e"], "lead_time": {"type": "constant", "value": 1},
             "order_cost": 5.3, "unit_cost": 2.1},
            {"id": "l2", "from": "s2", "to": "dc", "items": ["b"], "lead_time": {"type": "constant", "value": 4},
             "quoted_lead_time": 3, "min_order": 10, "order_multiple": 5, "unit_cost": 0.7},
            {"id": "l3", "from": "s3", "to": "dc", "items": ["c"], "lead_time": {"type": "constant", "value": 6}},
            {"id": "l4", "from": "s4", "to": "dc", "items": ["d"], "lead_time": {"type": "uniform", "min": 2, "max": 5}}
        ],
        "segments": [{"id": "shop"}, {"id": "walk", "unmet": {"type": "lost"}}],
        "demand": [
            {"location": "dc", "item": "d", "segment": "shop", "distribution": {"type": "poisson", "mean": 15}},
            {"location": "dc", "item": "a", "segment": "shop", "distribution": {"type": "poisson", "mean": 20}},
            {"location": "dc", "item": "b", "segment": "walk", "distribution": {"type": "negative_binomial", "mean": 12, "sd": 6}},
            {"location": "dc", "item": "c", "segment": "shop", "distribution": {"type": "poisson", "mean": 9}},
            {"location": "dc", "item": "e", "segment": "shop", "distribution": {"type": "poisson", "mean": 5}}
        ],
        "policies": [
            {"name": "base", "inventory": {"type": "base_stock", "S": 60}},
            {"name": "rq", "inventory": {"type": "r_Q", "r": 30, "Q": 40, "review_period": 3}},
            {"name": "ss", "inventory": {"type": "s_S", "s": 25, "S": 70, "review_period": 2}}
        ]
    }"#;

    #[test]
    fn shipments_carried_by_the_pipeline_ring_give_the_calendars_results() {
        let file = ScenarioFile::parse(RING.as_bytes(), Path::new("ring.json")).expect("parses");
        let model = Model::build(&file).expect("valid");
        assert!(model.independent_pairs());
        let (mut by_pair, mut by_day) = (Workspace::new(&model), Workspace::new(&model));
        assert_eq!(by_pair.ring, 8, "the longest lead time, 6, is the longest the ring holds");
        let leads: Vec<_> = (0..model.pairs.len())
            .map(|pi| RingPair::of(&model, pi, by_pair.first_source[pi], by_pair.ring).map(|r| r.lead))
            .collect();
        assert_eq!(leads, [None, Some(1), Some(4), Some(6), Some(1)]);
        for policy in 0..model.policies.len() {
            assert!(model.lean(policy), "policy {policy} runs on the lean loop");
            for replication in 0..4 {
                by_pair.run(&model, policy, 3, replication);
                by_day.reset(&model, policy, 3, replication);
                by_day.days_of::<true>(&model);
                by_day.finish(&model);
                let c = &by_day.total().0;
                assert!(c.backorder_unit_days > 0 && c.walkaway_units > 0 && c.in_transit_unit_days > 0);
                let ring_in_transit = by_day.ledgers().skip(1).any(|l| l.in_transit > 0);
                assert!(ring_in_transit, "orders of ring pairs on their way at the end");
                // l2 delivers in 4 days against the 3 it quotes; l3 in the 6 it quotes.
                let lanes = by_day.lane_counters();
                assert!(lanes[1].orders_received > 0 && lanes[1].on_time == 0);
                assert!(lanes[2].orders_received > 0 && lanes[2].on_time == lanes[2].orders_received);
                let case = format!("policy {policy}, replication {replication}");
                assert_eq!(outcome(&by_pair), outcome(&by_day), "{case}");
            }
        }
    }

    /// Pairs all carried by the pipeline ring (`l1` carries `a` and `xk`), 19 of them (two
    /// groups whose forecasts are made ahead), backorders in bulk and lost sales, a weekly
    /// profile, a warm-up, with forecasting policies: exponential smoothing to a fill rate,
    /// Holt-Winters to a cycle service level, a moving average recomputed weekly and reviewed
    /// every 2 days from day 1, just in time.
    fn ring_forecasting() -> Model {
        let extra: Vec<String> = (0..16).map(|k| format!("x{k}")).collect();
        let items: String = extra.iter().map(|x| format!(r#", {{"id": "{x}"}}"#)).collect();
        let on_l1: String = extra.iter().map(|x| format!(r#", "{x}""#)).collect();
        let demand: String = (extra.iter().enumerate())
            .map(|(k, x)| {
                let mean = 2 + 3 * k;
                format!(r#", {{"location": "dc", "item": "{x}", "distribution": {{"type": "poisson", "mean": {mean}}}}}"#)
            })
            .collect();
        let json = format!(
            r#"{{
            "schema_version": 1, "horizon_days": 150, "warmup_days": 20,
            "items": [{{"id": "a"}}, {{"id": "b", "costs": {{"lost_sale_per_unit": 2.9}}}}, {{"id": "c"}}{items}],
            "locations": [{{"id": "dc"}}],
            "suppliers": [{{"id": "s1"}}, {{"id": "s2"}}, {{"id": "s3"}}],
            "lanes": [
                {{"id": "l1", "from": "s1", "to": "dc", "items": ["a"{on_l1}], "lead_time": {{"type": "constant", "value": 2}}}},
                {{"id": "l2", "from": "s2", "to": "dc", "items": ["b"], "lead_time": {{"type": "constant", "value": 4}},
                 "min_order": 10, "order_multiple": 5}},
                {{"id": "l3", "from": "s3", "to": "dc", "items": ["c"], "lead_time": {{"type": "constant", "value": 6}}}}
            ],
            "segments": [{{"id": "shop"}}, {{"id": "walk", "unmet": {{"type": "lost"}}}}],
            "demand": [
                {{"location": "dc", "item": "a", "segment": "shop", "distribution": {{"type": "poisson", "mean": 20}},
                 "weekly_profile": [0.8, 0.8, 0.9, 1.0, 1.2, 1.6, 0.7]}},
                {{"location": "dc", "item": "b", "segment": "walk", "distribution": {{"type": "negative_binomial", "mean": 12, "sd": 6}}}},
                {{"location": "dc", "item": "c", "segment": "shop", "distribution": {{"type": "poisson", "mean": 9}}}}{demand}
            ],
            "policies": [
                {{"name": "ses", "inventory": {{"type": "safety_stock", "forecast": {{"type": "ses", "alpha": 0.1}},
                 "service": {{"type": "fill_rate", "target": 0.9}}, "recompute_every": 1}}}},
                {{"name": "holt-winters", "inventory": {{"type": "safety_stock", "forecast": {{"type": "holt_winters",
                 "alpha": 0.1, "beta": 0.01, "gamma": 0.1, "seasonality": "multiplicative"}},
                 "service": {{"type": "cycle_service_level", "target": 0.8}}, "recompute_every": 1}}}},
                {{"name": "weekly", "inventory": {{"type": "safety_stock", "forecast": {{"type": "moving_average", "window": 7}},
                 "service": {{"type": "fill_rate", "target": 0.95}}, "lot": {{"type": "cover_days", "days": 3}},
                 "recompute_every": 7, "review_period": 2, "review_offset": 1}}}},
                {{"name": "jit", "inventory": {{"type": "just_in_time", "buffer": 5}}}}
            ]
        }}"#
        );
        let file = ScenarioFile::parse(json.as_bytes(), Path::new("ring-forecasting.json")).expect("parses");
        Model::build(&file).expect("valid")
    }

    #[test]
    fn forecasts_made_ahead_of_ring_pairs_days_give_the_full_loops_results() {
        let model = ring_forecasting();
        assert!(model.independent_pairs() && model.pairs.len() == 19);
        let (mut ahead, mut full) = (Workspace::new(&model), Workspace::new(&model));
        assert!(ahead.all_ring, "every pair is carried by the ring");
        for policy in 0..model.policies.len() {
            assert!(model.lean(policy) && model.policies[policy].forecasts, "policy {policy}");
            for replication in 0..3 {
                ahead.run(&model, policy, 4, replication);
                full.reset(&model, policy, 4, replication);
                full.days_of::<true>(&model);
                full.finish(&model);
                let c = &full.total().0;
                assert!(c.forecast.days > 0 && c.backorder_unit_days > 0 && c.walkaway_units > 0);
                assert_eq!(outcome(&ahead), outcome(&full), "policy {policy}, replication {replication}");
            }
        }
    }

    /// Everything a replication reports, as text.
    pub(in crate::sim) fn outcome(ws: &Workspace) -> String {
        let pairs: Vec<_> = ws.pair_counters().map(|(c, w)| format!("{c:?} {w:?}")).collect();
        let streams: Vec<_> = ws.stream_counters().collect();
        let ledgers: Vec<_> = ws.ledgers().collect();
        format!("{pairs:?} {:?} {:?} {streams:?} {ledgers:?} {:?}", ws.total(), ws.lane_counters(), ws.days())
    }

    #[test]
    fn the_lean_loop_gives_the_full_loops_results() {
        let file = ScenarioFile::parse(LEAN.as_bytes(), Path::new("lean.json")).expect("parses");
        let model = Model::build(&file).expect("valid");
        let (mut lean, mut full) = (Workspace::new(&model), Workspace::new(&model));
        for policy in 0..model.policies.len() {
            assert!(model.lean(policy), "policy {policy} runs on the lean loop");
            for replication in 0..3 {
                lean.run(&model, policy, 5, replication);
                full.reset(&model, policy, 5, replication);
                full.days_of::<true>(&model);
                full.finish(&model);
                assert!(lean.total().0.backorder_unit_days > 0 && lean.total().0.walkaway_units > 0);
                assert_eq!(outcome(&lean), outcome(&full), "policy {policy}, replication {replication}");
            }
        }
    }

    #[test]
    fn pair_by_pair_gives_the_day_by_day_results() {
        // l2's unit cost is fractional, so a lane's spend summed order by order would depend on
        // the order of the additions; 1e12 takes it past 2^53, where whole numbers stop adding
        // exactly. The spend is computed from integer counts, so both schedules agree.
        for unit in ["3", "2.37", "1e12"] {
            let json = INDEPENDENT.replace("UNIT", unit);
            let file = ScenarioFile::parse(json.as_bytes(), Path::new("independent.json")).expect("parses");
            let model = Model::build(&file).expect("valid");
            assert!(model.independent_pairs());
            let (mut run, mut by_pair, mut by_day) =
                (Workspace::new(&model), Workspace::new(&model), Workspace::new(&model));
            for policy in 0..model.policies.len() {
                assert!(model.lean(policy), "policy {policy} runs on the lean loop");
                for replication in 0..3 {
                    run.run(&model, policy, 9, replication);
                    let forecasts = model.policies[policy].forecasts;
                    by_day.reset(&model, policy, 9, replication);
                    by_day.days_of::<false>(&model);
                    by_day.finish(&model);
                    let c = &by_day.total().0;
                    assert!(c.backorder_unit_days > 0 && c.walkaway_units > 0 && c.on_hand_unit_days > 0);
                    let spent = by_day.lane_counters().iter().map(|l| l.spend).fold(0.0, f64::max);
                    assert!(by_day.days().iter().any(|d| d.costs.lost_sales > 0.0) && spent > 0.0);
                    let case = format!("unit {unit}, policy {policy}, replication {replication}");
                    assert_eq!(outcome(&run), outcome(&by_day), "{case}");
                    // A forecasting policy runs day by day (`run`), so only `run` is compared.
                    if !forecasts {
                        by_pair.reset(&model, policy, 9, replication);
                        by_pair.pairs_of(&model);
                        by_pair.finish(&model);
                        assert_eq!(outcome(&by_pair), outcome(&by_day), "{case}");
                    }
                }
            }
        }
        // A lane capacity makes pairs depend on each other.
        let file = ScenarioFile::parse(LEAN.as_bytes(), Path::new("lean.json")).expect("parses");
        assert!(!Model::build(&file).expect("valid").independent_pairs());
    }
}
