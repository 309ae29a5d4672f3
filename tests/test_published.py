"""The snapshot's contract (botwatch/published.py): every published table and column is declared
once with a type and a meaning, the publish step refuses what breaks it, and the pipeline's own
snapshot keeps it (so a drift between the two fails here, not as an empty section of a page)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from botwatch import published, snapshot
from orchestration.snapshot_writer import (
    CROSS_VALIDATION,
    LEAVE_ONE_DATASET_OUT,
    evaluation_table,
    write_snapshot_database,
)


def declared_shape() -> dict[str, dict[str, str]]:
    return {
        name: {c.name: c.type for c in table.columns} for name, table in published.tables().items()
    }


def test_every_table_and_column_is_declared_with_a_type_and_a_meaning() -> None:
    tables = published.tables()
    assert {"dim_accounts", "fct_campaign_summary", "bot_share_intervals", "campaigns"} <= set(
        tables
    )
    for table in tables.values():
        assert table.meaning, table.name
        assert table.columns, table.name
        for column in table.columns:
            assert column.meaning, f"{table.name}.{column.name} has no meaning"
            assert column.type == column.type.upper() and column.type, (table.name, column)
    # the dbt marts' declaration is their dbt YAML, read as it is
    assert tables["dim_accounts"].column("bot_score").type == "DOUBLE"
    assert tables["dim_accounts"].column("missing_fields").type == "VARCHAR[]"
    assert "probability" in tables["dim_accounts"].meaning_of("bot_score")


def test_the_declared_shape_keeps_the_contract_and_each_break_is_named() -> None:
    shape = declared_shape()
    assert published.violations(shape) == []
    broken = {name: dict(columns) for name, columns in shape.items()}
    del broken["dim_accounts"]["bot_score"]
    broken["fct_campaign_summary"]["tweets"] = "VARCHAR"
    broken["bot_share_intervals"]["surprise"] = "DOUBLE"
    del broken["coordination_summary"]
    broken["model_evaluation"] = {"fraction_positive": "DOUBLE"}
    problems = published.violations(broken)
    assert problems == sorted(
        [
            "dim_accounts.bot_score is missing (declared DOUBLE)",
            "fct_campaign_summary.tweets is VARCHAR, the contract says BIGINT",
            "bot_share_intervals.surprise (DOUBLE) is not declared",
            "table coordination_summary is missing",
            "table model_evaluation is not declared",
        ]
    )
    with pytest.raises(published.ContractBroken, match=r"dim_accounts\.bot_score is missing"):
        published.check(broken)


def test_the_classifier_evaluation_has_one_shape_whichever_evaluation_ran() -> None:
    lodo = pd.DataFrame(
        {
            "test": ["cresci-2017"],
            "n": [900],
            "bots": [400],
            "auc": [0.97],
            "accuracy": [0.92],
            "f1": [0.85],
            "brier": [0.07],
            "ece": [0.06],
            "recall": [0.9],
            "false_positive_rate": [0.04],
            "true_share": [0.44],
            "baseline_auc": [0.83],
            "model_version": ["abc"],
        }
    )
    cross_validation = pd.DataFrame(
        {
            "test": ["cross-validation (5-fold), field set v1.1"],
            "cv": ["5-fold"],
            "oof_auc": [0.95],
            "oof_accuracy": [0.9],
            "oof_f1": [0.8],
            "oof_brier": [0.08],
            "tpr": [0.85],
            "fpr": [0.05],
            "model_version": ["abc"],
        }
    )
    declared = published.table("classifier_evaluation").column_names
    for frame, how, auc, accounts in (
        (lodo, LEAVE_ONE_DATASET_OUT, 0.97, 900),
        (cross_validation, CROSS_VALIDATION, 0.95, None),
    ):
        shaped = evaluation_table(frame)
        assert list(shaped.columns) == declared
        row = shaped.iloc[0]
        assert row["evaluation"] == how and row["auc"] == auc
        assert row["accounts"] == accounts or (accounts is None and pd.isna(row["accounts"]))


@pytest.fixture(scope="module")
def warehouse_copy(pipeline_snapshot, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the real run's warehouse, to break."""
    copy = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    shutil.copyfile(pipeline_snapshot.warehouse, copy)
    return copy


def publish_frames(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """The frames the publish step computes itself, here from the real warehouse."""
    checks = pd.DataFrame(columns=published.table("quality_checks").column_names)
    return {
        "quality_checks": checks,
        "rejected_records_by_reason": con.sql(
            "SELECT reason, count(DISTINCT source_file) AS files, count(*) AS records "
            "FROM staging.stg_twitter__rejected_records GROUP BY reason"
        ).df(),
        "classifier_evaluation": evaluation_table(
            con.sql("SELECT * FROM ml.classifier_evaluation").df()
        ),
    }


def test_the_pipeline_snapshot_keeps_the_contract(pipeline_snapshot) -> None:
    folder = snapshot.current_dir(pipeline_snapshot.publish_dir)
    manifest = snapshot.read_manifest(folder)
    with duckdb.connect(str(folder / snapshot.DATABASE), read_only=True) as con:
        assert published.violations(published.database_columns(con)) == []
    assert manifest["contract"] == published.fingerprint()
    assert set(manifest["tables"]) == set(published.tables())


def test_publish_refuses_a_warehouse_that_breaks_the_contract(warehouse_copy, tmp_path) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        frames = publish_frames(con)

        def write(folder: Path) -> dict:
            return write_snapshot_database(con, folder, frames)

        good = snapshot.publish(tmp_path, write)
        con.execute("ALTER TABLE marts.fct_campaign_summary DROP COLUMN missed_share")
        con.execute("CREATE TABLE analytics.model_evaluation AS SELECT 0.5 AS fraction_positive")
        with pytest.raises(published.ContractBroken) as refused:
            snapshot.publish(tmp_path, write)
    message = str(refused.value)
    assert "fct_campaign_summary: column missed_share is missing" in message
    assert "analytics.model_evaluation is not declared" in message
    assert snapshot.current_dir(tmp_path) == good.resolve()  # the last good snapshot stays
