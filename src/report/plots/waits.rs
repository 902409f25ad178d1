//! The plot of how long backordered units waited.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{Swatch, chart, grid, index_axis, tidy, with_key};
use super::{Kind, Result, policy_color};
use crate::metrics::WaitHistogram;
use crate::report::view::RunView;

pub(super) fn waits<DB: DrawingBackend>(data: &RunView, root: &DrawingArea<DB, Shift>) -> Result<(), DB> {
    // Shares of late-filled units by days waited, up to the day by which 99.5 % of every
    // policy's units were filled.
    let shares: Vec<Vec<f64>> = data
        .summary
        .policies
        .iter()
        .map(|p| {
            let total: u64 = p.wait_histogram.iter().sum();
            p.wait_histogram
                .iter()
                .map(|&c| if total == 0 { 0.0 } else { c as f64 / total as f64 * 100.0 })
                .collect()
        })
        .collect();
    let cutoff = data
        .summary
        .policies
        .iter()
        .map(|p| days_to_fill(&p.wait_histogram, 0.995))
        .max()
        .unwrap_or(0)
        .max(3);
    let top = shares.iter().flatten().copied().fold(0.0, f64::max).max(1.0) * 1.1;
    let entries: Vec<(String, Swatch)> = (data.summary.policies.iter().enumerate())
        .map(|(p, policy)| (policy.name.clone(), Swatch::Patch(policy_color(p).to_rgba())))
        .collect();
    let area = with_key(root, Kind::Waits.title(), &entries)?;
    let axis = index_axis(cutoff + 1, cutoff.div_ceil(15).max(1));
    let mut chart = chart(&area, (42, 64), axis, 0f64..top)?;
    grid(&mut chart)
        .disable_x_mesh()
        .x_desc("Days waited (0 = filled the same day)")
        .y_desc("Share of backordered units (%)")
        .x_label_formatter(&tidy)
        .draw()?;
    let n = shares.len().max(1) as f64;
    let width = 0.8 / n;
    for (p, s) in shares.iter().enumerate() {
        let color = policy_color(p);
        let bars = s.iter().enumerate().take(cutoff + 1).map(|(d, &v)| {
            let x = d as f64 - 0.4 + width * p as f64;
            Rectangle::new([(x, 0.0), (x + width, v)], color.filled())
        });
        chart.draw_series(bars)?;
    }
    Ok(())
}

/// The days waited by which a share `q` of the late-filled units in `counts` (index = days
/// waited) were filled; 0 when there are none.
fn days_to_fill(counts: &[u64], q: f64) -> usize {
    let mut histogram = WaitHistogram::default();
    for (days, &units) in counts.iter().enumerate() {
        histogram.record(days as u32, units);
    }
    let days = histogram.quantile(q);
    if days.is_finite() { days as usize } else { 0 }
}
