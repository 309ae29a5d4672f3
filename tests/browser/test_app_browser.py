"""The app in a real browser: started as `make app` starts it, driven by Playwright on Chromium.

Visits every page, searches an account, follows deep links, and publishes new snapshots while the
app is open; screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest
from harness import (
    ARTIFACTS,
    charts_on,
    exceptions_on,
    metric_values,
    metrics_cut_short,
    running_app,
    screenshot,
    wait_for_render,
    wait_for_rerun,
)
from pipeline_snapshots import busiest_campaign_and_top_bot, republish

from app import format as fmt
from botwatch import snapshot

pytestmark = pytest.mark.browser

PAGES = ("Accounts", "Reused bots", "Coordination", "Model", "Data quality")
# The charts a page draws when it has data, as a simulated campaign has for every one of these
# (the overview: hourly activity, languages, the threshold curve, creation cohorts; the model:
# scores and calibration; an account: why its score, its activity). Every chart on any page
# must draw.
CHARTS = {"Overview": 4, "Model": 2, "Account": 2}


def open_and_time(page, url: str) -> float:
    started = time.perf_counter()
    page.goto(url)
    wait_for_render(page)
    return time.perf_counter() - started


def go_to(page, title: str) -> None:
    heading = page.locator('[data-testid="stMain"] h1').first.inner_text()
    link = page.locator('[data-testid="stSidebarNavLink"]', has_text=title).first
    wait_for_rerun(page, link.click)
    page.wait_for_function(  # the new page's title is on screen
        "(old) => document.querySelector('[data-testid=\"stMain\"] h1').innerText !== old",
        arg=heading,
        timeout=60_000,
    )
    wait_for_render(page)


def search(page, text: str) -> None:
    box = page.get_by_label("Search an account")
    box.fill(text)
    wait_for_rerun(page, lambda: box.press("Enter"))
    page.locator(
        '[data-testid="stMetricLabel"]:has-text("Bot score"), '
        '[data-testid="stAlert"]:has-text("No account called")'
    ).first.wait_for(timeout=60_000)
    wait_for_render(page)


def walk_the_app(page, url: str, campaign_id: str, account: str, label: str) -> dict:
    """Every page, a search and two deep links; returns what was seen, screenshots saved."""
    first_render = open_and_time(page, f"{url}/?campaign={campaign_id}")
    assert not exceptions_on(page)
    overview = metric_values(page, "Tweets")
    screenshot(page, f"{label}-overview")
    assert not metrics_cut_short(page), ("overview", metrics_cut_short(page))
    assert charts_on(page) == [CHARTS["Overview"]] * 2, ("overview", charts_on(page))
    for title in PAGES:
        go_to(page, title)
        assert not exceptions_on(page), (title, exceptions_on(page))
        assert not metrics_cut_short(page), (title, metrics_cut_short(page))
        charts, drawn = charts_on(page)
        assert drawn == charts >= CHARTS.get(title, 0), (title, charts, drawn)
        assert f"campaign={campaign_id}" in page.url, (title, page.url)
        screenshot(page, f"{label}-{title.lower().replace(' ', '-')}")
    go_to(page, "Accounts")
    search(page, account)
    assert not exceptions_on(page)
    profile = metric_values(page, "Bot score")
    assert "Bot score" in profile
    assert charts_on(page) == [CHARTS["Account"]] * 2, ("account", charts_on(page))
    screenshot(page, f"{label}-account-search")
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("Download “most active bots")).click()
    header = Path(download.value.path()).read_text().splitlines()[0]
    assert header.startswith("user_id,screen_name,bot_score,tweets"), header
    search(page, "no-such-account-anywhere")
    assert page.get_by_text("No account called or numbered").count() == 1
    assert not exceptions_on(page)
    # A deep link in a fresh tab: the campaign and the account come from the URL.
    deep = page.context.new_page()
    deep.goto(f"{url}/accounts?account={account}&campaign={campaign_id}")
    wait_for_render(deep)
    assert not exceptions_on(deep)
    assert metric_values(deep, "Bot score")["Bot score"] == profile["Bot score"]
    screenshot(deep, f"{label}-deep-link")
    deep.close()
    return {"first_render_s": first_render, "overview": overview, "profile": profile}


def test_missing_snapshot_is_a_message_in_the_browser(page, tmp_path: Path) -> None:
    with running_app(tmp_path / "nothing-yet") as url:
        page.goto(url)
        page.get_by_text("No snapshot has been published").wait_for(timeout=60_000)
        assert not exceptions_on(page)


def test_publishing_while_the_app_is_open(page, pipeline_snapshot, tmp_path: Path) -> None:
    """New snapshots are published (the pipeline's own publish step) while the page re-renders:
    no lock error, and every render shows the numbers of exactly one snapshot."""
    source = pipeline_snapshot.publish_dir
    campaign_id, base_tweets, *_ = busiest_campaign_and_top_bot(source)
    generation_of = {republish(source, tmp_path, generation=0).name: 0}
    stop = threading.Event()
    published_generations = []
    failures: list[BaseException] = []

    def keep_publishing() -> None:
        generation = 1
        try:
            while not stop.is_set():
                generation_of[republish(source, tmp_path, generation=generation).name] = generation
                published_generations.append(generation)
                generation += 1
                time.sleep(0.2)
        except BaseException as error:  # reported by the test below
            failures.append(error)

    renders = []
    with running_app(tmp_path) as url:
        page.goto(f"{url}/?campaign={campaign_id}")
        wait_for_render(page)
        publisher = threading.Thread(target=keep_publishing, daemon=True)
        publisher.start()
        try:
            for attempt in range(12):
                if attempt % 3 == 2:
                    go_to(page, "Data quality")
                    go_to(page, "Overview")
                else:
                    page.reload()
                    wait_for_render(page)
                body = page.locator("body").inner_text()
                assert not exceptions_on(page), exceptions_on(page)
                assert "lock" not in body.lower(), body[:2000]
                shown = re.search(r"Snapshot (\d{8}T\d+Z)", body)  # the sidebar's
                assert shown and shown.group(1) in generation_of, body[:2000]
                renders.append(
                    (generation_of[shown.group(1)], metric_values(page, "Tweets")["Tweets"])
                )
        finally:
            stop.set()
            publisher.join(timeout=30)
    assert not failures, failures
    assert len(published_generations) >= 3, "the publisher did not get going"
    seen_generations = {generation for generation, _ in renders}
    assert len(seen_generations) >= 3, renders  # the app followed the new snapshots
    for generation, tweets in renders:  # the sidebar's snapshot and the page's numbers agree
        assert tweets == fmt.count(base_tweets + generation), renders
    (ARTIFACTS / "publish-while-open.json").write_text(
        json.dumps({"renders": renders, "published": len(published_generations)})
    )


def test_the_pipeline_snapshot_in_the_browser(page, pipeline_snapshot) -> None:
    publish_dir = pipeline_snapshot.publish_dir
    campaign_id, tweets, account, _ = busiest_campaign_and_top_bot(publish_dir)
    with running_app(publish_dir, pipeline_snapshot.env) as url:
        seen = walk_the_app(page, url, campaign_id, account, "pipeline")
        other = next(c for c in ("macronleaks", "us2016") if c != campaign_id)
        walk_the_app(page, url, other, account, f"pipeline-{other}")
    assert seen["overview"]["Tweets"] == fmt.count(tweets)
    (ARTIFACTS / "app_first_render.json").write_text(
        json.dumps({"tweets": int(tweets), "first_render_s": seen["first_render_s"]})
    )


@pytest.mark.parametrize(("device", "width"), [("desktop", 1366), ("phone", 390)])
def test_the_report_reads_on_a_desktop_and_on_a_phone(
    browser, pipeline_snapshot, device: str, width: int
) -> None:
    """The dated HTML report the pipeline wrote, opened offline: the headline and the methods
    box come first, no table is wider than seven columns, and on a phone the page
    itself never scrolls sideways (wide tables scroll inside their own box)."""
    reports = sorted((pipeline_snapshot.publish_dir / snapshot.REPORTS).glob("macronleaks-*.html"))
    context = browser.new_context(viewport={"width": width, "height": 800}, offline=True)
    page = context.new_page()
    page.goto(reports[-1].as_uri())
    tops = page.evaluate(
        "() => ({headline: document.querySelector('h2').getBoundingClientRect().top,"
        " methods: document.querySelector('.methods').getBoundingClientRect().top,"
        " screen: innerHeight})"
    )
    assert tops["headline"] < tops["screen"], tops  # the headline starts on the first screen
    assert tops["methods"] < 2 * tops["screen"], tops  # the methods box right after it
    widths = page.evaluate(
        "() => [...document.querySelectorAll('table')].map(t => t.rows[0].cells.length)"
    )
    assert widths and max(widths) <= 7, widths
    overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow} px on a {device}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{device}.png"), full_page=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{device}-first-screen.png"))
    context.close()
