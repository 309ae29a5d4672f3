"""The published snapshot: what the app reads, moved into place atomically."""

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from analytics.networks import write_networks
from botwatch import snapshot
from orchestration.defs.analytics.assets import (
    CO_RETWEET,
    bot_share_intervals,
    campaign_ids,
    coordinated_accounts,
)
from orchestration.defs.dbt.assets import dbt_layer_keys, dbt_model_key
from orchestration.defs.ml.assets import bot_classifier
from orchestration.defs.ml.handoff import trained_classifier_artefact
from orchestration.defs.resources import BotwatchSettings
from orchestration.metering import metered
from orchestration.snapshot_writer import evaluation_table, write_snapshot_database

# The quarantine, summed for the data-quality page (the rows themselves stay in the warehouse).
REJECTED_BY_REASON_SQL = """
    SELECT reason, count(DISTINCT source_file) AS files, count(*) AS records
    FROM staging.stg_twitter__rejected_records
    GROUP BY reason
    ORDER BY records DESC, reason
"""

QUALITY_CHECK_COLUMNS = [
    "asset",
    "check_name",
    "status",
    "passed",
    "severity",
    "run_id",
    "evaluated_at",
    "description",
    "metadata",
]


def latest_check_results(context: dg.AssetExecutionContext) -> pd.DataFrame:
    """The last evaluation of every asset check in the code location, for the data-quality page."""
    # The checks of this run's job: make run, the sensor and the schedule run the whole graph (a
    # run launched in-process has no repository to ask, so the job is the one source for both).
    graph = context.job_def.asset_layer.asset_graph
    keys = list(graph.asset_check_keys)
    latest = context.instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    rows = []
    for key in sorted(keys, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        record = latest.get(key)
        evaluation = record.event.asset_check_evaluation if record and record.event else None
        rows.append(
            {
                "asset": key.asset_key.to_user_string(),
                "check_name": key.name,
                "status": record.status.value if record else "NEVER_RUN",
                "passed": evaluation.passed if evaluation else None,
                "severity": evaluation.severity.value if evaluation else None,
                "run_id": record.run_id if record else None,
                "evaluated_at": pd.Timestamp(record.create_timestamp, unit="s") if record else None,
                "description": (evaluation.description if evaluation else None)
                or graph.get_check_spec(key).description,
                "metadata": str({k: v.value for k, v in evaluation.metadata.items()})
                if evaluation
                else None,
            }
        )
    return pd.DataFrame(rows, columns=QUALITY_CHECK_COLUMNS)


def write_campaign_networks(con, out_dir: Path) -> list[Path]:
    """Per campaign: the interaction network and the co-retweet coordination groups, as GraphML
    and GEXF, with bot scores and first/last activity on the nodes."""
    accounts = con.sql(
        "SELECT user_id, screen_name, account_class, bot_score, first_tweet_at, last_tweet_at "
        "FROM marts.dim_accounts"
    ).df()
    written: list[Path] = []
    for campaign_id in campaign_ids(con):
        interactions = con.execute(
            "SELECT source_user_id, target_user_id, interaction_type, interactions "
            "FROM marts.fct_interactions WHERE campaign_id = ?",
            [campaign_id],
        ).df()
        groups = con.execute(
            "SELECT group_id, user_id FROM analytics.coordination_members "
            "WHERE campaign_id = ? AND method = ?",
            [campaign_id, CO_RETWEET],
        ).df()
        edges = con.execute(
            "SELECT user_a, user_b, similarity FROM analytics.coordination_edges "
            "WHERE campaign_id = ? AND method = ?",
            [campaign_id, CO_RETWEET],
        ).df()
        written += write_networks(
            interactions,
            accounts,
            groups,
            out_dir,
            coordination_edges=edges,
            name_prefix=f"{campaign_id}-",
        )
    return written


@dg.asset(
    deps=[
        *dbt_layer_keys("marts"),
        dbt_model_key("stg_twitter__rejected_records"),
        bot_classifier,
        bot_share_intervals,
        coordinated_accounts,
    ],
    group_name="publish",
    kinds={"duckdb"},
    description="A read-only copy of the published tables for the app (every table and column "
    "declared in botwatch/published.py: a snapshot that breaks that contract is refused), written "
    "to a new folder of BOTWATCH_PUBLISH_DIR and made current atomically (the app never opens "
    "the warehouse).",
)
@metered
def published_snapshot(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, settings: BotwatchSettings
) -> dg.MaterializeResult:
    checks = latest_check_results(context)
    model_card = trained_classifier_artefact(context.instance).card_path

    def write(folder):
        with duckdb.get_connection() as con:
            frames = {
                "quality_checks": checks,
                "rejected_records_by_reason": con.sql(REJECTED_BY_REASON_SQL).df(),
                "classifier_evaluation": evaluation_table(
                    con.sql("SELECT * FROM ml.classifier_evaluation").df()
                ),
            }
            fields = write_snapshot_database(con, folder, frames)
            networks = write_campaign_networks(con, folder / "networks")
        fields["networks"] = [str(p.relative_to(folder)) for p in networks]
        fields["collection"] = settings.collection
        fields["landing_dir"] = settings.landing_dir
        shutil.copyfile(model_card, folder / "model_card.md")
        return fields

    folder = snapshot.publish(settings.publish_path, write, run_id=context.run_id)
    manifest = snapshot.read_manifest(folder)
    return dg.MaterializeResult(
        metadata={
            "snapshot": dg.MetadataValue.path(str(folder)),
            "tables": manifest["tables"],
            "published_at": manifest["published_at"],
            "contract": manifest["contract"],
        }
    )
