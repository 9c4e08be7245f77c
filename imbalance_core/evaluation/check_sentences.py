"""Plain sentences under the figures and tables of the Check the model page, from the current numbers.

Why a module of its own: a clinician reads the sentence, not the forest plot; the sentence must say what
the figure shows at the model's current threshold, in counts ("misses 3 of 12"), and say why a number
cannot be estimated instead of showing ``nan``. Pure functions of plain values (counts, scores, names),
so each is tested against a hand count and the page only places them (:mod:`pages.decision_view`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from imbalance_core.evaluation.formatting import percent
from imbalance_core.evaluation.subgroups import METRIC_NAMES, SubgroupRow

__all__ = [
    "flips_sentence",
    "importance_sentence",
    "subgroup_plot_sentence",
    "subgroup_sentence",
    "threshold_line",
    "whatif_features_sentence",
    "whatif_result_sentence",
]

#: Why a proportion has no value in a group (its denominator is empty), by metric.
_EMPTY = {
    "prevalence": "no patient in it",
    "sensitivity": "no patient with the disease in it",
    "specificity": "no patient without the disease in it",
    "ppv": "nobody in it is flagged",
    "npv": "nobody in it is left unflagged",
}
#: A drop in the score smaller than this counts as none (permutation importance).
NEGLIGIBLE_DROP = 0.001
#: Changed features named one by one in the what-if sentence; more are counted.
NAMED_CHANGES = 3


def _t(threshold: float) -> str:
    return f"{threshold:.4g}"


def _pct(x: float) -> str:
    return percent(x, 0)


def _names(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _groups(names: Sequence[str]) -> str:
    """'group a' or 'groups a and b' (group names such as 'f' or '40-49' read oddly alone)."""
    return ("group " if len(names) == 1 else "groups ") + _names(names)


def threshold_line(value: float, origin: str, is_default: bool) -> str:
    """The page's first line: the one threshold every number below is judged at, and where it came from."""
    origin = origin.removeprefix("default: ")
    if is_default:
        return (
            f"Judged at threshold {_t(value)}, the model's default ({origin}) until you move it on the "
            "Threshold page; every number below follows it."
        )
    return f"Judged at threshold {_t(value)}, the one chosen on the Threshold page ({origin})."


def subgroup_sentence(rows: Sequence[SubgroupRow], threshold: float, overall_tp: int, overall_fn: int) -> str:
    """Under the subgroup table: the group whose patients with the disease are missed most often.

    "At 0.046, the model misses 3 of 12 patients with the disease in Age 80+ (sensitivity 75 %),
    against 82 % overall." Groups without a patient with the disease are named as not estimable.
    """
    at = f"At {_t(threshold)}"
    if not rows:
        return f"{at}, no group holds a hold-out patient."
    judged = [r for r in rows if r.tp + r.fn > 0]
    empty = [r.group for r in rows if r.tp + r.fn == 0]
    tail = (
        f" Sensitivity can't be estimated in {_groups(empty)}: no patient with the disease there."
        if empty
        else ""
    )
    if not judged:
        return f"{at}, sensitivity can't be estimated in any group: none holds a patient with the disease."
    total = overall_tp + overall_fn
    overall = f", against {_pct(overall_tp / total)} overall" if total else ""
    worst = min(judged, key=lambda r: (r.tp / (r.tp + r.fn), -(r.tp + r.fn)))
    if worst.fn == 0:
        events = sum(r.tp + r.fn for r in judged)
        return f"{at}, the model misses none of the {events} patients with the disease in any group." + tail
    events = worst.tp + worst.fn
    sens = worst.tp / events
    return (
        f"{at}, the model misses {worst.fn} of {events} patients with the disease in group {worst.group} "
        f"(sensitivity {_pct(sens)}){overall}; that is the lowest of the {len(judged)} groups." + tail
    )


