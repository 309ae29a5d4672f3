"""Resources, configured from the environment (botwatch.paths), never chosen by `if` in assets."""

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from botwatch import paths
from orchestration.dbt_project import botwatch_dbt_project


def build_resources() -> dict[str, object]:
    return {
        "duckdb": DuckDBResource(database=str(paths.warehouse_path())),
        # The dbt installed beside the Python that runs Dagster, whatever PATH says.
        "dbt": DbtCliResource(
            project_dir=botwatch_dbt_project,
            dbt_executable=str(Path(sys.executable).with_name("dbt")),
        ),
    }
