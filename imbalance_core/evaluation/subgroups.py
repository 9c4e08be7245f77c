"""Subgroups: does the model work as well for women as for men, for the over-75s?

At the committed threshold (``score >= threshold`` is test positive, as everywhere), for each group of
the hold-out rows formed by one or two columns:

* n, events, prevalence; sensitivity, specificity, PPV and NPV, each with a Wilson 95 % interval
  (:func:`imbalance_core.evaluation.intervals.wilson`);
* ROC AUC with DeLong's interval (NaN with the reason when the group has only one class; the AUC
  without an interval, reason stated, below 5 events or non-events: ``intervals.MIN_DELONG``);
* calibration-in-the-large (:func:`imbalance_core.evaluation.calibration.calibration_intercept`: the
  damped fitter, Wald interval, Firth's fit with the reason under separation; NaN with the reason in
  words only when no estimate exists).

How columns become groups (:func:`band_column`, the bands are stated in the result):

* text, categorical and boolean columns, and numeric columns with at most :data:`MAX_CODES` distinct
  values (codes such as 0/1 for sex), as they are;
* a numeric column that looks like an age (its name is "age" or starts/ends with it, values within
  0-120): decades ("40-49");
* other numeric columns: quartiles of the hold-out values (``pandas.qcut``; equal edges merged), the
  edges shown;
* a missing value is a group of its own ("missing"), never dropped.

Groups with fewer than :data:`MIN_EVENTS` events or non-events are marked "too few", not hidden. For each
of sensitivity, specificity, PPV and NPV the largest gap between two groups (not too few) is reported, and
flagged when their intervals do not overlap. Bookkeeping is a sort by group code and per-group slices
(no Fairlearn); every number is recomputed from counts, so tests compare each group with numpy/sklearn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from imbalance_core.errors import DataError
from imbalance_core.evaluation.calibration import calibration_intercept
from imbalance_core.evaluation.intervals import MIN_DELONG, delong_roc_auc, wilson

#: A group with fewer events or fewer non-events than this is marked "too few".
MIN_EVENTS = 10
#: Numeric columns with at most this many distinct values are taken as codes (groups as they are).
MAX_CODES = 6
#: At most this many subgroup columns at once.
MAX_COLUMNS = 2
MISSING = "missing"
#: The proportions with Wilson intervals, in display order.
PROPORTIONS = ("prevalence", "sensitivity", "specificity", "ppv", "npv")
#: The proportions whose largest gap is reported.
GAP_METRICS = ("sensitivity", "specificity", "ppv", "npv")
METRIC_NAMES = {
    "prevalence": "Prevalence",
    "sensitivity": "Sensitivity",
    "specificity": "Specificity",
    "ppv": "PPV",
    "npv": "NPV",
    "roc_auc": "ROC AUC",
    "calibration_in_the_large": "Calibration-in-the-large",
}
_AGE = re.compile(r"(^age([\W_]|$))|([\W_]age$)|(^age$)", re.IGNORECASE)


@dataclass(frozen=True)
class Banding:
    """How one column was turned into groups: 'categories', 'decades' or 'quartiles', in words."""

    column: str
    kind: str
    description: str


@dataclass(frozen=True)
class Proportion:
    """count / total with its Wilson 95 % interval (NaN when total is 0)."""

    count: int
    total: int
    value: float
    lo: float
    hi: float


@dataclass(frozen=True)
class SubgroupRow:
    """One group's numbers at the threshold; ``reasons`` say why a value is missing."""

    group: str
    n: int
    events: int
    tp: int
    fp: int
    tn: int
    fn: int
    proportions: dict[str, Proportion]
    roc_auc: tuple[float, float, float]
    calibration_in_the_large: tuple[float, float, float]
    too_few: bool
    reasons: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly: counts, each proportion with lo/hi, AUC and intercept with lo/hi (NaN -> None)."""

        def num(x: float) -> float | None:
            return None if not np.isfinite(x) else round(float(x), 6)

        out: dict[str, Any] = {
            "group": self.group, "n": self.n, "events": self.events,
            "tp": self.tp, "fp": self.fp, "tn": self.tn, "fn": self.fn,
        }  # fmt: skip
        for key, p in self.proportions.items():
            out[key] = {
                "value": num(p.value),
                "lo": num(p.lo),
                "hi": num(p.hi),
                "count": p.count,
                "of": p.total,
            }
        for key in ("roc_auc", "calibration_in_the_large"):
            v, lo, hi = getattr(self, key)
            out[key] = {"value": num(v), "lo": num(lo), "hi": num(hi)}
        out["too_few"] = self.too_few
        out["reasons"] = list(self.reasons)
        return out


@dataclass(frozen=True)
class SubgroupGap:
    """The largest difference in one metric between two groups; ``separated`` when intervals don't overlap."""

    metric: str
    high_group: str
    low_group: str
    difference: float
    separated: bool

    def sentence(self) -> str:
        """Plain words for the page and report."""
        name = METRIC_NAMES[self.metric]
        tail = (
            "their 95 % intervals do not overlap"
            if self.separated
            else "their 95 % intervals overlap, so this may be chance"
        )
        pair = f"{self.high_group} and {self.low_group}"
        return f"{name}: largest gap {self.difference:.3f} between {pair}; {tail}."


