"""The dbt project, built for real: `dbt build` on a temporary DuckDB filled through the canonical
raw schema, with the results checked against numbers computed here in plain Python."""

from __future__ import annotations

import csv
import json
import random
import shutil
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

import ingest
from botwatch import paths, published
from botwatch.schema import (
    ACCOUNT_BOT_SCORE_COLUMNS,
    RAW_TABLES,
)
from simulate.config import CAMPAIGNS as SIMULATED_CAMPAIGNS
from tests.helpers.dbt_runs import PROJECT, insert, new_warehouse, query, read_campaigns, run_dbt

# The campaign analytics models (issue 6) are tested by their own tests; building without them
# keeps these tests about the core project.
CORE = ["--exclude", "path:models/marts/analytics"]


# ---------------------------------------------------------------------------------------------
# A hand-made collection with every awkwardness staging must handle


TEXTS: list[tuple[str, list[str]]] = [
    ("Voici les #MacronLeaks", ["MacronLeaks"]),
    ("encore des #macronléaks !", ["macronléaks"]),
    ("#MACRONGATE partout", ["MACRONGATE"]),
    ("les Macron LEAKS sont réels", []),
    ("Vote #MAGA", ["MAGA"]),
    ("#ImWithHer today", ["ImWithHer"]),
    ("the Clinton Emails again", []),
    ("#Election2016 night", ["Election2016"]),
    ("bonjour tout le monde", []),
    ("#France #Paris", ["France", "Paris"]),
]
LANGS = ["en", "en", "fr", "fr", "FR", "de", "und", None]
PERIODS = [
    (datetime(2016, 10, 10), datetime(2016, 11, 15)),
    (datetime(2017, 4, 22), datetime(2017, 5, 10)),
]
FILES = [f"2017/batch-{n}.jsonl" for n in range(5)]


@dataclass
class Batch:
    tweets: list[dict[str, Any]] = field(default_factory=list)
    observations: list[dict[str, Any]] = field(default_factory=list)
    notices: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    scores: list[dict[str, Any]] = field(default_factory=list)


