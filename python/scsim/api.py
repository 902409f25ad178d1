"""The Python API: thin functions over the compiled module that return dicts and DataFrames."""

from __future__ import annotations

import io
import json
import os
import tempfile
from typing import Any, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _scsim
from ._scsim import Scenario

PathLike = Union[str, "os.PathLike[str]"]

# Characters that make a spreadsheet read a cell as a formula: ids starting with one of them
# (or with the quote itself) are written with a leading "'" (see docs/experiments.md).
_GUARDED = ("=", "+", "-", "@", "\t", "\r", "'")


def load(source: Union[PathLike, Mapping[str, Any]], path: Optional[PathLike] = None) -> Scenario:
    """Reads and validates a scenario: a file path, or a dict (a scenario document).

    A dict's input files (histories, tables) are read relative to the folder of ``path``
    (default: the current folder); ``path`` is also the file name the outputs record.
    Raises ``ScenarioError`` (``.problems``: every problem, as dicts) on bad input.
    """
    if isinstance(source, Mapping):
        text = json.dumps(source, indent=2)
        return _scsim.load_text(text, os.fspath(path) if path is not None else "<dict>")
    return _scsim.load_file(os.fspath(source))


def _to_dict(self: Scenario) -> dict:
    """The scenario document as a dict (change it and ``load`` it back to vary a design)."""
    return json.loads(self.to_json())


Scenario.to_dict = _to_dict  # type: ignore[attr-defined]


def _id(cell: Any) -> Any:
    """An id as written in a CSV cell, back to the id (undoes the formula guard)."""
    if isinstance(cell, str) and len(cell) > 1 and cell[0] == "'" and cell[1] in _GUARDED:
        return cell[1:]
    return cell


def _read_csv(data: bytes, ids: Sequence[str]) -> pd.DataFrame:
    """A CSV file of scsim as a DataFrame: empty cells are NaN, ids stay strings."""
    frame = pd.read_csv(io.BytesIO(data), keep_default_na=False, na_values=[""], dtype={c: str for c in ids})
    for column in ids:
        if column in frame.columns:
            frame[column] = frame[column].map(_id)
    return frame


class Result:
    """A finished run. ``summary`` is ``summary.json`` as a dict; the DataFrames hold what
    ``replications.csv``, ``daily.csv``, ``pairs.csv`` and ``daily-locations.csv`` hold."""

    def __init__(self, native: "_scsim.RunResult"):
        self._native = native
        self._summary: Optional[dict] = None

    @property
    def summary(self) -> dict:
        """``summary.json`` as a dict."""
        if self._summary is None:
            self._summary = json.loads(self._native.summary_json())
        return self._summary

    @property
    def replications(self) -> pd.DataFrame:
        """One row per replication and policy: ``replication``, ``policy``, every metric."""
        return pd.DataFrame(self._native.replication_columns())

    @property
    def daily(self) -> pd.DataFrame:
        """One row per policy and day (means across replications, 10–90 % bands, costs)."""
        return _read_csv(self._native.daily_csv(), ["policy"])

    @property
    def pairs(self) -> pd.DataFrame:
        """One row per policy and stocked pair with every metric's mean and half-width."""
        return _read_csv(self._native.pairs_csv(), ["policy", "location", "item"])

    def pairs_replications(self) -> pd.DataFrame:
        """``pairs-replications.csv``: one row per replication, policy and stocked pair with
        every metric's value (``replication``, ``policy``, ``location``, ``item``, metrics).
        Needs ``run(..., pairs_per_replication=True)``."""
        data = self._native.pairs_replications_csv()
        if data is None:
            raise ValueError("this run kept no per-pair replications: run it with pairs_per_replication=True")
        return _read_csv(data, ["policy", "location", "item"])

    @property
    def locations(self) -> Optional[pd.DataFrame]:
        """With several locations, the mean units each location owes per policy and day."""
        data = self._native.locations_csv()
        return None if data is None else _read_csv(data, ["policy", "location"])

    @property
    def differences(self) -> pd.DataFrame:
        """Paired differences, one row per policy, other policy and metric: ``policy`` minus
        ``versus`` replication by replication (``mean``, ``sd``, ``half_width``, ``n``)."""
        rows = [
            {"policy": p["name"], "versus": other, "metric": key, **stat}
            for p in self.summary["policies"]
            for other, metrics in p["differences"].items()
            for key, stat in metrics.items()
        ]
        return pd.DataFrame(rows, columns=["policy", "versus", "metric", "mean", "sd", "half_width", "n"])

    def totals(self) -> pd.DataFrame:
        """Every metric of every policy (mean, sd, half-width, n), one row per policy and metric."""
        rows = [
            {"policy": p["name"], "metric": key, **stat}
            for p in self.summary["policies"]
            for key, stat in p["total"].items()
        ]
        return pd.DataFrame(rows, columns=["policy", "metric", "mean", "sd", "half_width", "n"])

    def write(self, dir: PathLike, force: bool = False, png: bool = False) -> None:
        """Writes the output folder of ``scsim run --out DIR`` (the same bytes); a folder that
        is not a scsim output is refused unless ``force``."""
        self._native.write(os.fspath(dir), force=force, png=png)

    def report_html(self) -> str:
        """The HTML report (``report.html``) as a string."""
        return self._native.report_html()

    def _repr_html_(self) -> str:
        """A short table for notebooks: each policy's headline metrics."""
        keys = ["fill_rate", "avg_backorders", "avg_on_hand", "cost_total_per_day"]
        table = self.totals().query("metric in @keys").pivot(index="policy", columns="metric", values="mean")
        return f"<p>scsim run of {self.summary['scenario'].get('name', '')}</p>" + table.to_html()

    def __repr__(self) -> str:
        names = ", ".join(p["name"] for p in self.summary["policies"])
        return f"<scsim.Result: {self.summary['run']['replications']} replications of {names}>"


