"""The dbt project on Apache Spark (local[2], dbt-spark session mode) from the raw input of the
test pipeline's real DuckDB run, compared with that run table for table, row for row.

Run alone with ``pytest -m spark``. The Python stages stay on DuckDB: the raw and ml tables reach
Spark as Parquet (botwatch.lake), exactly as ``BOTWATCH_ENGINE=spark`` hands them over."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from botwatch import lake, published, snapshot
from botwatch.paths import DBT_PROJECT_DIR
from tests.conftest import PipelineRun
from tests.engine_tables import compare_rows, fetch

pytestmark = [pytest.mark.spark, pytest.mark.integration]

SPARK_MASTER = "local[2]"


@dataclass(frozen=True)
class SparkBuild:
    spark_dir: Path
    manifest: dict
    seconds: float
    output: str

    def parquet(self, relation: str) -> str:
        folder = lake.spark_table_dir(self.spark_dir, relation)
        return f"read_parquet('{folder}/*.parquet')"


@pytest.fixture(scope="module")
def spark_build(pipeline_snapshot: PipelineRun, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("spark")
    spark_dir = root / "spark"
    with duckdb.connect(str(pipeline_snapshot.warehouse), read_only=True) as con:
        written = lake.export_to_lake(con, spark_dir)
    assert set(written) == set(lake.LAKE_TABLES), written
    env = {
        **pipeline_snapshot.env,
        "BOTWATCH_ENGINE": "spark",
        "BOTWATCH_SPARK_DIR": str(spark_dir),
        "BOTWATCH_SPARK_MASTER": SPARK_MASTER,
        "PYSPARK_PYTHON": sys.executable,
    }
    target = root / "target"
    started = time.monotonic()
    completed = subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            "build",
            "--target",
            "spark",
            "--exclude-resource-type",
            "unit_test",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--log-path",
            str(root / "logs"),
        ],
        env=env,
        cwd=DBT_PROJECT_DIR,
        text=True,
        capture_output=True,
        timeout=1800,
    )
    seconds = time.monotonic() - started
    output = completed.stdout + completed.stderr
    (root / "dbt-output.txt").write_text(output)
    assert completed.returncode == 0, output[-8000:]
    manifest = json.loads((target / "manifest.json").read_text())
    return SparkBuild(spark_dir=spark_dir, manifest=manifest, seconds=seconds, output=output)


def _built_relations(manifest: dict) -> list[str]:
    """Every model and seed dbt built (``schema.table``)."""
    return sorted(
        f"{node['schema']}.{node['alias']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed")
    )


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[str]:
    schema, table = relation.split(".")
    return [
        name
        for (name,) in con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [schema, table],
        ).fetchall()
    ]


def test_spark_builds_every_table_equal_to_duckdb(
    spark_build: SparkBuild, pipeline_snapshot: PipelineRun
):
    relations = _built_relations(spark_build.manifest)
    assert any(r.startswith("marts.") for r in relations)
    differences = []
    with duckdb.connect(str(pipeline_snapshot.warehouse), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        for relation in relations:
            columns = _columns(con, relation)
            assert columns, f"{relation} is not in the DuckDB warehouse"
            difference = compare_rows(
                relation,
                columns,
                fetch(con, relation, columns),
                fetch(con, spark_build.parquet(relation), columns),
            )
            if difference:
                differences.append(difference)
    print(
        f"\nSpark {SPARK_MASTER}: dbt build {spark_build.seconds:.0f} s; "
        f"{len(relations) - len(differences)} of {len(relations)} tables equal to DuckDB's"
    )
    assert not differences, "\n".join(f"{d.table}: {d.problem}" for d in differences)


def test_spark_gives_every_published_dbt_table(
    spark_build: SparkBuild, pipeline_snapshot: PipelineRun
):
    """Every published table that dbt builds, as the snapshot holds it, equals Spark's."""
    dbt_tables = [
        t
        for t in published.tables().values()
        if t.kind in (published.DBT_MODEL, published.DBT_SEED)
    ]
    assert dbt_tables
    database = snapshot.current_dir(pipeline_snapshot.publish_dir) / snapshot.DATABASE
    differences = []
    with duckdb.connect(str(database), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        for table in dbt_tables:
            columns = table.column_names
            difference = compare_rows(
                table.name,
                columns,
                fetch(con, table.name, columns),
                fetch(con, spark_build.parquet(table.source), columns),
            )
            if difference:
                differences.append(difference)
    python_tables = len(published.tables()) - len(dbt_tables)
    print(
        f"\npublished: {len(dbt_tables) - len(differences)} of {len(dbt_tables)} dbt tables "
        f"equal on Spark; {python_tables} Python tables not built by Spark"
    )
    assert not differences, "\n".join(f"{d.table}: {d.problem}" for d in differences)
