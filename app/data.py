"""The app's one door to data: the published snapshot, read-only, queries cached per snapshot.

The snapshot in force is resolved once per script run (``resolve``) and every query of that run goes
to that folder, so a publish in the middle of a render never mixes two snapshots. Query results are
cached under the snapshot's folder, so a new publish is a new cache key. Values from users always
travel as bound parameters (``params``), never inside the SQL text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from botwatch import paths, snapshot

MODEL_CARD = "model_card.md"
NETWORKS = "networks"


class SnapshotUnavailable(RuntimeError):
    """Nothing has been published yet, or the snapshot in force cannot be opened."""


@dataclass(frozen=True)
class Snapshot:
    """One published snapshot: its folder, manifest and the tables its database holds."""

    folder: Path
    manifest: dict[str, Any]
    tables: frozenset[str] = field(default_factory=frozenset)

    @property
    def snapshot_id(self) -> str:
        return str(self.manifest.get("snapshot_id") or self.folder.name)

    @property
    def database(self) -> Path:
        return self.folder / snapshot.DATABASE

    def has(self, table: str) -> bool:
        return table in self.tables

    def find_tables(self, *fragments: str) -> list[str]:
        """Tables whose name contains every fragment (names of newer tables may vary slightly)."""
        return sorted(t for t in self.tables if all(f in t for f in fragments))

    def query(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> pd.DataFrame:
        return cached_query(str(self.folder), sql, tuple(params))

    def columns(self, table: str) -> list[str]:
        return table_columns(str(self.folder), table)

    def network_files(self, campaign_id: str) -> list[Path]:
        """The campaign's networks (GraphML, GEXF) written into this snapshot."""
        return files_starting_with(self.folder / NETWORKS, f"{campaign_id}-")

    def report_files(self, campaign_id: str) -> list[Path]:
        """The campaign's dated findings reports (Markdown, HTML), oldest first."""
        return files_starting_with(self.folder.parent.parent / snapshot.REPORTS, f"{campaign_id}-")

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
        except SnapshotUnavailable:
            continue  # pruned between resolving `current` and opening it: resolve again
    raise SnapshotUnavailable(
        f"No snapshot has been published in {publish_dir} yet. Run the pipeline "
        "(`make run`) and reload this page."
    )


def load(folder: Path) -> Snapshot:
    connection(str(folder))  # open (or keep) it now: it stays readable if the folder is pruned
    tables = list_tables(str(folder))
    return Snapshot(folder=folder, manifest=read_manifest(str(folder)), tables=tables)


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
def list_tables(folder: str) -> frozenset[str]:
    frame = run_query(folder, "SELECT table_name FROM information_schema.tables")
    return frozenset(frame["table_name"])


@st.cache_data(max_entries=256, show_spinner=False)
def table_columns(folder: str, table: str) -> list[str]:
    frame = run_query(
        folder,
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position",
        (table,),
    )
    return list(frame["column_name"])


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


def quoted(table: str) -> str:
    """A table name for SQL text. Only names read from the snapshot's own catalogue are passed here,
    never user input; quoting keeps odd names safe anyway."""
    return '"' + table.replace('"', '""') + '"'
