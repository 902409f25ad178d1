//! Faults: runs killed at several points, a full disk, a read-only target, two processes
//! writing one folder, and resumed sweeps killed at random points. The output folder always
//! holds one complete output (or the previous one) and nothing is left beside it.
#![cfg(target_os = "linux")]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use scsim::report::folder::{MARKER, Manifest, sha256};

const SCENARIO: &str = "scenarios/quickstart.json";

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin!("scsim").to_path_buf()
}

/// `scsim run` of the quickstart into `out` with `reps` replications and `seed`.
fn run_args(out: &Path, reps: u32, seed: u64) -> Vec<String> {
    let out = out.display().to_string();
    let (reps, seed) = (reps.to_string(), seed.to_string());
    ["run", SCENARIO, "--quiet", "--out", &out, "--replications", &reps, "--seed", &seed]
        .map(String::from)
        .to_vec()
}

/// A short sweep of the quickstart into `out`.
fn sweep_args(out: &Path, resume: bool) -> Vec<String> {
    let mut args: Vec<String> =
        ["sweep", SCENARIO, "--quiet", "--replications", "200", "--days", "365", "--threads", "2"]
            .map(String::from)
            .to_vec();
    args.extend(["--set".into(), "policies.safety-stock.inventory.S=80..159".into()]);
    args.extend(["--out".into(), out.display().to_string()]);
    if resume {
        args.push("--resume".into());
    }
    args
}

fn spawn(args: &[String]) -> Child {
    Command::new(binary()).args(args).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap()
}

/// Runs scsim to the end: exit code and stderr.
fn finish(args: &[String]) -> (i32, String) {
    let out = Command::new(binary()).args(args).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Every file under `dir` with the SHA-256 of its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), sha256(&fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The names in `parent`.
fn names(parent: &Path) -> Vec<String> {
    let mut all: Vec<String> = fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    all.sort();
    all
}

/// Checks that `dir` is one complete output: every file listed in its marker with its
/// checksum, and nothing else.
fn assert_complete(dir: &Path) {
    let manifest = Manifest::read(dir).unwrap().expect("a marker");
    let files = snapshot(dir);
    let listed: Vec<&String> = manifest.files.keys().collect();
    let present: Vec<String> =
        files.keys().map(|p| p.display().to_string()).filter(|p| p != MARKER).collect();
    assert_eq!(listed, present.iter().collect::<Vec<_>>(), "{}", dir.display());
    for file in manifest.files.keys() {
        manifest.verify(dir, file).unwrap();
    }
}

#[test]
fn a_run_killed_at_several_points_leaves_the_previous_output_and_no_debris() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(finish(&run_args(&out, 20, 1)).0, 0);
    let before = snapshot(&out);
    for delay_ms in [0, 30, 120, 400, 900] {
        let mut child = spawn(&run_args(&out, 100_000, 2));
        std::thread::sleep(Duration::from_millis(delay_ms));
        assert!(child.try_wait().unwrap().is_none(), "the run ended before it was killed");
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(snapshot(&out), before, "killed after {delay_ms} ms");
    }
    assert_eq!(finish(&run_args(&out, 20, 3)).0, 0);
    assert_complete(&out);
    assert_eq!(names(tmp.path()), ["out"], "staging folders of killed runs are cleaned by the next run");
}

#[test]
fn sigterm_removes_the_staging_folder_and_keeps_the_previous_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(finish(&run_args(&out, 20, 1)).0, 0);
    let before = snapshot(&out);
    let mut child = spawn(&run_args(&out, 20000, 2));
    let started = Instant::now();
    while names(tmp.path()).len() < 2 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(names(tmp.path()).iter().any(|n| n.starts_with(".out.staging-")), "{:?}", names(tmp.path()));
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(names(tmp.path()), ["out"]);
    assert_eq!(snapshot(&out), before);
}

