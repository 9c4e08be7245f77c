"""Report section for internal validation: the table equals the validation's numbers; the CLI report
with ``--validation bootstrap`` carries the section and says where the other sections come from."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from imbalance_core.cli import main
from imbalance_core.learn.internal_validation import ValidationSettings, validate
from imbalance_core.learn.training import TrainSettings
from imbalance_core.share.report_validation import validation_section
from tests.cli.hcv_evaluate import TASK
from tests.learn.test_internal_validation import simulated

ROOT = Path(__file__).resolve().parents[2]
HCV = ROOT / "sample_data" / "hcv_lab_values.csv"


def test_section_table_equals_the_validation_and_names_the_other_sections():
    data = simulated(200, 2, 1, seed=3)
    result = validate(data, TrainSettings(cv=2), ValidationSettings(n_boot=3, n_jobs=1))
    section = validation_section(result, 9)
    assert section.title == "9. Internal validation and stability"
    rows = {r[0]: r for r in section.tables[0].rows}
    for m in result.measures:
        assert rows[m.name][1:] == (f"{m.apparent:.3f}", f"{m.optimism:.3f}", f"{m.corrected:.3f}")
    text = " ".join(section.paragraphs)
    assert "come from the hold-out split" in text and "Riley & Collins" in text
    assert "nan" not in text
    assert np.isfinite(result.measure("roc_auc").corrected)


def test_cli_report_with_bootstrap_validation_has_the_section(tmp_path):
    html = tmp_path / "r.html"
    args = ["report", str(HCV), *TASK, "--sampler", "none", "--classifier", "logreg", "--cv", "2",
            "--validation", "bootstrap", "--bootstrap-b", "2", "--no-pca",
            "--out", str(tmp_path / "r.pdf"), "--html-out", str(html)]  # fmt: skip
    assert main(args) == 0
    text = html.read_text(encoding="utf-8")
    assert "Internal validation and stability" in text
    assert "Optimism-corrected bootstrap: 2 samples" in text
    assert "come from the hold-out split" in text


def test_checklist_points_tripod_items_to_the_internal_validation_section():
    """TRIPOD+AI 12a, 12c, 23a and 26 name the internal-validation section when the report has one, and
    the appendix says which validation each part's numbers come from (issue 27 item 5)."""
    from types import SimpleNamespace

    from imbalance_core.share.checklist import checklist_section

    data = simulated(200, 2, 1, seed=3)
    result = validate(data, TrainSettings(cv=2), ValidationSettings(n_boot=3, n_jobs=1))
    titles = ["1. Data", "2. Method", "3. Cross-validation results", "4. Decision threshold",
              "5. Results on the hold-out set", "9. Internal validation and stability",
              "10. Caveats"]  # fmt: skip
    section = checklist_section(SimpleNamespace(validation=result, result=None), titles)
    rows = {r[0]: r[2] for r in section.tables[0].rows}
    for item in ("12a", "12c", "23a", "26"):
        assert "§ 9. Internal validation and stability" in rows[item], item
    assert "optimism-corrected bootstrap" in rows["12c"]
    provenance = section.paragraphs[1]
    assert "§ 5. Results on the hold-out set" in provenance and "the hold-out set" in provenance
    assert "§ 9. Internal validation and stability: every patient" in provenance
    without = checklist_section(SimpleNamespace(validation=None, result=None), titles[:5])
    rows = {r[0]: r[2] for r in without.tables[0].rows}
    assert not any("Internal validation" in v for v in rows.values())
    assert "no resampling-based internal validation" in without.paragraphs[1]
