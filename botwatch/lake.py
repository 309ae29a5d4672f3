"""The warehouse's Python-written tables as Parquet, where Spark reads them.

On ``BOTWATCH_ENGINE=spark`` the ingest, the labelled accounts and the scores are still written by
Python into DuckDB; dbt-spark reads them from ``<BOTWATCH_SPARK_DIR>/lake/<schema>/<table>/``
(registered as external tables by ``dbt_project/macros/spark_sources.sql``), and writes its own
tables as Parquet under ``<BOTWATCH_SPARK_DIR>/warehouse/<schema>.db/<table>/``, which DuckDB reads
back with ``read_parquet``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import duckdb

# Every table of the dbt project's sources (dbt_project/models/staging/_sources.yml).
LAKE_TABLES = (
    "raw.tweets",
    "raw.user_observations",
    "raw.rejected_records",
    "raw.stream_notices",
    "raw.ingested_files",
    "raw.labelled_accounts",
    "ml.account_bot_scores",
)
PART = "part-00000.parquet"


def lake_table_dir(spark_dir: Path, relation: str) -> Path:
    schema, table = relation.split(".")
    return spark_dir / "lake" / schema / table


def spark_table_dir(spark_dir: Path, relation: str) -> Path:
    """Where Spark's catalog keeps a dbt relation's Parquet files (schema = database)."""
    schema, table = relation.split(".")
    return spark_dir / "warehouse" / f"{schema}.db" / table


def _existing(con: duckdb.DuckDBPyConnection, relations: tuple[str, ...]) -> list[str]:
    found = {
        f"{schema}.{table}"
        for schema, table in con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
        ).fetchall()
    }
    return [r for r in relations if r in found]


def _select_utc(con: duckdb.DuckDBPyConnection, relation: str) -> str:
    """The relation's rows with naive (UTC) timestamps as instants, so Parquet marks them
    adjusted to UTC and Spark reads them as its TIMESTAMP (not TIMESTAMP_NTZ)."""
    schema, table = relation.split(".")
    columns = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, table],
    ).fetchall()
    select = ", ".join(
        f'CAST("{name}" AS TIMESTAMPTZ) AS "{name}"' if kind == "TIMESTAMP" else f'"{name}"'
        for name, kind in columns
    )
    return f"SELECT {select} FROM {relation}"


def export_to_lake(
    con: duckdb.DuckDBPyConnection, spark_dir: Path, relations: tuple[str, ...] = LAKE_TABLES
) -> dict[str, int]:
    """Write each relation that exists in the warehouse as one Parquet file under the lake,
    replacing the folder whole (a reader sees the old table or the new one, never half of one).
    Returns the rows written per relation."""
    con.execute("SET TimeZone = 'UTC'")
    written: dict[str, int] = {}
    for relation in _existing(con, relations):
        target = lake_table_dir(spark_dir, relation)
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        staging.mkdir()
        path = str(staging / PART).replace("'", "''")
        con.execute(f"COPY ({_select_utc(con, relation)}) TO '{path}' (FORMAT parquet)")
        retired = target.with_name(f".{target.name}.{uuid.uuid4().hex}.old")
        if target.exists():
            os.replace(target, retired)
        os.replace(staging, target)
        shutil.rmtree(retired, ignore_errors=True)
        written[relation] = con.execute(f"SELECT count(*) FROM {relation}").fetchone()[0]
    return written


def spark_tables(spark_dir: Path) -> list[str]:
    """Every relation Spark's catalog holds as Parquet (``schema.table``)."""
    root = spark_dir / "warehouse"
    return sorted(
        f"{schema_dir.name.removesuffix('.db')}.{table_dir.name}"
        for schema_dir in root.glob("*.db")
        for table_dir in schema_dir.iterdir()
        if table_dir.is_dir() and any(table_dir.glob("*.parquet"))
    )


def attach_spark_tables(con: duckdb.DuckDBPyConnection, spark_dir: Path) -> list[str]:
    """Make each of Spark's dbt relations a DuckDB view of the same name over its Parquet files
    (Spark's UTC instants as DuckDB's naive UTC timestamps), so the Python stages and the publish
    step read what Spark built exactly as they read what dbt-duckdb builds. Returns the views."""
    con.execute("SET TimeZone = 'UTC'")
    kinds = dict(
        ((schema, table), kind)
        for schema, table, kind in con.execute(
            "SELECT table_schema, table_name, table_type FROM information_schema.tables"
        ).fetchall()
    )
    attached = []
    for relation in spark_tables(spark_dir):
        schema, table = relation.split(".")
        files = str(spark_table_dir(spark_dir, relation) / "*.parquet").replace("'", "''")
        scan = f"read_parquet('{files}')"
        columns = con.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
        select = ", ".join(
            f'timezone(\'UTC\', "{name}") AS "{name}"'
            if kind == "TIMESTAMP WITH TIME ZONE"
            else f'"{name}"'
            for name, kind, *_ in columns
        )
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        if kinds.get((schema, table)) == "BASE TABLE":
            con.execute(f"DROP TABLE {schema}.{table}")
        con.execute(f"CREATE OR REPLACE VIEW {schema}.{table} AS SELECT {select} FROM {scan}")
        attached.append(relation)
    return attached
