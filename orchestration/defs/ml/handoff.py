"""How the trained classifier reaches the assets that use it: through the graph, not a pointer
file. bot_classifier's materialisation records its artefact (path, sha256, version, model card);
scoring, analytics and publish read the latest one from the Dagster instance."""

from collections.abc import Mapping
from pathlib import Path

import dagster as dg

from ml import artefact, train

BOT_CLASSIFIER = dg.AssetKey(["bot_classifier"])
# The classifier's materialisation names its artefact: what scoring, analytics and publish load.
ARTEFACT_PATH, ARTEFACT_SHA256, ARTEFACT_VERSION, MODEL_CARD_PATH = (
    "artefact",
    "artefact_sha256",
    "model_version",
    "model_card_path",
)


def artefact_metadata(saved: artefact.ModelArtefact) -> dict[str, dg.MetadataValue]:
    """What the classifier's materialisation records of its artefact (read by ``artefact_of``)."""
    return {
        ARTEFACT_VERSION: dg.MetadataValue.text(saved.version),
        ARTEFACT_PATH: dg.MetadataValue.path(str(saved.path)),
        ARTEFACT_SHA256: dg.MetadataValue.text(saved.sha256),
        MODEL_CARD_PATH: dg.MetadataValue.path(str(saved.card_path)),
    }


def artefact_of(metadata: Mapping[str, dg.MetadataValue]) -> artefact.ModelArtefact:
    """The artefact a classifier materialisation's metadata names (see ``artefact_metadata``)."""
    missing = [
        key
        for key in (ARTEFACT_PATH, ARTEFACT_SHA256, ARTEFACT_VERSION, MODEL_CARD_PATH)
        if key not in metadata
    ]
    if missing:
        raise ValueError(
            f"the last bot_classifier materialisation does not name its artefact ({missing} "
            "missing; it predates this version of botwatch): materialise bot_classifier again"
        )
    return artefact.ModelArtefact(
        path=Path(str(metadata[ARTEFACT_PATH].value)),
        version=str(metadata[ARTEFACT_VERSION].value),
        card_path=Path(str(metadata[MODEL_CARD_PATH].value)),
        sha256=str(metadata[ARTEFACT_SHA256].value),
    )


def trained_classifier_artefact(instance: dg.DagsterInstance) -> artefact.ModelArtefact:
    """The artefact of bot_classifier's latest materialisation in this Dagster instance."""
    event = instance.get_latest_materialization_event(BOT_CLASSIFIER)
    if event is None or event.asset_materialization is None:
        raise FileNotFoundError(
            "bot_classifier has never been materialised in this Dagster instance (the "
            "collection's DAGSTER_HOME): materialise it first"
        )
    return artefact_of(event.asset_materialization.metadata)


def load_trained_classifier(
    instance: dg.DagsterInstance,
) -> tuple[train.TrainedClassifier, artefact.ModelArtefact]:
    """The classifier bot_classifier last trained, its bytes checked against the sha256 recorded
    then (and its skops content hash against its name, by ``artefact.load``)."""
    saved = trained_classifier_artefact(instance)
    return artefact.load(saved.path, sha256=saved.sha256), saved
