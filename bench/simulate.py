"""Simulator throughput: tweets generated and written per second, file sizes, peak memory.

``python -m bench.simulate [--tweets N] [--keep DIR]`` (default 1,000,000, or ``BENCH_TWEETS``)
writes ``bench/results/simulate.json``. The files go to a temporary folder unless ``--keep``.

Baseline, measured in the same run on a sample of the same tweets: the naive writer, i.e. one
``json.dumps`` of the full nested tweet dict per line into ``gzip.open(..., "wt")`` at its default
level 9, without generating anything. The simulator does strictly more work per tweet (it also
draws and composes the tweet), so the ratio says how close to "just writing JSON" it gets.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from simulate import SimulationConfig, simulate

RESULTS = Path(__file__).resolve().parent / "results" / "simulate.json"
BASELINE_SAMPLE = 20_000


def naive_writer_tweets_per_s(landing: Path, out: Path, sample: int = BASELINE_SAMPLE) -> float:
    tweets: list[dict] = []
    for path in sorted(landing.glob("tweets-2017050*.jsonl*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            tweets.extend(t for t in map(json.loads, handle) if "id_str" in t)
        if len(tweets) >= sample:
            break
    tweets = tweets[:sample]
    started = time.perf_counter()
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        for tweet in tweets:
            handle.write(json.dumps(tweet) + "\n")
    return len(tweets) / (time.perf_counter() - started)


def run(tweets: int, folder: Path) -> dict:
    config = SimulationConfig(tweets=tweets)
    wall, cpu = time.perf_counter(), time.process_time()
    summary = simulate(config, folder / "landing", folder / "simulation", progress=True)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    truth = json.loads((folder / "simulation" / "truth" / "summary.json").read_text())
    generation_s = truth["generation_s"]
    baseline = naive_writer_tweets_per_s(folder / "landing", folder / "naive.jsonl.gz")
    return {
        "tweets": tweets,
        "accounts": summary.accounts,
        "generation_tweets_per_s": round(tweets / generation_s, 1),
        "total_wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "tweets_per_cpu_s": round(tweets / cpu, 1),  # both threads; fair on a busy machine
        "peak_rss_mib": round(peak_rss_mib, 1),
        "landing_files": summary.landing_files,
        "landing_bytes": summary.landing_bytes,
        "uncompressed_bytes": summary.uncompressed_bytes,
        "bytes_per_tweet_uncompressed": round(summary.uncompressed_bytes / tweets),
        "compression_ratio": round(summary.uncompressed_bytes / summary.landing_bytes, 2),
        "baseline_naive_writer_tweets_per_s": round(baseline, 1),
        "ratio_vs_naive_writer": round(tweets / generation_s / baseline, 2),
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.simulate")
    parser.add_argument(
        "--tweets", type=int, default=int(os.environ.get("BENCH_TWEETS", "1000000"))
    )
    parser.add_argument("--keep", type=Path, default=None, help="write the files here")
    args = parser.parse_args(argv)
    if args.keep:
        result = run(args.tweets, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-simulate-") as folder:
            result = run(args.tweets, Path(folder))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