def make_batch(seed: int = 7, n_tweets: int = 1200) -> Batch:
    rng = random.Random(seed)
    batch = Batch()
    users = [f"u{n:03d}" for n in range(60)]
    lines: Counter[str] = Counter()

    def place(row: dict[str, Any], source_file: str | None = None) -> dict[str, Any]:
        source_file = source_file or rng.choice(FILES)
        lines[source_file] += 1
        return {**row, "source_file": source_file, "source_line": lines[source_file]}

    originals: list[dict[str, Any]] = []
    for n in range(n_tweets):
        author = rng.choice(users)
        tweet: dict[str, Any] = {
            "tweet_id": str(10**17 + n),
            "author_id": author,
            "is_embedded": False,
            "api_version": rng.choice(["v1.1", "v2"]),
            "mentioned_user_ids": [],
            "urls": [],
        }
        if originals and rng.random() < 0.3:
            original = rng.choice(originals)
            tweet |= {
                "created_at": original["created_at"] + timedelta(minutes=rng.randrange(1, 600)),
                "text": f"RT @{original['author_id']}: {original['text']}",
                "hashtags": original["hashtags"],
                "lang": original["lang"],
                "retweeted_tweet_id": original["tweet_id"],
                "mentioned_user_ids": [original["author_id"]],
            }
            # The retweet embeds its original: a second observation of that tweet.
            batch.tweets.append(place({**original, "is_embedded": True}))
        else:
            start, end = rng.choice(PERIODS)
            text, tags = rng.choice(TEXTS)
            seconds = rng.randrange(int((end - start).total_seconds()))
            tweet |= {
                "created_at": start + timedelta(seconds=seconds),
                "text": text,
                "hashtags": [] if rng.random() < 0.2 else list(tags),  # truncated entities
                "lang": rng.choice(LANGS),
            }
            if originals and rng.random() < 0.1:
                replied = rng.choice(originals)
                tweet["in_reply_to_tweet_id"] = replied["tweet_id"]
                tweet["in_reply_to_user_id"] = replied["author_id"]
            if rng.random() < 0.2:
                tweet["mentioned_user_ids"] = [rng.choice(users)]
            if rng.random() < 0.2:
                tweet["urls"] = [rng.choice(["https://www.Example.org/x", "http://news.fr/a?b=1"])]
            originals.append(tweet)
        batch.tweets.append(place(tweet))
        if rng.random() < 0.1:  # the same tweet again in another file
            batch.tweets.append(place(tweet))

    for number, user in enumerate(users[:55]):  # the last five are known only as authors
        created = datetime(2009, 1, 1) + timedelta(days=rng.randrange(3000))
        for k in range(rng.randint(1, 3)):
            observation = {
                "user_id": user,
                "observed_at": datetime(2016, 10, 1) + timedelta(days=60 * k + number),
                "screen_name": f"{user}_v{k}",
                "created_at": created,
                "followers_count": 10 * k + number,
                "statuses_count": 100 + k,
                "verified": False,
                "api_version": "v1.1",
            }
            batch.observations.append(place(observation))
            if rng.random() < 0.2:  # an exact duplicate from another file
                batch.observations.append(place(observation))

    ids = sorted({row["tweet_id"] for row in batch.tweets})
    for tweet_id in [*rng.sample(ids, 30), "999"]:
        notice = {"notice_type": "delete", "tweet_id": tweet_id, "user_id": "someone"}
        batch.notices.append(place(notice))
    limits = [
        (datetime(2017, 5, 5, 20, 0), 5),
        (datetime(2017, 5, 6, 1, 30), 7),
        (datetime(2016, 11, 8, 12, 0), 11),
        (datetime(2018, 1, 1), 100),
    ]
    for notice_at, missed in limits:
        batch.notices.append(
            place({"notice_type": "limit", "missed_tweets": missed, "notice_at": notice_at})
        )
    # The same timed notice from an overlapping file counts once; an untimed one is not placed.
    batch.notices.append(
        place({"notice_type": "limit", "missed_tweets": 7, "notice_at": limits[1][0]}, FILES[4])
    )
    batch.notices.append(place({"notice_type": "limit", "missed_tweets": 3}))

    batch.files = [
        {"source_file": name, "ingested_at": datetime(2026, 1, 1) + timedelta(hours=n)}
        for n, name in enumerate(FILES)
    ]
    scored_at = datetime(2026, 1, 2)
    for n, user in enumerate([*users[:45], "x999"]):
        is_bot = n < 20
        score = rng.uniform(0.7, 0.99) if is_bot else rng.uniform(0.01, 0.4)
        batch.scores.append(
            {
                "user_id": user,
                "bot_score": score,
                "is_bot": is_bot,
                "threshold": 0.5,
                "model_version": "m1",
                "missing_fields": [],
                "top_reasons": "[]",
                "scored_at": scored_at,
            }
        )
    # An older scoring of a bot said human: the latest scoring wins.
    batch.scores.append(
        {
            **batch.scores[0],
            "bot_score": 0.1,
            "is_bot": False,
            "scored_at": scored_at - timedelta(days=9),
        }
    )
    return batch


def fill(con: duckdb.DuckDBPyConnection, batch: Batch) -> None:
    insert(con, "raw.tweets", batch.tweets)
    insert(con, "raw.user_observations", batch.observations)
    insert(con, "raw.stream_notices", batch.notices)
    insert(con, "raw.ingested_files", batch.files)
    insert(con, "ml.account_bot_scores", batch.scores)


# ---------------------------------------------------------------------------------------------
# The same numbers, computed independently


def normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def split(value: str) -> list[str]:
    return [normalize(item.strip()) for item in (value or "").split("|") if item.strip()]


def matches(campaign: dict[str, Any], tweet: dict[str, Any]) -> bool:
    if not campaign["start_at"] <= tweet["created_at"] <= campaign["end_at"]:
        return False
    languages = split(campaign["languages"])
    if languages and tweet["lang"] not in languages:
        return False
    text = normalize(tweet["text"] or "")
    tags = split(campaign["hashtags"])
    by_tag = any(normalize(h) in tags for h in tweet["hashtags"] or []) or any(
        f"#{tag}" in text for tag in tags
    )
    return by_tag or any(keyword in text for keyword in split(campaign["keywords"]))


