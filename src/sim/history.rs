//! Demand drawn from a history while keeping its calendar: a day of the same weekday (and
//! month), moving blocks of consecutive days, or the recorded sequence itself (replay). The
//! uniform `day` bootstrap needs none of this: it is an empirical distribution (`sim/dist.rs`).

use crate::scenario::date::Date;
use crate::sim::rng::Uniform;

/// How a demand stream draws its day of history.
#[derive(Debug, Clone)]
pub(crate) enum HistoryDraw {
    /// A uniformly drawn history day of the simulated day's class: its weekday, or its weekday
    /// and month. `values[starts[c]..starts[c + 1]]` are the history days of class `c`
    /// (weekday + 7 × month when `by_month`).
    Classes { start: Date, by_month: bool, starts: Vec<u32>, values: Vec<u64> },
    /// Moving blocks of `days` consecutive history days: block `b` covers simulated days
    /// `b × days …` and starts at a uniformly drawn history day (drawn with the block's first
    /// day's uniform).
    Block { days: u32, values: Vec<u64> },
    /// Day t is history day `offset + t`.
    Replay { offset: u32, values: Vec<u64> },
}

/// The index in `0..n` that a uniform draw picks (n ≥ 1): floor(u × n), exact.
#[inline]
fn pick(u: Uniform, n: usize) -> usize {
    ((u.bits() as u128 * n as u128) >> Uniform::BITS) as usize
}

/// The class (weekday, plus 7 × month when `by_month`) of `date`.
pub(crate) fn class(date: Date, by_month: bool) -> usize {
    date.weekday() + if by_month { 7 * date.month0() } else { 0 }
}

impl HistoryDraw {
    /// The index of the stream's uniform that day `day` uses: a block's days share the draw
    /// of its first day.
    #[inline]
    pub(crate) fn draw_index(&self, day: u32) -> u64 {
        match *self {
            HistoryDraw::Block { days, .. } => u64::from(day - day % days),
            _ => u64::from(day),
        }
    }

    /// The history quantity of day `day` for draw `u` (the draw of [`Self::draw_index`]).
    #[inline]
    pub(crate) fn value(&self, day: u32, u: Uniform) -> u64 {
        let at = |values: &[u64], i: usize| values.get(i).copied().unwrap_or(0);
        match self {
            HistoryDraw::Classes { start, by_month, starts, values } => {
                let c = class(start.plus(i64::from(day)), *by_month);
                let (a, b) = (starts[c] as usize, starts[c + 1] as usize);
                at(values, a + pick(u, (b - a).max(1)))
            }
            HistoryDraw::Block { days, values } => {
                let first = pick(u, (values.len() + 1).saturating_sub(*days as usize).max(1));
                at(values, first + (day % days) as usize)
            }
            HistoryDraw::Replay { offset, values } => at(values, *offset as usize + day as usize),
        }
    }

    /// The history quantities simulated day `k` (0–6) and every 7th day after it may take,
    /// as often as they may be taken: for the forecasters' prior.
    pub(crate) fn weekday_values(&self, k: u32) -> Vec<u64> {
        match self {
            HistoryDraw::Classes { start, by_month, starts, values } => {
                let weekday = start.plus(i64::from(k)).weekday();
                let months = if *by_month { 12 } else { 1 };
                (0..months)
                    .flat_map(|m| {
                        values[starts[weekday + 7 * m] as usize..starts[weekday + 7 * m + 1] as usize].iter()
                    })
                    .copied()
                    .collect()
            }
            HistoryDraw::Block { values, .. } => values.clone(),
            HistoryDraw::Replay { offset, values } => {
                values.iter().skip(*offset as usize + k as usize).step_by(7).copied().collect()
            }
        }
    }
}

/// Groups history `values` (day i is `first + i`) by class: the `starts` and `values` of
/// [`HistoryDraw::Classes`].
pub(crate) fn by_class(first: Date, values: &[u64], by_month: bool) -> (Vec<u32>, Vec<u64>) {
    let classes = if by_month { 84 } else { 7 };
    let mut groups = vec![Vec::new(); classes];
    for (i, &v) in values.iter().enumerate() {
        groups[class(first.plus(i as i64), by_month)].push(v);
    }
    let mut starts = vec![0u32];
    for g in &groups {
        starts.push(starts.last().copied().unwrap_or(0) + g.len() as u32);
    }
    (starts, groups.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_days_follow_each_other_and_replay_reads_in_order() {
        let values: Vec<u64> = (0..20).collect();
        let block = HistoryDraw::Block { days: 5, values: values.clone() };
        let u = Uniform::at_least(0.5);
        // 16 possible starts; u = 0.5 picks 8: days 0..5 read 8..13.
        let got: Vec<u64> = (0..5).map(|d| block.value(d, u)).collect();
        assert_eq!(got, vec![8, 9, 10, 11, 12]);
        assert_eq!(block.draw_index(7), 5);
        let replay = HistoryDraw::Replay { offset: 3, values };
        assert_eq!((0..3).map(|d| replay.value(d, u)).collect::<Vec<_>>(), vec![3, 4, 5]);
    }

    #[test]
    fn classes_draw_the_same_weekday() {
        // 28 days from Monday 2024-01-01: value = weekday × 10 + week.
        let first = Date::parse("2024-01-01").unwrap();
        let values: Vec<u64> = (0..28u64).map(|i| (i % 7) * 10 + i / 7).collect();
        let (starts, grouped) = by_class(first, &values, false);
        // Start the simulation on a Wednesday.
        let h = HistoryDraw::Classes {
            start: Date::parse("2026-11-25").unwrap(),
            by_month: false,
            starts,
            values: grouped,
        };
        for day in 0..14 {
            for k in 0..8 {
                let v = h.value(day, Uniform::at_least(k as f64 / 8.0));
                assert_eq!(v / 10, u64::from((day + 2) % 7), "day {day}");
            }
        }
    }
}
