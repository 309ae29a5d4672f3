"""One landing file → the raw tables, replacing that file's previous rows in one transaction."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from botwatch import paths
from botwatch.schema import REJECTED_TEXT_LIMIT, create_raw_tables_sql
from orchestration.ingest import detect, documents, v2
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
from orchestration.ingest.v1_load import load_v1_lines

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


def ingest_file(
    con: duckdb.DuckDBPyConnection, path: Path, source_file: str | None = None
) -> IngestReport:
    """Ingest one landing file (format and compression detected from its content). Raises
    ``NotTweetsError`` when the file is not tweets at all; nothing is written then."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such landing file: {path}")
    source_file = source_file or source_name(path)
    ensure_raw_tables(con)
    report = IngestReport(
        source_file, detect.detect_format(path, source_file), compression_of(path)
    )
    con.begin()
    try:
        for table in FILE_TABLES:
            con.execute(f"DELETE FROM raw.{table} WHERE source_file = ?", [source_file])
        _LOADERS[report.file_format](con, path, report, latest_possible())
        _refuse_non_tweets(report)
        _record_file(con, report)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return report


def ingest_files(con: duckdb.DuckDBPyConnection, paths_: Iterable[Path]) -> list[IngestReport]:
    """Ingest many files in one call (a backfill); each file is its own transaction."""
    return [ingest_file(con, Path(path)) for path in paths_]


def _refuse_non_tweets(report: IngestReport) -> None:
    usable = report.tweets + report.user_observations + report.notices
    if usable == 0 and report.rejected and set(report.rejected_by_reason) <= _NOT_TWEET_REASONS:
        reasons = ", ".join(f"{n} {reason}" for reason, n in report.rejected_by_reason.items())
        raise NotTweetsError(
            report.source_file,
            f"no tweet, user object or stream message in its {report.rejected} records ({reasons})",
        )


def _record_file(con: duckdb.DuckDBPyConnection, report: IngestReport) -> None:
    insert_rows(
        con,
        "ingested_files",
        [
            {
                "source_file": report.source_file,
                "file_format": report.file_format,
                "compression": report.compression,
                "tweets": report.tweets,
                "user_observations": report.user_observations,
                "rejected": report.rejected,
                "notices": report.notices,
                "ingested_at": datetime.now(UTC).replace(tzinfo=None),
            }
        ],
    )


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


def _load_v1_lines(
    con: duckdb.DuckDBPyConnection, path: Path, report: IngestReport, latest: datetime
) -> None:
    for item in iter_line_chunks(path):
        if isinstance(item, Damage):
            _reject(con, report, [item])
            continue
        table, bad_lines = lines_table(item)
        _reject(con, report, bad_lines)
        load_v1_lines(con, table, report.source_file, latest, report)


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
        load_v1_lines(con, documents.records_table(elements), report.source_file, latest, report)


def _load_v1_object(
    con: duckdb.DuckDBPyConnection, path: Path, report: IngestReport, latest: datetime
) -> None:
    text, container_damage = documents.read_text(path)
    _reject(con, report, container_damage)
    load_v1_lines(con, documents.records_table([text.strip()]), report.source_file, latest, report)


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
    detect.V1_LINES: _load_v1_lines,
    detect.V1_ARRAY: _load_v1_array,
    detect.V1_OBJECT: _load_v1_object,
    detect.V2_PAGES: _load_v2_pages,
    detect.EMPTY: _load_nothing,
}
