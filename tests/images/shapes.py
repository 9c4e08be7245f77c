"""Synthetic image sets for the image tests: two classes of shapes (discs vs squares), 1:9 by default."""

from __future__ import annotations

import numpy as np

from imbalance_core.images.intake import write_image_zip


def shape_images(
    n_disc: int = 10, n_square: int = 90, side: int = 24, seed: int = 0
) -> tuple[np.ndarray, list]:
    """Grey uint8 images (n, side, side, 1): a bright disc or square at a random place on noise.

    Returns the images and their labels ("DISC" / "SQUARE"), discs first.
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:side, 0:side]
    images, labels = [], []
    for label, n in (("DISC", n_disc), ("SQUARE", n_square)):
        for _ in range(n):
            img = rng.normal(60, 15, (side, side))
            cy, cx = rng.integers(side // 3, 2 * side // 3, size=2)
            r = rng.integers(side // 6, side // 4 + 1)
            if label == "DISC":
                mask = (yy - cy) ** 2 + (xx - cx) ** 2 <= r * r
            else:
                mask = (abs(yy - cy) <= r) & (abs(xx - cx) <= r)
            img[mask] = rng.normal(200, 10)
            images.append(np.clip(img, 0, 255).astype(np.uint8)[..., None])
            labels.append(label)
    return np.stack(images), labels


def shapes_zip(
    n_disc: int = 10, n_square: int = 90, side: int = 24, seed: int = 0, split: bool = False
) -> bytes:
    """The shapes as a zip of class folders; with ``split`` every fourth image goes to test/."""
    images, labels = shape_images(n_disc, n_square, side, seed)
    parts = ["test" if i % 4 == 0 else "train" for i in range(len(labels))] if split else None
    return write_image_zip(images, labels, parts)
