//! The plots over time: a series with its 10–90 % band per policy, and small multiples of the
//! backorders of each location.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{Swatch, chart, grid, tidy, whole_axis, with_key};
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
    let first = data.daily.first().map(Vec::as_slice).unwrap_or_default();
    let warm = first.iter().filter(|d| d.warmup).count() as f64;
    let down: Vec<&DayRow> = first.iter().filter(|d| d.suppliers_down > 0.0).collect();
    let red = RGBColor(0xD6, 0x27, 0x28);
    let mut entries = Vec::new();
    if warm > 0.0 {
        entries.push(("Warm-up (not measured)".to_string(), Swatch::Patch(BLACK.mix(0.12))));
    }
    if !down.is_empty() {
        entries
            .push(("Supplier down (shade: share of replications)".to_string(), Swatch::Patch(red.mix(0.3))));
    }
    for (p, policy) in data.summary.policies.iter().enumerate() {
        entries.push((policy.name.clone(), Swatch::Line(policy_color(p))));
    }
    let area = with_key(root, title, &entries)?;
    let end = days.max(1) as f64;
    let x = whole_axis(0.0, end, 12);
    let mut chart = chart(&area, (42, 64), x, 0f64..top)?;
    grid(&mut chart).x_desc("Day").y_desc(y_desc).x_label_formatter(&tidy).draw()?;
    // Warm-up in grey, supplier outages in red (darker when down in more replications).
    if warm > 0.0 {
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, 0.0), (warm, top)],
            BLACK.mix(0.06).filled(),
        )))?;
    }
    chart.draw_series(down.iter().map(|d| {
        let x = d.day as f64;
        Rectangle::new([(x, 0.0), (x + 1.0, top)], red.mix(0.06 + 0.3 * d.suppliers_down.min(1.0)).filled())
    }))?;
    for (p, rows) in data.daily.iter().enumerate() {
        let color = policy_color(p);
        let band: Vec<(f64, f64)> = rows
            .iter()
            .map(|d| (d.day as f64 + 0.5, series(d).p90))
            .chain(rows.iter().rev().map(|d| (d.day as f64 + 0.5, series(d).p10)))
            .filter(|(_, v)| v.is_finite())
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.15).filled())))?;
        let line = rows.iter().map(|d| (d.day as f64 + 0.5, series(d).mean)).filter(|(_, v)| v.is_finite());
        chart.draw_series(LineSeries::new(line, color.stroke_width(2)))?;
    }
    Ok(())
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
    // One key for every panel: the policies in their colours.
    let entries: Vec<(String, Swatch)> = (data.summary.policies.iter().enumerate())
        .map(|(p, policy)| (policy.name.clone(), Swatch::Line(policy_color(p))))
        .collect();
    let grid = with_key(root, Kind::Locations.title(), &entries)?;
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
            .build_cartesian_2d(whole_axis(0.0, days.max(1) as f64, 4), 0f64..top)?;
        chart
            .configure_mesh()
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
