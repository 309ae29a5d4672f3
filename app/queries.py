"""The questions the pages ask of a snapshot, as named SQL. User values are bound parameters.

Every function takes the ``Snapshot`` resolved for this render and returns a DataFrame (empty when
the table is not in that snapshot) or a dict / None for one row. Tables of newer analyses are found
by name fragments, since an older snapshot may not have them.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from app.data import Snapshot, quoted

CLASSES = ("bot", "human", "unscored")


def first_row(frame: pd.DataFrame) -> dict[str, Any] | None:
    return None if frame.empty else frame.iloc[0].to_dict()


def campaigns(snap: Snapshot) -> pd.DataFrame:
    """campaign_id, name of every campaign in the snapshot, the most tweeted first."""
    if snap.has("fct_campaign_summary"):
        return snap.query(
            "SELECT campaign_id, campaign_name AS name FROM fct_campaign_summary "
            "ORDER BY tweets DESC NULLS LAST, start_at DESC, campaign_id"
        )
    if snap.has("campaigns"):
        return snap.query("SELECT campaign_id, name FROM campaigns ORDER BY start_at DESC")
    return pd.DataFrame(columns=["campaign_id", "name"])


def campaign_summary(snap: Snapshot, campaign_id: str) -> dict[str, Any] | None:
    if not snap.has("fct_campaign_summary"):
        return None
    return first_row(
        snap.query("SELECT * FROM fct_campaign_summary WHERE campaign_id = ?", [campaign_id])
    )


def hourly_activity(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    """Tweets per hour and account class (languages summed), quiet hours filled with zeros."""
    if not snap.has("fct_campaign_activity_hourly"):
        return pd.DataFrame(columns=["activity_hour", "account_class", "tweets"])
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
    if not snap.has("campaign_events"):
        return pd.DataFrame(columns=["event_at", "event", "description"])
    return snap.query(
        "SELECT CAST(event_at AS TIMESTAMP) AS event_at, event, description FROM campaign_events "
        "WHERE campaign_id = ? ORDER BY event_at",
        [campaign_id],
    )


def languages(snap: Snapshot, campaign_id: str, top: int = 8) -> pd.DataFrame:
    """Tweets per language and class; languages beyond the ``top`` most used become 'other'."""
    if not snap.has("fct_campaign_languages"):
        return pd.DataFrame(columns=["lang", "account_class", "tweets", "share_of_campaign"])
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


def campaign_table(snap: Snapshot, table: str, campaign_id: str) -> pd.DataFrame:
    """Rows of an analysis table for one campaign (all rows when it has no campaign column)."""
    if "campaign_id" in snap.columns(table):
        return snap.query(f"SELECT * FROM {quoted(table)} WHERE campaign_id = ?", [campaign_id])
    return snap.query(f"SELECT * FROM {quoted(table)}")


def bot_share_interval(snap: Snapshot, campaign_id: str) -> dict[str, Any] | None:
    """The bootstrap interval of the bot share among promoters, when the snapshot has one."""
    for table in snap.find_tables("bot_share", "interval"):
        columns = snap.columns(table)
        if {"ci_low", "ci_high"} <= set(columns):
            return first_row(campaign_table(snap, table, campaign_id))
    return None


def threshold_sensitivity(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    for table in snap.find_tables("threshold"):
        if {"threshold", "bot_share"} <= set(snap.columns(table)):
            return campaign_table(snap, table, campaign_id)
    return pd.DataFrame(columns=["threshold", "bot_share"])


def volume_peak(snap: Snapshot, campaign_id: str) -> dict[str, Any] | None:
    """The campaign's busiest hour, its bot share and the event that came before it."""
    if not snap.has("fct_campaign_volume_peaks"):
        return None
    return first_row(
        snap.query("SELECT * FROM fct_campaign_volume_peaks WHERE campaign_id = ?", [campaign_id])
    )


