//! Plots of a finished run (plotters): SVG by default, PNG on request. Every plot is drawn by
//! one function generic over the plotters backend, so both formats show the same thing.
//!
//! Text is laid out with a bundled open-licensed font (DejaVu Sans, `assets/fonts/`), so no
//! system font library is needed. A policy keeps its colour in every plot.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{Band, DayRow, RunData};
use super::json::Stat;

static FONT: Once = Once::new();

/// Registers the bundled font as "sans-serif" (once per process).
pub fn register_font() {
    FONT.call_once(|| {
        plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
        )
        .map_err(|_| ())
        .expect("the bundled font is valid");
    });
}

/// The colour of policy number `p` (Tableau 10).
pub fn policy_color(p: usize) -> RGBColor {
    const PALETTE: [RGBColor; 10] = [
        RGBColor(0x4E, 0x79, 0xA7),
        RGBColor(0xF2, 0x8E, 0x2B),
        RGBColor(0x59, 0xA1, 0x4F),
        RGBColor(0xE1, 0x57, 0x59),
        RGBColor(0xB0, 0x7A, 0xA1),
        RGBColor(0x76, 0xB7, 0xB2),
        RGBColor(0xED, 0xC9, 0x48),
        RGBColor(0xFF, 0x9D, 0xA7),
        RGBColor(0x9C, 0x75, 0x5F),
        RGBColor(0xBA, 0xB0, 0xAC),
    ];
    PALETTE[p % PALETTE.len()]
}

/// The cost components of the stacked-bar plot, with their metric keys and colours.
const COSTS: [(&str, &str, RGBColor); 6] = [
    ("Holding", "cost_holding_per_day", RGBColor(0x8C, 0xD1, 0x7D)),
    ("Backorder penalty", "cost_backorder_per_day", RGBColor(0xD3, 0x72, 0x95)),
    ("Lost sales", "cost_lost_sales_per_day", RGBColor(0xB6, 0x99, 0x2D)),
    ("Ordering", "cost_ordering_per_day", RGBColor(0x49, 0x98, 0x94)),
    ("Purchase", "cost_purchase_per_day", RGBColor(0xA0, 0xCB, 0xE8)),
    ("Pipeline holding", "cost_pipeline_per_day", RGBColor(0x9D, 0x9D, 0xD8)),
];

/// One plot of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Fill rate and cycle service level per policy with 95 % CI whiskers.
    Service,
    /// Backorders over time: mean and 10–90 % band.
    Backorders,
    /// On-hand over time: mean and 10–90 % band.
    OnHand,
    /// Cost per day as stacked bars.
    Costs,
    /// Total cost against fill rate, with CI crosses.
    TradeOff,
    /// Distribution of backorder waiting times.
    Waits,
    /// Mean backorders of each location over time, one panel per policy (several locations).
    Locations,
}

impl Kind {
    /// Every plot, in report order.
    pub const ALL: [Kind; 7] = [
        Kind::Service,
        Kind::Backorders,
        Kind::OnHand,
        Kind::Costs,
        Kind::TradeOff,
        Kind::Waits,
        Kind::Locations,
    ];

    /// Whether the run has what the plot needs (backorders by location need several
    /// locations).
    pub fn available(self, data: &RunData) -> bool {
        self != Kind::Locations || !data.locations.is_empty()
    }

    /// File name without extension.
    pub fn file_stem(self) -> &'static str {
        match self {
            Kind::Service => "service",
            Kind::Backorders => "backorders",
            Kind::OnHand => "on-hand",
            Kind::Costs => "costs",
            Kind::TradeOff => "trade-off",
            Kind::Waits => "waits",
            Kind::Locations => "backorders-by-location",
        }
    }

    /// Title.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Service => "Service level by policy (95 % confidence intervals)",
            Kind::Backorders => "Backorders at the end of each day (mean, 10–90 % band)",
            Kind::OnHand => "Stock on hand at the end of each day (mean, 10–90 % band)",
            Kind::Costs => "Cost per day by kind",
            Kind::TradeOff => "Cost against service (95 % confidence crosses)",
            Kind::Waits => "How long backordered units waited",
            Kind::Locations => "Backorders by location (mean at the end of each day)",
        }
    }

    /// What the plot shows and how to read it.
    pub fn caption(self) -> &'static str {
        match self {
            Kind::Service => {
                "Circles: fill rate (share of units filled from stock on the day demanded). Triangles: cycle service level (share of review cycles without a stockout). Whiskers: 95 % confidence intervals of the mean over replications."
            }
            Kind::Backorders => {
                "Mean over replications of the units backordered at the end of each day, with the band between the 10th and 90th percentiles across replications. Grey: warm-up, not measured. Red: days a supplier was down, darker when down in more replications."
            }
            Kind::OnHand => {
                "Mean over replications of the units on hand at the end of each day, with the 10–90 % band across replications. Grey: warm-up; red: supplier outages."
            }
            Kind::Costs => {
                "Mean cost per measured day, stacked by kind; the figure above each bar is the total. The coloured strip under a bar is the policy's colour in the other plots."
            }
            Kind::TradeOff => {
                "Each policy's total cost per day against its fill rate, with 95 % confidence intervals as crosses. Down and to the right is better: a policy up and to the left of another is dominated."
            }
            Kind::Waits => {
                "Backordered units (demanded on measured days and filled before the horizon) by the number of days they waited, pooled over replications."
            }
            Kind::Locations => {
                "One panel per location (each with its own scale; at most 24, those owing the most), one line per policy: the mean over replications of the units the location owes at the end of each day, to its customers and to the locations it supplies. It shows where backorders are born: a distribution centre's shortage appears first at the centre, then, a lead time later, at its stores. Grey: warm-up."
            }
        }
    }

    fn size(self, data: &RunData) -> (u32, u32) {
        match self {
            Kind::Backorders | Kind::OnHand => (960, 460),
            Kind::Locations => {
                let rows = shown_locations(data).len().div_ceil(LOCATION_COLUMNS).max(1) as u32;
                (960, 70 + 210 * rows)
            }
            _ => (760, 460),
        }
    }
}

