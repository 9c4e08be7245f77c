"""Shortcut and leakage audit of an image set, run before any result is shown.

Chest X-ray models are known to learn the hospital, the scanner and burned-in markers instead of the lungs
(Zech et al., PLOS Medicine 2018; DeGrave, Janizek & Lee, Nature Machine Intelligence 2021), and public
X-ray folders carry exact duplicates and several images per patient across train/test. Three checks, each
a :class:`Finding` with a plain sentence and what to do:

* **Duplicates** (:func:`find_duplicates`): exact copies (same decoded pixels) and near copies (a 256-bit
  difference hash, dHash, written here with numpy and Pillow: the grey image scaled to 17 x 16, one bit per
  "left pixel brighter than its right neighbour"; two images whose hashes differ in at most
  :data:`NEAR_BITS` bits are near copies). Copies are grouped (transitively); groups are counted within
  train/, within test/ and across the two. :func:`with_duplicate_groups` puts the groups on a
  :class:`~imbalance_core.intake.task.PreparedData` so cross-validation folds and a drawn hold-out keep
  each group on one side (``TrainSettings(group_by=DUPLICATE_GROUPS)``).
* **Image properties** (:func:`property_check`): how well height, width, aspect ratio, bit depth, file
  format and mean intensity *alone* predict the class — the cross-validated ROC AUC of a small
  random forest (60 trees of depth 5) on those six numbers (and each number's own AUC). Above
  :data:`HIGH_AUC` the classes differ in how they were stored or exposed, which a model can learn
  instead of the disease.
* **Border only** (:func:`border_check`): the extractor's features on images whose centre (the middle
  :data:`MASKED_SIDE` of each side) is painted over with the border's median, against the same on whole
  images (logistic regression on 40 principal components, cross-validated ROC AUC). When the border
  alone nearly matches the whole image, the model may read markers, text or collimation at the edge
  rather than the lungs.

Nothing here is a result model: the AUCs describe the data (all images, cross-validated) and nothing is
fitted for later use. Files are only read from the zip's bytes in memory.
"""

from __future__ import annotations

import dataclasses
import io
import time
import zipfile
from dataclasses import dataclass

import numpy as np
import pandas as pd
from PIL import Image
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from imbalance_core.images.extractors import DEFAULT_EXTRACTOR, compute_features, features_for
from imbalance_core.images.intake import ImageSet
from imbalance_core.intake.task import PreparedData

#: dHash grid: 16 x 16 = 256 bits per image.
HASH_SIDE = 16
#: Near copies differ in at most this many of the 256 bits (about 3 %).
NEAR_BITS = 8
#: An AUC above this from image properties or the border alone is called high.
HIGH_AUC = 0.7
#: Border AUC within this of the whole image's AUC means the border carries nearly all the signal.
BORDER_GAP = 0.05
#: Share of each side painted over in the border check (the central 60 %).
MASKED_SIDE = 0.6
#: At most this many images go into the border check (stratified sample; extraction costs time).
BORDER_MAX_IMAGES = 1000
#: The border check's model: logistic regression on this many principal components of the features (fast).
BORDER_COMPONENTS = 40
#: Name of the duplicate groups on PreparedData.groups (the ``group_by`` key).
DUPLICATE_GROUPS = "duplicate image group"
PROPERTIES = ("height", "width", "aspect ratio", "bit depth", "file format", "mean intensity")
_BITS = {"1": 1, "L": 8, "P": 8, "LA": 8, "RGB": 8, "RGBA": 8, "CMYK": 8, "YCbCr": 8, "I": 32, "F": 32}
_FORMATS = {"PNG": 0.0, "JPEG": 1.0}


@dataclass(frozen=True)
class Finding:
    """One check's verdict: ``level`` "ok" or "warn", what was found, and what to do."""

    check: str
    level: str
    sentence: str
    action: str


