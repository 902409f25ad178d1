"""The Python package against the CLI and against expectations derived from the scenario."""

import filecmp
import json
import os
import subprocess
import threading
import time
import _thread

import pandas as pd
import pytest

import scsim

QUICKSTART = "scenarios/quickstart.json"


def tree(root):
    """Every file under `root`, relative, with its bytes."""
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


def test_write_is_the_cli_output_byte_for_byte(repo, cli, tmp_path):
    subprocess.run(
        [cli, "run", QUICKSTART, "--replications", "30", "--seed", "7", "--days", "200", "--quiet",
         "--out", str(tmp_path / "cli")],
        check=True,
    )
    result = scsim.run(QUICKSTART, replications=30, seed=7, days=200)
    result.write(tmp_path / "py")
    expected, got = tree(tmp_path / "cli"), tree(tmp_path / "py")
    assert sorted(got) == sorted(expected)
    assert "summary.json" in got and "replications.csv" in got and ".scsim-output" in got
    different = [name for name in expected if expected[name] != got[name]]
    assert different == []
    # The summary in memory is the file's content.
    assert result.summary == json.loads(expected["summary.json"])


def test_summary_equals_the_golden_summary_json(repo):
    # tests/golden/quickstart.json is the CLI's summary.json of `--replications 20`.
    with open("tests/golden/quickstart.json") as f:
        golden = json.load(f)
    result = scsim.run(scsim.load(QUICKSTART), replications=20)
    assert result.summary == golden


def test_results_do_not_depend_on_threads(repo):
    one = scsim.run(QUICKSTART, replications=40, days=120, threads=1)
    two = scsim.run(QUICKSTART, replications=40, days=120, threads=2)
    assert one._native.summary_json() == two._native.summary_json()
    pd.testing.assert_frame_equal(one.replications, two.replications)


def test_scenario_error_lists_every_problem_with_its_place(repo, tmp_path):
    doc = scsim.load(QUICKSTART).to_dict()
    doc["replications"] = 0
    doc["policies"][1]["inventory"]["S"] = -5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, indent=2))
    with pytest.raises(scsim.ScenarioError) as caught:
        scsim.load(bad)
    problems = caught.value.problems
    assert isinstance(problems, list) and len(problems) == 2
    by_path = {p["path"]: p for p in problems}
    assert set(by_path) == {"replications", "policies[1].inventory.S"}
    lines = bad.read_text().splitlines()
    for p in problems:
        assert set(p) == {"path", "line", "column", "message", "label"}
        key = p["path"].rsplit(".", 1)[-1]
        # The line is where the field is in the file written above.
        assert f'"{key}"' in lines[p["line"] - 1]
    assert "safety-stock" in by_path["policies[1].inventory.S"]["label"]
    # The exception is also a ValueError whose message lists the problems.
    assert isinstance(caught.value, ValueError) and "2 problems" in str(caught.value)


def test_scenario_error_for_a_dict_and_for_bad_json(tmp_path):
    with pytest.raises(scsim.ScenarioError) as caught:
        scsim.load({"items": "none"})
    assert caught.value.problems and all(p["path"] and p["message"] for p in caught.value.problems)
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "name": "x",\n  oops\n}')
    with pytest.raises(scsim.ScenarioError) as caught:
        scsim.load(broken)
    [problem] = caught.value.problems
    assert problem["line"] == 3


