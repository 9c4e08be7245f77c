"""Report text for the decision rule: how sure the picked threshold is, and the rule-out / rule-in zones.

Two small builders used by :func:`imbalance_core.share.report._binary_body` (section 4, "Decision
threshold"):

- :func:`uncertainty_paragraphs`: when the report's threshold is one of the pickers' choices (default
  parameters, as the Report page offers them), its 95 % bootstrap interval over resampled picks and the
  hold-out sensitivity/specificity range those resampled thresholds deliver
  (:mod:`imbalance_core.evaluation.threshold_uncertainty`); a threshold set by hand gets one sentence
  saying there is no picking procedure to resample.
- :func:`rule_block`: the committed two-cut-off rule's sentences and its zone table
  (:mod:`imbalance_core.evaluation.rule_zones`).

Strings only; the PDF and HTML renderers lay them out like every other section.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from imbalance_core.evaluation import rule_zones
from imbalance_core.evaluation import threshold_uncertainty as uncertainty
from imbalance_core.evaluation.formatting import percent
from imbalance_core.evaluation.thresholds import parse_pick

#: Resamples in the report (stated in the text).
N_BOOT = uncertainty.N_BOOT


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def _f(x: float) -> str:
    return "n/a" if x != x else f"{x:.3f}"


def uncertainty_paragraphs(
    result: Any, threshold: float, prevalence: float | None, pick: str | None = None
) -> tuple[str, ...]:
    """One or two sentences on the threshold's uncertainty (binary results; hold-out at ``prevalence``).

    ``pick``: the picker text that chose the threshold (``top:5%``, ``ppv:0.2``, ``sensitivity:0.9``...);
    its 95 % band is then computed for that picker and the sentence names it. Without it, the threshold is
    matched against the Threshold page's four default pickers.
    """
    seed = int(result.settings.seed)
    requests = None if not pick else [parse_pick(pick)]
    unc = uncertainty.threshold_uncertainty(
        result.y_train, result.oof_scores, result.y_test, result.test_scores, requests,
        prevalence=prevalence, n_boot=N_BOOT, seed=seed,
    )  # fmt: skip
    match = next((p for p in unc.picks if abs(p.threshold - threshold) < 1e-12), None)
    if match is None:
        return (
            "Threshold uncertainty: this threshold was not produced by a picker, so there is no picking "
            "procedure to resample and no interval for it.",
        )
    named = f", given as '{pick.strip()}'" if pick else ""
    left_out = int(np.sum(~np.isfinite(match.draws)))
    missing = (
        f" On {left_out} resamples no threshold met the picker's condition; they are left out."
        if left_out
        else ""
    )
    return (
        f"Threshold uncertainty: the threshold was chosen by the picker {match.label}{named}. Re-running it "
        f"on {unc.n_boot} stratified bootstrap resamples of the {unc.n_oof:,} cross-validated training rows "
        f"(seed {seed}) gives a 95 % interval for the threshold of "
        f"{match.threshold_lo:.4g}–{match.threshold_hi:.4g}.{missing}",
        f"On the hold-out set: {match.sentence('sensitivity')}. {_upper(match.sentence('specificity'))}.",
    )


def rule_block(
    result: Any, rule: tuple[float, float], prevalence: float | None
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, ...], ...], str]:
    """Sentences, table header, table rows and note for a two-cut-off rule on the hold-out set."""
    z = rule_zones.rule_zones(result.y_test, result.test_scores, rule[0], rule[1], prevalence)
    ci = lambda r: "n/a (empty zone)" if r.value != r.value else f"{r.value:.3f} ({r.lo:.3f}–{r.hi:.3f})"  # noqa: E731
    header = ("Zone", "Patients (share)", "With the condition", "Without", "Predictive value (95 % CI)",
              f"At {percent(z.prevalence)} prevalence", "Per 1,000")  # fmt: skip
    rows = (
        ("Rule out (below " + f"{z.t_low:.4g})", f"{z.rule_out.n:,} ({percent(z.rule_out.share)})",
         f"{z.missed:,} missed", f"{z.rule_out.n_neg:,}", f"NPV {ci(z.npv)}", f"NPV {ci(z.npv_deploy)}",
         f"{z.rule_out.per1000:.0f}"),
        ("Indeterminate (further testing)", f"{z.indeterminate.n:,} ({percent(z.indeterminate.share)})",
         f"{z.indeterminate.n_pos:,}", f"{z.indeterminate.n_neg:,}", "—", "—",
         f"{z.indeterminate.per1000:.0f}"),
        ("Rule in (at or above " + f"{z.t_high:.4g})", f"{z.rule_in.n:,} ({percent(z.rule_in.share)})",
         f"{z.rule_in.n_pos:,}", f"{z.false_alarms:,} false alarm{'' if z.false_alarms == 1 else 's'}",
         f"PPV {ci(z.ppv)}", f"PPV {ci(z.ppv_deploy)}", f"{z.rule_in.per1000:.0f}"),
    )  # fmt: skip
    note = (
        "Wilson 95 % intervals in the hold-out sample; at the deployment prevalence by Bayes' rule with "
        "Bonferroni-combined 97.5 % Wilson bounds of the zone shares."
    )
    return tuple(z.sentences()), header, rows, note
