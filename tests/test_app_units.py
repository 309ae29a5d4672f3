"""The app's pure parts: number formatting, the queries on a real snapshot file, the charts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
from app_snapshot_factory import (
    REUSED_BOT,
    THRESHOLD,
    TROLLS,
    campaign_tweets,
    publish_test_snapshot,
)

from app import charts, queries
from app import format as fmt
from app.data import SnapshotUnavailable, resolve


@pytest.fixture(scope="module")
def snap(tmp_path_factory: pytest.TempPathFactory):
    publish_dir = tmp_path_factory.mktemp("published")
    publish_test_snapshot(publish_dir)
    return resolve(publish_dir)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, "0"), (1234, "1,234"), (17_000_000, "17,000,000"), (None, "—"), (float("nan"), "—")],
)
def test_counts_have_thousands_separators(value, expected) -> None:
    assert fmt.count(value) == expected


@pytest.mark.parametrize(
    ("share", "expected"), [(0.18, "18.0%"), (0.18349, "18.3%"), (1, "100.0%"), (None, "—")]
)
def test_percentages_have_one_decimal(share, expected) -> None:
    assert fmt.percent(share) == expected


def test_interval_reads_as_estimate_and_bounds() -> None:
    assert fmt.percent_interval(0.183, 0.161, 0.204) == "18.3% (95% CI 16.1–20.4%)"
    assert fmt.percent_interval(0.183, None, 0.2) == "18.3%"


def test_times_and_ages_are_in_utc_words() -> None:
    assert fmt.timestamp(pd.Timestamp("2017-05-05 18:49:31")) == "2017-05-05 18:49 UTC"
    assert fmt.timestamp(pd.Timestamp("2017-05-05 20:49", tz="Europe/Paris")) == (
        "2017-05-05 18:49 UTC"
    )
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert fmt.age("2026-11-28T11:55:00+00:00", now) == "5 minutes ago"
    assert fmt.age("2026-11-26T11:00:00+00:00", now) == "2 days ago"
    assert fmt.days(1) == "1 day" and fmt.days(412.4) == "412 days"


def test_resolve_without_a_snapshot_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(SnapshotUnavailable, match="make run"):
        resolve(tmp_path / "nothing-published")


def test_campaigns_come_most_tweeted_first(snap) -> None:
    assert list(queries.campaigns(snap)["campaign_id"]) == ["macronleaks", "us2016", "quietcamp"]


def test_account_search_by_name_id_and_prefix(snap) -> None:
    assert list(queries.find_accounts(snap, "@Reused_Bot")["user_id"]) == [REUSED_BOT]
    assert list(queries.find_accounts(snap, REUSED_BOT)["user_id"]) == [REUSED_BOT]
    prefix = queries.find_accounts(snap, "acct_1")
    assert len(prefix) > 1 and prefix["screen_name"].str.startswith("acct_1").all()
    assert queries.find_accounts(snap, "   ").empty


@pytest.mark.parametrize("hostile", ["' OR '1'='1", "x'; DROP TABLE dim_accounts; --", "%", "_"])
def test_search_text_is_a_value_not_sql(snap, hostile: str) -> None:
    assert queries.find_accounts(snap, hostile).empty
    assert snap.query("SELECT count(*) AS n FROM dim_accounts")["n"][0] == 60


def test_account_views_agree_with_the_tables(snap) -> None:
    profile = queries.account(snap, REUSED_BOT)
    assert profile["account_class"] == "bot"
    taken = queries.account_campaigns(snap, REUSED_BOT)
    assert set(taken["campaign_id"]) == {"us2016", "macronleaks"}
    daily = queries.account_daily_activity(snap, REUSED_BOT)
    assert daily["tweets"].sum() == profile["tweets_collected"]
    silence = queries.account_dormancy(snap, REUSED_BOT)
    # its last 2016 tweet and first 2017 tweet bound the longest silence
    assert silence["silent_from"] == taken.set_index("campaign_id").loc["us2016", "last_tweet_at"]
    assert (
        silence["silent_until"]
        == taken.set_index("campaign_id").loc["macronleaks", "first_tweet_at"]
    )
    assert queries.account(snap, "no-such-account") is None


def test_reasons_parse_and_survive_bad_json() -> None:
    parsed = queries.reasons('[{"feature": "age", "value": 3, "contribution": -0.2}]')
    assert parsed.to_dict("records") == [{"feature": "age", "value": 3, "contribution": -0.2}]
    assert queries.reasons("not json").empty
    assert queries.reasons(None).empty
    assert queries.reasons('[{"no": "feature"}]').empty


def test_lists_rank_the_campaign_accounts(snap) -> None:
    bots = queries.most_active_bots(snap, "macronleaks")
    assert bots["tweets"].is_monotonic_decreasing
    expected = snap.query(
        "SELECT max(tweets) AS n FROM fct_account_campaign_activity "
        "WHERE campaign_id = 'macronleaks' AND account_class = 'bot'"
    )["n"][0]
    assert bots["tweets"].iloc[0] == expected
    amplified = queries.most_amplified(snap, "macronleaks")
    assert list(amplified["rank"]) == list(range(1, len(amplified) + 1))
    assert amplified["retweets_from_bots"].is_monotonic_decreasing
    assert queries.most_active_bots(snap, "quietcamp").empty


def test_interval_sensitivity_and_threshold(snap) -> None:
    interval = queries.bot_share_interval(snap, "macronleaks")
    assert interval["ci_low"] < interval["estimate"] < interval["ci_high"]
    curve = queries.threshold_sensitivity(snap, "macronleaks")
    assert curve.sort_values("threshold")["bot_share"].is_monotonic_decreasing
    assert queries.threshold_in_use(snap) == (
        THRESHOLD,
        "fct_promoter_threshold_sensitivity.classifier_threshold",
    )


def test_threshold_falls_back_to_the_lowest_bot_score(tmp_path: Path) -> None:
    publish_test_snapshot(
        tmp_path, omit=("fct_promoter_threshold_sensitivity", "bot_share_intervals")
    )
    older = resolve(tmp_path)
    lowest = older.query("SELECT min(bot_score) AS s FROM dim_accounts WHERE is_bot")["s"][0]
    threshold, source = queries.threshold_in_use(older)
    assert threshold == pytest.approx(lowest) and "lowest score" in source


def test_coordinated_group_network(snap) -> None:
    group = queries.campaign_table(snap, "coordination_groups", "macronleaks").iloc[0].to_dict()
    nodes, edges = queries.group_network(snap, group)
    assert sorted(nodes["user_id"]) == sorted(TROLLS)
    assert len(edges) == len(TROLLS) * (len(TROLLS) - 1) // 2
    assert queries.coordinated_account_count(snap, "macronleaks") == len(TROLLS)
    assert queries.coordinated_account_count(snap, "us2016") == 0
    chart = charts.network(nodes, edges)
    assert isinstance(chart, alt.LayerChart)
    assert len(chart.to_dict()["layer"]) == 2


def test_quality_lists_failures_first(snap) -> None:
    checks = queries.quality_checks(snap)
    assert checks["passed"].iloc[0] == False  # noqa: E712 (a numpy bool)
    assert set(queries.rejected_by_reason(snap)["reason"]) == {"malformed_json", "missing_id"}
    gaps = queries.collection_gaps(snap).set_index("campaign_id")
    assert gaps.loc["macronleaks", "missed_tweets"] == 57


def test_charts_encode_classes_and_events(snap) -> None:
    hourly = queries.hourly_activity(snap, "macronleaks")
    events = queries.campaign_events(snap, "macronleaks")
    spec = charts.hourly_activity(hourly, events).to_dict()
    assert len(spec["layer"]) == 3  # lines, event rules, event labels
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["bot", "human", "unscored"]
    no_events = charts.hourly_activity(hourly, events.iloc[0:0]).to_dict()
    assert len(no_events["layer"]) == 1
    languages = queries.languages(snap, "macronleaks", top=2)
    assert set(languages["lang"]) == {"en", "fr", "other"}
    assert languages["share_of_campaign"].sum() == pytest.approx(1.0)
    charts.language_split(languages).to_dict()


def test_reused_bots_of_a_campaign(snap) -> None:
    reused = queries.reused_accounts(snap, "macronleaks")
    assert REUSED_BOT in set(reused["user_id"])
    assert (reused["dormant_days"] >= 90).all()
    summary = queries.reuse_summary(snap, "macronleaks")
    assert summary["reused_accounts"].iloc[0] == len(reused)
    assert queries.reused_accounts(snap, "us2016").empty


def test_a_render_keeps_its_snapshot_while_newer_ones_are_published(tmp_path: Path) -> None:
    publish_test_snapshot(tmp_path, generation=0)
    first = resolve(tmp_path)
    for generation in range(1, 5):  # enough publishes for the first folder to be pruned
        publish_test_snapshot(tmp_path, generation=generation)
    assert not first.folder.exists()
    tweets = "SELECT tweets FROM fct_campaign_summary WHERE campaign_id = 'macronleaks'"
    assert first.query(tweets)["tweets"][0] == campaign_tweets(0)
    latest = resolve(tmp_path)
    assert latest.query(tweets)["tweets"][0] == campaign_tweets(4)
    assert latest.manifest["run_id"] == "test-run-4"


def test_the_sidebar_says_which_collection_a_snapshot_shows() -> None:
    from app.ui import collection_label

    label = collection_label({"collection": "my-tweets-1a2b3c4d", "landing_dir": "/data/my-tweets"})
    assert "my-tweets-1a2b3c4d" in label and "/data/my-tweets" in label
    assert "not recorded" in collection_label({})