@dataclass(frozen=True)
class Duplicates:
    """Copies among the images. Counts are groups of two or more images (an image with three copies is
    one group); ``test_with_train_twin`` counts test/ images that have a copy in train/.

    group: per image, its group number (singletons get their own): pass it as a grouping.
    """

    exact_groups: int
    near_groups: int
    within_train: int
    within_test: int
    across: int
    test_with_train_twin: int
    images_in_groups: int
    group: np.ndarray


@dataclass(frozen=True)
class PropertyCheck:
    """CV ROC AUC of the six image properties together, and of each alone (orientation-free)."""

    auc: float
    per_property: dict[str, float]
    table: pd.DataFrame


@dataclass(frozen=True)
class BorderCheck:
    """CV ROC AUC of the extractor's features on the border only and on the whole image."""

    border_auc: float
    full_auc: float
    extractor: str
    n_images: int


@dataclass(frozen=True)
class AuditResult:
    """Every check and its findings, in the order shown."""

    n_images: int
    duplicates: Duplicates
    properties: PropertyCheck | None
    border: BorderCheck | None
    findings: tuple[Finding, ...]
    seconds: float

    def as_dict(self) -> dict:
        """JSON-ready (arrays and tables left out)."""
        dup = {k: v for k, v in dataclasses.asdict(self.duplicates).items() if k != "group"}
        props = None
        if self.properties is not None:
            props = {"auc": self.properties.auc, "per_property": self.properties.per_property}
        return {
            "n_images": self.n_images,
            "duplicates": dup,
            "properties": props,
            "border": dataclasses.asdict(self.border) if self.border is not None else None,
            "findings": [dataclasses.asdict(f) for f in self.findings],
            "seconds": self.seconds,
        }


# --------------------------------------------------------------------------- duplicates


def _grey(images: np.ndarray) -> np.ndarray:
    arr = np.asarray(images, dtype=np.float32)
    return arr @ np.array([0.299, 0.587, 0.114], dtype=np.float32) if arr.shape[-1] == 3 else arr[..., 0]


def dhash(images: np.ndarray, side: int = HASH_SIDE) -> np.ndarray:
    """Difference hashes: (n, side * side) bools, bit = pixel brighter than its right neighbour on the grey
    image scaled (box filter) to (side + 1) x side."""
    grey = _grey(images)
    small = np.stack(
        [np.asarray(Image.fromarray(g).resize((side + 1, side), Image.Resampling.BOX)) for g in grey]
    )
    return (small[:, :, :-1] > small[:, :, 1:]).reshape(len(grey), -1)


def _near_pairs(bits: np.ndarray, max_bits: int, block: int = 512) -> np.ndarray:
    """(i, j) with i < j whose hashes differ in at most ``max_bits`` bits (packed XOR + popcount)."""
    packed = np.packbits(bits, axis=1)
    words = packed.view(np.uint64) if packed.shape[1] % 8 == 0 else packed
    out = []
    for start in range(0, len(words), block):
        chunk = words[start : start + block]
        dist = np.bitwise_count(chunk[:, None, :] ^ words[None, :, :]).sum(axis=2, dtype=np.int32)
        i, j = np.nonzero(dist <= max_bits)
        i = i + start
        keep = i < j
        out.append(np.c_[i[keep], j[keep]])
    return np.concatenate(out) if out else np.empty((0, 2), dtype=np.int64)


def _union(n: int, pairs: np.ndarray) -> np.ndarray:
    """Connected components of ``pairs``: a group number per item (the smallest member's index)."""
    parent = np.arange(n)

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in pairs:
        ra, rb = root(int(a)), root(int(b))
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([root(i) for i in range(n)])


