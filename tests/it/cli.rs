//! The `scsim` command: outputs, determinism across thread counts, exit codes, error messages.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn scsim() -> Command {
    Command::cargo_bin("scsim").expect("binary builds")
}

const FILES: [&str; 3] = ["summary.json", "replications.csv", "daily.csv"];

fn run_quickstart(out: &Path, extra: &[&str]) {
    let run = ["run", "scenarios/quickstart.json", "--replications", "40", "--days", "120"];
    crate::common::run_scsim(&[&run[..], extra].concat(), out);
}

#[test]
fn run_writes_every_file_and_prints_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = scsim()
        .args(["run", "scenarios/quickstart.json", "--replications", "20", "--days", "100", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(out).unwrap();
    for name in ["lean", "safety-stock", "min-max", "Fill rate", "Paired difference to lean"] {
        assert!(table.contains(name), "table lacks {name:?}:\n{table}");
    }
    for f in FILES {
        assert!(dir.path().join(f).is_file(), "{f} missing");
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["run"]["replications"], 20);
    assert_eq!(summary["run"]["horizon_days"], 100);
    assert_eq!(summary["policies"].as_array().unwrap().len(), 3);
    assert_eq!(summary["scenario"]["sha256"].as_str().unwrap().len(), 64);
    let fill = &summary["policies"][1]["total"]["fill_rate"];
    assert!(fill["mean"].as_f64().unwrap() > 0.5 && fill["half_width"].as_f64().unwrap() > 0.0);
    assert!(summary["policies"][0].get("difference_vs_baseline").is_none());
    assert!(summary["policies"][1]["difference_vs_baseline"]["fill_rate"]["mean"].is_number());
    let rows = fs::read_to_string(dir.path().join("replications.csv")).unwrap();
    assert_eq!(rows.lines().count(), 1 + 20 * 3, "a header and one row per replication × policy");
    let daily = fs::read_to_string(dir.path().join("daily.csv")).unwrap();
    assert_eq!(daily.lines().count(), 1 + 100 * 3, "a header and one row per policy × day");
    // No temporary files are left behind.
    for entry in fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.') || name == scsim::report::folder::MARKER, "left {name}");
    }
}

#[test]
fn the_marker_lists_every_file_with_the_checksum_of_its_bytes() {
    // The streamed files are hashed while they are written (several blocks of rows here), the
    // others when the folder is committed: every checksum is that of the file's bytes as read
    // back, and every file is listed.
    let dir = tempfile::tempdir().unwrap();
    let run = ["run", "scenarios/quickstart.json", "--replications", "300", "--days", "60"];
    crate::common::run_scsim(
        &[&run[..], &["--pairs-per-replication", "--threads", "2"]].concat(),
        dir.path(),
    );
    let manifest = scsim::report::folder::Manifest::read(dir.path()).unwrap().expect("a marker");
    let mut on_disk = Vec::new();
    for entry in fs::read_dir(dir.path()).unwrap().chain(fs::read_dir(dir.path().join("plots")).unwrap()) {
        let path = entry.unwrap().path();
        let name = path.strip_prefix(dir.path()).unwrap().to_string_lossy().replace('\\', "/");
        if path.is_file() && name != scsim::report::folder::MARKER {
            on_disk.push(name);
        }
    }
    on_disk.sort();
    assert_eq!(manifest.files.keys().cloned().collect::<Vec<_>>(), on_disk);
    assert!(
        manifest.files.contains_key("replications.csv")
            && manifest.files.contains_key("pairs-replications.csv")
    );
    for name in manifest.files.keys() {
        manifest.verify(dir.path(), name).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn outputs_are_byte_identical_for_1_2_and_4_threads() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    for (dir, threads) in dirs.iter().zip(["1", "2", "4"]) {
        run_quickstart(dir.path(), &["--threads", threads]);
    }
    for f in FILES {
        let first = fs::read(dirs[0].path().join(f)).unwrap();
        for d in &dirs[1..] {
            assert!(first == fs::read(d.path().join(f)).unwrap(), "{f} differs between thread counts");
        }
    }
}

#[test]
fn the_seed_decides_the_results() {
    let (a, b, c) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run_quickstart(a.path(), &["--seed", "5"]);
    run_quickstart(b.path(), &["--seed", "5"]);
    run_quickstart(c.path(), &["--seed", "6"]);
    let read = |d: &tempfile::TempDir| fs::read(d.path().join("replications.csv")).unwrap();
    assert_eq!(read(&a), read(&b));
    assert_ne!(read(&a), read(&c));
}

#[test]
fn validate_accepts_every_shipped_scenario() {
    for entry in fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            scsim().arg("validate").arg(&path).assert().success();
        }
    }
}

fn write_scenario(dir: &Path, text: &str) -> std::path::PathBuf {
    let p = dir.join("bad.json");
    fs::write(&p, text).unwrap();
    p
}

fn failure(args: &[&str], scenario: Option<&str>) -> (i32, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = scsim();
    cmd.current_dir(dir.path()).args(args);
    if let Some(text) = scenario {
        cmd.arg(write_scenario(dir.path(), text));
    }
    let out = cmd.output().unwrap();
    (out.status.code().unwrap(), String::from_utf8_lossy(&out.stderr).into_owned(), dir)
}