def limit_gaps(batch: Batch) -> dict[str, tuple[int, int]]:
    """Per campaign: timed limit notices in its window, and the tweets they say were missed
    (track counts are cumulative per connection: count increases, and restarts after a drop)."""
    timed = sorted(
        {(n["notice_at"], n["missed_tweets"]) for n in batch.notices if n.get("notice_at")}
    )
    gaps = {c["campaign_id"]: (0, 0) for c in read_campaigns()}
    previous = None
    for notice_at, track in timed:
        new = track if previous is None or track < previous else track - previous
        previous = track
        for c in read_campaigns():
            if c["start_at"] <= notice_at <= c["end_at"]:
                notices, missed = gaps[c["campaign_id"]]
                gaps[c["campaign_id"]] = (notices + 1, missed + new)
    return gaps


@dataclass
class Expected:
    kept: dict[str, dict[str, Any]]
    account_class: dict[str, str]
    campaign_tweets: dict[str, list[dict[str, Any]]]
    accounts: set[str]


def expected_from(batch: Batch) -> Expected:
    deleted = {n["tweet_id"] for n in batch.notices if n["notice_type"] == "delete"}
    kept: dict[str, dict[str, Any]] = {}
    for row in batch.tweets:
        if row["tweet_id"] in deleted:
            continue
        lang = (row["lang"] or "").strip().lower() or "und"
        previous = kept.get(row["tweet_id"])
        embedded = row["is_embedded"] and (previous is None or previous["is_embedded"])
        kept[row["tweet_id"]] = {**row, "lang": lang, "is_embedded": embedded}
    latest_scores: dict[str, dict[str, Any]] = {}
    for score in sorted(batch.scores, key=lambda s: s["scored_at"]):
        latest_scores[score["user_id"]] = score
    accounts = {o["user_id"] for o in batch.observations} | {t["author_id"] for t in kept.values()}
    account_class = {
        user: ("bot" if latest_scores[user]["is_bot"] else "human")
        if user in latest_scores
        else "unscored"
        for user in accounts
    }
    campaign_tweets = {
        c["campaign_id"]: [t for t in kept.values() if matches(c, t)] for c in read_campaigns()
    }
    return Expected(kept, account_class, campaign_tweets, accounts)


# ---------------------------------------------------------------------------------------------
# One build shared by the tests of this module


@dataclass
class Built:
    warehouse: Path
    work: Path
    batch: Batch
    expected: Expected
    statuses: dict[str, str]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    work = tmp_path_factory.mktemp("dbt_build")
    warehouse = work / "warehouse.duckdb"
    batch = make_batch()
    with new_warehouse(warehouse) as con:
        fill(con, batch)
    code, statuses = run_dbt(["build", *CORE], warehouse, work)
    assert code == 0, "dbt build failed on the hand-made collection"
    return Built(warehouse, work, batch, expected_from(batch), statuses)


def test_build_runs_models_unit_tests_and_data_tests(built: Built) -> None:
    kinds = Counter(unique_id.split(".")[0] for unique_id in built.statuses)
    models = PROJECT / "models"
    analytics = set((models / "marts" / "analytics").rglob("*.sql"))
    assert kinds["model"] == len(set(models.rglob("*.sql")) - analytics)  # every CORE model
    assert kinds["seed"] == 2
    assert kinds["unit_test"] >= 5
    assert kinds["test"] >= 80
    assert set(built.statuses.values()) <= {"success", "pass"}


def test_staging_keeps_one_row_per_tweet_without_deleted(built: Built) -> None:
    (count,) = query(built.warehouse, "select count(*) from staging.stg_twitter__tweets")[0]
    raw_ids = {row["tweet_id"] for row in built.batch.tweets}
    deleted = {n["tweet_id"] for n in built.batch.notices if n["notice_type"] == "delete"}
    assert count == len(raw_ids - deleted) == len(built.expected.kept)
    assert count < len(built.batch.tweets)  # there were duplicates to remove
    embedded_only = query(
        built.warehouse, "select tweet_id from marts.fct_tweets where is_embedded"
    )
    assert {tweet_id for (tweet_id,) in embedded_only} == {
        t for t, row in built.expected.kept.items() if row["is_embedded"]
    }


