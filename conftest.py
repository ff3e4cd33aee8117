"""Test-session set-up. The demo municipality is built afresh for every test session in a
temporary folder and ingested; the notebooks (nbval) find it through
SELFRELIANCE_PROCESSED_DIR, so `make test` never depends on, or writes to, the user's data/."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_CREATED: list[Path] = []


def _build_demo(base: Path) -> None:
    from selfreliance.demo import DemoConfig, write_demo
    from selfreliance.pipeline import discover_sources, run_ingest

    raw = base / "raw"
    raw.mkdir(parents=True)
    write_demo(raw, DemoConfig(), fmt="topdesk")
    run_ingest(discover_sources(raw), base / "processed", key=bytes(range(32)))


def pytest_configure(config: pytest.Config) -> None:
    # Runs before collection, so notebook kernels started later inherit the variables.
    if os.environ.get("SELFRELIANCE_PROCESSED_DIR"):
        return
    base = Path(tempfile.mkdtemp(prefix="selfreliance-demo-"))
    _CREATED.append(base)
    _build_demo(base)
    os.environ["SELFRELIANCE_PROCESSED_DIR"] = str(base / "processed")
    os.environ["SELFRELIANCE_PSEUDONYM_KEY"] = bytes(range(32)).hex()


def pytest_unconfigure(config: pytest.Config) -> None:
    for base in _CREATED:
        shutil.rmtree(base, ignore_errors=True)
        os.environ.pop("SELFRELIANCE_PROCESSED_DIR", None)