type Result<T, DB> = std::result::Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Draws the legend of `chart`'s labelled series in a framed box at `position`.
pub(super) fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
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

/// Draws plot `kind` of `data` on `root`.
fn draw<DB: DrawingBackend>(kind: Kind, data: &RunData, root: &DrawingArea<DB, Shift>) -> Result<(), DB> {
    root.fill(&WHITE)?;
    match kind {
        Kind::Service => service(data, root),
        Kind::Backorders => over_time(data, root, kind.title(), "Units backordered", |d| d.backorders),
        Kind::OnHand => over_time(data, root, kind.title(), "Units on hand", |d| d.on_hand),
        Kind::Costs => costs(data, root),
        Kind::TradeOff => trade_off(data, root),
        Kind::Waits => waits(data, root),
        Kind::Locations => by_location(data, root),
    }?;
    root.present()
}

/// Renders plot `kind` as SVG text.
pub fn svg(kind: Kind, data: &RunData) -> String {
    register_font();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, kind.size(data)).into_drawing_area();
        draw(kind, data, &root).expect("drawing into a string cannot fail");
    }
    out
}

/// Writes plot `kind` as a PNG file.
pub fn png(kind: Kind, data: &RunData, path: &Path) -> std::result::Result<(), String> {
    register_font();
    let root = BitMapBackend::new(path, kind.size(data)).into_drawing_area();
    draw(kind, data, &root).map_err(|e| e.to_string())
}

fn mean(s: Option<&Stat>) -> f64 {
    s.and_then(|s| s.mean).unwrap_or(f64::NAN)
}

fn half_width(s: Option<&Stat>) -> f64 {
    s.and_then(|s| s.half_width).unwrap_or(0.0)
}

/// An axis of `n` categories (policies, days) centred on 0, 1, …, n − 1, from −0.5 to
/// n − 0.5, with a tick every `step` categories.
struct IndexAxis {
    n: usize,
    step: usize,
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

fn policy_axis(n: usize) -> IndexAxis {
    IndexAxis { n, step: 1 }
}

/// Axis numbers without a useless ".0".
fn tidy(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round())
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn policy_label(data: &RunData) -> impl Fn(&f64) -> String + '_ {
    move |x: &f64| data.summary.policies.get(x.round() as usize).map(|p| p.name.clone()).unwrap_or_default()
}

fn service<DB: DrawingBackend>(data: &RunData, root: &DrawingArea<DB, Shift>) -> Result<(), DB> {
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
    let mut chart = ChartBuilder::on(root)
        .caption(Kind::Service.title(), ("sans-serif", 20))
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(policy_axis(n), floor..100.5)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_label_formatter(&label)
        .y_desc("Share of demand or cycles (%)")
        .y_label_formatter(&tidy)
        .label_style(("sans-serif", 14))
        .light_line_style(BLACK.mix(0.03))
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

fn over_time<DB: DrawingBackend>(
    data: &RunData,
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
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 20))
        .margin(14)
        .x_label_area_size(42)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..days.max(1) as f64, 0f64..top)?;
    chart
        .configure_mesh()
        .x_desc("Day")
        .y_desc(y_desc)
        .x_label_formatter(&tidy)
        .y_label_formatter(&tidy)
        .label_style(("sans-serif", 14))
        .light_line_style(BLACK.mix(0.03))
        .draw()?;
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
const MAX_LOCATION_PANELS: usize = 24;

/// Panels per row in the plot of backorders by location.
const LOCATION_COLUMNS: usize = 3;

