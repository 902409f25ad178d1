//! Per-replication counters and the metrics computed from them.
//!
//! `docs/metrics.md` is the one written definition of every metric listed in [`METRICS`]; a
//! test keeps the two in step. Counters are filled by the engine for days on or after the
//! warm-up only (the conservation ledger in [`Ledger`] covers the whole horizon).

/// Whether a larger value of a metric is better, worse, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// Larger is better (service).
    Higher,
    /// Smaller is better (costs, backorders).
    Lower,
    /// Neither (volumes).
    Neither,
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
}

const fn def(
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    better: Better,
    share: bool,
) -> MetricDef {
    MetricDef { key, label, unit, better, share }
}

use Better::{Higher, Lower, Neither};

use crate::sim::forecast::Accuracy;

/// Every metric, in report order. Values are computed by [`Counters::metrics`].
pub const METRICS: [MetricDef; 39] = [
    def("demand_units", "Demand", "units", Neither, false),
    def("demand_lines", "Demand lines", "lines", Neither, false),
    def("fill_rate", "Fill rate", "", Higher, true),
    def("cycle_service_level", "Cycle service level", "", Higher, true),
    def("ready_rate", "Ready rate", "", Higher, true),
    def("backordered_units", "Backordered", "units", Lower, false),
    def("backordered_lines", "Backordered lines", "lines", Lower, false),
    def("avg_backorders", "Average backorders", "units", Lower, false),
    def("max_backorders", "Maximum backorders", "units", Lower, false),
    def("wait_mean_days", "Mean backorder wait", "days", Lower, false),
    def("wait_p50_days", "Median backorder wait", "days", Lower, false),
    def("wait_p95_days", "95th percentile backorder wait", "days", Lower, false),
    def("wait_max_days", "Longest backorder wait", "days", Lower, false),
    def("on_time_to_promise", "Backorders delivered by the promised date", "", Higher, true),
    def("promise_lateness_days", "Mean lateness to promise", "days", Lower, false),
    def("lost_units", "Lost sales", "units", Lower, false),
    def("walkaway_units", "Walk-aways", "units", Lower, false),
    def("cancelled_units", "Cancelled", "units", Lower, false),
    def("cancelled_lines", "Cancelled lines", "lines", Lower, false),
    def("churn_units", "Demand lost to churn", "units", Lower, false),
    def("lost_during_disruption_units", "Lost during disruptions", "units", Lower, false),
    def("fill_rate_disrupted", "Fill rate during disruptions", "", Higher, true),
    def("fill_rate_undisrupted", "Fill rate outside disruptions", "", Higher, true),
    def("avg_on_hand", "Average on hand", "units", Neither, false),
    def("avg_in_transit", "Average in transit (pipeline)", "units", Neither, false),
    def("avg_owed_downstream", "Average owed to downstream locations", "units", Lower, false),
    def("avg_echelon_inventory", "Average echelon inventory", "units", Neither, false),
    def("orders_placed", "Orders placed", "orders", Neither, false),
    def("cost_holding_per_day", "Holding cost per day", "cost/day", Lower, false),
    def("cost_backorder_per_day", "Backorder penalty per day", "cost/day", Lower, false),
    def("cost_lost_sales_per_day", "Lost-sales penalty per day", "cost/day", Lower, false),
    def("cost_ordering_per_day", "Ordering cost per day", "cost/day", Lower, false),
    def("cost_purchase_per_day", "Purchase cost per day", "cost/day", Lower, false),
    def("cost_pipeline_per_day", "Pipeline holding cost per day", "cost/day", Lower, false),
    def("cost_total_per_day", "Total cost per day", "cost/day", Lower, false),
    def("forecast_mae", "Forecast MAE", "units/day", Lower, false),
    def("forecast_rmse", "Forecast RMSE", "units/day", Lower, false),
    def("forecast_bias", "Forecast bias", "units/day", Neither, false),
    def("forecast_mape", "Forecast MAPE", "", Lower, true),
];

/// Number of metrics.
pub const N_METRICS: usize = METRICS.len();

