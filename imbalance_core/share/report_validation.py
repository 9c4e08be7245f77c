"""Report section: internal validation and prediction stability (TRIPOD+AI items on internal validation,
model performance and its uncertainty; the section says which validation the other sections come from).

Input: a finished :class:`~imbalance_core.learn.internal_validation.InternalValidation` (or None, then the
section only says that the other sections' numbers come from the hold-out split). Strings only.
"""

from __future__ import annotations

import math
from typing import Any

from imbalance_core.evaluation.formatting import percent
from imbalance_core.share.report_blocks import Section, TableBlock


def _f(value: float) -> str:
    return "not estimable" if value is None or not math.isfinite(value) else f"{value:.3f}"


def validation_section(validation: Any, number: int) -> Section:
    """Section ``number``: the scheme and why, apparent / optimism / corrected, stability sentences."""
    title = f"{number}. Internal validation and stability"
    if validation is None:
        return Section(title, (
            "All figures in this report come from the hold-out split: the model was judged once, on the "
            "held-out patients. No resampling-based internal validation (bootstrap or repeated "
            "cross-validation) was run for this report.",))  # fmt: skip
    corrected = "Corrected" if validation.method == "bootstrap" else "Validated"
    rows = tuple((m.name, _f(m.apparent), _f(m.optimism), _f(m.corrected)) for m in validation.measures)
    table = TableBlock(
        f"{validation.describe()}",
        ("Measure", "Apparent (all patients)", "Optimism", corrected),
        rows,
        note=f"Threshold rule: {validation.threshold_rule()}. Seed {validation.settings.seed}.",
        widths=(2.5, 1.5, 1.2, 1.2),
    )
    paragraphs = [
        f"Why this validation: {validation.reason}",
        "The other sections (hold-out results, calibration, threshold, subgroups) come from the hold-out "
        "split; this section uses every patient and refits the whole procedure each time.",
    ]
    if validation.caution():
        paragraphs.append("Caution: " + validation.caution())
    slope = validation.measure("cal_slope").corrected
    if math.isfinite(slope):
        paragraphs.append(
            f"Corrected calibration slope {slope:.2f}: the shrinkage to expect on new patients from the same "
            "population (1 = none)."
        )
    stability = validation.stability()
    if stability is not None:
        paragraphs.append(
            f"Prediction stability (Riley & Collins, BMJ 2023), {stability.n_models} bootstrap models: "
            + stability.sentence()
            + f" {percent(stability.share_any_flip)} of patients are classified differently by at least "
            "one model."
        )
    if validation.final_tuning is not None:
        paragraphs.append(
            f"Hyper-parameters were tuned inside every sample (nested); on all patients the tuning chose "
            f"{validation.final_tuning.chosen.label()}."
        )
    return Section(title, tuple(paragraphs), (table,))