def find_duplicates(image_set: ImageSet, max_bits: int = NEAR_BITS) -> Duplicates:
    """Exact and near copies, grouped, counted within and across train/test (see the module docstring)."""
    images = image_set.images
    n = len(images)
    digests = pd.Series([img.tobytes() for img in images]).factorize()[0]
    first = pd.Series(np.arange(n)).groupby(digests).transform("min").to_numpy()
    exact_pairs = np.c_[first, np.arange(n)][first != np.arange(n)]
    exact = _union(n, exact_pairs)
    near = _union(n, np.r_[exact_pairs, _near_pairs(dhash(images), max_bits)])
    sizes = pd.Series(near).map(pd.Series(near).value_counts()).to_numpy()
    in_group = sizes > 1
    is_test = image_set.is_test if image_set.is_test is not None else np.zeros(n, dtype=bool)
    frame = pd.DataFrame({"g": near[in_group], "test": is_test[in_group]})
    parts = frame.groupby("g")["test"].agg(["any", "all"])
    across_groups = set(parts.index[parts["any"] & ~parts["all"]])
    twins = sum(1 for i in np.flatnonzero(in_group & is_test) if near[i] in across_groups)
    return Duplicates(
        exact_groups=int((pd.Series(exact).value_counts() > 1).sum()),
        near_groups=len(parts),
        within_train=int((~parts["any"]).sum()),
        within_test=int(parts["all"].sum()),
        across=len(across_groups),
        test_with_train_twin=int(twins),
        images_in_groups=int(in_group.sum()),
        group=near,
    )


def with_duplicate_groups(data: PreparedData, duplicates: Duplicates) -> PreparedData:
    """``data`` with the duplicate groups as a grouping, so that training with
    ``TrainSettings(group_by=DUPLICATE_GROUPS)`` keeps every group in one fold and on one side of a drawn
    hold-out. Rows follow the images (``data.source_rows``)."""
    rows = data.source_rows if data.source_rows is not None else np.arange(len(data.y))
    codes = pd.Series(duplicates.group[np.asarray(rows)]).factorize()[0].astype(np.int64)
    return dataclasses.replace(data, groups={**data.groups, DUPLICATE_GROUPS: codes})


# --------------------------------------------------------------------------- properties


def image_properties(image_set: ImageSet, raw: bytes | None = None) -> pd.DataFrame:
    """Per image: height, width, aspect ratio, bit depth and file format as stored (read from the file
    headers in the zip ``raw``; the decoded array's when there is no zip) and mean intensity (0-255)."""
    mean = _grey(image_set.images).mean(axis=(1, 2)).astype(float)
    n = image_set.n_images
    h, w = image_set.images.shape[1:3]
    rows = {"height": np.full(n, float(h)), "width": np.full(n, float(w))}
    bits, formats = np.full(n, 8.0), np.zeros(n)
    if raw is not None:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            for i, name in enumerate(image_set.names):
                with Image.open(io.BytesIO(archive.read(name))) as img:
                    rows["width"][i], rows["height"][i] = img.size
                    bits[i] = 16.0 if img.mode.startswith("I;16") else float(_BITS.get(img.mode, 8))
                    formats[i] = _FORMATS.get(img.format or "", 2.0)
    return pd.DataFrame(
        {
            "height": rows["height"],
            "width": rows["width"],
            "aspect ratio": rows["width"] / rows["height"],
            "bit depth": bits,
            "file format": formats,
            "mean intensity": mean,
        }
    )


def _folds(y: np.ndarray, seed: int) -> StratifiedKFold | None:
    smallest = int(np.bincount(y).min()) if len(y) else 0
    return StratifiedKFold(min(5, smallest), shuffle=True, random_state=seed) if smallest >= 2 else None


def _cv_auc(model, X: np.ndarray, y: np.ndarray, seed: int) -> float:
    """Cross-validated ROC AUC (one-vs-rest macro for more than two classes); NaN when CV is impossible."""
    folds = _folds(y, seed)
    if folds is None or len(np.unique(y)) < 2:
        return float("nan")
    proba = cross_val_predict(model, X, y, cv=folds, method="predict_proba")
    if proba.shape[1] == 2:
        return float(roc_auc_score(y, proba[:, 1]))
    return float(roc_auc_score(y, proba, multi_class="ovr"))


