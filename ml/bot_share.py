"""The bot share of a set of scored accounts, as a quantity beside the thresholded count.

Classify-and-count at the threshold is what the study reported; on a population unlike the
training ones it is biased by the classifier's error rates. The estimate here is adjusted
classify-and-count (``ml.quantify``) with the true- and false-positive rates each field set's
model had on held-out sources, and its bootstrap interval includes those rates' own sampling
error. Accounts scored by different field-set models are estimated per field set and combined
weighted by their counts (the interval bounds likewise: wider than a joint interval, never
narrower).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ml.quantify import ErrorRates, classify_and_count, estimate_prevalence
from ml.train import TrainedClassifier

METHOD = "acc"
METHOD_LABEL = "adjusted classify-and-count (held-out error rates)"
BOOTSTRAP_SAMPLES = 1000
CONFIDENCE = 0.95


@dataclass(frozen=True)
class BotShare:
    """Thresholded share and its quantification estimate (None, with a reason, when the
    classifier does not separate bots from humans well enough to adjust)."""

    accounts: int
    thresholded: float
    estimate: float | None
    low: float | None
    high: float | None
    method: str
    confidence: float
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def model_error_rates(model: TrainedClassifier, field_set: str) -> ErrorRates:
    """The held-out error rates of one field set's model at the shipped threshold."""
    cv = model.models[field_set].cv_metrics
    return ErrorRates(
        tpr=float(cv["tpr"]),
        fpr=float(cv["fpr"]),
        threshold=float(model.threshold),
        n_bots=int(cv["rates_bots"]),
        n_humans=int(cv["rates_humans"]),
    )


def estimate_bot_share(
    model: TrainedClassifier,
    scores: np.ndarray,
    field_sets: np.ndarray,
    n_boot: int = BOOTSTRAP_SAMPLES,
    confidence: float = CONFIDENCE,
    random_state: int = 0,
) -> BotShare:
    """Bot share of accounts with ``scores`` (scored by the models of ``field_sets``)."""
    scores = np.asarray(scores, dtype=float)
    field_sets = np.asarray(field_sets, dtype=object)
    if len(scores) == 0:
        raise ValueError("no scored accounts: the bot share is undefined")
    if len(field_sets) != len(scores):
        raise ValueError("scores and field_sets differ in length")
    unknown = sorted(set(field_sets) - set(model.models))
    if unknown:
        raise ValueError(f"accounts scored by field sets the model lacks: {unknown}")
    thresholded = classify_and_count(scores, model.threshold)
    total, low, high = 0.0, 0.0, 0.0
    for name in model.models:
        inside = field_sets == name
        if not inside.any():
            continue
        try:
            part = estimate_prevalence(
                scores[inside],
                model.threshold,
                method=METHOD,
                rates=model_error_rates(model, name),
                n_boot=n_boot,
                confidence=confidence,
                random_state=random_state,
                rates_uncertainty=True,
            )
        except ValueError as error:
            return BotShare(
                len(scores), thresholded, None, None, None, METHOD, confidence, str(error)
            )
        weight = inside.mean()
        total += weight * part.estimate
        low += weight * part.low
        high += weight * part.high
    return BotShare(len(scores), thresholded, total, low, high, METHOD, confidence)
