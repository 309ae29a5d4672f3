"""Python-built rows (v2 pages, container damage) → a raw table, through Arrow in one insert."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from botwatch.schema import RAW_SCHEMA, RAW_TABLES

_ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
    "DOUBLE": pa.float64(),
    "VARCHAR[]": pa.list_(pa.string()),
}


def arrow_schema(columns: dict[str, str]) -> pa.Schema:
    """The Arrow schema of a table defined in ``botwatch.schema``."""
    return pa.schema([(name, _ARROW_TYPES[type_]) for name, type_ in columns.items()])


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[dict[str, Any]]) -> int:
    """Insert dicts (missing keys are NULL) into ``raw.<table>``; returns the number inserted."""
    if not rows:
        return 0
    arrow_rows = pa.Table.from_pylist(list(rows), schema=arrow_schema(RAW_TABLES[table]))
    con.register("ingest_python_rows", arrow_rows)
    try:
        con.execute(f"INSERT INTO {RAW_SCHEMA}.{table} BY NAME SELECT * FROM ingest_python_rows")
    finally:
        con.unregister("ingest_python_rows")
    return len(rows)