def _alone_auc(values: np.ndarray, y: np.ndarray) -> float:
    """AUC of one property against the class, either direction (0.5 = no signal); binary (else code 0 vs
    rest)."""
    target = (y == (1 if len(np.unique(y)) == 2 else 0)).astype(int)
    if np.ptp(values) == 0 or len(np.unique(target)) < 2:
        return 0.5
    auc = float(roc_auc_score(target, values))
    return max(auc, 1 - auc)


def property_check(image_set: ImageSet, raw: bytes | None = None, seed: int = 0) -> PropertyCheck:
    """How well the stored properties alone predict the class (see the module docstring)."""
    table = image_properties(image_set, raw)
    y = np.asarray(image_set.y)
    model = RandomForestClassifier(
        n_estimators=60, max_depth=5, min_samples_leaf=3, random_state=seed, n_jobs=1
    )
    auc = _cv_auc(model, table.to_numpy(), y, seed)
    alone = {c: round(_alone_auc(table[c].to_numpy(), y), 4) for c in table.columns}
    return PropertyCheck(auc=auc, per_property=alone, table=table)


# --------------------------------------------------------------------------- border only


def mask_centre(images: np.ndarray, share: float = MASKED_SIDE) -> np.ndarray:
    """Copies with the central ``share`` of each side painted with the median of each image's border."""
    out = np.array(images, copy=True)
    h, w = out.shape[1:3]
    top, left = round(h * (1 - share) / 2), round(w * (1 - share) / 2)
    bottom, right = h - top, w - left
    border = np.ones((h, w), dtype=bool)
    border[top:bottom, left:right] = False
    median = np.median(out[:, border, :], axis=1).astype(np.uint8)  # from the border only: no centre leaks
    out[:, top:bottom, left:right, :] = median[:, None, None, :]
    return out


def _sample(y: np.ndarray, most: int, seed: int) -> np.ndarray:
    if len(y) <= most:
        return np.arange(len(y))
    rng = np.random.default_rng(seed)
    share = most / len(y)
    picked = [
        rng.choice(np.flatnonzero(y == c), max(2, round(share * int((y == c).sum()))), replace=False)
        for c in np.unique(y)
    ]
    return np.sort(np.concatenate(picked))


