//! Plots of a sweep: a metric against one parameter (one line per policy, with its 95 %
//! confidence band), or a heat map over two parameters (one per policy and metric).

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::error::ReportError;
use super::plots::{legend, policy_color, register_font};
use crate::experiment::shard::{PointResult, SweepSpec};

/// Metrics the sweep plots show.
const SHOWN: [(&str, &str, f64); 3] = [
    ("fill_rate", "Fill rate (%)", 100.0),
    ("cost_total_per_day", "Total cost per day", 1.0),
    ("avg_on_hand", "Average on hand (units)", 1.0),
];

/// One sweep plot: what to draw, drawable to SVG or PNG.
pub struct SweepPlot {
    /// File name without extension.
    pub name: String,
    /// SVG text.
    pub svg: String,
    size: (u32, u32),
    shape: Shape,
}

/// The outcome of drawing on a backend.
type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// What a sweep plot shows.
enum Shape {
    /// `metric` against the only parameter, one line per policy.
    Line {
        param: String,
        label: &'static str,
        metric: &'static str,
        scale: f64,
        policies: Vec<String>,
        points: Vec<PointResult>,
    },
    /// `metric` of policy `k` over two parameters.
    Heat {
        params: (String, String),
        label: &'static str,
        metric: &'static str,
        scale: f64,
        k: usize,
        policy: String,
        points: Vec<PointResult>,
    },
}

impl Shape {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn<DB> {
        match self {
            Shape::Line { param, label, metric, scale, policies, points } => {
                line(root, param, label, metric, *scale, policies, points)
            }
            Shape::Heat { params, label, metric, scale, k, policy, points } => {
                heat(root, params, label, metric, *scale, *k, policy, points)
            }
        }
    }
}

impl SweepPlot {
    fn new(name: String, size: (u32, u32), shape: Shape) -> SweepPlot {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            shape.draw(&root).expect("drawing into a string cannot fail");
        }
        SweepPlot { name, svg, size, shape }
    }

    /// Writes the plot as a PNG file.
    pub fn png(&self, path: &Path) -> Result<(), ReportError> {
        let drawn = self.shape.draw(&BitMapBackend::new(path, self.size).into_drawing_area());
        drawn.map_err(|e| ReportError::Draw { file: path.to_path_buf(), message: e.to_string() })
    }
}

/// The numeric value of a point's `k`-th parameter.
fn number(p: &PointResult, k: usize) -> Option<f64> {
    p.values.get(k).and_then(serde_json::Value::as_f64)
}

/// Mean and half-width of `metric` for policy `k` at point `p`, scaled.
fn value(p: &PointResult, k: usize, metric: &str, scale: f64) -> Option<(f64, f64)> {
    let s = p.policies.get(k)?.1.get(metric)?;
    Some((s.mean? * scale, s.half_width.unwrap_or(0.0) * scale))
}

