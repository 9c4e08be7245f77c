"""User strings made inert for plotly: column names, class names and file names show as written.

Plotly draws its text (titles, tick labels, legend entries, bar texts, hover labels, annotations) from a
small HTML subset: ``<a href="...">`` becomes a live link, ``<b>``/``<br>``/``<span style>`` format.
A class called ``<a href="http://x">click</a>`` would put a link to an outside address on the Data and
Train charts. :func:`plotly_text` escapes the three characters that start markup or an entity
(``&``, ``<``, ``>``); plotly turns the entities back into the characters when it draws, so the
person sees exactly the name in their file. Quotes are left alone: outside a tag they mean nothing to
plotly, and it does not decode ``&quot;``.
"""

from __future__ import annotations

from collections.abc import Iterable

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def plotly_text(value: object, template: bool = False) -> str:
    """``value`` as plain plotly text.

    template: the text goes into a ``hovertemplate``/``texttemplate``, where ``%{...}`` is a field and
        ``%`` must not start one: it is written as the entity ``&#37;``.

    Examples
    --------
    >>> plotly_text('<a href="http://x">y</a> & co')
    '&lt;a href="http://x"&gt;y&lt;/a&gt; &amp; co'
    >>> plotly_text("50% %{x}", template=True)
    '50&#37; &#37;{x}'
    """
    text = "".join(_ESCAPES.get(ch, ch) for ch in str(value))
    return text.replace("%", "&#37;") if template else text


def plotly_texts(values: Iterable[object]) -> list[str]:
    """:func:`plotly_text` of each value (tick labels, category axes, bar names)."""
    return [plotly_text(v) for v in values]
