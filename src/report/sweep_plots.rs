//! Plots of a sweep: a metric against one parameter (one line per policy, with its 95 %
//! confidence band), or a heat map over two parameters (one per policy and metric).

use std::path::Path;
use std::sync::Arc;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::error::ReportError;
use super::plots::{KEY_FRAME, Swatch, Ticked, policy_color, register_font, tidy, whole_axis, with_key};
use crate::experiment::shard::{PointResult, SweepSpec};
use crate::metrics::{Better, METRICS};

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
        points: Arc<[PointResult]>,
    },
    /// `metric` of policy `k` over two parameters.
    Heat {
        params: (String, String),
        label: &'static str,
        metric: &'static str,
        scale: f64,
        k: usize,
        policy: String,
        points: Arc<[PointResult]>,
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
    // One copy of the valid points, shared by every plot.
    let valid: Arc<[PointResult]> = points.iter().filter(|p| p.invalid.is_none()).cloned().collect();
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
                    points: Arc::clone(&valid),
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
                        points: Arc::clone(&valid),
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
    // A parameter whose values are whole numbers (a reorder point, a lead time) gets whole
    // ticks.
    let x = if xs.iter().all(|x| x.fract() == 0.0) {
        whole_axis(x0, x1, 10)
    } else {
        Ticked { range: x0..x1, ticks: RangedCoordf64::from(x0..x1).key_points(10) }
    };
    let entries: Vec<(String, Swatch)> =
        policies.iter().enumerate().map(|(k, name)| (name.clone(), Swatch::Line(policy_color(k)))).collect();
    let area = with_key(root, &format!("{label} against {param}"), &entries)?;
    let mut chart = ChartBuilder::on(&area)
        .margin(14)
        .margin_top(10)
        .x_label_area_size(42)
        .y_label_area_size(70)
        .build_cartesian_2d(x, (y0 - pad)..(y1 + pad))?;
    chart
        .configure_mesh()
        .x_label_formatter(&|v: &f64| format!("{v}"))
        .y_label_formatter(&tidy)
        .x_desc(param)
        .y_desc(label)
        .label_style(("sans-serif", 14))
        .light_line_style(BLACK.mix(0.03))
        .draw()?;
    for k in 0..policies.len() {
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
        chart.draw_series(LineSeries::new(series.iter().map(|&(x, m, _)| (x, m)), color.stroke_width(2)))?;
        chart.draw_series(series.iter().map(|&(x, m, _)| Circle::new((x, m), 3, color.filled())))?;
    }
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
    let axis = |i: usize| {
        let mut v: Vec<f64> = points.iter().filter_map(|p| number(p, i)).collect();
        v.sort_by(f64::total_cmp);
        v.dedup();
        v
    };
    let (xs, ys) = (axis(0), axis(1));
    let cells: Vec<(usize, usize, f64)> = points
        .iter()
        .filter_map(|p| {
            let (x, y) = (number(p, 0)?, number(p, 1)?);
            let (m, _) = value(p, k, metric, scale)?;
            Some((xs.iter().position(|&v| v == x)?, ys.iter().position(|&v| v == y)?, m))
        })
        .collect();
    let scale = Goodness::new(metric, cells.iter().map(|c| c.2));
    let area = with_key(root, &format!("{label} — {policy}"), &[])?;
    let (plot, bar) = area.split_horizontally(area.dim_in_pixel().0 - 130);
    let mut chart = ChartBuilder::on(&plot)
        .margin(14)
        .margin_top(10)
        .x_label_area_size(42)
        .y_label_area_size(70)
        .build_cartesian_2d(cell_axis(xs.len()), cell_axis(ys.len()))?;
    let fx = |v: &f64| xs.get(v.floor() as usize).map_or(String::new(), |x| format!("{x}"));
    let fy = |v: &f64| ys.get(v.floor() as usize).map_or(String::new(), |y| format!("{y}"));
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(params.0.as_str())
        .y_desc(params.1.as_str())
        .x_label_formatter(&fx)
        .y_label_formatter(&fy)
        .label_style(("sans-serif", 13))
        .draw()?;
    chart.draw_series(cells.iter().map(|&(i, j, m)| {
        Rectangle::new([(i as f64, j as f64), (i as f64 + 1.0, j as f64 + 1.0)], shade(scale.of(m)).filled())
    }))?;
    if xs.len() * ys.len() <= 150 {
        chart.draw_series(cells.iter().map(|&(i, j, m)| {
            let color = if scale.of(m) > 0.55 { &WHITE } else { &BLACK };
            let style = ("sans-serif", 11).into_font().color(color).pos(Pos::new(HPos::Center, VPos::Center));
            Text::new(format!("{}", Sig(m)), (i as f64 + 0.5, j as f64 + 0.5), style)
        }))?;
    }
    colour_bar(&bar, &scale)?;
    root.present()
}

