"""A zip's test/ folder is the hold-out on the pages' path too (issue 16): the feature table carries it,
``prepare`` keeps it, ``train`` (what the Train page runs) splits on it, and the Train page and the
report's method say so. The bundled PneumoniaMNIST then holds out exactly its 624 test images."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.errors import DataError
from imbalance_core.images.bundled import load_pneumoniamnist
from imbalance_core.images.features import image_table
from imbalance_core.images.intake import read_image_zip
from imbalance_core.intake.task import TaskSpec, prepare
from imbalance_core.learn.training import TrainSettings, split_indices, train
from imbalance_core.share.report import ReportInputs, build_report_content
from pages import image_view, plain_text, session_state
from tests.images.shapes import shapes_zip

ROOT = Path(__file__).resolve().parents[2]
SPEC = TaskSpec(label="class", positive=("DISC",))


def test_bundled_pneumoniamnist_on_the_pages_path_holds_out_its_624_test_images() -> None:
    images = load_pneumoniamnist()
    data = prepare(
        image_table(images, "pixels", "PneumoniaMNIST"), TaskSpec(label="class", positive=("PNEUMONIA",))
    )
    train_idx, test_idx = split_indices(data, TrainSettings(seed=7))
    expected = np.flatnonzero(images.is_test)  # independent: the npz's test arrays, counted by the loader
    assert np.array_equal(test_idx, expected) and len(test_idx) == 624
    assert np.bincount(data.y[test_idx]).tolist() == [234, 390]
    assert np.array_equal(np.sort(np.r_[train_idx, test_idx]), np.arange(len(data.y)))


def test_train_uses_the_test_folder_and_the_report_says_so() -> None:
    images = read_image_zip(shapes_zip(24, 72, side=16, split=True))
    data = prepare(image_table(images, "pixels", "shapes.zip"), SPEC)
    result = train(data, TrainSettings(classifier="logreg", cv=3, test_size=0.4))
    assert np.array_equal(result.test_index, np.flatnonzero(images.is_test))
    n_test, n_pos = int(images.is_test.sum()), int(images.y[images.is_test].sum())
    content = build_report_content(ReportInputs(data=data, result=result, threshold=0.5))
    rows = dict(next(t for s in content.sections for t in s.tables if t.title == "Method").rows)
    assert rows["Hold-out split"] == (
        f"the zip's test/ folder, {n_test} images ({n_test - n_pos} / {n_pos}), never resampled or augmented"
    )


def test_a_test_folder_without_one_class_is_refused_in_words() -> None:
    images = read_image_zip(shapes_zip(24, 72, side=16, split=True))
    data = prepare(image_table(images, "pixels", "shapes.zip"), SPEC)
    holdout = data.holdout & (data.y == 0)  # no disc in the hold-out
    with pytest.raises(DataError, match="hold-out of the zip's test/ folder does not hold every class"):
        split_indices(type(data)(**{**data.__dict__, "holdout": holdout}), TrainSettings())


def test_train_page_trains_on_the_test_folder_hold_out_and_says_so() -> None:
    images = read_image_zip(shapes_zip(24, 72, side=16, split=True))
    table = image_table(images, "pixels", "shapes.zip")
    at = AppTest.from_file(str(ROOT / "pages" / "train.py"), default_timeout=120)
    at.session_state[session_state.K_TABLE] = table
    at.session_state[session_state.K_SPEC] = SPEC
    at.session_state[session_state.K_SOURCE] = "upload:x"
    at.session_state[session_state.K_PREPARED] = prepare(table, SPEC)
    at.session_state[image_view.K_IMAGES] = ("upload:x", images, "pixels")
    at.run()
    assert not at.exception, at.exception
    at.number_input(key="train_cv").set_value(3).run()
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception, at.exception
    result = at.session_state[session_state.K_TRAIN_RESULT]
    assert np.array_equal(result.test_index, np.flatnonzero(images.is_test))
    n_test, n_pos = int(images.is_test.sum()), int(images.y[images.is_test].sum())
    said = f"Hold-out: the zip's test/ folder, {n_test} images ({n_test - n_pos} / {n_pos}), never resampled"
    assert sum(plain_text.plain(said) in c.value for c in at.caption) == 2, [c.value for c in at.caption]
