"""The report as a TRIPOD+AI (BMJ 2024) and STARD 2015 document: a checklist appendix.

Each item of the two reporting guidelines is listed with its number and topic (the numbers of Collins et
al., "TRIPOD+AI statement", BMJ 2024;385:e078378, and of Bossuyt et al., "STARD 2015", BMJ
2015;351:h5527; topics in short words of our own, not the guidelines' full wording). An item the app can
answer points to the report section that answers it, found by the section's title, with what the
section says in a few words; every other item is marked "to be completed by the authors" — the study
setting, eligibility, outcome definition, ethics and the discussion are for people to write.

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


@dataclass(frozen=True)
class Item:
    """One checklist item; ``section`` the title words of the answering section (None: authors)."""

    guideline: str
    number: str
    topic: str
    section: str | None = None
    answer: str = ""


#: TRIPOD+AI (2024), all 27 items with their sub-items.
TRIPOD_AI: tuple[Item, ...] = (
    Item("TRIPOD+AI", "1", "Title"),
    Item("TRIPOD+AI", "2", "Abstract"),
    Item("TRIPOD+AI", "3a", "Background: healthcare context and rationale"),
    Item("TRIPOD+AI", "3b", "Background: target population and intended users"),
    Item("TRIPOD+AI", "3c", "Background: known health inequalities between groups"),
    Item("TRIPOD+AI", "4", "Objectives"),
    Item("TRIPOD+AI", "5a", "Data: sources", DATA, "the file used (name, SHA-256, rows read and kept)"),
    Item("TRIPOD+AI", "5b", "Data: dates of collection"),
    Item("TRIPOD+AI", "6a", "Participants: study setting"),
    Item("TRIPOD+AI", "6b", "Participants: eligibility criteria"),
    Item("TRIPOD+AI", "6c", "Participants: treatments received"),
    Item(
        "TRIPOD+AI",
        "7",
        "Data preparation and quality checks",
        DATA,
        "columns excluded with reasons, detection limits, missing-value markers",
    ),
    Item("TRIPOD+AI", "8a", "Outcome: definition and how assessed"),
    Item("TRIPOD+AI", "8b", "Outcome: qualifications of assessors"),
    Item("TRIPOD+AI", "8c", "Outcome: blinding of assessment"),
    Item("TRIPOD+AI", "9a", "Predictors: choice of initial predictors"),
    Item("TRIPOD+AI", "9b", "Predictors: definition and measurement"),
    Item("TRIPOD+AI", "9c", "Predictors: qualifications of assessors"),
    Item(
        "TRIPOD+AI",
        "10",
        "Sample size",
        SAMPLE_SIZE,
        "events per candidate parameter and the Riley et al. minimum sample size",
    ),
    Item(
        "TRIPOD+AI",
        "11",
        "Missing data",
        DATA,
        "median / most frequent value imputation learned inside the training folds; counts per feature",
    ),
    Item(
        "TRIPOD+AI",
        "12a",
        "Analysis: how data were used and partitioned",
        METHOD,
        "stratified hold-out split first; k-fold cross-validation on the training part",
    ),
    Item(
        "TRIPOD+AI",
        "12b",
        "Analysis: handling of predictors",
        METHOD,
        "imputation, one-hot coding, scaling where the model needs it",
    ),
    Item(
        "TRIPOD+AI",
        "12c",
        "Analysis: model type and building steps",
        METHOD,
        "classifier, its parameters, resampling inside each training fold only",
    ),
    Item("TRIPOD+AI", "12d", "Analysis: heterogeneity across clusters"),
    Item(
        "TRIPOD+AI",
        "12e",
        "Analysis: performance measures",
        RESULTS,
        "sensitivity, specificity, PPV, NPV with Wilson intervals; ROC and PR AUC; calibration",
    ),
    Item(
        "TRIPOD+AI",
        "12f",
        "Analysis: model updating (recalibration)",
        CALIBRATION,
        "recalibration fitted on out-of-fold training scores only",
    ),
    Item(
        "TRIPOD+AI",
        "12g",
        "Analysis: how predictions were calculated",
        METHOD,
        "the fitted pipeline; the saved model file (skops) carries it with its threshold",
    ),
    Item(
        "TRIPOD+AI",
        "13",
        "Class imbalance methods and recalibration",
        METHOD,
        "resampling method, target ratio and class weighting; recalibration in the calibration section",
    ),
    Item(
        "TRIPOD+AI",
        "14",
        "Fairness approaches",
        SUBGROUPS,
        "performance by subgroup with intervals (approaches to fairness: authors)",
    ),
    Item(
        "TRIPOD+AI",
        "15",
        "Model output and threshold",
        THRESHOLD,
        "risk score; threshold and how it was chosen on out-of-fold scores",
    ),
    Item("TRIPOD+AI", "16", "Differences between development and evaluation data"),
    Item("TRIPOD+AI", "17", "Ethical approval"),
    Item("TRIPOD+AI", "18a", "Open science: funding"),
    Item("TRIPOD+AI", "18b", "Open science: conflicts of interest"),
    Item("TRIPOD+AI", "18c", "Open science: protocol"),
    Item("TRIPOD+AI", "18d", "Open science: registration"),
    Item("TRIPOD+AI", "18e", "Open science: data sharing"),
    Item(
        "TRIPOD+AI",
        "18f",
        "Open science: code sharing",
        METHOD,
        "the code version (where to get it: authors)",
    ),
    Item("TRIPOD+AI", "19", "Patient and public involvement"),
    Item("TRIPOD+AI", "20a", "Participants: flow through the study", DATA, "rows read, left out and used"),
    Item(
        "TRIPOD+AI",
        "20b",
        "Participants: characteristics",
        DATA,
        "class counts (other characteristics: authors)",
    ),
    Item("TRIPOD+AI", "20c", "Evaluation data compared with development data"),
    Item(
        "TRIPOD+AI",
        "21",
        "Participants and events in each analysis",
        METHOD,
        "patients per class in training, after resampling and in the hold-out",
    ),
    Item(
        "TRIPOD+AI",
        "22",
        "Full model specification",
        METHOD,
        "the saved model file (skops) and the code version",
    ),
    Item(
        "TRIPOD+AI",
        "23a",
        "Performance with confidence intervals, including subgroups",
        RESULTS,
        "hold-out results with 95 % intervals; subgroups in their own section",
    ),
    Item("TRIPOD+AI", "23b", "Heterogeneity of performance across clusters"),
    Item("TRIPOD+AI", "24", "Model updating results", CALIBRATION, "raw against recalibrated risks"),
    Item("TRIPOD+AI", "25", "Interpretation"),
    Item(
        "TRIPOD+AI",
        "26",
        "Limitations",
        "Caveats",
        "caveats the app can see (small hold-out, distorted risks)",
    ),
    Item("TRIPOD+AI", "27a", "Usability in current care"),
    Item("TRIPOD+AI", "27b", "Handling poor quality or missing input data when used"),
    Item("TRIPOD+AI", "27c", "User interaction and expertise needed"),
    Item("TRIPOD+AI", "27d", "Future research"),
)

#: STARD 2015: the items the app answers, then the others for the authors.
STARD: tuple[Item, ...] = (
    Item("STARD 2015", "1-4", "Title, abstract, background, objectives"),
    Item("STARD 2015", "5-11", "Design, participants, setting, index test and reference standard"),
    Item(
        "STARD 2015",
        "12a",
        "Index test positivity cut-off: definition and rationale",
        THRESHOLD,
        "threshold, how it was chosen, chosen on training scores only",
    ),
    Item("STARD 2015", "12b", "Reference standard cut-offs"),
    Item("STARD 2015", "13a-b", "Blinding of index test and reference standard"),
    Item(
        "STARD 2015",
        "14",
        "Methods for estimating diagnostic accuracy",
        RESULTS,
        "2x2 table, Wilson intervals, DeLong and bootstrap intervals for the AUCs",
    ),
    Item("STARD 2015", "15", "Handling of indeterminate results"),
    Item("STARD 2015", "16", "Handling of missing data", DATA, "imputation inside the training folds"),
    Item("STARD 2015", "17", "Analyses of variability (subgroups)", SUBGROUPS, "performance by subgroup"),
    Item(
        "STARD 2015", "18", "Intended sample size", SAMPLE_SIZE, "Riley et al. minimum for model development"
    ),
    Item("STARD 2015", "19-22", "Flow diagram, baseline characteristics, severity, time interval"),
    Item(
        "STARD 2015",
        "23",
        "Cross tabulation of index test by reference standard",
        RESULTS,
        "hold-out 2x2 table",
    ),
    Item(
        "STARD 2015",
        "24",
        "Estimates of accuracy with 95 % intervals",
        RESULTS,
        "sensitivity, specificity, PPV, NPV with 95 % intervals",
    ),
    Item("STARD 2015", "25-30", "Adverse events, discussion, registration, protocol, funding"),
)


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
            "resampled picks (share/report_threshold.py), or why a hand-set threshold has none."
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
        for title in sorted(pages, key=len, reverse=True):
            if text.startswith(f"§ {title}"):
                return text.replace(f"§ {title}", f"§ {title} (page {pages[title]})", 1)
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


def checklist_section(inputs: Any, titles: Sequence[str]) -> Any:
    """The appendix section: two tables (TRIPOD+AI, STARD 2015) pointing into the report's sections."""

    interval = threshold_interval_text(inputs)
    version = code_version()
    extra = {"18f": version, "22": version, "15": interval}
    intro = (
        "Each item of TRIPOD+AI (Collins et al., BMJ 2024;385:e078378) and STARD 2015 (Bossuyt et al., "
        "BMJ 2015;351:h5527) with the section of this report that answers it; items marked "
        f"'{AUTHORS}' need what only the study team knows (setting, eligibility, outcome, ethics, "
        "discussion). Topics are abbreviated; use the published checklists for the full wording. "
        f"Code version: {version}."
    )
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
    return Section(APPENDIX_TITLE, (intro,), (tripod, stard))
