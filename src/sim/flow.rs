//! Steps 1 and 5 (receipts) and the shipments they and the orders set off: the pipeline ring,
//! receiving, filling backlogs, shipping on lanes and orders between locations.

use crate::metrics::LaneCounters;
use crate::model::Model;
use crate::sim::backlog::{Line, NewLine, Orderer};
use crate::sim::engine::Workspace;
use crate::sim::state::{PairState, Receipt, Shipment};

/// Adds the measured days shipment `r` spent in transit until `day` (exclusive) to the
/// in-transit unit-days of its pair and lane: it is in transit at the end of every day from the
/// one it left to the one before it arrives.
#[inline]
pub(super) fn count_transit(
    pairs: &mut [PairState],
    lanes: &mut [LaneCounters],
    model: &Model,
    r: &Receipt,
    day: u32,
) {
    let days = day.min(model.horizon).saturating_sub(r.left.max(model.warmup));
    if days > 0 {
        let unit_days = r.units as u64 * days as u64;
        pairs[r.pair as usize].counters.in_transit_unit_days += unit_days;
        lanes[r.lane as usize].in_transit_unit_days += unit_days;
    }
}

/// Index of `(pair, day)` in a pipeline ring of `ring` days per pair (a power of two).
#[inline]
pub(super) fn ring_slot(ring: usize, pair: usize, day: u32) -> usize {
    pair * ring + (day as usize & (ring - 1))
}

impl Workspace {
    /// Index of `(pair, day)` in the pipeline ring.
    #[inline]
    pub(super) fn slot(&self, pair: usize, day: u32) -> usize {
        ring_slot(self.ring, pair, day)
    }

    /// Books `units` leaving for pair `pi` on `day` in the pipeline on their confirmed day,
    /// `day + confirmed`; a shipment confirmed for today but delayed is overdue at once, so it
    /// is expected tomorrow (today's overdue units were already rolled over).
    #[inline]
    pub(super) fn book(&mut self, pi: usize, day: u32, confirmed: u32, delay: u32, units: i64) {
        let due = if confirmed == 0 && delay > 0 { day + 1 } else { day + confirmed };
        let slot = self.slot(pi, due);
        self.pipeline[slot] += units;
    }

    /// End of step 1 when shipments can be late: what was expected today and has not arrived is
    /// expected tomorrow.
    pub(super) fn roll_overdue(&mut self, day: u32) {
        for pi in 0..self.pairs.len() {
            let (today, tomorrow) = (self.slot(pi, day), self.slot(pi, day + 1));
            let overdue = std::mem::take(&mut self.pipeline[today]);
            self.pipeline[tomorrow] += overdue;
        }
    }

    /// Steps 1 and 5: receives the shipments due today and fills backorders, until nothing more
    /// is due today (a location may ship on a lane with lead time 0 what it just received).
    #[inline(always)]
    pub(super) fn receive<const FULL: bool>(&mut self, model: &Model, day: u32) {
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
    pub(super) fn receive_one<const FULL: bool>(&mut self, model: &Model, day: u32, r: Receipt) {
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
                    let item = model.pairs[pi].item;
                    let (confirmed, delay) =
                        lane.lead_time(item, &self.streams.lead[l], &self.streams.delay[l], day);
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
        p.receive(delivered);
        if FULL && supplier.is_none() {
            p.ledger.received_internal += delivered;
        }
        if r.ordered >= model.warmup {
            // A reshipment counts its units only.
            let first = (!r.reshipped).then(|| {
                let lead = day - r.ordered;
                (lead, lead <= lane.lead(model.pairs[pi].item).quoted)
            });
            self.lanes[l].count_receipt(delivered, first);
        }
        // A fair-share pair allocates once the whole batch is in (see `receive`).
        if p.anyone_waits() && !(FULL && model.pairs[pi].fair_share) {
            self.fill_backlog(model, pi, day);
        }
    }

    /// Ships on-hand stock of pair `pi` to its waiting lines (customers' and downstream
    /// locations') by its allocation rule.
    #[inline]
    pub(super) fn fill_backlog(&mut self, model: &Model, pi: usize, day: u32) {
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
                let completed = if line.unit_lines { take as u64 } else { u64::from(line.units == 0) };
                counters.complete_lines(day, line.promise, completed);
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
    pub(super) fn ship<const FULL: bool>(
        &mut self,
        model: &Model,
        pi: usize,
        l: usize,
        units: i64,
        ordered: u32,
        day: u32,
    ) {
        let lane = &model.lanes[l];
        let item = model.pairs[pi].item;
        let (confirmed, delay) = lane.lead_time(item, &self.streams.lead[l], &self.streams.delay[l], day);
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
    pub(super) fn internal_order(
        &mut self,
        model: &Model,
        pi: usize,
        src: usize,
        up: usize,
        units: i64,
        day: u32,
    ) {
        let u = &mut self.pairs[up];
        u.today_demand += units;
        u.owed += units;
        // Not everyone waiting can be served from what is on hand: a stockout for this cycle.
        if u.owed + u.backorders > u.on_hand {
            u.cycle_stockout = true;
        }
        let line = NewLine {
            day,
            promise: day,
            by: Orderer::Location { pair: pi as u32, source: src as u32 },
            units,
            partial: true,
            unit_lines: false,
        };
        u.backlog.push(model.pairs[pi].sources[src].class, line);
        self.pairs[pi].awaiting += units;
    }
}
