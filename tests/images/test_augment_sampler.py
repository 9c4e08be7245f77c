"""Augmentation as a registry sampler (``augment``, issue 29): only rare-class training-fold images are
changed (spy), tables refuse it in a sentence, Compare's worker processes can run it, and the saved model
records it and predicts without any image."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from imbalance_core.cli import main
from imbalance_core.errors import DataError
from imbalance_core.images import augment
from imbalance_core.images.features import image_table, prepare_images
from imbalance_core.images.intake import read_image_zip
from imbalance_core.intake.task import TaskSpec, prepare
from imbalance_core.learn.compare import run_grid
from imbalance_core.learn.training import TrainSettings, cv_plan, split_indices, train
from imbalance_core.share import model_file
from tests.helpers_training import hcv_numeric
from tests.images.shapes import shapes_zip

SETTINGS = TrainSettings(sampler="augment", ratio=0.5, cv=3, seed=1)


def test_the_settings_in_words_use_the_one_formatter() -> None:
    said = augment.AugmentSettings(max_shift=0.1, brightness=0.2, contrast=0.005).describe()
    # by hand: 0.1 -> "10.0 %", 0.2 -> "20.0 %", 0.005 -> "0.50 %" (two decimals below 1 %)
    assert "shift up to ±10.0 % of the side" in said and "brightness ±20.0 %" in said
    assert "contrast ±0.50 %" in said


@pytest.fixture(scope="module")
def split_set():
    """Discs (rare, positive) vs squares, with a test/ folder: the fixed hold-out."""
    return read_image_zip(shapes_zip(24, 120, side=16, split=True))


def test_spy_validation_folds_and_hold_out_are_never_augmented(split_set, monkeypatch) -> None:
    calls: list[np.ndarray] = []
    real = augment.augment_copies

    def spy(images, sources, rng, settings):
        calls.append(np.asarray(sources).copy())
        return real(images, sources, rng, settings)

    monkeypatch.setattr(augment, "augment_copies", spy)
    data = prepare_images(split_set, "pixels")
    result = train(data, SETTINGS, scheduler="")
    train_idx, test_idx = split_indices(data, SETTINGS)
    np.testing.assert_array_equal(np.flatnonzero(split_set.is_test), test_idx)
    folds = cv_plan(data, SETTINGS, train_idx)
    fits = [fit for fit, _ in folds] + [train_idx]
    assert len(calls) == len(fits) == SETTINGS.cv + 1
    positive = np.flatnonzero(data.y == 1)
    for sources, fit in zip(calls, fits, strict=True):
        assert set(sources) <= set(fit) & set(positive), (
            "augmented an image outside the fit part's rare class"
        )
        assert not set(sources) & set(test_idx), "augmented a hold-out image"
        n_pos, n_neg = int((data.y[fit] == 1).sum()), int((data.y[fit] == 0).sum())
        assert len(sources) == int(n_neg * 0.5) - n_pos  # imbalanced-learn's rounding of the ratio
    for sources, (_, valid) in zip(calls, folds, strict=False):
        assert not set(sources) & set(valid), "augmented a validation image"
    neg, pos = data.class_names
    assert result.resampled_counts[pos] == int(result.train_counts[neg] * 0.5)
    assert any("Augmentation added" in n and "no flip" in n for n in result.notices)


def test_augmented_rows_are_features_of_changed_images_not_copies(split_set) -> None:
    data = prepare_images(split_set, "pixels")
    fit = np.flatnonzero(~split_set.is_test)
    X, y = data.X.to_numpy()[fit], data.y[fit]
    new_X, new_y, _ = augment.augment_rows(X, y, {1: int((y == 0).sum())}, seed=0)
    assert len(new_y) == int((y == 0).sum()) - int((y == 1).sum()) and set(new_y) == {1}
    seen = {row.tobytes() for row in X}
    assert sum(row.tobytes() in seen for row in new_X) < len(new_X) // 10


def test_tables_refuse_augmentation_in_a_sentence() -> None:
    with pytest.raises(DataError, match="image data only"):
        train(hcv_numeric(), dataclasses.replace(SETTINGS, cv=3), scheduler="")


def test_compare_grid_runs_augment_in_worker_processes(split_set) -> None:
    table = image_table(split_set, "pixels", "split.zip")
    data = prepare(table, TaskSpec(label="class", positive=("DISC",)))
    grid = run_grid(data, ["none", "augment"], ["logreg"], TrainSettings(cv=3, ratio=0.5), n_jobs=2)
    rows = {r.sampler: r for r in grid.rows}
    assert set(rows) == {"none", "augment"}
    assert rows["augment"].error is None, rows["augment"].error
    local = train(data, TrainSettings(sampler="augment", cv=3, ratio=0.5), scheduler="")
    assert np.isclose(rows["augment"].cv["roc_auc"].mean, local.cv_summary["roc_auc"].mean)
    assert rows["augment"].tp + rows["augment"].fn == int(split_set.is_test[split_set.y == 1].sum())


def test_saved_model_records_augmentation_and_predicts_without_images(tmp_path: Path, capsys) -> None:
    zip_path = tmp_path / "train.zip"
    zip_path.write_bytes(shapes_zip(12, 60, side=16))
    model = tmp_path / "m.skops"
    argv = ["evaluate", str(zip_path), "--label", "class", "--sampler", "augment", "--ratio", "0.5"]
    assert main([*argv, "--classifier", "logreg", "--cv", "3", "--json", "--model-out", str(model)]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["settings"]["sampler"] == "augment"
    augment._SOURCES.clear()  # no image set anywhere in this process now
    saved = model_file.load_model(str(model))
    assert saved.metadata.settings["sampler"] == "augment"
    assert b"ImageSource" not in model.read_bytes()
    new = tmp_path / "new.zip"
    new.write_bytes(shapes_zip(3, 3, side=16, seed=4))
    assert main(["predict", str(model), str(new), "--out", str(tmp_path / "p.csv")]) == 0


def test_cli_augment_settings_reach_the_sampler(tmp_path: Path, capsys) -> None:
    zip_path = tmp_path / "train.zip"
    zip_path.write_bytes(shapes_zip(12, 48, side=16))
    argv = ["evaluate", str(zip_path), "--label", "class", "--sampler", "augment", "--classifier", "logreg"]
    argv += ["--cv", "2", "--extractor", "pixels", "--augment-rotation", "0", "--augment-flip", "--json"]
    capsys.readouterr()
    assert main(argv) == 0, capsys.readouterr().err
    notices = json.loads(capsys.readouterr().out)["notices"]
    assert any("rotation up to ±0°" in n and "horizontal flips" in n for n in notices)
    assert main([*argv[:-1], "--augment-shift", "0.9"]) == 2
    assert "--augment-shift" in capsys.readouterr().err
