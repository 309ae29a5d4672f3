"""Hand-made tweet records and files for the ingest tests (never copied from real data)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any


def user(user_id: int, screen_name: str | None = None, **fields: Any) -> dict[str, Any]:
    profile = {
        "id": user_id,
        "id_str": str(user_id),
        "screen_name": screen_name or f"user{user_id}",
        "name": f"User {user_id}",
        "description": "a test account",
        "location": "Paris",
        "url": None,
        "followers_count": 10,
        "friends_count": 20,
        "statuses_count": 30,
        "favourites_count": 40,
        "listed_count": 1,
        "verified": False,
        "protected": False,
        "created_at": "Mon Jan 02 10:00:00 +0000 2012",
        "default_profile": True,
        "default_profile_image": False,
    }
    profile.update(fields)
    return profile


def tweet(
    tweet_id: int,
    user_id: int = 1,
    created_at: str = "Fri May 05 18:00:00 +0000 2017",
    text: str = "hello #MacronLeaks",
    **fields: Any,
) -> dict[str, Any]:
    record = {
        "created_at": created_at,
        "id": tweet_id,
        "id_str": str(tweet_id),
        "text": text,
        "source": '<a href="http://twitter.com/download/android" rel="nofollow">Twitter for '
        "Android</a>",
        "user": user(user_id),
        "lang": "fr",
        "entities": {"hashtags": [{"text": "MacronLeaks"}], "urls": [], "user_mentions": []},
        "retweet_count": 0,
        "favorite_count": 0,
    }
    record.update(fields)
    return record


def retweet(tweet_id: int, user_id: int, original: dict[str, Any]) -> dict[str, Any]:
    return tweet(tweet_id, user_id, text=f"RT @x: {original['text']}", retweeted_status=original)


def write_lines(path: Path, records: list[Any], compress: bool = False) -> Path:
    """One JSON value (or a raw str/bytes line) per line."""
    lines = []
    for record in records:
        if isinstance(record, bytes):
            lines.append(record)
        elif isinstance(record, str):
            lines.append(record.encode())
        else:
            lines.append(json.dumps(record).encode())
    data = b"\n".join(lines) + b"\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data) if compress else data)
    return path
