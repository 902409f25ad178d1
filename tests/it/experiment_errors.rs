//! Experiments that fail loudly: sweeps and searches refuse what cannot mean anything (paths
//! that name nothing, grids too large, targets that are not numbers or not in the metric's
//! range, the same parameter twice) with exit code 2 and a message pointing into the user's
//! file; a search with no feasible point exits 1; `--policy` keeps only the named policies;
//! sweeps and searches write a report; a golden check says first what changed in the settings.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

const QUICKSTART: &str = "scenarios/quickstart.json";

/// Runs scsim with `args` and `--out <dir>`; returns (exit code, stdout, stderr).
fn scsim(args: &[&str], out: &Path) -> (i32, String, String) {
    let output = Command::cargo_bin("scsim").unwrap().args(args).arg("--out").arg(out).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (output.status.code().unwrap_or(-1), text(&output.stdout), text(&output.stderr))
}

/// `line:column` (from 1) of the first occurrence of `needle` in the quickstart's text, plus
/// `offset` characters: found by searching the text, independently of scsim.
fn place(needle: &str, offset: usize) -> String {
    let text = fs::read_to_string(QUICKSTART).unwrap();
    let at = text.find(needle).unwrap() + offset;
    let line = text[..at].matches('\n').count() + 1;
    let column = at - text[..at].rfind('\n').map_or(0, |n| n + 1) + 1;
    format!("{QUICKSTART}:{line}:{column}")
}

const SHORT: [&str; 4] = ["--replications", "4", "--days", "60"];

#[test]
fn a_sweep_path_that_names_nothing_exits_2_with_the_line_and_the_nearest_paths() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["sweep", QUICKSTART, "--set", "policies.safty-stock.inventory.S=90,100", "--quiet"];
    let (code, _, err) = scsim(&args, dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("policies.safty-stock.inventory.S: no element \"safty-stock\""), "{err}");
    // The list of policies, where the step fails, in the user's own file.
    assert!(err.contains(&place("\"policies\": [", 12)), "{err}");
    assert!(err.contains("nearest valid paths: policies.safety-stock.inventory.S"), "{err}");
    // A misspelt field inside a policy: the policy's object, and the corrected path.
    let args = ["sweep", QUICKSTART, "--set", "policies.lean.inventry.S=90", "--quiet"];
    let (code, _, err) = scsim(&args, dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&place("{\n      \"name\": \"lean\"", 0)), "{err}");
    assert!(err.contains("nearest valid paths: policies.lean.inventory.S"), "{err}");
    assert!(!dir.path().join("sweep.csv").exists());
}

#[test]
fn a_sweep_whose_every_point_is_invalid_exits_2_and_names_the_swept_field_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["sweep", QUICKSTART, "--set", "policies.min-max.inventory.s=190,200", "--quiet"];
    let (code, _, err) = scsim(&args, dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("every one of the 2 points is invalid"), "{err}");
    assert!(err.contains("must be less than S"), "{err}");
    assert!(err.contains(&format!("policies.min-max.inventory.s (at {})", place("\"s\": 100", 5))), "{err}");
    // A value of the wrong type: the position is the user's field, never line 1 of a rewrite.
    let args = ["sweep", QUICKSTART, "--set", "policies.lean.inventory.S=abc", "--quiet"];
    let (code, _, err) = scsim(&args, dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&place("\"S\": 85", 5)) && !err.contains(":1:"), "{err}");
    assert!(!dir.path().join("sweep.csv").exists());
}

