"""Start the app as `make app` does and drive it with Playwright on Debian's Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from botwatch.paths import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RENDERED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelector('[data-testid="stMain"] h1') !== null
        && document.querySelector('[data-stale="true"]') === null;
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_app(publish_dir: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`make app` on a free port with BOTWATCH_PUBLISH_DIR set; yields the base URL."""
    port = free_port()
    environment = {**os.environ, **(env or {}), "BOTWATCH_PUBLISH_DIR": str(publish_dir)}
    log = (ARTIFACTS / f"streamlit-{port}.log").open("w") if ARTIFACTS.exists() else None
    process = subprocess.Popen(
        [
            str(PROJECT_ROOT / ".venv" / "bin" / "streamlit"),
            "run",
            "app/streamlit_app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (exit code {process.poll()})")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        if log:
            log.close()


def chromium_path() -> str | None:
    return shutil.which("chromium")


def wait_for_render(page, timeout_ms: int = 120_000) -> None:
    """Until the script run has finished and its elements are on screen (charts laid out)."""
    page.wait_for_function(RENDERED, timeout=timeout_ms)
    page.wait_for_timeout(400)
    page.wait_for_function(RENDERED, timeout=timeout_ms)


def wait_for_rerun(page, action, timeout_ms: int = 120_000) -> None:
    """Do ``action`` (a click, a key) and wait for the script run it starts to finish: first for
    the run to begin (it may be over already when the app is quick), then for the render."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    action()
    with contextlib.suppress(PlaywrightTimeout):  # the run may be over before we look
        page.wait_for_function(
            """() => document.querySelector('[data-testid="stApp"]')
                .getAttribute('data-test-script-state') !== 'notRunning'
                || document.querySelector('[data-stale="true"]') !== null""",
            timeout=3_000,
        )
    wait_for_render(page, timeout_ms)


def exceptions_on(page) -> list[str]:
    return page.locator('[data-testid="stException"]').all_inner_texts()


def cut_short(locator) -> bool:
    """Whether some box inside ``locator`` hides part of its text (an ellipsis, an overflow)."""
    return locator.evaluate(
        "e => [e, ...e.querySelectorAll('*')]"
        ".some(b => b.clientWidth > 0 && b.scrollWidth > b.clientWidth + 1)"
    )


def metrics_cut_short(page) -> list[str]:
    """The st.metric tiles on screen whose value does not fit its tile (Streamlit cuts it with an
    ellipsis: '2026-12-02 05:48…')."""
    return [
        tile.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        for tile in page.locator('[data-testid="stMetric"]').all()
        if cut_short(tile.locator('[data-testid="stMetricValue"]'))
    ]


def charts_on(page) -> list[int]:
    """``[charts, drawn]``: the Vega-Lite charts on the page, and how many of them drew something
    (a canvas or an SVG with an area)."""
    return page.evaluate(
        """() => {
            const charts = [...document.querySelectorAll('.vega-embed')];
            const drawn = charts.filter(c => [...c.querySelectorAll('canvas, svg')]
                .some(g => g.getBoundingClientRect().width > 0
                        && g.getBoundingClientRect().height > 0));
            return [charts.length, drawn.length];
        }"""
    )


def metric_values(page, *wanted: str, timeout_ms: int = 60_000) -> dict[str, str]:
    """The st.metric tiles on screen: label -> value; first waits until a tile for each label in
    ``wanted`` is there (the script run can be over, and the page not yet drawn, on a loaded
    machine), and says what the page shows when one never comes."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            """(wanted) => {
                const shown = [...document.querySelectorAll('[data-testid="stMetricLabel"]')]
                    .map(label => label.innerText.trim());
                return wanted.every(label => shown.includes(label));
            }""",
            arg=list(wanted),
            timeout=timeout_ms,
        )
    except PlaywrightTimeout:
        shot = screenshot(page, "metrics-never-shown")
        raise AssertionError(
            f"no tile for {list(wanted)} after {timeout_ms / 1000:.0f} s; tiles "
            f"{_tiles(page)}; screenshot {shot}; the page says: "
            f"{page.locator('body').inner_text()[:2000]}"
        ) from None
    return _tiles(page)


def _tiles(page) -> dict[str, str]:
    values = {}
    for tile in page.locator('[data-testid="stMetric"]').all():
        label = tile.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        values[label] = tile.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return values


def screenshot(page, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main block, so the viewport is grown to the
    content's height for the shot, then put back."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    viewport = page.viewport_size
    content = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"] *')]"
        ".slice(0, 1).map(e => e.scrollHeight), document.body.scrollHeight)"
    )
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], content)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    return path
