"""Writing frames into the warehouse: whole-table replacement in one transaction."""

import duckdb
import pandas as pd

from botwatch.schema import create_table_sql


def replace_table(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    table: str,
    columns: dict[str, str],
    frame: pd.DataFrame,
) -> None:
    """Replace a declared table's rows with ``frame``, casting to the declared types."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute(create_table_sql(schema, table, columns))
    select = ", ".join(f'CAST("{c}" AS {t})' for c, t in columns.items())
    _in_transaction(
        con,
        frame[list(columns)],
        [
            f"DELETE FROM {schema}.{table}",
            f"INSERT INTO {schema}.{table} SELECT {select} FROM incoming",
        ],
    )


def replace_table_from_frame(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, frame: pd.DataFrame
) -> None:
    """Replace a table with ``frame``, its columns and types taken from the frame."""
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    _in_transaction(
        con, frame, [f"CREATE OR REPLACE TABLE {schema}.{table} AS SELECT * FROM incoming"]
    )


def _in_transaction(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, statements: list[str]
) -> None:
    con.register("incoming", frame)
    con.execute("BEGIN TRANSACTION")
    try:
        for statement in statements:
            con.execute(statement)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("incoming")
