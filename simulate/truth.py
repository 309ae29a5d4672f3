"""The ground truth: what was written, by whom, and which accounts are bots, reused bots, trolls.

Kept beside the landing files (never among them): the pipeline never reads it, tests compare
the pipeline's estimates with it.
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np

from simulate.config import CAMPAIGNS, campaign_window
from simulate.population import Population

ACCOUNT_COLUMNS = [
    "user_id",
    "screen_name",
    "is_bot",
    "role",
    "is_reused",
    "is_troll",
    "created_at",
    "kind",
    "lang",
    "tweets",
    "promoted_campaigns",
    "first_tweet_at",
    "last_tweet_at",
]


class TruthRecorder:
    """Counts what the stream delivers, as it is written."""

    def __init__(self, population: Population, truth_dir: Path):
        n = len(population)
        self.population = population
        self.truth_dir = truth_dir
        self.tweets_written = [0] * n
        self.first_seen = [float("inf")] * n
        self.last_seen = [float("-inf")] * n
        self.promoters: dict[str, set[int]] = {c["campaign_id"]: set() for c in CAMPAIGNS}
        self.campaign_tweets: dict[str, Counter] = {c["campaign_id"]: Counter() for c in CAMPAIGNS}
        self.campaign_tweet_types: dict[str, Counter] = {
            c["campaign_id"]: Counter() for c in CAMPAIGNS
        }
        self.tweets_by_type: Counter = Counter()
        self.deleted = 0
        self.limit_notices = 0
        self.missed_tweets = 0
        self.windows = {
            c["campaign_id"]: tuple(t.timestamp() for t in campaign_window(c["campaign_id"]))
            for c in CAMPAIGNS
        }
        truth_dir.mkdir(parents=True, exist_ok=True)
        self._deleted_file = open(truth_dir / "deleted_tweets.csv", "w", newline="")  # noqa: SIM115
        self._deleted_csv = csv.writer(self._deleted_file)
        self._deleted_csv.writerow(["tweet_id", "user_id", "created_at", "deleted_at"])

    def tweet(
        self, author: int, at: float, kind: str, campaign: str | None, lang: str, deleted: bool
    ) -> None:
        self.tweets_written[author] += 1
        if at < self.first_seen[author]:
            self.first_seen[author] = at
        if at > self.last_seen[author]:
            self.last_seen[author] = at
        self.tweets_by_type[kind] += 1
        if campaign is None or deleted:
            return
        start, end = self.windows[campaign]
        if start <= at < end + 1:
            self.campaign_tweets[campaign][lang] += 1
            self.campaign_tweet_types[campaign][kind] += 1
            self.promoters[campaign].add(author)

    def deletion(self, tweet_id: int, user_id: int, created: float, deleted_at: float) -> None:
        self.deleted += 1
        self._deleted_csv.writerow([tweet_id, user_id, _iso(created), _iso(deleted_at)])

    def limit(self, missed_since_last: int) -> None:
        self.limit_notices += 1
        self.missed_tweets += missed_since_last

    def finish(self, config_dict: dict, extra: dict) -> dict:
        """Write accounts.csv and summary.json; return the summary."""
        self._deleted_file.close()
        pop = self.population
        acc = pop.accounts
        promoted = {i: [c for c, s in self.promoters.items() if i in s] for i in range(len(pop))}
        appeared = np.flatnonzero(np.array(self.tweets_written) > 0)
        with open(self.truth_dir / "accounts.csv", "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(ACCOUNT_COLUMNS)
            for i in appeared.tolist():
                writer.writerow(
                    [
                        int(acc.user_id[i]),
                        acc.screen_name[i],
                        bool(acc.is_bot[i]),
                        pop.role[i],
                        pop.role[i] == "reused_bot",
                        pop.role[i] == "troll",
                        _iso(acc.created[i]),
                        acc.kind[i],
                        acc.lang[i],
                        int(self.tweets_written[i]),
                        "|".join(promoted[i]),
                        _iso(self.first_seen[i]),
                        _iso(self.last_seen[i]),
                    ]
                )
        per_campaign = {}
        for campaign, members in self.promoters.items():
            bots = sum(1 for i in members if acc.is_bot[i])
            langs = self.campaign_tweets[campaign]
            en, fr = langs.get("en", 0), langs.get("fr", 0)
            per_campaign[campaign] = {
                "tweets": sum(langs.values()),
                "tweets_by_lang": dict(sorted(langs.items(), key=lambda kv: -kv[1])),
                "tweets_by_type": dict(self.campaign_tweet_types[campaign]),
                "english_share_of_en_fr": round(en / (en + fr), 4) if en + fr else None,
                "promoters": len(members),
                "bot_promoters": bots,
                "bot_share_among_promoters": round(bots / len(members), 4) if members else None,
                "reused_bot_promoters": sum(1 for i in members if pop.role[i] == "reused_bot"),
                "troll_promoters": sum(1 for i in members if pop.role[i] == "troll"),
            }
        summary = {
            "config": config_dict,
            "campaigns": per_campaign,
            "tweets_written": sum(self.tweets_written),
            "tweets_by_type": dict(self.tweets_by_type),
            "accounts_appearing": len(appeared),
            "bots_appearing": int(acc.is_bot[appeared].sum()),
            "reused_bots": int((pop.role[appeared] == "reused_bot").sum()),
            "trolls": int((pop.role[appeared] == "troll").sum()),
            "deleted_tweets": self.deleted,
            "limit_notices": self.limit_notices,
            "limit_missed_tweets": self.missed_tweets,
            "limit_track_semantics": "cumulative count of undelivered tweets since the "
            "connection opened; the collector reconnects at 00:00 UTC each day",
            **extra,
        }
        (self.truth_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        return summary


def _iso(epoch: float) -> str:
    if not np.isfinite(epoch):
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))
