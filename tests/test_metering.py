"""Step figures (wall time, peak RSS of the step and of its child processes) and DuckDB's memory
bound, measured on real allocations, real child processes and real DuckDB connections."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from botwatch import duckdb_settings
from orchestration.metering import duckdb_memory, measured

MIB = 2**20


def test_peak_rss_is_the_steps_own_not_the_processes_lifetime_peak() -> None:
    with measured() as big:
        block = bytearray(400 * MIB)
        block[::4096] = b"x" * len(block[::4096])  # touch every page
        del block
    with measured() as small:
        pass
    assert big["peak_rss_mib"] >= 400
    assert small["peak_rss_mib"] < big["peak_rss_mib"] - 300
    assert big["wall_seconds"] >= 0


def test_a_child_processes_memory_counts_in_the_step() -> None:
    child = (
        "b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096]); import time; time.sleep(1)"
    )
    with measured() as figures:
        subprocess.run([sys.executable, "-c", child], check=True)
    assert figures["peak_rss_mib"] >= 300


def test_duckdb_memory_is_reported_and_bounded(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(duckdb_settings.MEMORY_LIMIT_VARIABLE, "512MiB")
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse), config=duckdb_settings.connection_config(warehouse)) as con:
        limit, temp = con.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchall()[0]
        con.execute(
            "CREATE TABLE t AS SELECT range AS i, md5(range::varchar) AS h FROM range(1000000)"
        )
        figures = duckdb_memory(con)
    assert limit == "512.0 MiB"
    assert temp == f"{warehouse}.tmp"
    assert figures["duckdb_memory_mib"] > 0


def test_the_default_bound_is_a_quarter_of_the_machine(monkeypatch) -> None:
    monkeypatch.delenv(duckdb_settings.MEMORY_LIMIT_VARIABLE, raising=False)
    expected = int(duckdb_settings.machine_memory_bytes() * 0.25) // MIB
    assert duckdb_settings.memory_limit() == f"{expected}MiB"


def test_a_real_runs_assets_record_their_figures(pipeline_snapshot) -> None:
    from dagster import AssetKey, DagsterInstance
    from dagster._core.instance.ref import InstanceRef

    home = pipeline_snapshot.env["DAGSTER_HOME"]
    keys = [
        AssetKey(["raw_tweets"]),
        AssetKey(["ml", "account_bot_scores"]),
        AssetKey(["published_snapshot"]),
        AssetKey(["staging", "stg_twitter__tweets"]),
        AssetKey(["marts", "dim_accounts"]),
    ]
    with DagsterInstance.from_ref(InstanceRef.from_dir(home)) as instance:
        latest = {key: instance.get_latest_materialization_event(key) for key in keys}
    for key, event in latest.items():
        metadata = event.asset_materialization.metadata
        assert metadata["peak_rss_mib"].value > 0, key
        assert metadata["wall_seconds"].value >= 0, key
    scores = latest[AssetKey(["ml", "account_bot_scores"])].asset_materialization.metadata
    assert scores["rows_out"].value == scores["dagster/row_count"].value > 0
    with duckdb.connect(str(pipeline_snapshot.warehouse), read_only=True) as con:
        (rows,) = con.execute(
            "SELECT (SELECT count(*) FROM raw.tweets) "
            "+ (SELECT count(*) FROM raw.user_observations)"
        ).fetchall()[0]
    # every partition of the one-run backfill carries the run's figures: all it wrote
    ingest = latest[AssetKey(["raw_tweets"])].asset_materialization.metadata
    assert ingest["rows_out"].value == rows


def test_dbt_keeps_building_after_a_model_spilled_to_the_temp_directory(
    monkeypatch, tmp_path: Path
) -> None:
    """dbt-duckdb opens the warehouse with the profile's options and prepares a cursor for every
    model; after a query has spilled to the temp folder, the next model's cursor must still open
    (DuckDB refuses to set temp_directory again once it holds spilled data)."""
    from dbt.adapters.duckdb.environments import Environment
    from dbt.config.runtime import load_profile
    from dbt.flags import set_from_args
    from dbt_common.context import set_invocation_context

    from botwatch.paths import DBT_PROJECT_DIR

    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("BOTWATCH_WAREHOUSE", str(warehouse))
    monkeypatch.setenv(duckdb_settings.MEMORY_LIMIT_VARIABLE, "100MB")
    monkeypatch.delenv(duckdb_settings.TEMP_DIR_VARIABLE, raising=False)
    set_invocation_context(os.environ.copy())  # dbt's env_var() reads this, as in a dbt run
    set_from_args(argparse.Namespace(profiles_dir=str(DBT_PROJECT_DIR)), None)
    credentials = load_profile(str(DBT_PROJECT_DIR), {}, "botwatch", "duckdb").credentials
    con = Environment.initialize_db(credentials)
    try:
        first = Environment.initialize_cursor(credentials, con.cursor())
        first.execute("SET preserve_insertion_order = false")
        first.execute(
            "CREATE TABLE t AS SELECT range AS i, md5(range::varchar) AS h FROM range(2000000)"
        )
        first.execute("CREATE TABLE g AS SELECT h || i AS k, count(*) AS n FROM t GROUP BY k")
        assert Path(f"{warehouse}.tmp").exists(), (
            "the group-by did not spill: the test proves nothing"
        )
        second = Environment.initialize_cursor(credentials, con.cursor())
        assert second.execute("SELECT count(*) FROM g").fetchall() == [(2_000_000,)]
        limit, temp = second.execute(
            "SELECT current_setting('memory_limit'), current_setting('temp_directory')"
        ).fetchall()[0]
        assert (limit, temp) == ("95.3 MiB", f"{warehouse}.tmp")
    finally:
        con.close()
