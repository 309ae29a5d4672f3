"""Coordination at scale: co-retweet and synchronised-posting similarity on ~1M retweets.

``python -m bench.coordination [--retweets N]`` writes ``bench/results/coordination.json``.

The synthetic frame has the shape of a campaign: Zipf-popular original tweets (a few retweeted
by a large share of all accounts), Zipf-active accounts (most retweet a handful of times, a few
hundreds), retweet delays of minutes to hours, and a planted group of 50 accounts that retweet
the same 100 tweets within minutes of each other (its recovery is recorded too).

Baseline, measured in the same run: the naive pairwise approach (for every retweeted tweet,
every pair of its retweeters counted in a dict, then cosine of the co-retweet counts — what one
writes first), timed on a sample of the tweets and extrapolated by its exact number of pairs.
Times are given as wall and as process CPU seconds: the machine is shared, and CPU time is the
steadier figure when it is busy (the load average is recorded).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.coordination import (
    PRESETS,
    co_retweet_edges,
    coordinated_groups,
    synchronised_edges,
)

RESULTS = Path(__file__).resolve().parent / "results" / "coordination.json"
GROUP_SIZE, GROUP_TARGETS = 50, 100


def synthetic_retweets(
    retweets: int,
    accounts: int,
    originals: int,
    tweet_zipf: float = 1.0,
    account_zipf: float = 0.8,
    seed: int = 0,
) -> tuple[pd.DataFrame, set[str]]:
    """A retweet frame (``author_id, retweeted_tweet_id, created_at``) and the planted group."""
    rng = np.random.default_rng(seed)
    tweet_weight = 1.0 / np.arange(1, originals + 1) ** tweet_zipf
    account_weight = 1.0 / np.arange(1, accounts + 1) ** account_zipf
    draws = int(retweets * 1.2)  # repeated (account, tweet) draws are dropped below
    tweet = rng.choice(originals, size=draws, p=tweet_weight / tweet_weight.sum())
    author = rng.choice(accounts, size=draws, p=account_weight / account_weight.sum())
    start = pd.Timestamp("2017-04-27", tz="UTC").value
    posted = start + rng.integers(0, 11 * 24 * 3600, size=originals) * 10**9
    delay = (rng.exponential(2 * 3600, size=draws) * 10**9).astype(np.int64)
    frame = pd.DataFrame(
        {
            "author_id": np.char.add("a", author.astype(str)),
            "retweeted_tweet_id": np.char.add("t", tweet.astype(str)),
            "created_at": posted[tweet] + delay,
        }
    )
    members = [f"troll{i}" for i in range(GROUP_SIZE)]
    planted = []
    for target in range(GROUP_TARGETS):
        moment = start + int(rng.integers(0, 11 * 24 * 3600)) * 10**9
        for member in rng.choice(members, size=int(GROUP_SIZE * 0.7), replace=False):
            planted.append((member, f"push{target}", moment + int(rng.integers(0, 600)) * 10**9))
    frame = frame.drop_duplicates(["author_id", "retweeted_tweet_id"]).head(retweets - len(planted))
    frame = pd.concat([frame, pd.DataFrame(planted, columns=frame.columns)], ignore_index=True)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame, set(members)


def naive_pairwise_seconds(retweets: pd.DataFrame, min_retweets: int) -> dict:
    """Time the naive pairwise co-retweet count on a sample of tweets; extrapolate by pairs."""
    activity = retweets.groupby("author_id")["author_id"].transform("size")
    active = retweets[activity > min_retweets]
    retweeters = active.groupby("retweeted_tweet_id")["author_id"].apply(list)
    pairs_per_tweet = retweeters.map(len) * (retweeters.map(len) - 1) // 2
    total_pairs = int(pairs_per_tweet.sum())
    # A random sample of tweets, so popular and obscure ones are both represented.
    sample = retweeters.sample(frac=1.0, random_state=0)
    budget, counted = 3_000_000, 0
    started, cpu_started = time.perf_counter(), time.process_time()
    co_counts: Counter = Counter()
    for users in sample:
        for pair in combinations(sorted(users), 2):
            co_counts[pair] += 1
        counted += len(users) * (len(users) - 1) // 2
        if counted >= budget:
            break
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    rate = counted / cpu if cpu else float("inf")
    return {
        "method": "pairwise dict count over each tweet's retweeters (no TF-IDF), extrapolated",
        "pairs_timed": counted,
        "seconds_timed": round(elapsed, 3),
        "cpu_seconds_timed": round(cpu, 3),
        "pairs_per_cpu_second": round(rate),
        "total_pairs_at_full_size": total_pairs,
        "extrapolated_cpu_seconds": round(total_pairs / rate, 1),
    }


def _recovery(edges: pd.DataFrame, members: set[str]) -> dict:
    groups = coordinated_groups(edges)
    if groups.empty:
        return {"members_found": 0, "outsiders": 0, "group_size": len(members)}
    hits = groups.assign(hit=groups["user_id"].isin(members)).groupby("group_id")["hit"].sum()
    best = set(groups.loc[groups["group_id"] == hits.idxmax(), "user_id"])
    return {
        "members_found": len(best & members),
        "outsiders": len(best - members),
        "group_size": len(members),
        "groups": int(groups["group_id"].nunique()),
    }


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def run(retweets: int, accounts: int, originals: int) -> dict:
    started = time.perf_counter()
    frame, members = synthetic_retweets(retweets, accounts, originals)
    generated = time.perf_counter() - started
    preset = PRESETS["pacheco2021_coretweet"]
    active = frame.groupby("author_id")["author_id"].transform("size") > preset.min_retweets
    started, cpu_started = time.perf_counter(), time.process_time()
    co_edges = co_retweet_edges(frame, preset)
    co_seconds, co_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rss_after_co = _peak_rss_mb()
    sync_input = frame.rename(columns={"retweeted_tweet_id": "content_key"})
    started, cpu_started = time.perf_counter(), time.process_time()
    sync_edges = synchronised_edges(sync_input, PRESETS["pacheco2021_sync"])
    sync_seconds, sync_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    baseline = naive_pairwise_seconds(frame, preset.min_retweets)
    return {
        "input": {
            "retweets": len(frame),
            "accounts": int(frame["author_id"].nunique()),
            "original_tweets": int(frame["retweeted_tweet_id"].nunique()),
            "accounts_compared_coretweet": int(frame.loc[active, "author_id"].nunique()),
            "top_tweet_retweeters": int(frame["retweeted_tweet_id"].value_counts().iloc[0]),
            "tweet_zipf": 1.0,
            "account_zipf": 0.8,
            "generation_seconds": round(generated, 1),
        },
        "co_retweet": {
            "preset": "pacheco2021_coretweet",
            "seconds": round(co_seconds, 2),
            "cpu_seconds": round(co_cpu, 2),
            "edges_kept": len(co_edges),
            "peak_rss_mb": rss_after_co,
            "planted_group": _recovery(co_edges, members),
        },
        "synchronised": {
            "preset": "pacheco2021_sync",
            "content_key": "retweeted_tweet_id",
            "seconds": round(sync_seconds, 2),
            "cpu_seconds": round(sync_cpu, 2),
            "edges_kept": len(sync_edges),
            "planted_group": _recovery(sync_edges, members),
        },
        "baseline_naive_pairwise": baseline,
        "co_retweet_cpu_speedup_vs_baseline": round(
            baseline["extrapolated_cpu_seconds"] / co_cpu, 1
        ),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "peak_rss_mb": _peak_rss_mb(),
        "machine": {"python": platform.python_version(), "processor": platform.machine()},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--retweets", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--originals", type=int, default=300_000)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    figures = run(args.retweets, args.accounts, args.originals)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
