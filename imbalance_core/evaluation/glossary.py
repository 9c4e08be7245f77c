"""The glossary: every technical term the app, the report and the CLI show, in one line a clinician reads
on hover, with the formula-level detail for the analyst kept apart.

Why one module: the same word must mean the same thing on the Threshold page's hover help, in the
glossary page and in the report's appendix. Pages call :func:`hover` for a widget's ``help=``; the
glossary view and the report list :data:`GLOSSARY` in order. Plain text only (no HTML, no Markdown
beyond what ``st.caption`` shows as is).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One glossary entry: the word as shown, a one-line plain explanation, and the analyst's detail."""

    name: str
    short: str
    detail: str = ""


_TERMS: tuple[Term, ...] = (
    Term(
        "Threshold",
        "The score at or above which the model calls a patient positive (flags them).",
        "Every count, rate and interval on the Threshold, Check, Report and Predict pages is judged at the "
        "model's current threshold; changing it changes all of them.",
    ),
    Term(
        "Sensitivity",
        "Of the patients who have the disease, the share the model flags.",
        "TP / (TP + FN); also called recall or true-positive rate. 95 % Wilson score interval.",
    ),
    Term(
        "Specificity",
        "Of the patients without the disease, the share the model leaves unflagged.",
        "TN / (TN + FP); 1 - false-positive rate. 95 % Wilson score interval.",
    ),
    Term(
        "TP",
        "True positives: patients with the disease whom the model flags.",
        "Counted on the hold-out at the row's threshold; TP + FN = every patient with the disease.",
    ),
    Term(
        "FP",
        "False positives: patients without the disease whom the model flags (an extra test, a false alarm).",
        "Counted on the hold-out at the row's threshold; FP + TN = every patient without the disease.",
    ),
    Term(
        "FN",
        "False negatives: patients with the disease whom the model misses.",
        "Counted on the hold-out at the row's threshold; usually the costliest error in screening.",
    ),
    Term(
        "TN",
        "True negatives: patients without the disease whom the model leaves unflagged.",
        "Counted on the hold-out at the row's threshold.",
    ),
    Term(
        "PPV",
        "Positive predictive value: of the flagged patients, the share who have the disease.",
        "TP / (TP + FP) at the sample's prevalence; at another prevalence p: "
        "sens·p / (sens·p + (1 - spec)·(1 - p)). Also called precision.",
    ),
    Term(
        "NPV",
        "Negative predictive value: of the patients not flagged, the share who are free of the disease.",
        "TN / (TN + FN) at the sample's prevalence; at another prevalence p: "
        "spec·(1 - p) / (spec·(1 - p) + (1 - sens)·p).",
    ),
    Term(
        "Prevalence",
        "The share of patients who have the disease, in this file or in the clinic the model will serve.",
        "PPV and NPV depend on it; sensitivity and specificity do not.",
    ),
    Term(
        "LR+",
        "Positive likelihood ratio: how many times a positive result multiplies the odds of disease.",
        "sensitivity / (1 - specificity). Above 10 rules in strongly. 95 % interval by the log method "
        "(Simel, Samsa & Matchar 1991).",
    ),
    Term(
        "LR-",
        "Negative likelihood ratio: how much a negative result shrinks the odds of disease.",
        "(1 - sensitivity) / specificity. Below 0.1 rules out strongly. 95 % interval by the log method.",
    ),
    Term(
        "Pre-test probability",
        "How likely the disease is for your patient before the model's result (your own estimate).",
        "Defaults to the prevalence; a clinician types their own for the patient in front of them.",
    ),
    Term(
        "Post-test probability",
        "How likely the disease is after a positive (or negative) result, given the pre-test probability.",
        "post-test odds = pre-test odds x LR; probability = odds / (1 + odds) (what a Fagan nomogram draws).",
    ),
    Term(
        "ROC AUC",
        "The chance that a random patient with the disease scores higher than a random patient without it.",
        "Area under the receiver operating characteristic curve (C statistic); 0.5 = coin toss, 1 = perfect. "
        "Blind to prevalence, so it can look good when positives are rare.",
    ),
    Term(
        "PR AUC",
        "How well the model keeps PPV up while finding more of the sick; a coin toss scores the prevalence.",
        "Area under the precision-recall curve (average precision). Its floor is the prevalence, not 0.5.",
    ),
    Term(
        "Brier score",
        "The mean squared distance between the predicted risk and what happened (0 is perfect; "
        "lower is better).",
        "mean((risk - outcome)^2).",
    ),
    Term(
        "Scaled Brier",
        "How much better the risks are than always predicting the prevalence (1 is perfect, 0 no better, "
        "below 0 worse).",
        "1 - Brier / (p·(1 - p)) with p the prevalence. Strongly negative values mean the scores are not "
        "risks (for example after resampling without recalibration).",
    ),
    Term(
        "Calibration slope",
        "Whether the risks spread too far (below 1: too extreme, typical of overfitting) or too little "
        "(above 1).",
        "b in the logistic recalibration model outcome ~ expit(a + b·logit(risk)); 1 is ideal.",
    ),
    Term(
        "Calibration intercept",
        "Whether the risks are too high or too low on average (0 is ideal; below 0 means too high).",
        "Calibration-in-the-large: a in logit(P(outcome)) = a + logit(risk), the slope fixed at 1.",
    ),
    Term(
        "E:O",
        "Expected over observed cases: 1.3 means the model predicts 30 % more cases than happened.",
        "sum(risk) / number of events, with a 95 % interval from the Poisson variance of the events.",
    ),
    Term(
        "ICI",
        "Integrated calibration index: the average distance between predicted and observed risk.",
        "Mean absolute difference between the risks and a lowess-smoothed calibration curve "
        "(Austin & Steyerberg 2019).",
    ),
    Term(
        "E50",
        "The median distance between predicted and observed risk over the patients.",
        "Median of |risk - smoothed observed risk|.",
    ),
    Term(
        "E90",
        "Nine in ten patients have a risk within this distance of the observed risk.",
        "90th percentile of |risk - smoothed observed risk|.",
    ),
    Term(
        "Emax",
        "The largest distance between predicted and observed risk over the range of risks.",
        "Maximum of |risk - smoothed observed risk|.",
    ),
    Term(
        "MCC",
        "Matthews correlation: one number for the whole 2x2 table, from -1 (always wrong) through 0 "
        "(chance) to 1 (perfect).",
        "(TP·TN - FP·FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)).",
    ),
    Term(
        "Youden",
        "Sensitivity + specificity - 1: the cut-off that maximises it treats a missed case and a false "
        "alarm as equally bad.",
        "J = sens + spec - 1; the Youden picker chooses the threshold with the largest J on "
        "out-of-fold scores.",
    ),
    Term(
        "F1",
        "A balance of PPV and sensitivity that ignores the true negatives.",
        "2·PPV·sens / (PPV + sens); F-beta weighs sensitivity beta times as much as PPV.",
    ),
    Term(
        "Balanced accuracy",
        "The mean of sensitivity and specificity: accuracy that a rare disease cannot inflate.",
        "(sens + spec) / 2.",
    ),
    Term(
        "Accuracy",
        "The share of all patients the model gets right; misleading when the disease is rare.",
        "(TP + TN) / n. 95 % Wilson score interval.",
    ),
    Term(
        "F-beta",
        "One number balancing sensitivity and PPV; β above 1 counts a missed case as worse.",
        "(1 + β²)·TP / ((1 + β²)·TP + β²·FN + FP); F1 is β = 1.",
    ),
    Term(
        "Net benefit",
        "True positives gained per patient, minus false alarms weighted by how many you would accept "
        "for one case found.",
        "TP/n - FP/n x t / (1 - t) at threshold probability t (Vickers & Elkin 2006); the decision curve "
        "draws it against t beside 'treat all' and 'treat none'.",
    ),
    Term(
        "Out-of-fold scores",
        "Scores each training patient got from a model that did not see them (cross-validation).",
        "The threshold pickers work on them, so the hold-out stays untouched for judging the choice.",
    ),
    Term(
        "Hold-out",
        "Patients set aside before training and used only to judge the model.",
        "Stratified by the label; never resampled.",
    ),
    Term(
        "Optimism",
        "How much better the model looks on its own training patients than on new ones.",
        "Harrell's bootstrap: refit the whole pipeline on B bootstrap samples; optimism = mean(apparent "
        "in the sample - performance on the original data); corrected = apparent - optimism.",
    ),
    Term(
        "Resampling",
        "Adding synthetic or copied minority rows, or removing majority rows, in the training folds only.",
        "It changes the score scale: resampled scores are not risks until recalibrated.",
    ),
    Term(
        "Recalibration",
        "Mapping the scores back to risks that match how often the disease really occurs.",
        "Platt (logistic on logit score) or isotonic regression, fitted on out-of-fold scores.",
    ),
    Term(
        "Wilson interval",
        "A 95 % range for a proportion that stays sensible with few patients or rates near 0 or 1.",
        "Wilson score interval (Wilson 1927).",
    ),
    Term(
        "Subgroup",
        "Patients who share a value (sex, an age band) judged on their own: are more of them missed?",
        "Hold-out patients grouped by one or two columns (an age in decades, other numbers in quartiles); "
        "Wilson intervals per group; groups with fewer than 10 events or non-events are marked, not hidden.",
    ),
    Term(
        "Permutation importance",
        "How much worse the model scores when one feature's values are shuffled among the patients.",
        "Each feature of the hold-out patients shuffled 5 times; the mean drop in PR AUC (or rise in "
        "log-loss) with ± 1 SD. Predictions only, nothing is refitted; correlated features share credit.",
    ),
    Term(
        "What-if",
        "One patient's values edited to see how the score and the decision move; nothing is retrained.",
        "The fitted pipeline scores the edited row. The nearest flip of a feature is the smallest single "
        "change within the range seen in the data that moves the score across the threshold.",
    ),
)

#: Every term in display order, by name.
GLOSSARY: dict[str, Term] = {term.name: term for term in _TERMS}


def hover(name: str) -> str:
    """The one-line explanation of ``name`` for a widget's hover help (``help=``); KeyError if unknown,
    so a misspelt term fails in tests rather than showing nothing."""
    return GLOSSARY[name].short


def entry(name: str) -> str:
    """``name`` with its line and, when there is one, the analyst's detail, as one paragraph of text."""
    term = GLOSSARY[name]
    return f"{term.name}: {term.short}" + (f" ({term.detail})" if term.detail else "")
