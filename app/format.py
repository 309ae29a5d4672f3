"""Numbers and times written for people: thousands separators, percentages with one decimal."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import pandas as pd

MISSING = "—"


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def count(value: Any) -> str:
    """12345 -> '12,345'."""
    if is_missing(value):
        return MISSING
    return f"{round(float(value)):,}"


def percent(share: Any) -> str:
    """A share in [0, 1] as a percentage with one decimal: 0.1834 -> '18.3%'."""
    if is_missing(share):
        return MISSING
    return f"{100 * float(share):.1f}%"


def percent_interval(estimate: Any, low: Any, high: Any, confidence: float = 0.95) -> str:
    """'18.3% (95% CI 16.1–20.4%)', or the estimate alone when the interval is missing."""
    if is_missing(low) or is_missing(high):
        return percent(estimate)
    return (
        f"{percent(estimate)} ({round(100 * confidence)}% CI "
        f"{100 * float(low):.1f}–{100 * float(high):.1f}%)"
    )


def score(value: Any) -> str:
    """A bot score (a probability) with two decimals."""
    if is_missing(value):
        return MISSING
    return f"{float(value):.2f}"


def timestamp(value: Any) -> str:
    """A UTC time to the minute: '2017-05-05 18:49 UTC'."""
    if is_missing(value):
        return MISSING
    moment = pd.Timestamp(value)
    if moment.tzinfo is not None:
        moment = moment.tz_convert("UTC")
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def date(value: Any) -> str:
    if is_missing(value):
        return MISSING
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def days(value: Any) -> str:
    """A duration in days: 1 -> '1 day', 412 -> '412 days'."""
    if is_missing(value):
        return MISSING
    number = round(float(value))
    return f"{number:,} day" if number == 1 else f"{number:,} days"


def age(published_at: Any, now: datetime | None = None) -> str:
    """How long ago a UTC time was, roughly: '5 minutes ago', '3 hours ago', '2 days ago'."""
    if is_missing(published_at):
        return MISSING
    moment = pd.Timestamp(published_at)
    if moment.tzinfo is None:
        moment = moment.tz_localize("UTC")
    reference = pd.Timestamp(now) if now is not None else pd.Timestamp.now(tz="UTC")
    if reference.tzinfo is None:
        reference = reference.tz_localize("UTC")
    seconds = max(0.0, (reference - moment).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            amount = int(seconds // size)
            return f"{amount} {unit}{'s' if amount != 1 else ''} ago"
    return "just now"
