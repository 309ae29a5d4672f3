"""Per-format loaders: a file's records → canonical rows, quarantine for what cannot be used.

v1.1 lines go through the DuckDB SQL (``v1_load``) in chunks, several small files together;
arrays and single objects become records for the same SQL; v2 pages are mapped in Python.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from botwatch.schema import REJECTED_TEXT_LIMIT
from ingest import detect, documents, reading, v2
from ingest.reading import Damage, iter_line_chunks, lines_table
from ingest.report import IngestReport
from ingest.rows import insert_rows
from ingest.v1_load import load_v1_lines, with_source_file

Loader = Callable[[duckdb.DuckDBPyConnection, Path, IngestReport, datetime], None]


class LineBuffer:
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


def reject(con: duckdb.DuckDBPyConnection, report: IngestReport, damages: list[Damage]) -> None:
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


def read_v1_lines(
    con: duckdb.DuckDBPyConnection, path: Path, report: IngestReport, lines: LineBuffer
) -> None:
    for item in iter_line_chunks(path):
        if isinstance(item, Damage):
            reject(con, report, [item])
            continue
        table, bad_lines = lines_table(item)
        reject(con, report, bad_lines)
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
    reject(con, report, container_damage + ([stop] if stop else []))
    if elements:
        _load_records(con, elements, report, latest)


def _load_v1_object(
    con: duckdb.DuckDBPyConnection, path: Path, report: IngestReport, latest: datetime
) -> None:
    text, container_damage = documents.read_text(path)
    reject(con, report, container_damage)
    _load_records(con, [text.strip()], report, latest)


def _load_v2_pages(
    con: duckdb.DuckDBPyConnection, path: Path, report: IngestReport, latest: datetime
) -> None:
    for item in iter_line_chunks(path):
        if isinstance(item, Damage):
            reject(con, report, [item])
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
        report.records -= sum(1 for d in damages if d.raw.strip())  # reject() counts them again
        reject(con, report, damages)


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


LOADERS: dict[str, Loader] = {
    detect.V1_ARRAY: _load_v1_array,
    detect.V1_OBJECT: _load_v1_object,
    detect.V2_PAGES: _load_v2_pages,
    detect.EMPTY: _load_nothing,
}
