"""Which label values read as disease and which as no disease, and the positive class they give.

The word rules shared by the label guess (:mod:`.label_guess`, the Data page and ``profile``), the task's
default positive class (:func:`.task.default_positive`, the CLI without ``--positive``) and image zips'
folder names: one rule, so every place picks the same disease class. Below both :mod:`.task` and
:mod:`.label_guess`, which import it; it imports neither.

The value that reads as disease (yes, 1, true, positive, present, abnormal, a disease word) or, when the
other values read as healthy (no, 0, negative, normal, none, ``-``, healthy, not..., non..., blood donor,
control), every value that does not. Only when the values say nothing is the rarest class taken, and
the reason says so.
"""

from __future__ import annotations

import re

from imbalance_core.errors import DataError

#: Label values (whole value, lower case) that read as "no disease".
NEGATIVE_VALUES = frozenset(
    {
        "no", "n", "0", "false", "f", "negative", "neg", "none", "normal", "healthy", "-", ".",
        "absent", "control", "controls", "benign", "b", "alive", "survived", "nil", "notckd",
        "well", "ok", "unaffected", "nondiabetic", "non-diabetic", "nofinding", "nofindings",
    }
)  # fmt: skip
#: Words inside a label value that read as "no disease" ("0=Blood Donor", "normal sinus rhythm").
NEGATIVE_WORDS = frozenset({"normal", "healthy", "donor", "donors", "control", "negative", "benign", "none"})
#: Leading words or prefixes that negate ("not ckd", "notckd", "non-diabetic", "no disease").
NEGATING_PREFIXES = ("not", "non", "no ", "no_", "no-", "without", "absence")
#: Label values (whole value, lower case) that read as disease.
POSITIVE_VALUES = frozenset(
    {
        "yes", "y", "1", "true", "t", "positive", "pos", "+", "present", "abnormal", "disease",
        "diseased", "sick", "case", "died", "dead", "death", "deceased", "malignant", "m", "ckd",
        "affected", "event", "ill",
    }
)  # fmt: skip
#: Words inside a label value that read as disease.
POSITIVE_WORDS = frozenset(
    {
        "disease", "positive", "abnormal", "malignant", "cancer", "tumour", "tumor", "died", "death",
        "dead", "patient", "hepatitis", "fibrosis", "cirrhosis", "infection", "sepsis", "present",
    }
)  # fmt: skip


def rarest_class(counts: dict[str, int]) -> str:
    """The class with the fewest rows (ties: the later name, so '1' beats '0')."""
    return min(sorted(counts, reverse=True), key=lambda k: counts[k])


def _core(text: str) -> str:
    """A label value without a leading short code: "0=Blood Donor" -> "blood donor"."""
    return re.sub(r"^\s*[0-9a-z]{0,3}\s*=\s*", "", text)


def _in(text: str, values: frozenset[str], binary: bool) -> bool:
    """Whole-value match; one-letter values (n, f, b, y, t, m) count only in a two-class label, since
    in a multi-class label letters are codes (a thyroid export's 'F' is a hypothyroid diagnosis)."""
    return text in values and (binary or len(text) > 1 or text in "01-+.")


def reads_negative(value: str, binary: bool = True) -> bool:
    """True when a label value reads as "no disease" (no, 0, normal, healthy, not..., blood donor)."""
    text = str(value).strip().casefold()
    core = _core(text)
    if _in(text, NEGATIVE_VALUES, binary) or _in(core, NEGATIVE_VALUES, binary):
        return True
    words = [w for w in re.split(r"[^a-z0-9]+", core) if w]
    if "abnormal" in words:
        return False
    return any(w in NEGATIVE_WORDS for w in words) or core.startswith(NEGATING_PREFIXES)


def reads_positive(value: str, binary: bool = True) -> bool:
    """True when a label value reads as disease (yes, 1, true, positive, present, abnormal, a disease)."""
    text = str(value).strip().casefold()
    if reads_negative(text, binary):
        return False
    core = _core(text)
    words = re.split(r"[^a-z0-9]+", core)
    return (
        _in(text, POSITIVE_VALUES, binary)
        or _in(core, POSITIVE_VALUES, binary)
        or any(w in POSITIVE_WORDS for w in words)
    )


def quote_values(values: list[str], limit: int = 4) -> str:
    """Up to ``limit`` values in quotes, then how many more ("'a', 'b' and 3 more")."""
    shown = ", ".join(f"'{v}'" for v in values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def guess_positive(counts: dict[str, int]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(positive label values, reasons) for cleaned label values and their row counts.

    Values that read as healthy make every other value positive; else values that read as disease
    are positive; else the rarest class. A positive class that is the majority is said so.
    """
    classes = list(counts)
    if len(classes) < 2:
        raise DataError("The label has only one class; a classifier needs at least two.")
    binary = len(classes) == 2
    negative = [c for c in classes if reads_negative(c, binary)]
    positive_looking = [c for c in classes if reads_positive(c, binary)]
    if negative and len(negative) < len(classes):
        positive = [c for c in classes if c not in negative]
        reasons = [
            f"{quote_values(negative)} {'reads' if len(negative) == 1 else 'read'} as no disease "
            f"(no / 0 / negative / normal / none / healthy / not ...), so "
            f"{quote_values(positive)} {'is' if len(positive) == 1 else 'are'} the positive class."
        ]
    elif positive_looking and len(positive_looking) < len(classes):
        positive = positive_looking
        reasons = [
            f"{quote_values(positive)} {'reads' if len(positive) == 1 else 'read'} as disease "
            "(yes / 1 / true / positive / present / abnormal / a disease), so "
            f"{'it is' if len(positive) == 1 else 'they are'} the positive class."
        ]
    else:
        positive = [rarest_class(counts)]
        reasons = [
            f"The label values do not say which one is the disease, so the rarest class '{positive[0]}' "
            "was taken as positive. Check it and choose the disease class if it is another."
        ]
    n_pos, total = sum(counts[c] for c in positive), sum(counts.values())
    if 2 * n_pos > total:
        reasons.append(
            f"The positive class is the majority here ({n_pos:,} of {total:,} rows): the disease is "
            "common in this cohort, so it was not replaced by the rarer class."
        )
    return tuple(positive), tuple(reasons)


__all__ = [
    "NEGATIVE_VALUES",
    "NEGATIVE_WORDS",
    "POSITIVE_VALUES",
    "POSITIVE_WORDS",
    "guess_positive",
    "quote_values",
    "rarest_class",
    "reads_negative",
    "reads_positive",
]
