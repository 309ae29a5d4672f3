"""One landing file → the raw tables, replacing that file's previous rows in one transaction."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from botwatch import paths
from botwatch.schema import REJECTED_TEXT_LIMIT, create_raw_tables_sql
from orchestration.ingest import detect, documents, reading, v2
from orchestration.ingest.bounds import latest_possible
from orchestration.ingest.errors import NotTweetsError
from orchestration.ingest.reading import (
    Damage,
    compression_of,
    iter_line_chunks,
    lines_table,
)
from orchestration.ingest.report import IngestReport
from orchestration.ingest.rows import insert_rows
from orchestration.ingest.v1_load import load_v1_lines, with_source_file

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

Loader = Callable[[duckdb.DuckDBPyConnection, Path, IngestReport, datetime], None]


def ensure_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and its tables if they are missing (idempotent)."""
    for statement in create_raw_tables_sql():
        con.execute(statement)


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
    return _ingest(con, [_Landing(path, source_file or source_name(path))])[0]


def ingest_files(con: duckdb.DuckDBPyConnection, paths_: Iterable[Path]) -> list[IngestReport]:
    """Ingest many files in one call (a backfill). Small files are ingested together, a batch of
    them per transaction and per run of the SQL (the per-statement cost would dominate hourly
    files of a few hundred tweets). A file that is not tweets raises ``NotTweetsError`` after
    the files before it have landed."""
    landings = [_Landing(Path(p), source_name(Path(p))) for p in paths_]
    reports: list[IngestReport] = []
    for batch in _batches(landings):
        try:
            reports += _ingest(con, batch)
        except NotTweetsError:
            if len(batch) == 1:
                raise
            for landing in batch:  # again one by one: the good files land, the bad one raises
                reports += _ingest(con, [landing])
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
    ensure_raw_tables(con)
    reports = {
        landing.source_file: IngestReport(
            landing.source_file,
            detect.detect_format(landing.path, landing.source_file),
            compression_of(landing.path),
        )
        for landing in batch
    }
    latest = latest_possible()
    con.begin()
    try:
        _delete_previous(con, list(reports))
        lines = _LineBuffer(con, latest, reports)
        for landing in batch:
            report = reports[landing.source_file]
            if report.file_format == detect.V1_LINES:
                _read_v1_lines(con, landing.path, report, lines)
            else:
                _LOADERS[report.file_format](con, landing.path, report, latest)
        lines.flush()
        for report in reports.values():
            _refuse_non_tweets(report)
        _record_files(con, list(reports.values()))
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return [reports[landing.source_file] for landing in batch]


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


