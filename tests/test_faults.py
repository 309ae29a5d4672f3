"""Faults injected for real, and what the user keeps.

* `make run` (``python -m orchestration.materialize_all`` in a copy of the test pipeline's
  workspace) is frozen with SIGSTOP at a chosen step (ingest mid-transaction, the dbt build, the
  scoring, the publish with its new snapshot half-written), a second run is started against the
  same warehouse while it holds it, then the whole process group is killed with SIGKILL (a power
  cut for the run and its dbt child). After each kill the warehouse holds the last good tables and
  the published snapshot is the last good one, readable through the app's own door; the re-run
  completes, marks the killed runs failed and publishes exactly the tables of an uninterrupted run.
  Meanwhile the real app (``streamlit run``, as `make app` starts it, on the workspace's published
  snapshot) is open in headless Chromium, visiting its pages over and over: never an exception on
  a page, never a snapshot other than a whole published one.
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
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from dagster import DagsterInstance, DagsterRunStatus

from botwatch import published, snapshot
from botwatch.paths import PROJECT_ROOT
from ml import artefact
from orchestration.snapshot_writer import write_snapshot_database
from tests.browser import harness
from tests.helpers.pipeline_runs import PipelineRun, pipeline_env, run_module
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
    stopped, so the kill that follows happens exactly there). Polled every 5 ms: the scoring step
    lasts well under a second on the test campaign."""
    deadline = time.monotonic() + FREEZE_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the run ended before the fault:\n{out.read_text()}"
        if condition():
            os.killpg(process.pid, signal.SIGSTOP)
            if condition():
                return
            os.killpg(process.pid, signal.SIGCONT)
        time.sleep(0.005)
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


class GrowingLog:
    """A log file read as it grows (only the new bytes on each look)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.text = ""
        self._read = 0

    def now(self) -> str:
        if self.path.exists():
            with self.path.open("rb") as handle:
                handle.seek(self._read)
                new = handle.read()
            self._read += len(new)
            self.text += new.decode(errors="replace")
        return self.text


def step_running(log: Path, step: str, also: str | None = None) -> Callable[[], bool]:
    started = f'Started execution of step "{step}"'
    finished = f'Finished execution of step "{step}"'
    growing = GrowingLog(log)

    def running() -> bool:
        text = growing.now()
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


# Tables whose rows say what a run committed: raw, the scores, a mart.
WAREHOUSE_TABLES = ("raw.tweets", "ml.account_bot_scores", "marts.dim_accounts")


def warehouse_rows(warehouse: Path, scratch: Path) -> dict[str, int]:
    """Row counts of WAREHOUSE_TABLES in a copy of ``warehouse`` (its WAL beside it, replayed as
    the next run would), so the file under test is never opened here."""
    scratch.mkdir(parents=True, exist_ok=True)
    copy = scratch / warehouse.name
    for suffix in ("", ".wal"):
        source = warehouse.with_name(warehouse.name + suffix)
        target = copy.with_name(copy.name + suffix)
        target.unlink(missing_ok=True)
        if source.exists():
            shutil.copyfile(source, target)
    with duckdb.connect(str(copy)) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in WAREHOUSE_TABLES}


class AppWatch(threading.Thread):
    """The real app open in headless Chromium while faults happen: it visits the app's pages one
    after another until stopped and records, per phase, each visit's exceptions on screen and the
    snapshot the sidebar names, and what the app's own door (``app.data.resolve``) reads."""

    PAGES = ("", "accounts", "reused_bots", "coordination", "model", "data_quality")

    def __init__(self, url: str, publish_dir: Path) -> None:
        super().__init__(daemon=True)
        self.url, self.publish_dir = url, publish_dir
        self.phase = "before"
        self.visits: dict[str, int] = {}
        self.exceptions: list[tuple[str, str, str]] = []
        self.snapshots_shown: set[str] = set()
        self.door: list[tuple[str, str, int]] = []  # (phase, snapshot id, fct_tweets rows)
        self.failure: BaseException | None = None
        self._stopping = threading.Event()  # not _stop: threading.Thread has a _stop()

    def run(self) -> None:
        try:
            self._watch()
        except BaseException as error:  # reported by stop()
            self.failure = error

    def _watch(self) -> None:
        from playwright.sync_api import sync_playwright

        from app import data

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=harness.chromium_path(), args=harness.CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1366, "height": 850})
            visit = 0
            while not self._stopping.is_set():
                phase, name = self.phase, self.PAGES[visit % len(self.PAGES)]
                visit += 1
                page.goto(f"{self.url}/{name}")
                harness.wait_for_render(page)
                for text in harness.exceptions_on(page):
                    self.exceptions.append((phase, name or "overview", text))
                sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
                shown = re.search(r"Snapshot (\S+)", sidebar)
                self.snapshots_shown.add(shown.group(1) if shown else f"none on {name}")
                resolved = data.resolve(self.publish_dir)
                rows = int(resolved.query("SELECT count(*) AS n FROM fct_tweets")["n"][0])
                self.door.append((phase, resolved.snapshot_id, rows))
                self.visits[phase] = self.visits.get(phase, 0) + 1
            browser.close()

    def during(self, phase: str) -> None:
        """From now on, visits count for ``phase``; waits for a first visit of the phase before
        it (so every fault is watched)."""
        previous = self.phase
        deadline = time.monotonic() + 300
        while not self.visits.get(previous) and time.monotonic() < deadline:
            assert self.is_alive(), f"the app watch stopped: {self.failure!r}"
            time.sleep(0.2)
        self.phase = phase

    def stop(self) -> None:
        self.during("after")
        self._stopping.set()
        self.join(timeout=300)
        if self.failure is not None:
            raise AssertionError(f"the app watch failed: {self.failure!r}") from self.failure


