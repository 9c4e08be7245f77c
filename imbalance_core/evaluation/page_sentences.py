"""One plain sentence under each figure and table of the Train, Compare, Explore and Data pages.

A clinician reads the sentence, not the chart: each function turns the numbers a page already shows into
words ("At 0.046, the model finds 29 of 40 patients with the disease and flags 60 of 860 without it").
The inputs are plain numbers and mappings (the pages pass what they draw), so the functions are pure and
tested on their own. A number that cannot be estimated is said in words ("not estimable"), never ``nan``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from imbalance_core.evaluation.formatting import NOT_ESTIMABLE, decimal_text, is_number, percent, share_text


def _range(values: Sequence[int]) -> str:
    """'31-32' for differing values, '640' when they are all the same."""
    lo, hi = min(values), max(values)
    return f"{lo:,}" if lo == hi else f"{lo:,}-{hi:,}"


def _patients(n: int) -> str:
    return f"{n:,} patient" + ("" if n == 1 else "s")


# --------------------------------------------------------------------------- Train page


def fold_counts_sentence(
    folds_before: Sequence[Mapping[str, int]],
    folds_after: Sequence[Mapping[str, int] | None],
    class_names: Sequence[str],
    sampler_name: str,
    resamples: bool,
) -> str:
    """'Each of the 5 training folds has 31-32 patients with the disease before SMOTE and 640 after; the
    validation folds are never resampled.' (multi-class: the rarest class, named).

    folds_before / folds_after: per CV fold, class name -> training rows before / after resampling
    (after: None when not recorded). resamples: whether the sampler changes anything (not "none").
    """
    if not folds_before:
        return "No cross-validation folds were recorded for this model."
    k = len(folds_before)
    if len(class_names) == 2:
        name, who = class_names[1], "patients with the disease"
        other, other_who = class_names[0], "without"
    else:
        totals = {c: sum(f[c] for f in folds_before) for c in class_names}
        name = min(class_names, key=lambda c: totals[c])
        who, other, other_who = f"patients of the rarest class ({name})", None, ""
    before = _range([f[name] for f in folds_before])
    start = f"Each of the {k} training folds has {before} {who}"
    if other is not None:
        start += f" and {_range([f[other] for f in folds_before])} {other_who}"
    afters = [f for f in folds_after if f is not None]
    if not resamples:
        return start + "; nothing is resampled, and the validation folds are judged as they are."
    if len(afters) != k:
        return start + f" before {sampler_name}; the validation folds are never resampled."
    after = _range([f[name] for f in afters])
    text = start + f" before {sampler_name}, and {after} {who} after"
    if other is not None:
        text += f" ({_range([f[other] for f in afters])} without)"
    return text + "; the validation folds are never resampled."


def holdout_counts_sentence(holdout: Mapping[str, int], class_names: Sequence[str]) -> str:
    """'The hold-out keeps 38 patients with the disease and 640 without, never resampled.'"""
    n = sum(holdout.values())
    if len(class_names) == 2:
        pos, neg = holdout[class_names[1]], holdout[class_names[0]]
        return (
            f"The hold-out keeps {pos:,} patients with the disease and {neg:,} without ({n:,} in all); "
            "it is never resampled and is scored once, by the final model."
        )
    parts = ", ".join(f"{holdout[c]:,} {c}" for c in class_names)
    return f"The hold-out keeps {n:,} patients ({parts}); it is never resampled."


def resampling_counts_sentence(
    class_names: Sequence[str], before: Mapping[str, int], after: Mapping[str, int], sampler_name: str
) -> str:
    """'The training part has 45 patients with the disease and 380 without; after SMOTE it has 380 and
    380.' (multi-class: every class listed)."""
    if len(class_names) == 2:
        pos, neg = class_names[1], class_names[0]
        text = f"The training part has {before[pos]:,} patients with the disease and {before[neg]:,} without"
        if dict(before) == dict(after):
            return text + "; the final fit uses them as they are."
        return text + f"; after {sampler_name} the final fit sees {after[pos]:,} and {after[neg]:,}."
    parts = ", ".join(f"{c} {before[c]:,} → {after[c]:,}" for c in class_names)
    return f"Training rows per class before → after {sampler_name}: {parts}."


def cv_summary_sentence(
    means: Mapping[str, float | None], folds: int, threshold_text: str = "the model's threshold"
) -> str:
    """'Over 5 folds, ROC AUC averaged 0.832 and PR AUC 0.412; at the model's threshold, sensitivity
    averaged 0.800 and specificity 0.700.' Keys: roc_auc, pr_auc, sensitivity, specificity (any missing
    key is left out)."""
    text = f"Over {folds} folds"
    names = {"roc_auc": "ROC AUC", "pr_auc": "PR AUC"}
    free = [(name, means[key]) for key, name in names.items() if key in means]
    at = [(key, means[key]) for key in ("sensitivity", "specificity") if key in means]
    if free:
        text += ", " + _listed(free)
    if at:
        text += f"; at {threshold_text}, " + _listed(at)
    return text + "."


def _listed(pairs: Sequence[tuple[str, float | None]]) -> str:
    """'ROC AUC averaged 0.832 and PR AUC 0.412'."""
    words = [f"{name} {decimal_text(value, 3)}" for name, value in pairs]
    words[0] = f"{pairs[0][0]} averaged {decimal_text(pairs[0][1], 3)}"
    return " and ".join(words)


