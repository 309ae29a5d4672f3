"""Campaign analytics that need Python: the bot share's bootstrap interval and coordinated groups
(Pacheco et al. 2021), per campaign, into the warehouse's `analytics` schema (published with the
marts); networks and findings reports are written beside the snapshot."""

from datetime import UTC, datetime

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from analytics.bootstrap import bot_share_interval
from analytics.coordination import (
    CO_RETWEET,
    CONTENT_KEY_FUNCTION,
    GROUP_COLUMNS,
    PRESETS,
    SUMMARY_COLUMNS,
    SYNC,
    campaign_coordination_summary,
    co_retweet_edges_in,
    coordinated_groups,
    group_labels,
    group_summary,
    register_content_key,
    synchronised_edges_in,
)
from analytics.similarity import EDGE_COLUMNS
from ml.bot_share import CONFIDENCE, estimate_bot_share
from orchestration.defs.dbt.assets import dbt_model_key
from orchestration.defs.ml.assets import bot_classifier
from orchestration.defs.ml.handoff import load_trained_classifier
from orchestration.metering import metered
from orchestration.warehouse import replace_table_from_frame

ANALYTICS_SCHEMA = "analytics"
BOOTSTRAP_SAMPLES = 2000

# A campaign's traces, computed in DuckDB (analytics.coordination); only the groups' members'
# tweets come to Python, for the groups' summaries.
_CAMPAIGN_TWEETS = """
    FROM marts.fct_campaign_tweets AS ct
    JOIN marts.fct_tweets AS t USING (tweet_id)
    WHERE ct.campaign_id = ?
"""
CAMPAIGN_RETWEETS_SQL = f"SELECT ct.author_id, t.retweeted_tweet_id {_CAMPAIGN_TWEETS}"
CAMPAIGN_CONTENT_SQL = (
    "SELECT ct.author_id, ct.created_at, "
    f"{CONTENT_KEY_FUNCTION}(t.retweeted_tweet_id, t.urls[1], t.text) AS content_key "
    f"{_CAMPAIGN_TWEETS}"
)
MEMBERS_TWEETS_SQL = (
    "SELECT ct.author_id, ct.created_at, t.retweeted_tweet_id, t.hashtags, t.urls, "
    f"t.url_domains {_CAMPAIGN_TWEETS} AND ct.author_id IN (SELECT unnest(?::VARCHAR[]))"
)


def concat_or_empty(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """The frames one under the other; with none, an empty frame that still has the columns."""
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def campaign_ids(con) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT campaign_id FROM marts.fct_campaign_summary ORDER BY 1"
        ).fetchall()
    ]


@dg.asset(
    deps=[
        dbt_model_key("fct_campaign_summary"),
        dbt_model_key("fct_account_campaign_activity"),
        dbt_model_key("dim_accounts"),
        bot_classifier,
    ],
    group_name="analytics",
    kinds={"python", "duckdb"},
    description="Bot share among promoters per campaign: counted at the classifier's threshold "
    "with a bootstrap interval, and estimated as a quantity by the quantifier the classifier chose "
    "on held-out sources (ml.bot_share), with its own interval.",
)
@metered
def bot_share_intervals(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource
) -> dg.MaterializeResult:
    rows = []
    model, _ = load_trained_classifier(context.instance)
    with duckdb.get_connection() as con:
        # the richest field set's threshold, shown beside the share (each model has its own)
        threshold = model.threshold
        for campaign_id in campaign_ids(con):
            promoters = con.execute(
                "SELECT a.user_id, d.bot_score, d.field_set, s.threshold "
                "FROM marts.fct_account_campaign_activity AS a "
                "JOIN marts.dim_accounts AS d USING (user_id) "
                "JOIN ml.account_bot_scores AS s USING (user_id) "
                "WHERE a.campaign_id = ? AND d.bot_score IS NOT NULL",
                [campaign_id],
            ).df()
            if promoters.empty:
                continue
            estimate, low, high = bot_share_interval(
                promoters[["user_id", "bot_score"]],
                promoters["threshold"].to_numpy(float),
                n_boot=BOOTSTRAP_SAMPLES,
                confidence=CONFIDENCE,
                random_state=0,
            )
            adjusted = estimate_bot_share(
                model,
                promoters["bot_score"].to_numpy(float),
                promoters["field_set"].to_numpy(object),
                n_boot=BOOTSTRAP_SAMPLES,
                confidence=CONFIDENCE,
            )
            rows.append(
                {
                    "campaign_id": campaign_id,
                    "estimate": estimate,
                    "ci_low": low,
                    "ci_high": high,
                    "adjusted_estimate": adjusted.estimate,
                    "adjusted_low": adjusted.low,
                    "adjusted_high": adjusted.high,
                    "adjusted_method": adjusted.method,
                    "adjusted_note": adjusted.note or None,
                    "confidence": CONFIDENCE,
                    "threshold": threshold,
                    "scored_promoters": len(promoters),
                    "bootstrap_samples": BOOTSTRAP_SAMPLES,
                }
            )
        frame = pd.DataFrame(
            rows,
            columns=[
                "campaign_id",
                "estimate",
                "ci_low",
                "ci_high",
                "adjusted_estimate",
                "adjusted_low",
                "adjusted_high",
                "adjusted_method",
                "adjusted_note",
                "confidence",
                "threshold",
                "scored_promoters",
                "bootstrap_samples",
            ],
        )
        replace_table_from_frame(con, ANALYTICS_SCHEMA, "bot_share_intervals", frame)
    return dg.MaterializeResult(
        metadata={
            "intervals": dg.MetadataValue.md(frame.to_markdown(index=False))
            if len(frame)
            else "none",
        }
    )


