//! The supply side: lanes from suppliers to locations, their lead times and order rules.

use crate::dist::Sampler;
use crate::rng::Stream;

/// A validated replenishment lane.
#[derive(Debug, Clone)]
pub struct Lane {
    /// Identifier from the scenario.
    pub id: String,
    /// Index of the supplier shipping on the lane.
    pub from: usize,
    /// Index of the location receiving.
    pub to: usize,
    /// Lead time in days.
    pub lead_time: Sampler,
    /// Minimum order quantity (units).
    pub min_order: i64,
    /// Orders are rounded up to a multiple of this (units, ≥ 1).
    pub order_multiple: i64,
}

impl Lane {
    /// Lead time of a shipment leaving on `day`. Everything ordered on the lane on the same day
    /// travels together, so it is one draw per (lane, day), identical under every policy.
    #[inline]
    pub fn lead_time(&self, stream: &Stream, day: u32) -> u32 {
        match self.lead_time.table().constant() {
            Some(l) => l as u32,
            None => self.lead_time.sample(stream.uniform_at(day as u64)) as u32,
        }
    }

    /// The largest lead time the lane can draw.
    pub fn max_lead_time(&self) -> u32 {
        self.lead_time.table().max() as u32
    }

    /// Applies the minimum order quantity and the order multiple to a wanted quantity.
    #[inline]
    pub fn round_order(&self, wanted: i64) -> i64 {
        if wanted <= 0 {
            return 0;
        }
        let q = wanted.max(self.min_order);
        if self.order_multiple == 1 {
            q
        } else {
            (q + self.order_multiple - 1) / self.order_multiple * self.order_multiple
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::IntDist;

    #[test]
    fn rounding_respects_minimum_and_multiple() {
        let lane = Lane {
            id: "l".into(),
            from: 0,
            to: 0,
            lead_time: Sampler::new(IntDist::Constant(2)).unwrap(),
            min_order: 30,
            order_multiple: 12,
        };
        assert_eq!(lane.round_order(0), 0);
        assert_eq!(lane.round_order(-4), 0);
        assert_eq!(lane.round_order(1), 36);
        assert_eq!(lane.round_order(36), 36);
        assert_eq!(lane.round_order(37), 48);
        for w in 1..200 {
            let q = lane.round_order(w);
            assert!(q >= w && q >= 30 && q % 12 == 0 && q - w.max(30) < 12);
        }
    }
}