/// The values of every metric for one replication (NaN where undefined, e.g. a fill rate with
/// no demand).
pub type MetricValues = [f64; N_METRICS];

/// Index of a metric by key.
pub fn metric_index(key: &str) -> Option<usize> {
    METRICS.iter().position(|m| m.key == key)
}

/// Counts over the measured days (on or after the warm-up) of one scope: a pair, or the sum
/// over pairs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counters {
    /// Units demanded.
    pub demand_units: u64,
    /// Order lines demanded.
    pub demand_lines: u64,
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
    /// Sum over measured days of the end-of-day on-hand.
    pub on_hand_unit_days: u64,
    /// Sum over measured days of the end-of-day backorders.
    pub backorder_unit_days: u64,
    /// Sum over measured days of the end-of-day units in transit to the pair.
    pub in_transit_unit_days: u64,
    /// Sum over measured days of the end-of-day units owed to downstream locations.
    pub owed_unit_days: u64,
    /// Sum over measured days of the end-of-day echelon inventory (can be negative).
    pub echelon_unit_days: i64,
    /// Largest end-of-day backorders on a measured day.
    pub max_backorders: u64,
    /// Measured days that ended with nothing owed, to customers or downstream locations.
    pub ready_days: u64,
    /// Measured days (per pair; for a total, pair-days).
    pub days: u64,
    /// Review cycles that began and ended in the measured days.
    pub cycles: u64,
    /// Those of them in which every unit demanded (by customers or downstream locations) was
    /// filled from stock on arrival.
    pub cycles_without_stockout: u64,
    /// Replenishment orders placed.
    pub orders: u64,
    /// Units ordered.
    pub units_ordered: u64,
    /// Holding cost.
    pub holding_cost: f64,
    /// Backorder penalty.
    pub backorder_cost: f64,
    /// Lost-sales penalty.
    pub lost_cost: f64,
    /// Fixed ordering cost.
    pub ordering_cost: f64,
    /// Purchase cost.
    pub purchase_cost: f64,
    /// Pipeline holding cost (units in transit).
    pub pipeline_cost: f64,
    /// One-step forecast errors of the pair's forecaster (none without one).
    pub forecast: Accuracy,
}

impl Counters {
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

    /// Adds another scope's counts (for totals; the maximum backorders of a total is set by
    /// the caller from the daily totals).
    pub fn add(&mut self, o: &Counters) {
        self.demand_units += o.demand_units;
        self.demand_lines += o.demand_lines;
        self.filled_units += o.filled_units;
        self.backordered_units += o.backordered_units;
        self.backordered_lines += o.backordered_lines;
        self.walkaway_units += o.walkaway_units;
        self.cancelled_units += o.cancelled_units;
        self.cancelled_lines += o.cancelled_lines;
        self.churn_units += o.churn_units;
        self.lost_disrupted_units += o.lost_disrupted_units;
        self.demand_disrupted += o.demand_disrupted;
        self.filled_disrupted += o.filled_disrupted;
        self.lines_completed += o.lines_completed;
        self.lines_on_time += o.lines_on_time;
        self.lateness_days += o.lateness_days;
        self.late_units += o.late_units;
        self.wait_unit_days += o.wait_unit_days;
        self.on_hand_unit_days += o.on_hand_unit_days;
        self.backorder_unit_days += o.backorder_unit_days;
        self.in_transit_unit_days += o.in_transit_unit_days;
        self.owed_unit_days += o.owed_unit_days;
        self.echelon_unit_days += o.echelon_unit_days;
        self.ready_days += o.ready_days;
        self.days += o.days;
        self.cycles += o.cycles;
        self.cycles_without_stockout += o.cycles_without_stockout;
        self.orders += o.orders;
        self.units_ordered += o.units_ordered;
        self.holding_cost += o.holding_cost;
        self.backorder_cost += o.backorder_cost;
        self.lost_cost += o.lost_cost;
        self.ordering_cost += o.ordering_cost;
        self.purchase_cost += o.purchase_cost;
        self.pipeline_cost += o.pipeline_cost;
        self.forecast.add(&o.forecast);
    }

