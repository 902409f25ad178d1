//! What a person reads in a plot: the key lies outside the plotting area (it never covers
//! data), axes of whole numbers have whole ticks, and every heat map of a sweep has a colour
//! bar. Read from the SVG files, as a browser would draw them.

use std::fs;
use std::path::Path;

use crate::common;
use scsim::report::plots::{KEY_FRAME, Kind};

/// A rectangle in pixels: left, top, right, bottom.
type Rect = (f64, f64, f64, f64);

fn number(n: roxmltree::Node, attr: &str) -> f64 {
    n.attribute(attr)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("<{}> lacks {attr}", n.tag_name().name()))
}

fn frame_hex() -> String {
    format!("#{:02X}{:02X}{:02X}", KEY_FRAME.0, KEY_FRAME.1, KEY_FRAME.2)
}

/// The rectangles drawn as frames in the key colour (the key, a colour bar).
fn frames(doc: &roxmltree::Document) -> Vec<Rect> {
    doc.descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("stroke") == Some(frame_hex().as_str()))
        .map(|n| {
            let (x, y) = (number(n, "x"), number(n, "y"));
            (x, y, x + number(n, "width"), y + number(n, "height"))
        })
        .collect()
}

/// The plotting area: the box spanned by the grid and axis lines (every grid line runs across
/// the whole plotting area).
fn plotting_area(doc: &roxmltree::Document) -> Rect {
    let lines = doc.descendants().filter(|n| n.has_tag_name("line"));
    lines.fold((f64::MAX, f64::MAX, f64::MIN, f64::MIN), |(l, t, r, b), n| {
        let (x1, x2, y1, y2) = (number(n, "x1"), number(n, "x2"), number(n, "y1"), number(n, "y2"));
        (l.min(x1.min(x2)), t.min(y1.min(y2)), r.max(x1.max(x2)), b.max(y1.max(y2)))
    })
}

fn overlap(a: Rect, b: Rect) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

