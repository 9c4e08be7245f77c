"""AppTest of the Train page on the bundled HCV data: settings, training, caching, messages."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix
from streamlit.testing.v1 import AppTest

from imbalance_core.evaluation.thresholds import pick_youden
from imbalance_core.learn.training import TrainSettings, train
from pages import session_state

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def at() -> AppTest:
    """The app switched to the Train page, with 3 folds for speed."""
    app = AppTest.from_file(APP, default_timeout=240)
    app.run()
    app.switch_page("pages/train.py")
    app.run()
    assert not app.exception
    app.number_input(key="train_cv").set_value(3).run()
    return app


def _click_train(at: AppTest) -> None:
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception


def test_page_offers_every_setting(at):
    assert at.title[0].value == "Train"
    labels = {w.label for w in at.selectbox}
    assert {"Resampling method", "Weighting", "Classifier"} <= labels
    assert at.select_slider(key="train_ratio").value == "1:1"
    assert at.select_slider(key="train_ratio").disabled  # "none" has no target ratio
    at.selectbox(key="train_sampler").set_value("smote").run()
    assert not at.select_slider(key="train_ratio").disabled
    at.selectbox(key="train_sampler").set_value("tomek").run()
    assert at.select_slider(key="train_ratio").disabled  # cleaning-only
    at.selectbox(key="train_weighting").set_value("tradeoff").run()
    assert at.slider(key="train_tradeoff").value == 0.5


def test_train_shows_cv_summary_counts_and_holdout(at):
    at.selectbox(key="train_sampler").set_value("smote").run()
    at.select_slider(key="train_ratio").set_value("1:2").run()
    _click_train(at)
    stored = at.session_state[session_state.K_TRAIN_RESULT]
    settings = at.session_state[session_state.K_TRAIN_SETTINGS]
    assert settings == TrainSettings(sampler="smote", ratio=0.5, cv=3)
    cv = at.dataframe[0].value
    assert list(cv["Measure"]) == [
        "ROC AUC",
        "PR AUC",
        "Brier score",
        "Sensitivity",
        "Specificity",
        "Balanced accuracy",
        "F1",
        "Accuracy",
    ]
    assert {"Mean ± sd", "Fold 1", "Fold 3"} <= set(cv.columns)
    # the page's numbers are the training module's, checked against scikit-learn here
    assert cv.loc[0, "Mean ± sd"] == (
        f"{stored.cv_summary['roc_auc'].mean:.3f} ± {stored.cv_summary['roc_auc'].sd:.3f}"
    )
    # the hold-out at the model's threshold (the default Youden pick), not at 0.5 (issue 23)
    t = pick_youden(stored.y_train, stored.oof_scores).threshold
    tn, fp, fn, tp = confusion_matrix(stored.y_test, (stored.test_scores >= t).astype(int)).ravel()
    assert any(f"TP {tp}   FN {fn}   FP {fp}   TN {tn}" in x.value for x in at.text)
    sens = next(m for m in at.metric if m.label == "Sensitivity")
    assert sens.value == f"{tp / (tp + fn):.3f}"
    # SMOTE at 1:2 raised the positives in the final fit to half the negatives
    neg, pos = stored.class_names
    assert stored.resampled_counts[pos] == -(-stored.train_counts[neg] // 2)
    # per-fold class counts (issue 26): every fold and the hold-out, counted here from the fold record
    folds = next(d.value for d in at.dataframe if "Part" in d.value.columns)
    assert list(folds["Part"]) == ["Fold 1", "Fold 2", "Fold 3", "Hold-out"]
    for i in range(3):
        inside = stored.oof_fold == i + 1
        assert folds.loc[i, "Train disease"] == int(stored.y_train[~inside].sum())
        assert folds.loc[i, "Judged disease"] == int(stored.y_train[inside].sum())
        assert folds.loc[i, "Train disease after"] == int(0.5 * int((stored.y_train[~inside] == 0).sum()))
    assert folds.loc[3, "Judged disease"] == int(stored.y_test.sum())
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert any(
        "training folds has" in c and "after SMOTE" not in c and "never resampled" in c for c in captions
    )
    assert not any("nan" in c.split() for c in captions)


def test_result_is_the_training_module_result_and_cached(at):
    _click_train(at)
    first = at.session_state[session_state.K_TRAIN_RESULT]
    alone = train(at.session_state[session_state.K_PREPARED], TrainSettings(cv=3))
    assert (first.test_scores == alone.test_scores).all()
    at.switch_page("pages/data.py").run()
    at.switch_page("pages/train.py").run()  # revisiting: no retrain, same object shown
    assert at.session_state[session_state.K_TRAIN_RESULT] is first
    assert at.number_input(key="train_cv").value == 3  # widgets come back with the trained settings
    assert len(at.dataframe) >= 1 and not at.info


def test_changed_settings_say_the_result_is_old(at):
    _click_train(at)
    at.number_input(key="train_seed").set_value(5).run()
    assert any("earlier settings" in i.value for i in at.info)


def test_impossible_setting_shows_the_sentence_and_keeps_the_old_result(at):
    _click_train(at)
    before = at.session_state[session_state.K_TRAIN_RESULT]
    at.selectbox(key="train_sampler").set_value("smoten").run()
    _click_train(at)
    assert any("SMOTE-N" in e.value for e in at.error)
    assert at.session_state[session_state.K_TRAIN_RESULT] is before
    assert session_state.K_PREPARED in at.session_state


def _few_positives(at: AppTest, n_positive: int) -> None:
    """Replace the session's data by HCV with only ``n_positive`` positives."""
    data = at.session_state[session_state.K_PREPARED]
    negatives, positives = np.flatnonzero(data.y == 0)[:100], np.flatnonzero(data.y == 1)[:n_positive]
    keep = np.sort(np.concatenate([negatives, positives]))
    at.session_state[session_state.K_PREPARED] = dataclasses.replace(
        data, X=data.X.iloc[keep].reset_index(drop=True), y=data.y[keep]
    )


def test_smote_family_warns_when_folds_hold_few_rare_patients(at):
    _few_positives(at, 8)  # about 8 x 0.75 x 2/3 = 4 positives per training fold
    at.selectbox(key="train_sampler").set_value("smote").run()
    assert any("cannot interpolate meaningfully" in w.value for w in at.warning)
    at.selectbox(key="train_sampler").set_value("random_over").run()  # copies need no neighbours
    assert not at.warning


def test_smote_with_three_positives_shows_the_sentence(at):
    _few_positives(at, 3)
    at.selectbox(key="train_sampler").set_value("smote").run()
    assert any("needs at" in w.value for w in at.warning)
    _click_train(at)
    assert at.error and "Traceback" not in at.error[0].value
    assert session_state.K_TRAIN_RESULT not in at.session_state


def test_irrelevant_choices_do_not_change_the_settings(at):
    at.selectbox(key="train_weighting").set_value("tradeoff").run()
    at.slider(key="train_tradeoff").set_value(0.8).run()
    at.selectbox(key="train_weighting").set_value("balanced").run()
    _click_train(at)
    settings = at.session_state[session_state.K_TRAIN_SETTINGS]
    assert settings == TrainSettings(weighting="balanced", cv=3)  # t and the ratio keep their defaults
