//! Steps 2 and 3: customer demand (filled from stock, backordered or lost) and cancellations
//! when patience runs out.

use crate::model::{Control, DemandStream, MAX_UNITS, Model, Split};
use crate::sim::backlog::{NewLine, Orderer, promise_day};
use crate::sim::day::Day;
use crate::sim::engine::{DayRecord, Workspace};
use crate::sim::rng::Stream;
use crate::sim::state::Deadline;

impl Workspace {
    /// Step 2: the day's customer demand.
    pub(super) fn demand<const FULL: bool>(
        &mut self,
        model: &Model,
        controls: &[Control],
        day: u32,
        rec: &mut DayRecord,
    ) {
        for d in 0..model.demands.len() {
            self.demand_of::<FULL>(model, controls, d, day, rec);
        }
    }

    /// Step 2 for demand stream `d`: its units of the day, filled, backordered or lost.
    #[inline(always)]
    pub(super) fn demand_of<const FULL: bool>(
        &mut self,
        model: &Model,
        controls: &[Control],
        d: usize,
        day: u32,
        rec: &mut DayRecord,
    ) {
        let stream = &model.demands[d];
        let state = &mut self.demand_states[d];
        let shock = if !FULL || stream.shocks.is_none() {
            1.0
        } else {
            stream.shocks.multiplier(day, &mut state.spike_left, &self.streams.spikes[d])
        };
        let draws = &self.streams.demand[d];
        // Loyalty is below 1 only with churn, which the lean loop leaves out.
        let units = units_drawn(stream, draws, day, if FULL { shock * state.loyalty } else { 1.0 });
        let churned = if FULL && state.loyalty < 1.0 {
            (units_drawn(stream, draws, day, shock) - units).max(0)
        } else {
            0
        };
        self.serve_demand::<FULL>(model, controls, d, day, units, churned, rec);
    }