def test_dict_round_trip_and_a_changed_parameter(repo):
    scenario = scsim.load(QUICKSTART)
    doc = scenario.to_dict()
    same = scsim.load(doc, path=QUICKSTART)
    assert same.policies == scenario.policies and same.settings == scenario.settings
    base = scsim.run(scenario, replications=50, days=200)
    assert scsim.run(same, replications=50, days=200).summary["policies"] == base.summary["policies"]
    lean = next(p for p in doc["policies"] if p["name"] == "lean")
    assert lean["inventory"]["S"] == 85
    lean["inventory"]["S"] = 120
    changed = scsim.run(scsim.load(doc, path=QUICKSTART), replications=50, days=200)
    fill = base.totals().query("metric == 'fill_rate'").set_index("policy")["mean"]
    fill2 = changed.totals().query("metric == 'fill_rate'").set_index("policy")["mean"]
    # A higher base-stock level fills more of the same demand (common random numbers) ...
    assert fill2["lean"] > fill["lean"] + 0.05
    # ... and the policies left alone give exactly the same numbers.
    assert fill2["safety-stock"] == fill["safety-stock"] and fill2["min-max"] == fill["min-max"]


def test_frames_have_the_files_shapes_and_agree_with_the_summary(repo, tmp_path):
    scenario = scsim.load(QUICKSTART)
    result = scsim.run(scenario, replications=25, days=150, warmup=10)
    keys = list(result.summary["policies"][0]["total"])
    policies = scenario.policies
    reps = result.replications
    assert list(reps.columns[:2]) == ["replication", "policy"] and sorted(reps.columns[2:]) == sorted(keys)
    assert len(reps) == 25 * len(policies)
    assert sorted(reps["replication"].unique()) == list(range(25))
    # The mean of the rows is the summary's mean of each policy.
    for p in result.summary["policies"]:
        rows = reps[reps["policy"] == p["name"]]
        assert rows["fill_rate"].mean() == pytest.approx(p["total"]["fill_rate"]["mean"], rel=1e-12)
        assert rows["avg_on_hand"].std() == pytest.approx(p["total"]["avg_on_hand"]["sd"], rel=1e-9)
    daily = result.daily
    assert len(daily) == 150 * len(policies) and "policy" in daily.columns and "day" in daily.columns
    pairs = result.pairs
    assert list(pairs.columns[:3]) == ["policy", "location", "item"] and len(pairs) == len(policies)
    assert "fill_rate_mean" in pairs.columns and "fill_rate_half_width" in pairs.columns
    diffs = result.differences
    assert len(diffs) == len(policies) * (len(policies) - 1) * len(keys)
    # Paired differences are antisymmetric.
    ab = diffs.query("policy == 'lean' and versus == 'min-max' and metric == 'fill_rate'")["mean"].item()
    ba = diffs.query("policy == 'min-max' and versus == 'lean' and metric == 'fill_rate'")["mean"].item()
    assert ab == pytest.approx(-ba, abs=1e-12)
    assert result.locations is None
    # The frames hold what the files hold.
    result.write(tmp_path / "out")
    on_disk = pd.read_csv(tmp_path / "out" / "replications.csv")
    pd.testing.assert_frame_equal(reps, on_disk, check_dtype=False)
    pd.testing.assert_frame_equal(daily, pd.read_csv(tmp_path / "out" / "daily.csv"), check_dtype=False)


def test_policies_and_baseline(repo):
    result = scsim.run(QUICKSTART, replications=10, days=60, policies=["min-max", "lean"], baseline="min-max")
    assert [p["name"] for p in result.summary["policies"]] == ["lean", "min-max"]
    assert result.summary["run"]["baseline"] == "min-max"
    with pytest.raises(ValueError):
        scsim.run(QUICKSTART, replications=10, baseline="nobody")
    with pytest.raises(ValueError):
        scsim.run(QUICKSTART, replications=10, policies=["nobody"])


def test_report_html(repo):
    result = scsim.run(QUICKSTART, replications=10, days=60)
    page = result.report_html()
    assert page.startswith("<!DOCTYPE html>") and "safety-stock" in page
    short = result._repr_html_()
    assert "<table" in short and len(short) < len(page) / 10


