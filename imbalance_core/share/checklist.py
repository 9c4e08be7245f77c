"""The report as a TRIPOD+AI (BMJ 2024) and STARD 2015 document: a checklist appendix.

Each item of the two reporting guidelines is listed with its number and topic: every item and sub-item
as published (Collins et al., "TRIPOD+AI statement", BMJ 2024;385:e078378: items 1 to 27c, item 27
being 27a input data handling, 27b user interaction and expertise, 27c future research; Bossuyt et al.,
"STARD 2015", BMJ 2015;351:h5527: items 1 to 30 with 10a/b, 12a/b, 13a/b, 21a/b), topics shortened
from the published item text, checked against the published lists. An item the app can answer points
to the report section that answers it, found by the section's title — only when that section is in
this report (the PDF adds its page) — with what the section says in a few words; every other item is
marked "to be completed by the authors". No source-file names appear in the appendix.

The threshold item reads an optional threshold interval: ``ReportInputs.threshold_uncertainty`` (or
``result.threshold_uncertainty``) when present, any object with a ``sentence()`` method or a string;
absent, the item says only how the threshold was chosen.

The code version is the git commit of the checkout when there is one (read from ``.git`` files, no
process started), else the package version.
"""

from __future__ import annotations

import importlib.metadata
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imbalance_core.share.report_blocks import Section, TableBlock

AUTHORS = "To be completed by the authors"
#: Section title words the answers point to (titles are '<n>. <words>').
DATA, METHOD, CV, THRESHOLD = "Data", "Method", "Cross-validation results", "Decision threshold"
RESULTS, CALIBRATION = "Results on the hold-out set", "Calibration and recalibration"
CURVES = "Discrimination, calibration and clinical usefulness"
SUBGROUPS, IMPORTANCE, SAMPLE_SIZE = "Subgroups", "Why the model scores as it does", "Sample size"
APPENDIX_TITLE = "Appendix: TRIPOD+AI and STARD 2015 checklist"
INTERNAL = "Internal validation and stability"


@dataclass(frozen=True)
class Item:
    """One checklist item; ``section`` the title words of the answering section (None: authors).

    ``also`` / ``also_answer``: a second section that adds to the answer only when the report has it
    (e.g. subgroups for item 23a); absent, nothing is said about it.
    """

    guideline: str
    number: str
    topic: str
    section: str | None = None
    answer: str = ""
    also: str | None = None
    also_answer: str = ""


def _t(number: str, topic: str, section: str | None = None, answer: str = "", **kw: str) -> Item:
    return Item("TRIPOD+AI", number, topic, section, answer, **kw)


def _s(number: str, topic: str, section: str | None = None, answer: str = "") -> Item:
    return Item("STARD 2015", number, topic, section, answer)


