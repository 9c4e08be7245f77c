"""Report text for likelihood ratios and post-test probability at the report's threshold (issue 26).

"If this test is positive, how likely is the disease for my patient?": LR+ and LR- of the hold-out 2x2
table with their log-method 95 % intervals (Simel et al. 1991), a Fagan-style sentence at the report's
pre-test probability, and a small table of post-test probabilities at a few pre-test probabilities
(the report's own marked). Numbers from :mod:`imbalance_core.evaluation.post_test_summary`; strings only,
laid out by the PDF and HTML renderers like every other table. Never 'nan': a figure that cannot be
estimated is said in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from imbalance_core.evaluation.post_test_summary import (
    PostTestSummary,
    fagan_rows,
    lr_text,
    ratio_text,
    summarise,
)
from imbalance_core.share.report_blocks import TableBlock

LR_TITLE = "Likelihood ratios on the hold-out set"
FAGAN_TITLE = "Post-test probability by pre-test probability"


@dataclass(frozen=True)
class LikelihoodPart:
    """Sentences, the two tables and the key-number strings of the report's likelihood-ratio part."""

    paragraphs: tuple[str, ...]
    tables: tuple[TableBlock, ...]
    key_numbers: dict[str, str]


def pretest_and_source(
    pretest: float | None, deploy: float, given_prevalence: float | None
) -> tuple[float, str]:
    """The pre-test probability to use and where it came from, in words."""
    if pretest is not None:
        return float(pretest), "chosen for this report"
    if given_prevalence is not None:
        return float(deploy), "the deployment prevalence"
    return float(deploy), "the hold-out sample's prevalence"


def _iv(summary: PostTestSummary, which: str) -> str:
    r = summary.ratios.positive if which == "pos" else summary.ratios.negative
    if not r.estimable:
        return "not estimable"
    return f"{ratio_text(r.value)} ({ratio_text(r.lo)} to {ratio_text(r.hi)})"


def likelihood_part(row: dict[str, Any], pretest: float | None, prevalence: float | None) -> LikelihoodPart:
    """From the report's hold-out stop-table ``row`` (counts, ``prevalence_deploy``): the LR part."""
    p, source = pretest_and_source(pretest, float(row["prevalence_deploy"]), prevalence)
    s = summarise(int(row["tp"]), int(row["fp"]), int(row["tn"]), int(row["fn"]), p, source)
    pos, neg = s.ratios.positive, s.ratios.negative

    def meaning(r: Any, what: str) -> str:
        if not r.estimable:
            return r.reason
        base = f"How much a {what} result multiplies the odds of disease"
        return base + (f"; {r.note}" if r.note else "")

    lr_table = TableBlock(
        LR_TITLE,
        ("Measure", "Value (95 % CI)", "Meaning"),
        (
            ("LR+ = sensitivity / (1 − specificity)", _iv(s, "pos"), meaning(pos, "positive")),
            ("LR− = (1 − sensitivity) / specificity", _iv(s, "neg"), meaning(neg, "negative")),
        ),
        note="95 % intervals by the log method (Simel, Samsa & Matchar 1991); 0.5 is added to every cell "
        "when one of the counts is 0, and the table says so.",
        widths=(2.0, 1.5, 2.5),
    )
    fagan = TableBlock(
        FAGAN_TITLE,
        ("Pre-test probability", "After a positive result (95 % CI)", "After a negative result (95 % CI)"),
        fagan_rows(s),
        note="Post-test odds = pre-test odds × LR (what a Fagan nomogram draws); the interval is the "
        "test's uncertainty carried through at a fixed pre-test probability, not the uncertainty of the "
        "pre-test guess.",
        widths=(1.6, 2.2, 2.2),
    )
    paragraphs = (
        f"Likelihood ratios at this threshold: {lr_text(pos)}; {lr_text(neg)}.",
        f"{s.post.sentence()[:-1]} (pre-test probability: {source}).",
    )
    keys = {"lr_pos": _iv(s, "pos"), "lr_neg": _iv(s, "neg")}
    return LikelihoodPart(paragraphs, (lr_table, fagan), keys)