def subgroup_auc_sentence(rows: Sequence[SubgroupRow]) -> str:
    """Under the threshold-free subgroup table: where the model ranks patients best and worst.

    "ROC AUC (any threshold) ranges from 0.69 in group f to 0.91 in group m." Groups whose AUC cannot be
    computed (one class only) are named as such.
    """
    known = [r for r in rows if math.isfinite(r.roc_auc[0])]
    missing = [r.group for r in rows if not math.isfinite(r.roc_auc[0])]
    tail = f" It can't be computed in {_groups(missing)}: both classes are needed." if missing else ""
    if not known:
        return (
            "ROC AUC can't be computed in any group: each needs patients with and without the disease." + tail
        )
    low = min(known, key=lambda r: r.roc_auc[0])
    high = max(known, key=lambda r: r.roc_auc[0])
    if low is high:
        return f"ROC AUC (any threshold) is {low.roc_auc[0]:.2f} in group {low.group}." + tail
    return (
        f"ROC AUC (any threshold) ranges from {low.roc_auc[0]:.2f} in group {low.group} to "
        f"{high.roc_auc[0]:.2f} in group {high.group}." + tail
    )


def subgroup_plot_sentence(rows: Sequence[SubgroupRow], metric: str, threshold: float) -> str:
    """Under the forest plot of one metric: its lowest and highest group and whether they differ."""
    name = METRIC_NAMES.get(metric, metric)
    name = name if name.isupper() else name.lower()  # "PPV" stays, "Sensitivity" reads "sensitivity"
    at = f"At {_t(threshold)}"
    known = [r for r in rows if r.proportions[metric].total > 0]
    missing = [r.group for r in rows if r.proportions[metric].total == 0]
    tail = f" It can't be estimated in {_groups(missing)}: {_EMPTY[metric]}." if missing else ""
    if not known:
        return f"{at}, {name} can't be estimated in any group: {_EMPTY[metric]}."

    def show(r: SubgroupRow) -> str:
        p = r.proportions[metric]
        return f"{_pct(p.value)} in group {r.group} ({p.count} of {p.total})"

    if len(known) == 1:
        return f"{at}, {name} is {show(known[0])}, the only group where it can be estimated." + tail
    low = min(known, key=lambda r: r.proportions[metric].value)
    high = max(known, key=lambda r: r.proportions[metric].value)
    if low.proportions[metric].value == high.proportions[metric].value:
        return f"{at}, {name} is {_pct(low.proportions[metric].value)} in every group." + tail
    apart = low.proportions[metric].hi < high.proportions[metric].lo
    verdict = (
        "their 95 % intervals do not overlap."
        if apart
        else "their 95 % intervals overlap, so the difference may be chance."
    )
    return f"{at}, {name} ranges from {show(low)} to {show(high)}; {verdict}" + tail


def importance_sentence(
    features: Sequence[str], drops: Sequence[float], scoring_name: str, baseline: float, loss: bool = False
) -> str:
    """Under the importance chart: the feature whose shuffling worsens the score most, and by how much.

    ``drops``: how much worse the score gets when each feature is shuffled (positive = worse);
    ``baseline``: the score on the hold-out as it is, in its own units; ``loss``: lower is better (a
    log-loss rises when shuffling hurts, PR AUC falls).
    """
    verb = "raises" if loss else "lowers"
    pairs = [(f, float(d)) for f, d in zip(features, drops, strict=True) if math.isfinite(float(d))]
    if not pairs:
        return (
            f"Importance can't be estimated: {scoring_name} could not be computed on the shuffled hold-out "
            "patients (for example, none of them has the disease)."
        )
    pairs.sort(key=lambda p: -p[1])
    base = f" (from {baseline:.3f})" if math.isfinite(baseline) else ""
    top, drop = pairs[0]
    if drop < NEGLIGIBLE_DROP:
        return (
            f"Shuffling any one feature {verb} {scoring_name} by less than {NEGLIGIBLE_DROP}{base}: "
            "the model leans on no single feature, or correlated features stand in for each other."
        )
    text = f"Shuffling {top} {verb} {scoring_name} the most: by {drop:.3f}{base}."
    runners = [f"{f} ({d:.3f})" for f, d in pairs[1:3] if d >= NEGLIGIBLE_DROP]
    if runners:
        text += f" Next: {_names(runners)}."
    idle = sum(1 for _, d in pairs if d < NEGLIGIBLE_DROP)
    if idle:
        text += (
            f" Shuffling {idle} of {len(pairs)} features {verb} it by less than {NEGLIGIBLE_DROP}, "
            "or not at all."
        )
    return text


