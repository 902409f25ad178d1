//! Counts of one replication, by scope: a pair or the total ([`Counters`]), a demand stream or
//! segment ([`SegmentCounters`]), a lane or supplier ([`LaneCounters`], [`SupplierDays`]), and
//! the metric values computed from them.

use super::catalogue::by_metric;
use super::catalogue::{
    LaneMetric, Metric, MetricValues, N_LANE_METRICS, N_SEGMENT_METRICS, N_SUPPLIER_METRICS, SegmentMetric,
    SupplierMetric,
};
use super::histogram::WaitHistogram;
use crate::model::PairCosts;
use crate::sim::forecast::Accuracy;

/// Defines a struct of counts together with its field-wise `add`, so a new count is one line.
macro_rules! counters {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        impl $name {
            /// Adds another scope's counts, field by field.
            #[inline]
            pub fn add(&mut self, o: &$name) {
                $(self.$field += o.$field;)*
            }
        }
    };
}
pub(crate) use counters;

/// `a / b`, NaN when `b` is 0.
fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { f64::NAN } else { a as f64 / b as f64 }
}

counters! {
    /// Counts over the measured days (on or after the warm-up) of one scope: a pair, or the sum
    /// over pairs. For a total, the maximum backorders is set from the daily totals after adding.
    /// The counts the day loop updates every day come first, so that they share two cache lines
    /// (a catalogue sweeps every pair's counts every day).
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct Counters {
        /// Order lines demanded.
        pub demand_lines: u64,
        /// Sum over measured days of the end-of-day on-hand.
        pub on_hand_unit_days: u64,
        /// Sum over measured days of the end-of-day backorders.
        pub backorder_unit_days: u64,
        /// Sum over measured days of the end-of-day units owed to downstream locations.
        pub owed_unit_days: u64,
        /// Largest end-of-day backorders on a measured day.
        pub max_backorders: u64,
        /// Measured days that ended with nothing owed, to customers or downstream locations.
        pub ready_days: u64,
        /// Sum over measured days of the end-of-day units in transit to the pair.
        pub in_transit_unit_days: u64,
        /// Review cycles that began and ended in the measured days.
        pub cycles: u64,
        /// Those of them in which every unit demanded (by customers or downstream locations) was
        /// filled from stock on arrival.
        pub cycles_without_stockout: u64,
        /// Replenishment orders placed.
        pub orders: u64,
        /// Units ordered.
        pub units_ordered: u64,
        /// Fixed ordering cost.
        pub ordering_cost: f64,
        /// Purchase cost.
        pub purchase_cost: f64,
        /// Landed cost of the units ordered: the lane's unit cost, plus on a lane from another
        /// location the item's unit cost.
        pub landed_cost: f64,
        /// Units demanded.
        pub demand_units: u64,
        /// Units filled from stock on the day they were demanded.
        pub filled_units: u64,
        /// Units that could not be filled on arrival and were backordered.
        pub backordered_units: u64,
        /// Lines with at least one backordered unit.
        pub backordered_lines: u64,
        /// Units lost because the customer would not wait (walk-aways).
        pub walkaway_units: u64,
        /// Backordered units cancelled when the customer's patience ran out.
        pub cancelled_units: u64,
        /// Backordered lines cancelled.
        pub cancelled_lines: u64,
        /// Demand that churned customers did not place.
        pub churn_units: u64,
        /// Units walked away or cancelled on days a supplier of the pair was down.
        pub lost_disrupted_units: u64,
        /// Units demanded on days a supplier of the pair was down.
        pub demand_disrupted: u64,
        /// Of those, units filled from stock on arrival.
        pub filled_disrupted: u64,
        /// Backordered lines filled completely (demanded on a measured day).
        pub lines_completed: u64,
        /// Of those, lines completed by their promised day.
        pub lines_on_time: u64,
        /// Sum over completed lines of the days late to promise.
        pub lateness_days: u64,
        /// Backordered units filled later (demanded on a measured day).
        pub late_units: u64,
        /// Sum over late-filled units of their wait in days.
        pub wait_unit_days: u64,
        /// Sum over measured days of the end-of-day echelon inventory (can be negative).
        pub echelon_unit_days: i64,
        /// Measured days (per pair; for a total, pair-days).
        pub days: u64,
        /// Holding cost.
        pub holding_cost: f64,
        /// Backorder penalty.
        pub backorder_cost: f64,
        /// Lost-sales penalty.
        pub lost_cost: f64,
        /// Pipeline holding cost (units in transit).
        pub pipeline_cost: f64,
        /// Cost of goods sold: units sold × the pair's unit cost.
        pub goods_sold_cost: f64,
        /// Revenue: units sold × price.
        pub revenue: f64,
        /// Revenue of the units not sold (lost, cancelled, churned) × price.
        pub lost_revenue: f64,
        /// Cost of the shipments to customers of multi-item orders (each shipment counted at
        /// the pair of its order's first line).
        pub shipment_cost: f64,
        /// Margin of the units not sold: (price − unit cost) × units.
        pub lost_margin: f64,
        /// Pairs with a selling price (for a total, their number).
        pub priced_pairs: u64,
        /// One-step forecast errors of the pair's forecaster (none without one).
        pub forecast: Accuracy,
    }
}

