"""Great Expectations suites as blocking Dagster asset checks: a failure stops what is downstream,
so the marts and the published snapshot are not rebuilt and the app keeps the last good data."""

from datetime import UTC, datetime

import dagster as dg
from dagster_duckdb import DuckDBResource

from orchestration import ownership
from orchestration.defs.dbt.assets import dbt_model_key
from orchestration.defs.ingest.assets import RAW_TWEETS
from orchestration.defs.ml.assets import account_bot_scores
from orchestration.metering import measured
from quality import exhaustive, suites
from quality.suites import MIN_PROMOTERS_FOR_SHARE_CHECK

OWNED = ownership.check_metadata(ownership.DATA_TEAM)


def _result(outcome: suites.SuiteResult, figures: dict | None = None) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.ERROR,
        description=None if outcome.passed else outcome.to_metadata()["failed"][:1000],
        metadata={**outcome.to_metadata(), **(figures or {})},
    )


def _validate_query(
    duckdb: DuckDBResource,
    sql: str,
    suite_name: str,
    expectations: list,
    id_column: str | None = None,
    parameters: list | None = None,
) -> suites.SuiteResult:
    """A GX suite run on what ``sql`` returns from the warehouse."""
    with duckdb.get_connection() as con:
        frame = con.execute(sql, parameters or []).df()
    return suites.validate(frame, suite_name, expectations, id_column)


@dg.asset_check(asset=RAW_TWEETS, blocking=True, name="gx_raw_tweets", metadata=OWNED)
def gx_raw_tweets(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    """Every row, in DuckDB: ids, author and time present, one row per observation, created_at
    between Twitter's launch and now, lang in ISO 639-1, `und` or Twitter's special codes. The
    GX suite of the same expectations on a seeded sample of 100,000 rows."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with measured() as figures, duckdb.get_connection() as con:
        rules, keys = suites.raw_tweets_rules(now)
        outcomes = exhaustive.check(con, "raw.tweets", "tweet_id", rules, keys)
        sample = con.sql(suites.sample_sql("raw.tweets", suites.RAW_TWEET_SAMPLE_COLUMNS)).df()
        gx_result = suites.validate(
            sample, "raw_tweets", suites.raw_tweets_sample_expectations(now), "tweet_id"
        )
        outcome = suites.combine("raw_tweets", gx_result, outcomes)
        figures.update(rows_in=outcome.rows, rows_sampled=len(sample))
    return _result(outcome, figures)


@dg.asset_check(
    asset=account_bot_scores, blocking=True, name="gx_account_bot_scores", metadata=OWNED
)
def gx_account_bot_scores(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    """Scores in [0, 1], one per account, a model version, both classes present."""
    return _result(
        _validate_query(
            duckdb,
            "SELECT user_id, bot_score, is_bot, model_version FROM ml.account_bot_scores",
            "account_bot_scores",
            suites.scores_expectations(),
            "user_id",
        )
    )


@dg.asset_check(
    asset=dbt_model_key("dim_accounts"),
    blocking=True,
    name="gx_accounts",
    metadata=OWNED,
)
def gx_accounts(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    """Counts non-negative, one row per account, created before its first collected tweet unless
    quarantined for it (at most 5% of accounts quarantined)."""
    with measured() as figures, duckdb.get_connection() as con:
        frame = con.sql(
            "SELECT user_id, followers_count, friends_count, statuses_count, favourites_count, "
            "listed_count, account_created_at, first_tweet_at, quarantine_reason "
            "FROM marts.dim_accounts"
        ).df()
        outcomes = exhaustive.check(con, "marts.dim_accounts", "user_id", suites.accounts_rules())
    gx_result = suites.validate(frame, "accounts", suites.accounts_expectations(), "user_id")
    figures.update(rows_in=len(frame), quarantined=outcomes[0].failing_rows)
    return _result(suites.combine("accounts", gx_result, outcomes), figures)


@dg.asset_check(
    asset=dbt_model_key("fct_campaign_summary"),
    blocking=True,
    name="gx_campaign_summary",
    metadata=OWNED,
)
def gx_campaign_summary(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    """Bot share among promoters between 1% and 90% in campaigns with enough scored promoters
    (MIN_PROMOTERS_FOR_SHARE_CHECK)."""
    return _result(
        _validate_query(
            duckdb,
            "SELECT campaign_id, bot_share_among_promoters FROM marts.fct_campaign_summary "
            "WHERE bot_promoters + human_promoters >= ?",
            "campaign_summary",
            suites.campaign_summary_expectations(),
            parameters=[MIN_PROMOTERS_FOR_SHARE_CHECK],
        )
    )
