//! Experiments at scale: sweeps, policy search against known optima, golden checks, shards
//! merged byte for byte, and resuming an interrupted sweep.

use crate::common;

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use common::poisson_positive_part;

fn scsim() -> Command {
    Command::cargo_bin("scsim").expect("binary builds")
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let text = fs::read_to_string(path).unwrap();
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn sweep_writes_every_point_and_policy_on_common_random_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let sweep =
        ["sweep", "scenarios/quickstart.json", "--set", "policies.safety-stock.inventory.S=95..115:10"];
    let rest = ["--set", "policies.min-max.inventory.s=100,190", "--replications", "20", "--days", "120"];
    common::run_scsim(&[&sweep[..], &rest].concat(), dir.path());
    let rows = read_csv(&dir.path().join("sweep.csv"));
    // 3 × 2 points, the s = 190 ones invalid (s ≥ S): 3 valid points × 3 policies.
    assert_eq!(rows.len(), 9);
    let invalid = read_csv(&dir.path().join("sweep-invalid.csv"));
    assert_eq!(invalid.len(), 3);
    assert!(invalid.iter().all(|r| r[2] == "190" && r[3].contains("must be less than S")));
    // Every point sees the same demand: demand_units is the same in every row of a policy.
    let header = fs::read_to_string(dir.path().join("sweep.csv")).unwrap();
    let columns: Vec<&str> = header.lines().next().unwrap().split(',').collect();
    let demand = columns.iter().position(|c| *c == "demand_units_mean").unwrap();
    let fill = columns.iter().position(|c| *c == "fill_rate_mean").unwrap();
    assert!(rows.iter().all(|r| r[demand] == rows[0][demand]));
    // The swept policy's service rises with S; the others do not change.
    let safety: Vec<f64> =
        rows.iter().filter(|r| r[3] == "safety-stock").map(|r| r[fill].parse().unwrap()).collect();
    assert!(safety.windows(2).all(|w| w[0] < w[1]), "{safety:?}");
    let lean: Vec<&String> = rows.iter().filter(|r| r[3] == "lean").map(|r| &r[fill]).collect();
    assert!(lean.iter().all(|f| *f == lean[0]));
    assert!(dir.path().join("plots/sweep-heatmap-safety-stock-fill_rate.svg").is_file());
    // --strict refuses the invalid points before running anything.
    let strict = tempfile::tempdir().unwrap();
    let out = scsim()
        .args([
            "sweep",
            "scenarios/quickstart.json",
            "--set",
            "policies.min-max.inventory.s=100,190",
            "--strict",
            "--quiet",
            "--out",
        ])
        .arg(strict.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!strict.path().join("sweep.csv").exists());
}

fn base_stock(lead: f64) -> String {
    format!(
        r#"{{"schema_version": 1, "horizon_days": 1000, "warmup_days": 50, "replications": 100,
        "items": [{{"id": "i"}}], "locations": [{{"id": "l"}}], "suppliers": [{{"id": "s"}}],
        "lanes": [{{"id": "x", "from": "s", "to": "l", "lead_time": {{"type": "constant", "value": {lead}}}}}],
        "demand": [{{"location": "l", "item": "i", "distribution": {{"type": "poisson", "mean": 20}}}}],
        "costs": {{"holding_per_unit_day": 1}},
        "policies": [{{"name": "bs", "inventory": {{"type": "base_stock", "S": 100}}}}]}}"#
    )
}

fn optimize(dir: &Path, scenario: &str, args: &[&str]) -> serde_json::Value {
    let file = dir.join("scenario.json");
    fs::write(&file, scenario).unwrap();
    let out = dir.join("out");
    scsim().arg("optimize").arg(&file).args(args).arg("--quiet").arg("--out").arg(&out).assert().success();
    serde_json::from_slice(&fs::read(out.join("optimize.json")).unwrap()).unwrap()
}

#[test]
fn optimize_finds_the_smallest_base_stock_level_that_reaches_a_fill_rate() {
    // Exact type-2 fill rate of base-stock S, Poisson(20), lead time 4 (docs/model.md timing):
    // (E[(S − D_3)^+] − E[(S − D_4)^+]) / 20. The target sits midway between the fill rates of
    // two neighbouring levels, so the Monte-Carlo error cannot move the answer.
    let fill = |s: i64| (poisson_positive_part(s, 60.0) - poisson_positive_part(s, 80.0)) / 20.0;
    let optimum = 92;
    let target = (fill(optimum - 1) + fill(optimum)) / 2.0;
    assert!(fill(optimum - 1) < target && fill(optimum) > target);
    let dir = tempfile::tempdir().unwrap();
    let constraint = format!("fill_rate>={target}");
    let result = optimize(
        dir.path(),
        &base_stock(4.0),
        &[
            "--param",
            "policies.bs.inventory.S=40..200",
            "--minimize",
            "avg_on_hand",
            "--subject-to",
            &constraint,
        ],
    );
    assert_eq!(result["best"]["policies.bs.inventory.S"], optimum);
    assert_eq!(result["feasible"], true);
    let evaluations = result["evaluations"].as_array().unwrap().len();
    assert!(evaluations < 40, "{evaluations} evaluations for a 161-value range");
}

#[test]
fn optimize_finds_the_newsvendor_critical_fractile() {
    let (scenario, optimum) = crate::common::newsvendor();
    let dir = tempfile::tempdir().unwrap();
    let result = optimize(
        dir.path(),
        &scenario,
        &["--param", "policies.news.inventory.S=0..80", "--minimize", "cost_total_per_day"],
    );
    assert_eq!(result["best"]["policies.news.inventory.S"], optimum as i64);
}

