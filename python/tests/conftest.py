"""Shared fixtures: the repository's folders and the CLI binary the package is compared with."""

import os
import pathlib
import shutil

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def repo(monkeypatch):
    """Runs the test from the repository's root (scenario paths as the CLI is given them)."""
    monkeypatch.chdir(REPO)
    return REPO


@pytest.fixture(scope="session")
def cli():
    """The `scsim` binary: $SCSIM_BIN, else target/release/scsim of this repository."""
    path = os.environ.get("SCSIM_BIN") or str(REPO / "target" / "release" / "scsim")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        found = shutil.which("scsim")
        assert found, f"no scsim binary at {path}: build it with `cargo build --release` or set SCSIM_BIN"
        path = found
    return path