def test_tweet_types_and_languages(built: Built) -> None:
    rows = query(built.warehouse, "select tweet_id, tweet_type, lang from marts.fct_tweets")
    for tweet_id, tweet_type, lang in rows:
        tweet = built.expected.kept[tweet_id]
        if tweet.get("retweeted_tweet_id"):
            assert tweet_type == "retweet"
        elif tweet.get("in_reply_to_tweet_id"):
            assert tweet_type == "reply"
        else:
            assert tweet_type == "original"
        assert lang == tweet["lang"]


def test_accounts_cover_authors_and_observed_users(built: Built) -> None:
    rows = query(
        built.warehouse,
        "select user_id, account_class, observations, tweets_collected, screen_name "
        "from marts.dim_accounts",
    )
    assert {r[0] for r in rows} == built.expected.accounts
    assert "x999" not in {r[0] for r in rows}  # scored but never seen in the collection
    observations = Counter()
    distinct = {
        (o["user_id"], o["observed_at"], o["followers_count"]) for o in built.batch.observations
    }
    for user_id, *_ in distinct:
        observations[user_id] += 1
    tweets = Counter(t["author_id"] for t in built.expected.kept.values())
    for user_id, account_class, n_observations, n_tweets, screen_name in rows:
        assert account_class == built.expected.account_class[user_id]
        assert n_observations == observations[user_id]
        assert n_tweets == tweets[user_id]
        if observations[user_id]:
            latest = max(
                (o for o in built.batch.observations if o["user_id"] == user_id),
                key=lambda o: o["observed_at"],
            )
            assert screen_name == latest["screen_name"]
        else:
            assert screen_name is None


def test_campaign_tweets_match_an_independent_matcher(built: Built) -> None:
    rows = query(built.warehouse, "select campaign_id, tweet_id from marts.fct_campaign_tweets")
    got = defaultdict(set)
    for campaign_id, tweet_id in rows:
        got[campaign_id].add(tweet_id)
    for campaign_id, tweets in built.expected.campaign_tweets.items():
        assert got[campaign_id] == {t["tweet_id"] for t in tweets}, campaign_id
        assert len(tweets) > 50  # the batch really exercises each campaign


def test_campaign_summary_numbers(built: Built) -> None:
    columns = [
        "campaign_id", "tweets", "promoters", "bot_promoters", "human_promoters",
        "unscored_promoters", "bot_share_among_promoters", "retweet_share", "english_tweets",
        "french_tweets", "top_language", "limit_notices", "missed_tweets", "peak_hour",
        "peak_hour_tweets", "first_tweet_at", "last_tweet_at",
    ]  # fmt: skip
    rows = query(built.warehouse, f"select {', '.join(columns)} from marts.fct_campaign_summary")
    summary = {row[0]: dict(zip(columns, row, strict=True)) for row in rows}
    limits = limit_gaps(built.batch)
    for campaign_id, tweets in built.expected.campaign_tweets.items():
        got = summary[campaign_id]
        promoters = {t["author_id"] for t in tweets}
        classes = Counter(built.expected.account_class[p] for p in promoters)
        languages = Counter(t["lang"] for t in tweets)
        hours = Counter(t["created_at"].replace(minute=0, second=0) for t in tweets)
        peak_hour = min(hours, key=lambda h: (-hours[h], h))
        assert got["tweets"] == len(tweets)
        assert got["promoters"] == len(promoters)
        assert (got["bot_promoters"], got["human_promoters"], got["unscored_promoters"]) == (
            classes["bot"], classes["human"], classes["unscored"],
        )  # fmt: skip
        assert got["bot_share_among_promoters"] == pytest.approx(
            classes["bot"] / (classes["bot"] + classes["human"])
        )
        retweets = sum(1 for t in tweets if t.get("retweeted_tweet_id"))
        assert got["retweet_share"] == pytest.approx(retweets / len(tweets))
        assert got["english_tweets"] == languages["en"]
        assert got["french_tweets"] == languages["fr"]
        assert got["top_language"] == min(languages, key=lambda lang: (-languages[lang], lang))
        assert (got["limit_notices"], got["missed_tweets"]) == limits[campaign_id]
        assert (got["peak_hour"], got["peak_hour_tweets"]) == (peak_hour, hours[peak_hour])
        assert got["first_tweet_at"] == min(t["created_at"] for t in tweets)
        assert got["last_tweet_at"] == max(t["created_at"] for t in tweets)


