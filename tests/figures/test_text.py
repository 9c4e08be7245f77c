"""User strings in plotly charts show as written and never become markup (issue 18 item 7).

A class called ``<a href="http://...">`` or a label column with a tag in its name must not reach a
chart's JSON as a raw tag: plotly would draw a live link to an outside address.
"""

from __future__ import annotations

import json

import numpy as np

from imbalance_core.figures.classes import class_distribution_figure, resampling_counts_figure
from imbalance_core.figures.text import plotly_text, plotly_texts
from imbalance_core.intake import task
from imbalance_core.intake.profile import profile
from imbalance_core.intake.read import read_table

LINK = '<a href="http://evil.example/t">click</a>'
LABEL = "<b>outcome</b> <a href='http://evil.example/l'>x</a>"


def _table():
    """Label column (first, named with tags) whose rare class is a link; codes for the other class."""
    rng = np.random.default_rng(3)
    rows = [f'"{LABEL}",age,crp']
    for i in range(120):
        cls = f'"{LINK.replace(chr(34), chr(34) * 2)}"' if i % 6 == 0 else "0"
        rows.append(f"{cls},{rng.integers(20, 90)},{rng.normal(5, 2):.2f}")
    return read_table("\n".join(rows).encode(), name="<a href='http://evil.example/f'>f</a>.csv")


def _json(fig) -> str:
    """The figure's JSON as the browser gets it, with plotly's \\u003c escapes decoded."""
    return json.dumps(json.loads(fig.to_json()), ensure_ascii=False)


def test_helper_escapes_markup_and_template_fields():
    assert plotly_text(LINK) == '&lt;a href="http://evil.example/t"&gt;click&lt;/a&gt;'
    assert plotly_text("a & b") == "a &amp; b"
    assert plotly_text("50% %{x}", template=True) == "50&#37; &#37;{x}"
    assert plotly_texts([1, "<br>"]) == ["1", "&lt;br&gt;"]
    assert plotly_text("CRP (mg/L) ≥ 5") == "CRP (mg/L) ≥ 5"  # ordinary names unchanged


def test_class_chart_json_holds_no_raw_tag_from_user_strings():
    table = _table()
    spec = task.default_spec(table, LABEL)
    prof = profile(table, spec)
    assert LINK in prof.task_classes or LINK in prof.classes  # the link really is a class here
    for fig in (class_distribution_figure(prof), class_distribution_figure(prof, by_label_value=True)):
        text = _json(fig)
        assert "<a" not in text and "<b>outcome" not in text
        assert "&lt;a href" in text  # shown, as text
        assert "<br>" in text  # the page's own markup stays


def test_training_counts_chart_json_holds_no_raw_tag():
    fig = resampling_counts_figure([LINK, "0"], {LINK: 20, "0": 80}, {LINK: 80, "0": 80})
    text = _json(fig)
    assert "<a" not in text and "&lt;a href" in text
