//! The catalogue of metrics: one entry per metric (its name in code, key, label, unit,
//! direction of preference, whether it is a share, and the report theme it belongs to).
//!
//! Each table is generated with its enum by `catalogue!`, so the order of the table, the
//! enum's variants and the values arrays indexed by them cannot drift apart: values are
//! addressed by name (`values[Metric::FillRate]`).

use std::ops::{Index, IndexMut};

/// Whether a larger value of a metric is better, worse, or neither, and whether the policy
/// decides it at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Larger is better (service).
    Higher,
    /// Smaller is better (costs, backorders).
    Lower,
    /// Neither (volumes).
    Neither,
    /// Not decided by the inventory policy (a supplier's realised lead time or availability):
    /// shown, never ranked or marked.
    External,
}

/// The themes of the report's full table of totals, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Service levels.
    Service,
    /// Backorders and waits.
    Backorders,
    /// Demand lost.
    LostDemand,
    /// Volumes, stock and orders.
    Volumes,
    /// Stock across the network.
    Network,
    /// Costs per day.
    Costs,
    /// Revenue, margins and profit per day.
    Profit,
    /// Forecast accuracy.
    Forecast,
}

impl Theme {
    /// Every theme, in report order.
    pub const ALL: [Theme; 8] = [
        Theme::Service,
        Theme::Backorders,
        Theme::LostDemand,
        Theme::Volumes,
        Theme::Network,
        Theme::Costs,
        Theme::Profit,
        Theme::Forecast,
    ];

    /// The theme's heading in the report.
    pub fn title(self) -> &'static str {
        match self {
            Theme::Service => "Service",
            Theme::Backorders => "Backorders",
            Theme::LostDemand => "Lost demand",
            Theme::Volumes => "Demand, stock and orders",
            Theme::Network => "Network",
            Theme::Costs => "Costs per day",
            Theme::Profit => "Revenue and profit per day",
            Theme::Forecast => "Forecast accuracy",
        }
    }
}

/// A metric's identity and presentation.
#[derive(Debug, Clone, Copy)]
pub struct MetricDef {
    /// Key used in files (`fill_rate`).
    pub key: &'static str,
    /// Human label (`Fill rate`).
    pub label: &'static str,
    /// Unit, or empty for ratios.
    pub unit: &'static str,
    /// Direction of preference.
    pub better: Better,
    /// Whether the value is a share in [0, 1] (shown as a percentage).
    pub share: bool,
    /// The report theme of a total's metric (none for per-supplier, -segment and -lane ones).
    pub theme: Option<Theme>,
}

