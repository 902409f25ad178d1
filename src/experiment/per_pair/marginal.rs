//! Marginal analysis over measured curves: raise, one move at a time, the pair whose next move
//! adds the most filled units per unit of cost.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::search::Search;

/// A move's priority in marginal analysis: moves that cost nothing (or save) come first, by
/// units filled gained; then by units filled gained per unit of cost.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Gain {
    free: bool,
    ratio: f64,
    pair: usize,
    from: i64,
    to: i64,
}

impl Eq for Gain {}

impl Ord for Gain {
    fn cmp(&self, other: &Gain) -> Ordering {
        (self.free, self.ratio)
            .partial_cmp(&(other.free, other.ratio))
            .unwrap_or(Ordering::Equal)
            .then_with(|| other.pair.cmp(&self.pair))
    }
}

impl PartialOrd for Gain {
    fn partial_cmp(&self, other: &Gain) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Marginal analysis over the measured curves: the current level of every pair and the best
/// next move of each, most valuable first.
pub(super) struct March {
    pub(super) levels: Vec<i64>,
    heap: BinaryHeap<Gain>,
}

pub(super) type Price = fn(&Search, usize, i64) -> f64;

impl March {
    pub(super) fn new(search: &Search, levels: Vec<i64>, price: Price) -> March {
        let heap = (0..levels.len()).filter_map(|k| March::best_move(search, k, levels[k], price)).collect();
        March { levels, heap }
    }

    /// The best move of pair `k` from level `from`: to the measured level above with the most
    /// units filled gained per unit of cost (a level that fills no more is never a move).
    fn best_move(search: &Search, k: usize, from: i64, price: Price) -> Option<Gain> {
        let (filled, _, _) = search.figures(k, from);
        let cost = price(search, k, from);
        let mut best: Option<Gain> = None;
        for &to in search.curves[k].range(from + 1..).map(|(v, _)| v) {
            let gain = search.figures(k, to).0 - filled;
            let extra = price(search, k, to) - cost;
            if gain.is_nan() || gain <= 0.0 || extra.is_nan() {
                continue;
            }
            let free = extra <= 0.0;
            let candidate = Gain { free, ratio: if free { gain } else { gain / extra }, pair: k, from, to };
            if best.is_none_or(|b| candidate > b) {
                best = Some(candidate);
            }
        }
        best
    }

    /// Makes the most valuable move; false when no pair can gain.
    pub(super) fn step(&mut self, search: &Search, price: Price) -> bool {
        while let Some(g) = self.heap.pop() {
            if self.levels[g.pair] != g.from {
                continue;
            }
            self.levels[g.pair] = g.to;
            if let Some(next) = March::best_move(search, g.pair, g.to, price) {
                self.heap.push(next);
            }
            return true;
        }
        false
    }

    /// The catalogue's demand-weighted fill rate at the current levels.
    pub(super) fn fill(&self, search: &Search) -> f64 {
        search.point(&self.levels).fill_rate
    }
}
