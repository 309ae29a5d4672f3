"""Which files of the landing folder are ready to ingest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from botwatch import paths

TWEET_SUFFIXES = (".jsonl", ".json", ".gz")
# Names collectors and copy tools give files still being written.
_TEMPORARY_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".swp")


def _is_candidate(relative: Path) -> bool:
    if any(part.startswith((".", "~", "_")) for part in relative.parts):
        return False
    name = relative.name.lower()
    return name.endswith(TWEET_SUFFIXES) and not name.endswith(_TEMPORARY_SUFFIXES)


def discover_landing_files(landing_dir: Path | None = None) -> list[str]:
    """Relative names (POSIX, sorted) of the files to ingest under ``landing_dir`` (default: the
    configured landing dir): .jsonl, .json, .gz (so .jsonl.gz), hidden and temporary files left
    out. The name is only a filter here; the format is detected from the content."""
    root = Path(landing_dir) if landing_dir is not None else paths.landing_dir()
    if not root.is_dir():
        return []
    found = [p.relative_to(root) for p in root.rglob("*") if p.is_file()]
    return sorted(p.as_posix() for p in found if _is_candidate(p))


class LandingFolderGone(FileNotFoundError):
    """The landing folder is missing or holds no tweet file at all: nothing is retired then."""


def file_signature(path: Path) -> str:
    """Size and modification time: a file re-landed with other content has another signature."""
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


@dataclass(frozen=True)
class IngestPlan:
    ingest: list[str]  # requested files that are in the landing folder, in the requested order
    unchanged: list[str]  # requested files ingested before with the signature they have now
    vanished: list[str]  # files ingested or requested before and no longer there, sorted


def plan_ingest(
    requested: list[str],
    recorded: dict[str, str | None],
    present: dict[str, str],
    reingest: bool = False,
) -> IngestPlan:
    """What a run does with the landing folder as it is now (pure, for tests). ``recorded`` and
    ``present`` map a file to its signature when ingested (None if not recorded) and now. The
    rule: the raw tables hold exactly the files that are there now, so the rows of a file that
    vanished (moved, archived, deleted) are removed and a re-run equals a fresh run on the
    remaining files. A file already ingested with the signature it has now is kept as it is (a
    run costs what landed since the last one), unless ``reingest`` asks to read every file again."""
    ingest, unchanged = [], []
    for name in requested:
        if name not in present:
            continue
        kept = not reingest and recorded.get(name) == present[name]
        (unchanged if kept else ingest).append(name)
    return IngestPlan(
        ingest=ingest,
        unchanged=unchanged,
        vanished=sorted((set(recorded) | set(requested)) - set(present)),
    )
