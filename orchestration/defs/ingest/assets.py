"""Landing files → the raw tables. One partition per file; a backfill of many files is one run.

One asset writes all of raw.tweets, raw.user_observations, raw.rejected_records,
raw.stream_notices and raw.ingested_files (dbt's sources point at it): they are one ingest, and
one key keeps a backfill of hundreds of hourly files to one materialisation event per file.
"""

from collections import Counter

import dagster as dg
from dagster_duckdb import DuckDBResource

from ingest import (
    IngestReport,
    LandingFolderGone,
    discover_landing_files,
    file_signature,
    ingest_files,
    plan_ingest,
    recorded_files,
    retire_files,
)
from orchestration import ownership, run_console
from orchestration.defs.resources import BotwatchSettings
from orchestration.metering import duckdb_memory, measured
from orchestration.partitions import landing_files

RAW_TWEETS = dg.AssetKey(["raw_tweets"])
REJECTED_SHARE_WARNING = 0.05


def rejected_share(report: IngestReport) -> float:
    records = report.rejected + report.tweets
    return report.rejected / records if records else 0.0


@dg.asset(
    key=RAW_TWEETS,
    group_name="ingest",
    kinds={"duckdb", "python"},
    partitions_def=landing_files,
    backfill_policy=dg.BackfillPolicy.single_run(),
    check_specs=[
        dg.AssetCheckSpec(
            "rejected_share_below_threshold",
            asset=RAW_TWEETS,
            description=f"Warns when over {REJECTED_SHARE_WARNING:.0%} of a file's records fail "
            "to read (they are quarantined in raw.rejected_records with the reason).",
            metadata=ownership.check_metadata(ownership.DATA_TEAM),
        )
    ],
    description="Landing files (v1.1 lines or arrays, v2 pages, gzip or not) ingested into "
    "raw.tweets, raw.user_observations, raw.stream_notices and raw.ingested_files, with bad "
    "records quarantined in raw.rejected_records. A file is read when it is new or changed (its "
    "size or modification time); reading it replaces exactly that file's rows, in one "
    "transaction, and an unchanged file is kept as ingested. Files that left the landing "
    "folder are reported and their rows removed: the raw tables hold what the landing folder "
    "holds now.",
)
def raw_tweets(
    context: dg.AssetExecutionContext, duckdb: DuckDBResource, settings: BotwatchSettings
):
    landing = settings.landing_path
    present = {name: file_signature(landing / name) for name in discover_landing_files(landing)}
    if not present:
        # An unmounted or emptied folder must not retire the whole warehouse.
        raise LandingFolderGone(
            f"no tweet file in the landing folder {landing} (missing, unmounted or empty): nothing "
            "was ingested or removed. Put the files back or point BOTWATCH_LANDING_DIR at them."
        )
    keys = list(context.partition_keys)
    with measured() as figures, duckdb.get_connection() as con:
        plan = plan_ingest(keys, recorded_files(con), present, reingest=settings.reingest)
        if plan.unchanged:
            context.log.info(
                f"{len(plan.unchanged)} landing file(s) are unchanged since they were ingested: "
                "kept as they are (BOTWATCH_REINGEST=1 reads every file again)"
            )
        if plan.vanished:
            context.log.warning(
                f"{len(plan.vanished)} landing file(s) are gone from {landing}; their rows are "
                f"removed from the raw tables: {plan.vanished[:20]}"
            )
            retire_files(con, plan.vanished)
        with run_console.progress(len(plan.ingest), "ingest", "file") as bar:
            reports = ingest_files(
                con,
                [landing / key for key in plan.ingest],
                source_files=plan.ingest,
                on_landed=lambda landed: bar.update(len(landed)),
            )
        figures.update(duckdb_memory(con))
    figures["rows_in"] = sum(r.tweets + r.rejected for r in reports)
    figures["rows_out"] = sum(r.tweets + r.user_observations for r in reports)

    rejected_by_reason: Counter[str] = Counter()
    notices: Counter[str] = Counter()
    for report in reports:
        rejected_by_reason.update(report.rejected_by_reason)
        notices.update(report.notices_by_type)
    yield dg.MaterializeResult(
        asset_key=RAW_TWEETS,
        metadata={
            "files": len(reports),
            "unchanged_files": len(plan.unchanged),
            "vanished_files": plan.vanished,
            "tweets": sum(r.tweets for r in reports),
            "user_observations": sum(r.user_observations for r in reports),
            "rejected": sum(r.rejected for r in reports),
            "rejected_by_reason": dict(sorted(rejected_by_reason.items())),
            "notices_by_type": dict(sorted(notices.items())),
            "missed_tweets": sum(r.missed_tweets for r in reports),
            **figures,
        },
    )
    too_many = {
        r.source_file: round(rejected_share(r), 4)
        for r in reports
        if rejected_share(r) > REJECTED_SHARE_WARNING
    }
    yield dg.AssetCheckResult(
        asset_key=RAW_TWEETS,
        check_name="rejected_share_below_threshold",
        passed=not too_many,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"threshold": REJECTED_SHARE_WARNING, "files_over_threshold": too_many},
    )
