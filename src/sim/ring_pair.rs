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

use crate::model::{Control, MAX_UNITS, Model};
use crate::sim::accounting::book_open_receipt;
use crate::sim::customers::units_drawn;
use crate::sim::engine::{DayRecord, Workspace};
use crate::sim::flow::{count_transit, ring_slot};
use crate::sim::policy::{Exposure, Levels};
use crate::sim::state::{Receipt, Streams};

/// What [`Workspace::forecast_ahead`] makes for a pair before its days.
#[derive(Debug, Clone, Default)]
pub(super) struct Ahead {
    /// The pair's levels on each day: those its review of the day orders by.
    levels: Vec<Levels>,
    /// The units of each of the pair's demand streams each day, drawn once for the forecasts
    /// and the days: its `j`-th stream's on day `t` at `j × horizon + t`.
    units: Vec<u32>,
    /// The pair's recomputations of its levels, in the order of their days.
    recomputations: Vec<Recomputation>,
}

/// A recomputation of a pair's levels on `day`, through the stages of `forecast_levels`.
#[derive(Debug, Clone, Copy)]
struct Recomputation {
    day: u32,
    exposure: Exposure,
    /// The safety factor, once stage 2 has run.
    z: f64,
}

impl Ahead {
    /// Room for any pair of `model` (none unless a policy forecasts): 16 bytes a day for the
    /// levels, 4 a stream and day for the units, 48 a day for the recomputations (25 KB a
    /// worker at 365 days and one stream a pair).
    pub(super) fn new(model: &Model) -> Ahead {
        if !model.policies.iter().any(|p| p.forecasts) {
            return Ahead::default();
        }
        let horizon = model.horizon as usize;
        let streams = model.pairs.iter().map(|p| p.demands.len()).max().unwrap_or(0);
        Ahead {
            levels: vec![Levels::default(); horizon],
            units: vec![0; streams * horizon],
            recomputations: Vec::with_capacity(horizon),
        }
    }
}

/// Most entries of [`Drawn`]'s table (256 KB, in the second-level cache).
const DRAWN_MAX: usize = 1 << 16;

/// The demand of every stream and day of one replication, drawn once for the policies that run
/// pair by pair without forecasting (`Workspace::pairs_of`) when a model has two or more, whose
/// replications run one policy after the other on one workspace (`experiment::run_chunk`). On
/// the lean loop a stream's draws do not depend on the policy (no churn, no shocks), so the
/// days of a ring pair read them here instead of drawing them again: the policies' comparison
/// sees the same demand by construction. Kept only then, with a ring pair, and when the table
/// has at most [`DRAWN_MAX`] entries; allocated by the first draw. A workspace runs only the
/// model it was made for, so (seed, replication) is the table's key.
#[derive(Debug, Clone, Default)]
pub(super) struct Drawn {
    /// Whether the table is kept for this model.
    kept: bool,
    /// The (seed, replication) whose demand `units` holds, if any.
    key: Option<(u64, u64)>,
    /// Stream `d`'s units on day `t` at `d × horizon + t`.
    units: Vec<u32>,
}

// The units drawn, at most `MAX_UNITS`, fit the table's entries.
const _: () = assert!(MAX_UNITS <= u32::MAX as i64);

impl Drawn {
    /// The table for `model`, whose pairs' ring constants are `rings`.
    pub(super) fn new(model: &Model, rings: &[Option<RingPair>]) -> Drawn {
        let pair_by_pair =
            (0..model.policies.len()).filter(|&p| model.lean(p) && !model.policies[p].forecasts);
        let kept = model.independent_pairs()
            && rings.iter().any(Option::is_some)
            && pair_by_pair.count() >= 2
            && model.demands.len() * model.horizon as usize <= DRAWN_MAX;
        Drawn { kept, key: None, units: Vec::new() }
    }

    /// Draws replication `key`'s demand from `streams` unless it is the one held; then whether
    /// the table holds it.
    pub(super) fn draw(&mut self, model: &Model, streams: &Streams, key: (u64, u64)) -> bool {
        if !self.kept {
            return false;
        }
        if self.key != Some(key) {
            let horizon = model.horizon as usize;
            self.units.resize(model.demands.len() * horizon, 0);
            for (d, units) in self.units.chunks_exact_mut(horizon).enumerate() {
                draw_days(model, streams, d, units);
            }
            self.key = Some(key);
        }
        true
    }
}

