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

use crate::metrics::{Counters, LaneCounters, Ledger, SegmentCounters, SupplierDays, WaitHistogram};
use crate::model::{Control, MAX_UNITS, Model};
use crate::sim::backlog::{Backlog, Line, NewLine, Orderer, promise_day};
use crate::sim::calendar::Calendar;
use crate::sim::forecast::Forecaster;
use crate::sim::policy::{Levels, RuleKind, forecast_levels};
use crate::sim::rng::{Purpose, Stream};
use crate::sim::supply::Placements;

/// A shipment on its way to a pair.
#[derive(Debug, Clone, Copy)]
struct Receipt {
    pair: u32,
    lane: u32,
    /// Day the shipment left its shipping point (for an external supplier, the day it was
    /// ordered); a reshipment keeps the day of the shipment it completes.
    ordered: u32,
    /// Day these units left (a reshipment leaves later than its order).
    left: u32,
    /// The supplier's count of down days already accounted for (frozen transit).
    down_mark: u32,
    units: i64,
    /// Whether this is the reshipment of a short delivery (never short again).
    reshipped: bool,
}

/// The end of a backordered line's patience.
#[derive(Debug, Clone, Copy)]
struct Deadline {
    pair: u32,
    class: u32,
    id: u64,
}

/// Costs incurred on one day, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CostBreakdown {
    /// Holding cost of the end-of-day on-hand.
    pub holding: f64,
    /// Penalty on end-of-day backorders.
    pub backorder: f64,
    /// Penalty on units lost that day (walk-aways and cancellations).
    pub lost_sales: f64,
    /// Fixed costs of orders placed that day.
    pub ordering: f64,
    /// Purchase cost of units ordered that day (and shipping cost on internal lanes).
    pub purchase: f64,
    /// Holding cost of the units in transit at the end of the day.
    pub pipeline: f64,
}

impl CostBreakdown {
    /// Sum of every kind.
    pub fn total(&self) -> f64 {
        self.holding + self.backorder + self.lost_sales + self.ordering + self.purchase + self.pipeline
    }
}

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

/// The mutable state of one pair.
#[derive(Debug, Clone, Default)]
struct PairState {
    on_hand: i64,
    /// Units ordered and not yet received (in transit, or waiting at an upstream location).
    on_order: i64,
    /// Units backordered by customers.
    backorders: i64,
    /// Units downstream locations ordered and are waiting for here.
    owed: i64,
    /// Units this pair ordered from upstream locations that have not left them yet (the rest of
    /// its on-order is in transit).
    awaiting: i64,
    backlog: Backlog,
    next_review: u32,
    levels: Levels,
    next_recompute: u32,
    today_demand: i64,
    disrupted: bool,
    cycle_start: u32,
    cycle_stockout: bool,
    counters: Counters,
    ledger: Ledger,
    waits: WaitHistogram,
}

impl PairState {
    /// The inventory position: on hand + on order − backorders − units owed downstream.
    #[inline]
    fn position(&self) -> i64 {
        self.on_hand + self.on_order - self.backorders - self.owed
    }

    /// Units shipped to the pair and not yet received.
    #[inline]
    fn in_transit(&self) -> i64 {
        self.on_order - self.awaiting
    }

    /// Whether someone (a customer or a downstream location) waits for stock here.
    #[inline]
    fn anyone_waits(&self) -> bool {
        self.backorders + self.owed > 0
    }
}

/// Adds the measured days shipment `r` spent in transit until `day` (exclusive) to the
/// in-transit unit-days of its pair and lane: it is in transit at the end of every day from the
/// one it left to the one before it arrives.
#[inline]
fn count_transit(pairs: &mut [PairState], lanes: &mut [LaneCounters], model: &Model, r: &Receipt, day: u32) {
    let days = day.min(model.horizon).saturating_sub(r.left.max(model.warmup));
    if days > 0 {
        let unit_days = r.units as u64 * days as u64;
        pairs[r.pair as usize].counters.in_transit_unit_days += unit_days;
        lanes[r.lane as usize].in_transit_unit_days += unit_days;
    }
}

/// A shipment to send from a pair's backlog to a downstream pair.
#[derive(Debug, Clone, Copy)]
struct Shipment {
    pair: u32,
    source: u32,
    units: i64,
    /// Day the downstream pair ordered it.
    ordered: u32,
}

/// The state of one demand stream: its running spike, its customers' loyalty, its counts.
#[derive(Debug, Clone, Copy)]
struct StreamState {
    spike_left: u32,
    loyalty: f64,
    counters: SegmentCounters,
}

impl StreamState {
    const FRESH: StreamState = StreamState { spike_left: 0, loyalty: 1.0, counters: SegmentCounters::ZERO };
}

/// Today's state of one supplier.
#[derive(Debug, Clone, Copy, Default)]
struct SupplierState {
    /// State of the random up/down chain.
    up: bool,
    /// Down today (random or scheduled).
    down: bool,
    /// Days down so far (drives frozen transit).
    down_days: u32,
}