impl Counters {
    /// Counts `lines` backordered lines completed on `day` against their `promise`d day.
    #[inline]
    pub(crate) fn complete_lines(&mut self, day: u32, promise: u32, lines: u64) {
        self.lines_completed += lines;
        self.lines_on_time += lines * u64::from(day <= promise);
        self.lateness_days += lines * u64::from(day.saturating_sub(promise));
    }

    /// Adds the counts of one of the pair's demand streams (the counts a pair and its streams
    /// share are kept by the streams only).
    pub fn add_stream(&mut self, s: &SegmentCounters) {
        self.demand_units += s.demand_units;
        self.filled_units += s.filled_units;
        self.backordered_units += s.backordered_units;
        self.late_units += s.late_units;
        self.wait_unit_days += s.wait_unit_days;
        self.walkaway_units += s.walkaway_units;
        self.cancelled_units += s.cancelled_units;
        self.churn_units += s.churn_units;
    }

    /// Closes a pair's counts at the end of a replication: prices its unit-days and lost units
    /// at the pair's cost rates, adds its own stock to its echelon inventory, and sets its
    /// measured days.
    pub(crate) fn close_pair(&mut self, costs: &PairCosts, measured_days: u32) {
        self.holding_cost = self.on_hand_unit_days as f64 * costs.holding;
        self.backorder_cost = self.backorder_unit_days as f64 * costs.backorder;
        self.lost_cost = (self.walkaway_units + self.cancelled_units) as f64 * costs.lost_sale;
        self.pipeline_cost = self.in_transit_unit_days as f64 * costs.in_transit;
        self.close_economics(costs);
        self.echelon_unit_days += self.own_echelon_unit_days();
        self.days = measured_days as u64;
    }

    /// Prices the units sold and not sold. A unit costs the mean landed cost of the units the
    /// pair ordered on the measured days, or the item's unit cost when it ordered none.
    fn close_economics(&mut self, costs: &PairCosts) {
        // A sale is booked when the customer does not leave: filled, filled late or still waiting.
        let sold = (self.demand_units - self.walkaway_units - self.cancelled_units) as f64;
        let unsold = (self.walkaway_units + self.cancelled_units + self.churn_units) as f64;
        let unit_cost = match self.units_ordered {
            0 => costs.unit_cost,
            n => self.landed_cost / n as f64,
        };
        self.goods_sold_cost = sold * unit_cost;
        let price = costs.price.unwrap_or(0.0);
        self.priced_pairs = u64::from(costs.price.is_some());
        self.revenue = sold * price;
        self.lost_revenue = unsold * price;
        self.lost_margin = unsold * (price - unit_cost);
    }

    /// Adds a closed pair's counts to a total. The total's service levels are the customers':
    /// a pair without customers (it only supplies other locations) keeps its cycles and ready
    /// days to itself. The total's maximum backorders is set by the caller.
    pub(crate) fn add_pair(&mut self, pair: &Counters, has_customers: bool) {
        self.add(pair);
        if !has_customers {
            self.cycles -= pair.cycles;
            self.cycles_without_stockout -= pair.cycles_without_stockout;
            self.ready_days -= pair.ready_days;
            self.days -= pair.days;
        }
    }

    /// The pair's share of the network's echelon inventory: its stock less its customers'
    /// backorders, plus what is in transit to it when another location supplies it.
    pub(crate) fn network_echelon_unit_days(&self, internally_supplied: bool) -> i64 {
        let internal = if internally_supplied { self.in_transit_unit_days as i64 } else { 0 };
        self.own_echelon_unit_days() + internal
    }