    /// Computes every metric. `measured_days` is the number of calendar days measured (costs
    /// are per calendar day, summed over pairs); `waits` counts late-filled units by wait.
    pub fn metrics(&self, measured_days: u32, waits: &WaitHistogram) -> MetricValues {
        let ratio = |a: u64, b: u64| {
            if b == 0 { f64::NAN } else { a as f64 / b as f64 }
        };
        let per_day = |x: f64| x / measured_days as f64;
        let total = self.holding_cost
            + self.backorder_cost
            + self.lost_cost
            + self.ordering_cost
            + self.purchase_cost
            + self.pipeline_cost;
        let [mae, rmse, bias, mape] = self.forecast.summary();
        // Per-pair averages of a total are sums over pairs, so divide by calendar days.
        let lost = self.walkaway_units + self.cancelled_units;
        [
            self.demand_units as f64,
            self.demand_lines as f64,
            ratio(self.filled_units, self.demand_units),
            ratio(self.cycles_without_stockout, self.cycles),
            ratio(self.ready_days, self.days),
            self.backordered_units as f64,
            self.backordered_lines as f64,
            per_day(self.backorder_unit_days as f64),
            self.max_backorders as f64,
            ratio(self.wait_unit_days, self.late_units),
            waits.quantile(0.5),
            waits.quantile(0.95),
            waits.quantile(1.0),
            ratio(self.lines_on_time, self.lines_completed),
            ratio(self.lateness_days, self.lines_completed),
            lost as f64,
            self.walkaway_units as f64,
            self.cancelled_units as f64,
            self.cancelled_lines as f64,
            self.churn_units as f64,
            self.lost_disrupted_units as f64,
            ratio(self.filled_disrupted, self.demand_disrupted),
            ratio(self.filled_units - self.filled_disrupted, self.demand_units - self.demand_disrupted),
            per_day(self.on_hand_unit_days as f64),
            per_day(self.in_transit_unit_days as f64),
            per_day(self.owed_unit_days as f64),
            per_day(self.echelon_unit_days as f64),
            self.orders as f64,
            per_day(self.holding_cost),
            per_day(self.backorder_cost),
            per_day(self.lost_cost),
            per_day(self.ordering_cost),
            per_day(self.purchase_cost),
            per_day(self.pipeline_cost),
            per_day(total),
            mae,
            rmse,
            bias,
            mape,
        ]
    }
}

/// Per-supplier metrics, in report order (computed by [`LaneCounters::metrics`] over the
/// supplier's lanes and its [`SupplierDays`]).
pub const SUPPLIER_METRICS: [MetricDef; 9] = [
    def("supplier_orders", "Orders", "orders", Neither, false),
    def("supplier_units_ordered", "Units ordered", "units", Neither, false),
    def("supplier_units_received", "Units received", "units", Neither, false),
    def("supplier_short_units", "Units short", "units", Lower, false),
    def("supplier_spend_per_day", "Spend per day", "cost/day", Lower, false),
    def("supplier_lead_time_days", "Mean realised lead time", "days", Lower, false),
    def("supplier_on_time_share", "Orders within quoted lead time", "", Higher, true),
    def("supplier_availability", "Availability", "", Higher, true),
    def("supplier_down_days", "Days down", "days", Lower, false),
];

/// Per-segment metrics, in report order (computed by [`SegmentCounters::metrics`] over the
/// segment's demand streams).
pub const SEGMENT_METRICS: [MetricDef; 7] = [
    def("segment_demand_units", "Demand", "units", Neither, false),
    def("segment_fill_rate", "Fill rate", "", Higher, true),
    def("segment_backordered_units", "Backordered", "units", Lower, false),
    def("segment_wait_mean_days", "Mean backorder wait", "days", Lower, false),
    def("segment_walkaway_units", "Walk-aways", "units", Lower, false),
    def("segment_cancelled_units", "Cancelled", "units", Lower, false),
    def("segment_churn_units", "Demand lost to churn", "units", Lower, false),
];