/// Defines an enum of metrics together with their table of definitions (same order), its
/// length, and indexing of a values array by the enum.
macro_rules! catalogue {
    (
        $(#[$doc:meta])* enum $name:ident, table $table:ident, count $count:ident, theme $theme:tt {
            $($(#[$vdoc:meta])* $variant:ident = $key:literal, $label:literal, $unit:literal, $better:ident, $share:literal $(, $vtheme:ident)?;)*
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* #[doc = concat!("`", $key, "`: ", $label, ".")] $variant,)*
        }

        impl $name {
            /// Every metric, in table order.
            pub const ALL: [$name; $count] = [$($name::$variant),*];

            /// The metric's definition.
            pub fn def(self) -> &'static MetricDef {
                &$table[self as usize]
            }
        }

        #[doc = concat!("The definitions of every [`", stringify!($name), "`], in report order.")]
        pub const $table: [MetricDef; $count] = [$(MetricDef {
            key: $key,
            label: $label,
            unit: $unit,
            better: Better::$better,
            share: $share,
            theme: catalogue!(@theme $theme $($vtheme)?),
        }),*];

        #[doc = concat!("Number of [`", stringify!($name), "`]s.")]
        pub const $count: usize = [$(stringify!($variant)),*].len();

        impl Index<$name> for [f64; $count] {
            type Output = f64;
            #[inline]
            fn index(&self, m: $name) -> &f64 {
                &self[m as usize]
            }
        }

        impl IndexMut<$name> for [f64; $count] {
            #[inline]
            fn index_mut(&mut self, m: $name) -> &mut f64 {
                &mut self[m as usize]
            }
        }
    };
    (@theme themed $t:ident) => { Some(Theme::$t) };
    (@theme none) => { None };
}

catalogue! {
    /// A metric of a pair or of the total over pairs.
    enum Metric, table METRICS, count N_METRICS, theme themed {
        DemandUnits = "demand_units", "Demand", "units", Neither, false, Volumes;
        DemandLines = "demand_lines", "Demand lines", "lines", Neither, false, Volumes;
        FillRate = "fill_rate", "Fill rate", "", Higher, true, Service;
        CycleServiceLevel = "cycle_service_level", "Cycle service level", "", Higher, true, Service;
        ReadyRate = "ready_rate", "Ready rate", "", Higher, true, Service;
        BackorderedUnits = "backordered_units", "Backordered", "units", Lower, false, Backorders;
        BackorderedLines = "backordered_lines", "Backordered lines", "lines", Lower, false, Backorders;
        AvgBackorders = "avg_backorders", "Average backorders", "units", Lower, false, Backorders;
        MaxBackorders = "max_backorders", "Maximum backorders", "units", Lower, false, Backorders;
        WaitMeanDays = "wait_mean_days", "Mean backorder wait", "days", Lower, false, Backorders;
        WaitP50Days = "wait_p50_days", "Median backorder wait", "days", Lower, false, Backorders;
        WaitP95Days = "wait_p95_days", "95th percentile backorder wait", "days", Lower, false, Backorders;
        WaitMaxDays = "wait_max_days", "Longest backorder wait", "days", Lower, false, Backorders;
        OnTimeToPromise = "on_time_to_promise", "Backorders delivered by the promised date", "", Higher, true, Service;
        PromiseLatenessDays = "promise_lateness_days", "Mean lateness to promise", "days", Lower, false, Backorders;
        LostUnits = "lost_units", "Lost sales", "units", Lower, false, LostDemand;
        WalkawayUnits = "walkaway_units", "Walk-aways", "units", Lower, false, LostDemand;
        CancelledUnits = "cancelled_units", "Cancelled", "units", Lower, false, LostDemand;
        CancelledLines = "cancelled_lines", "Cancelled lines", "lines", Lower, false, LostDemand;
        ChurnUnits = "churn_units", "Demand lost to churn", "units", Lower, false, LostDemand;
        LostDuringDisruptionUnits = "lost_during_disruption_units", "Lost during disruptions", "units", Lower, false, LostDemand;
        FillRateDisrupted = "fill_rate_disrupted", "Fill rate during disruptions", "", Higher, true, Service;
        FillRateUndisrupted = "fill_rate_undisrupted", "Fill rate outside disruptions", "", Higher, true, Service;
        AvgOnHand = "avg_on_hand", "Average on hand", "units", Neither, false, Volumes;
        AvgInTransit = "avg_in_transit", "Average in transit (pipeline)", "units", Neither, false, Network;
        AvgOwedDownstream = "avg_owed_downstream", "Average owed to downstream locations", "units", Lower, false, Network;
        AvgEchelonInventory = "avg_echelon_inventory", "Average echelon inventory", "units", Neither, false, Network;
        OrdersPlaced = "orders_placed", "Orders placed", "orders", Neither, false, Volumes;
        CostHoldingPerDay = "cost_holding_per_day", "Holding cost per day", "cost/day", Lower, false, Costs;
        CostBackorderPerDay = "cost_backorder_per_day", "Backorder penalty per day", "cost/day", Lower, false, Costs;
        CostLostSalesPerDay = "cost_lost_sales_per_day", "Lost-sales penalty per day", "cost/day", Lower, false, Costs;
        CostOrderingPerDay = "cost_ordering_per_day", "Ordering cost per day", "cost/day", Lower, false, Costs;
        CostPurchasePerDay = "cost_purchase_per_day", "Purchase cost per day", "cost/day", Lower, false, Costs;
        CostPipelinePerDay = "cost_pipeline_per_day", "Pipeline holding cost per day", "cost/day", Lower, false, Costs;
        CostGoodsSoldPerDay = "cost_goods_sold_per_day", "Cost of goods sold per day", "cost/day", Lower, false, Costs;
        LostRevenuePerDay = "lost_revenue_per_day", "Revenue lost per day", "cost/day", Lower, false, Costs;
        CostShipmentPerDay = "cost_shipment_per_day", "Customer shipment cost per day", "cost/day", Lower, false, Costs;
        CostTotalPerDay = "cost_total_per_day", "Total cost per day", "cost/day", Lower, false, Costs;
        RevenuePerDay = "revenue_per_day", "Revenue per day", "money/day", Higher, false, Profit;
        GrossMarginPerDay = "gross_margin_per_day", "Gross margin per day", "money/day", Higher, false, Profit;
        LostMarginPerDay = "lost_margin_per_day", "Margin lost per day", "money/day", Lower, false, Profit;
        ProfitPerDay = "profit_per_day", "Profit per day", "money/day", Higher, false, Profit;
        ForecastMae = "forecast_mae", "Forecast MAE", "units/day", Lower, false, Forecast;
        ForecastRmse = "forecast_rmse", "Forecast RMSE", "units/day", Lower, false, Forecast;
        ForecastBias = "forecast_bias", "Forecast bias", "units/day", Neither, false, Forecast;
        ForecastMape = "forecast_mape", "Forecast MAPE", "", Lower, true, Forecast;
        ForecastScaledMae = "forecast_scaled_mae", "Forecast MAE / mean demand", "", Lower, false, Forecast;
    }
}

catalogue! {
    /// A metric of one supplier (over its lanes).
    enum SupplierMetric, table SUPPLIER_METRICS, count N_SUPPLIER_METRICS, theme none {
        Orders = "supplier_orders", "Orders", "orders", Neither, false;
        UnitsOrdered = "supplier_units_ordered", "Units ordered", "units", Neither, false;
        UnitsReceived = "supplier_units_received", "Units received", "units", Neither, false;
        ShortUnits = "supplier_short_units", "Units short", "units", Lower, false;
        SpendPerDay = "supplier_spend_per_day", "Spend per day", "cost/day", Lower, false;
        LeadTimeDays = "supplier_lead_time_days", "Mean realised lead time", "days", External, false;
        OnTimeShare = "supplier_on_time_share", "Orders within quoted lead time", "", External, true;
        Availability = "supplier_availability", "Availability", "", External, true;
        DownDays = "supplier_down_days", "Days down", "days", External, false;
    }
}

catalogue! {
    /// A metric of one customer segment (over its demand streams).
    enum SegmentMetric, table SEGMENT_METRICS, count N_SEGMENT_METRICS, theme none {
        DemandUnits = "segment_demand_units", "Demand", "units", Neither, false;
        FillRate = "segment_fill_rate", "Fill rate", "", Higher, true;
        BackorderedUnits = "segment_backordered_units", "Backordered", "units", Lower, false;
        WaitMeanDays = "segment_wait_mean_days", "Mean backorder wait", "days", Lower, false;
        WalkawayUnits = "segment_walkaway_units", "Walk-aways", "units", Lower, false;
        CancelledUnits = "segment_cancelled_units", "Cancelled", "units", Lower, false;
        ChurnUnits = "segment_churn_units", "Demand lost to churn", "units", Lower, false;
    }
}

catalogue! {
    /// A metric of one customer order stream (orders whose lines span items).
    enum OrderMetric, table ORDER_METRICS, count N_ORDER_METRICS, theme none {
        Orders = "order_count", "Orders", "orders", Neither, false;
        FillRate = "order_fill_rate", "Order fill rate (complete on the day ordered)", "", Higher, true;
        LineFillRate = "order_line_fill_rate", "Line fill rate (lines complete on the day ordered)", "", Higher, true;
        UnitFillRate = "order_unit_fill_rate", "Unit fill rate (units shipped on the day ordered)", "", Higher, true;
        LeadTimeMeanDays = "order_lead_time_mean_days", "Mean complete-order lead time", "days", Lower, false;
        LeadTimeP95Days = "order_lead_time_p95_days", "95th percentile complete-order lead time", "days", Lower, false;
        ShipmentsPerOrder = "order_shipments_per_order", "Shipments per order", "shipments", Lower, false;
        ShipmentCostPerDay = "order_shipment_cost_per_day", "Shipment cost per day", "cost/day", Lower, false;
        Cancelled = "order_cancelled", "Orders cancelled", "orders", Lower, false;
        PromiseKept = "order_promise_kept", "Orders complete by the promised date", "", Higher, true;
        PromiseMissDays = "order_promise_miss_days", "Mean days late of missed promises", "days", Lower, false;
        PromiseRevisions = "order_promise_revisions", "Promised dates revised (messages to customers)", "messages", Lower, false;
    }
}

catalogue! {
    /// A metric of one lane.
    enum LaneMetric, table LANE_METRICS, count N_LANE_METRICS, theme none {
        UnitsOrdered = "lane_units_ordered", "Units ordered", "units", Neither, false;
        FillRate = "lane_fill_rate", "Shipped the day ordered", "", Higher, true;
        UpstreamDelayDays = "lane_upstream_delay_days", "Mean wait at the shipping location", "days", Lower, false;
        TransitDays = "lane_transit_days", "Mean transit time", "days", Lower, false;
        AvgInTransit = "lane_avg_in_transit", "Average in transit", "units", Neither, false;
    }
}

/// An array of the values of every metric of `$enum`, written `Name => value` in table order:
/// a metric left out, added or out of order fails to compile.
macro_rules! by_metric {
    ($enum:ident; $($metric:ident => $value:expr),* $(,)?) => {{
        const _: () = $crate::metrics::catalogue::assert_in_order(&[$($enum::$metric as usize),*], $enum::ALL.len());
        [$($value),*]
    }};
}
pub(crate) use by_metric;

/// Panics (at compile time, in [`by_metric!`]) unless `indices` are `0, 1, …, count - 1`.
pub(crate) const fn assert_in_order(indices: &[usize], count: usize) {
    assert!(indices.len() == count, "every metric, once");
    let mut i = 0;
    while i < indices.len() {
        assert!(indices[i] == i, "metrics in table order");
        i += 1;
    }
}

/// The values of every metric for one replication (NaN where undefined, e.g. a fill rate with
/// no demand), indexed by [`Metric`].
pub type MetricValues = [f64; N_METRICS];

/// Index of a metric by key.
pub fn metric_index(key: &str) -> Option<usize> {
    METRICS.iter().position(|m| m.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_and_table_agree() {
        for (i, m) in Metric::ALL.iter().enumerate() {
            assert_eq!(m.def().key, METRICS[i].key);
            assert_eq!(metric_index(m.def().key), Some(i));
        }
        assert_eq!(Metric::FillRate.def().key, "fill_rate");
        assert_eq!(LaneMetric::AvgInTransit.def().key, "lane_avg_in_transit");
        let mut v = [0.0; N_METRICS];
        v[Metric::CostTotalPerDay] = 2.0;
        assert_eq!(v[Metric::CostTotalPerDay as usize], 2.0);
    }

    #[test]
    fn values_must_be_listed_in_table_order() {
        assert_in_order(&[0, 1, 2], 3);
        assert!(std::panic::catch_unwind(|| assert_in_order(&[0, 2, 1], 3)).is_err());
        assert!(std::panic::catch_unwind(|| assert_in_order(&[0, 1], 3)).is_err());
    }

    #[test]
    fn every_total_metric_has_a_theme_and_no_scoped_one_has() {
        assert!(METRICS.iter().all(|m| m.theme.is_some()));
        let scoped = SUPPLIER_METRICS.iter().chain(&SEGMENT_METRICS).chain(&LANE_METRICS);
        assert!(scoped.into_iter().all(|m| m.theme.is_none()));
    }
}
