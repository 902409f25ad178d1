//! What several plots share: the legend box, the axis of policies or days, axis numbers and
//! the statistics read from the summary.

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, DefaultFormatting, KeyPointHint, Ranged, ValueFormatter};
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

/// A chart over `X` × `Y` (ranges or axes).
pub(super) type Chart<'a, DB, X, Y> = ChartContext<
    'a,
    DB,
    Cartesian2d<<X as AsRangedCoord>::CoordDescType, <Y as AsRangedCoord>::CoordDescType>,
>;

/// A chart filling `root`, titled `title`, over `x` × `y`, with label areas of
/// `label_areas` (below, left) pixels.
pub(super) fn chart<'a, DB: DrawingBackend, X: AsRangedCoord, Y: AsRangedCoord>(
    root: &'a DrawingArea<DB, Shift>,
    title: &str,
    label_areas: (u32, u32),
    x: X,
    y: Y,
) -> Result<Chart<'a, DB, X, Y>, DB> {
    ChartBuilder::on(root)
        .caption(title, ("sans-serif", 20))
        .margin(14)
        .x_label_area_size(label_areas.0)
        .y_label_area_size(label_areas.1)
        .build_cartesian_2d(x, y)
}

/// The grid of a chart filling the plot: tidy numbers on the y axis, faint lines; the caller
/// adds the axis descriptions and draws it.
pub(super) fn grid<'a, 'b, DB, X, Y>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
) -> MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged + ValueFormatter<X::ValueType>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let mut mesh = chart.configure_mesh();
    mesh.y_label_formatter(&tidy).label_style(("sans-serif", 14)).light_line_style(BLACK.mix(0.03));
    mesh
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
