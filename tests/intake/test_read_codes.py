"""Reading at scale: text columns cleaned once per distinct value; ICD-9 code columns stay text."""

from __future__ import annotations

import numpy as np
import pandas as pd

from imbalance_core.intake import read
from imbalance_core.intake.read import read_table


def test_distinct_cleaning_equals_cell_by_cell() -> None:
    rng = np.random.default_rng(0)
    cells = ["<0.5", "1.2 mg/dl", "3,5", "1,234", "4 . 3", "7", "n/a", " 8 ", "x"]
    series = pd.Series(rng.choice(cells, size=3000), dtype="str")
    series[::11] = np.nan
    slow, slow_report = read._clean_text_column(series, ".")
    fast, fast_report = read._clean_by_distinct(series, ".")
    pd.testing.assert_series_equal(slow, fast)
    assert slow_report == fast_report
    words = pd.Series(rng.choice(["Up", "Down", "Steady", " No"], size=3000), dtype="str")
    pd.testing.assert_series_equal(
        read._clean_text_column(words, ".")[0], read._clean_by_distinct(words, ".")[0]
    )


def test_icd9_codes_stay_text() -> None:
    rows = ["id,diag_1,y"] + [
        f"{i},{code},{i % 2}" for i, code in enumerate(["250.83", "276", "V57", "E888"] * 50)
    ]
    table = read_table("\n".join(rows).encode(), name="codes.csv")
    assert table.frame["diag_1"].tolist()[:4] == ["250.83", "276", "V57", "E888"]
    lab = ["id,crp,y"] + [f"{i},{v},{i % 2}" for i, v in enumerate(["1.5", "2", "3.25", "4"] * 50 + ["oops"])]
    table = read_table("\n".join(lab).encode(), name="lab.csv")
    assert table.frame["crp"].dtype == np.float64  # one stray word does not make a lab column text