    /// Stock less backorders, in unit-days.
    fn own_echelon_unit_days(&self) -> i64 {
        self.on_hand_unit_days as i64 - self.backorder_unit_days as i64
    }

    /// Computes every metric. `measured_days` is the number of calendar days measured (costs
    /// are per calendar day, summed over pairs); `waits` counts late-filled units by wait.
    pub fn metrics(&self, measured_days: u32, waits: &WaitHistogram) -> MetricValues {
        // Per-pair averages of a total are sums over pairs, so divide by calendar days.
        let per_day = |x: f64| x / measured_days as f64;
        // Revenue and margins are undefined without prices.
        let priced = |x: f64| if self.priced_pairs == 0 { f64::NAN } else { per_day(x) };
        let [mae, rmse, bias, mape, scaled_mae] = self.forecast.summary();
        by_metric! { Metric;
            DemandUnits => self.demand_units as f64,
            DemandLines => self.demand_lines as f64,
            FillRate => ratio(self.filled_units, self.demand_units),
            CycleServiceLevel => ratio(self.cycles_without_stockout, self.cycles),
            ReadyRate => ratio(self.ready_days, self.days),
            BackorderedUnits => self.backordered_units as f64,
            BackorderedLines => self.backordered_lines as f64,
            AvgBackorders => per_day(self.backorder_unit_days as f64),
            MaxBackorders => self.max_backorders as f64,
            WaitMeanDays => ratio(self.wait_unit_days, self.late_units),
            WaitP50Days => waits.quantile(0.5),
            WaitP95Days => waits.quantile(0.95),
            WaitMaxDays => waits.quantile(1.0),
            OnTimeToPromise => ratio(self.lines_on_time, self.lines_completed),
            PromiseLatenessDays => ratio(self.lateness_days, self.lines_completed),
            LostUnits => (self.walkaway_units + self.cancelled_units) as f64,
            WalkawayUnits => self.walkaway_units as f64,
            CancelledUnits => self.cancelled_units as f64,
            CancelledLines => self.cancelled_lines as f64,
            ChurnUnits => self.churn_units as f64,
            LostDuringDisruptionUnits => self.lost_disrupted_units as f64,
            FillRateDisrupted => ratio(self.filled_disrupted, self.demand_disrupted),
            FillRateUndisrupted => {
                ratio(self.filled_units - self.filled_disrupted, self.demand_units - self.demand_disrupted)
            },
            AvgOnHand => per_day(self.on_hand_unit_days as f64),
            AvgInTransit => per_day(self.in_transit_unit_days as f64),
            AvgOwedDownstream => per_day(self.owed_unit_days as f64),
            AvgEchelonInventory => per_day(self.echelon_unit_days as f64),
            OrdersPlaced => self.orders as f64,
            CostHoldingPerDay => per_day(self.holding_cost),
            CostBackorderPerDay => per_day(self.backorder_cost),
            CostLostSalesPerDay => per_day(self.lost_cost),
            CostOrderingPerDay => per_day(self.ordering_cost),
            CostPurchasePerDay => per_day(self.purchase_cost),
            CostPipelinePerDay => per_day(self.pipeline_cost),
            CostGoodsSoldPerDay => per_day(self.goods_sold_cost),
            LostRevenuePerDay => per_day(self.lost_revenue),
            CostShipmentPerDay => per_day(self.shipment_cost),
            CostTotalPerDay => per_day(self.total_cost()),
            RevenuePerDay => priced(self.revenue),
            GrossMarginPerDay => priced(self.revenue - self.goods_sold_cost),
            LostMarginPerDay => priced(self.lost_margin),
            ProfitPerDay => priced(self.revenue + self.lost_revenue - self.total_cost()),
            ForecastMae => mae,
            ForecastRmse => rmse,
            ForecastBias => bias,
            ForecastMape => mape,
            ForecastScaledMae => scaled_mae,
        }
    }

    /// Total cost: what running the pair costs (holding, penalties, ordering, pipeline,
    /// shipments to customers), the cost of the goods it sold, and the revenue it did not
    /// collect on the units it did not sell. Purchases are costed as goods sold, not when
    /// ordered.
    fn total_cost(&self) -> f64 {
        self.shipment_cost
            + self.holding_cost
            + self.backorder_cost
            + self.lost_cost
            + self.ordering_cost
            + self.pipeline_cost
            + self.goods_sold_cost
            + self.lost_revenue
    }
}

