"""The report: numbers checked against scikit-learn/statsmodels, PDF text and pages, HTML export."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess

import numpy as np
import pytest
from pypdf import PdfReader
from sklearn.metrics import confusion_matrix, recall_score, roc_auc_score
from statsmodels.stats.proportion import proportion_confint

from imbalance_core.intake import bundled
from imbalance_core.learn import compare, training
from imbalance_core.share import report, report_html
from tests.helpers_training import hcv, hcv_multiclass

THRESHOLD = 0.27
PREVALENCE = 0.05


@pytest.fixture(scope="module")
def built():
    data = hcv()
    settings = training.TrainSettings(sampler="smote", classifier="logreg", ratio=0.5, cv=3, seed=1)
    result = training.train(data, settings)
    grid = compare.run_grid(data, ["none", "smote"], ["logreg"], settings, n_jobs=1)
    inputs = report.ReportInputs(
        data=data,
        result=result,
        threshold=THRESHOLD,
        threshold_reason="Picked for the test.",
        prevalence=PREVALENCE,
        table=bundled.load_bundled("hcv"),
        compare=grid,
        projection=report.pca_view(data, settings),
    )
    content = report.build_report_content(inputs)
    return data, result, content, report.render_pdf(content)


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _wilson(k: int, n: int) -> tuple[float, float]:
    return proportion_confint(k, n, alpha=0.05, method="wilson")


def test_hold_out_numbers_match_independent_computation(built):
    _, result, content, _ = built
    y, s = result.y_test, result.test_scores
    tn, fp, fn, tp = confusion_matrix(y, (s >= THRESHOLD).astype(int), labels=[0, 1]).ravel()
    k = content.key_numbers
    assert (k["tp"], k["fp"], k["tn"], k["fn"]) == tuple(f"{v:,}" for v in (tp, fp, tn, fn))
    sens, spec = tp / (tp + fn), tn / (tn + fp)
    assert k["sensitivity"] == report.fmt_ci(sens, *_wilson(tp, tp + fn))
    assert k["specificity"] == report.fmt_ci(spec, *_wilson(tn, tn + fp))
    assert k["ppv"] == report.fmt_ci(tp / (tp + fp), *_wilson(tp, tp + fp))
    assert k["npv"] == report.fmt_ci(tn / (tn + fn), *_wilson(tn, tn + fn))
    p = PREVALENCE
    assert k["ppv_deploy"].startswith(f"{sens * p / (sens * p + (1 - spec) * (1 - p)):.3f} (")
    assert k["npv_deploy"].startswith(f"{spec * (1 - p) / (spec * (1 - p) + (1 - sens) * p):.3f} (")
    assert k["roc_auc"].startswith(f"{roc_auc_score(y, s):.3f} (")


def test_tables_hold_the_same_strings_as_key_numbers(built):
    _, _, content, _ = built
    acc = dict((r[0], r[1]) for r in content.table("Diagnostic accuracy on the hold-out set").rows)
    assert acc["Sensitivity"] == content.key_numbers["sensitivity"]
    assert acc["PPV at deployment prevalence"] == content.key_numbers["ppv_deploy"]
    two = content.table("Hold-out 2x2 table").rows
    assert two[0][1] == content.key_numbers["tp"] and two[1][2] == content.key_numbers["tn"]


def test_data_section_reports_hash_counts_exclusions_and_rules(built):
    data, _, content, _ = built
    rows = dict(content.table("Data set").rows)
    assert rows["SHA-256 of the file"] == data.source_sha256
    for name, n in data.class_counts.items():
        assert rows[f"Class '{name}'"].startswith(f"{n:,} (")
    excluded = dict(content.table("Excluded columns").rows)
    assert set(excluded) == set(data.excluded)
    text = " ".join(content.sections[0].paragraphs)
    assert "x/2" in text and "median" in text


def test_pdf_text_contains_every_number_in_stard_order(built, output_dir):
    _, _, content, pdf = built
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    flat = _flat(text)
    for key, value in content.key_numbers.items():
        assert _flat(value) in flat, key
    for block in (
        content.table("Hold-out 2x2 table"),
        content.table("Diagnostic accuracy on the hold-out set"),
        content.table("Cross-validation (mean ± sd over folds)"),
        content.table("Compare leaderboard"),
    ):
        for row in block.rows:
            for cell in row[:2]:
                assert _flat(cell) in flat, (block.title, cell)
    titles = [s.title for s in content.sections]
    positions = [flat.find(_flat(t)) for t in titles]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), titles
    n_pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert f"page 1 of {n_pages}" in text and f"page {n_pages} of {n_pages}" in text
    assert content.export_id in text
    (output_dir / "report-hcv.pdf").write_bytes(pdf)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_pages_render_to_png(built, output_dir):
    _, _, _, pdf = built
    path = output_dir / "report-hcv.pdf"
    path.write_bytes(pdf)
    prefix = output_dir / "report-hcv-page"
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(path), str(prefix)], check=True, timeout=120)
    pages = sorted(output_dir.glob("report-hcv-page*.png"))
    assert len(pages) == len(PdfReader(io.BytesIO(pdf)).pages)
    assert all(p.stat().st_size > 10_000 for p in pages)


def test_two_reports_are_never_identical(built):
    data, result, content, pdf = built
    again = report.build_report_content(report.ReportInputs(data=data, result=result, threshold=THRESHOLD))
    assert again.export_id != content.export_id
    assert report.render_pdf(again) != pdf


def test_html_report_is_self_contained_escaped_and_has_same_numbers(built):
    _, _, content, _ = built
    page = report_html.render_html(content)
    assert "<script src=" not in page  # plotly.js inline, no CDN
    assert page.count("Plotly.newPlot") >= 5
    for value in content.key_numbers.values():
        assert value in page
    assert content.export_id in page


def test_html_escapes_class_names(built):
    _, _, content, _ = built
    import dataclasses

    fd = dataclasses.replace(content.figures, positive_name="<img src=x onerror=alert(1)>")
    evil = dataclasses.replace(content, figures=fd, subtitle="<script>alert(1)</script>")
    page = report_html.render_html(evil)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_multiclass_report_confusion_matrix_and_per_class_intervals(output_dir):
    data = hcv_multiclass()
    result = training.train(data, training.TrainSettings(sampler="random_over", classifier="logreg", cv=2))
    content = report.build_report_content(report.ReportInputs(data=data, result=result))
    y = result.y_test
    pred = np.argmax(result.test_scores, axis=1)
    k = len(data.class_names)
    cm = confusion_matrix(y, pred, labels=list(range(k)))
    table = content.table("Hold-out confusion matrix")
    for i in range(k):
        assert table.rows[i][1 : k + 1] == tuple(f"{v:,}" for v in cm[i])
    recall = recall_score(y, pred, labels=list(range(k)), average=None)
    per_class = content.table("Per-class accuracy on the hold-out set").rows
    for c, name in enumerate(data.class_names):
        n = int(cm[c].sum())
        expected = report.fmt_ci(recall[c], *_wilson(int(cm[c, c]), n))
        assert per_class[c][2] == expected == content.key_numbers[f"sensitivity:{name}"]
    pdf = report.render_pdf(content)
    flat = _flat(_pdf_text(pdf))
    assert _flat(content.key_numbers["balanced_accuracy"]) in flat
    assert all(_flat(row[2]) in flat for row in per_class)
    (output_dir / "report-hcv-multiclass.pdf").write_bytes(pdf)
    assert "Plotly.newPlot" in report_html.render_html(content)


@pytest.mark.parametrize(
    ("fn", "value", "text"),
    [(report.fmt_prop, 0.12345, "0.123"), (report.fmt_prop, float("nan"), "—"),
     (report.fmt_count, 1234, "1,234"), (report.fmt_pct, 0.125, "12.5 %"),
     (report.fmt_threshold, 0.3, "0.3000"), (report.fmt_ratio, 0.25, "1:4")],
)  # fmt: skip
def test_formatting_helpers(fn, value, text):
    assert fn(value) == text


def test_prevalence_default_is_the_hold_out_share(built):
    data, result, _, _ = built
    content = report.build_report_content(report.ReportInputs(data=data, result=result, threshold=THRESHOLD))
    share = float(np.mean(result.y_test))
    assert report.fmt_pct(share) in " ".join(content.sections[4].paragraphs)


def test_figures_and_pdf_survive_awkward_class_names(built):
    import dataclasses

    from imbalance_core.share import report_figures

    _, _, content, _ = built
    odd = "$\\frac{$ & <b>1</b>"  # unescaped, matplotlib's maths parser would fail on it
    fd = dataclasses.replace(
        content.figures,
        positive_name=odd,
        negative_name="a$b",
        class_bars={"Whole data set": {"a$b": 5, odd: 2}},
    )
    images = report_figures.draw_all(fd)
    assert set(images) == {"classes", "roc_pr", "calibration_decision", "pca", "calibration_curves"}
    odd_content = dataclasses.replace(content, figures=fd, subtitle=odd, meta=(("Data set", odd),))
    text = _pdf_text(report.render_pdf(odd_content, images))
    assert "<b>1</b>" in text


# --------------------------------------------------------------------------- zeros read as "not measured"

PIMA_ZEROS = ("Glucose", "BloodPressure", "SkinThickness", "Insulin", "BMI")  # sample_data/README.md


def _pima_content(spec, table=True):
    from imbalance_core.intake import task

    loaded = bundled.load_bundled("pima")
    data = task.prepare(loaded, spec)
    result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=2))
    inputs = report.ReportInputs(data=data, result=result, threshold=0.4, table=loaded if table else None)
    return data, result, report.build_report_content(inputs)


@pytest.fixture(scope="module")
def pima_built():
    data, result, content = _pima_content(bundled.BUNDLED["pima"].default_spec)
    return data, result, content, report.render_pdf(content)


def _pima_zero_counts() -> tuple[dict[str, int], int]:
    """Zeros per documented column over the rows the task keeps (every row with an Outcome), by pandas."""
    import pandas as pd

    frame = pd.read_csv(bundled.SAMPLE_DATA / "pima_diabetes.csv")
    kept = frame[frame["Outcome"].notna()]
    return {c: int((kept[c] == 0).sum()) for c in PIMA_ZEROS}, len(kept)


def test_pima_report_states_zeros_read_as_missing_per_column(pima_built):
    _, _, content, _ = pima_built
    expected, n = _pima_zero_counts()
    assert all(expected.values())
    rows = content.table(report.ZERO_MISSING_TITLE).rows
    assert [r[0] for r in rows] == list(PIMA_ZEROS)
    assert {r[0]: r[1] for r in rows} == {c: f"{k:,}" for c, k in expected.items()}
    assert {r[0]: r[2] for r in rows} == {c: f"{100 * k / n:.1f} %" for c, k in expected.items()}
    assert {r[3] for r in rows} == {"0 read as missing"}
    data_section = content.sections[0]
    assert report.ZERO_MISSING_TITLE in [t.title for t in data_section.tables]
    (paragraph,) = [p for p in data_section.paragraphs if "not measured" in p]
    for column, k in expected.items():
        assert f"{column} {k:,}" in paragraph
    assert f"{sum(expected.values()):,} cells in {n:,} patients" in paragraph
    assert "The saved model applies the same rule to new patients" in paragraph


def test_pima_pdf_and_html_name_each_column_with_its_count(pima_built):
    _, _, content, pdf = pima_built
    expected, n = _pima_zero_counts()
    flat = _flat(_pdf_text(pdf))
    for column, k in expected.items():
        assert _flat(f"{column} {k:,}") in flat, column  # the paragraph
        assert _flat(f"{column} {k:,} {100 * k / n:.1f} % 0 read as missing") in flat, column  # the table row
    assert _flat("The saved model applies the same rule to new patients") in flat
    assert _flat(report.ZERO_MISSING_TITLE) in flat
    page = report_html.render_html(content)
    for column, k in expected.items():
        assert f"<td>{column}</td><td>{k:,}</td>" in page


def test_report_says_the_rule_only_for_the_columns_the_saved_model_uses():
    from imbalance_core.share import model_file

    spec = dataclasses.replace(bundled.BUNDLED["pima"].default_spec, exclude=("Insulin",))
    data, result, content = _pima_content(spec)
    rows = {r[0]: r[3] for r in content.table(report.ZERO_MISSING_TITLE).rows}
    assert rows["Insulin"] == "not a model feature"
    saved = model_file.build_saved_model(result.pipeline, data, 0.4, "test", result.settings)
    assert {c for c, rule in rows.items() if rule == "0 read as missing"} == set(saved.metadata.zero_missing)
    assert set(saved.metadata.zero_missing) == set(PIMA_ZEROS) - {"Insulin"}
    paragraph = next(p for p in content.sections[0].paragraphs if "not measured" in p)
    assert "Not used as model features: Insulin." in paragraph


def test_zeros_made_missing_are_not_counted_as_missing_cells_without_the_file_record():
    import pandas as pd

    frame = pd.read_csv(bundled.SAMPLE_DATA / "pima_diabetes.csv")
    assert int(frame.isna().sum().sum()) == 0  # the file itself has no empty cells
    _, _, content = _pima_content(bundled.BUNDLED["pima"].default_spec, table=False)
    with pytest.raises(KeyError):
        content.table("Missing values and detection limits per feature")
    assert content.table(report.ZERO_MISSING_TITLE).rows


def test_hcv_report_says_nothing_about_zeros(built):
    data, _, content, pdf = built
    assert not data.zero_missing_counts
    texts = [content.title, content.subtitle]
    for section in content.sections:
        texts += [section.title, *section.paragraphs]
        for block in section.tables:
            texts += [block.title, block.note, *block.header, *(cell for row in block.rows for cell in row)]
    assert not [t for t in texts if "zero" in t.lower() or "not measured" in t.lower()]
    text = _pdf_text(pdf).lower()
    assert "zero" not in text and "not measured" not in text
