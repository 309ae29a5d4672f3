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


def dagster_home() -> Path:
    """Dagster's instance folder (runs, materialisations, check results): ``DAGSTER_HOME``."""
    return _path("DAGSTER_HOME", DATA_DIR / "dagster_home")


def export_defaults() -> None:
    """Put every path into the environment, so that child processes (dbt, Dagster's code server)
    see the same paths as this one. Values already set are kept."""
    for variable, value in {
        "BOTWATCH_LANDING_DIR": landing_dir(),
        "BOTWATCH_WAREHOUSE": warehouse_path(),
        "BOTWATCH_PUBLISH_DIR": publish_dir(),
        "BOTWATCH_MODELS_DIR": models_dir(),
        "BOTWATCH_SIMULATION_DIR": simulation_dir(),
        "DAGSTER_HOME": dagster_home(),
    }.items():
        os.environ.setdefault(variable, str(value))


def labelled_datasets() -> list[Path]:
    """Labelled account datasets to train on (``BOTWATCH_LABELLED``, separated by ``os.pathsep``
    or commas). Unset means the simulator's labelled accounts."""
    value = os.environ.get("BOTWATCH_LABELLED")
    if not value:
        return [simulation_dir() / "labelled" / "simulated"]
    parts = [p for chunk in value.split(os.pathsep) for p in chunk.split(",")]
    return [Path(p).expanduser().resolve() for p in parts if p.strip()]
