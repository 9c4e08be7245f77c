"""One plain sentence per table or figure of the Validate page, computed from the numbers on screen.

A clinician reading "slope 0.78 (0.66 to 0.91)" should not need to know what a calibration slope is: each
function here turns the current numbers into what they mean for patients — how many were found or
missed, whether risks run too high or too extreme, what an update changed, how different the new
patients are. Pure functions of numbers (no Streamlit); a figure that is missing or not finite is said
in words ("not estimable"), never printed as ``nan``.

Reading rules (conventions, said as such on the page): a calibration slope below 1 means risks are too
extreme (high ones too high, low ones too low), above 1 too modest; E:O (expected : observed events)
above 1 means the model expects more events than happened (risks too high on average), below 1 too few.
An interval that contains the ideal value (slope 1, E:O 1, intercept 0) is "consistent with" it.
"""

from __future__ import annotations

from collections.abc import Sequence

from imbalance_core.evaluation.calibration import Estimate
from imbalance_core.evaluation.external import SideBySide, Table2x2
from imbalance_core.evaluation.formatting import NOT_ESTIMABLE, decimal_text, is_number, percent, share_text

_pct = share_text  # the one percentage formatter (issue 23)


def _ci(e: Estimate | None, digits: int = 2) -> str:
    """ "0.81 (95 % CI 0.77 to 0.85)", the value alone when the interval is missing, or "not estimable"."""
    if e is None or not is_number(e.value):
        return NOT_ESTIMABLE
    if is_number(e.low) and is_number(e.high):
        return f"{e.value:.{digits}f} (95 % CI {e.low:.{digits}f} to {e.high:.{digits}f})"
    return f"{e.value:.{digits}f}"


def _contains(e: Estimate | None, ideal: float) -> bool | None:
    """True when the interval holds ``ideal``; None when it cannot be told."""
    if e is None or not (is_number(e.low) and is_number(e.high)):
        return None
    return e.low <= ideal <= e.high


def _of(n: int, what: str) -> str:
    return f"{n:,} {what}" if n != 1 else f"1 {what.rstrip('s')}"


def table_sentence(t: Table2x2) -> str:
    """The 2x2 table at the saved threshold in words: found and missed among patients with the outcome,
    wrongly flagged among those without."""
    sick, healthy = t.tp + t.fn, t.fp + t.tn
    parts = []
    if sick:
        parts.append(
            f"Of the {_of(sick, 'patients')} with the outcome, the model flagged {t.tp:,} "
            f"(sensitivity {percent(t.tp / sick)}) and missed {t.fn:,}"
        )
    else:
        parts.append("No patient in this file has the outcome, so sensitivity cannot be judged")
    if healthy:
        parts.append(
            f"of the {_of(healthy, 'patients')} without it, {t.fp:,} were flagged wrongly "
            f"(specificity {percent(t.tn / healthy)})"
        )
    else:
        parts.append("no patient is without the outcome, so specificity cannot be judged")
    return "; ".join(parts) + "."


def calibration_sentence(intercept: Estimate | None, slope: Estimate | None, e_to_o: Estimate | None) -> str:
    """What the calibration figures (and the curve drawn from the same risks) say about the risks."""
    if e_to_o is None or not is_number(e_to_o.value):
        level = "Whether the risks are too high or too low on average is not estimable here"
    elif _contains(e_to_o, 1.0):
        level = f"On average the risks match what happened (E:O {_ci(e_to_o)}, consistent with 1)"
    elif e_to_o.value > 1:
        level = (
            f"The risks run too high on average: the model expects {e_to_o.value:.2f} times the events that "
            f"happened (E:O {_ci(e_to_o)})"
        )
    else:
        level = (
            f"The risks run too low on average: the model expects only {e_to_o.value:.2f} times the events "
            f"that happened (E:O {_ci(e_to_o)})"
        )
    if slope is None or not is_number(slope.value):
        spread = "the calibration slope is not estimable"
    elif _contains(slope, 1.0):
        spread = f"their spread fits (slope {_ci(slope)}, consistent with 1)"
    elif slope.value < 1:
        spread = (
            f"they are too extreme — high risks too high, low risks too low (slope {_ci(slope)}, below 1)"
        )
    else:
        spread = f"they are too modest — risks bunch too close together (slope {_ci(slope)}, above 1)"
    tail = ""
    if intercept is not None and is_number(intercept.value) and _contains(intercept, 0.0) is False:
        tail = f" The calibration intercept is {_ci(intercept)} (0 is ideal)."
    return f"{level}; {spread}.{tail}"


