//! Customer orders whose lines span items (step 2b of the day, full loop only): arrivals from
//! each order stream's basket model, the order book, allocation of stock to waiting orders by
//! the location's rule, shipping whole or in parts by the segment's rule, wait limits, and the
//! order counts.
//!
//! Units an order still waits for count as the pair's backorders (so the inventory position
//! sees them); stock set aside for a held order (`reserve_stock`) stays on hand, marked
//! reserved, until the order ships.

use crate::metrics::{OrderCounters, WaitHistogram};
use crate::model::{BasketModel, Control, MAX_UNITS, Model, OrderRules};
use crate::scenario::OrderAllocation;
use crate::sim::backlog::promise_day;
use crate::sim::engine::{DayRecord, Workspace};

/// An open customer order: its lines are `lines[first .. first + n]` of the book.
#[derive(Debug, Clone, Copy)]
struct Order {
    stream: u32,
    day: u32,
    first: u32,
    n: u32,
    priority: i64,
    /// Shipments sent so far.
    shipments: u32,
    /// Promised day of the whole order as last told to the customer (the latest of its lines'
    /// promises).
    promise: u32,
    /// The first promised day told to the customer.
    quoted: u32,
    /// Whether the customer now takes partial shipments (wait limit reached).
    partial: bool,
    /// Whether what is missing after today's allocation is cancelled (wait limit reached).
    cancel: bool,
    closed: bool,
}

/// A line of an open order.
#[derive(Debug, Clone, Copy)]
struct OrderLine {
    pair: u32,
    /// Units not yet shipped.
    units: i64,
    /// Of those, units set aside on hand for the order.
    reserved: i64,
    /// Promised day of the line (the day ordered while nothing is missing).
    promise: u32,
}

/// The open orders of a replication and the counts of each order stream.
#[derive(Debug, Clone, Default)]
pub(super) struct OrderBook {
    open: Vec<Order>,
    lines: Vec<OrderLine>,
    /// Allocation order of `open` (scratch).
    queue: Vec<u32>,
    /// Units reserved on hand per pair.
    reserved: Vec<i64>,
    /// Units owed per pair to the orders quoted so far today, oldest first (scratch for
    /// promises).
    behind: Vec<i64>,
    pub(super) counters: Vec<OrderCounters>,
    /// Completed orders by lead time in days, per stream.
    pub(super) lead: Vec<WaitHistogram>,
}

impl OrderBook {
    /// An empty book for `model`.
    pub(super) fn new(model: &Model) -> OrderBook {
        OrderBook {
            reserved: vec![0; model.pairs.len()],
            behind: vec![0; model.pairs.len()],
            counters: vec![OrderCounters::default(); model.orders.len()],
            lead: vec![WaitHistogram::with_max(model.horizon); model.orders.len()],
            ..OrderBook::default()
        }
    }

    /// Empties the book for a new replication, keeping capacity.
    pub(super) fn clear(&mut self) {
        self.open.clear();
        self.lines.clear();
        self.reserved.iter_mut().for_each(|x| *x = 0);
        self.counters.iter_mut().for_each(|c| *c = OrderCounters::default());
        self.lead.iter_mut().for_each(WaitHistogram::clear);
    }
}

impl Workspace {
    /// Step 2b: today's customer orders arrive, orders reaching their wait limit are flagged,
    /// stock is allocated to waiting orders, and finished orders leave the book.
    pub(super) fn customer_orders(
        &mut self,
        model: &Model,
        controls: &[Control],
        day: u32,
        rec: &mut DayRecord,
    ) {
        let from = self.orders.open.len();
        for s in 0..model.orders.len() {
            self.order_arrivals(model, s, day, rec);
        }
        for o in self.orders.open.iter_mut() {
            let rules = rules(model, self.policy, o.stream);
            if rules.wait_limit.is_some_and(|limit| day >= o.day + limit) {
                o.partial = true;
                o.cancel = rules.cancel_rest;
            }
        }
        self.allocate_orders(model, day, rec);
        self.revise_promises(model, controls, day, from);
        self.settle_new_orders(model, controls, day, from);
        self.close_orders(model, rec);
    }

    /// Step 5 for orders: stock received the same day goes to waiting orders.
    pub(super) fn fill_orders(&mut self, model: &Model, day: u32, rec: &mut DayRecord) {
        self.allocate_orders(model, day, rec);
        self.close_orders(model, rec);
    }

