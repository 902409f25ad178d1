//! The state the engine keeps between steps and days: per pair, demand stream and supplier,
//! the shipments and deadlines in its calendars, and the random streams of a replication.

use crate::metrics::{Counters, Ledger, SegmentCounters, WaitHistogram};
use crate::model::Model;
use crate::sim::backlog::Backlog;
use crate::sim::day::Day;
use crate::sim::engine::DayRecord;
use crate::sim::policy::Levels;
use crate::sim::rng::{Purpose, Stream};
use crate::sim::supply::Source;

/// A shipment on its way to a pair.
#[derive(Debug, Clone, Copy)]
pub(super) struct Receipt {
    pub(super) pair: u32,
    pub(super) lane: u32,
    /// Day the shipment left its shipping point (for an external supplier, the day it was
    /// ordered); a reshipment keeps the day of the shipment it completes.
    pub(super) ordered: u32,
    /// Day these units left (a reshipment leaves later than its order).
    pub(super) left: u32,
    /// The supplier's count of down days already accounted for (frozen transit).
    pub(super) down_mark: u32,
    pub(super) units: i64,
    /// Whether this is the reshipment of a short delivery (never short again).
    pub(super) reshipped: bool,
}

/// The end of a backordered line's patience.
#[derive(Debug, Clone, Copy)]
pub(super) struct Deadline {
    pub(super) pair: u32,
    pub(super) class: u32,
    pub(super) id: u64,
}

/// The mutable state of one pair. The fields every day touches come first and the backlog and
/// wait histogram (touched only while customers wait) last, laid out in this order (`repr(C)`),
/// with the daily counts at the start of [`Counters`]: a catalogue sweeps every pair's state
/// several times a day, and this keeps each pair's daily work to a few adjacent cache lines.
#[derive(Debug, Clone, Default)]
#[repr(C)]
pub(super) struct PairState {
    pub(super) on_hand: i64,
    /// Units ordered and not yet received (in transit, or waiting at an upstream location).
    pub(super) on_order: i64,
    /// Units backordered by customers.
    pub(super) backorders: i64,
    /// Units downstream locations ordered and are waiting for here.
    pub(super) owed: i64,
    /// Units this pair ordered from upstream locations that have not left them yet (the rest of
    /// its on-order is in transit).
    pub(super) awaiting: i64,
    pub(super) levels: Levels,
    pub(super) today_demand: i64,
    pub(super) next_review: u32,
    pub(super) next_recompute: u32,
    /// First day of the current review cycle (none before the first review).
    pub(super) cycle_start: Option<Day>,
    pub(super) disrupted: bool,
    pub(super) cycle_stockout: bool,
    pub(super) ledger: Ledger,
    pub(super) counters: Counters,
    pub(super) backlog: Backlog,
    pub(super) waits: WaitHistogram,
}

impl PairState {
    /// The inventory position: on hand + on order − backorders − units owed downstream.
    #[inline]
    pub(super) fn position(&self) -> i64 {
        self.on_hand + self.on_order - self.backorders - self.owed
    }

    /// `units` shipped to the pair arrive.
    #[inline(always)]
    pub(super) fn receive(&mut self, units: i64) {
        self.on_hand += units;
        self.on_order -= units;
        self.ledger.received += units;
    }

    /// A review on `day`, the next on `next_review`: the cycle that ends is counted if it lay in
    /// the measured days (from `warmup` on), and the next begins. A cycle runs from the day
    /// after one review to the next review; the days before the first review are not a cycle.
    #[inline(always)]
    pub(super) fn start_cycle(&mut self, day: u32, next_review: u32, warmup: u32) {
        self.next_review = next_review;
        if day >= warmup && self.cycle_start.is_some_and(|start| start >= Day(warmup)) {
            self.counters.cycles += 1;
            self.counters.cycles_without_stockout += u64::from(!self.cycle_stockout);
        }
        self.cycle_start = Some(Day(day).after(1));
        self.cycle_stockout = false;
    }

