"""The botwatch code location: all of `orchestration/defs/`, a folder per integration."""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent),
        # DuckDB has one writer: run the steps of a run one after another.
        dg.Definitions(executor=dg.in_process_executor),
    )
