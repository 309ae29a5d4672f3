"""Bot share as a quantity: CC's bias under label shift, and ACC and EM correcting it.

Synthetic score model: a bot's raw score is Beta(A, B), a human's Beta(B, A). The classifier's
output is the exact posterior P(bot | score) at the training prevalence 0.3, so it is calibrated
on the training population and only the prevalence changes in a test population (label shift).
"""

from __future__ import annotations

import numpy as np
import pytest

from ml.quantify import (
    POSTERIOR_CLIP,
    ErrorRates,
    PrevalenceEstimate,
    _em_rows,
    adjusted_classify_and_count,
    classify_and_count,
    em_prevalence,
    error_rates,
    estimate_prevalence,
    mixture_prevalence,
)

A, B = 4.0, 2.0
TRAINING_PREVALENCE = 0.3
THRESHOLD = 0.5
TEST_PREVALENCES = (0.05, 0.2, 0.5, 0.8)


def population(n: int, prevalence: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels (1 = bot) and calibrated posteriors of ``n`` accounts at ``prevalence``."""
    rng = np.random.default_rng(seed)
    is_bot = rng.random(n) < prevalence
    raw = np.where(is_bot, rng.beta(A, B, n), rng.beta(B, A, n))
    likelihood_ratio = (raw / (1.0 - raw)) ** (A - B)  # Beta(A, B) / Beta(B, A) density
    odds = likelihood_ratio * TRAINING_PREVALENCE / (1.0 - TRAINING_PREVALENCE)
    return is_bot.astype(int), odds / (1.0 + odds)


@pytest.fixture(scope="module")
def held_out_rates() -> ErrorRates:
    labels, posteriors = population(20_000, TRAINING_PREVALENCE, seed=1)
    return error_rates(labels, posteriors, THRESHOLD)


def test_posteriors_of_the_score_model_are_calibrated_on_the_training_population():
    labels, posteriors = population(50_000, TRAINING_PREVALENCE, seed=2)
    assert posteriors.mean() == pytest.approx(labels.mean(), abs=0.01)
    for low in (0.1, 0.4, 0.7):
        band = (posteriors >= low) & (posteriors < low + 0.2)
        assert labels[band].mean() == pytest.approx(posteriors[band].mean(), abs=0.02)


@pytest.mark.parametrize("prevalence", TEST_PREVALENCES)
def test_acc_and_em_recover_the_prevalence_under_label_shift(prevalence, held_out_rates):
    labels, posteriors = population(10_000, prevalence, seed=int(prevalence * 100) + 10)
    truth = labels.mean()
    acc = adjusted_classify_and_count(posteriors, THRESHOLD, held_out_rates.tpr, held_out_rates.fpr)
    em = em_prevalence(posteriors, TRAINING_PREVALENCE)
    assert abs(acc - truth) < 0.03
    assert abs(em - truth) < 0.03


@pytest.mark.parametrize("prevalence", TEST_PREVALENCES)
def test_cc_is_biased_by_the_error_rates_and_more_wrong_than_acc_and_em(prevalence, held_out_rates):
    labels, posteriors = population(10_000, prevalence, seed=int(prevalence * 100) + 10)
    truth = labels.mean()
    tpr, fpr = held_out_rates.tpr, held_out_rates.fpr
    cc = classify_and_count(posteriors, THRESHOLD)
    # CC estimates fpr + p (tpr - fpr): a bias of fpr (1 - p) - (1 - tpr) p.
    predicted_bias = fpr * (1.0 - truth) - (1.0 - tpr) * truth
    assert cc - truth == pytest.approx(predicted_bias, abs=0.015)
    acc_error = abs(adjusted_classify_and_count(posteriors, THRESHOLD, tpr, fpr) - truth)
    em_error = abs(em_prevalence(posteriors, TRAINING_PREVALENCE) - truth)
    if abs(predicted_bias) > 0.05:  # away from the one prevalence where CC happens to be right
        assert abs(cc - truth) > 0.05
        assert abs(cc - truth) > 2 * max(acc_error, em_error)


def test_cc_bias_is_large_where_it_should_be(held_out_rates):
    # Under this model CC is unbiased near p* = fpr / (fpr + 1 - tpr) ≈ 0.19, off elsewhere.
    errors = {}
    for prevalence in TEST_PREVALENCES:
        labels, posteriors = population(10_000, prevalence, seed=int(prevalence * 100) + 10)
        errors[prevalence] = classify_and_count(posteriors, THRESHOLD) - labels.mean()
    assert errors[0.05] > 0.04  # too many bots in a mostly human population
    assert abs(errors[0.2]) < 0.02
    assert errors[0.5] < -0.10  # too few bots in a bot-heavy population
    assert errors[0.8] < -0.20


def test_em_at_the_training_prevalence_returns_about_the_training_prevalence():
    labels, posteriors = population(20_000, TRAINING_PREVALENCE, seed=3)
    assert labels.mean() == pytest.approx(TRAINING_PREVALENCE, abs=0.01)
    assert em_prevalence(posteriors, TRAINING_PREVALENCE) == pytest.approx(
        TRAINING_PREVALENCE, abs=0.015
    )


def test_em_starts_from_the_mean_posterior_and_converges_to_a_fixed_point():
    _, posteriors = population(5_000, 0.6, seed=4)
    with pytest.warns(RuntimeWarning, match="did not converge"):
        first_step = em_prevalence(posteriors, TRAINING_PREVALENCE, max_iter=1)
    assert first_step == pytest.approx(posteriors.mean())
    prior = em_prevalence(posteriors, TRAINING_PREVALENCE, tol=1e-10)
    a, b = prior / TRAINING_PREVALENCE, (1 - prior) / (1 - TRAINING_PREVALENCE)
    adjusted = a * posteriors / (a * posteriors + b * (1 - posteriors))
    assert adjusted.mean() == pytest.approx(prior, abs=1e-8)


def test_em_accepts_posteriors_of_exactly_zero_and_one():
    estimate = em_prevalence(np.array([0.0, 1.0, 1.0, 0.0, 0.5]), 0.5)
    assert 0.0 < estimate < 1.0


def test_classify_and_count_counts_scores_at_or_above_the_threshold():
    assert classify_and_count(np.array([0.1, 0.5, 0.49, 0.9, 0.7]), 0.5) == pytest.approx(3 / 5)


def test_acc_inverts_the_count_and_clips_to_the_unit_interval():
    scores = np.array([0.9] * 35 + [0.1] * 65)  # cc = 0.35
    assert adjusted_classify_and_count(scores, 0.5, tpr=0.8, fpr=0.2) == pytest.approx(0.25)
    assert adjusted_classify_and_count(np.full(10, 0.1), 0.5, tpr=0.8, fpr=0.2) == 0.0
    assert adjusted_classify_and_count(np.full(10, 0.9), 0.5, tpr=0.8, fpr=0.2) == 1.0


def test_error_rates_are_the_flag_rates_among_bots_and_humans():
    rates = error_rates(
        np.array([1, 1, 1, 1, 0, 0, 0, 0, 0]),
        np.array([0.9, 0.6, 0.5, 0.2, 0.7, 0.1, 0.2, 0.3, 0.4]),
        threshold=0.5,
    )
    assert rates == ErrorRates(tpr=0.75, fpr=0.2, threshold=0.5, n_bots=4, n_humans=5)


@pytest.mark.parametrize("method", ["cc", "acc", "em"])
def test_interval_covers_the_truth_and_narrows_as_n_grows(method, held_out_rates):
    # One fixed seed per n; a 95% interval misses on 1 seed in 20, and the coverage rate itself
    # is checked in test_rates_uncertainty_widens_the_acc_interval_to_cover_small_labelled_sets.
    widths = []
    for n in (400, 4_000, 40_000):
        labels, posteriors = population(n, 0.5, seed=n + 1)
        result = estimate_prevalence(
            posteriors,
            None if method == "em" else THRESHOLD,
            method=method,
            rates=held_out_rates if method == "acc" else None,
            training_prevalence=TRAINING_PREVALENCE if method == "em" else None,
            n_boot=500,
        )
        assert isinstance(result, PrevalenceEstimate)
        assert (result.method, result.n, result.confidence) == (method, n, 0.95)
        assert result.low <= result.estimate <= result.high
        if method != "cc":  # CC's interval is around the wrong number
            assert result.low <= labels.mean() <= result.high
        widths.append(result.high - result.low)
    assert widths[0] > widths[1] > widths[2]
    assert widths[0] / widths[2] == pytest.approx(10, rel=0.3)  # 1 / sqrt(n)


def test_cc_interval_misses_the_truth_under_label_shift():
    labels, posteriors = population(10_000, 0.8, seed=5)
    result = estimate_prevalence(posteriors, THRESHOLD, method="cc")
    assert result.high < labels.mean() - 0.1


def test_point_estimates_match_the_plain_functions(held_out_rates):
    _, posteriors = population(3_000, 0.2, seed=6)
    cc = estimate_prevalence(posteriors, THRESHOLD, method="cc", n_boot=10)
    acc = estimate_prevalence(posteriors, THRESHOLD, method="acc", rates=held_out_rates, n_boot=10)
    em = estimate_prevalence(
        posteriors, None, method="em", training_prevalence=TRAINING_PREVALENCE, n_boot=10
    )
    assert cc.estimate == classify_and_count(posteriors, THRESHOLD)
    assert acc.estimate == adjusted_classify_and_count(
        posteriors, THRESHOLD, held_out_rates.tpr, held_out_rates.fpr
    )
    assert em.estimate == em_prevalence(posteriors, TRAINING_PREVALENCE)


def test_vectorised_em_bootstrap_matches_em_on_each_resample():
    _, posteriors = population(1_000, 0.4, seed=7)
    result = estimate_prevalence(
        posteriors, None, method="em", training_prevalence=TRAINING_PREVALENCE, n_boot=2_000
    )
    rng = np.random.default_rng(8)
    naive = [
        em_prevalence(posteriors[rng.integers(0, len(posteriors), len(posteriors))], 0.3)
        for _ in range(1_000)
    ]
    naive_low, naive_high = np.quantile(naive, [0.025, 0.975])
    # Monte Carlo error of these quantiles is about 0.002.
    assert result.low == pytest.approx(naive_low, abs=0.006)
    assert result.high == pytest.approx(naive_high, abs=0.006)


@pytest.mark.parametrize("method", ["cc", "acc", "em"])
def test_results_are_deterministic_for_a_random_state(method, held_out_rates):
    _, posteriors = population(2_000, 0.3, seed=9)

    def run(random_state: int) -> PrevalenceEstimate:
        return estimate_prevalence(
            posteriors,
            THRESHOLD,
            method=method,
            rates=held_out_rates if method == "acc" else None,
            training_prevalence=TRAINING_PREVALENCE if method == "em" else None,
            n_boot=300,
            random_state=random_state,
        )

    assert run(3) == run(3)
    assert (run(3).low, run(3).high) != (run(4).low, run(4).high)


def test_confidence_sets_the_interval_width(held_out_rates):
    _, posteriors = population(5_000, 0.5, seed=10)
    wide = estimate_prevalence(posteriors, 0.5, method="acc", rates=held_out_rates)
    narrow = estimate_prevalence(
        posteriors, 0.5, method="acc", rates=held_out_rates, confidence=0.5
    )
    assert wide.low < narrow.low < narrow.high < wide.high


def test_rates_uncertainty_widens_the_acc_interval_to_cover_small_labelled_sets():
    """Rates from 300 labelled accounts: the accounts-only interval under-covers."""
    covered = {False: 0, True: 0}
    widths = {False: [], True: []}
    replicates = 200
    for replicate in range(replicates):
        labels, posteriors = population(300, TRAINING_PREVALENCE, seed=1_000 + replicate)
        rates = error_rates(labels, posteriors, THRESHOLD)
        truth_labels, test_posteriors = population(5_000, 0.6, seed=5_000 + replicate)
        for with_rates in (False, True):
            result = estimate_prevalence(
                test_posteriors,
                THRESHOLD,
                method="acc",
                rates=rates,
                n_boot=400,
                random_state=replicate,
                rates_uncertainty=with_rates,
            )
            covered[with_rates] += result.low <= truth_labels.mean() <= result.high
            widths[with_rates].append(result.high - result.low)
    assert np.mean(widths[True]) > 1.5 * np.mean(widths[False])
    assert covered[False] / replicates < 0.75
    assert covered[True] / replicates > 0.88


def test_shifted_scores_make_cc_report_no_bots_and_acc_refuses_training_rates():
    """The motivating failure: scores shifted down on a new population (not label shift)."""
    labels, posteriors = population(10_000, 0.5, seed=11)
    shifted = posteriors * 0.45
    assert classify_and_count(shifted, THRESHOLD) == 0.0
    rates_here = error_rates(labels, shifted, THRESHOLD)
    with pytest.raises(ValueError, match=r"does not separate the classes at threshold 0\.5"):
        adjusted_classify_and_count(shifted, THRESHOLD, rates_here.tpr, rates_here.fpr)
    # With error rates measured on held-out labelled accounts of the new population, ACC works.
    held_labels, held_scores = population(10_000, TRAINING_PREVALENCE, seed=12)
    rates = error_rates(held_labels, held_scores * 0.45, 0.25)
    acc = adjusted_classify_and_count(shifted, 0.25, rates.tpr, rates.fpr)
    assert acc == pytest.approx(labels.mean(), abs=0.03)


SCORES = np.array([0.2, 0.7, 0.9])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: classify_and_count(np.array([]), 0.5), "no scores"),
        (lambda: classify_and_count(np.array([0.1, np.nan, np.nan, 0.4]), 0.5), "2 of 4 scores"),
        (lambda: classify_and_count(np.array([0.1, 1.2, -0.1]), 0.5), r"2 of 3 scores .*\[0, 1\]"),
        (lambda: classify_and_count(np.array([[0.1, 0.2]]), 0.5), "one-dimensional"),
        (lambda: classify_and_count(np.array(["a", "b"]), 0.5), "must be numbers"),
        (lambda: classify_and_count(SCORES, 1.5), "threshold must be in"),
        (lambda: adjusted_classify_and_count(SCORES, 0.5, 0.4, 0.4), "does not separate"),
        (lambda: adjusted_classify_and_count(SCORES, 0.5, 0.42, 0.4), "does not separate"),
        (lambda: adjusted_classify_and_count(SCORES, 0.5, 0.2, 0.8), "does not separate"),
        (lambda: adjusted_classify_and_count(SCORES, 0.5, 1.2, 0.1), "tpr must be in"),
        (lambda: em_prevalence(np.array([]), 0.3), "no posteriors"),
        (lambda: em_prevalence(np.array([0.2, np.nan]), 0.3), "1 of 2 posteriors are NaN"),
        (lambda: em_prevalence(np.array([0.2, 2.0]), 0.3), "outside"),
        (lambda: em_prevalence(SCORES, 0.0), "training_prevalence"),
        (lambda: em_prevalence(SCORES, 0.3, tol=0), "tol"),
        (lambda: em_prevalence(SCORES, 0.3, max_iter=0), "max_iter"),
        (lambda: error_rates(np.array([1, 1, 1]), SCORES, 0.5), "both classes"),
        (lambda: error_rates(np.array([1, 0, 2]), SCORES, 0.5), "0/1 labels"),
        (lambda: error_rates(np.array([1, 0]), SCORES, 0.5), "one label per score"),
        (lambda: estimate_prevalence(SCORES, 0.5, method="median"), "method must be one of"),
        (lambda: estimate_prevalence(np.array([]), 0.5, method="cc"), "no scores"),
        (lambda: estimate_prevalence(SCORES, None, method="cc"), "needs a threshold"),
        (lambda: estimate_prevalence(SCORES, 0.5, method="acc"), "needs rates"),
        (lambda: estimate_prevalence(SCORES, None, method="em"), "needs training_prevalence"),
        (lambda: estimate_prevalence(SCORES, 0.5, method="cc", n_boot=0), "n_boot"),
        (lambda: estimate_prevalence(SCORES, 0.5, method="cc", confidence=1.0), "confidence"),
        (
            lambda: estimate_prevalence(SCORES, 0.5, method="cc", rates_uncertainty=True),
            "rates_uncertainty applies to method='acc' only",
        ),
        (
            lambda: estimate_prevalence(
                SCORES, 0.5, method="acc", rates=ErrorRates(0.9, 0.1, 0.4, 10, 10)
            ),
            "measured at threshold 0.4, not 0.5",
        ),
        (
            lambda: estimate_prevalence(
                SCORES, 0.5, method="acc", rates=ErrorRates(0.5, 0.45, 0.5, 10, 10)
            ),
            "does not separate",
        ),
        (
            lambda: estimate_prevalence(
                SCORES,
                0.5,
                method="acc",
                rates=ErrorRates(0.6, 0.4, 0.5, 5, 5),
                rates_uncertainty=True,
            ),
            "too uncertain",
        ),
    ],
)
def test_bad_input_is_refused_with_a_reason(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    ("case", "training_prevalence"),
    [
        ("balanced", TRAINING_PREVALENCE),
        ("few bots", TRAINING_PREVALENCE),
        ("prior runs to 1", 0.01),
        ("prior runs to 0", 0.99),
    ],
)
@pytest.mark.parametrize("start", ["training prior", "full-sample estimate"])
def test_accelerated_em_of_the_bootstrap_is_as_accurate_as_plain_em(
    case, training_prevalence, start
):
    """EM creeps near 0 and 1, which are fixed points too: the extrapolated EM of the bootstrap
    must neither stop early nor jump onto them."""
    rng = np.random.default_rng(14)
    if case == "balanced":
        _, posteriors = population(2_000, 0.5, seed=3)
    elif case == "few bots":
        _, posteriors = population(4_000, 0.02, seed=15)
    elif case == "prior runs to 1":  # mean posterior 0.17 against a training prior of 0.01
        posteriors = rng.beta(1.0, 5.0, 1_000)
    else:
        posteriors = rng.beta(5.0, 1.0, 1_000)
    clipped = np.clip(posteriors, POSTERIOR_CLIP, 1 - POSTERIOR_CLIP)
    resamples = clipped[rng.integers(0, len(clipped), size=(100, len(clipped)))]
    first = None if start == "training prior" else em_prevalence(posteriors, training_prevalence)
    exact, _ = _em_rows(resamples, training_prevalence, 1e-11, 1_000_000)
    plain, _ = _em_rows(resamples, training_prevalence, 1e-6, 1_000)
    fast, unconverged = _em_rows(
        resamples, training_prevalence, 1e-6, 1_000, start=first, accelerate=True
    )
    assert unconverged == 0
    assert np.abs(fast - exact).max() <= np.abs(plain - exact).max() + 1e-5


def _shifted_population(prevalence: float, shift: float, n: int, seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    y = rng.random(n) < prevalence
    log_odds = np.where(y, rng.normal(2.0, 1.0, n), rng.normal(-2.0, 1.0, n)) + shift
    return y, 1.0 / (1.0 + np.exp(-log_odds))


@pytest.mark.parametrize("prevalence", [0.3, 0.5, 0.7])
def test_the_mixture_survives_scores_that_all_moved(prevalence):
    y, scores = _shifted_population(prevalence, shift=2.5, n=4_000, seed=3)
    # error rates measured where the scores had not moved: ACC is misled, the mixture is not
    y_train, train_scores = _shifted_population(0.5, shift=0.0, n=4_000, seed=4)
    rates = error_rates(y_train, train_scores, 0.5)
    acc = adjusted_classify_and_count(scores, 0.5, rates.tpr, rates.fpr)
    assert abs(acc - y.mean()) > 0.1
    assert abs(mixture_prevalence(scores) - y.mean()) < 0.03
    estimate = estimate_prevalence(scores, None, method="mixture", n_boot=200, random_state=1)
    assert estimate.low <= y.mean() <= estimate.high


def test_the_mixture_refuses_too_few_scores():
    with pytest.raises(ValueError, match="at least two"):
        mixture_prevalence(np.array([0.4]))
