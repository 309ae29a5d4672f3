"""The collection's Dagster instance folder, with botwatch's dagster.yaml in it."""

from __future__ import annotations

import shutil
from pathlib import Path

from botwatch import paths

DAGSTER_YAML = Path(__file__).with_name("dagster.yaml")


def prepare_dagster_home() -> Path:
    """Create ``DAGSTER_HOME`` with botwatch's ``dagster.yaml`` when it has none."""
    home = paths.dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(DAGSTER_YAML, home / "dagster.yaml")
    return home
