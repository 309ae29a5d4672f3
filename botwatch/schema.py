"""The canonical raw tables: one definition used by ingest, the ML loaders and the tests.

A tweet from any source (v1.1 line, v1.1 array, v2 page) becomes one ``raw.tweets`` row per
observation; a retweet or quote also yields its embedded original as a row of its own
(``is_embedded = true``). A user profile seen anywhere becomes one ``raw.user_observations`` row,
stamped with when it was observed. Timestamps are UTC (naive ``TIMESTAMP`` holding UTC).
Ids are ``VARCHAR``: v2 sends them as strings, and strings survive every engine.
"""

from __future__ import annotations

from datetime import datetime

RAW_SCHEMA = "raw"
# Twitter's first tweet was sent on 21 March 2006: no created_at can be older (ingest quarantines
# such a tweet, the raw_tweets GX suite fails on one).
TWITTER_BIRTH = datetime(2006, 3, 21)

# Profile fields of an account, shared by user observations and labelled accounts.
PROFILE_COLUMNS: dict[str, str] = {
    "user_id": "VARCHAR",
    "observed_at": "TIMESTAMP",  # when this profile was seen (tweet time, page time, probe time)
    "screen_name": "VARCHAR",
    "name": "VARCHAR",
    "description": "VARCHAR",
    "location": "VARCHAR",
    "url": "VARCHAR",
    "created_at": "TIMESTAMP",  # account creation
    "lang": "VARCHAR",
    "followers_count": "BIGINT",
    "friends_count": "BIGINT",
    "statuses_count": "BIGINT",
    "favourites_count": "BIGINT",
    "listed_count": "BIGINT",
    "verified": "BOOLEAN",
    "protected": "BOOLEAN",
    "geo_enabled": "BOOLEAN",
    "default_profile": "BOOLEAN",
    "default_profile_image": "BOOLEAN",
    "profile_use_background_image": "BOOLEAN",
    "profile_image_url": "VARCHAR",
}

LINEAGE_COLUMNS: dict[str, str] = {
    "source_file": "VARCHAR",  # landing file, relative to the landing dir when inside it
    "source_line": "BIGINT",  # 1-based line (or array element / page) in that file
    "api_version": "VARCHAR",  # 'v1.1' or 'v2'
}

TWEET_COLUMNS: dict[str, str] = {
    "tweet_id": "VARCHAR",
    "created_at": "TIMESTAMP",
    "author_id": "VARCHAR",
    "text": "VARCHAR",  # full text (extended_tweet.full_text / v2 text) when truncated
    "lang": "VARCHAR",
    "source": "VARCHAR",  # posting app name, HTML stripped
    "retweeted_tweet_id": "VARCHAR",
    "quoted_tweet_id": "VARCHAR",
    "in_reply_to_tweet_id": "VARCHAR",
    "in_reply_to_user_id": "VARCHAR",
    "hashtags": "VARCHAR[]",  # without '#', as written
    "mentioned_user_ids": "VARCHAR[]",
    "mentioned_screen_names": "VARCHAR[]",
    "urls": "VARCHAR[]",  # expanded URLs
    "retweet_count": "BIGINT",
    "favorite_count": "BIGINT",
    "is_embedded": "BOOLEAN",  # seen inside another tweet (retweeted/quoted status, includes)
    **LINEAGE_COLUMNS,
}

USER_OBSERVATION_COLUMNS: dict[str, str] = {**PROFILE_COLUMNS, **LINEAGE_COLUMNS}

REJECTED_RECORD_COLUMNS: dict[str, str] = {
    "source_file": "VARCHAR",
    "source_line": "BIGINT",
    "reason": "VARCHAR",  # short stable code, e.g. 'malformed_json', 'missing_id'
    "detail": "VARCHAR",  # human-readable explanation
    "raw_text": "VARCHAR",  # the record cut to REJECTED_TEXT_LIMIT characters
}
REJECTED_TEXT_LIMIT = 2000

# Control messages of the streaming API: deletions must be honoured, limits say what was missed.
STREAM_NOTICE_COLUMNS: dict[str, str] = {
    "notice_type": "VARCHAR",  # 'delete' | 'limit' | other control message keys
    "tweet_id": "VARCHAR",  # for 'delete'
    "user_id": "VARCHAR",  # for 'delete'
    "missed_tweets": "BIGINT",  # for 'limit': the 'track' count
    "notice_at": "TIMESTAMP",  # timestamp_ms when given
    "source_file": "VARCHAR",
    "source_line": "BIGINT",
}

INGESTED_FILE_COLUMNS: dict[str, str] = {
    "source_file": "VARCHAR",
    "file_format": "VARCHAR",  # 'v1.1-lines' | 'v1.1-array' | 'v2-pages' | ...
    "compression": "VARCHAR",  # 'none' | 'gzip'
    "tweets": "BIGINT",
    "user_observations": "BIGINT",
    "rejected": "BIGINT",
    "notices": "BIGINT",
    "file_signature": "VARCHAR",  # size:mtime_ns when read: an unchanged file is not read again
    "ingested_at": "TIMESTAMP",
}

# Labelled accounts for training: a profile, where it came from and the label.
LABELLED_ACCOUNT_COLUMNS: dict[str, str] = {
    "dataset": "VARCHAR",
    **PROFILE_COLUMNS,
    "is_bot": "BOOLEAN",
}

RAW_TABLES: dict[str, dict[str, str]] = {
    "tweets": TWEET_COLUMNS,
    "user_observations": USER_OBSERVATION_COLUMNS,
    "rejected_records": REJECTED_RECORD_COLUMNS,
    "stream_notices": STREAM_NOTICE_COLUMNS,
    "ingested_files": INGESTED_FILE_COLUMNS,
    "labelled_accounts": LABELLED_ACCOUNT_COLUMNS,
}

# Written by the ML assets, read by dbt marts as a source.
SCORE_SCHEMA = "ml"
ACCOUNT_BOT_SCORE_COLUMNS: dict[str, str] = {
    "user_id": "VARCHAR",
    "bot_score": "DOUBLE",  # calibrated probability of being a bot, in [0, 1]
    "is_bot": "BOOLEAN",  # bot_score >= threshold
    "threshold": "DOUBLE",
    "model_version": "VARCHAR",  # content hash of the artefact
    "field_set": "VARCHAR",  # which field set's model scored it: 'v1.1' | 'v2' (ml.features)
    "missing_fields": "VARCHAR[]",  # profile fields that were absent and imputed
    "top_reasons": "VARCHAR",  # JSON list of {"feature", "value", "contribution"}, strongest first
    "scored_at": "TIMESTAMP",
}


def create_table_sql(schema: str, table: str, columns: dict[str, str]) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for one of the tables above."""
    body = ",\n    ".join(f'"{name}" {type_}' for name, type_ in columns.items())
    return f"CREATE TABLE IF NOT EXISTS {schema}.{table} (\n    {body}\n)"


def create_raw_tables_sql() -> list[str]:
    """Statements that create the raw schema and all its tables (idempotent)."""
    return [f"CREATE SCHEMA IF NOT EXISTS {RAW_SCHEMA}"] + [
        create_table_sql(RAW_SCHEMA, table, columns) for table, columns in RAW_TABLES.items()
    ]
