"""AppTest of the Threshold page: it renders from a stored TrainResult and never retrains.

The result is trained once on the bundled HCV data (small, 3 folds). Moving the deployment prevalence, the
cost ratio, the target sensitivity or beta must only rebuild the explorer's payload: the test counts
every call to ``training.train`` and every ``fit`` of an imbalanced-learn pipeline or estimator while
the page reruns, and expects zero.
"""

from __future__ import annotations

import dataclasses
import json
import shlex
from pathlib import Path

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from sklearn.base import BaseEstimator
from sklearn.metrics import confusion_matrix, recall_score
from streamlit.testing.v1 import AppTest

from imbalance_core import cli
from imbalance_core.intake import bundled, task
from imbalance_core.learn import training
from tests.pages.seating import seat_model, train_on_bundled

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "threshold.py")


@pytest.fixture(scope="module")
def hcv_result():
    table, spec, data, result = train_on_bundled(
        training.TrainSettings(sampler="none", classifier="logreg", cv=3)
    )
    return table, spec, result, data


def _app(hcv_result, threshold: float | None = None) -> AppTest:
    table, spec, result, _ = hcv_result
    at = AppTest.from_file(PAGE, default_timeout=60)
    return seat_model(
        at, result, table=table, spec=spec, source="bundled:hcv", threshold=threshold, settings=False
    )


def _explorer_data(at: AppTest) -> dict:
    """The payload the page handed to the component (read from the element's protobuf)."""
    elements = [e for e in at.get("bidi_component")]
    assert len(elements) == 1
    return json.loads(elements[0].proto.bytes)


def test_without_result_points_to_train_page():
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception
    assert "Train a model first" in at.info[0].value


def test_renders_counts_that_match_scikit_learn(hcv_result):
    result = hcv_result[2]
    at = _app(hcv_result, threshold=0.3).run()
    assert not at.exception
    data = _explorer_data(at)
    assert data["committed_threshold"] == 0.3
    assert data["n"] == len(result.y_test)
    assert data["labels"] == {"positive": result.class_names[1], "negative": result.class_names[0]}
    # Every stop's 2x2 table equals scikit-learn's on the stored hold-out scores (score >= t is positive).
    stops = data["stops"]
    for i in np.linspace(0, len(stops["threshold"]) - 1, 25).astype(int):
        t = stops["threshold"][i]
        tn, fp, fn, tp = confusion_matrix(result.y_test, result.test_scores >= t, labels=[0, 1]).ravel()
        assert (stops["tp"][i], stops["fp"][i], stops["tn"][i], stops["fn"][i]) == (tp, fp, tn, fn)
    command = at.code[0].value
    expected_start = "python -m imbalance_core evaluate sample_data/hcv_lab_values.csv --label Category"
    assert command.startswith(expected_start)
    assert "--threshold 0.3 " in command
    assert f"--prevalence {np.mean(result.y_test):.6g}" in command


