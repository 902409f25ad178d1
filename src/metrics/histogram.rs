//! Counts of late-filled units by days waited, for the wait quantiles.

/// Counts of late-filled units by whole days waited (index = days).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct WaitHistogram {
    counts: Vec<u64>,
    /// One past the largest wait recorded: every count at or above it is 0.
    used: usize,
}

impl WaitHistogram {
    /// A histogram able to hold waits up to `max_wait` days without growing.
    pub fn with_max(max_wait: u32) -> WaitHistogram {
        WaitHistogram { counts: vec![0; max_wait as usize + 1], used: 0 }
    }

    /// Records `units` units that waited `days` days.
    #[inline]
    pub fn record(&mut self, days: u32, units: u64) {
        let d = days as usize;
        if d >= self.counts.len() {
            self.counts.resize(d + 1, 0);
        }
        self.counts[d] += units;
        self.used = self.used.max(d + 1);
    }

    /// Adds another histogram's counts.
    pub fn add(&mut self, other: &WaitHistogram) {
        if other.used > self.counts.len() {
            self.counts.resize(other.used, 0);
        }
        for (a, b) in self.counts.iter_mut().zip(other.counts()) {
            *a += b;
        }
        self.used = self.used.max(other.used);
    }

    /// Sets every count to 0, keeping the capacity.
    pub fn clear(&mut self) {
        self.counts[..self.used].iter_mut().for_each(|c| *c = 0);
        self.used = 0;
    }

    /// Units recorded.
    pub fn total(&self) -> u64 {
        self.counts().iter().sum()
    }

    /// The counts, index = days waited, up to the largest wait recorded.
    pub fn counts(&self) -> &[u64] {
        &self.counts[..self.used]
    }

    /// The smallest wait `w` such that at least a share `q` of the units waited `w` days or
    /// less (NaN when empty).
    pub fn quantile(&self, q: f64) -> f64 {
        nearest_rank(self.counts(), q).map_or(f64::NAN, |d| d as f64)
    }
}

/// The nearest-rank quantile of a histogram: the first bucket at which the cumulative count
/// reaches `⌈q · total⌉` (at least 1), or `None` when the histogram is empty.
pub(crate) fn nearest_rank(counts: &[u64], q: f64) -> Option<usize> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let target = (q * total as f64).ceil().max(1.0) as u64;
    let mut cum = 0;
    counts.iter().position(|&c| {
        cum += c;
        cum >= target
    })
}

impl PartialEq for WaitHistogram {
    fn eq(&self, other: &WaitHistogram) -> bool {
        self.counts() == other.counts()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_quantile_is_nearest_rank() {
        let mut h = WaitHistogram::with_max(3);
        h.record(0, 50);
        h.record(2, 45);
        h.record(7, 5);
        assert_eq!(h.total(), 100);
        assert_eq!(h.quantile(0.5), 0.0);
        assert_eq!(h.quantile(0.51), 2.0);
        assert_eq!(h.quantile(0.95), 2.0);
        assert_eq!(h.quantile(0.96), 7.0);
        assert!(WaitHistogram::default().quantile(0.95).is_nan());
    }
}
