"""Runs whose process died (kill -9, power loss) are marked failed, not left STARTED forever.

`make run` executes in its own process and tags its runs with that process's identity (PID and
start time, so a reused PID is not taken for it). At the next start, holding the warehouse lock (so
no run of this warehouse is alive anywhere), it marks every unfinished run whose process is gone as
failed. Runs launched from the UI are watched by the daemon's run monitoring (dagster.yaml).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path

PROCESS_TAG = "botwatch/process"
UNFINISHED = ("NOT_STARTED", "STARTING", "STARTED", "CANCELING")
ABANDONED_MESSAGE = (
    "botwatch: the process of this run is gone (killed, or the machine stopped) and the run never "
    "finished; marked failed by the next `make run`. The warehouse kept its last committed state "
    "and the published snapshot its last good one."
)


def process_identity(pid: int) -> str | None:
    """``<pid>:<start time in clock ticks since boot>``, or None when there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    fields = stat[stat.rindex(")") + 2 :].split()
    return f"{pid}:{fields[19]}"


def this_process_tags() -> dict[str, str]:
    identity = process_identity(os.getpid())
    return {PROCESS_TAG: identity} if identity else {}


def is_abandoned(
    status: str,
    tags: Mapping[str, str],
    alive: Callable[[str], bool],
) -> bool:
    """Whether an unfinished run has no live process. ``alive(identity)`` says whether a tagged
    process still runs; a run without the tag (launched from the UI) counts as gone, since the
    caller holds the warehouse lock that any live run of this warehouse would hold."""
    if status not in UNFINISHED:
        return False
    identity = tags.get(PROCESS_TAG)
    return identity is None or not alive(identity)


def identity_alive(identity: str) -> bool:
    pid, _, _ = identity.partition(":")
    return pid.isdigit() and process_identity(int(pid)) == identity
