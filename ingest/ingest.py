"""One landing file → the raw tables, replacing that file's previous rows in one transaction."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from botwatch import paths
from botwatch.schema import RAW_SCHEMA, RAW_TABLES, create_raw_tables_sql
from ingest import detect, loaders, reading
from ingest.bounds import latest_possible
from ingest.errors import NotTweetsError
from ingest.landing import file_signature
from ingest.reading import (
    compression_of,
)
from ingest.report import IngestReport
from ingest.rows import insert_rows

# Every table a file's ingest writes; re-ingesting the file replaces its rows in all of them.
FILE_TABLES = (
    "tweets",
    "user_observations",
    "rejected_records",
    "stream_notices",
    "ingested_files",
)
# Rejections that say "this is not tweet data" rather than "this tweet is damaged".
_NOT_TWEET_REASONS = {"malformed_json", "not_a_tweet", "invalid_utf8"}
# To size batches of small files before reading them: JSON tweets compress about 6-10x.
_GZIP_RATIO = 8
# Batches ingested at once, each on its own connection (see _ingest_in_flight).
_IN_FLIGHT = 2


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and its tables if they are missing, and add the columns that a
    warehouse built by an earlier version lacks (idempotent)."""
    for statement in create_raw_tables_sql():
        con.execute(statement)
    existing = set(
        con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_catalog = current_database() AND table_schema = ?",
            [RAW_SCHEMA],
        ).fetchall()
    )
    for table, columns in RAW_TABLES.items():
        for column, type_ in columns.items():
            if (table, column) not in existing:
                con.execute(f'ALTER TABLE {RAW_SCHEMA}.{table} ADD COLUMN "{column}" {type_}')


