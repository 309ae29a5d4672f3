"""Twitter API v1.1 records → canonical rows, inside DuckDB.

Lines arrive as a relation ``ingest_lines(source_file, source_line, line)`` (several small files
can share one run of the statements). Each line is parsed once: ``json_extract_string(line,
[paths])`` pulls every value the canonical rows need in one pass (no schema inference). The values
land in the temp table ``ingest_records`` with the line's kind (tweet, bare user object, stream
notice, or a rejection reason); one insert per raw table reads it. Where the time goes and the
alternatives measured: bench/NOTES.md.
"""

from __future__ import annotations

from functools import cache

from botwatch.schema import PROFILE_COLUMNS, REJECTED_TEXT_LIMIT, TWEET_COLUMNS, TWITTER_BIRTH

TWITTER_TIME_FORMAT = "%a %b %d %H:%M:%S %z %Y"
# Control messages of the streaming API: stored as notices, never rejected.
CONTROL_KEYS = (
    "delete",
    "limit",
    "scrub_geo",
    "status_withheld",
    "user_withheld",
    "disconnect",
    "warning",
)
TOP = "$"
# retweeted_status and quoted_status nest one level in each other at most (retweet of a quote).
EMBEDDED = ("$.retweeted_status", "$.quoted_status", "$.retweeted_status.quoted_status")
# Profile fields read as they are; created_at (a time to parse), url and profile_image_url
# (alternatives to choose from) are derived, and user_id / observed_at come from elsewhere.
_PROFILE_FIELDS_AS_READ = [
    c
    for c in PROFILE_COLUMNS
    if c not in ("user_id", "observed_at", "created_at", "url", "profile_image_url")
]
_USER_TYPES = {
    **PROFILE_COLUMNS,
    "source_file": "VARCHAR",
    "source_line": "BIGINT",
    "api_version": "VARCHAR",
}

REJECT_DETAILS = {
    "malformed_json": "the line is not valid JSON",
    "not_a_tweet": "valid JSON but neither a tweet, a user object nor a stream control message",
    "missing_id": "tweet without id / id_str",
    "missing_author": "tweet without user.id / user.id_str",
    "unparseable_timestamp": "created_at is missing or not in Twitter's format",
    "timestamp_before_twitter": f"created_at is before Twitter existed ({TWITTER_BIRTH:%Y-%m-%d})",
    "timestamp_in_future": "created_at is after the ingestion time",
}


class _Paths:
    """The JSON paths extracted in the one pass, and the columns of ``ingest_records`` made of
    them: ``p(a, b)`` is a column holding the first of paths a, b that is present. Storing one
    column per alternative set (id_str or id, extended or plain text) rather than one per path
    halves what is materialised, which is the dominant cost (measured)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.columns: list[tuple[str, tuple[int, ...]]] = []

    def __call__(self, *paths: str, type_: str = "VARCHAR") -> str:
        """A column of the first present path, cast to ``type_`` (NULL if it does not cast):
        numbers and flags are stored typed, which is cheaper than as text."""
        for path in paths:
            if path not in self.paths:
                self.paths.append(path)
        column = (type_, tuple(self.paths.index(path) + 1 for path in paths))
        if column not in self.columns:
            self.columns.append(column)
        return f"c{self.columns.index(column) + 1}"

    def column_sql(self) -> str:
        """The select list that turns the extracted list ``v`` into the columns."""

        def one(type_: str, indexes: tuple[int, ...]) -> str:
            values = [f"v[{i}]" for i in indexes]
            value = values[0] if len(values) == 1 else f"coalesce({', '.join(values)})"
            return value if type_ == "VARCHAR" else f"try_cast({value} AS {type_})"

        return ", ".join(f"{one(*c)} AS c{n}" for n, c in enumerate(self.columns, start=1))


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _utc(expr: str) -> str:
    return f"timezone('UTC', try_strptime({expr}, '{TWITTER_TIME_FORMAT}'))"


def _either(p: _Paths, base: str, field: str) -> str:
    """``<field>_str`` when given, else the number (ids above 2^53 survive only as strings)."""
    return p(f"{base}.{field}_str", f"{base}.{field}")


def _entities(p: _Paths, t: str, entity: str, structure: str, item: str) -> str:
    """One field of every item of an entity list, from extended_tweet's entities when present."""
    text = p(f"{t}.extended_tweet.entities.{entity}", f"{t}.entities.{entity}")
    return f"coalesce(list_transform(json_transform({text}, '{structure}'), lambda x: {item}), [])"


