"""The dbt project as Dagster assets, in two steps around the classifier.

dbt's graph reads the scores that a Python asset writes (the ``ml.account_bot_scores`` source),
so the project runs as two `@dbt_assets`: every model the scores do not reach, then the scores'
staging model and everything downstream of it. Selecting by the source, not by layer, keeps each
step one ``dbt build``: split by layer, Dagster cut both steps again around the classifier (a mart
that needs no scores, the seeds) and ran the project in five dbt invocations of ~7 s fixed cost
each.
"""

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
    get_asset_key_for_model,
)
from dagster_duckdb import DuckDBResource
from dagster_shared import record as dg_record

from orchestration import ownership
from orchestration.dbt_project import botwatch_dbt_project
from orchestration.defs.dbt.metadata import with_table_metadata
from orchestration.engines import DuckDBEngine
from orchestration.metering import with_step_figures

# The scores written by the classifier, and every dbt node built on them.
SCORES_AND_DOWNSTREAM = "source:ml+"
LAYERS = ("staging", "intermediate", "marts")
# dbt's unit tests check the models' SQL on fixed inputs, not the data: as dbt advises, they run
# in development and CI (the tests' `dbt build`s, `make test`), not in every run (4 s of a run).
BUILD = ["build", "--exclude-resource-type", "unit_test"]
# Target folders kept per dbt asset: the latest runs' artefacts, for debugging a failed build.
KEEP_RUN_TARGETS = 5
PARTIAL_PARSE = "partial_parse.msgpack"


# What a generic dbt test verifies, in words, from its arguments.
TEST_WORDS = {
    "not_null": "{column} is never missing",
    "unique": "{column} is unique (one row each)",
    "accepted_values": "{column} takes only the accepted values {values}",
    "relationships": "every {column} is found in {to}",
    "accepted_range": "{column} stays within its accepted range",
    "unique_combination_of_columns": "one row per {combination_of_columns}",
}


def dbt_test_description(node: Mapping[str, Any]) -> str:
    """A dbt test (a manifest node) said in words: its own description, else what its generic
    test verifies on which column, else its name as a sentence."""
    if node.get("description"):
        return " ".join(str(node["description"]).split())
    metadata = node.get("test_metadata") or {}
    kwargs = {
        **(metadata.get("kwargs") or {}),
        **((metadata.get("kwargs") or {}).get("arguments") or {}),
    }
    template = TEST_WORDS.get(metadata.get("name", ""))
    if template:
        words = {
            "column": kwargs.get("column_name") or "the row",
            "values": kwargs.get("values", ""),
            "to": str(kwargs.get("to", "the referenced table")).replace("ref(", "").strip(")'\""),
            "combination_of_columns": ", ".join(kwargs.get("combination_of_columns") or []),
        }
        return template.format(**words)
    name = str(node.get("name", "")).removeprefix("assert_").replace("_", " ")
    return name[:1].upper() + name[1:]


class BotwatchTranslator(DagsterDbtTranslator):
    """Groups dbt assets by layer (staging, intermediate, marts); seeds join the staging group;
    every dbt asset and test has an owner, every test check says what it verifies, the marts
    say how fresh they are expected to be."""

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: Any
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest.get("nodes", {}).get(unique_id, {})
        if node.get("resource_type") == "model" and "marts" in node.get("fqn", []):
            return spec.replace_attributes(freshness_policy=ownership.MARTS_FRESHNESS)
        return spec

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return [ownership.DATA_TEAM]

    def get_asset_check_spec(
        self,
        asset_spec: dg.AssetSpec,
        manifest: Mapping[str, Any],
        unique_id: str,
        project: Any,
    ) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None:
            return spec
        node = manifest.get("nodes", {}).get(unique_id, {})
        return dg_record.replace(
            spec,
            description=spec.description or dbt_test_description(node),
            metadata={**spec.metadata, **ownership.check_metadata(ownership.DATA_TEAM)},
        )

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        for layer in LAYERS:
            if layer in fqn:
                return layer
        if dbt_resource_props.get("resource_type") == "seed":
            return "staging"
        return super().get_group_name(dbt_resource_props)


