"""Likelihood ratios and post-test probabilities of one 2x2 table, as ``evaluate --json``, the terminal and
the report state them (issue 26).

The numbers themselves come from :mod:`imbalance_core.evaluation.likelihood_ratios` (LR+ / LR- with the
log-method intervals of Simel, Samsa & Matchar 1991; post-test odds = pre-test odds x LR). This module only
bundles them with the pre-test probability used and where that came from ("--pretest", "the deployment
prevalence", "the hold-out sample's prevalence"), and writes them out:

``evaluate --json`` prints :meth:`PostTestSummary.to_json` as ``likelihood_ratios``::

    {"counts": {"tp": int, "fp": int, "tn": int, "fn": int},
     "lr_pos": {"value": float|null, "lo": float|null, "hi": float|null, "note": str, "reason": str},
     "lr_neg": {... the same ...},
     "pretest": float, "pretest_source": str,
     "post_test_positive": {"value": float|null, "lo": float|null, "hi": float|null, "reason": str},
     "post_test_negative": {... the same ...},
     "method": str, "sentence": str}

``note`` says when 0.5 was added to every cell (a zero count); ``reason`` why a figure is not estimable
(its numbers are then null). Never NaN.

Pure functions, no state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from imbalance_core.evaluation import likelihood_ratios as lr
from imbalance_core.evaluation.formatting import percent
from imbalance_core.evaluation.intervals import Interval

METHOD = (
    "LR+ = sensitivity / (1 - specificity), LR- = (1 - sensitivity) / specificity, 95 % intervals by the log "
    "method (Simel, Samsa & Matchar 1991); post-test odds = pre-test odds x LR, the LR's interval carried "
    "through at the fixed pre-test probability"
)
#: Pre-test probabilities of the Fagan-style table (the person's own is added).
FAGAN_PRETESTS = (0.01, 0.05, 0.10, 0.25, 0.50)


@dataclass(frozen=True)
class PostTestSummary:
    """LR+ / LR- of one 2x2 table and the post-test probabilities at one pre-test probability."""

    tp: int
    fp: int
    tn: int
    fn: int
    ratios: lr.LikelihoodRatios
    post: lr.PostTest
    pretest_source: str

    @property
    def pretest(self) -> float:
        return self.post.pre_test

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (keys in the module docstring); null, never NaN, where not estimable."""

        def one(r: lr.LikelihoodRatio) -> dict[str, Any]:
            return {"value": r.value, "lo": r.lo, "hi": r.hi, "note": r.note, "reason": r.reason}

        def carried(iv: Interval | None, reason: str) -> dict[str, Any]:
            if iv is None:
                return {"value": None, "lo": None, "hi": None, "reason": reason}
            return {"value": iv.value, "lo": iv.lo, "hi": iv.hi, "reason": ""}

        return {
            "counts": {"tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn},
            "lr_pos": one(self.ratios.positive),
            "lr_neg": one(self.ratios.negative),
            "pretest": self.pretest,
            "pretest_source": self.pretest_source,
            "post_test_positive": carried(self.post.after_positive, self.post.reason_positive),
            "post_test_negative": carried(self.post.after_negative, self.post.reason_negative),
            "method": METHOD,
            "sentence": self.line(),
        }

    def line(self) -> str:
        """One terminal line: both LRs with intervals, then the post-test sentence."""
        notes = [r.note for r in (self.ratios.positive, self.ratios.negative) if r.note]
        tail = f" (note: {'; '.join(notes)})" if notes else ""
        return (
            f"likelihood ratios: {lr_text(self.ratios.positive)}, {lr_text(self.ratios.negative)}{tail}. "
            f"{self.post.sentence()[:-1]} (pre-test = {self.pretest_source})."
        )


def lr_text(r: lr.LikelihoodRatio) -> str:
    """'LR+ 7.85 (95 % CI 6.32 to 9.74)' or 'LR+ not estimable: ...' (never 'nan')."""
    if not r.estimable:
        return f"{r.name} {r.reason[:1].lower()}{r.reason[1:].rstrip('.')}"
    return f"{r.name} {ratio_text(r.value)} (95 % CI {ratio_text(r.lo)} to {ratio_text(r.hi)})"


def ratio_text(x: float | None) -> str:
    """A likelihood ratio with three significant figures ('7.85', '0.248', '12.3'); 'n/a' when missing."""
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:.3g}" if x < 1000 else f"{x:,.0f}"


def summarise(tp: int, fp: int, tn: int, fn: int, pretest: float, source: str) -> PostTestSummary:
    """LR+ / LR- of the counts and the post-test probabilities at ``pretest`` (strictly in (0, 1))."""
    ratios = lr.likelihood_ratios(int(tp), int(fp), int(tn), int(fn))
    return PostTestSummary(int(tp), int(fp), int(tn), int(fn), ratios, lr.post_test(pretest, ratios), source)


def fagan_rows(summary: PostTestSummary) -> tuple[tuple[str, str, str], ...]:
    """(pre-test, after a positive, after a negative) at :data:`FAGAN_PRETESTS` and the summary's own
    pre-test probability (marked 'this patient'), ascending; intervals in brackets, reasons in words."""
    own = summary.pretest
    grid = sorted({*FAGAN_PRETESTS, own})
    rows = []
    for p in grid:
        post = lr.post_test(p, summary.ratios)
        label = f"{percent(p)}" + (" (this report)" if p == own else "")
        rows.append((label, _carried(post.after_positive), _carried(post.after_negative)))
    return tuple(rows)


def _carried(iv: Interval | None) -> str:
    if iv is None:
        return "not estimable"
    return f"{percent(iv.value)} ({percent(iv.lo)} to {percent(iv.hi)})"


__all__ = ["FAGAN_PRETESTS", "METHOD", "PostTestSummary", "fagan_rows", "lr_text", "ratio_text", "summarise"]
