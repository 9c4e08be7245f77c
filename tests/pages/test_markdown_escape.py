"""Names from the data never render as markdown: no image is fetched, no link is made, nothing turns bold.

A CSV whose file name, column names and label values are markdown images and links goes through the
Data, Train, Report and Predict pages. Every string that Streamlit renders as markdown (alert, markdown,
caption and heading bodies, widget and expander labels, help texts, radio options, progress texts,
``st.table`` cells) is collected from the element protos and checked for an unescaped ``![`` or ``](``;
the escaped names must still be there, so the check is not passed by leaving them out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.intake import task
from imbalance_core.intake.read import read_table
from imbalance_core.learn import training
from pages import session_state
from pages.data import W_LABEL, W_UPLOAD
from pages.plain_text import plain
from tests.pages.seating import seat_model

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
PAGES = ROOT / "pages"

FILE_NAME = "![f](http://example.com/file.png).csv"
IMG_COL = "![a](http://example.com/a.png)"
LINK_COL = "[b](http://example.com/b)"
ZERO_COL = "![z](http://example.com/z.png) *bold* _x_"
TEXT_COL = "[sex](http://example.com/s)"
ONE_COL = "![one](http://example.com/one.png)"
LABEL = "label ![l](http://example.com/l.png)"
POS = "![pos](http://example.com/p.png)"
NEG = "neg [n](http://example.com/n)"
EXTRA_COL = "![extra](http://example.com/extra.png)"

#: A '!' then '[', or ']' then '(', each not escaped (an even number of backslashes before it).
UNESCAPED = re.compile(r"(?<!\\)(?:\\\\)*(?:!\[|\]\()")
#: Proto fields the frontend renders as markdown; the body of st.text, st.json and st.html is not.
MARKDOWN_FIELDS = ("body", "label", "help", "text")
PLAIN_BODY = {"Text", "Json", "Html"}


def _evil_frame(n: int = 200, seed: int = 0) -> pd.DataFrame:
    """Rows with a label signal in two columns, suspect zeros in one, a text and a constant column."""
    rng = np.random.default_rng(seed)
    y = np.r_[np.ones(n // 5, dtype=int), np.zeros(n - n // 5, dtype=int)]
    zeros = rng.random(n) < 0.15
    return pd.DataFrame(
        {
            IMG_COL: np.round(rng.normal(5 + 2 * y, 1.0), 2),
            LINK_COL: np.round(rng.normal(50 - 10 * y, 5.0), 1),
            ZERO_COL: np.where(zeros, 0, rng.integers(60, 120, n)),
            TEXT_COL: rng.choice(["M", "F"], n),
            ONE_COL: np.ones(n, dtype=int),
            LABEL: np.where(y == 1, POS, NEG),
        }
    )


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8")


def _walk(node) -> Iterator:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _table_strings(value: pd.DataFrame) -> list[str]:
    frame = value.reset_index()
    return [str(c) for c in frame.columns] + [str(v) for v in frame.to_numpy().ravel()]


def rendered_markdown(at: AppTest) -> list[str]:
    """Every string of the current page that the browser renders as markdown (selectbox options are
    plain text and not included)."""
    out: list[str] = []
    for node in _walk(at._tree):
        if getattr(node, "type", "") == "table":
            out += _table_strings(node.value)
            continue
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        name = type(proto).__name__
        fields = proto.DESCRIPTOR.fields_by_name
        out += [
            str(getattr(proto, f))
            for f in MARKDOWN_FIELDS
            if f in fields and not (f == "body" and name in PLAIN_BODY)
        ]
        if name == "Radio":
            out += [str(o) for o in proto.options]
    return [s for s in out if s]


def assert_no_live_markdown(at: AppTest) -> list[str]:
    """No exception, and no rendered string holds an unescaped image or link; returns the strings."""
    assert not at.exception, at.exception
    strings = rendered_markdown(at)
    live = [s for s in strings if UNESCAPED.search(s)]
    assert not live, live
    return strings


def _mentions(strings: list[str], name: str) -> bool:
    return any(plain(name) in s for s in strings)


# --------------------------------------------------------------------------- the helper itself


def _commonmark_unescape(text: str) -> str:
    """What CommonMark displays for inline text: a backslash before ASCII punctuation is dropped."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


@pytest.mark.parametrize(
    "text",
    [IMG_COL, LINK_COL, ZERO_COL, "a_b_c", "x\\", "\\[", "True class \\ predicted", ":red[x] $x$ <b>",
     "- item", "1. one", "---", "# head", "a\n2) b", "AT&amp;T", "`code`", "|a|b|", "~~x~~"],
)  # fmt: skip
def test_plain_displays_the_text_as_written(text):
    escaped = plain(text)
    assert _commonmark_unescape(escaped).replace("\u2060", "") == text  # word joiners break autolinks
    assert not UNESCAPED.search(escaped)
    for construct in ("**", "__", "~~", "`", "<", "$", "&", "["):
        assert not re.search(r"(?<!\\)(?:\\\\)*" + re.escape(construct), escaped), construct


