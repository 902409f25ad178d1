//! Demand history as it really is: long-format files filtered per pair, gaps as zero demand,
//! replay of the recorded sequence, bootstraps that keep the calendar (weekday, weekday and
//! month, moving blocks), and segment shares inside one demand stream.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use crate::common;

use scsim::model::Model;
use scsim::scenario::ScenarioFile;
use scsim::scenario::error::{Problem, ScenarioError};
use scsim::sim::engine::Workspace;

/// A small deterministic generator for test histories (xorshift64*).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (the test's own conversion, by counting).
fn days(date: &str) -> i64 {
    let (y, m, d): (i64, i64, i64) =
        (date[0..4].parse().unwrap(), date[5..7].parse().unwrap(), date[8..10].parse().unwrap());
    let leap = |y: i64| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let month_days = |y: i64, m: i64| match m {
        2 if leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let years: i64 = (1970..y).map(|y| if leap(y) { 366 } else { 365 }).sum();
    years + (1..m).map(|m| month_days(y, m)).sum::<i64>() + d - 1
}

/// The date `n` days after 1970-01-01.
fn date(n: i64) -> String {
    let mut d = n;
    let mut y = 1970;
    loop {
        let len = days(&format!("{:04}-01-01", y + 1)) - days(&format!("{y:04}-01-01"));
        if d < len {
            break;
        }
        d -= len;
        y += 1;
    }
    let mut m = 1;
    while m < 12 && days(&format!("{y:04}-{:02}-01", m + 1)) - days(&format!("{y:04}-01-01")) <= d {
        m += 1;
    }
    let day = d - (days(&format!("{y:04}-{m:02}-01")) - days(&format!("{y:04}-01-01"))) + 1;
    format!("{y:04}-{m:02}-{day:02}")
}

/// Weekday of a day number, 0 = Monday (1970-01-01 was a Thursday).
fn weekday(n: i64) -> usize {
    (n + 3).rem_euclid(7) as usize
}

/// A folder with a scenario and its history files.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new(files: &[(&str, &str)]) -> Case {
        let dir = tempfile::Builder::new().prefix("history-").tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        Case { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("s.json")
    }

    /// Builds the scenario JSON `json` written into the folder.
    fn build(&self, json: &str) -> Result<Model, ScenarioError> {
        std::fs::write(self.path(), json).unwrap();
        Model::build(&ScenarioFile::read(&self.path())?)
    }

    fn model(&self, json: &str) -> Model {
        self.build(json).unwrap_or_else(|e| panic!("valid: {e}"))
    }

    fn problems(&self, json: &str) -> Vec<Problem> {
        match self.build(json) {
            Ok(_) => panic!("expected problems"),
            Err(ScenarioError::Invalid { problems, .. }) => problems,
            Err(e) => panic!("neither valid nor invalid: {e}"),
        }
    }
}

