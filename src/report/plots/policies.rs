//! The plots comparing policies side by side: service levels, costs by kind, and cost against
//! service.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{chart, grid, half_width, legend, mean, policy_axis, policy_label, tidy};
use super::{Kind, Result, policy_color};
use crate::report::view::RunView;

/// The cost components of the stacked-bar plot, with their metric keys and colours.
const COSTS: [(&str, &str, RGBColor); 6] = [
    ("Holding", "cost_holding_per_day", RGBColor(0x8C, 0xD1, 0x7D)),
    ("Backorder penalty", "cost_backorder_per_day", RGBColor(0xD3, 0x72, 0x95)),
    ("Lost sales", "cost_lost_sales_per_day", RGBColor(0xB6, 0x99, 0x2D)),
    ("Ordering", "cost_ordering_per_day", RGBColor(0x49, 0x98, 0x94)),
    ("Purchase", "cost_purchase_per_day", RGBColor(0xA0, 0xCB, 0xE8)),
    ("Pipeline holding", "cost_pipeline_per_day", RGBColor(0x9D, 0x9D, 0xD8)),
];

pub(super) fn service<DB: DrawingBackend>(data: &RunView, root: &DrawingArea<DB, Shift>) -> Result<(), DB> {
    let n = data.summary.policies.len();
    let stats: Vec<[(f64, f64); 2]> = data
        .summary
        .policies
        .iter()
        .map(|p| {
            let get = |k: &str| (mean(p.total.get(k)) * 100.0, half_width(p.total.get(k)) * 100.0);
            [get("fill_rate"), get("cycle_service_level")]
        })
        .collect();
    let low = stats.iter().flatten().filter(|(m, _)| m.is_finite()).map(|(m, h)| m - h).fold(100.0, f64::min);
    let floor = ((low - 5.0) / 10.0).floor().clamp(0.0, 9.0) * 10.0;
    let label = policy_label(data);
    let mut chart = chart(root, Kind::Service.title(), (40, 64), policy_axis(n), floor..100.5)?;
    grid(&mut chart)
        .disable_x_mesh()
        .x_label_formatter(&label)
        .y_desc("Share of demand or cycles (%)")
        .draw()?;
    for (k, (name, offset)) in [("Fill rate", -0.12), ("Cycle service level", 0.12)].into_iter().enumerate() {
        for (p, s) in stats.iter().enumerate() {
            let (m, h) = s[k];
            if !m.is_finite() {
                continue;
            }
            let color = policy_color(p);
            let x = p as f64 + offset;
            chart.draw_series(std::iter::once(ErrorBar::new_vertical(
                x,
                m - h,
                m,
                m + h,
                color.stroke_width(2),
                10,
            )))?;
            if k == 0 {
                chart.draw_series(std::iter::once(Circle::new((x, m), 6, color.filled())))?;
            } else {
                chart.draw_series(std::iter::once(TriangleMarker::new((x, m), 7, color.filled())))?;
            }
        }
        // Legend entry for the marker shape, in neutral grey.
        let grey = RGBColor(0x55, 0x55, 0x55);
        let entry = chart.draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?.label(name);
        if k == 0 {
            entry.legend(move |(x, y)| Circle::new((x + 8, y), 5, grey.filled()));
        } else {
            entry.legend(move |(x, y)| TriangleMarker::new((x + 8, y), 6, grey.filled()));
        }
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight, 14)
}

