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
