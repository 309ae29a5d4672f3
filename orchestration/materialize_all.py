"""`make run`: materialise the whole graph with Dagster for the collection's landing folder.

Holds the warehouse's writer lock for the whole run, simulates the demo campaign when the demo's
landing folder is empty, marks runs killed earlier as failed, registers every landing file as a
partition (files that left the folder are retired), runs the `all_assets` job in this process
(recorded in DAGSTER_HOME, so the UI shows it) and says where the results are.

The terminal gets one line per step; Dagster's DEBUG log, dbt's output and tracebacks go to
``<collection>/logs/run-<timestamp>.log``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from botwatch import paths, snapshot
from orchestration import run_console, run_records, workspace
from orchestration.dagster_home import prepare_dagster_home
from orchestration.run_report import ErrorChain, StepTracker, failure_lines, user_error

if TYPE_CHECKING:
    from dagster import DagsterInstance, JobDefinition

# Steps with at least this many outputs (assets and checks) get a live counter of their own.
BAR_FROM_OUTPUTS = 6
POLL_SECONDS = 0.5
LOGS_KEPT = 20


class NothingToRun(RuntimeError):
    """The landing folder holds no tweet file."""


@dataclass(frozen=True)
class PartitionPlan:
    add: list[str]
    retire: list[str]


def plan_partitions(files: list[str], known: list[str]) -> PartitionPlan:
    """Partitions to add (new files, in order) and to retire (files gone from the landing
    folder)."""
    present, registered = set(files), set(known)
    return PartitionPlan(
        add=[f for f in files if f not in registered],
        retire=[k for k in known if k not in present],
    )


def new_log_path(log_dir: Path, keep: int = LOGS_KEPT) -> Path:
    """A fresh ``run-<UTC timestamp>.log``; the oldest logs beyond ``keep`` are removed."""
    log_dir.mkdir(parents=True, exist_ok=True)
    for old in sorted(log_dir.glob("run-*.log"))[: -(keep - 1) or None]:
        old.unlink(missing_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return log_dir / f"run-{stamp}.log"


@contextmanager
def output_to_file(log_path: Path) -> Iterator[TextIO]:
    """Send fds 1 and 2 (this process's and its children's output) to ``log_path``; yield the
    terminal (the original stdout) for the lines people read."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    terminal = os.fdopen(os.dup(saved_out), "w", buffering=1, encoding="utf-8")
    with open(log_path, "ab", buffering=0) as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            yield terminal
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved_out, 1)
            os.dup2(saved_err, 2)
            os.close(saved_out)
            os.close(saved_err)
            terminal.close()


def prepare_collection() -> list[str]:
    """Make sure there is something to run: simulate the demo when its landing folder is empty,
    write the simulator's labelled accounts when training on them and they are missing. Returns
    the landing files."""
    from ingest import discover_landing_files

    landing = paths.landing_dir()
    files = discover_landing_files(landing)
    if not files:
        if paths.collection() != paths.DEMO_COLLECTION or not paths.landing_dir_is_default():
            raise NothingToRun(
                f"No tweet files in {landing}: put your collection's files there (.jsonl, .json, "
                ".gz) or point BOTWATCH_LANDING_DIR at the folder that holds them."
            )
        from simulate.config import SimulationConfig
        from simulate.run import simulate

        began = time.monotonic()
        summary = simulate(SimulationConfig(), landing, paths.simulation_dir())
        run_console.say(
            f"  ✓ {time.monotonic() - began:6.1f} s  simulate (nothing had landed): "
            f"{summary.tweets:,} tweets in {summary.landing_files} files"
        )
        files = discover_landing_files(landing)
    if not os.environ.get("BOTWATCH_LABELLED") and not paths.simulated_labelled_dir().exists():
        from simulate.config import SimulationConfig
        from simulate.run import write_default_labelled_set

        counts = write_default_labelled_set(SimulationConfig(), paths.simulation_dir())
        run_console.say(
            "  ✓ simulated labelled accounts written (the default training set): "
            f"{counts['labelled_accounts']:,}"
        )
    return files


def mark_abandoned_runs(instance: DagsterInstance) -> list[str]:
    from dagster import DagsterRunStatus, RunsFilter

    statuses = [DagsterRunStatus(s) for s in run_records.UNFINISHED]
    marked = []
    for run in instance.get_runs(filters=RunsFilter(statuses=statuses)):
        if run_records.is_abandoned(run.status.value, run.tags, run_records.identity_alive):
            instance.report_run_failed(run, message=run_records.ABANDONED_MESSAGE)
            marked.append(run.run_id)
    return marked