@dg.asset(
    deps=[
        dbt_model_key("fct_campaign_tweets"),
        dbt_model_key("fct_tweets"),
        dbt_model_key("dim_accounts"),
    ],
    group_name="analytics",
    kinds={"python", "duckdb"},
    description="Coordinated groups per campaign without any bot classifier (Pacheco et al., "
    f"ICWSM 2021): co-retweet similarity ({CO_RETWEET}) and synchronised posting ({SYNC}), "
    "strongest edges kept, connected components.",
)
@metered
def coordinated_accounts(duckdb: DuckDBResource) -> dg.MaterializeResult:
    edges, members, groups = [], [], []
    with duckdb.get_connection() as con:
        register_content_key(con)
        accounts = con.sql("SELECT user_id, account_class, bot_score FROM marts.dim_accounts").df()
        for campaign_id in campaign_ids(con):
            on_campaign = [campaign_id]
            for method, found in (
                (
                    CO_RETWEET,
                    co_retweet_edges_in(
                        con, CAMPAIGN_RETWEETS_SQL, on_campaign, PRESETS[CO_RETWEET]
                    ),
                ),
                (
                    SYNC,
                    synchronised_edges_in(con, CAMPAIGN_CONTENT_SQL, on_campaign, PRESETS[SYNC]),
                ),
            ):
                grouped = coordinated_groups(found)
                posted = con.execute(
                    MEMBERS_TWEETS_SQL, [campaign_id, grouped["user_id"].astype(str).tolist()]
                ).df()
                summary = group_summary(grouped, accounts, posted, method=method)
                tag = {"campaign_id": campaign_id, "method": method}
                edges.append(found.assign(**tag))
                members.append(grouped.assign(**tag))
                groups.append(summary.assign(campaign_id=campaign_id))
        ids = campaign_ids(con)
        tags = ["campaign_id", "method"]
        edges_frame = concat_or_empty(edges, [*EDGE_COLUMNS, *tags])
        members_frame = concat_or_empty(members, [*GROUP_COLUMNS, *tags])
        groups_frame = concat_or_empty(groups, [*SUMMARY_COLUMNS, "campaign_id"])
        groups_frame = groups_frame.assign(group_label=group_labels(groups_frame))
        campaigns_frame = campaign_coordination_summary(ids, groups_frame, members_frame)
        for table, frame in (
            ("coordination_edges", edges_frame),
            ("coordination_members", members_frame),
            ("coordination_groups", groups_frame),
            ("coordination_summary", campaigns_frame),
        ):
            replace_table_from_frame(con, ANALYTICS_SCHEMA, table, frame)
    by_method = (
        members_frame.groupby("method")["user_id"].nunique().to_dict() if len(members_frame) else {}
    )
    return dg.MaterializeResult(
        metadata={
            "groups": len(groups_frame),
            "accounts_in_groups_by_method": by_method,
            "edges": len(edges_frame),
            "computed_at": datetime.now(UTC).isoformat(),
        }
    )
