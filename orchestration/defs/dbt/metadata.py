"""Row counts, column schema and column lineage on every dbt asset, fetched from the build.

dagster-dbt fetches them through dbt-duckdb's adapter inside the Dagster process, once the dbt
subprocess has exited (DuckDB has one writer), with the warehouse opened READ_ONLY. dbt-duckdb
keeps that handle open after the fetches (``keep_open``), and DuckDB lets a process hold a file
with one configuration only: every later connection of the run (the classifier, the GX checks,
publish: read-write) then failed with "Can't open a connection to same database file with a
different configuration than existing connections". ``release_adapter`` closes the handle when
the step's events are out, so the rest of the run opens the warehouse as before.

The events are read to dbt's end before the fetches start, and the fetches run one after the
other in the step's thread, on models and seeds only. dagster-dbt's own post-processing
(``fetch_row_counts().fetch_column_metadata()``) feeds a thread pool through
``dagster._core.utils.imap``, which polls its work queue without sleeping while it is empty: fed
from the live stream it spun one core for as long as dbt ran, and between its two chained pools
it still spun for the seconds the fetches took. It also fetched the columns and built sqlglot
lineage for every dbt test's SQL, to attach an empty schema to the test's check result. The same
two fetch functions give the same metadata here (bench/NOTES.md has the figures).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation
from dagster_dbt.core.dbt_event_iterator import _fetch_column_metadata, _fetch_row_count_metadata

ROW_COUNT = "dagster/row_count"


def with_table_metadata(invocation: DbtCliInvocation) -> Iterator[Any]:
    """The invocation's events; each model's and seed's materialisation carries
    ``dagster/row_count``, ``dagster/column_schema`` and (from the compiled SQL)
    ``dagster/column_lineage``."""
    try:
        for event in read_to_the_end(invocation.stream()):
            yield with_view_row_count(invocation, with_fetched_metadata(invocation, event))
    finally:
        release_adapter(invocation)


def with_fetched_metadata(invocation: DbtCliInvocation, event: Any) -> Any:
    """A model's or seed's event with dagster-dbt's row count (tables), column schema and column
    lineage added; any other event as it is."""
    if not isinstance(event, dg.Output | dg.AssetMaterialization) or invocation.adapter is None:
        return event
    fetched = {
        **(_fetch_row_count_metadata(invocation, event) or {}),
        **(_fetch_column_metadata(invocation, event, with_column_lineage=True) or {}),
    }
    return event.with_metadata({**event.metadata, **fetched}) if fetched else event


def read_to_the_end(events: Iterator[Any]) -> Iterator[Any]:
    """Reads ``events`` to their end now, in the caller's thread, and returns them to be handed
    on; an error raised while reading is raised again after the events read before it."""
    read: list[Any] = []
    try:
        for event in events:
            read.append(event)
    except Exception as error:
        return _replayed(read, error)
    return _replayed(read, None)


def _replayed(read: list[Any], error: Exception | None) -> Iterator[Any]:
    yield from read
    if error is not None:
        raise error


def with_view_row_count(invocation: DbtCliInvocation, event: Any) -> Any:
    """dagster-dbt counts the rows of tables only (a view's count runs its query); the staging
    views are a deduplication over the raw tables, cheap enough to count after the build."""
    metadata = getattr(event, "metadata", None) or {}
    if ROW_COUNT in metadata or "unique_id" not in metadata or invocation.adapter is None:
        return event
    if not isinstance(event, dg.Output | dg.AssetMaterialization):
        return event
    node = invocation.manifest["nodes"].get(metadata["unique_id"].value) or {}
    if node.get("config", {}).get("materialized") != "view" or not node.get("relation_name"):
        return event
    adapter = invocation.adapter
    with adapter.connection_named(f"row_count_{node['unique_id']}"):
        _, table = adapter.execute(f"SELECT count(*) FROM {node['relation_name']}", fetch=True)
    return event.with_metadata({**metadata, ROW_COUNT: int(table[0][0])})


def release_adapter(invocation: DbtCliInvocation) -> None:
    """Close the warehouse handle that dbt-duckdb's adapter keeps in this process."""
    adapter = invocation.adapter
    if adapter is None:
        return
    adapter.cleanup_connections()
    manager = type(adapter.connections)
    environment = getattr(manager, "_ENV", None)
    if environment is not None:
        environment.close()
    manager.close_all_connections()
