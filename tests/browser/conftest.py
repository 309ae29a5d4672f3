"""Browser fixtures: Debian's Chromium driven by Playwright (its own browsers can't install)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The pipeline snapshot helpers (pipeline_snapshots.py) live one folder up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ARTIFACTS, CHROMIUM_ARGS, chromium_path


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("chromium is not installed: `make browser` installs Debian's package")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 850})
    # Playwright's 30 s default is too short on a loaded 2-core CI machine (a download or a fill
    # while the other test worker builds dbt); the waits that matter set their own.
    context.set_default_timeout(90_000)
    opened = context.new_page()
    yield opened
    context.close()