/// The locations the plot of backorders by location shows, in file order: all of them, or the
/// `MAX_LOCATION_PANELS` with the largest mean under some policy.
fn shown_locations(data: &RunData) -> Vec<usize> {
    let n = data.locations.first().map_or(0, Vec::len);
    let mut shown: Vec<usize> = (0..n).collect();
    if n > MAX_LOCATION_PANELS {
        let owed = |k: usize| {
            let means = data.locations.iter().map(|series| {
                let finite: Vec<f64> = series[k].1.iter().copied().filter(|v| v.is_finite()).collect();
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
fn by_location<DB: DrawingBackend>(data: &RunData, root: &DrawingArea<DB, Shift>) -> Result<(), DB> {
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
    let warm = data.daily.first().map_or(0, |d| d.iter().filter(|r| r.warmup).count()) as f64;
    for (panel, &k) in panels.iter().zip(&shown) {
        let values = || data.locations.iter().flat_map(|series| series[k].1.iter().copied());
        let days = values().count() / data.locations.len().max(1);
        let top = values().filter(|v| v.is_finite()).fold(0.0, f64::max);
        let top = if top > 0.0 { top * 1.1 } else { 1.0 };
        let mut chart = ChartBuilder::on(panel)
            .caption(&data.locations[0][k].0, ("sans-serif", 15))
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
                .1
                .iter()
                .enumerate()
                .map(|(d, &v)| (d as f64 + 0.5, v))
                .filter(|(_, v)| v.is_finite());
            chart.draw_series(LineSeries::new(line, policy_color(p).stroke_width(1)))?;
        }
    }
    Ok(())
}

fn costs<DB: DrawingBackend>(data: &RunData, root: &DrawingArea<DB, Shift>) -> Result<(), DB> {
    let policies = &data.summary.policies;
    let value = |p: usize, key: &str| {
        let v = mean(policies[p].total.get(key));
        if v.is_finite() { v } else { 0.0 }
    };
    let totals: Vec<f64> = (0..policies.len()).map(|p| COSTS.iter().map(|c| value(p, c.1)).sum()).collect();
    let top = totals.iter().copied().fold(0.0, f64::max);
    let top = if top > 0.0 { top * 1.12 } else { 1.0 };
    let label = policy_label(data);
    let mut chart = ChartBuilder::on(root)
        .caption(Kind::Costs.title(), ("sans-serif", 20))
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(policy_axis(policies.len()), 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_label_formatter(&label)
        .y_desc("Mean cost per measured day")
        .y_label_formatter(&tidy)
        .label_style(("sans-serif", 14))
        .light_line_style(BLACK.mix(0.03))
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

fn trade_off<DB: DrawingBackend>(data: &RunData, root: &DrawingArea<DB, Shift>) -> Result<(), DB> {
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
    let mut chart = ChartBuilder::on(root)
        .caption(Kind::TradeOff.title(), ("sans-serif", 20))
        .margin(14)
        .x_label_area_size(42)
        .y_label_area_size(70)
        .build_cartesian_2d(x0.max(0.0)..x1.min(100.5), y0..y1)?;
    chart
        .configure_mesh()
        .x_desc("Fill rate (%) — better to the right")
        .y_desc("Total cost per day — better lower")
        .x_label_formatter(&tidy)
        .y_label_formatter(&tidy)
        .label_style(("sans-serif", 14))
        .light_line_style(BLACK.mix(0.03))
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

fn waits<DB: DrawingBackend>(data: &RunData, root: &DrawingArea<DB, Shift>) -> Result<(), DB> {
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
    let cutoff = shares
        .iter()
        .map(|s| {
            let mut cum = 0.0;
            s.iter()
                .position(|v| {
                    cum += v;
                    cum >= 99.5
                })
                .unwrap_or(0)
        })
        .max()
        .unwrap_or(0)
        .max(3);
    let top = shares.iter().flatten().copied().fold(0.0, f64::max).max(1.0) * 1.1;
    let mut chart = ChartBuilder::on(root)
        .caption(Kind::Waits.title(), ("sans-serif", 20))
        .margin(14)
        .x_label_area_size(42)
        .y_label_area_size(64)
        .build_cartesian_2d(IndexAxis { n: cutoff + 1, step: cutoff.div_ceil(15).max(1) }, 0f64..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc("Days waited (0 = filled the same day)")
        .y_desc("Share of backordered units (%)")
        .x_label_formatter(&tidy)
        .y_label_formatter(&tidy)
        .label_style(("sans-serif", 14))
        .light_line_style(BLACK.mix(0.03))
        .draw()?;
    let n = shares.len().max(1) as f64;
    let width = 0.8 / n;
    for (p, (policy, s)) in data.summary.policies.iter().zip(&shares).enumerate() {
        let color = policy_color(p);
        let bars = s.iter().enumerate().take(cutoff + 1).map(|(d, &v)| {
            let x = d as f64 - 0.4 + width * p as f64;
            Rectangle::new([(x, 0.0), (x + width, v)], color.filled())
        });
        chart
            .draw_series(bars)?
            .label(policy.name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight, 14)
}
