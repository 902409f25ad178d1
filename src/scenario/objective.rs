//! What a scenario asks its policies to achieve: the metric to rank them by and the service
//! targets they must meet.

use schemars::JsonSchema;
use serde::Deserialize;

/// The scenario's objective: one metric to minimise or maximise (exactly one of `minimize` and
/// `maximize`), optionally subject to targets on other metrics. Default: maximise
/// `profit_per_day` when items have prices, else minimise `cost_total_per_day`.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveSpec {
    /// Key of a metric to minimise, e.g. `cost_total_per_day`.
    #[serde(default)]
    pub minimize: Option<String>,
    /// Key of a metric to maximise, e.g. `profit_per_day`.
    #[serde(default)]
    pub maximize: Option<String>,
    /// Targets every acceptable policy must meet by its mean, e.g.
    /// `{"metric": "fill_rate", "at_least": 0.97}`.
    #[serde(default)]
    pub subject_to: Vec<TargetSpec>,
}

/// A target on a metric's mean: exactly one of `at_least` and `at_most`. Shares (fill rate,
/// ready rate, …) are written from 0 to 1.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    /// Metric key, e.g. `fill_rate`.
    pub metric: String,
    /// The mean must be at least this.
    #[serde(default)]
    pub at_least: Option<f64>,
    /// The mean must be at most this.
    #[serde(default)]
    pub at_most: Option<f64>,
}
