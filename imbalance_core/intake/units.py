"""Which words after a number are units, and numbers with spaces around the decimal mark.

Lab exports write units into cells ("12.3 mg/L", "4.1 x10^9/L", "88 mL/min/1.73m²"). Only a unit
this module knows is stripped: "5.1 xyz" or "7 pos" is text, not a number with a unit, so the cell is
counted as "not a number" (with a notice) instead of silently becoming 5.1. A compound unit is known
when every part between '/', '·' or '*' is a known unit after a leading factor ("x10^9", "1.73") and a
trailing power ("m²", "m2") are set aside.

"4 . 3" (spaces around the decimal mark, as some hand-typed sheets and OCR exports have) is read as
4.3 and counted, so a column of such cells is numeric instead of text with hundreds of "categories".
"""

from __future__ import annotations

import re

import pandas as pd

#: Unit words (case-insensitive; 'μ' is read as 'µ'). A compound unit is known when all its parts are.
# fmt: off
KNOWN_UNITS = frozenset({
    "g", "mg", "kg", "ug", "µg", "mcg", "ng", "pg", "l", "ml", "dl", "µl", "ul", "nl", "pl", "fl",
    "mol", "mmol", "umol", "µmol", "nmol", "pmol", "fmol", "meq", "mval", "osm", "mosm", "mosmol",
    "u", "iu", "mu", "ku", "miu", "µiu", "uiu", "ui", "kat", "µkat", "ukat",
    "mm", "cm", "m", "µm", "um", "s", "sec", "ms", "min", "h", "hr", "hrs", "d", "day", "days", "wk",
    "wks", "mo", "y", "yr", "yrs", "year", "years", "bpm", "mmhg", "kpa", "cmh2o", "mmh2o",
    "%", "‰", "mg%", "°c", "°f", "°", "kcal", "cal", "cells", "copies", "hpf", "lpf", "t", "gpt", "tpt",
    "beats", "breaths",
})
# fmt: on
_PARTS = re.compile(r"[/·*]")
#: A leading factor of a unit part: 10^9, x10^9, ×10E9, 10*9, 1.73 ...
_FACTOR = re.compile(r"^[x×]?(?:\d+(?:\.\d+)?)(?:(?:\^|e|\*\*?)-?\d+)?")
#: A trailing power of a unit part: m², m2, s^-1.
_POWER = re.compile(r"(?:\^?-?\d+|[²³])$")


def known_unit(unit: str) -> bool:
    """Whether ``unit`` (the text after a number) is a unit this app strips, e.g. 'mg/L', 'x10^9/L'."""
    text = unit.strip().casefold().replace("μ", "µ")
    if not text:
        return False
    if text in KNOWN_UNITS:
        return True
    parts = _PARTS.split(text)
    if not any(parts):
        return False
    for part in parts:
        bare = _POWER.sub("", _FACTOR.sub("", part)) if part not in KNOWN_UNITS else part
        if bare and bare not in KNOWN_UNITS:
            return False
    return True


def known_units(units: pd.Series) -> pd.Series:
    """:func:`known_unit` over a series of unit texts (NaN -> False), each distinct text judged once."""
    distinct = {u: known_unit(u) for u in units.dropna().unique()}
    return pd.Series([distinct.get(u, False) for u in units], index=units.index, dtype=bool)


def spaced_decimals(text: pd.Series, decimal: str) -> pd.Series:
    """True for cells such as '4 . 3' ('4 , 3' in a decimal-comma file): digits, spaces, mark, digits."""
    mark = re.escape(decimal)
    pattern = rf"^[-+]?\d+(?:\s+{mark}\s*|\s*{mark}\s+)\d+$"
    return text.str.match(pattern, na=False)
