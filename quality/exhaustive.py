"""Rules checked on every row, inside DuckDB: nothing is copied into Python but the counts and a
few example ids, so a 17-million-row table costs one scan (and one more for a unique key).

A ``RowRule`` names the rows that break it with a SQL predicate and says in words what it
expects; a ``UniqueKey`` names columns that identify a row. ``check`` counts the failing rows of
every rule in one aggregate query, then fetches ``EXAMPLES`` ids for the rules that failed.
A rule passes while its failing share is within its ``tolerance`` (0: no row may fail).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

EXAMPLES = 5


@dataclass(frozen=True)
class RowRule:
    name: str
    expects: str  # what every row should satisfy, in words
    failing: str  # SQL predicate, true for a row that breaks the rule
    tolerance: float = 0.0


@dataclass(frozen=True)
class UniqueKey:
    columns: tuple[str, ...]

    @property
    def name(self) -> str:
        return "unique_" + "_".join(self.columns)

    @property
    def expects(self) -> str:
        return "one row per " + ", ".join(self.columns)


@dataclass(frozen=True)
class RuleOutcome:
    name: str
    expects: str
    rows: int
    failing_rows: int
    tolerance: float
    examples: list[str]

    @property
    def failing_share(self) -> float:
        return self.failing_rows / self.rows if self.rows else 0.0

    @property
    def passed(self) -> bool:
        return self.failing_share <= self.tolerance

    def sentence(self) -> str:
        """What failed, in plain words, with how many rows and example ids."""
        allowed = f" (tolerance {self.tolerance:.1%})" if self.tolerance else ""
        return (
            f"expected {self.expects}: {self.failing_rows:,} of {self.rows:,} rows "
            f"({self.failing_share:.2%}) do not{allowed}; e.g. {', '.join(self.examples)}"
        )

    def to_metadata(self) -> dict[str, Any]:
        return {
            "rule": self.name,
            "expects": self.expects,
            "rows": self.rows,
            "failing_rows": self.failing_rows,
            "failing_share": round(self.failing_share, 6),
            "tolerance": self.tolerance,
            "passed": self.passed,
            "examples": self.examples,
        }


def check(
    con: Any,
    relation: str,
    id_column: str,
    rules: list[RowRule],
    keys: list[UniqueKey] = (),
) -> list[RuleOutcome]:
    """Every rule and key of ``relation`` counted on every row; examples name ``id_column``."""
    counts = ", ".join(f"count(*) FILTER (WHERE {rule.failing})" for rule in rules)
    rows, *failing = con.execute(
        f"SELECT count(*){', ' + counts if counts else ''} FROM {relation}"
    ).fetchall()[0]
    outcomes = []
    for rule, failed in zip(rules, failing, strict=True):
        examples = []
        if failed:
            examples = _examples(
                con,
                f"SELECT {id_column} FROM {relation} WHERE {rule.failing} ORDER BY {id_column}",
            )
        outcomes.append(
            RuleOutcome(rule.name, rule.expects, rows, failed, rule.tolerance, examples)
        )
    for key in keys:
        columns = ", ".join(key.columns)
        duplicates = f"FROM {relation} GROUP BY {columns} HAVING count(*) > 1"
        (extra,) = con.execute(
            f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n {duplicates})"
        ).fetchall()[0]
        examples = []
        if extra:
            examples = _examples(
                con, f"SELECT min({id_column}) AS example {duplicates} ORDER BY example"
            )
        outcomes.append(RuleOutcome(key.name, key.expects, rows, int(extra), 0.0, examples))
    return outcomes


def _examples(con: Any, ordered_ids_sql: str) -> list[str]:
    """The first ``EXAMPLES`` ids that ``ordered_ids_sql`` returns, as text."""
    rows = con.execute(f"{ordered_ids_sql} LIMIT {EXAMPLES}").fetchall()
    return [str(value) for (value,) in rows]