def figures_sentence(rows: Sequence[SideBySide]) -> str:
    """The development-vs-this-file table in one or two sentences: discrimination and the change."""
    by_key = {r.key: r for r in rows}
    auc = by_key.get("auc")
    if auc is None or not is_number(auc.external.value):
        return "The ROC AUC is not estimable on this file (it needs patients with and without the outcome)."
    text = (
        "On this file the model ranks a random patient with the outcome above one without "
        f"{percent(auc.external.value, 0)} of the time (ROC AUC {_ci(auc.external)})"
    )
    dev = auc.development
    if dev is None or not is_number(dev.value):
        text += "; the model file records no development AUC to compare with."
    elif abs(auc.difference) < 0.005:
        text += f", the same as in development ({dev.value:.2f})."
    else:
        word = "lower" if auc.difference < 0 else "higher"
        text += f", {abs(auc.difference):.2f} {word} than in development ({dev.value:.2f})."
    sens = by_key.get("sensitivity")
    if sens is not None and sens.development is not None and is_number(sens.difference):
        change = (
            "unchanged"
            if abs(sens.difference) < 0.005
            else (f"{percent(abs(sens.difference))} {'lower' if sens.difference < 0 else 'higher'}")
        )
        text += (
            f" At the saved threshold sensitivity is {_pct(sens.external.value)} "
            f"({change} against development)."
        )
    return text


def updating_sentence(
    recommended: str,
    slope_before: float | None,
    slope_after: float | None,
    eo_before: float | None,
    eo_after: float | None,
) -> str:
    """What the recommended update changes, in the cross-validated figures of the updating table.

    ``recommended``: the update's display name, or "" when the original model needs none.
    """
    slope_0, slope_1 = decimal_text(slope_before, 2), decimal_text(slope_after, 2)
    eo_0, eo_1 = decimal_text(eo_before, 2), decimal_text(eo_after, 2)
    if not recommended:
        return f"No update is needed: the saved risks already fit this file (slope {slope_0}, E:O {eo_0})."
    return (
        f"{recommended} moves the calibration slope from {slope_0} to {slope_1} and "
        f"E:O from {eo_0} to {eo_1} (1 is ideal for both; figures from "
        "cross-validation within this file, so they are not flattered by fitting and judging on the same "
        "patients)."
    )


def case_mix_sentence(verdicts: Sequence[str], membership_auc: float | None = None) -> str:
    """The case-mix table in a sentence: how many features differ, and the membership model's AUC."""
    judged = [v for v in verdicts if v != "not known"]
    if not judged:
        text = "No feature could be compared with the development patients"
    else:
        very = sum(v == "very different" for v in judged)
        diff = sum(v == "different" for v in judged)
        if not very and not diff:
            text = f"All {len(judged):,} compared features look similar to the development patients"
        else:
            text = (
                f"Of {len(judged):,} compared features, {very:,} look very different and {diff:,} different "
                "from the development patients"
            )
    if is_number(membership_auc):
        how = "hard" if membership_auc < 0.6 else ("fairly easy" if membership_auc < 0.75 else "easy")
        text += (
            f"; a model tells the two files apart with ROC AUC {membership_auc:.2f} ({how} to tell apart; "
            "0.5 = indistinguishable)"
        )
    return text + "."
