"""Every file of ../shared/data/tweets ingests; counts are checked against the files, parsed here
with json (a different code path from the DuckDB SQL of the ingest)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from botwatch.paths import SHARED_DATA_DIR
from ingest import ingest_file

pytestmark = pytest.mark.realdata
TWEETS_DIR = SHARED_DATA_DIR / "tweets"


def _v1_expected(records: list[dict]) -> dict[str, int]:
    """Each tweet, plus its retweeted / quoted originals (and a retweeted quote's original);
    a user object counts when it is a full profile (not trimmed to the id)."""
    counts = {"tweets": 0, "users": 0, "retweets": 0, "top": 0}
    for record in records:
        counts["top"] += 1
        levels = [record]
        retweeted = record.get("retweeted_status")
        if retweeted:
            counts["retweets"] += 1
            levels.append(retweeted)
            if retweeted.get("quoted_status"):
                levels.append(retweeted["quoted_status"])
        if record.get("quoted_status"):
            levels.append(record["quoted_status"])
        counts["tweets"] += len(levels)
        counts["users"] += sum(1 for t in levels if "screen_name" in t["user"])
    return counts


def _v2_expected(pages: list[dict]) -> dict[str, int]:
    counts = {"tweets": 0, "users": 0, "retweets": 0, "top": 0}
    for page in pages:
        if all("username" in item for item in page["data"]):
            counts["users"] += len(page["data"])
            continue
        tweets = page["data"] + page.get("includes", {}).get("tweets", [])
        counts["top"] += len(page["data"])
        counts["tweets"] += len(tweets)
        counts["users"] += len(page.get("includes", {}).get("users", []))
        counts["retweets"] += sum(
            1
            for t in tweets
            if any(r["type"] == "retweeted" for r in t.get("referenced_tweets", []))
        )
    return counts


def _expected(path: Path) -> dict[str, int]:
    text = path.read_text(encoding="utf-8")
    if path.parent.name == "profiles":
        return {"tweets": 0, "users": 1, "retweets": 0, "top": 0}
    if path.suffix == ".json":
        return _v1_expected(json.loads(text))
    records = [json.loads(line) for line in text.splitlines() if line.strip()]
    return _v2_expected(records) if path.parent.name == "v2" else _v1_expected(records)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory):
    con = duckdb.connect(str(tmp_path_factory.mktemp("real") / "warehouse.duckdb"))
    files = sorted(p for p in TWEETS_DIR.rglob("*") if p.is_file() and p.suffix != ".md")
    reports = {path: ingest_file(con, path) for path in files}
    yield con, reports
    con.close()


def _actual(con: duckdb.DuckDBPyConnection, source_file: str) -> dict[str, int]:
    tweets, retweets, top = con.execute(
        "SELECT count(*), count(retweeted_tweet_id), count(*) FILTER (WHERE NOT is_embedded) "
        "FROM raw.tweets WHERE source_file = ?",
        [source_file],
    ).fetchone()
    (users,) = con.execute(
        "SELECT count(*) FROM raw.user_observations WHERE source_file = ?", [source_file]
    ).fetchone()
    return {"tweets": tweets, "users": users, "retweets": retweets, "top": top}


def test_every_shared_tweet_file_ingests_with_the_counts_of_the_file(ingested):
    con, reports = ingested
    assert len(reports) >= 538
    for path, report in reports.items():
        assert report.rejected == 0, (path, report.rejected_by_reason)
        assert _actual(con, report.source_file) == _expected(path), path
        assert report.tweets == _expected(path)["tweets"]
        assert report.user_observations == _expected(path)["users"]


def test_readme_figures_hold(ingested):
    con, reports = ingested
    by_name = {path.relative_to(TWEETS_DIR).as_posix(): r for path, r in reports.items()}
    cassettes = by_name["v1/tweepy-cassettes-2019.jsonl"].source_file
    top, authors, retweets = con.execute(
        "SELECT count(*), count(DISTINCT author_id), count(retweeted_tweet_id) FROM raw.tweets "
        "WHERE source_file = ? AND NOT is_embedded",
        [cassettes],
    ).fetchone()
    assert (top, authors, retweets) == (93, 34, 24)
    congress = [r.source_file for name, r in by_name.items() if "congress-2015-2016/tweets" in name]
    top, retweets = con.execute(
        "SELECT count(*), count(retweeted_tweet_id) FROM raw.tweets "
        "WHERE source_file IN (SELECT unnest($1)) AND NOT is_embedded",
        [congress],
    ).fetchone()
    assert (top, retweets) == (2400, 489)


def test_trimmed_users_keep_the_author_but_make_no_profile(ingested):
    con, reports = ingested
    congress = [
        r.source_file
        for p, r in reports.items()
        if p.parent.name == "tweets" and "congress" in str(p)
    ]
    missing_authors, profiles_from_top = con.execute(
        "SELECT count(*) FILTER (WHERE author_id IS NULL), "
        "(SELECT count(*) FROM raw.user_observations WHERE source_file IN (SELECT unnest($1))) "
        "FROM raw.tweets WHERE source_file IN (SELECT unnest($1)) AND NOT is_embedded",
        [congress],
    ).fetchone()
    assert missing_authors == 0
    # Only the embedded originals of retweets carry full user objects in these dumps.
    embedded_full = sum(
        _expected(p)["users"] for p, r in reports.items() if r.source_file in congress
    )
    assert profiles_from_top == embedded_full


def test_streaming_tweet_takes_full_text_entities_and_app_name(ingested):
    con, reports = ingested
    path = TWEETS_DIR / "v1/brexit-stream-2018.jsonl"
    first = json.loads(path.read_text().splitlines()[0])
    row = con.execute(
        "SELECT text, source, hashtags, mentioned_screen_names, in_reply_to_tweet_id, created_at "
        "FROM raw.tweets WHERE source_file = ? AND source_line = 1 AND NOT is_embedded",
        [reports[path].source_file],
    ).fetchone()
    assert row[0] == first["extended_tweet"]["full_text"] != first["text"]
    assert row[1] == "Twitter for iPhone"
    assert row[2] == [h["text"] for h in first["extended_tweet"]["entities"]["hashtags"]]
    assert row[3] == [
        m["screen_name"] for m in first["extended_tweet"]["entities"]["user_mentions"]
    ]
    assert row[4] == first["in_reply_to_status_id_str"]
    assert row[5].strftime("%a %b %d %H:%M:%S +0000 %Y") == first["created_at"]


def test_v2_users_are_observed_at_the_collection_time(ingested):
    con, reports = ingested
    path = TWEETS_DIR / "v2/brexit.jsonl"
    page = json.loads(path.read_text())
    observed = con.execute(
        "SELECT DISTINCT observed_at FROM raw.user_observations WHERE source_file = ?",
        [reports[path].source_file],
    ).fetchall()
    assert [o[0].isoformat() for o in observed] == [page["__twarc"]["retrieved_at"][:19]]
    mentions = con.execute(
        "SELECT count(*) FROM raw.tweets, unnest(mentioned_user_ids) AS m(id) "
        "WHERE source_file = ? AND m.id IS NOT NULL",
        [reports[path].source_file],
    ).fetchone()[0]
    assert mentions > 0  # resolved from includes.users by username


def test_profile_files_are_observed_at_their_newest_status(ingested):
    con, reports = ingested
    path = next(p for p in reports if p.parent.name == "profiles" and "status" in p.read_text())
    profile = json.loads(path.read_text())
    row = con.execute(
        "SELECT user_id, screen_name, observed_at, followers_count FROM raw.user_observations "
        "WHERE source_file = ?",
        [reports[path].source_file],
    ).fetchone()
    assert row[:2] == (profile["id_str"], profile["screen_name"])
    assert row[2].strftime("%a %b %d %H:%M:%S +0000 %Y") == profile["status"]["created_at"]
    assert row[3] == profile["followers_count"]