#[test]
fn a_full_disk_gives_exit_1_a_clear_message_and_no_partial_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    assert_eq!(finish(&run_args(&out, 20, 1)).0, 0);
    let before = snapshot(&out);
    // A file-size limit of 64 KiB (with the signal it raises ignored, so that writes fail
    // with "File too large" as they would on a full disk).
    let script = "trap '' XFSZ; ulimit -f 64; exec \"$0\" \"$@\"";
    let mut args = vec!["-c".to_string(), script.into(), binary().display().to_string()];
    args.extend(run_args(&out, 400, 2));
    let output = Command::new("sh").args(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write") && stderr.contains("File too large"), "{stderr}");
    assert_eq!(names(tmp.path()), ["out"], "no partial folder");
    assert_eq!(snapshot(&out), before);
}

/// Mounts a tmpfs at `dir` (read-only if `ro`); false where the machine does not allow it.
fn mount_tmpfs(dir: &Path, options: &str) -> bool {
    fs::create_dir_all(dir).unwrap();
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", options, "tmpfs"])
        .arg(dir)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("cannot mount a tmpfs here: part of the test skipped");
    }
    ok
}

#[test]
fn a_full_tmpfs_and_a_read_only_target_fail_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let small = tmp.path().join("small");
    if mount_tmpfs(&small, "size=256k") {
        let out = small.join("out");
        let (code, stderr) = finish(&run_args(&out, 400, 2));
        Command::new("umount").arg(&small).status().unwrap();
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("No space left on device"), "{stderr}");
    }
    let ro = tmp.path().join("ro");
    let mut mounted = mount_tmpfs(&ro, "size=1m");
    if mounted {
        assert_eq!(finish(&run_args(&ro.join("out"), 20, 1)).0, 0);
        let before = snapshot(&ro.join("out"));
        mounted = Command::new("mount").args(["-o", "remount,ro"]).arg(&ro).status().unwrap().success();
        let (code, stderr) = finish(&run_args(&ro.join("out"), 20, 2));
        let after = snapshot(&ro.join("out"));
        Command::new("umount").arg(&ro).status().unwrap();
        if mounted {
            assert_eq!(code, 1, "{stderr}");
            assert!(stderr.contains("Read-only file system"), "{stderr}");
            assert_eq!(after, before);
        }
    }
}

#[test]
fn two_runs_into_one_folder_at_once_leave_one_complete_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, out) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("out"));
    assert_eq!(finish(&run_args(&a, 300, 1)).0, 0);
    assert_eq!(finish(&run_args(&b, 300, 2)).0, 0);
    for _ in 0..3 {
        let mut first = spawn(&run_args(&out, 300, 1));
        let mut second = spawn(&run_args(&out, 300, 2));
        assert!(first.wait().unwrap().success() && second.wait().unwrap().success());
        assert_complete(&out);
        let got = snapshot(&out);
        assert!(got == snapshot(&a) || got == snapshot(&b), "a mixture of two runs");
    }
    assert_eq!(names(tmp.path()), ["a", "b", "out"]);
}

#[test]
fn a_resumed_sweep_killed_at_random_points_writes_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (whole, resumed) = (tmp.path().join("whole"), tmp.path().join("resumed"));
    let (code, stderr) = finish(&sweep_args(&whole, false));
    assert_eq!(code, 0, "{stderr}");
    // Delays from a fixed pseudo-random sequence (the test must be repeatable).
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    // The points saved in the staging folders beside `resumed`.
    let staged = || -> usize {
        names(tmp.path())
            .iter()
            .filter(|n| n.starts_with(".resumed.staging-"))
            .map(|n| fs::read_dir(tmp.path().join(n).join("points")).map_or(0, |d| d.count()))
            .sum()
    };
    for _ in 0..4 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let before = staged();
        let mut child = spawn(&sweep_args(&resumed, true));
        // Once more points are saved than before this sweep started, a little later.
        let started = Instant::now();
        while staged() <= before && started.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(Duration::from_millis(x % 100));
        assert!(child.try_wait().unwrap().is_none(), "the sweep ended before it was killed");
        child.kill().unwrap();
        child.wait().unwrap();
    }
    assert!(staged() > 0, "the killed sweeps saved points for the resumed one to keep");
    let (code, stderr) = finish(&sweep_args(&resumed, true));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(snapshot(&resumed), snapshot(&whole));
    assert_eq!(names(tmp.path()), ["resumed", "whole"]);
}

