"""Per-campaign findings reports (Markdown and HTML) written from the published snapshot, so a
scheduled run leaves a dated report of exactly what the app shows."""

from datetime import UTC, datetime

import dagster as dg
import duckdb
import pandas as pd

from analytics.report import write_report
from botwatch import snapshot
from orchestration.defs.publish.assets import published_snapshot
from orchestration.defs.resources import BotwatchSettings

# Report section -> the rows of the snapshot it shows, for one campaign (bound as $campaign).
REPORT_SQL = {
    "hourly": "SELECT * FROM fct_campaign_activity_hourly WHERE campaign_id = $campaign",
    "events": "SELECT * FROM campaign_events WHERE campaign_id = $campaign ORDER BY event_at",
    "bot_promoters": "SELECT a.*, d.screen_name FROM fct_account_campaign_activity AS a "
    "LEFT JOIN dim_accounts AS d USING (user_id) "
    "WHERE a.campaign_id = $campaign AND a.account_class = 'bot'",
    "languages": "SELECT * FROM fct_campaign_languages WHERE campaign_id = $campaign",
    "threshold_curve": "SELECT * FROM fct_promoter_threshold_sensitivity "
    "WHERE campaign_id = $campaign ORDER BY threshold",
    "reused_bots": "SELECT r.*, coalesce(c.name, r.earlier_campaign_id) AS earlier_campaign "
    "FROM fct_reused_bots AS r LEFT JOIN campaigns AS c ON c.campaign_id = r.earlier_campaign_id "
    "WHERE r.later_campaign_id = $campaign",
    "amplified_accounts": "SELECT * FROM fct_amplified_accounts WHERE campaign_id = $campaign",
    "amplified_domains": "SELECT * FROM fct_amplified_domains WHERE campaign_id = $campaign",
    "promoter_hashtags": "SELECT * FROM fct_promoter_hashtags WHERE campaign_id = $campaign",
    "creation_cohorts": "SELECT * FROM fct_promoter_creation_cohorts WHERE campaign_id = $campaign",
    "coordinated_groups": "SELECT * FROM coordination_groups WHERE campaign_id = $campaign",
}


def campaign_tables(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict[str, pd.DataFrame]:
    return {
        section: con.execute(sql, {"campaign": campaign_id}).df()
        for section, sql in REPORT_SQL.items()
    }


def campaign_summary(con: duckdb.DuckDBPyConnection, campaign_id: str) -> dict:
    """The headline numbers of one campaign, each read from the one table that computes it."""
    summary = con.execute(
        "SELECT * FROM fct_campaign_summary WHERE campaign_id = ?", [campaign_id]
    ).df()
    if summary.empty:
        return {}
    row = summary.iloc[0].to_dict()
    headline = {
        key: row[key]
        for key in (
            "tweets",
            "promoters",
            "bot_promoters",
            "top_language",
            "top_language_tweets",
            "second_language",
            "second_language_tweets",
            "peak_hour",
            "peak_hour_tweets",
            "missed_tweets",
        )
    }
    headline["bot_share"] = row["bot_share_among_promoters"]
    interval = con.execute(
        "SELECT * FROM bot_share_intervals WHERE campaign_id = ?", [campaign_id]
    ).df()
    if len(interval):
        first = interval.iloc[0]
        headline |= {
            "bot_share": first["estimate"],
            "bot_share_low": first["ci_low"],
            "bot_share_high": first["ci_high"],
            "confidence": first["confidence"],
            "threshold": first["threshold"],
            "adjusted_share": first["adjusted_estimate"],
            "adjusted_low": first["adjusted_low"],
            "adjusted_high": first["adjusted_high"],
            "adjusted_method": first["adjusted_method"],
        }
    reused = con.execute(
        "SELECT coalesce(c.name, s.earlier_campaign_id) AS earlier, s.reused_bots, "
        "(SELECT any_value(min_dormancy_days) FROM fct_reused_bots) AS min_dormancy_days "
        "FROM fct_reused_bots_summary AS s "
        "LEFT JOIN campaigns AS c ON c.campaign_id = s.earlier_campaign_id "
        "WHERE s.later_campaign_id = ? AND s.reused_accounts > 0 ORDER BY s.earlier_campaign_id",
        [campaign_id],
    ).df()
    headline["reused_bots"] = list(zip(reused["earlier"], reused["reused_bots"], strict=True))
    if len(reused):
        headline["min_dormancy_days"] = reused["min_dormancy_days"].iloc[0]
    coordination = con.execute(
        "SELECT groups, accounts_in_groups FROM coordination_summary WHERE campaign_id = ?",
        [campaign_id],
    ).fetchone()
    if coordination:
        headline["coordinated_groups"], headline["coordinated_accounts"] = coordination
    return headline


@dg.asset(
    deps=[published_snapshot],
    group_name="publish",
    kinds={"html", "markdown"},
    description="A dated findings report per campaign (Markdown and HTML, offline, readable on a "
    "phone: headline, methods box, charts, tables sorted by meaning) in "
    "BOTWATCH_PUBLISH_DIR/reports.",
)
def campaign_reports(settings: BotwatchSettings) -> dg.MaterializeResult:
    folder = snapshot.current_dir(settings.publish_path)
    run_date = datetime.now(UTC).date()
    written = []
    with duckdb.connect(str(folder / snapshot.DATABASE), read_only=True) as con:
        campaigns = con.sql(
            "SELECT campaign_id, name, start_at, end_at FROM campaigns ORDER BY campaign_id"
        ).df()
        evaluation = con.sql("SELECT * FROM classifier_evaluation ORDER BY test").df()
        for campaign in campaigns.to_dict("records"):
            md, html = write_report(
                campaign,
                campaign_summary(con, campaign["campaign_id"]),
                campaign_tables(con, campaign["campaign_id"]),
                run_date,
                settings.publish_path / snapshot.REPORTS,
                evaluation=evaluation,
            )
            written += [str(md), str(html)]
    return dg.MaterializeResult(metadata={"reports": written, "snapshot": str(folder)})
