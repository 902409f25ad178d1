//! Step 4: reviews, forecasts and replenishment orders.

use crate::model::{Control, Model};
use crate::sim::engine::{DayRecord, Workspace};
use crate::sim::forecast::Forecaster;
use crate::sim::policy::{ForecastRule, RuleKind, forecast_levels};
use crate::sim::supply::{self, Placements};

impl Workspace {
    /// At a pair's turn in step 4, its forecaster observes the day's demand: its customers'
    /// and the orders of the pairs it supplies, which are all in by then (so that the review of
    /// day `t` forecasts days `t + 1, t + 2, …`).
    pub(super) fn observe_demand(&mut self, pi: usize, measured: bool) {
        self.observe(pi, self.pairs[pi].today_demand, measured);
    }

    /// Pair `pi`'s forecaster, if it has one, observes `demand` units for the day; on a
    /// measured day its error is recorded.
    pub(super) fn observe(&mut self, pi: usize, demand: i64, measured: bool) {
        if let Some(f) = &mut self.forecasters[self.policy][pi] {
            let error = f.observe(demand as f64);
            if measured {
                self.pairs[pi].counters.forecast.record(error, demand as f64);
            }
        }
    }

    /// Pair `pi`'s forecast-driven levels at its review on `day`, on the days its rule
    /// recomputes them (after its forecaster has observed the day).
    pub(super) fn recompute_levels(&mut self, pi: usize, control: &Control, day: u32) {
        if let Some(rule) = self.take_recomputation(pi, control, day) {
            let forecaster = self.forecaster(pi);
            self.pairs[pi].levels = forecast_levels(rule, forecaster, &control.planning);
        }
    }

    /// The forecast rule of pair `pi` if it recomputes its levels at its review on `day`, whose
    /// next recomputation it then schedules.
    pub(super) fn take_recomputation<'c>(
        &mut self,
        pi: usize,
        control: &'c Control,
        day: u32,
    ) -> Option<&'c ForecastRule> {
        let p = &mut self.pairs[pi];
        match &control.rule.kind {
            RuleKind::Forecast(rule) if day >= p.next_recompute => {
                p.next_recompute = day + rule.recompute_every;
                Some(rule)
            }
            _ => None,
        }
    }

    /// Pair `pi`'s forecaster under a forecast rule.
    pub(super) fn forecaster(&self, pi: usize) -> &Forecaster {
        self.forecasters[self.policy][pi].as_ref().expect("forecast rules have one")
    }

    /// The forecasts of step 4 for every pair at once: each forecaster observes the day, and
    /// each pair reviewing today recomputes its levels.
    fn forecast_pass(&mut self, model: &Model, controls: &[Control], day: u32, measured: bool) {
        for &pi in &model.review_order {
            self.observe_demand(pi, measured);
            if day == self.pairs[pi].next_review {
                self.recompute_levels(pi, &controls[pi], day);
            }
        }
    }

    /// Step 4: reviews and replenishment orders, downstream pairs first.
    pub(super) fn review<const FULL: bool>(
        &mut self,
        model: &Model,
        controls: &[Control],
        day: u32,
        rec: &mut DayRecord,
    ) {
        // Decided once a day, so that the loop of a policy without forecasts has none of their
        // code (on either day loop).
        if model.policies[self.policy].forecasts {
            self.review_pairs::<FULL, true>(model, controls, day, rec);
        } else {
            self.review_pairs::<FULL, false>(model, controls, day, rec);
        }
    }

    /// Step 4 for every pair, with `FORECASTS` saying whether the policy forecasts.
    fn review_pairs<const FULL: bool, const FORECASTS: bool>(
        &mut self,
        model: &Model,
        controls: &[Control],
        day: u32,
        rec: &mut DayRecord,
    ) {
        for &l in &model.limited_lanes {
            self.capacity_left[l] = self.lane_capacity[l];
        }
        if FORECASTS && !FULL {
            // On the lean loop (one location, no network) no pair's demand comes from
            // another's orders, so every pair can forecast before any orders: the same work in
            // another order, with the pairs' long chains of arithmetic independent of each
            // other (the CPU overlaps them). The full loop keeps each pair's forecast at its turn.
            self.forecast_pass(model, controls, day, day >= model.warmup);
            for &pi in &model.review_order {
                self.review_pair::<FULL, false>(model, controls, pi, day, rec);
            }
        } else {
            for &pi in &model.review_order {
                self.review_pair::<FULL, FORECASTS>(model, controls, pi, day, rec);
            }
        }
    }

    /// Step 4 for pair `pi`, at its turn: it allocates its stock among the lines waiting for
    /// it, its forecaster observes the day (with `FORECASTS`), and, if its review falls on
    /// `day`, it orders.
    #[inline(always)]
    pub(super) fn review_pair<const FULL: bool, const FORECASTS: bool>(
        &mut self,
        model: &Model,
        controls: &[Control],
        pi: usize,
        day: u32,
        rec: &mut DayRecord,
    ) {
        let measured = day >= model.warmup;
        // Every pair this one supplies has had its turn: today's orders are all in, and the
        // stock on hand is allocated among every line waiting for it.
        if self.pairs[pi].anyone_waits() && self.pairs[pi].on_hand > 0 {
            self.fill_backlog(model, pi, day);
        }
        if FORECASTS {
            self.observe_demand(pi, measured);
        }
        let control = &controls[pi];
        if day != self.pairs[pi].next_review {
            return;
        }
        let echelon: i64 = match control.rule.kind {
            RuleKind::EchelonBaseStock { .. } if FULL => {
                model.pairs[pi].downstream.iter().map(|&q| self.pairs[q].position()).sum()
            }
            _ => 0,
        };
        self.pairs[pi].start_cycle(day, control.rule.review_after(day), model.warmup);
        if FORECASTS {
            self.recompute_levels(pi, control, day);
        }
        let p = &mut self.pairs[pi];
        let wanted = match control.rule.kind {
            RuleKind::External if FULL => std::mem::take(&mut self.external[pi]),
            _ => control.rule.order_quantity(p.position() + echelon, &p.levels),
        };
        if wanted <= 0 {
            return;
        }
        let sources = &model.pairs[pi].sources;
        if let Some(src) = control.sourcing.only() {
            // A single source takes the whole order, as `Placements` would give it.
            let units = supply::take(src, wanted, sources, &mut self.capacity_left);
            if units > 0 {
                self.order::<FULL>(model, pi, src, units, day, rec);
            }
            return;
        }
        let mut placements = Placements::new(&control.sourcing, wanted, &mut self.parts);
        while let Some((src, units)) =
            placements.next(&control.sourcing, sources, &mut self.capacity_left, &self.parts)
        {
            self.order::<FULL>(model, pi, src, units, day, rec);
        }
    }

    /// Pair `pi` orders `units` through its source `src`: costs and counts, then the shipment
    /// (external supplier) or the order on the upstream location.
    #[inline(always)]
    pub(super) fn order<const FULL: bool>(
        &mut self,
        model: &Model,
        pi: usize,
        src: usize,
        units: i64,
        day: u32,
        rec: &mut DayRecord,
    ) {
        let source = &model.pairs[pi].sources[src];
        let counts = &mut self.source_orders[self.first_source[pi] + src];
        self.pairs[pi].book_order(source, units, day >= model.warmup, counts, rec);
        match source.upstream {
            Some(up) if FULL => self.internal_order(model, pi, src, up, units, day),
            _ => self.ship::<FULL>(model, pi, source.lane, units, day, day),
        }
    }
}
