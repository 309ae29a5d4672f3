"""Helpers shared by benchmarks: synthetic v1.1 tweet files and measuring a child process."""

from __future__ import annotations

import gzip
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

TWITTER_TIME = "%a %b %d %H:%M:%S +0000 %Y"
_WORDS = [
    "macron",
    "leaks",
    "vote",
    "election",
    "france",
    "paris",
    "debat",
    "presidentielle",
    "le",
    "la",
    "les",
    "de",
    "et",
    "en",
    "marche",
    "fake",
    "news",
    "breaking",
    "document",
    "hack",
    "email",
    "campaign",
    "bot",
    "share",
    "truth",
    "media",
]
_APPS = [
    ("http://twitter.com/download/iphone", "Twitter for iPhone"),
    ("http://twitter.com/download/android", "Twitter for Android"),
    ("https://mobile.twitter.com", "Twitter Web App"),
    ("https://ifttt.com", "IFTTT"),
]


def _user(rng: random.Random, user_id: int, when: datetime) -> dict:
    """A full v1.1 user object (about 1.5 KB, like the real ones)."""
    name = f"user{user_id}"
    return {
        "id": user_id,
        "id_str": str(user_id),
        "name": name.title(),
        "screen_name": name,
        "location": rng.choice(["Paris, France", "", "Lyon", "United States", "Marseille"]),
        "url": None,
        "description": " ".join(rng.choices(_WORDS, k=rng.randint(3, 20))),
        "translator_type": "none",
        "protected": False,
        "verified": rng.random() < 0.02,
        "followers_count": rng.randint(0, 50_000),
        "friends_count": rng.randint(0, 5_000),
        "listed_count": rng.randint(0, 300),
        "favourites_count": rng.randint(0, 30_000),
        "statuses_count": rng.randint(1, 200_000),
        "created_at": (when - timedelta(days=rng.randint(1, 3000))).strftime(TWITTER_TIME),
        "utc_offset": None,
        "time_zone": None,
        "geo_enabled": rng.random() < 0.3,
        "lang": rng.choice(["en", "fr", None]),
        "contributors_enabled": False,
        "is_translator": False,
        "profile_background_color": "F5F8FA",
        "profile_background_image_url": "",
        "profile_background_image_url_https": "",
        "profile_background_tile": False,
        "profile_link_color": "1DA1F2",
        "profile_sidebar_border_color": "C0DEED",
        "profile_sidebar_fill_color": "DDEEF6",
        "profile_text_color": "333333",
        "profile_use_background_image": True,
        "profile_image_url": f"http://pbs.twimg.com/profile_images/{user_id}/a_normal.jpg",
        "profile_image_url_https": f"https://pbs.twimg.com/profile_images/{user_id}/a_normal.jpg",
        "profile_banner_url": f"https://pbs.twimg.com/profile_banners/{user_id}/1543173324",
        "default_profile": rng.random() < 0.4,
        "default_profile_image": rng.random() < 0.05,
        "following": None,
        "follow_request_sent": None,
        "notifications": None,
    }


def _tweet(rng: random.Random, tweet_id: int, user_id: int, when: datetime) -> dict:
    tags = rng.sample(["MacronLeaks", "Presidentielle2017", "Macron", "LePen", "France"], 2)
    text = " ".join(rng.choices(_WORDS, k=rng.randint(8, 40))) + " #" + " #".join(tags)
    app_url, app = rng.choice(_APPS)
    mention = rng.randint(1, 10**9)
    entities = {
        "hashtags": [{"text": t, "indices": [0, len(t) + 1]} for t in tags],
        "urls": [
            {
                "url": "https://t.co/abcdEFGH12",
                "expanded_url": f"https://example.org/article/{rng.randint(1, 10**6)}",
                "display_url": "example.org/article/…",
                "indices": [10, 33],
            }
        ],
        "user_mentions": [
            {
                "screen_name": f"user{mention}",
                "name": f"User{mention}",
                "id": mention,
                "id_str": str(mention),
                "indices": [0, 12],
            }
        ],
        "symbols": [],
    }
    tweet = {
        "created_at": when.strftime(TWITTER_TIME),
        "id": tweet_id,
        "id_str": str(tweet_id),
        "text": text[:140],
        "display_text_range": [0, 140],
        "source": f'<a href="{app_url}" rel="nofollow">{app}</a>',
        "truncated": len(text) > 140,
        "in_reply_to_status_id": None,
        "in_reply_to_status_id_str": None,
        "in_reply_to_user_id": None,
        "in_reply_to_user_id_str": None,
        "in_reply_to_screen_name": None,
        "user": _user(rng, user_id, when),
        "geo": None,
        "coordinates": None,
        "place": None,
        "contributors": None,
        "is_quote_status": False,
        "quote_count": 0,
        "reply_count": 0,
        "retweet_count": rng.randint(0, 100),
        "favorite_count": rng.randint(0, 100),
        "entities": entities,
        "favorited": False,
        "retweeted": False,
        "filter_level": "low",
        "lang": rng.choice(["en", "fr", "und"]),
        "timestamp_ms": str(int(when.timestamp() * 1000)),
    }
    if len(text) > 140:
        tweet["extended_tweet"] = {
            "full_text": text,
            "display_text_range": [0, len(text)],
            "entities": entities,
        }
    return tweet


def synthetic_v1_lines(tweets: int, seed: int = 0, start: datetime | None = None):
    """Yield ``tweets`` v1.1 streaming lines (as str) of about 4 KB: a third are retweets carrying
    the original and its author, one in 500 lines is a delete or limit notice (not counted)."""
    rng = random.Random(seed)
    start = start or datetime(2017, 4, 27, tzinfo=UTC)
    users = [rng.randint(10**6, 10**12) for _ in range(max(100, tweets // 20))]
    for i in range(tweets):
        when = start + timedelta(seconds=i * 0.5)
        tweet = _tweet(rng, 8 * 10**17 + 2 * i, rng.choice(users), when)
        if rng.random() < 0.33:
            original = _tweet(rng, 8 * 10**17 + 2 * i + 1, rng.choice(users), when)
            tweet["retweeted_status"] = original
            tweet["text"] = f"RT @{original['user']['screen_name']}: {original['text']}"[:140]
            tweet.pop("extended_tweet", None)
        yield json.dumps(tweet)
        if i % 500 == 499:
            yield json.dumps({"limit": {"track": rng.randint(1, 50), "timestamp_ms": "1"}})


def write_v1_files(directory: Path, tweets: int, files: int, compress: bool, seed: int = 0):
    """Write ``tweets`` synthetic tweets spread over ``files`` hourly files; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    per_file = -(-tweets // files)
    paths: list[Path] = []
    lines = synthetic_v1_lines(tweets, seed)
    for index in range(files):
        name = f"tweets-2017-04-27-{index:03d}.jsonl" + (".gz" if compress else "")
        path = directory / name
        opener = gzip.open if compress else open
        written = 0
        with opener(path, "wt", encoding="utf-8") as out:
            for line in lines:
                out.write(line + "\n")
                if not line.startswith('{"limit"'):
                    written += 1
                if written >= per_file:
                    break
        paths.append(path)
    return paths
