"""Collections: every path of a collection comes from one place, a landing folder given alone gets
its own workspace, and a warehouse refuses a landing folder it was not built from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from botwatch import paths
from orchestration import workspace
from orchestration.defs.resources import WarehouseResource

PATH_VARIABLES = (
    "BOTWATCH_COLLECTION",
    "BOTWATCH_COLLECTIONS_DIR",
    "BOTWATCH_LANDING_DIR",
    "BOTWATCH_WAREHOUSE",
    "BOTWATCH_PUBLISH_DIR",
    "BOTWATCH_MODELS_DIR",
    "BOTWATCH_SIMULATION_DIR",
    "BOTWATCH_LOG_DIR",
    "BOTWATCH_LABELLED",
    "DAGSTER_HOME",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No path variable set; whatever a test sets (export_defaults too) is undone after it."""
    for variable in PATH_VARIABLES:
        monkeypatch.setenv(variable, "recorded")  # so that monkeypatch restores the original
        monkeypatch.delenv(variable)
    monkeypatch.setenv("BOTWATCH_COLLECTIONS_DIR", str(tmp_path / "collections"))
    return tmp_path / "collections"


def paths_of_a_child(env: dict[str, str] | None = None) -> dict[str, str]:
    """Every path variable as a child process started with ``env`` resolves it
    (``python -m botwatch.paths``)."""
    printed = subprocess.run(
        [sys.executable, "-m", "botwatch.paths"],
        capture_output=True,
        text=True,
        check=True,
        cwd=paths.PROJECT_ROOT,
        env=env,
    ).stdout
    return dict(
        line.removeprefix("export ").split("=", 1)
        for line in printed.splitlines()
        if line.startswith("export ")
    )


def test_the_demo_is_the_default_collection_and_holds_every_path(clean_env: Path) -> None:
    assert paths.collection() == "demo"
    workspace_dir = clean_env / "demo"
    assert paths.collection_dir() == workspace_dir
    for path in (
        paths.landing_dir(),
        paths.warehouse_path(),
        paths.publish_dir(),
        paths.models_dir(),
        paths.simulation_dir(),
        paths.dagster_home(),
        paths.log_dir(),
        paths.simulated_labelled_dir(),
    ):
        assert path.is_relative_to(workspace_dir), path
    assert paths.landing_dir_is_default()