def holdout_sentence(tp: int, fn: int, fp: int, tn: int, threshold: float) -> str:
    """'At 0.046, of the 200 hold-out patients the model finds 29 of 40 with the disease (misses 11) and
    flags 60 of 160 without it.'"""
    pos, neg, at = tp + fn, fp + tn, decimal_text(threshold, 4)
    return (
        f"At {at}, of the {tp + fn + fp + tn:,} hold-out patients the model finds {tp:,} of "
        f"{pos:,} with the disease (misses {fn:,}) and flags {fp:,} of {neg:,} without it."
    )


# --------------------------------------------------------------------------- Compare page


def compare_best_sentence(
    label: str, pr_auc: float | None, fn: int | None, positives: int | None, threshold_is_own: bool = True
) -> str:
    """'Best PR AUC: SMOTE + Logistic regression, 0.410; it misses 6 of 40 patients with the disease at its
    threshold.' (fn / positives None: multi-class or not counted -> the second part is left out)."""
    text = f"Best cross-validated PR AUC: {label}, {decimal_text(pr_auc, 3)}"
    if fn is None or positives is None:
        return text + "."
    where = "at its own threshold" if threshold_is_own else "at the threshold set for every model"
    return text + f"; on the hold-out it misses {fn:,} of {_patients(positives)} with the disease {where}."


def leaderboard_chart_sentence(n_pairs: int, best_label: str, metric_name: str) -> str:
    """'Each dot is a combination's mean over the folds and its bar one sd; 4 combinations, ranked by
    Sensitivity with F1, SMOTE + Logistic regression first.'"""
    if n_pairs == 0:
        return "No combination could be trained, so nothing is drawn."
    return (
        f"Each dot is a combination's mean over the folds, its bar one standard deviation; {n_pairs} "
        f"combination{'s' if n_pairs != 1 else ''} ranked by {metric_name}, {best_label} on top."
    )


# --------------------------------------------------------------------------- Explore page


def projection_sentence(real: int, removed: int, synthetic: int, after: int, sampler_name: str) -> str:
    """'Left: the 425 real training rows. Right: after SMOTE, 760 rows — 335 synthetic, none removed.'"""
    if synthetic == 0 and removed == 0:
        return (
            f"Left: the {real:,} real training rows. Right: after {sampler_name}, the same {after:,} rows — "
            "nothing added or removed."
        )
    added = f"{synthetic:,} synthetic" if synthetic else "none synthetic"
    gone = f"{removed:,} removed (crosses)" if removed else "none removed"
    return (
        f"Left: the {real:,} real training rows. Right: after {sampler_name}, {after:,} rows — {added}, "
        f"{gone}. Synthetic rows far from real patients of their class deserve a second look."
    )


def loadings_sentence(explained: Sequence[float]) -> str:
    """'The 2 components shown explain 45.2 % of the variation (PC1 30.1 %).'"""
    values = [float(v) for v in explained if is_number(v)]
    if not values:
        return "The share of variation the components explain could not be computed."
    return (
        f"The {len(values)} component{'s' if len(values) != 1 else ''} shown explain "
        f"{percent(sum(values))} of the variation in the standardised features (PC1 {percent(values[0])}); "
        "the rest is not on the map."
    )


# --------------------------------------------------------------------------- Data page


def class_balance_sentence(counts: Mapping[str, int], positive: str | None) -> str:
    """'45 of 608 patients (7.4 %) have the disease (Hepatitis): 1 in 14.' (multi-class: smallest class)."""
    total = sum(counts.values())
    if total == 0 or not counts:
        return "No patients are counted yet."
    name = positive if positive in counts else min(counts, key=lambda c: counts[c])
    n = counts[name]
    if n == 0:
        return f"No patient is in class {name}."
    one_in = total / n
    who = "have the disease" if positive in counts else "are in the smallest class"
    return f"{n:,} of {total:,} patients ({percent(n / total)}) {who} ({name}): about 1 in {one_in:,.0f}."


def quality_sentence(missing: Mapping[str, int], rows: int) -> str:
    """'3 of 12 columns have missing values; most in ALP (18 of 615 rows).'"""
    with_missing = {c: n for c, n in missing.items() if n}
    if not missing:
        return "No columns to check."
    if not with_missing:
        return f"None of the {len(missing)} columns has a missing value."
    worst = max(with_missing, key=lambda c: with_missing[c])
    return (
        f"{len(with_missing)} of {len(missing)} columns have missing values; most in {worst} "
        f"({with_missing[worst]:,} of {rows:,} rows). Missing values are filled inside training (median or "
        "most frequent), on the training rows only."
    )


# --------------------------------------------------------------------------- internal validation


def validation_measures_sentence(
    name: str, apparent: float | None, corrected: float | None, bootstrap: bool
) -> str:
    """'Corrected for optimism, ROC AUC is 0.812 instead of the apparent 0.845: expect about that on new
    patients like these.'"""
    word = "Corrected for optimism" if bootstrap else "Validated on rows each model never saw"
    if not is_number(corrected):
        return f"{word}, {name} is {NOT_ESTIMABLE} here."
    now, before = decimal_text(corrected, 3), decimal_text(apparent, 3)
    return (
        f"{word}, {name} is {now} instead of the apparent {before}: expect about that on "
        "new patients like these."
    )


def instability_sentence(mape: float | None, flip_share: float | None) -> str:
    """'On average a patient's risk moves by 0.031 between models trained on other samples; 4.2 % of
    decisions flip.'"""
    flips = share_text(flip_share)
    return (
        f"Each dot is one patient's risk under one bootstrap model against the final model's; on average a "
        f"risk moves by {decimal_text(mape, 3)}, and {flips} of decisions flip at the threshold."
    )
