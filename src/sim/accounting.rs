//! Step 6 (end-of-day accounting) and the close of a replication: costs from unit-days,
//! ledgers and totals.

use crate::metrics::Counters;
use crate::metrics::LaneCounters;
use crate::model::Model;
use crate::sim::backlog::Orderer;
use crate::sim::engine::{DayRecord, Workspace};
use crate::sim::flow::count_transit;
use crate::sim::state::{PairState, Receipt};

impl Workspace {
    /// Step 6: end-of-day stock, backorders and their costs; loyalty recovers.
    pub(super) fn account<const FULL: bool>(&mut self, model: &Model, day: u32, rec: &mut DayRecord) {
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
        for pi in 0..self.pairs.len() {
            self.account_pair::<FULL>(model, pi, measured, rec);
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

    /// Step 6 for pair `pi`: its end-of-day stock and backorders, recorded and costed.
    #[inline(always)]
    pub(super) fn account_pair<const FULL: bool>(
        &mut self,
        model: &Model,
        pi: usize,
        measured: bool,
        rec: &mut DayRecord,
    ) {
        let (p, pair) = (&mut self.pairs[pi], &model.pairs[pi]);
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

    /// Closes the replication: costs from unit-days, ledgers, totals.
    pub(super) fn finish(&mut self, model: &Model) {
        self.count_open_pipeline(model);
        self.book_orders(model);
        self.total = Counters::default();
        self.total_waits.clear();
        for (p, pair) in self.pairs.iter_mut().zip(&model.pairs) {
            let c = &mut p.counters;
            for &d in &pair.demands {
                c.add_stream(&self.demand_states[d].counters);
            }
            c.close_pair(&pair.costs, model.measured_days());
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
            self.total.add_pair(c, !pair.demands.is_empty() || pair.ordered);
            self.total_waits.add(&p.waits);
        }
        debug_assert_eq!(crate::metrics::check_network(self.ledgers()), Ok(()));
        // The network's echelon inventory: stock everywhere, less customer backorders, plus what
        // is in transit to the pairs that another location supplies.
        self.total.echelon_unit_days = self
            .pairs
            .iter()
            .zip(&model.pairs)
            .map(|(p, pair)| p.counters.network_echelon_unit_days(pair.internally_supplied))
            .sum();
        self.total.max_backorders = max_backorders(&self.days[model.warmup as usize..]);
    }

    /// Books what each source of each pair ordered on the measured days in the pair's and the
    /// lane's counts and costs, pair by pair and source by source, from whole counts: the same
    /// additions in the same order whichever schedule ran the days.
    fn book_orders(&mut self, model: &Model) {
        for ((pair, p), &first) in model.pairs.iter().zip(&mut self.pairs).zip(&self.first_source) {
            for (source, o) in pair.sources.iter().zip(&self.source_orders[first..]) {
                let (orders, units) = (o.orders as f64, o.units as f64);
                let c = &mut p.counters;
                c.orders += o.orders;
                c.units_ordered += o.units;
                c.ordering_cost += orders * source.order_cost;
                c.purchase_cost += units * source.unit_cost;
                c.landed_cost += units * source.landed_cost;
                let lane = &mut self.lanes[source.lane];
                lane.orders += o.orders;
                lane.units_ordered += o.units;
                lane.spend += units * source.unit_cost + orders * source.order_cost;
            }
        }
    }

    /// Books in the ledgers what is still on its way at the end: the shipments still in the
    /// calendar (in transit, counted independently of the on-order bookkeeping, so the pipeline
    /// identity can catch a lost shipment) and the units still waiting at upstream locations,
    /// from their backlogs.
    fn count_open_pipeline(&mut self, model: &Model) {
        self.count_open_receipts(model);
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
    }

    /// Books the shipments still in the calendar (in transit at the end, counted independently
    /// of the on-order bookkeeping, so the pipeline identity can catch a lost shipment) in their
    /// pairs' ledgers and transit counts, and empties the calendar.
    pub(super) fn count_open_receipts(&mut self, model: &Model) {
        let Workspace { calendar, pairs, lanes, .. } = self;
        for r in calendar.iter() {
            book_open_receipt(pairs, lanes, model, r);
        }
        calendar.clear();
    }
}

/// The largest end-of-day backorders of `days` (0 if none, negative counts as 0), in four
/// running maxima: a day's comparison does not wait for the day before's.
fn max_backorders(days: &[DayRecord]) -> u64 {
    let mut most = [0i64; 4];
    let mut fours = days.chunks_exact(4);
    for four in &mut fours {
        for (m, d) in most.iter_mut().zip(four) {
            *m = (*m).max(d.backorders);
        }
    }
    for d in fours.remainder() {
        most[0] = most[0].max(d.backorders);
    }
    most.into_iter().max().unwrap_or(0) as u64
}

/// Books shipment `r`, still on its way at the horizon, in its pair's ledger and transit
/// counts.
pub(super) fn book_open_receipt(
    pairs: &mut [PairState],
    lanes: &mut [LaneCounters],
    model: &Model,
    r: &Receipt,
) {
    let ledger = &mut pairs[r.pair as usize].ledger;
    ledger.in_transit += r.units;
    if model.lanes[r.lane as usize].supplier().is_none() {
        ledger.in_transit_internal += r.units;
    }
    count_transit(pairs, lanes, model, r, model.horizon);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_backorders_is_the_largest_of_any_number_of_days() {
        // Every length around the groups of four, the largest in each position, negative
        // counts (taken as 0) and no days at all.
        for len in 0..11 {
            for top in 0..len {
                let days: Vec<DayRecord> = (0..len)
                    .map(|d| DayRecord {
                        backorders: if d == top { 90 } else { (d as i64 * 7) % 13 - 4 },
                        ..Default::default()
                    })
                    .collect();
                let plain = days.iter().map(|d| d.backorders.max(0) as u64).max().unwrap_or(0);
                assert_eq!(max_backorders(&days), plain, "{len} days, largest on day {top}");
                assert_eq!(plain, 90);
            }
        }
        assert_eq!(max_backorders(&[]), 0);
        assert_eq!(max_backorders(&[DayRecord { backorders: -3, ..Default::default() }]), 0);
    }
}
