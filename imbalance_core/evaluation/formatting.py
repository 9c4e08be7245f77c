"""One formatter for percentages, so a share prints the same on every page, in the PDF and on the CLI.

Why: the same prevalence printed as 4.8 % in one place and 4.9 % in another (issue 23): Python's
``:.1%`` rounds the float it gets half-to-even, JavaScript's ``toFixed`` rounds the product ``100 * v``
(itself rounded), and a third place rounded ``100 * x`` again. :func:`percent` rounds the exact decimal
value of the share once, half up; the Threshold page's explorer shows Python's string instead of
formatting the number itself.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np


def percent(share: Any, digits: int | None = None) -> str:
    """``share`` (a fraction) as "4.9 %": one decimal, two below 1 % (as the explorer always showed);
    "—" when undefined.

    >>> percent(0.04875), percent(0.005), percent(float("nan"))
    ('4.9 %', '0.50 %', '—')
    """
    if share is None or isinstance(share, bool):
        return "—"
    x = float(share)
    if not math.isfinite(x):
        return "—"
    places = digits if digits is not None else (2 if abs(x) < 0.01 else 1)
    value = (Decimal(x) * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{value} %"


#: What a sentence says in place of a number that cannot be estimated (never "nan").
NOT_ESTIMABLE = "not estimable"


def is_number(value: Any) -> bool:
    """True when ``value`` is a finite real number (Python or numpy, float or int).

    Not None, NaN, infinite, a bool (Python's or numpy's: a sentence never reads True as 1) or text
    (``"0.25"`` or ``b"0.25"``: a caller converts what it read). The one check of every sentence module.
    """
    if value is None or isinstance(value, bool | np.bool_ | str | bytes):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def all_numbers(*values: Any) -> bool:
    """True when every value passes :func:`is_number` (an interval's two ends, a row of counts)."""
    return all(is_number(v) for v in values)


def decimal_text(value: Any, digits: int, missing: str = NOT_ESTIMABLE) -> str:
    """``value`` with ``digits`` decimals ("0.812"), or ``missing`` (a word) when :func:`is_number` says no.

    The one fixed-point formatter of the sentence modules, so none prints ``nan`` or reads True as 1.
    """
    return f"{float(value):.{digits}f}" if is_number(value) else missing


def signed_percent(change: Any, digits: int | None = None) -> str:
    """A change of a share with its sign, by :func:`percent`'s rule: "+2.3 %", "-0.50 %"; "—" when undefined.

    >>> signed_percent(0.023), signed_percent(-0.005), signed_percent(None)
    ('+2.3 %', '-0.50 %', '—')
    """
    text = percent(change, digits)
    return text if text == "—" or text.startswith("-") else "+" + text


def share_text(share: Any, digits: int | None = None, missing: str = NOT_ESTIMABLE) -> str:
    """:func:`percent` for sentences: ``missing`` (a word) instead of "—" when the share is undefined."""
    return percent(share, digits) if is_number(share) else missing


def points_text(difference: Any, digits: int | None = None, missing: str = NOT_ESTIMABLE) -> str:
    """A difference of two shares in percentage points, by :func:`percent`'s rounding: 0.022 -> "2.2
    percentage points"; ``missing`` (a word) when undefined.

    Why: "2.2% points" reads as a relative change; a difference of risks is an absolute one.
    """
    if not is_number(difference):
        return missing
    return percent(difference, digits).removesuffix(" %") + " percentage points"
