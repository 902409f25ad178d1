//! Plots and the HTML report: valid SVG with the expected series, a well-formed report that
//! names every policy and metric, and `scsim plot` reproducing a run's files byte for byte.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

use crate::common;
use scsim::report::plots::{Kind, policy_color};

const POLICIES: [&str; 3] = ["lean", "safety-stock", "min-max"];

/// The plots of a single-location run.
const SINGLE_LOCATION: [Kind; 6] =
    [Kind::Service, Kind::Backorders, Kind::OnHand, Kind::Costs, Kind::TradeOff, Kind::Waits];

fn run_quickstart(dir: &Path) {
    common::run_scsim(&["run", "scenarios/quickstart.json", "--replications", "30", "--days", "150"], dir);
}

fn hex(p: usize) -> String {
    let c = policy_color(p);
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Elements of `svg` with tag `tag` whose attribute `attr` is `value`.
fn count(doc: &roxmltree::Document, tag: &str, attr: &str, value: &str) -> usize {
    doc.descendants().filter(|n| n.has_tag_name(tag) && n.attribute(attr) == Some(value)).count()
}

fn texts(doc: &roxmltree::Document) -> String {
    doc.descendants().filter_map(|n| n.text()).collect::<Vec<_>>().join(" ")
}

#[test]
fn every_plot_is_valid_svg_with_one_series_per_policy() {
    let dir = tempfile::tempdir().unwrap();
    run_quickstart(dir.path());
    // The quickstart has a single location: no plot of backorders by location.
    let by_location = dir.path().join("plots").join(format!("{}.svg", Kind::Locations.file_stem()));
    assert!(!by_location.exists());
    for kind in SINGLE_LOCATION {
        let path = dir.path().join("plots").join(format!("{}.svg", kind.file_stem()));
        let text = fs::read_to_string(&path).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(doc.root_element().has_tag_name("svg"));
        let words = texts(&doc);
        assert!(words.contains(kind.title()), "{kind:?} lacks its title");
        for (p, name) in POLICIES.iter().enumerate() {
            let color = hex(p);
            let series = match kind {
                // A mean line (and its legend sample) and a 10–90 % band per policy.
                Kind::Backorders | Kind::OnHand => {
                    assert!(count(&doc, "polygon", "fill", &color) >= 1, "{kind:?}: no band for {name}");
                    count(&doc, "polyline", "stroke", &color)
                }
                // A fill-rate circle and a cycle-service triangle per policy.
                Kind::Service => {
                    count(&doc, "circle", "fill", &color) + count(&doc, "polygon", "fill", &color)
                }
                Kind::TradeOff => count(&doc, "circle", "fill", &color),
                // Bars per wait day plus the legend swatch.
                Kind::Waits => count(&doc, "rect", "fill", &color),
                // The policy's colour bar under its stack.
                Kind::Costs => count(&doc, "rect", "fill", &color),
                Kind::Locations => unreachable!("not drawn for a single location"),
            };
            let expected = match kind {
                Kind::Backorders | Kind::OnHand | Kind::Service => 2,
                Kind::TradeOff | Kind::Costs => 1,
                Kind::Waits => 2,
                Kind::Locations => unreachable!("not drawn for a single location"),
            };
            assert!(
                series >= expected,
                "{kind:?}: {series} elements of {name}'s colour, expected at least {expected}"
            );
            assert!(words.contains(name), "{kind:?} does not name {name}");
        }
    }
}

#[test]
fn the_report_is_well_formed_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    run_quickstart(dir.path());
    let html = fs::read_to_string(dir.path().join("report.html")).unwrap();
    let doc = roxmltree::Document::parse_with_options(
        &html,
        roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
    )
    .expect("report.html is well-formed");
    let words = texts(&doc);
    for name in POLICIES {
        assert!(words.contains(name), "report lacks {name}");
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    // Every metric defined for some policy has a row in the summary table (titled by its key)
    // and an entry in the glossary.
    let rows: Vec<&str> =
        doc.descendants().filter(|n| n.has_tag_name("th")).filter_map(|n| n.attribute("title")).collect();
    for (key, stat) in summary["policies"][0]["total"].as_object().unwrap() {
        if stat["mean"].is_number() {
            assert!(rows.contains(&key.as_str()), "summary table lacks {key}");
        }
        assert!(words.contains(key.as_str()), "glossary lacks {key}");
    }
    // Metadata and self-containment: no script, no external resource.
    for fact in [summary["scenario"]["sha256"].as_str().unwrap(), "Replications", "Seed"] {
        assert!(words.contains(fact), "report lacks {fact}");
    }
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("script")).count(), 0);
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "no external resource");
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("svg")).count(), SINGLE_LOCATION.len());
    // The best value of each row with a direction is marked.
    assert!(doc.descendants().any(|n| n.attribute("class") == Some("best")));
}

