"""Rule-out / rule-in with two cut-offs, and an indeterminate zone between them for further testing.

Zones (scikit-learn's convention, as everywhere in the app: a score *at or above* a cut-off is above it):

- **rule out**: ``score < t_low`` — told "no disease"; its positives are the *missed cases*;
- **indeterminate**: ``t_low <= score < t_high`` — sent for further testing;
- **rule in**: ``score >= t_high`` — told "disease"; its negatives are the *false alarms*.

``t_low == t_high`` leaves no indeterminate zone: rule-out is the single cut-off's "test negative" row
(its NPV) and rule-in its "test positive" row (its PPV).

Per zone: positives, negatives, share of patients; NPV of rule-out and PPV of rule-in with 95 % Wilson
intervals (:func:`imbalance_core.evaluation.intervals.wilson`); both also at a deployment prevalence by
Bayes' rule from the zone's share of positives and of negatives (the same algebra and interval as the
single-threshold explorer, :func:`imbalance_core.evaluation.intervals.deployment_interval`, applied to the
2x2 table at ``t_low`` for rule-out and at ``t_high`` for rule-in); and natural frequencies per 1,000
patients at that prevalence.

Because rule-out at ``t_low`` is exactly the "test negative" row of the 2x2 table at ``t_low`` and
rule-in at ``t_high`` the "test positive" row at ``t_high``, the live explorer needs no new table: two
lookups in the same stop table (:func:`zone_stop_columns` adds the few per-stop columns it shows).

Pickers (on the out-of-fold training scores, never the hold-out, like the single-threshold pickers):

- :func:`pick_rule_out`: the **highest** ``t_low`` whose rule-out NPV is still >= the target — the
  rule-out zone as large as possible while NPV >= target (NPV need not fall monotonically as ``t_low``
  rises, so every candidate is checked, not only the first crossing);
- :func:`pick_rule_in`: the **lowest** ``t_high`` whose rule-in PPV is >= the target — the rule-in zone
  as large as possible while PPV >= target.

:func:`pick_rule` runs both; if the two zones would overlap (``t_low > t_high``, targets too lax for
these scores), ``t_low`` is lowered to ``t_high`` and the reason says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from imbalance_core.errors import DataError
from imbalance_core.evaluation import thresholds as th
from imbalance_core.evaluation.formatting import percent
from imbalance_core.evaluation.intervals import Interval, deployment_interval, wilson

ZONE_NAMES = ("rule_out", "indeterminate", "rule_in")
ZONE_TITLES = {
    "rule_out": "Rule out",
    "indeterminate": "Indeterminate — further testing",
    "rule_in": "Rule in",
}
#: Default targets of the pickers (the page lets the person change them).
DEFAULT_NPV_TARGET = 0.98
DEFAULT_PPV_TARGET = 0.50
#: How the zones' predictive values get their 95 % intervals (``Interval.method``).
WILSON = "wilson"
BAYES = "Bayes at the prevalence from Bonferroni 97.5 % Wilson bounds of the zone shares"


def check_rule(t_low: Any, t_high: Any) -> tuple[float, float]:
    """Both cut-offs as floats, or a DataError naming the problem (finite, in [0, 1], low <= high)."""
    out = []
    for name, v in (("rule-out cut-off", t_low), ("rule-in cut-off", t_high)):
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise DataError(f"The {name} must be a number between 0 and 1.") from None
        if not math.isfinite(f) or not 0.0 <= f <= 1.0:
            raise DataError(f"The {name} must be a number between 0 and 1.")
        out.append(f)
    if out[0] > out[1]:
        raise DataError(
            "The rule-out cut-off must not be above the rule-in cut-off; patients between them are "
            "the indeterminate zone."
        )
    return out[0], out[1]


@dataclass(frozen=True)
class Zone:
    """One zone's patients: ``n_pos`` with and ``n_neg`` without the condition, and its share of all."""

    name: str
    n_pos: int
    n_neg: int
    share: float
    per1000: float  # patients per 1,000 at the deployment prevalence

    @property
    def n(self) -> int:
        return self.n_pos + self.n_neg


