"""Faults injected for real, and what the user keeps.

* `make run` (``python -m orchestration.materialize_all`` in a copy of the test pipeline's
  workspace) is frozen with SIGSTOP at a chosen step (ingest mid-transaction, the dbt build, the
  publish with its new snapshot half-written), a second run is started against the same warehouse
  while it holds it, then the whole process group is killed with SIGKILL (a power cut for the run
  and its dbt child). After each kill the published snapshot is the last good one and readable
  through the app's own door; the re-run completes, marks the killed runs failed and publishes
  exactly the tables of an uninterrupted run.
* The disk fills while publishing (a size-capped tmpfs): the snapshot in force stays, a clear error.
* The model file is truncated, has a byte flipped, is re-zipped with changed weights, or names an
  untrusted type: refused before use.
* The warehouse file is damaged: a clear error naming it, before anything runs.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pytest
from dagster import DagsterInstance, DagsterRunStatus

from botwatch import snapshot
from botwatch.paths import PROJECT_ROOT
from ml import artefact
from orchestration.snapshot_writer import write_snapshot_database
from tests.conftest import PipelineRun, pipeline_env, run_module
from tests.snapshot_tables import differing_tables, snapshot_tables

pytestmark = [pytest.mark.faults, pytest.mark.integration]

FREEZE_TIMEOUT_S = 1200


def copy_workspace(run: PipelineRun, root: Path) -> dict[str, str]:
    shutil.copytree(run.root, root, symlinks=True)
    shutil.rmtree(root / "logs", ignore_errors=True)
    return pipeline_env(root)


def start_run(env: dict[str, str], out: Path) -> subprocess.Popen:
    """`make run`'s program in its own process group (so its dbt child dies with it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.materialize_all"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=out.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def log_of(out: Path, process: subprocess.Popen, timeout: float = 120) -> Path:
    """The full log's path, from the run's second line."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in out.read_text().splitlines():
            if line.strip().startswith("full log:"):
                return Path(line.split("full log:", 1)[1].strip())
        assert process.poll() is None, out.read_text()
        time.sleep(0.1)
    raise AssertionError(f"no log path printed: {out.read_text()}")


def freeze_when(process: subprocess.Popen, condition: Callable[[], bool], out: Path) -> None:
    """SIGSTOP the run's process group at a moment ``condition`` holds (checked again once it is
    stopped, so the kill that follows happens exactly there)."""
    deadline = time.monotonic() + FREEZE_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the run ended before the fault:\n{out.read_text()}"
        if condition():
            os.killpg(process.pid, signal.SIGSTOP)
            if condition():
                return
            os.killpg(process.pid, signal.SIGCONT)
        time.sleep(0.02)
    raise AssertionError("the fault's moment never came")


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the group's other members (dbt) are gone too
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def step_running(log: Path, step: str, also: str | None = None) -> Callable[[], bool]:
    started = f'Started execution of step "{step}"'
    finished = f'Finished execution of step "{step}"'

    def running() -> bool:
        text = log.read_text(errors="replace") if log.exists() else ""
        if started not in text or finished in text:
            return False
        return also is None or also in text[text.index(started) :]

    return running


def wal_written(warehouse: Path) -> Callable[[], bool]:
    wal = warehouse.with_name(warehouse.name + ".wal")
    return lambda: wal.exists() and wal.stat().st_size > 0


def building_snapshot(publish_dir: Path) -> Callable[[], bool]:
    folder = publish_dir / snapshot.SNAPSHOTS
    return lambda: any(folder.glob(f"{snapshot.BUILDING_PREFIX}*"))


def assert_last_good_snapshot(publish_dir: Path, good_id: str, tweets: int) -> None:
    """The snapshot in force is the good one and reads, through the app's own door."""
    from app import data

    folder = snapshot.current_dir(publish_dir)
    assert folder is not None and snapshot.read_manifest(folder)["snapshot_id"] == good_id
    resolved = data.resolve(publish_dir)
    assert resolved.snapshot_id == good_id
    assert int(resolved.query("SELECT count(*) AS n FROM fct_tweets")["n"][0]) == tweets


@pytest.fixture(scope="module")
def uninterrupted(pipeline_snapshot: PipelineRun) -> dict[str, list[tuple]]:
    return snapshot_tables(pipeline_snapshot.publish_dir)


