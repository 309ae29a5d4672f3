"""Running the dbt project for real against a warehouse of its own, filled through the canonical
raw schema."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from botwatch import paths
from botwatch.schema import (
    ACCOUNT_BOT_SCORE_COLUMNS,
    RAW_TABLES,
    SCORE_SCHEMA,
    create_raw_tables_sql,
    create_table_sql,
)

DBT = Path(sys.executable).with_name("dbt")
PROJECT = paths.DBT_PROJECT_DIR


def run_dbt(args: list[str], warehouse: Path, work: Path) -> tuple[int, dict[str, str]]:
    """Run dbt on the project against ``warehouse``; return the exit code and node statuses."""
    env = {
        **os.environ,
        "BOTWATCH_WAREHOUSE": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "0",
        # dbt's own default, stated: importing orchestration.dbt_project (another test in the
        # same worker) sets "buildable" for Dagster, under which `--exclude` of the analytics
        # marts still selects the singular tests that join them to a core mart
        "DBT_INDIRECT_SELECTION": "eager",
    }
    command = [
        str(DBT),
        *args,
        "--project-dir",
        str(PROJECT),
        "--profiles-dir",
        str(PROJECT),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    results_file = work / "target" / "run_results.json"
    statuses: dict[str, str] = {}
    if results_file.exists():
        for result in json.loads(results_file.read_text())["results"]:
            statuses[result["unique_id"]] = result["status"]
    if done.returncode != 0:
        print(done.stdout[-6000:], done.stderr[-3000:])
    return done.returncode, statuses


def new_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path))
    for statement in create_raw_tables_sql():
        con.execute(statement)
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCORE_SCHEMA}")
    con.execute(create_table_sql(SCORE_SCHEMA, "account_bot_scores", ACCOUNT_BOT_SCORE_COLUMNS))
    return con


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = ACCOUNT_BOT_SCORE_COLUMNS if table == "ml.account_bot_scores" else None
    columns = columns or RAW_TABLES[table.split(".")[1]]
    names = list(columns)
    placeholders = ", ".join("?" for _ in names)
    quoted = ", ".join(f'"{name}"' for name in names)
    con.executemany(
        f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})",
        [[row.get(name) for name in names] for row in rows],
    )


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.sql(sql).fetchall()


def read_campaigns() -> list[dict[str, Any]]:
    with (PROJECT / "seeds" / "campaigns.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for key in ("start_at", "end_at"):
            row[key] = datetime.fromisoformat(row[key])
    return rows
