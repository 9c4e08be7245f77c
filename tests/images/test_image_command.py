"""The Threshold page's "Equivalent command" for image data runs and gives the page's numbers (issue 16):
same extractor (``--extractor``), same hold-out (the zip's test/ folder), same file argument."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from sklearn.metrics import confusion_matrix
from streamlit.testing.v1 import AppTest

from imbalance_core import cli
from imbalance_core.cli import command_lines
from imbalance_core.errors import DataError
from imbalance_core.images.features import image_table
from imbalance_core.images.intake import read_image_zip
from imbalance_core.intake.task import TaskSpec, prepare
from imbalance_core.learn.training import TrainSettings, train
from pages import image_view, session_state
from tests.images.shapes import shapes_zip

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "threshold.py")
SPEC = TaskSpec(label="class", positive=("DISC",))


def test_threshold_page_command_for_an_image_zip_reproduces_its_counts(tmp_path, monkeypatch, capsys):
    raw = shapes_zip(24, 72, side=16, seed=3, split=True)
    (tmp_path / "shapes.zip").write_bytes(raw)
    images = read_image_zip(raw)
    table = image_table(images, "hog", "shapes.zip")  # not the default extractor: the flag must say it
    data = prepare(table, SPEC)
    result = train(data, TrainSettings(classifier="logreg", cv=3, seed=4))
    threshold = float(sorted(result.test_scores)[len(result.test_scores) // 2])
    at = AppTest.from_file(PAGE, default_timeout=60)
    for key, value in (
        (session_state.K_TABLE, table),
        (session_state.K_SPEC, SPEC),
        (session_state.K_SOURCE, "upload:x"),
        (session_state.K_PREPARED, data),
        (image_view.K_IMAGES, ("upload:x", images, "hog")),
        (session_state.K_TRAIN_RESULT, result),
        (session_state.K_THRESHOLD, threshold),
    ):
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    argv = shlex.split(at.code[0].value)
    assert argv[:5] == ["python", "-m", "imbalance_core", "evaluate", "shapes.zip"]
    assert argv[argv.index("--extractor") + 1] == "hog"
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert cli.main([*argv[3:], "--json"]) == 0
    test = json.loads(capsys.readouterr().out)["test"]
    # Independent: scikit-learn's 2x2 table of the page's own hold-out scores at the committed threshold.
    tn, fp, fn, tp = confusion_matrix(result.y_test, result.test_scores >= threshold, labels=[0, 1]).ravel()
    assert [test[k] for k in ("tp", "fp", "tn", "fn")] == [tp, fp, tn, fn]
    assert tp + fn + fp + tn == int(images.is_test.sum())  # the zip's test/ folder, not a random 25 %


def test_bundled_images_are_named_by_their_cli_word_with_the_extractor() -> None:
    assert (
        command_lines.file_argument("images:pneumoniamnist", "PneumoniaMNIST (bundled)") == "pneumoniamnist"
    )
    line = command_lines.with_extractor("python -m imbalance_core evaluate pneumoniamnist", "pixels")
    assert line.endswith("evaluate pneumoniamnist --extractor pixels")
    assert command_lines.with_extractor("python -m imbalance_core evaluate a.csv", None).endswith("a.csv")


def test_extractor_on_a_table_is_refused_in_words(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,x\n2,y\n")
    argv = ["evaluate", str(path), "--label", "b", "--sampler", "none", "--classifier", "logreg"]
    assert cli.main([*argv, "--extractor", "hog"]) == 2
    with pytest.raises(DataError, match="--extractor applies to image zips"):
        from imbalance_core.cli.images import image_source_table

        image_source_table(str(path), "hog")
