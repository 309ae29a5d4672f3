"""Great Expectations suites as blocking Dagster asset checks: a failure stops what is downstream,
so the marts and the published snapshot are not rebuilt and the app keeps the last good data."""

from datetime import UTC, datetime

import dagster as dg
from dagster_dbt import get_asset_key_for_model
from dagster_duckdb import DuckDBResource

from orchestration import ownership
from orchestration.defs.dbt.assets import dbt_marts
from orchestration.defs.ingest.assets import RAW_TWEETS
from orchestration.defs.ml.assets import account_bot_scores
from quality import suites
from quality.suites import MIN_PROMOTERS_FOR_SHARE_CHECK

OWNED = ownership.check_metadata(ownership.DATA_TEAM)


def _result(outcome: suites.SuiteResult) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata=outcome.to_metadata(),
    )


@dg.asset_check(asset=RAW_TWEETS, blocking=True, name="gx_raw_tweets", metadata=OWNED)
def gx_raw_tweets(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    """Ids unique per observation, author present, created_at between Twitter's launch and now,
    lang in ISO 639-1, `und` or Twitter's special codes."""
    with duckdb.get_connection() as con:
        frame = con.sql(
            "SELECT tweet_id, author_id, created_at, lang, source_file, source_line, is_embedded "
            "FROM raw.tweets"
        ).df()
    now = datetime.now(UTC).replace(tzinfo=None)
    return _result(suites.validate(frame, "raw_tweets", suites.raw_tweets_expectations(now)))


@dg.asset_check(
    asset=account_bot_scores, blocking=True, name="gx_account_bot_scores", metadata=OWNED
)
def gx_account_bot_scores(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    """Scores in [0, 1], one per account, a model version, both classes present."""
    with duckdb.get_connection() as con:
        frame = con.sql(
            "SELECT user_id, bot_score, is_bot, model_version FROM ml.account_bot_scores"
        ).df()
    return _result(suites.validate(frame, "account_bot_scores", suites.scores_expectations()))


@dg.asset_check(
    asset=get_asset_key_for_model([dbt_marts], "dim_accounts"),
    blocking=True,
    name="gx_accounts",
    metadata=OWNED,
)
def gx_accounts(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    """Counts non-negative, one row per account, created before its first collected tweet."""
    with duckdb.get_connection() as con:
        frame = con.sql(
            "SELECT user_id, followers_count, friends_count, statuses_count, favourites_count, "
            "listed_count, account_created_at, first_tweet_at FROM marts.dim_accounts"
        ).df()
    return _result(suites.validate(frame, "accounts", suites.accounts_expectations()))


@dg.asset_check(
    asset=get_asset_key_for_model([dbt_marts], "fct_campaign_summary"),
    blocking=True,
    name="gx_campaign_summary",
    metadata=OWNED,
)
def gx_campaign_summary(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    """Bot share among promoters between 1% and 90% in campaigns with enough scored promoters
    (MIN_PROMOTERS_FOR_SHARE_CHECK)."""
    with duckdb.get_connection() as con:
        frame = con.execute(
            "SELECT campaign_id, bot_share_among_promoters FROM marts.fct_campaign_summary "
            "WHERE bot_promoters + human_promoters >= ?",
            [MIN_PROMOTERS_FOR_SHARE_CHECK],
        ).df()
    return _result(
        suites.validate(frame, "campaign_summary", suites.campaign_summary_expectations())
    )
