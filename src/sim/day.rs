//! A simulated day.

/// A simulated day, counted from 0 (the first day of the horizon, warm-up included). Where a
/// day may never come, it is an `Option<Day>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Day(pub u32);

impl Day {
    /// The day `days` days after this one.
    #[inline]
    pub fn after(self, days: u32) -> Day {
        Day(self.0 + days)
    }
}
