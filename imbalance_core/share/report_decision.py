"""Report sections for deciding in a clinic: subgroups, why-this-score (importance), sample size.

Computed here as strings (:class:`~imbalance_core.share.report_blocks.Section` / ``TableBlock``),
laid out by the PDF and HTML renderers like every other section. What a report contains is asked for with a
:class:`DecisionRequest` on ``ReportInputs.decision``:

* ``subgroups``: one or two columns (features or other columns of the table) -> the subgroup table at
  the report's threshold (:mod:`imbalance_core.evaluation.subgroups`);
* ``importance``: a finished :class:`~imbalance_core.learn.explain.Importance` (the page's cached one), or
  ``compute_importance`` to compute it here (predictions only; the CLI does this);
* the sample size section is always there for two-class tasks, with the anticipated R2 from the
  cross-validated ROC AUC (the C statistic) of the trained model
  (:mod:`imbalance_core.evaluation.sample_size`).

Nothing here fits a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from imbalance_core.errors import DataError
from imbalance_core.evaluation import sample_size, subgroups
from imbalance_core.learn import explain
from imbalance_core.share.report_blocks import Section, TableBlock

#: Section titles (the checklist appendix finds its answers by these words).
SUBGROUP_TITLE = "Subgroups"
IMPORTANCE_TITLE = "Why the model scores as it does"
SAMPLE_SIZE_TITLE = "Sample size"
SUBGROUP_TABLE = "Performance by subgroup at the threshold"
IMPORTANCE_TABLE = "Permutation importance on the hold-out set"
SAMPLE_SIZE_TABLE = "Minimum sample size (Riley et al., BMJ 2020)"


@dataclass(frozen=True, eq=False)
class DecisionRequest:
    """What the decision sections should show (see the module docstring)."""

    subgroups: tuple[str, ...] = ()
    importance: Any = None
    compute_importance: bool = False
    importance_scoring: str = "average_precision"
    importance_repeats: int = explain.N_REPEATS


@dataclass(frozen=True, eq=False)
class DecisionParts:
    """The computed parts (kept for the checklist and tests): each None when not asked for or undefined."""

    subgroups: subgroups.SubgroupTable | None
    importance: Any
    sample_size: sample_size.SampleSizeAdequacy | None
    problems: tuple[str, ...] = ()


def _ci(p: subgroups.Proportion) -> str:
    if not np.isfinite(p.value):
        return "—"
    return f"{p.value:.3f} ({p.lo:.3f}–{p.hi:.3f})"


def _num(triple: tuple[float, float, float], signed: bool = False) -> str:
    v, lo, hi = triple
    if not np.isfinite(v):
        return "—"
    if not (np.isfinite(lo) and np.isfinite(hi)):  # e.g. DeLong below 5 events: the reason is in the notes
        return f"{v:+.2f} (no interval)" if signed else f"{v:.3f} (no interval)"
    return f"{v:+.2f} ({lo:+.2f} to {hi:+.2f})" if signed else f"{v:.3f} ({lo:.3f}–{hi:.3f})"


def subgroup_block(table: subgroups.SubgroupTable) -> tuple[list[str], Any]:
    """Paragraphs and the table block of a subgroup table."""

    rows = tuple(
        (
            r.group + (" (too few)" if r.too_few else ""),
            f"{r.n:,}",
            f"{r.events:,}",
            _ci(r.proportions["sensitivity"]),
            _ci(r.proportions["specificity"]),
            _ci(r.proportions["ppv"]),
            _ci(r.proportions["npv"]),
            _num(r.roc_auc),
            _num(r.calibration_in_the_large, signed=True),
        )
        for r in table.rows
    )
    block = TableBlock(
        SUBGROUP_TABLE,
        ("Group", "n", "Events", "Sensitivity", "Specificity", "PPV", "NPV", "ROC AUC", "Cal. in the large"),
        rows,
        note=" ".join(table.notes),
        widths=(1.3, 0.6, 0.8, 1.3, 1.3, 1.3, 1.3, 1.3, 1.3),
    )
    paragraphs = [
        f"Hold-out patients grouped by {' and '.join(table.columns)}, judged at the threshold "
        f"{table.threshold:.4g}. " + " ".join(b.description + "." for b in table.bandings),
        *(g.sentence() for g in table.gaps),
    ]
    if not table.gaps:
        paragraphs.append("No two groups with enough cases to compare.")
    return paragraphs, block


def importance_block(importance: Any, top: int = 15) -> tuple[list[str], Any]:
    """Paragraph and table of the permutation importance (largest first)."""

    n = min(top, len(importance.features))
    rows = tuple(
        (str(f), f"{m:.4f}", f"{s:.4f}")
        for f, m, s in zip(importance.features[:n], importance.mean[:n], importance.sd[:n], strict=True)
    )
    block = TableBlock(
        IMPORTANCE_TABLE,
        ("Feature", f"Mean drop in {importance.scoring_name}", "SD over shuffles"),
        rows,
        widths=(2.0, 1.6, 1.2),
    )
    return [importance.description()], block


def sample_size_block(adequacy: sample_size.SampleSizeAdequacy) -> tuple[list[str], Any]:
    """Paragraph and table of the sample size check."""

    c = adequacy.criteria
    rows = (
        ("Patients / events in the data", f"{adequacy.n:,} / {adequacy.events:,}"),
        ("Candidate predictor parameters", f"{adequacy.parameters.total} ({adequacy.parameters.rule})"),
        ("Events per candidate parameter", f"{adequacy.epp:.1f}"),
        ("Anticipated Cox-Snell R2", f"{c.r2cs:.3f} (maximum {c.max_r2cs:.3f}); {adequacy.assumption}"),
        ("(i) shrinkage >= 0.9", f"{c.n_shrinkage:,}"),
        (
            "(ii) optimism in Nagelkerke R2 <= 0.05",
            f"{c.n_optimism:,} (shrinkage {c.shrinkage_optimism:.3f})",
        ),
        ("(iii) overall risk within ± 0.05", f"{c.n_risk:,}"),
        ("Minimum sample size", f"{c.minimum:,} ({c.epp_at_minimum:.1f} events per parameter)"),
    )
    block = TableBlock(SAMPLE_SIZE_TABLE, ("Item", "Value"), rows, widths=(2.0, 4.0))
    return [adequacy.sentence()], block


def decision_parts(inputs: Any, threshold: float | None) -> DecisionParts:
    """Compute what ``inputs.decision`` asks for (and the sample size of two-class tasks)."""
    request: DecisionRequest = getattr(inputs, "decision", None) or DecisionRequest()
    data, result = inputs.data, inputs.result
    problems: list[str] = []
    if not result.is_binary:
        return DecisionParts(None, None, None, ())
    table = None
    if request.subgroups and threshold is not None:
        try:
            frame = subgroups.holdout_frame(data, result.test_index, tuple(request.subgroups), inputs.table)
            table = subgroups.subgroup_table(frame, result.y_test, result.test_scores, float(threshold))
        except DataError as exc:
            problems.append(str(exc))
    importance = request.importance
    if importance is None and request.compute_importance:
        importance = explain.permutation_importance_of(
            data, result, request.importance_scoring, request.importance_repeats
        )
    auc = result.cv_summary.get("roc_auc")
    try:
        c_stat = None if auc is None else float(auc.mean)
        adequacy = sample_size.adequacy(data, c_stat, "mean cross-validated ROC AUC of the trained model")
    except DataError as exc:
        adequacy = None
        problems.append(str(exc))
    return DecisionParts(table, importance, adequacy, tuple(problems))


def decision_sections(parts: DecisionParts, first_number: int) -> list[Any]:
    """The report sections (numbered from ``first_number``) for the computed parts."""

    out = []
    number = first_number
    if parts.subgroups is not None or any("subgroup" in p for p in parts.problems):
        paragraphs, tables = [], ()
        if parts.subgroups is not None:
            paragraphs, block = subgroup_block(parts.subgroups)
            tables = (block,)
        paragraphs += [p for p in parts.problems if "subgroup" in p]
        out.append(Section(f"{number}. {SUBGROUP_TITLE}", tuple(paragraphs), tables))
        number += 1
    if parts.importance is not None:
        paragraphs, block = importance_block(parts.importance)
        out.append(Section(f"{number}. {IMPORTANCE_TITLE}", tuple(paragraphs), (block,)))
        number += 1
    if parts.sample_size is not None:
        paragraphs, block = sample_size_block(parts.sample_size)
        out.append(Section(f"{number}. {SAMPLE_SIZE_TITLE}", tuple(paragraphs), (block,)))
    return out
