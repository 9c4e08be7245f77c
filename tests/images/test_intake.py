"""Image zips: layouts, bad files named and skipped, sizes, classes, caps, unsafe archives."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from imbalance_core.errors import DataError
from imbalance_core.images.intake import read_image_zip
from tests.images.shapes import shape_images, shapes_zip


def _png(arr: np.ndarray, fmt: str = "PNG", mode: str | None = None) -> bytes:
    out = io.BytesIO()
    img = Image.fromarray(arr)
    if mode:
        img = img.convert(mode)
    img.save(out, fmt)
    return out.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_class_folders_read_with_counts_and_positive_rarer_class() -> None:
    images, _ = shape_images(10, 90)
    got = read_image_zip(shapes_zip(10, 90))
    assert got.class_counts == {"SQUARE": 90, "DISC": 10}
    assert got.class_names == ("SQUARE", "DISC")  # no healthy-looking name: the rarer class is positive
    assert got.is_test is None
    # pixels come back exactly (PNG is lossless); order follows the zip
    assert np.array_equal(got.images, images)
    assert got.y.tolist() == [1] * 10 + [0] * 90


def test_train_test_split_inside_a_wrapping_folder_is_the_hold_out() -> None:
    images, labels = shape_images(8, 32)
    files = {}
    for i, (arr, lab) in enumerate(zip(images, labels, strict=True)):
        part = "test" if i % 4 == 0 else "train"
        files[f"chest_xray/{part}/{lab}/{i}.png"] = _png(arr[..., 0])
    got = read_image_zip(_zip(files))
    assert got.is_test is not None and int(got.is_test.sum()) == 10
    assert [n.split("/")[1] == "test" for n in got.names] == got.is_test.tolist()


def test_normal_folder_makes_the_other_class_positive_even_when_rarer_or_not() -> None:
    grey = np.full((8, 8), 100, np.uint8)
    files = {f"NORMAL/{i}.png": _png(grey) for i in range(3)}
    files |= {f"PNEUMONIA/{i}.jpg": _png(grey, "JPEG") for i in range(6)}
    got = read_image_zip(_zip(files))
    assert got.class_names == ("NORMAL", "PNEUMONIA")
    assert got.class_counts == {"NORMAL": 3, "PNEUMONIA": 6}
    assert read_image_zip(_zip(files), positive="normal").class_names == ("PNEUMONIA", "NORMAL")


def test_bad_files_are_skipped_named_and_counted() -> None:
    grey = np.full((8, 8), 100, np.uint8)
    files = {f"A/{i}.png": _png(grey) for i in range(3)} | {f"B/{i}.png": _png(grey) for i in range(3)}
    files["A/notes.txt"] = b"not an image"
    files["B/broken.png"] = _png(grey)[:40]  # truncated
    files["B/pic.gif"] = _png(grey, "GIF")
    files["readme.md"] = b"top-level file"
    files["__MACOSX/A/._0.png"] = b"junk"
    got = read_image_zip(_zip(files))
    assert got.n_images == 6
    assert sorted(got.skipped) == ["A/notes.txt", "B/broken.png", "B/pic.gif"]
    text = " ".join(got.notices)
    assert "3 file(s) were skipped" in text and "B/broken.png" in text
    assert "1 file(s) outside any class folder" in text


def test_mixed_sizes_and_colour_are_resized_and_said() -> None:
    rng = np.random.default_rng(1)
    files = {f"A/{i}.png": _png(rng.integers(0, 255, (10, 12), dtype=np.uint8)) for i in range(4)}
    files["A/big.png"] = _png(rng.integers(0, 255, (30, 20), dtype=np.uint8))
    files["B/colour.png"] = _png(rng.integers(0, 255, (10, 12, 3), dtype=np.uint8))
    files["B/grey16.png"] = _png(rng.integers(0, 60000, (10, 12), dtype=np.uint16))
    got = read_image_zip(_zip(files))
    assert got.images.shape == (7, 10, 12, 3)
    assert any("1 image(s) had another size" in n and "12 x 10" in n for n in got.notices)


@pytest.mark.parametrize(
    ("files", "phrase"),
    [
        ({"a.png": b"x", "b.png": b"y"}, "no class folders"),
        ({"A/0.png": b"x"}, "no readable PNG or JPEG"),
        ({"A/0.png": "img", "A/1.png": "img"}, "one class only"),
    ],
)
def test_refusals_are_sentences(files: dict, phrase: str) -> None:
    grey = _png(np.zeros((4, 4), np.uint8))
    raw = _zip({k: grey if v == "img" else v for k, v in files.items()})
    with pytest.raises(DataError, match=phrase):
        read_image_zip(raw)


def test_more_images_than_the_cap_is_refused_before_decoding() -> None:
    with pytest.raises(DataError, match="more than the cap of 50 images"):
        read_image_zip(shapes_zip(10, 50), max_images=50)


def test_a_split_missing_a_class_in_test_is_refused() -> None:
    grey = _png(np.zeros((4, 4), np.uint8))
    files = {"train/A/0.png": grey, "train/B/0.png": grey, "test/A/1.png": grey}
    with pytest.raises(DataError, match="test/ folder lacks images of some class"):
        read_image_zip(_zip(files))


def test_path_traversal_and_bombs_are_refused() -> None:
    grey = _png(np.zeros((4, 4), np.uint8))
    with pytest.raises(DataError, match=r"climbs out"):
        read_image_zip(_zip({"A/0.png": grey, "../B/1.png": grey}))
    bomb = _zip({"A/0.png": grey, "B/big.png": b"\0" * (50 << 20)})
    with pytest.raises(DataError, match="zip bomb"):
        read_image_zip(bomb)
    nested = _zip({"A/0.png": grey, "B/inner.zip": _zip({"x.png": grey})})
    with pytest.raises(DataError, match="another archive"):
        read_image_zip(nested)
    with pytest.raises(DataError, match="not a zip"):
        read_image_zip(b"hello")


def test_image_claiming_too_many_pixels_is_skipped_without_decoding() -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0))
    huge = b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    grey = _png(np.zeros((4, 4), np.uint8))
    got = read_image_zip(_zip({"A/0.png": grey, "A/huge.png": huge, "B/0.png": grey}))
    assert got.skipped == ("A/huge.png",)
