"""Issue 23 on the pages: every headline at the model's own threshold, and state that never goes stale.

On a 5 %-prevalence file (tests/fixtures/low_prevalence_readmission.csv) with Platt recalibration every
risk sits below 0.5: today's Train page read its hold-out tiles and CV table at 0.5 (sensitivity 0.000)
and its sidebar kept the previous model's threshold until the person navigated.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix
from streamlit.testing.v1 import AppTest

from imbalance_core.evaluation.thresholds import pick_youden
from pages import session_state
from pages.calibration_view import W_RECALIBRATE
from pages.data import W_UPLOAD

ROOT = Path(__file__).resolve().parents[2]
LOW = ROOT / "tests" / "fixtures" / "low_prevalence_readmission.csv"


def _app() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    app.run()
    assert not app.exception, app.exception
    return app


def _upload(at: AppTest, name: str, raw: bytes) -> None:
    at.file_uploader(key=W_UPLOAD).set_value((name, raw, "text/csv")).run()
    assert not at.exception, at.exception


def _to_train(at: AppTest) -> None:
    at.switch_page("pages/train.py")
    at.run()
    assert not at.exception, at.exception
    at.number_input(key="train_cv").set_value(3).run()


def _click(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception


def _sidebar_threshold(at: AppTest) -> str:
    return next(c.value for c in at.sidebar.caption if c.value.startswith("Threshold "))


@pytest.fixture(scope="module")
def trained() -> AppTest:
    """The low-prevalence file uploaded, then Platt-recalibrated logistic regression trained (3 folds)."""
    at = _app()
    _upload(at, LOW.name, LOW.read_bytes())
    assert at.session_state[session_state.K_PREPARED].positive_name == "yes"
    _to_train(at)
    at.selectbox(key=W_RECALIBRATE).set_value("platt").run()
    _click(at, "Train")
    return at


def test_train_tiles_are_at_the_models_threshold_not_half(trained: AppTest) -> None:
    result = trained.session_state[session_state.K_TRAIN_RESULT]
    assert result.test_scores.max() < 0.5  # at 0.5 nobody would be found
    t = pick_youden(result.y_train, result.oof_scores).threshold  # independent: the Youden pick
    assert any(h.value == f"Hold-out test set at threshold {t:.4f}" for h in trained.subheader)
    tn, fp, fn, tp = confusion_matrix(result.y_test, (result.test_scores >= t).astype(int)).ravel()
    assert tp > 0
    assert any(f"TP {tp}   FN {fn}   FP {fp}   TN {tn}" in x.value for x in trained.text)
    sens = next(m for m in trained.metric if m.label == "Sensitivity")
    assert sens.value == f"{tp / (tp + fn):.3f}" and float(sens.value) > 0
    assert not any("threshold 0.5" in h.value for h in trained.subheader)


def test_cv_table_is_threshold_free_plus_fold_measures_at_the_threshold(trained: AppTest) -> None:
    result = trained.session_state[session_state.K_TRAIN_RESULT]
    t = pick_youden(result.y_train, result.oof_scores).threshold
    cv = trained.dataframe[0].value
    assert list(cv["Measure"][:3]) == ["ROC AUC", "PR AUC", "Brier score"]
    assert list(cv["At"][:3]) == ["any threshold"] * 3
    sens_row = cv[cv["Measure"] == "Sensitivity"].iloc[0]
    per_fold = []
    for k in (1, 2, 3):
        inside = result.oof_fold == k
        y, s = result.y_train[inside], result.oof_scores[inside]
        per_fold.append(((s >= t) & (y == 1)).sum() / (y == 1).sum())
        assert sens_row[f"Fold {k}"] == pytest.approx(per_fold[-1], abs=5e-4)
    assert sens_row["Mean ± sd"] == f"{np.mean(per_fold):.3f} ± {np.std(per_fold, ddof=1):.3f}"
    assert np.mean(per_fold) > 0.1
    captions = " ".join(c.value for c in trained.caption)
    assert f"{t:.4f}" in captions and "flattering" in captions


def test_sidebar_shows_the_new_models_threshold_in_the_training_run(trained: AppTest) -> None:
    result = trained.session_state[session_state.K_TRAIN_RESULT]
    t = pick_youden(result.y_train, result.oof_scores).threshold
    assert _sidebar_threshold(trained).replace("\\", "").startswith(f"Threshold {t:.4f} · default: Youden")
    assert any(x.value.startswith("Model: none + logreg") for x in trained.sidebar.text)


def test_sidebar_follows_a_retrain_in_the_same_run() -> None:
    at = _app()
    _to_train(at)
    _click(at, "Train")
    first = _sidebar_threshold(at)
    at.selectbox(key="train_classifier").set_value("random_forest").run()
    _click(at, "Train")
    result = at.session_state[session_state.K_TRAIN_RESULT]
    t = pick_youden(result.y_train, result.oof_scores).threshold
    assert _sidebar_threshold(at).startswith(f"Threshold {t:.4f}")
    assert _sidebar_threshold(at) != first
    assert len([c for c in at.sidebar.caption if c.value.startswith("Threshold ")]) == 1


def test_compare_rows_inherit_platt_and_are_each_at_their_own_threshold(trained: AppTest) -> None:
    trained.switch_page("pages/compare.py")
    trained.run()
    trained.number_input(key="compare_cv").set_value(3).run()
    trained.multiselect(key="compare_samplers").set_value(["none", "random_under"]).run()
    _click(trained, "Compare")
    shown = trained.session_state[session_state.K_COMPARE_RESULT]
    assert shown.settings.recalibrate == "platt" and shown.threshold is None
    table = trained.dataframe[2].value  # the hold-out tab (issue 26)
    for row in shown.rows:
        r = row.result
        t = pick_youden(r.y_train, r.oof_scores).threshold
        line = table[table["Sampler"] == row.label.split(" + ")[0]].iloc[0]
        tp = int(((r.test_scores >= t) & (r.y_test == 1)).sum())
        assert line["Threshold"] == pytest.approx(t) and line["TP"] == tp > 0
        assert line["Sensitivity"] > 0
    captions = " ".join(c.value for c in trained.caption)
    assert "own default threshold" in captions and "threshold 0.5" not in captions


def test_pdf_leaderboard_is_at_the_threshold_set_on_compare(trained: AppTest) -> None:
    import io
    import re

    from pypdf import PdfReader

    from pages.report import K_EXPORTS

    trained.switch_page("pages/compare.py")
    trained.run()
    trained.radio(key="compare_threshold_mode").set_value("set").run()
    trained.number_input(key="compare_threshold").set_value(0.05).run()
    trained.switch_page("pages/report.py")
    trained.run()
    assert not trained.exception, trained.exception
    trained.button(key="rep_prepare").click().run()
    assert not trained.exception, trained.exception
    pdf = trained.session_state[K_EXPORTS]["pdf"]
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "set by hand: 0.0500" in text
    assert "grid's threshold" not in text and "threshold 0.5" not in text
    assert "Fold metrics use the threshold 0.5" not in text


def test_platt_carried_to_a_file_it_cannot_fit_is_reset_with_a_sentence(trained: AppTest) -> None:
    frame = pd.read_csv(LOW, dtype=str, keep_default_na=False)
    few = pd.concat([frame[frame.readmitted_30 == "yes"].head(12), frame[frame.readmitted_30 == "no"]])
    trained.switch_page("pages/data.py")
    trained.run()
    _upload(trained, "few_events.csv", few.to_csv(index=False).encode())
    _to_train(trained)
    infos = " ".join(i.value for i in trained.info)
    assert "Recalibration (Platt (logistic)) needs at least 10 patients" in infos
    assert trained.selectbox(key=W_RECALIBRATE).value == "none"
    # chosen again by hand: refused before training, with the same sentence
    trained.selectbox(key=W_RECALIBRATE).set_value("platt").run()
    _click(trained, "Train")
    assert any("Not trained: Recalibration (Platt" in e.value.replace("\\", "") for e in trained.error)
    assert session_state.K_TRAIN_RESULT not in trained.session_state
