"""Where botwatch reads and writes. The one place paths are defined.

Everything a run writes belongs to a **collection**: a workspace folder
``BOTWATCH_COLLECTIONS_DIR/<name>/`` (default ``data/collections/<name>/``) holding its landing
folder, warehouse, Dagster home, models, published snapshot and logs, so two collections never
share state. The collection is, in order:

1. ``BOTWATCH_COLLECTION`` (``make run COLLECTION=...``);
2. when only ``BOTWATCH_LANDING_DIR`` is set: the collection whose own landing folder it is, else a
   name derived from the folder (its name plus a short hash of its resolved path), so pointing
   botwatch at a new folder gets a new workspace and never mixes it with the demo;
3. ``demo``, the simulated campaign.

Each path variable (``BOTWATCH_LANDING_DIR``, ``BOTWATCH_WAREHOUSE``, ...) still overrides the
collection's default for that path. Functions (not module constants) so tests can point botwatch
elsewhere with ``monkeypatch.setenv``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import sys
from pathlib import Path

from botwatch import duckdb_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SHARED_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data"

DEMO_COLLECTION = "demo"
COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
LANDING = "landing"
_HASH_LENGTH = 8


class InvalidCollectionName(ValueError):
    """``BOTWATCH_COLLECTION`` is not a usable folder name."""


def _path(variable: str, default: Path) -> Path:
    value = os.environ.get(variable)
    return Path(value).expanduser().resolve() if value else default


def collections_dir() -> Path:
    """Where the collections' workspaces live (``BOTWATCH_COLLECTIONS_DIR``)."""
    return _path("BOTWATCH_COLLECTIONS_DIR", DATA_DIR / "collections")


def derived_collection_name(landing: Path) -> str:
    """The collection of a landing folder given without a collection name: the folder's own
    collection when it is ``<collections dir>/<name>/landing``, else ``<folder name>-<hash>``
    (the hash of the resolved path, so two folders of the same name stay apart)."""
    resolved = Path(landing).expanduser().resolve()
    root = collections_dir()
    if resolved.name == LANDING and resolved.parent.parent == root:
        return resolved.parent.name
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", resolved.name).strip("-._")[:40] or "landing"
    digest = hashlib.sha256(str(resolved).encode()).hexdigest()[:_HASH_LENGTH]
    return f"{slug}-{digest}"


def collection() -> str:
    """The collection this process works on (see the module docstring)."""
    name = os.environ.get("BOTWATCH_COLLECTION", "").strip()
    if name:
        if not COLLECTION_NAME.match(name):
            raise InvalidCollectionName(
                f"BOTWATCH_COLLECTION={name!r}: use letters, digits, '.', '_' or '-' "
                "(at most 80, starting with a letter or digit)"
            )
        return name
    landing = os.environ.get("BOTWATCH_LANDING_DIR")
    if landing:
        return derived_collection_name(Path(landing))
    return DEMO_COLLECTION


def collection_dir() -> Path:
    """The workspace folder of the collection."""
    return collections_dir() / collection()


def landing_dir() -> Path:
    """Tweet files that arrive (``BOTWATCH_LANDING_DIR``)."""
    return _path("BOTWATCH_LANDING_DIR", collection_dir() / LANDING)


def landing_dir_is_default() -> bool:
    """Whether the landing folder is the collection's own (not one the user pointed at)."""
    return not os.environ.get("BOTWATCH_LANDING_DIR") or landing_dir() == (
        collection_dir() / LANDING
    )


def warehouse_path() -> Path:
    """The DuckDB file that Dagster and dbt write (``BOTWATCH_WAREHOUSE``)."""
    return _path("BOTWATCH_WAREHOUSE", collection_dir() / "warehouse.duckdb")


def warehouse_lock_path_of(warehouse: Path) -> Path:
    """Held by the one run that writes ``warehouse`` (beside it, so every writer finds it)."""
    return warehouse.with_name(f"{warehouse.name}.lock")


def publish_dir() -> Path:
    """The snapshot the app reads (``BOTWATCH_PUBLISH_DIR``)."""
    return _path("BOTWATCH_PUBLISH_DIR", collection_dir() / "published")


def models_dir() -> Path:
    """Trained classifier artefacts and their model cards (``BOTWATCH_MODELS_DIR``)."""
    return _path("BOTWATCH_MODELS_DIR", collection_dir() / "models")


def simulation_dir() -> Path:
    """The simulator's ground truth and labelled accounts, never read by the pipeline's ingest."""
    return _path("BOTWATCH_SIMULATION_DIR", collection_dir() / "simulation")


def dagster_home() -> Path:
    """Dagster's instance folder (runs, materialisations, check results): ``DAGSTER_HOME``."""
    return _path("DAGSTER_HOME", collection_dir() / "dagster_home")