#: TRIPOD+AI (Collins et al., BMJ 2024;385:e078378): every item and sub-item, numbered as published
#: (1 to 27c; item 27 has 27a-27c), topics in short words following the published item text.
TRIPOD_AI: tuple[Item, ...] = (
    _t("1", "Title: development or evaluation of a prediction model, target population, outcome"),
    _t("2", "Abstract (see TRIPOD+AI for Abstracts)"),
    _t("3a", "Background: healthcare context, rationale, existing models"),
    _t("3b", "Background: target population, intended purpose in the care pathway, intended users"),
    _t("3c", "Background: known health inequalities between sociodemographic groups"),
    _t("4", "Objectives: development, evaluation or both"),
    _t("5a", "Data: sources for development and evaluation, representativeness", DATA,
       "the file used (name, SHA-256, rows read and kept)"),
    _t("5b", "Data: dates of the collected participant data"),
    _t("6a", "Participants: study setting, number and location of centres"),
    _t("6b", "Participants: eligibility criteria"),
    _t("6c", "Participants: treatments received and how they were handled"),
    _t("7", "Data preparation: pre-processing and quality checking", DATA,
       "columns excluded with reasons, detection limits, missing-value markers"),
    _t("8a", "Outcome: definition, time horizon, how and when assessed"),
    _t("8b", "Outcome: qualifications and demographics of the assessors"),
    _t("8c", "Outcome: blinding of the assessment"),
    _t("9a", "Predictors: choice of initial predictors and any pre-selection"),
    _t("9b", "Predictors: definition, how and when measured"),
    _t("9c", "Predictors: qualifications and demographics of the assessors"),
    _t("10", "Sample size: how it was arrived at and why it suffices", SAMPLE_SIZE,
       "events per candidate parameter and the Riley et al. minimum sample size"),
    _t("11", "Missing data: how handled, reasons for omitting data", DATA,
       "median / most frequent value imputation learned inside the training folds; counts per feature"),
    _t("12a", "Analytical methods: how the data were used and partitioned", METHOD,
       "stratified hold-out split first; k-fold cross-validation on the training part"),
    _t("12b", "Analytical methods: handling of predictors (form, rescaling, transformation)", METHOD,
       "imputation, one-hot coding, scaling where the model needs it"),
    _t("12c", "Analytical methods: model type, rationale, building steps, tuning, internal validation",
       METHOD, "classifier, its parameters, resampling inside each training fold only"),
    _t("12d", "Analytical methods: heterogeneity across clusters"),
    _t("12e", "Analytical methods: performance measures and plots, and their rationale", RESULTS,
       "sensitivity, specificity, PPV, NPV with Wilson intervals; ROC and PR AUC; calibration"),
    _t("12f", "Analytical methods: model updating (e.g. recalibration) arising from the evaluation",
       CALIBRATION, "recalibration, when chosen, fitted on out-of-fold training scores only"),
    _t("12g", "Analytical methods: how the model predictions were calculated", METHOD,
       "the fitted pipeline; the saved model file (skops) carries it with its threshold"),
    _t("13", "Class imbalance: why and how, and any recalibration of the model or its predictions", METHOD,
       "resampling method, target ratio and class weighting; recalibration in the calibration section"),
    _t("14", "Fairness: approaches used and their rationale", SUBGROUPS,
       "performance by subgroup with intervals (approaches to fairness: authors)"),
    _t("15", "Model output: probabilities or classification; thresholds and how identified", THRESHOLD,
       "risk score; threshold and how it was chosen on out-of-fold scores"),
    _t("16", "Training versus evaluation: differences in setting, eligibility, outcome, predictors"),
    _t("17", "Ethical approval and consent"),
    _t("18a", "Open science: funding"),
    _t("18b", "Open science: conflicts of interest"),
    _t("18c", "Open science: protocol"),
    _t("18d", "Open science: registration"),
    _t("18e", "Open science: data sharing"),
    _t("18f", "Open science: code sharing", METHOD, "the code version (where to get it: authors)"),
    _t("19", "Patient and public involvement"),
    _t("20a", "Participants: flow through the study, with and without the outcome", DATA,
       "rows read, left out and used; class counts"),
    _t("20b", "Participants: characteristics overall and per data source", DATA,
       "class counts (other characteristics: authors)"),
    _t("20c", "Participants: evaluation data compared with the development data"),
    _t("21", "Model development: participants and outcome events in each analysis", METHOD,
       "patients per class in training, after resampling and in the hold-out"),
    _t("22", "Model specification: the full model, to allow predictions and third-party evaluation",
       METHOD, "the saved model file (skops) and the code version"),
    _t("23a", "Model performance with confidence intervals, including key subgroups", RESULTS,
       "hold-out results with 95 % intervals", also=SUBGROUPS, also_answer="subgroups"),
    _t("23b", "Model performance: heterogeneity across clusters"),
    _t("24", "Model updating: results, the updated model and its performance", CALIBRATION,
       "calibration of the delivered risks; raw against recalibrated when a recalibration was chosen"),
    _t("25", "Interpretation, including fairness"),
    _t("26", "Limitations: sample, sample size, overfitting, missing data; their effects", "Caveats",
       "caveats the app can see (small hold-out, distorted risks)"),
    _t("27a", "Usability: how poor quality or unavailable input data should be assessed and handled"),
    _t("27b", "Usability: whether users interact with the input data or the model, expertise required"),
    _t("27c", "Usability: next steps for future research (applicability, generalisability)"),
)  # fmt: skip

