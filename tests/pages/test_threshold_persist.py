"""AppTest of the Threshold page's inputs surviving a visit to another page, a retrain and a new session.

Streamlit deletes a widget's session-state entry in any run that does not draw it; the page keeps each
input under a plain key (``kept_inputs.persist``). These tests run the whole app (``app.py`` with
``st.navigation``), set every input to a value other than its default, go to the Data page and back, and
check the widgets and what the explorer was given: the picks must be the optimum for the person's costs,
target and beta, recomputed here by brute force over the out-of-fold scores.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.intake import bundled, task
from imbalance_core.learn import training
from pages import session_state
from tests.pages.seating import seat_model

APP = str(Path(__file__).resolve().parents[2] / "app.py")
THRESHOLD_PAGE = "pages/threshold.py"
DATA_PAGE = "pages/data.py"
INPUTS = ("thr_cost", "thr_target", "thr_beta", "thr_prevalence_1")
DEFAULTS = {"thr_cost": 10.0, "thr_target": 0.95, "thr_beta": 2.0}
#: What the person sets (all different from the defaults above and from the hold-out prevalence).
CHOSEN = {"thr_cost": 50.0, "thr_target": 0.9, "thr_beta": 0.5, "thr_prevalence_1": 2.0}


@pytest.fixture(scope="module")
def hcv_data():
    table = bundled.load_bundled("hcv")
    return table, task.prepare(table, bundled.BUNDLED["hcv"].default_spec)


@pytest.fixture(scope="module")
def results(hcv_data):
    """Two models on the bundled data (the app's start task): the first, and a retrain with other settings."""
    first = training.train(hcv_data[1], training.TrainSettings(sampler="none", classifier="logreg", cv=3))
    other = training.train(
        hcv_data[1], training.TrainSettings(sampler="none", classifier="logreg", weighting="balanced", cv=3)
    )
    return first, other


def _use_result(at: AppTest, result) -> None:
    """What ``model_cache.train_cached`` leaves behind after training (done outside the app for speed)."""
    seat_model(at, result)


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    at.run()
    assert not at.exception
    return at


def _app_on_threshold(result) -> AppTest:
    """A fresh session of the whole app, on the Threshold page with ``result`` as the trained model."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    _use_result(at, result)
    return _go(at, THRESHOLD_PAGE)


def _payload(at: AppTest) -> dict:
    """The payload the page handed to the explorer component (read from the element's protobuf)."""
    elements = list(at.get("bidi_component"))
    assert len(elements) == 1
    return json.loads(elements[0].proto.bytes)


def _values(at: AppTest) -> dict[str, float]:
    return {key: at.number_input(key=key).value for key in INPUTS}


def _commit(at: AppTest, threshold: float) -> None:
    """What the browser does on release: the component's state gets the threshold, the page reruns."""
    at.session_state["threshold_explorer"] = {"threshold": threshold}
    at.run()
    assert not at.exception


def _set_inputs(at: AppTest) -> None:
    for key, value in CHOSEN.items():
        at.number_input(key=key).set_value(value).run()
        assert not at.exception


def _rates(y: np.ndarray, s: np.ndarray, t: float) -> tuple[int, int, int]:
    """(tp, fp, n_pos) when a score at or above ``t`` is positive."""
    flagged = s >= t
    return int(np.sum(flagged & (y == 1))), int(np.sum(flagged & (y == 0))), int(np.sum(y == 1))


def _check_picks_follow(payload: dict, result, cost: float, target: float, beta: float, prevalence: float):
    """Each suggestion is optimal for these inputs, by brute force over every distinct out-of-fold score."""
    y, s = result.y_train, result.oof_scores
    n_neg = int(np.sum(y == 0))
    grid = np.r_[np.unique(s), np.inf]  # every achievable operating point, 'flag nobody' included

    def cost_at(t: float) -> float:
        tp, fp, n_pos = _rates(y, s, t)
        return cost * prevalence * (1 - tp / n_pos) + (1 - prevalence) * fp / n_neg

    def fbeta_at(t: float) -> float:
        tp, fp, n_pos = _rates(y, s, t)
        b2 = beta * beta
        return (1 + b2) * tp / ((1 + b2) * tp + b2 * (n_pos - tp) + fp)

    picks = {p["key"]: p for p in payload["picks"]}
    assert f"= {cost:g} false alarms" in picks["cost"]["label"]
    assert cost_at(picks["cost"]["threshold"]) == pytest.approx(min(cost_at(t) for t in grid), abs=1e-12)
    assert fbeta_at(picks["fbeta"]["threshold"]) == pytest.approx(max(fbeta_at(t) for t in grid), abs=1e-12)
    tp, fp, n_pos = _rates(y, s, picks["sensitivity"]["threshold"])
    reaching = [_rates(y, s, t)[1] for t in grid if _rates(y, s, t)[0] >= target * n_pos]
    assert tp >= target * n_pos and fp == min(reaching)


def test_fresh_session_gets_the_defaults(results):
    result = results[0]
    at = _app_on_threshold(result)
    hold_out = float(np.mean(result.y_test))
    assert _values(at) == {**DEFAULTS, "thr_prevalence_1": round(100 * hold_out, 2)}
    payload = _payload(at)
    assert payload["beta"] == DEFAULTS["thr_beta"]
    assert payload["prevalence"] == pytest.approx(round(100 * hold_out, 2) / 100)
    assert payload["committed_threshold"] is None
    for key in (
        session_state.K_THR_COST,
        session_state.K_THR_TARGET,
        session_state.K_THR_BETA,
        session_state.K_THRESHOLD,
    ):
        assert key not in at.session_state
    _check_picks_follow(payload, result, 10.0, 0.95, 2.0, round(100 * hold_out, 2) / 100)


def test_inputs_and_threshold_survive_a_visit_to_another_page(results):
    result = results[0]
    at = _app_on_threshold(result)
    _set_inputs(at)
    stops = _payload(at)["stops"]["threshold"]
    chosen_t = stops[len(stops) // 3]
    _commit(at, chosen_t)
    assert at.session_state[session_state.K_THRESHOLD] == chosen_t

    _go(at, DATA_PAGE)
    assert "thr_cost" not in at.session_state  # Streamlit did drop the widget's own entry
    _go(at, THRESHOLD_PAGE)

    assert _values(at) == CHOSEN
    payload = _payload(at)
    prevalence = CHOSEN["thr_prevalence_1"] / 100
    assert payload["prevalence"] == pytest.approx(prevalence)
    assert payload["beta"] == CHOSEN["thr_beta"]
    assert payload["committed_threshold"] == chosen_t  # the explorer reopens where the person left it
    _check_picks_follow(
        payload, result, CHOSEN["thr_cost"], CHOSEN["thr_target"], CHOSEN["thr_beta"], prevalence
    )
    # The default cost ratio would suggest another threshold: the costs really changed the pick.
    default_cost = next(p for p in _payload(_app_on_threshold(result))["picks"] if p["key"] == "cost")
    assert next(p for p in payload["picks"] if p["key"] == "cost")["threshold"] != default_cost["threshold"]
    # What is drawn below the explorer and the Report page use the same threshold and prevalence.
    assert any(f"Threshold {chosen_t:.4f}" in m.value for m in at.markdown)
    assert f"--threshold {chosen_t!r} --prevalence {prevalence:.6g}" in at.code[0].value
    assert at.session_state[session_state.K_PREVALENCE] == pytest.approx(prevalence)

    # A second round trip changes nothing either.
    _go(at, DATA_PAGE)
    _go(at, THRESHOLD_PAGE)
    assert _values(at) == CHOSEN
    assert _payload(at)["committed_threshold"] == chosen_t


def test_same_model_again_keeps_the_threshold(results):
    """Retraining with the same settings gives the same model (``train_cached`` hands back the stored one)."""
    at = _app_on_threshold(results[0])
    chosen_t = _payload(at)["stops"]["threshold"][5]
    _commit(at, chosen_t)
    _go(at, DATA_PAGE)
    _use_result(at, results[0])
    _go(at, THRESHOLD_PAGE)
    assert _payload(at)["committed_threshold"] == chosen_t
    assert at.session_state[session_state.K_THRESHOLD] == chosen_t


def test_retrain_keeps_the_inputs_but_not_the_old_models_threshold(results):
    first, other = results
    assert first.settings != other.settings
    at = _app_on_threshold(first)
    _set_inputs(at)
    old_t = _payload(at)["stops"]["threshold"][7]
    _commit(at, old_t)

    _go(at, DATA_PAGE)
    _use_result(at, other)  # a retrain with other settings on the Train page
    _go(at, THRESHOLD_PAGE)

    assert _values(at) == CHOSEN  # costs, target, beta and the deployment prevalence are kept
    payload = _payload(at)
    assert payload["committed_threshold"] is None  # the old cut-off is not carried to the new scores
    assert session_state.K_THRESHOLD not in at.session_state
    opening = payload["stops"]["threshold"][payload["initial_index"]]
    assert f"--threshold {opening!r} " in at.code[0].value
    _check_picks_follow(
        payload,
        other,
        CHOSEN["thr_cost"],
        CHOSEN["thr_target"],
        CHOSEN["thr_beta"],
        CHOSEN["thr_prevalence_1"] / 100,
    )
    # A threshold committed on the new model is then kept for it.
    new_t = payload["stops"]["threshold"][3]
    _commit(at, new_t)
    _go(at, DATA_PAGE)
    _go(at, THRESHOLD_PAGE)
    assert _payload(at)["committed_threshold"] == new_t


def test_multiclass_class_and_per_class_prevalence_survive(hcv_data):
    """The class picker and each class's prevalence are kept; a new task (other data) resets them."""
    table = hcv_data[0]
    spec = dataclasses.replace(bundled.BUNDLED["hcv"].default_spec, multiclass=True)
    data = task.prepare(table, spec)
    result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=2))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.session_state[session_state.K_SPEC] = spec
    at.session_state[session_state.K_PREPARED] = data
    _use_result(at, result)
    _go(at, THRESHOLD_PAGE)
    assert at.selectbox(key="thr_class").value == 1  # a disease, not the blood donors (the largest class)
    at.selectbox(key="thr_class").set_value(0).run()
    at.number_input(key="thr_prevalence_0").set_value(3.0).run()
    k = 2
    at.selectbox(key="thr_class").set_value(k).run()
    at.number_input(key=f"thr_prevalence_{k}").set_value(7.5).run()
    at.number_input(key="thr_beta").set_value(3.0).run()

    _go(at, DATA_PAGE)
    _go(at, THRESHOLD_PAGE)
    assert at.selectbox(key="thr_class").value == k
    assert at.number_input(key=f"thr_prevalence_{k}").value == 7.5
    payload = _payload(at)
    assert payload["labels"]["positive"] == result.class_names[k]
    assert payload["prevalence"] == pytest.approx(0.075)
    assert payload["beta"] == 3.0
    at.selectbox(key="thr_class").set_value(0).run()  # the other class kept its own prevalence
    assert at.number_input(key="thr_prevalence_0").value == 3.0

    # Another task on the same table (as the Data page's set_task does): class and prevalences start over,
    # the person's beta stays.
    _go(at, DATA_PAGE)
    at.session_state[session_state.K_SPEC] = dataclasses.replace(spec, ignore=(result.class_names[-1],))
    _go(at, THRESHOLD_PAGE)
    assert at.selectbox(key="thr_class").value == 1  # the default again
    at.selectbox(key="thr_class").set_value(0).run()
    hold_out_0 = float(np.mean(result.y_test == 0))
    assert at.number_input(key="thr_prevalence_0").value == round(100 * hold_out_0, 2)
    assert at.number_input(key="thr_beta").value == 3.0


def test_retrain_on_the_train_page_drops_the_threshold_for_report_and_predict(results):
    """Report and Predict read the committed threshold too: a retrain must not hand them the old one."""
    first, _ = results
    at = _app_on_threshold(first)
    old_t = _payload(at)["stops"]["threshold"][7]
    _commit(at, old_t)
    _go(at, DATA_PAGE)
    assert at.session_state[session_state.K_THRESHOLD] == old_t  # still the model it was chosen for

    _go(at, "pages/train.py")
    at.number_input(key="train_cv").set_value(3).run()
    at.selectbox(key="train_weighting").set_value("balanced").run()
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception
    new_settings = at.session_state[session_state.K_TRAIN_SETTINGS]
    assert new_settings != first.settings
    assert session_state.K_THRESHOLD not in at.session_state  # before any visit to the Threshold page
    _go(at, "pages/report.py")
    assert "threshold_model" in at.session_state and session_state.K_THRESHOLD not in at.session_state
    assert not any(f"{old_t:.3f}" in str(option) for option in at.selectbox(key="rep_choice").options)
