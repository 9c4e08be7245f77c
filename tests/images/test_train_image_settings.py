"""Issue 29 leftovers: the augmentation settings chosen on the Train page reach the sampler, the saved
settings and the CLI line; duplicate image groups kept on one side of every split from the Data page's
toggle (spied split indices)."""

from __future__ import annotations

import shlex
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.cli import command_lines
from imbalance_core.cli.options import settings_from_args
from imbalance_core.errors import DataError
from imbalance_core.images import augment
from imbalance_core.images.audit import DUPLICATE_GROUPS
from imbalance_core.images.features import prepare_images
from imbalance_core.images.intake import read_image_zip, write_image_zip
from imbalance_core.learn import training
from pages import image_view, session_state
from pages.data import W_UPLOAD
from tests.images.shapes import shape_images, shapes_zip

ROOT = Path(__file__).resolve().parents[2]


def _spy_copies(monkeypatch: pytest.MonkeyPatch) -> list[augment.AugmentSettings]:
    """Record the settings every call of the one place images are changed receives."""
    seen: list[augment.AugmentSettings] = []
    real = augment.augment_copies

    def spy(images, sources, rng, settings):
        seen.append(settings)
        return real(images, sources, rng, settings)

    monkeypatch.setattr(augment, "augment_copies", spy)
    return seen


def test_train_settings_augment_overrides_the_image_sets_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _spy_copies(monkeypatch)
    data = prepare_images(read_image_zip(shapes_zip(8, 40, side=16)), "pixels")
    chosen = augment.AugmentSettings(max_rotation=30.0, max_shift=0.2, flip=True, brightness=0.3)
    settings = training.TrainSettings(sampler="augment", cv=2, augment=augment.settings_pairs(chosen))
    result = training.train(data, settings)
    assert seen and all(s == chosen for s in seen)  # every fold's and the final fit's copies
    assert any("horizontal flips" in n and "rotation up to ±30°" in n for n in result.notices)
    seen.clear()
    training.train(data, training.TrainSettings(sampler="augment", cv=2))  # () = the image set's own
    assert seen and all(s == augment.CHEST_XRAY for s in seen)


def test_bad_augmentation_settings_are_refused_in_a_sentence() -> None:
    with pytest.raises(DataError, match="Unknown augmentation setting"):
        augment.settings_with(augment.CHEST_XRAY, (("tilt", 3.0),))
    with pytest.raises(DataError, match=r"max_shift must lie between 0 and 0\.5"):
        augment.settings_with(augment.CHEST_XRAY, (("max_shift", 0.9),))
    same = augment.settings_with(augment.CHEST_XRAY, augment.settings_pairs(augment.CHEST_XRAY))
    assert same == augment.CHEST_XRAY


def test_command_line_carries_the_augmentation_and_parses_back() -> None:
    from imbalance_core.cli import build_parser

    chosen = augment.AugmentSettings(
        max_rotation=20.0, max_shift=0.1, flip=True, brightness=0.1, contrast=0.25
    )
    settings = training.TrainSettings(sampler="augment", augment=augment.settings_pairs(chosen))
    args = command_lines.training_args(settings)
    assert "--augment-rotation" in args and "--augment-contrast" in args and "--augment-flip" in args
    assert "--augment-shift" not in args and "--augment-brightness" not in args  # the defaults
    assert not any(a.startswith("--augment") for a in command_lines.training_args(training.TrainSettings()))
    line = command_lines.train_command("shapes.zip", _spec(), settings, None)
    parsed = build_parser().parse_args(shlex.split(line)[3:])
    back = settings_from_args(parsed, parsed.sampler, parsed.classifier)
    assert dict(back.augment) == dict(settings.augment)


def _spec():
    from imbalance_core.intake.task import TaskSpec

    return TaskSpec(label="class", positive=("DISC",))


def _state_from(at: AppTest) -> dict:
    keys = (
        session_state.K_TABLE,
        session_state.K_SPEC,
        session_state.K_SOURCE,
        session_state.K_PREPARED,
        image_view.K_IMAGES,
    )
    keys += (image_view.K_AUDIT, image_view.K_KEEP_DUPS)
    return {k: at.session_state[k] for k in keys if k in at.session_state}


def _upload(raw: bytes) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.selectbox(key=image_view.W_EXTRACTOR).set_value("pixels").run()
    at.file_uploader(key=W_UPLOAD).set_value(("dups.zip", raw, "application/zip")).run()
    assert not at.exception, at.exception
    return at


