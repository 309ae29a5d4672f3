"""The app's pure parts and its queries, on the snapshot a real pipeline run published: number
formatting, what each query returns against an independent reading of the same tables, the
charts, and the contract the app holds a snapshot to."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import altair as alt
import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pipeline_snapshots import current_database, one, republish

from app import charts, queries
from app import format as fmt
from app.data import SnapshotIncompatible, SnapshotUnavailable, resolve
from botwatch import readable, snapshot


@pytest.fixture(scope="module")
def publish_dir(pipeline_snapshot) -> Path:
    return pipeline_snapshot.publish_dir


@pytest.fixture(scope="module")
def snap(publish_dir):
    return resolve(publish_dir)


@pytest.fixture(scope="module")
def campaign_id(snap) -> str:
    return queries.campaigns(snap)["campaign_id"].iloc[0]


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


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (-0.8, "in the same hour as “leak posted”"),
        (0.0, "1 minute after “leak posted”"),
        (0.18, "11 minutes after “leak posted”"),
        (1.0, "1 hour after “leak posted”"),
        (5.5, "5.5 hours after “leak posted”"),
        (72.0, "3 days after “leak posted”"),
    ],
)
def test_the_peak_is_placed_after_its_event_in_words_never_zero_hours(hours, expected) -> None:
    assert readable.after_event(hours, "leak posted") == expected


def test_languages_have_names() -> None:
    assert readable.language_name("fr") == "French"
    assert readable.language_name(None) == "undetermined"
    assert readable.language_name("xx") == "xx"


def test_features_are_shown_in_words() -> None:
    assert readable.feature_label("followers_per_friend") == "Followers per friend"
    assert readable.feature_label("default_profile_image") == "Default profile image"
    assert readable.feature_value(0.123456) == "0.123"
    assert readable.feature_value(12345.0) == "12,345"
    assert readable.feature_value(True) == "yes"


def test_resolve_without_a_snapshot_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(SnapshotUnavailable, match="make run"):
        resolve(tmp_path / "nothing-published")


def test_a_snapshot_that_breaks_the_contract_is_refused_by_name(publish_dir, tmp_path) -> None:
    copy = republish(publish_dir, tmp_path)
    with duckdb.connect(str(copy / snapshot.DATABASE)) as con:
        con.execute("ALTER TABLE calibration_curve RENAME COLUMN observed_rate TO fraction_pos")
    with pytest.raises(SnapshotIncompatible, match=r"calibration_curve\.observed_rate is missing"):
        resolve(tmp_path)


def test_campaigns_come_most_tweeted_first(snap, publish_dir) -> None:
    shown = list(queries.campaigns(snap)["campaign_id"])
    with duckdb.connect(str(current_database(publish_dir)), read_only=True) as con:
        counts = dict(
            con.execute("SELECT campaign_id, tweets FROM fct_campaign_summary").fetchall()
        )
    assert set(shown) == set(counts) and len(shown) >= 2
    assert [counts[c] for c in shown] == sorted(counts.values(), reverse=True)


def test_account_search_by_name_id_and_part_of_the_name(snap, publish_dir) -> None:
    user_id, name = one(
        publish_dir,
        "SELECT user_id, screen_name FROM dim_accounts WHERE length(screen_name) >= 6 "
        "ORDER BY tweets_collected DESC, user_id LIMIT 1",
    )
    assert list(queries.find_accounts(snap, f"@{name.upper()}")["user_id"]) == [user_id]
    assert list(queries.find_accounts(snap, user_id)["user_id"]) == [user_id]
    middle = name[2:-2].lower()
    found = queries.find_accounts(snap, middle)
    assert user_id in set(found["user_id"]) or len(found) == 20
    assert found["screen_name"].str.lower().str.contains(middle, regex=False).all()
    assert queries.find_accounts(snap, "   ").empty


@pytest.mark.parametrize("hostile", ["' OR '1'='1", "x'; DROP TABLE dim_accounts; --", "%", "_"])
def test_search_text_is_a_value_not_sql(snap, publish_dir, hostile: str) -> None:
    found = queries.find_accounts(snap, hostile)
    # matched literally ('%' and '_' are not patterns): names that contain the text, if any
    assert found["screen_name"].str.contains(hostile, regex=False).all()
    if "'" in hostile:
        assert found.empty
    (accounts,) = one(publish_dir, "SELECT count(*) FROM dim_accounts")
    assert snap.query("SELECT count(*) AS n FROM dim_accounts")["n"][0] == accounts


def test_a_reused_bot_account_page_agrees_with_the_tables(snap, publish_dir) -> None:
    user_id, earlier, later, days = one(
        publish_dir,
        "SELECT user_id, earlier_campaign_id, later_campaign_id, dormant_days "
        "FROM fct_reused_bots WHERE is_reused_bot ORDER BY dormant_days DESC, user_id LIMIT 1",
    )
    profile = queries.account(snap, user_id)
    taken = queries.account_campaigns(snap, user_id)
    assert {earlier, later} <= set(taken["campaign_id"])
    daily = queries.account_daily_activity(snap, user_id)
    assert daily["tweets"].sum() == profile["tweets_collected"]
    # its longest silence is at least the dormancy that made it a reused bot
    assert profile["longest_silence_days"] >= days
    assert len(queries.account_sample_tweets(snap, user_id)) == min(5, profile["tweets_collected"])
    assert queries.account(snap, "no-such-account") is None


def test_reasons_parse_and_survive_bad_json() -> None:
    parsed = queries.reasons('[{"feature": "age", "value": 3, "contribution": -0.2}]')
    assert parsed.to_dict("records") == [{"feature": "age", "value": 3, "contribution": -0.2}]
    assert queries.reasons("not json").empty
    assert queries.reasons(None).empty
    assert queries.reasons('[{"no": "feature"}]').empty


def test_lists_are_sorted_by_their_meaning(snap, publish_dir, campaign_id) -> None:
    bots = queries.most_active_bots(snap, campaign_id)
    assert bots["tweets"].is_monotonic_decreasing
    (most,) = one(
        publish_dir,
        "SELECT max(tweets) FROM fct_account_campaign_activity "
        "WHERE campaign_id = ? AND account_class = 'bot'",
        [campaign_id],
    )
    assert bots["tweets"].iloc[0] == most
    amplified = queries.most_amplified(snap, campaign_id)
    assert list(amplified["rank"]) == list(range(1, len(amplified) + 1))
    assert amplified["retweets_from_bots"].is_monotonic_decreasing
    domains = queries.amplified_domains(snap, campaign_id)
    assert list(domains["rank"]) == sorted(domains["rank"])


def test_interval_threshold_and_curve(snap, publish_dir, campaign_id) -> None:
    interval = queries.bot_share_interval(snap, campaign_id)
    assert interval["ci_low"] <= interval["estimate"] <= interval["ci_high"]
    (threshold,) = one(publish_dir, "SELECT min(bot_score) FROM dim_accounts WHERE is_bot")
    assert queries.threshold_in_use(snap) <= threshold
    curve = queries.threshold_sensitivity(snap, campaign_id)
    assert curve["bot_share"].is_monotonic_decreasing


def test_events_come_in_time_order(snap, campaign_id) -> None:
    events = queries.campaign_events(snap, campaign_id)
    assert len(events) >= 2 and events["event_at"].is_monotonic_increasing


def test_language_tiles_are_the_campaigns_own_languages(snap, publish_dir) -> None:
    for campaign_id in queries.campaigns(snap)["campaign_id"]:
        summary = queries.campaign_summary(snap, campaign_id)
        with duckdb.connect(str(current_database(publish_dir)), read_only=True) as con:
            ranked = con.execute(
                "SELECT lang, sum(tweets) FROM fct_campaign_languages WHERE campaign_id = ? "
                "GROUP BY lang ORDER BY 2 DESC, 1 LIMIT 2",
                [campaign_id],
            ).fetchall()
        assert (summary["top_language"], summary["top_language_tweets"]) == ranked[0]
        assert (summary["second_language"], summary["second_language_tweets"]) == ranked[1]


def test_coordination_counts_accounts_once_and_labels_groups_uniquely(
    snap, publish_dir, campaign_id
) -> None:
    groups = queries.coordination_groups(snap, campaign_id)
    assert len(groups) > 0 and groups["group_label"].is_unique
    assert set(groups["group_label"].str.extract(r"^(Co-retweet|Synchronised) group \d+$")[0])
    counted = queries.coordination_summary(snap, campaign_id)
    (distinct,) = one(
        publish_dir,
        "SELECT count(DISTINCT user_id) FROM coordination_members WHERE campaign_id = ?",
        [campaign_id],
    )
    assert counted["accounts_in_groups"] == distinct
    assert counted["groups"] == len(groups)
    largest = groups.iloc[0].to_dict()
    nodes, edges = queries.group_network(snap, largest)
    assert len(nodes) == largest["size"]
    assert set(edges["user_a"]) | set(edges["user_b"]) <= set(nodes["user_id"])
    chart = charts.network(nodes, edges)
    assert isinstance(chart, alt.LayerChart) and len(chart.to_dict()["layer"]) == 2


def test_reused_bots_table_lists_reused_bots_only_longest_silent_first(
    snap, publish_dir, campaign_id
) -> None:
    bots = queries.reused_bots(snap, campaign_id)
    (expected,) = one(
        publish_dir,
        "SELECT count(*) FROM fct_reused_bots WHERE later_campaign_id = ? AND is_reused_bot",
        [campaign_id],
    )
    assert len(bots) == expected > 0
    assert bots["dormant_days"].is_monotonic_decreasing
    shown = [c for c in bots.columns if c != "user_id"]  # the page links the id instead
    assert len(shown) <= 7
    summary = queries.reuse_summary(snap, campaign_id)
    assert summary["reused_bots"].sum() == expected
    reused = queries.reused_accounts(snap, campaign_id)
    assert summary["reused_accounts"].sum() == len(reused)


def test_model_page_tables(snap) -> None:
    distribution = queries.score_distribution(snap)
    assert (
        distribution["accounts"].sum()
        == snap.query("SELECT count(*) AS n FROM dim_accounts WHERE bot_score IS NOT NULL")["n"][0]
    )
    assert (distribution["bin_high"] - distribution["bin_low"]).round(9).eq(0.05).all()
    charts.score_histogram(distribution, queries.threshold_in_use(snap)).to_dict()
    evaluation = queries.classifier_evaluation(snap)
    assert len(evaluation) > 0 and evaluation["auc"].between(0, 1).all()
    charts.calibration(queries.calibration_curve(snap)).to_dict()


def test_quality_lists_failures_first(snap) -> None:
    checks = queries.quality_checks(snap)
    order = checks["passed"].map({False: 0, None: 1, True: 2}).fillna(1)
    assert order.is_monotonic_increasing and len(checks) > 0
    rejected = queries.rejected_by_reason(snap)
    assert rejected["records"].is_monotonic_decreasing
    gaps = queries.collection_gaps(snap)
    for row in gaps.itertuples():
        total = row.tweets + row.missed_tweets
        assert row.missed_share == pytest.approx(row.missed_tweets / total) if total else True


def test_charts_encode_classes_and_events(snap, campaign_id) -> None:
    hourly = queries.hourly_activity(snap, campaign_id)
    events = queries.campaign_events(snap, campaign_id)
    spec = charts.hourly_activity(hourly, events).to_dict()
    assert len(spec["layer"]) == 3  # lines, event rules, event labels
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["bot", "human", "unscored"]
    assert len(charts.hourly_activity(hourly, events.iloc[0:0]).to_dict()["layer"]) == 1
    languages = queries.languages(snap, campaign_id, top=2)
    assert len(set(languages["lang"])) == 3 and "other" in set(languages["lang"])
    assert languages["share_of_campaign"].sum() == pytest.approx(1.0)
    charts.language_split(languages).to_dict()


def test_no_creation_month_spikes_at_a_floor_date(snap, campaign_id) -> None:
    cohorts = queries.creation_cohorts(snap, campaign_id)
    per_month = cohorts.groupby("cohort_month")["promoters"].sum()
    floor = per_month.get(pd.Timestamp("2007-01-01"), 0)
    assert floor <= 3 * per_month[per_month.index.year < 2016].median(), per_month.head(6)


def test_a_render_keeps_its_snapshot_while_newer_ones_are_published(
    publish_dir, tmp_path, campaign_id
) -> None:
    base = one(
        publish_dir, "SELECT tweets FROM fct_campaign_summary WHERE campaign_id = ?", [campaign_id]
    )[0]
    republish(publish_dir, tmp_path, generation=0)
    first = resolve(tmp_path)
    for generation in range(1, 5):  # enough publishes for the first folder to be pruned
        republish(publish_dir, tmp_path, generation=generation)
    assert not first.folder.exists()
    tweets = "SELECT tweets FROM fct_campaign_summary WHERE campaign_id = ?"
    assert first.query(tweets, [campaign_id])["tweets"][0] == base
    latest = resolve(tmp_path)
    assert latest.query(tweets, [campaign_id])["tweets"][0] == base + 4
    assert latest.manifest["run_id"] == "test-run-4"
    shutil.rmtree(tmp_path / snapshot.SNAPSHOTS)


def test_the_sidebar_says_which_collection_a_snapshot_shows() -> None:
    from app.ui import collection_label

    label = collection_label({"collection": "my-tweets-1a2b3c4d", "landing_dir": "/data/my-tweets"})
    assert "my-tweets-1a2b3c4d" in label and "/data/my-tweets" in label
    assert "not recorded" in collection_label({})


# --- the reader's input: the search box and the URL parameters, generated ---------------------

INPUT_EXAMPLES = settings(
    max_examples=int(os.environ.get("BOTWATCH_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)
reader_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(["\x00", "@", "%", "_", "'", '"', "\\", "\n", "é", "𝄞"])),
    st.integers(0, 10_000).map(lambda n: "x" * n + "@"),
)


@INPUT_EXAMPLES
@given(reader_text)
def test_reader_input_is_cut_to_the_limit_without_control_characters(text: str) -> None:
    from app import ui

    cleaned = ui.clean_input(text)
    assert len(cleaned) <= ui.MAX_INPUT_CHARS
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in cleaned)
    assert ui.clean_input(cleaned) == cleaned
    assert cleaned == cleaned.strip()


@INPUT_EXAMPLES
@given(reader_text)
def test_account_search_never_raises_on_any_text(snap, text: str) -> None:
    from app import ui

    for needle in (text, ui.clean_input(text)):
        found = queries.find_accounts(snap, needle)
        assert len(found) <= 20
        assert list(found.columns) == queries.ACCOUNT_COLUMNS.split(", ")
        wanted = queries.search_needle(needle).lower()
        assert all(
            wanted in (n or "").lower() or u == wanted
            for n, u in found[["screen_name", "user_id"]].itertuples(index=False)
        )