    /// The orders of stream `s` on `day`, appended to the book as owed.
    fn order_arrivals(&mut self, model: &Model, s: usize, day: u32, rec: &mut DayRecord) {
        let stream = &model.orders[s];
        let draws = self.streams.orders[s].substream(day as u64);
        let n = stream.arrivals.sample(draws.draw_at(0));
        let measured = day >= model.warmup;
        for j in 0..n {
            let one = draws.substream(j + 1);
            let first = self.orders.lines.len();
            let mut push = |pair: usize, units: i64| {
                if units > 0 {
                    let line = OrderLine { pair: pair as u32, units, reserved: 0, promise: day };
                    self.orders.lines.push(line);
                }
            };
            match &stream.basket {
                BasketModel::Independent(items) => {
                    for (k, (pair, prob, q)) in items.iter().enumerate() {
                        let k = k as u64;
                        if *prob >= 1.0 || one.uniform_at(2 * k) < *prob {
                            push(*pair, q.sample(one.draw_at(2 * k + 1)).min(MAX_UNITS as u64) as i64);
                        }
                    }
                }
                BasketModel::Empirical { baskets, pick } => {
                    for &(pair, units) in &baskets[pick.sample(one.draw_at(0)) as usize] {
                        push(pair, units);
                    }
                }
            }
            let n_lines = self.orders.lines.len() - first;
            if n_lines == 0 {
                continue;
            }
            for k in first..self.orders.lines.len() {
                let line = self.orders.lines[k];
                let p = &mut self.pairs[line.pair as usize];
                p.backorders += line.units;
                p.today_demand += line.units;
                p.ledger.demanded += line.units;
                rec.demand += line.units;
                if measured {
                    p.counters.demand_units += line.units as u64;
                    p.counters.demand_lines += 1;
                    if p.disrupted {
                        p.counters.demand_disrupted += line.units as u64;
                    }
                    let c = &mut self.orders.counters[s];
                    c.lines += 1;
                    c.units += line.units as u64;
                }
            }
            if measured {
                self.orders.counters[s].orders += 1;
            }
            self.orders.open.push(Order {
                stream: s as u32,
                day,
                first: first as u32,
                n: n_lines as u32,
                priority: model.segments[stream.segment].priority,
                shipments: 0,
                promise: day,
                quoted: day,
                partial: false,
                cancel: false,
                closed: false,
            });
        }
    }

    /// Allocates on-hand stock to the open orders, in the order of each location's rule.
    fn allocate_orders(&mut self, model: &Model, day: u32, rec: &mut DayRecord) {
        let book = &mut self.orders;
        book.queue.clear();
        book.queue.extend(0..book.open.len() as u32);
        let rule = |o: &Order| model.order_allocation[model.orders[o.stream as usize].location];
        let open = &book.open;
        // Oldest first is the book's order; by priority, the oldest first within a priority.
        book.queue.sort_unstable_by_key(|&k| {
            let o = &open[k as usize];
            (if rule(o) == OrderAllocation::Priority { -o.priority } else { 0 }, k)
        });
        // Complete orders first: a first pass ships the orders stock can complete now.
        for q in 0..self.orders.queue.len() {
            let k = self.orders.queue[q] as usize;
            if rule(&self.orders.open[k]) == OrderAllocation::CompleteFirst && self.can_complete(k) {
                self.serve_order(model, k, day, rec);
            }
        }
        for q in 0..self.orders.queue.len() {
            let k = self.orders.queue[q] as usize;
            self.serve_order(model, k, day, rec);
        }
    }

    /// Stock on hand at pair `pi` that no order has reserved.
    fn free(&self, pi: usize) -> i64 {
        self.pairs[pi].on_hand - self.orders.reserved[pi]
    }

    /// Whether every missing unit of open order `k` is free on hand now.
    fn can_complete(&self, k: usize) -> bool {
        let o = self.orders.open[k];
        let lines = &self.orders.lines[o.first as usize..(o.first + o.n) as usize];
        lines.iter().all(|l| l.units - l.reserved <= self.free(l.pair as usize))
    }