#[test]
fn syntax_errors_give_line_and_column_and_exit_2() {
    let (code, err, dir) = failure(&["run"], Some("{\n  \"schema_version\": 1,\n  \"items\": [,]\n}"));
    assert_eq!(code, 2);
    assert!(err.contains("bad.json:3:"), "{err}");
    assert!(err.contains("not valid JSON"), "{err}");
    assert!(!dir.path().join("output").exists(), "nothing may be written");
}

#[test]
fn unknown_fields_and_wrong_types_give_the_json_path() {
    let base = fs::read_to_string("scenarios/quickstart.json").unwrap();
    let typo = base.replacen("\"horizon_days\"", "\"horizon_dayz\"", 1);
    let (code, err, _d) = failure(&["validate"], Some(&typo));
    assert_eq!(code, 2);
    assert!(err.contains("horizon_dayz"), "{err}");
    let wrong = base.replacen("\"S\": 85", "\"S\": \"eighty\"", 1);
    let (code, err, _d) = failure(&["validate"], Some(&wrong));
    assert_eq!(code, 2);
    assert!(err.contains("policies[0] (lean).inventory.S: is text"), "{err}");
}

#[test]
fn semantic_errors_are_collected_and_nothing_is_written() {
    let text = r#"{
        "schema_version": 1, "horizon_days": 100, "warmup_days": 100, "replications": 0,
        "items": [{"id": "i"}], "locations": [{"id": "l"}], "suppliers": [{"id": "s"}],
        "lanes": [{"id": "a", "from": "nowhere", "to": "l", "lead_time": {"type": "poisson", "mean": -2}}],
        "segments": [{"id": "x", "unmet": {"type": "mixed", "backorder_probability": 1.5}}],
        "demand": [{"location": "l", "item": "i", "distribution": {"type": "normal", "mean": 5, "sd": -1}}],
        "costs": {"holding_per_unit_day": -0.1},
        "policies": [
            {"name": "a", "inventory": {"type": "s_S", "s": 50, "S": 40}},
            {"name": "b", "inventory": {"type": "r_Q", "r": 10, "Q": 0}}
        ]
    }"#;
    let (code, err, dir) = failure(&["run"], Some(text));
    assert_eq!(code, 2, "{err}");
    for needle in [
        "warmup_days",
        "replications",
        "lanes[0] (a).from",
        "lanes[0] (a).lead_time.mean",
        "segments[0] (x).unmet.backorder_probability",
        "demand[0] (l/i).distribution.sd",
        "costs.holding_per_unit_day",
        "policies[0] (a).inventory.s",
        "policies[1] (b).inventory.Q",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    assert!(!dir.path().join("output").exists(), "nothing may be written");
}

#[test]
fn missing_file_and_bad_flags_exit_2() {
    let (code, err, _d) = failure(&["run", "no-such-file.json"], None);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-file.json"), "{err}");
    let cwd = std::env::current_dir().unwrap();
    let q = cwd.join("scenarios/quickstart.json");
    let q = q.to_str().unwrap();
    let (code, err, _d) = failure(&["run", q, "--baseline", "nope"], None);
    assert_eq!(code, 2);
    assert!(err.contains("lean, safety-stock, min-max"), "{err}");
    let (code, _, _d) = failure(&["run", q, "--threads", "0"], None);
    assert_eq!(code, 2);
    let (code, _, _d) = failure(&["run", q, "--replications", "0"], None);
    assert_eq!(code, 2);
    let (code, err, _d) = failure(&["run", q, "--days", "10", "--warmup", "10"], None);
    assert_eq!(code, 2);
    assert!(err.contains("warmup_days"), "{err}");
}

#[test]
fn schema_is_a_json_schema_of_the_format() {
    let out = scsim().arg("schema").assert().success().get_output().stdout.clone();
    let schema: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(schema["$schema"].as_str().unwrap().contains("json-schema.org"));
    let props = schema["properties"].as_object().unwrap();
    for key in
        ["schema_version", "horizon_days", "warmup_days", "items", "lanes", "demand", "policies", "costs"]
    {
        assert!(props.contains_key(key), "schema lacks {key}");
    }
    assert_eq!(schema["additionalProperties"], false, "unknown fields are rejected");
}

#[test]
fn run_sweep_and_search_default_to_folders_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = fs::canonicalize("scenarios/quickstart.json").unwrap();
    let scenario = scenario.to_str().unwrap();
    let short = ["--replications", "2", "--days", "30", "--warmup", "0", "--quiet"];
    let commands: [&[&str]; 3] = [
        &["run", scenario],
        &["sweep", scenario, "--set", "policies.lean.inventory.S=90,100"],
        &["optimize", scenario, "--param", "policies.lean.inventory.S=90..92"],
    ];
    for args in commands {
        let out = Command::cargo_bin("scsim")
            .unwrap()
            .current_dir(dir.path())
            .args(args)
            .args(short)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let output = dir.path().join("output");
    // Each command's folder is its own: the sweep and the search did not replace the run.
    assert!(output.join("quickstart/summary.json").is_file());
    assert!(output.join("quickstart-sweep/sweep.csv").is_file());
    assert!(output.join("quickstart-optimize/optimize.json").is_file());
}