def test_kill_9_at_ingest_dbt_and_publish_then_a_rerun_gives_the_uninterrupted_tables(
    pipeline_snapshot: PipelineRun, uninterrupted: dict[str, list[tuple]], tmp_path: Path
) -> None:
    env = copy_workspace(pipeline_snapshot, tmp_path / "workspace")
    publish_dir = Path(env["BOTWATCH_PUBLISH_DIR"])
    warehouse = Path(env["BOTWATCH_WAREHOUSE"])
    good_id = snapshot.read_manifest(snapshot.current_dir(publish_dir))["snapshot_id"]
    tweets = len(uninterrupted["fct_tweets"])
    killed = []

    # 1. Ingest, mid-transaction (its rows in the WAL); a second run is refused meanwhile.
    run = start_run(env, tmp_path / "ingest.out")
    log = log_of(tmp_path / "ingest.out", run)
    raw_running = step_running(log, "raw_tweets")
    freeze_when(run, lambda: raw_running() and wal_written(warehouse)(), tmp_path / "ingest.out")
    second = run_module("orchestration.materialize_all", env=env, check=False)
    assert second.returncode == 2, second.stdout + second.stderr
    assert f"The warehouse {warehouse} is being written by another process" in second.stderr
    assert f"PID {run.pid} (" in second.stderr and "orchestration.materialize_all" in second.stderr
    kill(run)
    killed.append("raw_tweets")
    assert_last_good_snapshot(publish_dir, good_id, tweets)

    # 2. The dbt build, while dbt runs a model (the kill takes its dbt child too).
    run = start_run(env, tmp_path / "dbt.out")
    log = log_of(tmp_path / "dbt.out", run)
    freeze_when(
        run,
        step_running(log, "dbt_staging_and_intermediate", also=" START sql "),
        tmp_path / "dbt.out",
    )
    kill(run)
    killed.append("dbt_staging_and_intermediate")
    assert_last_good_snapshot(publish_dir, good_id, tweets)

    # 3. The publish, its new snapshot half-written.
    run = start_run(env, tmp_path / "publish.out")
    log = log_of(tmp_path / "publish.out", run)
    publishing = step_running(log, "published_snapshot")
    building = building_snapshot(publish_dir)
    freeze_when(run, lambda: publishing() and building(), tmp_path / "publish.out")
    kill(run)
    killed.append("published_snapshot")
    assert_last_good_snapshot(publish_dir, good_id, tweets)
    assert building(), "the half-written snapshot is left for the next publish to remove"

    # The re-run: completes, marks the killed runs failed, publishes the uninterrupted tables.
    rerun = run_module("orchestration.materialize_all", env=env)
    # Each start marks the run killed before it: the re-run marks the last one.
    assert "1 earlier run(s) never finished" in rerun.stdout, rerun.stdout
    new_id = snapshot.read_manifest(snapshot.current_dir(publish_dir))["snapshot_id"]
    assert new_id != good_id
    assert not building()
    assert differing_tables(snapshot_tables(publish_dir), uninterrupted) == {}
    with DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        statuses = [r.status for r in instance.get_runs()]
    assert statuses.count(DagsterRunStatus.FAILURE) == len(killed) == 3
    assert DagsterRunStatus.STARTED not in statuses


def mount_tmpfs(mountpoint: Path, size_bytes: int) -> None:
    mountpoint.mkdir(parents=True)
    completed = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs", str(mountpoint)],
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        pytest.skip(f"cannot mount a size-capped tmpfs here ({completed.stderr.strip()})")


