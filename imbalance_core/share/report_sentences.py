"""One plain sentence under each table of the Report and Predict pages, from the current numbers (issue 26).

"At 0.046, the model flags 315 of 1,000 patients like these; 38 of them have the disease and 11 with the
disease are missed." Pure functions of plain numbers (no Streamlit, no model), so they are unit tested
and the pages only print them. A number that is not defined (an empty class, nobody flagged) is said in
words: no sentence ever contains 'nan'.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from imbalance_core.evaluation.formatting import all_numbers, is_number, share_text

#: Said instead of a number that cannot be computed.
UNKNOWN = "not known"


def pct(x: Any, digits: int | None = None) -> str:
    """A share as '12.5 %' by the one percentage formatter ('not known' when missing or not finite)."""
    return share_text(x, digits, missing=UNKNOWN)


def count(n: int, noun: str) -> str:
    """'1 patient', '2,000 patients'."""
    return f"{int(n):,} {noun}" if int(n) == 1 else f"{int(n):,} {noun}s"


def threshold_text(t: Any) -> str:
    """A threshold as the report prints it (4 significant figures); 'not set' when missing."""
    return f"{float(t):.4g}" if is_number(t) else "not set"


def in_words(share: Any) -> str:
    """'about 6 in 10' for 0.58, 'about 1 in 67' for 0.015; '' when not finite or 0 / 1."""
    if not is_number(share) or not 0 < float(share) < 1:
        return ""
    s = float(share)
    if s >= 0.1:
        return f"about {round(10 * s)} in 10"
    return f"about 1 in {round(1 / s):,}"


# --------------------------------------------------------------------------- Report page


def two_by_two_sentence(tp: int, fp: int, fn: int, tn: int, threshold: Any, positive: str) -> str:
    """Under the hold-out 2x2 table."""
    n_pos, n_neg, flagged = tp + fn, fp + tn, tp + fp
    total = n_pos + n_neg
    head = f"At the threshold {threshold_text(threshold)}, the model flags {flagged:,} of "
    head += count(total, "patient")
    if n_pos == 0:
        found = f"none of them has '{positive}' in this sample"
    else:
        found = f"it finds {tp:,} of the {n_pos:,} with '{positive}' and misses {fn:,}"
    alarms = (
        f"{fp:,} of the {n_neg:,} without it get a false alarm"
        if n_neg
        else "nobody without it is in the sample"
    )
    return f"{head} in the hold-out set: {found}; {alarms}."


def per_thousand_sentence(flagged: Any, true_pos: Any, missed: Any, prevalence: Any) -> str:
    """Under the 'Of 1,000 patients' table (natural frequencies at the deployment prevalence)."""
    if not all_numbers(flagged, true_pos, missed):
        return "The natural frequencies are not known for this threshold."
    return (
        f"Of 1,000 patients at a prevalence of {pct(prevalence)}, the model flags {float(flagged):,.0f}; "
        f"{float(true_pos):,.0f} of them have the disease, and {float(missed):,.0f} with the disease are "
        "missed."
    )


def accuracy_sentence(row: Mapping[str, Any]) -> str:
    """Under the diagnostic-accuracy table: sensitivity and specificity in words, PPV at deployment."""
    sens, spec = row.get("sensitivity"), row.get("specificity")
    parts = []
    if is_number(sens):
        words = in_words(sens)
        parts.append(
            f"the model finds {pct(sens)} of patients with the disease"
            + (f" ({words})" if words else "")
            + _ci_words(row, "sensitivity")
        )
    else:
        parts.append("sensitivity is not known (no patient with the disease in the hold-out set)")
    if is_number(spec):
        alarm = in_words(1 - float(spec))
        parts.append(
            f"it clears {pct(spec)} of those without it"
            + (f" ({alarm} of them get a false alarm)" if alarm else "")
            + _ci_words(row, "specificity")
        )
    ppv = row.get("ppv_deploy")
    prev = row.get("prevalence_deploy")
    tail = (
        f" At a prevalence of {pct(prev)}, {pct(ppv)} of flagged patients have the disease."
        if is_number(ppv)
        else " Nobody is flagged, so the chance that a flagged patient has the disease is not known."
    )
    return "On the hold-out set " + "; ".join(parts) + "." + tail


def _ci_words(row: Mapping[str, Any], key: str) -> str:
    lo, hi = row.get(f"{key}_lo"), row.get(f"{key}_hi")
    if not all_numbers(lo, hi):
        return ""
    return f", 95 % CI {pct(lo)} to {pct(hi)}"


def confusion_sentence(matrix: Any, names: Sequence[str]) -> str:
    """Under a multi-class confusion matrix: overall share right, the most confused pair."""
    cm = np.asarray(matrix, dtype=float)
    total = float(cm.sum())
    if total == 0:
        return "No hold-out patients to count."
    right = float(np.trace(cm))
    off = cm.copy()
    np.fill_diagonal(off, 0)
    sentence = f"The model calls the right class for {right:,.0f} of {total:,.0f} hold-out patients "
    sentence += f"({pct(right / total)})"
    if off.max() > 0:
        i, j = np.unravel_index(int(np.argmax(off)), off.shape)
        sentence += (
            f"; the most frequent mistake is '{names[i]}' called '{names[j]}' ({off[i, j]:,.0f} patients)"
        )
    return sentence + "."


def per_class_sentence(sensitivities: Mapping[str, Any]) -> str:
    """Under the per-class accuracy table: the class found best and worst."""
    known = {k: float(v) for k, v in sensitivities.items() if is_number(v)}
    if not known:
        return "No class has patients in the hold-out set, so no per-class accuracy is known."
    best = max(known, key=known.__getitem__)
    worst = min(known, key=known.__getitem__)
    if best == worst:
        return f"The model finds {pct(known[best])} of '{best}' patients."
    return (
        f"The model finds {pct(known[best])} of '{best}' patients but only {pct(known[worst])} of "
        f"'{worst}' patients."
    )


# --------------------------------------------------------------------------- Predict page


def predictions_sentence(scores: Any, decisions: Any, threshold: Any, class_names: Sequence[str]) -> str:
    """Under the Predict page's table of scored patients."""
    d = np.asarray(decisions)
    n = int(d.size)
    if n == 0:
        return "No patients were scored."
    if not is_number(threshold):  # multi-class: most probable class
        counts = np.bincount(d.astype(int), minlength=len(class_names))
        top = int(np.argmax(counts))
        return (
            f"Each row is one patient with its class probabilities and the most probable class; the most "
            f"common call is '{class_names[top]}' ({counts[top]:,} of {n:,}, {pct(counts[top] / n)})."
        )
    s = np.asarray(scores, dtype=float)
    finite = s[np.isfinite(s)]
    flagged = int(np.sum(d == 1))
    spread = (
        f" Scores run from {finite.min():.3g} to {finite.max():.3g} (median {np.median(finite):.3g})."
        if finite.size
        else ""
    )
    return (
        f"Each row is one patient, score and decision first: {flagged:,} of {count(n, 'patient')} "
        f"({pct(flagged / n)}) have a score at or above {threshold_text(threshold)} and are called "
        f"'{class_names[1]}'.{spread}"
    )


def model_sentence(meta: Any) -> str:
    """Under the Predict page's 'About this model' table: what the model is, in one sentence."""
    settings = getattr(meta, "settings", {}) or {}
    what = " + ".join(str(settings[k]) for k in ("sampler", "classifier") if settings.get(k)) or "a model"
    data = getattr(meta, "data_name", "") or "its training file"
    n_features = len(getattr(meta, "feature_names", ()) or ())
    head = f"The model ({what}) was trained on '{data}' with {count(n_features, 'feature')}"
    threshold = getattr(meta, "threshold", None)
    positive = getattr(meta, "positive_class", None)
    if is_number(threshold) and positive:
        return (
            head
            + f"; it calls a patient '{positive}' when the score is at or above {threshold_text(threshold)}."
        )
    return head + "; it gives each patient the most probable class."


__all__ = [
    "UNKNOWN",
    "accuracy_sentence",
    "confusion_sentence",
    "count",
    "in_words",
    "model_sentence",
    "pct",
    "per_class_sentence",
    "per_thousand_sentence",
    "predictions_sentence",
    "threshold_text",
    "two_by_two_sentence",
]
