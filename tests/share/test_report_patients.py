"""Issue 24 in the report: the hold-out share as it really is (rows and patients), missing-value counts over
the rows used (not every row read), exact copies and columns recorded after the outcome listed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import TaskSpec, prepare
from imbalance_core.learn import training
from imbalance_core.share import report

N = 400


def _frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    status = rng.choice(["0", "1"], N, p=[0.7, 0.3]).astype(object)
    unrecorded = rng.random(N) < 0.3
    status[unrecorded] = "-"  # '0' exists, so '-' = not recorded: those rows are left out
    tbg = rng.normal(20, 5, N).round(1)
    tbg[unrecorded | (rng.random(N) < 0.1)] = np.nan  # mostly missing where the label is missing
    died = status == "1"
    frame = pd.DataFrame(
        {
            "subject": np.sort(rng.integers(1000, 1000 + 150, N)),
            "tbg": tbg,
            "crp": rng.lognormal(1, 1, N).round(3),
            "time": np.where(died, rng.integers(3, 50, N), rng.integers(40, 300, N)),
            "status": status,
        }
    )
    frame.iloc[N - 8 :] = frame.iloc[N - 16 : N - 8].to_numpy()  # eight copies of a row (same subject)
    return frame


@pytest.fixture(scope="module")
def built():
    frame = _frame()
    table = read_table(frame.to_csv(index=False).encode(), name="followup.csv")
    data = prepare(table, TaskSpec("status", positive=("1",)))
    settings = training.TrainSettings(classifier="logreg", cv=3, seed=2, group_by="subject")
    result = training.train(data, settings)
    inputs = report.ReportInputs(data=data, result=result, threshold=0.5, table=table)
    return frame, data, result, report.build_report_content(inputs)


def _row(table, key: str) -> str:
    return next(r[1] for r in table.rows if r[0] == key)


def test_missing_counts_are_over_the_rows_used(built) -> None:
    """Failing before: the count covered every row read (including rows left out for their label)."""
    frame, data, _, content = built
    used = frame.iloc[data.source_rows]
    missing = content.table("Missing values and detection limits per feature")
    tbg = next(r for r in missing.rows if r[0] == "tbg")
    assert tbg[1] == f"{int(used['tbg'].isna().sum()):,}"
    assert int(used["tbg"].isna().sum()) < int(frame["tbg"].isna().sum())


def test_holdout_share_is_stated_in_rows_and_patients(built) -> None:
    """Failing before: '25.0 % of patients held out' whatever the grouped split really held out."""
    frame, data, result, content = built
    method = next(
        t for s in content.sections for t in s.tables if any(r[0] == "Hold-out split" for r in t.rows)
    )
    text = _row(method, "Hold-out split")
    subjects = frame["subject"].to_numpy()[data.source_rows]
    held = len(np.unique(subjects[result.test_index]))
    assert f"{len(result.test_index):,} of {len(data.y):,} rows" in text
    assert f"{held:,} of {len(np.unique(subjects)):,} patients" in text


def test_copies_and_after_outcome_columns_are_listed(built) -> None:
    frame, data, _, content = built
    assert data.duplicate_rows == int(frame.iloc[data.source_rows].duplicated().sum()) > 0
    assert "kept together" in _row(content.table("Data set"), "Exact duplicate rows")
    after = content.table("Columns that may be recorded after the outcome")
    assert [r[0] for r in after.rows] == ["time"] and after.rows[0][2] == "yes"
