"""Project paths, built from the project root. Nothing else lives here."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def _find_root() -> Path:
    env = os.environ.get("SELFRELIANCE_ROOT")
    if env:
        return Path(env).resolve()
    # The working directory first (a project checkout), then the package's own location
    # (an editable install run from elsewhere).
    for start in (Path.cwd().resolve(), Path(__file__).resolve().parent):
        for candidate in (start, *start.parents):
            if (candidate / "pyproject.toml").exists() and (candidate / "notebooks").is_dir():
                return candidate
    return Path.cwd().resolve()


PROJECT_ROOT = _find_root()
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = PROJECT_ROOT / "reports"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
SECRETS_DIR = PROJECT_ROOT / ".secrets"

RESOURCES = resources.files("selfreliance") / "resources"


def resource_path(name: str) -> Path:
    """Path of a file shipped inside the package (codebook, defaults, templates)."""
    return Path(str(RESOURCES / name))


def processed_dir_from(value: str | None = None) -> Path:
    """The processed-data folder: the given value, else ``$SELFRELIANCE_PROCESSED_DIR``,
    else ``data/processed`` under the project root (how notebooks find their data)."""
    chosen = value or os.environ.get("SELFRELIANCE_PROCESSED_DIR")
    return Path(chosen).resolve() if chosen else PROCESSED_DIR