#[test]
fn sweep_policy_simulates_only_the_named_policies_and_writes_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let set = ["sweep", QUICKSTART, "--set", "policies.lean.inventory.S=80,90", "--quiet"];
    let policies = ["--policy", "lean", "--policy", "min-max"];
    let (code, _, err) = scsim(&[&set[..], &policies, &SHORT].concat(), dir.path());
    assert_eq!(code, 0, "{err}");
    let text = fs::read_to_string(dir.path().join("sweep.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let column = reader.headers().unwrap().iter().position(|h| h == "policy").unwrap();
    let mut seen: Vec<String> = reader.records().map(|r| r.unwrap()[column].to_string()).collect();
    assert_eq!(seen.len(), 4, "2 points × 2 policies");
    seen.sort();
    seen.dedup();
    assert_eq!(seen, ["lean", "min-max"]);
    let report = fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(report.contains("<svg") && report.contains("policies.lean.inventory.S"), "the sweep plots");
    assert!(!report.contains("safety-stock"), "the left-out policy is nowhere");
    // A policy that does not exist, and a swept policy left out by --policy.
    let (code, _, err) = scsim(&[&set[..], &["--policy", "nope"]].concat(), dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("\"nope\" is not a policy"), "{err}");
    let (code, _, err) = scsim(&[&set[..], &["--policy", "min-max"]].concat(), dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("--policy"), "{err}");
}

#[test]
fn a_sweep_grid_is_capped_and_a_path_is_given_once() {
    let dir = tempfile::tempdir().unwrap();
    let grid = ["sweep", QUICKSTART, "--quiet", "--set", "seed=1..100000", "--set", "horizon_days=1..100000"];
    let (code, _, err) = scsim(&[&grid[..], &["--set", "warmup_days=1..100000"]].concat(), dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("1000000000000000 points") && err.contains("at most 10000"), "{err}");
    let (code, _, err) = scsim(&[&grid[..], &["--force"]].concat(), dir.path());
    assert_eq!(code, 2, "10^10 points is beyond the maximum even with --force");
    assert!(err.contains("at most 1000000"), "{err}");
    let twice = ["sweep", QUICKSTART, "--set", "seed=1,2", "--set", "seed=3", "--quiet"];
    let (code, _, err) = scsim(&twice, dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("--set seed is given twice"), "{err}");
    assert!(!dir.path().join("sweep.csv").exists());
}

/// `optimize` on the quickstart's lean policy with `extra` arguments.
fn optimize(extra: &[&str], out: &Path) -> (i32, String, String) {
    let base = ["optimize", QUICKSTART, "--quiet", "--minimize", "cost_total_per_day"];
    scsim(&[&base[..], &SHORT, extra].concat(), out)
}

#[test]
fn optimize_refuses_targets_that_cannot_mean_anything() {
    let dir = tempfile::tempdir().unwrap();
    let param = ["--param", "policies.lean.inventory.S=0..200"];
    let (code, _, err) = optimize(&[&param[..], &["--subject-to", "fill_rate>=98"]].concat(), dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("fill_rate is a share between 0 and 1"), "{err}");
    for target in ["fill_rate>=NaN", "fill_rate>=inf", "avg_backorders<=-inf"] {
        let (code, _, err) = optimize(&[&param[..], &["--subject-to", target]].concat(), dir.path());
        assert_eq!(code, 2, "{target}: {err}");
        assert!(err.contains("must be a finite number"), "{err}");
    }
    let (code, _, err) = optimize(&[&param[..], &param].concat(), dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("--param policies.lean.inventory.S is given twice"), "{err}");
    let (code, _, err) = optimize(&["--param", "policies.lean.inventry.S=0..9"], dir.path());
    assert_eq!(code, 2);
    assert!(err.contains("nearest valid paths: policies.lean.inventory.S"), "{err}");
    assert!(!dir.path().join("optimize.json").exists());
}

#[test]
fn optimize_over_the_widest_i64_range_or_only_invalid_candidates_exits_2_without_panic() {
    let dir = tempfile::tempdir().unwrap();
    let widest = format!("policies.lean.inventory.S={}..{}", i64::MIN, i64::MAX);
    let (code, _, err) = optimize(&["--param", &widest], dir.path());
    // S ≥ 0 and S ≤ 10^9: every point of the coarse grid over the whole i64 range is invalid.
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("invalid scenario, so there is no best value"), "{err}");
    let (code, _, err) = optimize(&["--param", "policies.min-max.inventory.s=500..600"], dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("must be less than S"), "{err}");
    assert!(!dir.path().join("optimize.json").exists(), "no invalid best is written");
}