/// A heat map's axis of `n` cells, one tick in the middle of each (at most about 12).
fn cell_axis(n: usize) -> Ticked {
    let step = n.div_ceil(12).max(1);
    Ticked { range: 0.0..n.max(1) as f64, ticks: (0..n).step_by(step).map(|i| i as f64 + 0.5).collect() }
}

/// How good a value of a heat map's metric is, from 0 (the worst on the map) to 1 (the best),
/// whatever the metric's direction: every map is darker where it is better.
struct Goodness {
    /// The worst and the best value on the map.
    worst: f64,
    best: f64,
}

impl Goodness {
    fn new(metric: &str, values: impl Iterator<Item = f64> + Clone) -> Goodness {
        let lo = values.clone().fold(f64::INFINITY, f64::min);
        let hi = values.fold(f64::NEG_INFINITY, f64::max);
        let lower = METRICS.iter().find(|m| m.key == metric).is_some_and(|m| m.better == Better::Lower);
        if lower { Goodness { worst: hi, best: lo } } else { Goodness { worst: lo, best: hi } }
    }

    fn of(&self, v: f64) -> f64 {
        if self.best == self.worst {
            0.5
        } else {
            ((v - self.worst) / (self.best - self.worst)).clamp(0.0, 1.0)
        }
    }

    fn value(&self, t: f64) -> f64 {
        self.worst + t * (self.best - self.worst)
    }
}

/// The colour of goodness `t`: light yellow (worst) to dark blue (best).
fn shade(t: f64) -> RGBColor {
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    RGBColor(mix(255.0, 33.0), mix(247.0, 102.0), mix(188.0, 172.0))
}

/// The colour bar beside a heat map: the shades from worst (bottom) to best (top), labelled
/// with the values they stand for, framed in the key colour.
fn colour_bar<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, scale: &Goodness) -> Drawn<DB> {
    const STEPS: usize = 40;
    let ticks = Ticked { range: 0.0..1.0, ticks: vec![0.0, 0.25, 0.5, 0.75, 1.0] };
    let mut chart = ChartBuilder::on(area)
        .margin(14)
        .margin_top(10)
        .margin_right(4)
        .x_label_area_size(42)
        .y_label_area_size(0)
        .right_y_label_area_size(70)
        .build_cartesian_2d(0f64..1.0, ticks)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_label_formatter(&|t: &f64| format!("{}", Sig(scale.value(*t))))
        .label_style(("sans-serif", 12))
        .draw()?;
    chart.draw_series((0..STEPS).map(|i| {
        let (a, b) = (i as f64 / STEPS as f64, (i + 1) as f64 / STEPS as f64);
        Rectangle::new([(0.0, a), (1.0, b)], shade(i as f64 / (STEPS - 1) as f64).filled())
    }))?;
    chart
        .draw_series(std::iter::once(Rectangle::new([(0.0, 0.0), (1.0, 1.0)], KEY_FRAME.stroke_width(1))))?;
    let word = |text: &str, t: f64, v: VPos, dy: i32| {
        let style = ("sans-serif", 13).into_font().color(&BLACK).pos(Pos::new(HPos::Center, v));
        EmptyElement::at((0.5, t)) + Text::new(text.to_string(), (0, dy), style)
    };
    chart.draw_series([word("better", 1.0, VPos::Bottom, -4), word("worse", 0.0, VPos::Top, 6)])?;
    Ok(())
}

/// A value with four significant digits and no useless zeros.
struct Sig(f64);

impl std::fmt::Display for Sig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = self.0;
        let digits = if v == 0.0 { 0 } else { (3 - v.abs().log10().floor() as i32).clamp(0, 6) as usize };
        let s = format!("{v:.digits$}");
        let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
        f.write_str(s)
    }
}