class RunWatcher(threading.Thread):
    """Reads the run's events from the Dagster instance while it runs and prints a line per step
    (and a bar for steps with many assets and checks)."""

    def __init__(self, instance: DagsterInstance, run_id: str, job: JobDefinition) -> None:
        super().__init__(name="run-watcher", daemon=True)
        self.instance, self.run_id, self.job = instance, run_id, job
        self.tracker = StepTracker()
        self.failures: dict[str, list[ErrorChain]] = {}
        self.run_failure: str | None = None
        # (step, what the check verifies) of each blocking check that failed, for the run record
        self.failed_blocking_checks: list[tuple[str, str]] = []
        self._stop_requested = threading.Event()
        self._cursor: str | None = None
        self._bars: dict[str, object] = {}

    def stop(self) -> None:
        self._stop_requested.set()
        self.join()
        self.poll()  # whatever arrived after the last poll

    def run(self) -> None:
        while not self._stop_requested.wait(POLL_SECONDS):
            try:
                self.poll()
            except Exception as error:  # a watcher must never take the run down
                print(f"run watcher: {error!r}", file=sys.stderr)

    def _outputs(self, step: str) -> int:
        try:
            return len(self.job.graph.node_named(step).definition.output_defs)
        except Exception:
            return 0

    def poll(self) -> None:
        from dagster import DagsterEventType as E

        kinds = {
            E.STEP_START,
            E.STEP_SUCCESS,
            E.STEP_FAILURE,
            E.STEP_SKIPPED,
            E.ASSET_MATERIALIZATION,
            E.ASSET_CHECK_EVALUATION,
            E.RUN_FAILURE,
        }
        while True:
            connection = self.instance.get_records_for_run(
                self.run_id, cursor=self._cursor, of_type=kinds
            )
            for record in connection.records:
                self._handle(record.event_log_entry)
            self._cursor = connection.cursor
            if not connection.has_more:
                return

    def _handle(self, entry) -> None:
        from dagster import DagsterEventType as E

        event = entry.dagster_event
        step = event.step_key or ""
        kind = event.event_type
        if kind == E.STEP_START:
            self.tracker.started(step, entry.timestamp)
            if self._outputs(step) >= BAR_FROM_OUTPUTS:
                # A counter, not a fraction: a step of a subset of a dbt selection declares every
                # output of the selection, more than it yields.
                self._bars[step] = run_console.bar(None, step, "asset or check")
        elif kind == E.ASSET_MATERIALIZATION:
            materialization = event.step_materialization_data.materialization
            self.tracker.materialised(
                step,
                materialization.asset_key.to_user_string(),
                {k: v.value for k, v in materialization.metadata.items()},
            )
            self._advance(step)
        elif kind == E.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            blocking = evaluation.blocking if evaluation.blocking is not None else False
            self.tracker.checked(step, evaluation.check_name, evaluation.passed, blocking)
            if blocking and not evaluation.passed:
                self.failed_blocking_checks.append((step, self._check_words(evaluation)))
            self._advance(step)
        elif kind in (E.STEP_SUCCESS, E.STEP_FAILURE, E.STEP_SKIPPED):
            bar = self._bars.pop(step, None)
            if bar is not None:
                bar.close()
            outcome = {E.STEP_SUCCESS: "success", E.STEP_FAILURE: "failure"}.get(kind, "skipped")
            if kind == E.STEP_FAILURE:
                self.failures[step] = error_chain(event.step_failure_data.error)
            if kind != E.STEP_SKIPPED:
                run_console.say(self.tracker.finished(step, entry.timestamp, outcome))
            else:
                self.tracker.finished(step, entry.timestamp, outcome)
        elif kind == E.RUN_FAILURE:
            self.run_failure = entry.user_message

    def _check_words(self, evaluation) -> str:
        from dagster import AssetCheckKey

        key = AssetCheckKey(evaluation.asset_key, evaluation.check_name)
        try:
            spec = self.job.asset_layer.asset_graph.get_check_spec(key)
        except Exception:  # a check outside the job's graph: its name is all there is
            return evaluation.check_name
        return spec.description or evaluation.check_name

    def _advance(self, step: str) -> None:
        bar = self._bars.get(step)
        if bar is not None:
            bar.update(1)


