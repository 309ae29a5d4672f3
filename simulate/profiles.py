"""Profile traits of human and bot accounts, with a stated overlap between the two.

Traits come in groups (age, social graph, activity, profile look, name). For each account and group
we decide whether the group is drawn from the bot or the human distribution ("looks like a bot"):
bots look like bots and humans like humans, except the mimics (a share ``0.4 x overlap`` of each
class) who borrow some groups from the other class. On top of that every bot distribution is pulled
towards the human one by ``overlap``: at 1 the two classes are indistinguishable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DAY = 86400.0
GROUPS = ("age", "social", "activity", "look", "name")
MIMIC_SHARE_PER_OVERLAP = 0.4


@dataclass(frozen=True)
class Dist:
    """A log-normal (median, sigma) for a count or a rate."""

    median: float
    sigma: float


# Human and bot (campaign bot) distributions; "kind" overrides below.
HUMAN = {
    "age_days": Dist(4.5 * 365, 0.6),
    "followers": Dist(250, 1.6),
    "friends": Dist(320, 1.1),
    "statuses_per_day": Dist(2.5, 1.1),
    "favourites_per_day": Dist(3.0, 1.3),
    "listed_per_follower": Dist(0.01, 0.8),
    "p_default_profile": 0.15,
    "p_default_image": 0.04,
    "p_no_background": 0.30,
    "p_description": 0.85,
    "p_url": 0.35,
    "p_location": 0.70,
    "p_geo": 0.30,
    "p_time_zone": 0.60,
    "p_name_digits": 0.12,
    "p_random_name": 0.0,
}
BOT = {
    "age_days": Dist(45, 0.9),
    "followers": Dist(18, 1.2),
    "friends": Dist(140, 1.0),
    "statuses_per_day": Dist(45, 0.8),
    "favourites_per_day": Dist(0.5, 1.5),
    "listed_per_follower": Dist(0.003, 0.8),
    "p_default_profile": 0.75,
    "p_default_image": 0.45,
    "p_no_background": 0.05,
    "p_description": 0.35,
    "p_url": 0.08,
    "p_location": 0.30,
    "p_geo": 0.05,
    "p_time_zone": 0.15,
    "p_name_digits": 0.70,
    "p_random_name": 0.15,
}
KIND_OVERRIDES = {
    # Older spam bots that post off-campaign content.
    "spam_bot": {
        "age_days": Dist(400, 0.8),
        "followers": Dist(60, 1.2),
        "statuses_per_day": Dist(80, 0.7),
    },
    # Opinion leaders and news outlets.
    "influencer": {
        "followers": Dist(60_000, 1.2),
        "friends": Dist(900, 1.0),
        "statuses_per_day": Dist(12, 0.6),
        "listed_per_follower": Dist(0.02, 0.5),
        "p_default_profile": 0.0,
        "p_default_image": 0.0,
        "p_description": 1.0,
        "p_url": 0.9,
        "p_name_digits": 0.0,
    },
    # Troll operators: established, customised, ordinary posting rates.
    "troll": {
        "age_days": Dist(3 * 365, 0.4),
        "followers": Dist(900, 0.8),
        "statuses_per_day": Dist(6, 0.4),
        "p_default_profile": 0.0,
        "p_default_image": 0.0,
        "p_description": 1.0,
        "p_location": 0.9,
        "p_name_digits": 0.0,
    },
}
VERIFIED_SHARE = {"human": 0.01, "influencer": 0.5, "troll": 0.0}


def _blend(human: object, bot: object, overlap: float) -> object:
    """The bot parameter pulled towards the human one (geometrically for log-normals)."""
    if isinstance(human, Dist) and isinstance(bot, Dist):
        log_median = np.log(bot.median) + overlap * (np.log(human.median) - np.log(bot.median))
        return Dist(float(np.exp(log_median)), bot.sigma + overlap * (human.sigma - bot.sigma))
    return bot + overlap * (human - bot)  # type: ignore[operator]


def class_parameters(kind: str, looks_bot: bool, overlap: float) -> dict:
    """Parameters for an account of `kind` whose trait group is drawn as a bot or a human."""
    human = dict(HUMAN)
    bot = {key: _blend(HUMAN[key], BOT[key], overlap) for key in BOT}
    params = bot if looks_bot else human
    # A kind's own traits apply when the account looks like its own class.
    own_class_bot = kind.endswith("bot")
    if looks_bot == own_class_bot:
        params = {**params, **KIND_OVERRIDES.get(kind, {})}
    return params


@dataclass
class Traits:
    """Profile traits of n accounts, at their reference time."""

    age_days: np.ndarray
    followers: np.ndarray
    friends: np.ndarray
    statuses_per_day: np.ndarray
    favourites_per_day: np.ndarray
    listed: np.ndarray
    default_profile: np.ndarray
    default_image: np.ndarray
    use_background: np.ndarray
    has_description: np.ndarray
    has_url: np.ndarray
    has_location: np.ndarray
    geo_enabled: np.ndarray
    has_time_zone: np.ndarray
    verified: np.ndarray
    name_style: np.ndarray  # 0 words, 1 name+digits, 2 random
    looks_bot: dict[str, np.ndarray]


def draw_looks(
    rng: np.random.Generator, is_bot: np.ndarray, kinds: np.ndarray, overlap: float
) -> dict[str, np.ndarray]:
    """Per group: does the account's trait group come from the bot distribution?"""
    n = len(is_bot)
    share = MIMIC_SHARE_PER_OVERLAP * overlap
    # The troll operation keeps its human look on purpose; the reused botnet is cheap, old-style
    # automation that does not bother to look human.
    share = np.where((kinds == "troll") | (kinds == "reused_bot"), 0.0, share)
    mimic = rng.random(n) < share
    looks = {}
    for group in GROUPS:
        # Automated-looking humans borrow mostly activity and look; human-looking bots anything.
        p_take = np.where(is_bot, 0.5, 0.8 if group in ("activity", "look") else 0.25)
        takes = mimic & (rng.random(n) < p_take)
        looks[group] = is_bot ^ takes
    return looks