def test_hourly_activity_languages_and_promoter_activity(built: Built) -> None:
    hourly = query(
        built.warehouse,
        "select campaign_id, activity_hour, account_class, lang, tweets, accounts "
        "from marts.fct_campaign_activity_hourly",
    )
    expected_tweets: Counter[tuple] = Counter()
    expected_accounts: dict[tuple, set[str]] = defaultdict(set)
    activity: dict[tuple, list[datetime]] = defaultdict(list)
    for campaign_id, tweets in built.expected.campaign_tweets.items():
        for t in tweets:
            key = (
                campaign_id,
                t["created_at"].replace(minute=0, second=0),
                built.expected.account_class[t["author_id"]],
                t["lang"],
            )
            expected_tweets[key] += 1
            expected_accounts[key].add(t["author_id"])
            activity[(campaign_id, t["author_id"])].append(t["created_at"])
    assert {row[:4]: row[4] for row in hourly} == dict(expected_tweets)
    assert {row[:4]: row[5] for row in hourly} == {k: len(v) for k, v in expected_accounts.items()}

    promoters = query(
        built.warehouse,
        "select campaign_id, user_id, tweets, active_days, first_tweet_at, last_tweet_at "
        "from marts.fct_account_campaign_activity",
    )
    assert {(c, u) for c, u, *_ in promoters} == set(activity)
    for campaign_id, user_id, tweets, active_days, first, last in promoters:
        times = activity[(campaign_id, user_id)]
        assert tweets == len(times)
        assert active_days == len({t.date() for t in times})
        assert (first, last) == (min(times), max(times))

    shares = query(
        built.warehouse,
        "select campaign_id, sum(share_of_campaign) from marts.fct_campaign_languages group by 1",
    )
    assert all(total == pytest.approx(1.0) for _, total in shares)


def test_interactions_count_retweets_replies_and_mentions(built: Built) -> None:
    kept = built.expected.kept
    expected: Counter[str] = Counter()
    for t in kept.values():
        original = kept.get(t.get("retweeted_tweet_id") or "")
        if original and original["author_id"] != t["author_id"]:
            expected["retweet"] += 1
        if t.get("in_reply_to_user_id") and t["in_reply_to_user_id"] != t["author_id"]:
            expected["reply"] += 1
        if not t.get("retweeted_tweet_id"):
            expected["mention"] += len(set(t["mentioned_user_ids"]) - {t["author_id"]})
    rows = query(
        built.warehouse,
        "select interaction_type, sum(interactions) from marts.fct_interactions "
        "where campaign_id is null group by 1",
    )
    assert dict(rows) == {k: v for k, v in expected.items() if v}


def test_docs_generate_and_every_mart_column_described(built: Built) -> None:
    code, _ = run_dbt(["docs", "generate", *CORE], built.warehouse, built.work)
    assert code == 0
    catalog = json.loads((built.work / "target" / "catalog.json").read_text())
    manifest = json.loads((built.work / "target" / "manifest.json").read_text())
    marts = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["unique_id"] in catalog["nodes"]
        and node["schema"] == "marts"
    }  # fmt: skip
    assert set(marts) == {
        "dim_accounts", "fct_tweets", "fct_campaign_tweets", "fct_campaign_activity_hourly",
        "fct_campaign_summary", "fct_campaign_languages", "fct_account_campaign_activity",
        "fct_interactions", "fct_bot_score_distribution",
    }  # fmt: skip
    for name, node in marts.items():
        catalog_columns = catalog["nodes"][node["unique_id"]]["columns"]
        assert {c.lower() for c in catalog_columns} == set(node["columns"]), name
        assert node["description"], name
        assert all(column["description"] for column in node["columns"].values()), name
        assert node["config"]["contract"]["enforced"], name
    schemas = {node["schema"] for node in manifest["nodes"].values() if "schema" in node}
    assert {"staging", "intermediate", "marts", "seeds"} <= schemas