def test_decision_inputs_never_retrain(hcv_result, monkeypatch):
    calls: list[str] = []

    def counting(name, original):
        def wrapper(*args, **kwargs):
            calls.append(name)
            return original(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(training, "train", counting("train", training.train))
    monkeypatch.setattr(Pipeline, "fit", counting("pipeline.fit", Pipeline.fit))
    for cls in {type(step) for _, step in hcv_result[2].pipeline.steps if isinstance(step, BaseEstimator)}:
        if hasattr(cls, "fit"):
            monkeypatch.setattr(cls, "fit", counting(f"{cls.__name__}.fit", cls.fit))

    at = _app(hcv_result).run()
    assert not at.exception
    before = _explorer_data(at)
    at.number_input(key="thr_prevalence_1").set_value(2.0).run()
    after_prev = _explorer_data(at)
    at.number_input(key="thr_cost").set_value(50.0).run()
    at.number_input(key="thr_target").set_value(0.9).run()
    at.number_input(key="thr_beta").set_value(1.0).run()
    after_all = _explorer_data(at)
    assert not at.exception
    assert calls == []
    # The inputs did reach the payload: deployment PPV follows the new prevalence, beta is passed on.
    assert after_prev["prevalence"] == pytest.approx(0.02)
    assert before["stops"]["ppv_deploy"] != after_prev["stops"]["ppv_deploy"]
    assert after_all["beta"] == 1.0
    assert "--prevalence 0.02" in at.code[0].value
    # Positive control: the counters do see a fit.
    training.train(hcv_result[3], training.TrainSettings(sampler="none", classifier="logreg", cv=2))
    assert calls[0] == "train" and "pipeline.fit" in calls


def test_every_committed_threshold_reproduces_its_counts(hcv_result):
    """What the explorer commits is the payload's threshold: re-applied to the scores (as the CLI and the
    Report do) it must give exactly the 2x2 table the explorer showed for that stop."""
    result = hcv_result[2]
    data = _explorer_data(_app(hcv_result).run())
    stops = data["stops"]
    y, s = result.y_test, result.test_scores
    wrong = []
    for i, t in enumerate(stops["threshold"]):
        tn, fp, fn, tp = confusion_matrix(y, s >= t, labels=[0, 1]).ravel()
        if (tp, fp, tn, fn) != (stops["tp"][i], stops["fp"][i], stops["tn"][i], stops["fn"][i]):
            wrong.append(t)
    assert wrong == []


def test_multiclass_one_vs_rest_and_per_class_accuracy():
    table = bundled.load_bundled("hcv")
    spec = dataclasses.replace(bundled.BUNDLED["hcv"].default_spec, multiclass=True)
    data = task.prepare(table, spec)
    result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=2))
    assert not result.is_binary
    at = AppTest.from_file(PAGE, default_timeout=60)
    seat_model(at, result, settings=False)
    at.run()
    assert not at.exception
    names = list(result.class_names)
    k = names.index(at.selectbox(key="thr_class").options[2])
    at.selectbox(key="thr_class").set_value(k).run()
    payload = _explorer_data(at)
    assert payload["labels"] == {"positive": names[k], "negative": f"not {names[k]}"}
    y_k, s_k = (result.y_test == k).astype(int), result.test_scores[:, k]
    t = payload["stops"]["threshold"][payload["initial_index"]]
    tn, fp, fn, tp = confusion_matrix(y_k, s_k >= t, labels=[0, 1]).ravel()
    i = payload["initial_index"]
    assert [payload["stops"][c][i] for c in ("tp", "fp", "tn", "fn")] == [tp, fp, tn, fn]
    frame = next(d.value for d in at.dataframe if "class" in d.value.columns)  # the "Per class" tab
    expected = recall_score(
        result.y_test, result.test_scores.argmax(axis=1), average=None, labels=range(len(names))
    )
    assert list(frame["class"]) == names
    np.testing.assert_allclose(frame["accuracy"].to_numpy(), expected)
    best = names[int(np.argmax(expected))]
    assert any(f"recognises {best} best" in c.value for c in at.caption)  # its sentence under it


def test_equivalent_cli_command_reproduces_the_counts(hcv_result, capsys):
    """Run the page's command line through the CLI: its hold-out 2x2 table equals the explorer's stop."""
    first = _explorer_data(_app(hcv_result).run())
    stops = first["stops"]
    i = stops["threshold"].index(0.25)  # a grid stop: exact in the payload whatever its rounding
    at = _app(hcv_result, threshold=stops["threshold"][i]).run()
    argv = shlex.split(at.code[0].value)
    assert argv[:4] == ["python", "-m", "imbalance_core", "evaluate"]
    capsys.readouterr()
    assert cli.main([*argv[3:], "--json"]) == 0
    test = json.loads(capsys.readouterr().out)["test"]
    assert [test[k] for k in ("tp", "fp", "tn", "fn")] == [stops[k][i] for k in ("tp", "fp", "tn", "fn")]
    assert test["threshold"] == stops["threshold"][i]
