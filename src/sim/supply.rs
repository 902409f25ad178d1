//! The supply side: lanes from suppliers to locations, their lead times and order rules.

use crate::sim::dist::Sampler;
use crate::sim::rng::Stream;

/// A validated supplier.
#[derive(Debug, Clone)]
pub struct Supplier {
    /// Identifier from the scenario.
    pub id: String,
    /// Its outages, if it has any.
    pub outages: Option<Outages>,
}

/// When a supplier is down and what that does.
#[derive(Debug, Clone, PartialEq)]
pub struct Outages {
    /// Daily (fail, recover) probabilities of the random up/down chain.
    pub markov: Option<(f64, f64)>,
    /// Planned outage windows.
    pub windows: Vec<Window>,
    /// Share of each lane's capacity kept while down (0: no orders accepted).
    pub remaining_capacity: f64,
    /// Whether shipments in transit stop moving while the supplier is down.
    pub freeze_in_transit: bool,
}

impl Outages {
    /// The stationary probability that the random chain is up: recover / (fail + recover).
    pub fn stationary_up(&self) -> f64 {
        match self.markov {
            Some((fail, recover)) => recover / (fail + recover),
            None => 1.0,
        }
    }
}

/// A day range, possibly repeating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// First day.
    pub start: u32,
    /// Length in days.
    pub days: u32,
    /// Period of repetition in days, if it repeats.
    pub every: Option<u32>,
}

impl Window {
    /// Whether `day` falls inside the window (or one of its repetitions).
    pub fn contains(&self, day: u32) -> bool {
        if day < self.start {
            return false;
        }
        let k = day - self.start;
        match self.every {
            Some(every) => k % every < self.days,
            None => k < self.days,
        }
    }
}

/// Random delays of a lane's shipments.
#[derive(Debug, Clone)]
pub struct Delays {
    /// Probability that a day's shipment is delayed.
    pub probability: f64,
    /// Extra days when it is.
    pub extra: Sampler,
}

/// Short shipments of a lane.
#[derive(Debug, Clone, PartialEq)]
pub struct Yield {
    /// Probability that a shipment arrives short.
    pub probability: f64,
    /// Share arriving when short: uniform between the two bounds (equal for a constant).
    pub fraction: (f64, f64),
    /// Whether the missing units are shipped again (else the order is reduced).
    pub reship: bool,
}

impl Yield {
    /// Units that arrive of `units`, for uniforms `u` (short or not) and `v` (the share).
    pub fn delivered(&self, units: i64, u: f64, v: f64) -> i64 {
        if u >= self.probability {
            return units;
        }
        let share = self.fraction.0 + v * (self.fraction.1 - self.fraction.0);
        ((units as f64 * share).floor() as i64).clamp(0, units)
    }
}

/// Who ships on a lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shipper {
    /// An external supplier (index into `Model::suppliers`), with unlimited stock.
    Supplier(usize),
    /// A location of the network (index into `Model::locations`), which ships from its stock.
    Location(usize),
}

/// A validated replenishment lane.
#[derive(Debug, Clone)]
pub struct Lane {
    /// Identifier from the scenario.
    pub id: String,
    /// Who ships on the lane.
    pub from: Shipper,
    /// Index of the location receiving.
    pub to: usize,
    /// The lead times of the lane: the lane's own first, then those of items with their own.
    pub leads: Vec<Lead>,
    /// For each item index, which of `leads` it travels with (empty: every item the lane's own).
    pub lead_of_item: Vec<u32>,
    /// Units the lane can ship per day over all items (`i64::MAX`: unlimited).
    pub capacity_per_day: i64,
    /// Random delays, if any.
    pub delays: Option<Delays>,
    /// Short shipments, if any.
    pub yield_: Option<Yield>,
}

/// A lead time on a lane (the lane's own, or an item's).
#[derive(Debug, Clone)]
pub struct Lead {
    /// Lead time in days.
    pub sampler: Sampler,
    /// Lead time the supplier promises (days), for the on-time share.
    pub quoted: u32,
}