def test_sources_declare_exactly_the_canonical_schema() -> None:
    sources = yaml.safe_load((PROJECT / "models" / "staging" / "_sources.yml").read_text())
    declared = {
        (source["name"], table["name"]): {
            c["name"]: published.duckdb_type(c["data_type"]) for c in table["columns"]
        }
        for source in sources["sources"]
        for table in source["tables"]
    }
    canonical = {("raw", name): columns for name, columns in RAW_TABLES.items()}
    canonical[("ml", "account_bot_scores")] = ACCOUNT_BOT_SCORE_COLUMNS
    # The sources speak the engines' shared vocabulary (string, the array per target), read here
    # as DuckDB spells it.
    assert declared == canonical
    # Each source names the Dagster asset that writes it, so lineage connects in the UI (the
    # ingest tables may all point at the one ingest asset).
    keys = {
        (source["name"], table["name"]): table["meta"]["dagster"]["asset_key"]
        for source in sources["sources"]
        for table in source["tables"]
    }
    assert all(key and all(isinstance(part, str) for part in key) for key in keys.values())
    assert keys[("ml", "account_bot_scores")] == ["ml", "account_bot_scores"]
    assert keys[("raw", "labelled_accounts")] == ["raw", "labelled_accounts"]


def test_seed_campaigns_are_the_agreed_definitions() -> None:
    campaigns = {c["campaign_id"]: c for c in read_campaigns()}
    assert campaigns["macronleaks"]["hashtags"] == "MacronLeaks|MacronGate"
    assert campaigns["macronleaks"]["keywords"] == "macron leaks"
    assert campaigns["macronleaks"]["start_at"] == datetime(2017, 4, 27)
    assert campaigns["macronleaks"]["end_at"] == datetime(2017, 5, 7, 23, 59, 59)
    assert campaigns["us2016"]["hashtags"] == "Election2016|MAGA|Trump2016|ImWithHer|DrainTheSwamp"
    assert campaigns["us2016"]["keywords"] == "clinton emails"
    assert (campaigns["us2016"]["start_at"], campaigns["us2016"]["end_at"]) == (
        datetime(2016, 10, 15),
        datetime(2016, 11, 9, 23, 59, 59),
    )
    for definition in SIMULATED_CAMPAIGNS:
        seeded = campaigns[definition["campaign_id"]]
        for key in ("name", "hashtags", "keywords", "languages", "start_at", "end_at"):
            assert str(definition.get(key) or "") == str(seeded[key] or ""), key


# ---------------------------------------------------------------------------------------------
# Quality gates: a bad batch stops the marts, which keep their last good contents


def test_blocking_test_failure_keeps_previous_marts(built: Built, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built.warehouse, warehouse)  # the last good build, marts included
    before = query(warehouse, "select * from marts.fct_campaign_summary order by campaign_id")
    tweets_before = query(warehouse, "select count(*) from marts.fct_tweets")

    bad = {**built.batch.tweets[0], "tweet_id": "bad-1", "author_id": None, "source_file": "bad"}
    with duckdb.connect(str(warehouse)) as con:
        insert(con, "raw.tweets", [bad])
    code, statuses = run_dbt(["build", *CORE], warehouse, tmp_path)

    assert code != 0
    failed = {uid.split(".")[2] for uid, status in statuses.items() if status in ("fail", "error")}
    assert failed == {"not_null_stg_twitter__tweets_author_id"}
    assert statuses["model.botwatch.fct_campaign_summary"] == "skipped"
    assert statuses["model.botwatch.dim_accounts"] == "skipped"
    assert (
        query(warehouse, "select * from marts.fct_campaign_summary order by campaign_id") == before
    )
    assert query(warehouse, "select count(*) from marts.fct_tweets") == tweets_before


