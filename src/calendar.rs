//! The event calendar: future events (receipts, and later disruptions and cancellations) kept
//! in a ring of per-day buckets.
//!
//! Time is whole days and no event is ever scheduled more than a known span ahead (the longest
//! lead time), so a ring indexed by day replaces a priority queue: scheduling and taking the
//! day's events are O(1) and, once the buckets have grown to their working size, allocate
//! nothing. Events of one day are delivered in the order they were scheduled.

/// A ring of day buckets holding events of type `E`.
#[derive(Debug, Clone)]
pub struct Calendar<E> {
    buckets: Vec<Vec<E>>,
    mask: usize,
}

impl<E> Calendar<E> {
    /// A calendar that can hold events up to `span` days ahead of the current day.
    pub fn new(span: u32) -> Calendar<E> {
        let size = (span as usize + 1).next_power_of_two();
        Calendar { buckets: (0..size).map(|_| Vec::new()).collect(), mask: size - 1 }
    }

    /// How many days ahead an event may be scheduled.
    pub fn span(&self) -> u32 {
        self.mask as u32
    }

    /// Schedules `event` for `day`, which must be within the span from `today`.
    #[inline]
    pub fn schedule(&mut self, today: u32, day: u32, event: E) {
        debug_assert!(
            day >= today && day - today <= self.span(),
            "event for day {day} scheduled on day {today} beyond span {}",
            self.span()
        );
        self.buckets[day as usize & self.mask].push(event);
    }

    /// Moves the events due on `day` into `out` (which must be empty), leaving the day's bucket
    /// empty so that events scheduled for the same day while `out` is processed can be taken by
    /// a later call. Every bucket keeps its own memory (events are moved, not the buffers), so
    /// once each has grown to its working size nothing is allocated again.
    #[inline]
    pub fn take(&mut self, day: u32, out: &mut Vec<E>) {
        debug_assert!(out.is_empty());
        out.append(&mut self.buckets[day as usize & self.mask]);
    }

    /// Removes every event, keeping the buckets' capacity.
    pub fn clear(&mut self) {
        self.buckets.iter_mut().for_each(Vec::clear);
    }

    /// Every event scheduled, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &E> {
        self.buckets.iter().flatten()
    }

    /// Number of events scheduled.
    pub fn len(&self) -> usize {
        self.buckets.iter().map(Vec::len).sum()
    }

    /// Whether no event is scheduled.
    pub fn is_empty(&self) -> bool {
        self.buckets.iter().all(Vec::is_empty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_back_on_their_day_in_order() {
        let mut c = Calendar::new(5);
        c.schedule(0, 3, 'a');
        c.schedule(0, 1, 'b');
        c.schedule(1, 3, 'c');
        c.schedule(1, 6, 'd');
        let mut out = Vec::new();
        c.take(1, &mut out);
        assert_eq!(out, vec!['b']);
        out.clear();
        c.take(2, &mut out);
        assert!(out.is_empty());
        c.take(3, &mut out);
        assert_eq!(out, vec!['a', 'c']);
        out.clear();
        // Same-day scheduling while processing lands in a later take of the same day.
        c.schedule(3, 3, 'e');
        c.take(3, &mut out);
        assert_eq!(out, vec!['e']);
        out.clear();
        assert_eq!(c.len(), 1);
        c.take(6, &mut out);
        assert_eq!(out, vec!['d']);
        assert!(c.is_empty());
    }
}
