//! The backlog of one (location, item) pair: backordered order lines waiting for stock, from
//! customers and from the downstream locations it supplies.
//!
//! Lines wait in priority classes (one class under first-come-first-served and fair-share
//! allocation), each a queue in arrival order. A line keeps its place until it is filled or cancelled; a cancelled
//! line is only marked (its units set to 0) and leaves the queue when it reaches the front, so
//! a line can be found by its id in O(1): ids within a class are consecutive.
//!
//! Customers who need no state of their own (one unit a line, no patience, always waiting) are
//! kept in bulk: one line stands for `units` lines of one unit each, demanded the same day and
//! promised the same day, so that a day costs the same however many customers wait.

use std::collections::VecDeque;

/// Who waits for a backordered line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orderer {
    /// A customer of the demand stream `stream`.
    Customer {
        /// Demand stream index.
        stream: u32,
    },
    /// The downstream pair `pair`, which ordered through its source `source`.
    Location {
        /// Pair index.
        pair: u32,
        /// Index into that pair's sources.
        source: u32,
    },
}

/// A backordered order line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Identifier within its class.
    pub id: u64,
    /// Day it was demanded.
    pub day: u32,
    /// Promised delivery day.
    pub promise: u32,
    /// Who waits for it.
    pub by: Orderer,
    /// Units still owed (0 once filled or cancelled).
    pub units: i64,
    /// Whether it may be filled in part.
    pub partial: bool,
    /// Whether it stands for `units` lines of one unit each (customers kept in bulk).
    pub unit_lines: bool,
}

/// Lines of one priority, in arrival order.
#[derive(Debug, Clone, Default)]
struct Class {
    priority: i64,
    lines: VecDeque<Line>,
    next_id: u64,
}

/// The waiting lines of a pair.
#[derive(Debug, Clone, Default)]
pub struct Backlog {
    classes: Vec<Class>,
    /// Fair-share scratch: each line's share, and (remainder, line) to hand out the rest.
    shares: Vec<i64>,
    remainders: Vec<(i128, usize)>,
}

/// A line to add: everything but its id.
#[derive(Debug, Clone, Copy)]
pub struct NewLine {
    /// Day demanded.
    pub day: u32,
    /// Promised delivery day.
    pub promise: u32,
    /// Who waits for it.
    pub by: Orderer,
    /// Units owed.
    pub units: i64,
    /// Whether it may be filled in part.
    pub partial: bool,
    /// Whether it stands for `units` lines of one unit each (customers kept in bulk).
    pub unit_lines: bool,
}

impl Backlog {
    /// A backlog with one class per priority (highest first), each with room for `capacity`
    /// lines before it grows.
    pub fn new(mut priorities: Vec<i64>, capacity: usize) -> Backlog {
        priorities.sort_unstable_by(|a, b| b.cmp(a));
        priorities.dedup();
        Backlog {
            classes: priorities
                .into_iter()
                .map(|priority| Class { priority, lines: VecDeque::with_capacity(capacity), next_id: 0 })
                .collect(),
            shares: Vec::new(),
            remainders: Vec::new(),
        }
    }

    /// Empties the backlog, keeping its memory.
    pub fn clear(&mut self) {
        for c in &mut self.classes {
            c.lines.clear();
            c.next_id = 0;
        }
    }

    /// The class of lines with `priority`.
    pub fn class_of(&self, priority: i64) -> usize {
        self.classes.iter().position(|c| c.priority == priority).expect("a class per priority")
    }

    /// Adds a line at the end of its class; returns its id.
    pub fn push(&mut self, class: usize, line: NewLine) -> u64 {
        let c = &mut self.classes[class];
        let id = c.next_id;
        c.next_id += 1;
        let NewLine { day, promise, by, units, partial, unit_lines } = line;
        c.lines.push_back(Line { id, day, promise, by, units, partial, unit_lines });
        id
    }

    /// The line `id` of `class`, if it is still in the queue.
    pub fn get_mut(&mut self, class: usize, id: u64) -> Option<&mut Line> {
        let lines = &mut self.classes[class].lines;
        let front = lines.front()?.id;
        lines.get_mut(id.checked_sub(front)? as usize)
    }

