"""The whole pipeline, fresh, on a generated collection, stage by stage, beside DuckDB's plain read.

    python -m bench.pipeline                      # BENCH_TWEETS, default 1,000,000
    BENCH_TWEETS=17000000 python -m bench.pipeline

The simulator writes the collection once (gzip v1.1 hourly files and its labelled accounts) to
``data/bench/pipeline-<tweets>/`` and later runs reuse it. Each run starts from a fresh state (a
new warehouse, Dagster home, models and snapshot under ``data/bench/pipeline-<tweets>/run/``,
removed first) and is ``python -m orchestration.materialize_all``, what `make run` does. Then, in
the same session and on the same files, the reference: DuckDB's ``read_json`` with explicit
columns into a table (``bench.ingest``'s ``read_json`` contender, a practical floor for touching
every byte once).

The per-stage table comes from the run's own Dagster records: each step's wall time (start to
success), the peak RSS its assets and checks recorded (``orchestration.metering``), and the
start-up (process start to the first step). The run's peak RSS is sampled over the whole process
tree (Dagster and dbt). Figures go to ``bench/results/pipeline.json`` and ``pipeline.md`` (another
size than the default: ``pipeline-<tweets>.json`` and ``.md``).
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

from botwatch.paths import DATA_DIR, PROJECT_ROOT, isolated_environment
from orchestration.metering import ChildPeakSampler, mib

RESULTS = PROJECT_ROOT / "bench" / "results"
DEFAULT_TWEETS = 1_000_000
GENERATED_MARKER = "generated.json"
GOALS = {"total_vs_read_json": 4.0, "peak_rss_mib": 8 * 1024, "ingest_vs_read_json": 0.9}


def bench_dir(tweets: int) -> Path:
    return DATA_DIR / "bench" / f"pipeline-{tweets}"


def generate(tweets: int) -> Path:
    """The collection's folder, simulated unless an earlier run wrote it completely."""
    folder = bench_dir(tweets)
    marker = folder / GENERATED_MARKER
    if marker.exists():
        return folder
    shutil.rmtree(folder / "landing", ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "simulate", "--tweets", str(tweets),
         "--landing", str(folder / "landing"), "--truth", str(folder / "simulation"),
         "--no-progress"],
        check=True, capture_output=True, text=True, cwd=PROJECT_ROOT,
    )  # fmt: skip
    summary = json.loads(done.stdout)
    summary["generation_seconds"] = round(time.perf_counter() - started, 1)
    marker.write_text(json.dumps(summary, indent=2))
    return folder


def run_environment(folder: Path) -> dict[str, str]:
    """A fresh workspace under ``folder/run`` on the generated collection's files."""
    return {
        **isolated_environment(
            folder / "run", landing=folder / "landing", simulation=folder / "simulation"
        ),
        "BOTWATCH_COLLECTION": f"bench-{folder.name}",
    }


def run_pipeline(env: dict[str, str]) -> dict:
    """``materialize_all`` in the workspace ``env`` names; its wall time and the process tree's
    peak RSS."""
    sampler = ChildPeakSampler(interval=0.5)
    sampler.start()
    started_at = time.time()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "orchestration.materialize_all"],
        env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    peak = sampler.stop()
    if done.returncode != 0:
        raise RuntimeError(
            f"the pipeline run failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        )
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mib": mib(peak),
        "started_at": started_at,
        "output": done.stdout,
        "env": env,
    }


def stages(dagster_home: str, started_at: float) -> list[dict]:
    """Each step of the latest run: seconds, the largest peak RSS its events recorded, and
    the rows its assets wrote; the start-up before the first step first."""
    from dagster import DagsterEventType, DagsterInstance
    from dagster._core.instance.ref import InstanceRef

    with DagsterInstance.from_ref(InstanceRef.from_dir(dagster_home)) as instance:
        run = instance.get_runs(limit=1)[0]
        records = instance.get_records_for_run(run.run_id, limit=100_000).records
    steps: dict[str, dict] = {}
    for record in records:
        entry = record.event_log_entry
        event = entry.dagster_event
        if event is None or not event.step_key:
            continue
        step = steps.setdefault(event.step_key, {"stage": event.step_key, "peak_rss_mib": 0.0})
        if event.event_type == DagsterEventType.STEP_START:
            step["start"] = entry.timestamp
        elif event.event_type in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            step["end"] = entry.timestamp
        metadata = {}
        if event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
            metadata = event.step_materialization_data.materialization.metadata
        elif event.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
            metadata = event.event_specific_data.metadata
        elif event.event_type == DagsterEventType.ASSET_OBSERVATION:
            metadata = event.asset_observation_data.asset_observation.metadata
        for key in ("peak_rss_mib", "step_peak_rss_mib"):
            if key in metadata:
                step["peak_rss_mib"] = max(step["peak_rss_mib"], float(metadata[key].value))
        if "rows_out" in metadata:  # per asset: a partitioned one repeats it for each partition
            asset = event.step_materialization_data.materialization.asset_key
            step.setdefault("rows_by_asset", {})[asset] = int(metadata["rows_out"].value)
    timed = sorted(
        (s for s in steps.values() if "start" in s and "end" in s), key=lambda s: s["start"]
    )
    table = [
        {
            "stage": "start-up (imports, definitions, dbt parse) before the first step",
            "seconds": round(timed[0]["start"] - started_at, 1) if timed else None,
        }
    ]
    for step in timed:
        row = {"stage": step["stage"], "seconds": round(step["end"] - step["start"], 1)}
        row["peak_rss_mib"] = step["peak_rss_mib"] or None
        if "rows_by_asset" in step:
            row["rows_out"] = sum(step["rows_by_asset"].values())
        table.append(row)
    return table


