"""Issue 23: a twin for every view. The Train, Compare, Report and Predict pages print their equivalent
command; each printed line is run through the CLI here and its JSON (or CSV) compared with the page.
``evaluate --json`` carries 95 % Wilson intervals of every hold-out proportion (checked against statsmodels).
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint
from streamlit.testing.v1 import AppTest

from imbalance_core import cli
from imbalance_core.evaluation.thresholds import pick_youden
from imbalance_core.share import model_file
from pages import session_state

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _click(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception


def _command(at: AppTest, sub: str) -> list[str]:
    lines = [c.value for c in at.code if c.value.startswith("python -m imbalance_core")]
    # the Train page's internal-validation section prints its own line (--validation ...; its own test)
    lines = [line for line in lines if " --validation " not in line]
    assert len(lines) == 1, lines
    argv = shlex.split(lines[0])
    assert argv[:4] == ["python", "-m", "imbalance_core", sub]
    return argv[3:]


def _run(argv: list[str], capsys) -> str:
    capsys.readouterr()
    assert cli.main(argv) == 0
    return capsys.readouterr().out


@pytest.fixture(scope="module")
def trained() -> AppTest:
    """The bundled HCV task, SMOTE + logistic regression trained on the Train page (3 folds)."""
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    _go(at, "pages/train.py")
    at.number_input(key="train_cv").set_value(3).run()
    at.selectbox(key="train_sampler").set_value("smote").run()
    _click(at, "Train")
    return at


def test_train_page_twin_is_evaluate_with_the_pages_numbers(trained, capsys):
    out = json.loads(_run(_command(trained, "evaluate"), capsys))
    result = trained.session_state[session_state.K_TRAIN_RESULT]
    t = pick_youden(result.y_train, result.oof_scores).threshold
    assert out["threshold"] == t and out["threshold_origin"].startswith("default: Youden")
    test = out["test"]
    assert any(
        f"TP {test['tp']}   FN {test['fn']}   FP {test['fp']}   TN {test['tn']}" in x.value
        for x in trained.text
    )
    cv = trained.dataframe[0].value.set_index("Measure")
    for key, name in (("roc_auc", "ROC AUC"), ("brier", "Brier score"), ("sensitivity", "Sensitivity")):
        assert cv.loc[name, "Mean ± sd"] == f"{out['cv'][key]['mean']:.3f} ± {out['cv'][key]['sd']:.3f}"
    for key, (k, n) in {
        "sensitivity": (test["tp"], test["tp"] + test["fn"]),
        "specificity": (test["tn"], test["tn"] + test["fp"]),
        "ppv": (test["tp"], test["tp"] + test["fp"]),
        "npv": (test["tn"], test["tn"] + test["fn"]),
        "accuracy": (test["tp"] + test["tn"], test["n"]),
    }.items():
        lo, hi = proportion_confint(k, n, method="wilson")
        got = test["intervals"][key]
        assert (got["lo"], got["hi"]) == (pytest.approx(lo), pytest.approx(hi)), key
        assert got["value"] == pytest.approx(test[key]) and got["method"] == "Wilson"


def test_compare_page_twin_is_compare_with_the_pages_rows(trained, capsys):
    _go(trained, "pages/compare.py")
    trained.number_input(key="compare_cv").set_value(3).run()
    trained.multiselect(key="compare_samplers").set_value(["none", "random_under"]).run()
    _click(trained, "Compare")
    lines = [json.loads(x) for x in _run(_command(trained, "compare"), capsys).splitlines() if x.strip()]
    table = trained.dataframe[2].value  # the hold-out tab (issue 26)
    shown = trained.session_state[session_state.K_COMPARE_RESULT]
    assert len(lines) == len(shown.rows) == 2
    for row, line in zip(shown.rows, lines, strict=True):
        assert (line["sampler"], line["classifier"]) == (row.sampler, row.classifier)
        page = table[table["Sampler"] == row.label.split(" + ")[0]].iloc[0]
        assert (
            line["threshold"] == pytest.approx(page["Threshold"], abs=0)
            and line["threshold"] == row.threshold
        )
        assert [line["test"][k] for k in ("tp", "tn", "fp", "fn")] == [
            page[k] for k in ("TP", "TN", "FP", "FN")
        ]
        assert line["cv"]["sensitivity"]["mean"] == pytest.approx(row.cv["sensitivity"].mean)
    # one threshold typed on the page: the command carries it, and the rows follow
    trained.radio(key="compare_threshold_mode").set_value("set").run()
    trained.number_input(key="compare_threshold").set_value(0.3).run()
    argv = _command(trained, "compare")
    assert argv[argv.index("--threshold") + 1] == "0.3"
    lines = [json.loads(x) for x in _run(argv, capsys).splitlines() if x.strip()]
    table = trained.dataframe[2].value  # the hold-out tab (issue 26)
    for line in lines:
        assert line["threshold"] == 0.3
        assert line["test"]["tp"] in set(table["TP"])


def test_report_page_twin_is_report_with_the_pages_numbers(trained, capsys, tmp_path):
    _go(trained, "pages/report.py")
    argv = _command(trained, "report")
    argv[argv.index("--out") + 1] = str(tmp_path / "report.pdf")
    out = json.loads(_run(argv, capsys))
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    result = trained.session_state[session_state.K_TRAIN_RESULT]
    assert out["threshold"] == pick_youden(result.y_train, result.oof_scores).threshold
    for element in trained.table:
        frame = element.value
        if frame.index.name == "Measure":
            acc = frame.reset_index().set_index("Measure")["Value (95 % CI)"]
            break
    else:
        raise AssertionError("no accuracy table")
    squash = lambda text: re.sub(r"[\s\\]", "", text)  # noqa: E731
    for key, name in (("sensitivity", "Sensitivity"), ("specificity", "Specificity"), ("npv", "NPV")):
        if name in acc.index:
            assert squash(acc[name]) == squash(out["numbers"][key]), key


def test_predict_page_twin_writes_the_pages_predictions(trained, capsys, tmp_path, monkeypatch):
    data = trained.session_state[session_state.K_PREPARED]
    result = trained.session_state[session_state.K_TRAIN_RESULT]
    patients = data.X.iloc[result.test_index[:15]].reset_index(drop=True)
    _go(trained, "pages/predict.py")
    trained.file_uploader(key="pred_patients").set_value(
        ("new patients.csv", patients.to_csv(index=False).encode(), "text/csv")
    ).run()
    assert not trained.exception, trained.exception
    page = trained.dataframe[-1].value
    argv = _command(trained, "predict")
    assert argv[1:3] == ["model.skops", "new patients.csv"]
    from pages.predict import K_SESSION_MODEL

    saved = trained.session_state[K_SESSION_MODEL][1]
    (tmp_path / "model.skops").write_bytes(model_file.dumps(saved))
    (tmp_path / "new patients.csv").write_text(patients.to_csv(index=False))
    monkeypatch.chdir(tmp_path)
    _run(argv, capsys)
    written = pd.read_csv(tmp_path / "predictions.csv", comment="#")
    np.testing.assert_allclose(written["model_score"], page["model_score"], rtol=0, atol=1e-9)
    assert list(written["model_decision"].astype(str)) == list(page["model_decision"].astype(str))
