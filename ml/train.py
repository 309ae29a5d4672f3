"""Train the bot classifier: one calibrated scikit-learn Pipeline per profile field set.

A collection written with Twitter API v2 has no likes count, geo flag or default-profile flags
(``ml.features.FIELD_SETS``), so there is a model for the full v1.1 profile and one for the v2
fields, and each account is scored by the richest one whose fields it has (never on imputed
values that mean something else). Each field set's model trains on every labelled account,
reduced to its fields (a poorer profile's missing fields imputed in training only: a source
without likes counts still teaches the rest), and is judged, calibrated and given its error rates
on held-out accounts of the kind it will score (those with its marker fields):

- **Weights**: every source (a release, ``ml.datasets.source_of``) weighs the same, whatever its
  size, so one large collection does not decide what a bot looks like.
- **Choice** of feature set (``CANDIDATE_FEATURE_SETS``) and regularisation (``CANDIDATE_C``) by
  cross-validation grouped by source: each fold holds out a whole source, which measures
  transfer to a population the model was not trained on. Mean held-out AUC; among candidates
  within one standard error of the best, the simplest (fewest features, most regularised).
  With a single source, grouped folds are impossible and stratified folds are used (recorded).
- **Calibration**: a sigmoid (Platt) fitted on the chosen candidate's held-out scores from those
  same folds (``SigmoidCalibrated``), so the probabilities are calibrated for unseen populations
  rather than for the training one; one base model fitted on everything, so explanations stay
  exact (``ml.explain``).
- **Threshold** of each field set's model: the best source-weighted accuracy on its held-out
  calibrated scores (near-ties: nearest 0.5), and the error rates at that threshold on them,
  which quantification (``ml.quantify``) corrects the bot share with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from ml.datasets import source_of
from ml.features import (
    ALL_FEATURES,
    CANDIDATE_FEATURE_SETS,
    FEATURE_SETS,
    FIELD_SETS,
    ProfileFeatures,
    ScreenNameBigrams,
    blank_fields,
    build_features,
    features_for_field_set,
    field_set_of,
)
from ml.quantify import adjusted_classify_and_count, error_rates, mixture_prevalence

# Candidate inverse regularisation strengths, most regularised (simplest) first.
CANDIDATE_C: tuple[float, ...] = (0.01, 0.03, 0.1, 0.3, 1.0)
CV_FOLDS = 5
THRESHOLD_GRID = np.round(np.arange(0.2, 0.801, 0.01), 2)
# Accuracy is flat near its maximum; among thresholds this close to the best, the one nearest 0.5
# is kept (0.5 is where a calibrated probability says "more likely a bot").
THRESHOLD_TOLERANCE = 0.005
MIN_ACCOUNTS_PER_CLASS = 10  # a field set's model needs at least this many of each class


class LinearBotModel(ClassifierMixin, BaseEstimator):
    """Median imputation, ``log1p``, standardisation and a logistic regression, as one estimator
    whose ``fit`` takes ``sample_weight`` (so calibration passes the source weights through)."""

    def __init__(self, c: float = 0.1, random_state: int = 0) -> None:
        self.c = c
        self.random_state = random_state

    def fit(self, X: pd.DataFrame, y: np.ndarray, sample_weight: np.ndarray | None = None):
        self.pipeline_ = Pipeline(
            [
                ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                ("log", FunctionTransformer(np.log1p, feature_names_out="one-to-one")),
                ("scale", StandardScaler()),
                (
                    "model",
                    LogisticRegression(
                        C=self.c, solver="newton-cholesky", random_state=self.random_state
                    ),
                ),
            ]
        )
        self.pipeline_.fit(X, y, model__sample_weight=sample_weight)
        self.classes_ = self.pipeline_.classes_
        return self

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        return self.pipeline_.decision_function(X)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return self.pipeline_.predict_proba(X)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.pipeline_.predict(X)


class SigmoidCalibrated(ClassifierMixin, BaseEstimator):
    """A fitted ``LinearBotModel`` whose decision values become probabilities through a sigmoid
    fitted on held-out decision values (Platt scaling): ``p = 1 / (1 + exp(-(slope * d +
    intercept)))``. Built already fitted by ``train_field_set``, which holds the folds and knows
    which held-out rows the model will score; ``fit`` is not how it is made."""

    def __init__(
        self, estimator: LinearBotModel | None = None, slope: float = 1.0, intercept: float = 0.0
    ) -> None:
        self.estimator = estimator
        self.slope = slope
        self.intercept = intercept

    def fit(self, X: pd.DataFrame, y: np.ndarray):
        raise NotImplementedError("built fitted by ml.train.train_field_set")

    def __sklearn_is_fitted__(self) -> bool:
        return self.estimator is not None

    @property
    def classes_(self) -> np.ndarray:
        return self.estimator.classes_

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated log-odds of being a bot."""
        return self.slope * self.estimator.decision_function(X) + self.intercept

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        bot = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - bot, bot])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.predict_proba(X)[:, 1] >= 0.5


