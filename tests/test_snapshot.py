"""Publishing is atomic: a reader sees the old snapshot or the new one, never a half-written one."""

from __future__ import annotations

from pathlib import Path

import pytest

from botwatch import snapshot


def write_marker(value: str):
    def write(folder: Path) -> dict:
        (folder / "marker.txt").write_text(value)
        return {"marker": value}

    return write


def test_publish_makes_the_new_snapshot_current_and_prunes_old_ones(tmp_path: Path) -> None:
    assert snapshot.current_dir(tmp_path) is None
    folders = [
        snapshot.publish(tmp_path, write_marker(str(i)), run_id=f"run-{i}") for i in range(5)
    ]
    current = snapshot.current_dir(tmp_path)
    assert current == folders[-1].resolve()
    assert snapshot.read_manifest(current)["marker"] == "4"
    assert snapshot.read_manifest(current)["run_id"] == "run-4"
    kept = sorted(p.name for p in (tmp_path / snapshot.SNAPSHOTS).iterdir())
    assert len(kept) == snapshot.KEEP


def test_a_failed_build_leaves_the_current_snapshot_in_place(tmp_path: Path) -> None:
    good = snapshot.publish(tmp_path, write_marker("good"))

    def broken(folder: Path) -> dict:
        (folder / "half.txt").write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        snapshot.publish(tmp_path, broken)
    assert snapshot.current_dir(tmp_path) == good.resolve()
    assert not [p for p in (tmp_path / snapshot.SNAPSHOTS).iterdir() if p.name.startswith(".")]
