"""The campaign simulator: deterministic, v1.1-shaped hourly files, and a ground truth that agrees
with what the files say (recomputed here from the JSON lines, as the pipeline would)."""

from __future__ import annotations

import csv
import gzip
import itertools
import json
import re
import subprocess
import sys
import unicodedata
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from botwatch.paths import DBT_PROJECT_DIR, PROJECT_ROOT
from ml.datasets import load_dataset
from simulate import CAMPAIGNS, SimulationConfig, simulate
from simulate.config import campaign_window
from simulate.schedule import allocate_with_capacity, split_exactly
from simulate.text import Text
from simulate.timeutil import snowflake, twitter_time, user_ids_for

TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"
SMALL = SimulationConfig(tweets=12_000, labelled_accounts=300)
USER_FIELDS = {
    "id", "id_str", "name", "screen_name", "location", "description", "url", "entities",
    "protected", "followers_count", "friends_count", "listed_count", "created_at",
    "favourites_count", "utc_offset", "time_zone", "geo_enabled", "verified", "statuses_count",
    "lang", "default_profile", "default_profile_image", "profile_use_background_image",
    "profile_image_url_https",
}  # fmt: skip
TWEET_FIELDS = {
    "created_at", "id", "id_str", "text", "source", "truncated", "in_reply_to_status_id",
    "in_reply_to_status_id_str", "in_reply_to_user_id", "in_reply_to_user_id_str",
    "in_reply_to_screen_name", "user", "lang", "entities", "retweet_count", "favorite_count",
    "timestamp_ms", "is_quote_status",
}  # fmt: skip


