"""Data intake: every awkward/broken case of the shared corpus plus the extra real-export quirks.

Numbers are checked against an independent parse of the clean reference file with Python's ``csv``
module and ``float()``, and against the numbers read_table gets from the reference itself.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import math
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbalance_core.errors import DataError
from imbalance_core.intake.read import (
    CR_ONLY_NOTICE,
    NA_MARKERS,
    SAMPLE_BYTES,
    cr_only_line_endings,
    read_table,
)

NUMERIC = ("age", "crp", "wbc", "creatinine", "infection")


def _csv_rows(path: Path, **kwargs) -> list[list[str]]:
    with path.open(newline="", encoding=kwargs.pop("encoding", "utf-8")) as fh:
        return list(csv.reader(fh, **kwargs))


@pytest.fixture(scope="module")
def reference(bad_cases: Path) -> dict[str, np.ndarray]:
    """ok_reference.csv parsed with the standard library only: column -> float array (sex: strings)."""
    header, *rows = _csv_rows(bad_cases / "ok_reference.csv")
    cols = {name: [r[i] for r in rows] for i, name in enumerate(header)}
    out = {name: np.array([float(v) for v in cols[name]]) for name in NUMERIC}
    out["sex"] = np.array(cols["sex"], dtype=object)
    return out


def _assert_same_numbers(frame: pd.DataFrame, reference: dict[str, np.ndarray], columns=NUMERIC) -> None:
    for name in columns:
        got = frame[name].to_numpy(dtype=float)
        np.testing.assert_allclose(got, reference[name], rtol=1e-12, atol=0, err_msg=name)


# --------------------------------------------------------------------------- corpus: loads like the reference


def test_reference_matches_stdlib_parse(bad_cases, reference):
    table = read_table(bad_cases / "ok_reference.csv")
    assert table.frame.shape == (300, 6)
    _assert_same_numbers(table.frame, reference)
    assert list(table.frame["sex"]) == list(reference["sex"])
    assert table.delimiter == "," and table.decimal == "."


@pytest.mark.parametrize(
    ("name", "delimiter", "decimal"),
    [
        ("semicolon_decimal_comma.csv", ";", ","),
        ("utf8_bom.csv", ",", "."),
        ("tab_delimited.tsv", "\t", "."),
    ],
)
def test_dialect_variants_load_the_reference_numbers(bad_cases, reference, name, delimiter, decimal):
    table = read_table(bad_cases / name)
    ref = read_table(bad_cases / "ok_reference.csv")
    assert table.columns == ("age", "sex", "crp", "wbc", "creatinine", "infection")
    assert (table.delimiter, table.decimal) == (delimiter, decimal)
    _assert_same_numbers(table.frame, reference)
    pd.testing.assert_frame_equal(table.frame, ref.frame)


def test_detected_dialect_is_reported(bad_cases):
    table = read_table(bad_cases / "semicolon_decimal_comma.csv")
    assert "semicolon" in table.notices[0] and "decimal comma" in table.notices[0]


def test_bom_not_in_first_column_name(bad_cases):
    table = read_table(bad_cases / "utf8_bom.csv")
    assert table.columns[0] == "age"
    assert table.encoding == "utf-8-sig"


def test_latin1_header_spelled_right(bad_cases, reference):
    table = read_table(bad_cases / "latin1_encoding.csv")
    assert "Kreatinin_\u00b5mol" in table.columns
    renamed = dict(
        zip(("Alter", "CRP_mg/l", "Leukozyten", "Kreatinin_\u00b5mol", "Infektion"), NUMERIC, strict=True)
    )
    _assert_same_numbers(table.frame.rename(columns=renamed), reference)
    assert any("cp1252" in n for n in table.notices)


def test_missing_markers_become_missing_and_are_counted(bad_cases, reference):
    path = bad_cases / "missing_markers.csv"
    header, *rows = _csv_rows(path)
    table = read_table(path)
    for j, name in enumerate(header):
        if name not in NUMERIC:
            continue
        raw = [r[j] for r in rows]
        is_marker = np.array([v.strip() in {"?", "NA", "-"} for v in raw])
        got = table.frame[name].to_numpy(dtype=float)
        assert np.array_equal(np.isnan(got), is_marker), name
        np.testing.assert_allclose(got[~is_marker], reference[name][~is_marker], rtol=1e-12)
        assert table.missing_counts.get(name, 0) == int(is_marker.sum())
    assert table.missing_counts["crp"] > 0


def test_detection_limits_follow_the_stated_rule(bad_cases, reference):
    path = bad_cases / "below_detection_limit.csv"
    header, *rows = _csv_rows(path)
    table = read_table(path)
    for name in ("crp", "wbc"):
        raw = [r[header.index(name)] for r in rows]
        expected = np.array(
            [
                float(v[1:]) / 2 if v.startswith("<") else float(v[1:]) if v.startswith(">") else float(v)
                for v in raw
            ]
        )
        np.testing.assert_allclose(table.frame[name].to_numpy(dtype=float), expected, rtol=1e-12)
        assert table.detection_limit_counts[name] == sum(v[0] in "<>" for v in raw)
    assert table.frame["crp"].dtype == np.float64
    assert any("x/2" in n for n in table.notices)


def test_units_are_stripped_with_a_notice(bad_cases, reference):
    table = read_table(bad_cases / "units_in_cells.csv")
    _assert_same_numbers(table.frame, reference)
    assert table.unit_columns == {"crp": ("mg/L",)}
    assert any("units were stripped" in n and "'crp'" in n for n in table.notices)


def test_duplicate_column_renamed_with_notice(bad_cases, reference):
    table = read_table(bad_cases / "duplicate_column_names.csv")
    assert table.columns == ("age", "sex", "crp", "crp_2", "creatinine", "infection")
    assert table.renamed_columns == {"crp_2": "crp"}
    np.testing.assert_allclose(table.frame["crp_2"], reference["wbc"], rtol=1e-12)
    assert any("'crp'" in n and "crp_2" in n for n in table.notices)


def test_all_missing_column_is_all_nan(bad_cases):
    table = read_table(bad_cases / "all_missing_column.csv")
    assert table.frame["crp"].isna().all()
    assert table.missing_counts["crp"] == 300


def test_infinite_values_become_missing(bad_cases, reference):
    table = read_table(bad_cases / "infinite_values.csv")
    frame = table.frame
    assert not np.isinf(frame[["crp", "wbc", "creatinine"]].to_numpy()).any()
    assert math.isnan(frame.loc[0, "crp"]) and math.isnan(frame.loc[1, "wbc"])
    assert math.isnan(frame.loc[2, "creatinine"])
    assert table.infinite_counts == {"crp": 1, "wbc": 1, "creatinine": 1}
    np.testing.assert_allclose(frame["crp"][3:], reference["crp"][3:], rtol=1e-12)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.csv", "empty"),
        ("header_only.csv", "no data rows"),
        ("single_column.csv", "only one column"),
        ("binary_garbage.csv", "not a readable text table"),
        ("excel_renamed.csv", "Excel"),
    ],
)
def test_unreadable_files_give_one_plain_sentence(bad_cases, name, words):
    with pytest.raises(DataError) as info:
        read_table(bad_cases / name)
    message = str(info.value)
    assert words in message
    assert "Traceback" not in message and "\n" not in message


def test_every_corpus_file_loads_or_raises_data_error(bad_cases):
    for path in sorted(bad_cases.iterdir()):
        with contextlib.suppress(DataError):
            read_table(path)


# --------------------------------------------------------------------------- extra export quirks


def _ref_text(bad_cases: Path) -> str:
    return (bad_cases / "ok_reference.csv").read_text()


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [
        (lambda t: t.encode("utf-16"), "utf-16"),
        (lambda t: t.encode("utf-16-le"), "utf-16-le"),
        (lambda t: t.encode("utf-8"), "utf-8"),
        (lambda t: t.encode("latin-1"), "utf-8"),  # plain ASCII text is valid UTF-8
    ],
)
def test_encodings(bad_cases, reference, encode, encoding):
    table = read_table(encode(_ref_text(bad_cases)))
    assert table.encoding == encoding
    _assert_same_numbers(table.frame, reference)


def test_pipe_delimiter(bad_cases, reference):
    table = read_table(_ref_text(bad_cases).replace(",", "|").encode())
    assert table.delimiter == "|"
    _assert_same_numbers(table.frame, reference)


def test_non_utf8_byte_after_the_sample_is_handled():
    text = "a,b,y\n" + "1,2,0\n" * 20000 + "1,M\u00fcller,1\n"
    table = read_table(text.encode("latin-1"))
    assert table.encoding == "cp1252"
    assert len(table.frame) == 20001


def test_thousands_separators_in_quoted_numbers():
    table = read_table(b'a,b,y\n"1,234.5",2,0\n"12,345",3,1\n7,4,0\n')
    assert table.frame["a"].tolist() == [1234.5, 12345.0, 7.0]
    table = read_table(b'a;b;y\n"1.234,5";2,5;0\n7;3,25;1\n8;1,5;0\n')
    assert table.frame["a"].tolist() == [1234.5, 7.0, 8.0]
    assert table.frame["b"].tolist() == [2.5, 3.25, 1.5]


def test_quoted_embedded_newlines():
    table = read_table(b'a,note,y\n1,"line one\nline two",0\n2,plain,1\n3,x,0\n')
    assert len(table.frame) == 3
    assert table.frame["note"][0] == "line one\nline two"


def test_all_na_markers_are_missing():
    markers = ["", "NA", "N/A", "?", "-", ".", "null", "NaN", " NA "]
    assert set(m.strip() for m in markers) <= set(NA_MARKERS)
    body = "".join(f"{i},{m},{i % 2}\n" for i, m in enumerate(markers))
    table = read_table(("a,b,y\n" + body + "99,5.5,1\n").encode())
    b = table.frame["b"]
    assert b.isna().sum() == len(markers)
    assert b.iloc[-1] == 5.5
    assert table.missing_counts == {"b": len(markers)}


def test_text_infinity_spellings_become_missing():
    table = read_table(b"a,b,y\n1,inf,0\n2,-inf,1\n3,1e400,0\n4,Infinity,1\n5,2,0\n")
    assert table.frame["b"].isna().sum() == 4
    assert table.infinite_counts == {"b": 4}


def test_blank_column_names_are_named():
    table = read_table(b",a,,y\n1,2,3,0\n2,3,4,1\n")
    assert table.columns == ("unnamed_1", "a", "unnamed_3", "y")
    assert sum("had no name" in n for n in table.notices) == 2


def test_text_column_stays_text():
    table = read_table(b"sex,crp,y\nm,1.5,0\nf,2.5,1\nm,3,0\n")
    assert table.frame["sex"].tolist() == ["m", "f", "m"]
    assert not pd.api.types.is_numeric_dtype(table.frame["sex"])


def test_a_few_words_in_a_numeric_column_become_missing_with_a_notice():
    rows = "".join(f"{i},{i / 10},{i % 2}\n" for i in range(30))
    table = read_table(("a,b,y\n" + rows + "31,pending,1\n").encode())
    assert table.frame["b"].dtype == np.float64
    assert table.non_numeric_counts == {"b": 1}
    assert np.isnan(table.frame["b"].iloc[-1])


def test_sha256_of_raw_bytes_and_path_agree(bad_cases):
    path = bad_cases / "ok_reference.csv"
    raw = path.read_bytes()
    by_path, by_bytes = read_table(path), read_table(raw, name="x.csv")
    assert by_path.sha256 == by_bytes.sha256 == hashlib.sha256(raw).hexdigest()
    assert by_path.n_bytes == len(raw)
    assert by_bytes.name == "x.csv" and by_path.name == "ok_reference.csv"


def test_missing_file_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="no file"):
        read_table(tmp_path / "nope.csv")


def test_row_with_too_many_fields_is_a_plain_message():
    with pytest.raises(DataError, match="more fields"):
        read_table(b"a,b\n1,2\n3,4\n5,6,7,8\n")


def test_error_messages_do_not_quote_cells():
    secret = "PATIENT-SECRET-NAME"
    data = f"a,b\n1,2\n3,{secret},9,9\n".encode()
    with pytest.raises(DataError) as info:
        read_table(data)
    assert secret not in str(info.value)


def test_bundled_hcv_quoted_crlf_and_na(bad_cases):
    """The real HCV file: quoted header, CRLF, 'NA' in 31 cells (SOURCES.md), blank first header."""
    path = Path(__file__).resolve().parents[2] / "sample_data" / "hcv_lab_values.csv"
    table = read_table(path)
    assert table.frame.shape == (615, 14)
    assert table.columns[0] == "unnamed_1"
    assert sum(table.missing_counts.values()) == 31
    assert table.missing_counts == {"ALP": 18, "CHOL": 10, "ALB": 1, "ALT": 1, "PROT": 1}
    independent = pd.read_csv(io.BytesIO(path.read_bytes()), na_values=["NA"])
    np.testing.assert_array_equal(table.frame["ALT"].to_numpy(), independent["ALT"].to_numpy())


def test_codes_like_stage_2a_stay_text():
    table = read_table(b"stage,crp,y\n2a,1,0\n2b,2,1\n3a,3,0\n1,4,1\n")
    assert table.frame["stage"].tolist() == ["2a", "2b", "3a", "1"]
    assert table.unit_columns == {}


def test_mixed_units_are_not_stripped():
    table = read_table(b"a,crp,y\n1,5 mg/L,0\n2,6 mg/dl,1\n3,7 mg/L,0\n4,8 mg/L,1\n")
    assert not pd.api.types.is_numeric_dtype(table.frame["crp"])
    assert any("mixes 2 different units" in n for n in table.notices)


def test_decimal_comma_with_limits_and_units():
    table = read_table(b"a;crp;y\n1;<0,5;0\n2;12,5 mg/L;1\n3;>30;0\n4;5mg/l;1\n")
    assert table.decimal == ","
    assert table.frame["crp"].tolist() == [0.25, 12.5, 30.0, 5.0]
    assert table.detection_limit_counts == {"crp": 2}


def test_blank_lines_before_the_header_and_trailing_delimiters():
    table = read_table(b"\n\na,b,y\n1,2,0\n\n3,4,1\n")
    assert table.frame.to_dict("list") == {"a": [1, 3], "b": [2, 4], "y": [0, 1]}
    table = read_table(b"a,b,y\n1,2,0,\n3,4,1,\n5,6,0,\n")
    assert table.columns == ("a", "b", "y") and table.frame["y"].tolist() == [0, 1, 0]


def test_quoted_decimal_comma_in_a_comma_separated_file():
    table = read_table(b'a,b,y\n"1,5",2,0\n"2,25",3,1\n"1,234",4,0\n7,5,1\n')
    assert table.frame["a"].tolist() == [1.5, 2.25, 1.234, 7.0]
    assert any("decimal comma" in n for n in table.notices)


def test_utf8_file_with_a_stray_byte_after_the_sample():
    good = ("a,name,y\n" + "1,M\u00fcller,0\n" * 20000).encode("utf-8")
    table = read_table(good + b"1,M\xfcller,1\n")
    assert table.encoding == "utf-8"
    assert table.frame["name"].iloc[0] == "M\u00fcller"
    assert table.frame["name"].iloc[-1] == "M\ufffdller"
    assert any("replaced" in n for n in table.notices)


def test_file_like_objects_are_read(bad_cases):
    raw = (bad_cases / "ok_reference.csv").read_bytes()
    assert read_table(io.BytesIO(raw)).sha256 == hashlib.sha256(raw).hexdigest()


def test_mangled_files_only_ever_raise_data_error(bad_cases):
    """Seeded fuzzing of the corpus (truncation, flipped bytes, stray quotes/delimiters, BOMs):
    intake, label listing and profiling either work or raise DataError — never anything else."""
    from imbalance_core.intake.profile import profile
    from imbalance_core.intake.task import TaskSpec, label_classes

    rng = random.Random(1)
    files = [p.read_bytes() for p in sorted(bad_cases.iterdir())]
    inserts = [b'"', b",", b";", b"\n", b"\t", b"<", b"inf", b"\xff\xfe", b"NA"]
    for _ in range(80):
        data = bytearray(rng.choice(files))
        op = rng.randrange(4)
        if op == 0 and data:
            data = data[: rng.randrange(len(data))]
        elif op == 1 and data:
            for _ in range(rng.randrange(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif op == 2 and data:
            at = rng.randrange(len(data))
            data[at:at] = rng.choice(inserts) * rng.randrange(1, 5)
        else:
            data = b"\xef\xbb\xbf" + bytes(data).replace(b",", rng.choice([b";", b"|", b"\t", b",,"]))
        try:
            table = read_table(bytes(data))
            label = table.columns[-1]
            label_classes(table, label)
            profile(table, TaskSpec(label))
        except DataError:
            pass


# --------------------------------------------------------------------------- leading comment lines

COMMENTS = '# exported by LabSys 4.2 on 2024-03-01, site A; "unit" mg/dl\n#\n\n# operator: x\n'


@pytest.mark.parametrize(
    ("name", "encoding", "newline"),
    [
        ("ok_reference.csv", "utf-8", "\n"),
        ("semicolon_decimal_comma.csv", "utf-8", "\r\n"),
        ("ok_reference.csv", "utf-8-sig", "\n"),
        ("semicolon_decimal_comma.csv", "cp1252", "\n"),
    ],
)
def test_leading_comment_lines_are_skipped_with_a_notice(bad_cases, reference, name, encoding, newline):
    body = (bad_cases / name).read_bytes().decode("utf-8")
    with_comments = (COMMENTS.replace("\n", newline) + body).encode(encoding)
    plain = read_table(body.encode(encoding))
    table = read_table(with_comments)
    pd.testing.assert_frame_equal(table.frame, plain.frame)
    _assert_same_numbers(table.frame, reference)
    assert "Skipped 3 comment lines starting with '#' before the header." in table.notices
    assert (table.delimiter, table.decimal) == (plain.delimiter, plain.decimal)
    assert table.missing_counts == plain.missing_counts


def test_only_leading_hash_lines_are_comments():
    # A '#' line after the header is data; a header whose first column is called '#' stays the header.
    later = read_table(b"a,b,y\n#1,2,0\n3,4,1\n")
    assert later.frame["a"].tolist() == ["#1", "3"]
    assert not any("comment" in n for n in later.notices)
    named = read_table(b"#,age,y\n1,30,0\n2,40,1\n")
    assert named.columns == ("#", "age", "y") and named.frame["age"].tolist() == [30, 40]
    one = read_table(b"# one line\na,y\n1,0\n2,1\n")
    assert "Skipped 1 comment line starting with '#' before the header." in one.notices


def test_a_file_of_comment_lines_only_is_a_plain_message():
    with pytest.raises(DataError, match="comment lines") as err:
        read_table(b"# exported by x\n# nothing else\n")
    assert "\n" not in str(err.value)


# --------------------------------------------------------------------------- old-Mac line endings (CR only)

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "sample_data"


def _cr_only(raw: bytes) -> bytes:
    """The same bytes with every line ending (CRLF or LF) written as a bare CR."""
    out = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    assert b"\n" not in out and out.count(b"\r") == raw.count(b"\n")
    return out


@pytest.mark.parametrize("name", ["hcv_lab_values.csv", "pima_diabetes.csv"])
@pytest.mark.parametrize("as_path", [False, True])
def test_cr_only_copy_of_a_bundled_file_reads_like_the_original(tmp_path, name, as_path):
    raw = (SAMPLE_DATA / name).read_bytes()
    original = read_table(raw)
    cr = _cr_only(raw)
    if as_path:
        (tmp_path / name).write_bytes(cr)
        table = read_table(tmp_path / name)
    else:
        table = read_table(cr)
    pd.testing.assert_frame_equal(table.frame, original.frame)
    independent = pd.read_csv(io.BytesIO(raw), na_values=["NA"], keep_default_na=False)
    assert table.frame.shape == independent.shape
    np.testing.assert_array_equal(table.frame.iloc[:, -1].to_numpy(), independent.iloc[:, -1].to_numpy())
    assert (table.delimiter, table.decimal, table.encoding) == (
        original.delimiter,
        original.decimal,
        original.encoding,
    )
    assert table.missing_counts == original.missing_counts
    assert table.sha256 == hashlib.sha256(cr).hexdigest()
    assert CR_ONLY_NOTICE in table.notices
    assert CR_ONLY_NOTICE not in original.notices  # HCV is CRLF, Pima LF: both read as they are


def test_cr_only_semicolon_decimal_comma_file_with_comments(bad_cases, reference):
    """The decimal mark and the comment lines are read from the sample, which must be split at CR."""
    body = (bad_cases / "semicolon_decimal_comma.csv").read_bytes()
    table = read_table(_cr_only(b"# exported by LabSys\n" + body))
    assert (table.delimiter, table.decimal) == (";", ",")
    _assert_same_numbers(table.frame, reference)
    assert CR_ONLY_NOTICE in table.notices
    assert "Skipped 1 comment line starting with '#' before the header." in table.notices


def test_cr_only_file_larger_than_the_sample():
    """Beyond SAMPLE_BYTES the sample is cut at its last whole line, found only after CR became LF."""
    header, *rows = (SAMPLE_DATA / "pima_diabetes.csv").read_bytes().splitlines()
    body = b"\n".join(rows * 4)
    raw = header + b"\n" + body + b"\n"
    assert len(raw) > SAMPLE_BYTES
    table = read_table(_cr_only(raw))
    independent = pd.read_csv(io.BytesIO(raw))
    pd.testing.assert_frame_equal(table.frame, independent, check_dtype=False)
    assert CR_ONLY_NOTICE in table.notices


def test_cr_only_line_endings_rule():
    assert cr_only_line_endings("a,b\rc,d\r")
    assert not cr_only_line_endings("a,b\r\nc,d\r\n")  # CRLF reads as it is
    assert not cr_only_line_endings("a,b\nc,d\n")
    assert not cr_only_line_endings("a,b")
