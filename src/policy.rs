//! Inventory policies: pure decision rules on the inventory position.
//!
//! A policy sees only the inventory position (on hand + on order − backorders) at a review and
//! answers how many units to order. Lane constraints (minimum order, multiples) and the choice
//! of supplier are applied afterwards by the sourcing step in the engine.

/// The decision rule of one policy at one (location, item) pair.
#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    /// Order up to `level` whenever the position is below it.
    BaseStock { level: i64 },
    /// When the position is at or below `s`, order up to `level` (S).
    SS { s: i64, level: i64 },
    /// When the position is at or below `r`, order the smallest multiple of `q` that lifts it
    /// above `r`.
    RQ { r: i64, q: i64 },
}

/// A decision rule with its review schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// What to order at a review.
    pub kind: RuleKind,
    /// Days between reviews (1 = every day).
    pub review_period: u32,
    /// Day of the first review (`0 ≤ offset < review_period`).
    pub review_offset: u32,
}

impl Rule {
    /// Whether the pair is reviewed at the end of `day`.
    #[inline]
    pub fn reviews_on(&self, day: u32) -> bool {
        day >= self.review_offset && (day - self.review_offset).is_multiple_of(self.review_period)
    }

    /// Units to order at a review when the inventory position is `position`.
    #[inline]
    pub fn order_quantity(&self, position: i64) -> i64 {
        match self.kind {
            RuleKind::BaseStock { level } => (level - position).max(0),
            RuleKind::SS { s, level } => {
                if position <= s {
                    level - position
                } else {
                    0
                }
            }
            RuleKind::RQ { r, q } => {
                if position <= r {
                    ((r - position) / q + 1) * q
                } else {
                    0
                }
            }
        }
    }

    /// The stock a pair starts with when the scenario does not say: the level the policy
    /// orders up to (S for base-stock and (s,S), r + Q for (r,Q)).
    pub fn target_level(&self) -> i64 {
        match self.kind {
            RuleKind::BaseStock { level } | RuleKind::SS { level, .. } => level,
            RuleKind::RQ { r, q } => r + q,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(kind: RuleKind) -> Rule {
        Rule { kind, review_period: 1, review_offset: 0 }
    }

    #[test]
    fn base_stock_orders_up_to_level() {
        let r = rule(RuleKind::BaseStock { level: 110 });
        assert_eq!(r.order_quantity(100), 10);
        assert_eq!(r.order_quantity(-5), 115);
        assert_eq!(r.order_quantity(110), 0);
        assert_eq!(r.order_quantity(120), 0);
    }

    #[test]
    fn s_s_orders_only_at_or_below_s() {
        let r = rule(RuleKind::SS { s: 40, level: 100 });
        assert_eq!(r.order_quantity(41), 0);
        assert_eq!(r.order_quantity(40), 60);
        assert_eq!(r.order_quantity(-3), 103);
    }

    #[test]
    fn r_q_orders_smallest_multiple_lifting_above_r() {
        let r = rule(RuleKind::RQ { r: 30, q: 25 });
        assert_eq!(r.order_quantity(31), 0);
        assert_eq!(r.order_quantity(30), 25);
        assert_eq!(r.order_quantity(6), 25);
        assert_eq!(r.order_quantity(5), 50);
        assert_eq!(r.order_quantity(-20), 75);
        for ip in -100..=30 {
            let q = r.order_quantity(ip);
            assert!(ip + q > 30 && ip + q <= 55 && q % 25 == 0, "ip {ip} q {q}");
        }
    }

    #[test]
    fn review_schedule() {
        let r = Rule { kind: RuleKind::BaseStock { level: 1 }, review_period: 7, review_offset: 2 };
        let days: Vec<u32> = (0..20).filter(|&d| r.reviews_on(d)).collect();
        assert_eq!(days, vec![2, 9, 16]);
    }
}
