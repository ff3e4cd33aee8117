"""Shared fixtures (the demo data are built by the root conftest.py before collection)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    """Folder with raw/ (demo exports) and processed/ (their ingested tables)."""
    return Path(os.environ["SELFRELIANCE_PROCESSED_DIR"]).parent


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The read-only shared folder with real third-party data (../shared)."""
    if not SHARED.exists():
        pytest.skip("../shared is not available")
    return SHARED


@pytest.fixture(scope="session")
def published_reports(tmp_path_factory) -> Path:
    """The demo's reports for 2026Q3, published once per session; returns the index page."""
    from selfreliance.config import NOTEBOOKS_DIR
    from selfreliance.reports import run_reports

    processed = Path(os.environ["SELFRELIANCE_PROCESSED_DIR"])
    reports = tmp_path_factory.mktemp("reports")
    return run_reports(
        "2026Q3",
        processed_dir=processed,
        reports_dir=reports,
        notebooks_dir=NOTEBOOKS_DIR,
        log=lambda _m: None,
    )
