"""Bootstrap interval of the bot share among promoters, and its threshold curve."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.bootstrap import bot_share_interval
from tests.helpers.analytics_oracles import threshold_sensitivity


def promoters(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"user_id": [f"u{i}" for i in range(n)], "bot_score": rng.beta(1, 4, n)})


def test_interval_contains_the_estimate_and_narrows_with_more_promoters():
    widths = []
    for n in (200, 2_000, 20_000):
        estimate, low, high = bot_share_interval(promoters(n), threshold=0.5)
        assert low <= estimate <= high
        assert low < high
        widths.append(high - low)
    assert widths[0] > widths[1] > widths[2]
    # The width of a 95% interval of a proportion shrinks like 1/sqrt(n).
    assert widths[0] / widths[2] == pytest.approx(10, rel=0.25)


def test_estimate_is_the_share_at_or_above_the_threshold():
    frame = pd.DataFrame({"user_id": list("abcde"), "bot_score": [0.1, 0.5, 0.49, 0.9, 0.7]})
    estimate, _, _ = bot_share_interval(frame, threshold=0.5)
    assert estimate == pytest.approx(3 / 5)


def test_binomial_draws_match_resampling_promoters():
    frame = promoters(1_500, seed=4)
    _, low, high = bot_share_interval(frame, threshold=0.4, n_boot=4_000, random_state=1)
    flags = (frame["bot_score"] >= 0.4).to_numpy()
    rng = np.random.default_rng(2)
    resampled = flags[rng.integers(0, len(flags), size=(4_000, len(flags)))].mean(axis=1)
    naive_low, naive_high = np.quantile(resampled, [0.025, 0.975])
    assert low == pytest.approx(naive_low, abs=0.006)
    assert high == pytest.approx(naive_high, abs=0.006)


def test_interval_is_reproducible_and_follows_confidence():
    frame = promoters(500)
    assert bot_share_interval(frame, 0.5, random_state=3) == bot_share_interval(
        frame, 0.5, random_state=3
    )
    _, low90, high90 = bot_share_interval(frame, 0.5, confidence=0.90)
    _, low99, high99 = bot_share_interval(frame, 0.5, confidence=0.99)
    assert high99 - low99 > high90 - low90


def test_threshold_curve_is_monotone_and_counts_right():
    frame = promoters(3_000)
    curve = threshold_sensitivity(frame)
    assert list(curve.columns) == ["threshold", "bot_share", "bots", "promoters"]
    assert len(curve) == 19 and curve["threshold"].iloc[0] == pytest.approx(0.05)
    assert (np.diff(curve["bot_share"]) <= 0).all()
    for row in curve.itertuples():
        assert row.bots == int((frame["bot_score"] >= row.threshold).sum())
    assert (curve["promoters"] == 3_000).all()


def test_bad_input_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="no bot_score"):
        bot_share_interval(pd.DataFrame({"user_id": ["a"], "bot_score": [None]}), 0.5)
    with pytest.raises(ValueError, match="duplicate"):
        threshold_sensitivity(pd.DataFrame({"user_id": ["a", "a"], "bot_score": [0.1, 0.2]}))
    with pytest.raises(ValueError, match="no promoters"):
        bot_share_interval(pd.DataFrame({"user_id": [], "bot_score": []}), 0.5)
    with pytest.raises(ValueError, match="lacks"):
        bot_share_interval(pd.DataFrame({"user_id": ["a"]}), 0.5)