def error_chain(error) -> list[ErrorChain]:
    chain = []
    while error is not None:
        chain.append(ErrorChain(error.cls_name, error.message, list(error.stack)))
        error = error.cause
    return chain


@dataclass(frozen=True)
class RunOutcome:
    success: bool
    failure_lines: list[str]
    run_id: str | None = None
    failed_step: str | None = None  # in words (run_records.step_words)
    message: str | None = None  # in plain words, for the app


def failure_for_readers(watcher: RunWatcher) -> tuple[str, str]:
    """(step, message) of a failed run in words: a failed blocking check says what it verifies;
    a failed step, its error's first sentence."""
    if watcher.failed_blocking_checks:
        step, words = watcher.failed_blocking_checks[0]
        more = len(watcher.failed_blocking_checks) - 1
        others = f" (and {more} other check{'s' if more != 1 else ''})" if more else ""
        return run_records.step_words(step), (
            f"A data-quality check failed{others}: {words.rstrip('.')}. Nothing that depends on "
            "it was rebuilt, and this app keeps showing the last good snapshot."
        )
    for step, chain in watcher.failures.items():
        error = user_error(chain)
        if error is not None:
            return run_records.step_words(step), run_records.error_words(
                error.cls_name, error.message
            )
    return run_records.PREPARING, run_records.first_sentence(
        watcher.run_failure or "The run failed before its first step."
    )


def materialize_all(log_path: Path) -> RunOutcome:
    """Run the `all_assets` job over every landing file (the caller holds the warehouse lock)."""
    prepare_dagster_home()
    files = prepare_collection()
    warehouse = paths.warehouse_path()
    with workspace.open_warehouse(warehouse) as con:
        workspace.claim_warehouse(con, paths.collection(), paths.landing_dir(), warehouse)

    from dagster import DagsterInstance

    from orchestration.definitions import defs
    from orchestration.partitions import landing_files, partition_range_tags

    with DagsterInstance.get() as instance:
        abandoned = mark_abandoned_runs(instance)
        if abandoned:
            run_console.say(
                f"  ! {len(abandoned)} earlier run(s) never finished (their process was killed): "
                "marked failed"
            )
        known = instance.get_dynamic_partitions(landing_files.name)
        plan = plan_partitions(files, known)
        for key in plan.retire:
            instance.delete_dynamic_partition(landing_files.name, key)
        if plan.retire:
            run_console.say(
                f"  ! {len(plan.retire)} landing file(s) are gone from {paths.landing_dir()}: "
                "their partitions are retired and their rows removed (e.g. "
                f"{', '.join(plan.retire[:3])})"
            )
        instance.add_dynamic_partitions(landing_files.name, plan.add)
        partitions = instance.get_dynamic_partitions(landing_files.name)
        job = defs().resolve_job_def("all_assets")
        run_id = str(uuid.uuid4())
        watcher = RunWatcher(instance, run_id, job)
        watcher.start()
        try:
            result = job.execute_in_process(
                instance=instance,
                run_id=run_id,
                tags={
                    **partition_range_tags(partitions[0], partitions[-1]),
                    **run_records.this_process_tags(),
                },
                raise_on_error=False,
            )
        finally:
            watcher.stop()
    lines: list[str] = []
    for step, chain in watcher.failures.items():
        lines += failure_lines(step, chain, log_path)
    if watcher.tracker.failed_checks:
        lines.append(
            f"✗ Blocking checks failed: {', '.join(watcher.tracker.failed_checks)}; nothing "
            "downstream of them was rebuilt (their observed values are in the full log and in the "
            "Dagster UI, `make ui`)."
        )
    if not result.success and not lines:
        lines.append(f"✗ The run failed: {watcher.run_failure or 'see the full log'}")
    if watcher.tracker.skipped:
        lines.append(f"  {len(watcher.tracker.skipped)} step(s) skipped after the failure")
    if result.success:
        return RunOutcome(True, lines, run_id)
    step, message = failure_for_readers(watcher)
    return RunOutcome(False, lines, run_id, step, message)


def published_by(run_id: str | None) -> str | None:
    """The id of the snapshot in force when run ``run_id`` published it, else None."""
    folder = snapshot.current_dir(paths.publish_dir())
    if folder is None or run_id is None:
        return None
    manifest = snapshot.read_manifest(folder)
    return manifest.get("snapshot_id") if manifest.get("run_id") == run_id else None


