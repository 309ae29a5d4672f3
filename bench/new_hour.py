"""One more hourly file on a built warehouse: what the landing sensor's run costs, stage by stage,
and whether its tables equal a fresh run's on the same files.

    python -m bench.new_hour                      # BENCH_TWEETS, default 1,000,000
    BENCH_TWEETS=17000000 python -m bench.new_hour

On ``bench.pipeline``'s generated collection (written once, reused): a fresh run on every file but
the newest (the warehouse as it stood an hour before), then the newest file lands and the landing
sensor is evaluated on that Dagster home. Its run request (the new partition) is executed as the
daemon launches one, in a process of its own (imports, definitions and the run), timed end to end
and per stage from the run's Dagster records. Then a fresh run on all the files, and every
published table of the two snapshots is compared in DuckDB (doubles to 6 decimals, the run's own
stamps left out). Figures go to ``bench/results/new_hour.json`` and ``new_hour.md``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from bench.pipeline import DEFAULT_TWEETS, RESULTS, generate, run_pipeline, stage_row, stages
from botwatch import snapshot
from botwatch.paths import PROJECT_ROOT, isolated_environment
from botwatch.published import RUN_COLUMNS, RUN_TABLES
from orchestration.metering import ChildPeakSampler, mib

GOAL_SECONDS = 60
FLOAT_DECIMALS = 6


def landing_without_newest(generated: Path, landing: Path) -> Path:
    """``landing`` holding hard links to every generated file but the newest (same names, sizes
    and modification times); returns the newest's path."""
    shutil.rmtree(landing, ignore_errors=True)
    files = sorted((generated / "landing").iterdir())
    landing.mkdir(parents=True)
    for path in files[:-1]:
        os.link(path, landing / path.name)
    return files[-1]


def sensor_run() -> None:
    """In the child: evaluate the landing sensor, apply its partition requests and execute each
    run it requests, as the daemon does."""
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.defs.ingest.sensors import landing_files_sensor
    from orchestration.defs.resources import BotwatchSettings

    with dg.DagsterInstance.get() as instance:
        context = dg.build_sensor_context(
            instance=instance, resources={"settings": BotwatchSettings.from_environment()}
        )
        result = landing_files_sensor(context)
        if not isinstance(result, dg.SensorResult) or not result.run_requests:
            raise RuntimeError(f"the landing sensor requested no run: {result}")
        for request in result.dynamic_partitions_requests:
            if isinstance(request, dg.AddDynamicPartitionsRequest):
                instance.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
        job = defs().resolve_job_def("all_assets")
        for request in result.run_requests:
            done = job.execute_in_process(
                instance=instance,
                partition_key=request.partition_key,
                tags=request.tags,
                raise_on_error=False,
            )
            if not done.success:
                raise RuntimeError(f"the sensor's run {request.run_key} failed")
        print(json.dumps([request.run_key for request in result.run_requests]))


def timed_sensor_run(env: dict[str, str]) -> dict:
    sampler = ChildPeakSampler(interval=0.5)
    sampler.start()
    started_at = time.time()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.new_hour", "--sensor-run"],
        env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    peak = sampler.stop()
    if done.returncode != 0:
        raise RuntimeError(f"the sensor's run failed:\n{done.stderr[-4000:]}")
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mib": mib(peak),
        "run_keys": json.loads(done.stdout.strip().splitlines()[-1]),
        "stages": stages(env["DAGSTER_HOME"], started_at),
    }


def _comparable_columns(con: duckdb.DuckDBPyConnection, table: str) -> str:
    columns = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = 'left_snapshot' AND table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return ", ".join(
        f'round("{name}", {FLOAT_DECIMALS})' if type_ in ("DOUBLE", "FLOAT") else f'"{name}"'
        for name, type_ in columns
        if name not in RUN_COLUMNS
    )