impl Lane {
    /// The external supplier shipping on the lane (`None` for an internal lane).
    #[inline]
    pub fn supplier(&self) -> Option<usize> {
        match self.from {
            Shipper::Supplier(s) => Some(s),
            Shipper::Location(_) => None,
        }
    }

    /// The lead time item `item` travels with on this lane.
    #[inline(always)]
    pub fn lead(&self, item: usize) -> &Lead {
        let k = self.lead_of_item.get(item).map_or(0, |&k| k as usize);
        &self.leads[k]
    }

    /// Lead time of a shipment of item `item` leaving on `day`, as `(confirmed, delay)`: the
    /// supplier confirms `confirmed` days when the order is placed, and the shipment takes
    /// `delay` days more (a surprise). Everything shipped on the lane on the same day travels
    /// together, so it is one draw per (lane, day) from the lane's lead time stream (turned into
    /// days by the item's own lead time where it has one) and one from its delay stream,
    /// identical under every policy.
    #[inline(always)]
    pub fn lead_time(&self, item: usize, lead: &Stream, delay: &Stream, day: u32) -> (u32, u32) {
        let sampler = &self.lead(item).sampler;
        let confirmed = match sampler.table().constant() {
            Some(l) => l as u32,
            None => sampler.sample(lead.draw_at(day as u64)) as u32,
        };
        let extra = match &self.delays {
            Some(d) if delay.uniform_at(2 * day as u64) < d.probability => {
                d.extra.sample(delay.draw_at(2 * day as u64 + 1)) as u32
            }
            _ => 0,
        };
        (confirmed, extra)
    }

    /// The largest lead time the lane can draw for any item, delay included.
    pub fn max_lead_time(&self) -> u32 {
        let delay = self.delays.as_ref().map_or(0, |d| d.extra.table().max());
        let lead = self.leads.iter().map(|l| l.sampler.table().max()).max().unwrap_or(0);
        (lead + delay) as u32
    }

    /// Whether some item can arrive on the day it is shipped (a lead time of 0).
    pub fn can_be_same_day(&self) -> bool {
        self.leads.iter().any(|l| l.sampler.table().pmf().next().is_some_and(|(v, _)| v == 0))
    }

    /// Mean lead time of item `item` (days).
    pub fn mean_lead_time(&self, item: usize) -> f64 {
        self.lead(item).sampler.table().pmf().map(|(v, p)| v as f64 * p).sum()
    }

    /// Variance of the lead time of item `item` (days²).
    pub fn lead_time_variance(&self, item: usize) -> f64 {
        let mean = self.mean_lead_time(item);
        self.lead(item).sampler.table().pmf().map(|(v, p)| (v as f64 - mean).powi(2) * p).sum()
    }
}

/// A lane that replenishes a pair, with the item's terms on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Lane index.
    pub lane: usize,
    /// For an internal lane, the pair (same item, shipping location) that fills the orders.
    pub upstream: Option<usize>,
    /// The backlog class the pair's orders join at the upstream pair (0 without one).
    pub class: usize,
    /// Purchase price per unit.
    pub unit_cost: f64,
    /// What a unit bought on the lane has cost when it arrives: the unit cost, plus on a lane
    /// from another location the item's unit cost (paid where it entered the network).
    pub landed_cost: f64,
    /// Fixed cost per order.
    pub order_cost: f64,
    /// Minimum order quantity (units).
    pub min_order: i64,
    /// Orders are rounded up to a multiple of this (units, ≥ 1).
    pub order_multiple: i64,
}

impl Source {
    /// The quantity to place on this source for `wanted` units when `capacity_left` units of
    /// its lane's capacity remain today: raised to the minimum and rounded up to the multiple;
    /// if that exceeds the capacity, the largest multiple that fits (0 if it is below the
    /// minimum).
    #[inline]
    pub fn placeable(&self, wanted: i64, capacity_left: i64) -> i64 {
        let q = self.round_order(wanted);
        if q <= capacity_left {
            return q;
        }
        let fit = capacity_left / self.order_multiple * self.order_multiple;
        if fit >= self.min_order.max(1) { fit } else { 0 }
    }