def read_json_reference(folder: Path) -> dict:
    """DuckDB's ``read_json`` of the same files, in a child (``bench.ingest``)."""
    from bench.ingest import _run_child

    scratch = folder / "run" / "read_json"
    figures = _run_child("read_json", folder / "landing", scratch)
    shutil.rmtree(scratch, ignore_errors=True)
    return figures


def stage_row(stage: dict, rows_written: bool) -> str:
    """One stage of ``stages`` as a markdown row: seconds, peak RSS and (optionally) rows."""
    rss = stage.get("peak_rss_mib")
    cells = [stage["stage"], str(stage["seconds"]), "" if rss is None else f"{rss:,.0f}"]
    if rows_written:
        rows = stage.get("rows_out")
        cells.append("" if rows is None else f"{rows:,}")
    return "| " + " | ".join(cells) + " |"


def markdown(result: dict) -> str:
    lines = [
        f"Pipeline on {result['tweets']:,} tweets ({result['files']} gzip v1.1 files, "
        f"{result['bytes'] / 2**30:.2f} GiB), fresh state, {result['measured_at']}, load average "
        f"{result['load_average_1min']}",
        "",
        "| stage | seconds | peak RSS MiB | rows written |",
        "|---|---|---|---|",
    ]
    lines += [stage_row(row, rows_written=True) for row in result["stages"]]
    lines += [
        f"| **total** (`make run`'s process, end to end) | **{result['total_seconds']}** "
        f"| **{result['peak_rss_mib']:,.0f}** (process tree) | |",
        f"| DuckDB `read_json`, explicit columns, same files | {result['read_json_seconds']} "
        f"| {result['read_json_peak_rss_mib']:,.0f} | |",
        "",
        f"Total / read_json: {result['total_vs_read_json']} "
        f"(goal ≤ {GOALS['total_vs_read_json']}); "
        f"ingest tweets/s / read_json tweets/s: {result['ingest_vs_read_json']} "
        f"(goal ≥ {GOALS['ingest_vs_read_json']}); peak RSS goal ≤ {GOALS['peak_rss_mib']:,} MiB.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    tweets = int(float(os.environ.get("BENCH_TWEETS", DEFAULT_TWEETS)))
    folder = generate(tweets)
    landing = sorted((folder / "landing").iterdir())
    shutil.rmtree(folder / "run", ignore_errors=True)
    run = run_pipeline(run_environment(folder))
    table = stages(run["env"]["DAGSTER_HOME"], run["started_at"])
    reference = read_json_reference(folder)
    ingest = next((row for row in table if row["stage"] == "raw_tweets"), None)
    result = {
        "tweets": tweets,
        "files": len(landing),
        "bytes": sum(p.stat().st_size for p in landing),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
        "stages": table,
        "total_seconds": run["seconds"],
        "peak_rss_mib": run["peak_rss_mib"],
        "read_json_seconds": round(reference["seconds"], 1),
        "read_json_peak_rss_mib": round(reference["peak_rss_mib"]),
        "total_vs_read_json": round(run["seconds"] / reference["seconds"], 2),
        "ingest_vs_read_json": round(reference["seconds"] / ingest["seconds"], 2)
        if ingest
        else None,
    }
    result["goal_met"] = {
        "total_vs_read_json": result["total_vs_read_json"] <= GOALS["total_vs_read_json"],
        "peak_rss": result["peak_rss_mib"] <= GOALS["peak_rss_mib"],
        "ingest_vs_read_json": (result["ingest_vs_read_json"] or 0) >= GOALS["ingest_vs_read_json"],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    # The default size's figures are the README's; another size's sit beside them.
    name = "pipeline" if tweets == DEFAULT_TWEETS else f"pipeline-{tweets}"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / f"{name}.md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
