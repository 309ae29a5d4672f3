"""Landing files → canonical raw tables (pure functions; the Dagster asset wraps them)."""

from orchestration.ingest.errors import NotTweetsError
from orchestration.ingest.ingest import ensure_raw_tables, ingest_file, ingest_files, source_name
from orchestration.ingest.landing import discover_landing_files
from orchestration.ingest.report import IngestReport

__all__ = [
    "IngestReport",
    "NotTweetsError",
    "discover_landing_files",
    "ensure_raw_tables",
    "ingest_file",
    "ingest_files",
    "source_name",
]
