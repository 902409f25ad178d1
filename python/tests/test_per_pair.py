"""Per-pair results and optimisation from Python against the CLI's files."""

import io
import json
import math
import subprocess

import pandas as pd
import pytest

import scsim

QUICKSTART = "scenarios/quickstart.json"

# A small catalogue: one store, a lane per SKU (Poisson demand, constant lead time), backorders.
SKUS = [(2.0, 2), (5.0, 3), (10.0, 1), (3.5, 4)]


def catalogue(inventory):
    return {
        "schema_version": 1, "name": "catalogue", "horizon_days": 300, "warmup_days": 50, "replications": 20,
        "items": [{"id": f"sku{i}", "costs": {"holding_per_unit_day": 1, "unit_purchase": 10}} for i in range(len(SKUS))],
        "locations": [{"id": "store"}], "suppliers": [{"id": "sup"}],
        "lanes": [{"id": f"lane{i}", "from": "sup", "to": "store", "items": [f"sku{i}"],
                   "lead_time": {"type": "constant", "value": lead}} for i, (_, lead) in enumerate(SKUS)],
        "segments": [{"id": "default", "unmet": {"type": "backorder"}}],
        "demand": [{"location": "store", "item": f"sku{i}", "distribution": {"type": "poisson", "mean": mean}}
                   for i, (mean, _) in enumerate(SKUS)],
        "policies": [{"name": "pol", "inventory": inventory}],
    }


BASE_STOCK = {"type": "base_stock", "S": 1}
SAFETY_STOCK = {"type": "safety_stock", "forecast": {"type": "plan"},
                "service": {"type": "cycle_service_level", "target": 0.5}, "recompute_every": 7}


def cli_per_pair(cli, path, param, out):
    subprocess.run(
        [cli, "optimize", str(path), "--per-pair", "--param", param, "--subject-to", "fill_rate>=0.9",
         "--quiet", "--out", str(out)],
        check=True,
    )
    return {name: (out / name).read_bytes() for name in ("policy-table.csv", "policy-table-results.csv")}


@pytest.mark.parametrize("inventory,param,column", [
    (BASE_STOCK, "inventory.S=0..60", "S"),
    (SAFETY_STOCK, "inventory.service.z=0..4:0.05", "z"),
])
def test_optimize_per_pair_gives_the_cli_files(cli, tmp_path, inventory, param, column):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(catalogue(inventory)))
    expected = cli_per_pair(cli, path, param, tmp_path / "cli")
    frame = scsim.optimize(str(path), param=param, subject_to=["fill_rate>=0.9"], per_pair=True)
    # The same bytes as the command's files, and the frames are those files.
    assert frame.attrs["files"] == expected
    ids = {c: str for c in ("policy", "location", "item")}
    pd.testing.assert_frame_equal(frame, pd.read_csv(io.BytesIO(expected["policy-table-results.csv"]), dtype=ids))
    table = frame.attrs["policy_table"]
    assert list(table.columns) == ["policy", "location", "item", column]
    assert list(table["item"]) == [f"sku{i}" for i in range(len(SKUS))]
    assert frame.attrs["feasible"] is True
    # Every pair meets its own target at its level, and its level is the table's.
    assert frame["meets_target"].all()
    assert (frame["fill_rate_mean"] >= 0.9).all()
    assert list(frame[column]) == list(table[column])
    # The levels differ by SKU (a faster or slower SKU needs more or less).
    assert table[column].nunique() > 1


def test_per_pair_levels_read_back_give_the_searched_fill_rates(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(catalogue(SAFETY_STOCK)))
    frame = scsim.optimize(str(path), param="inventory.service.z=0..4:0.05", subject_to=["fill_rate>=0.9"],
                           per_pair=True)
    (tmp_path / "policy-table.csv").write_bytes(frame.attrs["files"]["policy-table.csv"])
    doc = catalogue(SAFETY_STOCK)
    doc["tables"] = {"policies": "policy-table.csv"}
    result = scsim.run(scsim.load(doc, path=tmp_path / "read-back.json"))
    assert list(result.pairs["fill_rate_mean"]) == list(frame["fill_rate_mean"])


def test_a_bad_per_pair_param_lists_every_problem(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(catalogue(BASE_STOCK)))
    with pytest.raises(ValueError) as e:
        scsim.optimize(str(path), param="inventory.service.z=-0.5..9:0.3", subject_to=["fill_rate>=0.9"],
                       per_pair=True)
    for part in ["is negative", "above 8", "not a multiple of STEP", "service.z is not a parameter"]:
        assert part in str(e.value)
    with pytest.raises(ValueError, match="per_pair=True"):
        scsim.optimize(str(path), param=["inventory.S=0..9"], aggregate_target="fill_rate>=0.9")
    # A fill rate of 95 (meant as 95 %) is refused as the CLI refuses it, per pair or not.
    for per_pair in (True, False):
        with pytest.raises(ValueError, match="fill_rate is a share between 0 and 1"):
            scsim.optimize(str(path), param="inventory.S=0..9", subject_to=["fill_rate>=95"], per_pair=per_pair)


def test_pairs_per_replication_is_the_cli_file(repo, cli, tmp_path):
    args = ["--replications", "12", "--seed", "5", "--days", "150"]
    subprocess.run([cli, "run", QUICKSTART, *args, "--pairs-per-replication", "--quiet",
                    "--out", str(tmp_path / "cli")], check=True)
    result = scsim.run(QUICKSTART, replications=12, seed=5, days=150, pairs_per_replication=True)
    expected = (tmp_path / "cli" / "pairs-replications.csv").read_bytes()
    assert result._native.pairs_replications_csv() == expected
    frame = result.pairs_replications()
    ids = {c: str for c in ("policy", "location", "item")}
    pd.testing.assert_frame_equal(frame, pd.read_csv(io.BytesIO(expected), keep_default_na=False,
                                                     na_values=[""], dtype=ids))
    # One row per replication × policy × pair, and each pair's mean over the replications is
    # the mean pairs.csv reports.
    pairs = result.pairs
    assert len(frame) == 12 * len(pairs)
    means = frame.groupby(["policy", "location", "item"], sort=False)["fill_rate"].mean()
    for _, row in pairs.iterrows():
        assert math.isclose(means[(row["policy"], row["location"], row["item"])], row["fill_rate_mean"],
                            rel_tol=1e-9)
    # The written folder is the CLI's, pairs-replications.csv included.
    result.write(tmp_path / "py")
    assert (tmp_path / "py" / "pairs-replications.csv").read_bytes() == expected
    # A run that did not keep them says how to.
    with pytest.raises(ValueError, match="pairs_per_replication=True"):
        scsim.run(QUICKSTART, replications=2, days=50).pairs_replications()
