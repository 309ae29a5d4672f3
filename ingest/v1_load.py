"""Run the v1.1 SQL over one table of numbered lines and add what it wrote to each file's report."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

import duckdb
import pyarrow as pa

from botwatch.schema import TWITTER_BIRTH
from ingest import v1_sql
from ingest.report import IngestReport


def with_source_file(lines: pa.Table, source_file: str) -> pa.Table:
    """Add the ``source_file`` column the SQL groups by."""
    column = pa.repeat(pa.scalar(source_file, pa.string()), lines.num_rows)
    return lines.add_column(0, "source_file", column)


def _execute(con: duckdb.DuckDBPyConnection, sql: str, latest: datetime) -> None:
    values = {"twitter_birth": TWITTER_BIRTH, "latest": latest}
    con.execute(sql, {name: value for name, value in values.items() if f"${name}" in sql})


def load_v1_lines(
    con: duckdb.DuckDBPyConnection,
    lines: pa.Table,
    latest: datetime,
    reports: dict[str, IngestReport],
) -> None:
    """Insert the canonical rows of ``lines`` (``source_file``, ``source_line``, ``line``)."""
    statements = v1_sql.statements()
    con.register("ingest_lines", lines)
    try:
        _execute(con, statements["classify"], latest)
        summary = con.execute(
            "SELECT source_file, kind, count(*), sum(missed) FROM ingest_records GROUP BY ALL"
        ).fetchall()
        kinds = {kind.split(":")[0] for _, kind, _, _ in summary}
        tweets: Counter[str] = Counter()
        users: Counter[str] = Counter()
        # Planning these wide statements costs milliseconds: skip those with nothing to insert.
        if "tweet" in kinds or "user" in kinds:
            _execute(con, statements["counts"], latest)
            for source_file, tweet_rows, user_rows in con.fetchall():
                tweets[source_file], users[source_file] = tweet_rows, user_rows
            if "tweet" in kinds:
                _execute(con, statements["tweets"], latest)
            _execute(con, statements["user_observations"], latest)
        if "notice" in kinds:
            _execute(con, statements["notices"], latest)
        if "reject" in kinds:
            _execute(con, statements["rejects"], latest)
    finally:
        con.execute("DROP TABLE IF EXISTS ingest_records")
        con.unregister("ingest_lines")
    _add_to_reports(reports, summary, tweets, users)


def _add_to_reports(
    reports: dict[str, IngestReport], summary: list[tuple], tweets: Counter, users: Counter
) -> None:
    rejected: dict[str, Counter] = defaultdict(Counter)
    notices: dict[str, Counter] = defaultdict(Counter)
    for source_file, kind, count, missed in summary:
        report = reports[source_file]
        report.records += count
        if kind.startswith("reject:"):
            rejected[source_file][kind.removeprefix("reject:")] += count
        elif kind.startswith("notice:"):
            notices[source_file][kind.removeprefix("notice:")] += count
            report.missed_tweets += int(missed or 0)
    for source_file, report in reports.items():
        report.tweets += tweets[source_file]
        report.user_observations += users[source_file]
        report.add_rejected(rejected[source_file])
        report.add_notices(notices[source_file])
