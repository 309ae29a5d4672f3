"""How sure is "X% of promoters were bots"? A bootstrap interval.

The study's 18% comes from one classifier threshold on one sample of promoters. The interval
says how much the share moves when the promoters are resampled (how much it moves with the
threshold is the dbt mart ``fct_promoter_threshold_sensitivity``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.frames import require_columns


def promoter_score_values(promoter_scores: pd.DataFrame) -> np.ndarray:
    """The promoters' bot scores, refusing duplicate promoters and missing scores."""
    require_columns(promoter_scores, ["user_id", "bot_score"], "promoter_scores")
    if promoter_scores["user_id"].duplicated().any():
        raise ValueError("promoter_scores has duplicate user_id rows: one row per promoter")
    scores = pd.to_numeric(promoter_scores["bot_score"], errors="coerce").to_numpy(float)
    unscored = int(np.isnan(scores).sum())
    if unscored:
        raise ValueError(
            f"{unscored} promoter(s) have no bot_score; score them or leave them out explicitly"
        )
    return scores


def bot_share_interval(
    promoter_scores: pd.DataFrame,
    threshold: float | np.ndarray,
    n_boot: int = 1000,
    confidence: float = 0.95,
    random_state: int = 0,
) -> tuple[float, float, float]:
    """Share of promoters with ``bot_score >= threshold`` and its percentile bootstrap interval.

    ``promoter_scores``: one row per promoter, ``user_id, bot_score``; ``threshold`` one for all
    or one per promoter (each account's model has its own). Returns ``(estimate, low, high)``.

    Resampling n promoters with replacement and counting bots gives a count distributed exactly
    Binomial(n, estimate), so the ``n_boot`` resamples are drawn as binomial counts: the same
    bootstrap distribution at O(n_boot) cost instead of O(n_boot × n).
    """
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    scores = promoter_score_values(promoter_scores)
    if len(scores) == 0:
        raise ValueError("no promoters: the bot share is undefined")
    n = len(scores)
    estimate = float(np.mean(scores >= threshold))
    rng = np.random.default_rng(random_state)
    shares = rng.binomial(n, estimate, size=n_boot) / n
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(shares, [tail, 1.0 - tail])
    return estimate, float(low), float(high)
