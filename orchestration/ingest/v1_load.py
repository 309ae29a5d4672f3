"""Run the v1.1 SQL over one table of numbered lines and add what it wrote to the report."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import duckdb
import pyarrow as pa

from orchestration.ingest import v1_sql
from orchestration.ingest.bounds import TWITTER_BIRTH
from orchestration.ingest.report import IngestReport


def _run(con: duckdb.DuckDBPyConnection, sql: str, values: dict[str, object]) -> int:
    """Execute with the parameters the statement uses; the row count it reports (0 if none)."""
    used = {name: value for name, value in values.items() if f"${name}" in sql}
    rows = con.execute(sql, used).fetchall()
    return int(rows[0][0]) if rows and isinstance(rows[0][0], int) else 0


def load_v1_lines(
    con: duckdb.DuckDBPyConnection,
    lines: pa.Table,
    source_file: str,
    latest: datetime,
    report: IngestReport,
) -> None:
    """Insert the canonical rows of ``lines`` (columns ``source_line``, ``line``)."""
    values = {"source_file": source_file, "twitter_birth": TWITTER_BIRTH, "latest": latest}
    con.register("ingest_lines", lines)
    try:
        statements = v1_sql.statements()
        _run(con, statements["classify"], values)
        summary = con.execute(
            "SELECT kind, count(*), sum(missed) FROM ingest_records GROUP BY kind"
        ).fetchall()
        kinds = {kind.split(":")[0] for kind, _, _ in summary}
        # Planning these wide statements costs ~30 ms each: skip those with nothing to insert.
        if "tweet" in kinds or "user" in kinds:
            report.tweets += _run(con, statements["tweets"], values) if "tweet" in kinds else 0
            report.user_observations += _run(con, statements["user_observations"], values)
        if "notice" in kinds:
            _run(con, statements["notices"], values)
        if "reject" in kinds:
            _run(con, statements["rejects"], values)
    finally:
        con.execute("DROP TABLE IF EXISTS ingest_records")
        con.unregister("ingest_lines")
    rejected: Counter[str] = Counter()
    notices: Counter[str] = Counter()
    for kind, count, missed in summary:
        report.records += count
        if kind.startswith("reject:"):
            rejected[kind.removeprefix("reject:")] += count
        elif kind.startswith("notice:"):
            notices[kind.removeprefix("notice:")] += count
            report.missed_tweets += int(missed or 0)
    report.add_rejected(rejected)
    report.add_notices(notices)