    /// Ships up to `available` units to the waiting lines, highest class first and in arrival
    /// order within a class; returns the units shipped. A line that may not be filled in part
    /// and does not fit stops all filling (nobody overtakes it). `shipped(line, units)` is
    /// called for every shipment, with the line's remaining units already reduced.
    #[inline(always)]
    pub fn fill(&mut self, available: i64, mut shipped: impl FnMut(&Line, i64)) -> i64 {
        let Backlog { classes, shares, remainders } = self;
        let mut left = available;
        for c in classes.iter_mut() {
            while left > 0 {
                let Some(front) = c.lines.front() else { break };
                if front.units == 0 {
                    c.lines.pop_front();
                    continue;
                }
                if matches!(front.by, Orderer::Location { .. }) {
                    // Orders that downstream locations placed the same day arrived together: if
                    // what is left cannot fill them all, they share it in proportion to their
                    // size.
                    let day = front.day;
                    let same_day = |l: &Line| l.day == day && matches!(l.by, Orderer::Location { .. });
                    let run = c.lines.iter().take_while(|l| same_day(l)).count();
                    let owed: i64 = c.lines.range(..run).map(|l| l.units).sum();
                    if owed > left {
                        split(&mut c.lines, run, left, shares, remainders, &mut shipped);
                        while c.lines.front().is_some_and(|l| l.units == 0) {
                            c.lines.pop_front();
                        }
                        return available;
                    }
                    for mut line in c.lines.drain(..run) {
                        let take = std::mem::take(&mut line.units);
                        left -= take;
                        if take > 0 {
                            shipped(&line, take);
                        }
                    }
                    continue;
                }
                let front = c.lines.front_mut().expect("not empty");
                let take = if front.partial || front.units <= left {
                    front.units.min(left)
                } else {
                    return available - left;
                };
                front.units -= take;
                left -= take;
                shipped(front, take);
                if front.units == 0 {
                    c.lines.pop_front();
                }
            }
        }
        available - left
    }

    /// Ships `available` units to the waiting lines of a single-class backlog in proportion to
    /// what each is owed (see `split`) when they cannot fill every line, else fills them all.
    /// Every line must allow partial fills (the model checks). Returns the units shipped;
    /// `shipped` is called as for [`Backlog::fill`], in arrival order.
    pub fn fill_fair_share(&mut self, available: i64, mut shipped: impl FnMut(&Line, i64)) -> i64 {
        debug_assert_eq!(self.classes.len(), 1, "fair share keeps a single class");
        let owed: i64 = self.classes[0].lines.iter().map(|l| l.units).sum();
        if owed <= available {
            return self.fill(available, shipped);
        }
        if available <= 0 {
            return 0;
        }
        let Backlog { classes, shares, remainders } = self;
        let lines = &mut classes[0].lines;
        split(lines, lines.len(), available, shares, remainders, &mut shipped);
        self.tidy();
        available
    }

    /// Every waiting line (cancelled ones included, with 0 units), class by class.
    pub fn lines(&self) -> impl Iterator<Item = &Line> {
        self.classes.iter().flat_map(|c| &c.lines)
    }

    /// Drops cancelled lines that have reached the front of their class.
    pub fn tidy(&mut self) {
        for c in &mut self.classes {
            while c.lines.front().is_some_and(|l| l.units == 0) {
                c.lines.pop_front();
            }
        }
    }
}

/// Ships `available` units, fewer than the first `n` of `lines` are owed in all, to those lines
/// in proportion to what each is owed: each gets ⌊available · owed / total owed⌋ and the units
/// left over go one each to the largest remainders (ties to the older line). Every one of them
/// must allow partial fills. `shares` and `remainders` are scratch space.
fn split(
    lines: &mut VecDeque<Line>,
    n: usize,
    available: i64,
    shares: &mut Vec<i64>,
    remainders: &mut Vec<(i128, usize)>,
    shipped: &mut impl FnMut(&Line, i64),
) {
    let owed: i64 = lines.range(..n).map(|l| l.units).sum();
    debug_assert!(available < owed);
    shares.clear();
    remainders.clear();
    for (k, line) in lines.range(..n).enumerate() {
        debug_assert!(line.partial || line.units == 0);
        let exact = available as i128 * line.units as i128;
        shares.push((exact / owed as i128) as i64);
        remainders.push((exact % owed as i128, k));
    }
    let left = available - shares.iter().sum::<i64>();
    remainders.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, k) in &remainders[..left as usize] {
        shares[k] += 1;
    }
    for (line, &take) in lines.range_mut(..n).zip(shares.iter()) {
        if take > 0 {
            line.units -= take;
            shipped(line, take);
        }
    }
}

