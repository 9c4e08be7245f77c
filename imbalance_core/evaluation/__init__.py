"""Evaluation: every number computed from labels and scores.

:mod:`.thresholds` builds the stop table (all counts, metrics and intervals at each candidate
threshold, one vectorised pass over sorted scores) that the explorer, report and CLI read, the
threshold pickers that choose on out-of-fold training scores, and the documented default threshold;
:mod:`.metrics` the per-fold metrics; :mod:`.intervals` Wilson, DeLong and bootstrap intervals;
:mod:`.curves` ROC, PR, calibration and decision curves; :mod:`.subgroups` performance by subgroup;
:mod:`.sample_size` the Riley et al. minimum sample size; :mod:`.calibration` calibration-in-the-large,
slope, E:O, ICI/E50/E90/Emax and Brier with their intervals; :mod:`.threshold_uncertainty` the pickers
bootstrapped on out-of-fold scores; :mod:`.rule_zones` rule-out / indeterminate / rule-in zones;
:mod:`.external` a saved model's figures on a new file, :mod:`.case_mix` drift and the membership model,
:mod:`.prior_shift` an unlabelled batch's prevalence (EM), :mod:`.validation_size` the Riley et al. 2021
sample size for validation; :mod:`.glossary` the terms explained; :mod:`.likelihood_ratios` LR+ / LR-
with log-method intervals and post-test probabilities (:mod:`.post_test_summary` bundles them with the
pre-test probability for evaluate --json and the report); :mod:`.formatting` the one percentage formatter;
:mod:`.check_sentences` the plain sentences under the Check the model page's figures.
Pure functions of arrays: no
fitting of models here (the small logistic fits of calibration metrics and the membership model aside).
:mod:`.optimism` holds the measures internal validation judges and Harrell's arithmetic;
:mod:`.stability` the Riley & Collins prediction-stability figures.
:mod:`.page_sentences` the plain sentence under each figure and table, from the numbers it shows;
:mod:`.validate_sentences` the same for the Validate page, :mod:`.threshold_sentences` for the Threshold page.
:mod:`.one_vs_rest` picks which class a multi-class model is judged for first (not the reference group).
"""

__all__ = [
    "calibration",
    "case_mix",
    "check_sentences",
    "curves",
    "external",
    "formatting",
    "glossary",
    "intervals",
    "likelihood_ratios",
    "metrics",
    "one_vs_rest",
    "optimism",
    "page_sentences",
    "post_test_summary",
    "prior_shift",
    "rule_zones",
    "sample_size",
    "stability",
    "subgroups",
    "threshold_sentences",
    "threshold_uncertainty",
    "thresholds",
    "validate_sentences",
    "validation_size",
]
