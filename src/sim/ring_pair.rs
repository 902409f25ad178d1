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
use crate::sim::policy::{Exposure, ForecastRule, Levels};
use crate::sim::state::Receipt;

/// Pairs whose forecasts are made ahead together ([`Workspace::ring_pairs_forecasting`]):
/// enough for their chains of arithmetic to overlap, few enough for their levels (16 bytes a
/// pair and day: 93 KB a worker at 365 days) to stay in the second-level cache.
pub(super) const FORECAST_GROUP: usize = 16;

/// What [`Workspace::forecast_ahead`] makes for a group of pairs before their days.
#[derive(Debug, Clone, Default)]
pub(super) struct Ahead {
    /// Pair `group.start + k`'s levels at its review on day `t`, at `k × horizon + t`.
    levels: Vec<Levels>,
    /// The units of each of the group's demand streams each day, drawn once for the
    /// forecasts and the days: stream row `r`'s on day `t` at `r × horizon + t`.
    units: Vec<u32>,
    /// Pair `group.start + k`'s first stream row (its streams' rows follow in order).
    first_row: [usize; FORECAST_GROUP],
}

impl Ahead {
    /// Room for any group of `model`'s pairs (none unless a policy forecasts): 16 bytes a pair
    /// and day for the levels, 4 a stream and day for the units (116 KB a worker at 365 days,
    /// one stream a pair).
    pub(super) fn new(model: &Model) -> Ahead {
        if !model.policies.iter().any(|p| p.forecasts) {
            return Ahead::default();
        }
        let horizon = model.horizon as usize;
        let groups = model.pairs.chunks(FORECAST_GROUP);
        let rows = groups.map(|g| g.iter().map(|p| p.demands.len()).sum::<usize>()).max().unwrap_or(0);
        Ahead {
            levels: vec![Levels::default(); FORECAST_GROUP * horizon],
            units: vec![0; rows * horizon],
            first_row: [0; FORECAST_GROUP],
        }
    }
}

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

/// A pair of a group recomputing its levels on a day ([`Workspace::forecast_ahead`]), through
/// the stages of `forecast_levels`.
#[derive(Debug, Clone, Copy)]
struct Recomputation<'c> {
    pi: usize,
    rule: &'c ForecastRule,
    exposure: Exposure,
    /// The safety factor, once stage 2 has run.
    z: f64,
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
            for (k, pi) in group.enumerate() {
                let ring = self.rings[pi].expect("every pair a ring");
                self.ring_pair_days::<true>(model, controls, &ring, &mut days, pi == 0, k);
            }
        }
        self.days = days;
    }

    /// Every day, the demand of pairs `group` is drawn and kept in `ahead.units`, their
    /// forecasters observe it and, at each review, the pairs' levels are recomputed (as at
    /// their turn in step 4) and kept in `ahead.levels`. The pairs recomputing on a day go
    /// through `forecast_levels`' stages together, one stage for all of them before the next,
    /// so that the CPU overlaps their long chains of dependent arithmetic (the same operations
    /// on the same numbers: the same bits).
    fn forecast_ahead(&mut self, model: &Model, controls: &[Control], group: Range<usize>) {
        let horizon = model.horizon as usize;
        // Each pair's next review, as `next_review` steps through them, and first stream row.
        let mut next_review = [0; FORECAST_GROUP];
        let mut rows = 0;
        for (k, pi) in group.clone().enumerate() {
            next_review[k] = controls[pi].rule.first_review();
            self.ahead.first_row[k] = rows;
            rows += model.pairs[pi].demands.len();
        }
        // The pairs reviewing on the day, and those of them recomputing their levels.
        let mut reviewing = [0; FORECAST_GROUP];
        let mut recomputing: [Option<Recomputation>; FORECAST_GROUP] = [None; FORECAST_GROUP];
        for day in 0..model.horizon {
            let measured = day >= model.warmup;
            let (mut reviews, mut recomputes) = (0, 0);
            for (k, pi) in group.clone().enumerate() {
                let mut demand = 0;
                for (j, &d) in model.pairs[pi].demands.iter().enumerate() {
                    let units = units_drawn(&model.demands[d], &self.streams.demand[d], day, 1.0);
                    // At most `MAX_UNITS`, which fits.
                    self.ahead.units[(self.ahead.first_row[k] + j) * horizon + day as usize] = units as u32;
                    demand += units;
                }
                self.observe(pi, demand, measured);
                let control = &controls[pi];
                if day == next_review[k] {
                    next_review[k] = control.rule.review_after(day);
                    reviewing[reviews] = pi;
                    reviews += 1;
                    if let Some(rule) = self.recomputes(pi, control, day) {
                        let exposure = Exposure::default();
                        recomputing[recomputes] = Some(Recomputation { pi, rule, exposure, z: 0.0 });
                        recomputes += 1;
                    }
                }
            }
            let recomputing = &mut recomputing[..recomputes];
            for r in recomputing.iter_mut().flatten() {
                r.exposure = Exposure::of(r.rule, self.forecaster(r.pi), &controls[r.pi].planning);
            }
            for r in recomputing.iter_mut().flatten() {
                r.z = r.exposure.safety_factor(r.rule);
            }
            for r in recomputing.iter().flatten() {
                self.pairs[r.pi].levels = r.exposure.levels(r.rule, r.z);
            }
            for &pi in &reviewing[..reviews] {
                self.ahead.levels[(pi - group.start) * horizon + day as usize] = self.pairs[pi].levels;
            }
        }
    }

    /// Every day of pair `ring`, writing into `days` (zeroed first if it is the first pair).
    /// With `FORECASTS`, the pair is `k`-th of the group [`Self::forecast_ahead`] went through,
    /// and its demand and its levels at each review are read from `ahead`. Kept out of line:
    /// the day loop has the registers to itself.
    #[inline(never)]
    pub(super) fn ring_pair_days<const FORECASTS: bool>(
        &mut self,
        model: &Model,
        controls: &[Control],
        ring: &RingPair,
        days: &mut [DayRecord],
        first: bool,
        k: usize,
    ) {
        let (pi, control) = (ring.pi, &controls[ring.pi]);
        let horizon = model.horizon as usize;
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
            for (j, &d) in model.pairs[pi].demands.iter().enumerate() {
                let units = if FORECASTS {
                    i64::from(self.ahead.units[(self.ahead.first_row[k] + j) * horizon + day as usize])
                } else {
                    units_drawn(&model.demands[d], &self.streams.demand[d], day, 1.0)
                };
                self.serve_demand::<false>(model, controls, d, day, units, 0, rec);
            }
            // Step 4, as `review_pair`: stock left goes to the waiting lines, then the review.
            if self.pairs[pi].anyone_waits() && self.pairs[pi].on_hand > 0 {
                self.fill_backlog(model, pi, day);
            }
            if day == self.pairs[pi].next_review {
                if FORECASTS {
                    self.pairs[pi].levels = self.ahead.levels[k * horizon + day as usize];
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
