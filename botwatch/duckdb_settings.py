"""DuckDB's memory bound, the one place it is decided: every warehouse connection (Dagster's,
the workspace's, the bench's) and dbt-duckdb (``dbt_project/profiles.yml``) use these settings.

- ``memory_limit``: ``BOTWATCH_DUCKDB_MEMORY_LIMIT`` (any DuckDB size, ``6GB``, ``512MiB``), else
  ``MEMORY_FRACTION`` of the machine's memory (the cgroup's limit when that is smaller): 6 GiB
  on a 24 GiB machine, leaving room for Python, the app and the UI beside the run. DuckDB spills
  what does not fit to ``temp_directory`` instead of growing.
- ``temp_directory``: ``BOTWATCH_DUCKDB_TEMP_DIR``, else ``<warehouse>.tmp`` beside the warehouse
  (on the warehouse's disk, which has room for the warehouse's size).
"""

from __future__ import annotations

import os
from pathlib import Path

MEMORY_FRACTION = 0.25
MEMORY_LIMIT_VARIABLE = "BOTWATCH_DUCKDB_MEMORY_LIMIT"
TEMP_DIR_VARIABLE = "BOTWATCH_DUCKDB_TEMP_DIR"
_CGROUP_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
)


def machine_memory_bytes() -> int:
    """Physical memory, or the cgroup's limit when it is lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit_file in _CGROUP_LIMITS:
        try:
            value = limit_file.read_text().strip()
        except OSError:
            continue
        if value.isdigit():
            total = min(total, int(value))
    return total


def memory_limit() -> str:
    """DuckDB's ``memory_limit`` for warehouse connections."""
    configured = os.environ.get(MEMORY_LIMIT_VARIABLE, "").strip()
    if configured:
        return configured
    return f"{int(machine_memory_bytes() * MEMORY_FRACTION) // 2**20}MiB"


def temp_directory(warehouse: Path) -> str:
    """Where DuckDB spills what does not fit in ``memory_limit``."""
    configured = os.environ.get(TEMP_DIR_VARIABLE, "").strip()
    return configured or f"{warehouse}.tmp"


def connection_config(warehouse: Path) -> dict[str, str]:
    """The ``config`` of ``duckdb.connect`` (and of ``DuckDBResource.connection_config``)."""
    return {"memory_limit": memory_limit(), "temp_directory": temp_directory(warehouse)}


def environment(warehouse: Path) -> dict[str, str]:
    """The same settings as the variables dbt's profile reads."""
    return {MEMORY_LIMIT_VARIABLE: memory_limit(), TEMP_DIR_VARIABLE: temp_directory(warehouse)}
