"""Read an image zip from bytes in memory: top-level folders are the classes; nothing is written to disk.

Layouts understood (folder names are matched without regard to case):

* ``NORMAL/a.png, PNEUMONIA/b.jpg, ...`` — one folder per class (deeper sub-folders belong to their
  top-level class folder);
* ``train/NORMAL/..., train/PNEUMONIA/..., test/NORMAL/..., test/PNEUMONIA/...`` — the ``test/`` images
  become the fixed hold-out, as in the chest X-ray study (a ``val/`` folder joins the training part);
* either of these inside one wrapping folder (``chest_xray/NORMAL/...``), as a zipped folder gives.

The archive is checked first by :func:`imbalance_core.intake.zip_safety.check_zip` (zip bombs, ``../``,
absolute names, links, nested archives, entry count). Each file is then decoded with Pillow after its
pixel count is checked (so a small file claiming a huge image is not inflated). PNG and JPEG are read,
grey or colour, 8 or 16 bit; every other file (text, other formats, damaged images) is skipped and
listed by name with a count. Images of other sizes than the most common one are resized to it (said);
sides are capped at :data:`MAX_SIDE` pixels. More image files than ``max_images`` is refused.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass

import numpy as np
from PIL import Image, UnidentifiedImageError

from imbalance_core.errors import DataError
from imbalance_core.intake.label_values import reads_negative, reads_positive
from imbalance_core.intake.zip_safety import ZipLimits, check_zip

#: Default cap on the number of image files in one zip (memory: 10,000 x 224 x 224 grey is 0.5 GB).
MAX_IMAGES = 10_000
#: Longest side kept in memory; larger images are scaled down (the CNN looks at 224 x 224 anyway).
MAX_SIDE = 224
#: An image file claiming more pixels than this (read from its header) is skipped before it is decoded.
#: Pillow's own decompression-bomb check allows ~89 M; a 143 kB PNG of 7,000 x 7,000 decodes to 49 M
#: pixels (147 MB in colour). 36 M is 6,000 x 6,000, above any radiograph or mammogram.
MAX_PIXELS = 36_000_000
#: Pixels one zip may make the server decode, summed from the headers before anything is decoded (JPEG
#: counted at the reduced scale it is decoded at). Caps the time a zip can cost: ~4,000 images of
#: 1,024 x 1,024 PNG, or a whole chest X-ray JPEG set. Memory no longer grows with it (one image is
#: decoded at a time and scaled down at once).
ZIP_PIXEL_BUDGET = 4_000_000_000
#: Archive limits for image zips: more entries than a model file, at most 2 GiB unpacked, no nesting.
IMAGE_ZIP_LIMITS = ZipLimits(max_entries=MAX_IMAGES * 2 + 1000, max_total_bytes=2 << 30, max_depth=0)
_SPLIT_TRAIN = {"train", "training", "val", "valid", "validation"}
_SPLIT_TEST = {"test", "testing"}
_IGNORED = re.compile(r"(^|/)(__MACOSX|\.[^/]*)(/|$)|(^|/)(Thumbs\.db|desktop\.ini)$", re.I)
_FORMATS = {"PNG", "JPEG"}
_LISTED = 10


@dataclass(frozen=True, eq=False)
class ImageSet:
    """Decoded images with their classes, ready for a feature extractor.

    images: uint8 array (n, height, width, channels); channels is 1 (grey) or 3 (colour).
    y: int64 class codes 0..k-1; binary: 1 = the positive class.
    class_names: display name of each code (the folder names); binary: (negative, positive).
    names: each image's path inside the zip (a user string: show it through ``common.plain``).
    is_test: per image, True when it came from the zip's ``test/`` folder; None when the zip had no split.
    skipped: paths of files that were not read (not an image, damaged, unsupported format).
    notices: plain sentences about what was done (skipped, resized, which class is positive).
    sha256: hash of the pixels, classes and split: the key of the feature cache.
    """

    images: np.ndarray
    y: np.ndarray
    class_names: tuple[str, ...]
    names: tuple[str, ...]
    is_test: np.ndarray | None
    skipped: tuple[str, ...]
    notices: tuple[str, ...]
    sha256: str
    source: str = "images"

    @property
    def n_images(self) -> int:
        """Number of images read."""
        return len(self.y)

    @property
    def class_counts(self) -> dict[str, int]:
        """Images per class, by display name."""
        counts = np.bincount(self.y, minlength=len(self.class_names))
        return {name: int(c) for name, c in zip(self.class_names, counts, strict=True)}


def content_hash(images: np.ndarray, y: np.ndarray, is_test: np.ndarray | None) -> str:
    """SHA-256 of the pixels (with their shape), the labels and the split: equal sets hash equal."""
    digest = hashlib.sha256()
    digest.update(repr(images.shape).encode())
    digest.update(np.ascontiguousarray(images).tobytes())
    digest.update(np.asarray(y, dtype=np.int64).tobytes())
    if is_test is not None:
        digest.update(np.asarray(is_test, dtype=bool).tobytes())
    return digest.hexdigest()


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:_LISTED])
    return shown + (f" and {len(names) - _LISTED} more" if len(names) > _LISTED else "")


def _parts(name: str) -> list[str]:
    return [p for p in name.replace("\\", "/").split("/") if p]


def _strip_wrapper(paths: list[list[str]]) -> list[list[str]]:
    """Drop one shared wrapping folder (``chest_xray/NORMAL/..``), at most twice."""
    for _ in range(2):
        if paths and all(len(p) > 2 for p in paths) and len({p[0] for p in paths}) == 1:
            paths = [p[1:] for p in paths]
    return paths


@dataclass(frozen=True)
class _Entry:
    name: str
    split: str | None  # "train" / "test" / None
    label: str


def _layout(names: list[str]) -> tuple[list[_Entry], list[str]]:
    """Each file's split and class from its path; the second list holds files outside any class folder."""
    paths = _strip_wrapper([_parts(n) for n in names])
    tops = {p[0].lower() for p in paths if len(p) > 1}
    has_split = bool(tops & _SPLIT_TEST) and bool(tops & _SPLIT_TRAIN)
    entries, loose = [], []
    for name, parts in zip(names, paths, strict=True):
        if has_split:
            top = parts[0].lower()
            if len(parts) < 3 or top not in _SPLIT_TRAIN | _SPLIT_TEST:
                loose.append(name)
                continue
            entries.append(_Entry(name, "test" if top in _SPLIT_TEST else "train", parts[1]))
        elif len(parts) < 2:
            loose.append(name)
        else:
            entries.append(_Entry(name, None, parts[0]))
    return entries, loose


