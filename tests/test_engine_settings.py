"""The engine setting, the Parquet hand-over to Spark and back, and the cross-engine comparer."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import jinja2
import pytest
import yaml

from botwatch import engine, lake
from botwatch.paths import DBT_PROJECT_DIR
from tests.engine_tables import compare_rows


def test_engine_defaults_to_duckdb_and_names_the_dbt_target(monkeypatch):
    monkeypatch.delenv("BOTWATCH_ENGINE", raising=False)
    monkeypatch.delenv("BOTWATCH_DBT_TARGET", raising=False)
    assert engine.engine() == "duckdb"
    assert engine.dbt_target() == "duckdb"
    monkeypatch.setenv("BOTWATCH_ENGINE", "Spark")
    assert engine.engine() == "spark"
    assert engine.dbt_target() == "spark"
    monkeypatch.setenv("BOTWATCH_DBT_TARGET", "spark_thrift")
    assert engine.dbt_target() == "spark_thrift"


def test_unknown_engine_and_bad_master_are_refused(monkeypatch):
    monkeypatch.setenv("BOTWATCH_ENGINE", "postgres")
    with pytest.raises(engine.UnknownEngine, match="duckdb, spark"):
        engine.engine()
    monkeypatch.setenv("BOTWATCH_SPARK_MASTER", "local[0]")
    with pytest.raises(ValueError, match="local\\[N\\]"):
        engine.spark_master()
    monkeypatch.setenv("BOTWATCH_SPARK_MASTER", "local[2]")
    assert engine.spark_master() == "local[2]"


def test_the_resources_pick_the_engine_without_an_if_in_assets(monkeypatch, tmp_path):
    from orchestration.defs.resources import build_resources
    from orchestration.engines import DuckDBEngine, SparkEngine

    monkeypatch.setenv("BOTWATCH_SPARK_DIR", str(tmp_path / "spark"))
    monkeypatch.setenv("BOTWATCH_ENGINE", "spark")
    resources = build_resources()
    assert isinstance(resources["sql_engine"], SparkEngine)
    assert resources["dbt"].target == "spark"
    assert resources["sql_engine"].spark_dir == str(tmp_path / "spark")
    monkeypatch.setenv("BOTWATCH_ENGINE", "duckdb")
    resources = build_resources()
    assert type(resources["sql_engine"]) is DuckDBEngine
    assert resources["dbt"].target == "duckdb"


def _warehouse_with_raw(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA raw")
        con.execute(
            "CREATE TABLE raw.tweets AS SELECT '1' AS tweet_id, "
            "TIMESTAMP '2017-05-05 20:00:00' AS created_at, ['MacronLeaks', 'x'] AS hashtags"
        )


def test_export_to_lake_writes_utc_instants_and_replaces_whole(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    _warehouse_with_raw(warehouse)
    with duckdb.connect(str(warehouse)) as con:
        assert lake.export_to_lake(con, tmp_path / "spark") == {"raw.tweets": 1}
        con.execute("INSERT INTO raw.tweets VALUES ('2', TIMESTAMP '2017-05-06 00:00:00', [])")
        assert lake.export_to_lake(con, tmp_path / "spark") == {"raw.tweets": 2}
    folder = lake.lake_table_dir(tmp_path / "spark", "raw.tweets")
    assert [p.name for p in folder.iterdir()] == [lake.PART]
    assert [p.name for p in folder.parent.iterdir()] == ["tweets"]  # no staging leftovers
    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{folder}/*.parquet')")
        kinds = {name: kind for name, kind, *_ in described.fetchall()}
    assert kinds["created_at"] == "TIMESTAMP WITH TIME ZONE"
    assert kinds["hashtags"] == "VARCHAR[]"


def test_spark_tables_come_back_as_views_with_naive_utc_timestamps(tmp_path):
    spark_dir = tmp_path / "spark"
    table = lake.spark_table_dir(spark_dir, "marts.fct_tweets")
    table.mkdir(parents=True)
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(
            f"COPY (SELECT 't1' AS tweet_id, TIMESTAMPTZ '2017-05-05 20:00:00+00' AS created_at) "
            f"TO '{table}/part-0.parquet' (FORMAT parquet)"
        )
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.fct_tweets AS SELECT 'old' AS tweet_id")
        assert lake.attach_spark_tables(con, spark_dir) == ["marts.fct_tweets"]
        assert con.execute("SELECT * FROM marts.fct_tweets").fetchall() == [
            ("t1", datetime(2017, 5, 5, 20, 0))
        ]
        kind = con.execute(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = 'fct_tweets' AND column_name = 'created_at'"
        ).fetchone()[0]
    assert kind == "TIMESTAMP"


def test_compare_rows_finds_what_differs_and_forgives_what_may():
    columns = ["id", "share", "tags"]
    duck = [("a", 0.1 + 0.2, ["y", "x"]), ("b", 1.0, [])]
    spark = [("b", 1.0, []), ("a", 0.3, ["x", "y", "x"])]
    assert compare_rows("t", columns, duck, spark) is None
    different = compare_rows("t", columns, duck, [("b", 1.0, []), ("a", 0.3001, ["x"])])
    assert different is not None
    assert "share" in different.problem and "tags" in different.problem
    assert "1 rows against 2" in compare_rows("t", columns, duck[:1], duck).problem


# The column types both engines parse as they are written in a contract. Spark refuses a
# VARCHAR without a length (DATATYPE_MISSING_SIZE) only when it runs the contract check, so a
# `data_type: varchar` passes every DuckDB build and breaks the Spark one.
SHARED_TYPES = {"string", "bigint", "integer", "double", "boolean", "timestamp", "date"}


def test_every_declared_column_type_is_one_both_engines_parse():
    unparsable = []
    for path in sorted((DBT_PROJECT_DIR / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        tables = [*document.get("models", [])]
        tables += [t for source in document.get("sources", []) for t in source["tables"]]
        for table in tables:
            for column in table.get("columns") or []:
                if "data_type" not in column:
                    continue
                written = column["data_type"]
                on_spark = jinja2.Template(written).render(target={"type": "spark"}).lower()
                if on_spark not in SHARED_TYPES | {"array<string>"}:
                    unparsable.append(f"{path.name}: {table['name']}.{column['name']}: {written}")
    assert not unparsable, unparsable
