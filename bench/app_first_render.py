"""The app's first render of the Overview on a 1M-tweet pipeline snapshot, in Chromium.

``python -m bench.app_first_render [--publish-dir DIR]`` writes
``bench/results/app_first_render.json``.

The snapshot is a real pipeline's (the app opens only snapshots that keep the contract of
``botwatch/published.py``): ``--publish-dir`` (or ``BOTWATCH_BENCH_APP_PUBLISH_DIR``) names one,
else the bench builds it once under ``data/bench/app-1m/`` (``python -m simulate --tweets
1000000`` and ``make run`` there, about 15 minutes on 2 idle cores) and reuses it while its
contract fingerprint matches. Cold is the first visit after the server started; warm are later
visits (new browser sessions, the server's caches filled): the goal is warm <= 2 s.

Baseline, measured in the same run and the same way: the same app with nothing published (the
page that says so), i.e. what Streamlit and the browser cost before the Overview adds anything.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from statistics import median

from botwatch import published, snapshot
from botwatch.paths import PROJECT_ROOT, isolated_environment

RESULTS = Path(__file__).resolve().parent / "results" / "app_first_render.json"
BENCH_ROOT = PROJECT_ROOT / "data" / "bench" / "app-1m"
TWEETS = 1_000_000
GOAL_WARM_S = 2.0
WARM_VISITS = 4

sys.path.insert(0, str(PROJECT_ROOT / "tests" / "browser"))


def keeps_contract(publish_dir: Path) -> bool:
    folder = snapshot.current_dir(publish_dir)
    if folder is None:
        return False
    return snapshot.read_manifest(folder).get("contract") == published.fingerprint()


def build_snapshot(root: Path) -> Path:
    """A 1M-tweet snapshot of this version's pipeline under ``root`` (reused when it keeps the
    contract)."""
    env = isolated_environment(root)
    publish_dir = Path(env["BOTWATCH_PUBLISH_DIR"])
    if keeps_contract(publish_dir):
        return publish_dir
    landing = Path(env["BOTWATCH_LANDING_DIR"])
    if not any(landing.glob("tweets-*")):
        subprocess.run(
            [sys.executable, "-m", "simulate", "--tweets", str(TWEETS), "--no-progress"],
            env=env,
            cwd=PROJECT_ROOT,
            check=True,
        )
    subprocess.run(
        [sys.executable, "-m", "orchestration.materialize_all"],
        env=env,
        cwd=PROJECT_ROOT,
        check=True,
    )
    return publish_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--publish-dir", type=Path, default=os.environ.get("BOTWATCH_BENCH_APP_PUBLISH_DIR")
    )
    args = parser.parse_args(sys.argv[1:] if __name__ == "__main__" else [])
    from measure_first_render import measure, render_seconds

    publish_dir = args.publish_dir or build_snapshot(BENCH_ROOT)
    measured = measure(publish_dir, "pipeline", runs=1 + WARM_VISITS)
    baseline = render_seconds(
        PROJECT_ROOT / "data" / "bench" / "nothing-published", 1 + WARM_VISITS
    )
    warm = measured["overview_render_warm_s"]
    result = {
        **measured,
        "overview_warm_median_s": median(warm),
        "goal_warm_s": GOAL_WARM_S,
        "goal_met": median(warm) <= GOAL_WARM_S,
        "baseline_nothing_published_warm_s": [round(s, 2) for s in baseline[1:]],
        "baseline_nothing_published_warm_median_s": round(median(baseline[1:]), 2),
        "publish_dir": str(publish_dir),
        "python": sys.version.split()[0],
    }
    result["overview_cost_over_baseline_s"] = round(
        result["overview_warm_median_s"] - result["baseline_nothing_published_warm_median_s"], 2
    )
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