def creation_cohorts(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    """Promoters by the month their account was created, per class."""
    if not snap.has("fct_promoter_creation_cohorts"):
        return pd.DataFrame()
    return snap.query(
        "SELECT cohort_month, account_class, promoters, share_of_class "
        "FROM fct_promoter_creation_cohorts WHERE campaign_id = ? ORDER BY cohort_month",
        [campaign_id],
    )


ACCOUNT_COLUMNS = (
    "user_id, screen_name, name, account_class, bot_score, tweets_collected, followers_count"
)


def find_accounts(snap: Snapshot, text: str, limit: int = 20) -> pd.DataFrame:
    """Accounts whose id or screen name is ``text`` (an '@' is ignored, case does not matter);
    when none matches exactly, screen names that start with it."""
    if not snap.has("dim_accounts"):
        return pd.DataFrame(columns=ACCOUNT_COLUMNS.split(", "))
    needle = text.strip().removeprefix("@").strip()
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
        "WHERE starts_with(lower(screen_name), lower(?)) "
        "ORDER BY tweets_collected DESC, user_id LIMIT ?",
        [needle, limit],
    )


def account(snap: Snapshot, user_id: str) -> dict[str, Any] | None:
    if not snap.has("dim_accounts"):
        return None
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
    if not snap.has("fct_tweets"):
        return pd.DataFrame(columns=["day", "tweet_type", "tweets"])
    return snap.query(
        "SELECT date_trunc('day', created_at) AS day, tweet_type, count(*) AS tweets "
        "FROM fct_tweets WHERE author_id = ? GROUP BY ALL ORDER BY day",
        [user_id],
    )


def account_campaigns(snap: Snapshot, user_id: str) -> pd.DataFrame:
    """The campaigns an account promoted, with its first and last campaign tweet."""
    if not snap.has("fct_account_campaign_activity"):
        return pd.DataFrame(columns=["campaign_id", "first_tweet_at", "last_tweet_at", "tweets"])
    names = "c.name" if snap.has("campaigns") else "a.campaign_id"
    join = "LEFT JOIN campaigns AS c USING (campaign_id)" if snap.has("campaigns") else ""
    return snap.query(
        f"SELECT a.campaign_id, {names} AS campaign, a.first_tweet_at, a.last_tweet_at, "
        "a.tweets, a.active_days "
        f"FROM fct_account_campaign_activity AS a {join} "
        "WHERE a.user_id = ? ORDER BY a.first_tweet_at",
        [user_id],
    )


def account_dormancy(snap: Snapshot, user_id: str) -> dict[str, Any] | None:
    """The longest silence between two consecutive tweets of an account in the collection."""
    if not snap.has("fct_tweets"):
        return None
    return first_row(
        snap.query(
            """
            WITH gaps AS (
                SELECT lag(created_at) OVER (ORDER BY created_at) AS silent_from,
                       created_at AS silent_until
                FROM fct_tweets WHERE author_id = ?
            )
            SELECT silent_from, silent_until,
                   date_diff('second', silent_from, silent_until) / 86400.0 AS silent_days
            FROM gaps WHERE silent_from IS NOT NULL
            ORDER BY silent_days DESC LIMIT 1
            """,
            [user_id],
        )
    )


def most_active_bots(snap: Snapshot, campaign_id: str, limit: int = 100) -> pd.DataFrame:
    if not snap.has("fct_account_campaign_activity"):
        return pd.DataFrame()
    name = "d.screen_name" if snap.has("dim_accounts") else "NULL"
    join = "LEFT JOIN dim_accounts AS d USING (user_id)" if snap.has("dim_accounts") else ""
    return snap.query(
        f"SELECT a.user_id, {name} AS screen_name, a.bot_score, a.tweets, a.active_days, "
        "a.first_tweet_at, a.last_tweet_at "
        f"FROM fct_account_campaign_activity AS a {join} "
        "WHERE a.campaign_id = ? AND a.account_class = 'bot' "
        "ORDER BY a.tweets DESC, a.user_id LIMIT ?",
        [campaign_id, limit],
    )


