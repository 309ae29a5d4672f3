"""The app's one door to data: the published snapshot, read-only, queries cached per snapshot.

The snapshot in force is resolved once per script run (``resolve``) and every query of that run goes
to that folder, so a publish in the middle of a render never mixes two snapshots. Query results are
cached under the snapshot's folder, so a new publish is a new cache key. Values from users always
travel as bound parameters (``params``), never inside the SQL text.

A snapshot is opened only if it keeps the contract of ``botwatch.published`` (every declared table
and column, of the declared type): the pages then read tables and columns by those names and never
have to guess or fall back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from botwatch import paths, published, snapshot

MODEL_CARD = "model_card.md"
NETWORKS = "networks"


class SnapshotUnavailable(RuntimeError):
    """Nothing has been published yet, or the snapshot in force cannot be opened."""


class SnapshotIncompatible(SnapshotUnavailable):
    """The snapshot in force does not keep the contract this app reads (another version)."""


@dataclass(frozen=True)
class Snapshot:
    """One published snapshot that keeps the contract: its folder and manifest."""

    folder: Path
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def snapshot_id(self) -> str:
        return str(self.manifest.get("snapshot_id") or self.folder.name)

    @property
    def database(self) -> Path:
        return self.folder / snapshot.DATABASE

    def query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> pd.DataFrame:
        return cached_query(str(self.folder), sql, tuple(params))

    def network_files(self, campaign_id: str) -> list[Path]:
        """The campaign's networks (GraphML, GEXF) written into this snapshot."""
        return files_starting_with(self.folder / NETWORKS, f"{campaign_id}-")

    def report_files(self, campaign_id: str) -> list[Path]:
        """The campaign's dated findings reports (Markdown, HTML), oldest first."""
        return files_starting_with(self.folder.parent.parent / snapshot.REPORTS, f"{campaign_id}-")

    def last_run(self) -> dict[str, Any] | None:
        """The record of the last pipeline run (``botwatch.published.RUN_RECORD``), written
        beside the snapshots also when that run failed; None when there is none, or it does not
        keep the contract."""
        return read_run_record(self.folder.parent.parent)

    def model_card(self) -> str | None:
        card = self.folder / MODEL_CARD
        return card.read_text() if card.exists() else None


def resolve(publish_dir: Path | None = None, attempts: int = 3) -> Snapshot:
    """The snapshot in force now, with its database opened (so a later prune cannot take it
    away mid-render). Raises ``SnapshotUnavailable`` with a message for people."""
    publish_dir = publish_dir or paths.publish_dir()
    for _ in range(attempts):
        folder = snapshot.current_dir(publish_dir)
        if folder is None:
            break
        try:
            return load(folder)
        except SnapshotIncompatible:
            raise
        except SnapshotUnavailable:
            continue  # pruned between resolving `current` and opening it: resolve again
    raise SnapshotUnavailable(
        f"No snapshot has been published in {publish_dir} yet. Run the pipeline "
        "(`make run`) and reload this page."
    )


def load(folder: Path) -> Snapshot:
    connection(str(folder))  # open (or keep) it now: it stays readable if the folder is pruned
    problems = contract_violations(str(folder))
    if problems:
        raise SnapshotIncompatible(
            f"The snapshot in {folder} was published by another version of botwatch: "
            f"{len(problems)} difference(s) from the tables this app reads, e.g. "
            f"{'; '.join(problems[:3])}. Run the pipeline (`make run`) to publish a snapshot "
            "of this version, then reload this page."
        )
    return Snapshot(folder=folder, manifest=read_manifest(str(folder)))


@st.cache_resource(max_entries=snapshot.KEEP + 1, show_spinner=False)
def connection(folder: str) -> duckdb.DuckDBPyConnection:
    """One read-only connection per snapshot. Held open, so the file stays readable even after the
    pipeline prunes the folder; each query takes its own cursor (cursors are per thread)."""
    database = Path(folder) / snapshot.DATABASE
    if not database.exists():
        raise SnapshotUnavailable(f"The snapshot in {folder} has no {snapshot.DATABASE}.")
    try:
        return duckdb.connect(str(database), read_only=True)
    except duckdb.Error as error:
        raise SnapshotUnavailable(f"The snapshot in {folder} cannot be opened: {error}") from error


@st.cache_data(max_entries=16, show_spinner=False)
def read_manifest(folder: str) -> dict[str, Any]:
    try:
        return snapshot.read_manifest(Path(folder))
    except (OSError, json.JSONDecodeError):
        return {}


@st.cache_data(max_entries=16, show_spinner=False)
def contract_violations(folder: str) -> list[str]:
    """How the snapshot's database differs from ``botwatch.published`` (empty: it keeps it)."""
    cursor = connection(folder).cursor()
    try:
        return published.violations(published.database_columns(cursor))
    finally:
        cursor.close()


@st.cache_data(max_entries=512, show_spinner=False)
def cached_query(folder: str, sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
    return run_query(folder, sql, params)


def run_query(folder: str, sql: str, params: tuple[Any, ...] = ()) -> pd.DataFrame:
    cursor = connection(folder).cursor()
    try:
        return cursor.execute(sql, list(params)).df()
    finally:
        cursor.close()


def files_starting_with(folder: Path, prefix: str) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.startswith(prefix))


def read_run_record(publish_dir: Path) -> dict[str, Any] | None:
    """Read at every render, not cached: a run that fails publishes no snapshot (no new cache
    key), and the page must still say so at once."""
    try:
        record = json.loads((publish_dir / published.RUN_RECORD).read_text())
    except (OSError, json.JSONDecodeError):
        return None
    if not isinstance(record, dict) or published.run_record_violations(record):
        return None
    return record