/// A scenario at location `l` with items `items`, one demand entry per (item, distribution),
/// and extra top-level fields `top`.
fn scenario(top: &str, horizon: u32, demand: &[(&str, String)]) -> String {
    let items: Vec<String> = demand.iter().map(|(i, _)| format!(r#"{{"id": "{i}"}}"#)).collect();
    let mut items = items;
    items.dedup();
    let entries: Vec<String> = demand
        .iter()
        .map(|(i, dist)| format!(r#"{{"location": "l", "item": "{i}", "distribution": {dist}}}"#))
        .collect();
    format!(
        r#"{{"schema_version": 1, "horizon_days": {horizon}, {top}
        "items": [{}], "locations": [{{"id": "l"}}], "suppliers": [{{"id": "s"}}],
        "lanes": [{{"id": "x", "from": "s", "to": "l", "lead_time": {{"type": "constant", "value": 2}}}}],
        "demand": [{}],
        "policies": [{{"name": "p", "inventory": {{"type": "base_stock", "S": 400}}}}]}}"#,
        items.join(", "),
        entries.join(", ")
    )
}

/// Daily demand of each replication, concatenated, and the units demanded of each demand
/// stream over them.
fn run(m: &Model, replications: u64) -> (Vec<i64>, Vec<u64>) {
    let mut ws = Workspace::new(m);
    let mut daily = Vec::new();
    let mut streams = Vec::new();
    for r in 0..replications {
        ws.run(m, 0, 7, r);
        daily.extend(ws.days().iter().map(|d| d.demand));
        streams.resize(ws.stream_counters().count(), 0);
        for (total, c) in streams.iter_mut().zip(ws.stream_counters()) {
            *total += c.demand_units;
        }
    }
    (daily, streams)
}

/// A long history of 60 days from 2026-01-05 (a Monday) for items a, b, c at l: a sells
/// 10 + day, b sells on even days only (the others have no row), c sells 100 on Sundays and
/// 1 otherwise. Returns the file and each item's quantity by day number.
fn three_skus() -> (String, BTreeMap<&'static str, BTreeMap<i64, i64>>) {
    let first = days("2026-01-05");
    let mut text = String::from("date,location,item,quantity\n");
    let mut by_item: BTreeMap<&str, BTreeMap<i64, i64>> = BTreeMap::new();
    for k in 0..60 {
        let n = first + k;
        let mut rows = vec![("a", 10 + k)];
        if k % 2 == 0 {
            rows.push(("b", 3));
        }
        rows.push(("c", if weekday(n) == 6 { 100 } else { 1 }));
        for (item, q) in rows {
            writeln!(text, "{},l,{item},{q}", date(n)).unwrap();
            by_item.entry(item).or_default().insert(n, q);
        }
    }
    (text, by_item)
}

fn long(kind: &str, extra: &str) -> String {
    format!(r#"{{"type": "{kind}", "file": "h.csv", "layout": "long"{extra}}}"#)
}

#[test]
fn replay_reproduces_the_long_history_of_each_pair_day_by_day() {
    let (text, history) = three_skus();
    let case = Case::new(&[("h.csv", &text)]);
    let demand: Vec<(&str, String)> = ["a", "b", "c"].iter().map(|&i| (i, long("replay", ""))).collect();
    // From start_date 2026-01-10 for 50 days: the history's days 5 to 54.
    let json = scenario(r#""start_date": "2026-01-10", "replications": 20,"#, 50, &demand);
    let m = case.model(&json);
    assert_eq!(m.replications, 1, "replay runs one replication per policy");
    assert!(m.warnings().iter().any(|w| w.contains("one replication per policy")), "{:?}", m.warnings());
    let start = days("2026-01-10");
    let expected: Vec<i64> =
        (0..50).map(|t| history.values().map(|h| h.get(&(start + t)).copied().unwrap_or(0)).sum()).collect();
    let (daily, streams) = run(&m, 1);
    assert_eq!(daily, expected, "demand by day is the recorded demand, gaps as zero");
    // Each entry gets its own item's units only: totals per pair equal that pair's history.
    for (k, item) in ["a", "b", "c"].iter().enumerate() {
        let total: i64 = (0..50).map(|t| history[item].get(&(start + t)).copied().unwrap_or(0)).sum();
        assert_eq!(streams[k] as i64, total, "item {item}");
    }
    // Through the command line: daily.csv holds the same demand.
    let out = case.dir.path().join("out");
    common::run_scsim(&["run", case.path().to_str().unwrap(), "--replications", "20"], &out);
    let csv = std::fs::read_to_string(out.join("daily.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|&h| h == "demand_mean").unwrap();
    let got: Vec<i64> =
        csv.lines().skip(1).map(|l| l.split(',').nth(col).unwrap().parse::<f64>().unwrap() as i64).collect();
    assert_eq!(got, expected);
    // Without start_date the replay starts at the history's first date.
    let m = case.model(&scenario("", 60, &demand));
    let first = days("2026-01-05");
    let expected: Vec<i64> =
        (0..60).map(|t| history.values().map(|h| h.get(&(first + t)).copied().unwrap_or(0)).sum()).collect();
    assert_eq!(run(&m, 1).0, expected);
}

#[test]
fn replay_may_not_run_past_the_history() {
    let (text, _) = three_skus();
    let case = Case::new(&[("h.csv", &text)]);
    let problems =
        case.problems(&scenario(r#""start_date": "2026-01-10","#, 56, &[("a", long("replay", ""))]));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "demand[0].distribution.file");
    assert!(
        problems[0].message.contains("holds 60 days, 2026-01-05 to 2026-03-05"),
        "{}",
        problems[0].message
    );
    let problems =
        case.problems(&scenario(r#""start_date": "2026-01-01","#, 10, &[("a", long("replay", ""))]));
    assert!(problems[0].message.contains("from start_date 2026-01-01"), "{}", problems[0].message);
}

#[test]
fn long_history_gaps_are_zero_demand_and_validate_says_how_many() {
    let (text, _) = three_skus();
    let case = Case::new(&[("h.csv", &text)]);
    let demand: Vec<(&str, String)> = ["a", "b"].iter().map(|&i| (i, long("bootstrap", ""))).collect();
    let m = case.model(&scenario("", 100, &demand));
    // b has a row on 30 of the 60 days: the other 30 are zeros, so half its draws are 0.
    assert_eq!(
        m.notes(),
        ["l/b: 30 of 60 days of ".to_string()
            + &case.dir.path().join("h.csv").display().to_string()
            + " have no row and count as zero demand"]
    );
    std::fs::write(case.path(), scenario("", 100, &demand)).unwrap();
    let out =
        assert_cmd::Command::cargo_bin("scsim").unwrap().arg("validate").arg(case.path()).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("note: l/b: 30 of 60 days"), "{stderr}");
}

#[test]
fn long_history_errors_are_located_by_file_line_and_column() {
    let text = "date,location,item,quantity\n\
                2026-01-01,l,a,3\n\
                2026-02-30,l,a,4\n\
                2026-01-03,l,a,-2\n\
                2026-01-04,l,a,2.5\n\
                2026-01-01,l,a,7\n";
    let case = Case::new(&[("h.csv", text), ("g.csv", "day,location,item,qty\n2026-01-01,l,a,1\n")]);
    let file = case.dir.path().join("h.csv").display().to_string();
    // Three entries read the same file: it is read once, and its problems reported once.
    let demand: Vec<(&str, String)> = ["a", "a", "z"].iter().map(|&i| (i, long("bootstrap", ""))).collect();
    let problems = case.problems(&scenario("", 10, &demand));
    let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    for located in [
        format!(r#"{file}:3:date: "2026-02-30" is not a date; allowed: YYYY-MM-DD"#),
        format!(r#"{file}:4:quantity: "-2" is not a whole number of units ≥ 0"#),
        format!(r#"{file}:5:quantity: "2.5" is not a whole number of units ≥ 0"#),
        format!(
            "{file}:6:date: a second row for 2026-01-01, location \"l\", item \"a\" (the first is line 2)"
        ),
    ] {
        assert_eq!(
            messages.iter().filter(|m| m.starts_with(&located)).count(),
            1,
            "{located} in {messages:?}"
        );
    }
    assert_eq!(problems.len(), 4, "{messages:?}");
    assert!(problems.iter().all(|p| p.path == "demand[0].distribution.file"));
    // A pair without rows, in a file that reads well.
    let clean = "date,location,item,quantity\n2026-01-01,l,a,3\n";
    std::fs::write(case.dir.path().join("h.csv"), clean).unwrap();
    let problems = case.problems(&scenario("", 10, &demand));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "demand[2].distribution.file");
    assert_eq!(
        problems[0].message,
        format!(r#"{file} has no rows for location "l" and item "z"; it has: l/a"#)
    );
    // Unknown column names, each at its field.
    let g = long("bootstrap", "").replace("h.csv", "g.csv").replace('}', r#", "quantity_column": "units"}"#);
    let problems = case.problems(&scenario("", 10, &[("a", g)]));
    let gfile = case.dir.path().join("g.csv").display().to_string();
    let found: Vec<(&str, &str)> = problems.iter().map(|p| (p.path.as_str(), p.message.as_str())).collect();
    assert_eq!(
        found,
        [
            (
                "demand[0].distribution.date_column",
                format!(r#"{gfile}:1: no column "date"; its header has: day, location, item, qty"#).as_str()
            ),
            (
                "demand[0].distribution.quantity_column",
                format!(r#"{gfile}:1: no column "units"; its header has: day, location, item, qty"#).as_str()
            ),
        ]
    );
}

#[test]
fn a_wide_read_of_a_long_file_points_to_the_long_layout() {
    let problems = common::problems(&scenario(
        "",
        10,
        &[("i", r#"{"type": "bootstrap", "file": "data/history-long.csv", "column": "qty"}"#.into())],
    ));
    assert_eq!(problems.len(), 1);
    assert!(problems[0].message.contains(r#"Read it with "layout": "long""#), "{}", problems[0].message);
}

/// A two-year history from Monday 2024-01-01 with a strong weekly pattern (weekday means 100,
/// 60, 60, 60, 80, 200, 150) and noise of ±20.
fn weekly_history() -> (String, Vec<(i64, i64)>) {
    let means = [100.0, 60.0, 60.0, 60.0, 80.0, 200.0, 150.0];
    let mut g = Gen(7);
    let first = days("2024-01-01");
    let mut text = String::from("date,units\n");
    let mut rows = Vec::new();
    for k in 0..728 {
        let n = first + k;
        let q = (means[weekday(n)] + 40.0 * (g.next() - 0.5)).round() as i64;
        writeln!(text, "{},{q}", date(n)).unwrap();
        rows.push((n, q));
    }
    (text, rows)
}

/// Whether every weekday's mean of simulated demand `xs` (day 0 = `start`) is the mean of the
/// history's days of that weekday, within 4.5 standard errors of a mean of independent draws
/// from them (σ_w / √n_w; 4.5 keeps seven checks together at a false alarm below 1e-4).
fn weekday_means_hold(xs: &[i64], horizon: usize, start: i64, history: &[(i64, i64)]) -> Result<(), String> {
    for w in 0..7 {
        let hist: Vec<f64> =
            history.iter().filter(|(n, _)| weekday(*n) == w).map(|&(_, q)| q as f64).collect();
        let mean = hist.iter().sum::<f64>() / hist.len() as f64;
        let var = hist.iter().map(|q| (q - mean).powi(2)).sum::<f64>() / hist.len() as f64;
        let sim: Vec<f64> = xs
            .iter()
            .enumerate()
            .filter(|(t, _)| weekday(start + (t % horizon) as i64) == w)
            .map(|(_, &x)| x as f64)
            .collect();
        let got = sim.iter().sum::<f64>() / sim.len() as f64;
        let tolerance = 4.5 * (var / sim.len() as f64).sqrt();
        if (got - mean).abs() > tolerance {
            return Err(format!("weekday {w}: mean {got:.2}, history {mean:.2} ± {tolerance:.2}"));
        }
    }
    Ok(())
}

#[test]
fn weekday_bootstrap_keeps_each_weekdays_mean_and_the_day_bootstrap_does_not() {
    let (text, rows) = weekly_history();
    let case = Case::new(&[("h.csv", &text)]);
    let horizon = 7 * 150;
    // Day 0 is a Wednesday.
    let top = r#""start_date": "2026-11-25","#;
    let dist = |method: &str| {
        format!(r#"{{"type": "bootstrap", "file": "h.csv", "column": "units", "method": "{method}"}}"#)
    };
    let m = case.model(&scenario(top, horizon as u32, &[("i", dist("weekday"))]));
    let (xs, _) = run(&m, 4);
    weekday_means_hold(&xs, horizon, days("2026-11-25"), &rows).unwrap();
    // The same check rejects the uniform draw of a day (flat weekdays).
    let m = case.model(&scenario(top, horizon as u32, &[("i", dist("day"))]));
    let (xs, _) = run(&m, 4);
    assert!(weekday_means_hold(&xs, horizon, days("2026-11-25"), &rows).is_err());
    // By weekday and month: the same weekday means hold, and each simulated day draws a
    // history day of its own month (every value in December is a December value).
    let m = case.model(&scenario(top, horizon as u32, &[("i", dist("weekday_month"))]));
    let (xs, _) = run(&m, 4);
    weekday_means_hold(&xs, horizon, days("2026-11-25"), &rows).unwrap();
    let of_month = |n: i64, month: &str| date(n)[5..7] == *month;
    for (t, &x) in xs.iter().enumerate().take(horizon) {
        let n = days("2026-11-25") + t as i64;
        let month = &date(n)[5..7];
        assert!(
            rows.iter().any(|&(h, q)| q == x && of_month(h, month) && weekday(h) == weekday(n)),
            "day {t} ({}) drew {x}, not a value of its weekday and month",
            date(n)
        );
    }
}

#[test]
fn calendar_methods_need_a_start_date_and_enough_history() {
    let (text, _) = weekly_history();
    let short: String = text.lines().take(1 + 60).map(|l| format!("{l}\n")).collect();
    let case = Case::new(&[("h.csv", &text), ("short.csv", &short)]);
    let dist = |file: &str, method: &str| {
        format!(r#"{{"type": "bootstrap", "file": "{file}", "column": "units", "method": "{method}"}}"#)
    };
    let problems = case.problems(&scenario("", 30, &[("i", dist("h.csv", "weekday"))]));
    assert_eq!(problems[0].path, "demand[0].distribution.method");
    assert!(problems[0].message.contains("start_date"), "{}", problems[0].message);
    // 60 days from January: no day of April, which a simulation from April 1 needs.
    let problems = case.problems(&scenario(
        r#""start_date": "2026-04-01","#,
        30,
        &[("i", dist("short.csv", "weekday_month"))],
    ));
    assert!(
        problems[0].message.contains("the history has no Wednesday in month 4"),
        "{}",
        problems[0].message
    );
    let problems =
        case.problems(&scenario(r#""start_date": "2026-13-01","#, 30, &[("i", dist("h.csv", "day"))]));
    assert_eq!(problems[0].path, "start_date");
}

/// Lag-1 autocorrelation of `xs` taken as consecutive days in runs of `len`.
fn lag1(xs: &[i64], len: usize) -> f64 {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<i64>() as f64 / n;
    let var = xs.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / n;
    let pairs: Vec<(f64, f64)> = xs
        .chunks(len)
        .flat_map(|run| run.windows(2).map(|w| (w[0] as f64 - mean, w[1] as f64 - mean)))
        .collect();
    pairs.iter().map(|(a, b)| a * b).sum::<f64>() / pairs.len() as f64 / var
}

#[test]
fn block_bootstrap_keeps_the_lag1_autocorrelation_and_the_day_bootstrap_does_not() {
    // AR(1) history, φ = 0.9, mean 50, sd of the noise 5: 1,000 days.
    let mut g = Gen(11);
    let mut x = 0.0;
    let mut history = Vec::new();
    let mut text = String::from("units\n");
    for _ in 0..1000 {
        let noise = (0..12).map(|_| g.next()).sum::<f64>() - 6.0;
        x = 0.9 * x + 5.0 * noise;
        let q = (50.0 + x).round().max(0.0) as i64;
        history.push(q);
        writeln!(text, "{q}").unwrap();
    }
    let r_history = lag1(&history, history.len());
    assert!(r_history > 0.8, "{r_history}");
    let case = Case::new(&[("h.csv", &text)]);
    let horizon = 2800;
    let dist = |extra: &str| format!(r#"{{"type": "bootstrap", "file": "h.csv", "column": "units"{extra}}}"#);
    // Blocks of 28 days: 27 of every 28 consecutive pairs are consecutive history days, the
    // 28th pair is independent, so the expected lag-1 autocorrelation is 27/28 of the history's.
    let expected = r_history * 27.0 / 28.0;
    // Tolerance: the estimate averages about 4 × 100 blocks, each drawn from the history; its
    // standard error is about sqrt((1 - r²) / blocks) ≈ 0.02, and 0.1 is 5 of them.
    let m = case.model(&scenario("", horizon, &[("i", dist(r#", "method": "block", "block_days": 28"#))]));
    let (xs, _) = run(&m, 4);
    let r = lag1(&xs, horizon as usize);
    assert!((r - expected).abs() < 0.1, "block: {r} vs {expected}");
    // Independent days lose it (the plausible wrong answer is rejected by the same check).
    let m = case.model(&scenario("", horizon, &[("i", dist(""))]));
    let (xs, _) = run(&m, 4);
    let r = lag1(&xs, horizon as usize);
    assert!((r - expected).abs() > 0.1 && r.abs() < 4.0 / (xs.len() as f64).sqrt(), "day: {r}");
    // Blocks longer than the history are refused.
    let problems =
        case.problems(&scenario("", 100, &[("i", dist(r#", "method": "block", "block_days": 1001"#))]));
    assert_eq!(problems[0].path, "demand[0].distribution.block_days");
}

/// A store where `segments` and `demand` (JSON lists) share item i; the lane's lead time is
/// longer than the horizon, so nothing is ever received and every line waits.
fn no_supply(segments: &str, demand: &str, horizon: u32) -> String {
    format!(
        r#"{{"schema_version": 1, "horizon_days": {horizon}, "replications": 40,
        "items": [{{"id": "i"}}], "locations": [{{"id": "l"}}], "suppliers": [{{"id": "s"}}],
        "lanes": [{{"id": "x", "from": "s", "to": "l", "lead_time": {{"type": "constant", "value": 500}}}}],
        "segments": {segments},
        "demand": {demand},
        "policies": [{{"name": "p", "inventory": {{"type": "base_stock", "S": 0}}}}]}}"#
    )
}

const SEGMENTS: &str =
    r#"[{"id": "impatient", "patience_days": {"type": "constant", "value": 3}}, {"id": "patient"}]"#;

#[test]
fn segment_shares_give_each_segment_its_share_of_the_lines() {
    let shares = r#"[{"location": "l", "item": "i", "distribution": {"type": "poisson", "mean": 20},
        "segment_shares": [{"segment": "impatient", "share": 0.2}, {"segment": "patient", "share": 0.8}]}]"#;
    let m = common::model(&no_supply(SEGMENTS, shares, 2000));
    let (daily, streams) = run(&m, 2);
    assert_eq!(streams.len(), 2, "one stream per segment");
    let total: i64 = daily.iter().sum();
    assert_eq!(streams.iter().sum::<u64>() as i64, total, "every unit belongs to one segment");
    // Line size 1: each unit is a line, in segment impatient with probability 0.2.
    let share = streams[0] as f64 / total as f64;
    let sd = (0.2 * 0.8 / total as f64).sqrt();
    assert!((share - 0.2).abs() < 4.0 * sd, "{share} vs 0.2 ± {}", 4.0 * sd);
}

#[test]
fn segment_draws_are_the_same_under_every_policy() {
    // Two policies that hold very different stock (lead time 2): each segment gets the same
    // units day by day under both, since the segment draws have their own random stream.
    let shares = r#"[{"location": "l", "item": "i", "distribution": {"type": "poisson", "mean": 20},
        "segment_shares": [{"segment": "impatient", "share": 0.3}, {"segment": "patient", "share": 0.7}]}]"#;
    let json = no_supply(SEGMENTS, shares, 200).replace(r#""value": 500"#, r#""value": 2"#).replace(
        r#"[{"name": "p", "inventory": {"type": "base_stock", "S": 0}}]"#,
        r#"[{"name": "p", "inventory": {"type": "base_stock", "S": 20}}, {"name": "q", "inventory": {"type": "base_stock", "S": 200}}]"#,
    );
    let m = common::model(&json);
    let mut ws = Workspace::new(&m);
    let mut by_policy = Vec::new();
    for policy in 0..2 {
        ws.run(&m, policy, 3, 0);
        by_policy.push(ws.stream_counters().map(|c| c.demand_units).collect::<Vec<_>>());
    }
    assert_eq!(by_policy[0], by_policy[1]);
    assert!(by_policy[0].iter().all(|&u| u > 0), "{by_policy:?}");
}

#[test]
fn a_20_percent_impatient_share_cancels_like_two_split_streams() {
    // Without supply every line waits and every impatient line is cancelled 3 days later
    // (those of the last 3 days are still waiting at the end). A Poisson stream whose lines are
    // impatient with probability 0.2 is, in distribution, two independent Poisson streams of
    // means 4 and 16 (thinning), which is what the split JSON says.
    let horizon = 300;
    let shares = r#"[{"location": "l", "item": "i", "distribution": {"type": "poisson", "mean": 20},
        "segment_shares": [{"segment": "impatient", "share": 0.2}, {"segment": "patient", "share": 0.8}]}]"#;
    let split = r#"[{"location": "l", "item": "i", "segment": "impatient", "distribution": {"type": "poisson", "mean": 4}},
        {"location": "l", "item": "i", "segment": "patient", "distribution": {"type": "poisson", "mean": 16}}]"#;
    let expected = 4.0 * (horizon - 3) as f64;
    let mut means = Vec::new();
    for demand in [shares, split] {
        let m = common::model(&no_supply(SEGMENTS, demand, horizon));
        let stats = common::run(&m, 40, 5);
        let cancelled = common::total(&stats, 0, "cancelled_units");
        // Cancelled units per replication are Poisson(4 × 297): sd 34.5, 40 replications.
        let se = (expected / 40.0).sqrt();
        assert!(
            (cancelled.mean() - expected).abs() < 4.0 * se,
            "{} vs {expected} ± {}",
            cancelled.mean(),
            4.0 * se
        );
        means.push(cancelled.mean());
    }
    // The two set-ups agree with each other within the error of their difference.
    let se = (2.0 * expected / 40.0).sqrt();
    assert!((means[0] - means[1]).abs() < 4.0 * se, "{means:?}");
}

#[test]
fn segment_shares_are_validated() {
    let entry = |shares: &str, segment: &str| {
        format!(
            r#"[{{"location": "l", "item": "i", {segment} "distribution": {{"type": "poisson", "mean": 5}}, "segment_shares": {shares}}}]"#
        )
    };
    let cases = [
        (
            entry(r#"[{"segment": "impatient", "share": 0.5}, {"segment": "patient", "share": 0.4}]"#, ""),
            "demand[0].segment_shares",
            "shares sum to 0.9",
        ),
        (
            entry(r#"[{"segment": "impatient", "share": 0}, {"segment": "patient", "share": 1}]"#, ""),
            "demand[0].segment_shares[0].share",
            "greater than 0",
        ),
        (
            entry(r#"[{"segment": "vip", "share": 1}]"#, ""),
            "demand[0].segment_shares[0].segment",
            "unknown segment \"vip\"",
        ),
        (
            entry(r#"[{"segment": "patient", "share": 1}]"#, r#""segment": "patient","#),
            "demand[0].segment_shares",
            "give one of them",
        ),
    ];
    for (demand, path, message) in cases {
        let problems = common::problems(&no_supply(SEGMENTS, &demand, 10));
        assert!(
            problems.iter().any(|p| p.path == path && p.message.contains(message)),
            "{path}: {problems:?}"
        );
    }
    // Within 1e-9 of 1 is a sum of 1.
    let ok = entry(
        r#"[{"segment": "impatient", "share": 0.1}, {"segment": "patient", "share": 0.9000000001}]"#,
        "",
    );
    assert!(common::problems(&no_supply(SEGMENTS, &ok, 10)).is_empty());
}

#[test]
fn days_of_the_test_calendar_are_right() {
    assert_eq!(days("1970-01-01"), 0);
    assert_eq!(days("2000-03-01"), 11_017);
    assert_eq!(date(days("2026-11-29")), "2026-11-29");
    assert_eq!(weekday(days("2026-11-29")), 6, "a Sunday");
}
