"""Which tweet timestamps are possible: one definition for the SQL (v1.1) and Python (v2) paths."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from botwatch.schema import TWITTER_BIRTH

# Collector clocks drift; a tweet stamped slightly ahead of the ingesting machine is still real.
FUTURE_TOLERANCE = timedelta(days=1)


def latest_possible(now: datetime | None = None) -> datetime:
    """The newest timestamp accepted when ingesting at ``now`` (naive UTC)."""
    now = now or datetime.now(UTC)
    return now.replace(tzinfo=None) + FUTURE_TOLERANCE


def timestamp_problem(value: datetime | None, latest: datetime) -> tuple[str, str] | None:
    """``(reason, detail)`` when a created_at (naive UTC; None: unparseable) is impossible."""
    if value is None:
        return "unparseable_timestamp", "created_at is missing or not a timestamp"
    if value < TWITTER_BIRTH:
        return (
            "timestamp_before_twitter",
            f"created_at {value} is before Twitter existed ({TWITTER_BIRTH:%Y-%m-%d})",
        )
    if value > latest:
        return "timestamp_in_future", f"created_at {value} is after the ingestion time"
    return None
