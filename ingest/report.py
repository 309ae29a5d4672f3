"""What one file's ingest did: the counts the Dagster asset shows as metadata."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class IngestReport:
    source_file: str
    file_format: str  # 'v1.1-lines' | 'v1.1-array' | 'v1.1-object' | 'v2-pages' | 'empty'
    compression: str  # 'none' | 'gzip'
    tweets: int = 0  # rows written to raw.tweets, embedded originals included
    user_observations: int = 0
    rejected: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    notices_by_type: dict[str, int] = field(default_factory=dict)
    missed_tweets: int = 0  # sum of the 'limit' notices' track counts
    records: int = 0  # non-blank lines, array elements or pages read

    @property
    def notices(self) -> int:
        return sum(self.notices_by_type.values())

    def add_rejected(self, reasons: Counter[str] | dict[str, int]) -> None:
        merged = Counter(self.rejected_by_reason)
        merged.update(reasons)
        self.rejected_by_reason = dict(sorted(merged.items()))
        self.rejected = sum(merged.values())

    def add_notices(self, types: Counter[str] | dict[str, int]) -> None:
        merged = Counter(self.notices_by_type)
        merged.update(types)
        self.notices_by_type = dict(sorted(merged.items()))

    def to_metadata(self) -> dict[str, Any]:
        """A flat dict of JSON-friendly values (Dagster metadata, logs)."""
        flat: dict[str, Any] = {
            "source_file": self.source_file,
            "file_format": self.file_format,
            "compression": self.compression,
            "records": self.records,
            "tweets": self.tweets,
            "user_observations": self.user_observations,
            "rejected": self.rejected,
            "notices": self.notices,
            "missed_tweets": self.missed_tweets,
        }
        flat.update({f"rejected_{k}": v for k, v in self.rejected_by_reason.items()})
        flat.update({f"notices_{k}": v for k, v in self.notices_by_type.items()})
        return flat
