"""Features: one definition, explicit NaN for missing fields, the flags that say so."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bench.scoring import synthetic_profiles
from ml.features import (
    ALL_FEATURES,
    BOTOMETER_LITE_FEATURES,
    FEATURE_INPUTS,
    FEATURE_MEANINGS,
    FEATURE_NAMES,
    ProfileFeatures,
    ScreenNameBigrams,
    build_features,
    missing_fields,
)


def _profile(**overrides) -> pd.DataFrame:
    row = {
        "user_id": "1",
        "observed_at": pd.Timestamp("2017-05-06 12:00"),
        "created_at": pd.Timestamp("2017-04-26 12:00"),  # 10 days old
        "screen_name": "jean42",
        "name": "Jean 2",
        "description": "hello",
        "location": "",
        "url": None,
        "statuses_count": 100,
        "followers_count": 9,
        "friends_count": 2,
        "favourites_count": 50,
        "listed_count": 1,
        "verified": False,
        "geo_enabled": True,
        "default_profile": True,
        "default_profile_image": False,
        "profile_use_background_image": None,
    }
    row.update(overrides)
    return pd.DataFrame([row])


def test_botometer_lite_has_its_twenty_features_and_every_feature_declares_inputs():
    assert len(BOTOMETER_LITE_FEATURES) == 20
    assert set(ALL_FEATURES) == set(FEATURE_INPUTS)
    assert set(ALL_FEATURES) == set(FEATURE_MEANINGS)  # the model card says each in words
    assert set(FEATURE_NAMES) <= set(ALL_FEATURES)
    assert "verified" not in FEATURE_NAMES  # identifies verified-2019, see the model card


def test_values_of_a_complete_profile():
    features = build_features(_profile()).iloc[0]
    assert features["account_age_days"] == pytest.approx(10.0)
    assert features["tweet_rate"] == pytest.approx(10.0)
    assert features["favourites_growth_rate"] == pytest.approx(5.0)
    assert features["followers_friends_ratio"] == pytest.approx(3.0)
    assert features["favourites_per_tweet"] == pytest.approx(50 / 101)
    assert (features["screen_name_length"], features["screen_name_digits"]) == (6, 2)
    assert (features["name_length"], features["name_digits"]) == (6, 1)
    assert features["description_length"] == 5
    assert (features["geo_enabled"], features["verified"], features["has_url"]) == (1, 0, 0)
    assert features["has_location"] == 0  # empty string: no location written
    assert np.isnan(features["profile_use_background_image"])  # null flag stays missing
    assert np.isnan(features["screen_name_likelihood"])  # no bigram table given


def test_missing_fields_give_nan_and_a_flag_never_a_zero():
    profiles = pd.concat(
        [_profile(), _profile(user_id="2", favourites_count=None, created_at=None)],
        ignore_index=True,
    )
    features = build_features(profiles)
    assert features.loc[0, "favourites_count"] == 50
    assert (
        features.loc[1, ["favourites_count", "favourites_growth_rate", "tweet_rate"]].isna().all()
    )
    assert features.loc[1, "statuses_count"] == 100
    flags = missing_fields(profiles)
    assert flags[0] == []
    assert flags[1] == ["created_at", "favourites_count"]
    # a trimmed profile (columns absent altogether) still gets features, all NaN where needed
    trimmed = pd.DataFrame({"user_id": ["3"], "screen_name": ["abc"]})
    features = build_features(trimmed)
    assert features.loc[0, "screen_name_length"] == 3
    assert features.drop(columns=["screen_name_length", "screen_name_digits"]).isna().all(axis=1)[0]
    assert "description" in missing_fields(trimmed)[0]  # no column: missing; null value: none
    assert "description" not in missing_fields(_profile(description=None))[0]


def test_account_observed_on_its_first_day_has_finite_rates():
    features = build_features(_profile(created_at=pd.Timestamp("2017-05-06 11:00"))).iloc[0]
    assert features["tweet_rate"] == 100.0  # over at least one day


def test_screen_name_likelihood_ranks_ordinary_names_above_random_ones():
    ordinary = pd.Series(["marie_dupont", "jeanpaul", "lucie_martin", "paulbernard"] * 50)
    bigrams = ScreenNameBigrams().fit(ordinary)
    scores = bigrams.likelihood(pd.Series(["marie_martin", "xq7zk2w9vj", "", None]))
    assert scores[0] > scores[1] > 0
    assert np.isnan(scores[2]) and np.isnan(scores[3])


def test_profile_features_step_works_on_warehouse_shaped_rows_without_labels():
    training = synthetic_profiles(300, seed=4)
    step = ProfileFeatures(BOTOMETER_LITE_FEATURES).fit(training)
    rows = training.drop(columns=["is_bot", "dataset"]).astype(object)  # as DuckDB .df() gives
    out = step.transform(rows)
    assert list(out.columns) == BOTOMETER_LITE_FEATURES
    assert out["screen_name_likelihood"].between(0, 1).all()
    assert np.allclose(out.to_numpy(float), step.transform(training).to_numpy(float))