def spark_dir() -> Path:
    """Spark's side of the collection (``BOTWATCH_SPARK_DIR``): ``lake/`` the raw and ml tables
    as Parquet, ``warehouse/`` the dbt relations, ``metastore_db/`` their catalog."""
    return _path("BOTWATCH_SPARK_DIR", collection_dir() / "spark")


def log_dir() -> Path:
    """Full logs of `make run` (``BOTWATCH_LOG_DIR``)."""
    return _path("BOTWATCH_LOG_DIR", collection_dir() / "logs")


def resolved_environment() -> dict[str, str]:
    """Every variable that names a path, with the value this process uses."""
    return {
        "BOTWATCH_COLLECTION": collection(),
        "BOTWATCH_LANDING_DIR": str(landing_dir()),
        "BOTWATCH_WAREHOUSE": str(warehouse_path()),
        "BOTWATCH_PUBLISH_DIR": str(publish_dir()),
        "BOTWATCH_MODELS_DIR": str(models_dir()),
        "BOTWATCH_SIMULATION_DIR": str(simulation_dir()),
        "BOTWATCH_LOG_DIR": str(log_dir()),
        "BOTWATCH_SPARK_DIR": str(spark_dir()),
        "DAGSTER_HOME": str(dagster_home()),
    }


def isolated_environment(
    root: Path, landing: Path | None = None, simulation: Path | None = None
) -> dict[str, str]:
    """This process's environment for a run that touches nothing but ``root``: every path
    variable under it (the landing and simulation folders where given), none of the caller's
    ``BOTWATCH_*`` kept, the project's own tools (dbt, dagster-dbt) first on ``PATH``, telemetry
    off. What the tests' and the benchmarks' pipeline runs use."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOTWATCH_")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(
        {
            "BOTWATCH_COLLECTIONS_DIR": str(root / "collections"),
            "BOTWATCH_LANDING_DIR": str(landing or root / LANDING),
            "BOTWATCH_SIMULATION_DIR": str(simulation or root / "simulation"),
            "BOTWATCH_WAREHOUSE": str(root / "warehouse.duckdb"),
            "BOTWATCH_PUBLISH_DIR": str(root / "published"),
            "BOTWATCH_MODELS_DIR": str(root / "models"),
            "BOTWATCH_LOG_DIR": str(root / "logs"),
            "DAGSTER_HOME": str(root / "dagster_home"),
            "GX_ANALYTICS_ENABLED": "false",
            "DAGSTER_DISABLE_TELEMETRY": "true",
        }
    )
    return env


def export_defaults() -> None:
    """Put every path into the environment, so that child processes (dbt, Dagster's code server)
    see the same paths as this one. Values already set are kept; the collection is exported
    first-hand, so a child never derives another one from the exported landing folder."""
    for variable, value in resolved_environment().items():
        os.environ.setdefault(variable, value)
    # dbt's profile reads DuckDB's memory bound from here (its temp folder follows the warehouse).
    os.environ.setdefault(duckdb_settings.MEMORY_LIMIT_VARIABLE, duckdb_settings.memory_limit())


def labelled_datasets() -> list[Path]:
    """Labelled account datasets to train on (``BOTWATCH_LABELLED``, separated by ``os.pathsep``
    or commas). Unset means the simulator's labelled accounts."""
    value = os.environ.get("BOTWATCH_LABELLED")
    if not value:
        return [simulated_labelled_dir()]
    parts = [p for chunk in value.split(os.pathsep) for p in chunk.split(",")]
    return [Path(p).expanduser().resolve() for p in parts if p.strip()]


def feature_set() -> str:
    """Which features the classifier trains on (``BOTWATCH_FEATURE_SET``): ``chosen`` (training
    picks, for each field set, among ``ml.features.CANDIDATE_FEATURE_SETS``) or one of
    ``ml.features.FEATURE_SETS``. By default ``chosen`` when the user names labelled datasets, and
    ``population`` when training on the simulator's labelled accounts, which come from the same
    generator as the simulated collection scored."""
    default = "chosen" if os.environ.get("BOTWATCH_LABELLED") else "population"
    return os.environ.get("BOTWATCH_FEATURE_SET", "").strip() or default


def reingest_every_file() -> bool:
    """Whether a run reads every landing file again (``BOTWATCH_REINGEST=1``, e.g. after an
    upgrade of the readers) instead of only the new and changed ones."""
    return os.environ.get("BOTWATCH_REINGEST", "").strip().lower() in {"1", "true", "yes"}


def simulated_labelled_dir() -> Path:
    """The simulator's labelled accounts (the default training set)."""
    return simulation_dir() / "labelled" / "simulated"


def main(argv: list[str] | None = None) -> int:
    """``python -m botwatch.paths``: the paths in force, as shell ``export`` lines."""
    del argv
    for variable, value in resolved_environment().items():
        sys.stdout.write(f"export {variable}={shlex.quote(value)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
