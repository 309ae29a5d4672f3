"""Score accounts with a trained classifier: ``ACCOUNT_BOT_SCORE_COLUMNS`` rows with reasons.

Each account is scored by the model of its field set (``TrainedClassifier.field_set_of``): a
profile without a likes count (Twitter API v2) by the v2 model, never by the v1.1 model on an
imputed likes count. ``field_set`` says which one scored it; ``missing_fields`` lists the fields
that model needed and the profile lacked (imputed).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pyarrow as pa

from botwatch.schema import ACCOUNT_BOT_SCORE_COLUMNS
from ml.explain import contributions, log_odds_offset, top_reasons_json
from ml.features import missing_fields_array
from ml.train import TrainedClassifier

UNSAVED_VERSION = "unsaved"


def score_accounts(
    model: TrainedClassifier, profiles: pd.DataFrame, scored_at: datetime | pd.Timestamp
) -> pd.DataFrame:
    """One row per profile: calibrated bot score, label at its model's threshold, the field set
    whose model scored it, the fields that were missing (imputed), and the top reasons.
    ``profiles`` has ``PROFILE_COLUMNS`` (at least ``user_id``; absent columns are missing)."""
    if "user_id" not in profiles.columns:
        raise ValueError("profiles need a user_id column")
    if len(profiles) == 0:
        return _empty_scores()
    profiles = profiles.reset_index(drop=True)
    which = model.field_set_of(profiles)
    scores = np.empty(len(profiles))
    order, reasons, missing = [], [], []
    for name, part_model in model.models.items():
        rows = np.flatnonzero(which == name)
        if len(rows) == 0:
            continue
        part = profiles.iloc[rows].reset_index(drop=True)
        features = part_model.pipeline.named_steps["features"].transform(part)
        parts = contributions(part_model, features)
        # the explanation is exact: the score is the offset plus the contributions
        log_odds = log_odds_offset(part_model) + parts.sum(axis=1)
        scores[rows] = 1.0 / (1.0 + np.exp(-log_odds))
        order.append(rows)
        reasons.append(top_reasons_json(features, parts))
        missing.append(missing_fields_array(part, part_model.feature_names))
    # each field set's rows were scored together: back into the profiles' order
    back = pa.array(np.argsort(np.concatenate(order), kind="stable"))
    in_order = pa.concat_arrays(reasons).take(back)
    missing_in_order = pa.concat_arrays(missing).take(back)
    stamp = pd.Timestamp(scored_at)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    frame = pd.DataFrame(
        {
            "user_id": profiles["user_id"].astype("string"),
            "bot_score": scores.astype(float),
            "is_bot": scores >= model.thresholds(which),
            "threshold": model.thresholds(which),
            "model_version": model.version or UNSAVED_VERSION,
            "field_set": pd.array(which.astype(str), dtype="string"),
            "missing_fields": pd.Series(pd.arrays.ArrowExtensionArray(missing_in_order)),
            "top_reasons": pd.Series(pd.arrays.ArrowStringArray(in_order)),
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
            "field_set": pd.Series(dtype="string"),
            "missing_fields": pd.Series(dtype=object),
            "top_reasons": pd.Series(dtype="string"),
            "scored_at": pd.Series(dtype="datetime64[us]"),
        }
    )[list(ACCOUNT_BOT_SCORE_COLUMNS)]
