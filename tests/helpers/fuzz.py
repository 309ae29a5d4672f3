"""What the hypothesis tests of the readers and loaders share: the settings and the count of the
inputs each one took (``BOTWATCH_FUZZ_EXAMPLES`` per reader: 60 in `make test`, 10,000 in
`make fuzz`)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

EXAMPLES = int(os.environ.get("BOTWATCH_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


class ExampleCounter:
    """How many generated inputs each reader took, printed at the end of its module."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.counts: dict[str, int] = {}

    def count(self, reader: str) -> None:
        self.counts[reader] = self.counts.get(reader, 0) + 1

    def report(self) -> None:
        if not self.counts:
            pytest.skip("run together with the property tests above")
        summary = ", ".join(f"{reader}: {n:,}" for reader, n in sorted(self.counts.items()))
        print(f"\nhypothesis inputs per {self.what}: {summary}")
        assert all(n >= 1 for n in self.counts.values())