#[test]
fn plot_refuses_a_folder_whose_files_do_not_belong_together() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert_eq!(finish(&run_args(&a, 20, 1)).0, 0);
    assert_eq!(finish(&run_args(&b, 20, 2)).0, 0);
    let plot = |dir: &Path| finish(&["plot".into(), dir.display().to_string()]);
    assert_eq!(plot(&a).0, 0);
    fs::copy(b.join("summary.json"), a.join("summary.json")).unwrap();
    let (code, stderr) = plot(&a);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("summary.json does not match"), "{stderr}");
}

#[test]
fn a_folder_that_is_not_an_output_is_refused_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("thesis");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("chapter1.tex"), "precious").unwrap();
    let (code, stderr) = finish(&run_args(&out, 20, 1));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is not an output folder of scsim") && stderr.contains("--force"), "{stderr}");
    assert_eq!(fs::read(out.join("chapter1.tex")).unwrap(), b"precious");
    let mut forced = run_args(&out, 20, 1);
    forced.push("--force".into());
    assert_eq!(finish(&forced).0, 0);
    assert_complete(&out);
}

#[test]
fn temporary_files_never_follow_links() {
    let tmp = tempfile::tempdir().unwrap();
    let victim = tmp.path().join("victim");
    fs::write(&victim, "keep").unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    // The names older versions used for their temporary files.
    for name in [".summary.json.tmp", ".replications.csv.tmp", ".daily.csv.tmp", ".summary.tmp.json"] {
        std::os::unix::fs::symlink(&victim, out.join(name)).unwrap();
    }
    fs::write(out.join(MARKER), "{\"scsim_version\":\"0\",\"kind\":\"run\",\"files\":{}}").unwrap();
    assert_eq!(finish(&run_args(&out, 20, 1)).0, 0);
    assert_eq!(fs::read(&victim).unwrap(), b"keep");
    assert_complete(&out);
}

/// `scsim merge DIRS --out OUT`: exit code and stderr.
fn merge(dirs: &[&Path], out: &Path) -> (i32, String) {
    let mut args = vec!["merge".to_string()];
    args.extend(dirs.iter().map(|d| d.display().to_string()));
    args.extend(["--out".into(), out.display().to_string()]);
    finish(&args)
}

/// Runs shard `i` of 2 of a short quickstart run into `out`.
fn run_shard(out: &Path, i: u32) {
    let mut args = run_args(out, 30, 5);
    args.extend(["--days".into(), "60".into(), "--shard".into(), format!("{i}/2")]);
    let (code, stderr) = finish(&args);
    assert_eq!(code, 0, "{stderr}");
}

/// Rewrites `dir/shard.json` through `edit` and, if `remark`, its checksum in the marker.
fn edit_shard(dir: &Path, remark: bool, edit: impl Fn(&mut serde_json::Value)) {
    let file = dir.join("shard.json");
    let mut shard: serde_json::Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    edit(&mut shard);
    let bytes = serde_json::to_vec(&shard).unwrap();
    fs::write(&file, &bytes).unwrap();
    if remark {
        let mut manifest = Manifest::read(dir).unwrap().unwrap();
        manifest.files.insert("shard.json".into(), sha256(&bytes));
        fs::write(dir.join(MARKER), serde_json::to_vec(&manifest).unwrap()).unwrap();
    }
}

#[test]
fn merge_refuses_damaged_edited_foreign_version_and_missing_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, out) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("merged"));
    run_shard(&a, 0);
    run_shard(&b, 1);
    assert_eq!(merge(&[&a, &b], &out).0, 0);
    // 30 replications × 3 policies = 90 rows; shard 1 holds 15 × 3 = 45.
    edit_shard(&b, true, |s| {
        s["rows"].as_array_mut().unwrap().truncate(40);
    });
    let (code, stderr) = merge(&[&a, &b], &out);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("holds 40 replication rows where its blocks have 45"), "{stderr}");
    run_shard(&b, 1);
    edit_shard(&b, false, |s| s["counted"][0]["demand"] = serde_json::json!(0));
    let (code, stderr) = merge(&[&a, &b], &out);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("shard.json does not match"), "{stderr}");
    run_shard(&b, 1);
    edit_shard(&b, true, |s| s["origin"]["scsim_version"] = serde_json::json!("0.0.1"));
    let (code, stderr) = merge(&[&a, &b], &out);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("written by scsim 0.0.1"), "{stderr}");
    let (code, stderr) = merge(&[&a, &tmp.path().join("never-written")], &out);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("never-written"), "{stderr}");
}