fn parse(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn keys_lie_outside_the_plotting_area() {
    let dir = tempfile::tempdir().unwrap();
    common::run_scsim(
        &["run", "scenarios/supplier-outage.json", "--replications", "6", "--days", "300"],
        dir.path(),
    );
    for kind in [Kind::Service, Kind::Backorders, Kind::OnHand, Kind::Costs, Kind::TradeOff, Kind::Waits] {
        let text = parse(&dir.path().join("plots").join(format!("{}.svg", kind.file_stem())));
        let doc = roxmltree::Document::parse(&text).unwrap();
        let keys = frames(&doc);
        assert_eq!(keys.len(), 1, "{kind:?}: one key");
        let area = plotting_area(&doc);
        assert!(area.2 - area.0 > 300.0 && area.3 - area.1 > 200.0, "{kind:?}: plotting area {area:?}");
        assert!(!overlap(keys[0], area), "{kind:?}: key {:?} overlaps the plotting area {area:?}", keys[0]);
        if kind == Kind::Costs {
            // The costs a policy decides in one panel, the cost of the goods in another.
            let words: Vec<&str> = doc.descendants().filter_map(|n| n.text()).map(str::trim).collect();
            assert!(words.contains(&"Costs the policy decides"), "{words:?}");
            assert!(words.contains(&"Cost of goods sold"), "the goods in their own panel: {words:?}");
        }
        // The key is above the plot, under the title, and inside the picture.
        assert!(keys[0].3 <= area.1 && keys[0].1 > 20.0, "{kind:?}: key {:?}", keys[0]);
    }
}

/// The numeric labels drawn below the plotting area (the x axis's tick labels).
fn x_tick_labels(doc: &roxmltree::Document) -> Vec<String> {
    let bottom = plotting_area(doc).3;
    doc.descendants()
        .filter(|n| {
            n.has_tag_name("text") && n.attribute("y").and_then(|y| y.parse::<f64>().ok()) > Some(bottom)
        })
        .filter_map(|n| n.text().map(str::trim).map(String::from))
        .filter(|t| t.parse::<f64>().is_ok())
        .collect()
}

#[test]
fn axes_of_whole_numbers_have_whole_ticks() {
    // A short horizon, where a default axis would tick at halves of a day.
    let dir = tempfile::tempdir().unwrap();
    common::run_scsim(
        &["run", "scenarios/quickstart.json", "--replications", "4", "--days", "7", "--warmup", "0"],
        dir.path(),
    );
    for kind in [Kind::Backorders, Kind::OnHand, Kind::Waits] {
        let text = parse(&dir.path().join("plots").join(format!("{}.svg", kind.file_stem())));
        let doc = roxmltree::Document::parse(&text).unwrap();
        let labels = x_tick_labels(&doc);
        assert!(labels.len() >= 3, "{kind:?}: x ticks {labels:?}");
        for l in &labels {
            assert!(l.parse::<i64>().is_ok(), "{kind:?}: tick {l} of a whole-number axis");
        }
    }
    // A sweep over a whole-number parameter ticks its axis at whole numbers.
    let sweep = tempfile::tempdir().unwrap();
    let set = "policies.safety-stock.inventory.S=100..103:1";
    common::run_scsim(
        &["sweep", "scenarios/quickstart.json", "--set", set, "--replications", "4", "--days", "60"],
        sweep.path(),
    );
    let text = parse(&sweep.path().join("plots/sweep-fill_rate.svg"));
    let labels = x_tick_labels(&roxmltree::Document::parse(&text).unwrap());
    assert!(labels.len() >= 3 && labels.iter().all(|l| l.parse::<i64>().is_ok()), "{labels:?}");
}

#[test]
fn every_heat_map_has_a_colour_bar_with_better_at_the_top() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "sweep",
        "scenarios/quickstart.json",
        "--set",
        "policies.safety-stock.inventory.S=95..115:10",
        "--set",
        "policies.min-max.inventory.s=60..90:15",
        "--replications",
        "6",
        "--days",
        "120",
    ];
    common::run_scsim(&args, dir.path());
    for metric in ["fill_rate", "cost_total_per_day"] {
        let path = dir.path().join(format!("plots/sweep-heatmap-safety-stock-{metric}.svg"));
        let text = parse(&path);
        let doc = roxmltree::Document::parse(&text).unwrap();
        let bars = frames(&doc);
        assert_eq!(bars.len(), 1, "{metric}: one colour bar");
        let bar = bars[0];
        // The bar lies right of the map and holds a column of shades.
        let map = plotting_area(&doc);
        assert!(bar.0 >= map.2, "{metric}: colour bar {bar:?} beside the map {map:?}");
        let shades: Vec<(f64, String)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("fill") != Some("none"))
            .filter(|n| number(*n, "x") >= bar.0 && number(*n, "y") >= bar.1 && number(*n, "y") < bar.3)
            .map(|n| (number(n, "y"), n.attribute("fill").unwrap_or_default().to_string()))
            .collect();
        assert!(shades.len() >= 20, "{metric}: {} shades", shades.len());
        // Darker (better) at the top for every metric: the top shade is the dark end.
        let top = shades.iter().min_by(|a, b| a.0.total_cmp(&b.0)).unwrap();
        let bottom = shades.iter().max_by(|a, b| a.0.total_cmp(&b.0)).unwrap();
        assert_eq!((top.1.as_str(), bottom.1.as_str()), ("#2166AC", "#FFF7BC"), "{metric}");
        // Its labels: the best value at the top; for a cost that is the smallest.
        let labels: Vec<(f64, f64)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text") && number(*n, "x") > bar.2)
            .filter_map(|n| Some((number(n, "y"), n.text()?.trim().parse::<f64>().ok()?)))
            .collect();
        assert!(labels.len() >= 3, "{metric}: colour bar labels {labels:?}");
        let first = labels.iter().min_by(|a, b| a.0.total_cmp(&b.0)).unwrap().1;
        let last = labels.iter().max_by(|a, b| a.0.total_cmp(&b.0)).unwrap().1;
        if metric == "fill_rate" {
            assert!(first > last, "{metric}: higher is better, at the top: {labels:?}");
        } else {
            assert!(first < last, "{metric}: lower is better, at the top: {labels:?}");
        }
    }
}
