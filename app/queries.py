"""The questions the pages ask of a snapshot, as named SQL. User values are bound parameters.

Every function takes the ``Snapshot`` resolved for this render and returns a DataFrame or a dict /
None for one row. Tables and columns are the ones ``botwatch.published`` declares (the app opens
only snapshots that keep that contract); the numbers are the marts' and the Python assets', read
as they are: nothing is recomputed here.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from app.data import Snapshot

CLASSES = ("bot", "human", "unscored")


def first_row(frame: pd.DataFrame) -> dict[str, Any] | None:
    return None if frame.empty else frame.iloc[0].to_dict()


def campaigns(snap: Snapshot) -> pd.DataFrame:
    """campaign_id, name of every campaign in the snapshot, the most tweeted first."""
    return snap.query(
        "SELECT campaign_id, campaign_name AS name FROM fct_campaign_summary "
        "ORDER BY tweets DESC NULLS LAST, start_at DESC, campaign_id"
    )


def campaign_summary(snap: Snapshot, campaign_id: str) -> dict[str, Any] | None:
    return first_row(
        snap.query("SELECT * FROM fct_campaign_summary WHERE campaign_id = ?", [campaign_id])
    )


def hourly_activity(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    """Tweets per hour and account class (languages summed), quiet hours filled with zeros."""
    counts = snap.query(
        "SELECT activity_hour, account_class, sum(tweets) AS tweets "
        "FROM fct_campaign_activity_hourly WHERE campaign_id = ? "
        "GROUP BY ALL ORDER BY activity_hour, account_class",
        [campaign_id],
    )
    return with_quiet_hours(counts)


def with_quiet_hours(counts: pd.DataFrame) -> pd.DataFrame:
    """Every hour between the first and the last, for every class seen, zero when silent (a line
    through missing hours would draw activity that did not happen)."""
    if counts.empty:
        return counts
    hours = pd.date_range(counts["activity_hour"].min(), counts["activity_hour"].max(), freq="h")
    grid = pd.MultiIndex.from_product(
        [hours, sorted(counts["account_class"].unique())], names=["activity_hour", "account_class"]
    )
    filled = (
        counts.set_index(["activity_hour", "account_class"])["tweets"]
        .reindex(grid, fill_value=0)
        .reset_index()
    )
    filled["tweets"] = filled["tweets"].astype("int64")
    return filled


def campaign_events(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    return snap.query(
        "SELECT CAST(event_at AS TIMESTAMP) AS event_at, event, description FROM campaign_events "
        "WHERE campaign_id = ? ORDER BY event_at",
        [campaign_id],
    )


def languages(snap: Snapshot, campaign_id: str, top: int = 8) -> pd.DataFrame:
    """Tweets per language and class; languages beyond the ``top`` most used become 'other'."""
    return snap.query(
        """
        WITH ranked AS (
            SELECT lang, sum(tweets) AS lang_tweets,
                   row_number() OVER (ORDER BY sum(tweets) DESC, lang) AS rank
            FROM fct_campaign_languages WHERE campaign_id = ? GROUP BY lang
        )
        SELECT CASE WHEN ranked.rank <= ? THEN coalesce(l.lang, 'und') ELSE 'other' END AS lang,
               l.account_class, sum(l.tweets) AS tweets,
               sum(l.share_of_campaign) AS share_of_campaign
        FROM fct_campaign_languages AS l
        JOIN ranked ON l.lang IS NOT DISTINCT FROM ranked.lang
        WHERE l.campaign_id = ?
        GROUP BY ALL ORDER BY tweets DESC
        """,
        [campaign_id, top, campaign_id],
    )


def bot_share_interval(snap: Snapshot, campaign_id: str) -> dict[str, Any] | None:
    """The bot share among promoters, counted and estimated, each with its interval (None when
    the campaign has no scored promoter)."""
    return first_row(
        snap.query("SELECT * FROM bot_share_intervals WHERE campaign_id = ?", [campaign_id])
    )


def threshold_sensitivity(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    return snap.query(
        "SELECT threshold, promoters, bots, bot_share FROM fct_promoter_threshold_sensitivity "
        "WHERE campaign_id = ? ORDER BY threshold",
        [campaign_id],
    )


def volume_peak(snap: Snapshot, campaign_id: str) -> dict[str, Any] | None:
    """The campaign's busiest hour, its bot share and the event that came before it."""
    return first_row(
        snap.query("SELECT * FROM fct_campaign_volume_peaks WHERE campaign_id = ?", [campaign_id])
    )