def border_check(
    image_set: ImageSet, extractor: str = DEFAULT_EXTRACTOR, seed: int = 0, most: int = BORDER_MAX_IMAGES
) -> BorderCheck:
    """CV ROC AUC on the border only vs the whole image, same extractor and model (module docstring)."""
    y_all = np.asarray(image_set.y)
    rows = _sample(y_all, most, seed)
    y = y_all[rows]
    full = np.asarray(features_for(image_set.images, image_set.sha256, extractor))[rows]  # cached: the page's
    border = compute_features(mask_centre(image_set.images[rows]), extractor)

    def model():
        n_comp = max(1, min(BORDER_COMPONENTS, len(rows) // 2, full.shape[1]))
        return make_pipeline(
            StandardScaler(), PCA(n_comp, random_state=seed), LogisticRegression(C=1.0, max_iter=500)
        )

    return BorderCheck(
        border_auc=_cv_auc(model(), border, y, seed),
        full_auc=_cv_auc(model(), full, y, seed),
        extractor=extractor,
        n_images=len(rows),
    )


# --------------------------------------------------------------------------- findings


def findings_for(dup: Duplicates, props: PropertyCheck | None, border: BorderCheck | None) -> list[Finding]:
    out = []
    if dup.across:
        out.append(
            Finding(
                "duplicates",
                "warn",
                f"{dup.across} group(s) of identical or nearly identical images sit in both train/ and test/ "
                f"({dup.test_with_train_twin} test image(s) have a copy in training): the hold-out partly "
                "re-tests images the model was trained on, so its figures are too good.",
                "Remove those test images (or their training copies) from the zip, or let the app draw the "
                "hold-out with every duplicate group kept on one side.",
            )
        )
    if dup.within_train or dup.within_test:
        out.append(
            Finding(
                "duplicates",
                "warn",
                f"{dup.within_train + dup.within_test} group(s) of identical or nearly identical images "
                f"({dup.images_in_groups} images in all groups; {dup.exact_groups} group(s) of exact "
                "copies): copies in different cross-validation folds flatter the cross-validated figures.",
                "Keep each duplicate group in one fold (group the folds by duplicate group), or remove the "
                "copies; several images of one patient need the same.",
            )
        )
    if not dup.images_in_groups:
        out.append(Finding("duplicates", "ok", "No identical or nearly identical images were found.", ""))
    if props is not None and np.isfinite(props.auc):
        top = max(props.per_property, key=lambda k: props.per_property[k])
        if props.auc > HIGH_AUC:
            out.append(
                Finding(
                    "properties",
                    "warn",
                    f"Image size, aspect ratio, bit depth, file format and mean intensity alone tell the "
                    f"classes apart with a cross-validated ROC AUC of {props.auc:.2f} (strongest alone: "
                    f"{top}, {props.per_property[top]:.2f}). A model can learn how the images were stored or "
                    "exposed instead of the disease.",
                    "Check where each class's images came from (hospital, scanner, export); collect both "
                    "classes from the same sources, or bring them to one size, format and bit depth before "
                    "training, and judge the model on an external set. Brightness differences can be real "
                    "(opacities) — compare with the border check.",
                )
            )
        else:
            out.append(
                Finding(
                    "properties",
                    "ok",
                    "Image properties alone predict the class weakly (cross-validated ROC AUC "
                    f"{props.auc:.2f}).",
                    "",
                )
            )
    if border is not None and np.isfinite(border.border_auc):
        near = border.border_auc >= border.full_auc - BORDER_GAP
        if border.border_auc > HIGH_AUC and near:
            out.append(
                Finding(
                    "border",
                    "warn",
                    f"With the centre of every image painted over, the features still tell the classes apart "
                    f"with ROC AUC {border.border_auc:.2f} (whole images: {border.full_auc:.2f}): the model "
                    "may read markers, text or the image edge rather than the lungs.",
                    "Look at the class-activation maps on the Threshold page; crop or mask burned-in markers "
                    "and text before training; check that both classes come from the same sources.",
                )
            )
        else:
            out.append(
                Finding(
                    "border",
                    "ok",
                    f"The border alone predicts the class less well (ROC AUC {border.border_auc:.2f}) than "
                    f"the whole image ({border.full_auc:.2f}).",
                    "",
                )
            )
    return out


def audit_images(
    image_set: ImageSet,
    raw: bytes | None = None,
    extractor: str = DEFAULT_EXTRACTOR,
    seed: int = 0,
    border: bool = True,
) -> AuditResult:
    """Every check on ``image_set`` (``raw``: the zip it came from, for the stored properties)."""
    started = time.perf_counter()
    dup = find_duplicates(image_set)
    props = property_check(image_set, raw, seed)
    edge = border_check(image_set, extractor, seed) if border else None
    return AuditResult(
        n_images=image_set.n_images,
        duplicates=dup,
        properties=props,
        border=edge,
        findings=tuple(findings_for(dup, props, edge)),
        seconds=time.perf_counter() - started,
    )


def format_audit(result: AuditResult) -> str:
    """The findings as plain text (CLI)."""
    lines = [f"Audit of {result.n_images:,} images ({result.seconds:.1f} s):"]
    for f in result.findings:
        lines.append(f"[{f.level}] {f.check}: {f.sentence}")
        if f.action:
            lines.append(f"       what to do: {f.action}")
    return "\n".join(lines)
