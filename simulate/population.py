"""The campaign population: who is a bot, a reused bot or a troll, who is active and who promotes
which campaign, and how much each account posts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulate.accounts import Accounts, make_accounts
from simulate.config import PERIODS, SimulationConfig

US, ML = PERIODS[0].campaign_id, PERIODS[1].campaign_id


@dataclass
class Population:
    accounts: Accounts
    role: np.ndarray  # human | bot | reused_bot | troll
    active: dict[str, np.ndarray]  # period -> bool
    promoter: dict[str, np.ndarray]  # period -> bool (posts campaign content there)
    campaign_weight: np.ndarray
    off_weight: np.ndarray
    cells: list[np.ndarray]  # groups of bots that retweet in sync
    trolls: np.ndarray  # indices of the troll operation, leaders first
    troll_leaders: int

    def __len__(self) -> int:
        return len(self.role)


def _group_sizes(config: SimulationConfig) -> dict[str, int]:
    n = config.resolved_accounts()
    p_ml = round(0.42 * n)
    b_ml = max(1, round(config.bot_share * p_ml))
    reused = config.reused_bots if config.reused_bots is not None else round(0.15 * b_ml)
    trolls = config.troll_accounts
    h_ml = p_ml - b_ml - trolls
    p_us = round(0.25 * n)
    b_us = max(reused, round(config.us2016_bot_share * p_us))
    both = round(0.06 * h_ml)
    h_us = p_us - b_us - both
    spam = max(2, round(0.015 * n))
    h_us_off = round(0.08 * n)
    cross = round(0.05 * h_ml)  # MacronLeaks promoters seen off-campaign in 2016
    sizes = {
        "reused_bot": reused,
        "ml_bot": b_ml - reused,
        "us_bot": b_us - reused,
        "troll": trolls,
        "ml_human_promoter": h_ml - both - cross,
        "both_human_promoter": both,
        "ml_promoter_us_off": cross,
        "us_human_promoter": h_us,
        "us_human_off": h_us_off,
        "ml_spam_bot": spam,
        "us_spam_bot": spam,
    }
    sizes["ml_human_off"] = n - sum(sizes.values())
    bad = {k: v for k, v in sizes.items() if v < 0}
    if bad or reused > b_ml or h_ml <= trolls:
        raise ValueError(f"population does not fit in {n} accounts: {sizes}")
    return sizes


def check_feasible(config: SimulationConfig, campaign_tweets: dict[str, int]) -> None:
    """Every promoter needs a campaign tweet of its own: refuse configs with too few tweets."""
    sizes = _group_sizes(config)
    for period in (US, ML):
        promoters = sum(
            size for group, size in sizes.items() if _GROUPS[group][4 if period == US else 5]
        )
        if promoters > 0.6 * campaign_tweets[period]:
            raise ValueError(
                f"{promoters} {period} promoters but only {campaign_tweets[period]} campaign "
                f"tweets: raise tweets or lower accounts (now {config.resolved_accounts()})"
            )


# group -> (kind, home period, active in us, active in ml, promoter us, promoter ml)
_GROUPS = {
    "reused_bot": ("reused_bot", US, True, True, True, True),
    "ml_bot": ("bot", ML, False, True, False, True),
    "us_bot": ("bot", US, True, False, True, False),
    "troll": ("troll", ML, False, True, False, True),
    "ml_human_promoter": ("human", ML, False, True, False, True),
    "both_human_promoter": ("human", US, True, True, True, True),
    "ml_promoter_us_off": ("human", US, True, True, False, True),
    "us_human_promoter": ("human", US, True, False, True, False),
    "us_human_off": ("human", US, True, False, False, False),
    "ml_spam_bot": ("spam_bot", ML, False, True, False, False),
    "us_spam_bot": ("spam_bot", US, True, False, False, False),
    "ml_human_off": ("human", ML, False, True, False, False),
}
INFLUENCER_SHARE = 0.025


def build_population(
    config: SimulationConfig, rng: np.random.Generator, taken_ids: set[int], taken_names: set[str]
) -> Population:
    """Draw the whole campaign population for `config`."""
    sizes = _group_sizes(config)
    columns: dict[str, list] = {
        k: [] for k in ("group", "kind", "home", "a_us", "a_ml", "p_us", "p_ml")
    }
    for group, size in sizes.items():
        kind, home, a_us, a_ml, p_us, p_ml = _GROUPS[group]
        for key, value in zip(columns, (group, kind, home, a_us, a_ml, p_us, p_ml), strict=True):
            columns[key].extend([value] * size)
    group = np.array(columns["group"], dtype=object)
    kinds = np.array(columns["kind"], dtype=object)
    humans = kinds == "human"
    kinds[humans & (rng.random(len(kinds)) < INFLUENCER_SHARE)] = "influencer"
    home = np.array(columns["home"], dtype=object)
    period_start = {p.campaign_id: p.start.timestamp() for p in PERIODS}
    anchors = np.array([period_start[h] for h in home.tolist()])
    accounts = make_accounts(rng, kinds, anchors, home, config.overlap, taken_ids, taken_names)

    role = np.where(
        kinds == "reused_bot",
        "reused_bot",
        np.where(kinds == "troll", "troll", np.where(accounts.is_bot, "bot", "human")),
    )
    active = {US: np.array(columns["a_us"]), ML: np.array(columns["a_ml"])}
    promoter = {US: np.array(columns["p_us"]), ML: np.array(columns["p_ml"])}
    campaign_weight, off_weight = _posting_weights(rng, accounts, kinds, config.overlap)
    cells = _cells(rng, group)
    trolls = np.flatnonzero(kinds == "troll")
    return Population(
        accounts=accounts,
        role=role.astype(object),
        active=active,
        promoter=promoter,
        campaign_weight=campaign_weight,
        off_weight=off_weight,
        cells=cells,
        trolls=trolls,
        troll_leaders=min(4, max(1, len(trolls) // 8)),
    )


def _posting_weights(
    rng: np.random.Generator, accounts: Accounts, kinds: np.ndarray, overlap: float
) -> tuple[np.ndarray, np.ndarray]:
    """Relative posting rates for campaign and off-campaign content. Bot-like behaviour posts
    several times more (pulled towards the human rate by overlap)."""
    n = len(kinds)
    bot_factor = 4.0 ** (1.0 - overlap)
    base = np.exp(rng.standard_normal(n) * np.where(accounts.looks_bot_activity, 0.7, 1.0))
    campaign = base * np.where(accounts.looks_bot_activity, bot_factor, 1.0)
    off = base * np.where(accounts.is_bot, 0.25, 1.0)
    off = np.where(kinds == "spam_bot", base * 5.0, off)
    campaign = np.where(kinds == "influencer", campaign * 3.0, campaign)
    return campaign, off


def _cells(rng: np.random.Generator, group: np.ndarray) -> list[np.ndarray]:
    """Botnets: campaign bots split into cells of 8-25 that retweet together. Reused bots form
    their own cells (one operator kept them)."""
    cells = []
    for name in ("reused_bot", "ml_bot", "us_bot"):
        members = rng.permutation(np.flatnonzero(group == name))
        while len(members):
            size = int(rng.integers(8, 26))
            if len(members) - size < 8:
                size = len(members)
            cells.append(members[:size])
            members = members[size:]
    return cells