def test_write_refuses_a_folder_that_is_not_an_output(repo, tmp_path):
    result = scsim.run(QUICKSTART, replications=5, days=60)
    (tmp_path / "mine.txt").write_text("keep me")
    with pytest.raises(OSError):
        result.write(tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_sweep_returns_the_sweep_table(repo):
    path = "policies.safety-stock.inventory.S"
    frame = scsim.sweep(QUICKSTART, set=[f"{path}=90,130"], policies=["safety-stock"], replications=20, days=120)
    assert list(frame.columns[:3]) == ["point", path, "policy"]
    assert len(frame) == 2 and set(frame["policy"]) == {"safety-stock"}
    low, high = frame.sort_values(path)["fill_rate_mean"]
    assert high > low
    assert frame.attrs["invalid"].empty
    # The point S=105 of a sweep is the scenario's own safety-stock policy: the same numbers.
    point = scsim.sweep(QUICKSTART, set=[f"{path}=105"], replications=20, days=120)
    run = scsim.run(QUICKSTART, replications=20, days=120)
    own = next(p for p in run.summary["policies"] if p["name"] == "safety-stock")["total"]["fill_rate"]["mean"]
    assert point.set_index("policy").loc["safety-stock", "fill_rate_mean"] == own


def test_sweep_reports_invalid_points(repo):
    path = "policies.safety-stock.inventory.S"
    frame = scsim.sweep(QUICKSTART, set=[f"{path}=-1,100"], policies=["safety-stock"], replications=5, days=60)
    assert len(frame) == 1 and len(frame.attrs["invalid"]) == 1
    with pytest.raises(ValueError):
        scsim.sweep(QUICKSTART, set=["policies.nobody.inventory.S=1"], replications=5)


def test_sweep_without_set_takes_the_scenarios_sweep_section(repo):
    with open(QUICKSTART) as f:
        doc = json.load(f)
    path = "policies.safety-stock.inventory.S"
    doc["sweep"] = [{"path": path, "values": [90, 110]}]
    frame = scsim.sweep(scsim.load(doc, path=QUICKSTART), policies=["safety-stock"], replications=5, days=60)
    assert sorted(frame[path].tolist()) == [90, 110]
    # The same points as with set=: the section is only another way to name them.
    same = scsim.sweep(QUICKSTART, set=[f"{path}=90,110"], policies=["safety-stock"], replications=5, days=60)
    assert frame["fill_rate_mean"].tolist() == same["fill_rate_mean"].tolist()
    doc["sweep"] = [{"path": path}]
    with pytest.raises(scsim.ScenarioError) as error:
        scsim.sweep(scsim.load(doc, path=QUICKSTART), replications=5, days=60)
    assert [p["path"] for p in error.value.problems] == ["sweep[0]"]


def test_optimize_returns_the_candidates(repo):
    frame = scsim.optimize(
        QUICKSTART, param=["policies.safety-stock.inventory.S=60..200"], minimize="cost_total_per_day",
        subject_to=["fill_rate>=0.95"], replications=20, days=120,
    )
    path = "policies.safety-stock.inventory.S"
    assert path in frame.columns and "cost_total_per_day" in frame.columns and len(frame) >= 5
    best = frame.attrs["best"][path]
    assert frame.attrs["feasible"] and 60 <= best <= 200
    feasible = frame[frame["fill_rate"] >= 0.95]
    # The best is the cheapest feasible candidate evaluated.
    assert feasible.loc[feasible["cost_total_per_day"].idxmin(), path] == best


def test_ctrl_c_interrupts_a_long_run(repo):
    timer = threading.Timer(0.5, _thread.interrupt_main)
    started = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        # About a minute of work on two cores: long enough to interrupt.
        scsim.run(QUICKSTART, replications=50_000, days=365, force=True)
    elapsed = time.monotonic() - started
    timer.cancel()
    assert elapsed < 5, f"the run took {elapsed:.1f} s to stop"
    # The simulation threads have stopped too: the process is idle (CPU time, not wall time).
    time.sleep(0.2)
    cpu = time.process_time()
    time.sleep(1.0)
    assert time.process_time() - cpu < 0.3
    # The package still runs afterwards.
    assert scsim.run(QUICKSTART, replications=5, days=60).summary["run"]["replications"] == 5
