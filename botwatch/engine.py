"""Which engine runs the warehouse's SQL, and how Spark is started: the one place these are read.

``BOTWATCH_ENGINE`` is ``duckdb`` (the default: one machine, one file) or ``spark`` (Apache Spark;
dbt-spark in session mode, a local Spark inside the dbt process). The engine names the dbt target
(``dbt_project/profiles.yml``) unless ``BOTWATCH_DBT_TARGET`` names another one, e.g.
``spark_thrift`` for a cluster's Spark Thrift Server. Functions (not constants) so tests can
switch with ``monkeypatch.setenv``.
"""

from __future__ import annotations

import os
import re

DUCKDB, SPARK = "duckdb", "spark"
ENGINES = (DUCKDB, SPARK)
LOCAL_MASTER = re.compile(r"^local(\[(\*|[1-9][0-9]*)\])?$")


class UnknownEngine(ValueError):
    """``BOTWATCH_ENGINE`` names no engine botwatch runs on."""


def engine() -> str:
    """The engine in force (``BOTWATCH_ENGINE``, default ``duckdb``)."""
    name = os.environ.get("BOTWATCH_ENGINE", "").strip().lower() or DUCKDB
    if name not in ENGINES:
        raise UnknownEngine(f"BOTWATCH_ENGINE={name!r}: use one of {', '.join(ENGINES)}")
    return name


def dbt_target() -> str:
    """The dbt target (``BOTWATCH_DBT_TARGET``, default the engine's own)."""
    return os.environ.get("BOTWATCH_DBT_TARGET", "").strip() or engine()


def spark_master() -> str:
    """Spark's master for local runs (``BOTWATCH_SPARK_MASTER``, default ``local[*]``): ``local[N]``
    uses N cores."""
    master = os.environ.get("BOTWATCH_SPARK_MASTER", "").strip() or "local[*]"
    if not LOCAL_MASTER.match(master) and "://" not in master:
        raise ValueError(
            f"BOTWATCH_SPARK_MASTER={master!r}: use local, local[N], local[*] or a master URL"
        )
    return master


def settings() -> dict[str, str]:
    """The engine settings in force, as the environment variables dbt's profile reads."""
    return {
        "BOTWATCH_ENGINE": engine(),
        "BOTWATCH_DBT_TARGET": dbt_target(),
        "BOTWATCH_SPARK_MASTER": spark_master(),
    }
