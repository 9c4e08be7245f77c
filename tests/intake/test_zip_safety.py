"""Zip safety (issue 18): crafted archives are refused with a sentence before skops or zipfile unpack them.

Each archive is built here byte by byte or with ``zipfile``; the expected verdicts follow from how it
is built (ratio, count, names, offsets), not from the checker.
"""

from __future__ import annotations

import io
import stat
import struct
import warnings
import zipfile

import numpy as np
import pytest
import skops.io as sio
from sklearn.ensemble import RandomForestClassifier

from imbalance_core.errors import DataError
from imbalance_core.intake.zip_safety import MODEL_LIMITS, ZipLimits, check_zip
from imbalance_core.share.model_file import load_model


def _zip(entries: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names; that is the point
        with zipfile.ZipFile(buf, "w", compression) as zf:
            for name, data in entries:
                zf.writestr(name, data)
    return buf.getvalue()


def test_a_real_model_file_passes():
    X, y = np.random.default_rng(0).random((300, 5)), np.arange(300) % 2
    raw = sio.dumps({"model": RandomForestClassifier(50, random_state=0).fit(X, y)})
    summary = check_zip(raw, MODEL_LIMITS, "model file")
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        assert summary.n_entries == len(zf.infolist())
        assert summary.total_bytes == sum(i.file_size for i in zf.infolist())


def test_zip_bomb_like_ratio_is_refused():
    raw = _zip([("schema.json", b"{}"), ("a.npy", bytes(20 << 20))], zipfile.ZIP_DEFLATED)
    assert len(raw) * 100 < 20 << 20  # the archive really inflates > 100x
    with pytest.raises(DataError, match="inflates more than 100 times"):
        check_zip(raw, MODEL_LIMITS, "model file")


def test_small_compressible_entries_do_not_trip_the_ratio():
    check_zip(_zip([("schema.json", b" " * 500_000)], zipfile.ZIP_DEFLATED))


def test_too_many_entries_is_refused_from_the_end_record():
    raw = _zip([(f"{i}.npy", b"") for i in range(101)])
    check_zip(raw, ZipLimits(max_entries=101))
    with pytest.raises(DataError, match="more than 100 entries"):
        check_zip(raw, ZipLimits(max_entries=100))


def test_total_size_limit():
    raw = _zip([("a.npy", b"x" * 3000), ("b.npy", b"y" * 3000)])
    with pytest.raises(DataError, match="unpack to more than"):
        check_zip(raw, ZipLimits(max_total_bytes=5000))


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("../evil.npy", "climbs out"),
        ("a/../../evil.npy", "climbs out"),
        ("a\\..\\..\\evil.npy", "climbs out"),
        ("/etc/evil.npy", "absolute path"),
        ("\\evil.npy", "absolute path"),
        ("C:evil.npy", "absolute path"),
    ],
)
def test_unsafe_names_are_refused(name, words):
    raw = _zip([("schema.json", b"{}"), (name, b"x")])
    with pytest.raises(DataError, match=words) as info:
        check_zip(raw, MODEL_LIMITS, "model file")
    assert name not in str(info.value)


def test_duplicate_names_are_refused():
    with pytest.raises(DataError, match="same name"):
        check_zip(_zip([("schema.json", b"{}"), ("schema.json", b"[]")]))


def test_overlapping_entries_are_refused():
    """Point the second directory record at the first entry's bytes (a non-recursive zip bomb)."""
    raw = bytearray(_zip([("a.npy", b"A" * 100), ("b.npy", b"B" * 100)]))
    second = raw.find(b"PK\x01\x02", raw.find(b"PK\x01\x02") + 4)
    raw[second + 42 : second + 46] = struct.pack("<I", 0)  # local header offset -> the first entry
    with pytest.raises(DataError, match="overlapping"):
        check_zip(bytes(raw))


def test_symbolic_links_are_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("link")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(DataError, match="symbolic link"):
        check_zip(buf.getvalue())


def test_nested_archives_need_depth():
    inner = _zip([("x.npy", b"x")])
    raw = _zip([("schema.json", b"{}"), ("data.bin", inner)])  # an archive under an innocent name
    with pytest.raises(DataError, match="another archive inside"):
        check_zip(raw)
    assert check_zip(raw, ZipLimits(max_depth=1)).n_entries == 3
    deeper = _zip([("inner.zip", raw)])
    with pytest.raises(DataError, match="another archive inside"):
        check_zip(deeper, ZipLimits(max_depth=1))


def test_not_a_zip_is_a_sentence():
    with pytest.raises(DataError, match="not a zip archive"):
        check_zip(b"hello")


def test_model_loading_refuses_a_crafted_archive_before_skops_reads_it(tmp_path):
    """A skops-looking file with a traversal entry: load_model says so (it passed through to skops before)."""
    X, y = np.random.default_rng(0).random((50, 3)), np.arange(50) % 2
    good = sio.dumps({"model": RandomForestClassifier(3, random_state=0).fit(X, y)})
    with zipfile.ZipFile(io.BytesIO(good)) as zf:
        entries = [(i.filename, zf.read(i)) for i in zf.infolist()]
    bad = _zip([*entries, ("../../outside.npy", b"x")])
    path = tmp_path / "model.skops"
    path.write_bytes(bad)
    with pytest.raises(DataError, match="The model file was refused: an entry name climbs out"):
        load_model(str(path))
    bomb = _zip([*entries, ("pad.npy", bytes(20 << 20))], zipfile.ZIP_DEFLATED)
    with pytest.raises(DataError, match="zip bomb"):
        load_model(bomb)
