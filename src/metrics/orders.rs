//! Counts of one customer order stream over the measured days, and its metrics.

use super::catalogue::{N_ORDER_METRICS, OrderMetric, by_metric};
use super::counters::counters;
use super::histogram::WaitHistogram;

/// `a / b`, NaN when `b` is 0.
fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { f64::NAN } else { a as f64 / b as f64 }
}

counters! {
    /// Counts of the orders of one order stream placed on measured days.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct OrderCounters {
        /// Orders placed.
        pub orders: u64,
        /// Of those, orders whose every line shipped on the day ordered.
        pub complete_on_day: u64,
        /// Lines of those orders.
        pub lines: u64,
        /// Lines shipped whole on the day ordered.
        pub lines_on_day: u64,
        /// Units of those orders.
        pub units: u64,
        /// Units shipped on the day ordered.
        pub units_on_day: u64,
        /// Orders whose last line shipped (none cancelled).
        pub completed: u64,
        /// Sum over those of the days from order to the last shipment.
        pub lead_days: u64,
        /// Orders closed (completed, or with units cancelled).
        pub closed: u64,
        /// Shipments to customers of the closed orders.
        pub closed_shipments: u64,
        /// Shipments to customers of every order (closed or not).
        pub shipments: u64,
        /// Orders with units cancelled at the wait limit.
        pub cancelled: u64,
        /// Orders given a promised date (not complete on the day ordered) and since completed.
        pub promised: u64,
        /// Of those, orders complete by their promised date.
        pub promise_kept: u64,
        /// Sum over the others of the days late.
        pub promise_miss_days: u64,
        /// Changes of an order's promised date told to customers.
        pub revisions: u64,
    }
}

impl OrderCounters {
    /// The order stream's metrics. `lead` counts completed orders by lead time in days;
    /// `shipment_cost` is the cost of one shipment; `measured_days` the calendar days measured.
    pub fn metrics(
        &self,
        lead: &WaitHistogram,
        shipment_cost: f64,
        measured_days: u32,
    ) -> [f64; N_ORDER_METRICS] {
        by_metric! { OrderMetric;
            Orders => self.orders as f64,
            FillRate => ratio(self.complete_on_day, self.orders),
            LineFillRate => ratio(self.lines_on_day, self.lines),
            UnitFillRate => ratio(self.units_on_day, self.units),
            LeadTimeMeanDays => ratio(self.lead_days, self.completed),
            LeadTimeP95Days => lead.quantile(0.95),
            ShipmentsPerOrder => ratio(self.closed_shipments, self.closed),
            ShipmentCostPerDay => self.shipments as f64 * shipment_cost / measured_days as f64,
            Cancelled => self.cancelled as f64,
            PromiseKept => ratio(self.promise_kept, self.promised),
            PromiseMissDays => ratio(self.promise_miss_days, self.promised - self.promise_kept),
            PromiseRevisions => self.revisions as f64,
        }
    }
}