#[test]
fn golden_checks_pass_fail_with_a_diff_and_bless() {
    let dir = tempfile::tempdir().unwrap();
    let golden = dir.path().join("golden.json");
    let run = |extra: &[&str]| {
        let mut cmd = scsim();
        cmd.args([
            "run",
            "scenarios/quickstart.json",
            "--replications",
            "10",
            "--days",
            "90",
            "--quiet",
            "--out",
        ])
        .arg(dir.path().join("out"))
        .arg("--check")
        .arg(&golden)
        .args(extra);
        cmd.output().unwrap()
    };
    assert_eq!(run(&["--bless"]).status.code(), Some(0));
    assert!(golden.is_file());
    assert_eq!(run(&[]).status.code(), Some(0), "the same run matches its golden file");
    // Tamper with one float and one count.
    let mut value: serde_json::Value = serde_json::from_slice(&fs::read(&golden).unwrap()).unwrap();
    let fill = value["policies"][0]["total"]["fill_rate"]["mean"].as_f64().unwrap();
    value["policies"][0]["total"]["fill_rate"]["mean"] = serde_json::json!(fill + 1e-9);
    value["run"]["replications"] = serde_json::json!(11);
    fs::write(&golden, serde_json::to_vec_pretty(&value).unwrap()).unwrap();
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("policies[lean].total.fill_rate.mean") && err.contains("run.replications"), "{err}");
    // A tolerance forgives the float, never the count.
    let out = run(&["--tolerance", "1e-6"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("fill_rate") && err.contains("run.replications"), "{err}");
}

#[test]
fn shards_run_as_separate_processes_merge_into_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    let common = ["scenarios/supplier-outage.json", "--replications", "45", "--days", "200", "--quiet"];
    scsim().arg("run").args(common).arg("--out").arg(d("full")).assert().success();
    let children: Vec<_> = (0..3)
        .map(|i| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("scsim"))
                .arg("run")
                .args(common)
                .args(["--shard", &format!("{i}/3"), "--out"])
                .arg(d(&format!("s{i}")))
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    scsim()
        .arg("merge")
        .arg(d("s2"))
        .arg(d("s0"))
        .arg(d("s1"))
        .arg("--out")
        .arg(d("merged"))
        .assert()
        .success();
    for f in ["summary.json", "replications.csv", "daily.csv", "report.html", "plots/backorders.svg"] {
        assert!(
            fs::read(d("full").join(f)).unwrap() == fs::read(d("merged").join(f)).unwrap(),
            "{f} differs"
        );
    }
    let refuse = |dirs: &[&str], needle: &str| {
        let mut cmd = scsim();
        cmd.arg("merge");
        for x in dirs {
            cmd.arg(d(x));
        }
        let out = cmd.arg("--out").arg(d("bad")).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(needle),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    refuse(&["s0", "s1"], "missing shard 2/3");
    refuse(&["s0", "s0", "s1", "s2"], "given twice");
    scsim()
        .args([
            "run",
            "scenarios/supplier-outage.json",
            "--replications",
            "45",
            "--days",
            "200",
            "--seed",
            "9",
            "--quiet",
        ])
        .args(["--shard", "1/3", "--out"])
        .arg(d("other"))
        .assert()
        .success();
    refuse(&["s0", "other", "s2"], "different settings");
}

#[test]
fn sweep_shards_merge_into_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    let args = [
        "scenarios/quickstart.json",
        "--set",
        "policies.safety-stock.inventory.S=90..120:10",
        "--replications",
        "15",
        "--days",
        "100",
        "--quiet",
    ];
    scsim().arg("sweep").args(args).arg("--out").arg(d("full")).assert().success();
    for i in 0..2 {
        scsim()
            .arg("sweep")
            .args(args)
            .args(["--shard", &format!("{i}/2"), "--out"])
            .arg(d(&format!("s{i}")))
            .assert()
            .success();
    }
    scsim().arg("merge").arg(d("s0")).arg(d("s1")).arg("--out").arg(d("merged")).assert().success();
    for f in ["sweep.csv", "sweep-invalid.csv", "plots/sweep-fill_rate.svg"] {
        assert!(
            fs::read(d("full").join(f)).unwrap() == fs::read(d("merged").join(f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn an_interrupted_sweep_resumes_to_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let d = |name: &str| dir.path().join(name);
    let args = [
        "sweep",
        "scenarios/quickstart.json",
        "--set",
        "policies.safety-stock.inventory.S=80..119",
        "--replications",
        "400",
        "--threads",
        "1",
        "--quiet",
    ];
    scsim().args(args).arg("--out").arg(d("whole")).assert().success();
    // Start the same sweep, kill it once a few points are saved.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("scsim"))
        .args(args)
        .arg("--out")
        .arg(d("cut"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let saved = |p: &Path| fs::read_dir(p.join("points")).map(|r| r.count()).unwrap_or(0);
    // The points are saved in the sweep's staging folder until the sweep has finished.
    let staged = || {
        let beside = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path());
        beside
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(".cut.staging-"))
            .map(|p| saved(&p))
            .sum::<usize>()
    };
    while staged() < 3 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = staged();
    assert!(before >= 3 && !d("cut").exists(), "interrupted after {before} points");
    scsim().args(args).arg("--out").arg(d("cut")).arg("--resume").assert().success();
    assert_eq!(saved(&d("cut")), 40);
    for f in ["sweep.csv", "sweep-invalid.csv", "plots/sweep-cost_total_per_day.svg"] {
        assert!(fs::read(d("whole").join(f)).unwrap() == fs::read(d("cut").join(f)).unwrap(), "{f} differs");
    }
}