/// A one-store scenario whose demand is drawn from the history file `h.csv` beside it.
fn history_scenario(dir: &Path, history: &str) -> PathBuf {
    let mut doc: serde_json::Value = serde_json::from_slice(&fs::read(SCENARIO).unwrap()).unwrap();
    doc["demand"][0]["distribution"] =
        serde_json::json!({"type": "bootstrap", "file": "h.csv", "column": "units"});
    fs::write(dir.join("h.csv"), history).unwrap();
    let file = dir.join("scenario.json");
    fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
    file
}

#[test]
fn a_changed_history_file_is_never_mixed_with_results_of_the_old_one() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = history_scenario(tmp.path(), "units\n18\n20\n22\n").display().to_string();
    let shard = |i: u32| {
        let out = tmp.path().join(format!("s{i}")).display().to_string();
        let args = ["sweep", &scenario, "--quiet", "--replications", "10", "--days", "60", "--out", &out];
        let mut args: Vec<String> = args.map(String::from).to_vec();
        args.extend(["--set".into(), "policies.safety-stock.inventory.S=90..93".into()]);
        args.extend(["--shard".into(), format!("{i}/2"), "--resume".into()]);
        let (code, stderr) = finish(&args);
        assert_eq!(code, 0, "{stderr}");
    };
    shard(0);
    history_scenario(tmp.path(), "units\n180\n200\n220\n");
    shard(1);
    let (s0, s1) = (tmp.path().join("s0"), tmp.path().join("s1"));
    let (code, stderr) = merge(&[&s0, &s1], &tmp.path().join("merged"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("different input files (changed: h.csv)"), "{stderr}");
    // A resumed shard recomputes every point of the old data.
    let before = fs::read(s0.join("points/00000.json")).unwrap();
    shard(0);
    assert_ne!(fs::read(s0.join("points/00000.json")).unwrap(), before);
    assert_eq!(merge(&[&s0, &s1], &tmp.path().join("merged")).0, 0);
}

#[test]
fn ids_that_need_quoting_or_look_like_formulas_are_written_read_back_and_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let text = fs::read_to_string("scenarios/three-echelon.json")
        .unwrap()
        .replace("\"dc-north\"", "\"store,north\"")
        .replace("\"dc-south\"", "\"=cmd\"")
        .replace("\"store-1\"", "\"\\\"quoted\\\"\"")
        .replace("\"local\"", "\"@local\"");
    let scenario = tmp.path().join("ids.json");
    fs::write(&scenario, text).unwrap();
    let out = tmp.path().join("out");
    let args: Vec<String> =
        ["run", &scenario.display().to_string(), "--quiet", "--replications", "4", "--days", "80"]
            .map(String::from)
            .to_vec();
    let mut args = args;
    args.extend(["--out".into(), out.display().to_string()]);
    let (code, stderr) = finish(&args);
    assert_eq!(code, 0, "{stderr}");
    let locations = fs::read_to_string(out.join("daily-locations.csv")).unwrap();
    for cell in ["\"store,north\"", ",'=cmd,", ",\"\"\"quoted\"\"\",", "\n'@local,"] {
        assert!(locations.contains(cell), "no {cell} in daily-locations.csv");
    }
    let daily = fs::read_to_string(out.join("daily.csv")).unwrap();
    assert!(
        daily.lines().skip(1).all(|l| !l.starts_with(['=', '+', '-', '@'])),
        "a row starts like a formula"
    );
    let replications = fs::read_to_string(out.join("replications.csv")).unwrap();
    assert!(replications.contains(",'@local,"));
    let html = fs::read(out.join("report.html")).unwrap();
    fs::remove_file(out.join("report.html")).unwrap();
    let (code, stderr) = finish(&["plot".into(), out.display().to_string()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(fs::read(out.join("report.html")).unwrap() == html, "scsim plot reads the ids back exactly");
    let html = String::from_utf8(html).unwrap();
    assert!(
        html.contains("&quot;quoted&quot;") && !html.contains("<th>\"quoted\""),
        "ids are escaped in HTML"
    );
}
