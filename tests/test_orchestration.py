"""The Dagster wiring without a full run: landing sensor, schedule, lineage of the definitions."""

from __future__ import annotations

import os
from itertools import pairwise
from pathlib import Path

import dagster as dg
import pytest

from botwatch import paths
from orchestration.defs.ingest.sensors import plan_landing_runs
from orchestration.defs.resources import BotwatchSettings, build_resources
from orchestration.partitions import PARTITION_RANGE_END, PARTITION_RANGE_START, landing_files
from tests.helpers.landing_sensor import evaluate, write_tweet_file


def test_plan_new_files_in_arrival_order_and_changed_files() -> None:
    plan = plan_landing_runs(
        {"a.jsonl": "1:1", "b.jsonl": "2:2"}, known_partitions=set(), cursor={}
    )
    assert plan.new == ["a.jsonl", "b.jsonl"] and plan.changed == []
    plan = plan_landing_runs(
        {"a.jsonl": "1:1", "b.jsonl": "9:9", "c.jsonl": "3:3"},
        known_partitions={"a.jsonl", "b.jsonl"},
        cursor=plan.cursor,
    )
    assert plan.new == ["c.jsonl"] and plan.changed == ["b.jsonl"]


def test_landing_sensor_requests_one_run_per_arrival(tmp_path: Path) -> None:
    for hour in range(3):
        write_tweet_file(tmp_path / f"tweets-2017050{hour}.jsonl", 100 + hour)
    with dg.DagsterInstance.ephemeral() as instance:
        result = evaluate(instance, tmp_path)
        assert len(result.run_requests) == 1, "three new files are one run, not three"
        tags = result.run_requests[0].tags
        assert (tags[PARTITION_RANGE_START], tags[PARTITION_RANGE_END]) == (
            "tweets-20170500.jsonl",
            "tweets-20170502.jsonl",
        )
        (added,) = result.dynamic_partitions_requests
        instance.add_dynamic_partitions(landing_files.name, list(added.partition_keys))

        again = evaluate(instance, tmp_path, result.cursor)
        assert isinstance(again, dg.SkipReason), "the same files are requested once"

        write_tweet_file(tmp_path / "tweets-2017050.jsonl", 200)
        newer = evaluate(instance, tmp_path, result.cursor)
        assert [r.tags[PARTITION_RANGE_START] for r in newer.run_requests] == [
            "tweets-2017050.jsonl"
        ]

        (tmp_path / "tweets-20170501.jsonl").write_text(
            (tmp_path / "tweets-20170501.jsonl").read_text() * 2
        )
        os.utime(tmp_path / "tweets-20170501.jsonl", ns=(1, 1))
        changed = evaluate(instance, tmp_path, newer.cursor)
        assert [r.partition_key for r in changed.run_requests if r.partition_key] == [
            "tweets-20170501.jsonl"
        ]


def test_definitions_show_the_whole_lineage() -> None:
    from orchestration.definitions import defs as load_defs

    graph = load_defs().resolve_asset_graph()
    chain = [
        ["raw_tweets"],
        ["staging", "stg_twitter__user_observations"],
        ["intermediate", "int_accounts_profiled"],
        ["ml", "account_bot_scores"],
        ["marts", "dim_accounts"],
        ["published_snapshot"],
        ["campaign_reports"],
    ]
    for upstream, downstream in pairwise(chain):
        assert dg.AssetKey(upstream) in _ancestors(graph, dg.AssetKey(downstream)), downstream
    assert (
        dg.AssetKey(["bot_classifier"])
        in graph.get(dg.AssetKey(["ml", "account_bot_scores"])).parent_keys
    )
    assert dg.AssetKey(["raw", "labelled_accounts"]) in _ancestors(
        graph, dg.AssetKey(["bot_classifier"])
    )
    check_keys = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert ("raw_tweets", "gx_raw_tweets") in check_keys
    assert ("ml/account_bot_scores", "gx_account_bot_scores") in check_keys
    assert ("bot_classifier", "held_out_auc_and_calibration") in check_keys
    for key in graph.asset_check_keys:  # every check says what it verifies
        assert graph.get_check_spec(key).description, key
    not_null = next(k for k in graph.asset_check_keys if k.name == "not_null_dim_accounts_user_id")
    assert graph.get_check_spec(not_null).description == "user_id is never missing"
    assert any(asset == "staging/stg_twitter__tweets" for asset, _ in check_keys), (
        "dbt tests are checks"
    )
    assert load_defs().resolve_schedule_def("daily_full_refresh")
    assert load_defs().resolve_sensor_def("landing_files_sensor")