# ---------------------------------------------------------------------------------------------
# The real tweet samples, through the real ingest


def tweet_ids_in_files(files: list[Path]) -> set[str]:
    """Tweet ids in v1.1 and v2 files, read with json here (not through the ingest)."""
    ids: set[str] = set()

    def v1(tweet: dict[str, Any]) -> None:
        ids.add(tweet["id_str"])
        for key in ("retweeted_status", "quoted_status"):
            if isinstance(tweet.get(key), dict):
                v1(tweet[key])

    for path in files:
        text = path.read_text(encoding="utf-8")
        documents = json.loads(text) if text.lstrip().startswith("[") else None
        if documents is None:
            documents = [json.loads(line) for line in text.splitlines() if line.strip()]
        for document in documents:
            if "data" in document:  # a v2 page; a user lookup page (pinned tweets) has none
                if not any("text" in item for item in document["data"]):
                    continue
                for tweet in [*document["data"], *document.get("includes", {}).get("tweets", [])]:
                    ids.add(tweet["id"])
            elif "text" in document or "full_text" in document:
                v1(document)
    return ids


@pytest.fixture(scope="module")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    tweets_dir = paths.SHARED_DATA_DIR / "tweets"
    tweet_files = sorted(
        p for p in tweets_dir.rglob("*.json*") if p.is_file() and "profiles" not in p.parts
    )
    # The profiles of the congress members whose timelines are here (the other ~500 are slow).
    profiles_dir = tweets_dir / "v1" / "congress-2015-2016" / "profiles"
    profiles = [profiles_dir / p.name for p in tweet_files if (profiles_dir / p.name).exists()]
    work = tmp_path_factory.mktemp("dbt_real")
    warehouse = work / "warehouse.duckdb"
    with new_warehouse(warehouse) as con:
        ingest.ensure_raw_tables(con)
        for path in [*tweet_files, *profiles]:
            ingest.ingest_file(con, path)
    code, _ = run_dbt(["build", *CORE], warehouse, work)
    assert code == 0, "dbt build failed on the real tweet samples"
    return warehouse, tweet_files


@pytest.mark.realdata
def test_real_samples_build_with_one_row_per_tweet(real_build: tuple[Path, list[Path]]) -> None:
    warehouse, tweet_files = real_build
    staged = {tweet_id for (tweet_id,) in query(warehouse, "select tweet_id from marts.fct_tweets")}
    rejected = query(warehouse, "select count(*) from raw.rejected_records")[0][0]
    deleted = {
        tweet_id
        for (tweet_id,) in query(
            warehouse, "select tweet_id from raw.stream_notices where notice_type = 'delete'"
        )
    }
    in_files = tweet_ids_in_files(tweet_files)
    assert rejected == 0
    assert len(in_files) > 2500
    assert staged == in_files - deleted
    raw_rows = query(warehouse, "select count(*) from raw.tweets")[0][0]
    assert raw_rows > len(staged)  # embedded copies and repeats were collapsed


@pytest.mark.realdata
def test_real_samples_accounts_and_interactions(real_build: tuple[Path, list[Path]]) -> None:
    warehouse, _ = real_build
    users = query(
        warehouse,
        "select user_id from raw.user_observations union "
        "select author_id from staging.stg_twitter__tweets",
    )
    accounts = query(warehouse, "select user_id, account_class from marts.dim_accounts")
    assert {u for (u,) in users} == {u for u, _ in accounts}
    assert {c for _, c in accounts} == {"unscored"}  # nothing scored yet
    retweets = query(
        warehouse,
        "select count(*) from marts.fct_tweets as t join marts.fct_tweets as o "
        "on t.retweeted_tweet_id = o.tweet_id where t.author_id <> o.author_id",
    )[0][0]
    edges = query(
        warehouse,
        "select sum(interactions) from marts.fct_interactions "
        "where campaign_id is null and interaction_type = 'retweet'",
    )[0][0]
    assert retweets > 100
    assert edges == retweets