pub(super) fn costs<DB: DrawingBackend>(data: &RunView, root: &DrawingArea<DB, Shift>) -> Result<(), DB> {
    let policies = &data.summary.policies;
    let value = |p: usize, key: &str| {
        let v = mean(policies[p].total.get(key));
        if v.is_finite() { v } else { 0.0 }
    };
    let totals: Vec<f64> = (0..policies.len()).map(|p| COSTS.iter().map(|c| value(p, c.1)).sum()).collect();
    let top = totals.iter().copied().fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.12 } else { 1.0 };
    let label = policy_label(data);
    let mut chart = chart(root, Kind::Costs.title(), (40, 70), policy_axis(policies.len()), 0f64..top)?;
    grid(&mut chart)
        .disable_x_mesh()
        .x_label_formatter(&label)
        .y_desc("Mean cost per measured day")
        .draw()?;
    for (k, &(name, key, color)) in COSTS.iter().enumerate() {
        let bars = (0..policies.len()).map(|p| {
            let base: f64 = COSTS[..k].iter().map(|c| value(p, c.1)).sum();
            let x = p as f64;
            Rectangle::new([(x - 0.3, base), (x + 0.3, base + value(p, key))], color.filled())
        });
        chart
            .draw_series(bars)?
            .label(name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
    }
    // Policy colour bar under each stack, tying it to the other plots.
    chart.draw_series((0..policies.len()).map(|p| {
        let x = p as f64;
        Rectangle::new([(x - 0.3, 0.0), (x + 0.3, top * 0.012)], policy_color(p).filled())
    }))?;
    chart.draw_series(totals.iter().enumerate().map(|(p, &t)| {
        Text::new(format!("{t:.2}"), (p as f64 - 0.12, t + top * 0.02), ("sans-serif", 13))
    }))?;
    legend(&mut chart, SeriesLabelPosition::UpperRight, 13)
}

pub(super) fn trade_off<DB: DrawingBackend>(data: &RunView, root: &DrawingArea<DB, Shift>) -> Result<(), DB> {
    let points: Vec<(f64, f64, f64, f64)> = data
        .summary
        .policies
        .iter()
        .map(|p| {
            let (fill, cost) = (p.total.get("fill_rate"), p.total.get("cost_total_per_day"));
            (mean(fill) * 100.0, half_width(fill) * 100.0, mean(cost), half_width(cost))
        })
        .collect();
    let finite = points.iter().filter(|p| p.0.is_finite() && p.2.is_finite());
    let (x0, x1) =
        finite.clone().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0 - p.1), b.max(p.0 + p.1)));
    let (y0, y1) = finite.fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.2 - p.3), b.max(p.2 + p.3)));
    let pad = |a: f64, b: f64| {
        if a > b {
            (0.0, 1.0)
        } else {
            let m = ((b - a) * 0.15).max(b.abs() * 0.02).max(1e-3);
            (a - m, b + m)
        }
    };
    let ((x0, x1), (y0, y1)) = (pad(x0, x1), pad(y0, y1));
    let mut chart = chart(root, Kind::TradeOff.title(), (42, 70), x0.max(0.0)..x1.min(100.5), y0..y1)?;
    grid(&mut chart)
        .x_desc("Fill rate (%) — better to the right")
        .y_desc("Total cost per day — better lower")
        .x_label_formatter(&tidy)
        .draw()?;
    for (p, (policy, &(x, xh, y, yh))) in data.summary.policies.iter().zip(&points).enumerate() {
        if !(x.is_finite() && y.is_finite()) {
            continue;
        }
        let color = policy_color(p);
        chart.draw_series(std::iter::once(ErrorBar::new_vertical(
            x,
            y - yh,
            y,
            y + yh,
            color.stroke_width(2),
            10,
        )))?;
        chart.draw_series(std::iter::once(ErrorBar::new_horizontal(
            y,
            x - xh,
            x,
            x + xh,
            color.stroke_width(2),
            10,
        )))?;
        chart.draw_series(std::iter::once(Circle::new((x, y), 6, color.filled())))?;
        // The policy's name beside its point (left of it in the right half), so no legend hides
        // a point and no name runs off the plot.
        let right_half = x > (x0 + x1) / 2.0;
        let (anchor, dx) = if right_half { (HPos::Right, -10) } else { (HPos::Left, 10) };
        let style = ("sans-serif", 14).into_font().color(&color).pos(Pos::new(anchor, VPos::Bottom));
        let name = EmptyElement::at((x, y)) + Text::new(policy.name.clone(), (dx, -6), style);
        chart.draw_series(std::iter::once(name))?;
    }
    Ok(())
}