/// Number of per-segment metrics.
pub const N_SEGMENT_METRICS: usize = SEGMENT_METRICS.len();

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

    /// Adds another stream's counts.
    pub fn add(&mut self, o: &SegmentCounters) {
        self.demand_units += o.demand_units;
        self.filled_units += o.filled_units;
        self.backordered_units += o.backordered_units;
        self.late_units += o.late_units;
        self.wait_unit_days += o.wait_unit_days;
        self.walkaway_units += o.walkaway_units;
        self.cancelled_units += o.cancelled_units;
        self.churn_units += o.churn_units;
    }

    /// The per-segment metrics of these counts.
    pub fn metrics(&self) -> [f64; N_SEGMENT_METRICS] {
        let ratio = |a: u64, b: u64| if b == 0 { f64::NAN } else { a as f64 / b as f64 };
        [
            self.demand_units as f64,
            ratio(self.filled_units, self.demand_units),
            self.backordered_units as f64,
            ratio(self.wait_unit_days, self.late_units),
            self.walkaway_units as f64,
            self.cancelled_units as f64,
            self.churn_units as f64,
        ]
    }
}

/// Per-lane metrics, in report order (computed by [`LaneCounters::lane_metrics`]).
pub const LANE_METRICS: [MetricDef; 5] = [
    def("lane_units_ordered", "Units ordered", "units", Neither, false),
    def("lane_fill_rate", "Shipped the day ordered", "", Higher, true),
    def("lane_upstream_delay_days", "Mean wait at the shipping location", "days", Lower, false),
    def("lane_transit_days", "Mean transit time", "days", Lower, false),
    def("lane_avg_in_transit", "Average in transit", "units", Neither, false),
];

/// Number of per-lane metrics.
pub const N_LANE_METRICS: usize = LANE_METRICS.len();

/// Measured days a supplier was up and down.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SupplierDays {
    /// Days up.
    pub up: u64,
    /// Days in an outage.
    pub down: u64,
}

/// Number of per-supplier metrics.
pub const N_SUPPLIER_METRICS: usize = SUPPLIER_METRICS.len();

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
    /// Units of orders placed on measured days that have left the shipping location (internal
    /// lanes only).
    pub units_shipped: u64,
    /// Of the units ordered on measured days, those shipped the day they were ordered (internal
    /// lanes only).
    pub shipped_on_order_day: u64,
    /// Sum over the units shipped of the days they waited at the shipping location.
    pub delay_unit_days: u64,
    /// Sum over measured days of the end-of-day units in transit on the lane.
    pub in_transit_unit_days: u64,
}

impl LaneCounters {
    /// Adds another lane's counts.
    pub fn add(&mut self, o: &LaneCounters) {
        self.orders += o.orders;
        self.units_ordered += o.units_ordered;
        self.spend += o.spend;
        self.units_received += o.units_received;
        self.orders_received += o.orders_received;
        self.lead_days += o.lead_days;
        self.on_time += o.on_time;
        self.short_units += o.short_units;
        self.units_shipped += o.units_shipped;
        self.shipped_on_order_day += o.shipped_on_order_day;
        self.delay_unit_days += o.delay_unit_days;
        self.in_transit_unit_days += o.in_transit_unit_days;
    }

    /// The per-lane metrics of these counts. An `external` supplier ships every unit it
    /// accepts the day it is ordered, so its shipments are not counted separately.
    pub fn lane_metrics(&self, measured_days: u32, external: bool) -> [f64; N_LANE_METRICS] {
        let ratio = |a: u64, b: u64| if b == 0 { f64::NAN } else { a as f64 / b as f64 };
        let (on_order_day, shipped) = if external {
            (self.units_ordered, self.units_ordered)
        } else {
            (self.shipped_on_order_day, self.units_shipped)
        };
        [
            self.units_ordered as f64,
            ratio(on_order_day, self.units_ordered),
            ratio(self.delay_unit_days, shipped),
            ratio(self.lead_days, self.orders_received),
            self.in_transit_unit_days as f64 / measured_days as f64,
        ]
    }

