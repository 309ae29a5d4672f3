"""One job: the whole graph, ingest of the run's landing files included."""

import dagster as dg

all_assets_job = dg.define_asset_job(
    "all_assets",
    selection=dg.AssetSelection.all(),
    description="Ingest the run's landing files, rebuild dbt, retrain and rescore, publish.",
)