@dataclass(frozen=True)
class RuleZones:
    """The three zones of a two-cut-off rule on one sample, with NPV/PPV and natural frequencies.

    ``npv`` / ``ppv``: in this sample (Wilson); ``npv_deploy`` / ``ppv_deploy``: at ``prevalence`` (Bayes;
    interval from Bonferroni 97.5 % Wilson bounds of the zone shares). ``missed_per1000``: people with the
    condition ruled out per 1,000 patients at ``prevalence``; ``false_alarms_per1000``: people without
    it ruled in.
    """

    t_low: float
    t_high: float
    n: int
    n_pos: int
    n_neg: int
    prevalence: float
    rule_out: Zone
    indeterminate: Zone
    rule_in: Zone
    npv: Interval
    ppv: Interval
    npv_deploy: Interval
    ppv_deploy: Interval
    missed_per1000: float
    false_alarms_per1000: float

    @property
    def zones(self) -> tuple[Zone, Zone, Zone]:
        return (self.rule_out, self.indeterminate, self.rule_in)

    @property
    def missed(self) -> int:
        """Positives in the rule-out zone (missed cases)."""
        return self.rule_out.n_pos

    @property
    def false_alarms(self) -> int:
        """Negatives in the rule-in zone."""
        return self.rule_in.n_neg

    def sentences(self) -> list[str]:
        """Plain-text lines for the report and the CLI."""
        p = self.prevalence
        return [
            f"Rule: score below {self.t_low:.4g} rules out, score at or above {self.t_high:.4g} rules in, "
            "in between is indeterminate (further testing).",
            f"Rule out: {self.rule_out.n:,} patients ({percent(self.rule_out.share)}), {self.missed} missed "
            f"{'case' if self.missed == 1 else 'cases'}; NPV {_f(self.npv)}.",
            f"Indeterminate: {self.indeterminate.n:,} patients ({percent(self.indeterminate.share)}), "
            f"{self.indeterminate.n_pos} with the condition.",
            f"Rule in: {self.rule_in.n:,} patients ({percent(self.rule_in.share)}), "
            f"{self.false_alarms} false "
            f"{'alarm' if self.false_alarms == 1 else 'alarms'}; PPV {_f(self.ppv)}.",
            f"At {percent(p)} prevalence, of 1,000 patients: {self.rule_out.per1000:.0f} ruled out "
            f"({self.missed_per1000:.1f} missed cases, NPV {_f(self.npv_deploy)}), "
            f"{self.indeterminate.per1000:.0f} indeterminate, {self.rule_in.per1000:.0f} ruled in "
            f"({self.false_alarms_per1000:.1f} false alarms, PPV {_f(self.ppv_deploy)}).",
        ]

    def to_json(self) -> dict[str, Any]:
        """JSON-able dict (NaN -> None); key names documented in ``docs/THRESHOLDS.md``."""
        zones = {
            z.name: {
                "n": z.n,
                "n_pos": z.n_pos,
                "n_neg": z.n_neg,
                "share": _n(z.share),
                "per1000": _n(z.per1000),
            }
            for z in self.zones
        }
        zones["rule_out"]["missed"] = self.missed
        zones["rule_out"]["missed_per1000"] = _n(self.missed_per1000)
        zones["rule_in"]["false_alarms"] = self.false_alarms
        zones["rule_in"]["false_alarms_per1000"] = _n(self.false_alarms_per1000)
        for key, zone in (
            ("npv", "rule_out"),
            ("npv_deploy", "rule_out"),
            ("ppv", "rule_in"),
            ("ppv_deploy", "rule_in"),
        ):
            r = getattr(self, key)
            zones[zone][key] = {"value": _n(r.value), "lo": _n(r.lo), "hi": _n(r.hi)}
        return {
            "rule_out_below": _n(self.t_low, 17),
            "rule_in_at_or_above": _n(self.t_high, 17),
            "n": self.n,
            "n_pos": self.n_pos,
            "n_neg": self.n_neg,
            "prevalence": _n(self.prevalence),
            "zones": zones,
        }


def _n(x: float, digits: int = 6) -> float | None:
    return float(f"{x:.{digits}g}") if math.isfinite(x) else None


def _f(r: Interval) -> str:
    if not math.isfinite(r.value):
        return "n/a (empty zone)"
    return f"{r.value:.3f} (95 % CI {r.lo:.3f}–{r.hi:.3f})"


def _bayes(a: float, b: float, p: float) -> float:
    """a·p / (a·p + b·(1 − p)), NaN when both terms are 0."""
    den = a * p + b * (1 - p)
    return a * p / den if den > 0 else math.nan


