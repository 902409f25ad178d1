//! The `external` inventory rule: order quantities set from outside the simulation, and the
//! entry points that let a caller (the environment of `experiment::env`) step a replication
//! day by day with the engine's own day loop.
//!
//! A day is run in two halves, [`Workspace::steps_before_review`] (steps 0 to 3: suppliers,
//! receipts, demand, cancellations) and [`Workspace::steps_from_review`] (steps 4 to 6: reviews,
//! same-day receipts, accounting), the same two functions `scsim run` calls back to back.
//! Between them the caller reads each pair's state and sets, with [`Workspace::set_order`],
//! the quantity each pair with the `external` rule orders if it reviews that day; the review
//! step takes it in place of a computed quantity (lane minimums, multiples, capacities and the
//! sourcing rule still apply, as for every rule).

use crate::model::Model;
use crate::sim::engine::{DayRecord, Workspace};

/// What a caller sees of one pair between steps 3 and 4 of a day (before the review step).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PairView {
    /// Units on hand.
    pub(crate) on_hand: i64,
    /// Units owed: customers' backorders plus the orders of downstream locations waiting here.
    pub(crate) backorders: i64,
    /// The inventory position the rules order by: on hand + on order − units owed.
    pub(crate) position: i64,
    /// Whether the pair reviews today (an order set for it is placed today).
    pub(crate) reviews_today: bool,
    /// Units demanded from the pair so far today (customers; orders of downstream locations
    /// are placed at the review step, after this view).
    pub(crate) demand_today: i64,
    /// Units sold since the start of the replication: demanded and not lost or cancelled
    /// (filled, or still backordered), every day counted, warm-up included.
    pub(crate) sold: i64,
}

impl Workspace {
    /// Starts replication `replication` of policy `policy` with master seed `seed`, to be run
    /// day by day: the same state as [`Workspace::run`] starts from.
    pub(crate) fn start(&mut self, model: &Model, policy: usize, seed: u64, replication: u64) {
        self.reset(model, policy, seed, replication);
        self.external.iter_mut().for_each(|x| *x = 0);
    }

    /// Runs steps 0 to 3 of `day` (the full loop; its results equal the lean loop's).
    pub(crate) fn day_until_review(&mut self, model: &Model, day: u32, rec: &mut DayRecord) {
        *rec = DayRecord::default();
        self.steps_before_review::<true>(model, day, rec);
    }

    /// Sets the units pair `pair` orders at today's review if its rule is `external` and it
    /// reviews today (ignored otherwise).
    pub(crate) fn set_order(&mut self, pair: usize, units: i64) {
        self.external[pair] = units;
    }

    /// Runs steps 4 to 6 of `day` and keeps the day's record; orders set and not placed are
    /// dropped.
    pub(crate) fn day_from_review(&mut self, model: &Model, day: u32, rec: &mut DayRecord) {
        self.steps_from_review::<true>(model, day, rec);
        self.days[day as usize] = *rec;
        self.external.iter_mut().for_each(|x| *x = 0);
    }

    /// Closes the replication after its last day: the counters, ledgers and totals of
    /// [`Workspace::run`].
    pub(crate) fn end(&mut self, model: &Model) {
        self.finish(model);
    }

    /// The state of pair `pair` on `day` between steps 3 and 4.
    pub(crate) fn view(&self, pair: usize, day: u32) -> PairView {
        let p = &self.pairs[pair];
        PairView {
            on_hand: p.on_hand,
            backorders: p.backorders + p.owed,
            position: p.position(),
            reviews_today: p.next_review == day,
            demand_today: p.today_demand,
            sold: p.ledger.demanded - p.ledger.lost - p.ledger.cancelled,
        }
    }

    /// Units expected at pair `pair` on each of the days after `day`, by the lead times
    /// confirmed when they left (`out[k]` is due on day `day + 1 + k`; units due today or
    /// overdue and not yet in count in `out[0]`; units due later than `out` reaches count in
    /// its last entry). Units a pair ordered from an upstream location that has not shipped
    /// them yet are not in transit and not counted (they are in the position).
    pub(crate) fn due_by_day(&self, pair: usize, day: u32, out: &mut [i64]) {
        out.iter_mut().for_each(|x| *x = 0);
        let last = out.len() - 1;
        for ahead in 0..self.ring as u32 {
            let units = self.pipeline[self.slot(pair, day + ahead)];
            out[(ahead.max(1) as usize - 1).min(last)] += units;
        }
    }
}
