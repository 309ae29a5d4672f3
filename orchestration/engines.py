"""The engine that runs dbt, as a resource with one implementation per engine.

The Python stages (ingest, classifier, scores, analytics, publish) write and read the DuckDB
warehouse on either engine. Around each dbt step the engine hands the Python-written tables over
to dbt and takes dbt's tables back: on DuckDB there is nothing to do (one file holds both); on
Spark the raw and ml tables go out as Parquet (``botwatch.lake``) and Spark's tables come back as
DuckDB views over its Parquet files. ``orchestration/defs/resources.py`` picks the implementation;
the dbt assets call the same two methods whatever it is.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from botwatch import lake
from orchestration import workspace


class DuckDBEngine(dg.ConfigurableResource):
    """dbt-duckdb builds in the warehouse itself."""

    def hand_over_to_dbt(self, warehouse: Path) -> dict[str, int]:
        del warehouse
        return {}

    def take_back_from_dbt(self, warehouse: Path) -> list[str]:
        del warehouse
        return []


class SparkEngine(DuckDBEngine):
    """dbt-spark builds from and into ``spark_dir`` (``BOTWATCH_SPARK_DIR``)."""

    spark_dir: str

    def hand_over_to_dbt(self, warehouse: Path) -> dict[str, int]:
        with workspace.open_warehouse(warehouse) as con:
            return lake.export_to_lake(con, Path(self.spark_dir))

    def take_back_from_dbt(self, warehouse: Path) -> list[str]:
        with workspace.open_warehouse(warehouse) as con:
            return lake.attach_spark_tables(con, Path(self.spark_dir))
