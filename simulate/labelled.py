"""A labelled set of accounts for the default classifier, in the Bot Repository layout.

A separate sample from the same profile generator as the campaign population (not the campaign's
accounts): ``<name>.tsv`` (``<user_id>\\t<bot|human>``, no header) and ``<name>_tweets.json``
(a JSON array of ``{"created_at": <probe time>, "user": <v1.1 user object at that time>}``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from simulate.accounts import make_accounts
from simulate.profiles import DAY
from simulate.timeutil import twitter_time

PROBE_FROM = datetime(2017, 5, 8, tzinfo=UTC).timestamp()
PROBE_TO = datetime(2017, 6, 30, tzinfo=UTC).timestamp()
DATASET_NAME = "simulated"
DORMANCY_DAYS = (150.0, 250.0)  # how long the labelled reused bots lay dormant before the probe


def write_labelled_set(
    rng: np.random.Generator,
    n: int,
    bot_share: float,
    overlap: float,
    out_dir: Path,
    taken_ids: set[int],
    taken_names: set[str],
) -> dict:
    """Draw `n` labelled accounts and write them to `out_dir`; return counts and paths."""
    bots = round(n * bot_share)
    # The same kinds of bots as in campaigns, reused botnets included: old accounts whose
    # profile stood still while they lay dormant, observed after they came back.
    bot_kinds = rng.choice(["bot", "spam_bot", "reused_bot"], size=bots, p=[0.6, 0.25, 0.15])
    human_kinds = rng.choice(["human", "influencer", "troll"], size=n - bots, p=[0.96, 0.03, 0.01])
    kinds = rng.permutation(np.concatenate([bot_kinds, human_kinds]).astype(object))
    probes = rng.uniform(PROBE_FROM, PROBE_TO, n)
    home = rng.choice(np.array(["macronleaks", "us2016"], dtype=object), size=n)
    dormant_days = np.where(kinds == "reused_bot", rng.uniform(*DORMANCY_DAYS, n), 0.0)
    accounts = make_accounts(
        rng, kinds, probes - dormant_days * DAY, home, overlap, taken_ids, taken_names
    )

    out_dir.mkdir(parents=True, exist_ok=True)
    tsv = out_dir / f"{DATASET_NAME}.tsv"
    tweets = out_dir / f"{DATASET_NAME}_tweets.json"
    with open(tsv, "w") as handle:
        for user_id, is_bot in zip(
            accounts.user_id.tolist(), accounts.is_bot.tolist(), strict=True
        ):
            handle.write(f"{user_id}\t{'bot' if is_bot else 'human'}\n")
    with open(tweets, "w") as handle:
        handle.write("[")
        for i in range(n):
            created = json.dumps(twitter_time(probes[i]))
            handle.write(
                ("" if i == 0 else ", ")
                + f'{{"created_at": {created}, '
                + f'"user": {accounts.user_json(i, probes[i], dormant_days[i])}}}'
            )
        handle.write("]\n")
    return {
        "labelled_accounts": n,
        "labelled_bots": int(bots),
        "labelled_files": [tsv.name, tweets.name],
    }
