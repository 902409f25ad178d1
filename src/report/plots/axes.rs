//! What several plots share: the key above the plot, the axis of policies or days, axis numbers and
//! the statistics read from the summary.

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{AsRangedCoord, DefaultFormatting, KeyPointHint, Ranged, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::Result;
use crate::report::json::Stat;
use crate::report::view::RunView;

/// How an entry of a plot's key shows its series.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Swatch {
    /// A line, for a series drawn as a line.
    Line(RGBColor),
    /// A filled patch, for bars, bands and shaded days.
    Patch(RGBAColor),
    /// A filled circle marker.
    Circle(RGBColor),
    /// A filled triangle marker.
    Triangle(RGBColor),
}

/// The colour of the frame around a plot's key; no data is drawn in it, so a reader (and a
/// test) can find the key.
pub const KEY_FRAME: RGBColor = RGBColor(0xA9, 0xA9, 0xAE);

/// Font size and row height of the key.
const KEY_FONT: u32 = 14;
const KEY_ROW: i32 = 22;

/// Titles `root` with `title` and draws the key of `entries` in a framed strip under the
/// title, in as many centred rows as the width needs; returns the area left for the plot. The
/// key never covers data because it is outside the plot.
pub(crate) fn with_key<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    entries: &[(String, Swatch)],
) -> Result<DrawingArea<DB, Shift>, DB> {
    let body = root.titled(title, ("sans-serif", 20))?;
    if entries.is_empty() {
        return Ok(body);
    }
    let font = ("sans-serif", KEY_FONT).into_font();
    let width = body.dim_in_pixel().0 as i32;
    // Entry widths: swatch, gap, text, space to the next entry.
    let widths: Vec<i32> = entries
        .iter()
        .map(|(name, _)| {
            body.estimate_text_size(name, &font.clone().into_text_style(&body)).map(|(w, _)| 40 + w as i32)
        })
        .collect::<std::result::Result<_, _>>()?;
    let mut rows: Vec<Vec<usize>> = vec![Vec::new()];
    let mut used = 0;
    for (i, &w) in widths.iter().enumerate() {
        let row = rows.last_mut().expect("one row at least");
        if !row.is_empty() && used + w > width - 40 {
            rows.push(vec![i]);
            used = w;
        } else {
            row.push(i);
            used += w;
        }
    }
    let frame = rows.iter().map(|r| r.iter().map(|&i| widths[i]).sum::<i32>()).max().unwrap_or(0) + 6;
    let height = KEY_ROW * rows.len() as i32 + 8;
    let (key, plot) = body.split_vertically(height + 6);
    let left = (width - frame) / 2;
    key.draw(&Rectangle::new([(left, 2), (left + frame, height)], KEY_FRAME.stroke_width(1)))?;
    for (r, row) in rows.iter().enumerate() {
        let (mut x, y) = (left + 12, 5 + KEY_ROW * r as i32 + KEY_ROW / 2);
        for &i in row {
            draw_swatch(&key, entries[i].1, (x, y))?;
            let style = font.clone().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
            key.draw(&Text::new(entries[i].0.clone(), (x + 26, y), style))?;
            x += widths[i];
        }
    }
    Ok(plot)
}

fn draw_swatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    swatch: Swatch,
    (x, y): (i32, i32),
) -> Result<(), DB> {
    match swatch {
        Swatch::Line(c) => area.draw(&PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(3))),
        Swatch::Patch(c) => area.draw(&Rectangle::new([(x + 2, y - 6), (x + 18, y + 6)], c.filled())),
        Swatch::Circle(c) => area.draw(&Circle::new((x + 10, y), 5, c.filled())),
        Swatch::Triangle(c) => area.draw(&TriangleMarker::new((x + 10, y), 6, c.filled())),
    }
}

/// At most about `most` integer ticks from `lo` to `hi` (whole numbers), one every 1, 2 or
/// 5 × 10ⁿ: for an axis whose values are whole numbers (days, units).
pub(crate) fn integer_ticks(lo: f64, hi: f64, most: usize) -> Vec<f64> {
    let span = (hi - lo).max(1.0);
    let raw = span / most.max(1) as f64;
    let power = 10f64.powi(raw.log10().floor().max(0.0) as i32);
    let step =
        [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|&s| s >= raw).unwrap_or(10.0 * power);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A chart over `X` × `Y` (ranges or axes).
pub(super) type Chart<'a, DB, X, Y> = ChartContext<
    'a,
    DB,
    Cartesian2d<<X as AsRangedCoord>::CoordDescType, <Y as AsRangedCoord>::CoordDescType>,
>;

/// A chart filling `area` (under its title and key), over `x` × `y`, with label areas of
/// `label_areas` (below, left) pixels.
pub(super) fn chart<'a, DB: DrawingBackend, X: AsRangedCoord, Y: AsRangedCoord>(
    area: &'a DrawingArea<DB, Shift>,
    label_areas: (u32, u32),
    x: X,
    y: Y,
) -> Result<Chart<'a, DB, X, Y>, DB> {
    ChartBuilder::on(area)
        .margin(14)
        .margin_top(10)
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

/// A linear axis over `range` with ticks exactly at `ticks`: whole numbers on an axis of
/// days or units, one tick per category on an axis of policies.
pub(crate) struct Ticked {
    pub(crate) range: std::ops::Range<f64>,
    pub(crate) ticks: Vec<f64>,
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let share = if span > 0.0 { (value - self.range.start) / span } else { 0.5 };
        limit.0 + (share * (limit.1 - limit.0) as f64).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

/// An axis of `n` categories (policies, days waited) centred on 0, 1, …, n − 1, from −0.5 to
/// n − 0.5, with a tick every `step` categories.
pub(super) fn index_axis(n: usize, step: usize) -> Ticked {
    Ticked { range: -0.5..n as f64 - 0.5, ticks: (0..n).step_by(step.max(1)).map(|i| i as f64).collect() }
}

/// An axis from `lo` to `hi` whose values are whole numbers, with about `most` whole ticks.
pub(crate) fn whole_axis(lo: f64, hi: f64, most: usize) -> Ticked {
    Ticked { range: lo..hi, ticks: integer_ticks(lo, hi, most) }
}

pub(super) fn policy_axis(n: usize) -> Ticked {
    index_axis(n, 1)
}

/// Axis numbers without a useless ".0".
pub(crate) fn tidy(v: &f64) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_ticks_are_whole_and_evenly_spaced() {
        // 7 days: every day, never a half day.
        assert_eq!(integer_ticks(0.0, 7.0, 12), (0..=7).map(f64::from).collect::<Vec<_>>());
        // A year: every 50 days (365 / 12 ≈ 30 rounds up to 50).
        assert_eq!(integer_ticks(0.0, 365.0, 12), (0..=7).map(|k| f64::from(k * 50)).collect::<Vec<_>>());
        // A short span far from zero: whole numbers inside the span only.
        assert_eq!(integer_ticks(99.5, 103.0, 10), vec![100.0, 101.0, 102.0, 103.0]);
        // Fewer ticks wanted than whole numbers: a step of 2.
        assert_eq!(integer_ticks(0.0, 10.0, 5), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
    }
}
