"""Evaluation: every number computed from labels and scores.

:mod:`.thresholds` builds the stop table (all counts, metrics and intervals at each candidate
threshold, one vectorised pass over sorted scores) that the explorer, report and CLI read, the
threshold pickers that choose on out-of-fold training scores, and the documented default threshold;
:mod:`.metrics` the per-fold metrics; :mod:`.intervals` Wilson, DeLong and bootstrap intervals;
:mod:`.curves` ROC, PR, calibration and decision curves; :mod:`.subgroups` performance by subgroup;
:mod:`.sample_size` the Riley et al. minimum sample size; :mod:`.calibration` calibration-in-the-large,
slope, E:O, ICI/E50/E90/Emax and Brier with their intervals; :mod:`.threshold_uncertainty` the pickers
bootstrapped on out-of-fold scores; :mod:`.rule_zones` rule-out / indeterminate / rule-in zones;
:mod:`.formatting` the one percentage formatter. Pure
functions of arrays: no fitting of models here (the small logistic fits of calibration metrics aside).
"""

__all__ = [
    "calibration",
    "curves",
    "formatting",
    "intervals",
    "metrics",
    "rule_zones",
    "sample_size",
    "subgroups",
    "threshold_uncertainty",
    "thresholds",
]
