"""Where botwatch reads and writes. The one place paths are defined.

Every path comes from an environment variable with a default under ``data/`` in the project root.
Functions (not module constants) so tests can point botwatch elsewhere with ``monkeypatch.setenv``.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SHARED_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"


def _path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value).expanduser().resolve() if value else default


def landing_dir() -> Path:
    """Tweet files that arrive (``BOTWATCH_LANDING_DIR``)."""
    return _path("BOTWATCH_LANDING_DIR", DATA_DIR / "landing")


def warehouse_path() -> Path:
    """The DuckDB file that Dagster and dbt write (``BOTWATCH_WAREHOUSE``)."""
    return _path("BOTWATCH_WAREHOUSE", DATA_DIR / "warehouse.duckdb")


def publish_dir() -> Path:
    """The snapshot the app reads (``BOTWATCH_PUBLISH_DIR``)."""
    return _path("BOTWATCH_PUBLISH_DIR", DATA_DIR / "published")


def models_dir() -> Path:
    """Trained classifier artefacts and their model cards (``BOTWATCH_MODELS_DIR``)."""
    return _path("BOTWATCH_MODELS_DIR", DATA_DIR / "models")


def simulation_dir() -> Path:
    """The simulator's ground truth and labelled accounts, never read by the pipeline's ingest."""
    return _path("BOTWATCH_SIMULATION_DIR", DATA_DIR / "simulation")


def labelled_datasets() -> list[Path]:
    """Labelled account datasets to train on (``BOTWATCH_LABELLED``, separated by ``os.pathsep``
    or commas). Unset means the simulator's labelled accounts."""
    value = os.environ.get("BOTWATCH_LABELLED")
    if not value:
        return [simulation_dir() / "labelled" / "simulated"]
    parts = [p for chunk in value.split(os.pathsep) for p in chunk.split(",")]
    return [Path(p).expanduser().resolve() for p in parts if p.strip()]
