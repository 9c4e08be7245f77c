"""The Data page's "Is the data set big enough?" section: events per candidate parameter and the Riley et
al. (BMJ 2020) minimum sample size, before training.

Not a page. Kept apart from :mod:`pages.decision_view` (subgroups, importance, what-if) because the Data
page is the first page a person sees: this module imports only :mod:`imbalance_core.evaluation.sample_size`
(no scikit-learn, imbalanced-learn or scipy), so a cold server draws that page quickly.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from imbalance_core.errors import DataError
from imbalance_core.evaluation import sample_size
from pages import plain_text

__all__ = ["sample_size_note"]


def sample_size_note(data: Any) -> None:
    """Events per parameter and the Riley et al. minimum sample size, before training (conservative R2)."""
    if data is None or not data.is_binary:
        return
    try:
        found = sample_size.adequacy(data)
    except DataError as exc:
        st.caption(plain_text.plain(f"Sample size: {exc}"))
        return
    st.subheader("Is the data set big enough?", anchor=False)
    (st.success if found.adequate else st.warning)(plain_text.plain(found.sentence()))
    with st.expander("How the minimum sample size is computed"):
        c = found.criteria
        rows = [
            ("Candidate predictor parameters", f"{found.parameters.total} ({found.parameters.rule})"),
            ("Events per candidate parameter", f"{found.epp:.1f}"),
            ("(i) expected shrinkage >= 0.9", f"{c.n_shrinkage:,}"),
            ("(ii) optimism in Nagelkerke R2 <= 0.05", f"{c.n_optimism:,}"),
            ("(iii) overall risk within ± 0.05", f"{c.n_risk:,}"),
            ("Minimum sample size", f"{c.minimum:,} ({c.epp_at_minimum:.1f} events per parameter)"),
        ]
        st.dataframe(pd.DataFrame(rows, columns=["Criterion", "Value"]), hide_index=True, width="stretch")
        st.caption(
            "Riley et al., BMJ 2020;368:m441. Before training the anticipated Cox-Snell R2 is the "
            "conservative 15 % of its maximum; the report uses the trained model's cross-validated C "
            "statistic instead."
        )