#: STARD 2015 (Bossuyt et al., BMJ 2015;351:h5527): all 30 items, numbered as published (10a/b, 12a/b,
#: 13a/b, 21a/b), topics in short words following the published item text.
STARD: tuple[Item, ...] = (
    _s("1", "Title or abstract: identified as a diagnostic accuracy study with at least one measure"),
    _s("2", "Abstract: structured summary (see STARD for Abstracts)"),
    _s("3", "Background: intended use and clinical role of the index test"),
    _s("4", "Objectives and hypotheses"),
    _s("5", "Study design: data collection planned before (prospective) or after (retrospective)"),
    _s("6", "Participants: eligibility criteria"),
    _s("7", "Participants: on what basis potentially eligible participants were identified"),
    _s("8", "Participants: where and when they were identified (setting, location, dates)"),
    _s("9", "Participants: consecutive, random or convenience series"),
    _s("10a", "Test methods: index test in enough detail to replicate", METHOD,
       "the pipeline, classifier and parameters; the saved model file"),
    _s("10b", "Test methods: reference standard in enough detail to replicate"),
    _s("11", "Test methods: rationale for choosing the reference standard"),
    _s("12a", "Index test positivity cut-off: definition and rationale, pre-specified or exploratory",
       THRESHOLD, "threshold, how it was chosen, chosen on training scores only"),
    _s("12b", "Reference standard cut-offs: definition and rationale"),
    _s("13a", "Clinical information and reference standard results available to index test readers"),
    _s("13b", "Clinical information and index test results available to reference standard assessors"),
    _s("14", "Analysis: methods for estimating or comparing diagnostic accuracy", RESULTS,
       "2x2 table, Wilson intervals, DeLong and bootstrap intervals for the AUCs"),
    _s("15", "Analysis: how indeterminate results were handled"),
    _s("16", "Analysis: how missing data on the index test and reference standard were handled", DATA,
       "missing predictor values imputed inside the training folds"),
    _s("17", "Analysis: analyses of variability, pre-specified or exploratory", SUBGROUPS,
       "performance by subgroup"),
    _s("18", "Analysis: intended sample size and how it was determined", SAMPLE_SIZE,
       "Riley et al. minimum for model development"),
    _s("19", "Participants: flow, using a diagram", DATA, "rows read, left out and used (no diagram)"),
    _s("20", "Participants: baseline demographic and clinical characteristics"),
    _s("21a", "Participants: distribution of severity of disease in those with the target condition"),
    _s("21b", "Participants: distribution of alternative diagnoses in those without it"),
    _s("22", "Participants: time interval and interventions between index test and reference standard"),
    _s("23", "Test results: cross tabulation of the index test by the reference standard", RESULTS,
       "hold-out 2x2 table"),
    _s("24", "Test results: estimates of diagnostic accuracy and their precision (95 % CI)", RESULTS,
       "sensitivity, specificity, PPV, NPV with 95 % intervals"),
    _s("25", "Test results: adverse events from the index test or the reference standard"),
    _s("26", "Discussion: limitations (bias, statistical uncertainty, generalisability)", "Caveats",
       "caveats the app can see (small hold-out, distorted risks)"),
    _s("27", "Discussion: implications for practice, intended use and clinical role"),
    _s("28", "Other: registration number and name of registry"),
    _s("29", "Other: where the full study protocol can be accessed"),
    _s("30", "Other: sources of funding and other support; role of funders"),
)  # fmt: skip


def code_version(root: Path | None = None) -> str:
    """``git <commit>`` of the checkout holding this package, else ``imbalance-lab <version>``.

    Reads ``.git`` files only (a worktree's ``gitdir:`` pointer, loose refs, ``packed-refs``).
    """
    root = root or Path(__file__).resolve().parents[2]
    commit = _git_commit(root)
    if commit:
        return f"git {commit[:12]}"
    try:
        return f"imbalance-lab {importlib.metadata.version('imbalance-lab')}"
    except importlib.metadata.PackageNotFoundError:
        return "imbalance-lab (version unknown)"


