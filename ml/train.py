"""Train the bot classifier: a scikit-learn Pipeline from profile rows to a calibrated probability.

Pipeline: ``ProfileFeatures`` (the one feature definition; fits only the screen-name bigram table)
→ ``CalibratedClassifierCV(sigmoid, ensemble=False)`` around median imputation, ``log1p``,
standardisation and a logistic regression. One base model is fitted on all the training data and
the sigmoid is fitted on its out-of-fold scores, so the explanation of a score is exact.

Model choice: the regularisation strength is chosen by cross-validation grouped by dataset (a fold
holds out whole datasets, which measures transfer to an unseen population); with a single training
dataset that is impossible, and stratified CV is used instead (recorded in the summary and card).
Among candidates, the most regularised one within one standard error of the best Brier score wins:
in-dataset CV rewards fitting a collection's quirks, which the LODO evaluation shows does not
transfer (see the model card).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, f1_score, roc_auc_score
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from ml.features import ALL_FEATURES, FEATURE_NAMES, FEATURE_SETS, ProfileFeatures

# Candidate inverse regularisation strengths, most regularised (simplest) first.
CANDIDATE_C: tuple[float, ...] = (0.01, 0.03, 0.1, 0.3)
CV_FOLDS = 5
CALIBRATION_FOLDS = 5
THRESHOLD_GRID = np.round(np.arange(0.2, 0.801, 0.01), 2)
# F1 is flat near its maximum when classes separate well; among thresholds this close to the best,
# the one nearest 0.5 is kept (0.5 is where a calibrated probability says "more likely a bot").
THRESHOLD_F1_TOLERANCE = 0.005


@dataclass
class TrainedClassifier:
    """A fitted pipeline (profiles in, ``predict_proba`` out) and what is known about it."""

    pipeline: Pipeline
    threshold: float
    feature_names: list[str]
    summary: dict = field(default_factory=dict)
    cv_metrics: dict = field(default_factory=dict)
    version: str | None = None  # content hash, set when saved or loaded

    def predict_proba(self, profiles: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of being a bot for each profile row."""
        return self.pipeline.predict_proba(profiles)[:, 1]


def linear_model(c: float, random_state: int = 0) -> Pipeline:
    """The base estimator: median imputation, log1p, standardisation, logistic regression."""
    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median")),
            ("log", FunctionTransformer(np.log1p, feature_names_out="one-to-one")),
            ("scale", StandardScaler()),
            ("model", LogisticRegression(C=c, solver="newton-cholesky", random_state=random_state)),
        ]
    )


def classifier_pipeline(
    c: float, random_state: int = 0, features: list[str] | None = None
) -> Pipeline:
    """Profiles → features (default ``FEATURE_NAMES``) → calibrated linear model."""
    calibrated = CalibratedClassifierCV(
        linear_model(c, random_state),
        method="sigmoid",
        cv=StratifiedKFold(CALIBRATION_FOLDS, shuffle=True, random_state=random_state),
        ensemble=False,
    )
    step = ProfileFeatures(list(features or FEATURE_NAMES))
    return Pipeline([("features", step), ("classifier", calibrated)])


def _labels(frame: pd.DataFrame) -> np.ndarray:
    if frame["is_bot"].isna().any():
        raise ValueError("training frame has accounts without a label (is_bot is null)")
    y = frame["is_bot"].to_numpy(dtype=bool)
    if y.all() or not y.any():
        raise ValueError("training needs both bots and humans")
    return y


def cv_splits(frame: pd.DataFrame, y: np.ndarray, random_state: int) -> tuple[str, list]:
    """Grouped folds (groups = datasets) when there are several datasets whose folds can be
    trained on (both classes outside each held-out group); stratified folds otherwise."""
    groups = frame["dataset"].astype(str).to_numpy()
    names = np.unique(groups)
    if len(names) >= 2:
        folds = list(GroupKFold(n_splits=min(CV_FOLDS, len(names))).split(frame, y, groups))
        if all(y[train].any() and not y[train].all() for train, _ in folds):
            return "grouped", folds
    stratified = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=random_state)
    return "stratified", list(stratified.split(frame, y))


