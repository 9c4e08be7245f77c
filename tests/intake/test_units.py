"""Units in cells and spaced decimal marks (issue 18 item 10, reading parts).

"5.1 xyz" was read as 5.1 with the "unit" xyz stripped (any short word after a space counted as a
unit); "4 . 3" made a text column with one category per value. Expected numbers are computed here
from how the files are built.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from imbalance_core.intake.read import read_table
from imbalance_core.intake.units import known_unit


@pytest.mark.parametrize(
    "unit",
    ["mg/L", "mg/dl", "x10^9/L", "×10^9/L", "10^3/µl", "mL/min/1.73m²", "%", "°C", "U/L", "µmol/l",
     "μmol/L", "mmHg", "G/L", "kg/m2", "cells/µL", "/hpf", "IU/mL", "mg%"],
)  # fmt: skip
def test_known_units(unit):
    assert known_unit(unit)


@pytest.mark.parametrize("word", ["xyz", "pos", "neg", "a", "b2", "abc/def", "/", "", "mg/xyz", "trace"])
def test_other_words_are_not_units(word):
    assert not known_unit(word)


def _column_file(cells: list[str]) -> bytes:
    rng = random.Random(5)
    lines = ["crp,wbc,infection"] + [f"{c},{rng.random():.3f},{i % 2}" for i, c in enumerate(cells)]
    return ("\n".join(lines) + "\n").encode()


def test_an_unknown_word_after_a_number_is_text_counted_not_a_unit():
    rng = random.Random(1)
    values = [round(rng.uniform(1, 9), 1) for _ in range(300)]
    cells = [f"{v}" if i % 20 else f"{v} xyz" for i, v in enumerate(values)]
    table = read_table(_column_file(cells))
    expected = np.array([v if i % 20 else np.nan for i, v in enumerate(values)])
    np.testing.assert_array_equal(table.frame["crp"].to_numpy(), expected)
    assert table.non_numeric_counts == {"crp": 15}
    assert "crp" not in table.unit_columns
    assert any("15 cells that are not numbers" in n for n in table.notices)


def test_known_units_are_still_stripped():
    rng = random.Random(2)
    values = [round(rng.uniform(1, 9), 1) for _ in range(50)]
    table = read_table(_column_file([f"{v} mg/L" for v in values]))
    np.testing.assert_array_equal(table.frame["crp"].to_numpy(), values)
    assert table.unit_columns == {"crp": ("mg/L",)}


@pytest.mark.parametrize(("delimiter", "decimal"), [(",", "."), (";", ",")])
def test_spaces_around_the_decimal_mark_read_as_a_number_with_a_notice(delimiter, decimal):
    rng = random.Random(3)
    pairs = [(rng.randint(0, 9), rng.randint(0, 9)) for _ in range(300)]
    lines = [f"crp{delimiter}infection"] + [
        f"{a} {decimal} {b}{delimiter}{i % 2}" if i % 3 else f"{a}{decimal}{b}{delimiter}{i % 2}"
        for i, (a, b) in enumerate(pairs)
    ]
    table = read_table(("\n".join(lines) + "\n").encode())
    np.testing.assert_allclose(table.frame["crp"].to_numpy(), [a + b / 10 for a, b in pairs])
    spaced = sum(1 for i in range(300) if i % 3)
    assert any(f"{spaced} numbers written with spaces around the decimal mark" in n for n in table.notices)


def test_codes_and_words_with_spaces_stay_text():
    table = read_table(_column_file(["stage 2", "2 a", "1 . 2 . 3", "4 . x"] * 30))
    assert table.frame["crp"].dtype == object or str(table.frame["crp"].dtype).startswith("str")