/// The promised delivery day of a line backordered on `day` that needs `need` units to be
/// covered, counting the units already waiting ahead of it (available to promise): the first
/// day `d` in `day + 1 ..= day + horizon` by which the shipments due, `due(d)`, add up to
/// `need`; if the pipeline never covers it, `day + fallback` (the lead time of a new order).
pub fn promise_day(day: u32, need: i64, horizon: u32, due: impl Fn(u32) -> i64, fallback: u32) -> u32 {
    let mut promise = 0;
    promise_days(day, need, 1, horizon, due, fallback, |d, _| promise = d);
    promise
}

/// The promised days of `n` lines of one unit backordered on `day` one after the other, the
/// first needing `first_need` units covered (see [`promise_day`]): calls `promised(d, units)`
/// for each run of consecutive lines promised the same day `d`, in order.
#[inline]
pub fn promise_days(
    day: u32,
    first_need: i64,
    n: i64,
    horizon: u32,
    due: impl Fn(u32) -> i64,
    fallback: u32,
    mut promised: impl FnMut(u32, i64),
) {
    let (mut next, last) = (first_need, first_need + n - 1);
    let mut covered = 0;
    for d in day + 1..=day + horizon {
        covered += due(d);
        if covered >= next {
            let upto = covered.min(last);
            promised(d, upto - next + 1);
            next = upto + 1;
            if next > last {
                return;
            }
        }
    }
    promised(day + fallback, last - next + 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promises_on_hand_built_pipelines() {
        // 10 units due on day 3, 5 on day 4, 20 on day 7.
        let due = |d: u32| match d {
            3 => 10,
            4 => 5,
            7 => 20,
            _ => 0,
        };
        assert_eq!(promise_day(0, 1, 10, due, 4), 3);
        assert_eq!(promise_day(0, 10, 10, due, 4), 3);
        assert_eq!(promise_day(0, 11, 10, due, 4), 4);
        assert_eq!(promise_day(0, 16, 10, due, 4), 7);
        assert_eq!(promise_day(0, 36, 10, due, 4), 4, "not covered: a new order's lead time");
        assert_eq!(promise_day(3, 5, 10, due, 4), 4, "only shipments after today count");
        assert_eq!(promise_day(0, 16, 5, due, 2), 2, "beyond the horizon looked at");
    }

    #[test]
    fn runs_of_lines_get_each_lines_own_promise() {
        let due = |d: u32| [0, 0, 0, 10, 5, 0, 0, 20][d as usize % 8];
        for first in 1..40 {
            for n in 1..40 {
                let mut runs = Vec::new();
                promise_days(0, first, n, 7, due, 4, |d, k| runs.push((d, k)));
                let each: Vec<u32> = (first..first + n).map(|need| promise_day(0, need, 7, due, 4)).collect();
                let expanded: Vec<u32> =
                    runs.iter().flat_map(|&(d, k)| std::iter::repeat_n(d, k as usize)).collect();
                assert_eq!(expanded, each, "first need {first}, {n} lines");
                assert!(runs.windows(2).all(|w| w[0].0 != w[1].0), "runs are maximal: {runs:?}");
            }
        }
        // By hand: needs 9..=12 with 10 due on day 3, 5 on day 4: 9 and 10 on day 3, 11 and 12
        // on day 4.
        let mut runs = Vec::new();
        promise_days(0, 9, 4, 7, due, 4, |d, k| runs.push((d, k)));
        assert_eq!(runs, vec![(3, 2), (4, 2)]);
    }

    fn line(day: u32, units: i64, partial: bool) -> NewLine {
        NewLine {
            day,
            promise: day + 1,
            by: Orderer::Customer { stream: 0 },
            units,
            partial,
            unit_lines: false,
        }
    }

    fn fill(b: &mut Backlog, available: i64) -> Vec<(u32, i64, i64)> {
        let mut out = Vec::new();
        b.fill(available, |l, q| out.push((l.day, q, l.units)));
        out
    }

    #[test]
    fn first_come_first_served_with_partial_fills() {
        let mut b = Backlog::new(vec![0], 4);
        b.push(0, line(1, 5, true));
        b.push(0, line(2, 3, true));
        assert_eq!(fill(&mut b, 6), vec![(1, 5, 0), (2, 1, 2)]);
        assert_eq!(fill(&mut b, 10), vec![(2, 2, 0)]);
        assert_eq!(fill(&mut b, 10), vec![]);
    }

    #[test]
    fn a_whole_line_blocks_those_behind_it() {
        let mut b = Backlog::new(vec![0], 4);
        b.push(0, line(1, 5, false));
        b.push(0, line(2, 1, true));
        assert_eq!(b.fill(4, |_, _| {}), 0, "4 units do not fit a whole line of 5");
        assert_eq!(fill(&mut b, 6), vec![(1, 5, 0), (2, 1, 0)]);
    }

    #[test]
    fn priorities_are_served_first_and_cancelled_lines_are_skipped() {
        let mut b = Backlog::new(vec![0, 5, 0], 4);
        let low = b.class_of(0);
        let high = b.class_of(5);
        assert_eq!((high, low), (0, 1));
        b.push(low, line(1, 2, true));
        let id = b.push(low, line(2, 2, true));
        b.push(high, line(3, 2, true));
        b.get_mut(low, id).unwrap().units = 0; // cancelled
        assert_eq!(fill(&mut b, 10), vec![(3, 2, 0), (1, 2, 0)]);
        assert!(b.get_mut(low, id).is_none(), "gone once it reached the front");
        b.tidy();
    }

    fn fill_fair(b: &mut Backlog, available: i64) -> Vec<(u32, i64, i64)> {
        let mut out = Vec::new();
        let shipped = b.fill_fair_share(available, |l, q| out.push((l.day, q, l.units)));
        assert_eq!(shipped, out.iter().map(|x| x.1).sum::<i64>());
        out
    }

    fn internal(day: u32, pair: u32, units: i64) -> NewLine {
        NewLine {
            day,
            promise: day,
            by: Orderer::Location { pair, source: 0 },
            units,
            partial: true,
            unit_lines: false,
        }
    }

    #[test]
    fn same_day_orders_of_locations_share_first_come_first_served_stock() {
        let mut b = Backlog::new(vec![0], 4);
        b.push(0, line(1, 5, true));
        b.push(0, internal(2, 7, 10));
        b.push(0, internal(2, 8, 20));
        b.push(0, internal(3, 7, 4));
        // The older customer line first (5), then the two day-2 orders share the 9 left: 3 and
        // 6; the day-3 order waits.
        assert_eq!(fill(&mut b, 14), vec![(1, 5, 0), (2, 3, 7), (2, 6, 14)]);
        // Enough for the day-2 orders: they are filled in order, then the day-3 one gets the rest.
        assert_eq!(fill(&mut b, 23), vec![(2, 7, 0), (2, 14, 0), (3, 2, 2)]);
    }

    #[test]
    fn fair_share_is_proportional_with_largest_remainders() {
        let mut b = Backlog::new(vec![0], 4);
        b.push(0, line(1, 10, true));
        b.push(0, line(2, 20, true));
        b.push(0, line(3, 30, true));
        // 7 of 60 owed: exact shares 7/6, 14/6, 21/6 → floors 1, 2, 3 and the last unit to the
        // largest remainder (3/6, the third line).
        assert_eq!(fill_fair(&mut b, 7), vec![(1, 1, 9), (2, 2, 18), (3, 4, 26)]);
        // Equal remainders: the older line first.
        let mut b = Backlog::new(vec![0], 4);
        b.push(0, line(1, 5, true));
        b.push(0, line(2, 5, true));
        assert_eq!(fill_fair(&mut b, 1), vec![(1, 1, 4)]);
        // Enough for everyone: everything ships, in order, and the lines leave.
        assert_eq!(fill_fair(&mut b, 100), vec![(1, 4, 0), (2, 5, 0)]);
        assert_eq!(b.lines().count(), 0);
    }

    #[test]
    fn fair_share_hands_out_exactly_what_is_available() {
        for available in 0..40 {
            let mut b = Backlog::new(vec![0], 4);
            let owed = [7, 1, 13, 4, 9];
            for (d, &u) in owed.iter().enumerate() {
                b.push(0, line(d as u32, u, true));
            }
            let total: i64 = owed.iter().sum();
            let out = fill_fair(&mut b, available);
            assert_eq!(out.iter().map(|x| x.1).sum::<i64>(), available.min(total));
            for &(d, q, _) in &out {
                let exact = available.min(total) as f64 * owed[d as usize] as f64 / total as f64;
                assert!((q as f64 - exact).abs() < 1.0, "share {q} vs exact {exact}");
            }
        }
    }

    #[test]
    fn lines_are_found_by_id_after_the_front_moves() {
        let mut b = Backlog::new(vec![0], 1);
        let ids: Vec<u64> = (0..5).map(|d| b.push(0, line(d, 1, true))).collect();
        b.fill(2, |_, _| {});
        assert!(b.get_mut(0, ids[1]).is_none());
        assert_eq!(b.get_mut(0, ids[3]).unwrap().day, 3);
        assert!(b.get_mut(0, 99).is_none());
    }
}
