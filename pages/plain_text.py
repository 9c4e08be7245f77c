"""Text made inert for Streamlit's markdown (:func:`plain`), and error sentences shown through it."""

from __future__ import annotations

import re

import streamlit as st

from imbalance_core.errors import DataError

#: Characters with a markdown meaning wherever they stand: links and images ([ ] !), emphasis (* _ ~),
#: code (`), HTML, autolinks and entities (< > &), maths ($), tables (|), headings (#), braces, and ':'
#: of emoji shortcodes (:smile:) and colour directives (:red[..]). '(' ')' '.' '-' '+' only matter after
#: a '[' or at the start of a line (_LINE_START), so numbers such as "0.87 (0.80-0.92)" and names such
#: as "SMOTE-N" pass unchanged. Checked in Chromium: no image is fetched and nothing is formatted. A bare
#: URL ("www.x.org", "http://x", "a@x.org") would still become a clickable link: GitHub-flavoured markdown
#: links them after escapes are resolved, so :data:`_AUTOLINK` breaks them with an invisible word joiner.
_MARKDOWN_INLINE = frozenset("`*_{}[]<>#|~$!&:@")
#: Where GFM's autolink literals start (after the escapes above): "www." , "://" and "@". A word joiner
#: (U+2060, invisible, no width) after "www", after "\:" before "//" and after "\@" stops the match.
_AUTOLINK = re.compile(r"(?i)(?<![A-Za-z0-9])www(?=\.)|\\:(?=//)|\\@")
_WORD_JOINER = "\u2060"
#: Block markers at the start of a line: an ordered item ("1. ", "2) "), a bullet ("- ", "+ "), a rule or
#: setext underline ("---", "==="). The group 'mark' gets a backslash; "-5.2" and "0.87" are left alone.
_LINE_START = re.compile(
    r"^(?P<lead>[ \t]*\d{0,9})(?P<mark>(?<=\d)[.)](?=\s|$)|(?<![\d])[-+=](?=[\s\-+=]|$))", re.M
)
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def plain(text: object) -> str:
    r"""``text`` made inert for Streamlit's markdown: it displays exactly as written, with no formatting.

    For user-supplied strings (column names, label values, file names) and whole sentences from the
    core (notices, warnings, DataError messages) shown through a markdown-rendering call
    (``st.error``/``st.warning``/``st.info``/``st.success``/``st.markdown``/``st.caption``, widget
    labels, ``st.table`` cells). Without it a column called ``![x](http://host/t.png)`` would make the
    browser fetch that image — telling a third party that the file was opened — and ``a_b_c`` would
    turn italic. Markdown the page writes itself (``**bold**`` in fixed text) stays outside the call.

    Each character with a markdown meaning gets a backslash (CommonMark's escape, which Streamlit
    renders as the bare character). A backslash is escaped when it would otherwise escape what
    follows (punctuation, a line break or the end of the text, which may be followed by the page's
    own text); elsewhere it already shows as itself, so ``True class \ predicted`` is unchanged.

    Examples
    --------
    >>> plain("![x](http://example.com/t.png)")
    '\\!\\[x\\](http\\:\u2060//example.com/t.png)'
    >>> plain("0.873 (0.812–0.915)")
    '0.873 (0.812–0.915)'
    """
    text = str(text)
    out = []
    for i, ch in enumerate(text):
        if ch == "\\":
            following = text[i + 1 : i + 2]
            out.append("\\\\" if following in _ASCII_PUNCTUATION or following in ("", "\n", "\r") else ch)
        elif ch in _MARKDOWN_INLINE:
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = _LINE_START.sub(lambda m: f"{m['lead']}\\{m['mark']}", "".join(out))
    return _AUTOLINK.sub(lambda m: m.group(0) + _WORD_JOINER, escaped)


def show_error(exc: DataError | str) -> None:
    """Show a person-facing error sentence (never a traceback, never a cell value), markdown-escaped."""
    st.error(plain(str(exc)), icon=":material/error:")