@pytest.fixture(scope="module")
def uninterrupted(pipeline_snapshot: PipelineRun) -> dict[str, list[tuple]]:
    return snapshot_tables(pipeline_snapshot.publish_dir)


def test_kill_9_at_ingest_dbt_scoring_and_publish_then_a_rerun_gives_the_uninterrupted_tables(
    pipeline_snapshot: PipelineRun, uninterrupted: dict[str, list[tuple]], tmp_path: Path
) -> None:
    if harness.chromium_path() is None:
        pytest.skip("chromium is not installed: `make browser` installs Debian's package")
    env = copy_workspace(pipeline_snapshot, tmp_path / "workspace")
    publish_dir = Path(env["BOTWATCH_PUBLISH_DIR"])
    warehouse = Path(env["BOTWATCH_WAREHOUSE"])
    good_id = snapshot.read_manifest(snapshot.current_dir(publish_dir))["snapshot_id"]
    tweets = len(uninterrupted["fct_tweets"])
    good_rows = warehouse_rows(warehouse, tmp_path / "scratch")
    killed = []
    with harness.running_app(publish_dir, env=env) as url:
        watch = AppWatch(url, publish_dir)
        watch.start()
        try:
            kill_at_every_step_then_rerun(
                env, tmp_path, watch, good_id, tweets, good_rows, killed, uninterrupted
            )
        finally:
            watch.stop()
    new_id = snapshot.read_manifest(snapshot.current_dir(publish_dir))["snapshot_id"]
    # The app, open through it all: every fault watched, no exception, whole snapshots only.
    assert set(watch.visits) >= {"before", *killed, "rerun"}, watch.visits
    assert watch.exceptions == []
    assert watch.snapshots_shown <= {good_id, new_id}, watch.snapshots_shown
    assert {(i, n) for _, i, n in watch.door} <= {(good_id, tweets), (new_id, tweets)}
    assert {i for p, i, _ in watch.door if p in killed} == {good_id}


