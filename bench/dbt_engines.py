"""The dbt stage on each engine: the same raw tables built by dbt on DuckDB, on Spark ``local[1]``
and on Spark ``local[2]``, so the speed-up per core is measured (issue #17).

The raw tables are bench.dbt_build's synthetic ones (as ingest would leave them), generated once
in DuckDB and handed to Spark as Parquet exactly as ``BOTWATCH_ENGINE=spark`` does
(botwatch.lake). Unit tests are left out on every engine (their fixtures are DuckDB literals).
The baseline is DuckDB in the same run.

    python -m bench.dbt_engines                     # 1M tweets
    BENCH_TWEETS=200000 python -m bench.dbt_engines  # another size

Each size's figures replace that size's in ``bench/results/dbt_engines.json`` and keep the others.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from bench.dbt_build import DBT, generate_raw
from botwatch import lake
from botwatch.paths import DBT_PROJECT_DIR, PROJECT_ROOT

RESULTS = PROJECT_ROOT / "bench" / "results" / "dbt_engines.json"
ENGINES = (("duckdb", None), ("spark", "local[1]"), ("spark", "local[2]"))


def build(target: str, master: str | None, warehouse: Path, spark_dir: Path, work: Path) -> dict:
    env = {
        **os.environ,
        "BOTWATCH_WAREHOUSE": str(warehouse),
        "BOTWATCH_SPARK_DIR": str(spark_dir),
        "PYSPARK_PYTHON": sys.executable,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "0",
    }
    if master:
        env["BOTWATCH_SPARK_MASTER"] = master
    command = [
        str(DBT), "build", "--target", target, "--exclude-resource-type", "unit_test",
        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=DBT_PROJECT_DIR)
    wall = time.perf_counter() - started
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    node_seconds = sum(r["execution_time"] for r in results)
    return {
        "engine": target if master is None else f"{target} {master}",
        "dbt_build_s": round(wall, 1),
        "node_seconds": round(node_seconds, 1),
        "passed": done.returncode == 0,
        "failed_nodes": [r["unique_id"] for r in results if r["status"] in ("error", "fail")],
        "load_average_after": round(os.getloadavg()[0], 1),
    }


def measure(tweets: int) -> list[dict]:
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench_engines_") as folder:
        root = Path(folder)
        warehouse = root / "warehouse.duckdb"
        with duckdb.connect(str(warehouse)) as con:
            generate_raw(con, tweets)
            started = time.perf_counter()
            lake.export_to_lake(con, root / "lake-source")
            export_s = time.perf_counter() - started
        for target, master in ENGINES:
            spark_dir = root / f"spark-{len(runs)}"
            if target == "spark":
                spark_dir.mkdir(parents=True)
                os.symlink(root / "lake-source" / "lake", spark_dir / "lake")
            work = root / f"work-{len(runs)}"
            runs.append({"tweets": tweets, **build(target, master, warehouse, spark_dir, work)})
            runs[-1]["parquet_export_s"] = round(export_s, 1) if target == "spark" else 0.0
            print(json.dumps(runs[-1]), flush=True)
    return runs


def main() -> None:
    tweets = int(os.environ.get("BENCH_TWEETS", "1000000"))
    runs = measure(tweets)
    duckdb_s = runs[0]["dbt_build_s"]
    by_engine = {r["engine"]: r for r in runs}
    one, two = (
        by_engine["spark local[1]"]["dbt_build_s"],
        by_engine["spark local[2]"]["dbt_build_s"],
    )
    summary = {
        "speedup_local2_vs_local1": round(one / two, 2),
        "spark_local2_vs_duckdb": round(two / duckdb_s, 2),
    }
    write_results(tweets, {"runs": runs, **summary})
    print(json.dumps(summary))


def write_results(tweets: int, figures: dict) -> None:
    """This size's figures into the results file, beside the other sizes measured before."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    sizes = results.get("sizes", {})
    sizes[str(tweets)] = figures
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "dbt_engines",
                "sizes": dict(sorted(sizes.items(), key=lambda kv: int(kv[0]))),
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
