//! One worker's sums of the daily records of one policy, kept narrow while replications are
//! added (64-bit sums, 16-bit histogram counts: half and a quarter of the memory the day loop's
//! caller sweeps every replication) and widened into the exact [`Counted`] totals (128-bit
//! sums, 64-bit counts) at least every [`NARROW_REPS`] replications.
//!
//! Why the narrow sums are exact: between two widenings at most `NARROW_REPS` = 2¹⁵
//! replications are added, and a replication is added narrow only if every value of every
//! day lies in `0..NARROW_LIMIT` = `0..2⁴⁸` (its values ORed together are below 2⁴⁸), so a
//! sum stays below 2¹⁵ · 2⁴⁸ = 2⁶³ and a count at most 2¹⁵ < 2¹⁶. A replication with a
//! negative value or one of 2⁴⁸ or more is added straight to the 128-bit totals. Integer
//! addition is exact and order-free, so the totals are those of adding every record wide.

use crate::experiment::run_stats::{Counted, DayCounts};
use crate::experiment::stats::NarrowHistogram;
use crate::sim::engine::DayRecord;

/// Most replications added between two widenings.
pub(crate) const NARROW_REPS: u32 = 1 << 15;

/// Values of a replication added narrow are below this.
pub(crate) const NARROW_LIMIT: u64 = 1 << 48;

/// The unit counts of a day record, in [`DayCounts`]' field order.
#[inline]
fn counts(rec: &DayRecord) -> [i64; 6] {
    [rec.on_hand, rec.backorders, rec.demand, rec.filled, rec.lost, rec.suppliers_down]
}

/// Narrow sums of daily records over the replications added since the last widening.
#[derive(Debug, Clone)]
pub(crate) struct DaySums {
    /// Per day, the sums of [`counts`].
    sums: Vec<[i64; 6]>,
    /// Per day, histograms of end-of-day on-hand and backorders.
    bands: Vec<[NarrowHistogram; 2]>,
    /// Replications added since the last widening.
    reps: u32,
}

impl DaySums {
    /// Empty sums for `days` days.
    pub(crate) fn new(days: usize) -> DaySums {
        DaySums { sums: vec![[0; 6]; days], bands: vec![Default::default(); days], reps: 0 }
    }

    /// Adds one replication's daily records (as many as the days), widening into `wide` first
    /// if the narrow sums are full.
    pub(crate) fn add(&mut self, days: &[DayRecord], wide: &mut Counted) {
        if self.reps == NARROW_REPS {
            self.widen_into(wide);
        }
        let mut bits = 0u64;
        for (s, rec) in self.sums.iter_mut().zip(days) {
            for (a, v) in s.iter_mut().zip(counts(rec)) {
                *a = a.wrapping_add(v);
                bits |= v as u64;
            }
        }
        if bits >= NARROW_LIMIT {
            // Undone exactly (wrapping addition is invertible) and added wide instead.
            for (s, (rec, c)) in self.sums.iter_mut().zip(days.iter().zip(&mut wide.daily)) {
                for (a, v) in s.iter_mut().zip(counts(rec)) {
                    *a = a.wrapping_sub(v);
                }
                add_wide(c, rec);
            }
            for (bands, rec) in wide.bands.iter_mut().zip(days) {
                bands[0].record(rec.on_hand);
                bands[1].record(rec.backorders);
            }
            return;
        }
        for (bands, rec) in self.bands.iter_mut().zip(days) {
            bands[0].record(rec.on_hand);
            bands[1].record(rec.backorders);
        }
        self.reps += 1;
    }

    /// Adds the narrow sums and counts to `wide` and sets them to 0.
    pub(crate) fn widen_into(&mut self, wide: &mut Counted) {
        if self.reps == 0 {
            return;
        }
        for (s, c) in self.sums.iter_mut().zip(&mut wide.daily) {
            let [on_hand, backorders, demand, filled, lost, suppliers_down] = s.map(i128::from);
            c.add(&DayCounts { on_hand, backorders, demand, filled, lost, suppliers_down });
            *s = [0; 6];
        }
        for (narrow, total) in self.bands.iter_mut().zip(&mut wide.bands) {
            narrow[0].drain_into(&mut total[0]);
            narrow[1].drain_into(&mut total[1]);
        }
        self.reps = 0;
    }
}

/// Adds one record's counts to a day's 128-bit sums.
fn add_wide(c: &mut DayCounts, rec: &DayRecord) {
    let [on_hand, backorders, demand, filled, lost, suppliers_down] = counts(rec).map(i128::from);
    c.add(&DayCounts { on_hand, backorders, demand, filled, lost, suppliers_down });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::stats::LogHistogram;

    fn record(v: i64) -> DayRecord {
        DayRecord {
            on_hand: v,
            backorders: v,
            demand: v,
            filled: v,
            lost: v,
            suppliers_down: v,
            ..Default::default()
        }
    }

    /// Counts with the given days, summed wide by hand (the plain definition).
    fn wide_sums(values: &[Vec<i64>]) -> Counted {
        let mut c = empty(values[0].len());
        for rep in values {
            for (d, &v) in rep.iter().enumerate() {
                let v128 = v as i128;
                c.daily[d].add(&DayCounts {
                    on_hand: v128,
                    backorders: v128,
                    demand: v128,
                    filled: v128,
                    lost: v128,
                    suppliers_down: v128,
                });
                c.bands[d][0].record(v);
                c.bands[d][1].record(v);
            }
        }
        c
    }

    fn empty(days: usize) -> Counted {
        Counted {
            daily: vec![DayCounts::default(); days],
            bands: vec![[LogHistogram::default(), LogHistogram::default()]; days],
            waits: Default::default(),
            locations: Vec::new(),
        }
    }

    fn narrow_sums(values: &[Vec<i64>]) -> Counted {
        let days = values[0].len();
        let (mut sums, mut c) = (DaySums::new(days), empty(days));
        for rep in values {
            let recs: Vec<DayRecord> = rep.iter().map(|&v| record(v)).collect();
            sums.add(&recs, &mut c);
        }
        sums.widen_into(&mut c);
        c
    }

    #[test]
    fn narrow_sums_are_exact_at_the_overflow_boundary() {
        // 2¹⁵ replications of the largest narrow value fill an i64 sum to 2⁶³ − 2¹⁵; one more
        // replication must widen first, or the sum would wrap.
        let top = NARROW_LIMIT as i64 - 1;
        let mut values = vec![vec![top, 0]; NARROW_REPS as usize + 1];
        values[7][1] = 5;
        let c = narrow_sums(&values);
        assert_eq!(c.daily[0].demand, (NARROW_REPS as i128 + 1) * top as i128);
        assert!(c.daily[0].demand > i64::MAX as i128);
        assert_eq!(c.daily[1].on_hand, 5);
        assert_eq!(c, wide_sums(&values));
    }

    #[test]
    fn replications_outside_the_narrow_range_are_added_wide() {
        // 2⁴⁸ itself, i64::MAX and negative values: each replication goes to the wide sums,
        // mixed with narrow ones, and the totals are the plain sums.
        let values = vec![
            vec![3, 4],
            vec![NARROW_LIMIT as i64, 1],
            vec![i64::MAX, i64::MAX],
            vec![i64::MAX, 2],
            vec![-7, 9],
            vec![i64::MIN, 0],
            vec![100, 200],
        ];
        let c = narrow_sums(&values);
        assert_eq!(
            c.daily[0].lost,
            3 + NARROW_LIMIT as i128 + 2 * i64::MAX as i128 - 7 + i64::MIN as i128 + 100
        );
        assert_eq!(c, wide_sums(&values));
    }
}
