"""AppTest of the Compare page on the bundled HCV data: defaults, leaderboard, failed pairs, caching."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix
from streamlit.testing.v1 import AppTest

from imbalance_core.evaluation.thresholds import pick_youden
from pages import session_state

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def at() -> AppTest:
    """The app on the Compare page with 3 folds for speed."""
    app = AppTest.from_file(APP, default_timeout=300)
    app.run()
    app.switch_page("pages/compare.py")
    app.run()
    assert not app.exception
    app.number_input(key="compare_cv").set_value(3).run()
    return app


def _click_compare(at: AppTest) -> None:
    next(b for b in at.button if b.label == "Compare").click().run()
    assert not at.exception


def test_defaults_are_the_pneumonia_study_methods_with_logistic_regression(at):
    expected = ["none", "random_under", "smote", "borderline_smote"]
    assert at.multiselect(key="compare_samplers").value == expected
    assert at.multiselect(key="compare_classifiers").value == ["logreg"]
    assert not at.dataframe  # nothing runs before the button


def test_leaderboard_rows_failed_pair_and_cache(at):
    at.multiselect(key="compare_samplers").set_value(["none", "smote", "smoten"]).run()
    _click_compare(at)
    result = at.session_state[session_state.K_COMPARE_RESULT]
    main, board, table = (frame.value for frame in at.dataframe[:3])
    assert len(board) == 3 and len(table) == 2  # the failed pair has no hold-out line
    # the main table: the 2x2 beside PR AUC / ROC AUC / sensitivity / specificity, failed pair left out
    assert list(main.columns) == [
        "Rank", "Sampler", "Classifier", "cv_pr_auc_mean", "cv_roc_auc_mean",
        "Test Sensitivity", "Test Specificity", "TP", "FP", "FN", "TN",
    ]  # fmt: skip
    assert len(main) == 2
    best = max((row for row in result.rows if not row.error), key=lambda row: row.cv["pr_auc"].mean)
    said = (
        f"Best cross-validated PR AUC: {best.label}, {best.cv['pr_auc'].mean:.3f}; on the hold-out it misses"
    )
    captions = [c.value.replace("\\", "") for c in at.caption]  # plain_text.plain escapes punctuation
    assert any(c.startswith(said) and f"{best.fn} of {best.tp + best.fn} patients" in c for c in captions)
    assert {"CV ROC AUC", "CV PR AUC", "CV Sensitivity", "CV Specificity", "CV F1"} <= set(board.columns)
    holdout_columns = {"Sensitivity", "F1", "Balanced accuracy", "TP", "TN", "FP", "FN"}
    assert holdout_columns <= set(table.columns)
    # hold-out counts of each row agree with scikit-learn at that row's own default threshold
    for row in result.rows:
        if row.error:
            continue
        r = row.result
        t = pick_youden(r.y_train, r.oof_scores).threshold
        tn, fp, fn, tp = confusion_matrix(r.y_test, (r.test_scores >= t).astype(int)).ravel()
        line = table[table["Sampler"] == row.label.split(" + ")[0]].iloc[0]
        assert (line["TP"], line["TN"], line["FP"], line["FN"]) == (tp, tn, fp, fn)
        assert line["Threshold"] == pytest.approx(t)
    assert board["Rank"].isna().iloc[-1]  # the failed pair is listed last, unranked
    assert any("SMOTE-N" in e.value for e in at.error)
    assert at.get("plotly_chart")
    # a rerun with the same choices shows the stored result without running again
    at.run()
    assert at.session_state[session_state.K_COMPARE_RESULT] is result
    # no 0.5 anywhere until the person types a threshold
    assert not any(n.key == "compare_threshold" for n in at.number_input)
    at.radio(key="compare_threshold_mode").set_value("set").run()
    assert at.number_input(key="compare_threshold").value is None
    at.number_input(key="compare_threshold").set_value(0.2).run()
    shown = at.session_state[session_state.K_COMPARE_RESULT]
    assert shown.threshold == 0.2 and shown.rows[0].result is result.rows[0].result
    r = next(row for row in result.rows if row.error is None).result
    tn, fp, fn, tp = confusion_matrix(r.y_test, (r.test_scores >= 0.2).astype(int)).ravel()
    line = at.dataframe[2].value
    line = line[line["Sampler"] == "No resampling"].iloc[0]
    assert (line["TP"], line["TN"], line["FP"], line["FN"]) == (tp, tn, fp, fn)
    assert any("set by hand: 0.2000" in c.value for c in at.caption)


def test_rank_choice_reorders_the_table(at):
    at.multiselect(key="compare_samplers").set_value(["none", "random_under"]).run()
    _click_compare(at)
    result = at.session_state[session_state.K_COMPARE_RESULT]
    at.selectbox(key="compare_rank").set_value("roc_auc").run()
    table = at.dataframe[0].value
    best = max(result.rows, key=lambda r: r.cv["roc_auc"].mean)
    assert table.iloc[0]["Sampler"] == best.label.split(" + ")[0]


def test_grid_wide_problem_shows_the_sentence_and_keeps_data(at):
    """Only 6 positives and 10 folds: every pair is impossible, so the page shows the sentence."""
    data = at.session_state[session_state.K_PREPARED]
    keep = np.sort(np.concatenate([np.flatnonzero(data.y == 0)[:80], np.flatnonzero(data.y == 1)[:6]]))
    tiny = dataclasses.replace(data, X=data.X.iloc[keep].reset_index(drop=True), y=data.y[keep])
    at.session_state[session_state.K_PREPARED] = tiny
    at.number_input(key="compare_cv").set_value(10).run()
    _click_compare(at)
    assert any("folds" in e.value for e in at.error)
    assert at.session_state[session_state.K_PREPARED] is tiny
    assert session_state.K_COMPARE_RESULT not in at.session_state


def test_tune_each_cell_tunes_every_pair_and_says_so_in_the_command(at):
    """Issue 27 item 3: 'Tune each cell' runs the Train page's search per pair, on its training part."""
    at.multiselect(key="compare_samplers").set_value(["none"]).run()
    at.toggle(key="compare_tune").set_value(True).run()
    _click_compare(at)
    result = at.session_state[session_state.K_COMPARE_RESULT]
    assert result.tune is not None and result.tune.seed == result.settings.seed
    (row,) = result.rows
    assert row.tuning is not None and row.result.settings.params == row.tuning.settings.params
    board = at.dataframe[1].value
    assert board["Tuned settings"].iloc[0] == row.tuning.chosen.label()
    command = next(c.value for c in at.code if "compare" in c.value)
    assert "--tune" in command.split()
