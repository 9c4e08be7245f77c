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
        "lr_pos_lo", "lr_pos_hi", "lr_neg_lo", "lr_neg_hi"   (95 % log method, Simel 1991, from Python)
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

Optional keys (added by ``pages/threshold.py``; absent = not shown)::

      "uncertainty": {KEY: {"lo_index", "hi_index": int, "text": str}}   95 % band of a suggestion's
                        threshold over resampled picks (stop indices) and its sentence, drawn when that
                        suggestion's stop is the current one; "uncertainty_note": str otherwise
      "mode": "single" | "rule"                        one cut-off, or rule-out / rule-in with two handles
      "zones": {"share_below", "share_at_or_above", "per1000_below", "per1000_false_alarms": [per stop]}
                        (``imbalance_core.evaluation.rule_zones.zone_stop_columns``)
      "rule_pick": {"label", "reason": str, "t_low", "t_high": float, "low_index", "high_index": int}

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


def _with_anchor(encoded: bytes, committed: float | None, pretest: float | None = None) -> bytes:
    """Append ``committed_threshold`` (and, when one was typed before, ``pretest_default``: the later key
    wins in JSON.parse) to an encoded JSON object without re-encoding the rest."""
    if not encoded.endswith(b"}"):
        raise ValueError("the encoded payload must be a JSON object")
    extra = b"" if pretest is None else b',"pretest_default":' + json.dumps(float(pretest)).encode()
    return encoded[:-1] + b',"committed_threshold":' + json.dumps(committed).encode() + extra + b"}"


def threshold_explorer(
    payload: Mapping[str, Any] | bytes,
    *,
    key: str,
    committed: float | None = None,
    on_change: Callable[[], None] | None = None,
    pretest: float | None = None,
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
    pretest
        The pre-test probability typed before (:func:`typed_pretest`), shown when mounted afresh instead
        of the payload's default; like ``committed``, read only then.
    """
    anchor_key = f"{key}__opened_at"
    pretest_key = f"{key}__pretest_at_open"
    if key not in st.session_state:  # no widget state yet: mounted afresh (first visit or page revisited)
        st.session_state[anchor_key] = committed
        st.session_state[pretest_key] = pretest
    encoded = payload if isinstance(payload, bytes) else encode_payload(payload)
    data = _with_anchor(encoded, st.session_state.get(anchor_key), st.session_state.get(pretest_key))
    callback = on_change or _ignore
    result = _MOUNT(
        key=key, data=data, on_threshold_change=callback, on_pick_change=callback,
        on_pretest_change=_ignore, height="content",
    )  # fmt: skip
    value = result.get("threshold")
    return float(value) if isinstance(value, int | float) else None


def _with_rule(encoded: bytes, rule: tuple[float, float] | None) -> bytes:
    """Append ``"mode": "rule"`` and ``committed_rule`` to an encoded JSON object (no re-encoding)."""
    if not encoded.endswith(b"}"):
        raise ValueError("the encoded payload must be a JSON object")
    pair = None if rule is None else [float(rule[0]), float(rule[1])]
    return encoded[:-1] + b',"mode":"rule","committed_rule":' + json.dumps(pair).encode() + b"}"


def rule_explorer(
    payload: bytes,
    *,
    key: str,
    committed: tuple[float, float] | None = None,
    on_change: Callable[[], None] | None = None,
) -> tuple[float, float] | None:
    """Mount the explorer in two-handle mode; return the committed (rule-out, rule-in) pair or None.

    ``payload`` must carry ``zones`` and may carry ``rule_pick`` (module docstring). Like
    :func:`threshold_explorer`, ``committed`` is read only when the component is mounted afresh; use
    another ``key`` than the single-cut-off explorer, so switching modes mounts it afresh.
    """
    anchor_key = f"{key}__opened_at"
    if key not in st.session_state:
        st.session_state[anchor_key] = committed
    data = _with_rule(payload, st.session_state.get(anchor_key))
    result = _MOUNT(
        key=key, data=data, on_threshold_change=_ignore, on_rule_change=on_change or _ignore, height="content"
    )
    return _pair(result.get("rule"))


def _pair(value: Any) -> tuple[float, float] | None:
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, int | float) for v in value):
        return float(value[0]), float(value[1])
    return None


def typed_pretest(key: str) -> float | None:
    """The pre-test probability (0-1) last typed in the explorer under ``key`` (sent when the box loses
    focus or Enter is pressed), or None when none was typed: the Report page starts from it."""
    state = st.session_state.get(key)
    value = state.get("pretest") if isinstance(state, Mapping) else None
    return float(value) if isinstance(value, int | float) and 0 < value < 1 else None


def committed_rule(key: str) -> tuple[float, float] | None:
    """The committed (rule-out, rule-in) pair stored under the component's ``key`` (inside ``on_change``)."""
    state = st.session_state.get(key)
    return _pair(state.get("rule")) if isinstance(state, Mapping) else None


def committed_pick(key: str) -> str | None:
    """The key of the suggestion button that committed the threshold (None after a drag or a key press).

    Two suggestions can land on one threshold (e.g. Best F2 and Lowest cost): the value alone cannot say
    which was pressed, so the explorer sends the pressed one's key with it (issue 23).
    """
    state = st.session_state.get(key)
    value = state.get("pick") if isinstance(state, Mapping) else None
    return str(value) if isinstance(value, str) else None


def committed_value(key: str) -> float | None:
    """The committed threshold stored under the component's ``key`` (for use inside ``on_change``)."""
    state = st.session_state.get(key)
    value = state.get("threshold") if isinstance(state, Mapping) else None
    return float(value) if isinstance(value, int | float) else None
