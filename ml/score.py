"""Score accounts with a trained classifier: ``ACCOUNT_BOT_SCORE_COLUMNS`` rows with reasons."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from botwatch.schema import ACCOUNT_BOT_SCORE_COLUMNS
from ml.explain import contributions, top_reasons_json
from ml.features import missing_fields
from ml.train import TrainedClassifier

UNSAVED_VERSION = "unsaved"


def score_accounts(
    model: TrainedClassifier, profiles: pd.DataFrame, scored_at: datetime | pd.Timestamp
) -> pd.DataFrame:
    """One row per profile: calibrated bot score, label at the model's threshold, the fields that
    were missing (imputed), and the top reasons. ``profiles`` has ``PROFILE_COLUMNS`` (at least
    ``user_id``; absent columns count as missing fields)."""
    if "user_id" not in profiles.columns:
        raise ValueError("profiles need a user_id column")
    if len(profiles) == 0:
        return _empty_scores()
    profiles = profiles.reset_index(drop=True)
    features = model.pipeline.named_steps["features"].transform(profiles)
    scores = model.pipeline.named_steps["classifier"].predict_proba(features)[:, 1]
    reasons = top_reasons_json(features, contributions(model, features))
    stamp = pd.Timestamp(scored_at)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    frame = pd.DataFrame(
        {
            "user_id": profiles["user_id"].astype("string"),
            "bot_score": scores.astype(float),
            "is_bot": scores >= model.threshold,
            "threshold": np.full(len(profiles), float(model.threshold)),
            "model_version": model.version or UNSAVED_VERSION,
            "missing_fields": missing_fields(profiles, model.feature_names),
            "top_reasons": pd.Series(pd.arrays.ArrowStringArray(reasons)),
            "scored_at": np.full(len(profiles), stamp.to_datetime64()),
        }
    )
    return frame[list(ACCOUNT_BOT_SCORE_COLUMNS)]


def _empty_scores() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": pd.Series(dtype="string"),
            "bot_score": pd.Series(dtype=float),
            "is_bot": pd.Series(dtype=bool),
            "threshold": pd.Series(dtype=float),
            "model_version": pd.Series(dtype="string"),
            "missing_fields": pd.Series(dtype=object),
            "top_reasons": pd.Series(dtype="string"),
            "scored_at": pd.Series(dtype="datetime64[us]"),
        }
    )[list(ACCOUNT_BOT_SCORE_COLUMNS)]
