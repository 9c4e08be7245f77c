"""An image set as the feature table + labels every other stage of the core takes.

:func:`prepare_images` runs (or takes from the cache) one extractor over an
:class:`~imbalance_core.images.intake.ImageSet` and returns a
:class:`~imbalance_core.intake.task.PreparedData`: one numeric column per feature, ``y`` the class codes
(binary: 1 = positive). Samplers, classifiers, the threshold explorer, Compare and the report then work
on it unchanged. :func:`feature_table` is the same as one CSV-ready frame (features + label + file
name), what ``images-features`` writes and ``evaluate --label class`` reads back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from imbalance_core.images.augment import CHEST_XRAY, AugmentSettings, attach_source
from imbalance_core.images.extractors import Progress, features_for, get_extractor
from imbalance_core.images.intake import ImageSet
from imbalance_core.intake.read import LoadedTable
from imbalance_core.intake.task import PreparedData

#: Name of the label column in a feature table.
LABEL = "class"
#: Name of the file-name column in a feature table (not a feature).
FILE = "file"
#: How the pages, the report and the CLI name the hold-out a zip's test/ folder fixes.
TEST_FOLDER = "the zip's test/ folder"


def feature_names(key: str, n: int) -> tuple[str, ...]:
    """Column names ``<extractor>_0000`` ... for ``n`` features."""
    return tuple(f"{key}_{i:04d}" for i in range(n))


def prepare_images(
    image_set: ImageSet,
    extractor: str,
    progress: Progress | None = None,
    augment: AugmentSettings = CHEST_XRAY,
) -> PreparedData:
    """The image set as PreparedData on the features of ``extractor`` (cached by content hash); ``augment``:
    how the ``augment`` sampler changes copies of its images."""
    spec = get_extractor(extractor)
    feats = features_for(image_set.images, image_set.sha256, extractor, progress)
    columns = feature_names(extractor, feats.shape[1])
    X = pd.DataFrame(np.asarray(feats, dtype=np.float64), columns=list(columns))
    attach_source(X, image_set.images, feats, extractor, augment)  # the ``augment`` sampler finds them here
    return PreparedData(
        X=X,
        y=np.asarray(image_set.y, dtype=np.int64),
        class_names=tuple(image_set.class_names),
        label=LABEL,
        numeric_features=columns,
        categorical_features=(),
        name=f"{image_set.source} ({spec.name})",
        source_sha256=f"{image_set.sha256}:{extractor}",
        notices=tuple(image_set.notices),
        label_counts=image_set.class_counts,
        source_rows=np.arange(image_set.n_images),
        holdout=image_set.is_test,
        holdout_name=TEST_FOLDER if image_set.is_test is not None else "",
    )


def feature_table(
    image_set: ImageSet,
    extractor: str,
    progress: Progress | None = None,
    augment: AugmentSettings = CHEST_XRAY,
) -> pd.DataFrame:
    """The class name, the file name and the features of every image as one frame.

    The file name is a unique text column, which the table reader excludes as an identifier; the zip's
    train/test split is not a column (it would become a feature): ``evaluate ZIP`` keeps it instead.
    """
    data = prepare_images(image_set, extractor, progress, augment)
    frame = data.X.copy()
    frame.insert(0, LABEL, [image_set.class_names[c] for c in image_set.y])
    frame.insert(1, FILE, list(image_set.names))
    frame.attrs.update(data.X.attrs)  # the image source travels with the table into PreparedData.X
    return frame


def image_table(
    image_set: ImageSet,
    extractor: str,
    name: str,
    progress: Progress | None = None,
    augment: AugmentSettings = CHEST_XRAY,
) -> LoadedTable:
    """The feature table as a :class:`~imbalance_core.intake.read.LoadedTable`, so the pages' table flow
    (task, profile, training, threshold, report) takes an image set like a CSV. Rows follow the images;
    a zip's test/ folder travels along as the table's fixed hold-out, so every page and ``evaluate ZIP``
    hold out exactly those images."""
    frame = feature_table(image_set, extractor, progress, augment)
    return LoadedTable(
        frame=frame,
        name=name,
        sha256=f"{image_set.sha256}:{extractor}",
        n_bytes=int(image_set.images.nbytes),
        encoding="image zip",
        delimiter=",",
        decimal=".",
        notices=tuple(image_set.notices),
        holdout=image_set.is_test,
        holdout_name=TEST_FOLDER if image_set.is_test is not None else "",
    )
