"""Rows with more or fewer fields than the header (issue 18 item 4): refused or said, never shifted.

Expected line numbers and counts are computed here from how the files are built (independently of
the scanners); the two scanners (numpy bytes, csv text) are also checked against each other and against
Python's csv module on random ragged files cut into tiny blocks.
"""

from __future__ import annotations

import csv
import io
import random
import re

import pytest

from imbalance_core.errors import DataError
from imbalance_core.intake.read import read_table
from imbalance_core.intake.row_shape import SHOWN_LINES, _scan_bytes, _scan_text, scan_row_shapes

HEADER = "age,sex,ward,crp,wbc,creatinine,infection"


def _rows(n: int = 300, seed: int = 3) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        sick = rng.random() < 0.13
        rows.append(
            [str(rng.randint(18, 90)), rng.choice("mf"), "ICU", f"{rng.gauss(40 if sick else 5, 3):.1f}",
             f"{rng.gauss(9, 2):.2f}", f"{rng.gauss(1, 0.2):.2f}", "1" if sick else "0"]
        )  # fmt: skip
    return rows


def _lines_named(message: str) -> list[int]:
    inside = re.search(r"\((?:first on )?lines? ([\d, and]+)\)", message).group(1)
    return [int(n) for n in re.findall(r"\d+", inside)]


def _unquoted_ward_file(every: int = 10) -> tuple[bytes, list[int]]:
    """1 row in ``every`` has ward ICU, bed 4 without quotes; returns the file and those rows' lines."""
    lines, bad = [HEADER], []
    for i, row in enumerate(_rows()):
        if i % every == 0:
            row = [*row[:2], "ICU, bed 4", *row[3:]]
            bad.append(i + 2)  # line 1 is the header
        lines.append(",".join(row))
    return ("\n".join(lines) + "\n").encode(), bad


def test_unquoted_comma_in_a_text_field_is_refused_with_count_and_first_lines():
    data, bad = _unquoted_ward_file()
    with pytest.raises(DataError) as info:
        read_table(data)
    message = str(info.value)
    assert f"{len(bad)} rows have more fields than the header's 7 columns" in message
    assert _lines_named(message) == bad[:SHOWN_LINES]
    assert "quotes" in message and "ICU, bed 4" not in message.replace("ward written as ICU, bed 4", "")


def test_the_same_file_with_the_field_quoted_loads_with_the_right_class_counts():
    data, bad = _unquoted_ward_file()
    quoted = data.replace(b"ICU, bed 4", b'"ICU, bed 4"')
    table = read_table(quoted)
    truth = [r[-1] for r in csv.reader(io.StringIO(quoted.decode()))][1:]  # independent parse
    assert table.frame["infection"].value_counts().to_dict() == {
        0: truth.count("0"),
        1: truth.count("1"),
    }
    assert (table.frame["ward"] == "ICU, bed 4").sum() == len(bad)
    assert not any("fields" in n for n in table.notices)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("quoted_header", [False, True], ids=["bytes-scanner", "csv-scanner"])
@pytest.mark.parametrize("as_path", [False, True])
def test_two_extra_trailing_fields_are_refused(tmp_path, newline, quoted_header, as_path):
    """30 rows with 2 extra trailing values loaded with no word at all before (issue 18 item 4)."""
    header = '"age",sex,ward,crp,wbc,creatinine,infection' if quoted_header else HEADER
    lines, bad = ["# export of ward 7", header], []
    for i, row in enumerate(_rows()):
        if i % 10 == 5:
            row = [*row, "x", "7"]
            bad.append(i + 3)  # a comment line and the header come first
        lines.append(",".join(row))
    data = (newline.join(lines) + newline).encode()
    source = data
    if as_path:
        source = tmp_path / "ward.csv"
        source.write_bytes(data)
    with pytest.raises(DataError) as info:
        read_table(source)
    assert "30 rows have more fields than the header's 7 columns" in str(info.value)
    assert _lines_named(str(info.value)) == bad[:SHOWN_LINES]


def test_a_single_long_first_row_is_refused_naming_its_line():
    with pytest.raises(DataError, match=r"1 row has more fields than the header's 3 columns \(line 2\)"):
        read_table(b"a,b,y\n1,2,0,x,z\n3,4,1\n")


def test_short_rows_load_with_a_counted_notice():
    rows = _rows(40)
    lines, short = [HEADER], []
    for i, row in enumerate(rows):
        if i in (4, 9, 30):
            row = row[:5]
            short.append(i + 2)
        lines.append(",".join(row))
    table = read_table(("\n".join(lines) + "\n\n  \n").encode())  # blank lines at the end are not rows
    notice = next(n for n in table.notices if "fewer fields" in n)
    assert notice.startswith("3 rows have fewer fields than the header's 7 columns")
    assert _lines_named(notice) == short
    assert table.frame["infection"].isna().sum() == 3 and len(table.frame) == 40


def test_trailing_delimiters_are_ignored_with_a_notice():
    table = read_table(b"a,b,y\n1,2,0,\n3,4,1,\n5,6,0,,\n")
    assert table.frame.to_dict("list") == {"a": [1, 3, 5], "b": [2, 4, 6], "y": [0, 1, 0]}
    assert any("3 rows end in empty fields" in n for n in table.notices)


def test_quoted_line_breaks_count_as_one_row():
    data = b'a,note,y\n1,"two\nlines",0\n2,x,1,9\n'
    with pytest.raises(DataError) as info:
        read_table(data)
    assert _lines_named(str(info.value)) == [4]


def test_corpus_files_that_load_have_no_field_count_notices(bad_cases):
    for path in sorted(bad_cases.iterdir()):
        try:
            table = read_table(path)
        except DataError as exc:
            assert "more fields" not in str(exc), path.name
            continue
        assert not any("fields" in n for n in table.notices), path.name


def _random_ragged(rng: random.Random) -> tuple[str, int]:
    width = rng.randint(2, 6)
    out = [",".join(f"c{i}" for i in range(width))]
    for _ in range(rng.randint(0, 40)):
        kind = rng.random()
        if kind < 0.1:
            out.append(rng.choice(["", "  ", "\t"]))
            continue
        n = width + (rng.choice([-2, -1, 1, 2]) if kind < 0.35 else 0)
        cells = [rng.choice(["1", "2.5", "", " ", "ab", "x y"]) for _ in range(max(1, n))]
        out.append(",".join(cells))
    newline = rng.choice(["\n", "\r\n", "\r"])
    return newline.join(out) + rng.choice(["", newline]), width


def test_bytes_scanner_agrees_with_the_csv_scanner_across_block_boundaries():
    rng = random.Random(11)
    for _ in range(300):
        text, width = _random_ragged(rng)
        raw = text.encode()
        size = rng.randint(1, 9)
        blocks = iter([raw[i : i + size] for i in range(0, len(raw), size)])
        fast = _scan_bytes(blocks, ord(","), (ord('"'),), width, 0)
        slow = _scan_text(io.StringIO(text, newline=""), ",", '"', None, width, 0)
        assert fast == slow, text


def test_scanner_falls_back_to_text_when_quotes_appear():
    raw = b'a,b\n1,"2,3"\n4,5,6\n'
    shapes = scan_row_shapes(
        lambda: iter([raw]),
        lambda: io.StringIO(raw.decode(), newline=""),
        encoding="utf-8",
        delimiter=",",
        quotechar='"',
        escapechar=None,
        n_columns=2,
    )
    assert (shapes.n_long, shapes.long_lines) == (1, (3,))
