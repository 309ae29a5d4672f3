"""Dagster's SQLite event log, with its connections kept open.

Dagster's ``SqliteEventLogStorage`` builds an engine, opens a connection, commits and closes it
for every write, and the close of a WAL database's last connection checkpoints it to disk: about
15 ms per event on this machine, and a run writes thousands of events (one per landing-file
partition, planned asset, dbt model and dbt test). This subclass keeps one engine with one open
connection per database file (the index and the most recent runs' files) and commits with
``synchronous=NORMAL``, which in WAL mode is crash-safe (a power loss can lose the last commits,
never corrupt the file; a killed process loses nothing committed). Same files, same layout: an
instance written by either class reads with the other. Measured in bench/NOTES.md.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._serdes import ConfigurableClassData
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

# The index plus this many run files stay open; a UI process reading old runs reopens them.
OPEN_RUN_FILES = 4
BUSY_TIMEOUT_SECONDS = 30


def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def open_engine(conn_string: str) -> Engine:
    """One engine holding one SQLite connection, shared by the threads that take the storage's
    lock (the lock, not the pool, keeps them from using it at once)."""
    engine = create_engine(
        conn_string,
        poolclass=StaticPool,
        connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
    )
    event.listen(engine, "connect", _set_pragmas)
    return engine


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` whose per-file connections stay open between writes."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(  # ty: ignore[invalid-method-override]
        cls, inst_data: ConfigurableClassData | None, config_value: dict[str, Any]
    ) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is None:
            engine = open_engine(self.conn_string_for_shard(shard))
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            self._engines[shard] = engine
            runs = [s for s in self._engines if s != INDEX_SHARD_NAME]
            for old in runs[:-OPEN_RUN_FILES]:
                self._engines.pop(old).dispose()
        else:
            self._engines.move_to_end(shard)
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
        super().dispose()
