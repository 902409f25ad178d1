//! The engine: one replication of one policy, day by day. No I/O, no threads.
//!
//! The order of work inside day `t` is fixed (see `docs/model.md`):
//!
//! 1. **Receipts.** Shipments due on day `t` are added to on-hand; each pair that received
//!    stock fills its backorders first-come-first-served.
//! 2. **Demand.** Each demand stream draws the day's units. Stock fills them if no backorder is
//!    waiting ahead of them; the rest is backordered or lost by the segment's rule.
//! 3. **Review.** Pairs whose review falls on `t` compute the inventory position
//!    (on hand + on order − backorders) and order; a shipment with lead time `L` is due at the
//!    start of day `t + L`.
//! 4. **Same-day receipts.** Orders with `L = 0` arrive now and fill backorders.
//! 5. **Accounting.** End-of-day on-hand and backorders are recorded and costed.
//!
//! So an order placed at the review of day `t` with lead time `L ≥ 1` can fill demand from day
//! `t + L` on, and exposes the pair to `L` days of demand; `L = 0` clears backorders the same
//! evening and, for demand, behaves like `L = 1`.

use std::collections::VecDeque;

use crate::calendar::Calendar;
use crate::forecast::Forecaster;
use crate::metrics::{Counters, LaneCounters, Ledger, WaitHistogram};
use crate::model::{Control, Model};
use crate::policy::{Levels, RuleKind, forecast_levels};
use crate::rng::{Purpose, Stream};
use crate::supply::place_order;

/// A shipment on its way to a pair.
#[derive(Debug, Clone, Copy)]
struct Receipt {
    pair: u32,
    lane: u32,
    ordered: u32,
    units: i64,
}

/// Backordered units from one demand stream on one day, waiting in arrival order.
#[derive(Debug, Clone, Copy)]
struct Backorder {
    day: u32,
    units: i64,
}

/// Costs incurred on one day, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CostBreakdown {
    /// Holding cost of the end-of-day on-hand.
    pub holding: f64,
    /// Penalty on end-of-day backorders.
    pub backorder: f64,
    /// Penalty on units lost that day.
    pub lost_sales: f64,
    /// Fixed costs of orders placed that day.
    pub ordering: f64,
    /// Purchase cost of units ordered that day.
    pub purchase: f64,
}

