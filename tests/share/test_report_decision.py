"""Report sections for deciding: subgroups, importance, sample size, and the TRIPOD+AI / STARD appendix."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader
from sklearn.metrics import confusion_matrix
from statsmodels.stats.proportion import proportion_confint

from imbalance_core.evaluation import sample_size
from imbalance_core.intake import bundled
from imbalance_core.learn import training
from imbalance_core.share import checklist, report, report_decision, report_html
from tests.helpers_training import hcv, hcv_multiclass

THRESHOLD = 0.3


@pytest.fixture(scope="module")
def built():
    data = hcv()
    settings = training.TrainSettings(sampler="smote", classifier="logreg", ratio=0.5, cv=3, seed=2)
    result = training.train(data, settings)
    inputs = report.ReportInputs(
        data=data, result=result, threshold=THRESHOLD, threshold_reason="Picked for the test.",
        table=bundled.load_bundled("hcv"),
    )  # fmt: skip
    inputs = dataclasses.replace(
        inputs,
        decision=report_decision.DecisionRequest(
            subgroups=("Sex",), compute_importance=True, importance_repeats=2
        ),
    )
    content = report.build_report_content(inputs)
    return data, result, content, report.render_pdf(content)


def _titles(content: report.ReportContent) -> list[str]:
    return [s.title for s in content.sections]


def test_sections_in_order_and_numbered(built):
    _, _, content, _ = built
    titles = _titles(content)
    numbered = [t for t in titles if re.match(r"\d+\. ", t)]
    assert [int(t.split(".")[0]) for t in numbered] == list(range(1, len(numbered) + 1))
    for words in ("Subgroups", "Why the model scores as it does", "Sample size"):
        assert any(t.endswith(words) for t in titles)
    assert titles[-1] == checklist.APPENDIX_TITLE


def test_subgroup_rows_match_a_hand_count(built):
    data, result, content, _ = built
    table = content.table(report_decision.SUBGROUP_TABLE)
    sex = data.X["Sex"].iloc[result.test_index].to_numpy()
    for row in table.rows:
        group = row[0].replace(" (too few)", "")
        mask = sex == group
        y, s = result.y_test[mask], result.test_scores[mask]
        tn, fp, fn, tp = confusion_matrix(y, (s >= THRESHOLD).astype(int), labels=[0, 1]).ravel()
        assert row[1] == f"{mask.sum():,}" and row[2] == f"{y.sum():,}"
        lo, hi = proportion_confint(tp, tp + fn, method="wilson")
        assert row[3] == f"{tp / (tp + fn):.3f} ({lo:.3f}–{hi:.3f})"
        lo, hi = proportion_confint(tn, tn + fp, method="wilson")
        assert row[4] == f"{tn / (tn + fp):.3f} ({lo:.3f}–{hi:.3f})"


def test_sample_size_uses_the_cv_c_statistic(built):
    data, result, content, _ = built
    rows = dict(content.table(report_decision.SAMPLE_SIZE_TABLE).rows)
    phi = float(np.mean(data.y))
    want = sample_size.riley_binary(
        sample_size.count_parameters(data).total, phi,
        sample_size.r2cs_from_c(result.cv_summary["roc_auc"].mean, phi),
    )  # fmt: skip
    assert rows["Minimum sample size"].startswith(f"{want.minimum:,} ")
    assert "cross-validated ROC AUC" in rows["Anticipated Cox-Snell R2"]


def test_checklist_points_to_real_sections_and_marks_author_items(built):
    _, _, content, _ = built
    titles = _titles(content)
    tripod = content.table("TRIPOD+AI (2024)")
    numbers = [r[0] for r in tripod.rows]
    assert len({re.match(r"\d+", n).group() for n in numbers}) == 27  # all 27 items
    rows = {r[0]: r[2] for r in tripod.rows}
    for item in ("10", "11", "12a", "13", "14", "15", "22", "23a"):
        title = rows[item].removeprefix("§ ").split(":")[0]
        assert title in titles, (item, rows[item])
    assert rows["6a"] == rows["6b"] == checklist.AUTHORS
    assert checklist.code_version() in rows["22"]
    stard = {r[0]: r[2] for r in content.table("STARD 2015").rows}
    assert "Decision threshold" in stard["12a"] and "Subgroups" in stard["17"]


def test_threshold_interval_hook_reads_an_optional_field(built):
    data, result, _, _ = built

    class Uncertainty:
        def sentence(self) -> str:
            return "threshold 95 % interval 0.21-0.36 over 200 resampled picks"

    class WithUncertainty(report.ReportInputs):
        threshold_uncertainty = Uncertainty()

    inputs = WithUncertainty(data=data, result=result, threshold=THRESHOLD)
    rows = {r[0]: r[2] for r in report.build_report_content(inputs).table("TRIPOD+AI (2024)").rows}
    assert "0.21-0.36" in rows["15"]


def test_code_version_reads_the_git_head(tmp_path: Path):
    root = Path(__file__).resolve().parents[2]
    if shutil.which("git") and (root / ".git").exists():
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True)
        assert checklist.code_version(root) == f"git {head.stdout.strip()[:12]}"
    assert checklist.code_version(tmp_path).startswith("imbalance-lab")


def test_pdf_and_html_carry_the_new_sections(built, output_dir):
    _, _, content, pdf = built
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s+", "", text)
    for words in ("Subgroups", "Permutationimportance", "Minimumsamplesize", "TRIPOD+AI", "STARD2015"):
        assert words in flat, words
    html = report_html.render_html(content)
    assert "TRIPOD+AI (2024)" in html and report_decision.SUBGROUP_TABLE in html
    (output_dir / "decision_report.pdf").write_bytes(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                str(output_dir / "decision_report.pdf"),
                str(output_dir / "decision_report"),
            ],
            check=True,
        )
        assert list(output_dir.glob("decision_report-*.png"))


def test_multiclass_report_has_no_decision_sections_but_the_checklist():
    data = hcv_multiclass()
    result = training.train(data, training.TrainSettings(classifier="logreg", cv=3))
    content = report.build_report_content(report.ReportInputs(data=data, result=result))
    titles = _titles(content)
    assert not any(t.endswith("Sample size") for t in titles)
    assert titles[-1] == checklist.APPENDIX_TITLE


def test_unknown_subgroup_column_is_said_in_the_section(built):
    data, result, _, _ = built
    inputs = report.ReportInputs(
        data=data, result=result, threshold=THRESHOLD,
        decision=report_decision.DecisionRequest(subgroups=("nope",)),
    )  # fmt: skip
    content = report.build_report_content(inputs)
    section = next(s for s in content.sections if s.title.endswith("Subgroups"))
    assert any("not a column" in p for p in section.paragraphs)


def test_pdf_appendix_names_the_page_of_each_answer(built):
    _, _, content, pdf = built
    reader = PdfReader(io.BytesIO(pdf))
    pages = [re.sub(r"\s+", "", p.extract_text()) for p in reader.pages]
    appendix_start = next(i for i, t in enumerate(pages) if "Appendix:TRIPOD+AI" in t)
    flat = "".join(pages[appendix_start:])
    seen = 0
    for section in content.sections[:-1]:
        title = re.sub(r"\s+", "", section.title)
        where = [i + 1 for i, t in enumerate(pages[: appendix_start + 1]) if title in t]
        cited = re.findall(re.escape("§" + title) + r"\(page(\d+)\)", flat)
        if not cited:
            continue
        assert {int(c) for c in cited} == {where[0]}, (section.title, cited, where)
        seen += 1
    assert seen >= 6
    assert re.search(r"subgroups:§\d+\.Subgroups\(page\d+\)", flat)  # a second section gets its page too
    assert ".py" not in flat  # no source-file names in a clinical PDF
    assert checklist.with_pages(content, pdf) is not content  # content itself stays page-free (HTML)


def test_checklist_item_15_points_to_the_threshold_interval_of_section_4(built):
    """With both helpers' work merged: the threshold section states the bootstrap interval (or why none),
    and checklist item 15 says where."""
    _, _, content, _ = built
    rows = {r[0]: r[2] for r in content.table("TRIPOD+AI (2024)").rows}
    assert "bootstrap interval over resampled picks" in rows["15"]
    section = next(s for s in content.sections if "Decision threshold" in s.title)
    text = " ".join(str(p) for p in getattr(section, "paragraphs", ()))
    assert "Threshold uncertainty" in text


def test_stard_15_points_to_the_zones_only_when_a_rule_is_committed(built):
    data, result, content, _ = built
    stard = {r[0]: r[2] for r in content.table("STARD 2015").rows}
    assert stard["15"] == checklist.AUTHORS
    inputs = report.ReportInputs(data=data, result=result, threshold=THRESHOLD, rule=(0.05, 0.6))
    ruled = report.build_report_content(inputs)
    stard = {r[0]: r[2] for r in ruled.table("STARD 2015").rows}
    assert "Decision threshold" in stard["15"] and "indeterminate" in stard["15"]
    section = next(s for s in ruled.sections if "Decision threshold" in s.title)
    assert any("Indeterminate" in " ".join(map(str, row)) for t in section.tables for row in t.rows)
