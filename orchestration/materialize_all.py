"""`make run`: register every landing file as a partition and materialise the whole graph with
Dagster (one run, recorded in DAGSTER_HOME so the UI shows it), then say where the results are."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from botwatch import paths, snapshot
from orchestration.partitions import landing_files, partition_range_tags

DAGSTER_YAML = Path(__file__).with_name("dagster.yaml")


def prepare_dagster_home() -> Path:
    home = paths.dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(DAGSTER_YAML, home / "dagster.yaml")
    return home


def materialize_all() -> bool:
    """Run the `all_assets` job over every landing file. Returns whether the run succeeded."""
    paths.export_defaults()
    prepare_dagster_home()
    from dagster import DagsterInstance

    from orchestration.definitions import defs
    from orchestration.ingest import discover_landing_files

    files = discover_landing_files(paths.landing_dir())
    if not files:
        raise SystemExit(
            f"no tweet files in {paths.landing_dir()}: run `python -m simulate` or land some"
        )
    with DagsterInstance.get() as instance:
        known = set(instance.get_dynamic_partitions(landing_files.name))
        instance.add_dynamic_partitions(landing_files.name, [f for f in files if f not in known])
        partitions = instance.get_dynamic_partitions(landing_files.name)
        job = defs.resolve_job_def("all_assets")
        result = job.execute_in_process(
            instance=instance,
            tags=partition_range_tags(partitions[0], partitions[-1]),
            raise_on_error=False,
        )
        return result.success


def summary_lines() -> list[str]:
    """What the published snapshot says, in the study's terms."""
    import duckdb

    folder = snapshot.current_dir(paths.publish_dir())
    if folder is None:
        return ["No snapshot has been published yet."]
    manifest = snapshot.read_manifest(folder)
    lines = [f"Snapshot {manifest['snapshot_id']} published at {manifest['published_at']}"]
    with duckdb.connect(str(folder / snapshot.DATABASE), read_only=True) as con:
        tweets, accounts = con.execute(
            "SELECT (SELECT count(*) FROM fct_tweets), (SELECT count(*) FROM dim_accounts)"
        ).fetchone()
        lines.append(f"  {tweets:,} tweets from {accounts:,} accounts")
        for name, promoters, share in con.execute(
            "SELECT campaign_name, promoters, bot_share_among_promoters "
            "FROM fct_campaign_summary ORDER BY campaign_id"
        ).fetchall():
            share_text = "n/a" if share is None else f"{share:.1%}"
            lines.append(
                f"  {name}: {promoters:,} promoters, bot share among promoters {share_text}"
            )
    lines += [
        f"  snapshot:  {folder}",
        f"  warehouse: {paths.warehouse_path()}",
        "Open the Dagster UI with `make ui` (http://127.0.0.1:3000) "
        "and the app with `make app` (http://127.0.0.1:8501).",
    ]
    return lines


def main() -> None:
    succeeded = materialize_all()
    print("\n".join(summary_lines()))
    if not succeeded:
        print(
            "The run FAILED (see the log above or the Dagster UI): the app shows the last good "
            "snapshot.",
            file=sys.stderr,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
