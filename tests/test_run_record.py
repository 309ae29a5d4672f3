"""The last run's record (beside the snapshot, also when a run fails): contract and words."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.data import read_run_record
from botwatch import published
from orchestration import run_records
from orchestration.materialize_all import RunWatcher, failure_for_readers
from orchestration.run_report import ErrorChain

STARTED = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def test_a_failed_run_is_recorded_in_words_and_read_back(tmp_path: Path) -> None:
    record = run_records.run_record(
        STARTED,
        STARTED + timedelta(minutes=4),
        "demo",
        failed_step=run_records.step_words("dbt_after_scores"),
        message="a message",
    )
    path = run_records.write_run_record(tmp_path, record)
    assert path == tmp_path / published.RUN_RECORD
    assert not list(tmp_path.glob(".*.tmp")), "written through a temporary file"
    read = read_run_record(tmp_path)
    assert read == record
    assert read["outcome"] == published.FAILED
    assert read["failed_step"] == "building the study's tables"
    assert [f.name for f in published.RUN_RECORD_FIELDS] == list(read)


def test_a_record_that_breaks_the_contract_is_refused_and_not_read(tmp_path: Path) -> None:
    record = run_records.run_record(STARTED, STARTED, "demo")
    assert record["outcome"] == published.SUCCEEDED
    with pytest.raises(published.ContractBroken, match="run_id is not declared"):
        run_records.write_run_record(tmp_path, {**record, "run_id": "0b6a..."})
    broken = {k: v for k, v in record.items() if k != "message"}
    (tmp_path / published.RUN_RECORD).write_text(json.dumps(broken))
    assert read_run_record(tmp_path) is None
    (tmp_path / published.RUN_RECORD).write_text("{not json")
    assert read_run_record(tmp_path) is None


def test_steps_and_errors_are_said_for_readers() -> None:
    assert run_records.step_words("raw_tweets") == "reading the landing files"
    # an asset check's step key ends with the check's name
    assert run_records.step_words("marts__dim_accounts_gx_accounts") == (
        "checking the accounts table"
    )
    assert run_records.first_sentence(
        "ingest.errors.NotTweetsError: x.jsonl is not a tweet file: it is CSV\n  File ..."
    ) == ("x.jsonl is not a tweet file: it is CSV")
    assert len(run_records.first_sentence("word " * 200)) == 400
    # seen in a real run stopped with Ctrl-C: the error's message is only its name
    interrupted = "dagster._core.errors.DagsterExecutionInterruptedError"
    assert run_records.error_words("DagsterExecutionInterruptedError", interrupted).startswith(
        "The run was stopped before it finished"
    )


class _Job:
    """No asset graph: a failed check is then said by its name."""


def test_a_failed_blocking_check_is_said_by_what_it_verifies() -> None:
    watcher = RunWatcher(instance=None, run_id="r", job=_Job())
    watcher.failures["dbt_after_scores"] = [
        ErrorChain("DagsterDbtCliRuntimeError", "The dbt CLI process failed", [])
    ]
    watcher.failed_blocking_checks.append(
        ("dbt_after_scores", "Every promoter has an account row.")
    )
    step, message = failure_for_readers(watcher)
    assert step == "building the study's tables"
    assert message.startswith("A data-quality check failed: Every promoter has an account row.")
    assert "last good snapshot" in message
    watcher.failed_blocking_checks.clear()
    assert failure_for_readers(watcher) == (
        "building the study's tables",
        "The dbt CLI process failed",
    )


def test_a_record_older_than_the_snapshot_is_superseded(tmp_path: Path) -> None:
    from app.data import Snapshot
    from app.ui import superseded

    record = run_records.run_record(STARTED, STARTED + timedelta(minutes=5), "demo")
    later = Snapshot(tmp_path, {"published_at": (STARTED + timedelta(hours=1)).isoformat()})
    during = Snapshot(tmp_path, {"published_at": (STARTED + timedelta(minutes=4)).isoformat()})
    assert superseded(record, later) and not superseded(record, during)
