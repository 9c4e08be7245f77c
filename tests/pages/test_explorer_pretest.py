"""The explorer's typed pre-test probability: appended to the payload on a fresh mount (the later JSON key
wins over the payload's default), and read back only when it is a probability."""

import json

import streamlit as st

from pages.widgets.threshold_explorer import _with_anchor, encode_payload, typed_pretest


def test_anchor_adds_the_typed_pretest_after_the_default() -> None:
    encoded = encode_payload({"n": 3, "pretest_default": 0.125})
    assert json.loads(_with_anchor(encoded, 0.2)) == {
        "n": 3,
        "pretest_default": 0.125,
        "committed_threshold": 0.2,
    }
    assert json.loads(_with_anchor(encoded, None, 0.3))["pretest_default"] == 0.3


def test_typed_pretest_reads_only_a_probability(monkeypatch) -> None:
    state: dict = {}
    monkeypatch.setattr(st, "session_state", state)
    assert typed_pretest("ex") is None
    state["ex"] = {"threshold": 0.2}
    assert typed_pretest("ex") is None
    state["ex"] = {"pretest": 0.3}
    assert typed_pretest("ex") == 0.3
    for bad in (0, 1, 1.5, "0.3", None):
        state["ex"] = {"pretest": bad}
        assert typed_pretest("ex") is None
