"""The saved model on a new site's file: the model file's development record, reading a labelled and an
unlabelled file, the updated model file that names its parent."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from imbalance_core.errors import DataError
from imbalance_core.intake import task
from imbalance_core.intake.read import read_table
from imbalance_core.learn import training
from imbalance_core.share import model_file
from imbalance_core.share import validate as core
from tests.conftest import SAMPLE_DATA

PIMA = SAMPLE_DATA / "pima_diabetes.csv"
THRESHOLD = 0.3


def _parts() -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = pd.read_csv(PIMA)
    return frame[frame.Age < 30].reset_index(drop=True), frame[frame.Age >= 30].reset_index(drop=True)


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


@pytest.fixture(scope="module")
def young_model():
    young, _ = _parts()
    table = read_table(_csv(young), name="young.csv")
    data = task.prepare(table, task.TaskSpec(label="Outcome", positive=("1",)))
    result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=3))
    saved = model_file.build_saved_model(
        result.pipeline, data, THRESHOLD, "test", result.settings, result=result
    )
    return model_file.loads(model_file.dumps(saved)), result, data


def test_model_file_carries_hold_out_figures_and_summaries_but_no_rows(young_model) -> None:
    saved, result, data = young_model
    dev = saved.metadata.development
    assert dev["auc"] == pytest.approx(roc_auc_score(result.y_test, result.test_scores))
    assert dev["n"] == len(result.y_test)
    assert dev["train_prevalence"] == pytest.approx(result.y_train.mean())
    summary = saved.metadata.feature_summary
    train_rows = data.X.iloc[result.train_index]
    assert summary["Age"]["max"] == train_rows["Age"].max() and summary["Age"]["min"] == 21
    assert summary["Glucose"]["mean"] == pytest.approx(train_rows["Glucose"].mean())
    finite = train_rows["Glucose"].dropna().to_numpy(dtype=float)
    assert summary["Glucose"]["p01"] == pytest.approx(np.percentile(finite, 1))  # kept through the file
    assert summary["Glucose"]["p99"] == pytest.approx(np.percentile(finite, 99))
    assert saved.metadata.positive_values == ("1",)
    assert not any(isinstance(v, list) and len(v) > 10 for f in summary.values() for v in f.values())


def test_labelled_validation_on_older_patients(young_model) -> None:
    saved, _, _ = young_model
    _, old = _parts()
    new = core.read_new_patients(saved, _csv(old), name="old.csv", label="Outcome")
    assert new.y.tolist() == old["Outcome"].tolist()
    v = core.validate_labelled(saved, new, n_boot=30)
    risks = saved.scores(new.X)
    assert v.figures.auc.value == pytest.approx(roc_auc_score(old["Outcome"], risks))
    assert {r.key for r in v.rows if r.development is not None} >= {"auc", "slope", "e_to_o", "sensitivity"}
    age = next(f for f in v.drift.case_mix.features if f.feature == "Age")
    assert age.verdict == "very different" and age.outside_range == 1.0
    assert v.drift.membership is None and "development file" in v.drift.membership_note
    assert v.prevalence_caveat  # the case mix differs: EM's assumption is doubtful and said so


def test_updated_model_names_its_parent_and_is_calibrated_in_the_large(young_model) -> None:
    saved, _, _ = young_model
    _, old = _parts()
    new = core.read_new_patients(saved, _csv(old), name="old.csv", label="Outcome")
    v = core.validate_labelled(saved, new, n_boot=30)
    updated = model_file.loads(model_file.dumps(core.updated_model(saved, v, "intercept")))
    meta = updated.metadata
    assert meta.parent_id == saved.metadata.export_id != meta.export_id
    assert "Recalibration in the large" in meta.updating
    assert meta.threshold == saved.metadata.threshold
    risks = updated.scores(new.X)
    assert risks.sum() == pytest.approx(new.y.sum(), rel=1e-6)  # intercept refit on all rows: E = O
    assert np.array_equal(np.argsort(risks, kind="stable"), np.argsort(saved.scores(new.X), kind="stable"))
    assert "cross-validation" in meta.development["source"]
    with pytest.raises(DataError):
        core.updated_model(saved, v, "none")


def test_unlabelled_batch_and_bad_inputs(young_model) -> None:
    saved, _, _ = young_model
    young, old = _parts()
    batch = core.describe_batch(
        saved, core.read_new_patients(saved, _csv(young.drop(columns="Outcome"))), n_boot=30
    )
    assert batch.prevalence is not None and batch.n == len(young)
    assert batch.prevalence.em.low <= young.Outcome.mean() <= batch.prevalence.em.high
    with pytest.raises(DataError, match="no column called 'Diagnosis'"):
        core.read_new_patients(saved, _csv(old), label="Diagnosis")
    with pytest.raises(DataError, match=r"no positive patients|only one class"):
        v = core.read_new_patients(saved, _csv(old[old.Outcome == 0]), label="Outcome")
        core.validate_labelled(saved, v)
    with pytest.raises(DataError, match="lacks"):
        core.read_new_patients(saved, _csv(old.drop(columns="Glucose")), label="Outcome")
    with pytest.raises(DataError, match="Name the outcome"):
        core.validate_labelled(saved, core.read_new_patients(saved, io.BytesIO(_csv(old)).getvalue()))


def test_validation_report_pdf_carries_the_side_by_side_numbers(young_model) -> None:
    from pypdf import PdfReader

    from imbalance_core.share.validate_report import render_validation_pdf

    saved, _, _ = young_model
    _, old = _parts()
    v = core.validate_labelled(saved, core.read_new_patients(saved, _csv(old), label="Outcome"), n_boot=30)
    pdf = render_validation_pdf(v, saved, "abc123def456")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    auc = next(r for r in v.rows if r.key == "auc")
    assert f"{auc.external.value:.3f}" in text and f"{auc.development.value:.3f}" in text
    assert "TRIPOD 13c" in text and "Model updating" in text and "abc123def456" in text
    assert "nan" not in text.replace("Pregnancies", "")


def test_a_model_file_saved_before_validation_fields_still_validates(young_model) -> None:
    import skops.io as sio

    saved, _, _ = young_model
    metadata = saved.metadata.to_dict()
    for key in ("development", "feature_summary", "positive_values", "parent_id", "updating"):
        del metadata[key]  # what files written before issue 28 look like
    old_file = model_file.loads(
        sio.dumps({"format": model_file.FORMAT, "metadata": metadata, "model": saved.model})
    )
    assert dict(model_file.describe(old_file.metadata).rows)[
        "Development figures (for validation)"
    ].startswith("not recorded")
    _, old = _parts()
    v = core.validate_labelled(
        old_file, core.read_new_patients(old_file, _csv(old), label="Outcome"), n_boot=30
    )
    assert all(r.development is None for r in v.rows)
    assert v.drift.case_mix is None and "save the model again" in v.drift.case_mix_note
    assert v.prevalence is None  # no development prevalence to start EM from


def test_a_difference_of_two_rates_is_in_percentage_points_and_no_cell_says_nan() -> None:
    from imbalance_core.evaluation.calibration import Estimate
    from imbalance_core.share.validate_report import difference_text, estimate_text

    assert difference_text(0.118, True) == "+11.8 pp"
    assert difference_text(-0.005, True) == "-0.50 pp"  # two decimals below 1, as formatting.percent
    assert difference_text(0.1234, False) == "+0.123"
    assert difference_text(float("nan"), True) == "—"
    assert estimate_text(Estimate(0.5, 0.4, 0.6, "Wilson"), True) == "50.0 % (40.0 % to 60.0 %)"
    assert estimate_text(Estimate(0.5, float("nan"), 0.6, "none"), False) == "0.500 (— to 0.600)"
    assert estimate_text(None, True) == "—"