class _LineBuffer:
    """Numbered lines of one or more files, run through the v1.1 SQL about CHUNK_BYTES at a time."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, latest: datetime, reports: dict[str, IngestReport]
    ) -> None:
        self.con, self.latest, self.reports = con, latest, reports
        self.tables: list[pa.Table] = []
        self.size = 0

    def add(self, table: pa.Table, size: int) -> None:
        self.tables.append(table)
        self.size += size
        if self.size >= reading.CHUNK_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.tables:
            lines = pa.concat_tables(self.tables)
            if len(self.tables) > 1:
                lines = reading.rebatch(lines)
            load_v1_lines(self.con, lines, self.latest, self.reports)
        self.tables, self.size = [], 0


def _refuse_non_tweets(report: IngestReport) -> None:
    usable = report.tweets + report.user_observations + report.notices
    if usable == 0 and report.rejected and set(report.rejected_by_reason) <= _NOT_TWEET_REASONS:
        reasons = ", ".join(f"{n} {reason}" for reason, n in report.rejected_by_reason.items())
        raise NotTweetsError(
            report.source_file,
            f"no tweet, user object or stream message in its {report.rejected} records ({reasons})",
        )


def _record_files(con: duckdb.DuckDBPyConnection, reports: list[IngestReport]) -> None:
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
            "ingested_at": now,
        }
        for report in reports
    ]
    insert_rows(con, "ingested_files", rows)


def _reject(con: duckdb.DuckDBPyConnection, report: IngestReport, damages: list[Damage]) -> None:
    rows = [
        {
            "source_file": report.source_file,
            "source_line": damage.source_line,
            "reason": damage.reason,
            "detail": damage.detail,
            "raw_text": damage.raw.rstrip(b"\r\n").decode("utf-8", "replace")[:REJECTED_TEXT_LIMIT],
        }
        for damage in damages
    ]
    insert_rows(con, "rejected_records", rows)
    report.add_rejected(Counter(damage.reason for damage in damages))
    report.records += sum(1 for damage in damages if damage.raw.strip())


def _read_v1_lines(
    con: duckdb.DuckDBPyConnection, path: Path, report: IngestReport, lines: _LineBuffer
) -> None:
    for item in iter_line_chunks(path):
        if isinstance(item, Damage):
            _reject(con, report, [item])
            continue
        table, bad_lines = lines_table(item)
        _reject(con, report, bad_lines)
        lines.add(with_source_file(table, report.source_file), len(item.data))


def _load_records(
    con: duckdb.DuckDBPyConnection, records: list[str], report: IngestReport, latest: datetime
) -> None:
    table = with_source_file(documents.records_table(records), report.source_file)
    load_v1_lines(con, table, latest, {report.source_file: report})


def _load_v1_array(
    con: duckdb.DuckDBPyConnection, path: Path, report: IngestReport, latest: datetime
) -> None:
    text, container_damage = documents.read_text(path)
    elements, stop = documents.array_elements(text)
    if stop is not None and any(d.reason.endswith("_gzip") for d in container_damage):
        # The array was cut by the damaged container: say so, at the element where it stops.
        cut = next(d for d in container_damage if d.reason.endswith("_gzip"))
        stop = Damage(
            stop.source_line,
            cut.reason,
            f"{cut.detail} (array element {stop.source_line})",
            stop.raw,
        )
        container_damage = [d for d in container_damage if d is not cut]
    _reject(con, report, container_damage + ([stop] if stop else []))
    if elements:
        _load_records(con, elements, report, latest)


def _load_v1_object(
    con: duckdb.DuckDBPyConnection, path: Path, report: IngestReport, latest: datetime
) -> None:
    text, container_damage = documents.read_text(path)
    _reject(con, report, container_damage)
    _load_records(con, [text.strip()], report, latest)


def _load_v2_pages(
    con: duckdb.DuckDBPyConnection, path: Path, report: IngestReport, latest: datetime
) -> None:
    for item in iter_line_chunks(path):
        if isinstance(item, Damage):
            _reject(con, report, [item])
            continue
        tweets: list[dict] = []
        users: list[dict] = []
        damages: list[Damage] = []
        for number, raw in enumerate(item.data.split(b"\n"), start=item.first_line):
            if not raw.strip():
                continue
            report.records += 1
            rows = _page(raw, number, latest, damages)
            if rows is not None:
                tweets += rows.tweets
                users += rows.users
        for row in tweets + users:
            row["source_file"] = report.source_file
        report.tweets += insert_rows(con, "tweets", tweets)
        report.user_observations += insert_rows(con, "user_observations", users)
        report.records -= sum(1 for d in damages if d.raw.strip())  # _reject counts them again
        _reject(con, report, damages)


def _page(raw: bytes, number: int, latest: datetime, damages: list[Damage]) -> v2.PageRows | None:
    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        damages.append(Damage(number, "invalid_utf8", f"not UTF-8 ({error.reason})", raw))
        return None
    except ValueError as error:
        damages.append(Damage(number, "malformed_json", f"not valid JSON ({error})", raw))
        return None
    page = v2.as_page(record) if isinstance(record, dict) else None
    if page is None:
        damages.append(Damage(number, "not_a_tweet", "neither a v2 page nor a v2 tweet", raw))
        return None
    rows = v2.page_rows(page, number, latest)
    for reject in rows.rejects:
        text = json.dumps(reject["tweet"], ensure_ascii=False).encode()
        damages.append(Damage(number, reject["reason"], reject["detail"], text))
    return rows


def _load_nothing(
    con: duckdb.DuckDBPyConnection, path: Path, report: IngestReport, latest: datetime
) -> None:
    """An empty file (a collector's hour without tweets) is ingested as zero rows."""


_LOADERS: dict[str, Loader] = {
    detect.V1_ARRAY: _load_v1_array,
    detect.V1_OBJECT: _load_v1_object,
    detect.V2_PAGES: _load_v2_pages,
    detect.EMPTY: _load_nothing,
}