# ---------------------------------------------------------------------------------------------
# The simulated campaign, against the simulator's ground truth


@pytest.fixture(scope="module")
def simulated_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    work = tmp_path_factory.mktemp("dbt_simulated")
    landing, truth = work / "landing", work / "truth"
    simulated = subprocess.run(
        [sys.executable, "-m", "simulate", "--tweets", "5000", "--seed", "5",
         "--landing", str(landing), "--truth", str(truth), "--no-gzip", "--no-progress"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert simulated.returncode == 0, simulated.stderr[-3000:]
    # One file holding the ~900 hourly files in order: ingesting them one by one takes minutes.
    collected = work / "collected.jsonl"
    with collected.open("wb") as out:
        for path in sorted(landing.glob("*.jsonl")):
            out.write(path.read_bytes())
    warehouse = work / "warehouse.duckdb"
    accounts = list(csv.DictReader((truth / "truth" / "accounts.csv").open(newline="")))
    with new_warehouse(warehouse) as con:
        ingest.ingest_file(con, collected)
        # A classifier that knows the truth, so the marts' arithmetic can be checked exactly.
        insert(
            con,
            "ml.account_bot_scores",
            [
                {
                    "user_id": a["user_id"],
                    "bot_score": 1.0 if a["is_bot"] == "True" else 0.0,
                    "is_bot": a["is_bot"] == "True",
                    "threshold": 0.5,
                    "model_version": "truth",
                    "scored_at": datetime(2026, 1, 1),
                }
                for a in accounts
            ],
        )
    code, _ = run_dbt(["build", *CORE], warehouse, work)
    assert code == 0, "dbt build failed on the simulated campaign"
    summary = json.loads((truth / "truth" / "summary.json").read_text())
    deleted = [row for row in csv.DictReader((truth / "truth" / "deleted_tweets.csv").open())]
    return warehouse, {"summary": summary, "deleted": deleted}


def test_simulated_campaign_summary_matches_the_truth(
    simulated_build: tuple[Path, dict[str, Any]],
) -> None:
    warehouse, truth = simulated_build
    columns = [
        "campaign_id", "tweets", "promoters", "bot_promoters", "unscored_promoters",
        "bot_share_among_promoters", "retweet_share", "english_tweets", "french_tweets",
    ]  # fmt: skip
    rows = query(warehouse, f"select {', '.join(columns)} from marts.fct_campaign_summary")
    for row in rows:
        got = dict(zip(columns, row, strict=True))
        expected = truth["summary"]["campaigns"][got["campaign_id"]]
        assert got["tweets"] == expected["tweets"]
        assert got["promoters"] == expected["promoters"]
        assert got["bot_promoters"] == expected["bot_promoters"]
        assert got["unscored_promoters"] == 0
        assert got["bot_share_among_promoters"] == pytest.approx(
            expected["bot_promoters"] / expected["promoters"]
        )
        assert got["retweet_share"] == pytest.approx(
            expected["tweets_by_type"]["retweet"] / expected["tweets"]
        )
        assert got["english_tweets"] == expected["tweets_by_lang"].get("en", 0)
        assert got["french_tweets"] == expected["tweets_by_lang"].get("fr", 0)
    types = query(
        warehouse,
        "select campaign_id, tweet_type, count(*) from marts.fct_campaign_tweets group by all",
    )
    for campaign_id, tweet_type, count in types:
        assert count == truth["summary"]["campaigns"][campaign_id]["tweets_by_type"][tweet_type]


def test_simulated_deleted_tweets_are_gone(simulated_build: tuple[Path, dict[str, Any]]) -> None:
    warehouse, truth = simulated_build
    deleted = {row["tweet_id"] for row in truth["deleted"]}
    assert deleted
    kept = {tweet_id for (tweet_id,) in query(warehouse, "select tweet_id from marts.fct_tweets")}
    assert not deleted & kept
    collected = {tweet_id for (tweet_id,) in query(warehouse, "select tweet_id from raw.tweets")}
    assert deleted & collected  # they were collected before their deletion notice
