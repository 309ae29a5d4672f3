"""The classifier's asset check: its held-out figures (either evaluation) against the bars."""

from __future__ import annotations

import pandas as pd

from orchestration.defs.ml.checks import classifier_outcome


def cross_validation(aucs: list[float], briers: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "test": [f"cross-validation, field set v{i}" for i in range(len(aucs))],
            "oof_auc": aucs,
            "oof_brier": briers,
            "model_version": "abc",
        }
    )


def test_good_held_out_figures_pass_and_are_numbers_for_the_ui() -> None:
    outcome = classifier_outcome(cross_validation([0.96, 0.9], [0.06, 0.1]))
    assert outcome.passed
    assert outcome.metadata["lowest_held_out_auc"] == 0.9
    assert outcome.metadata["held_out_auc cross-validation, field set v0"] == 0.96
    assert isinstance(outcome.metadata["held_out_brier cross-validation, field set v1"], float)


def test_a_weak_or_uncalibrated_test_fails_and_is_named() -> None:
    weak = classifier_outcome(cross_validation([0.96, 0.7], [0.06, 0.1]))
    assert not weak.passed and "field set v1: ROC AUC 0.7 < 0.75" in weak.description
    lodo = pd.DataFrame(
        {"test": ["cresci-2017"], "n": [900], "auc": [0.9], "brier": [0.31], "model_version": "a"}
    )
    uncalibrated = classifier_outcome(lodo)
    assert not uncalibrated.passed and "cresci-2017: Brier 0.310 > 0.25" in uncalibrated.description


def test_no_evaluation_fails() -> None:
    assert not classifier_outcome(cross_validation([], [])).passed
