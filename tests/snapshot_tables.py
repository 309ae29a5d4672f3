"""The content of a published snapshot, for comparing two runs: every table's rows, sorted, without
the columns that say when or by which run something was computed. Floats are equal within a relative
1e-5 (DuckDB's parallel sums and the float32 similarities differ in their last bits from one run
to the next); rows are paired by their other values and floats rounded to 3 decimals."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb

from botwatch import snapshot
from botwatch.published import RUN_COLUMNS, RUN_TABLES

SORT_DECIMALS = 3
FLOAT_TOLERANCE = 1e-5


def _comparable(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(_comparable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _comparable(v)) for k, v in value.items()))
    return value


def _sort_key(value: object) -> object:
    if isinstance(value, float):
        return round(value, SORT_DECIMALS)
    if isinstance(value, tuple):
        return tuple(_sort_key(v) for v in value)
    return value


def same_value(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=FLOAT_TOLERANCE, abs_tol=1e-12)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return a == b


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
            tables[name] = sorted(
                (_comparable(row) for row in rows), key=lambda r: repr(_sort_key(r))
            )
    return tables


def differing_tables(a: dict[str, list[tuple]], b: dict[str, list[tuple]]) -> dict[str, str]:
    """Table name -> what differs (empty when the snapshots hold the same data)."""
    differences = {}
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            differences[name] = "only in one snapshot"
        elif len(a[name]) != len(b[name]):
            differences[name] = f"{len(a[name])} vs {len(b[name])} rows"
        else:
            unlike = [(x, y) for x, y in zip(a[name], b[name], strict=True) if not same_value(x, y)]
            if unlike:
                differences[name] = f"{len(unlike)} of {len(a[name])} rows differ, e.g. {unlike[0]}"
    return differences
