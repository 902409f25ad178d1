//! Demand in a scenario file: demand streams, their shocks and trends, customer segments, and
//! distributions of whole numbers.

use schemars::JsonSchema;
use serde::Deserialize;

use super::one;

/// A stream of customer demand for one item at one location.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    /// Location id where customers buy.
    pub location: String,
    /// Item id they buy.
    pub item: String,
    /// Customer segment id; the segment named `default` (backorder everything unless the
    /// scenario defines it) when left out.
    #[serde(default)]
    pub segment: Option<String>,
    /// Segments sharing this stream instead of one `segment`: each order line belongs to a
    /// segment drawn with these shares (> 0, summing to 1).
    #[serde(default)]
    pub segment_shares: Option<Vec<SegmentShare>>,
    /// Units demanded per day.
    pub distribution: IntDistSpec,
    /// Seven multipliers of the daily mean: day t uses entry t mod 7 (day 0 takes the first).
    #[serde(default)]
    pub weekly_profile: Option<Vec<f64>>,
    /// Multiplicative trend of the daily mean.
    #[serde(default)]
    pub trend: Option<Trend>,
    /// Random demand spikes.
    #[serde(default)]
    pub spikes: Option<Spikes>,
    /// Scheduled promotions (day ranges with a multiplier).
    #[serde(default)]
    pub promotions: Vec<Promotion>,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

/// One segment's share of a demand stream's order lines.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SegmentShare {
    /// Segment id.
    pub segment: String,
    /// Share of the stream's order lines (> 0; the shares sum to 1).
    pub share: f64,
}

/// Random demand spikes: on a day without a spike, one starts with `probability`, lasting a
/// random number of days, during which the daily mean is multiplied.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spikes {
    /// Daily probability that a spike starts (0 to 1).
    #[schemars(range(min = 0, max = 1))]
    pub probability: f64,
    /// Multiplier of the daily mean during a spike (≥ 0).
    #[schemars(range(min = 0))]
    pub multiplier: f64,
    /// Length of a spike in days (values below 1 count as 1).
    pub duration_days: IntDistSpec,
}

/// A scheduled promotion.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Promotion {
    /// First day.
    #[schemars(range(min = 0))]
    pub start_day: i64,
    /// Length in days (≥ 1).
    #[schemars(range(min = 1))]
    pub days: i64,
    /// Multiplier of the daily mean (≥ 0).
    #[schemars(range(min = 0))]
    pub multiplier: f64,
    /// Repeat every this many days; once when left out.
    #[serde(default)]
    pub every_days: Option<i64>,
}

/// A trend in the daily mean.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trend {
    /// The mean on day t is multiplied by max(0, 1 + per_day * t).
    Linear {
        /// Change per day as a fraction of the base mean (0.001 = +0.1 % of the base per day).
        per_day: f64,
    },
    /// The mean on day t is multiplied by (1 + per_day)^t.
    Exponential {
        /// Compound growth rate per day (0.0002 ≈ +7.6 % per year).
        per_day: f64,
    },
}

/// How customers of a segment behave when the item is out of stock.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Segment {
    /// Unique identifier; `default` applies to demand without a segment.
    pub id: String,
    /// What happens to an order line that cannot be filled from stock.
    #[serde(default)]
    pub unmet: Unmet,
    /// Units per order line: a day's demand arrives as lines of this many units (the last line
    /// takes the remainder). Default 1.
    #[serde(default = "one")]
    #[schemars(range(min = 1))]
    pub line_size: i64,
    /// Days a backordered line waits before it is cancelled; unlimited when left out.
    #[serde(default)]
    pub patience_days: Option<IntDistSpec>,
    /// Whether a line may be filled in part (the rest waits); when false a line ships only
    /// whole. Default true.
    #[serde(default = "yes")]
    pub partial_fill: bool,
    /// Priority of this segment's backorders at locations with `priority` allocation (higher
    /// first). Default 0.
    #[serde(default)]
    pub priority: i64,
    /// Market-share erosion: the segment's demand shrinks after bad service.
    #[serde(default)]
    pub churn: Option<Churn>,
    /// How the segment's customer orders are shipped (order streams only).
    #[serde(default)]
    pub fulfilment: super::Fulfilment,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

fn yes() -> bool {
    true
}

/// Churn: a loyalty factor multiplying the segment's demand.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Churn {
    /// Drop of the loyalty factor each time a line is backordered or cancelled (0 to 1).
    #[schemars(range(min = 0, max = 1))]
    pub drop: f64,
    /// Recovery of the loyalty factor per day, towards 1 (0 to 1).
    #[schemars(range(min = 0, max = 1))]
    pub recovery_per_day: f64,
}

/// What happens to an order line that cannot be filled from stock on the day it arrives.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Unmet {
    /// The customer waits: the unfilled units become backorders.
    #[default]
    Backorder,
    /// The customer leaves: the unfilled units are lost sales.
    Lost,
    /// Each short line is backordered with this probability, else lost.
    Mixed {
        /// Probability that a short line waits (0 to 1).
        #[schemars(range(min = 0, max = 1))]
        backorder_probability: f64,
    },
}