def _app_name(source: str) -> str:
    """'<a href="..." rel="nofollow">Twitter for iPhone</a>' → 'Twitter for iPhone'."""
    return (
        f"CASE WHEN starts_with({source}, '<') "
        f"THEN split_part(split_part({source}, '>', 2), '<', 1) ELSE {source} END"
    )


def _tweet_columns(p: _Paths, t: str) -> dict[str, str]:
    nested = t.count(".") >= 2  # inside a retweet of a quote: nothing is embedded deeper
    quoted = [f"{t}.quoted_status_id_str", f"{t}.quoted_status_id"]
    if not nested:
        quoted += [f"{t}.quoted_status.id_str", f"{t}.quoted_status.id"]
    mention = '[{"id_str": "VARCHAR", "id": "VARCHAR", "screen_name": "VARCHAR"}]'
    columns = {
        "tweet_id": _either(p, t, "id"),
        "created_at": _utc(p(f"{t}.created_at")),
        "author_id": _either(p, f"{t}.user", "id"),
        "text": p(f"{t}.extended_tweet.full_text", f"{t}.full_text", f"{t}.text"),
        "lang": p(f"{t}.lang"),
        "source": _app_name(p(f"{t}.source")),
        "retweeted_tweet_id": "NULL" if nested else _either(p, f"{t}.retweeted_status", "id"),
        "quoted_tweet_id": p(*quoted),
        "in_reply_to_tweet_id": _either(p, t, "in_reply_to_status_id"),
        "in_reply_to_user_id": _either(p, t, "in_reply_to_user_id"),
        "hashtags": _entities(p, t, "hashtags", '[{"text": "VARCHAR"}]', "x.text"),
        "mentioned_user_ids": _entities(p, t, "user_mentions", mention, "coalesce(x.id_str, x.id)"),
        "mentioned_screen_names": _entities(p, t, "user_mentions", mention, "x.screen_name"),
        "urls": _entities(
            p,
            t,
            "urls",
            '[{"url": "VARCHAR", "expanded_url": "VARCHAR"}]',
            "coalesce(x.expanded_url, x.url)",
        ),
        "retweet_count": p(f"{t}.retweet_count", type_="BIGINT"),
        "favorite_count": p(f"{t}.favorite_count", type_="BIGINT"),
        "is_embedded": "false" if t == TOP else "true",
        "source_file": "source_file",
        "source_line": "source_line",
        "api_version": "'v1.1'",
    }
    assert list(columns) == list(TWEET_COLUMNS), "keep in step with botwatch.schema"
    return columns


def _user_columns(p: _Paths, u: str, observed_at: str) -> dict[str, str]:
    columns = {"user_id": _either(p, u, "id"), "observed_at": observed_at}
    for name in _PROFILE_FIELDS_AS_READ:
        columns[name] = p(f"{u}.{name}", type_=PROFILE_COLUMNS[name])
    columns["created_at"] = _utc(p(f"{u}.created_at"))
    columns["url"] = f"nullif({p(f'{u}.entities.url.urls[0].expanded_url', f'{u}.url')}, '')"
    columns["profile_image_url"] = p(f"{u}.profile_image_url_https", f"{u}.profile_image_url")
    return {
        **columns,
        "source_file": "source_file",
        "source_line": "source_line",
        "api_version": "'v1.1'",
    }