def _lognormal(rng: np.random.Generator, dists: list[Dist]) -> np.ndarray:
    medians = np.array([d.median for d in dists])
    sigmas = np.array([d.sigma for d in dists])
    return medians * np.exp(sigmas * rng.standard_normal(len(dists)))


def within_age_range(age: np.ndarray, max_age_days: np.ndarray) -> np.ndarray:
    """Ages between 1 day and ``max_age_days`` (the account cannot be older than the oldest
    account the simulator creates). A draw beyond the maximum is wrapped back into the range, not
    clipped to it: clipping gave every such account the same creation date, a spike of accounts
    "created" on the floor date (January 2007) that no real collection shows. No random draw is
    added, so the rest of a seeded simulation is unchanged."""
    span = np.maximum(max_age_days - 1.0, 1e-9)
    wrapped = 1.0 + np.mod(age - 1.0, span)
    return np.where(age > max_age_days, wrapped, np.maximum(age, 1.0))


def draw_traits(
    rng: np.random.Generator,
    is_bot: np.ndarray,
    kinds: np.ndarray,
    overlap: float,
    max_age_days: np.ndarray,
) -> Traits:
    """Draw the traits of accounts of the given classes and kinds."""
    n = len(is_bot)
    looks = draw_looks(rng, is_bot, kinds, overlap)
    cache: dict[tuple[str, bool], dict] = {}

    def params(group: str) -> list[dict]:
        out = []
        for kind, looks_bot in zip(kinds.tolist(), looks[group].tolist(), strict=True):
            key = (kind, looks_bot)
            if key not in cache:
                cache[key] = class_parameters(kind, looks_bot, overlap)
            out.append(cache[key])
        return out

    def prob(group: str, key: str) -> np.ndarray:
        return rng.random(n) < np.array([p[key] for p in params(group)])

    age_params = params("age")
    age = _lognormal(rng, [p["age_days"] for p in age_params])
    new_human = (~looks["age"]) & (rng.random(n) < 0.08)
    age = np.where(new_human, rng.uniform(5, 150, n), age)
    age = within_age_range(age, max_age_days)

    social = params("social")
    followers = _lognormal(rng, [p["followers"] for p in social])
    friends = _lognormal(rng, [p["friends"] for p in social])
    listed = followers * _lognormal(rng, [p["listed_per_follower"] for p in social])

    activity = params("activity")
    statuses_per_day = _lognormal(rng, [p["statuses_per_day"] for p in activity])
    favourites_per_day = _lognormal(rng, [p["favourites_per_day"] for p in activity])

    default_profile = prob("look", "p_default_profile")
    default_image = prob("look", "p_default_image")
    use_background = ~(prob("look", "p_no_background") & ~default_profile)
    has_description = prob("look", "p_description")
    has_url = prob("look", "p_url")
    has_location = prob("look", "p_location")
    geo_enabled = prob("look", "p_geo")
    has_time_zone = prob("look", "p_time_zone")
    verified_p = np.array([VERIFIED_SHARE.get(k, 0.0) for k in kinds.tolist()])
    verified = (~looks["social"]) & (rng.random(n) < verified_p)

    name_params = params("name")
    u = rng.random(n)
    p_digits = np.array([p["p_name_digits"] for p in name_params])
    p_random = np.array([p["p_random_name"] for p in name_params])
    name_style = np.where(u < p_digits, 1, np.where(u < p_digits + p_random, 2, 0))

    return Traits(
        age_days=age,
        followers=np.round(followers).astype(np.int64),
        friends=np.round(friends).astype(np.int64),
        statuses_per_day=statuses_per_day,
        favourites_per_day=favourites_per_day,
        listed=np.round(listed).astype(np.int64),
        default_profile=default_profile,
        default_image=default_image,
        use_background=use_background,
        has_description=has_description,
        has_url=has_url,
        has_location=has_location,
        geo_enabled=geo_enabled,
        has_time_zone=has_time_zone,
        verified=verified,
        name_style=name_style,
        looks_bot=looks,
    )
