"""Resources, configured from the environment (botwatch.paths), never chosen by `if` in assets."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource

from botwatch import duckdb_settings, paths
from orchestration import workspace
from orchestration.dbt_project import botwatch_dbt_project


class WarehouseResource(DuckDBResource):
    """The collection's warehouse. For the whole run it holds the writer lock and checks that the
    warehouse was built from this landing folder (``orchestration.workspace``), so no run of the
    UI, the sensor or `make run` mixes collections or interleaves with another run."""

    landing_dir: str
    collection: str

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["WarehouseResource"]:
        warehouse = Path(self.database)
        with workspace.warehouse_lock(paths.warehouse_lock_path_of(warehouse), warehouse):
            with workspace.open_warehouse(warehouse) as con:
                workspace.claim_warehouse(con, self.collection, Path(self.landing_dir), warehouse)
            yield self


def build_resources() -> dict[str, object]:
    return {
        "duckdb": WarehouseResource(
            database=str(paths.warehouse_path()),
            connection_config=duckdb_settings.connection_config(paths.warehouse_path()),
            landing_dir=str(paths.landing_dir()),
            collection=paths.collection(),
        ),
        # The dbt installed beside the Python that runs Dagster, whatever PATH says.
        "dbt": DbtCliResource(
            project_dir=botwatch_dbt_project,
            dbt_executable=str(Path(sys.executable).with_name("dbt")),
        ),
    }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=build_resources())