def _select(columns: dict[str, str], types: dict[str, str], where: str) -> str:
    fields = ",\n    ".join(f'CAST({columns[name]} AS {types[name]}) AS "{name}"' for name in types)
    return f"SELECT\n    {fields}\nFROM ingest_records\nWHERE {where}"


def _is_full_user(p: _Paths, u: str) -> str:
    # A trimmed user ({id, id_str} only, as in timeline dumps) is no profile observation.
    return f"({p(f'{u}.screen_name')} IS NOT NULL OR {p(f'{u}.name')} IS NOT NULL)"


def _embedded_ok(p: _Paths, t: str) -> str:
    """An embedded original is kept when it is complete; an incomplete one is dropped quietly
    (its line's own tweet still lands)."""
    return (
        f"kind = 'tweet' AND {_either(p, t, 'id')} IS NOT NULL "
        f"AND {_either(p, f'{t}.user', 'id')} IS NOT NULL "
        f"AND {_utc(p(f'{t}.created_at'))} BETWEEN $twitter_birth AND $latest"
    )


def _tweet_parts(p: _Paths) -> list[tuple[dict[str, str], str]]:
    """(columns, condition) of each tweet observation a line can hold."""
    parts = [(_tweet_columns(p, TOP), "kind = 'tweet'")]
    return parts + [(_tweet_columns(p, t), _embedded_ok(p, t)) for t in EMBEDDED]


def _user_parts(p: _Paths) -> list[tuple[dict[str, str], str]]:
    """Every full user object, observed at the time of its line's tweet: an embedded original's
    ``user`` is the profile as delivered with the retweet, not as it was at the original's time.
    A bare user object (a profile dump) is observed at its newest ``status`` if it has one."""
    parts = [
        (
            _user_columns(p, f"{t}.user", "created"),
            f"kind = 'tweet' AND {_is_full_user(p, f'{t}.user')}",
        )
        for t in (TOP, *EMBEDDED)
    ]
    bare = _user_columns(p, TOP, _utc(p("$.status.created_at")))
    return [*parts, (bare, "kind = 'user'")]


def _insert(table: str, types: dict[str, str], parts: list[tuple[dict[str, str], str]]) -> str:
    selects = [_select(columns, types, where) for columns, where in parts]
    return f"INSERT INTO raw.{table}\n" + "\nUNION ALL\n".join(selects)


def _counts(tweet_parts: list[tuple[dict, str]], user_parts: list[tuple[dict, str]]) -> str:
    """Rows each insert writes per file, from the same conditions the inserts filter by."""

    def total(parts: list[tuple[dict, str]]) -> str:
        return " + ".join(f"count(*) FILTER (WHERE {where})" for _, where in parts)

    return f"""
SELECT source_file, {total(tweet_parts)} AS tweets, {total(user_parts)} AS users
FROM ingest_records GROUP BY source_file
"""


def _notices(p: _Paths) -> str:
    def field(key: str, name: str) -> str:
        body = p(f"$.{key}")
        return (
            f"coalesce(json_extract_string({body}, '$.{name}_str'), "
            f"json_extract_string({body}, '$.{name}'))"
        )

    timestamps = " ".join(
        f"WHEN '{key}' THEN json_extract_string({p(f'$.{key}')}, '$.timestamp_ms')"
        for key in CONTROL_KEYS
    )
    return f"""
INSERT INTO raw.stream_notices
SELECT notice_type,
    CASE notice_type
        WHEN 'delete' THEN {field("delete", "status.id")}
        WHEN 'status_withheld' THEN {field("status_withheld", "id")}
    END AS tweet_id,
    CASE notice_type
        WHEN 'delete' THEN {field("delete", "status.user_id")}
        WHEN 'scrub_geo' THEN {field("scrub_geo", "user_id")}
        WHEN 'status_withheld' THEN {field("status_withheld", "user_id")}
        WHEN 'user_withheld' THEN {field("user_withheld", "id")}
    END AS user_id,
    CASE notice_type WHEN 'limit' THEN missed END AS missed_tweets,
    epoch_ms(try_cast(CASE notice_type {timestamps} END AS BIGINT)) AS notice_at,
    source_file,
    source_line
FROM (SELECT *, substr(kind, 8) AS notice_type FROM ingest_records WHERE kind LIKE 'notice:%')
"""


