"""The pure planning beside the thin Dagster wrappers: which files to ingest or retire, which runs
were abandoned, what `make run` prints for a step and for a failure, publish leftovers."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from botwatch import snapshot
from ingest import plan_ingest
from orchestration import run_records
from orchestration.defs.ingest.sensors import plan_landing_runs
from orchestration.materialize_all import new_log_path, plan_partitions
from orchestration.partitions import landing_files
from orchestration.run_report import ErrorChain, StepTracker, code_location, failure_lines
from tests.helpers.landing_sensor import evaluate, write_tweet_file


def test_the_ingest_plan_skips_and_retires_files_that_left_the_folder() -> None:
    plan = plan_ingest(
        requested=["a.jsonl", "b.jsonl", "c.jsonl"],
        recorded={"a.jsonl": "1:1", "old.jsonl": "2:2"},
        present={"a.jsonl": "1:9", "c.jsonl": "3:3", "d.jsonl": "4:4"},
    )
    assert plan.ingest == ["a.jsonl", "c.jsonl"]
    assert plan.vanished == ["b.jsonl", "old.jsonl"]


def test_the_ingest_plan_reads_only_new_and_changed_files_unless_told_to_read_all() -> None:
    requested = ["same.jsonl", "changed.jsonl", "new.jsonl", "unsigned.jsonl"]
    recorded = {"same.jsonl": "10:1", "changed.jsonl": "10:1", "unsigned.jsonl": None}
    present = {"same.jsonl": "10:1", "changed.jsonl": "12:2", "new.jsonl": "5:5",
               "unsigned.jsonl": "7:7"}  # fmt: skip
    plan = plan_ingest(requested, recorded, present)
    assert plan.ingest == ["changed.jsonl", "new.jsonl", "unsigned.jsonl"]
    assert plan.unchanged == ["same.jsonl"] and plan.vanished == []
    everything = plan_ingest(requested, recorded, present, reingest=True)
    assert everything.ingest == requested and everything.unchanged == []


def test_partitions_of_vanished_files_are_retired_and_new_ones_added_in_order() -> None:
    plan = plan_partitions(files=["a", "c", "d"], known=["a", "b", "c"])
    assert plan.add == ["d"] and plan.retire == ["b"]


def test_the_sensor_plans_vanished_files_and_forgets_them_in_its_cursor() -> None:
    plan = plan_landing_runs(
        {"a.jsonl": "1:1"}, known_partitions={"a.jsonl", "b.jsonl"}, cursor={"b.jsonl": "2:2"}
    )
    assert plan.vanished == ["b.jsonl"] and plan.new == [] and plan.changed == []
    assert "b.jsonl" not in plan.cursor


def test_the_sensor_retires_a_vanished_partition_and_requests_a_run_that_removes_its_rows(
    tmp_path: Path,
) -> None:
    for hour in range(2):
        write_tweet_file(tmp_path / f"tweets-2017050{hour}.jsonl", 100 + hour)
    with dg.DagsterInstance.ephemeral() as instance:
        first = evaluate(instance, tmp_path)
        instance.add_dynamic_partitions(landing_files.name, ["tweets-20170500.jsonl"])
        instance.add_dynamic_partitions(landing_files.name, ["tweets-20170501.jsonl"])
        (tmp_path / "tweets-20170500.jsonl").unlink()
        result = evaluate(instance, tmp_path, first.cursor)
        deletes = [
            r
            for r in result.dynamic_partitions_requests
            if isinstance(r, dg.DeleteDynamicPartitionsRequest)
        ]
        assert [list(r.partition_keys) for r in deletes] == [["tweets-20170500.jsonl"]]
        assert [r.partition_key for r in result.run_requests] == ["tweets-20170501.jsonl"]
        # An emptied (or unmounted) folder retires nothing.
        (tmp_path / "tweets-20170501.jsonl").unlink()
        assert isinstance(evaluate(instance, tmp_path), dg.SkipReason)


def test_only_unfinished_runs_without_a_live_process_are_abandoned() -> None:
    me = run_records.process_identity(os.getpid())
    assert me is not None and run_records.identity_alive(me)
    dead = "999999999:1"
    assert not run_records.identity_alive(dead)
    reused_pid = f"{os.getpid()}:1"  # this PID with another start time: another process
    assert not run_records.identity_alive(reused_pid)
    tag = run_records.PROCESS_TAG
    alive = run_records.identity_alive
    assert run_records.is_abandoned("STARTED", {tag: dead}, alive)
    assert run_records.is_abandoned("STARTING", {}, alive)
    assert not run_records.is_abandoned("STARTED", {tag: me}, alive)
    assert not run_records.is_abandoned("SUCCESS", {tag: dead}, alive)
    assert not run_records.is_abandoned("QUEUED", {}, alive)


def test_a_step_line_counts_a_partitioned_asset_once() -> None:
    tracker = StepTracker()
    tracker.started("raw_tweets", 10.0)
    for _ in range(3):  # one materialisation event per partition, the same metadata
        tracker.materialised("raw_tweets", "raw_tweets", {"files": 3, "tweets": 120, "rejected": 2})
    tracker.checked("raw_tweets", "rejected_share_below_threshold", True, blocking=False)
    line = tracker.finished("raw_tweets", 13.5, "success")
    assert line == "  ✓    3.5 s  raw_tweets: 3 files, 120 tweets, 2 rejected, 1 check"
    tracker.started("dbt_after_scores", 20.0)
    tracker.materialised("dbt_after_scores", "marts/a", {})
    tracker.materialised("dbt_after_scores", "marts/b", {})
    tracker.checked("dbt_after_scores", "not_null_x", False, blocking=True)
    assert tracker.finished("dbt_after_scores", 21.0, "failure").endswith(
        "dbt_after_scores: 2 assets, 1 check, 1 failed"
    )
    assert tracker.failed_checks == ["not_null_x"]


def test_a_failure_names_the_error_the_innermost_project_line_and_the_log(tmp_path: Path) -> None:
    stack = [
        '  File "/somewhere/.venv/lib/python3.11/site-packages/dagster/x.py", line 5, in run\n',
        '  File "/work/project/orchestration/defs/ingest/assets.py", line 42, in raw_tweets\n',
        '  File "/work/project/ingest/ingest.py", line 7, in _ingest\n',
        '  File "/work/project/.venv/lib/python3.11/site-packages/duckdb/y.py", line 1, in q\n',
    ]
    chain = [
        ErrorChain("DagsterExecutionStepExecutionError", "Error in step raw_tweets", []),
        ErrorChain("FileNotFoundError", "no such landing file: x.jsonl\nmore", stack),
    ]
    assert code_location(chain[1], root=Path("/work/project")) == "ingest/ingest.py:7"
    lines = failure_lines("raw_tweets", chain, tmp_path / "run.log")
    assert lines[0] == "✗ Step raw_tweets failed: FileNotFoundError: no such landing file: x.jsonl"
    assert any(str(tmp_path / "run.log") in line for line in lines)
    assert any("what to do" in line for line in lines)
    # Dagster's messages start with the qualified class name: it is said once.
    qualified = [ErrorChain("NotTweetsError", "ingest.errors.NotTweetsError: a.csv", [])]
    first = failure_lines("raw_tweets", qualified, tmp_path / "run.log")[0]
    assert first == "✗ Step raw_tweets failed: NotTweetsError: a.csv"
    assert "move that file out of the landing folder" in "".join(
        failure_lines("raw_tweets", qualified, tmp_path / "run.log")
    )


def test_run_logs_are_kept_to_a_number(tmp_path: Path) -> None:
    for n in range(5):
        (tmp_path / f"run-2026010{n}T000000000000Z.log").write_text("x")
    fresh = new_log_path(tmp_path, keep=3)
    fresh.write_text("new")
    assert len(list(tmp_path.glob("run-*.log"))) == 3
    assert fresh.exists()


def test_a_publish_that_died_half_way_is_cleaned_by_the_next(tmp_path: Path) -> None:
    good = snapshot.publish(tmp_path, lambda folder: {"marker": "good"})
    half = tmp_path / snapshot.SNAPSHOTS / f"{snapshot.BUILDING_PREFIX}20260101T000000000000Z"
    half.mkdir()
    (half / snapshot.DATABASE).write_bytes(b"half")
    (tmp_path / ".current-20260101T000000000000Z").symlink_to(half)
    assert snapshot.current_dir(tmp_path) == good.resolve()
    newer = snapshot.publish(tmp_path, lambda folder: {"marker": "newer"})
    assert snapshot.current_dir(tmp_path) == newer.resolve()
    assert not half.exists()
    assert not list(tmp_path.glob(".current-*"))