counters! {
    /// Counts of one demand stream (or, summed, one segment) over the measured days.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct SegmentCounters {
        /// Units demanded.
        pub demand_units: u64,
        /// Units filled from stock on arrival.
        pub filled_units: u64,
        /// Units backordered.
        pub backordered_units: u64,
        /// Backordered units filled later.
        pub late_units: u64,
        /// Their waits, summed.
        pub wait_unit_days: u64,
        /// Units walked away.
        pub walkaway_units: u64,
        /// Units cancelled.
        pub cancelled_units: u64,
        /// Demand lost to churn.
        pub churn_units: u64,
    }
}

impl SegmentCounters {
    /// All zero.
    pub const ZERO: SegmentCounters = SegmentCounters {
        demand_units: 0,
        filled_units: 0,
        backordered_units: 0,
        late_units: 0,
        wait_unit_days: 0,
        walkaway_units: 0,
        cancelled_units: 0,
        churn_units: 0,
    };

    /// The per-segment metrics of these counts.
    pub fn metrics(&self) -> [f64; N_SEGMENT_METRICS] {
        by_metric! { SegmentMetric;
            DemandUnits => self.demand_units as f64,
            FillRate => ratio(self.filled_units, self.demand_units),
            BackorderedUnits => self.backordered_units as f64,
            WaitMeanDays => ratio(self.wait_unit_days, self.late_units),
            WalkawayUnits => self.walkaway_units as f64,
            CancelledUnits => self.cancelled_units as f64,
            ChurnUnits => self.churn_units as f64,
        }
    }
}

counters! {
    /// Measured days a supplier was up and down.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct SupplierDays {
        /// Days up.
        pub up: u64,
        /// Days in an outage.
        pub down: u64,
    }
}

counters! {
    /// Counts of one lane (or, summed, one supplier) over the measured days.
    #[derive(Debug, Clone, Copy, Default, PartialEq)]
    pub struct LaneCounters {
        /// Orders placed on measured days.
        pub orders: u64,
        /// Units ordered on measured days.
        pub units_ordered: u64,
        /// Purchase plus fixed cost of those orders.
        pub spend: f64,
        /// Units received from orders placed on measured days.
        pub units_received: u64,
        /// Orders received of those placed on measured days.
        pub orders_received: u64,
        /// Sum of their realised lead times (days from order to receipt).
        pub lead_days: u64,
        /// Those received within the quoted lead time.
        pub on_time: u64,
        /// Units missing from short shipments of orders placed on measured days.
        pub short_units: u64,
        /// Units of orders placed on measured days that have left the shipping location
        /// (internal lanes only).
        pub units_shipped: u64,
        /// Of the units ordered on measured days, those shipped the day they were ordered
        /// (internal lanes only).
        pub shipped_on_order_day: u64,
        /// Sum over the units shipped of the days they waited at the shipping location.
        pub delay_unit_days: u64,
        /// Sum over measured days of the end-of-day units in transit on the lane.
        pub in_transit_unit_days: u64,
    }
}

impl LaneCounters {
    /// Counts `units` received on the lane from an order placed on a measured day; `first`,
    /// for the first delivery of an order (not a reshipment), gives the days from order to
    /// receipt and whether that was within the quoted lead time.
    #[inline(always)]
    pub(crate) fn count_receipt(&mut self, units: i64, first: Option<(u32, bool)>) {
        self.units_received += units as u64;
        if let Some((lead, on_time)) = first {
            self.orders_received += 1;
            self.lead_days += u64::from(lead);
            self.on_time += u64::from(on_time);
        }
    }

    /// The per-lane metrics of these counts. An `external` supplier ships every unit it
    /// accepts the day it is ordered, so its shipments are not counted separately.
    pub fn lane_metrics(&self, measured_days: u32, external: bool) -> [f64; N_LANE_METRICS] {
        let (on_order_day, shipped) = if external {
            (self.units_ordered, self.units_ordered)
        } else {
            (self.shipped_on_order_day, self.units_shipped)
        };
        by_metric! { LaneMetric;
            UnitsOrdered => self.units_ordered as f64,
            FillRate => ratio(on_order_day, self.units_ordered),
            UpstreamDelayDays => ratio(self.delay_unit_days, shipped),
            TransitDays => ratio(self.lead_days, self.orders_received),
            AvgInTransit => self.in_transit_unit_days as f64 / measured_days as f64,
        }
    }

