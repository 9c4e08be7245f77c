"""The report's calibration section: metrics table, curves figure, decision curve only from honest risks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from imbalance_core.evaluation.calibration import calibration_metrics
from imbalance_core.learn import resampling_effect, training
from imbalance_core.share import report
from tests import helpers_training as H  # noqa: N812


@pytest.fixture(scope="module")
def pima_recalibrated():
    data = H.pima()
    settings = training.TrainSettings(sampler="smote", recalibrate="platt", cv=3)
    result = training.train(data, settings)
    base = training.train(data, resampling_effect.baseline_settings(settings))
    return data, result, resampling_effect.compare_to_baseline(result, base, n_boot=30)


def test_section_has_metrics_raw_and_recalibrated_and_the_effect_sentence(pima_recalibrated):
    data, result, effect = pima_recalibrated
    content = report.build_report_content(
        report.ReportInputs(data=data, result=result, threshold=0.3, resampling_effect=effect)
    )
    table = content.table("Calibration metrics with 95 % intervals")
    assert table.header[1:3] == ("Hold-out, classifier's scores", "Hold-out, recalibrated")
    slope = calibration_metrics(result.y_test, result.test_scores, n_boot=30).slope
    row = dict((r[0], r) for r in table.rows)["Calibration slope"]
    assert row[2].startswith(f"{slope.value:.3f} ({slope.low:.3f} to {slope.high:.3f})")
    section = next(s for s in content.sections if s.title.endswith("Calibration and recalibration"))
    assert any(p.startswith("Did resampling help?") for p in section.paragraphs)
    assert "calibration_curves" in section.figures and len(content.figures.calibration_curves) == 4
    assert content.figures.decision is not None  # recalibrated, calibrated within the intervals
    caveats = next(s for s in content.sections if s.title.endswith("Caveats"))
    assert not any("Read them as a ranking" in p for p in caveats.paragraphs)


def test_pdf_renders_the_section_with_its_figure(pima_recalibrated, tmp_path: Path):
    data, result, _ = pima_recalibrated
    content = report.build_report_content(report.ReportInputs(data=data, result=result, threshold=0.3))
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(report.render_pdf(content))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Calibration and recalibration" in text and "Calibration metrics with 95 % intervals" in text
    from imbalance_core.share import report_figures

    assert "calibration_curves" in report_figures.draw_all(content.figures)


def test_resampled_model_without_recalibration_gets_no_decision_curve():
    data = H.pima()
    result = training.train(data, training.TrainSettings(sampler="smote", cv=3))
    content = report.build_report_content(report.ReportInputs(data=data, result=result, threshold=0.3))
    assert content.figures.decision is None
    section = next(s for s in content.sections if s.title.startswith("6."))
    assert any(p.startswith("Decision curve not drawn") for p in section.paragraphs)
    import warnings

    from imbalance_core.share import report_figures

    with warnings.catch_warnings():  # the empty panel says why instead of drawing a legend of nothing
        warnings.simplefilter("error")
        png = report_figures.draw_calibration_decision(content.figures)
    assert png.startswith(b"\x89PNG")
