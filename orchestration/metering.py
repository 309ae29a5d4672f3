"""Where a step's time and memory go: wall seconds, rows in and out, peak RSS, DuckDB's memory.

``measured()`` yields a dict that the asset fills with its row counts; on leaving it adds the
step's figures, all numeric, so the Dagster UI plots them run after run:

- ``wall_seconds``;
- ``peak_rss_mib``: the high-water mark of this process's resident memory *during the step*
  (Linux resets it on writing 5 to ``/proc/self/clear_refs``; `make run` executes every step in
  one process, so the process's lifetime peak would only ever grow), and of its child processes
  (dbt), sampled from ``/proc`` every ``SAMPLE_SECONDS``;
- ``duckdb_memory_mib`` / ``duckdb_temp_mib`` (when the asset hands its connection to
  ``duckdb_memory``): what DuckDB's buffer manager holds and has spilled at the end of the step.
"""

from __future__ import annotations

import functools
import os
import resource
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_shared import record as dg_record

SAMPLE_SECONDS = 0.2
_PROC = Path("/proc")


def _status_kib(status_file: Path, field: str) -> int | None:
    try:
        for line in status_file.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def reset_peak_rss() -> bool:
    """Restart this process's RSS high-water mark (Linux >= 4.0); False where it cannot."""
    try:
        (_PROC / "self" / "clear_refs").write_text("5")
    except OSError:
        return False
    return True


def own_peak_rss_kib() -> int:
    """This process's RSS high-water mark (since the last reset, where resets work)."""
    peak = _status_kib(_PROC / "self" / "status", "VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (children, their children, ...)."""
    children: dict[int, list[int]] = {}
    for entry in _PROC.glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class ChildPeakSampler(threading.Thread):
    """Samples the RSS of this process's descendants (summed) until stopped; ``take_peak()``
    returns the largest sum since the last take."""

    def __init__(self, interval: float = SAMPLE_SECONDS) -> None:
        super().__init__(name="rss-sampler", daemon=True)
        self.interval = interval
        self._peak_kib = 0
        self._lock = threading.Lock()
        self._stop_requested = threading.Event()

    def sample(self) -> int:
        total = 0
        for pid in descendants(os.getpid()):
            total += _status_kib(_PROC / str(pid) / "status", "VmRSS") or 0
        with self._lock:
            self._peak_kib = max(self._peak_kib, total)
        return total

    def peak(self) -> int:
        """The largest sum sampled since the last take, without sampling again."""
        with self._lock:
            return self._peak_kib

    def take_peak(self) -> int:
        self.sample()
        with self._lock:
            peak, self._peak_kib = self._peak_kib, 0
        return peak

    def run(self) -> None:
        while not self._stop_requested.wait(self.interval):
            self.sample()

    def stop(self) -> int:
        self._stop_requested.set()
        self.join()
        return self.take_peak()


def mib(kib: float) -> float:
    return round(kib / 1024, 1)


@contextmanager
def measured(sampler: ChildPeakSampler | None = None) -> Iterator[dict[str, Any]]:
    """Yield a dict for the step's metadata; on exit it holds ``wall_seconds`` and
    ``peak_rss_mib`` (this process's and its children's, whichever is larger). ``sampler``: a
    new one of the caller's, to read the children's peak while the step runs."""
    figures: dict[str, Any] = {}
    reset_peak_rss()
    sampler = sampler or ChildPeakSampler()
    sampler.start()
    started = time.perf_counter()
    try:
        yield figures
    finally:
        children_kib = sampler.stop()
        figures["wall_seconds"] = round(time.perf_counter() - started, 2)
        figures["peak_rss_mib"] = mib(max(own_peak_rss_kib(), children_kib))


def duckdb_memory(con: Any) -> dict[str, float]:
    """DuckDB's buffer memory and temporary (spilled) storage now, in MiB."""
    memory, temporary = con.execute(
        "SELECT coalesce(sum(memory_usage_bytes), 0), coalesce(sum(temporary_storage_bytes), 0) "
        "FROM duckdb_memory()"
    ).fetchall()[0]
    return {"duckdb_memory_mib": mib(memory / 1024), "duckdb_temp_mib": mib(temporary / 1024)}


def metered(asset_fn: Callable[..., Any]) -> Callable[..., Any]:
    """An asset function whose ``MaterializeResult`` also carries ``measured()``'s figures (and
    ``rows_out``, from its ``dagster/row_count``). Dagster reads the wrapped signature."""

    @functools.wraps(asset_fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with measured() as figures:
            result = asset_fn(*args, **kwargs)
        metadata = dict(result.metadata or {})
        if "dagster/row_count" in metadata:
            figures.setdefault("rows_out", metadata["dagster/row_count"])
        return dg_record.replace(result, metadata={**metadata, **figures})

    return wrapper


def with_step_figures(events: Iterable[Any], step: str) -> Iterator[Any]:
    """dbt's events, each model's materialisation (and each test's result) carrying the peak RSS
    of the dbt build so far and the model's wall seconds; at the end, the whole invocation's
    figures as an observation of the last model. The events reach this process once dbt has
    exited (``metadata.read_to_the_end``), so the peak is the build's, not the node's: dbt runs
    its nodes in one process, and what one node held, the next may reuse."""
    last_key = None
    sampler = ChildPeakSampler()
    with measured(sampler) as figures:
        for event in events:
            peak = {"peak_rss_mib": mib(sampler.peak())}
            if isinstance(event, dg.Output | dg.AssetMaterialization):
                duration = (event.metadata or {}).get("Execution Duration")
                if duration is not None:
                    peak["wall_seconds"] = getattr(duration, "value", duration)
                event = event.with_metadata({**(event.metadata or {}), **peak})
                last_key = getattr(event, "asset_key", None) or event.output_name
            elif isinstance(event, dg.AssetCheckResult):
                event = event.with_metadata({**(event.metadata or {}), **peak})
            yield event
    if isinstance(last_key, dg.AssetKey):
        yield dg.AssetObservation(
            asset_key=last_key,
            metadata={"dbt_step": step, **{f"step_{k}": v for k, v in figures.items()}},
        )