    /// The per-supplier metrics of these counts and the supplier's days. A supplier without
    /// outages is up every day.
    pub fn metrics(&self, days: &SupplierDays, measured_days: u32) -> [f64; N_SUPPLIER_METRICS] {
        let up = if days.up + days.down == 0 { measured_days as u64 } else { days.up };
        by_metric! { SupplierMetric;
            Orders => self.orders as f64,
            UnitsOrdered => self.units_ordered as f64,
            UnitsReceived => self.units_received as f64,
            ShortUnits => self.short_units as f64,
            SpendPerDay => self.spend / measured_days as f64,
            LeadTimeDays => ratio(self.lead_days, self.orders_received),
            OnTimeShare => ratio(self.on_time, self.orders_received),
            Availability => ratio(up, up + days.down),
            DownDays => days.down as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_from_counters() {
        let c = Counters {
            demand_units: 100,
            filled_units: 90,
            days: 10,
            ready_days: 7,
            cycles: 10,
            cycles_without_stockout: 8,
            on_hand_unit_days: 200,
            holding_cost: 20.0,
            purchase_cost: 1000.0,
            goods_sold_cost: 30.0,
            late_units: 10,
            wait_unit_days: 25,
            ..Counters::default()
        };
        let m = c.metrics(10, &WaitHistogram::default());
        assert_eq!(m[Metric::FillRate], 0.9);
        assert_eq!(m[Metric::ReadyRate], 0.7);
        assert_eq!(m[Metric::CycleServiceLevel], 0.8);
        assert_eq!(m[Metric::AvgOnHand], 20.0);
        assert_eq!(m[Metric::WaitMeanDays], 2.5);
        assert_eq!(m[Metric::CostTotalPerDay], 5.0, "purchases count as goods sold, not when ordered");
        assert!(m[Metric::ProfitPerDay].is_nan(), "no prices, no profit");
    }

    #[test]
    fn sold_and_unsold_units_are_priced_at_the_mean_landed_cost() {
        let mut c = Counters {
            demand_units: 108,
            filled_units: 90,
            late_units: 8,
            walkaway_units: 5,
            cancelled_units: 3,
            churn_units: 2,
            units_ordered: 50,
            landed_cost: 350.0,
            on_hand_unit_days: 20,
            ..Counters::default()
        };
        let costs = PairCosts {
            holding: 1.0,
            lost_sale: 1.0,
            unit_cost: 6.0,
            price: Some(10.0),
            ..PairCosts::default()
        };
        c.close_pair(&costs, 1);
        let m = c.metrics(1, &WaitHistogram::default());
        // 100 sold (2 of them still backordered) at 10, bought at 350 / 50 = 7 each; 10 not sold; 8 lost at a penalty of 1.
        assert_eq!(m[Metric::RevenuePerDay], 1000.0);
        assert_eq!(m[Metric::CostGoodsSoldPerDay], 700.0);
        assert_eq!(m[Metric::GrossMarginPerDay], 300.0);
        assert_eq!(m[Metric::LostRevenuePerDay], 100.0);
        assert_eq!(m[Metric::LostMarginPerDay], 30.0);
        assert_eq!(m[Metric::CostTotalPerDay], 20.0 + 8.0 + 700.0 + 100.0);
        assert_eq!(m[Metric::ProfitPerDay], 1000.0 - 700.0 - 20.0 - 8.0);
        // Without orders a unit costs the item's unit cost.
        c.units_ordered = 0;
        c.close_pair(&costs, 1);
        assert_eq!(c.metrics(1, &WaitHistogram::default())[Metric::CostGoodsSoldPerDay], 600.0);
    }

    #[test]
    fn add_sums_every_field() {
        let one = LaneCounters { orders: 1, spend: 2.5, in_transit_unit_days: 3, ..LaneCounters::default() };
        let mut sum = one;
        sum.add(&one);
        assert_eq!(
            sum,
            LaneCounters { orders: 2, spend: 5.0, in_transit_unit_days: 6, ..LaneCounters::default() }
        );
    }
}
