"""A real pipeline run in a folder of its own: its environment, its outputs, and reading them
independently of the pipeline."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from botwatch.paths import PROJECT_ROOT, isolated_environment

if TYPE_CHECKING:
    from ml.artefact import ModelArtefact


@dataclass(frozen=True)
class PipelineRun:
    root: Path
    env: dict[str, str]
    output: str

    @property
    def landing_dir(self) -> Path:
        return Path(self.env["BOTWATCH_LANDING_DIR"])

    @property
    def warehouse(self) -> Path:
        return Path(self.env["BOTWATCH_WAREHOUSE"])

    @property
    def publish_dir(self) -> Path:
        return Path(self.env["BOTWATCH_PUBLISH_DIR"])

    @property
    def simulation_dir(self) -> Path:
        return Path(self.env["BOTWATCH_SIMULATION_DIR"])

    @property
    def truth(self) -> dict:
        return json.loads((self.simulation_dir / "truth" / "summary.json").read_text())

    def trained_artefact(self) -> ModelArtefact:
        """The classifier artefact that the run's bot_classifier materialisation names."""
        # Imported here: Dagster costs seconds to import, and most tests never need it.
        from dagster import DagsterInstance

        from orchestration.defs.ml.handoff import trained_classifier_artefact

        with DagsterInstance.from_config(self.env["DAGSTER_HOME"]) as instance:
            return trained_classifier_artefact(instance)


def pipeline_env(root: Path) -> dict[str, str]:
    """A complete botwatch environment under ``root`` (no path of the developer's is touched)."""
    return isolated_environment(root)


def run_module(
    module: str, *args: str, env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess:
    """Run ``python -m module`` of this project as a user would, capturing its output."""
    completed = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        cwd=PROJECT_ROOT,
        text=True,
        capture_output=True,
        timeout=1800,
    )
    if check and completed.returncode != 0:
        raise AssertionError(
            f"python -m {module} failed ({completed.returncode}):\n{completed.stdout[-6000:]}\n"
            f"{completed.stderr[-6000:]}"
        )
    return completed


def prepare_dbt_manifest() -> None:
    subprocess.run(
        [
            str(Path(sys.executable).with_name("dagster-dbt")),
            "project",
            "prepare-and-package",
            "--file",
            "orchestration/dbt_project.py",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
        env=pipeline_env(PROJECT_ROOT / "data"),
    )


def landed_tweet_ids(landing_dir: Path) -> tuple[set[str], set[str]]:
    """Tweet ids in the landing files (with embedded ones) and deleted ids, read independently."""
    tweets: set[str] = set()
    deleted: set[str] = set()
    for path in sorted(landing_dir.rglob("*.json*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if "delete" in record:
                    deleted.add(record["delete"]["status"]["id_str"])
                    continue
                if "id_str" not in record:
                    continue
                tweets.add(record["id_str"])
                for embedded in ("retweeted_status", "quoted_status"):
                    if embedded in record:
                        tweets.add(record[embedded]["id_str"])
    return tweets, deleted
