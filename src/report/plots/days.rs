//! The plots over time: a series with its 10–90 % band per policy, and small multiples of the
//! backorders of each location.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{chart, grid, legend, tidy};
use super::{Kind, Result, policy_color};
use crate::report::view::{Band, DayRow, RunView};

pub(super) fn over_time<DB: DrawingBackend>(
    data: &RunView,
    root: &DrawingArea<DB, Shift>,
    title: &str,
    y_desc: &str,
    series: impl Fn(&DayRow) -> Band,
) -> Result<(), DB> {
    let days = data.daily.first().map_or(0, Vec::len);
    let top = data
        .daily
        .iter()
        .flatten()
        .map(|d| series(d).p90.max(series(d).mean))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.08 } else { 1.0 };
    let mut chart = chart(root, title, (42, 64), 0f64..days.max(1) as f64, 0f64..top)?;
    grid(&mut chart).x_desc("Day").y_desc(y_desc).x_label_formatter(&tidy).draw()?;
    // Warm-up in grey, supplier outages in red (darker when down in more replications).
    if let Some(first) = data.daily.first() {
        let warm = first.iter().filter(|d| d.warmup).count() as f64;
        if warm > 0.0 {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, 0.0), (warm, top)],
                    BLACK.mix(0.06).filled(),
                )))?
                .label("Warm-up (not measured)")
                .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], BLACK.mix(0.12).filled()));
        }
        let down: Vec<&DayRow> = first.iter().filter(|d| d.suppliers_down > 0.0).collect();
        if !down.is_empty() {
            let red = RGBColor(0xD6, 0x27, 0x28);
            chart
                .draw_series(down.iter().map(|d| {
                    let x = d.day as f64;
                    Rectangle::new(
                        [(x, 0.0), (x + 1.0, top)],
                        red.mix(0.06 + 0.3 * d.suppliers_down.min(1.0)).filled(),
                    )
                }))?
                .label("Supplier down (shade: share of replications)")
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], red.mix(0.3).filled()));
        }
    }
    for (p, (policy, rows)) in data.summary.policies.iter().zip(&data.daily).enumerate() {
        let color = policy_color(p);
        let band: Vec<(f64, f64)> = rows
            .iter()
            .map(|d| (d.day as f64 + 0.5, series(d).p90))
            .chain(rows.iter().rev().map(|d| (d.day as f64 + 0.5, series(d).p10)))
            .filter(|(_, v)| v.is_finite())
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.15).filled())))?;
        let line = rows.iter().map(|d| (d.day as f64 + 0.5, series(d).mean)).filter(|(_, v)| v.is_finite());
        chart
            .draw_series(LineSeries::new(line, color.stroke_width(2)))?
            .label(policy.name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3)));
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight, 14)
}

/// Most panels the plot of backorders by location draws (the locations owing the most).
pub(super) const MAX_LOCATION_PANELS: usize = 24;

/// Panels per row in the plot of backorders by location.
pub(super) const LOCATION_COLUMNS: usize = 3;

/// The locations the plot of backorders by location shows, in file order: all of them, or the
/// `MAX_LOCATION_PANELS` with the largest mean under some policy.
pub(super) fn shown_locations(data: &RunView) -> Vec<usize> {
    let n = data.locations.first().map_or(0, Vec::len);
    let mut shown: Vec<usize> = (0..n).collect();
    if n > MAX_LOCATION_PANELS {
        let owed = |k: usize| {
            let means = data.locations.iter().map(|series| {
                let finite: Vec<f64> = series[k].owed.iter().copied().filter(|v| v.is_finite()).collect();
                finite.iter().sum::<f64>() / finite.len().max(1) as f64
            });
            means.fold(0.0, f64::max)
        };
        shown.sort_by(|&a, &b| owed(b).total_cmp(&owed(a)).then(a.cmp(&b)));
        shown.truncate(MAX_LOCATION_PANELS);
        shown.sort_unstable();
    }
    shown
}

/// Small multiples: one panel per location, each with its own scale and a line per policy.
pub(super) fn by_location<DB: DrawingBackend>(
    data: &RunView,
    root: &DrawingArea<DB, Shift>,
) -> Result<(), DB> {
    let root = root.titled(Kind::Locations.title(), ("sans-serif", 20))?;
    let (key, grid) = root.split_vertically(34);
    // One key for every panel: the policies in their colours.
    let mut x = 70;
    for (p, policy) in data.summary.policies.iter().enumerate() {
        let color = policy_color(p);
        key.draw(&PathElement::new(vec![(x, 14), (x + 22, 14)], color.stroke_width(3)))?;
        key.draw(&Text::new(policy.name.clone(), (x + 28, 6), ("sans-serif", 15)))?;
        x += 50 + 9 * policy.name.chars().count() as i32;
    }
    let shown = shown_locations(data);
    let panels = grid.split_evenly((shown.len().div_ceil(LOCATION_COLUMNS).max(1), LOCATION_COLUMNS));
    let warm = data.warmup_days() as f64;
    for (panel, &k) in panels.iter().zip(&shown) {
        let values = || data.locations.iter().flat_map(|series| series[k].owed.iter().copied());
        let days = values().count() / data.locations.len().max(1);
        let top = values().filter(|v| v.is_finite()).fold(0.0, f64::max);
        let top = if top > 0.0 { top * 1.1 } else { 1.0 };
        let mut chart = ChartBuilder::on(panel)
            .caption(&data.locations[0][k].location, ("sans-serif", 15))
            .margin(8)
            .x_label_area_size(26)
            .y_label_area_size(48)
            .build_cartesian_2d(0f64..days.max(1) as f64, 0f64..top)?;
        chart
            .configure_mesh()
            .x_labels(4)
            .y_labels(5)
            .x_label_formatter(&tidy)
            .y_label_formatter(&tidy)
            .label_style(("sans-serif", 11))
            .light_line_style(BLACK.mix(0.03))
            .draw()?;
        if warm > 0.0 {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, 0.0), (warm, top)],
                BLACK.mix(0.06).filled(),
            )))?;
        }
        for (p, series) in data.locations.iter().enumerate() {
            let line = series[k]
                .owed
                .iter()
                .enumerate()
                .map(|(d, &v)| (d as f64 + 0.5, v))
                .filter(|(_, v)| v.is_finite());
            chart.draw_series(LineSeries::new(line, policy_color(p).stroke_width(1)))?;
        }
    }
    Ok(())
}