def fit_sigmoid(decisions: np.ndarray, y: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """Platt's slope and intercept from held-out decision values (weighted)."""
    platt = LogisticRegression(C=1e6, solver="lbfgs")
    platt.fit(decisions[:, None], y, sample_weight=weights)
    return float(platt.coef_[0, 0]), float(platt.intercept_[0])


@dataclass
class FieldSetModel:
    """The model of one field set: profiles in, calibrated probability out."""

    field_set: str
    pipeline: Pipeline
    feature_names: list[str]
    feature_set: str
    threshold: float = 0.5
    cv_metrics: dict = field(default_factory=dict)

    def predict_proba(self, profiles: pd.DataFrame) -> np.ndarray:
        return self.pipeline.predict_proba(profiles)[:, 1]


@dataclass
class TrainedClassifier:
    """One model per field set (richest first), each with its threshold, and what is known."""

    models: dict[str, FieldSetModel]
    summary: dict = field(default_factory=dict)
    version: str | None = None  # content hash, set when saved or loaded

    @property
    def field_sets(self) -> list[str]:
        return list(self.models)

    @property
    def threshold(self) -> float:
        """The richest field set's threshold (each field set's model has its own)."""
        return next(iter(self.models.values())).threshold

    def thresholds(self, field_sets: np.ndarray) -> np.ndarray:
        """The threshold that applies to each account, by the field set that scored it."""
        field_sets = np.asarray(field_sets, dtype=object)
        result = np.full(len(field_sets), np.nan)
        for name, model in self.models.items():
            result[field_sets == name] = model.threshold
        return result

    def field_set_of(self, profiles: pd.DataFrame) -> np.ndarray:
        """The field set whose model scores each profile row."""
        return field_set_of(profiles, self.field_sets)

    def predict_proba(self, profiles: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of being a bot for each profile row, each row scored by the
        model of its field set."""
        profiles = profiles.reset_index(drop=True)
        which = self.field_set_of(profiles)
        result = np.empty(len(profiles))
        for name, model in self.models.items():
            rows = np.flatnonzero(which == name)
            if len(rows):
                result[rows] = model.predict_proba(profiles.iloc[rows])
        return result

    @property
    def feature_names(self) -> list[str]:
        """Every feature any field set's model reads."""
        names: list[str] = []
        for model in self.models.values():
            names += [f for f in model.feature_names if f not in names]
        return names


def _labels(frame: pd.DataFrame) -> np.ndarray:
    if frame["is_bot"].isna().any():
        raise ValueError("training frame has accounts without a label (is_bot is null)")
    y = frame["is_bot"].to_numpy(dtype=bool)
    if y.all() or not y.any():
        raise ValueError("training needs both bots and humans")
    return y


def sources(frame: pd.DataFrame) -> np.ndarray:
    """The source (release) of each labelled account."""
    return frame["dataset"].astype(str).map(source_of).to_numpy()


def source_weights(groups: np.ndarray) -> np.ndarray:
    """Weights that give every source the same total, mean 1."""
    _, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
    weights = 1.0 / counts[inverse]
    return weights / weights.mean()


def cv_splits(frame: pd.DataFrame, y: np.ndarray, random_state: int) -> tuple[str, list]:
    """Folds that each hold out one source when there are several and every training part holds
    both classes ("grouped"); stratified folds otherwise."""
    groups = sources(frame)
    names = np.unique(groups)
    if len(names) >= 2:
        folds = [(np.flatnonzero(groups != n), np.flatnonzero(groups == n)) for n in names]
        if all(y[train].any() and not y[train].all() for train, _ in folds):
            return "grouped", folds
    stratified = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=random_state)
    return "stratified", list(stratified.split(frame, y))


def fold_features(frame: pd.DataFrame, features: list[str], folds: list) -> list[pd.DataFrame]:
    """``features`` of every row, once per fold: only the screen-name bigram table is learnt
    (from the fold's training names, labels unused), so everything else is computed once."""
    shared = build_features(frame, None, features)
    if "screen_name_likelihood" not in features:
        return [shared] * len(folds)
    names = frame["screen_name"].astype("string")
    result = []
    for train, _ in folds:
        bigrams = ScreenNameBigrams().fit(names.iloc[train].dropna())
        result.append(shared.assign(screen_name_likelihood=bigrams.likelihood(names)))
    return result


def out_of_fold(
    per_fold: list[pd.DataFrame],
    y: np.ndarray,
    weights: np.ndarray,
    folds: list,
    features: list[str],
    c: float,
    random_state: int,
) -> tuple[np.ndarray, list[float]]:
    """Held-out decision values of one candidate, and its AUC on each fold holding both classes.
    ``per_fold`` holds each fold's feature frame (``fold_features``)."""
    decisions = np.full(len(y), np.nan)
    aucs = []
    for (train, test), frame in zip(folds, per_fold, strict=True):
        linear = LinearBotModel(c, random_state)
        linear.fit(frame.iloc[train][features], y[train], sample_weight=weights[train])
        decisions[test] = linear.decision_function(frame.iloc[test][features])
        if y[test].any() and not y[test].all():
            aucs.append(float(roc_auc_score(y[test], decisions[test])))
    return decisions, aucs


def _scored_folds(folds: list, scored: np.ndarray) -> list:
    """Each fold's held-out part cut to the rows the model will score; folds left without any
    dropped (their source has none of this field set's profiles to be judged on)."""
    kept = []
    for train, test in folds:
        test = test[scored[test]]
        if len(test):
            kept.append((train, test))
    return kept


def choose_threshold(
    y: np.ndarray, probabilities: np.ndarray, weights: np.ndarray | None = None
) -> float:
    """The threshold with the best (weighted) accuracy on held-out probabilities; among those
    within ``THRESHOLD_TOLERANCE`` of the best, the one nearest 0.5. Accuracy, not F1: on a
    population unlike the training ones a weak model's F1 is best when it flags nearly
    everyone, which is what a bot share must not do."""
    weights = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    scores = np.array(
        [np.average((probabilities >= t) == y, weights=weights) for t in THRESHOLD_GRID]
    )
    best = np.flatnonzero(scores >= scores.max() - THRESHOLD_TOLERANCE)
    return float(THRESHOLD_GRID[best[np.argmin(np.abs(THRESHOLD_GRID[best] - 0.5))]])


QUANTIFIERS: tuple[str, ...] = ("acc", "mixture")
# a quantifier that refuses a held-out source (too little separation) counts this far off there
REFUSED_ERROR = 0.5


def quantifier_errors(
    y: np.ndarray, scores: np.ndarray, groups: np.ndarray, threshold: float
) -> dict[str, list[float]]:
    """For each of ``QUANTIFIERS``, how far its bot share is from the truth on each held-out
    source with both classes (ACC with the error rates of the other sources only)."""
    errors: dict[str, list[float]] = {name: [] for name in QUANTIFIERS}
    for source in np.unique(groups):
        inside = groups == source
        others = ~inside
        if inside.sum() < 2 or not (y[others].any() and not y[others].all()):
            continue
        truth = float(y[inside].mean())
        rates = error_rates(y[others], scores[others], threshold)
        try:
            acc = adjusted_classify_and_count(scores[inside], threshold, rates.tpr, rates.fpr)
            errors["acc"].append(abs(acc - truth))
        except ValueError:
            errors["acc"].append(REFUSED_ERROR)
        errors["mixture"].append(abs(mixture_prevalence(scores[inside]) - truth))
    return errors


def choose_quantifier(
    y: np.ndarray, scores: np.ndarray, groups: np.ndarray, threshold: float
) -> tuple[str, dict[str, list[float]]]:
    """The quantifier with the smaller mean error on held-out sources (ACC, the label-shift
    method, when there are fewer than two sources to judge by)."""
    errors = quantifier_errors(y, scores, groups, threshold)
    if min(len(e) for e in errors.values()) < 2:
        return "acc", errors
    return min(QUANTIFIERS, key=lambda name: np.mean(errors[name])), errors


def _candidates(field_set: str, features: list[str] | None) -> list[tuple[str, list[str]]]:
    if features is not None:
        name = next((k for k, v in FEATURE_SETS.items() if v == list(features)), "custom")
        named = [(name, list(features))]
    else:
        named = [(name, FEATURE_SETS[name]) for name in CANDIDATE_FEATURE_SETS]
    usable = []
    for name, wanted in named:
        available = features_for_field_set(wanted, field_set)
        if available and all(available != u[1] for u in usable):
            usable.append((name, available))
    return usable


def train_field_set(
    frame: pd.DataFrame,
    field_set: str,
    scored: np.ndarray,
    random_state: int = 0,
    features: list[str] | None = None,
) -> tuple[FieldSetModel, np.ndarray, np.ndarray]:
    """Choose, fit and calibrate the model of ``field_set`` on every labelled account of
    ``frame`` (reduced to that field set's fields); ``scored`` marks the accounts that have the
    field set's marker fields, i.e. those such a model will score. Model choice, calibration and
    error rates are measured on held-out ``scored`` accounts only; training uses all (a poorer
    profile's missing fields are imputed in training, never in scoring: a source without likes
    counts still teaches the model the rest). Returns the model, and the labels and held-out
    calibrated scores of the held-out ``scored`` accounts (labels, weights and sources)."""
    frame = frame.reset_index(drop=True)
    y = _labels(frame)
    groups = sources(frame)
    cv_kind, all_folds = cv_splits(frame, y, random_state)
    folds = _scored_folds(all_folds, scored)
    weights = source_weights(groups) if cv_kind == "grouped" else np.ones(len(frame))
    judged = np.concatenate([test for _, test in folds])
    candidates = _candidates(field_set, features)
    every = list(dict.fromkeys(f for _, wanted in candidates for f in wanted))
    per_fold = fold_features(frame, every, folds)
    results = {}
    for name, wanted in candidates:
        for c in CANDIDATE_C:
            decisions, aucs = out_of_fold(per_fold, y, weights, folds, wanted, c, random_state)
            if not aucs:  # no held-out fold has both classes: the pooled held-out AUC
                aucs = [float(roc_auc_score(y[judged], decisions[judged]))]
            error = float(np.std(aucs, ddof=1) / np.sqrt(len(aucs))) if len(aucs) > 1 else 0.0
            results[(name, c)] = (wanted, decisions, float(np.mean(aucs)), error, aucs)
    best = max(results, key=lambda k: results[k][2])
    floor = results[best][2] - results[best][3]
    # candidates come simplest first: fewest features, then most regularised
    order = sorted(results, key=lambda k: (len(results[k][0]), k[1]))
    chosen = next(k for k in order if results[k][2] >= floor)
    wanted, decisions, _, _, aucs = results[chosen]

    profile_features = ProfileFeatures(list(wanted)).fit(frame)
    base = LinearBotModel(chosen[1], random_state)
    base.fit(profile_features.transform(frame), y, sample_weight=weights)
    slope, intercept = fit_sigmoid(decisions[judged], y[judged], weights[judged])
    pipeline = Pipeline(
        [("features", profile_features), ("classifier", SigmoidCalibrated(base, slope, intercept))]
    )
    held_out = 1.0 / (1.0 + np.exp(-(slope * decisions[judged] + intercept)))
    y_judged, w_judged, g_judged = y[judged], weights[judged], groups[judged]
    cv_metrics = {
        "cv": cv_kind,
        "folds": len(folds),
        "chosen_feature_set": chosen[0],
        "chosen_c": chosen[1],
        "held_out_auc_by_fold": aucs,
        "candidates": {
            f"{name} C={c}": {"auc": r[2], "auc_se": r[3]} for (name, c), r in results.items()
        },
        "training_accounts": len(frame),
        "judged_accounts": len(judged),
        "oof_auc": float(roc_auc_score(y_judged, held_out)),
        "oof_brier": float(brier_score_loss(y_judged, held_out, sample_weight=w_judged)),
        "training_prevalence": float(np.average(y_judged, weights=w_judged)),
    }
    model = FieldSetModel(
        field_set=field_set,
        pipeline=pipeline,
        feature_names=list(wanted),
        feature_set=chosen[0],
        cv_metrics=cv_metrics,
    )
    return model, (y_judged, w_judged, g_judged), held_out


def train_classifier(
    frame: pd.DataFrame, random_state: int = 0, features: list[str] | None = None
) -> TrainedClassifier:
    """Fit the classifier on a labelled frame (``LABELLED_ACCOUNT_COLUMNS``): a model for each
    field set that enough labelled accounts have the fields of.

    ``features`` imposes a feature list (e.g. ``POPULATION_FEATURES`` for a model that will score
    the population it was trained on, like the simulator's); by default the feature set is
    chosen among ``CANDIDATE_FEATURE_SETS`` by held-out-source AUC.
    """
    if features is not None:
        unknown = sorted(set(features) - set(ALL_FEATURES))
        if unknown:
            raise ValueError(f"unknown features {unknown}")
    frame = frame.reset_index(drop=True)
    _labels(frame)
    which = field_set_of(frame)
    names = list(FIELD_SETS)
    models: dict[str, FieldSetModel] = {}
    held_out: dict[str, tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]] = {}
    skipped: dict[str, str] = {}
    for rank, name in enumerate(names):
        # the accounts this field set's model will score: its profiles or richer ones
        scored = np.isin(which, names[: rank + 1])
        labels = frame["is_bot"].to_numpy(bool)[scored]
        bots, humans = int(labels.sum()), int((~labels).sum())
        if min(bots, humans) < MIN_ACCOUNTS_PER_CLASS:
            skipped[name] = f"{bots} bots and {humans} humans have its fields"
            continue
        part = blank_fields(frame, name)
        model, labelled, scores = train_field_set(part, name, scored, random_state, features)
        models[name] = model
        held_out[name] = (labelled, scores)
    if not models:
        raise ValueError(f"no field set has enough labelled accounts: {skipped}")
    for name, model in models.items():
        (y, weights, groups), scores = held_out[name]
        threshold = model.threshold = choose_threshold(y, scores, weights)
        rates = error_rates(y, scores, threshold)
        quantifier, quantifier_errors = choose_quantifier(y, scores, groups, threshold)
        model.cv_metrics.update(
            {
                "quantifier": quantifier,
                "quantifier_errors": quantifier_errors,
                "oof_f1": float(f1_score(y, scores >= threshold, zero_division=0)),
                "oof_accuracy": float(np.mean((scores >= threshold) == y)),
                "tpr": rates.tpr,
                "fpr": rates.fpr,
                "rates_bots": rates.n_bots,
                "rates_humans": rates.n_humans,
            }
        )
    summary = {
        "datasets": {
            str(name): {
                "accounts": len(part),
                "bots": int(part["is_bot"].sum()),
                "source": source_of(str(name)),
            }
            for name, part in frame.groupby("dataset", sort=True)
        },
        "accounts": len(frame),
        "bots": int(frame["is_bot"].sum()),
        "random_state": random_state,
        "field_sets": {
            name: {
                "feature_set": model.feature_set,
                "features": model.feature_names,
                "c": model.cv_metrics["chosen_c"],
                "cv": model.cv_metrics["cv"],
                "threshold": model.threshold,
            }
            for name, model in models.items()
        },
        "skipped_field_sets": skipped,
        "feature_set": (
            next((k for k, v in FEATURE_SETS.items() if v == list(features)), "custom")
            if features is not None
            else "chosen"
        ),
        "model": "logistic regression on log1p standardised features, every source weighted "
        "alike, sigmoid calibration on held-out scores; one model per field set",
    }
    return TrainedClassifier(models=models, summary=summary)
