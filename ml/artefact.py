"""Save and load the trained classifier with skops (never pickle), named by a content hash.

A skops file is a zip of a JSON schema and ``.npy`` arrays; loading it builds objects only from
types we list as trusted, so a model file cannot run code when loaded. skops names members and
objects by memory addresses, so the version hashes a canonical form of the content (addresses
replaced by their order of appearance, array files by the hash of their bytes): the same model
always gets the same version.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import skops.io as sio

from ml.model_card import render_model_card
from ml.train import FieldSetModel, TrainedClassifier

ARTEFACT_PREFIX = "bot-classifier-"
ARTEFACT_SUFFIX = ".skops"
CARD_SUFFIX = ".md"
VERSION_LENGTH = 16

# Types outside skops' default trust that our artefact legitimately contains.
TRUSTED_TYPES: list[str] = [
    "ml.features.ProfileFeatures",
    "ml.features.ScreenNameBigrams",
    "ml.train.LinearBotModel",
    "ml.train.SigmoidCalibrated",
    "numpy.dtype",
]


class UntrustedArtefactError(ValueError):
    """The model file holds types we do not trust; it was not loaded."""


class DamagedArtefactError(ValueError):
    """The model file is truncated or its bytes changed; it was not loaded."""


@dataclass(frozen=True)
class ModelArtefact:
    path: Path
    version: str
    card_path: Path
    sha256: str  # of the file's bytes, for whoever hands the artefact on to check


def _payload(model: TrainedClassifier) -> dict:
    return {
        "field_sets": list(model.models),
        "pipelines": {name: m.pipeline for name, m in model.models.items()},
        "models": json.dumps(
            {
                name: {
                    "feature_names": m.feature_names,
                    "feature_set": m.feature_set,
                    "threshold": float(m.threshold),
                    "cv_metrics": m.cv_metrics,
                }
                for name, m in model.models.items()
            },
            sort_keys=True,
        ),
        "summary": json.dumps(model.summary, sort_keys=True),
    }


def content_version(data: bytes) -> str:
    """A hash of a skops file's content that does not depend on memory addresses."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(members.pop("schema.json"))
    ids: dict[object, int] = {}

    def canonical(node: object) -> object:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "__id__":
                    out[key] = ids.setdefault(value, len(ids))
                else:
                    out[key] = canonical(value)
            return out
        if isinstance(node, list):
            return [canonical(v) for v in node]
        if isinstance(node, str) and node in members:
            return hashlib.sha256(members[node]).hexdigest()
        return node

    text = json.dumps(canonical(schema), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:VERSION_LENGTH]


def save(
    model: TrainedClassifier, models_dir: Path, evaluation: pd.DataFrame | None = None
) -> ModelArtefact:
    """Write ``bot-classifier-<version>.skops`` and its Markdown model card into ``models_dir``.

    ``evaluation`` (e.g. ``ml.evaluate.lodo_table``) goes into the card when given. Sets
    ``model.version``.
    """
    data = sio.dumps(_payload(model))
    version = content_version(data)
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    path = models_dir / f"{ARTEFACT_PREFIX}{version}{ARTEFACT_SUFFIX}"
    _write_atomically(path, data)
    model.version = version
    card_path = path.with_suffix(CARD_SUFFIX)
    _write_atomically(card_path, render_model_card(model, evaluation).encode("utf-8"))
    return ModelArtefact(
        path=path, version=version, card_path=card_path, sha256=hashlib.sha256(data).hexdigest()
    )


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def load(path: Path, sha256: str | None = None) -> TrainedClassifier:
    """Load an artefact written by ``save``; refuse one holding types outside ``TRUSTED_TYPES``,
    and, given ``sha256`` (``ModelArtefact.sha256``), one whose bytes are not those saved."""
    path = Path(path)
    data = path.read_bytes()
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise DamagedArtefactError(
            f"{path}: the model file's sha256 is not the {sha256} recorded when it was trained "
            "(changed or replaced since); it was not loaded. Run `make run` again to retrain."
        )
    try:
        foreign = [t for t in sio.get_untrusted_types(data=data) if t not in TRUSTED_TYPES]
        if foreign:
            raise UntrustedArtefactError(f"{path}: refusing to load untrusted types {foreign}")
        payload = sio.loads(data, trusted=TRUSTED_TYPES)
    except (zipfile.BadZipFile, zlib.error, KeyError, json.JSONDecodeError, EOFError) as error:
        raise DamagedArtefactError(
            f"{path}: the model file is damaged (truncated or changed: {error}); it was not "
            "loaded. Delete it and run `make run` again to retrain."
        ) from error
    version = content_version(data)
    if path.name.startswith(ARTEFACT_PREFIX) and path.stem != f"{ARTEFACT_PREFIX}{version}":
        raise ValueError(f"{path}: content hash {version} does not match the file name")
    described = json.loads(payload["models"])
    models = {
        name: FieldSetModel(
            field_set=name,
            pipeline=payload["pipelines"][name],
            feature_names=list(described[name]["feature_names"]),
            feature_set=described[name]["feature_set"],
            threshold=float(described[name]["threshold"]),
            cv_metrics=described[name]["cv_metrics"],
        )
        for name in payload["field_sets"]
    }
    return TrainedClassifier(
        models=models,
        summary=json.loads(payload["summary"]),
        version=version,
    )


def latest(models_dir: Path) -> Path | None:
    """The most recently written artefact in ``models_dir`` (None when there is none)."""
    files = sorted(Path(models_dir).glob(f"{ARTEFACT_PREFIX}*{ARTEFACT_SUFFIX}"))
    return max(files, key=lambda p: p.stat().st_mtime_ns) if files else None