    /// Step 2 for demand stream `d` once its `units` of the day are drawn (and the `churned`
    /// units its lost customers would have asked for): filled, backordered or lost.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(super) fn serve_demand<const FULL: bool>(
        &mut self,
        model: &Model,
        controls: &[Control],
        d: usize,
        day: u32,
        units: i64,
        churned: i64,
        rec: &mut DayRecord,
    ) {
        let measured = day >= model.warmup;
        let stream = &model.demands[d];
        let segment = &model.segments[stream.segment];
        let state = &mut self.demand_states[d];
        let pi = stream.pair;
        let p = &mut self.pairs[pi];
        p.today_demand += units;
        p.ledger.demanded += units;
        rec.demand += units;
        if let Some(split) = &stream.split {
            self.shared_lines::<FULL>(model, controls, split, day, units, rec);
            return;
        }
        let line = segment.line_size as i64;
        let lines = if line == 1 { units } else { (units + line - 1) / line };
        if measured {
            let c = &mut p.counters;
            c.demand_lines += lines as u64;
            if FULL && p.disrupted {
                c.demand_disrupted += units as u64;
            }
            state.counters.demand_units += units as u64;
            state.counters.churn_units += churned as u64;
        }
        // First come, first served: stock goes to demand only when nobody waits ahead.
        let available = if p.anyone_waits() { 0 } else { p.on_hand };
        if units <= available {
            self.fill_from_stock::<FULL>(d, pi, units, measured, rec);
            return;
        }
        self.pairs[pi].cycle_stockout = true;
        if self.in_bulk[d] {
            self.wait_in_bulk(model, controls, d, day, units - available);
            self.fill_from_stock::<FULL>(d, pi, available, measured, rec);
            return;
        }
        // Short: serve line by line.
        let mut left = available;
        let mut filled = 0;
        for k in 0..lines {
            let line_units = (units - k * line).min(line);
            let take = if segment.partial_fill || line_units <= left { line_units.min(left) } else { 0 };
            // Once a line is short, no later line overtakes it.
            left = if take < line_units { 0 } else { left - take };
            filled += take;
            let short = line_units - take;
            if short > 0 {
                self.short_line(model, controls, d, k as u64, day, short, rec);
            }
        }
        self.fill_from_stock::<FULL>(d, pi, filled, measured, rec);
    }

    /// A day's `units` of a stream whose order lines are shared among segments: each line's
    /// segment is drawn (the `Segment` sub-stream of the day, one draw per line), then served
    /// as [`Self::demand`] serves lines, in order.
    #[inline(never)]
    fn shared_lines<const FULL: bool>(
        &mut self,
        model: &Model,
        controls: &[Control],
        split: &Split,
        day: u32,
        units: i64,
        rec: &mut DayRecord,
    ) {
        let measured = day >= model.warmup;
        let lead = split.members[0];
        let pi = model.demands[lead].pair;
        let p = &mut self.pairs[pi];
        if measured && FULL && p.disrupted {
            p.counters.demand_disrupted += units as u64;
        }
        let available = if p.anyone_waits() { 0 } else { p.on_hand };
        if units > available {
            p.cycle_stockout = true;
        }
        let draws = self.streams.segment[lead].substream(u64::from(day));
        let (mut left, mut rest, mut k) = (available, units, 0u64);
        while rest > 0 {
            let m = split.member(draws.draw_at(k));
            let segment = &model.segments[model.demands[m].segment];
            let line_units = rest.min(segment.line_size as i64);
            if measured {
                self.pairs[pi].counters.demand_lines += 1;
                self.demand_states[m].counters.demand_units += line_units as u64;
            }
            let take = if segment.partial_fill || line_units <= left { line_units.min(left) } else { 0 };
            left = if take < line_units { 0 } else { left - take };
            if take > 0 {
                self.fill_from_stock::<FULL>(m, pi, take, measured, rec);
            }
            if take < line_units {
                self.short_line(model, controls, m, k, day, line_units - take, rec);
            }
            rest -= line_units;
            k += 1;
        }
    }

    /// Units of a day's demand filled from stock on arrival.
    #[inline(always)]
    pub(super) fn fill_from_stock<const FULL: bool>(
        &mut self,
        d: usize,
        pi: usize,
        units: i64,
        measured: bool,
        rec: &mut DayRecord,
    ) {
        let p = &mut self.pairs[pi];
        p.on_hand -= units;
        p.ledger.filled_on_arrival += units;
        p.ledger.shipped += units;
        rec.filled += units;
        if measured {
            self.demand_states[d].counters.filled_units += units as u64;
            if FULL && p.disrupted {
                p.counters.filled_disrupted += units as u64;
            }
        }
    }

    /// A line (number `k` of stream `d` today) that stock could not fill: backordered or lost.
    /// Kept out of line so that its set-up is not paid on the days nothing is short.
    #[allow(clippy::too_many_arguments)]
    #[cold]
    #[inline(never)]
    pub(super) fn short_line(
        &mut self,
        model: &Model,
        controls: &[Control],
        d: usize,
        k: u64,
        day: u32,
        short: i64,
        rec: &mut DayRecord,
    ) {
        let stream = &model.demands[d];
        let segment = &model.segments[stream.segment];
        let pi = stream.pair;
        let measured = day >= model.warmup;
        // One uniform per short line from the (stream, day) sub-stream: the same customer makes
        // the same choice under every policy.
        let waits = segment.backorder_probability >= 1.0
            || (segment.backorder_probability > 0.0
                && self.streams.choice[d].substream(day as u64).uniform_at(k)
                    < segment.backorder_probability);
        if !waits {
            let p = &mut self.pairs[pi];
            p.ledger.lost += short;
            rec.lost += short;
            rec.costs.lost_sales += short as f64 * model.pairs[pi].costs.lost_sale;
            if measured {
                self.demand_states[d].counters.walkaway_units += short as u64;
                if p.disrupted {
                    p.counters.lost_disrupted_units += short as u64;
                }
            }
            return;
        }
        // The end of the customer's patience (never, without one).
        let deadline = segment.patience.as_ref().map(|patience| {
            Day(day).after(patience.sample(self.streams.patience[d].substream(day as u64).draw_at(k)) as u32)
        });
        let need = self.pairs[pi].backorders + self.pairs[pi].owed + short;
        let due = |d: u32| self.pipeline[self.slot(pi, d)];
        let promise = promise_day(day, need, self.calendar.span(), due, controls[pi].promise_days);
        let p = &mut self.pairs[pi];
        let id = p.backlog.push(
            stream.class,
            NewLine {
                day,
                promise,
                by: Orderer::Customer { stream: d as u32 },
                units: short,
                partial: segment.partial_fill,
                unit_lines: false,
            },
        );
        p.backorders += short;
        if measured {
            p.counters.backordered_lines += 1;
            self.demand_states[d].counters.backordered_units += short as u64;
        }
        if let Some(deadline) = deadline {
            self.deadlines.schedule(
                day,
                deadline.0,
                Deadline { pair: pi as u32, class: stream.class as u32, id },
            );
        }
        if let Some(churn) = &segment.churn {
            let state = &mut self.demand_states[d];
            state.loyalty = churn.after_bad_experience(state.loyalty);
        }
    }

    /// Step 3: backordered lines whose patience ends today are cancelled.
    pub(super) fn cancel(&mut self, model: &Model, day: u32, rec: &mut DayRecord) {
        let measured = day >= model.warmup;
        while self.deadlines.due(day) > 0 {
            let e = self.deadlines.take();
            let p = &mut self.pairs[e.pair as usize];
            let Some(line) = p.backlog.get_mut(e.class as usize, e.id) else { continue };
            let Orderer::Customer { stream } = line.by else { continue };
            if line.units == 0 {
                continue;
            }
            let (units, stream, demanded) = (line.units, stream as usize, line.day);
            line.units = 0;
            p.backorders -= units;
            p.ledger.cancelled += units;
            rec.lost += units;
            rec.costs.lost_sales += units as f64 * model.pairs[e.pair as usize].costs.lost_sale;
            if measured && demanded >= model.warmup {
                self.demand_states[stream].counters.cancelled_units += units as u64;
                p.counters.cancelled_lines += 1;
                if p.disrupted {
                    p.counters.lost_disrupted_units += units as u64;
                }
            }
            if let Some(churn) = &model.segments[model.demands[stream].segment].churn {
                let state = &mut self.demand_states[stream];
                state.loyalty = churn.after_bad_experience(state.loyalty);
            }
        }
        for p in self.pairs.iter_mut() {
            p.backlog.tidy();
        }
    }
}

/// Units of demand stream `stream` on `day`, its draw of the day from `draws`, with its mean
/// multiplied by `extra` (shocks and churn; 1 on the lean loop).
#[inline(always)]
pub(super) fn units_drawn(stream: &DemandStream, draws: &Stream, day: u32, extra: f64) -> i64 {
    let u = draws.draw_at(stream.sampler.draw_index(day));
    stream.sampler.sample_with(day, u, extra).min(MAX_UNITS as u64) as i64
}