    /// Applies the minimum order quantity and the order multiple to a wanted quantity.
    #[inline]
    pub fn round_order(&self, wanted: i64) -> i64 {
        if wanted <= 0 {
            return 0;
        }
        let q = wanted.max(self.min_order);
        if self.order_multiple == 1 {
            q
        } else {
            (q + self.order_multiple - 1) / self.order_multiple * self.order_multiple
        }
    }
}

/// How a pair's orders are placed on its sources (indices into `Pair::sources`).
#[derive(Debug, Clone, PartialEq)]
pub enum Sourcing {
    /// Sources in order of preference: each takes what it can of what is still wanted.
    Sequential(Vec<usize>),
    /// Fixed shares of every order, in the listed order; what a source cannot take moves on to
    /// the next one.
    Split {
        /// Sources.
        sources: Vec<usize>,
        /// Their shares, normalised to sum to 1.
        shares: Vec<f64>,
    },
}

impl Sourcing {
    /// The source of a rule that lists a single one, which then takes every order (all of it,
    /// or, under a capacity limit, what fits, as [`Placements`] would place it).
    #[inline]
    pub(crate) fn only(&self) -> Option<usize> {
        match self {
            Sourcing::Sequential(order) | Sourcing::Split { sources: order, .. } => match order.as_slice() {
                [src] => Some(*src),
                _ => None,
            },
        }
    }
}

/// Splits `units` by `shares` (summing to 1) into whole units that add up to exactly `units`:
/// each share gets the floor of its exact part, and the units left go one each to the largest
/// fractional parts (ties to the first listed).
pub fn split_units(units: i64, shares: &[f64], out: &mut Vec<i64>) {
    let exact = |i: usize| units as f64 * shares[i];
    out.clear();
    out.extend((0..shares.len()).map(|i| exact(i).floor() as i64));
    let mut left = units - out.iter().sum::<i64>();
    while left > 0 {
        let mut best = 0;
        for i in 1..shares.len() {
            if exact(i) - out[i] as f64 > exact(best) - out[best] as f64 {
                best = i;
            }
        }
        out[best] += 1;
        left -= 1;
    }
}

/// Places up to `units` on source `src` within what its lane can still take today; returns the
/// units placed.
#[inline(always)]
pub(super) fn take(src: usize, units: i64, sources: &[Source], capacity_left: &mut [i64]) -> i64 {
    let lane = sources[src].lane;
    if units <= 0 {
        return 0;
    }
    let left = &mut capacity_left[lane];
    let q = sources[src].placeable(units, *left);
    if q > 0 && *left != i64::MAX {
        *left -= q;
    }
    q
}

/// The placements of one order of a pair on its sources by its sourcing rule, worked out one
/// at a time so that the caller can act on each in between (the lanes' state is lent to
/// [`Placements::next`] only). What no source can take is not ordered: the next review sees the
/// position still low and orders again.
#[derive(Debug, Clone, Copy)]
pub struct Placements {
    /// Position in the rule's list of sources.
    step: usize,
    /// Units still to place (sequential), or carried over to the next source (split).
    left: i64,
}

impl Placements {
    /// Starts placing `wanted` units; a split rule divides them into `parts` first.
    #[inline]
    pub fn new(sourcing: &Sourcing, wanted: i64, parts: &mut Vec<i64>) -> Placements {
        match sourcing {
            Sourcing::Sequential(_) => Placements { step: 0, left: wanted },
            Sourcing::Split { shares, .. } => {
                split_units(wanted, shares, parts);
                Placements { step: 0, left: 0 }
            }
        }
    }

