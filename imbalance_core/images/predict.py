"""Predict for images: new patients' images (a zip, any folders) -> scores at the saved model's threshold.

A model trained on image features names its columns ``<extractor>_0000`` ...; :func:`extractor_of` reads
the extractor back from those names, so the new images get exactly the features the model was trained
on. Scoring is :func:`imbalance_core.share.predict.predict_frame` — the same as for a table — with the
image's path in the zip kept as the ``file`` column of the output.
"""

from __future__ import annotations

import pandas as pd

from imbalance_core.errors import DataError
from imbalance_core.images.extractors import EXTRACTORS, compute_features
from imbalance_core.images.features import FILE, feature_names
from imbalance_core.images.intake import read_unlabelled_zip
from imbalance_core.share.model_file import SavedModel
from imbalance_core.share.predict import PredictionResult, predict_frame


def extractor_of(names: tuple[str, ...]) -> str:
    """The extractor whose feature columns the model uses; DataError when they are not image features."""
    prefixes = {str(n).rsplit("_", 1)[0] for n in names}
    if len(prefixes) == 1 and (key := prefixes.pop()) in EXTRACTORS:
        return key
    raise DataError("This model was not trained on image features; score a table of patients instead.")


def predict_image_zip(saved: SavedModel, raw: bytes) -> PredictionResult:
    """Scores and decisions for every image in the zip ``raw`` (see the module docstring)."""
    key = extractor_of(saved.metadata.feature_names)
    images = read_unlabelled_zip(raw)
    feats = compute_features(images.images, key)
    frame = pd.DataFrame(feats.astype(float), columns=list(feature_names(key, feats.shape[1])))
    frame.insert(0, FILE, list(images.names))
    return predict_frame(saved, frame, tuple(images.notices))
