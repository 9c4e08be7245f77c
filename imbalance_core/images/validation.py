"""A saved image model on a new labelled zip of class folders: external validation like a CSV (issue 28).

``validate MODEL new.zip`` and the Validate page take a zip where the CSV path takes a table. The zip's
images get exactly the features the model was trained on (the extractor is read back from the model's
feature names, :func:`imbalance_core.images.predict.extractor_of`); each image's outcome is its class
folder (``NORMAL/``, ``PNEUMONIA/``, past one ``train/``/``test/`` folder or wrapping folder), coded 1 for
the model's positive class — the only class its risks are about. The result is the
:class:`~imbalance_core.share.validate.NewPatients` the CSV path gives, so
:func:`~imbalance_core.share.validate.validate_labelled` reports the same figures (discrimination,
calibration, the 2x2 at the saved threshold beside development, transport, updating, case mix). A zip
whose images do not all sit in folders named like the model's classes is an unlabelled batch (its
expected prevalence), unless an outcome was asked for: then a sentence says what to change.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from imbalance_core.errors import DataError
from imbalance_core.images.features import feature_names
from imbalance_core.images.intake import read_unlabelled_zip
from imbalance_core.images.predict import extractor_of, folders_of, saved_model_features
from imbalance_core.share.model_file import SavedModel
from imbalance_core.share.predict import features_for_model
from imbalance_core.share.validate import NewPatients

ZIP_MAGIC = b"PK\x03\x04"

Source = bytes | str | os.PathLike


def is_zip(source: Source | None, name: str | None = None) -> bool:
    """True for zip bytes (by their first bytes) or a path / file name ending in .zip."""
    if source is None:
        return False
    if isinstance(source, (bytes, bytearray)):
        return bytes(source[:4]) == ZIP_MAGIC or str(name or "").lower().endswith(".zip")
    return str(source).lower().endswith(".zip")


def is_image_model(saved: SavedModel) -> bool:
    """True when the model was trained on image features (its columns name an extractor)."""
    try:
        extractor_of(tuple(saved.metadata.feature_names))
    except DataError:
        return False
    return True


def _raw(source: Source) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    try:
        return Path(source).read_bytes()
    except OSError:
        raise DataError(f"The file '{Path(source).name}' could not be read; check the path.") from None


def outcomes_from_folders(folders: list[str] | None, class_names: tuple[str, ...]) -> np.ndarray | None:
    """1 for the model's positive class (``class_names[1]``), 0 for its other class, per image; None when
    some image is not in a folder named like one of the two classes (any case)."""
    if folders is None or len(class_names) != 2:
        return None
    lower = [str(c).lower() for c in class_names]
    if not all(f.lower() in lower for f in folders):
        return None
    return np.array([lower.index(f.lower()) for f in folders], dtype=np.int64)


def _features(saved: SavedModel, raw: bytes) -> tuple[pd.DataFrame, list[str] | None, tuple[str, ...]]:
    """The model's features of every image in the zip, each image's folder, and the notices."""
    images = read_unlabelled_zip(raw)
    key, feats = saved_model_features(saved, images.images)
    frame = pd.DataFrame(feats.astype(float), columns=list(feature_names(key, feats.shape[1])))
    X, found = features_for_model(frame, saved)
    return X, folders_of(tuple(images.names)), tuple(images.notices) + tuple(found)


def read_new_images(
    saved: SavedModel,
    source: Source,
    name: str | None = None,
    label: str | None = None,
    positive: tuple[str, ...] = (),
) -> NewPatients:
    """A zip of new images read for the image model ``saved`` (see the module docstring).

    ``label``: an outcome was asked for (the CLI's ``--label``, any name: the folders are the outcome);
    without class folders that is a DataError. ``positive``: if given, must be the model's positive class.
    """
    if not saved.is_binary or saved.metadata.threshold is None:
        raise DataError("External validation needs a two-class model (a positive class and a threshold).")
    class_names = tuple(str(c) for c in saved.metadata.class_names)
    wanted = class_names[1]
    if positive and {p.lower() for p in positive} != {wanted.lower()}:
        raise DataError(
            f"This model's risks are the chance of '{wanted}', so a zip is validated with '{wanted}' as the "
            "positive class; leave the positive class out or name that one."
        )
    X, folders, notices = _features(saved, _raw(source))
    y = outcomes_from_folders(folders, class_names)
    if y is None and label:
        raise DataError(
            f"The images are not all in folders named like the model's classes ({', '.join(class_names)}), "
            "so their outcomes are unknown; put each image in the folder of its class."
        )
    if y is not None:
        notices += (
            f"Outcomes from the zip's class folders; positive class: '{wanted}' (the model's), "
            f"{int(y.sum()):,} of {len(y):,} images.",
        )
    display = name or (Path(source).name if not isinstance(source, (bytes, bytearray)) else "new images")
    return NewPatients(X, y, notices, display)


def read_development_images(saved: SavedModel, source: Source) -> pd.DataFrame:
    """The model's features of a development zip's images (for the membership model)."""
    return _features(saved, _raw(source))[0]
