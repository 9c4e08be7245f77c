"""The CLI's human output prints every share through formatting.percent ("10.0 %", two decimals below
1 %), as the pages and the PDF do (issue 23's one formatter), never Python's ``:.1%`` ("10.0%", rounded
half-to-even on the float). The guard against a share formatted by hand, in the CLI as everywhere else, is
tests/evaluation/test_percent_everywhere.py.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from imbalance_core.cli import main
from imbalance_core.evaluation.calibration import Estimate
from imbalance_core.evaluation.formatting import signed_percent
from imbalance_core.share.validate_report import difference_text as _diff
from imbalance_core.share.validate_report import estimate_text as _fmt


def _half_up(share: float) -> str:
    """The expected text, from the exact decimal value of the share (not from the code under test)."""
    digits = 2 if abs(share) < 0.01 else 1
    return f"{(Decimal(share) * 100).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)} %"


def test_profile_prints_class_shares_like_the_pages(capsys, tmp_path: Path) -> None:
    rows = ["x,y"] + [f"{i % 7 + 0.5},{int(i < 3)}" for i in range(400)]
    path = tmp_path / "rare.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["profile", str(path), "--label", "y"]) == 0
    out = capsys.readouterr().out
    assert f"1: 3 ({_half_up(3 / 400)})" in out and "(0.75 %)" in out  # two decimals below 1 %
    assert f"0: 397 ({_half_up(397 / 400)})" in out and "(99.3 %)" in out
    assert not re.search(r"\d%", out), out


def test_validate_figures_and_differences_like_the_pages() -> None:
    nan = math.nan
    assert _fmt(Estimate(0.5, 0.4, 0.6, "Wilson"), True) == "50.0 % (40.0 % to 60.0 %)"
    assert _fmt(Estimate(0.005, nan, 0.0125, "Wilson"), True) == "0.50 % (— to 1.3 %)"
    assert _fmt(Estimate(0.81234, nan, math.inf, "boot"), False) == "0.812 (— to —)"
    assert _fmt(Estimate(nan, 0.1, 0.2, "x"), True) == "—" and _fmt(None, True) == "—"
    assert _diff(0.023, True) == "+2.3 pp" and _diff(-0.005, True) == "-0.50 pp"  # percentage points
    assert _diff(0.1, False) == "+0.100" and _diff(nan, True) == "—" and _diff(nan, False) == "—"


@pytest.mark.parametrize("change", [0.023, -0.023, 0.0049, -0.0049, 0.0, 0.125, -1.0])
def test_signed_percent_is_percent_with_a_sign(change: float) -> None:
    expected = _half_up(change)
    assert signed_percent(change) == (expected if change < 0 else f"+{expected}")


def test_signed_percent_of_no_number() -> None:
    assert signed_percent(None) == "—" and signed_percent(math.nan) == "—"
