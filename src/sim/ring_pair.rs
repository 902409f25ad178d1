//! The days of a pair whose shipments the pipeline ring carries, when the pairs of a replication
//! run one after the other (`Workspace::pairs_of`).
//!
//! A pair whose one source is an external lane with a fixed lead time `L` places at most one
//! order a day, so at most one shipment is due each day, ordered `L` days before. The pipeline
//! ring, which counts the units due to each pair each day for promised dates anyway, then
//! carries the shipments without the calendar, and the pair's lane, source and lead time are
//! looked up once for all its days. The steps are the general ones (`flow`, `customers`,
//! `review`, `accounting`) made of the same parts; `engine::tests` checks that the results are
//! the same bytes as the calendar's.

use std::ops::Range;

use crate::model::{Control, Model};
use crate::sim::accounting::book_open_receipt;
use crate::sim::customers::units_drawn;
use crate::sim::engine::{DayRecord, Workspace};
use crate::sim::flow::{count_transit, ring_slot};
use crate::sim::state::Receipt;

/// Pairs whose forecasts are made ahead together ([`Workspace::ring_pairs_forecasting`]):
/// enough for their chains of arithmetic to overlap, few enough for their levels (16 bytes a
/// pair and day: 93 KB a worker at 365 days) to stay in the second-level cache.
pub(super) const FORECAST_GROUP: usize = 16;

/// What the days of a pair carried by the pipeline ring look up once.
#[derive(Debug, Clone, Copy)]
pub(super) struct RingPair {
    pi: usize,
    /// The lead time of every shipment (days, at least 1).
    pub(super) lead: u32,
    lane: usize,
    /// Index of the pair's source in `Workspace::source_orders`.
    source_orders: usize,
    /// The pair's first slot in the pipeline ring, and the ring's days less one.
    first_slot: usize,
    mask: usize,
    /// Whether the lead time is within the one the supplier quotes.
    on_time: bool,
}

impl RingPair {
    /// Pair `pi`'s constants if the pipeline ring can carry its shipments: its one source is an
    /// external lane without a capacity limit, delays or short shipments, whose lead time for
    /// the item is a fixed number of days, at least one. `source_orders` is the index of its
    /// source's order counts; `ring`, the days of the pipeline ring. The rest of what the ring
    /// days leave out (same-day receipts, outages, a network, the `external` rule, patience,
    /// churn, fair share) is left out of every lean replication, the only ones that run pair by
    /// pair.
    pub(super) fn of(model: &Model, pi: usize, source_orders: usize, ring: usize) -> Option<RingPair> {
        let pair = &model.pairs[pi];
        let [source] = pair.sources.as_slice() else { return None };
        let lane = &model.lanes[source.lane];
        if source.upstream.is_some()
            || lane.supplier().is_none()
            || lane.delays.is_some()
            || lane.yield_.is_some()
            || model.limited_lanes.contains(&source.lane)
        {
            return None;
        }
        let lead = lane.lead(pair.item);
        let days = u32::try_from(lead.sampler.table().constant()?).ok().filter(|&l| l >= 1)?;
        // The ring holds the days from today to the longest lead time (see `Calendar::new`).
        debug_assert!((days as usize) < ring, "lead time {days} in a ring of {ring} days");
        let (first_slot, mask) = (ring_slot(ring, pi, 0), ring - 1);
        let on_time = days <= lead.quoted;
        Some(RingPair { pi, lead: days, lane: source.lane, source_orders, first_slot, mask, on_time })
    }

    /// The pair's slot of `day` in the pipeline ring (`flow::ring_slot`).
    #[inline(always)]
    fn slot(&self, day: u32) -> usize {
        self.first_slot + (day as usize & self.mask)
    }

    /// The shipment of `units` due on `day`, ordered `lead` days before.
    fn receipt(&self, day: u32, units: i64) -> Receipt {
        let ordered = day - self.lead;
        Receipt {
            pair: self.pi as u32,
            lane: self.lane as u32,
            ordered,
            left: ordered,
            down_mark: 0,
            units,
            reshipped: false,
        }
    }
}

impl Workspace {
    /// Runs a lean replication of a forecasting policy whose pairs are all carried by the
    /// pipeline ring, pair by pair. On the lean loop a pair's forecasts depend only on its
    /// demand, its streams' draws (no churn, no shocks, no orders of other pairs), not on its
    /// stock: so the forecasts of a group of pairs, and their levels at each review, are made
    /// first, day by day across the group, where their chains of floating-point arithmetic
    /// overlap, and then each pair runs its days with those levels.
    pub(super) fn ring_pairs_forecasting(&mut self, model: &Model) {
        let controls = &model.policies[self.policy].controls;
        let mut days = std::mem::take(&mut self.days);
        let n = self.pairs.len();
        for start in (0..n).step_by(FORECAST_GROUP) {
            let group = start..(start + FORECAST_GROUP).min(n);
            self.forecast_ahead(model, controls, group.clone());
            for pi in group {
                let ring = self.rings[pi].expect("every pair a ring");
                let ahead = (pi - start) * model.horizon as usize;
                self.ring_pair_days::<true>(model, controls, &ring, &mut days, pi == 0, ahead);
            }
        }
        self.days = days;
    }

