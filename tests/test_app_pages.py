"""Every page of the app, run by Streamlit's AppTest on a snapshot in a temporary folder: the
numbers it shows are the snapshot's, deep links work, and bad input gets a message, not a
traceback. The pipeline's own snapshot is used where the lead's fixture provides it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from app_snapshot_factory import (
    NEWER_TABLES,
    REUSED_BOT,
    busiest_campaign_and_top_bot,
    publish_test_snapshot,
)
from streamlit.testing.v1 import AppTest

from app import format as fmt
from botwatch import snapshot
from botwatch.paths import PROJECT_ROOT

ENTRY = PROJECT_ROOT / "app" / "streamlit_app.py"
PAGES = ("accounts", "reused_bots", "coordination", "model", "data_quality")


def open_app(publish_dir: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None, **query):
    monkeypatch.setenv("BOTWATCH_PUBLISH_DIR", str(publish_dir))
    app = AppTest.from_file(str(ENTRY), default_timeout=120)
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


def summary_row(publish_dir: Path, campaign_id: str) -> dict:
    database = snapshot.current_dir(publish_dir) / snapshot.DATABASE
    with duckdb.connect(str(database), read_only=True) as con:
        frame = con.execute(
            "SELECT * FROM fct_campaign_summary WHERE campaign_id = ?", [campaign_id]
        ).df()
    return frame.iloc[0].to_dict()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    publish_dir = tmp_path_factory.mktemp("published")
    publish_test_snapshot(publish_dir)
    return publish_dir


def test_overview_shows_the_snapshot_numbers(published, monkeypatch) -> None:
    app = open_app(published, monkeypatch, campaign="macronleaks")
    row = summary_row(published, "macronleaks")
    shown = metrics(app)
    assert shown["Tweets"] == fmt.count(row["tweets"])
    assert shown["Promoters"] == fmt.count(row["promoters"])
    assert shown["Bot share among promoters"] == fmt.percent(row["bot_share_among_promoters"])
    assert "95% CI" in texts(app)
    assert app.query_params["campaign"] == "macronleaks"
    # hours, languages, threshold curve, creation cohorts
    assert len(app.get("vega_lite_chart")) == 4
    assert "came" in texts(app) and "hours after “leak posted”" in texts(app)
    downloads = [b.proto.label for b in app.get("download_button")]
    assert downloads == ["macronleaks-2026-11-28.md"]


def test_every_page_renders_without_exception(published, monkeypatch) -> None:
    app = open_app(published, monkeypatch, campaign="macronleaks")
    for page in PAGES:
        app.switch_page(f"views/{page}.py").run()
        assert not app.exception, (page, [e.value for e in app.exception])
        assert app.title, page


def test_coordination_offers_the_network_files(published, monkeypatch) -> None:
    app = open_app(published, monkeypatch, "coordination", campaign="macronleaks")
    downloads = [b.proto.label for b in app.get("download_button")]
    assert "macronleaks-coordination.graphml" in downloads


def test_campaign_deep_link_selects_it_and_an_unknown_one_is_named(published, monkeypatch) -> None:
    app = open_app(published, monkeypatch, campaign="us2016")
    assert app.sidebar.selectbox[0].value == "us2016"
    assert metrics(app)["Tweets"] == fmt.count(summary_row(published, "us2016")["tweets"])
    unknown = open_app(published, monkeypatch, campaign="no-such-campaign")
    assert "not in this snapshot" in "\n".join(w.value for w in unknown.sidebar.warning)


def test_empty_campaign_gets_a_message(published, monkeypatch) -> None:
    app = open_app(published, monkeypatch, campaign="quietcamp")
    assert "No tweets of this snapshot matched this campaign" in texts(app)
    accounts = open_app(published, monkeypatch, "accounts", campaign="quietcamp")
    assert "No bot promoted this campaign" in texts(accounts)


def test_account_deep_link_shows_the_profile(published, monkeypatch) -> None:
    app = open_app(published, monkeypatch, "accounts", campaign="macronleaks")
    app.query_params["account"] = "reused_bot"
    app.session_state["account_query"] = "reused_bot"
    app.run()
    assert not app.exception
    shown = metrics(app)
    database = snapshot.current_dir(published) / snapshot.DATABASE
    with duckdb.connect(str(database), read_only=True) as con:
        score, tweets = con.execute(
            "SELECT bot_score, tweets_collected FROM dim_accounts WHERE user_id = ?", [REUSED_BOT]
        ).fetchone()
    assert shown["Bot score"] == fmt.score(score)
    assert shown["Tweets collected"] == fmt.count(tweets)
    assert "Longest silence" in texts(app)
    assert app.query_params["account"] == "reused_bot"


def test_account_search_box_and_unknown_account(published, monkeypatch) -> None:
    app = open_app(published, monkeypatch, "accounts", campaign="macronleaks")
    app.text_input(key="account_query").input(REUSED_BOT).run()
    assert metrics(app)["Bot score"] != fmt.MISSING
    app.text_input(key="account_query").input("'; DROP TABLE dim_accounts; --").run()
    assert not app.exception
    assert "No account called or numbered" in texts(app)
    app.text_input(key="account_query").input("acct_1").run()  # several match: a picker
    assert any(s.label == "Several accounts match" for s in app.selectbox)


def test_missing_snapshot_is_a_message(tmp_path, monkeypatch) -> None:
    app = open_app(tmp_path / "never-published", monkeypatch)
    assert "No snapshot has been published" in texts(app)


def test_an_older_snapshot_without_newer_tables_degrades(tmp_path, monkeypatch) -> None:
    publish_test_snapshot(tmp_path, omit=NEWER_TABLES, model_card=None)
    app = open_app(tmp_path, monkeypatch, campaign="macronleaks")
    assert "not in this snapshot" in texts(app)
    for page in PAGES:
        app.switch_page(f"views/{page}.py").run()
        assert not app.exception, (page, [e.value for e in app.exception])
        if page != "accounts":
            assert "not in this snapshot" in texts(app), page


def test_pages_on_the_pipeline_snapshot(pipeline_snapshot, monkeypatch) -> None:
    publish_dir = pipeline_snapshot.publish_dir
    campaign_id, tweets, bot_name, bot_score = busiest_campaign_and_top_bot(publish_dir)
    app = open_app(publish_dir, monkeypatch)
    assert app.sidebar.selectbox[0].value == campaign_id
    assert metrics(app)["Tweets"] == fmt.count(tweets)
    for page in PAGES:
        app.switch_page(f"views/{page}.py").run()
        assert not app.exception, (page, [e.value for e in app.exception])
    app.switch_page("views/accounts.py").run()
    app.text_input(key="account_query").input(bot_name).run()
    assert metrics(app)["Bot score"] == fmt.score(bot_score)


def test_a_snapshot_without_campaigns_says_so(tmp_path, monkeypatch) -> None:
    publish_test_snapshot(tmp_path, omit=("campaigns", "fct_campaign_summary"))
    app = open_app(tmp_path, monkeypatch)
    assert "This snapshot has no campaigns." in [i.value for i in app.sidebar.info]
    assert "Pick a campaign in the sidebar." in texts(app)
    for page in PAGES:
        app.switch_page(f"views/{page}.py").run()
        assert not app.exception, (page, [e.value for e in app.exception])
