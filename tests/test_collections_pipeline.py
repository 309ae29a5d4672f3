"""Collections and landing changes, through the real pipeline.

* The README's "Your own data", as written: after the demo, `BOTWATCH_LANDING_DIR=/some/folder
  make run` with nothing else set succeeds and publishes that folder's tweets alone, in its own
  workspace, and the demo's is untouched.
* A landing file deleted after a run: the next run reports it, retires its partition and gives
  exactly the tables of a fresh run on the remaining files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance

from botwatch import paths, snapshot
from botwatch.paths import PROJECT_ROOT
from orchestration.defs.ingest.assets import RAW_TWEETS
from orchestration.partitions import landing_files
from tests.helpers.pipeline_runs import PipelineRun, landed_tweet_ids, pipeline_env, run_module
from tests.snapshot_tables import differing_tables, snapshot_tables

pytestmark = pytest.mark.integration

OWN_TWEETS = 2000  # the simulator's minimum


def demo_workspace_from(run: PipelineRun, collections: Path) -> Path:
    """The test pipeline's results laid out as the demo collection of a clone's data/ folder."""
    demo = collections / paths.DEMO_COLLECTION
    demo.mkdir(parents=True)
    for name in ("landing", "published", "models", "simulation", "dagster_home"):
        shutil.copytree(run.root / name, demo / name, symlinks=True)
    shutil.copyfile(run.warehouse, demo / "warehouse.duckdb")
    return demo


def user_env(collections: Path, **variables: str) -> dict[str, str]:
    """A user's shell: no botwatch variable but the ones given (the clone's data/ folder is
    replaced by ``collections``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOTWATCH_", "DAGSTER_HOME"))}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(
        {
            "BOTWATCH_COLLECTIONS_DIR": str(collections),
            "GX_ANALYTICS_ENABLED": "false",
            "DAGSTER_DISABLE_TELEMETRY": "true",
            **variables,
        }
    )
    return env


def derived_collection(env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "-c", "from botwatch import paths; print(paths.collection())"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_your_own_data_after_the_demo_publishes_that_folder_alone(
    pipeline_snapshot: PipelineRun, tmp_path: Path
) -> None:
    collections = tmp_path / "data" / "collections"
    demo = demo_workspace_from(pipeline_snapshot, collections)
    demo_snapshot = snapshot.read_manifest(snapshot.current_dir(demo / "published"))
    own = tmp_path / "my-collection"
    run_module(
        "simulate",
        "--tweets",
        str(OWN_TWEETS),
        "--seed",
        "2024",
        "--landing",
        str(own),
        "--truth",
        str(tmp_path / "my-collection-truth"),
        "--no-progress",
        env=user_env(collections),
    )
    env = user_env(collections, BOTWATCH_LANDING_DIR=str(own))

    completed = run_module("orchestration.materialize_all", env=env)

    name = derived_collection(env)
    assert name.startswith("my-collection-") and name != paths.DEMO_COLLECTION
    workspace = collections / name
    assert f"collection '{name}'" in completed.stdout
    folder = snapshot.current_dir(workspace / "published")
    assert folder is not None and f"snapshot:  {folder}" in completed.stdout
    manifest = snapshot.read_manifest(folder)
    assert manifest["collection"] == name and manifest["landing_dir"] == str(own)
    tweets, deleted = landed_tweet_ids(own)
    with duckdb.connect(str(folder / snapshot.DATABASE), read_only=True) as con:
        ids = {r[0] for r in con.execute("SELECT tweet_id FROM fct_tweets").fetchall()}
    assert ids == tweets - deleted, "that folder's tweets, and no other"
    demo_ids, _ = landed_tweet_ids(demo / "landing")
    assert not ids & demo_ids
    # The demo's workspace is as it was.
    assert snapshot.read_manifest(snapshot.current_dir(demo / "published")) == demo_snapshot

    # The same folder pointed at the demo's warehouse is refused, nothing run or written.
    mixed = run_module(
        "orchestration.materialize_all",
        env={**env, "BOTWATCH_WAREHOUSE": str(demo / "warehouse.duckdb")},
        check=False,
    )
    assert mixed.returncode == 2
    assert "never mixes two collections" in mixed.stderr
    assert str(demo / "warehouse.duckdb") in mixed.stderr


def test_a_run_after_a_landing_file_is_deleted_equals_a_fresh_run_on_the_rest(
    pipeline_snapshot: PipelineRun, tmp_path: Path
) -> None:
    rerun_root, fresh_root = tmp_path / "rerun", tmp_path / "fresh"
    shutil.copytree(pipeline_snapshot.root, rerun_root, symlinks=True)
    rerun_env = pipeline_env(rerun_root)
    landing = Path(rerun_env["BOTWATCH_LANDING_DIR"])
    files = sorted(p.name for p in landing.iterdir())
    gone = files[len(files) // 2]
    (landing / gone).unlink()
    # The fresh run: the remaining files in an empty workspace, trained on the same labels.
    fresh_env = pipeline_env(fresh_root)
    shutil.copytree(landing, fresh_env["BOTWATCH_LANDING_DIR"])
    shutil.copytree(pipeline_snapshot.simulation_dir, fresh_env["BOTWATCH_SIMULATION_DIR"])
    (tmp_path / "gone").mkdir()
    shutil.copyfile(pipeline_snapshot.landing_dir / gone, tmp_path / "gone" / gone)
    gone_tweets, _ = landed_tweet_ids(tmp_path / "gone")
    assert gone_tweets, "the deleted file held tweets"

    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "orchestration.materialize_all"],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for env in (rerun_env, fresh_env)
    ]
    outputs = [p.communicate(timeout=1800)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert f"1 landing file(s) are gone from {landing}" in outputs[0] and gone in outputs[0]

    rerun_tables = snapshot_tables(Path(rerun_env["BOTWATCH_PUBLISH_DIR"]))
    assert (
        differing_tables(rerun_tables, snapshot_tables(Path(fresh_env["BOTWATCH_PUBLISH_DIR"])))
        == {}
    )
    assert differing_tables(rerun_tables, snapshot_tables(pipeline_snapshot.publish_dir)) != {}
    with duckdb.connect(rerun_env["BOTWATCH_WAREHOUSE"], read_only=True) as con:
        assert (
            con.execute("SELECT count(*) FROM raw.tweets WHERE source_file = ?", [gone]).fetchone()[
                0
            ]
            == 0
        )
    with DagsterInstance.from_config(rerun_env["DAGSTER_HOME"]) as instance:
        assert gone not in instance.get_dynamic_partitions(landing_files.name)
        # The remaining files were ingested by the first run and are unchanged: none read again.
        [latest] = instance.fetch_materializations(RAW_TWEETS, limit=1).records
        metadata = latest.asset_materialization.metadata
        assert metadata["files"].value == 0
        assert metadata["unchanged_files"].value == len(files) - 1
