"""Twitter API v2 pages as twarc2 writes them → canonical rows (pure Python; pages are few).

A page is ``{"data": [...], "includes": {"users": [...], "tweets": [...]}, "meta": ...,
"__twarc": {"retrieved_at": ...}}``. ``data`` tweets are the collected ones; ``includes.tweets``
are referenced (retweeted, quoted, replied-to) tweets, kept as embedded observations. A user-lookup
page has users in ``data``. A flattened tweet line (twarc2 ``flatten``) is read as a one-tweet page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ingest.bounds import timestamp_problem

API_VERSION = "v2"


@dataclass
class PageRows:
    tweets: list[dict[str, Any]] = field(default_factory=list)
    users: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)  # reason, detail, raw_text


def parse_time(value: Any) -> datetime | None:
    """ISO-8601 ('2021-09-22T16:37:29.000Z') → naive UTC, None if absent or unparseable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


# Values of the wrong JSON type (a text that is an object, counts that are strings) become NULL:
# the tweet still lands when its id, author and time are sound, as v1.1's typed reads do.


def _text_id(value: Any) -> str | None:
    """An id as text: ids are strings or integers; anything else is no id."""
    if isinstance(value, bool) or not isinstance(value, str | int) or value == "":
        return None
    return str(value)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _referenced(tweet: dict[str, Any], kind: str) -> str | None:
    for reference in _objects(tweet.get("referenced_tweets")):
        if reference.get("type") == kind:
            return _text_id(reference.get("id"))
    return None


def _tweet_row(
    tweet: dict[str, Any], ids_by_username: dict[str, str], embedded: bool, line: int
) -> dict[str, Any]:
    entities = _mapping(tweet.get("entities"))
    mentions = _objects(entities.get("mentions"))
    metrics = _mapping(tweet.get("public_metrics"))
    note = _mapping(tweet.get("note_tweet"))
    return {
        "tweet_id": _text_id(tweet.get("id")),
        "created_at": parse_time(tweet.get("created_at")),
        "author_id": _text_id(tweet.get("author_id")),
        "text": _text(note.get("text")) or _text(tweet.get("text")),
        "lang": _text(tweet.get("lang")),
        "source": _text(tweet.get("source")),
        "retweeted_tweet_id": _referenced(tweet, "retweeted"),
        "quoted_tweet_id": _referenced(tweet, "quoted"),
        "in_reply_to_tweet_id": _referenced(tweet, "replied_to"),
        "in_reply_to_user_id": _text_id(tweet.get("in_reply_to_user_id")),
        "hashtags": [_text(h.get("tag")) for h in _objects(entities.get("hashtags"))],
        # v2 mentions carry an id only in later API versions; else resolve it from the page's users.
        "mentioned_user_ids": [
            _text_id(m.get("id")) or ids_by_username.get(str(m.get("username", "")).lower())
            for m in mentions
        ],
        "mentioned_screen_names": [_text(m.get("username")) for m in mentions],
        "urls": [
            _text(u.get("expanded_url")) or _text(u.get("url"))
            for u in _objects(entities.get("urls"))
        ],
        "retweet_count": _count(metrics.get("retweet_count")),
        "favorite_count": _count(metrics.get("like_count")),
        "is_embedded": embedded,
        "source_line": line,
        "api_version": API_VERSION,
    }


def _user_row(user: dict[str, Any], observed_at: datetime | None, line: int) -> dict[str, Any]:
    metrics = _mapping(user.get("public_metrics"))
    url_entities = _objects(_mapping(_mapping(user.get("entities")).get("url")).get("urls")) or [{}]
    return {
        "user_id": _text_id(user.get("id")),
        "observed_at": observed_at,
        "screen_name": _text(user.get("username")),
        "name": _text(user.get("name")),
        "description": _text(user.get("description")),
        "location": _text(user.get("location")),
        "url": _text(url_entities[0].get("expanded_url")) or _text(user.get("url")) or None,
        "created_at": parse_time(user.get("created_at")),
        "lang": None,  # v2 has no profile language
        "followers_count": _count(metrics.get("followers_count")),
        "friends_count": _count(metrics.get("following_count")),
        "statuses_count": _count(metrics.get("tweet_count")),
        "favourites_count": _count(metrics.get("like_count")),
        "listed_count": _count(metrics.get("listed_count")),
        "verified": _flag(user.get("verified")),
        "protected": _flag(user.get("protected")),
        "profile_image_url": _text(user.get("profile_image_url")),
        "source_line": line,
        "api_version": API_VERSION,
    }


def _objects(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def as_page(record: dict[str, Any]) -> dict[str, Any] | None:
    """The record as a page, or None if it is neither a page nor a flattened tweet."""
    if "data" in record or "includes" in record:
        return record
    if "author_id" in record and "text" in record:
        author = record.get("author")
        return {
            "data": [record],
            "includes": {"users": [author] if isinstance(author, dict) else []},
            "__twarc": _mapping(record.get("__twarc")),
        }
    return None


def page_rows(page: dict[str, Any], line: int, latest: datetime) -> PageRows:
    """Canonical rows of one page (its line number is every row's ``source_line``)."""
    rows = PageRows()
    data = page.get("data")
    data_items = _objects(data if isinstance(data, list) else [data])
    includes = _mapping(page.get("includes"))
    users = _objects(includes.get("users"))
    retrieved_at = parse_time(_mapping(page.get("__twarc")).get("retrieved_at"))

    if data_items and all("username" in item and "text" not in item for item in data_items):
        # A user-lookup page: profiles only (its includes.tweets are pinned tweets, not collected).
        rows.users = [_user_row(user, retrieved_at, line) for user in data_items]
        return rows

    ids_by_username = {
        str(u.get("username", "")).lower(): user_id
        for u in users
        if (user_id := _text_id(u.get("id"))) is not None
    }
    for tweet in data_items:
        row = _tweet_row(tweet, ids_by_username, False, line)
        problem = _problem(row, latest)
        if problem:
            rows.rejects.append({"reason": problem[0], "detail": problem[1], "tweet": tweet})
        else:
            rows.tweets.append(row)
    for tweet in _objects(includes.get("tweets")):
        row = _tweet_row(tweet, ids_by_username, True, line)
        if _problem(row, latest) is None:  # incomplete embedded tweets are dropped, as in v1.1
            rows.tweets.append(row)

    rows.users = [
        _user_row(user, _observed_at(user, rows.tweets, retrieved_at), line) for user in users
    ]
    return rows


def _problem(row: dict[str, Any], latest: datetime) -> tuple[str, str] | None:
    if row["tweet_id"] is None:
        return "missing_id", "tweet without id"
    if row["author_id"] is None:
        return "missing_author", "tweet without author_id"
    return timestamp_problem(row["created_at"], latest)


def _observed_at(
    user: dict[str, Any], tweets: list[dict[str, Any]], retrieved_at: datetime | None
) -> datetime | None:
    """When the page says it was collected; else the newest time of the user's tweets in it;
    else the page's newest tweet (a page is fetched after every tweet in it)."""
    if retrieved_at is not None:
        return retrieved_at
    user_id = _text_id(user.get("id"))
    own = [t["created_at"] for t in tweets if t["author_id"] == user_id and t["created_at"]]
    every = [t["created_at"] for t in tweets if t["created_at"]]
    return max(own or every, default=None)
