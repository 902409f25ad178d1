//! Plots of a finished run (plotters): SVG by default, PNG on request. Every plot is drawn by
//! one function generic over the plotters backend, so both formats show the same thing.
//!
//! Text is laid out with a bundled open-licensed font (DejaVu Sans, `assets/fonts/`), so no
//! system font library is needed. A policy keeps its colour in every plot.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;

mod axes;
mod days;
mod frontier;
mod policies;
mod waits;

use super::create_temp;
use super::error::ReportError;
use super::view::RunView;
pub use axes::KEY_FRAME;
pub(crate) use axes::{Swatch, Ticked, tidy, whole_axis, with_key};
use days::{LOCATION_COLUMNS, shown_locations};
pub use frontier::frontier_svg;

static FONT: Once = Once::new();

/// Registers the bundled font as "sans-serif" (once per process).
pub(crate) fn register_font() {
    FONT.call_once(|| {
        plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            include_bytes!("../../../assets/fonts/DejaVuSans.ttf"),
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
    pub fn available(self, data: &RunView) -> bool {
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
                "Mean cost per measured day. Above: the costs a policy decides (holding, ordering, backorder penalty, lost sales), stacked by kind. Below, on its own scale: the cost of the goods, which would otherwise dwarf the rest. The figure above each bar is its total; the coloured strip under a bar is the policy's colour in the other plots."
            }
            Kind::TradeOff => {
                "Each policy's total cost per day against its fill rate (policies by colour, as in the key), with 95 % confidence intervals as crosses. Down and to the right is better: a policy up and to the left of another is dominated."
            }
            Kind::Waits => {
                "Backordered units (demanded on measured days and filled before the horizon) by the number of days they waited, pooled over replications."
            }
            Kind::Locations => {
                "One panel per location (each with its own scale; at most 24, those owing the most), one line per policy: the mean over replications of the units the location owes at the end of each day, to its customers and to the locations it supplies. It shows where backorders are born: a distribution centre's shortage appears first at the centre, then, a lead time later, at its stores. Grey: warm-up."
            }
        }
    }

    fn size(self, data: &RunView) -> (u32, u32) {
        match self {
            Kind::Backorders | Kind::OnHand => (960, 460),
            Kind::Costs => (760, 680),
            Kind::Locations => {
                let rows = shown_locations(data).len().div_ceil(LOCATION_COLUMNS).max(1) as u32;
                (960, 70 + 210 * rows)
            }
            _ => (760, 460),
        }
    }
}

type Result<T, DB> = std::result::Result<T, DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Draws plot `kind` of `data` on `root`.
fn draw<DB: DrawingBackend>(kind: Kind, data: &RunView, root: &DrawingArea<DB, Shift>) -> Result<(), DB> {
    root.fill(&WHITE)?;
    match kind {
        Kind::Service => policies::service(data, root),
        Kind::Backorders => days::over_time(data, root, kind.title(), "Units backordered", |d| d.backorders),
        Kind::OnHand => days::over_time(data, root, kind.title(), "Units on hand", |d| d.on_hand),
        Kind::Costs => policies::costs(data, root),
        Kind::TradeOff => policies::trade_off(data, root),
        Kind::Waits => waits::waits(data, root),
        Kind::Locations => days::by_location(data, root),
    }?;
    root.present()
}

/// Renders plot `kind` as SVG text.
pub(crate) fn svg(kind: Kind, data: &RunView) -> String {
    register_font();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, kind.size(data)).into_drawing_area();
        draw(kind, data, &root).expect("drawing into a string cannot fail");
    }
    out
}

/// Writes plot `kind` as a PNG file at `path` (drawn under a temporary name, then renamed).
pub(crate) fn png(kind: Kind, data: &RunView, path: &Path) -> std::result::Result<(), ReportError> {
    register_font();
    let (reserved, tmp) =
        create_temp(path).map_err(|source| ReportError::Write { file: path.to_path_buf(), source })?;
    drop(reserved);
    let drawn = {
        let root = BitMapBackend::new(&tmp, kind.size(data)).into_drawing_area();
        draw(kind, data, &root)
    };
    let done = drawn
        .map_err(|e| ReportError::Draw { file: path.to_path_buf(), message: e.to_string() })
        .and_then(|()| {
            std::fs::rename(&tmp, path)
                .map_err(|source| ReportError::Write { file: path.to_path_buf(), source })
        });
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done
}
