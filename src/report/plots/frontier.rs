//! The efficient frontier of a per-pair optimisation: the catalogue's demand-weighted fill rate
//! against the inventory investment, with the chosen allocation marked.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axes::{chart, grid};
use super::{Result, Swatch, policy_color, register_font, tidy, with_key};
use crate::experiment::per_pair::FrontierPoint;

/// Title of the frontier plot.
const TITLE: &str = "Efficient frontier: catalogue fill rate against inventory investment";

/// The frontier plot as SVG text: `frontier` as a line of points (fill rate in %, investment),
/// `chosen` as a larger marker.
pub fn frontier_svg(frontier: &[FrontierPoint], chosen: FrontierPoint) -> String {
    register_font();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (760, 460)).into_drawing_area();
        draw(&root, frontier, chosen).expect("drawing into a string cannot fail");
    }
    out
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    frontier: &[FrontierPoint],
    chosen: FrontierPoint,
) -> Result<(), DB> {
    root.fill(&WHITE)?;
    let finite = |p: &FrontierPoint| {
        Some((p.investment, p.fill_rate * 100.0)).filter(|q| q.0.is_finite() && q.1.is_finite())
    };
    let line: Vec<(f64, f64)> = frontier.iter().filter_map(finite).collect();
    let mark = finite(&chosen);
    let points: Vec<(f64, f64)> = line.iter().copied().chain(mark).collect();
    let span = |f: fn(&(f64, f64)) -> f64| {
        let (a, b) = points.iter().map(f).fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
        if a > b { (0.0, 1.0) } else { (a - ((b - a) * 0.05).max(1e-3), b + ((b - a) * 0.05).max(1e-3)) }
    };
    let ((x0, x1), (y0, y1)) = (span(|p| p.0), span(|p| p.1));
    let entries = [
        ("frontier through the simulated levels".to_string(), Swatch::Line(policy_color(0))),
        ("chosen levels".to_string(), Swatch::Circle(policy_color(3))),
    ];
    let area = with_key(root, TITLE, &entries)?;
    let mut chart = chart(&area, (42, 70), x0..x1, y0.max(0.0)..y1.min(100.5))?;
    grid(&mut chart)
        .x_desc("Inventory investment (Σ unit cost × mean on hand)")
        .y_desc("Catalogue fill rate (%)")
        .x_label_formatter(&tidy)
        .draw()?;
    let color = policy_color(0);
    chart.draw_series(LineSeries::new(line.iter().copied(), color.stroke_width(2)))?;
    chart.draw_series(line.iter().map(|&p| Circle::new(p, 2, color.filled())))?;
    if let Some(p) = mark {
        chart.draw_series(std::iter::once(Circle::new(p, 7, policy_color(3).filled())))?;
    }
    root.present()
}
