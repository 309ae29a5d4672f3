"""The bot share of a population estimated as a quantity, not counted account by account.

Counting the accounts whose score clears a threshold ("classify and count", CC) is biased as soon
as the population's bot share differs from the one the classifier was tuned on: the count is
``fpr + prevalence × (tpr - fpr)``, not the prevalence. Quantification methods correct for it:

- ACC, adjusted classify and count (Forman 2008): invert that line with error rates measured on
  held-out predictions. Assumes label shift: tpr and fpr are the same in the new population.
- EM, the prior adjustment of Saerens, Latinne & Decaestecker (2002), "SLD": re-weight calibrated
  posteriors to a new prior until the prior is the mean posterior. Assumes label shift and
  posteriors calibrated on the training population.

- Mixture: fit two Gaussians to the log-odds of the new population's own scores and take the
  weight of the one with the higher mean. Uses no training error rates, so it survives a shift of
  every score up or down (a classifier that still ranks well but whose probabilities moved);
  assumes the two classes form two roughly Gaussian humps in the log-odds.

ACC and EM do not survive a classifier whose scores mean something else on the new population
(covariate or concept shift); the mixture does not survive one that stopped ranking well.

Pure functions on numpy arrays: no Dagster, no I/O.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np

Method = Literal["cc", "acc", "em", "mixture"]
METHODS: tuple[str, ...] = ("cc", "acc", "em", "mixture")
MIN_SEPARATION = 0.05
"""ACC refuses to divide by ``tpr - fpr`` below this."""
POSTERIOR_CLIP = 1e-6
_BLOCK_ELEMENTS = 1 << 17  # resampled posteriors held at once by the EM bootstrap


@dataclass(frozen=True)
class ErrorRates:
    """True and false positive rates at one threshold, with the counts they were measured on."""

    tpr: float
    fpr: float
    threshold: float
    n_bots: int
    n_humans: int


@dataclass(frozen=True)
class PrevalenceEstimate:
    """A bot share over ``n`` accounts with its percentile bootstrap interval ``low, high``."""

    method: str
    estimate: float
    low: float
    high: float
    confidence: float
    n: int


def _unit_scores(values: object, name: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numbers: {error}") from error
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"no {name}: the bot share of an empty population is undefined")
    missing = int(np.isnan(array).sum())
    if missing:
        raise ValueError(f"{missing} of {array.size} {name} are NaN; score them or leave them out")
    outside = int(((array < 0.0) | (array > 1.0)).sum())
    if outside:
        raise ValueError(
            f"{outside} of {array.size} {name} are outside [0, 1] "
            f"(min {array.min():g}, max {array.max():g}); expected probabilities"
        )
    return array


def _unit_value(value: float, name: str) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value}")
    return value


def _separation(tpr: float, fpr: float, threshold: float) -> float:
    gap = tpr - fpr
    if gap < MIN_SEPARATION:
        raise ValueError(
            f"the classifier does not separate the classes at threshold {threshold:g}: "
            f"tpr - fpr = {tpr:g} - {fpr:g} = {gap:g} < {MIN_SEPARATION}, too small to divide by"
        )
    return gap


def classify_and_count(scores: np.ndarray, threshold: float) -> float:
    """CC: the share of accounts with ``score >= threshold``.

    Unbiased only when ``fpr × (1 - p) == (1 - tpr) × p`` for the population's prevalence p; in
    general it is pulled towards the share the classifier flags on its training population.
    """
    values = _unit_scores(scores, "scores")
    return float(np.mean(values >= _unit_value(threshold, "threshold")))


def adjusted_classify_and_count(
    scores: np.ndarray, threshold: float, tpr: float, fpr: float
) -> float:
    """ACC (Forman 2008): ``(cc - fpr) / (tpr - fpr)`` clipped to [0, 1].

    ``tpr`` and ``fpr`` are the classifier's rates at ``threshold`` measured on held-out
    predictions (see :func:`error_rates`). Assumes label shift: the rates hold in this population.
    """
    threshold = _unit_value(threshold, "threshold")
    tpr, fpr = _unit_value(tpr, "tpr"), _unit_value(fpr, "fpr")
    gap = _separation(tpr, fpr, threshold)
    cc = classify_and_count(scores, threshold)
    return float(np.clip((cc - fpr) / gap, 0.0, 1.0))


def _em_rows(
    posteriors: np.ndarray,
    training_prevalence: float,
    tol: float,
    max_iter: int,
    start: float | None = None,
    accelerate: bool = False,
) -> tuple[np.ndarray, int]:
    """SLD on each row of a (resamples, accounts) matrix at once; returns priors and unconverged.

    The update ``a p / (a p + b (1 - p))`` with ``a = prior / training_prevalence`` and
    ``b = (1 - prior) / (1 - training_prevalence)`` is computed as ``p / (p + (b / a)(1 - p))``.
    A row stops when an update moves its prior by less than ``tol``; stopped rows leave the working
    matrix. ``accelerate`` extrapolates every second update (Aitken's delta-squared, i.e.
    Steffensen's method), never more than halfway to 0 or 1: the same fixed point in far fewer
    passes over the matrix. ``posteriors`` are already clipped; ``start`` defaults to the training
    prevalence. The log-likelihood is concave in the prior, so the fixed point does not depend on
    the start.
    """
    p = posteriors
    q = 1.0 - p
    priors = np.full(p.shape[0], training_prevalence if start is None else start)
    active = np.arange(p.shape[0])
    buffer = np.empty_like(p)
    previous = np.full(p.shape[0], np.nan)  # the prior before the last update (Aitken's x0)
    for step in range(max_iter):
        current = priors[active]
        with np.errstate(divide="ignore"):
            ratio = ((1.0 - current) / (1.0 - training_prevalence)) / (
                current / training_prevalence
            )
        np.multiply(q, ratio[:, None], out=buffer)
        buffer += p
        np.divide(p, buffer, out=buffer)
        updated = buffer.mean(axis=1, dtype=np.float64)
        moving = np.abs(updated - current) >= tol
        if accelerate and step % 2 == 1:
            x0 = previous[active]
            curvature = updated - 2.0 * current + x0
            with np.errstate(divide="ignore", invalid="ignore"):
                jump = x0 - (current - x0) ** 2 / curvature
            # F is increasing, so EM moves monotonically towards the fixed point: jump onwards in
            # that direction only, and (0 and 1 are fixed points too) at most halfway to 0 or 1.
            rising = updated > current
            safe = np.clip(
                jump,
                np.where(rising, updated, updated / 2.0),
                np.where(rising, (1.0 + updated) / 2.0, updated),
            )
            updated = np.where(moving & np.isfinite(jump), safe, updated)
        previous[active] = current
        priors[active] = updated
        if not moving.any():
            return priors, 0
        if not moving.all():
            active, p, q = active[moving], p[moving], q[moving]
            buffer = np.empty_like(p)
    return priors, len(active)


def _em_arguments(training_prevalence: float, tol: float, max_iter: int) -> float:
    prevalence = float(training_prevalence)
    if not 0.0 < prevalence < 1.0:
        raise ValueError(f"training_prevalence must be in (0, 1), got {training_prevalence}")
    if not tol > 0.0:
        raise ValueError(f"tol must be > 0, got {tol}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be >= 1, got {max_iter}")
    return prevalence


def em_prevalence(
    posteriors: np.ndarray,
    training_prevalence: float,
    tol: float = 1e-6,
    max_iter: int = 1000,
) -> float:
    """EM prior adjustment (Saerens, Latinne & Decaestecker 2002, "SLD").

    Starting from the training prior, rescale each posterior by ``new prior / training prior``
    (and its complement by the complements' ratio), renormalise, and take the new prior as the mean
    adjusted posterior, until it moves by less than ``tol``. This is the maximum-likelihood prior
    under label shift. Assumes ``posteriors`` are calibrated on a population with bot share
    ``training_prevalence``. Posteriors are clipped to [1e-6, 1 - 1e-6]. Warns (RuntimeWarning)
    and returns the last prior if ``max_iter`` is reached.
    """
    values = _unit_scores(posteriors, "posteriors")
    prevalence = _em_arguments(training_prevalence, tol, max_iter)
    clipped = np.clip(values, POSTERIOR_CLIP, 1.0 - POSTERIOR_CLIP)
    priors, unconverged = _em_rows(clipped[None, :], prevalence, tol, max_iter)
    if unconverged:
        warnings.warn(
            f"EM did not converge to tol={tol:g} in {max_iter} iterations",
            RuntimeWarning,
            stacklevel=2,
        )
    return float(priors[0])


MIXTURE_ITERATIONS = 200
_MIXTURE_TOL = 1e-6


def _log_odds(scores: np.ndarray) -> np.ndarray:
    clipped = np.clip(scores, POSTERIOR_CLIP, 1.0 - POSTERIOR_CLIP)
    return np.log(clipped / (1.0 - clipped))


MIXTURE_BINS = 128  # the log-odds are binned: EM and its bootstrap work on bin counts


def _mixture_rows(centres: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Two-Gaussian EM on binned log-odds, for each row of ``counts`` (resamples × bins) at
    once: the weight of the component with the higher mean, per row."""
    z = centres[None, :]
    total = counts.sum(axis=1, keepdims=True)

    def weighted_quantile(q: float) -> np.ndarray:
        cumulative = np.cumsum(counts, axis=1) / total
        return centres[np.argmax(cumulative >= q, axis=1)][:, None]

    low_mean, high_mean = weighted_quantile(0.25), weighted_quantile(0.75)
    mean = (counts * z).sum(axis=1, keepdims=True) / total
    spread = (counts * (z - mean) ** 2).sum(axis=1, keepdims=True) / total + 1e-12
    floor = 1e-3 * spread
    low_var, high_var = spread / 4.0, spread / 4.0
    weight = np.full((counts.shape[0], 1), 0.5)
    for _ in range(MIXTURE_ITERATIONS):
        log_high = -0.5 * ((z - high_mean) ** 2 / high_var + np.log(high_var)) + np.log(weight)
        log_low = -0.5 * ((z - low_mean) ** 2 / low_var + np.log(low_var)) + np.log1p(-weight)
        high = counts / (1.0 + np.exp(np.clip(log_low - log_high, -700, 700)))
        low = counts - high
        high_sum = np.maximum(high.sum(axis=1, keepdims=True), 1e-12)
        low_sum = np.maximum(low.sum(axis=1, keepdims=True), 1e-12)
        new_weight = np.clip(high_sum / total, 1e-9, 1 - 1e-9)
        high_mean = (high * z).sum(axis=1, keepdims=True) / high_sum
        low_mean = (low * z).sum(axis=1, keepdims=True) / low_sum
        high_var = np.maximum(
            (high * (z - high_mean) ** 2).sum(axis=1, keepdims=True) / high_sum, floor
        )
        low_var = np.maximum(
            (low * (z - low_mean) ** 2).sum(axis=1, keepdims=True) / low_sum, floor
        )
        converged = np.abs(new_weight - weight).max() < _MIXTURE_TOL
        weight = new_weight
        if converged:
            break
    # the bot component is the one with the higher mean log-odds
    return np.where(high_mean >= low_mean, weight, 1.0 - weight)[:, 0]


def _binned_log_odds(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = _log_odds(values)
    edges = np.linspace(z.min(), z.max() + 1e-9, MIXTURE_BINS + 1)
    counts, _ = np.histogram(z, bins=edges)
    return (edges[:-1] + edges[1:]) / 2.0, counts.astype(float)


def mixture_prevalence(scores: np.ndarray) -> float:
    """Weight of the higher of two Gaussians fitted (EM) to the log-odds of ``scores``."""
    values = _unit_scores(scores, "scores")
    if len(values) < 2:
        raise ValueError("the mixture needs at least two scores")
    centres, counts = _binned_log_odds(values)
    return float(_mixture_rows(centres, counts[None, :])[0])


def error_rates(y_true: np.ndarray, scores: np.ndarray, threshold: float) -> ErrorRates:
    """True and false positive rates of ``score >= threshold`` against labels (1 = bot).

    Measure them on held-out predictions (out-of-fold, or a held-out dataset): rates measured on
    the training fit are optimistic and make ACC over-correct.
    """
    values = _unit_scores(scores, "scores")
    threshold = _unit_value(threshold, "threshold")
    labels = np.asarray(y_true)
    if labels.ndim != 1 or len(labels) != len(values):
        raise ValueError(
            f"y_true must be one label per score: shape {labels.shape} vs {len(values)} scores"
        )
    try:
        numeric = labels.astype(float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"y_true must be 0/1 labels: {error}") from error
    if not np.isin(numeric, (0.0, 1.0)).all():
        raise ValueError(f"y_true must be 0/1 labels, got values {np.unique(labels)[:5]}")
    is_bot = numeric == 1.0
    n_bots, n_humans = int(is_bot.sum()), int((~is_bot).sum())
    if n_bots == 0 or n_humans == 0:
        raise ValueError(
            f"y_true needs both classes to measure error rates: {n_bots} bots, {n_humans} humans"
        )
    flagged = values >= threshold
    return ErrorRates(
        tpr=float(flagged[is_bot].mean()),
        fpr=float(flagged[~is_bot].mean()),
        threshold=threshold,
        n_bots=n_bots,
        n_humans=n_humans,
    )


def _em_bootstrap(
    posteriors: np.ndarray,
    training_prevalence: float,
    start: float,
    n_boot: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """EM prior of ``n_boot`` resamples of ``posteriors``, in blocks of resamples at a time.

    Accelerated EM started from the full-sample estimate, in float32: each prior is as close to
    the resample's EM fixed point as plain EM gets (within about 1e-5), far inside the interval.
    """
    n = len(posteriors)
    # float32 halves the memory traffic; the mean is still summed in float64.
    clipped = np.clip(posteriors, POSTERIOR_CLIP, 1.0 - POSTERIOR_CLIP).astype(np.float32)
    index_type = np.int32 if n < 2**31 else np.int64
    rows = max(1, _BLOCK_ELEMENTS // n)
    draws, unconverged = [], 0
    for first in range(0, n_boot, rows):
        index = rng.integers(0, n, size=(min(rows, n_boot - first), n), dtype=index_type)
        priors, missed = _em_rows(
            clipped[index], training_prevalence, 1e-6, 1000, start=start, accelerate=True
        )
        draws.append(priors)
        unconverged += missed
    if unconverged:
        warnings.warn(
            f"EM did not converge in {unconverged} of {n_boot} bootstrap resamples",
            RuntimeWarning,
            stacklevel=3,
        )
    return np.concatenate(draws)


def estimate_prevalence(
    scores: np.ndarray,
    threshold: float | None,
    *,
    method: Method,
    rates: ErrorRates | None = None,
    training_prevalence: float | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    random_state: int = 0,
    rates_uncertainty: bool = False,
) -> PrevalenceEstimate:
    """Bot share by ``method`` on all ``scores``, with a percentile bootstrap interval.

    - ``"cc"``: :func:`classify_and_count` at ``threshold``.
    - ``"acc"``: :func:`adjusted_classify_and_count` with ``rates`` measured at ``threshold``.
    - ``"em"``: :func:`em_prevalence`; ``scores`` are calibrated posteriors and
      ``training_prevalence`` is required; ``threshold`` is not used (pass None).

    The interval resamples accounts with replacement, so it reflects the sampling of accounts
    only: the uncertainty in ``rates`` (ACC) or in the calibration (EM) is not in it, nor is any
    bias from violated assumptions. With ``rates_uncertainty=True`` (ACC only) each resample also
    redraws ``tpr ~ Binomial(n_bots, tpr) / n_bots`` and ``fpr ~ Binomial(n_humans, fpr) /
    n_humans``, so the interval includes the error rates' own sampling error. Counts above a
    threshold are drawn as binomials (the exact bootstrap distribution of a count); EM resamples
    an index matrix and runs the EM on all resamples at once.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise ValueError(f"n_boot must be an integer >= 1, got {n_boot!r}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    if rates_uncertainty and method != "acc":
        raise ValueError(f"rates_uncertainty applies to method='acc' only, not {method!r}")
    values = _unit_scores(scores, "scores")
    n = len(values)
    rng = np.random.default_rng(random_state)

    if method == "mixture":
        estimate = mixture_prevalence(values)
        centres, counts = _binned_log_odds(values)
        # resampling accounts with replacement is a multinomial draw of the bin counts
        resampled = rng.multinomial(n, counts / counts.sum(), size=n_boot).astype(float)
        draws = _mixture_rows(centres, resampled)
    elif method == "em":
        if training_prevalence is None:
            raise ValueError("method='em' needs training_prevalence, the prior the posteriors fit")
        if rates is not None:
            raise ValueError("method='em' does not use rates; pass training_prevalence instead")
        estimate = em_prevalence(values, training_prevalence)
        draws = _em_bootstrap(values, float(training_prevalence), estimate, n_boot, rng)
    else:
        if threshold is None:
            raise ValueError(f"method={method!r} needs a threshold")
        threshold = _unit_value(threshold, "threshold")
        cc = classify_and_count(values, threshold)
        counts = rng.binomial(n, cc, size=n_boot) / n
        if method == "cc":
            estimate, draws = cc, counts
        else:
            if rates is None:
                raise ValueError("method='acc' needs rates measured on held-out predictions")
            if not math.isclose(rates.threshold, threshold, abs_tol=1e-12):
                raise ValueError(
                    f"rates were measured at threshold {rates.threshold:g}, not {threshold:g}"
                )
            estimate = adjusted_classify_and_count(values, threshold, rates.tpr, rates.fpr)
            if rates_uncertainty:
                if rates.n_bots < 1 or rates.n_humans < 1:
                    raise ValueError(
                        "rates_uncertainty needs the counts behind the rates: "
                        f"n_bots={rates.n_bots}, n_humans={rates.n_humans}"
                    )
                tpr = rng.binomial(rates.n_bots, rates.tpr, size=n_boot) / rates.n_bots
                fpr = rng.binomial(rates.n_humans, rates.fpr, size=n_boot) / rates.n_humans
                gap = tpr - fpr
                weak = int((gap < MIN_SEPARATION).sum())
                if weak:
                    raise ValueError(
                        f"the error rates are too uncertain to bound the share: in {weak} of "
                        f"{n_boot} redraws (n_bots={rates.n_bots}, n_humans={rates.n_humans}) "
                        f"tpr - fpr < {MIN_SEPARATION}; measure them on more labelled accounts"
                    )
            else:
                tpr = np.full(n_boot, rates.tpr)
                fpr = np.full(n_boot, rates.fpr)
                gap = tpr - fpr
            draws = np.clip((counts - fpr) / gap, 0.0, 1.0)

    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(draws, [tail, 1.0 - tail])
    return PrevalenceEstimate(
        method=method,
        estimate=float(estimate),
        low=float(low),
        high=float(high),
        confidence=float(confidence),
        n=n,
    )
