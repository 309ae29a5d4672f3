"""Accounts: identities, profile traits and pre-rendered user objects, as column arrays."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from simulate import identity, vocab
from simulate.profiles import DAY, draw_traits
from simulate.timeutil import user_ids_for
from simulate.userjson import user_template

OLDEST_ACCOUNT = datetime(2007, 1, 1, tzinfo=UTC).timestamp()
SOURCES = [
    (f'<a href="{href}" rel="nofollow">{label}</a>', weight)
    for label, href, weight in vocab.HUMAN_SOURCES + vocab.BOT_SOURCES
]
N_HUMAN_SOURCES = len(vocab.HUMAN_SOURCES)
_COLOURS = ["1B95E0", "ABB8C2", "E81C4F", "19CF86", "FAB81E", "981CEB", "94D487", "000000"]


@dataclass
class Accounts:
    """n accounts. Counts (followers0, statuses0, ...) hold at `ref_time`."""

    kind: np.ndarray
    is_bot: np.ndarray
    user_id: np.ndarray
    screen_name: list[str]
    name: list[str]
    lang: np.ndarray
    tz_group: np.ndarray
    created: np.ndarray
    ref_time: np.ndarray
    followers0: np.ndarray
    friends0: np.ndarray
    listed0: np.ndarray
    favourites0: np.ndarray
    statuses0: np.ndarray
    statuses_per_day: np.ndarray
    favourites_per_day: np.ndarray
    followers_per_day: np.ndarray
    looks_bot_activity: np.ndarray
    source: np.ndarray
    template: list[str] = field(repr=False)

    def __len__(self) -> int:
        return len(self.is_bot)

    def user_rows(self) -> list[tuple]:
        """Per account, what `render_user` needs, as plain Python values (fast to index)."""
        return list(
            zip(
                self.template,
                self.followers0.tolist(),
                self.followers_per_day.tolist(),
                self.friends0.tolist(),
                self.listed0.tolist(),
                self.favourites0.tolist(),
                self.favourites_per_day.tolist(),
                self.statuses0.tolist(),
                self.statuses_per_day.tolist(),
                self.ref_time.tolist(),
                strict=True,
            )
        )

    def user_json(self, i: int, t: float, dormant_days: float = 0.0) -> str:
        return render_user(self._row(i), t, dormant_days=dormant_days)

    def _row(self, i: int) -> tuple:
        return (
            self.template[i],
            float(self.followers0[i]),
            float(self.followers_per_day[i]),
            int(self.friends0[i]),
            int(self.listed0[i]),
            float(self.favourites0[i]),
            float(self.favourites_per_day[i]),
            float(self.statuses0[i]),
            float(self.statuses_per_day[i]),
            float(self.ref_time[i]),
        )


def render_user(row: tuple, t: float, extra_statuses: int = 0, dormant_days: float = 0.0) -> str:
    """The user object of an account at time t: followers and favourites drift, statuses grow
    with the account's posting rate (not while dormant) plus the tweets written so far."""
    template, f0, f_per_day, friends, listed, fav0, fav_per_day, s0, s_per_day, ref = row
    days = (t - ref) / DAY - dormant_days
    if days < 0:
        days = 0.0
    return template % (
        int(f0 + f_per_day * days),
        friends,
        listed,
        int(fav0 + fav_per_day * days),
        int(s0 + s_per_day * days) + extra_statuses,
    )


