//! The plots comparing policies side by side: service levels, costs by kind, and cost against
//! service.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axes::{
    Chart, Swatch, Ticked, chart, grid, half_width, mean, policy_axis, policy_label, tidy, with_key,
};
use super::{Kind, Result, policy_color};
use crate::report::view::RunView;

/// The costs a policy decides, stacked in the left panel of the cost plot, with their metric
/// keys and colours.
const DECIDED: [(&str, &str, RGBColor); 7] = [
    ("Holding", "cost_holding_per_day", RGBColor(0x8C, 0xD1, 0x7D)),
    ("Pipeline holding", "cost_pipeline_per_day", RGBColor(0x9D, 0x9D, 0xD8)),
    ("Ordering", "cost_ordering_per_day", RGBColor(0x49, 0x98, 0x94)),
    ("Backorder penalty", "cost_backorder_per_day", RGBColor(0xD3, 0x72, 0x95)),
    ("Lost sales", "cost_lost_sales_per_day", RGBColor(0xB6, 0x99, 0x2D)),
    ("Lost revenue", "lost_revenue_per_day", RGBColor(0xE0, 0x7B, 0x39)),
    ("Customer shipments", "cost_shipment_per_day", RGBColor(0x7F, 0x7F, 0x7F)),
];

/// The cost of the goods themselves, in the right panel on its own scale (it would dwarf the
/// others): cost of goods sold when the run reports it, otherwise purchase cost.
const GOODS: [(&str, &str); 2] =
    [("Cost of goods sold", "cost_goods_sold_per_day"), ("Purchase", "cost_purchase_per_day")];

/// The colour of the goods bars.
const GOODS_COLOR: RGBColor = RGBColor(0xA0, 0xCB, 0xE8);

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
    let grey = RGBColor(0x55, 0x55, 0x55);
    let entries = [
        ("Fill rate".to_string(), Swatch::Circle(grey)),
        ("Cycle service level".to_string(), Swatch::Triangle(grey)),
    ];
    let area = with_key(root, Kind::Service.title(), &entries)?;
    // Room above 100 % so a marker at 100 % is drawn whole.
    let mut chart = chart(&area, (40, 64), policy_axis(n), floor..101.5)?;
    grid(&mut chart)
        .disable_x_mesh()
        .x_label_formatter(&label)
        .y_desc("Share of demand or cycles (%)")
        .draw()?;
    for (k, offset) in [-0.12, 0.12].into_iter().enumerate() {
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
    }
    Ok(())
}

/// Cost per day by kind: the costs a policy decides stacked on the left, the cost of the
/// goods on its own scale on the right.
pub(super) fn costs<DB: DrawingBackend>(data: &RunView, root: &DrawingArea<DB, Shift>) -> Result<(), DB> {
    let policies = &data.summary.policies;
    let value = |p: usize, key: &str| {
        let v = mean(policies[p].total.get(key));
        if v.is_finite() { v } else { 0.0 }
    };
    let goods = GOODS.iter().find(|g| policies.iter().any(|p| p.total.contains_key(g.1))).copied();
    let mut entries: Vec<(String, Swatch)> =
        DECIDED.iter().map(|&(name, _, color)| (name.to_string(), Swatch::Patch(color.to_rgba()))).collect();
    entries.extend(goods.map(|g| (g.0.to_string(), Swatch::Patch(GOODS_COLOR.to_rgba()))));
    let area = with_key(root, Kind::Costs.title(), &entries)?;
    // The costs a policy decides above, the goods below on their own scale.
    let (top, bottom) = match goods {
        Some(_) => area.split_vertically(area.dim_in_pixel().1 * 60 / 100),
        None => area.split_vertically(area.dim_in_pixel().1),
    };
    let stacks: Vec<Vec<(f64, f64, RGBColor)>> = (0..policies.len())
        .map(|p| {
            let mut base = 0.0;
            DECIDED
                .iter()
                .map(|&(_, key, color)| {
                    base += value(p, key);
                    (base - value(p, key), base, color)
                })
                .collect()
        })
        .collect();
    bars(data, &top, "Costs the policy decides", &stacks)?;
    if let Some((name, key)) = goods {
        let stacks: Vec<Vec<(f64, f64, RGBColor)>> =
            (0..policies.len()).map(|p| vec![(0.0, value(p, key), GOODS_COLOR)]).collect();
        bars(data, &bottom, name, &stacks)?;
    }
    Ok(())
}

/// One panel of the cost plot, captioned `caption`: a stack of `(from, to, colour)` bars per
/// policy, the policy's colour in a strip under its bar, and the total above it.
fn bars<DB: DrawingBackend>(
    data: &RunView,
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    stacks: &[Vec<(f64, f64, RGBColor)>],
) -> Result<(), DB> {
    let totals: Vec<f64> = stacks.iter().map(|s| s.last().map_or(0.0, |b| b.1)).collect();
    let top = totals.iter().copied().fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.12 } else { 1.0 };
    let label = policy_label(data);
    let area = area.titled(caption, ("sans-serif", 15))?;
    let mut chart: Chart<'_, DB, Ticked, std::ops::Range<f64>> =
        chart(&area, (40, 70), policy_axis(stacks.len()), 0f64..top)?;
    grid(&mut chart)
        .disable_x_mesh()
        .x_label_formatter(&label)
        .y_desc("Mean cost per measured day")
        .draw()?;
    for (p, stack) in stacks.iter().enumerate() {
        let x = p as f64;
        chart.draw_series(
            stack
                .iter()
                .map(|&(from, to, color)| Rectangle::new([(x - 0.3, from), (x + 0.3, to)], color.filled())),
        )?;
        // Policy colour strip under the stack, tying it to the other plots.
        chart.draw_series(std::iter::once(Rectangle::new(
            [(x - 0.3, 0.0), (x + 0.3, top * 0.012)],
            policy_color(p).filled(),
        )))?;
        let style = ("sans-serif", 13).into_font().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Bottom));
        let total = EmptyElement::at((x, totals[p])) + Text::new(format!("{:.2}", totals[p]), (0, -4), style);
        chart.draw_series(std::iter::once(total))?;
    }
    Ok(())
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
    // The policies in the key, not beside their points: close points' names would overlap.
    let entries: Vec<(String, Swatch)> = (data.summary.policies.iter().enumerate())
        .map(|(p, policy)| (policy.name.clone(), Swatch::Circle(policy_color(p))))
        .collect();
    let area = with_key(root, Kind::TradeOff.title(), &entries)?;
    let mut chart = chart(&area, (42, 70), x0.max(0.0)..x1.min(100.5), y0..y1)?;
    grid(&mut chart)
        .x_desc("Fill rate (%) — better to the right")
        .y_desc("Total cost per day — better lower")
        .x_label_formatter(&tidy)
        .draw()?;
    for (p, &(x, xh, y, yh)) in points.iter().enumerate() {
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
    }
    Ok(())
}
