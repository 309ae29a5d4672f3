"""The published snapshot: the one layout that the pipeline writes and the app reads.

::

    BOTWATCH_PUBLISH_DIR/
        current -> snapshots/<snapshot id>     (a symlink, swapped atomically with os.replace)
        snapshots/<snapshot id>/
            botwatch.duckdb                    (the marts, copied; the app opens it read-only)
            manifest.json                      (when, from which run, tables and row counts)
            model_card.md, networks/*.graphml|*.gexf, ...
        reports/<campaign id>-<run date>.md|.html

A reader resolves ``current`` once and keeps using that folder, so a publish that happens while it
reads never shows it half of a snapshot; old snapshots are pruned only after ``KEEP`` newer ones.
A publish that dies half-way (killed, disk full) leaves ``current`` as it was; what it left
(``.building-*``, ``.current-*``) is removed by the next publish, which is the only writer (it runs
under the warehouse lock).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

CURRENT = "current"
SNAPSHOTS = "snapshots"
REPORTS = "reports"
DATABASE = "botwatch.duckdb"
MANIFEST = "manifest.json"
KEEP = 3
BUILDING_PREFIX = ".building-"


class PublishError(OSError):
    """The new snapshot could not be written; the one in force stays current."""


def current_dir(publish_dir: Path) -> Path | None:
    """The folder of the snapshot in force, or None when nothing has been published yet."""
    link = publish_dir / CURRENT
    if not link.exists():
        return None
    return link.resolve()


def read_manifest(snapshot_dir: Path) -> dict[str, Any]:
    return json.loads((snapshot_dir / MANIFEST).read_text())


def publish(
    publish_dir: Path, write: Callable[[Path], dict[str, Any]], run_id: str | None = None
) -> Path:
    """Build a new snapshot with ``write(folder) -> manifest fields`` in a fresh folder, then make
    it current in one atomic step. Returns the new snapshot's folder."""
    published_at = datetime.now(UTC)
    snapshot_id = published_at.strftime("%Y%m%dT%H%M%S%fZ")
    snapshots = publish_dir / SNAPSHOTS
    snapshots.mkdir(parents=True, exist_ok=True)
    remove_leftovers(publish_dir)
    building = snapshots / f"{BUILDING_PREFIX}{snapshot_id}"
    building.mkdir()
    try:
        manifest = {
            "snapshot_id": snapshot_id,
            "published_at": published_at.isoformat(),
            "run_id": run_id,
            **write(building),
        }
        (building / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str))
        final = snapshots / snapshot_id
        building.rename(final)
    except BaseException as error:
        shutil.rmtree(building, ignore_errors=True)
        if _is_disk_full(error):
            in_force = current_dir(publish_dir)
            raise PublishError(
                errno.ENOSPC,
                f"No space left on the device of {publish_dir} while writing snapshot "
                f"{snapshot_id}: nothing was published, the snapshot in force "
                f"({in_force.name if in_force else 'none yet'}) stays current. Free some space "
                "there (or point BOTWATCH_PUBLISH_DIR at a larger disk) and run again.",
            ) from error
        raise
    temporary_link = publish_dir / f".{CURRENT}-{snapshot_id}"
    temporary_link.symlink_to(Path(SNAPSHOTS) / snapshot_id)
    os.replace(temporary_link, publish_dir / CURRENT)
    _prune(snapshots, keep=KEEP)
    return final


def _is_disk_full(error: BaseException) -> bool:
    """ENOSPC from Python, or DuckDB's IO error saying the same."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return True
        if "No space left on device" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def remove_leftovers(publish_dir: Path) -> list[Path]:
    """Folders and links of publishes that died half-way (never what ``current`` points at)."""
    snapshots = publish_dir / SNAPSHOTS
    removed = []
    candidates = [*snapshots.glob(f"{BUILDING_PREFIX}*"), *publish_dir.glob(f".{CURRENT}-*")]
    for leftover in candidates:
        if leftover.is_symlink() or leftover.is_file():
            leftover.unlink(missing_ok=True)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
        removed.append(leftover)
    return removed


def _prune(snapshots: Path, keep: int) -> None:
    finished = sorted(p for p in snapshots.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in finished[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