def make_accounts(
    rng: np.random.Generator,
    kinds: np.ndarray,
    anchors: np.ndarray,
    home_period: np.ndarray,
    overlap: float,
    taken_ids: set[int],
    taken_names: set[str],
) -> Accounts:
    """Draw accounts of the given kinds; each was created some time before its anchor (epoch s),
    which is also the time their counts refer to."""
    n = len(kinds)
    is_bot = np.array([k.endswith("bot") for k in kinds.tolist()], dtype=bool)
    max_age = np.maximum((anchors - OLDEST_ACCOUNT) / DAY, 2.0)
    traits = draw_traits(rng, is_bot, kinds, overlap, max_age)
    created = anchors - traits.age_days * DAY + rng.uniform(0, DAY, n)
    user_id = user_ids_for(created, rng, taken_ids)
    lang = identity.draw_languages(rng, is_bot, home_period, kinds)
    tz_group = identity.time_zone_group(rng, lang)
    age_noise = np.exp(0.3 * rng.standard_normal(n))
    statuses0 = np.maximum(1, traits.statuses_per_day * traits.age_days * age_noise)
    favourites0 = traits.favourites_per_day * traits.age_days * np.exp(0.3 * rng.standard_normal(n))
    followers_per_day = traits.followers / np.maximum(traits.age_days, 1) * rng.uniform(0.2, 1.5, n)

    # The posting app follows behaviour: bot-like activity posts through automation apps.
    human_p = np.array([w for _, w in SOURCES[:N_HUMAN_SOURCES]])
    bot_p = np.array([w for _, w in SOURCES[N_HUMAN_SOURCES:]])
    looks_bot_activity = traits.looks_bot["activity"]
    source = np.where(
        looks_bot_activity,
        N_HUMAN_SOURCES + rng.choice(len(bot_p), n, p=bot_p / bot_p.sum()),
        rng.choice(len(human_p), n, p=human_p / human_p.sum()),
    )

    names = identity.NameMaker(rng, taken_names)
    screen_names, display_names, templates = [], [], []
    for i in range(n):
        screen_name, name = names.make(int(traits.name_style[i]), str(kinds[i]))
        screen_names.append(screen_name)
        display_names.append(name)
        tz_offset, tz_name = vocab.TIME_ZONES[str(tz_group[i])]
        has_tz = bool(traits.has_time_zone[i])
        domain_pool = vocab.NEWS_DOMAINS["fr" if lang[i] == "fr" else "en"]
        expanded = (
            f"https://{domain_pool[int(rng.integers(len(domain_pool)))]}/{screen_name.lower()}"
            if traits.has_url[i]
            else None
        )
        templates.append(
            user_template(
                user_id=int(user_id[i]),
                name=name,
                screen_name=screen_name,
                location=identity.location_for(rng, str(lang[i]))
                if traits.has_location[i]
                else None,
                description=identity.description_for(rng, str(lang[i]))
                if traits.has_description[i]
                else "",
                url=f"https://t.co/{_tco(rng)}" if expanded else None,
                expanded_url=expanded,
                created_at=float(created[i]),
                utc_offset=tz_offset if has_tz else None,
                time_zone=tz_name if has_tz else None,
                geo_enabled=bool(traits.geo_enabled[i]),
                verified=bool(traits.verified[i]),
                lang="fr" if lang[i] == "fr" else "en",
                default_profile=bool(traits.default_profile[i]),
                default_profile_image=bool(traits.default_image[i]),
                profile_use_background_image=bool(traits.use_background[i]),
                colour=_COLOURS[int(rng.integers(len(_COLOURS)))],
                image_key=int(created[i] * 1000) * 1_000 + int(rng.integers(1000)),
            )
        )
    return Accounts(
        kind=kinds,
        is_bot=is_bot,
        user_id=user_id,
        screen_name=screen_names,
        name=display_names,
        lang=lang,
        tz_group=tz_group,
        created=created,
        ref_time=anchors.astype(float),
        followers0=traits.followers,
        friends0=traits.friends,
        listed0=traits.listed,
        favourites0=favourites0,
        statuses0=statuses0,
        statuses_per_day=traits.statuses_per_day,
        favourites_per_day=traits.favourites_per_day,
        followers_per_day=followers_per_day,
        looks_bot_activity=looks_bot_activity,
        source=source,
        template=templates,
    )


_TCO_CHARS = np.array(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))


def _tco(rng: np.random.Generator) -> str:
    return "".join(rng.choice(_TCO_CHARS, 10))