    /// The per-supplier metrics of these counts and the supplier's days. A supplier without
    /// outages is up every day.
    pub fn metrics(&self, days: &SupplierDays, measured_days: u32) -> [f64; N_SUPPLIER_METRICS] {
        let ratio = |a: u64, b: u64| if b == 0 { f64::NAN } else { a as f64 / b as f64 };
        let up = if days.up + days.down == 0 { measured_days as u64 } else { days.up };
        [
            self.orders as f64,
            self.units_ordered as f64,
            self.units_received as f64,
            self.short_units as f64,
            self.spend / measured_days as f64,
            ratio(self.lead_days, self.orders_received),
            ratio(self.on_time, self.orders_received),
            ratio(up, up + days.down),
            days.down as f64,
        ]
    }
}

/// Counts of late-filled units by whole days waited (index = days).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct WaitHistogram {
    counts: Vec<u64>,
    /// One past the largest wait recorded: every count at or above it is 0.
    used: usize,
}

impl WaitHistogram {
    /// A histogram able to hold waits up to `max_wait` days without growing.
    pub fn with_max(max_wait: u32) -> WaitHistogram {
        WaitHistogram { counts: vec![0; max_wait as usize + 1], used: 0 }
    }

    /// Records `units` units that waited `days` days.
    #[inline]
    pub fn record(&mut self, days: u32, units: u64) {
        let d = days as usize;
        if d >= self.counts.len() {
            self.counts.resize(d + 1, 0);
        }
        self.counts[d] += units;
        self.used = self.used.max(d + 1);
    }

    /// Adds another histogram's counts.
    pub fn add(&mut self, other: &WaitHistogram) {
        if other.used > self.counts.len() {
            self.counts.resize(other.used, 0);
        }
        for (a, b) in self.counts.iter_mut().zip(other.counts()) {
            *a += b;
        }
        self.used = self.used.max(other.used);
    }

    /// Sets every count to 0, keeping the capacity.
    pub fn clear(&mut self) {
        self.counts[..self.used].iter_mut().for_each(|c| *c = 0);
        self.used = 0;
    }

    /// Units recorded.
    pub fn total(&self) -> u64 {
        self.counts().iter().sum()
    }

    /// The counts, index = days waited, up to the largest wait recorded.
    pub fn counts(&self) -> &[u64] {
        &self.counts[..self.used]
    }

    /// The smallest wait `w` such that at least a share `q` of the units waited `w` days or
    /// less (NaN when empty).
    pub fn quantile(&self, q: f64) -> f64 {
        let total = self.total();
        if total == 0 {
            return f64::NAN;
        }
        let target = (q * total as f64).ceil().max(1.0) as u64;
        let mut cum = 0;
        for (d, &c) in self.counts().iter().enumerate() {
            cum += c;
            if cum >= target {
                return d as f64;
            }
        }
        unreachable!("the cumulative count reaches the total")
    }
}

impl PartialEq for WaitHistogram {
    fn eq(&self, other: &WaitHistogram) -> bool {
        self.counts() == other.counts()
    }
}

/// Whole-horizon unit flows of one pair, for the conservation checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ledger {
    /// On hand at the start of day 0.
    pub initial_on_hand: i64,
    /// Units received from lanes.
    pub received: i64,
    /// Of those, units received from other locations (internal lanes).
    pub received_internal: i64,
    /// Units shipped to customers (from stock on arrival, and to backorders).
    pub shipped: i64,
    /// Units shipped to downstream locations.
    pub shipped_internal: i64,
    /// On hand at the end of the last day.
    pub final_on_hand: i64,
    /// Units demanded.
    pub demanded: i64,
    /// Units filled from stock on the day demanded.
    pub filled_on_arrival: i64,
    /// Backordered units filled later.
    pub filled_late: i64,
    /// Units lost (walk-aways).
    pub lost: i64,
    /// Backordered units cancelled (patience ran out).
    pub cancelled: i64,
    /// Units still backordered at the end.
    pub open_backorders: i64,
    /// Units ordered from lanes.
    pub ordered: i64,
    /// Units ordered and shipped but not yet received at the end.
    pub in_transit: i64,
    /// Of those, units shipped by other locations.
    pub in_transit_internal: i64,
    /// Units ordered from other locations and still waiting there at the end.
    pub awaiting_upstream: i64,
    /// Units missing from short shipments and cancelled.
    pub short_cancelled: i64,
}

