"""`make bench`: every benchmark, each writing bench/results/<name>.json with its baseline."""

from __future__ import annotations

import importlib
import sys
import time

BENCHMARKS = (
    "bench.simulate",
    "bench.ingest",
    "bench.scoring",
    "bench.coordination",
    "bench.dbt_build",
    "bench.dbt_engines",
    "bench.app_first_render",
    "bench.pipeline",  # the whole pipeline on BENCH_TWEETS (default 1M): the longest, last
    "bench.new_hour",  # one more hourly file on that collection's warehouse (three runs)
)


def main() -> int:
    failures = []
    for name in BENCHMARKS:
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        try:
            importlib.import_module(name).main()
        except Exception as error:  # keep running the others, report at the end
            failures.append(f"{name}: {error!r}")
        print(f"== {name} done in {time.perf_counter() - started:.0f} s", flush=True)
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