def whatif_features_sentence(
    total: int, top: int, extra: int, by_importance: bool, scoring_name: str = ""
) -> str:
    """Which features the what-if offers and how to reach the others.

    ``total`` features in the data, the first ``top`` shown, ``extra`` more chosen in the search box;
    ``by_importance``: the order is the permutation importance (by ``scoring_name``), else the data's.
    """
    order = (
        f"the most important first (by the drop in {scoring_name} when shuffled)"
        if by_importance
        else "in the data's order (compute the importance above to put the most important first)"
    )
    if total <= top:
        return f"All {total} features can be edited, {order}."
    shown = (
        f"the {top} most important of {total} features"
        if by_importance
        else f"the first {top} of {total} features in the data's order"
    )
    text = f"Showing {shown}; type a name in 'More features to edit' to reach any of the other {total - top}."
    if not by_importance:
        text += " Compute the importance above to put the most important first."
    if extra:
        text += f" {extra} more chosen there."
    return text


def whatif_result_sentence(
    before: float,
    after: float,
    threshold: float,
    changes: Sequence[tuple[str, str, str]],
    positive_name: str,
    negative_name: str,
) -> str:
    """The what-if's result: score and decision before and after the edits, at the current threshold.

    ``changes``: (feature, recorded value, edited value) of every edited feature, as text.
    """
    t = _t(threshold)

    def call(score: float) -> str:
        return "positive" if score >= threshold else "negative"

    def named(score: float) -> str:
        return positive_name if score >= threshold else negative_name

    if not math.isfinite(before):
        return "This patient's recorded values give no score; the what-if can't judge them."
    if not changes:
        side = "at or above" if before >= threshold else "below"
        return (
            f"As recorded, the score is {before:.3f}, {side} the threshold {t}: called {call(before)} "
            f"('{named(before)}'). Edit a value to see the score and the decision move."
        )
    shown = [f"{f} from {old} to {new}" for f, old, new in changes[:NAMED_CHANGES]]
    more = len(changes) - NAMED_CHANGES
    if more > 0:
        shown.append(f"{more} more feature{'s' if more > 1 else ''}")
    what = _names(shown)
    if not math.isfinite(after):
        return f"With {what}, the model gives no score: change a value back."
    moved = f"With {what}, the score moves from {before:.3f} to {after:.3f}"
    if call(before) != call(after):
        return (
            f"{moved}: the decision turns from {call(before)} to {call(after)} ('{named(after)}') "
            f"at the threshold {t}."
        )
    return f"{moved}; the decision stays {call(after)} ('{named(after)}') at the threshold {t}."


def flips_sentence(flipping: Sequence[str], judged: int, threshold: float) -> str:
    """Under the nearest-flips table: how many of the edited features can flip the decision alone.

    ``flipping``: the features with a single change (within their observed range) that crosses the
    threshold; ``judged``: how many features were tried.
    """
    t = _t(threshold)
    if judged == 0:
        return "No feature is shown, so no change was tried."
    if not flipping:
        return (
            f"None of the {judged} features shown can move this patient across {t} on its own within "
            "the range seen in the data; the decision is robust to any single change."
        )
    names = list(flipping)[:NAMED_CHANGES]
    if len(flipping) > NAMED_CHANGES:
        names.append(f"{len(flipping) - NAMED_CHANGES} more")
    return (
        f"{len(flipping)} of the {judged} features shown can move this patient across {t} on its own "
        f"({_names(names)}); the table gives the nearest such value of each."
    )
