"""Image zips limited by pixels, not bytes (issue 31, item 5).

A 143 kB PNG of 7,000 x 7,000 pixels decodes to 49 M pixels; twelve of them took 2.4 GB because every
image was decoded at full size and kept until the last one was read. Now: a per-image cap and a
per-zip budget read from the headers before anything is decoded, and each image scaled down as soon
as it is decoded (JPEG already while decoding).
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from imbalance_core.errors import DataError
from imbalance_core.images import intake
from imbalance_core.images.intake import MAX_PIXELS, read_image_zip, read_unlabelled_zip


def _encode(arr: np.ndarray, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.fromarray(arr).save(out, fmt)
    return out.getvalue()


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def png_7000() -> bytes:
    """A real 7,000 x 7,000 grey PNG (49 M pixels; a small file, as in the audit)."""
    return _encode(np.zeros((7000, 7000), np.uint8))


def test_an_image_above_the_pixel_cap_is_skipped_from_its_header_and_said(png_7000, monkeypatch) -> None:
    assert MAX_PIXELS < 7000 * 7000 and len(png_7000) < 200_000
    decoded: list[int] = []
    original = Image.Image.load

    def counting_load(self):
        decoded.append(self.size[0] * self.size[1])
        return original(self)

    monkeypatch.setattr(Image.Image, "load", counting_load)
    small = _encode(np.full((20, 20), 90, np.uint8))
    got = read_image_zip(_zip({"A/0.png": small, "A/big.png": png_7000, "B/0.png": small, "B/1.png": small}))
    assert got.n_images == 3 and got.skipped == ("A/big.png",)
    assert any("larger than 36 million pixels" in n and "without being decoded" in n for n in got.notices)
    assert max(decoded) <= 400  # the 49 M-pixel image was never decoded


def test_a_zip_of_only_huge_images_is_refused_in_a_sentence(png_7000) -> None:
    with pytest.raises(DataError, match="larger than 36 million pixels each"):
        read_image_zip(_zip({"A/0.png": png_7000, "B/0.png": png_7000}))
    with pytest.raises(DataError, match="larger than 36 million pixels each"):
        read_unlabelled_zip(_zip({"x.png": png_7000}))


def test_a_zip_above_the_pixel_budget_is_refused_before_any_decoding(monkeypatch) -> None:
    img = _encode(np.full((300, 400), 50, np.uint8))  # 120,000 pixels each
    raw = _zip({f"{c}/{i}.png": img for c in "AB" for i in range(5)})  # 1.2 M pixels in all
    calls: list[int] = []
    monkeypatch.setattr(intake, "_decode", lambda *a, **k: calls.append(1))
    with pytest.raises(DataError, match=r"about 1 million pixels, more than the 1 million"):
        read_image_zip(raw, budget=1_000_000)
    with pytest.raises(DataError, match="more than the 1 million"):
        read_unlabelled_zip(raw, budget=1_000_000)
    assert not calls


def test_a_jpeg_is_decoded_at_reduced_scale_and_matches_a_full_decode() -> None:
    rng = np.random.default_rng(4)
    base = rng.integers(0, 255, (30, 40, 3), dtype=np.uint8)
    big = np.asarray(Image.fromarray(base).resize((4000, 3000), Image.Resampling.BILINEAR))
    jpeg = _encode(big, "JPEG")
    size = (168, 224)  # what the zip's most common size scales to
    assert intake._decoded_pixels("JPEG", 4000, 3000, size) == 500 * 375  # 1/8 scale: 64x fewer pixels
    assert intake._decoded_pixels("PNG", 4000, 3000, size) == 12_000_000
    fast = intake._decode(jpeg, size)
    full = intake._resize(intake._decode(jpeg), size)
    assert fast.shape == full.shape == (168, 224, 3)
    assert np.abs(fast.astype(int) - full.astype(int)).mean() < 4  # the same picture, up to rounding


def test_images_are_scaled_as_they_are_decoded_with_the_same_pixels_as_before() -> None:
    rng = np.random.default_rng(2)
    files = {f"A/{i}.png": _encode(rng.integers(0, 255, (300, 400), dtype=np.uint8)) for i in range(3)}
    files |= {f"B/{i}.png": _encode(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)) for i in range(3)}
    got = read_image_zip(_zip(files))
    assert got.images.shape == (6, 168, 224, 3)
    # independent: Pillow's own bilinear resize of each full image
    with zipfile.ZipFile(io.BytesIO(_zip(files))) as archive:
        for name, arr in zip(got.names, got.images, strict=True):
            img = Image.open(io.BytesIO(archive.read(name))).convert("RGB")
            expected = np.asarray(img.resize((224, 168), Image.Resampling.BILINEAR))
            np.testing.assert_array_equal(arr, expected)
    assert any("scaled down to 224 x 168" in n for n in got.notices)