@dataclass(frozen=True)
class SubgroupTable:
    """Per-group performance at one threshold on the hold-out set."""

    columns: tuple[str, ...]
    bandings: tuple[Banding, ...]
    threshold: float
    rows: tuple[SubgroupRow, ...]
    gaps: tuple[SubgroupGap, ...]
    min_events: int = MIN_EVENTS
    notes: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        """JSON block (``evaluate --subgroup COL --json``)."""
        return {
            "columns": list(self.columns),
            "threshold": self.threshold,
            "bands": [
                {"column": b.column, "kind": b.kind, "description": b.description} for b in self.bandings
            ],
            "min_events": self.min_events,
            "groups": [r.as_dict() for r in self.rows],
            "largest_gaps": [
                {
                    "metric": g.metric,
                    "high_group": g.high_group,
                    "low_group": g.low_group,
                    "difference": round(g.difference, 6),
                    "intervals_separate": g.separated,
                }
                for g in self.gaps
            ],
            "notes": list(self.notes),
        }

    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame of numbers (page display; NaN where undefined)."""
        records = []
        for r in self.rows:
            rec: dict[str, Any] = {"group": r.group, "n": r.n, "events": r.events}
            for key, p in r.proportions.items():
                rec[key], rec[f"{key}_lo"], rec[f"{key}_hi"] = p.value, p.lo, p.hi
            rec["roc_auc"], rec["roc_auc_lo"], rec["roc_auc_hi"] = r.roc_auc
            cal = r.calibration_in_the_large
            rec["cal_large"], rec["cal_large_lo"], rec["cal_large_hi"] = cal
            rec["too_few"] = r.too_few
            records.append(rec)
        return pd.DataFrame.from_records(records)


# --------------------------------------------------------------------------- bands


def looks_like_age(name: str, values: pd.Series) -> bool:
    """True for a numeric column named like an age whose values lie within 0-120."""
    if not _AGE.search(str(name).strip()):
        return False
    finite = pd.to_numeric(values, errors="coerce").dropna()
    return bool(len(finite)) and float(finite.min()) >= 0 and float(finite.max()) <= 120


def _fmt_edge(x: float) -> str:
    return f"{x:.4g}"


def band_column(values: pd.Series, name: str) -> tuple[pd.Series, Banding]:
    """Group labels (strings, "missing" for missing values) for one column, and how they were made."""
    missing = values.isna()
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if not numeric or values.dropna().nunique() <= MAX_CODES:
        labels = values.astype(object).map(lambda v: str(v).strip() if isinstance(v, str) else str(v))
        kind = "categories"
        how = "values as they are" + (
            "" if not numeric else f" (at most {MAX_CODES} distinct numbers: codes)"
        )
    elif looks_like_age(name, values):
        low = (np.floor(values.astype(float) / 10) * 10).astype("Int64")
        labels = low.map(lambda v: f"{int(v)}-{int(v) + 9}" if pd.notna(v) else MISSING).astype(object)
        kind, how = "decades", "age by decade (40-49 = 40 to under 50)"
    else:
        cut, edges = pd.qcut(values.astype(float), 4, retbins=True, duplicates="drop")
        codes = cut.cat.codes.to_numpy()
        names = [
            f"Q{i + 1} [{_fmt_edge(edges[i])}, {_fmt_edge(edges[i + 1])}{']' if i == len(edges) - 2 else ')'}"
            for i in range(len(edges) - 1)
        ]
        labels = pd.Series([names[c] if c >= 0 else MISSING for c in codes], index=values.index, dtype=object)
        kind = "quartiles"
        how = "quartiles of the hold-out values, edges " + ", ".join(_fmt_edge(e) for e in edges)
    labels = labels.where(~missing, MISSING)
    return labels, Banding(str(name), kind, f"{name}: {how}; missing values form their own group")


# --------------------------------------------------------------------------- columns of the hold-out


def holdout_frame(
    data: Any, test_index: np.ndarray, columns: tuple[str, ...], table: Any = None
) -> pd.DataFrame:
    """The subgroup columns for the hold-out rows: a feature of ``data.X``, else a column of the table.

    ``table`` is the :class:`~imbalance_core.intake.read.LoadedTable` the data were prepared from; its
    rows are matched through ``data.source_rows`` (columns left out of the features, e.g. an age kept
    out of the model, can still form subgroups). Raises DataError naming what to do for an unknown column.
    """
    if not columns:
        raise DataError("Choose at least one column to form subgroups.")
    if len(columns) > MAX_COLUMNS:
        raise DataError(f"Choose at most {MAX_COLUMNS} columns to form subgroups.")
    out = {}
    idx = np.asarray(test_index, dtype=np.int64)
    for col in columns:
        if col in data.X.columns:
            out[col] = data.X[col].iloc[idx].reset_index(drop=True)
        elif (
            table is not None
            and col in table.frame.columns
            and getattr(data, "source_rows", None) is not None
        ):
            rows = np.asarray(data.source_rows, dtype=np.int64)[idx]
            out[col] = table.frame[col].iloc[rows].reset_index(drop=True)
        else:
            raise DataError(
                "A subgroup column is not a column of the table; choose one of the table's columns "
                "(the label cannot form subgroups)."
            )
        if col == getattr(data, "label", None):
            raise DataError("The label cannot form subgroups; choose another column.")
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- the table


def _proportion(count: int, total: int) -> Proportion:
    lo, hi = wilson(np.array([count]), np.array([total]))
    value = count / total if total else float("nan")
    return Proportion(int(count), int(total), float(value), float(lo[0]), float(hi[0]))


def _group_row(name: str, y: np.ndarray, s: np.ndarray, threshold: float, min_events: int) -> SubgroupRow:
    called = s >= threshold
    tp = int(np.sum(called & (y == 1)))
    fp = int(np.sum(called & (y == 0)))
    fn = int(np.sum(~called & (y == 1)))
    tn = int(np.sum(~called & (y == 0)))
    n, events = len(y), tp + fn
    props = {
        "prevalence": _proportion(events, n),
        "sensitivity": _proportion(tp, tp + fn),
        "specificity": _proportion(tn, tn + fp),
        "ppv": _proportion(tp, tp + fp),
        "npv": _proportion(tn, tn + fn),
    }
    reasons = []
    nan3 = (float("nan"),) * 3
    if events == 0 or events == n:
        auc = nan3
        reasons.append("ROC AUC and calibration-in-the-large need both classes in the group.")
        cal = nan3
    else:
        iv = delong_roc_auc(y, s)
        auc = (iv.value, iv.lo, iv.hi)
        if not np.isfinite(iv.lo):
            reasons.append(f"ROC AUC {iv.method}.")
        try:
            est = calibration_intercept(y.astype(float), s)
            cal = (est.value, est.low, est.high)
            if est.method != "Wald (model-based)":
                reasons.append(f"Calibration-in-the-large: {est.method}.")
        except DataError as exc:
            cal = nan3
            reasons.append(f"Calibration-in-the-large is not estimable: {getattr(exc, 'reason', exc)}.")
    if tp + fp == 0:
        reasons.append("PPV is undefined: nobody in the group is called positive.")
    if tn + fn == 0:
        reasons.append("NPV is undefined: nobody in the group is called negative.")
    too_few = events < min_events or (n - events) < min_events
    if too_few:
        reasons.append(f"Too few cases: fewer than {min_events} events or non-events; read with care.")
    return SubgroupRow(name, n, events, tp, fp, tn, fn, props, auc, cal, too_few, tuple(reasons))


def _gaps(rows: tuple[SubgroupRow, ...]) -> tuple[SubgroupGap, ...]:
    out = []
    usable = [r for r in rows if not r.too_few]
    for key in GAP_METRICS:
        vals = [(r.proportions[key], r.group) for r in usable if np.isfinite(r.proportions[key].value)]
        if len(vals) < 2:
            continue
        hi_p, hi_name = max(vals, key=lambda t: t[0].value)
        lo_p, lo_name = min(vals, key=lambda t: t[0].value)
        out.append(SubgroupGap(key, hi_name, lo_name, hi_p.value - lo_p.value, bool(hi_p.lo > lo_p.hi)))
    return tuple(out)


def subgroup_table(
    groups: pd.DataFrame, y_true: Any, scores: Any, threshold: float, min_events: int = MIN_EVENTS
) -> SubgroupTable:
    """Per-group numbers at ``threshold`` for the hold-out rows (``groups``: one or two columns, row-aligned).

    Two columns form their crossed groups ("F · 40-49"). Groups are listed in label order, missing last.
    """
    y = np.asarray(y_true, dtype=np.int64).ravel()
    s = np.asarray(scores, dtype=float).ravel()
    if s.ndim != 1 or len(s) != len(y) or len(groups) != len(y):
        raise DataError("Subgroups need one score, one outcome and one group value per hold-out patient.")
    if not 1 <= groups.shape[1] <= MAX_COLUMNS:
        raise DataError(f"Choose one or {MAX_COLUMNS} columns to form subgroups.")
    if not np.isfinite(threshold):
        raise DataError("The threshold must be a number.")
    labels, bandings = [], []
    for col in groups.columns:
        lab, band = band_column(groups[col].reset_index(drop=True), str(col))
        labels.append(np.asarray(lab.astype(str), dtype=str))
        bandings.append(band)
    combined = labels[0] if len(labels) == 1 else np.char.add(np.char.add(labels[0], " · "), labels[1])
    names, codes = np.unique(combined, return_inverse=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    rows = []
    for g, name in enumerate(names):
        take = order[bounds[g] : bounds[g + 1]]
        rows.append(_group_row(str(name), y[take], s[take], float(threshold), min_events))
    rows.sort(key=lambda r: (MISSING in r.group.split(" · "), r.group))
    notes = [
        f"Groups with fewer than {min_events} events or non-events are marked, not hidden.",
        "Wilson 95 % intervals for proportions; DeLong for ROC AUC; Wald for calibration-in-the-large "
        "(0 = risks right on average; below 0 = risks too high).",
    ]
    if any(not np.isfinite(r.roc_auc[1]) and np.isfinite(r.roc_auc[0]) for r in rows):
        notes.append(
            f"ROC AUC has no interval in a group with fewer than {MIN_DELONG} events or non-events: DeLong's "
            "variance is unreliable there."
        )
    penalised = sorted({r.group for r in rows if any("Firth" in why for why in r.reasons)})
    if penalised:
        notes.append(
            "Calibration-in-the-large by Firth's penalised fit (the scores separate the classes) in: "
            + ", ".join(penalised)
            + "."
        )
    return SubgroupTable(
        columns=tuple(str(c) for c in groups.columns),
        bandings=tuple(bandings),
        threshold=float(threshold),
        rows=tuple(rows),
        gaps=_gaps(tuple(rows)),
        min_events=min_events,
        notes=tuple(notes),
    )


def format_text(table: SubgroupTable) -> str:
    """The table as aligned lines for a terminal (CLI text output)."""

    def ci(p: Proportion) -> str:
        return "—" if not np.isfinite(p.value) else f"{p.value:.3f} ({p.lo:.3f}-{p.hi:.3f})"

    lines = [f"subgroups by {' x '.join(table.columns)} at threshold {table.threshold:.4g}"]
    lines += [f"  bands: {b.description}" for b in table.bandings]
    for r in table.rows:
        auc = "—" if not np.isfinite(r.roc_auc[0]) else f"{r.roc_auc[0]:.3f}"
        cal = (
            "—" if not np.isfinite(r.calibration_in_the_large[0]) else f"{r.calibration_in_the_large[0]:+.2f}"
        )
        flag = "  [too few]" if r.too_few else ""
        lines.append(
            f"  {r.group}: n {r.n}, events {r.events}, sens {ci(r.proportions['sensitivity'])}, "
            f"spec {ci(r.proportions['specificity'])}, PPV {ci(r.proportions['ppv'])}, "
            f"NPV {ci(r.proportions['npv'])}, ROC AUC {auc}, cal. in the large {cal}{flag}"
        )
    lines += [f"  {g.sentence()}" for g in table.gaps]
    return "\n".join(lines)