/// Random streams of one replication.
#[derive(Debug, Clone, Default)]
struct Streams {
    demand: Vec<Stream>,
    choice: Vec<Stream>,
    patience: Vec<Stream>,
    spikes: Vec<Stream>,
    lead: Vec<Stream>,
    delay: Vec<Stream>,
    yields: Vec<Stream>,
    outage: Vec<Stream>,
}

impl Streams {
    fn reset(&mut self, model: &Model, seed: u64, replication: u64) {
        let fill = |v: &mut Vec<Stream>, purpose, n: usize| {
            v.clear();
            v.extend((0..n).map(|e| Stream::new(seed, replication, purpose, e as u64)));
        };
        let (d, l, s) = (model.demands.len(), model.lanes.len(), model.suppliers.len());
        fill(&mut self.demand, Purpose::Demand, d);
        fill(&mut self.choice, Purpose::CustomerChoice, d);
        fill(&mut self.patience, Purpose::Patience, d);
        fill(&mut self.spikes, Purpose::Spike, d);
        fill(&mut self.lead, Purpose::LeadTime, l);
        fill(&mut self.delay, Purpose::Delay, l);
        fill(&mut self.yields, Purpose::Yield, l);
        fill(&mut self.outage, Purpose::Outage, s);
    }
}

/// Everything one replication mutates, allocated once and reused across replications.
#[derive(Debug, Clone)]
pub struct Workspace {
    policy: usize,
    pairs: Vec<PairState>,
    /// Forecasters by policy and pair (`None` where the rule does not forecast).
    forecasters: Vec<Vec<Option<Forecaster>>>,
    demand_states: Vec<StreamState>,
    suppliers: Vec<SupplierState>,
    supplier_days: Vec<SupplierDays>,
    lanes: Vec<LaneCounters>,
    /// What each lane can ship today (0 while its supplier is down and takes nothing).
    lane_capacity: Vec<i64>,
    /// What each lane can still ship today.
    capacity_left: Vec<i64>,
    calendar: Calendar<Receipt>,
    deadlines: Calendar<Deadline>,
    parts: Vec<i64>,
    shipments: Vec<Shipment>,
    /// Units due per pair and day (a ring the size of the calendar), for promised dates.
    pipeline: Vec<i64>,
    ring: usize,
    days: Vec<DayRecord>,
    /// End-of-day backorders (customers' and downstream locations') by day and location (empty
    /// with a single location).
    location_backorders: Vec<i64>,
    streams: Streams,
    total: Counters,
    total_waits: WaitHistogram,
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
                backlog: Backlog::new(pair.classes.clone(), model.calendar_span() as usize + 8),
                waits: WaitHistogram::with_max(max_wait),
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
        Workspace {
            policy: 0,
            pairs,
            forecasters,
            demand_states: vec![StreamState::FRESH; model.demands.len()],
            suppliers: vec![SupplierState::default(); model.suppliers.len()],
            supplier_days: vec![SupplierDays::default(); model.suppliers.len()],
            lanes: vec![LaneCounters::default(); model.lanes.len()],
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
        }
    }

    /// Runs replication `replication` of policy `policy` with master seed `seed`. The result is
    /// a pure function of `(model, policy, seed, replication)`.
    pub fn run(&mut self, model: &Model, policy: usize, seed: u64, replication: u64) {
        self.reset(model, policy, seed, replication);
        if model.lean(policy) {
            self.days_of::<false>(model);
        } else {
            self.days_of::<true>(model);
        }
        self.finish(model);
    }

    /// Runs every day of the replication. `FULL` says whether the optional mechanisms of
    /// [`Model::lean`] may be in use: with `FULL = false` the compiler leaves their code out of
    /// the day loop, which is otherwise the same code.
    fn days_of<const FULL: bool>(&mut self, model: &Model) {
        let controls = &model.policies[self.policy].controls;
        // Each day's record is written in place (taken out of `self` while the days run).
        let mut days = std::mem::take(&mut self.days);
        for (day, rec) in (0..model.horizon).zip(&mut days) {
            *rec = DayRecord::default();
            if FULL && model.has_outages {
                self.suppliers(model, day, rec);
            }
            self.receive::<FULL>(model, day);
            if FULL && model.late_shipments {
                self.roll_overdue(day);
            }
            self.demand::<FULL>(model, controls, day, rec);
            if FULL && model.has_patience {
                self.cancel(model, day, rec);
            }
            self.review::<FULL>(model, controls, day, rec);
            if FULL && model.same_day_receipts {
                self.receive::<FULL>(model, day);
            }
            self.account::<FULL>(model, day, rec);
        }
        self.days = days;
    }

    fn reset(&mut self, model: &Model, policy: usize, seed: u64, replication: u64) {
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
            state.next_review = control.rule.review_offset;
            state.levels = control.initial_levels;
            state.next_recompute = 0;
            state.today_demand = 0;
            state.disrupted = false;
            state.cycle_start = u32::MAX;
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
        for (cap, lane) in self.lane_capacity.iter_mut().zip(&model.lanes) {
            *cap = lane.capacity_per_day;
        }
        self.calendar.clear();
        self.deadlines.clear();
        self.pipeline.iter_mut().for_each(|x| *x = 0);
        self.streams.reset(model, seed, replication);
    }

    /// Index of `(pair, day)` in the pipeline ring (its size is a power of two).
    #[inline]
    fn slot(&self, pair: usize, day: u32) -> usize {
        pair * self.ring + (day as usize & (self.ring - 1))
    }

    /// Books `units` leaving for pair `pi` on `day` in the pipeline on their confirmed day,
    /// `day + confirmed`; a shipment confirmed for today but delayed is overdue at once, so it
    /// is expected tomorrow (today's overdue units were already rolled over).
    #[inline]
    fn book(&mut self, pi: usize, day: u32, confirmed: u32, delay: u32, units: i64) {
        let due = if confirmed == 0 && delay > 0 { day + 1 } else { day + confirmed };
        let slot = self.slot(pi, due);
        self.pipeline[slot] += units;
    }

    /// End of step 1 when shipments can be late: what was expected today and has not arrived is
    /// expected tomorrow.
    fn roll_overdue(&mut self, day: u32) {
        for pi in 0..self.pairs.len() {
            let (today, tomorrow) = (self.slot(pi, day), self.slot(pi, day + 1));
            let overdue = std::mem::take(&mut self.pipeline[today]);
            self.pipeline[tomorrow] += overdue;
        }
    }

    /// Step 0: which suppliers are down today, and what their lanes can take.
    fn suppliers(&mut self, model: &Model, day: u32, rec: &mut DayRecord) {
        let measured = day >= model.warmup;
        for (s, (sup, state)) in model.suppliers.iter().zip(&mut self.suppliers).enumerate() {
            let Some(o) = &sup.outages else { continue };
            if let Some((fail, recover)) = o.markov {
                let u = self.streams.outage[s].uniform_at(day as u64);
                state.up = if day == 0 {
                    u < o.stationary_up()
                } else if state.up {
                    u >= fail
                } else {
                    u < recover
                };
            } else {
                state.up = true;
            }
            state.down = !state.up || o.windows.iter().any(|w| w.contains(day));
            if state.down {
                state.down_days += 1;
                rec.suppliers_down += 1;
            }
            if measured {
                let days = &mut self.supplier_days[s];
                days.up += u64::from(!state.down);
                days.down += u64::from(state.down);
            }
        }
        for (l, lane) in model.lanes.iter().enumerate() {
            let Some(from) = lane.supplier() else { continue };
            let remaining = model.suppliers[from].outages.as_ref().map_or(0.0, |o| o.remaining_capacity);
            self.lane_capacity[l] = if self.suppliers[from].down {
                (remaining * lane.capacity_per_day as f64).floor() as i64
            } else {
                lane.capacity_per_day
            };
        }
        for (p, pair) in self.pairs.iter_mut().zip(&model.pairs) {
            p.disrupted = pair
                .sources
                .iter()
                .any(|src| model.lanes[src.lane].supplier().is_some_and(|s| self.suppliers[s].down));
        }
    }

    /// Steps 1 and 5: receives the shipments due today and fills backorders, until nothing more
    /// is due today (a location may ship on a lane with lead time 0 what it just received).
    #[inline(always)]
    fn receive<const FULL: bool>(&mut self, model: &Model, day: u32) {
        loop {
            let batch = self.calendar.due(day);
            if batch == 0 {
                break;
            }
            for _ in 0..batch {
                let r = self.calendar.take();
                self.receive_one::<FULL>(model, day, r);
            }
            // A fair-share pair shares what it received among its waiting lines once the batch
            // is in, so that the shares do not depend on how the stock arrived.
            let fair_share: &[usize] = if FULL { &model.fair_share_pairs } else { &[] };
            for &pi in fair_share {
                if self.pairs[pi].on_hand > 0 && self.pairs[pi].anyone_waits() {
                    self.fill_backlog(model, pi, day);
                }
            }
            if !(FULL && model.same_day_transfers) {
                break;
            }
        }
    }

    /// One shipment arrives (or, frozen by a supplier outage, is put off).
    #[inline(always)]
    fn receive_one<const FULL: bool>(&mut self, model: &Model, day: u32, r: Receipt) {
        let lane = &model.lanes[r.lane as usize];
        let here = self.slot(r.pair as usize, day);
        self.pipeline[here] -= r.units;
        let supplier = lane.supplier().map(|s| (s, if FULL { self.suppliers[s].down_days } else { 0 }));
        // Frozen transit: every day the supplier was down since the mark delays arrival; the
        // shipment stays in the pipeline, overdue.
        if FULL
            && let Some((s, down_days)) = supplier
            && down_days > r.down_mark
            && model.suppliers[s].outages.as_ref().is_some_and(|o| o.freeze_in_transit)
        {
            // Overdue: expected tomorrow.
            let tomorrow = self.slot(r.pair as usize, day + 1);
            self.pipeline[tomorrow] += r.units;
            let later = Receipt { down_mark: down_days, ..r };
            let extra = (down_days - r.down_mark).min(self.calendar.span());
            self.calendar.schedule(day, day + extra, later);
            return;
        }
        let (pi, l) = (r.pair as usize, r.lane as usize);
        count_transit(&mut self.pairs, &mut self.lanes, model, &r, day);
        let mut delivered = r.units;
        if FULL && let (Some(y), false) = (&lane.yield_, r.reshipped) {
            let draws = self.streams.yields[l].substream(r.ordered as u64);
            let u = draws.uniform_at(2 * r.pair as u64);
            delivered = y.delivered(r.units, u, draws.uniform_at(2 * r.pair as u64 + 1));
            let short = r.units - delivered;
            if short > 0 {
                if r.ordered >= model.warmup {
                    self.lanes[l].short_units += short as u64;
                }
                if y.reship {
                    let (confirmed, delay) =
                        lane.lead_time(&self.streams.lead[l], &self.streams.delay[l], day);
                    let down_mark = supplier.map_or(0, |s| s.1);
                    let again = Receipt { units: short, reshipped: true, down_mark, left: day, ..r };
                    self.book(pi, day, confirmed, delay, short);
                    self.calendar.schedule(day, day + confirmed + delay, again);
                } else {
                    self.pairs[pi].on_order -= short;
                    self.pairs[pi].ledger.short_cancelled += short;
                }
            }
        }
        let p = &mut self.pairs[pi];
        p.on_hand += delivered;
        p.on_order -= delivered;
        p.ledger.received += delivered;
        if FULL && supplier.is_none() {
            p.ledger.received_internal += delivered;
        }
        if r.ordered >= model.warmup {
            let counts = &mut self.lanes[l];
            counts.units_received += delivered as u64;
            if !r.reshipped {
                let lead = day - r.ordered;
                counts.orders_received += 1;
                counts.lead_days += lead as u64;
                counts.on_time += u64::from(lead <= lane.quoted_lead_time);
            }
        }
        // A fair-share pair allocates once the whole batch is in (see `receive`).
        if p.anyone_waits() && !(FULL && model.pairs[pi].fair_share) {
            self.fill_backlog(model, pi, day);
        }
    }

    /// Ships on-hand stock of pair `pi` to its waiting lines (customers' and downstream
    /// locations') by its allocation rule.
    #[inline]
    fn fill_backlog(&mut self, model: &Model, pi: usize, day: u32) {
        let warmup = model.warmup;
        let Workspace { pairs, demand_states, shipments, .. } = self;
        let p = &mut pairs[pi];
        let PairState { backlog, counters, waits, .. } = p;
        let mut to_customers = 0;
        let ship = |line: &Line, take: i64| {
            let stream = match line.by {
                Orderer::Customer { stream } => stream as usize,
                Orderer::Location { pair, source } => {
                    shipments.push(Shipment { pair, source, units: take, ordered: line.day });
                    return;
                }
            };
            to_customers += take;
            if line.day >= warmup {
                let wait = day - line.day;
                waits.record(wait, take as u64);
                let stream = &mut demand_states[stream].counters;
                stream.late_units += take as u64;
                stream.wait_unit_days += take as u64 * wait as u64;
                if line.units == 0 {
                    counters.lines_completed += 1;
                    counters.lines_on_time += u64::from(day <= line.promise);
                    counters.lateness_days += day.saturating_sub(line.promise) as u64;
                }
            }
        };
        let shipped = if model.pairs[pi].fair_share {
            backlog.fill_fair_share(p.on_hand, ship)
        } else {
            backlog.fill(p.on_hand, ship)
        };
        let downstream = shipped - to_customers;
        p.on_hand -= shipped;
        p.backorders -= to_customers;
        p.owed -= downstream;
        p.ledger.shipped += to_customers;
        p.ledger.filled_late += to_customers;
        p.ledger.shipped_internal += downstream;
        for k in 0..self.shipments.len() {
            let s = self.shipments[k];
            self.pairs[s.pair as usize].awaiting -= s.units;
            let lane = model.pairs[s.pair as usize].sources[s.source as usize].lane;
            self.ship::<true>(model, s.pair as usize, lane, s.units, s.ordered, day);
        }
        self.shipments.clear();
    }

    /// Sends `units` to pair `pi` on lane `l`, leaving on `day` (ordered on `ordered`): the
    /// lane's lead time for the day decides when they arrive.
    #[inline(always)]
    fn ship<const FULL: bool>(
        &mut self,
        model: &Model,
        pi: usize,
        l: usize,
        units: i64,
        ordered: u32,
        day: u32,
    ) {
        let lane = &model.lanes[l];
        let (confirmed, delay) = lane.lead_time(&self.streams.lead[l], &self.streams.delay[l], day);
        // Delays are late shipments, which only the full loop has.
        let delay = if FULL { delay } else { 0 };
        let down_mark = if FULL { lane.supplier().map_or(0, |s| self.suppliers[s].down_days) } else { 0 };
        let receipt = Receipt {
            pair: pi as u32,
            lane: l as u32,
            ordered: day,
            left: day,
            down_mark,
            units,
            reshipped: false,
        };
        self.book(pi, day, confirmed, delay, units);
        self.calendar.schedule(day, day + confirmed + delay, receipt);
        if FULL && ordered >= model.warmup && lane.supplier().is_none() {
            let counts = &mut self.lanes[l];
            counts.units_shipped += units as u64;
            counts.delay_unit_days += units as u64 * (day - ordered) as u64;
            if day == ordered {
                counts.shipped_on_order_day += units as u64;
            }
        }
    }

    /// An order of pair `pi` on its source `src`, which is the upstream pair `up`: it joins the
    /// lines waiting there, and `up` allocates its stock among them at its turn in step 4, later
    /// the same day.
    fn internal_order(&mut self, model: &Model, pi: usize, src: usize, up: usize, units: i64, day: u32) {
        let u = &mut self.pairs[up];
        u.today_demand += units;
        u.owed += units;
        // Not everyone waiting can be served from what is on hand: a stockout for this cycle.
        if u.owed + u.backorders > u.on_hand {
            u.cycle_stockout = true;
        }
        let line = NewLine {
            day,
            deadline: u32::MAX,
            promise: day,
            by: Orderer::Location { pair: pi as u32, source: src as u32 },
            units,
            partial: true,
        };
        u.backlog.push(model.pairs[pi].sources[src].class, line);
        self.pairs[pi].awaiting += units;
    }

    /// Step 2: the day's customer demand.
    fn demand<const FULL: bool>(
        &mut self,
        model: &Model,
        controls: &[Control],
        day: u32,
        rec: &mut DayRecord,
    ) {
        let measured = day >= model.warmup;
        for (d, stream) in model.demands.iter().enumerate() {
            let segment = &model.segments[stream.segment];
            let state = &mut self.demand_states[d];
            let shock = if !FULL || stream.shocks.is_none() {
                1.0
            } else {
                stream.shocks.multiplier(day, &mut state.spike_left, &self.streams.spikes[d])
            };
            let u = self.streams.demand[d].draw_at(day as u64);
            let draw = |extra: f64| stream.sampler.sample_with(day, u, extra).min(MAX_UNITS as u64) as i64;
            let units = draw(shock * state.loyalty);
            let churned = if FULL && state.loyalty < 1.0 { (draw(shock) - units).max(0) } else { 0 };
            let pi = stream.pair;
            let p = &mut self.pairs[pi];
            p.today_demand += units;
            p.ledger.demanded += units;
            rec.demand += units;
            let line = segment.line_size as i64;
            let lines = if line == 1 { units } else { (units + line - 1) / line };
            if measured {
                let c = &mut p.counters;
                c.demand_lines += lines as u64;
                if FULL && p.disrupted {
                    c.demand_disrupted += units as u64;
                }
                state.counters.demand_units += units as u64;
                state.counters.churn_units += churned as u64;
            }
            // First come, first served: stock goes to demand only when nobody waits ahead.
            let available = if p.anyone_waits() { 0 } else { p.on_hand };
            if units <= available {
                self.fill_from_stock::<FULL>(d, pi, units, measured, rec);
                continue;
            }
            // Short: serve line by line.
            self.pairs[pi].cycle_stockout = true;
            let mut left = available;
            let mut filled = 0;
            for k in 0..lines {
                let line_units = (units - k * line).min(line);
                let take = if segment.partial_fill || line_units <= left { line_units.min(left) } else { 0 };
                // Once a line is short, no later line overtakes it.
                left = if take < line_units { 0 } else { left - take };
                filled += take;
                let short = line_units - take;
                if short > 0 {
                    self.short_line(model, controls, d, k as u64, day, short, rec);
                }
            }
            self.fill_from_stock::<FULL>(d, pi, filled, measured, rec);
        }
    }

    /// Units of a day's demand filled from stock on arrival.
    #[inline(always)]
    fn fill_from_stock<const FULL: bool>(
        &mut self,
        d: usize,
        pi: usize,
        units: i64,
        measured: bool,
        rec: &mut DayRecord,
    ) {
        let p = &mut self.pairs[pi];
        p.on_hand -= units;
        p.ledger.filled_on_arrival += units;
        p.ledger.shipped += units;
        rec.filled += units;
        if measured {
            self.demand_states[d].counters.filled_units += units as u64;
            if FULL && p.disrupted {
                p.counters.filled_disrupted += units as u64;
            }
        }
    }

    /// A line (number `k` of stream `d` today) that stock could not fill: backordered or lost.
    /// Kept out of line so that its set-up is not paid on the days nothing is short.
    #[allow(clippy::too_many_arguments)]
    #[cold]
    #[inline(never)]
    fn short_line(
        &mut self,
        model: &Model,
        controls: &[Control],
        d: usize,
        k: u64,
        day: u32,
        short: i64,
        rec: &mut DayRecord,
    ) {
        let stream = &model.demands[d];
        let segment = &model.segments[stream.segment];
        let pi = stream.pair;
        let measured = day >= model.warmup;
        // One uniform per short line from the (stream, day) sub-stream: the same customer makes
        // the same choice under every policy.
        let waits = segment.backorder_probability >= 1.0
            || (segment.backorder_probability > 0.0
                && self.streams.choice[d].substream(day as u64).uniform_at(k)
                    < segment.backorder_probability);
        if !waits {
            let p = &mut self.pairs[pi];
            p.ledger.lost += short;
            rec.lost += short;
            rec.costs.lost_sales += short as f64 * model.pairs[pi].costs.lost_sale;
            if measured {
                self.demand_states[d].counters.walkaway_units += short as u64;
                if p.disrupted {
                    p.counters.lost_disrupted_units += short as u64;
                }
            }
            return;
        }
        let deadline = match &segment.patience {
            Some(patience) => {
                day + patience.sample(self.streams.patience[d].substream(day as u64).draw_at(k)) as u32
            }
            None => u32::MAX,
        };
        let need = self.pairs[pi].backorders + self.pairs[pi].owed + short;
        let due = |d: u32| self.pipeline[self.slot(pi, d)];
        let promise = promise_day(day, need, self.calendar.span(), due, controls[pi].promise_days);
        let p = &mut self.pairs[pi];
        let id = p.backlog.push(
            stream.class,
            NewLine {
                day,
                deadline,
                promise,
                by: Orderer::Customer { stream: d as u32 },
                units: short,
                partial: segment.partial_fill,
            },
        );
        p.backorders += short;
        if measured {
            p.counters.backordered_lines += 1;
            self.demand_states[d].counters.backordered_units += short as u64;
        }
        if deadline != u32::MAX {
            self.deadlines.schedule(
                day,
                deadline,
                Deadline { pair: pi as u32, class: stream.class as u32, id },
            );
        }
        if let Some(churn) = &segment.churn {
            let state = &mut self.demand_states[d];
            state.loyalty = churn.after_bad_experience(state.loyalty);
        }
    }

    /// At a pair's turn in step 4, its forecaster observes the day's demand: its customers'
    /// and the orders of the pairs it supplies, which are all in by then (so that the review of
    /// day `t` forecasts days `t + 1, t + 2, …`).
    fn observe_demand(&mut self, pi: usize, measured: bool) {
        if let Some(f) = &mut self.forecasters[self.policy][pi] {
            let p = &mut self.pairs[pi];
            let error = f.observe(p.today_demand as f64);
            if measured {
                p.counters.forecast.record(error, p.today_demand as f64);
            }
        }
    }

    /// Step 3: backordered lines whose patience ends today are cancelled.
    fn cancel(&mut self, model: &Model, day: u32, rec: &mut DayRecord) {
        let measured = day >= model.warmup;
        while self.deadlines.due(day) > 0 {
            let e = self.deadlines.take();
            let p = &mut self.pairs[e.pair as usize];
            let Some(line) = p.backlog.get_mut(e.class as usize, e.id) else { continue };
            let Orderer::Customer { stream } = line.by else { continue };
            if line.units == 0 {
                continue;
            }
            let (units, stream, demanded) = (line.units, stream as usize, line.day);
            line.units = 0;
            p.backorders -= units;
            p.ledger.cancelled += units;
            rec.lost += units;
            rec.costs.lost_sales += units as f64 * model.pairs[e.pair as usize].costs.lost_sale;
            if measured && demanded >= model.warmup {
                self.demand_states[stream].counters.cancelled_units += units as u64;
                p.counters.cancelled_lines += 1;
                if p.disrupted {
                    p.counters.lost_disrupted_units += units as u64;
                }
            }
            if let Some(churn) = &model.segments[model.demands[stream].segment].churn {
                let state = &mut self.demand_states[stream];
                state.loyalty = churn.after_bad_experience(state.loyalty);
            }
        }
        for p in self.pairs.iter_mut() {
            p.backlog.tidy();
        }
    }

    /// Step 4: reviews and replenishment orders, downstream pairs first.
    fn review<const FULL: bool>(
        &mut self,
        model: &Model,
        controls: &[Control],
        day: u32,
        rec: &mut DayRecord,
    ) {
        let measured = day >= model.warmup;
        for &l in &model.limited_lanes {
            self.capacity_left[l] = self.lane_capacity[l];
        }
        let forecasts = FULL && model.policies[self.policy].forecasts;
        for &pi in &model.review_order {
            // Every pair this one supplies has had its turn: today's orders are all in, and the
            // stock on hand is allocated among every line waiting for it.
            if self.pairs[pi].anyone_waits() && self.pairs[pi].on_hand > 0 {
                self.fill_backlog(model, pi, day);
            }
            if forecasts {
                self.observe_demand(pi, measured);
            }
            let control = &controls[pi];
            if day != self.pairs[pi].next_review {
                continue;
            }
            let echelon: i64 = match control.rule.kind {
                RuleKind::EchelonBaseStock { .. } if FULL => {
                    model.pairs[pi].downstream.iter().map(|&q| self.pairs[q].position()).sum()
                }
                _ => 0,
            };
            let p = &mut self.pairs[pi];
            p.next_review += control.rule.review_period;
            // A cycle runs from the day after one review to the next review; the days before the
            // first review are not a cycle.
            if measured && p.cycle_start != u32::MAX && p.cycle_start >= model.warmup {
                p.counters.cycles += 1;
                p.counters.cycles_without_stockout += u64::from(!p.cycle_stockout);
            }
            p.cycle_start = day + 1;
            p.cycle_stockout = false;
            if forecasts
                && let RuleKind::Forecast(rule) = &control.rule.kind
                && day >= p.next_recompute
            {
                let forecaster = self.forecasters[self.policy][pi].as_ref().expect("forecast rules have one");
                p.levels = forecast_levels(rule, forecaster, &control.planning);
                p.next_recompute = day + rule.recompute_every;
            }
            let wanted = control.rule.order_quantity(p.position() + echelon, &p.levels);
            if wanted <= 0 {
                continue;
            }
            let sources = &model.pairs[pi].sources;
            let mut placements = Placements::new(&control.sourcing, wanted, &mut self.parts);
            while let Some((src, units)) = placements.next(
                &control.sourcing,
                sources,
                &model.lanes,
                &mut self.capacity_left,
                &self.parts,
            ) {
                self.order::<FULL>(model, pi, src, units, day, rec);
            }
        }
    }

    /// Pair `pi` orders `units` through its source `src`: costs and counts, then the shipment
    /// (external supplier) or the order on the upstream location.
    fn order<const FULL: bool>(
        &mut self,
        model: &Model,
        pi: usize,
        src: usize,
        units: i64,
        day: u32,
        rec: &mut DayRecord,
    ) {
        let source = &model.pairs[pi].sources[src];
        let p = &mut self.pairs[pi];
        p.on_order += units;
        p.ledger.ordered += units;
        let purchase = units as f64 * source.unit_cost;
        rec.costs.ordering += source.order_cost;
        rec.costs.purchase += purchase;
        if day >= model.warmup {
            let c = &mut p.counters;
            c.orders += 1;
            c.units_ordered += units as u64;
            c.ordering_cost += source.order_cost;
            c.purchase_cost += purchase;
            let l = &mut self.lanes[source.lane];
            l.orders += 1;
            l.units_ordered += units as u64;
            l.spend += purchase + source.order_cost;
        }
        match source.upstream {
            Some(up) if FULL => self.internal_order(model, pi, src, up, units, day),
            _ => self.ship::<FULL>(model, pi, source.lane, units, day, day),
        }
    }

    /// Step 6: end-of-day stock, backorders and their costs; loyalty recovers.
    fn account<const FULL: bool>(&mut self, model: &Model, day: u32, rec: &mut DayRecord) {
        let measured = day >= model.warmup;
        if FULL && model.has_churn {
            for (state, stream) in self.demand_states.iter_mut().zip(&model.demands) {
                if let Some(churn) = &model.segments[stream.segment].churn {
                    state.loyalty = churn.after_day(state.loyalty);
                }
            }
        }
        if FULL && !self.location_backorders.is_empty() {
            let n = model.locations.len();
            let by_location = &mut self.location_backorders[day as usize * n..(day as usize + 1) * n];
            by_location.iter_mut().for_each(|x| *x = 0);
            for (p, pair) in self.pairs.iter().zip(&model.pairs) {
                by_location[pair.location] += p.backorders + p.owed;
            }
        }
        for (p, pair) in self.pairs.iter_mut().zip(&model.pairs) {
            debug_assert!(p.on_hand >= 0 && p.backorders >= 0 && p.owed >= 0 && p.in_transit() >= 0);
            p.today_demand = 0;
            rec.on_hand += p.on_hand;
            rec.backorders += p.backorders;
            rec.costs.holding += p.on_hand as f64 * pair.costs.holding;
            rec.costs.backorder += p.backorders as f64 * pair.costs.backorder;
            if FULL && pair.costs.in_transit > 0.0 {
                rec.costs.pipeline += p.in_transit() as f64 * pair.costs.in_transit;
            }
            if measured {
                let c = &mut p.counters;
                c.on_hand_unit_days += p.on_hand as u64;
                c.backorder_unit_days += p.backorders as u64;
                c.owed_unit_days += p.owed as u64;
                c.max_backorders = c.max_backorders.max(p.backorders as u64);
                c.ready_days += u64::from(p.backorders + p.owed == 0);
            }
        }
        if FULL && measured && model.has_network {
            // The echelon of a pair adds the stock below it and what is in transit to it.
            for (pi, pair) in model.pairs.iter().enumerate().filter(|(_, p)| !p.downstream.is_empty()) {
                let below: i64 = pair
                    .downstream
                    .iter()
                    .map(|&q| self.pairs[q].on_hand - self.pairs[q].backorders + self.pairs[q].in_transit())
                    .sum();
                self.pairs[pi].counters.echelon_unit_days += below;
            }
        }
    }

    /// Closes the replication: costs from unit-days, ledgers, totals.
    fn finish(&mut self, model: &Model) {
        self.total = Counters::default();
        self.total_waits.clear();
        // Units in transit are counted from the shipments still in the calendar, independently
        // of the on-order bookkeeping, so the pipeline identity can catch a lost shipment.
        let Workspace { calendar, pairs, lanes, .. } = self;
        for r in calendar.iter() {
            let ledger = &mut pairs[r.pair as usize].ledger;
            ledger.in_transit += r.units;
            if model.lanes[r.lane as usize].supplier().is_none() {
                ledger.in_transit_internal += r.units;
            }
            count_transit(pairs, lanes, model, r, model.horizon);
        }
        // Likewise the units still waiting at upstream locations, from their backlogs.
        for up in 0..self.pairs.len() {
            for k in 0..model.pairs[up].children.len() {
                let child = model.pairs[up].children[k];
                let waiting: i64 = self.pairs[up]
                    .backlog
                    .lines()
                    .filter(|l| matches!(l.by, Orderer::Location { pair, .. } if pair as usize == child))
                    .map(|l| l.units)
                    .sum();
                self.pairs[child].ledger.awaiting_upstream += waiting;
            }
        }
        for (p, pair) in self.pairs.iter_mut().zip(&model.pairs) {
            let c = &mut p.counters;
            for &d in &pair.demands {
                c.add_stream(&self.demand_states[d].counters);
            }
            c.holding_cost = c.on_hand_unit_days as f64 * pair.costs.holding;
            c.backorder_cost = c.backorder_unit_days as f64 * pair.costs.backorder;
            c.lost_cost = (c.walkaway_units + c.cancelled_units) as f64 * pair.costs.lost_sale;
            c.pipeline_cost = c.in_transit_unit_days as f64 * pair.costs.in_transit;
            c.echelon_unit_days += c.on_hand_unit_days as i64 - c.backorder_unit_days as i64;
            c.days = model.measured_days() as u64;
            p.ledger.final_on_hand = p.on_hand;
            p.ledger.open_backorders = p.backorders;
            debug_assert_eq!(p.ledger.in_transit, p.on_order - p.awaiting, "in transit to {}", pair.name);
            debug_assert_eq!(
                p.ledger.in_transit + p.ledger.awaiting_upstream,
                p.on_order,
                "on order at {}",
                pair.name
            );
            debug_assert_eq!(p.ledger.check(), Ok(()), "conservation broken at {}", pair.name);
            self.total.add(c);
            if pair.demands.is_empty() {
                // The total's service levels are the customers': a pair that only supplies other
                // locations keeps its cycles and ready days to itself.
                let t = &mut self.total;
                t.cycles -= c.cycles;
                t.cycles_without_stockout -= c.cycles_without_stockout;
                t.ready_days -= c.ready_days;
                t.days -= c.days;
            }
            self.total_waits.add(&p.waits);
        }
        debug_assert_eq!(crate::metrics::check_network(self.ledgers()), Ok(()));
        // The network's echelon inventory: stock everywhere, less customer backorders, plus what
        // is in transit to the pairs that another location supplies.
        self.total.echelon_unit_days = self
            .pairs
            .iter()
            .zip(&model.pairs)
            .map(|(p, pair)| {
                let c = &p.counters;
                let internal = if pair.internally_supplied { c.in_transit_unit_days as i64 } else { 0 };
                c.on_hand_unit_days as i64 - c.backorder_unit_days as i64 + internal
            })
            .sum();
        let measured = &self.days[model.warmup as usize..];
        self.total.max_backorders = measured.iter().map(|d| d.backorders.max(0) as u64).max().unwrap_or(0);
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
mod tests {
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

    /// Everything a replication reports, as text.
    fn outcome(ws: &Workspace) -> String {
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
}
