"""Landing files → raw tables. One partition per file; a backfill of many files is one run."""

from collections import Counter

import dagster as dg
from dagster_duckdb import DuckDBResource

from botwatch import paths
from orchestration.ingest import IngestReport, ensure_raw_tables, ingest_file
from orchestration.partitions import landing_files

RAW_TWEET_TABLES = (
    "tweets",
    "user_observations",
    "rejected_records",
    "stream_notices",
    "ingested_files",
)
REJECTED_SHARE_WARNING = 0.05

RAW_TABLE_DESCRIPTIONS = {
    "tweets": "Canonical tweet observations, one row per tweet seen (embedded originals too).",
    "user_observations": "Every profile observation of every account, with when it was seen.",
    "rejected_records": "Quarantine: records that could not be used, with file, line and reason.",
    "stream_notices": "Streaming control messages: deletions to honour, limits (missed tweets).",
    "ingested_files": "One row per landing file ingested: format, compression and counts.",
}


def raw_asset_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", table])


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            raw_asset_key(table),
            description=RAW_TABLE_DESCRIPTIONS[table],
            group_name="ingest",
            kinds={"duckdb", "python"},
        )
        for table in RAW_TWEET_TABLES
    ],
    check_specs=[
        dg.AssetCheckSpec(
            "rejected_share_below_threshold",
            asset=raw_asset_key("rejected_records"),
            description=f"Warns when over {REJECTED_SHARE_WARNING:.0%} of a file's records fail.",
        )
    ],
    partitions_def=landing_files,
    backfill_policy=dg.BackfillPolicy.single_run(),
    can_subset=False,
)
def raw_tweets(context: dg.AssetExecutionContext, duckdb: DuckDBResource):
    """Ingest every landing file of the run's partitions (v1.1 lines or arrays, v2 pages, gzip or
    not) into the raw tables, replacing exactly that file's previous rows in one transaction."""
    landing = paths.landing_dir()
    reports: list[IngestReport] = []
    with duckdb.get_connection() as con:
        ensure_raw_tables(con)
        for partition in context.partition_keys:
            report = ingest_file(con, landing / partition, source_file=partition)
            context.log.info(f"{partition}: {report.to_metadata()}")
            reports.append(report)

    rejected_by_reason: Counter[str] = Counter()
    notices: Counter[str] = Counter()
    for report in reports:
        rejected_by_reason.update(report.rejected_by_reason)
        notices.update(report.notices_by_type)
    totals = {
        "files": len(reports),
        "tweets": sum(r.tweets for r in reports),
        "user_observations": sum(r.user_observations for r in reports),
        "rejected": sum(r.rejected for r in reports),
    }
    yield dg.MaterializeResult(
        asset_key=raw_asset_key("tweets"),
        metadata={**totals, "dagster/row_count": totals["tweets"]},
    )
    yield dg.MaterializeResult(
        asset_key=raw_asset_key("user_observations"),
        metadata={"dagster/row_count": totals["user_observations"]},
    )
    yield dg.MaterializeResult(
        asset_key=raw_asset_key("rejected_records"),
        metadata={
            "dagster/row_count": totals["rejected"],
            **{f"rejected_{reason}": n for reason, n in sorted(rejected_by_reason.items())},
        },
    )
    yield dg.MaterializeResult(
        asset_key=raw_asset_key("stream_notices"),
        metadata={
            **{f"notices_{kind}": n for kind, n in sorted(notices.items())},
            "missed_tweets": sum(r.missed_tweets for r in reports),
        },
    )
    yield dg.MaterializeResult(
        asset_key=raw_asset_key("ingested_files"), metadata={"files": totals["files"]}
    )

    too_many = {
        r.source_file: round(r.rejected / (r.rejected + r.tweets), 4)
        for r in reports
        if r.rejected and r.rejected / (r.rejected + r.tweets) > REJECTED_SHARE_WARNING
    }
    yield dg.AssetCheckResult(
        asset_key=raw_asset_key("rejected_records"),
        check_name="rejected_share_below_threshold",
        passed=not too_many,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"threshold": REJECTED_SHARE_WARNING, "files_over_threshold": too_many},
    )