def _git_commit(root: Path) -> str | None:
    try:
        git = root / ".git"
        if git.is_file():
            match = re.match(r"gitdir:\s*(.+)", git.read_text().strip())
            if not match:
                return None
            git = (root / match.group(1)).resolve()
        if not git.is_dir():
            return None
        head = (git / "HEAD").read_text().strip()
        if re.fullmatch(r"[0-9a-f]{40}", head):
            return head
        ref = head.removeprefix("ref:").strip()
        common = git
        if (git / "commondir").is_file():
            common = (git / (git / "commondir").read_text().strip()).resolve()
        for base in (git, common):
            loose = base / ref
            if loose.is_file():
                return loose.read_text().strip()
            packed = base / "packed-refs"
            if packed.is_file():
                for line in packed.read_text().splitlines():
                    parts = line.split()
                    if len(parts) == 2 and parts[1] == ref:
                        return parts[0]
    except OSError:
        return None
    return None


def threshold_interval_text(inputs: Any) -> str:
    """The threshold's interval sentence when another part of the app supplied one, else ''."""
    for holder in (inputs, getattr(inputs, "result", None)):
        found = getattr(holder, "threshold_uncertainty", None)
        if found is None:
            continue
        if isinstance(found, str):
            return found
        sentence = getattr(found, "sentence", None)
        return str(sentence()) if callable(sentence) else str(found)
    result = getattr(inputs, "result", None)
    if result is not None and getattr(result, "is_binary", False):
        return (
            "The decision-threshold section states the threshold's 95 % bootstrap interval over "
            "resampled picks, or why a hand-set threshold has none."
        )
    return ""


def _where(titles: Sequence[str], words: str) -> str | None:
    for title in titles:
        if re.sub(r"^\d+\.\s*", "", title).startswith(words):
            return title
    return None


def checklist_rows(
    items: Sequence[Item], titles: Sequence[str], extra: dict[str, str]
) -> tuple[tuple[str, ...], ...]:
    """(item, topic, where answered / to be completed) rows; ``extra``: item number -> added words."""
    rows = []
    for item in items:
        title = _where(titles, item.section) if item.section else None
        if title is None:
            rows.append((item.number, item.topic, AUTHORS))
            continue
        answer = f"§ {title}: {item.answer}" if item.answer else f"§ {title}"
        also = _where(titles, item.also) if item.also else None
        if also is not None:  # said only when that section is in this report
            answer += f"; {item.also_answer}: § {also}"
        if extra.get(item.number):
            answer += f". {extra[item.number]}"
        rows.append((item.number, item.topic, answer))
    return tuple(rows)


