"""The collection's Dagster instance folder, with botwatch's dagster.yaml in it."""

from __future__ import annotations

import json
from pathlib import Path

from botwatch import paths

DAGSTER_YAML = Path(__file__).with_name("dagster.yaml")
# The first line of a dagster.yaml botwatch wrote (and of the one earlier versions copied): such
# a file is botwatch's to rewrite; any other is the user's.
OUR_FIRST_LINES = (
    DAGSTER_YAML.read_text(encoding="utf-8").splitlines()[0],
    "# Copied into the collection's DAGSTER_HOME when missing (orchestration/dagster_home.py).",
)


def render_dagster_yaml(home: Path) -> str:
    """botwatch's dagster.yaml for the instance folder ``home`` (its paths are absolute)."""
    template = DAGSTER_YAML.read_text(encoding="utf-8")
    # Where Dagster's default storage keeps the event log, so old and new runs read alike; a
    # JSON string is a YAML scalar whatever the path holds.
    event_log_dir = json.dumps(str(home.resolve() / "history" / "runs"))
    return template.replace("{event_log_dir}", event_log_dir)


def prepare_dagster_home() -> Path:
    """Create ``DAGSTER_HOME`` and write botwatch's ``dagster.yaml`` in it, unless the file there
    is the user's own."""
    home = paths.dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    wanted = render_dagster_yaml(home)
    if target.exists():
        present = target.read_text(encoding="utf-8")
        if present == wanted or present.split("\n", 1)[0] not in OUR_FIRST_LINES:
            return home
    temporary = target.with_suffix(".yaml.tmp")
    temporary.write_text(wanted, encoding="utf-8")
    temporary.replace(target)
    return home
