"""Records of runs: the last run's outcome for the app, and runs whose process died.

Every `make run` writes ``last_run.json`` beside the published snapshot (``write_run_record``),
also when it fails and publishes nothing, so the app's data-quality page says when the last run
was, whether it succeeded, at which step it failed and why, in plain words.

Runs whose process died (kill -9, power loss) are marked failed, not left STARTED forever.

`make run` executes in its own process and tags its runs with that process's identity (PID and
start time, so a reused PID is not taken for it). At the next start, holding the warehouse lock (so
no run of this warehouse is alive anywhere), it marks every unfinished run whose process is gone as
failed. Runs launched from the UI are watched by the daemon's run monitoring (dagster.yaml).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from botwatch import published

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


# The steps of a run, for readers of the app (the data-quality page says which one failed).
PREPARING = "preparing the run"
STEP_WORDS = {
    "raw_tweets": "reading the landing files",
    "labelled_accounts": "loading the labelled accounts",
    "dbt_before_scores": "cleaning the tweets and matching them to campaigns",
    "bot_classifier": "training the bot classifier",
    "account_bot_scores": "scoring the accounts",
    "dbt_after_scores": "building the study's tables",
    "bot_share_intervals": "estimating the bot shares and their intervals",
    "coordinated_accounts": "finding coordinated accounts",
    "published_snapshot": "publishing the snapshot",
    "campaign_reports": "writing the findings reports",
    "gx_raw_tweets": "checking the raw tweets",
    "gx_account_bot_scores": "checking the bot scores",
    "gx_accounts": "checking the accounts table",
    "gx_campaign_summary": "checking the campaign summary",
    "held_out_auc_and_calibration": "checking the classifier on held-out accounts",
}


def step_words(step: str) -> str:
    """A step key said for readers: 'dbt_after_scores' -> "building the study's tables" (a check's
    step key ends with the check's name)."""
    for key, words in STEP_WORDS.items():
        if step == key or step.endswith(f"_{key}"):
            return words
    return step.replace("_", " ").strip()


_ERROR_CLASS = re.compile(r"(?:\w+\.)*[A-Z]\w*(?:Error|Exception|Failure)")


def first_sentence(message: str, limit: int = 400) -> str:
    """The first line of an error message, without a leading class name, at most ``limit``
    characters."""
    line = next((part.strip() for part in message.strip().splitlines() if part.strip()), "")
    head, separator, rest = line.partition(": ")
    if separator and _ERROR_CLASS.fullmatch(head):
        line = rest
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


# Errors whose message is only their own name, said in words.
ERROR_WORDS = {
    "DagsterExecutionInterruptedError": "The run was stopped before it finished (interrupted: "
    "Ctrl-C, a shutdown or a stop from the Dagster UI). Nothing was published.",
}


def error_words(cls_name: str | None, message: str) -> str:
    """What an error says, for readers: its first sentence, or words for one that has none."""
    name = cls_name or message.strip().rsplit(".", 1)[-1]
    if name in ERROR_WORDS:
        return ERROR_WORDS[name]
    return first_sentence(message)


def run_record(
    started_at: datetime,
    finished_at: datetime,
    collection: str,
    *,
    failed_step: str | None = None,
    message: str | None = None,
    published_snapshot: str | None = None,
) -> dict[str, str | None]:
    """The record of one run (``botwatch.published.RUN_RECORD_FIELDS``); failed when it names a
    failed step."""
    return {
        "started_at": started_at.isoformat(),
        "finished_at": finished_at.isoformat(),
        "outcome": published.FAILED if failed_step else published.SUCCEEDED,
        "failed_step": failed_step,
        "message": message,
        "published_snapshot": published_snapshot,
        "collection": collection,
    }


def write_run_record(publish_dir: Path, record: Mapping[str, str | None]) -> Path:
    """Write ``record`` as ``<publish_dir>/last_run.json`` in one atomic step (a reader never
    sees half of it); refuses a record that breaks the contract."""
    problems = published.run_record_violations(record)
    if problems:
        raise published.ContractBroken(problems)
    publish_dir.mkdir(parents=True, exist_ok=True)
    final = publish_dir / published.RUN_RECORD
    temporary = publish_dir / f".{published.RUN_RECORD}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(record, indent=2) + "\n")
    os.replace(temporary, final)
    return final