@pytest.mark.parametrize("text", ["0.873 (0.812–0.915)", "SMOTE-N", "-5.2", "12.5 %", "Mild imbalance (3.1"])
def test_plain_leaves_numbers_and_ordinary_sentences_alone(text):
    assert plain(text) == text


def test_show_error_escapes_the_message():
    at = AppTest.from_string(
        "from pages import plain_text\n"
        "plain_text.show_error('No column ![x](http://example.com/x.png) here')\n"
    ).run()
    assert at.error[0].value == plain("No column ![x](http://example.com/x.png) here")
    assert_no_live_markdown(at)


# --------------------------------------------------------------------------- the pages


def test_data_page_with_markdown_names_in_file_columns_and_labels():
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.file_uploader(key=W_UPLOAD).set_value((FILE_NAME, _csv(_evil_frame()), "text/csv")).run()
    strings = assert_no_live_markdown(at)
    data = at.session_state[session_state.K_PREPARED]
    assert data.label == LABEL and POS in data.positive_values
    assert _mentions(strings, FILE_NAME)  # the subheader
    assert _mentions(strings, ZERO_COL)  # the suspect-zeros warning
    assert _mentions(strings, TEXT_COL)  # the categorical-features caption
    at.selectbox(key=W_LABEL).set_value(ONE_COL).run()  # one class: a DataError naming the column
    strings = assert_no_live_markdown(at)
    assert at.error and plain(ONE_COL) in at.error[0].value
    assert at.session_state[session_state.K_SPEC].label == LABEL


@pytest.fixture(scope="module")
def trained():
    table = read_table(_csv(_evil_frame()), name=FILE_NAME)
    spec = task.TaskSpec(label=LABEL, positive=(POS,), zero_missing=(ZERO_COL,))
    data = task.prepare(table, spec)
    result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=2))
    return table, spec, data, result


def _page(name: str, trained) -> AppTest:
    table, spec, data, result = trained
    at = AppTest.from_file(str(PAGES / name), default_timeout=120)
    source = f"upload:{table.sha256}"
    return seat_model(at, result, table=table, spec=spec, source=source, data=data, threshold=0.5)


def test_train_page_class_weight_labels_and_notices(trained):
    at = _page("train.py", trained)
    at.session_state["train_weighting"] = "custom"
    at.run()
    strings = assert_no_live_markdown(at)
    assert any(w.label == f"Weight of {plain(POS)}" for w in at.number_input)
    assert _mentions(strings, POS)


def test_report_page_tables_escape_class_and_column_names(trained):
    _, _, data, _ = trained
    at = _page("report.py", trained).run()
    strings = assert_no_live_markdown(at)
    assert _mentions(strings, f"Truly {data.positive_name}")  # the 2x2 table header
    assert _mentions(strings, f"Class '{data.positive_name}'")  # the data set table
    assert _mentions(strings, ZERO_COL)  # zeros read as 'not measured'
    at.button(key="rep_prepare").click().run()
    assert_no_live_markdown(at)


def test_predict_page_notices_and_summary(trained):
    _, _, data, _ = trained
    at = _page("predict.py", trained).run()
    strings = assert_no_live_markdown(at)
    assert _mentions(strings, IMG_COL)  # "The file needs these columns"
    patients = _evil_frame(40, seed=1).drop(columns=[LABEL]).assign(**{EXTRA_COL: 1})
    at.file_uploader(key="pred_patients").set_value((FILE_NAME, _csv(patients), "text/csv")).run()
    strings = assert_no_live_markdown(at)
    assert at.success and plain(data.positive_name) in at.success[0].value
    assert _mentions(strings, EXTRA_COL)  # columns not used by the model
    assert any("not measured" in i.value and plain(ZERO_COL) in i.value for i in at.info)


def test_check_model_page_sentences_labels_and_groups(trained):
    from pages import decision_view

    at = _page("check_model.py", trained).run()
    assert_no_live_markdown(at)
    at.multiselect(key=decision_view.W_SUBGROUPS).set_value([TEXT_COL]).run()
    strings = assert_no_live_markdown(at)
    assert _mentions(strings, IMG_COL)  # a what-if value box's label
    at.number_input(key=f"dec_whatif_0_{IMG_COL}").set_value(9.5).run()
    strings = assert_no_live_markdown(at)
    assert any(plain(IMG_COL) in s and "the score moves from" in s for s in strings)  # the what-if sentence