    /// Every day, the forecasters of pairs `group` observe the day's demand and, at each
    /// review, the pairs' levels are recomputed (as at their turn in step 4) and kept in
    /// `levels_ahead`: pair `group.start + k`'s at its review on day `t` at `k × horizon + t`.
    fn forecast_ahead(&mut self, model: &Model, controls: &[Control], group: Range<usize>) {
        let horizon = model.horizon as usize;
        // Each pair's next review, as `next_review` steps through them.
        let mut next_review = [0; FORECAST_GROUP];
        for (next, pi) in next_review.iter_mut().zip(group.clone()) {
            *next = controls[pi].rule.first_review();
        }
        for day in 0..model.horizon {
            let measured = day >= model.warmup;
            for (k, pi) in group.clone().enumerate() {
                let draws = &self.streams.demand;
                let streams = model.pairs[pi].demands.iter();
                let demand: i64 = streams.map(|&d| units_drawn(&model.demands[d], &draws[d], day, 1.0)).sum();
                self.observe(pi, demand, measured);
                let control = &controls[pi];
                if day == next_review[k] {
                    next_review[k] = control.rule.review_after(day);
                    self.recompute_levels(pi, control, day);
                    self.levels_ahead[k * horizon + day as usize] = self.pairs[pi].levels;
                }
            }
        }
    }

    /// Every day of pair `ring`, writing into `days` (zeroed first if it is the first pair).
    /// With `FORECASTS`, its levels at each review are read from `levels_ahead`, from `ahead`
    /// on ([`Self::forecast_ahead`]). Kept out of line: the day loop has the registers to
    /// itself.
    #[inline(never)]
    pub(super) fn ring_pair_days<const FORECASTS: bool>(
        &mut self,
        model: &Model,
        controls: &[Control],
        ring: &RingPair,
        days: &mut [DayRecord],
        first: bool,
        ahead: usize,
    ) {
        let (pi, control) = (ring.pi, &controls[ring.pi]);
        for (day, rec) in (0..model.horizon).zip(days) {
            if first {
                *rec = DayRecord::default();
            }
            let measured = day >= model.warmup;
            // Step 1: a shipment arrives and fills the lines waiting for it.
            if self.receive_by_ring(model, ring, day) {
                self.fill_backlog(model, pi, day);
            }
            // Step 2.
            for &d in &model.pairs[pi].demands {
                self.demand_of::<false>(model, controls, d, day, rec);
            }
            // Step 4, as `review_pair`: stock left goes to the waiting lines, then the review.
            if self.pairs[pi].anyone_waits() && self.pairs[pi].on_hand > 0 {
                self.fill_backlog(model, pi, day);
            }
            if day == self.pairs[pi].next_review {
                if FORECASTS {
                    self.pairs[pi].levels = self.levels_ahead[ahead + day as usize];
                }
                self.order_by_ring(model, ring, control, day, rec);
            }
            // Step 6.
            self.account_pair::<false>(model, pi, measured, rec);
        }
        self.count_ring_receipts(model, ring);
    }

    /// Step 1 for `ring`: the shipment due on `day`, if any, arrives (as `receive_one`).
    /// Returns whether someone waits for stock.
    #[inline(always)]
    fn receive_by_ring(&mut self, model: &Model, ring: &RingPair, day: u32) -> bool {
        let Workspace { pairs, lanes, pipeline, .. } = self;
        let units = std::mem::take(&mut pipeline[ring.slot(day)]);
        if units == 0 {
            return false;
        }
        count_transit(pairs, lanes, model, &ring.receipt(day, units), day);
        if day - ring.lead >= model.warmup {
            lanes[ring.lane].count_receipt(units, Some((ring.lead, ring.on_time)));
        }
        let p = &mut pairs[ring.pi];
        p.receive(units);
        p.anyone_waits()
    }

    /// Step 4's review for `ring` on `day` (as `review_pair` with one source whose lane has no
    /// capacity limit): the order up to the rule's level, rounded to the source's terms, due
    /// `lead` days later.
    #[inline(always)]
    fn order_by_ring(
        &mut self,
        model: &Model,
        ring: &RingPair,
        control: &Control,
        day: u32,
        rec: &mut DayRecord,
    ) {
        let Workspace { pairs, pipeline, source_orders, .. } = self;
        let p = &mut pairs[ring.pi];
        p.start_cycle(day, control.rule.review_after(day), model.warmup);
        let source = &model.pairs[ring.pi].sources[0];
        let units = source.round_order(control.rule.order_quantity(p.position(), &p.levels));
        if units > 0 {
            let counts = &mut source_orders[ring.source_orders];
            p.book_order(source, units, day >= model.warmup, counts, rec);
            pipeline[ring.slot(day + ring.lead)] += units;
        }
    }

    /// Books `ring`'s shipments still on their way at the horizon (as `count_open_receipts`).
    fn count_ring_receipts(&mut self, model: &Model, ring: &RingPair) {
        for due in model.horizon..model.horizon + ring.lead {
            let units = std::mem::take(&mut self.pipeline[ring.slot(due)]);
            if units > 0 {
                book_open_receipt(&mut self.pairs, &mut self.lanes, model, &ring.receipt(due, units));
            }
        }
    }
}
