"""The report's likelihood ratios, post-test table and the picker's uncertainty band (issue 26)."""

from __future__ import annotations

import io
import math
import re

import numpy as np
import pytest
from pypdf import PdfReader
from sklearn.metrics import confusion_matrix

from imbalance_core.evaluation import thresholds
from imbalance_core.evaluation.formatting import percent
from imbalance_core.learn import training
from imbalance_core.share import report, report_likelihood
from tests.helpers_training import hcv

Z = 1.959963984540054
PICK = "top:10%"


@pytest.fixture(scope="module")
def built():
    data = hcv()
    settings = training.TrainSettings(sampler="smote", classifier="logreg", ratio=0.5, cv=3, seed=1)
    result = training.train(data, settings)
    pick = thresholds.run_pick(thresholds.parse_pick(PICK), result.y_train, result.oof_scores)
    inputs = report.ReportInputs(
        data=data, result=result, threshold=pick.threshold, threshold_reason=f"{pick.label}: {pick.reason}",
        prevalence=0.05, pretest=0.1, pick=PICK,
    )  # fmt: skip
    content = report.build_report_content(inputs)
    return result, pick, content, report.render_pdf(content)


def _section(content, words):
    return next(s for s in content.sections if words in s.title)


def test_lr_table_equals_the_hand_computation_on_the_holdout_counts(built):
    result, pick, content, _ = built
    pred = (result.test_scores >= pick.threshold).astype(int)
    tn, fp, fn, tp = (int(v) for v in confusion_matrix(result.y_test, pred, labels=[0, 1]).ravel())
    assert min(tp, fp, tn, fn) > 0
    sens, spec = tp / (tp + fn), tn / (tn + fp)
    lr_pos = sens / (1 - spec)
    se = math.sqrt(1 / tp - 1 / (tp + fn) + 1 / fp - 1 / (fp + tn))
    expected = f"{lr_pos:.3g} ({lr_pos * math.exp(-Z * se):.3g} to {lr_pos * math.exp(Z * se):.3g})"
    rows = content.table(report_likelihood.LR_TITLE).rows
    assert rows[0][1] == expected == content.key_numbers["lr_pos"]
    odds = 0.1 / 0.9 * lr_pos
    fagan = dict((r[0], r[1]) for r in content.table(report_likelihood.FAGAN_TITLE).rows)
    assert fagan["10.0 % (this report)"].startswith(f"{percent(odds / (1 + odds))} (")
    text = " ".join(_section(content, "Results on the hold-out set").paragraphs)
    assert "chance of disease is 10.0 % before the test, a positive result raises it to" in text
    assert percent(odds / (1 + odds)) in text and "chosen for this report" in text


def test_threshold_section_names_the_picker_and_its_band(built):
    result, pick, content, _ = built
    from imbalance_core.evaluation import threshold_uncertainty as tu

    unc = tu.threshold_uncertainty(
        result.y_train, result.oof_scores, result.y_test, result.test_scores, [thresholds.parse_pick(PICK)],
        prevalence=0.05, n_boot=tu.N_BOOT, seed=1,
    ).get("top")  # fmt: skip
    text = " ".join(_section(content, "Decision threshold").paragraphs)
    assert f"chosen by the picker {pick.label}, given as '{PICK}'" in text
    assert f"{unc.threshold_lo:.4g}–{unc.threshold_hi:.4g}" in text


def test_pdf_has_the_lr_tables_and_no_nan(built):
    _, _, content, pdf = built
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s+", "", text)
    for title in (report_likelihood.LR_TITLE, report_likelihood.FAGAN_TITLE):
        assert re.sub(r"\s+", "", title) in flat
    assert re.sub(r"\s+", "", content.key_numbers["lr_neg"]) in flat
    assert not re.search(r"\bnan\b", text.lower())


def test_default_pretest_is_the_deployment_prevalence_and_zero_counts_are_words():
    row = {"tp": 0, "fp": 0, "tn": 50, "fn": 12, "prevalence_deploy": 0.04}
    part = report_likelihood.likelihood_part(row, None, 0.04)
    assert "the deployment prevalence" in part.paragraphs[1] and "4.0 %" in part.paragraphs[1]
    cells = [c for t in part.tables for r in t.rows for c in r] + list(part.paragraphs)
    assert part.key_numbers["lr_pos"] == "not estimable"
    assert not [c for c in cells if "nan" in c.lower()]
    row = {"tp": 10, "fp": 0, "tn": 50, "fn": 2, "prevalence_deploy": 0.2}
    part = report_likelihood.likelihood_part(row, None, None)
    assert "0.5 added to every cell" in part.tables[0].rows[0][2]
    assert "hold-out sample's prevalence" in part.paragraphs[1]
    assert np.isfinite(float(part.key_numbers["lr_pos"].split(" ")[0]))
