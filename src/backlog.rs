//! The backlog of one (location, item) pair: backordered order lines waiting for stock.
//!
//! Lines wait in priority classes (one class under first-come-first-served allocation), each a
//! queue in arrival order. A line keeps its place until it is filled or cancelled; a cancelled
//! line is only marked (its units set to 0) and leaves the queue when it reaches the front, so
//! a line can be found by its id in O(1): ids within a class are consecutive.

use std::collections::VecDeque;

/// A backordered order line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Identifier within its class.
    pub id: u64,
    /// Day it was demanded.
    pub day: u32,
    /// Day it is cancelled if still waiting (`u32::MAX`: never).
    pub deadline: u32,
    /// Promised delivery day.
    pub promise: u32,
    /// Demand stream it came from.
    pub stream: u32,
    /// Units still owed (0 once filled or cancelled).
    pub units: i64,
    /// Whether it may be filled in part.
    pub partial: bool,
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
}

/// A line to add: everything but its id.
#[derive(Debug, Clone, Copy)]
pub struct NewLine {
    /// Day demanded.
    pub day: u32,
    /// Cancellation day (`u32::MAX`: never).
    pub deadline: u32,
    /// Promised delivery day.
    pub promise: u32,
    /// Demand stream.
    pub stream: u32,
    /// Units owed.
    pub units: i64,
    /// Whether it may be filled in part.
    pub partial: bool,
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
        let NewLine { day, deadline, promise, stream, units, partial } = line;
        c.lines.push_back(Line { id, day, deadline, promise, stream, units, partial });
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
    pub fn fill(&mut self, available: i64, mut shipped: impl FnMut(&Line, i64)) -> i64 {
        let mut left = available;
        for c in &mut self.classes {
            while left > 0 {
                let Some(front) = c.lines.front_mut() else { break };
                if front.units == 0 {
                    c.lines.pop_front();
                    continue;
                }
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

    /// Drops cancelled lines that have reached the front of their class.
    pub fn tidy(&mut self) {
        for c in &mut self.classes {
            while c.lines.front().is_some_and(|l| l.units == 0) {
                c.lines.pop_front();
            }
        }
    }
}

/// The promised delivery day of a line backordered on `day` that needs `need` units to be
/// covered, counting the units already waiting ahead of it (available to promise): the first
/// day `d` in `day + 1 ..= day + horizon` by which the shipments due, `due(d)`, add up to
/// `need`; if the pipeline never covers it, `day + fallback` (the lead time of a new order).
pub fn promise_day(day: u32, need: i64, horizon: u32, due: impl Fn(u32) -> i64, fallback: u32) -> u32 {
    let mut covered = 0;
    for d in day + 1..=day + horizon {
        covered += due(d);
        if covered >= need {
            return d;
        }
    }
    day + fallback
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

    fn line(day: u32, units: i64, partial: bool) -> NewLine {
        NewLine { day, deadline: u32::MAX, promise: day + 1, stream: 0, units, partial }
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