impl Ledger {
    /// Checks that no unit was created or lost; names the first identity that fails.
    pub fn check(&self) -> Result<(), String> {
        let stock =
            self.initial_on_hand + self.received - self.shipped - self.shipped_internal - self.final_on_hand;
        if stock != 0 {
            return Err(format!(
                "start + received - shipped (customers and downstream) - end = {stock}, not 0: {self:?}"
            ));
        }
        let demand = self.demanded
            - self.filled_on_arrival
            - self.filled_late
            - self.lost
            - self.cancelled
            - self.open_backorders;
        if demand != 0 {
            return Err(format!(
                "demand - filled now - filled late - lost - cancelled - open backorders = {demand}, not 0: {self:?}"
            ));
        }
        if self.shipped != self.filled_on_arrival + self.filled_late {
            return Err(format!("shipped != filled now + filled late: {self:?}"));
        }
        let pipeline =
            self.ordered - self.received - self.in_transit - self.awaiting_upstream - self.short_cancelled;
        if pipeline != 0 {
            return Err(format!(
                "ordered - received - in transit - awaiting upstream - short cancelled = {pipeline}, not 0: {self:?}"
            ));
        }
        Ok(())
    }
}

/// Checks conservation across the whole network of pairs: every unit a location shipped to
/// another has arrived or is still in transit, and so the starting stock plus what came in
/// from external suppliers equals the stock at every location, plus what is in transit
/// between locations, plus what was delivered to customers.
pub fn check_network<'a>(ledgers: impl Iterator<Item = &'a Ledger> + Clone) -> Result<(), String> {
    let sum = |f: fn(&Ledger) -> i64| ledgers.clone().map(f).sum::<i64>();
    let between = sum(|l| l.shipped_internal) - sum(|l| l.received_internal) - sum(|l| l.in_transit_internal);
    if between != 0 {
        return Err(format!(
            "shipped between locations - received from them - in transit = {between}, not 0"
        ));
    }
    let inflow = sum(|l| l.initial_on_hand) + sum(|l| l.received) - sum(|l| l.received_internal);
    let outflow = sum(|l| l.final_on_hand) + sum(|l| l.in_transit_internal) + sum(|l| l.shipped);
    if inflow != outflow {
        return Err(format!(
            "start + received from suppliers ({inflow}) != stock at locations + in transit between them + delivered to customers ({outflow})"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_quantile_is_nearest_rank() {
        let mut h = WaitHistogram::with_max(3);
        h.record(0, 50);
        h.record(2, 45);
        h.record(7, 5);
        assert_eq!(h.total(), 100);
        assert_eq!(h.quantile(0.5), 0.0);
        assert_eq!(h.quantile(0.51), 2.0);
        assert_eq!(h.quantile(0.95), 2.0);
        assert_eq!(h.quantile(0.96), 7.0);
        assert!(WaitHistogram::default().quantile(0.95).is_nan());
    }

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
            purchase_cost: 30.0,
            late_units: 10,
            wait_unit_days: 25,
            ..Counters::default()
        };
        let m = c.metrics(10, &WaitHistogram::default());
        let get = |k| m[metric_index(k).unwrap()];
        assert_eq!(get("fill_rate"), 0.9);
        assert_eq!(get("ready_rate"), 0.7);
        assert_eq!(get("cycle_service_level"), 0.8);
        assert_eq!(get("avg_on_hand"), 20.0);
        assert_eq!(get("wait_mean_days"), 2.5);
        assert_eq!(get("cost_total_per_day"), 5.0);
    }

    #[test]
    fn ledger_detects_a_lost_unit() {
        let mut l = Ledger {
            initial_on_hand: 10,
            received: 5,
            shipped: 12,
            final_on_hand: 3,
            demanded: 14,
            filled_on_arrival: 10,
            filled_late: 2,
            lost: 1,
            open_backorders: 1,
            ordered: 7,
            in_transit: 2,
            ..Ledger::default()
        };
        assert!(l.check().is_ok());
        l.final_on_hand = 2;
        assert!(l.check().unwrap_err().contains("start + received"));
    }
}
