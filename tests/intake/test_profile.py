"""Class balance, guidance and data-quality profile; the class-distribution figure.

Counts are checked against plain pandas on the raw files and the published numbers in SOURCES.md.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from imbalance_core.evaluation.formatting import percent
from imbalance_core.figures.classes import class_distribution_figure
from imbalance_core.intake.bundled import BUNDLED, load_bundled
from imbalance_core.intake.profile import MIN_MINORITY_FOR_SMOTE, guidance_for, profile
from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import TaskSpec

SUSPECT = "0s=suspect Blood Donor"


@pytest.fixture(scope="module")
def hcv_profile():
    return profile(load_bundled("hcv"), BUNDLED["hcv"].default_spec)


@pytest.fixture(scope="module")
def hcv_raw() -> pd.DataFrame:
    return pd.read_csv(BUNDLED["hcv"].path, na_values=["NA"], keep_default_na=False)


def test_hcv_counts_shares_and_ratio(hcv_profile, hcv_raw):
    used = hcv_raw[hcv_raw["Category"] != SUSPECT]
    counts = used["Category"].value_counts()
    positive = int(counts[list(BUNDLED["hcv"].default_spec.positive)].sum())
    negative = int(counts["0=Blood Donor"])
    assert hcv_profile.rows == len(used) == 608
    assert hcv_profile.rows_read == 615
    assert hcv_profile.classes == {k: int(v) for k, v in counts.sort_index().items()}
    assert sorted(hcv_profile.task_classes.values()) == sorted([negative, positive])
    assert hcv_profile.imbalance_ratio == pytest.approx(negative / positive)
    assert hcv_profile.shares[hcv_profile.positive_name] == pytest.approx(positive / len(used))
    assert hcv_profile.minority_count == positive == 75
    assert hcv_profile.dropped_rows == {f"label '{SUSPECT}' left out": 7}


def test_hcv_quality_table_matches_pandas(hcv_profile, hcv_raw):
    used = hcv_raw[hcv_raw["Category"] != SUSPECT]
    quality = {q.name: q for q in hcv_profile.quality}
    for col in hcv_raw.columns[1:]:
        assert quality[col].missing == int(used[col].isna().sum()), col
    assert quality["Category"].kind == "label"
    assert quality["Sex"].kind == "categorical"
    assert quality["ALT"].kind == "numeric"
    assert quality["unnamed_1"].kind == "excluded"
    assert "unique in every row" in quality["unnamed_1"].excluded_reason
    assert quality["ALT"].excluded_reason is None


def test_hcv_guidance_is_take_care(hcv_profile):
    levels = {g.level for g in hcv_profile.guidance}
    assert "warning" in levels and "action" not in levels
    assert any("7.1:1" in g.text for g in hcv_profile.guidance)


@pytest.mark.parametrize(
    ("ratio", "minority", "level"),
    [
        (1.2, 500, "info"),
        (3.9, 100, "info"),
        (4.0, 100, "warning"),
        (10.0, 50, "warning"),
        (10.5, 50, "action"),
    ],
)
def test_guidance_levels_follow_the_domain_thresholds(ratio, minority, level):
    first = guidance_for(ratio, minority)[0]
    assert first.level == level


def test_mild_imbalance_says_weights_suffice():
    texts = " ".join(g.text for g in guidance_for(2.0, 100))
    assert "Class weights are usually enough" in texts


def test_too_few_minority_warns_about_smote(bad_cases):
    result = profile(read_table(bad_cases / "too_few_minority.csv"), TaskSpec("infection"))
    assert result.minority_count == 3 < MIN_MINORITY_FOR_SMOTE
    assert any("SMOTE" in w and "class weights" in w for w in result.warnings)
    assert result.imbalance_ratio == pytest.approx(297 / 3)


def test_detection_limit_counts_in_quality(bad_cases):
    path = bad_cases / "below_detection_limit.csv"
    raw = pd.read_csv(path, dtype=str)
    result = profile(read_table(path), TaskSpec("infection"))
    quality = {q.name: q for q in result.quality}
    for col in ("crp", "wbc"):
        assert quality[col].detection_limit == int(raw[col].str.match(r"^[<>]").sum())
    assert quality["age"].detection_limit == 0


def test_ilpd_duplicates_and_positive_majority():
    result = profile(load_bundled("ilpd"), BUNDLED["ilpd"].default_spec)
    independent = pd.read_csv(BUNDLED["ilpd"].path)
    assert result.duplicated_rows == int(independent.duplicated().sum()) == 12
    assert any("duplicates" in w for w in result.warnings)
    assert any("majority" in g.text for g in result.guidance)
    assert result.imbalance_ratio == pytest.approx(416 / 167)


def test_multiclass_ratio_is_largest_over_smallest():
    result = profile(load_bundled("hcv"), TaskSpec("Category", multiclass=True))
    counts = pd.read_csv(BUNDLED["hcv"].path)["Category"].value_counts()
    assert result.imbalance_ratio == pytest.approx(counts.max() / counts.min())
    assert result.positive_name is None and result.multiclass


def test_json_dict_has_the_cli_keys(hcv_profile):
    out = json.loads(json.dumps(hcv_profile.to_json_dict()))
    for key in ("rows", "columns", "label", "classes", "positive", "imbalance_ratio", "excluded", "warnings"):
        assert key in out
    assert out["columns"] == 14
    assert out["positive"] == list(BUNDLED["hcv"].default_spec.positive)
    assert isinstance(out["warnings"], list) and all(isinstance(w, str) for w in out["warnings"])


def test_class_figure_shows_counts_and_ratio(hcv_profile):
    figure = class_distribution_figure(hcv_profile)
    bar = figure.data[0]
    assert list(bar.x) == list(hcv_profile.task_classes)
    assert np.array_equal(np.asarray(bar.y), np.array(list(hcv_profile.task_classes.values())))
    assert "7.1:1" in figure.layout.title.text and "533" in figure.layout.title.text
    counts = list(hcv_profile.task_classes.values())  # each bar says its count and share, one formatter
    assert list(bar.text) == [f"{v:,} ({percent(v / sum(counts))})" for v in counts]
    by_value = class_distribution_figure(hcv_profile, by_label_value=True)
    assert list(by_value.data[0].x) == list(hcv_profile.classes)
    colours = list(by_value.data[0].marker.color)
    assert colours.count(colours[0]) == 1  # the donors differ from the three disease classes


# --------------------------------------------------------------------------- zeros that mean "not measured"

#: Documented in sample_data/README.md (Pima section): the columns whose 0 means "not measured".
PIMA_DOCUMENTED = ("Glucose", "BloodPressure", "SkinThickness", "Insulin", "BMI")


@pytest.fixture(scope="module")
def pima_raw() -> pd.DataFrame:
    return pd.read_csv(BUNDLED["pima"].path)


def test_pima_zeros_flagged_in_exactly_the_documented_columns(pima_raw):
    prof = profile(load_bundled("pima"), TaskSpec("Outcome", positive=("1",)))  # zeros NOT read as missing
    found = {z.column: z for z in prof.suspect_zeros}
    assert set(found) == set(PIMA_DOCUMENTED)
    assert (pima_raw["Pregnancies"] == 0).sum() > 0  # has zeros, yet 0 pregnancies is a real count
    for col in PIMA_DOCUMENTED:
        values = pima_raw[col]
        z = found[col]
        assert z.zeros == int((values == 0).sum())
        assert z.smallest_nonzero == pytest.approx(values[values != 0].min())
        assert z.median_nonzero == pytest.approx(values[values != 0].median())
        assert not z.chosen
        # One plain sentence per column with the count, the smallest value and what to do.
        sentence = next(w for w in prof.warnings if f"'{col}'" in w)
        assert f"{z.zeros} zeros" in sentence and f"{values[values != 0].min():g}" in sentence
        assert f"--zero-missing {col}" in sentence


def test_pima_preset_marks_the_columns_chosen_and_counts_them(pima_raw):
    prof = profile(load_bundled("pima"), BUNDLED["pima"].default_spec)
    assert {z.column for z in prof.suspect_zeros if z.chosen} == set(PIMA_DOCUMENTED)
    assert not any("look like 'not measured'" in w for w in prof.warnings)
    quality = {q.name: q for q in prof.quality}
    for col in pima_raw.columns:
        expected = int((pima_raw[col] == 0).sum()) if col in PIMA_DOCUMENTED else 0
        assert quality[col].zeros_as_missing == expected, col
    assert json.loads(json.dumps(prof.to_json_dict()))["suspect_zeros"][0]["chosen"] is True


@pytest.mark.parametrize("key", ["hcv", "ilpd"])
def test_nothing_flagged_on_hcv_and_ilpd(key):
    prof = profile(load_bundled(key), BUNDLED[key].default_spec)
    assert prof.suspect_zeros == ()
    assert not any("zeros" in w for w in prof.warnings)


def test_the_rule_on_real_columns_with_zeros_put_in():
    """Derived from real values: zeros below albumin's 14.9 g/L look missing; zeros one grid step below
    ILPD's direct bilirubin (0.1, 0.2, ...) do not, nor do zeros in a skewed value crowding towards 0."""
    from imbalance_core.intake.profile import zero_finding

    alb = load_bundled("hcv").frame["ALB"].to_numpy(dtype=float).copy()
    alb[:10] = 0.0
    finding = zero_finding(alb, "ALB")
    assert finding is not None and finding.zeros == 10
    assert finding.smallest_nonzero == pytest.approx(np.nanmin(alb[10:]))
    bil = load_bundled("ilpd").frame["Direct_Bilirubin"].to_numpy(dtype=float).copy()
    bil[:10] = 0.0
    assert zero_finding(bil, "Direct_Bilirubin") is None  # 0.1 is one step of 0.1 above 0
    skewed = np.concatenate([[0.0] * 5, np.arange(10.0, 1000.0, 1.0), [5000.0] * 2000])
    assert np.median(skewed[skewed > 0]) == 5000.0  # smallest 10 is 10 steps up but 0.2 % of the median
    assert zero_finding(skewed, "skewed") is None


@pytest.mark.parametrize(
    ("values", "why"),
    [
        (np.r_[np.zeros(50), np.ones(50)], "0/1 indicator: only one non-zero value"),
        (np.r_[np.zeros(5), np.arange(1.0, 40.0)], "a count: zero is one step below 1"),
        (np.r_[np.zeros(5), np.arange(40.0, 50.0)], "fewer than 20 non-zero values"),
        (np.r_[np.zeros(5), [-1.0], np.arange(40.0, 80.0)], "negative values: zero is inside the range"),
        (np.arange(40.0, 80.0), "no zeros"),
    ],
)
def test_the_rule_leaves_real_zeros_alone(values, why):
    from imbalance_core.intake.profile import zero_finding

    assert zero_finding(values, "x") is None, why
    assert zero_finding(np.r_[np.zeros(5), np.arange(40.0, 80.0)], "x") is not None  # the positive twin
