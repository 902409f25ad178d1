//! The event calendar: future events (receipts, and later disruptions and cancellations) kept
//! in a ring of per-day buckets.
//!
//! Time is whole days and no event is ever scheduled more than a known span ahead (the longest
//! lead time), so a ring indexed by day replaces a priority queue: scheduling and taking the
//! day's events are O(1) and, once the buckets have grown to their working size, allocate
//! nothing. Events of one day are delivered in the order they were scheduled.

/// A ring of day buckets holding events of type `E`.
///
/// Days are visited in order, each one: the events of the current day are taken one by one in
/// place (an event scheduled for the current day while others are taken comes after them), and
/// the day's bucket is emptied when the next day is visited.
#[derive(Debug, Clone)]
pub struct Calendar<E> {
    buckets: Vec<Vec<E>>,
    mask: usize,
    /// The day whose events are being taken.
    today: u32,
    /// How many of today's events have been taken.
    taken: usize,
}

impl<E: Copy> Calendar<E> {
    /// A calendar that can hold events up to `span` days ahead of the current day.
    pub fn new(span: u32) -> Calendar<E> {
        let size = (span as usize + 1).next_power_of_two();
        Calendar { buckets: (0..size).map(|_| Vec::new()).collect(), mask: size - 1, today: 0, taken: 0 }
    }

    /// How many days ahead an event may be scheduled.
    pub fn span(&self) -> u32 {
        self.mask as u32
    }

    /// Schedules `event` for `day`, which must be within the span from `today`. The farthest
    /// day ahead shares its bucket with yesterday, which is emptied when today is first visited
    /// (see [`Calendar::due`]): until then, events may go at most one day less far.
    #[inline]
    pub fn schedule(&mut self, today: u32, day: u32, event: E) {
        debug_assert!(
            day >= today && day - today <= self.span(),
            "event for day {day} scheduled on day {today} beyond span {}",
            self.span()
        );
        debug_assert!(
            today == self.today || day - today < self.span(),
            "event for day {day} scheduled on day {today}, before the day was visited, would land in yesterday's bucket"
        );
        let bucket = &mut self.buckets[day as usize & self.mask];
        if bucket.len() == bucket.capacity() {
            grow(bucket);
        }
        bucket.push(event);
    }

    /// How many events due on `day` have not been taken yet. The first call for a day moves the
    /// calendar to it (it must be the current day or the next) and empties the previous day's
    /// bucket, whose events have all been taken.
    #[inline]
    pub fn due(&mut self, day: u32) -> usize {
        if day != self.today {
            debug_assert_eq!(day, self.today + 1, "days are visited in order");
            let done = &mut self.buckets[self.today as usize & self.mask];
            debug_assert_eq!(self.taken, done.len(), "day {} left events untaken", self.today);
            done.clear();
            self.today = day;
            self.taken = 0;
        }
        self.buckets[day as usize & self.mask].len() - self.taken
    }

    /// Takes the next event due today, in the order they were scheduled. Call only when
    /// [`Calendar::due`] says one is.
    #[inline]
    pub fn take(&mut self) -> E {
        let event = self.buckets[self.today as usize & self.mask][self.taken];
        self.taken += 1;
        event
    }

    /// Removes every event and goes back to day 0, keeping the buckets' capacity. Once each
    /// bucket has grown to its working size, nothing is allocated again.
    pub fn clear(&mut self) {
        self.buckets.iter_mut().for_each(Vec::clear);
        self.today = 0;
        self.taken = 0;
    }

    /// Every event scheduled and not taken, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &E> {
        let today = self.today as usize & self.mask;
        self.buckets.iter().enumerate().flat_map(move |(b, events)| {
            let taken = if b == today { self.taken } else { 0 };
            &events[taken..]
        })
    }
}

/// Grows a full bucket by an eighth (and at least 16 events) instead of doubling it: buckets
/// keep their capacity for the whole run, and every day of a catalogue's ring holds about one
/// receipt per pair, so doubling would leave up to half of every bucket unused for good.
#[cold]
#[inline(never)]
fn grow<E>(bucket: &mut Vec<E>) {
    bucket.reserve_exact(bucket.len() / 8 + 16);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_of_ten_thousand_events_keeps_at_most_an_eighth_more_room() {
        let mut c = Calendar::new(3);
        (0..10_000u32).for_each(|k| c.schedule(0, 2, k));
        let room = c.buckets[2].capacity();
        // Doubling would keep 16,384.
        assert!((10_000..=11_250 + 16).contains(&room), "room for {room} events");
        assert!(c.due(0) == 0 && c.due(1) == 0 && c.due(2) == 10_000);
        assert!((0..10_000).all(|k| c.take() == k));
    }

    #[test]
    fn events_come_back_on_their_day_in_order() {
        let mut c = Calendar::new(5);
        let take_all = |c: &mut Calendar<char>, day| {
            let mut out = Vec::new();
            while c.due(day) > 0 {
                out.push(c.take());
            }
            out
        };
        c.schedule(0, 3, 'a');
        c.schedule(0, 1, 'b');
        assert!(take_all(&mut c, 0).is_empty());
        c.schedule(1, 3, 'c');
        c.schedule(1, 6, 'd');
        assert_eq!(take_all(&mut c, 1), vec!['b']);
        assert!(take_all(&mut c, 2).is_empty());
        assert_eq!(c.due(3), 2);
        assert_eq!(c.take(), 'a');
        // Same-day scheduling while taking comes after the events already due.
        c.schedule(3, 3, 'e');
        assert_eq!(take_all(&mut c, 3), vec!['c', 'e']);
        assert_eq!(c.iter().collect::<Vec<_>>(), vec![&'d']);
        for day in 4..6 {
            assert!(take_all(&mut c, day).is_empty());
        }
        assert_eq!(take_all(&mut c, 6), vec!['d']);
        assert_eq!(c.iter().count(), 0);
        // The farthest day ahead shares its bucket with yesterday's, emptied this morning; before
        // the morning's visit, an event may go one day less far.
        c.schedule(6, 6 + c.span(), 'f');
        c.schedule(7, 6 + c.span(), 'g');
        assert_eq!(c.due(7), 0);
        c.schedule(7, 7 + c.span(), 'h');
        let mut left: Vec<char> = c.iter().copied().collect();
        left.sort();
        assert_eq!(left, vec!['f', 'g', 'h']);
        c.clear();
        assert_eq!(c.iter().count(), 0);
    }
}
