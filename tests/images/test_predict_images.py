"""``predict MODEL new.zip``: a table a person reads (file, [class], score, decision), features only on
request, and a labelled zip judged like a hold-out (issue 29)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn.metrics import roc_auc_score
from statsmodels.stats.proportion import proportion_confint

from imbalance_core.cli import main
from imbalance_core.images.extractors import compute_features
from imbalance_core.share import model_file
from tests.images.shapes import shape_images, shapes_zip


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("model")
    zip_path = folder / "train.zip"
    zip_path.write_bytes(shapes_zip(16, 48, side=16))
    path = folder / "m.skops"
    argv = ["evaluate", str(zip_path), "--label", "class", "--sampler", "none", "--classifier", "logreg"]
    assert main([*argv, "--cv", "3", "--threshold", "0.4", "--model-out", str(path)]) == 0
    return path


def _zip(images: np.ndarray, paths: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for arr, name in zip(images, paths, strict=True):
            png = io.BytesIO()
            Image.fromarray(arr[..., 0]).save(png, "PNG")
            archive.writestr(name, png.getvalue())
    return buffer.getvalue()


def _predict(model: Path, tmp_path: Path, raw: bytes, capsys, *extra: str) -> tuple[pd.DataFrame, str]:
    path = tmp_path / "new.zip"
    path.write_bytes(raw)
    out = tmp_path / "pred.csv"
    capsys.readouterr()
    code = main(["predict", str(model), str(path), "--out", str(out), *extra])
    got = capsys.readouterr()
    assert code == 0, got.err
    return pd.read_csv(out), got.out


def test_loose_images_give_file_score_decision_only(model: Path, tmp_path: Path, capsys) -> None:
    images, _ = shape_images(3, 3, side=16, seed=5)
    pred, _ = _predict(model, tmp_path, _zip(images, [f"p{i}.png" for i in range(6)]), capsys)
    assert list(pred.columns) == ["file", "score", "decision", "export_id"]
    saved = model_file.load_model(str(model))
    assert set(pred["decision"]) <= set(saved.metadata.class_names)
    called = pred["score"] >= saved.metadata.threshold
    assert (pred["decision"] == np.where(called, "DISC", "SQUARE")).all()


def test_folders_that_are_not_classes_are_given_but_not_judged(model: Path, tmp_path: Path, capsys) -> None:
    images, _ = shape_images(2, 2, side=16, seed=6)
    pred, out = _predict(model, tmp_path, _zip(images, [f"ward {i % 2}/p{i}.png" for i in range(4)]), capsys)
    assert list(pred.columns) == ["file", "class", "score", "decision", "export_id"]
    assert pred["class"].tolist() == ["ward 0", "ward 1", "ward 0", "ward 1"]
    assert "judged like a hold-out" not in out


def test_features_only_on_request(model: Path, tmp_path: Path, capsys) -> None:
    images, _ = shape_images(2, 2, side=16, seed=7)
    pred, _ = _predict(
        model, tmp_path, _zip(images, [f"p{i}.png" for i in range(4)]), capsys, "--with-features"
    )
    hog = [c for c in pred.columns if c.startswith("hog_")]
    assert list(pred.columns[:3]) == ["file", "score", "decision"] and len(hog) == 1764
    np.testing.assert_allclose(pred[hog].to_numpy(), compute_features(images, "hog"), atol=1e-6)


def test_labelled_zip_is_judged_like_a_hold_out(model: Path, tmp_path: Path, capsys) -> None:
    images, labels = shape_images(9, 21, side=16, seed=8)
    paths = [f"batch/test/{lab.lower()}/{i}.png" for i, lab in enumerate(labels)]  # any case, wrapped
    pred, out = _predict(model, tmp_path, _zip(images, paths), capsys)
    assert list(pred.columns) == ["file", "class", "score", "decision", "export_id"]
    threshold = model_file.load_model(str(model)).metadata.threshold
    y = (pred["class"] == "disc").to_numpy()
    called = (pred["score"] >= threshold).to_numpy()
    tp, fn = int((called & y).sum()), int((~called & y).sum())
    fp, tn = int((called & ~y).sum()), int((~called & ~y).sum())
    assert f"TP {tp}" in out and f"FN {fn}" in out and f"FP {fp}" in out and f"TN {tn}" in out
    lo, hi = proportion_confint(tp, tp + fn, method="wilson")
    assert f"sensitivity {tp / (tp + fn):.3f} (95 % CI {lo:.3f} to {hi:.3f})" in out
    lo, hi = proportion_confint(tn, tn + fp, method="wilson")
    assert f"specificity {tn / (tn + fp):.3f} (95 % CI {lo:.3f} to {hi:.3f})" in out
    assert f"ROC AUC {roc_auc_score(y, pred['score']):.3f}" in out
    assert "prevalence 30.0 %" in out  # 30 % of the images by construction, the one formatter's text
