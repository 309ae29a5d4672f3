"""Artefact (skops, content-hash name, trusted types only) and scoring output."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import skops.io as sio

from bench.scoring import synthetic_profiles
from botwatch.schema import ACCOUNT_BOT_SCORE_COLUMNS
from ml import artefact
from ml.explain import contributions, log_odds_offset
from ml.score import score_accounts
from ml.train import TrainedClassifier, train_classifier

SCORED_AT = pd.Timestamp("2026-11-28 12:00")


class Foreign:
    """A type no artefact should contain: loading would have to build it."""

    def __init__(self) -> None:
        self.command = "echo hello"


@pytest.fixture(scope="module")
def model() -> TrainedClassifier:
    return train_classifier(synthetic_profiles(800, seed=6))


@pytest.fixture(scope="module")
def profiles() -> pd.DataFrame:
    return synthetic_profiles(300, seed=7).drop(columns=["is_bot", "dataset"])


def test_save_load_round_trip_named_by_content_hash(model, profiles, tmp_path):
    saved = artefact.save(model, tmp_path / "models")
    assert saved.path.name == f"bot-classifier-{saved.version}.skops"
    assert saved.path.read_bytes()[:2] == b"PK"  # a skops zip, not a pickle
    assert model.version == saved.version
    card = saved.card_path.read_text()
    for heading in ("## Intended use", "## Data", "## Models", "## Limits", "## Evaluation"):
        assert heading in card
    assert f"`v1.1` {model.models['v1.1'].threshold:.2f}" in card

    loaded = artefact.load(saved.path)
    assert loaded.version == saved.version
    assert loaded.threshold == model.threshold and list(loaded.models) == list(model.models)
    for name, part in model.models.items():
        assert loaded.models[name].cv_metrics == part.cv_metrics
        assert loaded.models[name].feature_names == part.feature_names
    assert np.array_equal(loaded.predict_proba(profiles), model.predict_proba(profiles))
    # same content, same name; another model, another name
    assert artefact.save(loaded, tmp_path / "again").version == saved.version
    other = train_classifier(synthetic_profiles(800, seed=8))
    assert artefact.save(other, tmp_path / "other").version != saved.version
    assert artefact.latest(tmp_path / "models") == saved.path


def test_a_file_with_a_foreign_type_is_refused(model, tmp_path):
    payload = artefact._payload(model)
    payload["extra"] = Foreign()
    path = tmp_path / "model.skops"
    sio.dump(payload, path)
    with pytest.raises(artefact.UntrustedArtefactError, match="Foreign"):
        artefact.load(path)


def test_a_renamed_artefact_is_refused(model, tmp_path):
    saved = artefact.save(model, tmp_path)
    renamed = saved.path.with_name("bot-classifier-0000000000000000.skops")
    saved.path.rename(renamed)
    with pytest.raises(ValueError, match="does not match"):
        artefact.load(renamed)


def test_scores_have_the_schema_and_reasons_that_add_up(model, profiles):
    scores = score_accounts(model, profiles, SCORED_AT)
    assert list(scores.columns) == list(ACCOUNT_BOT_SCORE_COLUMNS)
    assert len(scores) == len(profiles)
    assert scores["bot_score"].between(0, 1).all()
    assert (scores["is_bot"] == (scores["bot_score"] >= scores["threshold"])).all()
    assert (scores["threshold"] == model.models["v1.1"].threshold).all()
    assert (scores["model_version"] == (model.version or "unsaved")).all()
    assert (scores["scored_at"] == SCORED_AT).all()
    assert np.allclose(scores["bot_score"], model.predict_proba(profiles))

    assert (scores["field_set"] == "v1.1").all()  # complete v1.1 profiles
    full = model.models["v1.1"]
    features = full.pipeline.named_steps["features"].transform(profiles)
    parts = contributions(full, features)
    rebuilt = 1 / (1 + np.exp(-(log_odds_offset(full) + parts.sum(axis=1))))
    assert np.allclose(rebuilt, scores["bot_score"])  # the explanation is exact
    for text, row in zip(scores["top_reasons"], parts, strict=True):
        reasons = json.loads(text)
        assert len(reasons) == 3
        strengths = [abs(r["contribution"]) for r in reasons]
        assert strengths == sorted(strengths, reverse=True)
        assert strengths[0] == pytest.approx(np.abs(row).max(), abs=1e-4)
        assert {r["feature"] for r in reasons} <= set(full.feature_names)


def test_an_account_lacking_fields_is_scored_by_the_model_of_what_it_has(model, profiles):
    trimmed = profiles.head(3).copy()
    trimmed.loc[0, "favourites_count"] = None  # a v2 profile: no likes count
    trimmed = trimmed.drop(columns=["geo_enabled"])
    scores = score_accounts(model, trimmed, SCORED_AT.tz_localize("Europe/Paris"))
    assert scores["bot_score"].notna().all()
    assert list(scores["field_set"]) == ["v2", "v1.1", "v1.1"]
    # the v2 model needs neither field: nothing imputed for the v2 profile
    assert scores.loc[0, "missing_fields"] == []
    v1_needs_geo = "geo_enabled" in model.models["v1.1"].feature_names
    assert scores.loc[1, "missing_fields"] == (["geo_enabled"] if v1_needs_geo else [])
    assert np.isclose(
        scores.loc[0, "bot_score"], model.models["v2"].predict_proba(trimmed.head(1))[0]
    )
    assert scores["scored_at"].iloc[0] == pd.Timestamp("2026-11-28 11:00")  # stored as UTC
    reasons = {r["feature"]: r["value"] for r in json.loads(scores.loc[0, "top_reasons"])}
    assert all(reasons.get(f) is None for f in ("favourites_count", "geo_enabled") if f in reasons)


def test_no_profiles_no_scores(model, profiles):
    scores = score_accounts(model, profiles.head(0), SCORED_AT)
    assert list(scores.columns) == list(ACCOUNT_BOT_SCORE_COLUMNS) and len(scores) == 0


def test_scoring_needs_user_ids(model):
    with pytest.raises(ValueError, match="user_id"):
        score_accounts(model, pd.DataFrame({"screen_name": ["a"]}), SCORED_AT)