def run(
    scenario: Union[Scenario, PathLike, Mapping[str, Any]],
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    days: Optional[int] = None,
    warmup: Optional[int] = None,
    threads: Optional[int] = None,
    policies: Optional[Sequence[str]] = None,
    baseline: Optional[str] = None,
    force: bool = False,
    pairs_per_replication: bool = False,
) -> Result:
    """Runs a scenario (as ``scsim run``: the settings given replace the scenario's).

    ``policies`` keeps only the policies named (the run is then of a changed scenario);
    ``baseline`` is the policy the others are compared with (default: the first).
    ``pairs_per_replication`` keeps every pair's metrics of every replication
    (``Result.pairs_replications()``, as ``scsim run --pairs-per-replication``).
    The simulation runs without the GIL on ``threads`` threads (default: one per core);
    Ctrl-C raises KeyboardInterrupt.
    """
    scenario = _scenario(scenario)
    if policies:
        scenario = _only_policies(scenario, policies)
    native = _scsim.run(
        scenario, replications=replications, seed=seed, days=days, warmup=warmup,
        threads=threads, baseline=baseline, force=force, pairs_per_replication=pairs_per_replication,
    )
    return Result(native)


def _scenario(source: Union[Scenario, PathLike, Mapping[str, Any]]) -> Scenario:
    return source if isinstance(source, Scenario) else load(source)


def _only_policies(scenario: Scenario, names: Sequence[str]) -> Scenario:
    doc = scenario.to_dict()
    unknown = [n for n in names if n not in scenario.policies]
    if unknown:
        raise ValueError(f"{unknown} are not policies of the scenario; its policies: {scenario.policies}")
    doc["policies"] = [p for p in doc["policies"] if p.get("name") in names]
    return load(doc, path=scenario.path)


def sweep(
    scenario: Union[Scenario, PathLike, Mapping[str, Any]],
    set: Sequence[str] = (),
    policies: Sequence[str] = (),
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    days: Optional[int] = None,
    warmup: Optional[int] = None,
    threads: Optional[int] = None,
) -> pd.DataFrame:
    """A grid of runs on common random numbers (as ``scsim sweep --set PATH=VALUES ...``).

    ``set`` lists ``"PATH=2,4,8"`` or ``"PATH=80..140:10"`` texts; without it the scenario's own
    ``sweep`` section is swept (a problem in it raises ``ScenarioError``). Returns ``sweep.csv``: one
    row per valid point and policy (``point``, each path, ``policy``, every metric's
    ``_mean`` and ``_half_width``); the invalid points and why are in ``.attrs["invalid"]``.
    """
    scenario = _scenario(scenario)
    with tempfile.TemporaryDirectory(prefix="scsim-sweep-") as tmp:
        _scsim.sweep(
            scenario, tmp, list(set), policies=list(policies), replications=replications,
            seed=seed, days=days, warmup=warmup, threads=threads,
        )
        with open(os.path.join(tmp, "sweep.csv"), "rb") as f:
            frame = _read_csv(f.read(), ["policy"])
        with open(os.path.join(tmp, "sweep-invalid.csv"), "rb") as f:
            invalid = _read_csv(f.read(), ["reason"])
    if frame.empty and not invalid.empty:
        raise ValueError("every point of the sweep is invalid:\n" + "\n".join(sorted(invalid["reason"].unique())))
    frame.attrs["invalid"] = invalid
    return frame