def test_the_dbt_project_runs_in_two_dbt_builds() -> None:
    """Each dbt step is one `dbt build` process (about 7 s before any model runs): the full job
    must not cut a dbt step around the classifier into several (split by layer, it ran five)."""
    from dagster._core.execution.api import create_execution_plan

    from orchestration.definitions import defs as load_defs

    plan = create_execution_plan(load_defs().resolve_job_def("all_assets"))
    steps = [step.key for step in plan.get_steps_to_execute_in_topo_order()]
    assert [step for step in steps if step.startswith("dbt_")] == [
        "dbt_before_scores",
        "dbt_after_scores",
    ]
    assert steps.index("ml__account_bot_scores") < steps.index("dbt_after_scores")


def _ancestors(graph, key: dg.AssetKey) -> set[dg.AssetKey]:
    seen: set[dg.AssetKey] = set()
    todo = [key]
    while todo:
        for parent in graph.get(todo.pop()).parent_keys:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def test_dbt_run_targets_are_pruned_to_the_newest_per_asset(tmp_path: Path) -> None:
    from orchestration.defs.dbt.assets import prune_run_targets

    for n in range(8):
        folder = tmp_path / f"dbt_after_scores-run{n:04d}-abc{n}"
        folder.mkdir()
        (folder / "run_results.json").write_text("{}")
        os.utime(folder, (1_000_000 + n, 1_000_000 + n))
    other = tmp_path / "dbt_before_scores-run0000-abc"
    other.mkdir()
    (tmp_path / "manifest.json").write_text("{}")
    removed = prune_run_targets(tmp_path, "dbt_after_scores", keep=3)
    assert sorted(p.name for p in removed) == [
        f"dbt_after_scores-run{n:04d}-abc{n}" for n in range(5)
    ]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [
        "dbt_after_scores-run0005-abc5",
        "dbt_after_scores-run0006-abc6",
        "dbt_after_scores-run0007-abc7",
        "dbt_before_scores-run0000-abc",
        "manifest.json",
    ]


def test_the_settings_resource_is_built_from_botwatch_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOTWATCH_COLLECTIONS_DIR", str(tmp_path / "collections"))
    monkeypatch.setenv("BOTWATCH_COLLECTION", "elsewhere")
    monkeypatch.setenv("BOTWATCH_LABELLED", f"{tmp_path / 'a'}:{tmp_path / 'b'}")
    for variable in ("LANDING_DIR", "WAREHOUSE", "PUBLISH_DIR", "MODELS_DIR", "FEATURE_SET"):
        monkeypatch.delenv(f"BOTWATCH_{variable}", raising=False)
    settings = BotwatchSettings.from_environment()
    assert settings.collection == "elsewhere"
    workspace = tmp_path / "collections" / "elsewhere"
    assert settings.landing_path == paths.landing_dir() == workspace / "landing"
    assert settings.publish_path == paths.publish_dir()
    assert settings.models_path == paths.models_dir()
    assert settings.labelled_paths == [tmp_path / "a", tmp_path / "b"]
    assert settings.feature_set == "chosen" and settings.training_features() is None
    resources = build_resources(settings)
    assert resources["settings"] is settings
    assert resources["duckdb"].database == str(workspace / "warehouse.duckdb")

    monkeypatch.setenv("BOTWATCH_FEATURE_SET", "everything")
    with pytest.raises(ValueError, match="'chosen' or one of"):
        BotwatchSettings.from_environment()
