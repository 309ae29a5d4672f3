"""What `make run` shows on the terminal while the full log goes to a file.

``materialize_all`` points fds 1 and 2 (Dagster's DEBUG log, dbt's output, warnings) at the run's
log file and keeps the terminal here, so a step can draw a progress bar on it. Outside `make run`
(a run launched from the UI, a test) there is no terminal and the bars are off.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from tqdm import tqdm

_terminal: TextIO | None = None


def set_terminal(stream: TextIO | None) -> None:
    global _terminal
    _terminal = stream


def terminal() -> TextIO | None:
    return _terminal


def say(line: str) -> None:
    """One line on the terminal, above any progress bar (nothing when there is no terminal)."""
    if _terminal is not None:
        tqdm.write(line, file=_terminal)
        _terminal.flush()


def bar(total: int | None, description: str, unit: str) -> tqdm:
    """A progress bar on the terminal that disappears when closed (off without a terminal)."""
    stream = _terminal
    enabled = stream is not None and stream.isatty()
    return tqdm(
        total=total,
        desc=description,
        unit=unit,
        file=stream,
        disable=not enabled,
        leave=False,
    )


@contextmanager
def progress(total: int, description: str, unit: str) -> Iterator[tqdm]:
    """``bar`` as a context: closed when the block ends."""
    with bar(total, description, unit) as shown:
        yield shown
