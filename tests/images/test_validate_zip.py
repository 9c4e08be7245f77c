"""A saved image model validated on a labelled zip of class folders (issue 28 item 5): ``validate MODEL
new.zip`` and the Validate page report the CSV path's figures, checked against scikit-learn on the
model's own features of the same images; bad zips get a sentence."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from streamlit.testing.v1 import AppTest

from imbalance_core.cli import main
from imbalance_core.images.bundled import PNEUMONIAMNIST
from imbalance_core.images.extractors import compute_features
from imbalance_core.images.features import feature_names, image_table
from imbalance_core.images.intake import read_image_zip, write_image_zip
from imbalance_core.images.validation import read_new_images
from imbalance_core.intake.task import TaskSpec, prepare
from imbalance_core.learn import training
from imbalance_core.share import model_file
from imbalance_core.share import validate as core
from tests.conftest import SHARED

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("NORMAL", "PNEUMONIA")


def _pick(split: str, per_class: int, seed: int) -> tuple[np.ndarray, list[str]]:
    """``per_class`` PneumoniaMNIST images of each class from ``split`` of the shared file (the bundled copy
    of the same file when the shared folder is not there)."""
    shared = SHARED / "data" / "pneumoniamnist.npz"
    with np.load(shared if shared.is_file() else PNEUMONIAMNIST, allow_pickle=False) as d:
        x, y = d[f"{split}_images"], d[f"{split}_labels"].ravel()
    rng = np.random.default_rng(seed)
    rows = np.concatenate([rng.choice(np.flatnonzero(y == c), per_class, replace=False) for c in (0, 1)])
    return x[rows][..., None], [NAMES[int(c)] for c in y[rows]]


@pytest.fixture(scope="module")
def model_and_zip(tmp_path_factory: pytest.TempPathFactory):
    """A HOG + logistic regression model from 160 training images, and a zip of 60 test images."""
    images, labels = _pick("train", 80, 0)
    table = image_table(read_image_zip(write_image_zip(images, labels)), "hog", "dev.zip")
    data = prepare(table, TaskSpec(label="class", positive=("PNEUMONIA",)))
    result = training.train(data, training.TrainSettings(classifier="logreg", cv=3))
    saved = model_file.build_saved_model(result.pipeline, data, 0.5, "test", result.settings, result=result)
    new_images, new_labels = _pick("test", 30, 1)
    folder = tmp_path_factory.mktemp("validate_zip")
    (folder / "model.skops").write_bytes(model_file.dumps(saved))
    (folder / "new.zip").write_bytes(write_image_zip(new_images, new_labels, ["test"] * len(new_labels)))
    return folder, saved, new_images, np.array([NAMES.index(n) for n in new_labels])


def _reference(saved, images: np.ndarray) -> np.ndarray:
    """The model's risks on the images' HOG features, computed here without the zip path."""
    feats = compute_features(images, "hog")
    import pandas as pd

    frame = pd.DataFrame(feats.astype(float), columns=list(feature_names("hog", feats.shape[1])))
    return np.asarray(saved.scores(frame[list(saved.metadata.feature_names)]), dtype=float)


def test_labelled_zip_gives_the_csv_paths_figures(model_and_zip) -> None:
    folder, saved, images, y = model_and_zip
    new = read_new_images(saved, folder / "new.zip")
    np.testing.assert_array_equal(new.y, y)  # PNEUMONIA folders = 1, the model's positive class
    result = core.validate_labelled(saved, new, n_boot=30)
    risks = _reference(saved, images)
    assert result.figures.auc.value == pytest.approx(roc_auc_score(y, risks), abs=1e-12)
    t = result.figures.table
    assert (t.tp, t.fn) == (int(((risks >= 0.5) & (y == 1)).sum()), int(((risks < 0.5) & (y == 1)).sum()))
    assert (t.fp, t.tn) == (int(((risks >= 0.5) & (y == 0)).sum()), int(((risks < 0.5) & (y == 0)).sum()))
    assert any("class folders" in n and "'PNEUMONIA'" in n for n in new.notices)


def test_cli_validates_a_zip_without_label_flag(model_and_zip, capsys) -> None:
    folder, saved, images, y = model_and_zip
    code = main(["validate", str(folder / "model.skops"), str(folder / "new.zip"), "--json"])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    text = json.dumps(payload)
    assert "nan" not in text.lower().replace("nan_", "")
    aucs = [v for k, v in _walk(payload) if k == "auc" and isinstance(v, dict) and v.get("value") is not None]
    assert aucs and aucs[0]["value"] == pytest.approx(roc_auc_score(y, _reference(saved, images)), abs=1e-9)


def _walk(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from _walk(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v, key)


def test_bad_zips_get_one_sentence(model_and_zip, tmp_path: Path, capsys) -> None:
    folder, _saved, images, _ = model_and_zip
    model = str(folder / "model.skops")
    odd = tmp_path / "odd.zip"
    odd.write_bytes(write_image_zip(images[:6], ["a", "b"] * 3))
    assert main(["validate", model, str(odd), "--label", "class"]) == 2
    err = capsys.readouterr().err
    assert "not all in folders named like the model's classes (NORMAL, PNEUMONIA)" in err
    assert "Traceback" not in err
    assert main(["validate", model, str(folder / "new.zip"), "--positive", "NORMAL"]) == 2
    assert "validated with 'PNEUMONIA' as the positive class" in capsys.readouterr().err
    assert main(["validate", model, str(odd)]) == 0  # no class folders, no --label: an unlabelled batch
    assert "without outcomes" in capsys.readouterr().out


def test_validate_page_takes_a_zip_for_an_image_model(model_and_zip) -> None:
    folder, saved, images, y = model_and_zip
    at = AppTest.from_file(str(ROOT / "pages" / "validate.py"), default_timeout=240)
    at.run()
    raw_model = (folder / "model.skops").read_bytes()
    at.file_uploader(key="val_model_file").set_value(("m.skops", raw_model, "application/octet-stream")).run()
    raw_zip = (folder / "new.zip").read_bytes()
    at.file_uploader(key="val_new").set_value(("new.zip", raw_zip, "application/zip")).run()
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    figures = next(d.value for d in at.dataframe if "Development" in d.value.columns)
    auc = roc_auc_score(y, _reference(saved, images))
    assert figures[figures["Figure"] == "ROC AUC"].iloc[0]["This file"].startswith(f"{auc:.3f}")
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "class folder" in captions and f"ROC AUC {auc:.2f}" in captions
    assert "Of the 30 patients with the outcome" in captions and "nan" not in captions.lower()
    assert any("validate model.skops new.zip" in c.value for c in at.code)
