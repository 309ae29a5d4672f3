"""Who answers for what in the Dagster UI, and how fresh the marts are expected to be.

Assets carry ``owners``; Dagster 1.13's asset checks have no owners field, so a check names its
owner in its metadata (``CHECK_OWNER``), beside its description."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

DATA_TEAM = "team:botwatch-data"  # ingest, dbt models and tests, Great Expectations suites
MODEL_TEAM = "team:botwatch-model"  # the classifier, its scores and its held-out check
CHECK_OWNER = "owner"

# The daily_full_refresh schedule rebuilds everything at 03:00 UTC: a mart older than a day has
# missed one refresh (warn), older than a day and a half two at most (fail).
MARTS_FRESHNESS = dg.FreshnessPolicy.time_window(
    fail_window=timedelta(hours=36), warn_window=timedelta(hours=25)
)


def check_metadata(owner: str) -> dict[str, str]:
    """The static metadata of a check owned by ``owner``."""
    return {CHECK_OWNER: owner}
