"""Resources, built once here from the environment (botwatch.paths), never chosen by `if` in
assets: tests and another engine swap a resource, not an environment variable."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_duckdb import DuckDBResource
from packaging import version

from botwatch import duckdb_settings, engine, paths
from ml.features import imposed_features
from orchestration import workspace
from orchestration.dbt_project import botwatch_dbt_project
from orchestration.engines import DuckDBEngine, SparkEngine


class BotwatchSettings(dg.ConfigurableResource):
    """Where a run reads and writes, and what it trains on: the collection's settings, as
    ``botwatch.paths`` resolves them (see the README's Configuration)."""

    collection: str
    landing_dir: str
    warehouse: str
    publish_dir: str
    models_dir: str
    labelled: list[str]
    feature_set: str
    reingest: bool = False

    @classmethod
    def from_environment(cls) -> "BotwatchSettings":
        settings = cls(
            collection=paths.collection(),
            landing_dir=str(paths.landing_dir()),
            warehouse=str(paths.warehouse_path()),
            publish_dir=str(paths.publish_dir()),
            models_dir=str(paths.models_dir()),
            labelled=[str(folder) for folder in paths.labelled_datasets()],
            feature_set=paths.feature_set(),
            reingest=paths.reingest_every_file(),
        )
        settings.training_features()  # an unknown feature set stops here, before any run
        return settings

    @property
    def landing_path(self) -> Path:
        return Path(self.landing_dir)

    @property
    def publish_path(self) -> Path:
        return Path(self.publish_dir)

    @property
    def models_path(self) -> Path:
        return Path(self.models_dir)

    @property
    def labelled_paths(self) -> list[Path]:
        return [Path(folder) for folder in self.labelled]

    def training_features(self) -> list[str] | None:
        """The features imposed on training, or None when training chooses them."""
        return imposed_features(self.feature_set)


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


class BotwatchDbtCliResource(DbtCliResource):
    """dagster-dbt's resource, told dbt's version instead of asking ``dbt --version``: that is a
    process of its own before every dbt step (2.5 s, and it asks PyPI for the latest release).
    The executable is the dbt installed beside this Python (``build_resources``), the same
    dbt-core this process imports."""

    @cached_property
    def _cli_version(self) -> version.Version:
        from dbt.version import __version__

        return version.parse(__version__)


# The engine that runs dbt (BOTWATCH_ENGINE), built here and nowhere else.
SQL_ENGINES = {
    engine.DUCKDB: lambda: DuckDBEngine(),
    engine.SPARK: lambda: SparkEngine(spark_dir=str(paths.spark_dir())),
}


def build_resources(settings: BotwatchSettings | None = None) -> dict[str, object]:
    """Every resource of the code location, from ``settings`` (by default the environment's)."""
    settings = settings or BotwatchSettings.from_environment()
    return {
        "settings": settings,
        "sql_engine": SQL_ENGINES[engine.engine()](),
        "duckdb": WarehouseResource(
            database=settings.warehouse,
            connection_config=duckdb_settings.connection_config(Path(settings.warehouse)),
            landing_dir=settings.landing_dir,
            collection=settings.collection,
        ),
        # The dbt installed beside the Python that runs Dagster, whatever PATH says; the target
        # is the engine's (dbt_project/profiles.yml).
        "dbt": BotwatchDbtCliResource(
            project_dir=botwatch_dbt_project,
            target=engine.dbt_target(),
            dbt_executable=str(Path(sys.executable).with_name("dbt")),
        ),
    }


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources=build_resources())