    /// Ships to open order `k` what its rule allows: what is there (partial), everything when
    /// it can complete, or else nothing (reserving what is there when the rule reserves).
    fn serve_order(&mut self, model: &Model, k: usize, day: u32, rec: &mut DayRecord) {
        let o = self.orders.open[k];
        if o.closed {
            return;
        }
        let rules = rules(model, self.policy, o.stream);
        let partial = !rules.complete || o.partial;
        let whole = !partial && self.can_complete(k);
        let mut shipped = false;
        for li in o.first as usize..(o.first + o.n) as usize {
            let line = self.orders.lines[li];
            let pi = line.pair as usize;
            let extra = (line.units - line.reserved).min(self.free(pi)).max(0);
            if partial || whole {
                self.orders.reserved[pi] -= line.reserved;
                let units = line.reserved + extra;
                if units > 0 {
                    self.ship_order_line(model, k, li, units, day, rec);
                    shipped = true;
                }
            } else if rules.reserve && extra > 0 {
                self.orders.lines[li].reserved += extra;
                self.orders.reserved[pi] += extra;
            }
        }
        if shipped {
            self.count_shipment(model, k, day);
        }
    }

    /// Ships `units` of line `li` of open order `k` from stock (its reservation already
    /// released).
    fn ship_order_line(
        &mut self,
        model: &Model,
        k: usize,
        li: usize,
        units: i64,
        day: u32,
        rec: &mut DayRecord,
    ) {
        let o = self.orders.open[k];
        let line = &mut self.orders.lines[li];
        line.units -= units;
        line.reserved = 0;
        let line = *line;
        let p = &mut self.pairs[line.pair as usize];
        p.on_hand -= units;
        p.backorders -= units;
        p.ledger.shipped += units;
        let measured = o.day >= model.warmup;
        if day == o.day {
            p.ledger.filled_on_arrival += units;
            rec.filled += units;
            if measured {
                p.counters.filled_units += units as u64;
                if p.disrupted {
                    p.counters.filled_disrupted += units as u64;
                }
                let c = &mut self.orders.counters[o.stream as usize];
                c.units_on_day += units as u64;
                c.lines_on_day += u64::from(line.units == 0);
            }
            return;
        }
        p.ledger.filled_late += units;
        if measured {
            let wait = day - o.day;
            p.waits.record(wait, units as u64);
            let c = &mut p.counters;
            c.late_units += units as u64;
            c.wait_unit_days += units as u64 * wait as u64;
            if line.units == 0 {
                c.complete_lines(day, line.promise, 1);
            }
        }
    }

    /// Counts a shipment to open order `k` and closes the order when nothing is missing.
    fn count_shipment(&mut self, model: &Model, k: usize, day: u32) {
        let o = &mut self.orders.open[k];
        o.shipments += 1;
        let measured = o.day >= model.warmup;
        let lines = &self.orders.lines[o.first as usize..(o.first + o.n) as usize];
        if measured {
            let cost = rules(model, self.policy, o.stream).shipment_cost;
            self.pairs[lines[0].pair as usize].counters.shipment_cost += cost;
        }
        let c = &mut self.orders.counters[o.stream as usize];
        if measured {
            c.shipments += 1;
        }
        if lines.iter().any(|l| l.units > 0) {
            return;
        }
        o.closed = true;
        if measured {
            let lead = day - o.day;
            c.completed += 1;
            c.closed += 1;
            c.closed_shipments += o.shipments as u64;
            c.lead_days += lead as u64;
            c.complete_on_day += u64::from(lead == 0);
            self.orders.lead[o.stream as usize].record(lead, 1);
            if lead > 0 {
                c.promised += 1;
                c.promise_kept += u64::from(day <= o.quoted);
                c.promise_miss_days += day.saturating_sub(o.quoted) as u64;
            }
        }
    }

    /// Today's new orders (from index `from` of the book) that are still open after today's
    /// allocation: their missing lines are backordered and promised a date, from the supply due
    /// and the units owed ahead of them (`revise_promises` has counted the older orders'). The
    /// order's first promise is what its customer is told.
    fn settle_new_orders(&mut self, model: &Model, controls: &[Control], day: u32, from: usize) {
        for k in from..self.orders.open.len() {
            let o = self.orders.open[k];
            if o.closed {
                continue;
            }
            let promise = self.quote_order(controls, day, k);
            let o = &mut self.orders.open[k];
            o.promise = promise;
            o.quoted = promise;
            for li in o.first as usize..(o.first + o.n) as usize {
                let line = self.orders.lines[li];
                let p = &mut self.pairs[line.pair as usize];
                if line.units > 0 {
                    p.cycle_stockout = true;
                    if day >= model.warmup {
                        p.counters.backordered_lines += 1;
                        p.counters.backordered_units += line.units as u64;
                    }
                }
            }
        }
    }

