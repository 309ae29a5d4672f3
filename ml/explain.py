"""Why an account got its score: exact per-feature contributions of the linear model.

The classifier is a logistic regression on standardised ``log1p`` features, wrapped in a sigmoid
calibration, so the calibrated log-odds of an account is exactly
``offset + sum_j contribution_j`` with ``contribution_j = a * coef_j * z_j`` (``a`` the calibration
slope, ``z_j`` the standardised feature). A contribution is measured against the average training
account (``z = 0``): positive pushes towards "bot", negative towards "human". This is what SHAP
gives for a linear model with independent features, computed in one matrix product.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.pipeline import Pipeline

from ml.train import FieldSetModel

TOP_REASONS = 3


def _parts(model: FieldSetModel) -> tuple[Pipeline, float, float]:
    calibrated = model.pipeline.named_steps["classifier"]
    return calibrated.estimator.pipeline_, float(calibrated.slope), float(calibrated.intercept)


def contributions(model: FieldSetModel, features: pd.DataFrame) -> np.ndarray:
    """(accounts × features) contributions to the calibrated log-odds of being a bot."""
    linear, slope, _ = _parts(model)
    standardised = linear[:-1].transform(features)
    coefficients = linear.named_steps["model"].coef_[0]
    return slope * standardised * coefficients


def log_odds_offset(model: FieldSetModel) -> float:
    """The calibrated log-odds of an account whose every contribution is zero."""
    linear, slope, intercept = _parts(model)
    return float(slope * linear.named_steps["model"].intercept_[0] + intercept)


def _json_numbers(values: np.ndarray, digits: int) -> pa.Array:
    """Numbers as JSON text, ``null`` where not finite (a missing, imputed field)."""
    rounded = pa.array(np.round(values, digits), mask=~np.isfinite(values))
    return pc.fill_null(pc.cast(rounded, pa.string()), "null")


def top_reasons_json(
    features: pd.DataFrame, contributions_: np.ndarray, top: int = TOP_REASONS
) -> pa.Array:
    """For each account, a JSON list of {"feature", "value", "contribution"}, strongest first
    (a pyarrow string array). ``value`` is the account's feature value (``null`` when the field
    was missing and imputed). Assembled with Arrow kernels: no Python loop over accounts."""
    names = pa.array([str(c) for c in features.columns], pa.string())
    values = features.to_numpy(dtype=float)
    top = min(top, len(features.columns))
    order = np.argsort(-np.abs(contributions_), axis=1, kind="stable")[:, :top]
    rows = np.arange(len(values))[:, None]
    picked_values = values[rows, order]
    picked_contributions = contributions_[rows, order]
    parts: list[object] = ["["]
    for k in range(top):
        parts += [
            ("" if k == 0 else ", ") + '{"feature": "',
            pc.take(names, pa.array(order[:, k])),
            '", "value": ',
            _json_numbers(picked_values[:, k], 6),
            ', "contribution": ',
            _json_numbers(picked_contributions[:, k], 4),
            "}",
        ]
    parts.append("]")
    return pc.binary_join_element_wise(*parts, "")
