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
//! carried by the pipeline ring instead of the calendar; a forecasting policy whose pairs are
//! all such pairs runs pair by pair too, each pair's forecasts and levels made ahead of its
//! days (`Workspace::ring_pairs_forecasting`).

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
use crate::sim::policy::RuleKind;
use crate::sim::ring_pair::{Ahead, Drawn, RingPair};
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
    /// Each pair's constants if the pipeline ring can carry its shipments (see `ring_pair`).
    pub(super) rings: Vec<Option<RingPair>>,
    /// A pair's demand and levels, made ahead of its days (see `ring_pair`; empty unless a
    /// policy forecasts).
    pub(super) ahead: Ahead,
    /// A replication's demand, drawn once for all the policies (see `ring_pair`).
    pub(super) drawn: Drawn,
}

impl Workspace {
    /// Allocates the state for `model`, the only model it may then run.
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
        let first_source = first_sources(model);
        let rings: Vec<_> =
            (0..model.pairs.len()).map(|pi| RingPair::of(model, pi, first_source[pi], ring)).collect();
        let drawn = Drawn::new(model, &rings);
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
            rings,
            drawn,
            ahead: Ahead::new(model),
        }
    }

    /// Runs replication `replication` of policy `policy` with master seed `seed` on `model`,
    /// the model the workspace was made for. The result is a pure function of `(model, policy,
    /// seed, replication)`.
    pub fn run(&mut self, model: &Model, policy: usize, seed: u64, replication: u64) {
        self.reset(model, policy, seed, replication);
        if !model.lean(policy) {
            self.days_of::<true>(model);
        } else if model.independent_pairs() && !model.policies[policy].forecasts {
            self.pairs_of(model, (seed, replication));
        } else if model.independent_pairs() && self.rings.iter().all(Option::is_some) {
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
    /// `key` is the replication's (seed, replication), the key of its demand drawn once for
    /// every policy ([`Drawn`]).
    pub(super) fn pairs_of(&mut self, model: &Model, key: (u64, u64)) {
        let controls = &model.policies[self.policy].controls;
        let mut days = std::mem::take(&mut self.days);
        let drawn = self.drawn.draw(model, &self.streams, key);
        for pi in 0..self.pairs.len() {
            if let Some(ring) = self.rings[pi] {
                self.ring_pair_days::<false>(model, controls, &ring, &mut days, pi == 0, drawn);
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

/// Where each pair's sources start in the list of every pair's sources, pair by pair.
fn first_sources(model: &Model) -> Vec<usize> {
    let starts = model.pairs.iter().scan(0, |next, p| {
        let first = *next;
        *next += p.sources.len();
        Some(first)
    });
    starts.collect()
}

#[cfg(test)]
#[path = "engine_tests.rs"]
pub(super) mod tests;