#[test]
fn optimize_with_no_feasible_point_exits_1_and_reports_the_closest_with_its_trace() {
    let dir = tempfile::tempdir().unwrap();
    // S ≤ 70 against a mean lead-time demand of 80: the fill rate stays far below 99 % and
    // rises with S, so the closest point is the largest S.
    let args = ["--param", "policies.lean.inventory.S=40..70", "--subject-to", "fill_rate>=0.99"];
    let (code, _, err) = optimize(&args, dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no feasible point"), "{err}");
    let result: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("optimize.json")).unwrap()).unwrap();
    assert_eq!(result["feasible"], false);
    assert_eq!(result["best"]["policies.lean.inventory.S"], 70, "the closest to feasible");
    let report = fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(report.contains("No feasible point") && report.contains("Search trace"), "{report}");
    let evaluations = result["evaluations"].as_array().unwrap().len();
    let rows = report.split("Search trace").nth(1).unwrap().matches("<tr><td>").count();
    assert_eq!(rows, evaluations, "one trace row per candidate");
    // Only the searched policy is simulated.
    assert!(result["metrics"]["fill_rate"]["mean"].as_f64().unwrap() < 0.99);
    assert!(!report.contains("safety-stock") && !report.contains("min-max"));
}

#[test]
fn a_failing_golden_check_says_first_what_changed_then_the_headline_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real-golden.json");
    let link = dir.path().join("golden.json");
    fs::write(&real, "not replaced").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let run = |reps: &str, extra: &[&str]| {
        let args = ["run", QUICKSTART, "--replications", reps, "--days", "60", "--quiet", "--check"];
        let golden = link.to_str().unwrap();
        scsim(&[&args[..], &[golden], extra].concat(), &dir.path().join("out"))
    };
    assert_eq!(run("5", &["--bless"]).0, 0);
    // Blessing renames a new file into place: the file the link pointed to is untouched.
    assert_eq!(fs::read_to_string(&real).unwrap(), "not replaced");
    assert!(!fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    let (code, _, err) = run("6", &[]);
    assert_eq!(code, 1);
    let mut lines = err.lines();
    let first = lines.next().unwrap();
    assert!(first.ends_with("settings changed: replications 5 → 6"), "{first}");
    let listed: Vec<&str> = lines.skip(2).map(|l| l.split_whitespace().next().unwrap_or("")).collect();
    // The quickstart has prices: profit per day is the first headline, then total cost.
    assert_eq!(listed[0], "policies[lean].total.profit_per_day.mean", "{err}");
    assert!(listed[..3].iter().all(|p| p.ends_with("profit_per_day.mean")), "{listed:?}");
    assert!(listed[3..6].iter().all(|p| p.ends_with("cost_total_per_day.mean")), "{listed:?}");
    let (code, _, err) = run("5", &["--tolerance", "NaN"]);
    assert_eq!(code, 2);
    assert!(err.contains("finite number"), "{err}");
}

/// Without `--set`, a sweep takes the scenario's own `sweep` section, checked by the same code
/// as `scsim validate`: every problem at its place in the file, exit code 2, nothing written.
#[test]
fn a_sweep_section_with_problems_exits_2_with_each_problem_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&fs::read_to_string(QUICKSTART).unwrap()).unwrap();
    doc["sweep"] = serde_json::json!([
        {"path": "policies.lean.inventory.S"},
        {"path": "policies.nope.inventory.S", "values": [90, 100]}
    ]);
    let scenario = dir.path().join("with-section.json");
    fs::write(&scenario, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = scsim(&["sweep", scenario.to_str().unwrap(), "--quiet"], &out);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("at sweep[0]: give either `values` or `from` and `to`"), "{err}");
    assert!(err.contains("at sweep[1].path:") && err.contains("nope"), "{err}");
    assert!(!out.exists());
}
