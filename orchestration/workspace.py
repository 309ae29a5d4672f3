"""A collection's warehouse: one writer at a time, and built from one landing folder only.

* ``warehouse_lock``: an exclusive ``flock`` on ``<warehouse>.lock`` held for a whole run (the
  ``duckdb`` resource takes it, so runs of `make run`, of the sensor and of the UI all do). DuckDB's
  own lock lasts one connection, and a run opens many, so two runs could otherwise interleave their
  steps. The kernel releases the lock when its process dies, kill -9 included.
* ``claim_warehouse``: the warehouse records the collection and landing folder it was built from;
  a run with another landing folder is refused, so two collections never mix in one warehouse.
"""

from __future__ import annotations

import fcntl
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from botwatch import duckdb_settings

META_SCHEMA = "botwatch_meta"
ORIGIN_TABLE = f"{META_SCHEMA}.workspace"
_DUCKDB_LOCK_HOLDER = re.compile(
    r"Conflicting lock is held in (?P<program>\S+) \(PID (?P<pid>\d+)\)"
)


class WorkspaceError(RuntimeError):
    """A run cannot use this warehouse; the message says why and what to do."""


class WarehouseInUse(WorkspaceError):
    """Another process writes the warehouse."""


class WarehouseOfAnotherLanding(WorkspaceError):
    """The warehouse was built from another landing folder."""


class WarehouseUnreadable(WorkspaceError):
    """The warehouse file cannot be opened (damaged, or not a DuckDB file)."""


def describe_process(pid: int) -> str:
    """``PID n (command line)`` when the process is visible, else ``PID n``."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return f"PID {pid}"
    command = raw.replace(b"\0", b" ").decode(errors="replace").strip()
    return f"PID {pid} ({command[:160]})" if command else f"PID {pid}"


def in_use_message(warehouse: Path, holder: str) -> str:
    return (
        f"The warehouse {warehouse} is being written by another process, {holder}: another "
        "`make run`, or a run launched from the Dagster UI. Wait for it to finish (or stop it) and "
        "run again; nothing was written by this run."
    )


_held: dict[Path, int] = {}
_held_guard = threading.Lock()


@contextmanager
def warehouse_lock(lock_path: Path, warehouse: Path) -> Iterator[None]:
    """Hold the warehouse's writer lock, or raise ``WarehouseInUse`` naming the holder. Re-entrant
    within a process (`make run` takes it, then the run's resource takes it again)."""
    lock_path = Path(lock_path)
    with _held_guard:
        if lock_path in _held:
            _held[lock_path] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _held_guard:
                _held[lock_path] -= 1
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(fd, 64, 0).decode(errors="replace").strip()
            holder = describe_process(int(text)) if text.isdigit() else "of unknown PID"
            raise WarehouseInUse(in_use_message(warehouse, holder)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        with _held_guard:
            _held[lock_path] = 1
        try:
            yield
        finally:
            with _held_guard:
                del _held[lock_path]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def readable_duckdb_error(error: duckdb.Error, warehouse: Path) -> WorkspaceError | None:
    """DuckDB's error opening the warehouse, said for people (None when it is another error)."""
    text = str(error)
    match = _DUCKDB_LOCK_HOLDER.search(text)
    if match:
        return WarehouseInUse(in_use_message(warehouse, describe_process(int(match["pid"]))))
    if isinstance(
        error, duckdb.IOException | duckdb.SerializationException | duckdb.InternalException
    ) and (
        "not a valid DuckDB database" in text
        or "corrupt" in text.lower()
        or "checksum" in text.lower()
    ):
        return WarehouseUnreadable(
            f"The warehouse {warehouse} cannot be opened, it looks damaged "
            f"({text.splitlines()[0]}). Everything in it is rebuilt from the landing files: "
            "move it aside (keep it for a bug report) and run again."
        )
    return None


@contextmanager
def open_warehouse(warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection, DuckDB's errors opening it turned into ``WorkspaceError``."""
    Path(warehouse).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(warehouse), config=duckdb_settings.connection_config(warehouse))
    except duckdb.Error as error:
        readable = readable_duckdb_error(error, Path(warehouse))
        if readable is None:
            raise
        raise readable from error
    try:
        yield con
    finally:
        con.close()


@dataclass(frozen=True)
class Origin:
    collection: str
    landing_dir: str


def recorded_origin(con: duckdb.DuckDBPyConnection) -> Origin | None:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_schema = ? AND table_name = ?",
        [META_SCHEMA, "workspace"],
    ).fetchone()[0]
    if not exists:
        return None
    row = con.execute(f"SELECT collection, landing_dir FROM {ORIGIN_TABLE} LIMIT 1").fetchone()
    return Origin(*row) if row else None


def landing_as_recorded(landing_dir: Path, warehouse: Path) -> str:
    """The landing folder as the warehouse records it: relative to the warehouse's folder when
    inside it (a collection's own layout), so a workspace copied or moved whole stays valid."""
    landing, home = Path(landing_dir).resolve(), Path(warehouse).resolve().parent
    return landing.relative_to(home).as_posix() if landing.is_relative_to(home) else str(landing)


def same_landing(recorded: str, landing_dir: Path, warehouse: Path) -> bool:
    """Whether the recorded landing folder is this one (a relative record is read from the
    warehouse's folder, where it was taken)."""
    folder = Path(recorded)
    if not folder.is_absolute():
        folder = Path(warehouse).resolve().parent / folder
    return folder.resolve() == Path(landing_dir).resolve()


def claim_warehouse(
    con: duckdb.DuckDBPyConnection, collection: str, landing_dir: Path, warehouse: Path
) -> Origin:
    """Record the collection and landing folder in a new warehouse, or check that this run's are
    the recorded ones. Raises ``WarehouseOfAnotherLanding`` instead of mixing two collections."""
    landing = landing_as_recorded(landing_dir, warehouse)
    origin = recorded_origin(con)
    if origin is None:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {META_SCHEMA}")
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {ORIGIN_TABLE} "
            "(collection VARCHAR NOT NULL, landing_dir VARCHAR NOT NULL, claimed_at TIMESTAMP)"
        )
        con.execute(
            f"INSERT INTO {ORIGIN_TABLE} VALUES (?, ?, current_timestamp::TIMESTAMP)",
            [collection, landing],
        )
        return Origin(collection, landing)
    if not same_landing(origin.landing_dir, landing_dir, warehouse):
        raise WarehouseOfAnotherLanding(
            f"The warehouse {warehouse} holds collection '{origin.collection}', built from the "
            f"landing folder {origin.landing_dir}; this run's landing folder is "
            f"{Path(landing_dir).resolve()}. botwatch never mixes two collections in one "
            "warehouse: leave BOTWATCH_WAREHOUSE (and BOTWATCH_COLLECTION) unset to give the "
            "folder its own workspace, or pick another collection with `make run COLLECTION=name`."
        )
    return origin
