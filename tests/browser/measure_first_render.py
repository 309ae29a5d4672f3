"""Time to first render of the Overview, in the browser harness of the tests (a bench figure, not
an assertion). Cold = first visit after the app started (no cached query), warm = later visits.

    python tests/browser/measure_first_render.py --publish-dir DIR --out FILE.json

DIR is a pipeline's BOTWATCH_PUBLISH_DIR (for a 1M-tweet figure, `make run` on a 1M-tweet
simulated collection: `python -m simulate --tweets 1000000`); the app only opens snapshots that
keep the contract of botwatch/published.py, so there is no hand-made one to measure."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import CHROMIUM_ARGS, chromium_path, metric_values, running_app, wait_for_render

from botwatch import snapshot


def visit(browser, url: str) -> tuple[float, dict[str, str]]:
    context = browser.new_context(viewport={"width": 1366, "height": 850})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    wait_for_render(page)
    seconds = time.perf_counter() - started
    shown = metric_values(page, "Tweets")
    context.close()
    return seconds, shown


def search_seconds(browser, url: str, account: str) -> float:
    context = browser.new_context(viewport={"width": 1366, "height": 850})
    page = context.new_page()
    page.goto(f"{url}/accounts")
    wait_for_render(page)
    box = page.get_by_label("Search an account")
    started = time.perf_counter()
    box.fill(account)
    box.press("Enter")
    page.locator('[data-testid="stMetricLabel"]', has_text="Bot score").wait_for()
    wait_for_render(page)
    seconds = time.perf_counter() - started
    context.close()
    return seconds


def measure(publish_dir: Path, source: str, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    folder = snapshot.current_dir(publish_dir)
    manifest = snapshot.read_manifest(folder)
    import duckdb

    with duckdb.connect(str(folder / snapshot.DATABASE), read_only=True) as con:
        account = con.execute(
            "SELECT screen_name FROM dim_accounts WHERE screen_name IS NOT NULL "
            "ORDER BY tweets_collected DESC LIMIT 1"
        ).fetchone()[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        started = time.perf_counter()
        with running_app(publish_dir) as url:
            server_start = time.perf_counter() - started
            timings = [visit(browser, url) for _ in range(runs)]
            search = search_seconds(browser, url, account)
        browser.close()
    return report(folder, manifest, source, server_start, timings, search)


def render_seconds(publish_dir: Path, runs: int) -> list[float]:
    """Seconds to the first render of ``runs`` visits of the app's home page (the first cold),
    whatever it shows (with nothing published: the page that says so)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        with running_app(publish_dir) as url:
            seconds = [visit(browser, url)[0] for _ in range(runs)]
        browser.close()
    return seconds


def report(folder, manifest, source, server_start, timings, search) -> dict:
    tables = manifest.get("tables", {})
    return {
        "benchmark": "app_first_render",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "snapshot_source": source,
        "snapshot_tweets": tables.get("fct_tweets"),
        "snapshot_accounts": tables.get("dim_accounts"),
        "database_mb": round((folder / snapshot.DATABASE).stat().st_size / 1e6, 1),
        "server_start_s": round(server_start, 2),
        "overview_first_render_cold_s": round(timings[0][0], 2),
        "overview_render_warm_s": [round(t, 2) for t, _ in timings[1:]],
        "account_search_s": round(search, 2),
        "overview_tweets_shown": timings[0][1].get("Tweets"),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
        "note": "from navigation start to the script run finished with every element drawn "
        "(including a 0.4 s settle check); cold includes the server's first imports",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publish-dir", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, help="a JSON file: results are kept by --label")
    parser.add_argument("--label", default="run")
    args = parser.parse_args()
    publish_dir, source = args.publish_dir, "pipeline"
    result = measure(publish_dir, source, args.runs)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        kept = json.loads(args.out.read_text()) if args.out.exists() else {}
        kept[args.label] = result
        args.out.write_text(json.dumps(kept, indent=2) + "\n")


if __name__ == "__main__":
    main()