def optimize(
    scenario: Union[Scenario, PathLike, Mapping[str, Any]],
    param: Union[str, Sequence[str]],
    minimize: Optional[str] = None,
    maximize: Optional[str] = None,
    subject_to: Sequence[str] = (),
    policy: Optional[str] = None,
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    days: Optional[int] = None,
    warmup: Optional[int] = None,
    threads: Optional[int] = None,
    per_pair: bool = False,
    aggregate_target: Optional[str] = None,
) -> pd.DataFrame:
    """A pattern search over integer parameters (as ``scsim optimize --param PATH=LO..HI``).

    Returns one row per candidate evaluated: each path's value, ``invalid`` (why, or None)
    and every metric's mean; ``.attrs`` holds ``best`` (path → value), ``feasible`` and the
    whole ``optimize.json`` (``result``). Without ``minimize``/``maximize``, the scenario's
    objective and its targets are used. Ctrl-C returns at once, but the search already
    started finishes in the background.

    With ``per_pair=True`` (as ``scsim optimize --per-pair``), the cheapest level of one
    parameter (``param``: e.g. ``"inventory.S=0..200"`` or ``"inventory.service.z=0..4:0.05"``)
    for every stocked pair, to each pair's ``subject_to`` or to the catalogue's
    ``aggregate_target`` (``"fill_rate>=0.97"``). Returns ``policy-table-results.csv``: one
    row per pair (``policy``, ``location``, ``item``, the parameter's columns, ``meets_target``,
    ``inventory_investment``, every metric's ``_mean`` and ``_half_width`` at the chosen
    level); ``.attrs`` holds ``policy_table`` (``policy-table.csv``, the ``policies`` table a
    scenario's ``tables`` reads back, as a DataFrame), ``files`` (both files' bytes, by name)
    and ``feasible``.
    """
    scenario = _scenario(scenario)
    if per_pair:
        return _optimize_per_pair(
            scenario, param, minimize=minimize, maximize=maximize, subject_to=list(subject_to),
            aggregate_target=aggregate_target, policy=policy, replications=replications, seed=seed,
            days=days, warmup=warmup, threads=threads,
        )
    if aggregate_target is not None:
        raise ValueError("aggregate_target is a target of a per-pair search: give per_pair=True")
    if isinstance(param, str):
        param = [param]
    with tempfile.TemporaryDirectory(prefix="scsim-optimize-") as tmp:
        _scsim.optimize(
            scenario, tmp, list(param), minimize=minimize, maximize=maximize,
            subject_to=list(subject_to), policy=policy, replications=replications, seed=seed,
            days=days, warmup=warmup, threads=threads,
        )
        with open(os.path.join(tmp, "optimize.json"), encoding="utf-8") as f:
            result = json.load(f)
    paths = list(result["best"])
    rows = []
    for e in result["evaluations"]:
        row = dict(zip(paths, e["point"]))
        row["invalid"] = e["invalid"]
        row.update({k: s.get("mean") for k, s in (e["metrics"] or {}).items()})
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs.update(best=result["best"], feasible=result["feasible"], result=result)
    return frame


def _optimize_per_pair(scenario: Scenario, param: Union[str, Sequence[str]], **settings: Any) -> pd.DataFrame:
    """``optimize(..., per_pair=True)``: the files of ``scsim optimize --per-pair`` as frames."""
    if not isinstance(param, str):
        if len(param) != 1:
            raise ValueError("a per-pair search sets one param, e.g. 'inventory.S=0..200'")
        param = param[0]
    ids = ["policy", "location", "item"]
    with tempfile.TemporaryDirectory(prefix="scsim-per-pair-") as tmp:
        feasible = _scsim.optimize_per_pair(scenario, tmp, param, **settings)
        files = {}
        for name in ("policy-table.csv", "policy-table-results.csv"):
            with open(os.path.join(tmp, name), "rb") as f:
                files[name] = f.read()
    frame = _read_csv(files["policy-table-results.csv"], ids)
    frame.attrs.update(
        policy_table=_read_csv(files["policy-table.csv"], ids), files=files, feasible=feasible,
    )
    return frame
