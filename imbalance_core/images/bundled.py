"""The bundled image demo: PneumoniaMNIST (chest X-rays, 28 x 28 grey), with the study's 624-image test set.

``sample_data/pneumoniamnist.npz`` is the whole file from the shared data (3.5 MB; origin and licence in
``sample_data/README.md``: MedMNIST v2, Yang et al. 2023, from Kermany et al. 2018, CC BY 4.0). Its
``train`` (3,882: 388 normal / 3,494 pneumonia, 1:9) and ``val`` (524: 135 / 389) splits together are the
training part; its ``test`` split (624: 234 normal / 390 pneumonia) is the fixed hold-out, the same
624 images on which the chest X-ray study reports its table. Pneumonia is the positive class.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from imbalance_core.errors import DataError
from imbalance_core.images.intake import ImageSet, content_hash
from imbalance_core.intake.bundled import SAMPLE_DATA

PNEUMONIAMNIST = SAMPLE_DATA / "pneumoniamnist.npz"
CLASS_NAMES = ("NORMAL", "PNEUMONIA")
CITATION = (
    "Yang J, Shi R, Wei D, et al. MedMNIST v2. Scientific Data 2023; derived from Kermany DS, Goldbaum M, "
    "et al. Cell 2018. CC BY 4.0."
)


def load_pneumoniamnist(path: Path = PNEUMONIAMNIST, per_class: int | None = None, seed: int = 0) -> ImageSet:
    """PneumoniaMNIST as an :class:`ImageSet`: train + val for training, test as the fixed hold-out.

    ``per_class`` (tests, quick demos) keeps at most that many training images per class, drawn at
    random with ``seed``; the 624 test images are always kept whole.
    """
    if not Path(path).is_file():
        raise DataError("The bundled PneumoniaMNIST file is missing from sample_data/; reinstall the app.")
    with np.load(path, allow_pickle=False) as data:
        train_x = np.concatenate([data["train_images"], data["val_images"]])
        train_y = np.concatenate([data["train_labels"], data["val_labels"]]).ravel().astype(np.int64)
        test_x, test_y = data["test_images"], data["test_labels"].ravel().astype(np.int64)
    keep = np.arange(len(train_y))
    if per_class is not None:
        rng = np.random.default_rng(seed)
        keep = np.sort(
            np.concatenate(
                [rng.permutation(np.flatnonzero(train_y == c))[:per_class] for c in range(len(CLASS_NAMES))]
            )
        )
    images = np.concatenate([train_x[keep], test_x])[..., None].astype(np.uint8)
    y = np.concatenate([train_y[keep], test_y])
    is_test = np.r_[np.zeros(len(keep), dtype=bool), np.ones(len(test_y), dtype=bool)]
    names = tuple(
        [f"train/{CLASS_NAMES[c]}/{i:05d}.png" for i, c in zip(keep, train_y[keep], strict=True)]
        + [f"test/{CLASS_NAMES[c]}/{i:05d}.png" for i, c in enumerate(test_y)]
    )
    counts = np.bincount(y[is_test], minlength=2)
    notices = (
        "Bundled PneumoniaMNIST (28 x 28 chest X-rays; MedMNIST v2, CC BY 4.0): train + val splits for "
        f"training, the test split ({counts[0]} normal / {counts[1]} pneumonia) as the fixed hold-out; "
        "pneumonia is the positive class.",
    )
    return ImageSet(
        images=images,
        y=y,
        class_names=CLASS_NAMES,
        names=names,
        is_test=is_test,
        skipped=(),
        notices=notices,
        sha256=content_hash(images, y, is_test),
        source="pneumoniamnist",
    )
