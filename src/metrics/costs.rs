//! Costs by kind.

use super::counters::counters;

counters! {
    /// Costs incurred on one day, by kind.
    #[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    pub struct CostBreakdown {
        /// Holding cost of the end-of-day on-hand.
        pub holding: f64,
        /// Penalty on end-of-day backorders.
        pub backorder: f64,
        /// Penalty on units lost that day (walk-aways and cancellations).
        pub lost_sales: f64,
        /// Fixed costs of orders placed that day.
        pub ordering: f64,
        /// Purchase cost of units ordered that day (and shipping cost on internal lanes).
        pub purchase: f64,
        /// Holding cost of the units in transit at the end of the day.
        pub pipeline: f64,
    }
}

impl CostBreakdown {
    /// Sum of every kind.
    pub fn total(&self) -> f64 {
        self.holding + self.backorder + self.lost_sales + self.ordering + self.purchase + self.pipeline
    }
}
