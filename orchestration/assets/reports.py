"""Per-campaign findings reports (Markdown and HTML) written from the published snapshot, so a
scheduled run leaves a dated report of exactly what the app shows."""

from datetime import UTC, datetime

import dagster as dg
import duckdb
import pandas as pd

from analytics.report import write_report
from botwatch import paths, snapshot
from orchestration.assets.publish import published_snapshot

# Report section → snapshot table, filtered to the campaign; absent tables are left out.
REPORT_TABLES = {
    "hourly": "fct_campaign_activity_hourly",
    "events": "campaign_events",
    "languages": "fct_campaign_languages",
    "threshold_curve": "fct_promoter_threshold_sensitivity",
    "reused_bots": "fct_reused_bots",
    "amplified_accounts": "fct_amplified_accounts",
    "amplified_domains": "fct_amplified_domains",
    "promoter_hashtags": "fct_promoter_hashtags",
    "creation_cohorts": "fct_promoter_creation_cohorts",
    "coordinated_groups": "coordination_groups",
}
CAMPAIGN_COLUMN = {"reused_bots": "later_campaign_id"}


def campaign_tables(
    con: duckdb.DuckDBPyConnection, campaign_id: str, available: set[str]
) -> dict[str, pd.DataFrame]:
    tables = {}
    for section, table in REPORT_TABLES.items():
        if table in available:
            column = CAMPAIGN_COLUMN.get(section, "campaign_id")
            tables[section] = con.execute(
                f'SELECT * FROM "{table}" WHERE "{column}" = ?', [campaign_id]
            ).df()
    return tables


def campaign_summary(
    con: duckdb.DuckDBPyConnection,
    campaign_id: str,
    tables: dict[str, pd.DataFrame],
    available: set[str],
) -> dict:
    summary = con.execute(
        "SELECT * FROM fct_campaign_summary WHERE campaign_id = ?", [campaign_id]
    ).df()
    if summary.empty:
        return {}
    row = summary.iloc[0].to_dict()
    headline = {
        "tweets": row["tweets"],
        "promoters": row["promoters"],
        "bot_promoters": row["bot_promoters"],
        "bot_share": row["bot_share_among_promoters"],
    }
    if "bot_share_intervals" in available:
        interval = con.execute(
            "SELECT * FROM bot_share_intervals WHERE campaign_id = ?", [campaign_id]
        ).df()
        if len(interval):
            first = interval.iloc[0]
            headline |= {
                "bot_share_low": first["ci_low"],
                "bot_share_high": first["ci_high"],
                "confidence": first["confidence"],
                "threshold": first["threshold"],
                "adjusted_share": first["adjusted_estimate"],
                "adjusted_low": first["adjusted_low"],
                "adjusted_high": first["adjusted_high"],
                "adjusted_method": first["adjusted_method"],
            }
    if "reused_bots" in tables:
        reused = tables["reused_bots"]
        headline["reused_bots"] = int(reused["is_reused_bot"].sum())
        if len(reused):
            headline["min_dormancy_days"] = int(reused["min_dormancy_days"].iloc[0])
    if "coordinated_groups" in tables:
        groups = tables["coordinated_groups"]
        headline["coordinated_groups"] = len(groups)
        headline["coordinated_accounts"] = int(groups["size"].sum()) if len(groups) else 0
    return headline


@dg.asset(
    deps=[published_snapshot],
    group_name="publish",
    kinds={"html", "markdown"},
    description="A dated findings report per campaign (Markdown and HTML) in "
    "BOTWATCH_PUBLISH_DIR/reports.",
)
def campaign_reports(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    folder = snapshot.current_dir(paths.publish_dir())
    run_date = datetime.now(UTC).date()
    written = []
    with duckdb.connect(str(folder / snapshot.DATABASE), read_only=True) as con:
        available = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
        campaigns = con.sql(
            "SELECT campaign_id, name, start_at, end_at FROM campaigns ORDER BY campaign_id"
        ).df()
        for campaign in campaigns.to_dict("records"):
            tables = campaign_tables(con, campaign["campaign_id"], available)
            summary = campaign_summary(con, campaign["campaign_id"], tables, available)
            md, html = write_report(
                campaign, summary, tables, run_date, paths.publish_dir() / snapshot.REPORTS
            )
            written += [str(md), str(html)]
    return dg.MaterializeResult(metadata={"reports": written, "snapshot": str(folder)})
