"""The disease is the positive class: folder names that read as healthy are never the positive (issue 29).

Layouts are built here as zips of class folders (flat, wrapped, with train/ + test/); the CLI's tabular path
(``evaluate FILE --label COL`` without ``--positive``) follows the same rule.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from imbalance_core.cli import main
from imbalance_core.images.intake import choose_positive, read_image_zip


def _png(value: int) -> bytes:
    buf = io.BytesIO()
    rng = np.random.default_rng(value)
    Image.fromarray(rng.integers(0, 255, (8, 8), dtype=np.uint8)).save(buf, "PNG")
    return buf.getvalue()


def _zip(counts: dict[str, int], prefix: str = "", split: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        k = 0
        for folder, n in counts.items():
            for i in range(n):
                part = ("test/" if i % 3 == 0 else "train/") if split else ""
                archive.writestr(f"{prefix}{part}{folder}/{i}.png", _png(k))
                k += 1
    return buf.getvalue()


@pytest.mark.parametrize(
    ("healthy", "disease"),
    [
        ("NORMAL", "PNEUMONIA"),
        ("healthy", "melanoma"),
        ("negative", "positive"),
        ("benign", "malignant"),
        ("no_finding", "Effusion"),
        ("No Finding", "Cardiomegaly"),
        ("nofinding", "Mass"),
        ("control", "glioma"),
    ],
)
@pytest.mark.parametrize("layout", ["flat", "wrapped", "split"])
def test_healthy_folder_is_never_positive_even_when_rarer(healthy: str, disease: str, layout: str) -> None:
    # The healthy folder is the rarer one (as in PneumoniaMNIST's training part): "rarest" would pick it.
    raw = _zip(
        {healthy: 6, disease: 12},
        prefix="chest_xray/" if layout == "wrapped" else "",
        split=layout == "split",
    )
    got = read_image_zip(raw)
    assert got.class_names == (healthy, disease)  # (negative, positive)
    assert got.class_counts[healthy] < got.class_counts[disease]
    said = [n for n in got.notices if n.startswith("Positive class")]
    assert len(said) == 1 and healthy in said[0] and "never the positive" in said[0]


def test_no_telling_name_takes_the_rarer_class_and_asks_to_check() -> None:
    got = read_image_zip(_zip({"SQUARE": 12, "DISC": 6}))
    assert got.class_names == ("SQUARE", "DISC")
    assert any("rarer class" in n and "check it" in n for n in got.notices)


def test_two_healthy_looking_names_fall_back_to_the_rarer() -> None:
    assert choose_positive(["normal", "benign"], {"normal": 10, "benign": 4}, None)[0] == "benign"


def test_disease_named_folder_wins_over_a_neutral_one() -> None:
    pos, why = choose_positive(["abnormal", "other"], {"abnormal": 20, "other": 5}, None)
    assert pos == "abnormal" and "reads as the disease" in why


def test_given_positive_wins_over_the_rule() -> None:
    got = read_image_zip(_zip({"NORMAL": 6, "PNEUMONIA": 12}), positive="normal")
    assert got.class_names == ("PNEUMONIA", "NORMAL")
    assert any("as chosen" in n for n in got.notices)


def _evaluate(path: Path, capsys, *extra: str) -> dict:
    capsys.readouterr()
    argv = ["evaluate", str(path), "--label", "class", "--sampler", "none", "--classifier", "logreg"]
    code = main([*argv, "--cv", "3", "--json", *extra])
    got = capsys.readouterr()
    assert code == 0, got.err
    return {"payload": json.loads(got.out), "err": got.err}


def test_cli_evaluate_zip_without_positive_takes_the_disease(tmp_path: Path, capsys) -> None:
    path = tmp_path / "xray.zip"
    path.write_bytes(_zip({"NORMAL": 12, "PNEUMONIA": 24}))
    out = _evaluate(path, capsys, "--extractor", "pixels")
    test = out["payload"]["test"]
    # The hold-out is 25 % stratified: 6 pneumonia are positives, 3 normal are negatives.
    assert test["tp"] + test["fn"] == 6
    assert out["payload"]["data"]["class_names"] == ["NORMAL", "PNEUMONIA"]  # (negative, positive)
    assert "'NORMAL' reads as no disease" in out["err"] and "--positive" in out["err"]


def test_cli_table_label_that_reads_healthy_is_not_positive(tmp_path: Path, capsys) -> None:
    rng = np.random.default_rng(0)
    n_normal, n_sick = 40, 80
    frame = pd.DataFrame(
        {
            "x": np.r_[rng.normal(0, 1, n_normal), rng.normal(1, 1, n_sick)],
            "class": ["normal"] * n_normal + ["sepsis"] * n_sick,
        }
    )
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    out = _evaluate(path, capsys)
    assert out["payload"]["test"]["tp"] + out["payload"]["test"]["fn"] == 20  # 25 % of the 80 sepsis
    # Given --positive still wins.
    again = _evaluate(path, capsys, "--positive", "normal")
    assert again["payload"]["test"]["tp"] + again["payload"]["test"]["fn"] == 10