def test_a_landing_folder_alone_gets_its_own_deterministic_collection(
    clean_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = tmp_path / "my collection"
    theirs = tmp_path / "elsewhere" / "my collection"
    monkeypatch.setenv("BOTWATCH_LANDING_DIR", str(mine))
    name = paths.collection()
    assert name.startswith("my-collection-") and name != "demo"
    assert paths.collection() == name, "the same folder gives the same collection"
    assert paths.warehouse_path() == clean_env / name / "warehouse.duckdb"
    assert paths.landing_dir() == mine.resolve()
    assert not paths.landing_dir_is_default()
    monkeypatch.setenv("BOTWATCH_LANDING_DIR", str(theirs))
    assert paths.collection() != name, "two folders of one name stay apart"
    # A collection's own landing folder, named directly, is that collection.
    monkeypatch.setenv("BOTWATCH_LANDING_DIR", str(clean_env / "demo" / "landing"))
    assert paths.collection() == "demo"


def test_explicit_variables_override_the_collection_defaults(
    clean_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOTWATCH_COLLECTION", "colleague")
    monkeypatch.setenv("BOTWATCH_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dh"))
    assert paths.collection_dir() == clean_env / "colleague"
    assert paths.warehouse_path() == tmp_path / "w.duckdb"
    assert paths.dagster_home() == tmp_path / "dh"
    assert paths.publish_dir() == clean_env / "colleague" / "published"
    monkeypatch.setenv("BOTWATCH_COLLECTION", "../escape")
    with pytest.raises(paths.InvalidCollectionName):
        paths.collection()


def test_exported_paths_keep_a_child_process_on_the_same_collection(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths.export_defaults()
    # The exported landing folder must not make the child derive another collection.
    child = paths_of_a_child()
    assert child["BOTWATCH_COLLECTION"] == "demo"
    assert child["BOTWATCH_WAREHOUSE"] == str(clean_env / "demo" / "warehouse.duckdb")


def test_an_isolated_environment_keeps_every_path_under_its_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOTWATCH_LABELLED", "/somewhere/of/the/callers")
    root = tmp_path / "run"
    env = paths.isolated_environment(root, landing=tmp_path / "files")
    assert "BOTWATCH_LABELLED" not in env, "a caller's setting never leaks into the run"
    assert env["BOTWATCH_LANDING_DIR"] == str(tmp_path / "files")
    # Seen by a child as botwatch resolves it: every path the run writes is under root.
    written = paths_of_a_child(env)
    del written["BOTWATCH_COLLECTION"]
    assert written.pop("BOTWATCH_LANDING_DIR") == str(tmp_path / "files")
    assert written and all(Path(value).is_relative_to(root) for value in written.values()), written


def test_a_warehouse_refuses_a_landing_folder_it_was_not_built_from(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with workspace.open_warehouse(warehouse) as con:
        origin = workspace.claim_warehouse(con, "demo", tmp_path / "landing", warehouse)
        assert origin.collection == "demo"
        assert workspace.claim_warehouse(con, "demo", tmp_path / "landing", warehouse) == origin
        with pytest.raises(workspace.WarehouseOfAnotherLanding) as refused:
            workspace.claim_warehouse(con, "other", tmp_path / "other-landing", warehouse)
        outside = tmp_path.parent / "outside-landing"
        with pytest.raises(workspace.WarehouseOfAnotherLanding):
            workspace.claim_warehouse(con, "demo", outside, warehouse)
    message = str(refused.value)
    assert str(warehouse) in message and str(tmp_path / "other-landing") in message
    assert "never mixes" in message
    # A workspace moved whole (warehouse and its landing folder) stays the same collection.
    moved = tmp_path.parent / f"{tmp_path.name}-moved"
    tmp_path.rename(moved)
    try:
        with workspace.open_warehouse(moved / "warehouse.duckdb") as con:
            workspace.claim_warehouse(con, "demo", moved / "landing", moved / "warehouse.duckdb")
    finally:
        moved.rename(tmp_path)


def test_the_writer_lock_names_the_process_that_holds_it(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    lock = paths.warehouse_lock_path_of(warehouse)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from orchestration import workspace\n"
            f"with workspace.warehouse_lock(Path({str(lock)!r}), Path({str(warehouse)!r})):\n"
            "    print('held', flush=True); time.sleep(60)",
        ],
        cwd=paths.PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with (
            pytest.raises(workspace.WarehouseInUse) as refused,
            workspace.warehouse_lock(lock, warehouse),
        ):
            pass
        message = str(refused.value)
        assert str(warehouse) in message and f"PID {holder.pid}" in message
    finally:
        holder.kill()
        holder.wait()
    # The kernel released the killed holder's lock; this process takes it, re-entrantly.
    with workspace.warehouse_lock(lock, warehouse), workspace.warehouse_lock(lock, warehouse):
        pass


def test_duckdb_lock_and_damage_errors_are_said_for_people(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; con = duckdb.connect({str(warehouse)!r}); "
            "print('open', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with (
            pytest.raises(workspace.WarehouseInUse) as refused,
            workspace.open_warehouse(warehouse),
        ):
            pass
        assert f"PID {holder.pid}" in str(refused.value) and str(warehouse) in str(refused.value)
    finally:
        holder.kill()
        holder.wait()
    damaged = tmp_path / "damaged.duckdb"
    with duckdb.connect(str(damaged)) as con:
        con.execute("CREATE TABLE t AS SELECT range AS x FROM range(100000)")
    data = bytearray(damaged.read_bytes())
    data[0:4096] = b"\xff" * 4096  # the file header
    damaged.write_bytes(bytes(data))
    with (
        pytest.raises(workspace.WarehouseUnreadable) as unreadable,
        workspace.open_warehouse(damaged),
    ):
        pass
    assert str(damaged) in str(unreadable.value)


def test_every_dagster_run_takes_the_writer_lock_and_checks_the_landing_folder(
    tmp_path: Path,
) -> None:
    """Runs of the UI and the sensor go through the duckdb resource, not through `make run`."""
    warehouse = tmp_path / "warehouse.duckdb"

    @dg.asset
    def touch(duckdb: WarehouseResource) -> None:
        with duckdb.get_connection() as con:
            con.execute("CREATE TABLE IF NOT EXISTS touched AS SELECT 1 AS x")

    def materialise(landing: Path) -> dg.ExecuteInProcessResult:
        resource = WarehouseResource(
            database=str(warehouse), landing_dir=str(landing), collection="demo"
        )
        return dg.materialize([touch], resources={"duckdb": resource}, raise_on_error=False)

    assert materialise(tmp_path / "landing").success
    lock = paths.warehouse_lock_path_of(warehouse)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time; from pathlib import Path; from orchestration import workspace\n"
            f"with workspace.warehouse_lock(Path({str(lock)!r}), Path({str(warehouse)!r})):\n"
            "    print('held', flush=True); time.sleep(60)",
        ],
        cwd=paths.PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        locked = materialise(tmp_path / "landing")
    finally:
        holder.kill()
        holder.wait()
    assert not locked.success
    failures = [e for e in locked.all_events if e.is_failure]
    assert any(f"PID {holder.pid}" in str(e.event_specific_data) for e in failures), failures
    other = materialise(tmp_path / "another-landing")
    assert not other.success
    assert any(
        "never mixes" in str(e.event_specific_data) for e in other.all_events if e.is_failure
    )
