"""Twitter time formats and ids: `created_at` strings, snowflake ids, user ids by creation date."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np

TWITTER_EPOCH_MS = 1288834974657
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Sequential user ids before snowflakes: (creation date, approximate id then).
_USER_ID_ANCHORS = [
    (datetime(2006, 3, 1, tzinfo=UTC), 1),
    (datetime(2007, 1, 1, tzinfo=UTC), 600_000),
    (datetime(2008, 1, 1, tzinfo=UTC), 11_000_000),
    (datetime(2009, 1, 1, tzinfo=UTC), 18_000_000),
    (datetime(2010, 1, 1, tzinfo=UTC), 100_000_000),
    (datetime(2011, 1, 1, tzinfo=UTC), 230_000_000),
    (datetime(2012, 1, 1, tzinfo=UTC), 450_000_000),
    (datetime(2013, 1, 1, tzinfo=UTC), 1_050_000_000),
    (datetime(2014, 1, 1, tzinfo=UTC), 2_270_000_000),
    (datetime(2015, 1, 1, tzinfo=UTC), 2_960_000_000),
    (datetime(2016, 1, 1, tzinfo=UTC), 4_700_000_000),
]
SNOWFLAKE_USERS_FROM = _USER_ID_ANCHORS[-1][0].timestamp()


@lru_cache(maxsize=4096)
def _hour_parts(hour: int) -> tuple[str, str]:
    t = time.gmtime(hour * 3600)
    return (
        f"{_DAYS[t.tm_wday]} {_MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} {t.tm_hour:02d}:",
        f" +0000 {t.tm_year}",
    )


def twitter_time(epoch_seconds: float) -> str:
    """``Wed Jun 05 21:43:20 +0000 2019`` (locale-independent)."""
    seconds = int(epoch_seconds)
    head, tail = _hour_parts(seconds // 3600)
    minute, second = divmod(seconds % 3600, 60)
    return f"{head}{minute:02d}:{second:02d}{tail}"


def snowflake(epoch_ms: int, low_bits: int) -> int:
    """A snowflake id: milliseconds since Twitter's epoch in the high bits, 22 free low bits."""
    return ((epoch_ms - TWITTER_EPOCH_MS) << 22) | (low_bits & 0x3FFFFF)


def user_ids_for(created: np.ndarray, rng: np.random.Generator, taken: set[int]) -> np.ndarray:
    """Realistic, unique user ids for accounts created at `created` (epoch seconds): older
    accounts get smaller sequential ids, accounts from 2016 on get snowflakes."""
    anchor_t = np.array([a[0].timestamp() for a in _USER_ID_ANCHORS])
    anchor_id = np.array([a[1] for a in _USER_ID_ANCHORS], dtype=float)
    ids = np.empty(len(created), dtype=np.int64)
    jitter = rng.integers(0, 4096, size=len(created))
    for i, (t, j) in enumerate(zip(created.tolist(), jitter.tolist(), strict=True)):
        if t >= SNOWFLAKE_USERS_FROM:
            candidate = snowflake(int(t * 1000), j << 10)
        else:
            candidate = int(np.interp(t, anchor_t, anchor_id)) + j
        while candidate in taken:
            candidate += 1
        taken.add(candidate)
        ids[i] = candidate
    return ids