def _rejects() -> str:
    details = " ".join(
        f"WHEN {sql_string(code)} THEN {sql_string(text)}" for code, text in REJECT_DETAILS.items()
    )
    return f"""
INSERT INTO raw.rejected_records
SELECT rec.source_file, rec.source_line, reason,
    CASE reason {details} END
        || CASE WHEN rec.created IS NOT NULL THEN ' (created_at ' || rec.created || ')' ELSE '' END,
    left(rtrim(l.line, e'\r\n'), {REJECTED_TEXT_LIMIT})
FROM (SELECT source_file, source_line, created, substr(kind, 8) AS reason
      FROM ingest_records WHERE kind LIKE 'reject:%') AS rec
JOIN ingest_lines AS l USING (source_file, source_line)
"""


def _kind(p: _Paths) -> str:
    controls = "\n".join(
        f"        WHEN {p(f'$.{key}')} IS NOT NULL THEN 'notice:{key}'" for key in CONTROL_KEYS
    )
    tweet_like = " OR ".join(
        f"{p(path)} IS NOT NULL"
        for path in (
            "$.text",
            "$.full_text",
            "$.extended_tweet.full_text",
            "$.user.id_str",
            "$.user.id",
            "$.user.screen_name",
            "$.retweeted_status.id_str",
        )
    )
    return f"""CASE
        WHEN NOT valid THEN 'reject:malformed_json'
{controls}
        WHEN NOT ({tweet_like}) THEN
            CASE WHEN {p("$.screen_name")} IS NOT NULL AND {_either(p, "$", "id")} IS NOT NULL
                 THEN 'user' ELSE 'reject:not_a_tweet' END
        WHEN {_either(p, "$", "id")} IS NULL THEN 'reject:missing_id'
        WHEN {_either(p, "$.user", "id")} IS NULL THEN 'reject:missing_author'
        WHEN created IS NULL THEN 'reject:unparseable_timestamp'
        WHEN created < $twitter_birth THEN 'reject:timestamp_before_twitter'
        WHEN created > $latest THEN 'reject:timestamp_in_future'
        ELSE 'tweet'
    END"""


def _classify(p: _Paths) -> str:
    """Built last, once every statement has registered its paths."""
    kind = _kind(p)
    created = _utc(p("$.created_at"))
    missed = p("$.limit.track", type_="BIGINT")
    path_list = "[" + ", ".join(sql_string(path) for path in p.paths) + "]"
    return f"""
CREATE OR REPLACE TEMP TABLE ingest_records AS
SELECT * EXCLUDE (valid), {kind} AS kind
FROM (
    SELECT *, {created} AS created, {missed} AS missed
    FROM (
        SELECT source_file, source_line, v IS NOT NULL AS valid, {p.column_sql()}
        FROM (
            SELECT source_file, source_line, try(json_extract_string(line, {path_list})) AS v
            FROM ingest_lines
            WHERE NOT (strlen(line) < 16 AND trim(line, e' \t\r\n') = '')
        )
    )
)
"""


@cache
def statements() -> dict[str, str]:
    """The SQL run over each table of lines: parse and classify every line once into
    ``ingest_records`` ("classify"), count what each file will get ("counts"), then one insert
    per raw table reading it."""
    paths = _Paths()
    tweet_parts, user_parts = _tweet_parts(paths), _user_parts(paths)
    inserts = {
        "tweets": _insert("tweets", TWEET_COLUMNS, tweet_parts),
        "user_observations": _insert("user_observations", _USER_TYPES, user_parts),
        "notices": _notices(paths),
        "rejects": _rejects(),
    }
    counts = _counts(tweet_parts, user_parts)
    return {"classify": _classify(paths), "counts": counts, **inserts}
