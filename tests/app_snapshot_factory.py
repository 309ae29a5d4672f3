"""A small hand-made snapshot in the published layout, for the app's tests of edge cases (missing
tables, an empty campaign, snapshots published while the app reads) that the pipeline's snapshot
does not show. The marts are derived by SQL from generated tweets and accounts, so every number a
page shows is consistent with every other one; ``generation`` changes the tweet count so a test can
tell which snapshot a render came from."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from botwatch import snapshot

CAMPAIGNS = pd.DataFrame(
    {
        "campaign_id": ["macronleaks", "us2016", "quietcamp"],
        "name": ["#MacronLeaks", "US election 2016", "A campaign nobody tweeted"],
        "hashtags": ["MacronLeaks", "MAGA", "Nothing"],
        "keywords": ["", "", ""],
        "languages": ["", "", ""],
        "start_at": pd.to_datetime(
            ["2017-04-27 00:00:00", "2016-10-15 00:00:00", "2018-01-01 00:00:00"]
        ),
        "end_at": pd.to_datetime(
            ["2017-05-07 23:59:59", "2016-11-09 23:59:59", "2018-01-31 23:59:59"]
        ),
        "description": ["leak", "election", "empty"],
    }
)
EVENTS = pd.DataFrame(
    {
        "campaign_id": ["macronleaks", "macronleaks"],
        "event_at": pd.to_datetime(["2017-05-05 18:49", "2017-05-05 22:00"]),
        "event": ["leak posted", "media blackout start"],
        "description": ["#MacronLeaks documents posted", "Campaign silence begins"],
    }
)
BOTS, HUMANS, UNSCORED = 15, 40, 5
BASE_TWEETS = 600
THRESHOLD = 0.5
REUSED_BOT = "1000"  # a bot that promoted us2016, went silent, and came back for macronleaks
TROLLS = ["1020", "1021", "1022", "1023"]  # human-looking accounts in a coordinated group
# Tables that came with later pipeline versions: an older snapshot lacks them.
NEWER_TABLES = (
    "bot_share_intervals",
    "fct_promoter_threshold_sensitivity",
    "fct_reused_bots",
    "fct_reused_bots_summary",
    "fct_amplified_accounts",
    "fct_amplified_domains",
    "coordination_groups",
    "coordination_members",
    "coordination_edges",
    "model_evaluation",
    "calibration_curve",
    "rejected_records_by_reason",
    "quality_checks",
)


def accounts_frame(seed: int = 1, accounts: int = BOTS + HUMANS + UNSCORED) -> pd.DataFrame:
    """Accounts: the first quarter bots, then two thirds humans, the rest unscored."""
    rng = random.Random(seed)
    bots, humans = accounts // 4, (2 * accounts) // 3
    rows = []
    for i in range(accounts):
        user_id = str(1000 + i)
        kind = "bot" if i < bots else "human" if i < bots + humans else "unscored"
        score = (
            rng.uniform(0.7, 0.99)
            if kind == "bot"
            else rng.uniform(0.01, 0.4)
            if kind == "human"
            else None
        )
        reasons = (
            None
            if score is None
            else json.dumps(
                [
                    {"feature": "default_profile_image", "value": 1, "contribution": 0.21},
                    {"feature": "followers_per_friend", "value": 0.02, "contribution": 0.12},
                    {"feature": "account_age_days", "value": 900, "contribution": -0.05},
                ]
            )
        )
        rows.append(
            {
                "user_id": user_id,
                "screen_name": f"acct_{i:02d}" if i else "reused_bot",
                "name": f"Account {i}",
                "description": "tweets about elections",
                "location": "Paris" if i % 2 else None,
                "account_created_at": datetime(2010, 1, 1) + timedelta(days=(20 * i) % 2900),
                "lang": "fr",
                "followers_count": 10 * i + 3,
                "friends_count": 2000 - i,
                "statuses_count": 1000 * i + 7,
                "favourites_count": 5,
                "listed_count": 1,
                "verified": False,
                "default_profile": kind == "bot",
                "default_profile_image": kind == "bot",
                "profile_observed_at": datetime(2017, 5, 7),
                "observations": 3,
                "bot_score": score,
                "is_bot": None if score is None else score >= THRESHOLD,
                "account_class": kind,
                "model_version": None if score is None else "abc123def456",
                "top_reasons": reasons,
                "missing_fields": [] if i % 3 else ["location"],
            }
        )
    return pd.DataFrame(rows)


def tweets_frame(accounts: pd.DataFrame, tweets: int, seed: int = 2) -> pd.DataFrame:
    """``tweets`` campaign tweets over a week (bots post 40% of them), and 30 tweets of 2016."""
    rng = np.random.default_rng(seed)
    ids = accounts["user_id"].to_numpy()
    bots = ids[accounts["account_class"].to_numpy() == "bot"]
    popular = ids[len(bots) : len(bots) + 6]
    by_bot = rng.random(tweets) < 0.4
    authors = np.where(by_bot, rng.choice(bots, tweets), rng.choice(ids, tweets))
    retweet = rng.random(tweets) < 0.6
    campaign = pd.DataFrame(
        {
            "tweet_id": (900000 + np.arange(tweets)).astype(str),
            "created_at": pd.Timestamp("2017-05-01")
            + pd.to_timedelta(rng.integers(0, 7 * 24 * 60, tweets), unit="min"),
            "author_id": authors,
            "lang": rng.choice(
                ["en", "fr", "de", "es"], tweets, p=[5 / 11, 4 / 11, 1 / 11, 1 / 11]
            ),
            "tweet_type": np.where(retweet, "retweet", "original"),
            "retweeted_user_id": np.where(retweet, rng.choice(popular, tweets), None),
            "campaign_id": "macronleaks",
        }
    )
    earlier = pd.DataFrame(  # the reused bot and a few other bots in the 2016 campaign
        {
            "tweet_id": (800000 + np.arange(30)).astype(str),
            "created_at": pd.Timestamp("2016-10-20") + pd.to_timedelta(7 * np.arange(30), unit="h"),
            "author_id": np.where(np.arange(30) % 2 == 1, REUSED_BOT, rng.choice(bots, 30)),
            "lang": "en",
            "tweet_type": "original",
            "retweeted_user_id": None,
            "campaign_id": "us2016",
        }
    )
    return pd.concat([campaign, earlier], ignore_index=True)


MART_SQL = {
    "fct_tweets": """
        SELECT t.tweet_id, t.created_at, t.author_id, 'text' AS text, t.lang, 'web' AS source,
               t.tweet_type, t.retweeted_user_id, coalesce(a.account_class, 'unscored')
               AS account_class, a.bot_score
        FROM tweets AS t LEFT JOIN accounts AS a ON a.user_id = t.author_id""",
    "fct_campaign_tweets": """
        SELECT t.campaign_id, t.tweet_id, t.created_at, t.author_id, t.lang, t.tweet_type,
               f.account_class, f.bot_score
        FROM tweets AS t JOIN fct_tweets AS f USING (tweet_id)""",
    "dim_accounts": """
        SELECT a.* EXCLUDE (bot_score, is_bot, account_class, model_version, top_reasons,
                            missing_fields),
               min(t.created_at) AS first_tweet_at, max(t.created_at) AS last_tweet_at,
               count(t.tweet_id) AS tweets_collected, a.bot_score, a.is_bot, a.account_class,
               a.model_version, a.top_reasons, a.missing_fields
        FROM accounts AS a LEFT JOIN tweets AS t ON t.author_id = a.user_id GROUP BY ALL""",
    "fct_campaign_activity_hourly": """
        SELECT campaign_id, date_trunc('hour', created_at) AS activity_hour, account_class, lang,
               count(*) AS tweets, count(DISTINCT author_id) AS accounts
        FROM fct_campaign_tweets GROUP BY ALL""",
    "fct_campaign_languages": """
        SELECT campaign_id, lang, account_class, count(*) AS tweets,
               count(*) / sum(count(*)) OVER (PARTITION BY campaign_id) AS share_of_campaign,
               count(*) / sum(count(*)) OVER (PARTITION BY campaign_id, account_class)
               AS share_of_class
        FROM fct_campaign_tweets GROUP BY campaign_id, lang, account_class""",
    "fct_account_campaign_activity": """
        SELECT campaign_id, author_id AS user_id, min(created_at) AS first_tweet_at,
               max(created_at) AS last_tweet_at, count(*) AS tweets,
               count(DISTINCT date_trunc('day', created_at)) AS active_days,
               any_value(account_class) AS account_class, any_value(bot_score) AS bot_score
        FROM fct_campaign_tweets GROUP BY ALL""",
    "fct_campaign_summary": """
        WITH t AS (
            SELECT campaign_id, count(*) AS tweets,
                   avg(CASE WHEN tweet_type = 'retweet' THEN 1 ELSE 0 END) AS retweet_share,
                   count(*) FILTER (lang = 'en') AS english_tweets,
                   count(*) FILTER (lang = 'fr') AS french_tweets, mode(lang) AS top_language,
                   min(created_at) AS first_tweet_at, max(created_at) AS last_tweet_at
            FROM fct_campaign_tweets GROUP BY ALL),
        p AS (
            SELECT campaign_id, count(*) AS promoters,
                   count(*) FILTER (account_class = 'bot') AS bot_promoters,
                   count(*) FILTER (account_class = 'human') AS human_promoters,
                   count(*) FILTER (account_class = 'unscored') AS unscored_promoters
            FROM fct_account_campaign_activity GROUP BY ALL),
        h AS (
            SELECT campaign_id, arg_max(activity_hour, n) AS peak_hour, max(n) AS peak_hour_tweets
            FROM (SELECT campaign_id, activity_hour, sum(tweets) AS n
                  FROM fct_campaign_activity_hourly GROUP BY ALL) GROUP BY ALL)
        SELECT c.campaign_id, c.name AS campaign_name, c.start_at, c.end_at,
               coalesce(t.tweets, 0) AS tweets, coalesce(p.promoters, 0) AS promoters,
               coalesce(p.bot_promoters, 0) AS bot_promoters,
               coalesce(p.human_promoters, 0) AS human_promoters,
               coalesce(p.unscored_promoters, 0) AS unscored_promoters,
               p.bot_promoters / nullif(p.bot_promoters + p.human_promoters, 0)
               AS bot_share_among_promoters,
               t.retweet_share, coalesce(t.english_tweets, 0) AS english_tweets,
               coalesce(t.french_tweets, 0) AS french_tweets, t.top_language,
               CASE WHEN c.campaign_id = 'macronleaks' THEN 2 ELSE 0 END AS limit_notices,
               CASE WHEN c.campaign_id = 'macronleaks' THEN 57 ELSE 0 END AS missed_tweets,
               h.peak_hour, h.peak_hour_tweets, t.first_tweet_at, t.last_tweet_at
        FROM campaigns AS c LEFT JOIN t USING (campaign_id) LEFT JOIN p USING (campaign_id)
        LEFT JOIN h USING (campaign_id)""",
    "fct_interactions": """
        SELECT campaign_id, author_id AS source_user_id, retweeted_user_id AS target_user_id,
               'retweet' AS interaction_type, count(*) AS interactions,
               min(created_at) AS first_at, max(created_at) AS last_at
        FROM tweets WHERE retweeted_user_id IS NOT NULL AND retweeted_user_id <> author_id
        GROUP BY ALL""",
    "bot_share_intervals": f"""
        SELECT campaign_id, bot_share_among_promoters AS estimate,
               bot_share_among_promoters - 0.05 AS ci_low, bot_share_among_promoters + 0.05
               AS ci_high, 0.95 AS confidence, {THRESHOLD} AS threshold
        FROM fct_campaign_summary WHERE promoters > 0""",
    "fct_promoter_threshold_sensitivity": f"""
        SELECT p.campaign_id, th.threshold, count(*) AS promoters,
               count(*) FILTER (p.bot_score >= th.threshold) AS bots,
               avg(CASE WHEN p.bot_score >= th.threshold THEN 1 ELSE 0 END) AS bot_share,
               {THRESHOLD} AS classifier_threshold
        FROM fct_account_campaign_activity AS p,
             (SELECT unnest(range(5, 100, 5)) / 100 AS threshold) AS th
        WHERE p.bot_score IS NOT NULL GROUP BY p.campaign_id, th.threshold""",
    "fct_reused_bots": """
        SELECT e.user_id, d.screen_name, e.campaign_id AS earlier_campaign_id,
               l.campaign_id AS later_campaign_id, e.last_tweet_at AS earlier_last_tweet_at,
               l.first_tweet_at AS later_first_tweet_at,
               date_diff('day', e.last_tweet_at, l.first_tweet_at) AS dormant_days,
               90 AS min_dormancy_days, d.account_class, d.bot_score,
               l.tweets AS later_campaign_tweets
        FROM fct_account_campaign_activity AS e
        JOIN fct_account_campaign_activity AS l
          ON e.user_id = l.user_id AND e.campaign_id = 'us2016' AND l.campaign_id = 'macronleaks'
        JOIN dim_accounts AS d ON d.user_id = e.user_id
        WHERE date_diff('day', e.last_tweet_at, l.first_tweet_at) >= 90""",
    "fct_reused_bots_summary": """
        SELECT *, reused_bot_tweets / later_bot_tweets AS share_of_later_bot_tweets FROM (
        SELECT 'macronleaks' AS later_campaign_id, 'us2016' AS earlier_campaign_id,
               count(*) AS reused_accounts, count(*) FILTER (account_class = 'bot') AS reused_bots,
               median(dormant_days) FILTER (account_class = 'bot') AS median_dormant_days,
               max(dormant_days) FILTER (account_class = 'bot') AS max_dormant_days,
               sum(later_campaign_tweets) FILTER (account_class = 'bot') AS reused_bot_tweets,
               (SELECT count(*) FROM fct_campaign_tweets
                WHERE campaign_id = 'macronleaks' AND account_class = 'bot') AS later_bot_tweets
        FROM fct_reused_bots)""",
    "fct_amplified_accounts": """
        SELECT i.campaign_id, i.target_user_id AS user_id, d.screen_name, d.account_class,
               sum(i.interactions) AS retweets_received,
               sum(i.interactions) FILTER (s.account_class = 'bot') AS retweets_from_bots,
               sum(i.interactions) FILTER (s.account_class = 'human') AS retweets_from_humans,
               count(DISTINCT i.source_user_id) FILTER (s.account_class = 'bot') AS bot_retweeters,
               retweets_from_bots / (retweets_from_bots + retweets_from_humans)
               AS bot_amplification_share,
               row_number() OVER (PARTITION BY i.campaign_id
                                  ORDER BY retweets_from_bots DESC, i.target_user_id) AS rank
        FROM fct_interactions AS i JOIN dim_accounts AS s ON s.user_id = i.source_user_id
        JOIN dim_accounts AS d ON d.user_id = i.target_user_id
        GROUP BY i.campaign_id, i.target_user_id, d.screen_name, d.account_class""",
    "fct_amplified_domains": """
        SELECT * FROM (VALUES ('macronleaks', 'example.org', 40, 30, 10, 12, 0.75, 1),
                              ('macronleaks', 'news.example', 20, 2, 18, 9, 0.1, 2))
               AS v(campaign_id, domain, tweets, tweets_from_bots, tweets_from_humans, accounts,
                    bot_share, rank)""",
    "fct_campaign_volume_peaks": """
        SELECT s.campaign_id, s.peak_hour, s.peak_hour_tweets AS peak_tweets,
               0.5 AS peak_bot_tweet_share, e.event AS preceding_event,
               e.event_at AS preceding_event_at,
               date_diff('hour', e.event_at, s.peak_hour) AS hours_after_preceding_event
        FROM fct_campaign_summary AS s
        LEFT JOIN (SELECT * FROM EVENTS ORDER BY event_at LIMIT 1) AS e USING (campaign_id)
        WHERE s.tweets > 0""",
    "fct_promoter_creation_cohorts": """
        SELECT p.campaign_id, date_trunc('month', d.account_created_at) AS cohort_month,
               p.account_class, count(*) AS promoters,
               count(*) / sum(count(*)) OVER (PARTITION BY p.campaign_id, p.account_class)
               AS share_of_class
        FROM fct_account_campaign_activity AS p JOIN dim_accounts AS d USING (user_id)
        GROUP BY p.campaign_id, date_trunc('month', d.account_created_at), p.account_class""",
    "coordination_groups": """
        SELECT 'macronleaks' AS campaign_id, 'pacheco2021_coretweet' AS method, 1 AS group_id,
               4 AS size, 0.0 AS bot_share, 0.2 AS mean_bot_score, '900001 (40)' AS top_content,
               TIMESTAMP '2017-05-01' AS first_at, TIMESTAMP '2017-05-07' AS last_at""",
    "coordination_members": f"""
        SELECT 'macronleaks' AS campaign_id, 'pacheco2021_coretweet' AS method, 1 AS group_id,
               unnest({TROLLS}) AS user_id""",
    "coordination_edges": f"""
        SELECT 'macronleaks' AS campaign_id, 'pacheco2021_coretweet' AS method, a AS user_a,
               b AS user_b, 0.9 AS similarity
        FROM (SELECT unnest({TROLLS}) AS a), (SELECT unnest({TROLLS}) AS b) WHERE a < b""",
    "model_evaluation": """
        SELECT * FROM (VALUES ('cresci-2017', 0.93, 0.88, 0.06),
                              ('botwiki-2019,verified-2019', 0.91, 0.86, 0.08))
               AS v(held_out, roc_auc, accuracy, ece)""",
    "calibration_curve": """
        SELECT 'cresci-2017' AS held_out, x / 10 + 0.05 AS mean_predicted,
               least(1, x / 10 + 0.03) AS fraction_positive
        FROM (SELECT unnest(range(10)) AS x)""",
    "rejected_records_by_reason": """
        SELECT * FROM (VALUES ('malformed_json', 3), ('missing_id', 1)) AS v(reason, records)""",
    "quality_checks": """
        SELECT * FROM (VALUES
            ('raw/tweets', 'gx_raw_tweets', 'SUCCEEDED', true, 'ERROR', 'run-1',
             TIMESTAMP '2026-11-28 10:00', 'ids present', '{}'),
            ('fct_campaign_summary', 'bot_share_in_range', 'SUCCEEDED', true, 'WARN', 'run-1',
             TIMESTAMP '2026-11-28 10:00', 'shares in [0, 1]', '{}'),
            ('dim_accounts', 'unique_user_id', 'FAILED', false, 'ERROR', 'run-1',
             TIMESTAMP '2026-11-28 10:00', 'duplicate ids', '{"failed": 2}'))
        AS v(asset, check_name, status, passed, severity, run_id, evaluated_at, description,
             metadata)""",
}


GRAPHML = """<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<graph edgedefault="undirected"><node id="1020"/><node id="1021"/>
<edge source="1020" target="1021"/></graph></graphml>
"""


def write_database(
    path: Path,
    *,
    generation: int = 0,
    omit: tuple[str, ...] = (),
    tweets: int | None = None,
    accounts: int = BOTS + HUMANS + UNSCORED,
) -> dict[str, int]:
    """Write every table (campaigns, events, ``MART_SQL``) but those in ``omit``; returns
    their row counts.
    ``tweets`` (default ``BASE_TWEETS + generation``) and ``accounts`` set the size."""
    accounts = accounts_frame(accounts=accounts)
    tweets = tweets_frame(accounts, tweets if tweets is not None else BASE_TWEETS + generation)
    con = duckdb.connect(str(path))
    try:
        con.register("accounts", accounts)
        con.register("tweets", tweets)
        con.execute("CREATE TABLE campaigns AS SELECT * FROM CAMPAIGNS")
        con.execute("CREATE TABLE campaign_events AS SELECT * FROM EVENTS")
        for name, sql in MART_SQL.items():
            try:
                con.execute(f"CREATE TABLE {name} AS {sql}")
            except duckdb.Error as error:
                raise RuntimeError(f"test table {name}: {error}") from error
        for name in omit:
            con.execute(f"DROP TABLE IF EXISTS {name}")
        con.unregister("accounts")
        con.unregister("tweets")
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {n: con.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in names}
    finally:
        con.close()


def publish_test_snapshot(
    publish_dir: Path,
    *,
    generation: int = 0,
    omit: tuple[str, ...] = (),
    model_card: str | None = "# Model card\n\nThreshold 0.5. Trained on simulated accounts.\n",
    run_id: str | None = None,
    size: dict[str, int] | None = None,
) -> Path:
    """Publish a snapshot with ``botwatch.snapshot.publish`` (the pipeline's own step);
    ``size`` may set ``tweets`` and ``accounts``."""

    def write(folder: Path) -> dict:
        tables = write_database(
            folder / snapshot.DATABASE, generation=generation, omit=omit, **(size or {})
        )
        if model_card is not None:
            (folder / "model_card.md").write_text(model_card)
            networks = folder / "networks"
            networks.mkdir()
            (networks / "macronleaks-coordination.graphml").write_text(GRAPHML)
            reports = publish_dir / snapshot.REPORTS
            reports.mkdir(exist_ok=True)
            (reports / "macronleaks-2026-11-28.md").write_text("# #MacronLeaks findings\n")
        return {"database": snapshot.DATABASE, "tables": tables}

    return snapshot.publish(publish_dir, write, run_id=run_id or f"test-run-{generation}")


def campaign_tweets(generation: int) -> int:
    """The headline tweet count of the macronleaks campaign in a snapshot of this generation."""
    return BASE_TWEETS + generation


def busiest_campaign_and_top_bot(publish_dir: Path) -> tuple[str, int, str, float]:
    """From a published snapshot: the campaign with most tweets, its tweets, and the screen name
    and score of the most active bot (what the app tests look for)."""
    database = snapshot.current_dir(publish_dir) / snapshot.DATABASE
    with duckdb.connect(str(database), read_only=True) as con:
        campaign_id, tweets = con.execute(
            "SELECT campaign_id, tweets FROM fct_campaign_summary ORDER BY tweets DESC LIMIT 1"
        ).fetchone()
        screen_name, bot_score = con.execute(
            "SELECT screen_name, bot_score FROM dim_accounts WHERE account_class = 'bot' "
            "AND screen_name IS NOT NULL "
            "ORDER BY tweets_collected DESC, user_id LIMIT 1"
        ).fetchone()
    return campaign_id, tweets, screen_name, bot_score