def zones_from_curve(
    curve: th.ScoreCurve, t_low: float, t_high: float, prevalence: float | None = None
) -> RuleZones:
    """The three zones from a sorted score curve (two binary searches), at ``prevalence`` (default: own)."""
    th._check_prevalence(prevalence)
    t_low, t_high = float(t_low), float(t_high)
    if not t_low <= t_high:
        raise DataError("The rule-out cut-off must not be above the rule-in cut-off.")
    c = th.counts_at(curve, [t_low, t_high])
    p = curve.prevalence if prevalence is None else float(prevalence)
    n_pos, n_neg, n = curve.n_pos, curve.n_neg, curve.n
    out_pos, out_neg = int(c.fn[0]), int(c.tn[0])  # below t_low
    in_pos, in_neg = int(c.tp[1]), int(c.fp[1])  # at or above t_high
    mid_pos, mid_neg = n_pos - out_pos - in_pos, n_neg - out_neg - in_neg
    # Shares of each class in each zone (do not depend on the sample's class mix).
    frac = lambda k, m: k / m if m else math.nan  # noqa: E731
    out_a, out_b = frac(out_pos, n_pos), frac(out_neg, n_neg)
    in_a, in_b = frac(in_pos, n_pos), frac(in_neg, n_neg)
    per = lambda a, b: 1000 * (a * p + b * (1 - p))  # noqa: E731
    npv_lo, npv_hi = wilson(out_neg, out_pos + out_neg)
    ppv_lo, ppv_hi = wilson(in_pos, in_pos + in_neg)
    dep_out = deployment_interval(c.tp[:1], c.fp[:1], c.tn[:1], c.fn[:1], p)
    dep_in = deployment_interval(c.tp[1:], c.fp[1:], c.tn[1:], c.fn[1:], p)
    empty_out, empty_in = out_pos + out_neg == 0, in_pos + in_neg == 0
    nan = math.nan
    return RuleZones(
        t_low=t_low,
        t_high=t_high,
        n=n,
        n_pos=n_pos,
        n_neg=n_neg,
        prevalence=p,
        rule_out=Zone("rule_out", out_pos, out_neg, (out_pos + out_neg) / n, per(out_a, out_b)),
        indeterminate=Zone(
            "indeterminate",
            mid_pos,
            mid_neg,
            (mid_pos + mid_neg) / n,
            per(1 - out_a - in_a, 1 - out_b - in_b),
        ),
        rule_in=Zone("rule_in", in_pos, in_neg, (in_pos + in_neg) / n, per(in_a, in_b)),
        npv=Interval(frac(out_neg, out_pos + out_neg), float(npv_lo), float(npv_hi), WILSON),
        ppv=Interval(frac(in_pos, in_pos + in_neg), float(ppv_lo), float(ppv_hi), WILSON),
        npv_deploy=Interval(
            nan if empty_out else 1 - _bayes(out_a, out_b, p),
            nan if empty_out else float(dep_out["npv_deploy_lo"][0]),
            nan if empty_out else float(dep_out["npv_deploy_hi"][0]),
            BAYES,
        ),
        ppv_deploy=Interval(
            nan if empty_in else _bayes(in_a, in_b, p),
            nan if empty_in else float(dep_in["ppv_deploy_lo"][0]),
            nan if empty_in else float(dep_in["ppv_deploy_hi"][0]),
            BAYES,
        ),
        missed_per1000=1000 * out_a * p,
        false_alarms_per1000=1000 * in_b * (1 - p),
    )


def rule_zones(
    y_true: Any, scores: Any, t_low: float, t_high: float, prevalence: float | None = None
) -> RuleZones:
    """:func:`zones_from_curve` straight from labels (1 = positive) and scores (sorted once)."""
    return zones_from_curve(th.score_curve(y_true, scores), t_low, t_high, prevalence)


# ---------------------------------------------------------------------------------------------------------
# Per-stop columns for the live explorer (two lookups in the stop table, no arithmetic in JS beyond
# "total minus the two outer zones" for the indeterminate zone)
# ---------------------------------------------------------------------------------------------------------


def zone_stop_columns(table: th.StopTable) -> dict[str, np.ndarray]:
    """Extra per-stop columns of the two-handle explorer, aligned with ``table``'s stops.

    At stop ``i`` used as ``t_low``: rule-out = the stop's test-negative row (``fn``, ``tn``, ``npv*``
    are already in the table) with ``share_below`` and ``per1000_below``; at stop ``j`` used as
    ``t_high``: rule-in = the test-positive row (``tp``, ``fp``, ``ppv*``) with ``share_at_or_above``,
    ``per1000_flagged`` (in the table) and ``per1000_false_alarms``.
    """
    c = table.columns
    n = float(table.n)
    flagged = (c["tp"] + c["fp"]).astype(float)
    return {
        "share_below": (n - flagged) / n,
        "share_at_or_above": flagged / n,
        "per1000_below": 1000.0 - c["per1000_flagged"],
        "per1000_false_alarms": c["per1000_flagged"] - c["per1000_true_pos"],
    }


