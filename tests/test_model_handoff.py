"""The trained classifier reaches scoring through the graph: bot_classifier's materialisation
names the artefact (path, sha256, version, card) and the assets that use it read the latest one
from the Dagster instance, checking the bytes."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import dagster as dg
import pytest

from bench.scoring import synthetic_profiles
from ml import artefact
from ml.train import train_classifier
from orchestration.defs.ml.handoff import (
    BOT_CLASSIFIER,
    artefact_metadata,
    load_trained_classifier,
    trained_classifier_artefact,
)


def record_training(instance: dg.DagsterInstance, saved: artefact.ModelArtefact) -> None:
    instance.report_runless_asset_event(
        dg.AssetMaterialization(asset_key=BOT_CLASSIFIER, metadata=artefact_metadata(saved))
    )


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> artefact.ModelArtefact:
    model = train_classifier(synthetic_profiles(400, seed=1))
    return artefact.save(model, tmp_path_factory.mktemp("models"))


def copied(saved: artefact.ModelArtefact, folder: Path) -> artefact.ModelArtefact:
    """The same artefact in another folder (its name, the content hash, kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = Path(shutil.copy(saved.path, folder / saved.path.name))
    card = Path(shutil.copy(saved.card_path, folder / saved.card_path.name))
    return dataclasses.replace(saved, path=path, card_path=card)


def test_the_latest_materialisation_names_the_artefact_that_is_loaded(
    saved: artefact.ModelArtefact, tmp_path: Path
) -> None:
    later = copied(saved, tmp_path / "later")
    with dg.DagsterInstance.ephemeral() as instance:
        with pytest.raises(FileNotFoundError, match="never been materialised"):
            trained_classifier_artefact(instance)
        record_training(instance, saved)
        record_training(instance, later)
        model, named = load_trained_classifier(instance)
        assert named == later
        assert model.version == saved.version


def test_an_artefact_changed_since_training_is_refused(
    saved: artefact.ModelArtefact, tmp_path: Path
) -> None:
    changed = copied(saved, tmp_path)
    with dg.DagsterInstance.ephemeral() as instance:
        record_training(instance, changed)
        data = bytearray(changed.path.read_bytes())
        data[len(data) // 2] ^= 0x01
        changed.path.write_bytes(bytes(data))
        with pytest.raises(artefact.DamagedArtefactError, match="sha256"):
            load_trained_classifier(instance)


def test_a_materialisation_without_the_artefact_says_what_to_do() -> None:
    with dg.DagsterInstance.ephemeral() as instance:
        instance.report_runless_asset_event(
            dg.AssetMaterialization(asset_key=BOT_CLASSIFIER, metadata={"model_version": "x"})
        )
        with pytest.raises(ValueError, match="materialise bot_classifier again"):
            trained_classifier_artefact(instance)
