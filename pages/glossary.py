"""Glossary page: every technical term the app, the report and the CLI use, in one line and with the
analyst's detail, searchable. The entries are :data:`imbalance_core.evaluation.glossary.GLOSSARY` (the
same words the pages' hover help shows). Plain text only: every entry goes through ``plain_text.plain``.
"""

from __future__ import annotations

import streamlit as st

from imbalance_core.evaluation import glossary
from pages import plain_text

W_SEARCH = "glossary_search"


def matching(query: str) -> list[glossary.Term]:
    """The terms whose name, line or detail contains ``query`` (case-insensitive), in glossary order."""
    needle = query.strip().lower()
    terms = list(glossary.GLOSSARY.values())
    if not needle:
        return terms
    return [t for t in terms if needle in f"{t.name}\n{t.short}\n{t.detail}".lower()]


def main() -> None:
    st.title("Glossary")
    st.caption(
        "The words the pages, the report and the command line use. The same line shows when you hover "
        "over a term's question mark; the detail is for the analyst."
    )
    query = st.text_input("Search the glossary", key=W_SEARCH, placeholder="a term or a word, e.g. PPV")
    found = matching(query)
    if not found:
        st.info("No term matches that search; try a shorter word.")
        return
    total = len(glossary.GLOSSARY)
    st.caption(f"{len(found)} of {total} terms." if len(found) < total else f"All {total} terms.")
    for term in found:
        with st.container(border=True):
            st.markdown(f"**{plain_text.plain(term.name)}**: {plain_text.plain(term.short)}")
            if term.detail:
                st.caption("For the analyst: " + plain_text.plain(term.detail))


main()
