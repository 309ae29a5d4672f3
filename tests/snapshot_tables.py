"""The content of a published snapshot, for comparing two runs: every table's rows, sorted, without
the columns that say when or by which run something was computed, floats to 6 decimals (DuckDB's
parallel sums and the float32 similarities differ in their last bits from one run to the next)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from botwatch import snapshot

# Tables about the run itself (check results carry run ids and times), not about the data.
RUN_TABLES = {"quality_checks"}
# Columns that record when or by which run a row was computed.
RUN_COLUMNS = {"run_id", "evaluated_at", "scored_at", "ingested_at", "published_at", "built_at"}
FLOAT_DECIMALS = 6


def _comparable(value: object) -> object:
    if isinstance(value, float):
        return round(value, FLOAT_DECIMALS)
    if isinstance(value, list | tuple):
        return tuple(_comparable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _comparable(v)) for k, v in value.items()))
    return value


def snapshot_tables(publish_dir: Path) -> dict[str, list[tuple]]:
    folder = snapshot.current_dir(publish_dir)
    assert folder is not None, f"nothing published in {publish_dir}"
    tables: dict[str, list[tuple]] = {}
    with duckdb.connect(str(folder / snapshot.DATABASE), read_only=True) as con:
        names = [
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        ]
        for name in sorted(set(names) - RUN_TABLES):
            columns = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                    "ORDER BY ordinal_position",
                    [name],
                ).fetchall()
                if r[0] not in RUN_COLUMNS
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'SELECT {select} FROM "{name}"').fetchall()
            tables[name] = sorted((_comparable(row) for row in rows), key=repr)
    return tables


def differing_tables(a: dict[str, list[tuple]], b: dict[str, list[tuple]]) -> dict[str, str]:
    """Table name -> what differs (empty when the snapshots hold the same data)."""
    differences = {}
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            differences[name] = "only in one snapshot"
        elif a[name] != b[name]:
            only_a = len(set(map(repr, a[name])) - set(map(repr, b[name])))
            only_b = len(set(map(repr, b[name])) - set(map(repr, a[name])))
            differences[name] = f"{len(a[name])} vs {len(b[name])} rows, {only_a}/{only_b} differ"
    return differences