def page_numbers(pdf: bytes, titles: Sequence[str]) -> dict[str, int]:
    """Page (1-based) of each section title in a rendered report, searched in order (pypdf text)."""
    from pypdf import PdfReader

    pages = [re.sub(r"\s+", "", page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]
    found: dict[str, int] = {}
    start = 0
    for title in titles:
        key = re.sub(r"\s+", "", title)
        for i in range(start, len(pages)):
            if key in pages[i]:
                found[title] = i + 1
                start = i
                break
    return found


def with_pages(content: Any, pdf: bytes) -> Any:
    """``content`` whose appendix says the page of each answer ('§ 5. Results ... (page 3)').

    The appendix is the last section, so adding page numbers to it moves no earlier section: a second
    rendering has the same pages. Returns ``content`` itself when there is no appendix.
    """
    import dataclasses

    sections = list(content.sections)
    if not sections or sections[-1].title != APPENDIX_TITLE:
        return content
    titles = [s.title for s in sections[:-1]]
    pages = page_numbers(pdf, titles)

    def cell(text: str) -> str:
        for title in sorted(pages, key=len, reverse=True):  # every section named, not only the first
            paged = f"§ {title} (page {pages[title]})"
            text = re.sub(re.escape(f"§ {title}") + r"(?! \(page)", lambda _m, p=paged: p, text)
        return text

    appendix = sections[-1]
    tables = tuple(
        dataclasses.replace(t, rows=tuple((r[0], r[1], cell(r[2])) for r in t.rows)) for t in appendix.tables
    )
    sections[-1] = dataclasses.replace(appendix, tables=tables)
    return dataclasses.replace(content, sections=tuple(sections))


def stard_items(inputs: Any) -> tuple[Item, ...]:
    """STARD 2015 items; with a committed rule-out / rule-in rule, item 15 (indeterminate results) is
    answered by the decision-threshold section's zone table."""
    if getattr(inputs, "rule", None) is None:
        return STARD
    answered = Item(
        "STARD 2015", "15", "Handling of indeterminate results", THRESHOLD,
        "the rule-out / indeterminate / rule-in zones, with the count sent for further testing",
    )  # fmt: skip
    return tuple(answered if item.number == "15" else item for item in STARD)


def internal_validation_extra(inputs: Any, titles: Sequence[str]) -> dict[str, str]:
    """Words the internal-validation section adds to TRIPOD+AI items (issue 27): 12a (how the data were
    used), 12c (internal validation, tuning), 23a (performance with its optimism), 26 (overfitting). Empty
    when the report has no such section."""
    title = _where(titles, INTERNAL)
    validation = getattr(inputs, "validation", None)
    if title is None or validation is None:
        return {}
    scheme = (
        "optimism-corrected bootstrap"
        if getattr(validation, "method", "") == "bootstrap"
        else "repeated stratified cross-validation"
    )
    tuned = getattr(validation, "final_tuning", None) is not None
    where = f"§ {title}"
    return {
        "12a": f"every patient also used for internal validation ({scheme}): {where}",
        "12c": f"internal validation by {scheme}, the whole procedure refitted each time"
        + (", tuning nested inside" if tuned else "")
        + f": {where}",
        "23a": f"apparent, optimism and corrected performance on all patients: {where}",
        "26": f"overfitting: optimism and the expected shrinkage (corrected calibration slope), {where}",
    }


def provenance_sentence(inputs: Any, titles: Sequence[str]) -> str:
    """Which validation each part of the report's numbers comes from, in one sentence."""
    parts = []
    cv, results = _where(titles, CV), _where(titles, RESULTS)
    if cv is not None:
        parts.append(f"§ {cv}: the cross-validation folds of the training part")
    if results is not None:
        later = [t for t in (_where(titles, CURVES), _where(titles, CALIBRATION)) if t is not None]
        also = "".join(f", § {t}" for t in later)
        parts.append(
            f"§ {results}{also} and the threshold's figures: the hold-out set, never used in training"
        )
    internal = _where(titles, INTERNAL)
    if internal is not None and getattr(inputs, "validation", None) is not None:
        parts.append(f"§ {internal}: every patient, by resampling-based internal validation")
    else:
        parts.append(
            "no resampling-based internal validation (bootstrap or repeated cross-validation) was run"
        )
    return "Where the numbers come from: " + "; ".join(parts) + "."


def checklist_section(inputs: Any, titles: Sequence[str]) -> Any:
    """The appendix section: two tables (TRIPOD+AI, STARD 2015) pointing into the report's sections."""

    interval = threshold_interval_text(inputs)
    version = code_version()
    extra = {"18f": version, "22": version, "15": interval, **internal_validation_extra(inputs, titles)}
    intro = (
        "Each item of TRIPOD+AI (Collins et al., BMJ 2024;385:e078378) and STARD 2015 (Bossuyt et al., "
        "BMJ 2015;351:h5527) with the section of this report that answers it; items marked "
        f"'{AUTHORS}' need what only the study team knows (setting, eligibility, outcome, ethics, "
        "discussion). Topics are abbreviated; use the published checklists for the full wording. "
        f"Code version: {version}."
    )
    provenance = provenance_sentence(inputs, titles)
    tripod = TableBlock(
        "TRIPOD+AI (2024)",
        ("Item", "Topic", "Where answered"),
        checklist_rows(TRIPOD_AI, titles, extra),
        widths=(0.5, 2.4, 3.6),
    )
    stard = TableBlock(
        "STARD 2015",
        ("Item", "Topic", "Where answered"),
        checklist_rows(stard_items(inputs), titles, {"12a": interval}),
        widths=(0.5, 2.4, 3.6),
    )
    return Section(APPENDIX_TITLE, (intro, provenance), (tripod, stard))