/// Demand stream `d`'s units on each day of the horizon, into `units` (one entry a day).
fn draw_days(model: &Model, streams: &Streams, d: usize, units: &mut [u32]) {
    let (stream, draws) = (&model.demands[d], &streams.demand[d]);
    for (day, units) in (0..model.horizon).zip(units) {
        *units = units_drawn(stream, draws, day, 1.0) as u32;
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

impl Workspace {
    /// Runs a lean replication of a forecasting policy whose pairs are all carried by the
    /// pipeline ring, pair by pair. On the lean loop a pair's forecasts depend only on its
    /// demand, its streams' draws (no churn, no shocks, no orders of other pairs), not on its
    /// stock: so its forecasts, and its levels at each review, are made first, for all its
    /// days, and then it runs its days with those levels.
    pub(super) fn ring_pairs_forecasting(&mut self, model: &Model) {
        let controls = &model.policies[self.policy].controls;
        let mut days = std::mem::take(&mut self.days);
        for pi in 0..self.pairs.len() {
            let ring = self.rings[pi].expect("every pair a ring");
            self.forecast_ahead(model, &controls[pi], pi);
            self.ring_pair_days::<true>(model, controls, &ring, &mut days, pi == 0, false);
        }
        self.days = days;
    }

    /// Pair `pi`'s demand of every day is drawn and kept in `ahead.units`, its forecaster
    /// observes it and, at each review, its levels are recomputed (as at its turn in step 4)
    /// and kept in `ahead.levels`. A day's recomputation does not feed the next day's, so they
    /// go through `forecast_levels`' stages one stage for all the days before the next, where
    /// the CPU overlaps their long chains of dependent arithmetic (the same operations on the
    /// same numbers: the same bits).
    fn forecast_ahead(&mut self, model: &Model, control: &Control, pi: usize) {
        let horizon = model.horizon as usize;
        let mut recomputations = std::mem::take(&mut self.ahead.recomputations);
        recomputations.clear();
        // The demand of every day.
        let streams = &model.pairs[pi].demands;
        for (&d, units) in streams.iter().zip(self.ahead.units.chunks_exact_mut(horizon)) {
            draw_days(model, &self.streams, d, units);
        }
        // Stage 1 with the forecasts: the forecaster observes each day, then its exposure at
        // each recomputation.
        let mut rule = None;
        let mut next_review = control.rule.first_review();
        for day in 0..model.horizon {
            let rows = (0..streams.len()).map(|j| self.ahead.units[j * horizon + day as usize]);
            let demand = rows.map(i64::from).sum();
            self.observe(pi, demand, day >= model.warmup);
            if day != next_review {
                continue;
            }
            next_review = control.rule.review_after(day);
            if let Some(r) = self.take_recomputation(pi, control, day) {
                let exposure = Exposure::of(r, self.forecaster(pi), &control.planning);
                recomputations.push(Recomputation { day, exposure, z: 0.0 });
                rule = Some(r);
            }
        }
        // Stage 2: the safety factors.
        if let Some(rule) = rule {
            for r in &mut recomputations {
                r.z = r.exposure.safety_factor(rule);
            }
        }
        // Stage 3: the levels, each day's those of the last recomputation up to it.
        // (The pair's own levels are set at each review of its days, from these.)
        let mut levels = self.pairs[pi].levels;
        let mut next = recomputations.iter().peekable();
        for (day, ahead) in (0..model.horizon).zip(&mut self.ahead.levels) {
            if let (Some(rule), Some(r)) = (rule, next.next_if(|r| r.day == day)) {
                levels = r.exposure.levels(rule, r.z);
            }
            *ahead = levels;
        }
        self.ahead.recomputations = recomputations;
    }

    /// Every day of pair `ring`, writing into `days` (zeroed first if it is the first pair).
    /// With `FORECASTS`, its demand and its levels at each review are read from `ahead`
    /// ([`Self::forecast_ahead`]); otherwise its demand from `drawn` if `drawn` says so
    /// ([`Drawn::draw`]), or drawn day by day. Kept out of line: the day loop has the
    /// registers to itself.
    #[inline(never)]
    pub(super) fn ring_pair_days<const FORECASTS: bool>(
        &mut self,
        model: &Model,
        controls: &[Control],
        ring: &RingPair,
        days: &mut [DayRecord],
        first: bool,
        drawn: bool,
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
                    i64::from(self.ahead.units[j * horizon + day as usize])
                } else if drawn {
                    i64::from(self.drawn.units[d * horizon + day as usize])
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
                    self.pairs[pi].levels = self.ahead.levels[day as usize];
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