def parse_time(value: str) -> datetime:
    return datetime.strptime(value, TWITTER_TIME)


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def read_lines(landing: Path) -> list[tuple[str, dict]]:
    out = []
    for path in sorted(landing.glob("tweets-*.jsonl*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            out.extend((path.name, json.loads(line)) for line in handle)
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("sim")
    summary = simulate(SMALL, root / "landing", root / "sim")
    records = read_lines(root / "landing")
    truth = read_csv(root / "sim" / "truth" / "accounts.csv")
    return {
        "root": root,
        "summary": summary,
        "records": records,
        "truth": truth,
        "truth_summary": json.loads((root / "sim" / "truth" / "summary.json").read_text()),
    }


def tweets_of(run: dict) -> list[dict]:
    return [r for _, r in run["records"] if "id_str" in r]


# ---- determinism -----------------------------------------------------------------------------


def _all_bytes(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


@pytest.mark.slow
def test_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    config = SimulationConfig(tweets=4000, accounts=400, labelled_accounts=50)
    for name in ("a", "b"):
        simulate(config, tmp_path / name / "landing", tmp_path / name / "sim")
    first, second = _all_bytes(tmp_path / "a"), _all_bytes(tmp_path / "b")
    assert first.keys() == second.keys()
    assert any(k.endswith(".jsonl.gz") for k in first)
    differing = [k for k in first if first[k] != second[k] and not k.endswith("summary.json")]
    assert differing == []
    # summary.json differs only by the run's timings
    timings = {"generation_s", "tweets_per_s_generation"}
    summaries = [json.loads((tmp_path / n / "sim/truth/summary.json").read_text()) for n in "ab"]
    assert [{k: v for k, v in s.items() if k not in timings} for s in summaries].count(
        {k: v for k, v in summaries[0].items() if k not in timings}
    ) == 2

    config.seed = 8
    simulate(config, tmp_path / "c" / "landing", tmp_path / "c" / "sim")
    third = _all_bytes(tmp_path / "c")
    landing = [k for k in first if k.startswith("landing/")]
    assert sum(first[k] != third.get(k) for k in landing) > 0.9 * len(landing)


# ---- the landing files -----------------------------------------------------------------------


def test_hourly_files_hold_only_their_hour(run: dict) -> None:
    landing = run["root"] / "landing"
    names = sorted(p.name for p in landing.iterdir())
    assert names and all(re.fullmatch(r"tweets-\d{8}T\d{2}\.jsonl\.gz", n) for n in names)
    assert len(names) == run["summary"].landing_files
    for name, record in run["records"]:
        hour = datetime.strptime(name[7:18], "%Y%m%dT%H").replace(tzinfo=UTC).timestamp()
        payload = record.get("delete") or record.get("limit") or record
        at = int(payload["timestamp_ms"]) / 1000
        assert hour <= at < hour + 3600, (name, record)
    hours = {datetime.strptime(n[7:18], "%Y%m%dT%H") for n in names}
    assert min(hours) == datetime(2016, 10, 15, 0) and max(hours) == datetime(2017, 5, 7, 23)
    assert not any(datetime(2016, 11, 10) <= h < datetime(2017, 4, 27) for h in hours)


def test_every_line_is_a_v1_tweet_or_a_stream_notice(run: dict) -> None:
    kinds = defaultdict(int)
    for _, record in run["records"]:
        if "delete" in record:
            status = record["delete"]["status"]
            assert status["id_str"] == str(status["id"]) and status["user_id_str"]
            kinds["delete"] += 1
            continue
        if "limit" in record:
            assert record["limit"]["track"] > 0
            kinds["limit"] += 1
            continue
        assert record.keys() >= TWEET_FIELDS
        assert record["user"].keys() >= USER_FIELDS
        assert record["id_str"] == str(record["id"])
        assert re.fullmatch(r'<a href="[^"]+" rel="nofollow">[^<]+</a>', record["source"])
        assert len(record["text"]) <= 140
        assert str(int(parse_time(record["created_at"]).timestamp())) == record["timestamp_ms"][:-3]
        assert parse_time(record["user"]["created_at"]) < parse_time(record["created_at"])
        _check_entities(record)
        if "retweeted_status" in record:
            original = record["retweeted_status"]
            assert record["text"].startswith(f"RT @{original['user']['screen_name']}: ")
            assert parse_time(original["created_at"]) < parse_time(record["created_at"])
            assert original["user"].keys() >= USER_FIELDS
            kinds["retweet"] += 1
        elif record["is_quote_status"]:
            assert record["quoted_status_id_str"] == record["quoted_status"]["id_str"]
            assert parse_time(record["quoted_status"]["created_at"]) < parse_time(
                record["created_at"]
            )
            kinds["quote"] += 1
        elif record["in_reply_to_status_id_str"]:
            assert record["text"].startswith("@" + record["in_reply_to_screen_name"])
            kinds["reply"] += 1
        else:
            kinds["original"] += 1
    tweets = sum(kinds[k] for k in ("retweet", "quote", "reply", "original"))
    assert tweets == SMALL.tweets
    assert kinds["retweet"] > 0.5 * tweets  # retweets are the majority, as in real campaigns
    assert (
        min(kinds["quote"], kinds["reply"], kinds["original"], kinds["delete"], kinds["limit"]) > 0
    )


def _check_entities(record: dict) -> None:
    """Entity indices point at the right characters, in the text and in the extended text."""
    texts = [(record["text"], record["entities"])]
    if record["truncated"]:
        full = record["extended_tweet"]["full_text"]
        assert len(full) > 140 and record["text"].endswith(record["entities"]["urls"][-1]["url"])
        assert "…" in record["text"]
        texts.append((full, record["extended_tweet"]["entities"]))
    for text, entities in texts:
        for tag in entities["hashtags"]:
            start, end = tag["indices"]
            assert text[start:end] == "#" + tag["text"]
        for mention in entities["user_mentions"]:
            start, end = mention["indices"]
            assert text[start:end] == "@" + mention["screen_name"]
        for url in entities["urls"]:
            start, end = url["indices"]
            assert text[start:end] == url["url"] and url["url"].startswith("https://t.co/")
            assert url["expanded_url"].startswith("http")


def test_ids_grow_with_time_and_profiles_evolve(run: dict) -> None:
    tweets = tweets_of(run)
    by_time = sorted(tweets, key=lambda t: int(t["timestamp_ms"]))
    ids = [t["id"] for t in by_time]
    assert len(set(ids)) == len(ids)
    ms = [int(t["timestamp_ms"]) for t in by_time]
    pairs = zip(ids, ids[1:], ms, ms[1:], strict=False)
    assert all(i1 < i2 for i1, i2, m1, m2 in pairs if m1 < m2)
    assert all((t["id"] >> 22) + 1288834974657 == int(t["timestamp_ms"]) for t in tweets)
    statuses = defaultdict(list)
    for t in by_time:
        statuses[t["user"]["id_str"]].append(t["user"]["statuses_count"])
    assert all(a <= b for counts in statuses.values() for a, b in itertools.pairwise(counts))
    assert sum(counts[-1] > counts[0] for counts in statuses.values() if len(counts) > 1) > 0


def test_deletes_name_earlier_tweets_and_are_in_the_truth(run: dict) -> None:
    seen: dict[str, str] = {}
    deleted = []
    for _, record in run["records"]:
        if "delete" in record:
            status = record["delete"]["status"]
            assert seen[status["id_str"]] == status["user_id_str"]
            deleted.append(status["id_str"])
        elif "id_str" in record:
            seen[record["id_str"]] = record["user"]["id_str"]
    listed = read_csv(run["root"] / "sim/truth/deleted_tweets.csv")
    assert sorted(deleted) == sorted(row["tweet_id"] for row in listed)
    assert run["truth_summary"]["deleted_tweets"] == len(deleted) > 0


# ---- the truth agrees with the files ---------------------------------------------------------


def _fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )


def campaign_matches(run: dict) -> dict[str, dict[str, list[dict]]]:
    """Campaign tweets by campaign and author, as the campaigns seed defines them: a hashtag or
    keyword in the text (full text when truncated), case- and accent-insensitive, in the window,
    deletions honoured."""
    deleted = {r["delete"]["status"]["id_str"] for _, r in run["records"] if "delete" in r}
    out: dict[str, dict[str, list[dict]]] = {c["campaign_id"]: defaultdict(list) for c in CAMPAIGNS}
    for tweet in tweets_of(run):
        if tweet["id_str"] in deleted:
            continue
        text = tweet["extended_tweet"]["full_text"] if tweet["truncated"] else tweet["text"]
        words = {_fold(h["text"]) for h in tweet["entities"]["hashtags"]}
        at = parse_time(tweet["created_at"])
        for campaign in CAMPAIGNS:
            start, end = campaign_window(campaign["campaign_id"])
            tags = {_fold(h) for h in campaign["hashtags"].split("|")}
            keywords = [_fold(k) for k in campaign["keywords"].split("|")]
            hit = (
                words & tags
                or any(k in _fold(text) for k in keywords)
                or any("#" + tag in _fold(text) for tag in tags)
            )
            if hit and start <= at <= end:
                out[campaign["campaign_id"]][tweet["user"]["id_str"]].append(tweet)
    return out


def test_truth_promoters_and_campaign_tweets_match_the_files(run: dict) -> None:
    matches = campaign_matches(run)
    promoted = defaultdict(set)
    for row in run["truth"]:
        for campaign in filter(None, row["promoted_campaigns"].split("|")):
            promoted[campaign].add(row["user_id"])
    for campaign, by_author in matches.items():
        assert set(by_author) == promoted[campaign], campaign
        stated = run["truth_summary"]["campaigns"][campaign]
        assert sum(len(v) for v in by_author.values()) == stated["tweets"]
        assert len(by_author) == stated["promoters"]


def test_bot_share_among_macronleaks_promoters_is_the_target(run: dict) -> None:
    is_bot = {r["user_id"]: r["is_bot"] == "True" for r in run["truth"]}
    promoters = campaign_matches(run)["macronleaks"]
    share = sum(is_bot[u] for u in promoters) / len(promoters)
    assert share == pytest.approx(SMALL.bot_share, abs=0.005)
    assert run["summary"].bot_share_among_promoters["macronleaks"] == pytest.approx(share, abs=1e-4)


def test_macronleaks_shape_english_ahead_of_french_and_a_surge_after_the_leak(run: dict) -> None:
    langs = defaultdict(int)
    per_hour = defaultdict(int)
    for tweets in campaign_matches(run)["macronleaks"].values():
        for t in tweets:
            langs[t["lang"]] += 1
            per_hour[parse_time(t["created_at"]).replace(minute=0, second=0)] += 1
    assert langs["en"] > langs["fr"] > 0.3 * (langs["en"] + langs["fr"])
    assert sum(v for k, v in langs.items() if k not in ("en", "fr")) > 0
    peak = max(per_hour, key=per_hour.get)
    assert datetime(2017, 5, 5, 19, tzinfo=UTC) <= peak < datetime(2017, 5, 7, tzinfo=UTC)
    before = [v for h, v in per_hour.items() if h < datetime(2017, 5, 3, tzinfo=UTC)]
    assert per_hour[peak] > 5 * np.mean(before)


def test_reused_bots_are_active_in_both_campaigns_after_a_dormancy(run: dict) -> None:
    matches = campaign_matches(run)
    rows = {r["user_id"]: r for r in run["truth"]}
    reused = {u for u, r in rows.items() if r["is_reused"] == "True"}
    assert len(reused) == run["summary"].reused_bots > 0
    activity = defaultdict(list)
    for tweet in tweets_of(run):
        activity[tweet["user"]["id_str"]].append(tweet)
    dormant_checked = 0
    for user in reused:
        assert user in matches["us2016"] and user in matches["macronleaks"]
        last_2016 = max(
            parse_time(t["created_at"]) for t in activity[user] if t["created_at"].endswith("2016")
        )
        first_2017 = min(
            parse_time(t["created_at"]) for t in activity[user] if t["created_at"].endswith("2017")
        )
        assert (first_2017 - last_2016).days >= SMALL.min_dormancy_days
        # Dormant: across the 168-day gap, statuses_count grew by a few weeks of its 2016 pace at
        # most (what it posted outside the collection until each period's edge), not 168 days.
        seen_2016 = sorted(
            (int(t["timestamp_ms"]), t["user"]["statuses_count"])
            for t in activity[user]
            if t["created_at"].endswith("2016")
        )
        seen_2017 = min(
            (int(t["timestamp_ms"]), t["user"]["statuses_count"])
            for t in activity[user]
            if t["created_at"].endswith("2017")
        )
        span_days = (seen_2016[-1][0] - seen_2016[0][0]) / 86_400_000
        if span_days > 1:
            pace = (seen_2016[-1][1] - seen_2016[0][1]) / span_days
            assert seen_2017[1] - seen_2016[-1][1] <= 40 * pace + 2
            dormant_checked += 1
    assert dormant_checked > 0.3 * len(reused)
    other_bots = {u for u, r in rows.items() if r["is_bot"] == "True"} - reused
    both = set(matches["us2016"]) & set(matches["macronleaks"])
    assert not other_bots & both


def test_troll_operation_is_human_looking_and_retweets_together(run: dict) -> None:
    rows = {r["user_id"]: r for r in run["truth"]}
    trolls = {u for u, r in rows.items() if r["is_troll"] == "True"}
    assert len(trolls) == SMALL.troll_accounts
    assert all(rows[u]["is_bot"] == "False" and rows[u]["role"] == "troll" for u in trolls)
    retweeted_by = defaultdict(set)
    delays = []
    for tweet in tweets_of(run):
        if "retweeted_status" in tweet:
            original = tweet["retweeted_status"]
            retweeted_by[tweet["user"]["id_str"]].add(original["id_str"])
            if tweet["user"]["id_str"] in trolls and original["user"]["id_str"] in trolls:
                delays.append(
                    (
                        parse_time(tweet["created_at"]) - parse_time(original["created_at"])
                    ).total_seconds()
                )
    assert all(len(retweeted_by[u]) > 10 for u in trolls)  # Pacheco et al.'s activity cut

    def jaccard(a: str, b: str) -> float:
        x, y = retweeted_by[a], retweeted_by[b]
        return len(x & y) / len(x | y)

    troll_list = sorted(trolls)
    within = np.mean([jaccard(a, b) for i, a in enumerate(troll_list) for b in troll_list[i + 1 :]])
    active_humans = sorted(
        u for u, r in rows.items() if r["role"] == "human" and len(retweeted_by[u]) > 10
    )
    assert len(active_humans) > 20
    across = np.mean([jaccard(a, b) for a in troll_list[:10] for b in active_humans[:50]])
    assert within > 0.2 and within > 10 * across
    assert np.median(delays) < 10 * 60  # within minutes of the leader's tweet


def test_labelled_set_is_in_the_bot_repository_layout(run: dict) -> None:
    folder = run["root"] / "sim" / "labelled" / "simulated"
    labels = [line.split("\t") for line in (folder / "simulated.tsv").read_text().splitlines()]
    assert len(labels) == SMALL.labelled_accounts
    assert {label for _, label in labels} == {"bot", "human"}
    share = sum(label == "bot" for _, label in labels) / len(labels)
    assert share == pytest.approx(SMALL.labelled_bot_share, abs=0.01)
    objects = json.loads((folder / "simulated_tweets.json").read_text())
    assert [o["user"]["id_str"] for o in objects] == [user_id for user_id, _ in labels]
    for o in objects:
        assert o["user"].keys() >= USER_FIELDS
        assert parse_time(o["user"]["created_at"]) < parse_time(o["created_at"])
    campaign_ids = {r["user_id"] for r in run["truth"]}
    assert not campaign_ids & {user_id for user_id, _ in labels}


def test_labelled_set_loads_with_the_project_loader(run: dict) -> None:
    dataset = load_dataset(run["root"] / "sim" / "labelled" / "simulated")
    assert len(dataset.frame) == SMALL.labelled_accounts
    assert dataset.frame["is_bot"].mean() == pytest.approx(SMALL.labelled_bot_share, abs=0.01)


def test_bots_and_humans_differ_but_overlap(run: dict) -> None:
    """Bots are younger, post faster and have fewer followers; the distributions overlap."""
    folder = run["root"] / "sim" / "labelled" / "simulated"
    objects = json.loads((folder / "simulated_tweets.json").read_text())
    labels = dict(line.split("\t") for line in (folder / "simulated.tsv").read_text().splitlines())
    rate = defaultdict(list)
    for o in objects:
        user = o["user"]
        age = (parse_time(o["created_at"]) - parse_time(user["created_at"])).days + 1
        rate[labels[user["id_str"]]].append(user["statuses_count"] / age)
    bots, humans = np.array(rate["bot"]), np.array(rate["human"])
    assert np.median(bots) > 5 * np.median(humans)
    assert (bots < np.median(humans) * 3).mean() > 0.02  # some bots post like people
    assert (humans > np.median(bots) / 3).mean() > 0.01  # some people post like bots


def test_campaigns_are_the_dbt_seed() -> None:
    seed = DBT_PROJECT_DIR / "seeds" / "campaigns.csv"
    if not seed.exists():
        pytest.skip("no campaigns seed yet")
    rows = read_csv(seed)
    key = ["campaign_id", "hashtags", "keywords", "languages", "start_at", "end_at"]
    assert [{k: r[k] for k in key} for r in rows] == [{k: c[k] for k in key} for c in CAMPAIGNS]


# ---- configuration and CLI -------------------------------------------------------------------


def test_bad_configs_and_occupied_landing_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="bot_share"):
        SimulationConfig(bot_share=1.5).validate()
    with pytest.raises(ValueError, match="min_dormancy_days"):
        SimulationConfig(min_dormancy_days=400).validate()
    with pytest.raises(ValueError, match="promoters"):
        simulate(SimulationConfig(tweets=2000, accounts=5000), tmp_path / "l", tmp_path / "s")
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "tweets-20170505T20.jsonl.gz").write_bytes(b"")
    (landing / "notes.txt").write_text("kept")
    config = SimulationConfig(tweets=3000, accounts=300, labelled_accounts=20)
    with pytest.raises(FileExistsError):
        simulate(config, landing, tmp_path / "sim")
    simulate(config, landing, tmp_path / "sim", overwrite=True)
    assert (landing / "notes.txt").read_text() == "kept"
    assert not list(landing.glob(".*.part"))


