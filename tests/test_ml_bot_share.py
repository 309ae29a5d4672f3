"""The bot share: the thresholded count beside its adjusted estimate, per field set combined."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.scoring import synthetic_profiles
from ml.bot_share import estimate_bot_share
from ml.features import POPULATION_FEATURES
from ml.quantify import classify_and_count
from ml.train import TrainedClassifier, train_classifier


@pytest.fixture(scope="module")
def model() -> TrainedClassifier:
    # a fixed feature list: the share's arithmetic is under test here, not the model choice
    return train_classifier(
        synthetic_profiles(1_200, seed=5), random_state=0, features=POPULATION_FEATURES
    )


@pytest.fixture(scope="module")
def scored(model: TrainedClassifier) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    profiles = synthetic_profiles(600, seed=11)
    return model.predict_proba(profiles), model.field_set_of(profiles), profiles


def test_thresholded_share_weights_each_field_set_by_its_accounts(model, scored):
    scores, field_sets, _ = scored
    share = estimate_bot_share(model, scores, field_sets, n_boot=50)
    expected = sum(
        (field_sets == name).mean() * classify_and_count(scores[field_sets == name], part.threshold)
        for name, part in model.models.items()
        if (field_sets == name).any()
    )
    assert share.accounts == len(scores)
    assert share.thresholded == pytest.approx(expected)
    assert isinstance(share.thresholded, float)


def test_the_estimate_lies_inside_its_interval_and_is_repeatable(model, scored):
    scores, field_sets, _ = scored
    first = estimate_bot_share(model, scores, field_sets, n_boot=50, random_state=4)
    second = estimate_bot_share(model, scores, field_sets, n_boot=50, random_state=4)
    assert first == second
    if first.estimate is None:
        assert first.note, "an estimate withheld must say why"
    else:
        assert 0.0 <= first.low <= first.estimate <= first.high <= 1.0
        assert first.method


def test_bad_input_is_refused_with_a_reason(model, scored):
    scores, field_sets, _ = scored
    with pytest.raises(ValueError, match="no scored accounts"):
        estimate_bot_share(model, np.array([]), np.array([]))
    with pytest.raises(ValueError, match="differ in length"):
        estimate_bot_share(model, scores, field_sets[:-1])
    with pytest.raises(ValueError, match="field sets the model lacks"):
        estimate_bot_share(model, scores, np.full(len(scores), "v9", dtype=object))