# Every raw.* source written by the ingest points at the one raw_tweets asset.
translator = BotwatchTranslator(
    settings=DagsterDbtTranslatorSettings(
        enable_asset_checks=True, enable_duplicate_source_asset_keys=True
    )
)


def dbt_step(name: str, **selection: str) -> dg.AssetsDefinition:
    """One ``dbt build`` step of the project as a multi-asset: ``selection`` is dbt's
    ``select=`` or ``exclude=``."""

    @dbt_assets(
        manifest=botwatch_dbt_project.manifest_path,
        dagster_dbt_translator=translator,
        name=name,
        **selection,
    )
    def step(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        sql_engine: DuckDBEngine,
        duckdb: DuckDBResource,
    ):
        yield from _build(context, dbt, sql_engine, Path(duckdb.database))

    return step


dbt_before_scores = dbt_step("dbt_before_scores", exclude=SCORES_AND_DOWNSTREAM)
dbt_after_scores = dbt_step("dbt_after_scores", select=SCORES_AND_DOWNSTREAM)
DBT_STEPS = (dbt_before_scores, dbt_after_scores)


def dbt_model_key(model: str) -> dg.AssetKey:
    """The asset key of a dbt model, whichever step builds it (both steps share one manifest)."""
    key = get_asset_key_for_model([dbt_before_scores], model)
    if not any(key in step.keys for step in DBT_STEPS):
        raise KeyError(f"no dbt step builds {model}")
    return key


def dbt_layer_keys(layer: str) -> list[dg.AssetKey]:
    """The asset keys of every dbt model of a layer (``marts``, ...), across both steps."""
    return [key for step in DBT_STEPS for key in step.keys if key.path[0] == layer]


def _build(
    context: dg.AssetExecutionContext,
    dbt: DbtCliResource,
    sql_engine: DuckDBEngine,
    warehouse: Path,
):
    """``dbt build`` of the selection, with the engine's hand-over before and take-back after."""
    handed = sql_engine.hand_over_to_dbt(warehouse)
    if handed:
        context.log.info(f"handed to dbt as Parquet: {handed}")
    invocation = dbt.cli(BUILD, context=context)
    yield from with_step_figures(
        with_table_metadata(invocation), context.op_execution_context.op.name
    )
    taken = sql_engine.take_back_from_dbt(warehouse)
    if taken:
        context.log.info(f"dbt's tables read back into the warehouse: {len(taken)}")
    keep_partial_parse(invocation.target_path, _target_dir())
    prune_run_targets(_target_dir(), context.op_execution_context.op.name)


def keep_partial_parse(invocation_target: Path, target_dir: Path) -> bool:
    """Make this invocation's parse cache the one the next invocation starts from. dagster-dbt
    seeds each invocation with ``target/partial_parse.msgpack``, but dbt discards a cache parsed
    with another warehouse path (its profile hash includes the path), so without this every dbt
    step of a collection's run parsed the whole project again (about 25 s each)."""
    produced = invocation_target / PARTIAL_PARSE
    if not produced.is_file():
        return False
    temporary = target_dir / f".{PARTIAL_PARSE}.{os.getpid()}.tmp"
    shutil.copyfile(produced, temporary)
    os.replace(temporary, target_dir / PARTIAL_PARSE)
    return True


def prune_run_targets(
    target_dir: Path, asset_name: str, keep: int = KEEP_RUN_TARGETS
) -> list[Path]:
    """Remove all but the newest ``keep`` run folders of ``asset_name`` in dbt's target folder.
    dagster-dbt gives every invocation its own folder (``<asset>-<run id>-<uuid>``, a few MB of
    compiled SQL) and never removes one: a daily schedule would pile up hundreds a year."""
    runs = sorted(
        (p for p in target_dir.glob(f"{asset_name}-*-*") if p.is_dir()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in runs[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return runs[keep:]


def _target_dir() -> Path:
    return botwatch_dbt_project.project_dir / botwatch_dbt_project.target_path