def record_run(
    started_at: datetime,
    *,
    failed_step: str | None = None,
    message: str | None = None,
    run_id: str | None = None,
) -> None:
    """Write the run's record beside the snapshot; a record that cannot be written must not hide
    the run's own outcome (it is said in the full log)."""
    try:
        run_records.write_run_record(
            paths.publish_dir(),
            run_records.run_record(
                started_at,
                datetime.now(UTC),
                paths.collection(),
                failed_step=failed_step,
                message=message,
                published_snapshot=published_by(run_id),
            ),
        )
    except Exception as error:
        print(f"the run record could not be written: {error!r}", file=sys.stderr)


def summary_lines() -> list[str]:
    """What the published snapshot says, in the study's terms."""
    import duckdb

    folder = snapshot.current_dir(paths.publish_dir())
    if folder is None:
        return ["No snapshot has been published yet."]
    manifest = snapshot.read_manifest(folder)
    lines = [f"Snapshot {manifest['snapshot_id']} published at {manifest['published_at']}"]
    with duckdb.connect(str(folder / snapshot.DATABASE), read_only=True) as con:
        tweets, accounts = con.execute(
            "SELECT (SELECT count(*) FROM fct_tweets), (SELECT count(*) FROM dim_accounts)"
        ).fetchone()
        lines.append(f"  {tweets:,} tweets from {accounts:,} accounts")
        for name, promoters, share in con.execute(
            "SELECT campaign_name, promoters, bot_share_among_promoters "
            "FROM fct_campaign_summary ORDER BY campaign_id"
        ).fetchall():
            share_text = "n/a" if share is None else f"{share:.1%}"
            lines.append(
                f"  {name}: {promoters:,} promoters, bot share among promoters {share_text}"
            )
    lines += [
        f"  snapshot:  {folder}",
        f"  warehouse: {paths.warehouse_path()}",
        "Open the Dagster UI with `make ui` (http://127.0.0.1:3000) "
        "and the app with `make app` (http://127.0.0.1:8501).",
    ]
    return lines


def main() -> None:
    try:
        paths.export_defaults()
    except paths.InvalidCollectionName as error:
        print(f"✗ {error}", file=sys.stderr)
        sys.exit(2)
    log_path = new_log_path(paths.log_dir())
    print(
        f"botwatch: collection '{paths.collection()}', landing folder {paths.landing_dir()}\n"
        f"  full log: {log_path}",
        flush=True,
    )
    began = time.monotonic()
    started_at = datetime.now(UTC)
    warehouse = paths.warehouse_path()
    try:
        with (
            workspace.warehouse_lock(paths.warehouse_lock_path_of(warehouse), warehouse),
            output_to_file(log_path) as terminal,
        ):
            run_console.set_terminal(terminal)
            try:
                outcome = materialize_all(log_path)
            finally:
                run_console.set_terminal(None)
    except (workspace.WorkspaceError, NothingToRun) as error:
        if not isinstance(error, workspace.WarehouseInUse):  # that run writes its own record
            record_run(started_at, failed_step=run_records.PREPARING, message=str(error))
        print(f"✗ {error}", file=sys.stderr)
        sys.exit(2)
    except Exception as error:
        with open(log_path, "a") as log:
            import traceback

            traceback.print_exc(file=log)
        record_run(
            started_at,
            failed_step=run_records.PREPARING,
            message=run_records.first_sentence(str(error)) or type(error).__name__,
        )
        print(
            f"✗ {type(error).__name__}: {error}\n  full log: {log_path}\n  what to do: fix what "
            "the message says and run `make run` again; the app keeps the last good snapshot.",
            file=sys.stderr,
        )
        sys.exit(1)
    elapsed = time.monotonic() - began
    record_run(
        started_at,
        failed_step=outcome.failed_step,
        message=outcome.message,
        run_id=outcome.run_id,
    )
    if outcome.success:
        print(f"Run succeeded in {elapsed:.0f} s.")
        print("\n".join(summary_lines()))
        return
    print("\n".join(outcome.failure_lines), file=sys.stderr)
    print(
        f"The run FAILED after {elapsed:.0f} s: the app shows the last good snapshot.",
        file=sys.stderr,
    )
    sys.exit(1)


if __name__ == "__main__":
    main()