def test_disk_full_while_publishing_keeps_the_snapshot_in_force(
    pipeline_snapshot: PipelineRun, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(pipeline_snapshot.warehouse, warehouse)
    good = snapshot.current_dir(pipeline_snapshot.publish_dir)
    good_bytes = sum(p.stat().st_size for p in good.rglob("*") if p.is_file())
    # Room for the snapshot in force, not for a second one beside it.
    small = tmp_path / "small-disk"
    mount_tmpfs(small, int(good_bytes * 1.5))
    try:
        shutil.copytree(good, small / snapshot.SNAPSHOTS / good.name)
        (small / snapshot.CURRENT).symlink_to(Path(snapshot.SNAPSHOTS) / good.name)
        with duckdb.connect(str(warehouse)) as con, pytest.raises(snapshot.PublishError) as full:
            snapshot.publish(
                small, lambda folder: write_snapshot_database(con, folder), run_id="too-big"
            )
        message = str(full.value)
        assert "No space left on the device" in message and str(small) in message
        assert f"({good.name}) stays current" in message
        assert snapshot.current_dir(small) == (small / snapshot.SNAPSHOTS / good.name).resolve()
        assert not list((small / snapshot.SNAPSHOTS).glob(f"{snapshot.BUILDING_PREFIX}*"))
        from app import data

        resolved = data.resolve(small)
        assert resolved.snapshot_id == good.name
        assert int(resolved.query("SELECT count(*) AS n FROM fct_tweets")["n"][0]) > 0
    finally:
        subprocess.run(["umount", "-l", str(small)], check=False)


def rezip(data: bytes, change: Callable[[str, bytes], bytes]) -> bytes:
    """The skops file re-zipped with ``change(name, content)`` applied to every member (valid zip,
    valid CRCs: tampering, not damage)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, change(info.filename, source.read(info.filename)))
    return out.getvalue()


def test_a_damaged_or_tampered_model_file_is_refused_before_use(
    pipeline_snapshot: PipelineRun, tmp_path: Path
) -> None:
    current = pipeline_snapshot.trained_artefact()
    original = current.path
    assert artefact.load(original, sha256=current.sha256).version == current.version
    data = original.read_bytes()
    target = tmp_path / original.name

    target.write_bytes(data[: len(data) // 2])
    with pytest.raises(artefact.DamagedArtefactError, match="damaged"):
        artefact.load(target)

    flipped = bytearray(data)
    flipped[len(flipped) // 3] ^= 0x01
    target.write_bytes(bytes(flipped))
    with pytest.raises(artefact.DamagedArtefactError, match=re.escape(str(target))):
        artefact.load(target)

    def scaled_weights(name: str, content: bytes) -> bytes:
        if not name.endswith(".npy"):
            return content
        array = np.load(io.BytesIO(content), allow_pickle=False)
        if array.dtype.kind != "f" or array.size == 0:
            return content
        buffer = io.BytesIO()
        np.save(buffer, array * 1.5, allow_pickle=False)
        return buffer.getvalue()

    target.write_bytes(rezip(data, scaled_weights))
    with pytest.raises(ValueError, match=r"content hash \w+ does not match the file name"):
        artefact.load(target)

    def foreign_type(name: str, content: bytes) -> bytes:
        if name != "schema.json":
            return content
        schema = json.loads(content)
        # An object of a type outside the trusted list, in skops' own node layout.
        schema["content"]["threshold"] = {
            "__class__": "system",
            "__module__": "os",
            "__loader__": "ObjectNode",
            "__id__": 1,
            "content": {
                "__class__": "dict",
                "__module__": "builtins",
                "__loader__": "DictNode",
                "__id__": 2,
                "content": {},
                "key_types": {
                    "__class__": "list",
                    "__module__": "builtins",
                    "__loader__": "ListNode",
                    "__id__": 3,
                    "content": [],
                },
            },
        }
        return json.dumps(schema).encode()

    target.write_bytes(rezip(data, foreign_type))
    with pytest.raises(artefact.UntrustedArtefactError, match=re.escape("os.system")):
        artefact.load(target)


def test_a_damaged_warehouse_is_named_before_anything_runs(
    pipeline_snapshot: PipelineRun, tmp_path: Path
) -> None:
    env = copy_workspace(pipeline_snapshot, tmp_path / "workspace")
    warehouse = Path(env["BOTWATCH_WAREHOUSE"])
    good_id = snapshot.read_manifest(snapshot.current_dir(Path(env["BOTWATCH_PUBLISH_DIR"])))[
        "snapshot_id"
    ]
    with open(warehouse, "r+b") as handle:
        handle.write(b"\xff" * 4096)  # the file header
    completed = run_module("orchestration.materialize_all", env=env, check=False)
    assert completed.returncode == 2
    assert f"The warehouse {warehouse} cannot be opened, it looks damaged" in completed.stderr
    assert "move it aside" in completed.stderr
    after = snapshot.read_manifest(snapshot.current_dir(Path(env["BOTWATCH_PUBLISH_DIR"])))
    assert after["snapshot_id"] == good_id
