"""Landing files → canonical raw tables (pure functions; the Dagster asset wraps them).

    con = duckdb.connect(warehouse)
    report = ingest_file(con, landing / name, source_file=name)   # one partition
    reports = ingest_files(con, paths, source_files=names)        # a backfill, batched
    report.to_metadata()  # flat counts: tweets, user_observations, rejected_<reason>, ...

Formats are detected from content: v1.1 JSON lines (streaming / search, control messages
included), v1.1 JSON arrays (timeline dumps), one pretty-printed v1.1 object (a profile),
twarc2 v2 pages (tweets or user lookups), each gzip-compressed or not. Bad records go to
``raw.rejected_records`` with a reason; a file with no tweet at all raises ``NotTweetsError``.
"""

from ingest.errors import NotTweetsError
from ingest.ingest import (
    ensure_raw_tables,
    ingest_file,
    ingest_files,
    recorded_files,
    retire_files,
    source_name,
)
from ingest.landing import (
    IngestPlan,
    LandingFolderGone,
    discover_landing_files,
    file_signature,
    plan_ingest,
)
from ingest.report import IngestReport

__all__ = [
    "IngestPlan",
    "IngestReport",
    "LandingFolderGone",
    "NotTweetsError",
    "discover_landing_files",
    "ensure_raw_tables",
    "file_signature",
    "ingest_file",
    "ingest_files",
    "plan_ingest",
    "recorded_files",
    "retire_files",
    "source_name",
]