    /// The next placement, as `(source index, units)`. `capacity_left[lane]` is what the lane
    /// can still ship today (reduced here; `i64::MAX` means unlimited, 0 nothing, as while its
    /// supplier is down); `parts` is what [`Placements::new`] wrote.
    #[inline(always)]
    pub fn next(
        &mut self,
        sourcing: &Sourcing,
        sources: &[Source],
        capacity_left: &mut [i64],
        parts: &[i64],
    ) -> Option<(usize, i64)> {
        match sourcing {
            // Each source in turn takes what the ones before it could not.
            Sourcing::Sequential(order) => {
                while self.left > 0 && self.step < order.len() {
                    let src = order[self.step];
                    self.step += 1;
                    let q = take(src, self.left, sources, capacity_left);
                    self.left -= q;
                    if q > 0 {
                        return Some((src, q));
                    }
                }
            }
            // Each source takes its share and what the ones before it could not.
            Sourcing::Split { sources: listed, .. } => {
                while self.step < listed.len() {
                    let (src, target) = (listed[self.step], parts[self.step] + self.left);
                    self.step += 1;
                    let q = take(src, target, sources, capacity_left);
                    self.left = (target - q).max(0);
                    if q > 0 {
                        return Some((src, q));
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn windows_repeat() {
        let w = Window { start: 10, days: 3, every: Some(100) };
        let days: Vec<u32> = (0..220).filter(|&d| w.contains(d)).collect();
        assert_eq!(days, vec![10, 11, 12, 110, 111, 112, 210, 211, 212]);
        let once = Window { start: 0, days: 2, every: None };
        assert!(once.contains(1) && !once.contains(2) && !once.contains(100));
    }

    #[test]
    fn yield_delivers_a_share() {
        let y = Yield { probability: 0.5, fraction: (0.5, 1.0), reship: false };
        assert_eq!(y.delivered(100, 0.7, 0.0), 100, "not short");
        assert_eq!(y.delivered(100, 0.2, 0.0), 50);
        assert_eq!(y.delivered(100, 0.2, 0.5), 75);
        assert_eq!(y.delivered(7, 0.2, 0.999), 6, "rounded down");
    }

    /// The terms of a test lane (one item, so they are also its source's).
    struct Spec {
        min_order: i64,
        order_multiple: i64,
        capacity_per_day: i64,
    }

    fn lane(min_order: i64, order_multiple: i64, capacity_per_day: i64) -> Spec {
        Spec { min_order, order_multiple, capacity_per_day }
    }

    fn sources(specs: &[Spec]) -> Vec<Source> {
        let source = |(lane, s): (usize, &Spec)| Source {
            lane,
            upstream: None,
            class: 0,
            unit_cost: 1.0,
            landed_cost: 1.0,
            order_cost: 0.0,
            min_order: s.min_order,
            order_multiple: s.order_multiple,
        };
        specs.iter().enumerate().map(source).collect()
    }

    /// Every placement of one order, with `capacity` left reduced.
    fn place_on(sourcing: &Sourcing, wanted: i64, specs: &[Spec], capacity: &mut [i64]) -> Vec<(usize, i64)> {
        let (sources, mut parts, mut out) = (sources(specs), Vec::new(), Vec::new());
        let mut placements = Placements::new(sourcing, wanted, &mut parts);
        while let Some(p) = placements.next(sourcing, &sources, capacity, &parts) {
            out.push(p);
        }
        out
    }

    /// Places one order when the lanes marked in `up` take orders (a lane whose supplier is down
    /// has nothing left today); returns the placements and the capacity left.
    fn place(sourcing: &Sourcing, wanted: i64, lanes: &[Spec], up: &[bool]) -> (Vec<(usize, i64)>, Vec<i64>) {
        let mut capacity: Vec<i64> =
            lanes.iter().zip(up).map(|(l, &up)| if up { l.capacity_per_day } else { 0 }).collect();
        let out = place_on(sourcing, wanted, lanes, &mut capacity);
        (out, capacity)
    }

    #[test]
    fn backup_takes_exactly_what_the_primary_cannot() {
        let lanes = [lane(0, 1, 50), lane(0, 1, i64::MAX)];
        let rule = Sourcing::Sequential(vec![0, 1]);
        assert_eq!(place(&rule, 30, &lanes, &[true, true]).0, vec![(0, 30)]);
        assert_eq!(place(&rule, 50, &lanes, &[true, true]).0, vec![(0, 50)]);
        assert_eq!(place(&rule, 51, &lanes, &[true, true]).0, vec![(0, 50), (1, 1)]);
        assert_eq!(place(&rule, 80, &lanes, &[false, true]).0, vec![(1, 80)], "primary unavailable");
        assert_eq!(place(&rule, 80, &lanes, &[false, false]).0, vec![], "nothing available: nothing ordered");
        // Capacity is shared through the day: after 40 units the primary has 10 left.
        let mut capacity = vec![50, i64::MAX];
        let mut out = place_on(&rule, 40, &lanes, &mut capacity);
        out.extend(place_on(&rule, 40, &lanes, &mut capacity));
        assert_eq!(out, vec![(0, 40), (0, 10), (1, 30)]);
        assert_eq!(capacity, vec![0, i64::MAX], "unlimited stays unlimited");
    }

    #[test]
    fn split_follows_shares_and_rolls_over_capacity() {
        let lanes = [lane(0, 1, i64::MAX), lane(0, 1, 20)];
        let rule = Sourcing::Split { sources: vec![1, 0], shares: vec![0.3, 0.7] };
        assert_eq!(place(&rule, 50, &lanes, &[true, true]).0, vec![(1, 15), (0, 35)]);
        // Lane 1 can take only 20 of its 30: the other 10 move to lane 0.
        assert_eq!(place(&rule, 100, &lanes, &[true, true]).0, vec![(1, 20), (0, 80)]);
    }

    proptest! {
        #[test]
        fn split_units_conserves_exactly(units in 0i64..1_000_000, raw in prop::collection::vec(0.01f64..10.0, 1..6)) {
            let total: f64 = raw.iter().sum();
            let shares: Vec<f64> = raw.iter().map(|x| x / total).collect();
            let mut parts = Vec::new();
            split_units(units, &shares, &mut parts);
            prop_assert_eq!(parts.iter().sum::<i64>(), units);
            for (p, s) in parts.iter().zip(&shares) {
                prop_assert!((*p as f64 - units as f64 * s).abs() < 1.0 + 1e-9);
            }
        }

        #[test]
        fn every_placement_respects_minimum_multiple_and_capacity(
            wanted in 1i64..5000,
            specs in prop::collection::vec((0i64..200, 1i64..50, prop_oneof![Just(i64::MAX), 1i64..3000]), 1..4),
            up in prop::collection::vec(any::<bool>(), 4),
            split in any::<bool>(),
        ) {
            let lanes: Vec<Spec> = specs.iter().map(|&(m, k, c)| lane(m, k, c)).collect();
            let order: Vec<usize> = (0..lanes.len()).collect();
            let rule = if split {
                Sourcing::Split { sources: order.clone(), shares: vec![1.0 / lanes.len() as f64; lanes.len()] }
            } else {
                Sourcing::Sequential(order)
            };
            let (placed, capacity_left) = place(&rule, wanted, &lanes, &up);
            for &(src, units) in &placed {
                let l = &lanes[src];
                prop_assert!(up[src], "an unavailable lane got an order");
                prop_assert!(units >= l.min_order && units > 0);
                prop_assert_eq!(units % l.order_multiple, 0);
                prop_assert!(units <= l.capacity_per_day);
            }
            for (l, left) in lanes.iter().zip(&capacity_left) {
                prop_assert!(*left >= 0 && *left <= l.capacity_per_day);
            }
            // Without rounding constraints and with room everywhere, the order is placed exactly.
            if lanes.iter().all(|l| l.min_order == 0 && l.order_multiple == 1 && l.capacity_per_day == i64::MAX)
                && up.iter().take(lanes.len()).all(|&u| u)
            {
                prop_assert_eq!(placed.iter().map(|p| p.1).sum::<i64>(), wanted);
            }
        }
    }

    #[test]
    fn rounding_respects_minimum_and_multiple() {
        let lane = &sources(&[lane(30, 12, i64::MAX)])[0];
        assert_eq!(lane.round_order(0), 0);
        assert_eq!(lane.round_order(-4), 0);
        assert_eq!(lane.round_order(1), 36);
        assert_eq!(lane.round_order(36), 36);
        assert_eq!(lane.round_order(37), 48);
        for w in 1..200 {
            let q = lane.round_order(w);
            assert!(q >= w && q >= 30 && q % 12 == 0 && q - w.max(30) < 12);
        }
    }
}