def creation_cohorts(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    """Promoters by the month their account was created, per class."""
    return snap.query(
        "SELECT cohort_month, account_class, promoters, share_of_class "
        "FROM fct_promoter_creation_cohorts WHERE campaign_id = ? ORDER BY cohort_month",
        [campaign_id],
    )


ACCOUNT_COLUMNS = (
    "user_id, screen_name, name, account_class, bot_score, tweets_collected, followers_count"
)


def search_needle(text: str) -> str:
    """What the account search looks for: the reader's text without an '@' in front."""
    return text.strip().removeprefix("@").strip()


def find_accounts(snap: Snapshot, text: str, limit: int = 20) -> pd.DataFrame:
    """Accounts whose id or screen name is ``text`` (an '@' is ignored, case does not matter);
    when none matches exactly, screen names that contain it."""
    needle = search_needle(text)
    if not needle:
        return pd.DataFrame(columns=ACCOUNT_COLUMNS.split(", "))
    exact = snap.query(
        f"SELECT {ACCOUNT_COLUMNS} FROM dim_accounts "
        "WHERE user_id = ? OR lower(screen_name) = lower(?) "
        "ORDER BY tweets_collected DESC, user_id LIMIT ?",
        [needle, needle, limit],
    )
    if not exact.empty:
        return exact
    return snap.query(
        f"SELECT {ACCOUNT_COLUMNS} FROM dim_accounts "
        "WHERE contains(lower(screen_name), lower(?)) "
        "ORDER BY tweets_collected DESC, user_id LIMIT ?",
        [needle, limit],
    )


def account(snap: Snapshot, user_id: str) -> dict[str, Any] | None:
    return first_row(snap.query("SELECT * FROM dim_accounts WHERE user_id = ?", [user_id]))


def reasons(top_reasons: Any) -> pd.DataFrame:
    """The classifier's top reasons (a JSON list of {feature, value, contribution}) as a table."""
    empty = pd.DataFrame(columns=["feature", "value", "contribution"])
    if not isinstance(top_reasons, str) or not top_reasons.strip():
        return empty
    try:
        items = json.loads(top_reasons)
    except json.JSONDecodeError:
        return empty
    rows = [item for item in items if isinstance(item, dict) and "feature" in item]
    if not rows:
        return empty
    frame = pd.DataFrame(rows).reindex(columns=["feature", "value", "contribution"])
    frame["contribution"] = pd.to_numeric(frame["contribution"], errors="coerce")
    return frame


def account_daily_activity(snap: Snapshot, user_id: str) -> pd.DataFrame:
    """Tweets per day of one account in the whole collection, by tweet type."""
    return snap.query(
        "SELECT date_trunc('day', created_at) AS day, tweet_type, count(*) AS tweets "
        "FROM fct_tweets WHERE author_id = ? GROUP BY ALL ORDER BY day",
        [user_id],
    )


def account_campaigns(snap: Snapshot, user_id: str) -> pd.DataFrame:
    """The campaigns an account promoted, with its first and last campaign tweet."""
    return snap.query(
        "SELECT a.campaign_id, c.name AS campaign, a.first_tweet_at, a.last_tweet_at, "
        "a.tweets, a.active_days "
        "FROM fct_account_campaign_activity AS a LEFT JOIN campaigns AS c USING (campaign_id) "
        "WHERE a.user_id = ? ORDER BY a.first_tweet_at",
        [user_id],
    )


def account_sample_tweets(snap: Snapshot, user_id: str, limit: int = 5) -> pd.DataFrame:
    """A few of the account's tweets in the collection, the latest first."""
    return snap.query(
        "SELECT created_at, tweet_type, text FROM fct_tweets WHERE author_id = ? "
        "ORDER BY created_at DESC, tweet_id LIMIT ?",
        [user_id, limit],
    )


def most_active_bots(snap: Snapshot, campaign_id: str, limit: int = 100) -> pd.DataFrame:
    return snap.query(
        "SELECT a.user_id, d.screen_name, a.bot_score, a.tweets, a.active_days, "
        "a.first_tweet_at, a.last_tweet_at "
        "FROM fct_account_campaign_activity AS a LEFT JOIN dim_accounts AS d USING (user_id) "
        "WHERE a.campaign_id = ? AND a.account_class = 'bot' "
        "ORDER BY a.tweets DESC, a.user_id LIMIT ?",
        [campaign_id, limit],
    )


def most_amplified(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    """Accounts whose content bots amplified most (fct_amplified_accounts), by rank."""
    return snap.query(
        "SELECT rank, user_id, screen_name, account_class, retweets_received, retweets_from_bots, "
        "bot_amplification_share "
        "FROM fct_amplified_accounts WHERE campaign_id = ? ORDER BY rank",
        [campaign_id],
    )


def amplified_domains(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    """The web domains of the campaign and the share of their spread due to bots, by rank."""
    return snap.query(
        "SELECT * EXCLUDE (campaign_id) FROM fct_amplified_domains WHERE campaign_id = ? "
        "ORDER BY rank",
        [campaign_id],
    )


def reuse_summary(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    """Per earlier campaign: reused accounts and bots, their dormancy and share of bot tweets."""
    return snap.query(
        "SELECT * FROM fct_reused_bots_summary WHERE later_campaign_id = ? AND reused_accounts > 0 "
        "ORDER BY reused_bots DESC, earlier_campaign_id",
        [campaign_id],
    )


def reused_accounts(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    """Every account reused in this campaign after a dormancy, whatever its class (for the
    dormancy chart): user_id, account_class, is_reused_bot, dormant_days."""
    return snap.query(
        "SELECT user_id, account_class, is_reused_bot, dormant_days FROM fct_reused_bots "
        "WHERE later_campaign_id = ? ORDER BY dormant_days DESC, user_id",
        [campaign_id],
    )


def reused_bots(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    """The reused bots of this campaign (is_reused_bot) with their evidence, the longest dormant
    first: who, from which campaign, silent from / until, the counter's move while silent, score."""
    return snap.query(
        "SELECT user_id, screen_name, earlier_campaign_id, dormant_from, dormant_until, "
        "dormant_days, statuses_while_dormant, bot_score FROM fct_reused_bots "
        "WHERE later_campaign_id = ? AND is_reused_bot "
        "ORDER BY dormant_days DESC, bot_score DESC, user_id",
        [campaign_id],
    )


def coordination_groups(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    """The campaign's coordinated groups, the largest first."""
    return snap.query(
        "SELECT * FROM coordination_groups WHERE campaign_id = ? "
        "ORDER BY size DESC, method, group_id",
        [campaign_id],
    )


def coordination_summary(snap: Snapshot, campaign_id: str) -> dict[str, Any] | None:
    """Groups, groups by method, distinct accounts in any group, the largest group."""
    return first_row(
        snap.query("SELECT * FROM coordination_summary WHERE campaign_id = ?", [campaign_id])
    )


def group_network(snap: Snapshot, group: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (user_id, screen_name, account_class, bot_score) and edges (user_a, user_b, weight)
    of one coordinated group (a row of coordination_groups)."""
    keys = [group["campaign_id"], group["method"], group["group_id"]]
    nodes = snap.query(
        "SELECT m.user_id, d.screen_name, coalesce(d.account_class, 'unscored') AS account_class, "
        "d.bot_score FROM coordination_members AS m LEFT JOIN dim_accounts AS d USING (user_id) "
        "WHERE m.campaign_id = ? AND m.method = ? AND m.group_id = ? ORDER BY m.user_id",
        keys,
    )
    if nodes.empty:
        return nodes, pd.DataFrame(columns=["user_a", "user_b", "weight"])
    members = list(nodes["user_id"])
    edges = snap.query(
        "SELECT user_a, user_b, max(similarity) AS weight FROM coordination_edges "
        "WHERE campaign_id = ? AND method = ? "
        "AND list_contains(?, user_a) AND list_contains(?, user_b) GROUP BY user_a, user_b",
        [group["campaign_id"], group["method"], members, members],
    )
    return nodes, edges


def threshold_in_use(snap: Snapshot) -> float | None:
    """The classifier's threshold: accounts scoring at or above it are called bots."""
    row = first_row(snap.query("SELECT max(threshold) AS t FROM bot_share_intervals"))
    return None if row is None or pd.isna(row["t"]) else float(row["t"])


def score_distribution(snap: Snapshot) -> pd.DataFrame:
    """Accounts per bot-score bin and class (fct_bot_score_distribution)."""
    return snap.query(
        "SELECT bin_low, bin_high, account_class, accounts FROM fct_bot_score_distribution "
        "ORDER BY bin_low, account_class"
    )


def model_versions(snap: Snapshot) -> pd.DataFrame:
    return snap.query(
        "SELECT model_version, account_class, count(*) AS accounts FROM dim_accounts "
        "GROUP BY ALL ORDER BY model_version NULLS LAST, account_class"
    )


def classifier_evaluation(snap: Snapshot) -> pd.DataFrame:
    return snap.query("SELECT * EXCLUDE (model_version) FROM classifier_evaluation ORDER BY test")


def calibration_curve(snap: Snapshot) -> pd.DataFrame:
    return snap.query(
        "SELECT bin_low, bin_high, n, mean_predicted, observed_rate FROM calibration_curve "
        "WHERE n > 0 ORDER BY bin_low"
    )


def quality_checks(snap: Snapshot) -> pd.DataFrame:
    return snap.query(
        "SELECT * FROM quality_checks "
        "ORDER BY CASE WHEN passed IS NOT DISTINCT FROM false THEN 0 "
        "WHEN passed IS NULL THEN 1 ELSE 2 END, asset, check_name"
    )


def rejected_by_reason(snap: Snapshot) -> pd.DataFrame:
    """Quarantined input records by reason, the most frequent first."""
    return snap.query(
        "SELECT reason, files, records FROM rejected_records_by_reason "
        "ORDER BY records DESC, reason"
    )


def collection_gaps(snap: Snapshot) -> pd.DataFrame:
    """Per campaign: the stream's limit notices (tweets it matched but could not deliver)."""
    return snap.query(
        "SELECT campaign_id, campaign_name, tweets, limit_notices, missed_tweets, missed_share "
        "FROM fct_campaign_summary ORDER BY missed_tweets DESC, campaign_id"
    )
