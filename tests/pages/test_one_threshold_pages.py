"""One threshold everywhere (issue 12 item 1) and the Report/Predict inputs surviving page changes
(issue 18 item 8), with AppTest on the whole app (``app.py``, ``st.navigation``).

Before: with nothing chosen, the Threshold page said "0.5000 · Chosen by hand on the slider", the Report
used the Youden pick and the Predict page scored at 0.5. Now every page, the sidebar and the model file
use :func:`imbalance_core.evaluation.thresholds.default_threshold` until the person moves it, and then the
moved one.
The twin-command test runs every command the Threshold page shows through the CLI and compares its JSON
with the page's own numbers (binary and multi-class one-vs-rest).
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core import cli
from imbalance_core.evaluation import thresholds
from imbalance_core.intake import task
from imbalance_core.learn import training
from imbalance_core.share import model_file
from pages import session_state
from tests.pages.seating import seat_model, train_on_bundled

APP = str(Path(__file__).resolve().parents[2] / "app.py")
THRESHOLD_PAGE, REPORT_PAGE, PREDICT_PAGE, DATA_PAGE = (
    "pages/threshold.py", "pages/report.py", "pages/predict.py", "pages/data.py",
)  # fmt: skip


@pytest.fixture(scope="module")
def hcv():
    _, _, data, result = train_on_bundled(training.TrainSettings(sampler="smote", classifier="logreg", cv=3))
    return data, result


def _go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at


def _app(result) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception
    return seat_model(at, result)


def _payload(at: AppTest) -> dict:
    elements = list(at.get("bidi_component"))
    assert len(elements) == 1
    return json.loads(elements[0].proto.bytes)


def _sidebar_script() -> None:
    from pages import sidebar

    sidebar.sidebar_status()


def test_sidebar_shows_the_threshold_with_its_origin(hcv):
    """Before: the sidebar showed a threshold only after a commit, without saying where it came from."""
    data, result = hcv
    at = AppTest.from_function(_sidebar_script, default_timeout=60)
    seat_model(at, result, data=data)
    at.run()
    text = " ".join(c.value for c in at.sidebar.caption).replace("\\", "")
    default = thresholds.default_for_result(result).value
    assert f"Threshold {default:.4f} · default: Youden on cross-validated training scores" in text
    at.session_state[session_state.K_THRESHOLD] = 0.2
    at.session_state[session_state.K_THRESHOLD_ORIGIN] = "chosen by hand on the Threshold page"
    at.run()
    text = " ".join(c.value for c in at.sidebar.caption).replace("\\", "")
    assert "Threshold 0.2000 · chosen by hand on the Threshold page" in text


def test_untouched_threshold_is_the_default_on_every_page(hcv):
    _data, result = hcv
    default = thresholds.default_for_result(result)
    at = _go(_app(result), THRESHOLD_PAGE)
    shown = " ".join(m.value for m in at.markdown).replace("\\", "")  # markdown escapes off
    assert f"**Threshold {default.value:.4f}** · Default: Youden on cross-validated training scores" in shown
    assert "Chosen by hand" not in shown
    payload = _payload(at)
    assert payload["stops"]["threshold"][payload["initial_index"]] == default.value  # explorer opens there
    assert f"--threshold {default.value!r}" in at.code[0].value

    _go(at, REPORT_PAGE)
    y, s = result.y_test, result.test_scores
    tp = int(np.sum((s >= default.value) & (y == 1)))
    captions = " ".join(c.value for c in at.caption)
    assert "Default: Youden on cross" in captions.replace("\\", "")
    assert at.selectbox(key="rep_choice").value == "current"
    two = next(t.value for t in at.table if t.value.index.name in (None, "")).reset_index()
    assert two.iloc[0, 1] == f"{tp:,}"

    _go(at, PREDICT_PAGE)
    saved = at.session_state["predict_session_model"][1]
    assert saved.metadata.threshold == default.value
    assert saved.metadata.threshold_reason.startswith("Default: Youden")
    assert any(f"{default.value:.4f}" in t.value for t in at.text)


def test_a_suggestion_on_the_report_page_becomes_the_threshold_everywhere(hcv):
    _data, result = hcv
    at = _go(_app(result), REPORT_PAGE)
    at.selectbox(key="rep_choice").set_value("cost").run()
    assert not at.exception
    prevalence = at.number_input(key="rep_prevalence").value / 100
    pick = thresholds.pick_cost(result.y_train, result.oof_scores, 10.0, prevalence)
    assert at.session_state[session_state.K_THRESHOLD] == pick.threshold
    assert at.selectbox(key="rep_choice").value == "current"  # back on "current", now the cost pick
    assert "Report page" in at.session_state[session_state.K_THRESHOLD_ORIGIN]
    _go(at, THRESHOLD_PAGE)
    assert f"**Threshold {pick.threshold:.4f}**" in " ".join(m.value for m in at.markdown)
    _go(at, PREDICT_PAGE)
    assert at.session_state["predict_session_model"][1].metadata.threshold == pick.threshold


def test_threshold_page_commit_reaches_report_predict_and_sidebar(hcv):
    _data, result = hcv
    at = _go(_app(result), THRESHOLD_PAGE)
    payload = _payload(at)
    t = payload["stops"]["threshold"][payload["stops"]["threshold"].index(0.25)]
    at.session_state["threshold_explorer"] = {"threshold": t}
    at.run()
    assert at.session_state[session_state.K_THRESHOLD_ORIGIN] == "chosen by hand on the Threshold page"
    assert "Chosen by hand on the slider" in " ".join(m.value for m in at.markdown).replace("\\", "")
    _go(at, PREDICT_PAGE)
    assert at.session_state["predict_session_model"][1].metadata.threshold == t


def test_report_prevalence_and_typed_threshold_survive_a_page_change(hcv):
    _data, result = hcv
    at = _go(_app(result), REPORT_PAGE)
    at.number_input(key="rep_prevalence").set_value(3.5).run()
    at.selectbox(key="rep_choice").set_value("manual").run()
    at.number_input(key="rep_manual").set_value(0.3).run()
    assert not at.exception
    _go(at, DATA_PAGE)
    _go(at, REPORT_PAGE)
    assert at.number_input(key="rep_prevalence").value == pytest.approx(3.5)
    assert at.session_state[session_state.K_THRESHOLD] == pytest.approx(0.3)
    assert "0.3000" in at.selectbox(key="rep_choice").format_func("current")


def _patients_csv(data, result) -> bytes:
    frame = data.X.iloc[result.test_index[:12]].reset_index(drop=True)
    return frame.to_csv(index=False).encode()


def test_predict_patients_and_download_survive_a_page_change_with_results_first(hcv):
    data, result = hcv
    default = thresholds.default_for_result(result).value
    at = _go(_app(result), PREDICT_PAGE)
    at.file_uploader(key="pred_patients").set_value(("new.csv", _patients_csv(data, result), "text/csv"))
    at.run()
    assert not at.exception
    shown = at.dataframe[-1].value
    assert list(shown.columns[:2]) == ["model_score", "model_decision"]  # before: far right
    np.testing.assert_array_equal(
        shown["model_decision"] == data.positive_name, shown["model_score"] >= default
    )
    _go(at, DATA_PAGE)
    _go(at, PREDICT_PAGE)
    assert "Scored 12 patients" in " ".join(s.value for s in at.success)
    downloads = [b for b in at.get("download_button")]
    assert downloads, "the download came back"
    assert list(at.dataframe[-1].value.columns[:2]) == ["model_score", "model_decision"]


def test_predict_model_choice_survives(hcv):
    _data, result = hcv
    at = _go(_app(result), PREDICT_PAGE)
    at.radio(key="pred_source").set_value("Upload a .skops model").run()
    _go(at, DATA_PAGE)
    _go(at, PREDICT_PAGE)
    assert at.radio(key="pred_source").value == "Upload a .skops model"


def _cli_json(command: str, capsys) -> dict:
    argv = shlex.split(command)
    assert argv[:4] == ["python", "-m", "imbalance_core", "evaluate"]
    capsys.readouterr()
    assert cli.main([*argv[3:], "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _check_twin(payload: dict, test: dict, threshold: float) -> None:
    stops = payload["stops"]
    i = stops["threshold"].index(threshold)
    assert [test[k] for k in ("tp", "fp", "tn", "fn")] == [stops[k][i] for k in ("tp", "fp", "tn", "fn")]
    assert test["ppv_at_prevalence"] == pytest.approx(stops["ppv_deploy"][i], rel=1e-5)
    assert test["npv_at_prevalence"] == pytest.approx(stops["npv_deploy"][i], rel=1e-5)
    assert test["sensitivity"] == pytest.approx(stops["sensitivity"][i], rel=1e-5)


def test_twin_command_binary_default_threshold(hcv, capsys):
    _data, result = hcv
    at = _go(_app(result), THRESHOLD_PAGE)
    payload = _payload(at)
    default = thresholds.default_for_result(result).value
    out = _cli_json(at.code[0].value, capsys)
    assert out["threshold"] == default
    _check_twin(payload, out["test"], default)


def test_twin_command_multiclass_one_vs_rest(capsys):
    """Before: the page printed --multiclass --threshold --prevalence, which the CLI ignored."""
    spec = task.TaskSpec(label="Category", multiclass=True, ignore=("0s=suspect Blood Donor",))
    table, spec, data, result = train_on_bundled(
        training.TrainSettings(sampler="none", classifier="logreg", cv=2), spec=spec
    )
    at = AppTest.from_file(str(Path(APP).parent / THRESHOLD_PAGE), default_timeout=120)
    seat_model(at, result, table=table, spec=spec, source="bundled:hcv", data=data, settings=False)
    at.run()
    for c in (1, 3):
        at.selectbox(key="thr_class").set_value(c).run()
        assert not at.exception
        payload = _payload(at)
        command = at.code[0].value
        assert f"--one-vs-rest {shlex.quote(data.class_names[c])}" in command
        out = _cli_json(command, capsys)
        assert out["one_vs_rest"] == data.class_names[c]
        t = thresholds.default_for_result(result, c).value
        assert out["threshold"] == t
        _check_twin(payload, out["test"], t)


def test_saved_model_round_trip_keeps_the_default(hcv):
    data, result = hcv
    default = thresholds.default_for_result(result)
    saved = model_file.build_saved_model(
        result.pipeline, data, default.value, default.origin, result.settings
    )
    back = model_file.loads(model_file.dumps(saved))
    X = data.X.iloc[result.test_index]
    np.testing.assert_array_equal(back.decisions(X), (result.test_scores >= default.value).astype(int))
    np.testing.assert_allclose(back.scores(X), result.test_scores)