    /// The promised day of each line of open order `k` (`ahead` holds, per pair, the units
    /// owed to orders ahead of it and gains its own): the first day the supply due covers them.
    fn quote_order(&mut self, controls: &[Control], day: u32, k: usize) -> u32 {
        let o = self.orders.open[k];
        let mut promise = day;
        for li in o.first as usize..(o.first + o.n) as usize {
            let line = self.orders.lines[li];
            let pi = line.pair as usize;
            if line.units == 0 {
                continue;
            }
            self.orders.behind[pi] += line.units - line.reserved;
            let need = self.orders.behind[pi] + self.pairs[pi].owed;
            let due = |d: u32| self.pipeline[self.slot(pi, d)];
            let at = promise_day(day, need, self.calendar.span(), due, controls[pi].promise_days);
            self.orders.lines[li].promise = at;
            promise = promise.max(at);
        }
        promise
    }

    /// Re-quotes the orders waiting since before today (the `from` first of the book), oldest
    /// first, from the supply now due; each changed date is a message to the customer. Leaves
    /// in `behind` the units they are owed per pair.
    fn revise_promises(&mut self, model: &Model, controls: &[Control], day: u32, from: usize) {
        self.orders.behind.iter_mut().for_each(|x| *x = 0);
        for k in 0..from {
            if self.orders.open[k].closed {
                continue;
            }
            let promise = self.quote_order(controls, day, k);
            let o = &mut self.orders.open[k];
            if promise != o.promise {
                o.promise = promise;
                if o.day >= model.warmup {
                    self.orders.counters[o.stream as usize].revisions += 1;
                }
            }
        }
    }

    /// Cancels what flagged orders still miss, then drops closed orders from the book.
    fn close_orders(&mut self, model: &Model, rec: &mut DayRecord) {
        for k in 0..self.orders.open.len() {
            let o = self.orders.open[k];
            if o.cancel && !o.closed {
                self.cancel_rest(model, k, rec);
            }
        }
        let OrderBook { open, lines, .. } = &mut self.orders;
        let (mut w, mut w_line) = (0, 0);
        for k in 0..open.len() {
            let o = open[k];
            if o.closed {
                continue;
            }
            lines.copy_within(o.first as usize..(o.first + o.n) as usize, w_line);
            open[w] = Order { first: w_line as u32, ..o };
            w += 1;
            w_line += o.n as usize;
        }
        open.truncate(w);
        lines.truncate(w_line);
    }

    /// Cancels the missing units of open order `k` (its reservations are released) and closes
    /// it.
    fn cancel_rest(&mut self, model: &Model, k: usize, rec: &mut DayRecord) {
        let o = self.orders.open[k];
        let measured = o.day >= model.warmup;
        for li in o.first as usize..(o.first + o.n) as usize {
            let line = self.orders.lines[li];
            if line.units == 0 {
                continue;
            }
            let pi = line.pair as usize;
            self.orders.reserved[pi] -= line.reserved;
            self.orders.lines[li] = OrderLine { units: 0, reserved: 0, ..line };
            let p = &mut self.pairs[pi];
            p.backorders -= line.units;
            p.ledger.cancelled += line.units;
            rec.lost += line.units;
            rec.costs.lost_sales += line.units as f64 * model.pairs[pi].costs.lost_sale;
            if measured {
                p.counters.cancelled_units += line.units as u64;
                p.counters.cancelled_lines += 1;
                if p.disrupted {
                    p.counters.lost_disrupted_units += line.units as u64;
                }
            }
        }
        let o = &mut self.orders.open[k];
        o.closed = true;
        if measured {
            let c = &mut self.orders.counters[o.stream as usize];
            c.cancelled += 1;
            c.closed += 1;
            c.closed_shipments += o.shipments as u64;
        }
    }
}

/// The fulfilment rules of order stream `s` under `policy`: the policy's, or else its segment's.
fn rules(model: &Model, policy: usize, s: u32) -> OrderRules {
    model.policies[policy].fulfilment.unwrap_or(model.segments[model.orders[s as usize].segment].orders)
}
