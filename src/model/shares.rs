//! Segment shares inside one demand stream (`demand[].segment_shares`): validated here, and
//! built as one stream per segment, the first of which draws the day's demand and the segment
//! of each of its order lines (`sim/customers.rs`).

use std::sync::Arc;

use super::build::{Builder, Index};
use super::{DemandStream, Segment};
use crate::scenario::Demand;
use crate::sim::demand::{DemandSampler, Shocks, Trend};
use crate::sim::dist::IntDist;
use crate::sim::rng::Uniform;

/// A stream's segments and how its order lines are shared among them.
#[derive(Debug, Clone)]
pub(crate) struct Split {
    /// Cumulative shares as multiples of 2⁻⁵³ (the last is 2⁵³): a line whose uniform draw is
    /// below `bounds[k]` (and not below the one before) belongs to member k.
    bounds: Vec<u64>,
    /// The demand streams of the segments (the first is the stream that draws).
    pub(crate) members: Vec<usize>,
}

impl Split {
    /// The member stream an order line with draw `u` belongs to.
    #[inline]
    pub(crate) fn member(&self, u: Uniform) -> usize {
        let k = self.bounds.partition_point(|&b| b <= u.bits());
        self.members[k.min(self.members.len() - 1)]
    }
}

/// A demand entry's segments (by index) and their shares.
pub(super) type Shares = Vec<(usize, f64)>;

/// The largest distance of the shares' sum from 1.
const SUM_TOLERANCE: f64 = 1e-9;

impl Builder<'_> {
    /// The segments and shares of demand entry `i` (`None` without `segment_shares` or with a
    /// problem, reported).
    pub(super) fn segment_shares(
        &mut self,
        i: usize,
        d: &Demand,
        ids: &Index,
        segments: &[Segment],
    ) -> Option<Shares> {
        let list = d.segment_shares.as_ref()?;
        let path = format!("demand[{i}].segment_shares");
        let before = self.problems.len();
        if d.segment.is_some() {
            self.problem(&path, "is given with `segment`; give one of them");
        }
        if list.is_empty() {
            self.problem(&path, "is empty; list at least one {\"segment\": id, \"share\": x}");
        }
        let mut out: Vec<(usize, f64)> = Vec::new();
        for (k, share) in list.iter().enumerate() {
            let at = format!("{path}[{k}]");
            if !(share.share.is_finite() && share.share > 0.0 && share.share <= 1.0) {
                self.problem(
                    format!("{at}.share"),
                    format!("is {}; allowed: greater than 0, at most 1", share.share),
                );
            }
            if let Some(g) = self.resolve(&ids.segments, &share.segment, format!("{at}.segment"), "segment") {
                if out.iter().any(|&(h, _)| h == g) {
                    self.problem(format!("{at}.segment"), format!("{:?} is listed twice", share.segment));
                } else if segments[g].churn.is_some() {
                    self.problem(format!("{at}.segment"), format!("segment {:?} has churn, which applies to a whole stream; allowed: segments without churn", share.segment));
                }
                out.push((g, share.share));
            }
        }
        let sum: f64 = list.iter().map(|x| x.share).sum();
        if sum.is_nan() || (sum - 1.0).abs() > SUM_TOLERANCE {
            self.problem(&path, format!("shares sum to {sum}; allowed: 1 (within 1e-9)"));
        }
        (self.problems.len() == before).then_some(out)
    }
}

/// Adds the streams of an entry with segment `shares` to `demands`: `first` (already built
/// with the first share's segment) draws the demand; one stream per other segment draws
/// nothing of its own and receives its lines.
pub(super) fn split_streams(
    demands: &mut Vec<DemandStream>,
    first: DemandStream,
    shares: &[(usize, f64)],
) -> Vec<usize> {
    let lead = demands.len();
    let zero =
        Arc::new(DemandSampler::new(IntDist::Constant(0), None, Trend::Flat).expect("a constant samples"));
    let mut members = vec![lead];
    let (pair, entry) = (first.pair, first.entry);
    demands.push(first);
    for &(segment, _) in &shares[1..] {
        members.push(demands.len());
        demands.push(DemandStream {
            pair,
            segment,
            sampler: zero.clone(),
            shocks: Shocks::default(),
            class: 0,
            entry,
            split: None,
        });
    }
    let total: f64 = shares.iter().map(|s| s.1).sum();
    let mut cumulative = 0.0;
    let scale = (1u64 << Uniform::BITS) as f64;
    let bounds = shares
        .iter()
        .map(|&(_, share)| {
            cumulative += share / total;
            ((cumulative * scale).round() as u64).min(1 << Uniform::BITS)
        })
        .collect();
    demands[lead].split = Some(Box::new(Split { bounds, members: members.clone() }));
    members
}
