//! What several plots share: the legend box, the axis of policies or days, axis numbers and
//! the statistics read from the summary.

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;

use super::Result;
use crate::report::json::Stat;
use crate::report::view::RunView;

/// Draws the legend of `chart`'s labelled series in a framed box at `position`.
pub(crate) fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    font_size: u32,
) -> Result<(), DB> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", font_size))
        .draw()
}

pub(super) fn mean(s: Option<&Stat>) -> f64 {
    s.and_then(|s| s.mean).unwrap_or(f64::NAN)
}

pub(super) fn half_width(s: Option<&Stat>) -> f64 {
    s.and_then(|s| s.half_width).unwrap_or(0.0)
}

/// An axis of `n` categories (policies, days) centred on 0, 1, …, n − 1, from −0.5 to
/// n − 0.5, with a tick every `step` categories.
pub(super) struct IndexAxis {
    pub(super) n: usize,
    pub(super) step: usize,
}

impl Ranged for IndexAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let share = (value + 0.5) / self.n.max(1) as f64;
        limit.0 + (share * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        (0..self.n).step_by(self.step.max(1)).map(|i| i as f64).collect()
    }

    fn range(&self) -> std::ops::Range<f64> {
        -0.5..self.n as f64 - 0.5
    }
}

pub(super) fn policy_axis(n: usize) -> IndexAxis {
    IndexAxis { n, step: 1 }
}

/// Axis numbers without a useless ".0".
pub(super) fn tidy(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round())
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

pub(super) fn policy_label(data: &RunView) -> impl Fn(&f64) -> String + '_ {
    move |x: &f64| data.summary.policies.get(x.round() as usize).map(|p| p.name.clone()).unwrap_or_default()
}