# ---------------------------------------------------------------------------------------------------------
# Pickers (on out-of-fold training scores)
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RulePick:
    """A picked two-cut-off rule and a sentence saying how it was chosen."""

    t_low: float
    t_high: float
    npv_target: float
    ppv_target: float
    reason: str


def _check_target(target: float, what: str) -> float:
    t = float(target)
    if not (0.0 < t <= 1.0):
        raise DataError(f"The target {what} must be a share above 0 and at most 1, for example 0.98.")
    return t


def _npv_at(cand: th.OofCandidates, prevalence: float | None) -> np.ndarray:
    """NPV of the rule-out zone below each candidate (sample, or Bayes at ``prevalence``); NaN if empty."""
    fn = (cand.n_pos - cand.tp).astype(float)
    tn = (cand.n_neg - cand.fp).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if prevalence is None:
            return tn / (tn + fn)
        a, b = fn / cand.n_pos * prevalence, tn / cand.n_neg * (1 - prevalence)
        return b / (a + b)


def _ppv_at(cand: th.OofCandidates, prevalence: float | None) -> np.ndarray:
    """PPV of the rule-in zone at or above each candidate; NaN if empty."""
    tp, fp = cand.tp.astype(float), cand.fp.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if prevalence is None:
            return tp / (tp + fp)
        a, b = tp / cand.n_pos * prevalence, fp / cand.n_neg * (1 - prevalence)
        return a / (a + b)


def pick_rule_out(
    y_oof: Any, oof_scores: Any, npv_target: float = DEFAULT_NPV_TARGET, prevalence: float | None = None,
    *, candidates: th.OofCandidates | None = None,
) -> float:  # fmt: skip
    """The highest cut-off whose rule-out zone (scores below it) has NPV >= ``npv_target``.

    NPV in the cross-validated training sample, or at ``prevalence`` by Bayes when given. An empty
    rule-out zone has no NPV and is never chosen; a DataError says so when no cut-off reaches the target.
    """
    target = _check_target(npv_target, "NPV")
    th._check_prevalence(prevalence)
    cand = candidates if candidates is not None else th.oof_candidates(y_oof, oof_scores)
    ok = np.flatnonzero(_npv_at(cand, prevalence) >= target - 1e-12)
    if ok.size == 0:
        raise DataError(
            f"No cut-off reaches a rule-out NPV of {target:g} on the cross-validated training scores; "
            "lower the target NPV."
        )
    return float(cand.thresholds[ok[-1]])


def pick_rule_in(
    y_oof: Any, oof_scores: Any, ppv_target: float = DEFAULT_PPV_TARGET, prevalence: float | None = None,
    *, candidates: th.OofCandidates | None = None,
) -> float:  # fmt: skip
    """The lowest cut-off whose rule-in zone (scores at or above it) has PPV >= ``ppv_target``."""
    target = _check_target(ppv_target, "PPV")
    th._check_prevalence(prevalence)
    cand = candidates if candidates is not None else th.oof_candidates(y_oof, oof_scores)
    ok = np.flatnonzero(_ppv_at(cand, prevalence) >= target - 1e-12)
    if ok.size == 0:
        raise DataError(
            f"No cut-off reaches a rule-in PPV of {target:g} on the cross-validated training scores; "
            "lower the target PPV."
        )
    return float(cand.thresholds[ok[0]])


def pick_rule(
    y_oof: Any,
    oof_scores: Any,
    npv_target: float = DEFAULT_NPV_TARGET,
    ppv_target: float = DEFAULT_PPV_TARGET,
    prevalence: float | None = None,
) -> RulePick:
    """Both pickers on the out-of-fold scores (sorted once); overlapping zones are resolved to one cut-off."""
    cand = th.oof_candidates(y_oof, oof_scores)
    lo = pick_rule_out(None, None, npv_target, prevalence, candidates=cand)
    hi = pick_rule_in(None, None, ppv_target, prevalence, candidates=cand)
    where = "cross-validated training scores" + (
        "" if prevalence is None else f" at {percent(prevalence)} prevalence"
    )
    reason = (
        f"Largest rule-out zone with NPV ≥ {npv_target:g} and largest rule-in zone with PPV ≥ "
        f"{ppv_target:g} on {where}."
    )
    if lo > hi:
        lo = hi
        reason += " The two zones would overlap, so the rule-out cut-off was lowered to the rule-in one."
    return RulePick(lo, hi, float(npv_target), float(ppv_target), reason)
