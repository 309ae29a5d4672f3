"""Evaluating the landing sensor on a folder of tweet files, with the settings resource swapped
(not the environment)."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from orchestration.defs.ingest.sensors import landing_files_sensor
from orchestration.defs.resources import BotwatchSettings


def settings_for(landing: Path, root: Path | None = None) -> BotwatchSettings:
    """Settings of a collection named ``test`` reading ``landing``, writing under ``root``."""
    root = root or landing.parent / "workspace"
    return BotwatchSettings(
        collection="test",
        landing_dir=str(landing),
        warehouse=str(root / "warehouse.duckdb"),
        publish_dir=str(root / "published"),
        models_dir=str(root / "models"),
        labelled=[str(root / "labelled")],
        feature_set="population",
    )


def write_tweet_file(path: Path, tweet_id: int) -> None:
    tweet = {
        "id": tweet_id,
        "id_str": str(tweet_id),
        "created_at": "Fri May 05 19:00:00 +0000 2017",
        "text": "#MacronLeaks",
        "user": {"id": 1, "id_str": "1", "screen_name": "someone"},
    }
    path.write_text(json.dumps(tweet) + "\n")


def evaluate(instance: dg.DagsterInstance, landing: Path, cursor: str | None = None):
    """One evaluation of the landing sensor on ``landing``."""
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"settings": settings_for(landing)}
    )
    return landing_files_sensor(context)
