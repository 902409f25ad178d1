//! Per-replication counters and the metrics computed from them.
//!
//! - [`catalogue`]: every metric, one entry each ([`Metric`] and its [`METRICS`] table, and
//!   likewise per supplier, segment and lane).
//! - [`counters`]: the counts the engine fills, and the metric values computed from them.
//! - [`costs`]: a day's costs by kind.
//! - [`histogram`]: late-filled units by days waited.
//! - [`ledger`]: the conservation ledger and its checks.
//! - [`orders`]: the counts of customer orders and their metrics.
//!
//! `docs/metrics.md` is the one written definition of every metric listed in [`METRICS`]; a
//! test keeps the two in step. Counters are filled by the engine for days on or after the
//! warm-up only (the conservation ledger in [`Ledger`] covers the whole horizon).

pub mod catalogue;
pub mod costs;
pub mod counters;
pub mod histogram;
pub mod ledger;
pub mod orders;

pub use catalogue::{
    Better, LANE_METRICS, LaneMetric, METRICS, Metric, MetricDef, MetricValues, N_LANE_METRICS, N_METRICS,
    N_ORDER_METRICS, N_SEGMENT_METRICS, N_SUPPLIER_METRICS, ORDER_METRICS, OrderMetric, SEGMENT_METRICS,
    SUPPLIER_METRICS, SegmentMetric, SupplierMetric, Theme, metric_index,
};
pub use costs::CostBreakdown;
pub use counters::{Counters, LaneCounters, SegmentCounters, SupplierDays};
pub use histogram::WaitHistogram;
pub use ledger::{Ledger, LedgerError, check_network};
pub use orders::OrderCounters;
