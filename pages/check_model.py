"""Check the model page: does it work as well in every group, what does it lean on, what if one value were
different — every number at the model's one current threshold (issue 26: these left the Threshold page).

Widgets only: the panels are :mod:`pages.decision_view`, their sentences
:mod:`imbalance_core.evaluation.check_sentences`,
the threshold :func:`pages.threshold_state.current_threshold`.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from imbalance_core.evaluation import check_sentences, glossary
from pages import decision_view, plain_text, session_state, threshold_state

TRAIN_PAGE = "pages/train.py"
THRESHOLD_PAGE = "pages/threshold.py"
TITLE = "Check the model"


def _link(page: str, label: str, icon: str) -> None:
    """A link to another page; a plain line when the page runs on its own (tests) without the navigation."""
    try:
        st.page_link(page, label=label, icon=icon)
    except StreamlitPageNotFoundError:
        st.caption(f"{label}: open it from the navigation.")


def main() -> None:
    st.title(TITLE)
    result = st.session_state.get(session_state.K_TRAIN_RESULT)
    if result is None:
        st.info(
            "Train a model first: this page checks its hold-out patients by group, shows which features "
            "it leans on and lets you change one patient's values."
        )
        _link(TRAIN_PAGE, "Go to Train", ":material/model_training:")
        return
    if not result.is_binary:
        st.info(
            "Subgroups, importance and the what-if judge one yes/no decision: choose a positive class on "
            "the Data page and train again."
        )
        return
    chosen = threshold_state.current_threshold()
    if chosen is None or session_state.current_data() is None:
        st.info("Load the data this model was trained on (Data page) to check it.")
        return
    st.markdown(
        plain_text.plain(check_sentences.threshold_line(chosen.value, chosen.origin, chosen.is_default)),
        help=glossary.hover("Threshold"),
    )
    _link(THRESHOLD_PAGE, "Change it on the Threshold page", ":material/tune:")
    decision_view.check_page(result, chosen.value)


main()
