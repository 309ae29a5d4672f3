"""Copy the published tables from the warehouse into a snapshot folder (pure: DuckDB only),
keeping the contract of ``botwatch.published`` or refusing with every table and column that
breaks it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from botwatch import published
from botwatch.snapshot import DATABASE

# Warehouse schemas whose every table must be published (and so declared): a new mart or
# analysis table that nobody declared stops the publish instead of vanishing from the app.
DECLARED_SCHEMAS = ("marts", "analytics")


def warehouse_columns(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """``schema.table`` -> column -> type, for every table of the connection's database."""
    rows = con.execute(
        "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = current_database() ORDER BY table_schema, table_name, "
        "ordinal_position"
    ).fetchall()
    found: dict[str, dict[str, str]] = {}
    for schema, table, column, type_ in rows:
        found.setdefault(f"{schema}.{table}", {})[column] = type_
    return found


def source_problems(
    warehouse: dict[str, dict[str, str]], frames: dict[str, pd.DataFrame]
) -> list[str]:
    """What in the warehouse (and the publish step's own frames) cannot make a snapshot that keeps
    the contract: a declared source or column that is missing, a column nobody declared, a dbt
    column of another type, a table of ``DECLARED_SCHEMAS`` that is not published."""
    problems = []
    sources = {t.source for t in published.tables().values() if t.source}
    for name in sorted(warehouse):
        if name.split(".")[0] in DECLARED_SCHEMAS and name not in sources:
            problems.append(f"warehouse table {name} is not declared in botwatch/published.py")
    for table in published.tables().values():
        if table.source is None:
            if table.name not in frames:
                problems.append(f"table {table.name}: the publish step gave no frame for it")
                continue
            have = {str(c): "" for c in frames[table.name].columns}
            where = f"the frame for {table.name}"
        elif table.source not in warehouse:
            problems.append(
                f"table {table.name}: its source {table.source} is not in the warehouse"
            )
            continue
        else:
            have, where = warehouse[table.source], table.source
        for column in table.columns:
            if column.name not in have:
                problems.append(f"table {table.name}: column {column.name} is missing from {where}")
            elif table.kind != published.PYTHON and have[column.name] != column.type:
                problems.append(
                    f"table {table.name}: column {column.name} is {have[column.name]} in {where}, "
                    f"the contract says {column.type}"
                )
        for extra in sorted(set(have) - set(table.column_names)):
            problems.append(f"table {table.name}: column {extra} of {where} is not declared")
    return problems


def cast_select(table: published.Table, relation: str) -> str:
    """SELECT of the declared columns, in the declared order, as the declared types."""
    columns = ", ".join(f'CAST("{c.name}" AS {c.type}) AS "{c.name}"' for c in table.columns)
    return f"SELECT {columns} FROM {relation}"


def write_snapshot_database(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    frames: dict[str, pd.DataFrame] | None = None,
) -> dict[str, Any]:
    """Write ``folder/botwatch.duckdb`` with every published table: copied from the warehouse, or
    from ``frames`` for the tables the publish step computes itself. Raises
    ``published.ContractBroken`` (nothing written) when the sources break the contract, and after
    writing if the snapshot itself does. Returns the manifest fields (tables and row counts)."""
    frames = frames or {}
    problems = source_problems(warehouse_columns(con), frames)
    if problems:
        raise published.ContractBroken(problems)
    target = folder / DATABASE
    con.execute("SET TimeZone = 'UTC'")  # time-zone-aware frames become UTC wall times
    con.execute(f"ATTACH '{target}' AS snapshot")
    try:
        for table in published.tables().values():
            if table.source is None:
                con.register("published_frame", frames[table.name])
                relation = "published_frame"
            else:
                relation = table.source
            con.execute(
                f'CREATE TABLE snapshot.main."{table.name}" AS {cast_select(table, relation)}'
            )
            if table.source is None:
                con.unregister("published_frame")
        written = published.database_columns(con, schema="main", catalog="snapshot")
        counts = {
            name: con.execute(f'SELECT count(*) FROM snapshot.main."{name}"').fetchone()[0]
            for name in published.tables()
        }
    finally:
        con.execute("DETACH snapshot")
    published.check(written)
    return {"database": DATABASE, "tables": counts, "contract": published.fingerprint()}


# classifier_evaluation, from either shape that ml.classifier_evaluation takes: the
# leave-one-dataset-out table (several labelled datasets) or the cross-validated figures of each
# field set's model (one dataset). Published column -> the column it comes from, per shape.
EVALUATION_FROM_LODO = {
    "test": "test",
    "accounts": "n",
    "bots": "bots",
    "auc": "auc",
    "accuracy": "accuracy",
    "f1": "f1",
    "recall": "recall",
    "false_positive_rate": "false_positive_rate",
    "brier": "brier",
    "model_version": "model_version",
}
EVALUATION_FROM_CROSS_VALIDATION = {
    "test": "test",
    "auc": "oof_auc",
    "accuracy": "oof_accuracy",
    "f1": "oof_f1",
    "recall": "tpr",
    "false_positive_rate": "fpr",
    "brier": "oof_brier",
    "model_version": "model_version",
}
LEAVE_ONE_DATASET_OUT = "leave one labelled dataset out"
CROSS_VALIDATION = "cross-validation on the training accounts"


def evaluation_table(evaluation: pd.DataFrame) -> pd.DataFrame:
    """The classifier's held-out figures in the published shape (``classifier_evaluation``)."""
    lodo = "auc" in evaluation.columns
    mapping = EVALUATION_FROM_LODO if lodo else EVALUATION_FROM_CROSS_VALIDATION
    shaped = pd.DataFrame(index=evaluation.index)
    for column in published.table("classifier_evaluation").column_names:
        if column == "evaluation":
            shaped[column] = LEAVE_ONE_DATASET_OUT if lodo else CROSS_VALIDATION
        elif column in mapping and mapping[column] in evaluation.columns:
            shaped[column] = evaluation[mapping[column]]
        else:
            shaped[column] = None
    return shaped.reset_index(drop=True)