def compare_snapshots(left_publish: Path, right_publish: Path) -> tuple[int, dict[str, str]]:
    """How many published tables were compared, and for each that differs how many rows only
    one snapshot holds (empty when they are all equal)."""
    databases = [snapshot.current_dir(p) / snapshot.DATABASE for p in (left_publish, right_publish)]
    differences: dict[str, str] = {}
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{databases[0]}' AS left_snapshot (READ_ONLY)")
        con.execute(f"ATTACH '{databases[1]}' AS right_snapshot (READ_ONLY)")
        names = {
            catalog: {
                r[0]
                for r in con.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_catalog = ?",
                    [catalog],
                ).fetchall()
            }
            for catalog in ("left_snapshot", "right_snapshot")
        }
        compared = sorted((names["left_snapshot"] | names["right_snapshot"]) - RUN_TABLES)
        for table in compared:
            if table not in names["left_snapshot"] or table not in names["right_snapshot"]:
                differences[table] = "in one snapshot only"
                continue
            columns = _comparable_columns(con, table)
            left = f'SELECT {columns} FROM left_snapshot."{table}"'
            right = f'SELECT {columns} FROM right_snapshot."{table}"'
            only_left, only_right = con.execute(
                f"SELECT (SELECT count(*) FROM ({left} EXCEPT ALL {right})), "
                f"(SELECT count(*) FROM ({right} EXCEPT ALL {left}))"
            ).fetchone()
            if only_left or only_right:
                differences[table] = (
                    f"{only_left} rows only after the new hour, {only_right} only fresh"
                )
    return len(compared), differences


def markdown(result: dict) -> str:
    lines = [
        f"One new hourly file ({result['new_file']}, {result['new_file_tweets']:,} tweet lines) "
        f"on a warehouse of {result['tweets']:,} tweets less that hour; {result['measured_at']}, "
        f"load average {result['load_average_1min']}",
        "",
        "| stage | seconds | peak RSS MiB |",
        "|---|---|---|",
    ]
    lines += [stage_row(row, rows_written=False) for row in result["stages"]]
    differing = result["differing_tables"]
    lines += [
        f"| **total** (the sensor's run, its own process) | **{result['seconds']}** "
        f"| **{result['peak_rss_mib']:,.0f}** (process tree) |",
        "",
        f"Goal ≤ {GOAL_SECONDS} s at 17M tweets. The run before the new hour took "
        f"{result['before_seconds']} s, the fresh run on all files {result['fresh_seconds']} s.",
        f"Published tables equal to the fresh run's: {result['tables_compared'] - len(differing)} "
        f"of {result['tables_compared']}"
        + (
            ""
            if not differing
            else "; differing: " + "; ".join(f"{k}: {v}" for k, v in differing.items())
        ),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    tweets = int(float(os.environ.get("BENCH_TWEETS", DEFAULT_TWEETS)))
    generated = generate(tweets)
    work = generated / "new-hour"
    landing = work / "landing"
    newest = landing_without_newest(generated, landing)
    before_env = {
        **isolated_environment(
            work / "before", landing=landing, simulation=generated / "simulation"
        ),
        "BOTWATCH_COLLECTION": f"bench-new-hour-{tweets}",
    }
    shutil.rmtree(work / "before", ignore_errors=True)
    before = run_pipeline(before_env)
    os.link(newest, landing / newest.name)
    sensor = timed_sensor_run(before_env)
    fresh_env = {
        **isolated_environment(
            work / "fresh", landing=landing, simulation=generated / "simulation"
        ),
        "BOTWATCH_COLLECTION": f"bench-fresh-{tweets}",
    }
    shutil.rmtree(work / "fresh", ignore_errors=True)
    fresh = run_pipeline(fresh_env)
    compared, differing = compare_snapshots(
        Path(before_env["BOTWATCH_PUBLISH_DIR"]), Path(fresh_env["BOTWATCH_PUBLISH_DIR"])
    )
    with duckdb.connect(before_env["BOTWATCH_WAREHOUSE"], read_only=True) as con:
        new_tweets = con.execute(
            "SELECT tweets FROM raw.ingested_files WHERE source_file = ?", [newest.name]
        ).fetchone()[0]
    result = {
        "tweets": tweets,
        "new_file": newest.name,
        "new_file_tweets": new_tweets,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
        "seconds": sensor["seconds"],
        "peak_rss_mib": sensor["peak_rss_mib"],
        "run_keys": sensor["run_keys"],
        "stages": sensor["stages"],
        "before_seconds": before["seconds"],
        "fresh_seconds": fresh["seconds"],
        "tables_compared": compared,
        "differing_tables": differing,
        "goal_met": {"seconds": sensor["seconds"] <= GOAL_SECONDS, "equal_tables": not differing},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "new_hour.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "new_hour.md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    if sys.argv[1:] == ["--sensor-run"]:
        sensor_run()
    else:
        main()