def kill_at_every_step_then_rerun(
    env: dict[str, str],
    tmp_path: Path,
    watch: AppWatch,
    good_id: str,
    tweets: int,
    good_rows: dict[str, int],
    killed: list[str],
    uninterrupted: dict[str, list[tuple]],
) -> None:
    publish_dir = Path(env["BOTWATCH_PUBLISH_DIR"])
    warehouse = Path(env["BOTWATCH_WAREHOUSE"])

    def after_the_kill(step: str) -> None:
        killed.append(step)
        assert_last_good_snapshot(publish_dir, good_id, tweets)
        assert warehouse_rows(warehouse, tmp_path / "scratch") == good_rows, step

    # 1. Ingest, mid-transaction (its rows in the WAL); a second run is refused meanwhile.
    watch.during("raw_tweets")
    run = start_run(env, tmp_path / "ingest.out")
    log = log_of(tmp_path / "ingest.out", run)
    raw_running = step_running(log, "raw_tweets")
    freeze_when(run, lambda: raw_running() and wal_written(warehouse)(), tmp_path / "ingest.out")
    second = run_module("orchestration.materialize_all", env=env, check=False)
    assert second.returncode == 2, second.stdout + second.stderr
    assert f"The warehouse {warehouse} is being written by another process" in second.stderr
    assert f"PID {run.pid} (" in second.stderr and "orchestration.materialize_all" in second.stderr
    kill(run)
    after_the_kill("raw_tweets")

    # 2. The dbt build, while dbt runs a model (the kill takes its dbt child too).
    watch.during("dbt_before_scores")
    run = start_run(env, tmp_path / "dbt.out")
    log = log_of(tmp_path / "dbt.out", run)
    freeze_when(
        run,
        step_running(log, "dbt_before_scores", also=" START sql "),
        tmp_path / "dbt.out",
    )
    kill(run)
    after_the_kill("dbt_before_scores")

    # 3. The scoring (the classifier scoring every account, the scores' table being replaced).
    watch.during("ml__account_bot_scores")
    run = start_run(env, tmp_path / "scoring.out")
    log = log_of(tmp_path / "scoring.out", run)
    freeze_when(run, step_running(log, "ml__account_bot_scores"), tmp_path / "scoring.out")
    kill(run)
    after_the_kill("ml__account_bot_scores")

    # 4. The publish, its new snapshot half-written.
    watch.during("published_snapshot")
    run = start_run(env, tmp_path / "publish.out")
    log = log_of(tmp_path / "publish.out", run)
    publishing = step_running(log, "published_snapshot")
    building = building_snapshot(publish_dir)
    freeze_when(run, lambda: publishing() and building(), tmp_path / "publish.out")
    kill(run)
    after_the_kill("published_snapshot")
    assert building(), "the half-written snapshot is left for the next publish to remove"

    # The re-run: completes, marks the killed runs failed, publishes the uninterrupted tables.
    watch.during("rerun")
    rerun = run_module("orchestration.materialize_all", env=env)
    # Each start marks the run killed before it: the re-run marks the last one.
    assert "1 earlier run(s) never finished" in rerun.stdout, rerun.stdout
    new_id = snapshot.read_manifest(snapshot.current_dir(publish_dir))["snapshot_id"]
    assert new_id != good_id
    assert not building()
    assert differing_tables(snapshot_tables(publish_dir), uninterrupted) == {}
    with DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        statuses = [r.status for r in instance.get_runs()]
    assert statuses.count(DagsterRunStatus.FAILURE) == len(killed) == 4
    assert DagsterRunStatus.STARTED not in statuses
    assert warehouse_rows(warehouse, tmp_path / "scratch") == good_rows


def mount_tmpfs(mountpoint: Path, size_bytes: int) -> None:
    mountpoint.mkdir(parents=True)
    completed = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_bytes}", "tmpfs", str(mountpoint)],
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        pytest.skip(f"cannot mount a size-capped tmpfs here ({completed.stderr.strip()})")


def frames_the_publish_step_computed(snapshot_folder: Path) -> dict[str, pd.DataFrame]:
    """The tables the publish step computes itself (no warehouse source), as the snapshot in
    force holds them: what a second publish of the same run would write again."""
    with duckdb.connect(str(snapshot_folder / snapshot.DATABASE), read_only=True) as con:
        return {
            table.name: con.execute(f'SELECT * FROM "{table.name}"').df()
            for table in published.tables().values()
            if table.source is None
        }


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
        computed = frames_the_publish_step_computed(good)
        with duckdb.connect(str(warehouse)) as con, pytest.raises(snapshot.PublishError) as full:
            snapshot.publish(
                small,
                lambda folder: write_snapshot_database(con, folder, computed),
                run_id="too-big",
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