def _header(raw: bytes) -> tuple[str, int, int] | None:
    """(format, width, height) from an image file's header, nothing decoded; None if not PNG/JPEG."""
    try:
        with Image.open(io.BytesIO(raw)) as img:
            if img.format not in _FORMATS:
                return None
            w, h = img.size
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return (str(img.format), int(w), int(h)) if w >= 1 and h >= 1 else None


def _decoded_pixels(fmt: str, w: int, h: int, size: tuple[int, int]) -> int:
    """Pixels decoding costs: a JPEG is decoded at 1/2, 1/4 or 1/8 scale while that still covers
    ``size`` (Pillow's ``draft``); a PNG at full size."""
    if fmt != "JPEG":
        return w * h
    scale = 1
    while scale < 8 and w // (scale * 2) >= size[1] and h // (scale * 2) >= size[0]:
        scale *= 2
    return -(-w // scale) * -(-h // scale)


def _decode(raw: bytes, size: tuple[int, int] | None = None) -> np.ndarray | None:
    """An image as uint8 (h, w, 3) RGB or (h, w, 1) grey, or None when it is not a readable PNG/JPEG.

    ``size`` (h, w): scaled to it while still a Pillow image (a JPEG decoded at reduced scale first), so
    only one full-size image is ever in memory, and only while it is decoded.
    """
    try:
        with Image.open(io.BytesIO(raw)) as img:
            if img.format not in _FORMATS:
                return None
            w, h = img.size
            if w * h > MAX_PIXELS or w < 1 or h < 1:
                return None
            if size is not None and img.format == "JPEG":
                img.draft(img.mode, (size[1], size[0]))  # DCT scaling: never below the target size
            img.load()
            if img.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
                arr = np.asarray(img, dtype=np.float32)
                top = float(arr.max()) if arr.size else 0.0
                scaled = arr * np.float32(255 / top) if top > 255 else arr
                out = np.clip(scaled, 0, 255).astype(np.uint8)[..., None]
                return out if size is None else _resize(out, size)
            if img.mode in ("L", "1", "LA"):
                grey = img.convert("L")
                if size is not None and grey.size != (size[1], size[0]):
                    grey = grey.resize((size[1], size[0]), Image.Resampling.BILINEAR)
                return np.asarray(grey, dtype=np.uint8)[..., None]
            colour = img.convert("RGB")
            if size is not None and colour.size != (size[1], size[0]):
                colour = colour.resize((size[1], size[0]), Image.Resampling.BILINEAR)
            rgb = np.asarray(colour, dtype=np.uint8)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    if (rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all():
        return rgb[..., :1].copy()
    return rgb


def _target_size(shapes: list[tuple[int, int]]) -> tuple[int, int]:
    """The most common (h, w), scaled down so its longer side is at most MAX_SIDE."""
    h, w = Counter(shapes).most_common(1)[0][0]
    scale = min(1.0, MAX_SIDE / max(h, w))
    return max(1, round(h * scale)), max(1, round(w * scale))


def _resize(arr: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    if arr.shape[:2] == size:
        return arr
    img = Image.fromarray(arr[..., 0] if arr.shape[2] == 1 else arr)
    out = np.asarray(img.resize((size[1], size[0]), Image.Resampling.BILINEAR), dtype=np.uint8)
    return out[..., None] if out.ndim == 2 else out


@dataclass(frozen=True)
class _Decoded:
    """Images of a zip decoded one at a time at their final size (see :func:`_decode_all`)."""

    images: np.ndarray
    kept: tuple[int, ...]  # positions (in the names given) of the images read
    skipped: tuple[str, ...]
    too_big: int  # of the skipped: claimed more than MAX_PIXELS
    size: tuple[int, int]
    n_other: int  # images whose own size differed from the most common one
    scaled: bool  # the most common size was scaled down to fit MAX_SIDE


def _decode_all(archive: zipfile.ZipFile, names: list[str], budget: int) -> _Decoded:
    """Headers first (formats, sizes, the pixel budget), then each image decoded and scaled at once.

    Raises DataError when the headers promise more than ``budget`` pixels to decode, before any
    image is decoded. Returns no images (an empty array) when none has a readable header.
    """
    headers = [_header(archive.read(name)) for name in names]
    too_big = sum(1 for hd in headers if hd is not None and hd[1] * hd[2] > MAX_PIXELS)
    usable = [i for i, hd in enumerate(headers) if hd is not None and hd[1] * hd[2] <= MAX_PIXELS]
    if not usable:
        return _Decoded(np.zeros((0, 1, 1, 1), np.uint8), (), tuple(names), too_big, (1, 1), 0, False)
    shapes = [(headers[i][2], headers[i][1]) for i in usable]
    size = _target_size(shapes)
    common = Counter(shapes).most_common(1)[0][0]
    cost = sum(_decoded_pixels(headers[i][0], headers[i][1], headers[i][2], size) for i in usable)
    if cost > budget:
        raise DataError(
            f"The zip's images hold about {cost / 1e6:,.0f} million pixels, more than the "
            f"{budget / 1e6:,.0f} million one upload may decode on this shared server; send fewer images "
            f"or scale them down first (the models look at {MAX_SIDE} x {MAX_SIDE} pixels)."
        )
    decoded, kept = [], []
    for i in usable:
        arr = _decode(archive.read(names[i]), size)
        if arr is not None:
            decoded.append(arr)
            kept.append(i)
    kept_set = set(kept)
    skipped = tuple(n for i, n in enumerate(names) if i not in kept_set)
    n_other = sum(1 for i in kept if (headers[i][2], headers[i][1]) != common)
    colour = any(a.shape[2] == 3 for a in decoded)
    images = (
        np.stack([np.repeat(a, 3, axis=2) if colour and a.shape[2] == 1 else a for a in decoded])
        if decoded
        else np.zeros((0, *size, 1), np.uint8)
    )
    return _Decoded(images, tuple(kept), skipped, too_big, size, n_other, max(common) > MAX_SIDE)


def _refuse_if_all_too_big(decoded: _Decoded) -> None:
    """No image read and some skipped for their size: say that, not "no readable images"."""
    if not decoded.kept and decoded.too_big:
        raise DataError(
            f"The zip's images are larger than {MAX_PIXELS / 1e6:.0f} million pixels each, more than "
            f"one image may have here; scale them down before zipping (the models look at {MAX_SIDE} x "
            f"{MAX_SIDE} pixels)."
        )


def _skip_notices(decoded: _Decoded) -> list[str]:
    notices = []
    if decoded.too_big:
        notices.append(
            f"{decoded.too_big} image(s) were skipped without being decoded: larger than "
            f"{MAX_PIXELS / 1e6:.0f} million pixels each (scale them down before zipping)."
        )
    unreadable = len(decoded.skipped) - decoded.too_big
    if unreadable:
        notices.append(
            f"{unreadable} file(s) were skipped because they are not readable PNG or JPEG images: "
            f"{_listed(list(decoded.skipped))}."
        )
    return notices


def choose_positive(class_names: list[str], counts: dict[str, int], positive: str | None) -> tuple[str, str]:
    """The positive class of a two-class set and the reason, as a sentence.

    Given ``positive`` (a folder name, any case) wins. Otherwise the disease is the positive class: a
    folder named like the healthy class (NORMAL, healthy, negative, benign, control, no_finding, not...)
    is never the positive — :func:`imbalance_core.intake.label_values.reads_negative`, the rule tables'
    labels follow — even when it is the rarer folder (PneumoniaMNIST: 388 normal vs 3,494
    pneumonia training images). Only when no name says which is the disease is the rarer class taken.
    """
    if positive is not None:
        match = [c for c in class_names if c.lower() == positive.lower()]
        if not match:
            raise DataError("The positive class given is not one of the zip's class folders; name a folder.")
        return match[0], "as chosen"
    healthy = [c for c in class_names if reads_negative(c, binary=True)]
    if len(healthy) == 1:
        other = next(c for c in class_names if c != healthy[0])
        return other, (
            f"because the folder {healthy[0]} is named like the healthy class (normal / healthy / negative "
            "/ benign / no finding), and a healthy folder is never the positive"
        )
    disease = [c for c in class_names if reads_positive(c, binary=True)]
    if len(disease) == 1 and not healthy:
        return disease[0], "because its folder name reads as the disease (positive / abnormal / malignant)"
    rarest = min(class_names, key=lambda c: (counts[c], c))
    return rarest, (
        "because it is the rarer class and no folder name says which is the disease; "
        "check it and give --positive (or choose it on the page) if the disease is the other"
    )


def _check_classes(labels: list[str], splits: list[str | None]) -> list[str]:
    classes = sorted(set(labels))
    if not classes:
        raise DataError(
            "The zip has no readable PNG or JPEG images in class folders: put each class's images in its "
            "own top-level folder (for example NORMAL/ and PNEUMONIA/) and zip those folders."
        )
    if len(classes) < 2:
        raise DataError(
            "The zip holds images of one class only; add a folder of images of at least one other class."
        )
    if any(s is not None for s in splits):
        for part in ("train", "test"):
            present = {lab for lab, s in zip(labels, splits, strict=True) if s == part}
            if present != set(classes):
                raise DataError(
                    f"The zip's {part}/ folder lacks images of some class; every class needs images in "
                    "both train/ and test/ (or leave out the split and let the app hold out a test set)."
                )
    return classes


def read_image_zip(
    raw: bytes,
    positive: str | None = None,
    max_images: int = MAX_IMAGES,
    source: str = "images",
    budget: int | None = None,
) -> ImageSet:
    """The images of a zip of class folders (see the module docstring), decoded in memory.

    ``positive`` names the positive class folder of a two-class zip (default: see :func:`choose_positive`).
    Raises DataError with one sentence for an unsafe archive, no class folders, one class, a split
    without every class in both parts, more than ``max_images`` image files, or more pixels to decode
    than ``budget`` (default :data:`ZIP_PIXEL_BUDGET`, judged from the headers before decoding).
    """
    budget = ZIP_PIXEL_BUDGET if budget is None else budget
    check_zip(raw, IMAGE_ZIP_LIMITS, what="zip file")
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = [i.filename for i in archive.infolist() if not i.is_dir() and not _IGNORED.search(i.filename)]
        entries, loose = _layout(names)
        if not entries:
            raise DataError(
                "The zip has no class folders: put each class's images in its own top-level folder "
                "(for example NORMAL/ and PNEUMONIA/) and zip those folders."
            )
        if len(entries) > max_images:
            raise DataError(
                f"The zip holds {len(entries):,} files in class folders, more than the cap of "
                f"{max_images:,} images; send a smaller sample (a stratified subset keeps the class balance)."
            )
        result = _decode_all(archive, [e.name for e in entries], budget)
    _refuse_if_all_too_big(result)
    kept = [entries[i] for i in result.kept]
    labels = [e.label for e in kept]
    splits = [e.split for e in kept]
    classes = _check_classes(labels, splits)
    counts = Counter(labels)
    notices = []
    if len(classes) == 2:
        pos, why = choose_positive(classes, dict(counts), positive)
        classes = [c for c in classes if c != pos] + [pos]
        notices.append(f"Positive class: {pos} ({why}); the other folder is the negative class.")
    code = {c: i for i, c in enumerate(classes)}
    size, images, skipped = result.size, result.images, list(result.skipped)
    y = np.array([code[lab] for lab in labels], dtype=np.int64)
    is_test = np.array([s == "test" for s in splits]) if splits and splits[0] is not None else None
    notices += _skip_notices(result)
    if loose:
        notices.append(f"{len(loose)} file(s) outside any class folder were ignored: {_listed(loose)}.")
    if result.n_other:
        notices.append(
            f"{result.n_other} image(s) had another size than the most common one and were resized to "
            f"{size[1]} x {size[0]} pixels (width x height; aspect ratio not kept)."
        )
    if result.scaled:
        notices.append(f"Images were scaled down to {size[1]} x {size[0]} pixels to fit in memory.")
    if is_test is not None:
        notices.append(
            f"The zip's test/ folder ({int(is_test.sum())} images) is the hold-out; it is never resampled "
            "or fitted on."
        )
    return ImageSet(
        images=images,
        y=y,
        class_names=tuple(classes),
        names=tuple(e.name for e in kept),
        is_test=is_test,
        skipped=tuple(skipped),
        notices=tuple(notices),
        sha256=content_hash(images, y, is_test),
        source=source,
    )


def read_unlabelled_zip(
    raw: bytes, max_images: int = MAX_IMAGES, source: str = "images", budget: int | None = None
) -> ImageSet:
    """Every PNG/JPEG in a zip of new patients' images, any folders, no classes needed (for Predict).

    The same archive checks, decoding, skipping and resizing as :func:`read_image_zip`; ``y`` is all 0
    and ``class_names`` is ``("unlabelled",)``.
    """
    budget = ZIP_PIXEL_BUDGET if budget is None else budget
    check_zip(raw, IMAGE_ZIP_LIMITS, what="zip file")
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = [i.filename for i in archive.infolist() if not i.is_dir() and not _IGNORED.search(i.filename)]
        if len(names) > max_images:
            raise DataError(
                f"The zip holds {len(names):,} files, more than the cap of {max_images:,} images; "
                "send the images in smaller batches."
            )
        result = _decode_all(archive, names, budget)
    _refuse_if_all_too_big(result)
    if not result.kept:
        raise DataError("The zip holds no readable PNG or JPEG images; add the images and zip them again.")
    kept = [(names[i], None) for i in result.kept]
    images = result.images
    notices = _skip_notices(result)
    skipped = list(result.skipped)
    y = np.zeros(len(kept), dtype=np.int64)
    return ImageSet(
        images=images,
        y=y,
        class_names=("unlabelled",),
        names=tuple(n for n, _ in kept),
        is_test=None,
        skipped=tuple(skipped),
        notices=tuple(notices),
        sha256=content_hash(images, y, None),
        source=source,
    )


def write_image_zip(
    images: np.ndarray,
    labels: list[str],
    split: list[str] | None = None,
    fmt: str = "PNG",
) -> bytes:
    """A zip of class folders (``[split/]label/NNNNN.png``) built in memory; for tests, demos and export."""
    buffer = io.BytesIO()
    ext = "png" if fmt == "PNG" else "jpg"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i, (arr, label) in enumerate(zip(images, labels, strict=True)):
            img_bytes = io.BytesIO()
            a = np.asarray(arr, dtype=np.uint8)
            Image.fromarray(a[..., 0] if a.ndim == 3 and a.shape[2] == 1 else a).save(img_bytes, fmt)
            prefix = f"{split[i]}/" if split is not None else ""
            archive.writestr(f"{prefix}{label}/{i:05d}.{ext}", img_bytes.getvalue())
    return buffer.getvalue()
