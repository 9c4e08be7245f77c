"""Report and Predict pages: a plain sentence under every table, the pre-test probability input, no 'nan'."""

from __future__ import annotations

import re

import numpy as np
from sklearn.metrics import confusion_matrix

from imbalance_core.evaluation.formatting import percent
from imbalance_core.evaluation.likelihood_ratios import likelihood_ratios, post_test_probability
from pages.predict import K_PATIENTS
from tests.pages.test_report_page import (  # noqa: F401
    PREDICT,
    REPORT,
    THRESHOLD,
    _app,
    hcv_multiclass,
    hcv_result,
    multiclass_report_app,
)


def _captions(at) -> str:
    return "\n".join(c.value for c in at.caption).replace("\\", "")  # markdown escapes removed


def test_report_page_sentences_and_pretest(hcv_result):  # noqa: F811
    _, _, _, result = hcv_result
    at = _app(REPORT, hcv_result).run()
    assert not at.exception, at.exception
    y, s = result.y_test, result.test_scores
    tn, fp, fn, tp = (
        int(v) for v in confusion_matrix(y, (s >= THRESHOLD).astype(int), labels=[0, 1]).ravel()
    )
    text = _captions(at)
    assert f"flags {tp + fp:,} of {len(y):,} patients in the hold-out set" in text
    assert f"misses {fn:,}" in text and "Of 1,000 patients at a prevalence of" in text
    assert "likelihood ratios at this threshold: lr+" in text.lower()
    assert "(pre-test probability: the deployment prevalence)" in text  # blank input: the page's prevalence
    at.number_input(key="rep_pretest").set_value(10.0).run()
    assert not at.exception, at.exception
    text = _captions(at)
    lr = likelihood_ratios(tp, fp, tn, fn)
    assert "chance of disease is 10.0 % before the test" in text
    assert f"raises it to {percent(post_test_probability(0.1, lr.positive.value))}" in text
    assert not re.search(r"\bnan\b", text.lower())


def test_predict_page_says_what_the_table_shows(hcv_result):  # noqa: F811
    table, _, _, result = hcv_result
    rows = table.frame.iloc[result.test_index[:40]]
    at = _app(PREDICT, hcv_result)
    at.session_state[K_PATIENTS] = ("new.csv", rows.to_csv(index=False).encode())
    at.run()
    assert not at.exception, at.exception
    text = _captions(at)
    k = int(np.sum(result.test_scores[:40] >= THRESHOLD))
    assert f"{k:,} of 40 patients" in text
    assert "The model (" in text and "when the score is at or above 0.3" in text
    assert not re.search(r"\bnan\b", text.lower())


def test_multiclass_report_has_sentences(hcv_multiclass):  # noqa: F811
    result = hcv_multiclass[3]
    at = multiclass_report_app(hcv_multiclass)
    at.run()
    assert not at.exception, at.exception
    right = int(np.sum(np.argmax(result.test_scores, axis=1) == result.y_test))
    text = _captions(at)
    assert f"right class for {right:,} of {len(result.y_test):,} hold-out patients" in text
    assert "The model finds" in text and not re.search(r"\bnan\b", text.lower())