def out_of_fold(
    frame: pd.DataFrame,
    y: np.ndarray,
    c: float,
    folds: list,
    random_state: int,
    features: list[str] | None = None,
) -> tuple[np.ndarray, list[float]]:
    """Out-of-fold probabilities of the candidate with strength ``c`` and the Brier per fold."""
    predictions = np.empty(len(frame))
    briers = []
    for train, test in folds:
        model = clone(classifier_pipeline(c, random_state, features))
        model.fit(frame.iloc[train], y[train])
        predictions[test] = model.predict_proba(frame.iloc[test])[:, 1]
        briers.append(brier_score_loss(y[test], predictions[test]))
    return predictions, briers


def choose_threshold(y: np.ndarray, probabilities: np.ndarray) -> float:
    """The threshold maximising F1 on out-of-fold probabilities (near-ties: nearest 0.5)."""
    scores = np.array([f1_score(y, probabilities >= t, zero_division=0) for t in THRESHOLD_GRID])
    best = np.flatnonzero(scores >= scores.max() - THRESHOLD_F1_TOLERANCE)
    return float(THRESHOLD_GRID[best[np.argmin(np.abs(THRESHOLD_GRID[best] - 0.5))]])


def train_classifier(
    frame: pd.DataFrame, random_state: int = 0, features: list[str] | None = None
) -> TrainedClassifier:
    """Fit the classifier on a labelled frame (``LABELLED_ACCOUNT_COLUMNS``).

    ``features`` defaults to ``FEATURE_NAMES``, the set that holds up across populations;
    ``POPULATION_FEATURES`` (or any subset of ``ALL_FEATURES``) is for a model that will score
    the population it was trained on, e.g. the simulator's.
    """
    features = list(features or FEATURE_NAMES)
    unknown = sorted(set(features) - set(ALL_FEATURES))
    if unknown:
        raise ValueError(f"unknown features {unknown}")
    frame = frame.reset_index(drop=True)
    y = _labels(frame)
    cv_kind, folds = cv_splits(frame, y, random_state)
    results = {}
    for c in CANDIDATE_C:
        predictions, briers = out_of_fold(frame, y, c, folds, random_state, features)
        error = float(np.std(briers, ddof=1) / np.sqrt(len(briers))) if len(briers) > 1 else 0.0
        results[c] = (predictions, float(np.mean(briers)), error)
    best_c = min(results, key=lambda c: results[c][1])
    limit = results[best_c][1] + results[best_c][2]
    chosen = next(c for c in CANDIDATE_C if results[c][1] <= limit)
    oof = results[chosen][0]
    threshold = choose_threshold(y, oof)

    pipeline = classifier_pipeline(chosen, random_state, features).fit(frame, y)
    cv_metrics = {
        "cv": cv_kind,
        "folds": len(folds),
        "chosen_c": chosen,
        "candidates": {str(c): {"brier": r[1], "brier_se": r[2]} for c, r in results.items()},
        "oof_auc": float(roc_auc_score(y, oof)),
        "oof_brier": float(brier_score_loss(y, oof)),
        "oof_f1": float(f1_score(y, oof >= threshold)),
        "oof_accuracy": float(np.mean((oof >= threshold) == y)),
    }
    summary = {
        "datasets": {
            str(name): {"accounts": len(part), "bots": int(part["is_bot"].sum())}
            for name, part in frame.groupby("dataset", sort=True)
        },
        "accounts": len(frame),
        "bots": int(y.sum()),
        "random_state": random_state,
        "feature_set": next((k for k, v in FEATURE_SETS.items() if v == features), "custom"),
        "model": f"logistic regression (C={chosen}) on log1p standardised features, sigmoid "
        f"calibration on {CALIBRATION_FOLDS}-fold out-of-fold scores",
    }
    return TrainedClassifier(
        pipeline=pipeline,
        threshold=threshold,
        feature_names=features,
        summary=summary,
        cv_metrics=cv_metrics,
    )
