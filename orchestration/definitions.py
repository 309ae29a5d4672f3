"""The botwatch code location: one Definitions object."""

import dagster as dg

from orchestration.assets import analytics, dbt, ingest, ml, publish, reports
from orchestration.checks import classifier_checks, gx_checks
from orchestration.jobs import all_assets_job
from orchestration.resources import build_resources
from orchestration.schedules import daily_full_refresh
from orchestration.sensors import landing_files_sensor

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([ingest, dbt, ml, analytics, publish, reports]),
    asset_checks=dg.load_asset_checks_from_modules([gx_checks, classifier_checks]),
    jobs=[all_assets_job],
    sensors=[landing_files_sensor],
    schedules=[daily_full_refresh],
    resources=build_resources(),
    # DuckDB has one writer: run the steps of a run one after another.
    executor=dg.in_process_executor,
)