/// The plots of a sweep with numeric parameters: lines for one parameter, heat maps for two.
pub fn plots(spec: &SweepSpec, points: &[PointResult]) -> Vec<SweepPlot> {
    register_font();
    let valid: Vec<PointResult> = points.iter().filter(|p| p.invalid.is_none()).cloned().collect();
    let Some(first) = valid.first() else { return Vec::new() };
    let numeric = |k: usize| valid.iter().all(|p| number(p, k).is_some());
    let policies: Vec<String> = first.policies.iter().map(|(n, _)| n.clone()).collect();
    let mut out = Vec::new();
    match spec.parameters.len() {
        1 if numeric(0) => {
            for (metric, label, scale) in SHOWN {
                let param = spec.parameters[0].path.clone();
                let shape = Shape::Line {
                    param,
                    label,
                    metric,
                    scale,
                    policies: policies.clone(),
                    points: valid.clone(),
                };
                out.push(SweepPlot::new(format!("sweep-{metric}"), (860, 480), shape));
            }
        }
        2 if numeric(0) && numeric(1) => {
            for (k, policy) in policies.iter().enumerate() {
                for (metric, label, scale) in SHOWN.iter().take(2).copied() {
                    let params = (spec.parameters[0].path.clone(), spec.parameters[1].path.clone());
                    let shape = Shape::Heat {
                        params,
                        label,
                        metric,
                        scale,
                        k,
                        policy: policy.clone(),
                        points: valid.clone(),
                    };
                    out.push(SweepPlot::new(
                        format!("sweep-heatmap-{}-{metric}", crate::model::file_stem(policy)),
                        (760, 560),
                        shape,
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

fn line<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    param: &str,
    label: &str,
    metric: &str,
    scale: f64,
    policies: &[String],
    points: &[PointResult],
) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let xs: Vec<f64> = points.iter().filter_map(|p| number(p, 0)).collect();
    let (x0, x1) = xs.iter().fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    let ys: Vec<(f64, f64)> = (0..policies.len())
        .flat_map(|k| points.iter().filter_map(move |p| value(p, k, metric, scale)))
        .collect();
    let (y0, y1) = ys.iter().fold((f64::MAX, f64::MIN), |(a, b), &(m, h)| (a.min(m - h), b.max(m + h)));
    let pad = ((y1 - y0) * 0.08).max(1e-6);
    let x1 = if x1 > x0 { x1 } else { x0 + 1.0 };
    let mut chart = ChartBuilder::on(root)
        .caption(format!("{label} against {param}"), ("sans-serif", 20))
        .margin(14)
        .x_label_area_size(42)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, (y0 - pad)..(y1 + pad))?;
    chart
        .configure_mesh()
        .x_desc(param)
        .y_desc(label)
        .label_style(("sans-serif", 14))
        .light_line_style(BLACK.mix(0.03))
        .draw()?;
    for (k, name) in policies.iter().enumerate() {
        let color = policy_color(k);
        let series: Vec<(f64, f64, f64)> = points
            .iter()
            .filter_map(|p| Some((number(p, 0)?, value(p, k, metric, scale)?)))
            .map(|(x, (m, h))| (x, m, h))
            .collect();
        let band: Vec<(f64, f64)> = series
            .iter()
            .map(|&(x, m, h)| (x, m + h))
            .chain(series.iter().rev().map(|&(x, m, h)| (x, m - h)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.18).filled())))?;
        chart
            .draw_series(LineSeries::new(series.iter().map(|&(x, m, _)| (x, m)), color.stroke_width(2)))?
            .label(name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(3)));
        chart.draw_series(series.iter().map(|&(x, m, _)| Circle::new((x, m), 3, color.filled())))?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight, 14)?;
    root.present()
}

#[allow(clippy::too_many_arguments)]
fn heat<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    params: &(String, String),
    label: &str,
    metric: &str,
    scale: f64,
    k: usize,
    policy: &str,
    points: &[PointResult],
) -> Drawn<DB> {
    root.fill(&WHITE)?;
    let mut xs: Vec<f64> = points.iter().filter_map(|p| number(p, 0)).collect();
    let mut ys: Vec<f64> = points.iter().filter_map(|p| number(p, 1)).collect();
    for v in [&mut xs, &mut ys] {
        v.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
        v.dedup();
    }
    let cells: Vec<(usize, usize, f64)> = points
        .iter()
        .filter_map(|p| {
            let (x, y) = (number(p, 0)?, number(p, 1)?);
            let (m, _) = value(p, k, metric, scale)?;
            Some((xs.iter().position(|&v| v == x)?, ys.iter().position(|&v| v == y)?, m))
        })
        .collect();
    let (lo, hi) = cells.iter().fold((f64::MAX, f64::MIN), |(a, b), c| (a.min(c.2), b.max(c.2)));
    let mut chart = ChartBuilder::on(root)
        .caption(format!("{label} — {policy}"), ("sans-serif", 20))
        .margin(14)
        .x_label_area_size(42)
        .y_label_area_size(70)
        .build_cartesian_2d(0f64..xs.len() as f64, 0f64..ys.len() as f64)?;
    let (xl, yl) = (xs.clone(), ys.clone());
    let fx = move |v: &f64| xl.get(v.floor() as usize).map_or(String::new(), |x| format!("{x}"));
    let fy = move |v: &f64| yl.get(v.floor() as usize).map_or(String::new(), |y| format!("{y}"));
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(params.0.as_str())
        .y_desc(params.1.as_str())
        .x_labels(xs.len().min(12))
        .y_labels(ys.len().min(12))
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(("sans-serif", 13))
        .draw()?;
    let shade = |m: f64| {
        let t = if hi > lo { (m - lo) / (hi - lo) } else { 0.5 };
        // Light yellow to dark blue.
        let mix = |a: f64, b: f64| (a + (b - a) * t) as u8;
        RGBColor(mix(255.0, 33.0), mix(247.0, 102.0), mix(188.0, 172.0))
    };
    chart.draw_series(cells.iter().map(|&(i, j, m)| {
        Rectangle::new([(i as f64, j as f64), (i as f64 + 1.0, j as f64 + 1.0)], shade(m).filled())
    }))?;
    if xs.len() * ys.len() <= 150 {
        chart.draw_series(cells.iter().map(|&(i, j, m)| {
            let dark = hi > lo && (m - lo) / (hi - lo) > 0.55;
            let style = ("sans-serif", 11).into_font().color(if dark { &WHITE } else { &BLACK });
            Text::new(format!("{m:.3}"), (i as f64 + 0.15, j as f64 + 0.55), style)
        }))?;
    }
    root.present()
}