/// A distribution of whole numbers (units per day, days of lead time).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum IntDistSpec {
    /// Always `value`.
    Constant {
        /// The value.
        value: i64,
    },
    /// Poisson.
    Poisson {
        /// Mean (≥ 0).
        #[schemars(range(min = 0))]
        mean: f64,
    },
    /// Normal, rounded to the nearest whole number, negative values cut to 0.
    Normal {
        /// Mean before rounding.
        #[schemars(range(min = 0))]
        mean: f64,
        /// Standard deviation before rounding (≥ 0).
        sd: f64,
    },
    /// Negative binomial (over-dispersed counts): needs sd² > mean.
    NegativeBinomial {
        /// Mean (> 0).
        #[schemars(range(min = 0))]
        mean: f64,
        /// Standard deviation; sd² must exceed the mean.
        sd: f64,
    },
    /// Gamma, rounded to the nearest whole number.
    Gamma {
        /// Mean (> 0).
        #[schemars(range(min = 0))]
        mean: f64,
        /// Standard deviation (> 0).
        sd: f64,
    },
    /// Whole numbers from min to max, equally likely.
    Uniform {
        /// Smallest value (≥ 0).
        min: i64,
        /// Largest value (≥ min).
        max: i64,
    },
    /// Listed values, with optional weights (equal weights when left out).
    Empirical {
        /// Possible values (≥ 0).
        values: Vec<i64>,
        /// Relative weights, one per value (≥ 0, not all 0).
        #[serde(default)]
        weights: Option<Vec<f64>>,
    },
    /// Intermittent demand: on each day demand occurs with `probability`; when it does, its
    /// size is `shift` plus a draw of `size`. Mean probability × (shift + mean of size).
    Compound {
        /// Probability that demand occurs on a day (greater than 0, at most 1).
        #[schemars(range(min = 0, max = 1))]
        probability: f64,
        /// Distribution of the size of an occurring demand (any family but `compound` and
        /// `bootstrap`).
        size: Box<IntDistSpec>,
        /// Whole number added to every drawn size (≥ 0; default 0): 1 with a Poisson size is
        /// the shifted Poisson, whose sizes are never 0.
        #[serde(default)]
        #[schemars(range(min = 0))]
        shift: i64,
    },
    /// Bootstrap: each day draws a day of history (uniformly, or keeping the calendar).
    Bootstrap {
        /// CSV file of daily history, relative to the scenario file.
        file: String,
        /// Wide layout: column holding the daily quantity; the first column when left out.
        #[serde(default)]
        column: Option<String>,
        /// `wide` (one row per day, one column per series) or `long` (rows date, location,
        /// item, quantity). Default `wide`.
        #[serde(default)]
        layout: Layout,
        /// Column of the dates (`YYYY-MM-DD`). Default `date`.
        #[serde(default)]
        date_column: Option<String>,
        /// Long layout: column of the location ids. Default `location`.
        #[serde(default)]
        location_column: Option<String>,
        /// Long layout: column of the item ids. Default `item`.
        #[serde(default)]
        item_column: Option<String>,
        /// Long layout: column of the quantities. Default `quantity`.
        #[serde(default)]
        quantity_column: Option<String>,
        /// Which history day a simulated day draws. Default `day`.
        #[serde(default)]
        method: BootstrapMethod,
        /// Length of the blocks of the `block` method, in days (≥ 1). Default 7.
        #[serde(default)]
        block_days: Option<i64>,
    },
    /// Replay: day t's demand is the recorded quantity of the t-th day of history (counted
    /// from `start_date` when given, else from the history's first date).
    Replay {
        /// CSV file of daily history, relative to the scenario file.
        file: String,
        /// Wide layout: column holding the daily quantity; the first column when left out.
        #[serde(default)]
        column: Option<String>,
        /// `wide` or `long`, as for `bootstrap`. Default `wide`.
        #[serde(default)]
        layout: Layout,
        /// Column of the dates (`YYYY-MM-DD`). Default `date`.
        #[serde(default)]
        date_column: Option<String>,
        /// Long layout: column of the location ids. Default `location`.
        #[serde(default)]
        location_column: Option<String>,
        /// Long layout: column of the item ids. Default `item`.
        #[serde(default)]
        item_column: Option<String>,
        /// Long layout: column of the quantities. Default `quantity`.
        #[serde(default)]
        quantity_column: Option<String>,
    },
}

/// How a history file holds its series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// One row per consecutive day, one column per series.
    #[default]
    Wide,
    /// One row per date, location and item; dates without a row are zero demand.
    Long,
}

/// Which day of history a bootstrap draws for a simulated day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BootstrapMethod {
    /// Any day, uniformly.
    #[default]
    Day,
    /// A day of the same weekday (needs `start_date` and dated history).
    Weekday,
    /// A day of the same weekday and month (needs `start_date` and dated history).
    WeekdayMonth,
    /// Moving blocks of `block_days` consecutive days, each starting at a uniformly drawn day.
    Block,
}

impl IntDistSpec {
    /// The history file this distribution reads and how, if it reads one.
    pub(crate) fn history_source(&self) -> Option<HistorySource<'_>> {
        match self {
            IntDistSpec::Bootstrap {
                file,
                column,
                layout,
                date_column,
                location_column,
                item_column,
                quantity_column,
                ..
            }
            | IntDistSpec::Replay {
                file,
                column,
                layout,
                date_column,
                location_column,
                item_column,
                quantity_column,
            } => Some(HistorySource {
                file,
                column: column.as_deref(),
                layout: *layout,
                date_column: date_column.as_deref(),
                location_column: location_column.as_deref(),
                item_column: item_column.as_deref(),
                quantity_column: quantity_column.as_deref(),
            }),
            _ => None,
        }
    }
}

/// Where a history file is and how its columns are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HistorySource<'a> {
    /// The file, as named in the scenario.
    pub(crate) file: &'a str,
    /// Wide layout: the column read.
    pub(crate) column: Option<&'a str>,
    /// Wide or long.
    pub(crate) layout: Layout,
    /// The column names given (`None`: the default name).
    pub(crate) date_column: Option<&'a str>,
    /// Long layout: the location column.
    pub(crate) location_column: Option<&'a str>,
    /// Long layout: the item column.
    pub(crate) item_column: Option<&'a str>,
    /// Long layout: the quantity column.
    pub(crate) quantity_column: Option<&'a str>,
}
