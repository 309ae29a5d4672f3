"""Copy what the app needs from the warehouse into a snapshot folder (pure: DuckDB only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from botwatch.snapshot import DATABASE

# Schemas whose every table is published, and seeds the app needs.
PUBLISHED_SCHEMAS = ("marts", "analytics", "ml")
PUBLISHED_SEEDS = ("campaigns", "campaign_events")


def tables_in(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_schema = ? ORDER BY table_name",
        [schema],
    ).fetchall()
    return [r[0] for r in rows]


def seed_schema(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(
        "SELECT table_schema FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_name = 'campaigns' LIMIT 1"
    ).fetchone()
    if row is None:
        raise LookupError("the campaigns seed is not in the warehouse: run dbt seed (dbt build)")
    return row[0]


def write_snapshot_database(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    extra_frames: dict[str, pd.DataFrame] | None = None,
) -> dict[str, Any]:
    """Write ``folder/botwatch.duckdb`` with every published table, plus ``extra_frames``;
    returns the manifest fields (tables and their row counts)."""
    target = folder / DATABASE
    sources: dict[str, str] = {}
    for schema in PUBLISHED_SCHEMAS:
        for table in tables_in(con, schema):
            sources[table] = f"{schema}.{table}"
    seeds = seed_schema(con)
    for seed in PUBLISHED_SEEDS:
        sources[seed] = f"{seeds}.{seed}"
    con.execute(f"ATTACH '{target}' AS snapshot")
    try:
        for name, source in sources.items():
            con.execute(f'CREATE TABLE snapshot.main."{name}" AS SELECT * FROM {source}')
        for name, frame in (extra_frames or {}).items():
            con.register("extra_frame", frame)
            con.execute(f'CREATE TABLE snapshot.main."{name}" AS SELECT * FROM extra_frame')
            con.unregister("extra_frame")
        counts = {
            name: con.execute(f'SELECT count(*) FROM snapshot.main."{name}"').fetchone()[0]
            for name in [*sources, *(extra_frames or {})]
        }
    finally:
        con.execute("DETACH snapshot")
    return {"database": DATABASE, "tables": counts}
