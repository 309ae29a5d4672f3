"""Training: deterministic, calibrated, threshold recorded, model choice recorded."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bench.scoring import synthetic_profiles
from ml.features import FIELD_SETS, fields_used
from ml.train import (
    CANDIDATE_C,
    choose_quantifier,
    choose_threshold,
    cv_splits,
    source_weights,
    train_classifier,
)


@pytest.fixture(scope="module")
def labelled() -> pd.DataFrame:
    return synthetic_profiles(1_200, seed=5)


@pytest.mark.slow
def test_training_is_deterministic_with_a_fixed_random_state(labelled):
    first = train_classifier(labelled, random_state=3)
    second = train_classifier(labelled.copy(), random_state=3)
    assert first.threshold == second.threshold
    assert {k: m.cv_metrics for k, m in first.models.items()} == {
        k: m.cv_metrics for k, m in second.models.items()
    }
    assert np.array_equal(first.predict_proba(labelled), second.predict_proba(labelled))


def test_trained_classifier_records_what_it_is(labelled):
    model = train_classifier(labelled)
    assert 0.2 <= model.threshold <= 0.8
    assert list(model.models) == ["v1.1", "v2"]  # a model per field set, richest first
    full = model.models["v1.1"].cv_metrics
    assert full["cv"] == "stratified"  # one dataset: no grouped CV possible
    assert full["chosen_c"] in CANDIDATE_C
    assert full["oof_auc"] > 0.9  # the synthetic bots like far less
    assert 0 <= full["fpr"] < full["tpr"] <= 1  # held-out error rates, for the bot share
    assert model.summary["datasets"] == {
        "synthetic": {
            "accounts": 1200,
            "bots": int(labelled["is_bot"].sum()),
            "source": "synthetic",
        }
    }
    # the v2 model reads no field a v2 profile lacks
    v2_fields = fields_used(model.models["v2"].feature_names)
    assert v2_fields <= FIELD_SETS["v2"] and "favourites_count" not in v2_fields
    probabilities = model.predict_proba(labelled)
    assert ((probabilities > 0) & (probabilities < 1)).all()


def test_grouped_cv_when_several_sources_hold_both_classes(labelled):
    frame = labelled.assign(dataset=np.where(np.arange(len(labelled)) % 2 == 0, "a", "b"))
    y = frame["is_bot"].to_numpy(bool)
    kind, folds = cv_splits(frame, y, 0)
    assert kind == "grouped" and len(folds) == 2
    for train, test in folds:
        assert frame["dataset"].iloc[train].nunique() == 1
        assert set(frame["dataset"].iloc[train]).isdisjoint(frame["dataset"].iloc[test])
    # a dataset of bots only beside one of humans only: held-out folds cannot be trained on
    one_class = labelled.assign(dataset=np.where(labelled["is_bot"], "bots", "humans"))
    assert cv_splits(one_class, y, 0)[0] == "stratified"
    # halves of one release are one source: held out together, never one in each part
    halves = labelled.assign(
        dataset=np.where(np.arange(len(labelled)) % 2 == 0, "botwiki-2019", "verified-2019")
    )
    assert cv_splits(halves, y, 0)[0] == "stratified"


def test_the_quantifier_is_chosen_on_held_out_sources():
    rng = np.random.default_rng(0)
    parts = []
    for source, prevalence, shift in (("a", 0.3, 0.0), ("b", 0.6, 2.5), ("c", 0.4, -2.0)):
        y = rng.random(2_000) < prevalence
        log_odds = np.where(y, rng.normal(2.0, 1.0, 2_000), rng.normal(-2.0, 1.0, 2_000))
        parts.append((y, 1 / (1 + np.exp(-(log_odds + shift))), np.full(2_000, source)))
    y, scores, groups = (np.concatenate(p) for p in zip(*parts, strict=True))
    method, errors = choose_quantifier(y, scores, groups, 0.5)
    assert len(errors["acc"]) == len(errors["mixture"]) == 3
    assert method == "mixture"  # the sources' scores moved: error rates do not carry over
    # one source: nothing to judge by, the label-shift method
    assert choose_quantifier(y[:2_000], scores[:2_000], groups[:2_000], 0.5)[0] == "acc"


def test_every_source_weighs_the_same():
    weights = source_weights(np.array(["a"] * 30 + ["b"] * 10))
    assert weights[:30].sum() == pytest.approx(weights[30:].sum())
    assert weights.mean() == pytest.approx(1.0)


def test_grouped_choice_is_by_held_out_source(labelled):
    frame = labelled.assign(dataset=np.where(np.arange(len(labelled)) % 3 == 0, "a", "b"))
    model = train_classifier(frame)
    cv = model.models["v1.1"].cv_metrics
    assert cv["cv"] == "grouped" and cv["folds"] == 2
    assert len(cv["held_out_auc_by_fold"]) == 2
    # the chosen candidate is within one standard error of the best
    best = max(c["auc"] for c in cv["candidates"].values())
    chosen = cv["candidates"][f"{cv['chosen_feature_set']} C={cv['chosen_c']}"]
    assert chosen["auc"] >= best - max(c["auc_se"] for c in cv["candidates"].values())


def test_threshold_choice_maximises_weighted_accuracy():
    y = np.array([0, 0, 0, 1, 1, 1], dtype=bool)
    p = np.array([0.1, 0.2, 0.65, 0.7, 0.8, 0.9])
    assert 0.65 < choose_threshold(y, p) <= 0.70
    # weighting the humans away lets the threshold fall to catch every bot
    assert choose_threshold(y, p, np.array([0, 0, 0, 1, 1, 1.0])) == 0.5


def test_training_refuses_bad_labels(labelled):
    with pytest.raises(ValueError, match="both bots and humans"):
        train_classifier(labelled[~labelled["is_bot"]])
    broken = labelled.astype({"is_bot": "boolean"})
    broken.loc[0, "is_bot"] = pd.NA
    with pytest.raises(ValueError, match="without a label"):
        train_classifier(broken)


def test_a_chosen_feature_set_is_used_and_recorded(labelled):
    from ml.features import FEATURE_MEANINGS, POPULATION_FEATURES
    from ml.model_card import render_model_card
    from ml.score import score_accounts

    model = train_classifier(labelled, features=POPULATION_FEATURES)
    assert model.models["v1.1"].feature_names == POPULATION_FEATURES
    assert model.summary["feature_set"] == "population"
    card = render_model_card(model)
    assert "Feature set `population`" in card
    # Every feature said in words, none sent to the source code for its meaning.
    assert all(f"- `{f}`: {FEATURE_MEANINGS[f]}" in card for f in POPULATION_FEATURES)
    assert "FEATURE_INPUTS" not in card
    scores = score_accounts(model, labelled.head(20), pd.Timestamp("2026-11-28"))
    reasons = [r["feature"] for text in scores["top_reasons"] for r in json.loads(text)]
    assert set(reasons) <= set(POPULATION_FEATURES)
    assert len(set(reasons)) > 1
    with pytest.raises(ValueError, match="unknown features"):
        train_classifier(labelled, features=["favourites_growth_rate", "shoe_size"])
