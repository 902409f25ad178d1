//! Per-pair targets: every pair's smallest level meeting its target, then the climb to the
//! cheapest level above it.
//!
//! The smallest feasible level is bracketed pair by pair, all pairs together, one run a round:
//! a pair starts at a normal-approximation level (or the middle of the range), gallops away
//! from it (steps 1, 2, 4, …) until the answer is bracketed, then bisects. With many
//! replications, this search first runs at the coarse count (its answer is only a guess, a
//! cheap one), and the exact search at the full count starts from the guess: it usually needs
//! just the guess and the level below it. The answer is the same either way: the level whose
//! full-count mean meets the target while the level below does not (or the lowest level).

use super::search::{Search, Tier};
use crate::experiment::optimize::Constraint;
use crate::sim::policy::RuleKind;

/// The safety factor of the starting levels (a 95 % cycle service level).
pub(super) const START_Z: f64 = 1.645;

/// What is known of one pair's smallest feasible level: it lies in `low..=high`, where
/// `high = HI + 1` stands for "none within the range".
#[derive(Debug, Clone, Copy)]
struct Bracket {
    low: i64,
    high: i64,
    /// The next gallop step.
    step: i64,
    /// Whether a feasible and an infeasible level were measured.
    seen: (bool, bool),
}

impl Bracket {
    /// The next level to measure (`None`: known), within `hi`.
    fn next(&self, hi: i64) -> Option<i64> {
        if self.low >= self.high {
            return None;
        }
        Some(match self.seen {
            (true, false) => self.high.saturating_sub(self.step).max(self.low),
            (false, true) => (self.low - 1).saturating_add(self.step).min(hi),
            _ => self.low + (self.high.min(hi + 1) - 1 - self.low) / 2,
        })
    }

    /// Takes in that level `v` is feasible or not; a gallop's next step is twice this one.
    fn learn(&mut self, v: i64, feasible: bool) {
        if self.seen != (false, false) {
            self.step = self.step.saturating_mul(2);
        }
        if feasible {
            self.high = v;
            self.seen.0 = true;
        } else {
            self.low = v + 1;
            self.seen.1 = true;
        }
    }
}

impl Search<'_> {
    /// Per-pair targets: the smallest feasible level of every pair (coarse first when worth
    /// it), then a climb while the objective improves. A pair infeasible even at HI gets HI.
    pub(super) fn each_pair(&mut self, constraints: &[Constraint]) -> (Vec<i64>, Vec<bool>) {
        let hi = self.question.hi;
        let mut start = self.starts();
        if self.has_coarse() {
            start = self.smallest(constraints, &start, Tier::Coarse);
            start.iter_mut().for_each(|v| *v = (*v).min(hi));
        }
        let mut high = self.smallest(constraints, &start, Tier::Full);
        let feasible: Vec<bool> = high.iter().map(|&v| v <= hi).collect();
        high.iter_mut().for_each(|v| *v = (*v).min(hi));
        self.climb(&mut high, &feasible, constraints);
        (high, feasible)
    }

    /// Each pair's smallest level meeting `constraints` at `tier` (HI + 1 when none), searched
    /// from `start`.
    fn smallest(&mut self, constraints: &[Constraint], start: &[i64], tier: Tier) -> Vec<i64> {
        let (lo, hi) = (self.question.lo, self.question.hi);
        let mut brackets: Vec<Bracket> =
            start.iter().map(|_| Bracket { low: lo, high: hi + 1, step: 1, seen: (false, false) }).collect();
        let mut wanted: Vec<Option<i64>> = start.iter().map(|&v| Some(v.clamp(lo, hi))).collect();
        while wanted.iter().any(Option::is_some) {
            self.probe(&wanted, tier);
            for (k, w) in wanted.iter_mut().enumerate() {
                if let Some(v) = *w {
                    brackets[k].learn(v, self.meets(k, v, constraints, tier));
                }
                *w = brackets[k].next(hi);
            }
        }
        brackets.iter().map(|b| b.high).collect()
    }

    /// Where each pair's search starts: for an order-up-to level (or a reorder point with a
    /// fixed gap), the normal approximation of a 95 % cycle service level over the protection
    /// interval `P = max(L, 1) + R − 1`, `S ≈ μP + 1.645·√(σ²P + μ²σ_L²)`; otherwise the
    /// middle of the range.
    fn starts(&self) -> Vec<i64> {
        let middle = self.question.lo + (self.question.hi - self.question.lo) / 2;
        (0..self.len())
            .map(|k| {
                let (level, kind) = self.approximate_level(k);
                self.question.field.start(level, &kind, self.daily[k]).unwrap_or(middle)
            })
            .collect()
    }

    /// The normal approximation of pair `k`'s order-up-to level (see [`Search::starts`]) and
    /// its rule.
    fn approximate_level(&self, k: usize) -> (f64, RuleKind) {
        let (pair, control) = self.pair(k);
        let mu = pair.prior.weekday_means.iter().sum::<f64>() / 7.0;
        let p = control.planning.protection_days();
        let sigma = (pair.prior.variance * p + mu * mu * control.planning.lead_variance).sqrt();
        (mu * p + START_Z * sigma, control.rule.kind.clone())
    }

    /// From each feasible pair's smallest feasible level `high[k]`, the cheapest level above:
    /// the objective is taken to be unimodal there, so the cheapest level is the first whose
    /// next level up is no cheaper (or fails the target). One run checks the next level of
    /// every pair; the pairs still descending then bisect on that monotone question, each round
    /// simulating the middle of every pair's interval and the level above it.
    fn climb(&mut self, high: &mut [i64], feasible: &[bool], constraints: &[Constraint]) {
        let hi = self.question.hi;
        let n = high.len();
        let descends = |s: &Search, k: usize, v: i64| {
            s.meets(k, v + 1, constraints, Tier::Full) && s.cost(k, v + 1) < s.cost(k, v)
        };
        let next: Vec<Option<i64>> =
            (0..n).map(|k| (feasible[k] && high[k] < hi).then(|| high[k] + 1)).collect();
        self.probe(&next, Tier::Full);
        let mut top: Vec<i64> = (0..n)
            .map(|k| if next[k].is_some() && descends(self, k, high[k]) { hi } else { high[k] })
            .collect();
        for k in 0..n {
            if top[k] > high[k] {
                high[k] += 1;
            }
        }
        loop {
            let mids: Vec<Option<i64>> =
                (0..n).map(|k| (high[k] < top[k]).then(|| high[k] + (top[k] - high[k]) / 2)).collect();
            if mids.iter().all(Option::is_none) {
                break;
            }
            self.probe(&mids, Tier::Full);
            self.probe(&mids.iter().map(|m| m.map(|v| v + 1)).collect::<Vec<_>>(), Tier::Full);
            for (k, m) in mids.iter().enumerate() {
                let Some(m) = *m else { continue };
                if descends(self, k, m) { high[k] = m + 1 } else { top[k] = m }
            }
        }
    }
}
