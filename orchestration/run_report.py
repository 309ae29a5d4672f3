"""One line per step of a run, and a failure said for people (pure: no Dagster instance here).

``StepTracker`` is fed the run's events (kind, step key, timestamp, metadata) by `make run`'s
watcher and returns the lines to print; ``failure_advice`` turns a step's error into what failed,
where (the innermost file and line of botwatch's own code) and what to do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from botwatch.paths import PROJECT_ROOT

_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')
# What to do about errors whose message does not say it already.
ADVICE = {
    "NotTweetsError": "move that file out of the landing folder (it holds no tweets: nothing of "
    "it was written) and run `make run` again.",
}
GENERIC_ADVICE = (
    "fix what the message says and run `make run` again; the warehouse keeps the last committed "
    "state and the app the last good snapshot."
)
# Dagster's wrappers around the user's error: the cause chain goes through them.
_WRAPPERS = ("DagsterExecutionStepExecutionError", "DagsterUserCodeExecutionError")


@dataclass
class StepProgress:
    started_at: float
    assets: set[str] = field(default_factory=set)
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


# Metadata worth a place on a step's line, in this order.
_COUNTED = ("files", "tweets", "rejected", "dagster/row_count")
_COUNT_LABELS = {"dagster/row_count": "rows"}


def step_line(step: str, progress: StepProgress, ended_at: float, outcome: str) -> str:
    """``✓   3.1 s  raw_tweets: 240 files, 2,000 tweets, 12 rejected, 1 check``."""
    parts = [
        f"{progress.counts[key]:,} {_COUNT_LABELS.get(key, key)}"
        for key in _COUNTED
        if key in progress.counts
    ]
    assets = len(progress.assets)
    if assets > 1 or (assets and not parts):
        parts.insert(0, f"{assets} asset{'s' if assets != 1 else ''}")
    checks = progress.checks_passed + len(progress.checks_failed)
    if checks:
        failed = f", {len(progress.checks_failed)} failed" if progress.checks_failed else ""
        parts.append(f"{checks} check{'s' if checks != 1 else ''}{failed}")
    mark = {"success": "✓", "failure": "✗", "skipped": "-"}[outcome]
    seconds = max(ended_at - progress.started_at, 0.0)
    return f"  {mark} {seconds:6.1f} s  {step}: {', '.join(parts) or 'done'}"


class StepTracker:
    """Turns a run's step events into lines (one per finished step)."""

    def __init__(self) -> None:
        self.steps: dict[str, StepProgress] = {}
        self.failed_checks: list[str] = []
        self.skipped: list[str] = []

    def started(self, step: str, at: float) -> None:
        self.steps[step] = StepProgress(started_at=at)

    def materialised(self, step: str, asset: str, metadata: dict[str, object]) -> None:
        """One materialisation event; a partitioned asset has one per partition with the same
        metadata, so an asset's counts are taken once per step."""
        progress = self.steps.setdefault(step, StepProgress(started_at=0.0))
        if asset in progress.assets:
            return
        progress.assets.add(asset)
        for key in _COUNTED:
            value = metadata.get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                progress.counts[key] = progress.counts.get(key, 0) + value

    def checked(self, step: str, check: str, passed: bool, blocking: bool) -> None:
        progress = self.steps.setdefault(step, StepProgress(started_at=0.0))
        if passed:
            progress.checks_passed += 1
        else:
            progress.checks_failed.append(check)
            if blocking:
                self.failed_checks.append(check)

    def finished(self, step: str, at: float, outcome: str) -> str:
        progress = self.steps.setdefault(step, StepProgress(started_at=at))
        if outcome == "skipped":
            self.skipped.append(step)
        return step_line(step, progress, at, outcome)


@dataclass(frozen=True)
class ErrorChain:
    """One error of a step: class name, message and the frames of its stack."""

    cls_name: str | None
    message: str
    stack: list[str]


def user_error(chain: list[ErrorChain]) -> ErrorChain | None:
    """The error to show: the first in the cause chain that is not one of Dagster's wrappers."""
    for error in chain:
        if error.cls_name not in _WRAPPERS:
            return error
    return chain[-1] if chain else None


def code_location(error: ErrorChain, root: Path = PROJECT_ROOT) -> str | None:
    """``path/to/file.py:123``: the innermost frame in botwatch's own code (not a library's)."""
    location = None
    for frame in error.stack:
        for match in _FRAME.finditer(frame):
            path = Path(match["file"])
            try:
                relative = path.resolve().relative_to(root)
            except (ValueError, OSError):
                continue
            if relative.parts and relative.parts[0] == ".venv":
                continue
            location = f"{relative.as_posix()}:{match['line']}"
    return location


def failure_lines(step: str, chain: list[ErrorChain], log_path: Path) -> list[str]:
    """What failed, where and what to do, for a failed step."""
    error = user_error(chain)
    if error is None:
        return [f"✗ Step {step} failed. Full log: {log_path}"]
    message = error.message.strip().splitlines()[0] if error.message.strip() else ""
    name = error.cls_name or "error"
    # Dagster's message starts with the qualified class name: say it once.
    head, separator, rest = message.partition(": ")
    if separator and head.split(".")[-1] == name:
        message = rest
    lines = [f"✗ Step {step} failed: {name}: {message}"]
    location = code_location(error)
    if location:
        lines.append(f"  at {location}")
    lines += [
        f"  full log (the traceback, every step's output): {log_path}",
        f"  what to do: {ADVICE.get(name, GENERIC_ADVICE)}",
    ]
    return lines
