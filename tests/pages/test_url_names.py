"""Column names holding web addresses never become clickable links (issue 31, item 7).

Streamlit's markdown is GitHub-flavoured: it links bare ``www.host``, ``http(s)://`` addresses and
e-mail addresses by itself, *after* backslash escapes are resolved, so escaping alone left them
clickable on the Threshold and Predict pages. :data:`AUTOLINK_LITERALS` are the patterns of the library
Streamlit's frontend uses (mdast-util-gfm-autolink-literal), applied to the text as the browser gets it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.intake import task
from imbalance_core.intake.read import read_table
from imbalance_core.learn import training
from pages.plain_text import plain
from tests.pages.seating import seat_model
from tests.pages.test_markdown_escape import PAGES, rendered_markdown

URL_COL = "https://evil.example/track?col=1"
WWW_COL = "www.evil.example"
MAIL_COL = "ask.me@evil.example"
LABEL = "outcome"
#: GFM autolink literals: www./http(s):// addresses and e-mail addresses (mdast-util-gfm-autolink-literal).
AUTOLINK_LITERALS = (
    re.compile(r"(https?://|www(?=\.))([-.\w]+)", re.IGNORECASE),
    re.compile(r"(?:^|(?<=[\s\W]))([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)"),
)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def links_made(markdown: str) -> list[str]:
    """What GFM would turn into links in ``markdown`` (escapes resolved first, as the browser does)."""
    text = _ESCAPE.sub(r"\1", markdown)
    return [m.group(0) for pattern in AUTOLINK_LITERALS for m in pattern.finditer(text)]


@pytest.mark.parametrize("name", [URL_COL, WWW_COL, MAIL_COL, "see WWW.Evil.example now", "x (http://a.b)"])
def test_plain_leaves_no_autolink_and_shows_the_same_characters(name) -> None:
    assert links_made(name)  # the pattern does catch the raw name
    escaped = plain(name)
    assert links_made(escaped) == []
    assert _ESCAPE.sub(r"\1", escaped).replace("\u2060", "") == name  # reads as written


@pytest.fixture(scope="module")
def trained():
    rng = np.random.default_rng(3)
    y = np.r_[np.ones(40, dtype=int), np.zeros(160, dtype=int)]
    frame = pd.DataFrame(
        {
            URL_COL: np.round(rng.normal(5 + 2 * y, 1.0), 2),
            WWW_COL: np.round(rng.normal(50 - 10 * y, 5.0), 1),
            MAIL_COL: np.round(rng.normal(1 + y, 1.0), 2),
            LABEL: np.where(y == 1, "sick", "well"),
        }
    )
    table = read_table(frame.to_csv(index=False).encode(), name="urls.csv")
    spec = task.TaskSpec(label=LABEL, positive=("sick",))
    data = task.prepare(table, spec)
    result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=2))
    return table, spec, data, result


def _page(name: str, trained) -> AppTest:
    table, spec, data, result = trained
    at = AppTest.from_file(str(PAGES / name), default_timeout=120)
    source = f"upload:{table.sha256}"
    return seat_model(at, result, table=table, spec=spec, source=source, data=data, threshold=0.5)


# The Threshold page shows no column name since the what-if moved to Check the model (issue 26).
@pytest.mark.parametrize("page", ["check_model.py", "predict.py"])
def test_check_and_predict_pages_make_no_link_of_a_column_name(trained, page) -> None:
    at = _page(page, trained).run()
    assert not at.exception, at.exception
    strings = rendered_markdown(at)
    shown = [s for s in strings if "evil" in s]
    assert shown, "the names are shown somewhere (the check is not passed by leaving them out)"
    assert [links for s in strings if (links := links_made(s))] == []