#[test]
fn plot_redraws_a_finished_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    run_quickstart(dir.path());
    let files: Vec<String> = SINGLE_LOCATION
        .iter()
        .map(|k| format!("plots/{}.svg", k.file_stem()))
        .chain(["report.html".to_string()])
        .collect();
    let before: Vec<Vec<u8>> = files.iter().map(|f| fs::read(dir.path().join(f)).unwrap()).collect();
    fs::remove_dir_all(dir.path().join("plots")).unwrap();
    fs::remove_file(dir.path().join("report.html")).unwrap();
    Command::cargo_bin("scsim").unwrap().arg("plot").arg(dir.path()).assert().success();
    for (f, b) in files.iter().zip(&before) {
        assert!(fs::read(dir.path().join(f)).unwrap() == *b, "{f} differs after scsim plot");
    }
    // A folder without a run is bad input.
    let empty = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("scsim").unwrap().arg("plot").arg(empty.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("summary.json"));
}

#[test]
fn png_plots_are_drawn_with_the_bundled_font() {
    let dir = tempfile::tempdir().unwrap();
    run_quickstart(dir.path());
    Command::cargo_bin("scsim").unwrap().arg("plot").arg(dir.path()).arg("--png").assert().success();
    for kind in SINGLE_LOCATION {
        let bytes = fs::read(dir.path().join("plots").join(format!("{}.png", kind.file_stem()))).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n".as_slice(), "{kind:?} is a PNG");
        assert!(bytes.len() > 10_000, "{kind:?} has content");
    }
}

#[test]
fn a_network_run_plots_backorders_by_location() {
    let dir = tempfile::tempdir().unwrap();
    common::run_scsim(
        &["run", "scenarios/three-echelon.json", "--replications", "8", "--days", "120"],
        dir.path(),
    );
    let locations =
        ["plant", "dc-north", "dc-south", "store-1", "store-2", "store-3", "store-4", "store-5", "store-6"];
    // daily-locations.csv: one row per policy, day and location, in that order.
    let csv = fs::read_to_string(dir.path().join("daily-locations.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2 * 120 * locations.len());
    assert!(rows[0].starts_with("local,0,1,plant,") && rows[locations.len()].starts_with("local,1,1,plant,"));
    assert!(rows[60 * locations.len()].starts_with("local,60,0,plant,"), "day 60 ends the warm-up");
    let path = dir.path().join("plots").join(format!("{}.svg", Kind::Locations.file_stem()));
    let svg = fs::read_to_string(&path).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let words = texts(&doc);
    assert!(words.contains(Kind::Locations.title()));
    // A panel per location (titled by it) with a line per policy in the policy's colour, and
    // one key naming the policies.
    for location in locations {
        assert!(words.contains(location), "no panel for {location}");
    }
    for (p, policy) in ["local", "echelon"].iter().enumerate() {
        assert!(words.contains(policy), "the key does not name {policy}");
        let lines = count(&doc, "polyline", "stroke", &hex(p));
        assert_eq!(lines, locations.len() + 1, "{policy}: a line per panel and one in the key");
    }
    // The report shows the plot and a lane table.
    let html = fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains(Kind::Locations.title()) && html.contains("<h2>Lanes</h2>"));
    assert!(html.contains("<h2>By location and item</h2>") && html.contains("store-6/gizmo"));
    // scsim plot redraws it byte for byte from the files.
    let before = fs::read(&path).unwrap();
    fs::remove_dir_all(dir.path().join("plots")).unwrap();
    Command::cargo_bin("scsim").unwrap().arg("plot").arg(dir.path()).assert().success();
    assert!(fs::read(&path).unwrap() == before);
}

#[test]
fn pairs_csv_has_every_metric_of_every_policy_at_every_pair() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    common::run_scsim(&["run", "scenarios/three-echelon.json", "--replications", "6", "--days", "120"], &out);
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
    let mut reader = csv::Reader::from_path(out.join("pairs.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let keys = ["policy", "location", "item", "abc", "xyz", "demand_cv", "unit_cost"];
    assert_eq!(header.iter().take(7).collect::<Vec<_>>(), keys);
    assert_eq!(header.len(), 7 + 2 * scsim::metrics::METRICS.len());
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let policies = summary["policies"].as_array().unwrap();
    let pairs = policies[0]["pairs"].as_object().unwrap().len();
    assert_eq!(rows.len(), policies.len() * pairs, "one row per policy and pair");
    for policy in policies {
        let name = policy["name"].as_str().unwrap();
        let own: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[0] == name).collect();
        // The pairs' demand adds up to the policy's total demand (each unit is demanded at one pair).
        let demand: f64 = own.iter().map(|r| r[column("demand_units_mean")].parse::<f64>().unwrap()).sum();
        let total = policy["total"]["demand_units"]["mean"].as_f64().unwrap();
        assert!((demand - total).abs() <= 1e-9 * total, "{name}: {demand} vs {total}");
        for r in own {
            let stat = &policy["pairs"][format!("{}/{}", &r[1], &r[2])]["fill_rate"];
            let cell = &r[column("fill_rate_mean")];
            match stat["mean"].as_f64() {
                Some(mean) => assert_eq!(cell.parse::<f64>().unwrap(), mean),
                None => assert_eq!(cell, "", "undefined is an empty cell"),
            }
        }
    }
}
