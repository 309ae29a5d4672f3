"""The collection's Dagster home: botwatch's dagster.yaml, and the event log it configures."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from orchestration.dagster_home import prepare_dagster_home
from orchestration.event_log_storage import OPEN_RUN_FILES, PooledSqliteEventLogStorage


@dg.asset
def counted() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 3})


@dg.asset_check(asset=counted)
def counted_is_positive() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


def _home(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return prepare_dagster_home()


def test_the_home_gets_botwatchs_yaml_again_when_it_moves_and_the_users_own_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _home(monkeypatch, tmp_path / "first")
    written = (first / "dagster.yaml").read_text()
    assert f'base_dir: "{first.resolve()}/history/runs"' in written
    assert "PooledSqliteEventLogStorage" in written

    moved = tmp_path / "moved"
    shutil.copytree(first, moved)
    _home(monkeypatch, moved)
    assert f'"{moved.resolve()}/history/runs"' in (moved / "dagster.yaml").read_text()

    own = "\n".join(written.splitlines()[1:]) + "\n"  # its first line deleted: the user's now
    (moved / "dagster.yaml").write_text(own)
    _home(monkeypatch, tmp_path / "moved")
    assert (moved / "dagster.yaml").read_text() == own


def test_events_written_through_the_pooled_log_read_back_with_dagsters_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _home(monkeypatch, tmp_path / "home")
    runs = []
    with dg.DagsterInstance.get() as instance:
        storage = instance.event_log_storage
        assert isinstance(storage, PooledSqliteEventLogStorage)
        for _ in range(OPEN_RUN_FILES + 2):  # more runs than files kept open
            result = dg.materialize([counted, counted_is_positive], instance=instance)
            assert result.success
            runs.append(result.run_id)
        assert len(storage._engines) == OPEN_RUN_FILES + 1  # the index and the newest runs
        first_events = instance.all_logs(runs[0])  # a file closed since: opened again
    plain = SqliteEventLogStorage(str(home / "history" / "runs"))
    try:
        assert [e.dagster_event_type for e in plain.get_logs_for_run(runs[0])] == [
            e.dagster_event_type for e in first_events
        ]
        latest = plain.get_latest_materialization_events([dg.AssetKey("counted")])
        event = latest[dg.AssetKey("counted")]
        assert event is not None and event.run_id == runs[-1]
        assert event.asset_materialization.metadata["rows"].value == 3
        check = plain.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(dg.AssetKey("counted"), "counted_is_positive")]
        )
        assert len(check) == 1
    finally:
        plain.dispose()