def source_name(path: Path) -> str:
    """The path relative to the landing dir when inside it, else the absolute path."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(paths.landing_dir().resolve()).as_posix()
    except ValueError:
        return str(resolved)


@dataclass(frozen=True)
class _Landing:
    path: Path
    source_file: str


def ingest_file(
    con: duckdb.DuckDBPyConnection, path: Path, source_file: str | None = None
) -> IngestReport:
    """Ingest one landing file (format and compression detected from its content). Raises
    ``NotTweetsError`` when the file is not tweets at all; nothing is written then."""
    path = Path(path)
    return ingest_files(con, [path], [source_file or source_name(path)])[0]


def ingest_files(
    con: duckdb.DuckDBPyConnection,
    paths_: Iterable[Path],
    source_files: Iterable[str] | None = None,
    on_landed: Callable[[list[IngestReport]], None] | None = None,
) -> list[IngestReport]:
    """Ingest many files in one call (a backfill), named like ``ingest_file`` does unless
    ``source_files`` gives the names. Small files are ingested together, a batch of them per
    transaction and per run of the SQL (the per-statement cost would dominate hourly files of a
    few hundred tweets), two batches at a time. A file that is not tweets raises
    ``NotTweetsError`` after the files before it have landed (those of the batch beside its own
    may have landed too). ``on_landed`` is called with each batch's reports once it has landed
    (for a progress bar)."""
    files = [Path(p) for p in paths_]
    names = list(source_files) if source_files is not None else [source_name(p) for p in files]
    if len(names) != len(files):
        raise ValueError("ingest_files: as many source_files as paths are needed")
    landings = [_Landing(path, name) for path, name in zip(files, names, strict=True)]
    batches = list(_batches(landings))
    ensure_raw_tables(con)
    with _bulk_load_settings(con):
        if len(batches) == 1:
            reports = _ingest_batch(con, batches[0])
            if on_landed is not None:
                on_landed(reports)
            return reports
        return _ingest_in_flight(con, batches, on_landed)


def _ingest_batch(con: duckdb.DuckDBPyConnection, batch: list[_Landing]) -> list[IngestReport]:
    try:
        return _ingest(con, batch)
    except NotTweetsError:
        if len(batch) == 1:
            raise
        reports: list[IngestReport] = []
        for landing in batch:  # again one by one: the good files land, the bad one raises
            reports += _ingest(con, [landing])
        return reports


def _ingest_in_flight(
    con: duckdb.DuckDBPyConnection,
    batches: list[list[_Landing]],
    on_landed: Callable[[list[IngestReport]], None] | None = None,
) -> list[IngestReport]:
    """Batches ingested ``_IN_FLIGHT`` at a time, each in its own transaction on its own
    connection to the same database, so that one batch's serial parts (reading the files, the
    commit) overlap another's parallel SQL: 1M tweets in 23-24 s instead of 30, for ~350 MiB
    more peak memory. Reports come in the batches' order. After a batch fails no further batch
    starts, the one beside it finishes (and lands), and the error of the first failing batch in
    order is raised, so every batch before it has landed."""
    failed = threading.Event()
    cursors = [con.cursor() for _ in range(_IN_FLIGHT)]
    idle: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
    for cursor in cursors:
        idle.put(cursor)

    def run(batch: list[_Landing]) -> list[IngestReport]:
        if failed.is_set():
            return []  # a batch started before this one failed; its error is raised
        cursor = idle.get()
        try:
            return _ingest_batch(cursor, batch)
        except BaseException:
            failed.set()
            raise
        finally:
            idle.put(cursor)

    reports: list[IngestReport] = []
    try:
        with ThreadPoolExecutor(_IN_FLIGHT, thread_name_prefix="ingest") as pool:
            futures = [pool.submit(run, batch) for batch in batches]
            try:
                for future in futures:
                    landed = future.result()
                    reports += landed
                    if on_landed is not None:
                        on_landed(landed)
            except BaseException:
                failed.set()  # an interrupt too: no further batch starts before the pool closes
                raise
    finally:
        for cursor in cursors:
            cursor.close()
    return reports


def _content_bytes(path: Path) -> int:
    size = path.stat().st_size
    return size * _GZIP_RATIO if compression_of(path) == "gzip" else size


def _batches(landings: list[_Landing]) -> Iterable[list[_Landing]]:
    batch: list[_Landing] = []
    size = 0
    for landing in landings:
        content = _content_bytes(landing.path) if landing.path.is_file() else 0
        names = {b.source_file for b in batch}
        if batch and (size + content > reading.CHUNK_BYTES or landing.source_file in names):
            yield batch
            batch, size = [], 0
        batch.append(landing)
        size += content
    if batch:
        yield batch


def _ingest(con: duckdb.DuckDBPyConnection, batch: list[_Landing]) -> list[IngestReport]:
    """Ingest files in one transaction: all of them land, or none and the previous state stays."""
    for landing in batch:
        if not landing.path.is_file():
            raise FileNotFoundError(f"no such landing file: {landing.path}")
    reports = {
        landing.source_file: IngestReport(
            landing.source_file,
            detect.detect_format(landing.path, landing.source_file),
            compression_of(landing.path),
        )
        for landing in batch
    }
    # Before reading: a file rewritten during its ingest is read again by the next run.
    signatures = {landing.source_file: file_signature(landing.path) for landing in batch}
    latest = latest_possible()
    con.begin()
    try:
        _delete_previous(con, list(reports))
        lines = loaders.LineBuffer(con, latest, reports)
        for landing in batch:
            report = reports[landing.source_file]
            if report.file_format == detect.V1_LINES:
                loaders.read_v1_lines(con, landing.path, report, lines)
            else:
                loaders.LOADERS[report.file_format](con, landing.path, report, latest)
        lines.flush()
        for report in reports.values():
            _refuse_non_tweets(report)
        _record_files(con, list(reports.values()), signatures)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return [reports[landing.source_file] for landing in batch]


# DuckDB settings for the ingest's big inserts, restored afterwards. Nothing reads raw rows in
# insertion order (they carry their file and line), and keeping that order serialises every
# insert (measured 1.3x). Every commit writes the batch to the WAL, and by default a WAL over
# 16 MiB is checkpointed at once: for each batch, recompressing the tables' last row groups.
# Checkpointing every 256 MiB took 1M tweets in 33 s instead of 47 (64 MiB: 39 s).
_BULK_SETTINGS = {"preserve_insertion_order": "false", "checkpoint_threshold": "'256MiB'"}


@contextmanager
def _bulk_load_settings(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    previous = {
        name: con.execute(f"SELECT current_setting('{name}')").fetchone()[0]
        for name in _BULK_SETTINGS
    }
    for name, value in _BULK_SETTINGS.items():
        con.execute(f"SET {name} = {value}")
    try:
        yield
    finally:
        for name, value in previous.items():
            con.execute(
                f"SET {name} = {value!r}" if isinstance(value, str) else f"SET {name} = {value}"
            )


def _delete_previous(con: duckdb.DuckDBPyConnection, source_files: list[str]) -> None:
    """Remove the files' rows from every raw table. A file has rows only if its ingested_files
    row exists (both are written in one transaction), so never-seen files cost no table scan."""
    seen = [
        row[0]
        for row in con.execute(
            "SELECT DISTINCT source_file FROM raw.ingested_files "
            "WHERE source_file IN (SELECT unnest($files))",
            {"files": source_files},
        ).fetchall()
    ]
    if seen:
        for table in FILE_TABLES:
            con.execute(
                f"DELETE FROM raw.{table} WHERE source_file IN (SELECT unnest($files))",
                {"files": seen},
            )


def recorded_files(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """The source files that have rows in the raw tables, with their signature when ingested
    (None for files ingested before signatures were recorded)."""
    ensure_raw_tables(con)
    return dict(
        con.execute("SELECT source_file, file_signature FROM raw.ingested_files").fetchall()
    )


def retire_files(con: duckdb.DuckDBPyConnection, source_files: list[str]) -> None:
    """Remove every row of these files from the raw tables, in one transaction (the files left the
    landing folder: see ``ingest.landing.plan_ingest``)."""
    if not source_files:
        return
    ensure_raw_tables(con)
    con.begin()
    try:
        for table in FILE_TABLES:
            con.execute(
                f"DELETE FROM raw.{table} WHERE source_file IN (SELECT unnest($files))",
                {"files": source_files},
            )
        con.commit()
    except BaseException:
        con.rollback()
        raise


def _refuse_non_tweets(report: IngestReport) -> None:
    usable = report.tweets + report.user_observations + report.notices
    if usable == 0 and report.rejected and set(report.rejected_by_reason) <= _NOT_TWEET_REASONS:
        reasons = ", ".join(f"{n} {reason}" for reason, n in report.rejected_by_reason.items())
        raise NotTweetsError(
            report.source_file,
            f"no tweet, user object or stream message in its {report.rejected} records ({reasons})",
        )


def _record_files(
    con: duckdb.DuckDBPyConnection, reports: list[IngestReport], signatures: dict[str, str]
) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        {
            "source_file": report.source_file,
            "file_format": report.file_format,
            "compression": report.compression,
            "tweets": report.tweets,
            "user_observations": report.user_observations,
            "rejected": report.rejected,
            "notices": report.notices,
            "file_signature": signatures[report.source_file],
            "ingested_at": now,
        }
        for report in reports
    ]
    insert_rows(con, "ingested_files", rows)