def most_amplified(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    """Accounts whose content bots amplified most (fct_amplified_accounts), ranked."""
    if not snap.has("fct_amplified_accounts"):
        return pd.DataFrame()
    return snap.query(
        "SELECT rank, user_id, screen_name, account_class, retweets_received, retweets_from_bots, "
        "retweets_from_humans, bot_retweeters, bot_amplification_share "
        "FROM fct_amplified_accounts WHERE campaign_id = ? ORDER BY rank",
        [campaign_id],
    )


def amplified_domains(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    """The web domains of the campaign and the share of their spread due to bots."""
    if not snap.has("fct_amplified_domains"):
        return pd.DataFrame()
    return snap.query(
        "SELECT * EXCLUDE (campaign_id) FROM fct_amplified_domains WHERE campaign_id = ? "
        "ORDER BY rank",
        [campaign_id],
    )


def reuse_summary(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    """Per earlier campaign: reused accounts and bots, their dormancy and share of bot tweets."""
    if not snap.has("fct_reused_bots_summary"):
        return pd.DataFrame()
    return snap.query(
        "SELECT * FROM fct_reused_bots_summary WHERE later_campaign_id = ? AND reused_accounts > 0 "
        "ORDER BY reused_bots DESC, earlier_campaign_id",
        [campaign_id],
    )


REUSED_FIRST = (
    "user_id",
    "screen_name",
    "is_reused_bot",
    "account_class",
    "bot_score",
    "earlier_campaign_id",
    "earlier_last_tweet_at",
    "later_first_tweet_at",
    "dormant_days",
    "later_campaign_tweets",
)


def reused_accounts(snap: Snapshot, campaign_id: str) -> pd.DataFrame:
    """Accounts reused in this campaign, reused bots first; the known columns lead, newer ones
    follow."""
    if not snap.has("fct_reused_bots"):
        return pd.DataFrame()
    # Older snapshots have no is_reused_bot: fall back to the class there.
    reused_bot = (
        "is_reused_bot"
        if "is_reused_bot" in snap.columns("fct_reused_bots")
        else ("account_class = 'bot'")
    )
    frame = snap.query(
        "SELECT * FROM fct_reused_bots WHERE later_campaign_id = ? "
        f"ORDER BY {reused_bot} DESC, later_campaign_tweets DESC, user_id",
        [campaign_id],
    )
    leading = [c for c in REUSED_FIRST if c in frame.columns]
    rest = [c for c in frame.columns if c not in leading and c != "later_campaign_id"]
    return frame[leading + rest]


def analysis_tables(snap: Snapshot, *fragments: str) -> list[str]:
    return snap.find_tables(*fragments)


def coordination_table(snap: Snapshot, kind: str) -> str | None:
    """The coordination table of a kind ('group', 'member', 'edge'), if the snapshot has one."""
    found = snap.find_tables("coordinat", kind)
    return found[0] if found else None


GROUP_KEYS = ("campaign_id", "method", "group_id")


def group_network(snap: Snapshot, group: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (user_id, screen_name, account_class, bot_score) and edges (user_a, user_b, weight)
    of one coordinated group (a row of the groups table), from the members and edges tables."""
    members_table = coordination_table(snap, "member")
    if members_table is None:
        return pd.DataFrame(), pd.DataFrame()
    member_columns = snap.columns(members_table)
    keys = [k for k in GROUP_KEYS if k in member_columns and group.get(k) is not None]
    where = " AND ".join(f"m.{k} = ?" for k in keys) or "true"
    if snap.has("dim_accounts"):
        details = (
            "d.screen_name, coalesce(d.account_class, 'unscored') AS account_class, d.bot_score"
        )
        accounts = "LEFT JOIN dim_accounts AS d USING (user_id)"
    else:
        details = "NULL AS screen_name, 'unscored' AS account_class, NULL AS bot_score"
        accounts = ""
    nodes = snap.query(
        f"SELECT DISTINCT m.user_id, {details} FROM {quoted(members_table)} AS m {accounts} "
        f"WHERE {where} ORDER BY m.user_id",
        [group[k] for k in keys],
    )
    edges_table = coordination_table(snap, "edge")
    if edges_table is None or nodes.empty:
        return nodes, pd.DataFrame(columns=["user_a", "user_b", "weight"])
    edge_columns = snap.columns(edges_table)
    weight = next((c for c in ("similarity", "weight") if c in edge_columns), "1.0")
    edge_keys = [k for k in ("campaign_id", "method") if k in edge_columns and k in keys]
    members = list(nodes["user_id"])
    edges = snap.query(
        f"SELECT user_a, user_b, max({weight}) AS weight FROM {quoted(edges_table)} "
        "WHERE list_contains(?, user_a) AND list_contains(?, user_b)"
        + "".join(f" AND {k} = ?" for k in edge_keys)
        + " GROUP BY user_a, user_b",
        [members, members, *[group[k] for k in edge_keys]],
    )
    return nodes, edges


def coordinated_account_count(snap: Snapshot, campaign_id: str | None) -> int | None:
    """Distinct accounts in any coordinated group (an account can be in one group per method)."""
    members = coordination_table(snap, "member")
    if members is None:
        return None
    if campaign_id is not None and "campaign_id" in snap.columns(members):
        sql = f"SELECT count(DISTINCT user_id) AS n FROM {quoted(members)} WHERE campaign_id = ?"
        return int(snap.query(sql, [campaign_id])["n"][0])
    return int(snap.query(f"SELECT count(DISTINCT user_id) AS n FROM {quoted(members)}")["n"][0])


def threshold_in_use(snap: Snapshot) -> tuple[float | None, str]:
    """The classification threshold and where it was read: the classifier's own (published with
    the threshold curve or the bootstrap interval), else the lowest score labelled a bot."""
    for column in ("classifier_threshold", "threshold"):
        for table in sorted(snap.tables):
            columns = snap.columns(table)
            if column not in columns or (column == "threshold" and "bot_share" in columns):
                continue  # a threshold sweep, not the threshold in use
            row = first_row(snap.query(f"SELECT max({column}) AS t FROM {quoted(table)}"))
            if row and not pd.isna(row["t"]):
                return float(row["t"]), f"{table}.{column}"
    if not snap.has("dim_accounts"):
        return None, "not in this snapshot"
    row = first_row(
        snap.query("SELECT min(bot_score) AS t FROM dim_accounts WHERE account_class = 'bot'")
    )
    if row is None or pd.isna(row["t"]):
        return None, "no account was classified"
    return float(row["t"]), "lowest score of an account classified as a bot"


def score_distribution(snap: Snapshot, bins: int = 20) -> pd.DataFrame:
    if not snap.has("dim_accounts"):
        return pd.DataFrame(columns=["bin_start", "account_class", "accounts"])
    return snap.query(
        "SELECT least(floor(bot_score * ?), ? - 1) / ? AS bin_start, account_class, "
        "count(*) AS accounts FROM dim_accounts WHERE bot_score IS NOT NULL GROUP BY ALL "
        "ORDER BY bin_start",
        [bins, bins, bins],
    )


def model_versions(snap: Snapshot) -> pd.DataFrame:
    if not snap.has("dim_accounts"):
        return pd.DataFrame(columns=["model_version", "accounts"])
    return snap.query(
        "SELECT model_version, account_class, count(*) AS accounts FROM dim_accounts "
        "GROUP BY ALL ORDER BY model_version NULLS LAST, account_class"
    )


def quality_checks(snap: Snapshot) -> pd.DataFrame:
    if not snap.has("quality_checks"):
        return pd.DataFrame()
    return snap.query(
        "SELECT * FROM quality_checks "
        "ORDER BY CASE WHEN passed IS NOT DISTINCT FROM false THEN 0 "
        "WHEN passed IS NULL THEN 1 ELSE 2 END, asset, check_name"
    )


def rejected_by_reason(snap: Snapshot) -> pd.DataFrame:
    """Quarantined input records by reason, from any published table with a reason column."""
    for table in snap.find_tables("reject"):
        columns = snap.columns(table)
        if "reason" not in columns:
            continue
        if "records" in columns:
            return snap.query(
                f"SELECT reason, sum(records) AS records FROM {quoted(table)} "
                "GROUP BY reason ORDER BY records DESC"
            )
        return snap.query(
            f"SELECT reason, count(*) AS records FROM {quoted(table)} "
            "GROUP BY reason ORDER BY records DESC"
        )
    return pd.DataFrame(columns=["reason", "records"])


def collection_gaps(snap: Snapshot) -> pd.DataFrame:
    """Per campaign: the stream's limit notices (tweets it matched but could not deliver)."""
    if not snap.has("fct_campaign_summary"):
        return pd.DataFrame()
    return snap.query(
        "SELECT campaign_id, campaign_name, tweets, limit_notices, missed_tweets, "
        "missed_tweets / nullif(tweets + missed_tweets, 0) AS missed_share "
        "FROM fct_campaign_summary ORDER BY missed_tweets DESC, campaign_id"
    )
