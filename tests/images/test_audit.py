"""The shortcut and leakage audit on zips built here with planted shortcuts and duplicates (issue 29)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from imbalance_core.cli import main
from imbalance_core.images.audit import (
    DUPLICATE_GROUPS,
    audit_images,
    border_check,
    dhash,
    find_duplicates,
    property_check,
    with_duplicate_groups,
)
from imbalance_core.images.features import prepare_images
from imbalance_core.images.intake import read_image_zip
from imbalance_core.learn.training import TrainSettings, cv_plan, split_indices


def _smooth(rng: np.random.Generator, side: int = 32) -> np.ndarray:
    """A distinct smooth grey image: random 8 x 8 values scaled up bilinearly (dHash bits are stable)."""
    small = rng.integers(30, 220, (8, 8)).astype(np.uint8)
    return np.asarray(Image.fromarray(small).resize((side, side), Image.Resampling.BILINEAR))


def _zip(files: dict[str, np.ndarray], fmt: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, arr in files.items():
            png = io.BytesIO()
            Image.fromarray(arr).save(png, (fmt or {}).get(name, "PNG"))
            archive.writestr(name, png.getvalue())
    return buf.getvalue()


def _noise(rng: np.random.Generator, side: int) -> np.ndarray:
    return np.clip(rng.normal(110, 25, (side, side)), 0, 255).astype(np.uint8)


def test_dhash_ignores_brightness_and_tells_distinct_images_apart() -> None:
    rng = np.random.default_rng(0)
    a, b = _smooth(rng), _smooth(rng)
    brighter = np.clip(a.astype(int) + 6, 0, 255).astype(np.uint8)
    bits = dhash(np.stack([a, brighter, b])[..., None])
    assert bits.shape == (3, 256)
    assert (bits[0] != bits[1]).sum() <= 2
    assert (bits[0] != bits[2]).sum() > 60


def test_planted_duplicates_across_and_within_train_test_are_counted() -> None:
    rng = np.random.default_rng(1)
    files: dict[str, np.ndarray] = {}
    for part, n in (("train", 30), ("test", 12)):
        for cls in ("NORMAL", "PNEUMONIA"):
            for i in range(n):
                files[f"{part}/{cls}/{i}.png"] = _smooth(rng)
    # 3 exact copies of training images in test/, 2 brightened (near) copies, 2 exact pairs within train/.
    for i in range(3):
        files[f"test/PNEUMONIA/exact{i}.png"] = files[f"train/PNEUMONIA/{i}.png"]
    for i in range(2):
        brighter = np.clip(files[f"train/NORMAL/{i}.png"].astype(int) + 5, 0, 255).astype(np.uint8)
        files[f"test/NORMAL/near{i}.png"] = brighter
    for i in range(2):
        files[f"train/NORMAL/copy{i}.png"] = files[f"train/NORMAL/{10 + i}.png"]
    image_set = read_image_zip(_zip(files))
    dup = find_duplicates(image_set)
    assert dup.across == 5 and dup.test_with_train_twin == 5
    assert dup.within_train == 2 and dup.within_test == 0
    assert dup.exact_groups == 5 and dup.near_groups == 7 and dup.images_in_groups == 14
    result = audit_images(image_set, border=False)
    warn = [f for f in result.findings if f.check == "duplicates" and f.level == "warn"]
    assert any("5 group(s)" in f.sentence and "both train/ and test/" in f.sentence for f in warn)
    assert all(f.action for f in warn)


def test_duplicate_groups_stay_on_one_side_of_every_split_and_fold() -> None:
    rng = np.random.default_rng(2)
    files = {f"{c}/{i}.png": _smooth(rng) for c in ("NORMAL", "PNEUMONIA") for i in range(30)}
    for i in range(6):  # six images with two extra copies each
        for k in range(2):
            files[f"PNEUMONIA/dup{i}_{k}.png"] = files[f"PNEUMONIA/{i}.png"]
    image_set = read_image_zip(_zip(files))
    dup = find_duplicates(image_set)
    assert dup.near_groups == 6 and dup.images_in_groups == 18
    data = with_duplicate_groups(prepare_images(image_set, "pixels"), dup)
    groups = data.groups[DUPLICATE_GROUPS]
    settings = TrainSettings(cv=3, group_by=DUPLICATE_GROUPS)
    train_idx, test_idx = split_indices(data, settings)
    assert not set(groups[train_idx]) & set(groups[test_idx])
    for fit, valid in cv_plan(data, settings, train_idx):
        assert not set(groups[fit]) & set(groups[valid])


def test_classes_saved_at_different_sizes_are_flagged() -> None:
    rng = np.random.default_rng(3)
    files = {f"NORMAL/{i}.png": _noise(rng, 32) for i in range(30)}
    files |= {f"PNEUMONIA/{i}.png": _noise(rng, 48) for i in range(30)}
    raw = _zip(files)
    check = property_check(read_image_zip(raw), raw)
    assert check.auc > 0.9
    assert check.per_property["height"] == 1.0 and check.per_property["width"] == 1.0
    assert check.per_property["file format"] == 0.5
    finding = next(
        f for f in audit_images(read_image_zip(raw), raw, border=False).findings if f.check == "properties"
    )
    assert finding.level == "warn" and "alone tell the classes apart" in finding.sentence and finding.action


def test_jpeg_for_one_class_is_seen_and_same_storage_is_not_flagged() -> None:
    rng = np.random.default_rng(4)
    files = {f"NORMAL/{i}.png": _noise(rng, 32) for i in range(30)}
    files |= {f"PNEUMONIA/{i}.png": _noise(rng, 32) for i in range(30)}
    raw = _zip(files)
    same = property_check(read_image_zip(raw), raw)
    assert same.auc < 0.7
    formats = {name: ("JPEG" if name.startswith("PNEUMONIA") else "PNG") for name in files}
    raw_jpeg = _zip(files, formats)
    assert property_check(read_image_zip(raw_jpeg), raw_jpeg).per_property["file format"] == 1.0


def _marker_set(marker: bool) -> bytes:
    """Same noise in both classes; with ``marker`` a bright 4 x 4 corner square in PNEUMONIA images only,
    else PNEUMONIA differs by a brighter centre (the lungs), border alike."""
    rng = np.random.default_rng(5)
    files = {}
    for cls in ("NORMAL", "PNEUMONIA"):
        for i in range(40):
            img = _noise(rng, 32)
            if cls == "PNEUMONIA":
                if marker:
                    img[1:5, 1:5] = 255
                else:
                    img[10:22, 10:22] = np.clip(img[10:22, 10:22].astype(int) + 60, 0, 255)
            files[f"{cls}/{i}.png"] = img
    return _zip(files)


def test_corner_marker_is_found_by_the_border_check() -> None:
    check = border_check(read_image_zip(_marker_set(marker=True)), "pixels")
    assert check.border_auc > 0.9 and check.border_auc >= check.full_auc - 0.05
    result = audit_images(read_image_zip(_marker_set(marker=True)), extractor="pixels")
    finding = next(f for f in result.findings if f.check == "border")
    assert finding.level == "warn" and "markers" in finding.sentence and finding.action


def test_signal_in_the_centre_is_not_flagged_as_a_border_shortcut() -> None:
    check = border_check(read_image_zip(_marker_set(marker=False)), "pixels")
    assert check.full_auc > 0.9 and check.border_auc < 0.7
    result = audit_images(read_image_zip(_marker_set(marker=False)), extractor="pixels")
    assert next(f for f in result.findings if f.check == "border").level == "ok"


def test_cli_images_audit_json(tmp_path: Path, capsys) -> None:
    path = tmp_path / "marker.zip"
    path.write_bytes(_marker_set(marker=True))
    assert main(["images-audit", str(path), "--extractor", "pixels", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["n_images"] == 80
    assert {f["check"] for f in payload["findings"]} == {"duplicates", "properties", "border"}
    assert payload["border"]["border_auc"] > 0.9


@pytest.mark.parametrize("argv", [["images-audit", "missing.zip"], ["images-audit", "x.csv"]])
def test_cli_images_audit_bad_input_is_one_sentence(argv: list[str], tmp_path: Path, capsys) -> None:
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    argv = [argv[0], str(tmp_path / argv[1])]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1


def test_report_carries_the_audit_findings_with_what_to_do() -> None:
    from imbalance_core.learn.training import train
    from imbalance_core.share.report import ReportInputs, build_report_content

    image_set = read_image_zip(_marker_set(marker=True))
    audit = audit_images(image_set, extractor="pixels")
    data = prepare_images(image_set, "pixels")
    result = train(data, TrainSettings(cv=3), scheduler="")
    content = build_report_content(ReportInputs(data=data, result=result, threshold=0.5, audit=audit))
    table = content.table("Image audit: duplicates and shortcuts")
    assert [r[0] for r in table.rows] == [f.check for f in audit.findings]
    border = next(r for r in table.rows if r[0] == "border")
    assert "markers" in border[1] and border[2] != "—"


def test_cli_evaluate_keeps_duplicate_groups_together(tmp_path: Path, capsys) -> None:
    rng = np.random.default_rng(6)
    files = {f"{c}/{i}.png": _smooth(rng) for c in ("NORMAL", "PNEUMONIA") for i in range(24)}
    for i in range(4):
        files[f"PNEUMONIA/dup{i}.png"] = files[f"PNEUMONIA/{i}.png"]
    path = tmp_path / "dups.zip"
    path.write_bytes(_zip(files))
    argv = ["evaluate", str(path), "--label", "class", "--sampler", "none", "--classifier", "logreg"]
    argv += ["--extractor", "pixels", "--cv", "3", "--group-by", DUPLICATE_GROUPS, "--json"]
    capsys.readouterr()
    assert main(argv) == 0, capsys.readouterr().err
    payload = json.loads(capsys.readouterr().out)
    t = payload["test"]
    assert sum(payload["train_counts"].values()) + t["tp"] + t["fn"] + t["fp"] + t["tn"] == 52