def _train_page(state: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "train.py"), default_timeout=240)
    for key, value in state.items():
        at.session_state[key] = value
    return at


def test_train_page_shows_augmentation_settings_for_images_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMBALANCE_LAB_TRAIN_WORKERS", "0")
    at = _train_page(_state_from(_upload(shapes_zip(8, 40, side=16))))
    at.run()
    assert not at.exception, at.exception
    assert not any(s.label.startswith("Largest rotation") for s in at.slider)
    at.selectbox(key="train_sampler").set_value("augment").run()
    assert not at.exception, at.exception
    rotation = next(s for s in at.slider if s.label.startswith("Largest rotation"))
    assert rotation.value == augment.CHEST_XRAY.max_rotation
    flip = next(t for t in at.toggle if t.label == "Horizontal flips")
    assert flip.value is False
    assert any("heart on the right" in c.value for c in at.caption)
    rotation.set_value(25.0).run()
    next(t for t in at.toggle if t.label == "Horizontal flips").set_value(True).run()
    assert not at.exception, at.exception
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception, at.exception
    trained = at.session_state[session_state.K_TRAIN_RESULT].settings
    assert dict(trained.augment)["max_rotation"] == 25.0 and dict(trained.augment)["flip"] is True
    commands = [c.value for c in at.code]
    assert any("--augment-rotation 25" in c and "--augment-flip" in c for c in commands), commands
    table = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    table.run()  # a table (the default data): no augmentation settings even with the sampler chosen
    table.switch_page("pages/train.py").run()
    table.selectbox(key="train_sampler").set_value("augment").run()
    assert not any(s.label.startswith("Largest rotation") for s in table.slider)


def _planted_duplicates() -> bytes:
    """Shapes without a test/ folder, six squares and four discs each with two slightly brighter copies
    (near duplicates: their features differ, so only the audit's groups can keep them together)."""
    images, labels = shape_images(14, 60, side=16, seed=5)
    extra = [i for i in range(4)] + [14 + i for i in range(6)]
    brighter = [np.clip(images[extra].astype(int) + d, 0, 255).astype(np.uint8) for d in (4, 8)]
    images = np.concatenate([images, *brighter])
    labels = labels + [labels[i] for i in extra] * 2
    return write_image_zip(images, labels)


def test_duplicate_groups_stay_on_one_side_of_every_split_from_the_data_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IMBALANCE_LAB_TRAIN_WORKERS", "0")  # train here, so the spies see the splits
    data_page = _upload(_planted_duplicates())
    toggle = data_page.toggle(key=image_view.W_KEEP_DUPS)
    assert toggle.value is True
    assert any(
        "10 groups of identical or nearly identical images (30 images)" in c.value for c in data_page.caption
    )
    state = _state_from(data_page)
    groups = state[session_state.K_PREPARED].groups[DUPLICATE_GROUPS]
    assert len(np.unique(groups)) == len(groups) - 20
    splits: list[tuple[np.ndarray, np.ndarray]] = []
    real_split, real_plan = training.split_indices, training.cv_plan

    def split_spy(data, settings):
        out = real_split(data, settings)
        splits.append(out)
        return out

    def plan_spy(data, settings, train_idx):
        out = real_plan(data, settings, train_idx)
        splits.extend(out)
        return out

    monkeypatch.setattr(training, "split_indices", split_spy)
    monkeypatch.setattr(training, "cv_plan", plan_spy)
    at = _train_page(state)
    at.run()
    at.number_input(key="train_cv").set_value(3).run()
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception, at.exception
    assert at.session_state[session_state.K_TRAIN_RESULT].settings.group_by == DUPLICATE_GROUPS
    assert len(splits) >= 4  # the hold-out and three folds
    for one, other in splits:
        assert not set(groups[one]) & set(groups[other])
    assert any("--group-by 'duplicate image group'" in c.value for c in at.code)
    # off: split by row, and the plain split does put some near copies on both sides for this seed
    data_page.toggle(key=image_view.W_KEEP_DUPS).set_value(False).run()
    assert any("flatters the test score" in w.value for w in data_page.warning)
    splits.clear()
    at = _train_page(_state_from(data_page))
    at.run()
    at.number_input(key="train_cv").set_value(3).run()
    next(b for b in at.button if b.label == "Train").click().run()
    assert at.session_state[session_state.K_TRAIN_RESULT].settings.group_by == ""
    assert any(set(groups[a]) & set(groups[b]) for a, b in splits)
