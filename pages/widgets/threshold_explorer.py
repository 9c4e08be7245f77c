"""The live threshold explorer: a Streamlit ``st.components.v2`` component that redraws in the browser.

Why a component and not ``st.slider``: a slider sends its value only on release and every update costs a
server round trip (and a ``gc.collect()``). Here Python builds the *stop table* once (every count, metric
and interval at each slider stop, in ``imbalance_core.evaluation.thresholds``) and hands it over as ``data``;
the
JavaScript only indexes and formats on every ``input`` event, so the numbers follow the pointer. The
chosen threshold comes back to Python on release and on keyboard changes (``setStateValue``), and the
page keeps it in session state for the calibration/decision-curve markers, the report and the CLI line.

The HTML, CSS and JS are real files beside this module, read once at import and passed inline: no build
step, nothing fetched at run time. Data-derived strings are set with ``textContent`` only.

Payload (built by ``thresholds.build_explorer_data(...).to_payload()``, JSON-able; sent as ``data`` in
UTF-8 JSON bytes, see :func:`encode_payload`)::

    {
      "n", "n_pos", "n_neg": int                      hold-out size and class counts
      "labels": {"positive": str, "negative": str}    class names, shown as text (never HTML)
      "prevalence": float                              deployment prevalence used for *_deploy, per1000_*
      "beta": float                                    the F-beta's beta
      "stops": {                                       one list per key, all the same length, null = undefined
        "threshold": [...ascending],
        "tp", "fp", "tn", "fn",
        "sensitivity", "sensitivity_lo", "sensitivity_hi",   (95 % Wilson intervals)
        "specificity", "specificity_lo", "specificity_hi",
        "ppv", "ppv_lo", "ppv_hi", "npv", "npv_lo", "npv_hi",
        "f1", "fbeta", "balanced_accuracy", "accuracy", "mcc", "youden", "lr_pos", "lr_neg",
        "f1_lo", "f1_hi", "balanced_accuracy_lo", ..., "mcc_hi"   (95 % stratified bootstrap, from Python)
        "accuracy_lo", "accuracy_hi"                 (95 % Wilson)
        "ppv_deploy", "npv_deploy",                  PPV/NPV at the deployment prevalence
        "ppv_deploy_lo", ..., "npv_deploy_hi"        (from 97.5 % Wilson bounds of sensitivity/specificity)
        "per1000_flagged", "per1000_true_pos", "per1000_missed"   natural frequencies per 1,000 patients
      },
      "roc": {"fpr": [...], "tpr": [...]},             decimated curves for drawing
      "pr": {"recall": [...], "precision": [...]},
      "roc_auc": {"value", "lo", "hi"}, "pr_auc": {"value", "lo", "hi"},
      "hist": {"edges": [k + 1], "neg": [k], "pos": [k]}   score histograms (counts) of each class
      "picks": [{"key", "label", "threshold", "index", "reason"}]   picker buttons (index into stops)
      "initial_index": int                             stop shown before anything is committed
    }

:func:`threshold_explorer` adds one key, ``committed_threshold`` (float or None): a freshly mounted explorer
opens at the stop nearest to it. While mounted, the browser keeps the position across reruns (a new
prevalence or cost ratio redraws the numbers at the same threshold).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import streamlit as st

_HERE = Path(__file__).resolve().parent
_NAME = "imbalance_lab_threshold_explorer"


def _read(suffix: str) -> str:
    return (_HERE / f"threshold_explorer.{suffix}").read_text(encoding="utf-8")


_MOUNT = st.components.v2.component(_NAME, html=_read("html"), css=_read("css"), js=_read("js"))


def _ignore() -> None:
    """State callbacks are required to declare a state key; the value is read from the result instead."""


def encode_payload(payload: Mapping[str, Any]) -> bytes:
    """The payload as compact UTF-8 JSON, to be cached by the caller and passed to :func:`threshold_explorer`.

    Streamlit would otherwise ``json.dumps`` the dict twice on every rerun (once to send it, once to
    hash it for the widget's identity): about 60 ms each for a 1,900-stop table on this machine.
    Raw bytes are only hashed (md5, ~3 ms), and an unchanged message goes out as a short reference.
    """
    return json.dumps(payload, separators=(",", ":"), allow_nan=False).encode("utf-8")


def _with_anchor(encoded: bytes, committed: float | None) -> bytes:
    """Append ``committed_threshold`` to an encoded JSON object without re-encoding the rest."""
    if not encoded.endswith(b"}"):
        raise ValueError("the encoded payload must be a JSON object")
    return encoded[:-1] + b',"committed_threshold":' + json.dumps(committed).encode() + b"}"


def threshold_explorer(
    payload: Mapping[str, Any] | bytes,
    *,
    key: str,
    committed: float | None = None,
    on_change: Callable[[], None] | None = None,
) -> float | None:
    """Mount the explorer and return the threshold the person last committed (None before any commit).

    Parameters
    ----------
    payload
        The explorer payload described in this module's docstring, or (faster, see
        :func:`encode_payload`) its cached encoding.
    key
        Widget key; keep it stable across reruns so the component keeps its state when the payload
        changes (new prevalence, cost ratio, class).
    committed
        The threshold already chosen (e.g. from session state); the explorer opens at the nearest stop.
        It is read only when the component is mounted afresh: while it stays on the page the browser
        keeps the position itself, so the ``data`` does not change on a commit and Streamlit sends the
        large payload as a short reference to the copy the browser already has.
    on_change
        Called (as a Streamlit widget callback, before the rerun) when a new threshold is committed.
    """
    anchor_key = f"{key}__opened_at"
    if key not in st.session_state:  # no widget state yet: mounted afresh (first visit or page revisited)
        st.session_state[anchor_key] = committed
    encoded = payload if isinstance(payload, bytes) else encode_payload(payload)
    data = _with_anchor(encoded, st.session_state.get(anchor_key))
    result = _MOUNT(key=key, data=data, on_threshold_change=on_change or _ignore, height="content")
    value = result.get("threshold")
    return float(value) if isinstance(value, int | float) else None


def committed_value(key: str) -> float | None:
    """The committed threshold stored under the component's ``key`` (for use inside ``on_change``)."""
    state = st.session_state.get(key)
    value = state.get("threshold") if isinstance(state, Mapping) else None
    return float(value) if isinstance(value, int | float) else None
