"""Snapshots for the app's tests, all from a real pipeline run (the ``pipeline_snapshot`` fixture):
nothing here writes a table by hand.

``republish`` publishes a copy of the run's snapshot with the pipeline's own publish step, so a
test can have several snapshots in its own folder; ``generation`` adds that many tweets to each
campaign's headline count (and only there), so a render can be traced to the snapshot it came from
while every other number stays the run's."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from botwatch import snapshot


def current_database(publish_dir: Path) -> Path:
    return snapshot.current_dir(publish_dir) / snapshot.DATABASE


def republish(source_publish_dir: Path, publish_dir: Path, generation: int = 0) -> Path:
    """Publish a copy of the snapshot in force in ``source_publish_dir`` into ``publish_dir``
    (with the reports written beside it); returns the new snapshot's folder."""
    source = snapshot.current_dir(source_publish_dir)
    manifest = snapshot.read_manifest(source)

    def write(folder: Path) -> dict:
        for item in source.iterdir():
            if item.name == snapshot.MANIFEST:
                continue
            if item.is_dir():
                shutil.copytree(item, folder / item.name)
            else:
                shutil.copyfile(item, folder / item.name)
        if generation:
            with duckdb.connect(str(folder / snapshot.DATABASE)) as con:
                con.execute("UPDATE fct_campaign_summary SET tweets = tweets + ?", [generation])
        kept = {k: v for k, v in manifest.items() if k not in ("snapshot_id", "published_at")}
        kept.pop("run_id", None)  # publish() records this copy's own
        return kept

    reports = source_publish_dir / snapshot.REPORTS
    if reports.is_dir() and not (publish_dir / snapshot.REPORTS).exists():
        shutil.copytree(reports, publish_dir / snapshot.REPORTS)
    return snapshot.publish(publish_dir, write, run_id=f"test-run-{generation}")


def campaign_tweets(publish_dir: Path, campaign_id: str) -> int:
    with duckdb.connect(str(current_database(publish_dir)), read_only=True) as con:
        return con.execute(
            "SELECT tweets FROM fct_campaign_summary WHERE campaign_id = ?", [campaign_id]
        ).fetchone()[0]


def busiest_campaign_and_top_bot(publish_dir: Path) -> tuple[str, int, str, float]:
    """From a published snapshot: the campaign with most tweets, its tweets, and the screen name
    and score of the most active bot (what the app tests look for)."""
    with duckdb.connect(str(current_database(publish_dir)), read_only=True) as con:
        campaign_id, tweets = con.execute(
            "SELECT campaign_id, tweets FROM fct_campaign_summary "
            "ORDER BY tweets DESC, campaign_id LIMIT 1"
        ).fetchone()
        screen_name, bot_score = con.execute(
            "SELECT screen_name, bot_score FROM dim_accounts WHERE account_class = 'bot' "
            "AND screen_name IS NOT NULL ORDER BY tweets_collected DESC, user_id LIMIT 1"
        ).fetchone()
    return campaign_id, tweets, screen_name, bot_score


def one(publish_dir: Path, sql: str, params: list | None = None):
    """The first row of a query on the snapshot in force (the tests' independent reading)."""
    with duckdb.connect(str(current_database(publish_dir)), read_only=True) as con:
        return con.execute(sql, params or []).fetchone()
