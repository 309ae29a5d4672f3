"""Comparing a table as two engines built it: row for row, floats within a relative tolerance,
arrays as sorted sets, timestamps as UTC instants (the test oracle of the Spark engine)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

RELATIVE_TOLERANCE = 1e-9
SIGNIFICANT_DIGITS = 9  # rows are sorted on floats rounded this far, then compared with tolerance


def normalised(value: Any) -> Any:
    """One cell in a form both engines' values meet in."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, list | tuple):
        return tuple(sorted({normalised(v) for v in value}, key=repr))
    return value


def _sort_key(row: tuple) -> tuple:
    def key(value: Any) -> tuple:
        if value is None:
            return (0, "")
        if isinstance(value, float):
            if math.isnan(value):
                return (1, "nan")
            return (1, f"{value:.{SIGNIFICANT_DIGITS}e}")
        return (2, repr(value))

    return tuple(key(v) for v in row)


def cells_equal(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        if math.isnan(left) or math.isnan(right):
            return math.isnan(left) and math.isnan(right)
        return math.isclose(left, right, rel_tol=RELATIVE_TOLERANCE, abs_tol=0.0) or left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return float(left) == float(right)
    return left == right


@dataclass(frozen=True)
class Difference:
    table: str
    problem: str


def compare_rows(
    table: str,
    columns: Sequence[str],
    left: Sequence[tuple],
    right: Sequence[tuple],
    shown: int = 3,
) -> Difference | None:
    """None when the two row sets are equal (in any order), else what differs first."""
    if len(left) != len(right):
        return Difference(table, f"{len(left)} rows against {len(right)}")
    ordered_left = sorted((tuple(normalised(v) for v in r) for r in left), key=_sort_key)
    ordered_right = sorted((tuple(normalised(v) for v in r) for r in right), key=_sort_key)
    mismatches = [
        (a, b)
        for a, b in zip(ordered_left, ordered_right, strict=True)
        if not all(cells_equal(x, y) for x, y in zip(a, b, strict=True))
    ]
    if not mismatches:
        return None
    described = []
    for a, b in mismatches[:shown]:
        cells = [
            f"{name}: {x!r} != {y!r}"
            for name, x, y in zip(columns, a, b, strict=True)
            if not cells_equal(x, y)
        ]
        described.append("; ".join(cells))
    return Difference(table, f"{len(mismatches)} rows differ, e.g. " + " | ".join(described))


def fetch(con: duckdb.DuckDBPyConnection, relation_sql: str, columns: Sequence[str]) -> list[tuple]:
    select = ", ".join(f'"{c}"' for c in columns)
    return con.execute(f"SELECT {select} FROM {relation_sql}").fetchall()
