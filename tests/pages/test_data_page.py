"""AppTest of the Data page: bundled data on start, label/positive changes, bad uploads keep the old data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pages import session_state
from pages.data import W_BUNDLED, W_IGNORE, W_LABEL, W_POSITIVE, W_UPLOAD, W_ZERO_MISSING

ROOT = Path(__file__).resolve().parents[2]
HCV = ROOT / "sample_data" / "hcv_lab_values.csv"


def metric(at: AppTest, label: str) -> str:
    """The displayed value of the metric with this label."""
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r}; have {[m.label for m in at.metric]}")


@pytest.fixture
def at() -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def test_starts_on_bundled_hcv_binary_task(at: AppTest) -> None:
    raw = pd.read_csv(HCV)
    disease = raw["Category"].isin(["1=Hepatitis", "2=Fibrosis", "3=Cirrhosis"]).sum()
    donors = (raw["Category"] == "0=Blood Donor").sum()
    data = at.session_state[session_state.K_PREPARED]
    assert data.is_binary
    assert data.class_counts[data.positive_name] == disease
    assert sum(data.class_counts.values()) == disease + donors  # suspect donors left out
    assert metric(at, "Rows used") == f"{disease + donors:,}"
    assert metric(at, "Imbalance ratio") == f"{donors / disease:.1f} : 1"
    # The suspect donors are left out visibly, not silently.
    assert "0s=suspect Blood Donor" in at.multiselect(key=W_IGNORE).value
    assert not at.error
    # the sentence under the class chart, counted here from the raw file (issue 26)
    captions = [c.value.replace("\\", "") for c in at.caption]
    total = disease + donors
    said = f"{disease} of {total} patients ({100 * disease / total:.1f} %) have the disease"
    assert any(c.startswith(said) for c in captions), captions


def test_changing_positive_class_updates_counts(at: AppTest) -> None:
    raw = pd.read_csv(HCV)
    at.multiselect(key=W_POSITIVE).set_value(["1=Hepatitis"]).run()
    assert not at.exception
    data = at.session_state[session_state.K_PREPARED]
    n_hep = int((raw["Category"] == "1=Hepatitis").sum())
    n_rest = int((~raw["Category"].isin(["1=Hepatitis", "0s=suspect Blood Donor"])).sum())
    assert data.class_counts[data.positive_name] == n_hep
    assert len(data.y) == n_hep + n_rest
    assert metric(at, "Imbalance ratio") == f"{n_rest / n_hep:.1f} : 1"


def test_changing_label_column_updates_counts(at: AppTest) -> None:
    raw = pd.read_csv(HCV)
    at.selectbox(key=W_LABEL).set_value("Sex").run()
    assert not at.exception
    data = at.session_state[session_state.K_PREPARED]
    assert data.label == "Sex"
    assert sorted(data.class_counts.values()) == sorted(raw["Sex"].value_counts().tolist())


def test_bad_upload_keeps_previous_data(at: AppTest, bad_cases: Path) -> None:
    before = at.session_state[session_state.K_PREPARED]
    spec_before = at.session_state[session_state.K_SPEC]
    at.file_uploader(key=W_UPLOAD).set_value(
        ("binary_garbage.csv", (bad_cases / "binary_garbage.csv").read_bytes(), "text/csv")
    ).run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "Traceback" not in message and len(message) < 400
    assert at.session_state[session_state.K_PREPARED] is before
    assert at.session_state[session_state.K_SPEC] == spec_before
    assert metric(at, "Rows used") == f"{len(before.y):,}"


def test_good_upload_replaces_data(at: AppTest, bad_cases: Path) -> None:
    ref = pd.read_csv(bad_cases / "ok_reference.csv")
    at.file_uploader(key=W_UPLOAD).set_value(
        ("semicolon_decimal_comma.csv", (bad_cases / "semicolon_decimal_comma.csv").read_bytes(), "text/csv")
    ).run()
    assert not at.exception
    data = at.session_state[session_state.K_PREPARED]
    assert data.label == "infection"
    assert data.class_counts[data.positive_name] == int(ref["infection"].sum())
    assert metric(at, "Rows used") == f"{len(ref):,}"


# --------------------------------------------------------------------------- zeros that mean "not measured"

PIMA = ROOT / "sample_data" / "pima_diabetes.csv"
PIMA_DOCUMENTED = ["Glucose", "BloodPressure", "SkinThickness", "Insulin", "BMI"]


def _zero_warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning if "look like 'not measured'" in w.value]


def test_pima_preset_fills_the_zero_multiselect_and_a_change_reaches_the_task(at: AppTest) -> None:
    raw = pd.read_csv(PIMA)
    at.selectbox(key=W_BUNDLED).set_value("pima").run()
    assert not at.exception
    assert at.multiselect(key=W_ZERO_MISSING).value == PIMA_DOCUMENTED
    assert at.session_state[session_state.K_SPEC].zero_missing == tuple(PIMA_DOCUMENTED)
    assert _zero_warnings(at) == []
    at.multiselect(key=W_ZERO_MISSING).set_value(["Glucose"]).run()
    assert not at.exception
    assert at.session_state[session_state.K_SPEC].zero_missing == ("Glucose",)
    data = at.session_state[session_state.K_PREPARED]
    assert int(data.X["Glucose"].isna().sum()) == int((raw["Glucose"] == 0).sum())
    assert int((data.X["Insulin"] == 0).sum()) == int((raw["Insulin"] == 0).sum())  # back to real zeros
    (warning,) = _zero_warnings(at)
    assert all(c in warning for c in PIMA_DOCUMENTED[1:]) and "Glucose" not in warning
    assert f"{int((raw['Insulin'] == 0).sum())} zeros" in warning


def test_uploaded_pima_starts_without_zero_rule_and_warns(at: AppTest) -> None:
    at.file_uploader(key=W_UPLOAD).set_value(("pima.csv", PIMA.read_bytes(), "text/csv")).run()
    assert not at.exception
    assert at.session_state[session_state.K_SPEC].zero_missing == ()
    assert at.multiselect(key=W_ZERO_MISSING).value == []
    (warning,) = _zero_warnings(at)
    assert all(c in warning for c in PIMA_DOCUMENTED) and "Pregnancies" not in warning


def test_changing_the_label_keeps_the_zero_rule(at: AppTest) -> None:
    at.selectbox(key=W_BUNDLED).set_value("pima").run()
    at.selectbox(key=W_LABEL).set_value("Pregnancies").run()
    assert not at.exception
    spec = at.session_state[session_state.K_SPEC]
    assert spec.label == "Pregnancies" and spec.zero_missing == tuple(PIMA_DOCUMENTED)
    assert at.multiselect(key=W_ZERO_MISSING).value == PIMA_DOCUMENTED
