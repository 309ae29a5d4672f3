"""In a real browser: the data-quality page says how the last pipeline run went (a run that
succeeded, and a real run that failed), and a reader gets from a headline number to an account in
two clicks, in the app and in the report. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from harness import (
    ARTIFACTS,
    cut_short,
    exceptions_on,
    metric_values,
    metrics_cut_short,
    running_app,
    screenshot,
    wait_for_render,
    wait_for_rerun,
)
from pipeline_snapshots import one, republish

from botwatch import published, snapshot
from tests.conftest import pipeline_env, run_module

pytestmark = pytest.mark.browser

CAMPAIGN = "macronleaks"
FIRST_SCREEN = 850  # the viewport's height (conftest.page)
RUN_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def body_text(page) -> str:
    return page.locator("body").inner_text()


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_for_render(page)
    assert not exceptions_on(page), exceptions_on(page)


def click_and_wait_for_title(page, link, title: str) -> None:
    wait_for_rerun(page, link.click)
    page.wait_for_function(
        "(title) => document.querySelector('[data-testid=\"stMain\"] h1')?.innerText === title",
        arg=title,
        timeout=60_000,
    )
    wait_for_render(page)
    assert not exceptions_on(page), exceptions_on(page)


def page_link(page, text: str):
    return page.locator('[data-testid="stPageLink"] a', has_text=text).first


def test_the_data_quality_page_says_the_last_run_succeeded(page, pipeline_snapshot) -> None:
    source = pipeline_snapshot.publish_dir
    record = json.loads((source / published.RUN_RECORD).read_text())
    assert record["outcome"] == published.SUCCEEDED, record
    assert record["published_snapshot"] == snapshot.current_dir(source).name
    with running_app(source, pipeline_snapshot.env) as url:
        open_page(page, f"{url}/data_quality?campaign={CAMPAIGN}")
        assert metric_values(page, "Outcome")["Outcome"] == "Succeeded"
        assert not metrics_cut_short(page), metrics_cut_short(page)
        text = body_text(page)
        assert "published the snapshot shown here" in text
        assert not RUN_UUID.search(text), "a run id is shown to readers"
        screenshot(page, "data-quality-last-run-succeeded")


def test_the_data_quality_page_says_where_and_why_the_last_run_failed(
    page, pipeline_snapshot, tmp_path: Path
) -> None:
    source = pipeline_snapshot.publish_dir
    # A real run that fails: a file in the landing folder that holds no tweets. It publishes
    # nothing, so the app keeps the last good snapshot (a copy of the pipeline's) and says why.
    publish_dir = tmp_path / "published"
    republish(source, publish_dir)
    env = pipeline_env(tmp_path / "failing")
    env["BOTWATCH_PUBLISH_DIR"] = str(publish_dir)
    env["BOTWATCH_SIMULATION_DIR"] = pipeline_snapshot.env["BOTWATCH_SIMULATION_DIR"]
    landing = Path(env["BOTWATCH_LANDING_DIR"])
    landing.mkdir(parents=True)
    (landing / "labels-export.jsonl").write_text("user_id,label\n1,bot\n")
    completed = run_module("orchestration.materialize_all", env=env, check=False)
    assert completed.returncode == 1, completed.stdout[-3000:] + completed.stderr[-3000:]
    failed = json.loads((publish_dir / published.RUN_RECORD).read_text())
    assert failed["outcome"] == published.FAILED
    assert failed["failed_step"] == "reading the landing files"
    assert failed["message"].startswith("labels-export.jsonl is not a tweet file"), failed
    assert failed["published_snapshot"] is None
    with running_app(publish_dir, env) as url:
        open_page(page, f"{url}/data_quality?campaign={CAMPAIGN}")
        shown = metric_values(page, "Outcome")
        assert shown["Outcome"] == "Failed"
        assert not metrics_cut_short(page), metrics_cut_short(page)
        text = body_text(page)
        assert "The last run failed while reading the landing files." in text
        assert "labels-export.jsonl is not a tweet file" in text
        assert "NotTweetsError" not in text and not RUN_UUID.search(text)
        assert "keeps showing the last good snapshot" in text
        assert (
            "The last pipeline run failed" in page.locator('[data-testid="stSidebar"]').inner_text()
        )
        screenshot(page, "data-quality-last-run-failed")


def test_two_clicks_from_a_headline_number_to_an_account(page, pipeline_snapshot) -> None:
    publish_dir = pipeline_snapshot.publish_dir
    (reused,) = one(
        publish_dir,
        "SELECT count(*) FROM fct_reused_bots WHERE later_campaign_id = ? AND is_reused_bot",
        [CAMPAIGN],
    )
    (grouped,) = one(
        publish_dir,
        "SELECT accounts_in_groups FROM coordination_summary WHERE campaign_id = ?",
        [CAMPAIGN],
    )
    assert reused and grouped, "the simulated campaign has reused bots and coordinated groups"
    overview = f"?campaign={CAMPAIGN}"
    with running_app(publish_dir, pipeline_snapshot.env) as url:
        open_page(page, f"{url}/{overview}")
        text = body_text(page)
        assert re.search(r"Estimated \d+\.\d% \(95% CI \d+\.\d–\d+\.\d%\)", text), text[:3000]
        assert re.search(r"Counted \d+\.\d% \(95% CI", text) and "bootstrap over promoters" in text
        assert "Adjusted classify-and-count" in text or "adjusted classify-and-count" in text
        page.screenshot(path=str(ARTIFACTS / "overview-first-screen.png"))
        paths = (
            ("bot promoters", "Accounts", "most active bot promoters"),
            ("reused bots and their silence", "Reused bots", "reused bots"),
            ("groups and their members", "Coordinated groups", "members of"),
        )
        for label, title, shortcuts in paths:
            open_page(page, f"{url}/{overview}")
            link = page_link(page, label)
            box = link.bounding_box()
            assert box and box["y"] + box["height"] <= FIRST_SCREEN, (label, box)
            assert not cut_short(link), f"the link {label!r} is cut short on screen"
            click_and_wait_for_title(page, link, title)  # first click: the list
            assert f"Open one of the {shortcuts}" in body_text(page)
            account = page.locator(
                '[data-testid="stPageLink"] a[href*="account="]', has_text="@"
            ).first
            name = account.inner_text().strip()
            click_and_wait_for_title(page, account, "Accounts")  # second click: the account
            page.locator('[data-testid="stMetricLabel"]:has-text("Bot score")').wait_for(
                timeout=60_000
            )
            wait_for_render(page)
            assert name in page.locator('[data-testid="stMain"] h3').first.inner_text()
            screenshot(page, f"two-clicks-{title.lower().replace(' ', '-')}-to-{name[1:]}")


def test_the_report_links_each_headline_number_to_its_accounts(browser, pipeline_snapshot):
    reports = sorted((pipeline_snapshot.publish_dir / snapshot.REPORTS).glob(f"{CAMPAIGN}-*.html"))
    context = browser.new_context(viewport={"width": 1366, "height": 800}, offline=True)
    page = context.new_page()
    page.goto(reports[-1].as_uri())
    headline = page.locator("h2", has_text="Headline").locator("xpath=following::table[1]")
    text = headline.inner_text()
    assert re.search(r"estimated\s+\d+\.\d% \(95% interval", text), text
    for label, target in (
        ("The bot promoters", "the-bot-promoters"),
        ("The reused bots", "reused-bots"),
        ("The groups", "coordinated-groups"),
    ):
        link = headline.locator("a", has_text=label).first
        assert link.get_attribute("href") == f"#{target}"
        box = link.bounding_box()
        assert box["y"] < 800, "on the first screen"
    headline.locator("a", has_text="The bot promoters").first.click()  # first click
    section = page.locator("#the-bot-promoters")
    assert 0 <= section.bounding_box()["y"] < 100, "the table of the bot promoters is in view"
    profile = section.locator("xpath=following::table[1]").locator("a").first
    assert profile.get_attribute("href").startswith("https://x.com/i/user/")  # second click
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-headline-to-bot-promoters.png"))
    context.close()
