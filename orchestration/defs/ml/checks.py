"""The bot classifier's own check: how it did on accounts it was not trained on, as numbers the
Dagster UI keeps run after run (a warning, not a block: the estimated bot share already corrects
for the measured error rates, but a reader should know when they are poor)."""

from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg
import pandas as pd
from dagster_duckdb import DuckDBResource

from orchestration import ownership
from orchestration.defs.ml.handoff import BOT_CLASSIFIER
from orchestration.snapshot_writer import evaluation_table

# Below this held-out ROC AUC a bot score sorts bots from humans too poorly to report on.
MIN_HELD_OUT_AUC = 0.75
# A Brier score of 0.25 is what a constant 0.5 earns: scores above it are not probabilities.
MAX_HELD_OUT_BRIER = 0.25


@dataclass(frozen=True)
class ClassifierOutcome:
    passed: bool
    description: str
    metadata: dict[str, float | str] = field(default_factory=dict)


def classifier_outcome(
    evaluation: pd.DataFrame,
    min_auc: float = MIN_HELD_OUT_AUC,
    max_brier: float = MAX_HELD_OUT_BRIER,
) -> ClassifierOutcome:
    """Whether every held-out test of ``ml.classifier_evaluation`` (either shape) reaches
    ``min_auc`` and stays under ``max_brier``; the figures per test as numeric metadata."""
    shaped = evaluation_table(evaluation)
    if shaped.empty:
        return ClassifierOutcome(False, "The classifier has no held-out evaluation.")
    metadata: dict[str, float | str] = {"evaluation": str(shaped["evaluation"].iloc[0])}
    failures = []
    for row in shaped.to_dict("records"):
        name = str(row["test"])
        auc, brier = row["auc"], row["brier"]
        if not pd.isna(auc):
            metadata[f"held_out_auc {name}"] = float(auc)
        if not pd.isna(brier):
            metadata[f"held_out_brier {name}"] = float(brier)
        if pd.isna(auc) or auc < min_auc:
            failures.append(f"{name}: ROC AUC {auc} < {min_auc}")
        if not pd.isna(brier) and brier > max_brier:
            failures.append(f"{name}: Brier {brier:.3f} > {max_brier}")
    aucs = shaped["auc"].dropna()
    if len(aucs):
        metadata["lowest_held_out_auc"] = float(aucs.min())
    if failures:
        return ClassifierOutcome(False, "; ".join(failures), metadata)
    return ClassifierOutcome(
        True,
        f"Every held-out test has ROC AUC >= {min_auc} and Brier <= {max_brier}.",
        metadata,
    )


@dg.asset_check(
    asset=BOT_CLASSIFIER,
    name="held_out_auc_and_calibration",
    description=f"On accounts it was not trained on, the classifier reaches ROC AUC >= "
    f"{MIN_HELD_OUT_AUC} and a Brier score <= {MAX_HELD_OUT_BRIER} (calibrated scores) in every "
    "held-out test of ml.classifier_evaluation; the figures are numeric metadata, plotted run "
    "after run.",
    metadata=ownership.check_metadata(ownership.MODEL_TEAM),
)
def held_out_auc_and_calibration(duckdb: DuckDBResource) -> dg.AssetCheckResult:
    with duckdb.get_connection() as con:
        evaluation = con.sql("SELECT * FROM ml.classifier_evaluation").df()
    outcome = classifier_outcome(evaluation)
    return dg.AssetCheckResult(
        passed=outcome.passed,
        severity=dg.AssetCheckSeverity.WARN,
        description=outcome.description,
        metadata={
            key: dg.MetadataValue.float(value) if isinstance(value, float) else value
            for key, value in outcome.metadata.items()
        },
    )
