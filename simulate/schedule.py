"""How many tweets land in each hour, and how many of them are campaign tweets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from simulate.config import (
    BLACKOUT_END,
    DEBATE_AT,
    ELECTION_DAY_AT,
    FBI_LETTER_AT,
    LEAK_AT,
    PERIODS,
    Period,
)

# Relative human activity by local hour of day (quiet at night, peak in the evening).
DIURNAL = np.array(
    [
        0.35,
        0.2,
        0.12,
        0.08,
        0.08,
        0.12,
        0.3,
        0.6,
        0.85,
        0.95,
        1.0,
        1.0,
        1.05,
        1.0,
        0.95,
        0.95,
        1.0,
        1.05,
        1.15,
        1.25,
        1.35,
        1.3,
        1.0,
        0.65,
    ]
)


def diurnal(utc_hour: int, offset_hours: float) -> float:
    return float(DIURNAL[int(utc_hour + offset_hours) % 24])


def _hours(period: Period) -> list[datetime]:
    return [period.start + timedelta(hours=h) for h in range(period.hours)]


Rhythm = tuple[np.ndarray, np.ndarray]  # campaign and off-campaign activity by UTC hour, mean 1


def default_rhythm(period: Period) -> Rhythm:
    """People of both sides of the Atlantic, a third of the activity round the clock."""
    offsets = (2, -4) if period.campaign_id == "macronleaks" else (-4, -4)
    people = np.array([np.mean([diurnal(h, o) for o in offsets]) for h in range(24)])
    rhythm = 1 / 3 + 2 / 3 * people / people.mean()
    return rhythm, rhythm


def intensities(period: Period, rhythm: Rhythm | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Relative campaign and off-campaign volume per hour of `period`: the event-driven level
    times the population's activity at that hour of the day."""
    campaign_rhythm, off_rhythm = rhythm if rhythm is not None else default_rhythm(period)
    campaign, off = [], []
    for t in _hours(period):
        if period.campaign_id == "macronleaks":
            hours_since_leak = (t - LEAK_AT.replace(minute=0)).total_seconds() / 3600
            if hours_since_leak >= 1:
                level = (
                    30.0 if hours_since_leak < 6 else 4 + 26 * np.exp(-(hours_since_leak - 6) / 24)
                )
            elif hours_since_leak >= 0:
                level = 6.0
            elif t >= DEBATE_AT:
                level = 2.5
            else:
                level = 1.0
            campaign.append(level * campaign_rhythm[t.hour])
            results = 3.0 if BLACKOUT_END <= t < BLACKOUT_END + timedelta(hours=6) else 1.0
            off.append(3.0 * off_rhythm[t.hour] * results)
        else:
            progress = (t - period.start).total_seconds() / (
                period.end - period.start
            ).total_seconds()
            level = 1.0 + 2.0 * progress
            since_letter = (t - FBI_LETTER_AT).total_seconds() / 3600
            if 0 <= since_letter < 48:
                level += 4.0 * np.exp(-since_letter / 16)
            since_polls_open = (t - ELECTION_DAY_AT).total_seconds() / 3600
            if 12 <= since_polls_open < 21:
                level *= 5.0
            campaign.append(level * campaign_rhythm[t.hour])
            off.append(2.0 * off_rhythm[t.hour])
    return np.array(campaign), np.array(off)


def split_exactly(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to `weights` that sum to `total` (largest remainder)."""
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(np.int64)
    short = total - int(out.sum())
    if short:
        out[np.argsort(-(raw - out), kind="stable")[:short]] += 1
    return out


@dataclass
class HourPlan:
    """Tweets per hour of one period and how many are campaign tweets."""

    period: Period
    totals: np.ndarray
    campaign: np.ndarray

    @property
    def starts(self) -> list[float]:
        return [t.timestamp() for t in _hours(self.period)]


def plan_hours(tweets: int, rhythms: dict[str, Rhythm] | None = None) -> list[HourPlan]:
    """Split `tweets` over the periods and their hours (`rhythms` by campaign id: the
    population's activity by hour of the day; a default one without)."""
    per_period = split_exactly(tweets, np.array([p.share_of_tweets for p in PERIODS]))
    plans = []
    for period, n in zip(PERIODS, per_period.tolist(), strict=True):
        campaign_w, off_w = intensities(period, (rhythms or {}).get(period.campaign_id))
        totals = split_exactly(n, campaign_w + off_w)
        campaign = np.round(totals * campaign_w / (campaign_w + off_w)).astype(np.int64)
        plans.append(HourPlan(period, totals, campaign))
    return plans


def allocate_with_capacity(rng: np.random.Generator, n: int, capacity: np.ndarray) -> np.ndarray:
    """n items spread over slots in proportion to capacity, never above it."""
    if n > capacity.sum():
        raise ValueError(f"cannot place {n} items in a capacity of {int(capacity.sum())}")
    counts = rng.multinomial(n, capacity / capacity.sum())
    while (over := counts - capacity).max() > 0:
        excess = int(np.clip(over, 0, None).sum())
        counts = np.minimum(counts, capacity)
        room = capacity - counts
        counts += rng.multinomial(excess, room / room.sum())
    return counts
