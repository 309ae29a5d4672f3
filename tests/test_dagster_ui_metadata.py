"""What the engineer sees in the Dagster UI: owners and descriptions on every check, freshness
expectations on the marts, and, in a real run's event log, row counts on every dbt asset, column
lineage on the marts and the classifier's figures as float metadata (plotted run after run)."""

from __future__ import annotations

import dagster as dg
import pytest

from orchestration import ownership
from orchestration.definitions import defs
from orchestration.defs.dbt.metadata import read_to_the_end

MARTS = "marts"


@pytest.fixture(scope="module")
def asset_graph():
    return defs().resolve_asset_graph()


def dbt_specs(asset_graph) -> list[dg.AssetSpec]:
    return [
        spec
        for spec in (
            asset_graph.get(key).to_asset_spec() for key in asset_graph.get_all_asset_keys()
        )
        if "dbt" in spec.kinds and spec.key.path[0] in ("staging", "intermediate", MARTS)
    ]


def test_every_check_has_an_owner_and_says_what_it_verifies(asset_graph) -> None:
    keys = list(asset_graph.asset_check_keys)
    assert len(keys) > 50, "dbt tests, GX suites and the classifier's check"
    for key in keys:
        spec = asset_graph.get_check_spec(key)
        assert spec.description and len(spec.description) > 15, key
        assert spec.metadata.get(ownership.CHECK_OWNER) in (
            ownership.DATA_TEAM,
            ownership.MODEL_TEAM,
        ), key
    classifier = dg.AssetCheckKey(dg.AssetKey(["bot_classifier"]), "held_out_auc_and_calibration")
    assert asset_graph.get_check_spec(classifier).metadata[ownership.CHECK_OWNER] == (
        ownership.MODEL_TEAM
    )


def test_dbt_assets_have_owners_and_the_marts_a_freshness_policy(asset_graph) -> None:
    specs = dbt_specs(asset_graph)
    marts = [s for s in specs if s.key.path[0] == MARTS]
    assert len(marts) >= 15 and len(specs) > len(marts)
    for spec in specs:
        assert list(spec.owners) == [ownership.DATA_TEAM], spec.key
        if spec.key.path[0] == MARTS:
            assert spec.freshness_policy == ownership.MARTS_FRESHNESS, spec.key
        else:
            assert spec.freshness_policy is None, spec.key


def latest_materialization(instance: dg.DagsterInstance, key: dg.AssetKey):
    records = instance.fetch_materializations(key, limit=1).records
    assert records, f"{key.to_user_string()} was never materialised"
    return records[0].asset_materialization


def test_a_real_run_records_row_counts_lineage_and_float_figures(pipeline_snapshot) -> None:
    """The pipeline's own DAGSTER_HOME: what the UI shows for that run."""
    with dg.DagsterInstance.from_config(pipeline_snapshot.env["DAGSTER_HOME"]) as instance:
        models = [s.key for s in dbt_specs(defs().resolve_asset_graph()) if "seed" not in s.kinds]
        assert len(models) >= 30  # every staging, intermediate and mart model
        for key in models:
            metadata = latest_materialization(instance, key).metadata
            count = metadata.get("dagster/row_count")
            assert count is not None, f"{key.to_user_string()} has no row count"
            assert isinstance(count.value, int) and count.value >= 0
            assert "dagster/column_schema" in metadata, key.to_user_string()
            if key.path[0] == MARTS:
                assert "dagster/column_lineage" in metadata, key.to_user_string()
        tweets = latest_materialization(instance, dg.AssetKey([MARTS, "fct_tweets"]))
        assert tweets.metadata["dagster/row_count"].value > 1000
        lineage = tweets.metadata["dagster/column_lineage"].value
        assert any(deps for deps in lineage.deps_by_column.values())

        classifier = latest_materialization(instance, dg.AssetKey(["bot_classifier"])).metadata
        figures = {k: v for k, v in classifier.items() if k.startswith(("held_out_", "threshold"))}
        assert figures and all(isinstance(v, dg.FloatMetadataValue) for v in figures.values())
        check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
            [dg.AssetCheckKey(dg.AssetKey(["bot_classifier"]), "held_out_auc_and_calibration")]
        )
        (execution,) = check.values()
        evaluation = execution.event.asset_check_evaluation
        numbers = {
            k: v for k, v in evaluation.metadata.items() if k.startswith(("held_out", "lowest"))
        }
        assert numbers and all(isinstance(v, dg.FloatMetadataValue) for v in numbers.values())


def test_dbt_events_are_read_to_the_end_before_they_are_handed_on() -> None:
    read = []

    def events():
        for number in range(3):
            read.append(number)
            yield number
        raise RuntimeError("dbt exited with 1")

    handed_on = read_to_the_end(events())
    assert read == [0, 1, 2], "read in the caller's thread, before the first event is asked for"
    assert next(handed_on) == 0
    assert [next(handed_on), next(handed_on)] == [1, 2]
    with pytest.raises(RuntimeError, match="dbt exited with 1"):
        next(handed_on)