def test_cli_writes_plain_files_and_prints_the_summary(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulate",
            "--tweets",
            "3000",
            "--accounts",
            "300",
            "--labelled-accounts",
            "20",
            "--landing",
            str(tmp_path / "landing"),
            "--truth",
            str(tmp_path / "sim"),
            "--no-gzip",
            "--no-progress",
            "--seed",
            "3",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    summary = json.loads(completed.stdout)
    assert summary["tweets"] == 3000
    files = sorted((tmp_path / "landing").iterdir())
    assert files and all(f.name.endswith(".jsonl") for f in files)
    assert summary["landing_files"] == len(files)
    assert (tmp_path / "sim" / "truth" / "accounts.csv").exists()
    assert (tmp_path / "sim" / "labelled" / "simulated" / "simulated.tsv").exists()


# ---- memory ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_memory_does_not_grow_with_the_number_of_tweets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same population, four times the tweets: the traced peak grows by no more than the
    buffers bounded by construction (the retweet pools, the chunks of lines queued for the
    compressor thread: well under 1 MB with the small bounds set here, give or take timing).
    Holding the tweets would add ~4.6 KB per extra tweet, ~110 MB here; the 3 MB allowance
    catches anything above ~125 bytes per tweet."""
    import tracemalloc

    from simulate import stream, writer

    monkeypatch.setattr(stream, "POOL_CAPACITY", 10)
    monkeypatch.setattr(stream, "FLUSH_LINES", 32)
    monkeypatch.setattr(writer, "QUEUE_CHUNKS", 1)
    allowance = 3 * 1024**2
    peaks = []
    for tweets in (2_000, 8_000, 32_000):  # the first run only warms caches and imports up
        tracemalloc.start()
        simulate(
            SimulationConfig(tweets=tweets, accounts=400, labelled_accounts=10),
            tmp_path / str(tweets) / "landing",
            tmp_path / str(tweets) / "sim",
        )
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[2] - peaks[1] < allowance, peaks
    assert peaks[2] < 10 * 1024**2, peaks  # a few MB in all for 400 accounts


def test_retweet_pool_stays_bounded() -> None:
    import random

    from simulate.pool import TweetPool
    from simulate.tweets import Rendered

    pool = TweetPool(capacity=50, decay=0.8)
    r = random.Random(0)
    for hour in range(40):
        for i in range(500):
            pool.add(Rendered("{}", hour * 1000 + i, "a", "A", 1, Text(), "en"), r.random())
        assert len(pool._incoming) <= 50
        pool.next_hour()
        assert len(pool) <= 75
    drawn = [pool.draw(r) for _ in range(200)]
    assert all(i is not None and 0 <= i < len(pool) for i in drawn)
    # recency: tweets of the last hours dominate the draws
    recent = sum(pool.tweets[i].tweet_id >= 37_000 for i in drawn)
    assert recent > 150


# ---- pure pieces -----------------------------------------------------------------------------


def test_twitter_time_and_snowflakes() -> None:
    at = datetime(2019, 6, 5, 21, 43, 20, tzinfo=UTC).timestamp()
    assert twitter_time(at) == "Wed Jun 05 21:43:20 +0000 2019"
    assert parse_time(twitter_time(at + 0.9)).timestamp() == at
    a, b = snowflake(1494018025000, 5), snowflake(1494018025001, 0)
    assert a < b
    # A real tweet id of 30 Nov 2018 16:20:11.689 UTC decodes to that millisecond.
    assert (1068540203504144386 >> 22) + 1288834974657 == 1543594811689


def test_user_ids_are_unique_and_older_accounts_have_smaller_ids() -> None:
    rng = np.random.default_rng(0)
    created = np.array([datetime(y, 6, 1, tzinfo=UTC).timestamp() for y in range(2008, 2018)])
    taken: set[int] = set()
    ids = user_ids_for(np.repeat(created, 20), rng, taken)
    assert len(set(ids.tolist())) == len(ids) == len(taken)
    per_year = ids.reshape(10, 20)
    assert (per_year.max(axis=1)[:-1] < per_year.min(axis=1)[1:]).all()
    assert per_year[-1].min() > 10**17  # snowflake user ids since 2016


def test_split_exactly_and_capacity_allocation() -> None:
    counts = split_exactly(1001, np.array([1.0, 2.0, 0.5]))
    assert counts.sum() == 1001 and counts.tolist() == [286, 572, 143]
    capacity = np.array([5, 0, 50, 1])
    placed = allocate_with_capacity(np.random.default_rng(1), 56, capacity)
    assert placed.sum() == 56 and (placed <= capacity).all()
    with pytest.raises(ValueError):
        allocate_with_capacity(np.random.default_rng(1), 57, capacity)


def test_text_entities_carry_their_indices() -> None:
    import random

    t = Text()
    t.add_mention(12, "alice", "Alice")
    t.add("Read this")
    t.add_hashtag("MacronLeaks")
    t.add_url("https://pastebin.com/abc", random.Random(0))
    entities = t.entities()
    tag = entities["hashtags"][0]
    assert t.text[slice(*tag["indices"])] == "#MacronLeaks"
    assert t.text[slice(*entities["urls"][0]["indices"])].startswith("https://t.co/")
    shifted = t.entities(limit=20, shift=10)
    assert shifted["user_mentions"][0]["indices"] == [10, 16]
    assert shifted["hashtags"] == []  # ends beyond the limit once shifted


# ---- account creation dates -------------------------------------------------------------------


def test_ages_beyond_the_oldest_account_are_spread_not_piled_on_the_floor_date() -> None:
    from simulate.profiles import within_age_range

    ages = np.array([0.2, 10.0, 3_000.0, 4_000.0, 5_000.0, 9_000.0])
    limit = np.full(len(ages), 3_500.0)
    kept = within_age_range(ages, limit)
    assert kept[:3].tolist() == [1.0, 10.0, 3_000.0]  # in range: unchanged (at least a day)
    assert ((kept >= 1.0) & (kept <= limit)).all()
    assert len(set(kept[3:].tolist())) == 3  # no two over-old accounts share the floor age


def test_no_creation_month_is_a_spike_at_the_oldest_account_date(run: dict) -> None:
    """Clipping ages to the oldest account date once made January 2007 the commonest creation
    month of a campaign's promoters (a floor date, not a real cohort)."""
    months = defaultdict(set)
    for tweet in tweets_of(run):
        user = tweet["user"]
        months[parse_time(user["created_at"]).strftime("%Y-%m")].add(user["id_str"])
    per_month = {month: len(users) for month, users in months.items()}
    typical = float(np.median(list(per_month.values())))
    assert per_month.get("2007-01", 0) <= 3 * typical, sorted(per_month.items())[:6]
