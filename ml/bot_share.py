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

METHOD_LABELS = {
    "acc": "adjusted classify-and-count (held-out error rates)",
    "mixture": "two-component mixture of the accounts' log-odds",
}
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
    """The held-out error rates of one field set's model at its threshold."""
    part = model.models[field_set]
    cv = part.cv_metrics
    return ErrorRates(
        tpr=float(cv["tpr"]),
        fpr=float(cv["fpr"]),
        threshold=float(part.threshold),
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
    members = {name: field_sets == name for name in model.models}
    present = {name: inside for name, inside in members.items() if inside.any()}
    thresholded = float(
        sum(
            inside.mean() * classify_and_count(scores[inside], model.models[name].threshold)
            for name, inside in present.items()
        )
    )
    total, low, high = 0.0, 0.0, 0.0
    methods: list[str] = []
    for name, inside in present.items():
        field_set_model = model.models[name]
        method = field_set_model.cv_metrics.get("quantifier", "acc")
        methods.append(method)
        try:
            part = estimate_prevalence(
                scores[inside],
                field_set_model.threshold if method == "acc" else None,
                method=method,
                rates=model_error_rates(model, name) if method == "acc" else None,
                n_boot=n_boot,
                confidence=confidence,
                random_state=random_state,
                rates_uncertainty=method == "acc",
            )
        except ValueError as error:
            return BotShare(
                len(scores),
                thresholded,
                None,
                None,
                None,
                method_label(methods),
                confidence,
                str(error),
            )
        weight = inside.mean()
        total += weight * part.estimate
        low += weight * part.low
        high += weight * part.high
    return BotShare(len(scores), thresholded, total, low, high, method_label(methods), confidence)


def method_label(methods: list[str]) -> str:
    """The quantifiers used, in words (one per field set that scored accounts)."""
    return "; ".join(dict.fromkeys(METHOD_LABELS[m] for m in methods))