impl CostBreakdown {
    /// Sum of every kind.
    pub fn total(&self) -> f64 {
        self.holding + self.backorder + self.lost_sales + self.ordering + self.purchase
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
    /// Units lost.
    pub lost: i64,
    /// Costs of the day.
    pub costs: CostBreakdown,
}

/// The mutable state of one pair.
#[derive(Debug, Clone, Default)]
struct PairState {
    on_hand: i64,
    on_order: i64,
    backorders: i64,
    backlog: VecDeque<Backorder>,
    next_review: u32,
    levels: Levels,
    next_recompute: u32,
    today_demand: i64,
    cycle_start: u32,
    cycle_stockout: bool,
    counters: Counters,
    ledger: Ledger,
    waits: WaitHistogram,
}

impl PairState {
    /// Ships stock to waiting backorders, oldest first.
    #[inline]
    fn fill_backlog(&mut self, day: u32, warmup: u32) {
        while self.on_hand > 0 {
            let Some(front) = self.backlog.front_mut() else {
                break;
            };
            let take = front.units.min(self.on_hand);
            front.units -= take;
            let demanded = front.day;
            if front.units == 0 {
                self.backlog.pop_front();
            }
            self.on_hand -= take;
            self.backorders -= take;
            self.ledger.shipped += take;
            self.ledger.filled_late += take;
            if demanded >= warmup {
                let wait = day - demanded;
                self.counters.late_units += take as u64;
                self.counters.wait_unit_days += take as u64 * wait as u64;
                self.waits.record(wait, take as u64);
            }
        }
    }
}

/// Everything one replication mutates, allocated once and reused across replications.
#[derive(Debug, Clone)]
pub struct Workspace {
    policy: usize,
    pairs: Vec<PairState>,
    /// Forecasters by policy and pair (`None` where the rule does not forecast).
    forecasters: Vec<Vec<Option<Forecaster>>>,
    lanes: Vec<LaneCounters>,
    capacity_left: Vec<i64>,
    lane_up: Vec<bool>,
    calendar: Calendar<Receipt>,
    due: Vec<Receipt>,
    placed: Vec<(usize, i64)>,
    parts: Vec<i64>,
    days: Vec<DayRecord>,
    demand_streams: Vec<Stream>,
    choice_streams: Vec<Stream>,
    lane_streams: Vec<Stream>,
    total: Counters,
    total_waits: WaitHistogram,
}

impl Workspace {
    /// Allocates the state for `model`.
    pub fn new(model: &Model) -> Workspace {
        let max_wait = model.horizon;
        let pair = PairState {
            backlog: VecDeque::with_capacity(model.calendar_span() as usize + 8),
            waits: WaitHistogram::with_max(max_wait),
            ..PairState::default()
        };
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
        Workspace {
            policy: 0,
            pairs: vec![pair; model.pairs.len()],
            forecasters,
            lanes: vec![LaneCounters::default(); model.lanes.len()],
            capacity_left: model.lanes.iter().map(|l| l.capacity_per_day).collect(),
            lane_up: vec![true; model.lanes.len()],
            calendar: Calendar::new(model.calendar_span()),
            due: Vec::with_capacity(model.pairs.len()),
            placed: Vec::with_capacity(model.lanes.len()),
            parts: Vec::with_capacity(model.lanes.len()),
            days: vec![DayRecord::default(); model.horizon as usize],
            demand_streams: Vec::with_capacity(model.demands.len()),
            choice_streams: Vec::with_capacity(model.demands.len()),
            lane_streams: Vec::with_capacity(model.lanes.len()),
            total: Counters::default(),
            total_waits: WaitHistogram::with_max(max_wait),
        }
    }

    /// Runs replication `replication` of policy `policy` with master seed `seed`. The result is
    /// a pure function of `(model, policy, seed, replication)`.
    pub fn run(&mut self, model: &Model, policy: usize, seed: u64, replication: u64) {
        self.reset(model, policy, seed, replication);
        let controls = &model.policies[policy].controls;
        for day in 0..model.horizon {
            let mut rec = DayRecord::default();
            self.receive(model, day);
            self.demand(model, day, &mut rec);
            self.review(model, controls, day, &mut rec);
            if model.same_day_receipts {
                self.receive(model, day);
            }
            self.account(model, day, &mut rec);
            self.days[day as usize] = rec;
        }
        self.finish(model);
    }

