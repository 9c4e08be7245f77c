"""The sidebar shows the committed rule-out / rule-in pair in two-cut-off mode, and only for its model."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _sidebar_script() -> None:
    import streamlit as st

    from imbalance_core.intake import bundled, task
    from imbalance_core.learn import training
    from pages import session_state, sidebar, threshold_state
    from tests.pages import seating

    @st.cache_resource
    def _trained():
        table = bundled.load_bundled("hcv")
        spec = bundled.BUNDLED["hcv"].default_spec
        data = task.prepare(table, spec)
        result = training.train(data, training.TrainSettings(sampler="none", classifier="logreg", cv=2))
        return table, spec, data, result

    table, spec, data, result = _trained()
    seating.seat_model(
        st.session_state, result, table=table, spec=spec, source="bundled:hcv", data=data, settings=False
    )
    threshold_state.set_rule(0.05, 0.6, "test")
    mode = st.session_state.get("want_mode")
    if mode:
        st.session_state[session_state.K_THR_MODE] = ("", mode)
    sidebar.sidebar_status()


def test_sidebar_states_the_rule_only_in_rule_mode():
    at = AppTest.from_function(_sidebar_script, default_timeout=60)
    at.session_state["want_mode"] = "single"
    at.run()
    assert not at.exception
    captions = [c.value for c in at.sidebar.caption]
    assert any("Threshold" in c for c in captions), captions  # the sidebar is drawn, without the rule
    assert not any("Rule out below" in c for c in captions)
    at.session_state["want_mode"] = "rule"
    at.run()
    texts = [c.value.replace("\\", "") for c in at.sidebar.caption]
    assert any("Rule out below 0.05 · rule in at or above 0.6" in t for t in texts), texts
