//! One worker's sums of the daily records of one policy, kept narrow while replications are
//! added (64-bit sums, 16-bit histogram counts: half and a quarter of the memory the day loop's
//! caller sweeps every replication) and widened into the exact [`Counted`] totals (128-bit
//! sums, 64-bit counts) at least every [`NARROW_REPS`] replications.
//!
//! Why the narrow sums are exact: between two widenings at most `NARROW_REPS` = 2¹⁵
//! replications are added, and a replication's sums are added narrow only if every value of
//! every day lies in `0..NARROW_LIMIT` = `0..2⁴⁸` (its values ORed together are below 2⁴⁸), so
//! a sum stays below 2¹⁵ · 2⁴⁸ = 2⁶³; a replication with a negative value or one of 2⁴⁸ or more
//! has its sums added straight to the 128-bit totals. Every replication adds one histogram
//! count per day, so a count stays at most 2¹⁵ < 2¹⁶. Integer addition is exact and
//! order-free, so the totals are those of adding every record wide.
//!
//! The histograms take the most time: a replication adds to a different bucket of a different
//! day's histogram every day, out of several hundred kilobytes of histograms (over a year of
//! days), most of them out of the first-level cache. So each replication's buckets are only
//! noted, in order ([`DaySums::pending`]), and every [`BATCH`] replications they are counted a
//! block of [`DAY_BLOCK`] days at a time, replication by replication, while those days'
//! histograms stay in the cache.

use crate::experiment::run_stats::{Counted, DayCounts};
use crate::experiment::stats::NarrowHistogram;
use crate::metrics::CostBreakdown;
use crate::sim::engine::DayRecord;

/// Most replications added between two widenings.
pub(crate) const NARROW_REPS: u32 = 1 << 15;

/// Values of a replication added narrow are below this.
pub(crate) const NARROW_LIMIT: u64 = 1 << 48;

/// Replications whose histogram buckets are noted before they are counted.
const BATCH: usize = 16;

/// Days whose histograms are counted together.
const DAY_BLOCK: usize = 16;

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
    /// The buckets of end-of-day on-hand and backorders of the last `noted` replications, not
    /// yet counted in `bands`: replication by replication, day by day (room for [`BATCH`]).
    pending: Vec<[u16; 2]>,
    /// Replications whose buckets are in `pending`.
    noted: usize,
    /// Replications added since the last widening.
    reps: u32,
}

impl DaySums {
    /// Empty sums for `days` days.
    pub(crate) fn new(days: usize) -> DaySums {
        DaySums {
            sums: vec![[0; 6]; days],
            bands: vec![Default::default(); days],
            pending: vec![[0; 2]; BATCH * days],
            noted: 0,
            reps: 0,
        }
    }

    /// Adds one replication's daily records (as many as the days) in one pass: their unit
    /// counts and histogram buckets here (widening into `wide` first if the narrow sums are
    /// full), and their costs to `costs` (a chunk's floating-point sums, per day, added in
    /// replication order).
    pub(crate) fn add(&mut self, days: &[DayRecord], costs: &mut [CostBreakdown], wide: &mut Counted) {
        if self.reps == NARROW_REPS {
            self.widen_into(wide);
        }
        let n = self.sums.len();
        let buckets = &mut self.pending[self.noted * n..(self.noted + 1) * n];
        let mut bits = 0u64;
        let each_day = self.sums.iter_mut().zip(buckets).zip(costs);
        for (((s, b), cost), rec) in each_day.zip(days) {
            for (a, v) in s.iter_mut().zip(counts(rec)) {
                *a = a.wrapping_add(v);
                bits |= v as u64;
            }
            *b = [NarrowHistogram::bucket_of(rec.on_hand), NarrowHistogram::bucket_of(rec.backorders)];
            cost.add(&rec.costs);
        }
        self.reps += 1;
        self.noted += 1;
        if self.noted == BATCH {
            self.count_pending();
        }
        if bits >= NARROW_LIMIT {
            // Undone exactly (wrapping addition is invertible) and added wide instead.
            for (s, (rec, c)) in self.sums.iter_mut().zip(days.iter().zip(&mut wide.daily)) {
                for (a, v) in s.iter_mut().zip(counts(rec)) {
                    *a = a.wrapping_sub(v);
                }
                add_wide(c, rec);
            }
        }
    }

    /// Counts the noted buckets in the histograms, [`DAY_BLOCK`] days at a time.
    fn count_pending(&mut self) {
        let n = self.sums.len();
        for start in (0..n).step_by(DAY_BLOCK) {
            let days = start..(start + DAY_BLOCK).min(n);
            for rep in self.pending.chunks_exact(n).take(self.noted) {
                for (bands, b) in self.bands[days.clone()].iter_mut().zip(&rep[days.clone()]) {
                    bands[0].record_bucket(b[0]);
                    bands[1].record_bucket(b[1]);
                }
            }
        }
        self.noted = 0;
    }

    /// Adds the narrow sums and counts to `wide` and sets them to 0.
    pub(crate) fn widen_into(&mut self, wide: &mut Counted) {
        if self.reps == 0 {
            return;
        }
        self.count_pending();
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
            costs: CostBreakdown {
                holding: v as f64 * 0.1,
                purchase: 1.0 / (v as f64),
                ..Default::default()
            },
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
        narrow_sums_and_costs(values).0
    }

    /// The counts of [`DaySums`] and the costs it adds, per day.
    fn narrow_sums_and_costs(values: &[Vec<i64>]) -> (Counted, Vec<CostBreakdown>) {
        let days = values[0].len();
        let (mut sums, mut c) = (DaySums::new(days), empty(days));
        let mut costs = vec![CostBreakdown::default(); days];
        for rep in values {
            let recs: Vec<DayRecord> = rep.iter().map(|&v| record(v)).collect();
            sums.add(&recs, &mut costs, &mut c);
        }
        sums.widen_into(&mut c);
        (c, costs)
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
    fn histograms_counted_in_batches_and_day_blocks_are_those_of_every_value() {
        // More days than a block (not a multiple of it) and replications that fill several
        // batches and end in the middle of one; values spread over exact and log buckets,
        // negative ones (counted as 0) and one replication added wide.
        let days = DAY_BLOCK * 2 + 5;
        let mut values: Vec<Vec<i64>> = (0..3 * BATCH + 5)
            .map(|r| (0..days).map(|d| ((r * 7919 + d * 104_729) % 5000) as i64 - 50).collect())
            .collect();
        values[BATCH + 2][3] = NARROW_LIMIT as i64;
        let (c, costs) = narrow_sums_and_costs(&values);
        assert_eq!(c, wide_sums(&values));
        // The costs are added in the same pass, in replication order (to the bit).
        for (d, cost) in costs.iter().enumerate() {
            let (mut holding, mut purchase) = (0.0, 0.0);
            for rep in &values {
                holding += rep[d] as f64 * 0.1;
                purchase += 1.0 / rep[d] as f64;
            }
            assert_eq!(
                (cost.holding.to_bits(), cost.purchase.to_bits()),
                (holding.to_bits(), purchase.to_bits())
            );
            assert_eq!(cost.backorder, 0.0);
        }
        // A day's histogram holds every replication's value: its 0 % quantile is the lowest.
        let lowest = values.iter().map(|rep| rep[days - 1].max(0)).min().unwrap();
        assert_eq!(c.bands[days - 1][0].quantile(0.0), lowest as f64);
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