    fn reset(&mut self, model: &Model, policy: usize, seed: u64, replication: u64) {
        self.policy = policy;
        let controls = &model.policies[policy].controls;
        for ((state, pair), control) in self.pairs.iter_mut().zip(&model.pairs).zip(controls) {
            let start = pair.initial_on_hand.unwrap_or(control.initial_levels.order_up_to).max(0);
            state.on_hand = start;
            state.on_order = 0;
            state.backorders = 0;
            state.backlog.clear();
            state.next_review = control.rule.review_offset;
            state.levels = control.initial_levels;
            state.next_recompute = 0;
            state.today_demand = 0;
            state.cycle_start = 0;
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
        self.lanes.iter_mut().for_each(|l| *l = LaneCounters::default());
        self.calendar.clear();
        let stream = |purpose, entity: usize| Stream::new(seed, replication, purpose, entity as u64);
        self.demand_streams.clear();
        self.demand_streams.extend((0..model.demands.len()).map(|d| stream(Purpose::Demand, d)));
        self.choice_streams.clear();
        self.choice_streams.extend((0..model.demands.len()).map(|d| stream(Purpose::CustomerChoice, d)));
        self.lane_streams.clear();
        self.lane_streams.extend((0..model.lanes.len()).map(|l| stream(Purpose::LeadTime, l)));
    }

    /// Steps 1 and 4: receives the shipments due today and fills backorders.
    #[inline]
    fn receive(&mut self, model: &Model, day: u32) {
        self.calendar.take(day, &mut self.due);
        for r in self.due.drain(..) {
            let p = &mut self.pairs[r.pair as usize];
            p.on_hand += r.units;
            p.on_order -= r.units;
            p.ledger.received += r.units;
            if r.ordered >= model.warmup {
                let lane = &mut self.lanes[r.lane as usize];
                let lead = day - r.ordered;
                lane.units_received += r.units as u64;
                lane.orders_received += 1;
                lane.lead_days += lead as u64;
                lane.on_time += u64::from(lead <= model.lanes[r.lane as usize].quoted_lead_time);
            }
            if p.backorders > 0 {
                p.fill_backlog(day, model.warmup);
            }
        }
    }

    /// Step 2: the day's customer demand.
    fn demand(&mut self, model: &Model, day: u32, rec: &mut DayRecord) {
        let measured = day >= model.warmup;
        for (d, stream) in model.demands.iter().enumerate() {
            let units = stream.sampler.sample(day, self.demand_streams[d].uniform_at(day as u64)) as i64;
            let segment = &model.segments[stream.segment];
            let costs = &model.pairs[stream.pair].costs;
            let p = &mut self.pairs[stream.pair];
            // First come, first served: stock goes to demand only when nobody waits ahead.
            let available = if p.backlog.is_empty() { p.on_hand } else { 0 };
            let filled = units.min(available);
            p.on_hand -= filled;
            p.today_demand += units;
            p.ledger.demanded += units;
            p.ledger.filled_on_arrival += filled;
            p.ledger.shipped += filled;
            rec.demand += units;
            rec.filled += filled;
            // Lines of `line` units; the common one-unit line needs no division.
            let line = segment.line_size as i64;
            let (lines, first_short_line) =
                if line == 1 { (units, filled) } else { ((units + line - 1) / line, filled / line) };
            let short = units - filled;
            if measured {
                let c = &mut p.counters;
                c.demand_units += units as u64;
                c.demand_lines += lines as u64;
                c.filled_units += filled as u64;
            }
            if short == 0 {
                continue;
            }
            p.cycle_stockout = true;
            let (waiting, waiting_lines) = if segment.backorder_probability >= 1.0 {
                (short, lines - first_short_line)
            } else if segment.backorder_probability <= 0.0 {
                (0, 0)
            } else {
                // One uniform per short line, from the (stream, day) sub-stream: the same
                // customer makes the same choice under every policy.
                let choices = self.choice_streams[d].substream(day as u64);
                let (mut units_waiting, mut lines_waiting) = (0, 0);
                for k in first_short_line..lines {
                    let line_units = (units.min((k + 1) * line) - filled.max(k * line)).max(0);
                    if choices.uniform_at(k as u64) < segment.backorder_probability {
                        units_waiting += line_units;
                        lines_waiting += 1;
                    }
                }
                (units_waiting, lines_waiting)
            };
            let lost = short - waiting;
            if waiting > 0 {
                p.backlog.push_back(Backorder { day, units: waiting });
                p.backorders += waiting;
            }
            p.ledger.lost += lost;
            rec.lost += lost;
            rec.costs.lost_sales += lost as f64 * costs.lost_sale;
            if measured {
                let c = &mut p.counters;
                c.backordered_units += waiting as u64;
                c.backordered_lines += waiting_lines as u64;
                c.lost_units += lost as u64;
            }
        }
    }

    /// Step 3: reviews and replenishment orders.
    fn review(&mut self, model: &Model, controls: &[Control], day: u32, rec: &mut DayRecord) {
        let measured = day >= model.warmup;
        for &l in &model.capacitated_lanes {
            self.capacity_left[l] = model.lanes[l].capacity_per_day;
        }
        for (pi, control) in controls.iter().enumerate() {
            let p = &mut self.pairs[pi];
            if day != p.next_review {
                continue;
            }
            p.next_review += control.rule.review_period;
            if measured && p.cycle_start >= model.warmup {
                p.counters.cycles += 1;
                p.counters.cycles_without_stockout += u64::from(!p.cycle_stockout);
            }
            p.cycle_start = day + 1;
            p.cycle_stockout = false;
            if let RuleKind::Forecast(rule) = &control.rule.kind
                && day >= p.next_recompute
            {
                let forecaster = self.forecasters[self.policy][pi].as_ref().expect("forecast rules have one");
                p.levels = forecast_levels(rule, forecaster, &control.planning);
                p.next_recompute = day + rule.recompute_every;
            }
            let position = p.on_hand + p.on_order - p.backorders;
            let wanted = control.rule.order_quantity(position, &p.levels);
            if wanted <= 0 {
                continue;
            }
            let sources = &model.pairs[pi].sources;
            let placed = &mut self.placed;
            place_order(
                &control.sourcing,
                wanted,
                sources,
                &model.lanes,
                &self.lane_up,
                &mut self.capacity_left,
                &mut self.parts,
                |src, units| placed.push((src, units)),
            );
            for (src, units) in self.placed.drain(..) {
                let source = &sources[src];
                let lead = model.lanes[source.lane].lead_time(&self.lane_streams[source.lane], day);
                p.on_order += units;
                p.ledger.ordered += units;
                let receipt = Receipt { pair: pi as u32, lane: source.lane as u32, ordered: day, units };
                self.calendar.schedule(day, day + lead, receipt);
                let purchase = units as f64 * source.unit_cost;
                rec.costs.ordering += source.order_cost;
                rec.costs.purchase += purchase;
                if measured {
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
            }
        }
    }

    /// Step 5: end-of-day stock, backorders and their costs.
    fn account(&mut self, model: &Model, day: u32, rec: &mut DayRecord) {
        let measured = day >= model.warmup;
        if model.policies[self.policy].forecasts {
            for (p, forecaster) in self.pairs.iter_mut().zip(&mut self.forecasters[self.policy]) {
                if let Some(f) = forecaster {
                    let error = f.observe(p.today_demand as f64);
                    if measured {
                        p.counters.forecast.record(error, p.today_demand as f64);
                    }
                }
            }
        }
        for (p, pair) in self.pairs.iter_mut().zip(&model.pairs) {
            debug_assert!(p.on_hand >= 0 && p.backorders >= 0);
            p.today_demand = 0;
            rec.on_hand += p.on_hand;
            rec.backorders += p.backorders;
            rec.costs.holding += p.on_hand as f64 * pair.costs.holding;
            rec.costs.backorder += p.backorders as f64 * pair.costs.backorder;
            if measured {
                let c = &mut p.counters;
                c.on_hand_unit_days += p.on_hand as u64;
                c.backorder_unit_days += p.backorders as u64;
                c.max_backorders = c.max_backorders.max(p.backorders as u64);
                c.ready_days += u64::from(p.backorders == 0);
                c.days += 1;
            }
        }
    }

    /// Closes the replication: costs from unit-days, ledgers, totals.
    fn finish(&mut self, model: &Model) {
        self.total = Counters::default();
        self.total_waits.clear();
        for (p, pair) in self.pairs.iter_mut().zip(&model.pairs) {
            let c = &mut p.counters;
            c.holding_cost = c.on_hand_unit_days as f64 * pair.costs.holding;
            c.backorder_cost = c.backorder_unit_days as f64 * pair.costs.backorder;
            c.lost_cost = c.lost_units as f64 * pair.costs.lost_sale;
            p.ledger.final_on_hand = p.on_hand;
            p.ledger.open_backorders = p.backorders;
            p.ledger.in_transit = p.on_order;
            debug_assert_eq!(p.ledger.check(), Ok(()), "conservation broken at {}", pair.name);
            self.total.add(c);
            self.total_waits.add(&p.waits);
        }
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

    /// Conservation ledgers of each pair for the last run.
    pub fn ledgers(&self) -> impl Iterator<Item = &Ledger> {
        self.pairs.iter().map(|p| &p.ledger)
    }

    /// Daily records of the last run (every day, warm-up included).
    pub fn days(&self) -> &[DayRecord] {
        &self.days
    }
}