    /// The pair orders `units` from `source`: on order (and in its ledger), the day's spend,
    /// and, on a measured
    /// day, the source's counts (`Workspace::book_orders` turns them into the pair's and the
    /// lane's counts and costs at the end of the replication).
    #[inline(always)]
    pub(super) fn book_order(
        &mut self,
        source: &Source,
        units: i64,
        measured: bool,
        counts: &mut SourceOrders,
        rec: &mut DayRecord,
    ) {
        self.on_order += units;
        self.ledger.ordered += units;
        rec.costs.ordering += source.order_cost;
        rec.costs.purchase += units as f64 * source.unit_cost;
        if measured {
            counts.orders += 1;
            counts.units += units as u64;
        }
    }

    /// Units shipped to the pair and not yet received.
    #[inline]
    pub(super) fn in_transit(&self) -> i64 {
        self.on_order - self.awaiting
    }

    /// Whether someone (a customer or a downstream location) waits for stock here.
    #[inline]
    pub(super) fn anyone_waits(&self) -> bool {
        self.backorders + self.owed > 0
    }
}

/// A shipment to send from a pair's backlog to a downstream pair.
#[derive(Debug, Clone, Copy)]
pub(super) struct Shipment {
    pub(super) pair: u32,
    pub(super) source: u32,
    pub(super) units: i64,
    /// Day the downstream pair ordered it.
    pub(super) ordered: u32,
}

/// The state of one demand stream: its running spike, its customers' loyalty, its counts.
#[derive(Debug, Clone, Copy)]
pub(super) struct StreamState {
    pub(super) spike_left: u32,
    pub(super) loyalty: f64,
    pub(super) counters: SegmentCounters,
}

impl StreamState {
    pub(super) const FRESH: StreamState =
        StreamState { spike_left: 0, loyalty: 1.0, counters: SegmentCounters::ZERO };
}

/// Today's state of one supplier.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SupplierState {
    /// State of the random up/down chain.
    pub(super) up: bool,
    /// Down today (random or scheduled).
    pub(super) down: bool,
    /// Days down so far (drives frozen transit).
    pub(super) down_days: u32,
}

/// Random streams of one replication.
#[derive(Debug, Clone, Default)]
pub(super) struct Streams {
    pub(super) demand: Vec<Stream>,
    pub(super) choice: Vec<Stream>,
    pub(super) patience: Vec<Stream>,
    pub(super) spikes: Vec<Stream>,
    pub(super) lead: Vec<Stream>,
    pub(super) delay: Vec<Stream>,
    pub(super) yields: Vec<Stream>,
    pub(super) outage: Vec<Stream>,
    pub(super) orders: Vec<Stream>,
    pub(super) segment: Vec<Stream>,
}

impl Streams {
    pub(super) fn reset(&mut self, model: &Model, seed: u64, replication: u64) {
        let fill = |v: &mut Vec<Stream>, purpose, n: usize| {
            v.clear();
            v.extend((0..n).map(|e| Stream::new(seed, replication, purpose, e as u64)));
        };
        let (l, s) = (model.lanes.len(), model.suppliers.len());
        // A demand stream's draws are keyed by its demand entry: the streams of the segments
        // sharing one entry draw from the same streams, by line.
        let by_entry = |v: &mut Vec<Stream>, purpose| {
            v.clear();
            v.extend(model.demands.iter().map(|x| Stream::new(seed, replication, purpose, x.entry as u64)));
        };
        by_entry(&mut self.demand, Purpose::Demand);
        by_entry(&mut self.choice, Purpose::CustomerChoice);
        by_entry(&mut self.patience, Purpose::Patience);
        by_entry(&mut self.spikes, Purpose::Spike);
        by_entry(&mut self.segment, Purpose::Segment);
        fill(&mut self.lead, Purpose::LeadTime, l);
        fill(&mut self.delay, Purpose::Delay, l);
        fill(&mut self.yields, Purpose::Yield, l);
        fill(&mut self.outage, Purpose::Outage, s);
        fill(&mut self.orders, Purpose::Orders, model.orders.len());
    }
}

/// Orders and units one source of one pair ordered on measured days. The pair's and the lane's
/// order counts and costs (orders, units, ordering, purchase and landed cost, a lane's spend)
/// are computed from these at the end of the replication, pair by pair and source by source,
/// so they are the same whether the days ran day by day or pair by pair (see `sim::engine`).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SourceOrders {
    pub(super) orders: u64,
    pub(super) units: u64,
}
