"""Every page of the app, run by Streamlit's AppTest on the snapshot a real pipeline run
published: the numbers it shows are the snapshot's, deep links work, readers see plain labels,
and bad input gets a message, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from pipeline_snapshots import busiest_campaign_and_top_bot, one, republish
from streamlit.testing.v1 import AppTest

from app import format as fmt
from botwatch import snapshot
from botwatch.paths import PROJECT_ROOT
from botwatch.readable import language_name

ENTRY = PROJECT_ROOT / "app" / "streamlit_app.py"
PAGES = ("accounts", "reused_bots", "coordination", "model", "data_quality")


def open_app(publish_dir: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None, **query):
    monkeypatch.setenv("BOTWATCH_PUBLISH_DIR", str(publish_dir))
    app = AppTest.from_file(str(ENTRY), default_timeout=180)
    app.query_params.update(query)
    app.run()
    if page:
        app.switch_page(f"views/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def texts(app: AppTest) -> str:
    parts = [*app.info, *app.warning, *app.error, *app.success, *app.caption, *app.markdown]
    return "\n".join(str(p.value) for p in parts)


@pytest.fixture(scope="module")
def published(pipeline_snapshot) -> Path:
    return pipeline_snapshot.publish_dir


def summary_of(published: Path, campaign_id: str) -> dict:
    tweets, promoters, bots = one(
        published,
        "SELECT tweets, promoters, bot_promoters FROM fct_campaign_summary WHERE campaign_id = ?",
        [campaign_id],
    )
    estimate, low, high, adjusted = one(
        published,
        "SELECT estimate, ci_low, ci_high, adjusted_estimate FROM bot_share_intervals "
        "WHERE campaign_id = ?",
        [campaign_id],
    )
    return {
        "tweets": tweets,
        "promoters": promoters,
        "bots": bots,
        "counted": estimate,
        "interval": fmt.percent_interval(estimate, low, high),
        "estimated": adjusted,
    }


def test_overview_first_screen_has_the_headline_with_interval_and_method(
    published, monkeypatch
) -> None:
    campaign_id, *_ = busiest_campaign_and_top_bot(published)
    app = open_app(published, monkeypatch, campaign=campaign_id)
    expected = summary_of(published, campaign_id)
    shown = metrics(app)
    assert shown["Tweets"] == fmt.count(expected["tweets"])
    assert shown["Promoters"] == fmt.count(expected["promoters"])
    assert shown["Bot promoters"] == fmt.count(expected["bots"])
    assert shown["Bot share, counted"] == fmt.percent(expected["counted"])
    assert shown["Bot share, estimated"] == fmt.percent(expected["estimated"])
    words = texts(app)
    assert f"Counted **{expected['interval']}**" in words
    assert "Estimated **" in words and "adjusted classify-and-count" in words.lower()
    assert "Bots reused from an earlier campaign" in words and "Accounts acting together" in words
    assert app.query_params["campaign"] == campaign_id
    # hours, languages, threshold curve, creation cohorts
    assert len(app.get("vega_lite_chart")) == 4
    assert "0 hours after" not in words
    downloads = [b.proto.label for b in app.get("download_button")]
    assert any(label.startswith(f"{campaign_id}-") for label in downloads), downloads


def test_language_tiles_follow_each_campaigns_languages(published, monkeypatch) -> None:
    for campaign_id in ("macronleaks", "us2016"):
        top, second = one(
            published,
            "SELECT top_language, second_language FROM fct_campaign_summary WHERE campaign_id = ?",
            [campaign_id],
        )
        app = open_app(published, monkeypatch, campaign=campaign_id)
        tiles = {label for label in metrics(app) if label.startswith("Tweets in ")}
        tiles.discard("Tweets in the peak hour")
        assert tiles == {f"Tweets in {language_name(code)}" for code in (top, second)}, tiles
        if "fr" not in (top, second):
            assert "Tweets in French" not in tiles, campaign_id


def test_every_page_renders_without_exception(published, monkeypatch) -> None:
    campaign_id, *_ = busiest_campaign_and_top_bot(published)
    app = open_app(published, monkeypatch, campaign=campaign_id)
    for page in PAGES:
        app.switch_page(f"views/{page}.py").run()
        assert not app.exception, (page, [e.value for e in app.exception])
        assert app.title, page


def test_coordination_page_counts_accounts_once_with_readable_group_labels(
    published, monkeypatch
) -> None:
    campaign_id, *_ = busiest_campaign_and_top_bot(published)
    app = open_app(published, monkeypatch, "coordination", campaign=campaign_id)
    (accounts,) = one(
        published,
        "SELECT accounts_in_groups FROM coordination_summary WHERE campaign_id = ?",
        [campaign_id],
    )
    assert metrics(app)["Accounts in groups"] == fmt.count(accounts)
    groups = next(box for box in app.selectbox if box.label == "Group")
    assert groups.options[0].startswith(("Co-retweet group ", "Synchronised group "))
    downloads = [b.proto.label for b in app.get("download_button")]
    assert any(label.endswith(".graphml") for label in downloads), downloads


def test_campaign_deep_link_selects_it_and_an_unknown_one_is_named(published, monkeypatch) -> None:
    app = open_app(published, monkeypatch, campaign="us2016")
    assert app.sidebar.selectbox[0].value == "us2016"
    assert metrics(app)["Tweets"] == fmt.count(summary_of(published, "us2016")["tweets"])
    unknown = open_app(published, monkeypatch, campaign="no-such-campaign")
    assert "not in this snapshot" in "\n".join(w.value for w in unknown.sidebar.warning)


def test_account_deep_link_shows_the_profile(published, monkeypatch) -> None:
    user_id, name, score, tweets = one(
        published,
        "SELECT d.user_id, d.screen_name, d.bot_score, d.tweets_collected "
        "FROM fct_reused_bots AS r JOIN dim_accounts AS d USING (user_id) WHERE r.is_reused_bot "
        "ORDER BY r.dormant_days DESC, d.user_id LIMIT 1",
    )
    app = open_app(published, monkeypatch, "accounts", campaign="macronleaks")
    app.query_params["account"] = name
    app.session_state["account_query"] = name
    app.run()
    assert not app.exception
    shown = metrics(app)
    assert shown["Bot score"] == fmt.score(score)
    assert shown["Tweets collected"] == fmt.count(tweets)
    assert "Longest silence" in texts(app)
    assert f"https://x.com/i/user/{user_id}" in texts(app)
    assert app.query_params["account"] == name


def test_account_search_box_and_unknown_account(published, monkeypatch) -> None:
    _, _, bot_name, bot_score = busiest_campaign_and_top_bot(published)
    app = open_app(published, monkeypatch, "accounts", campaign="macronleaks")
    app.text_input(key="account_query").input(bot_name).run()
    assert metrics(app)["Bot score"] == fmt.score(bot_score)
    app.text_input(key="account_query").input("'; DROP TABLE dim_accounts; --").run()
    assert not app.exception
    assert "No account called or numbered" in texts(app)
    (common,) = one(
        published,
        "SELECT substr(screen_name, 2, 2) FROM dim_accounts WHERE length(screen_name) > 4 "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
    )
    app.text_input(key="account_query").input(common).run()  # several contain it: a picker
    assert any(s.label == "Several accounts match" for s in app.selectbox)


def test_missing_snapshot_is_a_message(tmp_path, monkeypatch) -> None:
    app = open_app(tmp_path / "never-published", monkeypatch)
    assert "No snapshot has been published" in texts(app)


def test_a_snapshot_of_another_version_is_a_message_not_an_empty_page(
    published, tmp_path, monkeypatch
) -> None:
    import duckdb

    copy = republish(published, tmp_path)
    with duckdb.connect(str(copy / snapshot.DATABASE)) as con:
        con.execute("ALTER TABLE bot_share_intervals DROP COLUMN adjusted_estimate")
    app = open_app(tmp_path, monkeypatch)
    words = texts(app)
    assert "published by another version of botwatch" in words
    assert "bot_share_intervals.adjusted_estimate is missing" in words


@pytest.mark.parametrize(
    "query",
    [
        {"campaign": "m" * 100_000, "account": "@" + "a" * 100_000},
        {"campaign": "macronleaks\x00'; DROP TABLE campaigns; --", "account": "\x00\n\t%_"},
        {"campaign": "", "account": "𝄞" * 5_000},
    ],
    ids=["huge", "nul-and-sql", "empty-and-astral"],
)
def test_long_and_odd_url_parameters_are_cut_and_answered(published, monkeypatch, query) -> None:
    from app import ui

    app = open_app(published, monkeypatch, "accounts", **query)
    assert not app.exception, [e.value for e in app.exception]
    assert len(app.text_input(key="account_query").value) <= ui.MAX_INPUT_CHARS
    assert len(app.query_params.get("account", "")) <= ui.MAX_INPUT_CHARS
    words = texts(app) + "\n".join(str(w.value) for w in app.sidebar.warning)
    assert (
        "x" * (ui.MAX_INPUT_CHARS + 1) not in words and "m" * (ui.MAX_INPUT_CHARS + 1) not in words
    )
