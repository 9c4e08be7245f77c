"""Subgroup table: every group's numbers against numpy / scikit-learn / statsmodels computed per group."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.metrics import confusion_matrix, roc_auc_score
from statsmodels.stats.proportion import proportion_confint

from imbalance_core.errors import DataError
from imbalance_core.evaluation import subgroups as sg
from imbalance_core.intake import bundled
from tests.helpers_training import hcv


def _awkward(n: int = 3000, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Sex as codes 1/2 with missing values, an age column, a lab value; disease the majority in one group."""
    rng = np.random.default_rng(seed)
    sex = rng.choice([1.0, 2.0, np.nan], size=n, p=[0.5, 0.45, 0.05])
    age = rng.uniform(18, 95, size=n)
    age[rng.random(n) < 0.03] = np.nan
    lab = rng.lognormal(3, 0.7, size=n)
    risk = 1 / (1 + np.exp(-(-2.5 + 0.03 * np.nan_to_num(age, nan=50) - 1.0 + 2.5 * (sex == 2))))
    y = (rng.random(n) < risk).astype(int)
    score = np.clip(risk + rng.normal(0, 0.15, n), 0.001, 0.999)
    return pd.DataFrame({"sex": sex, "Age (years)": age, "crp": lab}), y, score


def _check_row(row: sg.SubgroupRow, y: np.ndarray, s: np.ndarray, t: float) -> None:
    pred = (s >= t).astype(int)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    assert (row.tp, row.fp, row.tn, row.fn, row.n, row.events) == (tp, fp, tn, fn, len(y), y.sum())
    for key, (c, tot) in {
        "prevalence": (y.sum(), len(y)), "sensitivity": (tp, tp + fn), "specificity": (tn, tn + fp),
        "ppv": (tp, tp + fp), "npv": (tn, tn + fn),
    }.items():  # fmt: skip
        p = row.proportions[key]
        if tot == 0:
            assert np.isnan(p.value)
            continue
        lo, hi = proportion_confint(c, tot, method="wilson")
        assert p.value == pytest.approx(c / tot) and p.lo == pytest.approx(lo) and p.hi == pytest.approx(hi)
    if 0 < y.sum() < len(y):
        assert row.roc_auc[0] == pytest.approx(roc_auc_score(y, s))
        offset = np.log(s / (1 - s))
        glm = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Binomial(), offset=offset).fit()
        assert row.calibration_in_the_large[0] == pytest.approx(glm.params[0], abs=1e-6)
        assert row.calibration_in_the_large[1] == pytest.approx(glm.conf_int()[0, 0], abs=1e-4)
    else:
        assert np.isnan(row.roc_auc[0]) and any("both classes" in r for r in row.reasons)


def test_each_group_matches_a_hand_computation() -> None:
    frame, y, s = _awkward()
    t = 0.4
    table = sg.subgroup_table(frame[["sex"]], y, s, t)
    assert table.bandings[0].kind == "categories"
    names = [r.group for r in table.rows]
    assert names == ["1.0", "2.0", "missing"]  # codes as they are, missing kept and last
    for row in table.rows:
        mask = (
            frame["sex"].isna().to_numpy() if row.group == "missing" else (frame["sex"] == float(row.group))
        )
        _check_row(row, y[mask], s[mask], t)
    assert sum(r.n for r in table.rows) == len(y)


def test_age_in_decades_and_a_lab_in_quartiles_crossed() -> None:
    frame, y, s = _awkward()
    table = sg.subgroup_table(frame[["Age (years)", "crp"]], y, s, 0.5)
    kinds = [b.kind for b in table.bandings]
    assert kinds == ["decades", "quartiles"]
    decade = np.floor(frame["Age (years)"] / 10) * 10
    edges = np.quantile(frame["crp"], [0, 0.25, 0.5, 0.75, 1])
    quart = np.clip(np.searchsorted(edges, frame["crp"], side="right") - 1, 0, 3)
    for row in table.rows:
        age_part, crp_part = row.group.split(" · ")
        amask = decade.isna() if age_part == "missing" else decade == int(age_part.split("-")[0])
        qmask = quart == int(crp_part[1]) - 1
        mask = (amask & qmask).to_numpy()
        _check_row(row, y[mask], s[mask], 0.5)
    assert sum(r.n for r in table.rows) == len(y)
    assert any(r.too_few for r in table.rows)  # small crossed groups are marked, not hidden
    assert any(r.group.startswith("missing") for r in table.rows)


def test_one_class_group_gets_nan_auc_with_a_reason_and_gaps_are_flagged() -> None:
    rng = np.random.default_rng(0)
    n = 2000
    grp = np.where(np.arange(n) < 1000, "A", "B").astype(object)
    y = np.r_[(rng.random(1000) < 0.3).astype(int), (rng.random(1000) < 0.3).astype(int)]
    s = np.r_[np.where(y[:1000] == 1, 0.9, 0.1), rng.random(1000)]  # A perfect, B coin flip
    grp[:30] = "C"
    y[:30] = 0
    table = sg.subgroup_table(pd.DataFrame({"site": grp}), y, s, 0.5)
    c = next(r for r in table.rows if r.group == "C")
    assert np.isnan(c.roc_auc[0]) and c.too_few
    sens = next(g for g in table.gaps if g.metric == "sensitivity")
    assert {sens.high_group, sens.low_group} == {"A", "B"} and sens.separated
    a = next(r for r in table.rows if r.group == "A").proportions["sensitivity"]
    b = next(r for r in table.rows if r.group == "B").proportions["sensitivity"]
    assert sens.difference == pytest.approx(abs(a.value - b.value))
    assert "do not overlap" in sens.sentence()
    block = table.as_dict()
    assert block["groups"][0]["sensitivity"]["of"] > 0 and block["largest_gaps"]


def test_holdout_frame_takes_features_and_columns_outside_the_model() -> None:
    data = hcv()
    table = bundled.load_bundled("hcv")
    idx = np.arange(0, len(data.y), 7)
    got = sg.holdout_frame(data, idx, ("Sex", "unnamed_1"), table)
    assert list(got["Sex"]) == list(data.X["Sex"].iloc[idx])
    rows = np.asarray(data.source_rows)[idx]
    assert list(got["unnamed_1"]) == list(table.frame["unnamed_1"].iloc[rows])
    with pytest.raises(DataError, match="not a column"):
        sg.holdout_frame(data, idx, ("no such column",), table)
    with pytest.raises(DataError, match="at most 2"):
        sg.holdout_frame(data, idx, ("Sex", "Age", "ALB"), table)


def test_hundred_thousand_rows_in_reasonable_time() -> None:
    frame, y, s = _awkward(100_000, seed=5)
    t0 = time.perf_counter()
    table = sg.subgroup_table(frame[["sex", "Age (years)"]], y, s, 0.4)
    seconds = time.perf_counter() - t0
    assert sum(r.n for r in table.rows) == 100_000
    assert seconds < 10, seconds
