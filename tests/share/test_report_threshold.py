"""Report text for threshold uncertainty and the rule-out / rule-in rule, against the core computed
directly."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from imbalance_core.evaluation import threshold_uncertainty as tu
from imbalance_core.evaluation import thresholds
from imbalance_core.intake import bundled, task
from imbalance_core.learn import training
from imbalance_core.share import report


@pytest.fixture(scope="module")
def hcv():
    table = bundled.load_bundled("hcv")
    data = task.prepare(table, bundled.BUNDLED["hcv"].default_spec)
    result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=3))
    return table, data, result


def _section4(hcv, threshold, rule=None):
    table, data, result = hcv
    inputs = report.ReportInputs(
        data=data, result=result, threshold=threshold, threshold_reason="test", prevalence=0.05,
        table=table, rule=rule,
    )  # fmt: skip
    content = report.build_report_content(inputs)
    return next(s for s in content.sections if s.title.startswith("4.")), content


def test_picked_threshold_states_its_interval_and_what_it_delivers(hcv):
    result = hcv[2]
    pick = thresholds.pick_sensitivity(result.y_train, result.oof_scores, 0.95)
    section, _ = _section4(hcv, pick.threshold)
    text = " ".join(section.paragraphs)
    core = tu.threshold_uncertainty(
        result.y_train, result.oof_scores, result.y_test, result.test_scores,
        prevalence=0.05, n_boot=tu.N_BOOT, seed=0,
    ).get("sensitivity")  # fmt: skip
    assert f"{core.threshold_lo:.4g}–{core.threshold_hi:.4g}" in text
    _tn, _fp, fn, tp = confusion_matrix(result.y_test, result.test_scores >= pick.threshold).ravel()
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(tp, tp + fn, method="wilson")
    wilson = f"Wilson 95 % CI {lo:.2f}–{hi:.2f}"
    assert f"sensitivity at this rule: {tp / (tp + fn):.2f} ({tp} of {tp + fn}; {wilson})" in text
    assert "not a confidence interval" in text and ".py" not in text
    assert f"{tu.N_BOOT} stratified bootstrap resamples" in text


def test_threshold_by_hand_says_there_is_no_interval(hcv):
    section, _ = _section4(hcv, 0.4321)
    assert any("not produced by a picker" in p for p in section.paragraphs)
    assert not section.tables


def test_rule_table_equals_hand_counts_and_pdf_renders(hcv):
    result = hcv[2]
    section, content = _section4(hcv, 0.3, rule=(0.05, 0.6))
    (tbl,) = section.tables
    y, s = np.asarray(result.y_test).astype(bool), np.asarray(result.test_scores)
    out, inn = s < 0.05, s >= 0.6
    assert tbl.rows[0][1].startswith(f"{out.sum():,} (") and tbl.rows[0][2] == f"{(y & out).sum():,} missed"
    assert tbl.rows[2][2] == f"{(y & inn).sum():,}"
    assert tbl.rows[1][1].startswith(f"{(~out & ~inn).sum():,} (")
    assert any("score below 0.05 rules out" in p for p in section.paragraphs)
    assert report.render_pdf(content)[:4] == b"%PDF"
