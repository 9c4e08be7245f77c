"""Case mix and drift: how do the new patients differ from the ones the model was developed on?

Two views (Debray et al., J Clin Epidemiol 2015; Steyerberg, *Clinical Prediction Models*, ch. 19):

* **Per feature**, against summaries of the development rows that the model file carries
  (:func:`feature_summaries`: count, missing share, mean, SD, minimum and maximum per numeric feature;
  category shares per categorical feature; no patient rows): the standardised mean difference
  ``SMD = (mean_new - mean_dev) / sqrt((sd_dev² + sd_new²) / 2)``, the share of new values outside the
  development range, the largest change in a category's share, and the share of new rows whose category
  never occurred in development.
* **Membership model**: a classifier asked to tell development rows from new rows (needs both files'
  rows, so only when the person supplies the development file). Its cross-validated ROC AUC is 0.5 when
  the two files are exchangeable and near 1 when they are told apart easily. L2 logistic regression on
  standardised numbers (missing -> median plus a missing flag) and one-hot categories; the top features
  are the largest absolute standardised coefficients of the fit on all rows.

Plain-language bands (:data:`SMD_BANDS`, :data:`MEMBERSHIP_BANDS`): an |SMD| below 0.1 is the usual
"negligible" (Austin 2009), 0.1 to 0.25 "different", above 0.25 "very different"; a membership AUC below
0.6 "similar", to 0.75 "different", above that "very different". They are conventions, said as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from imbalance_core.errors import DataError
from imbalance_core.evaluation.formatting import share_text

#: Categories kept per categorical feature in a summary (the rest are pooled as OTHER).
MAX_LEVELS = 50
OTHER = "(other)"
#: (upper bound, words) for |SMD| and for the share changed of a category / outside the range.
SMD_BANDS: tuple[tuple[float, str], ...] = ((0.1, "similar"), (0.25, "different"), (np.inf, "very different"))
SHARE_BANDS: tuple[tuple[float, str], ...] = (
    (0.05, "similar"),
    (0.15, "different"),
    (np.inf, "very different"),
)
MEMBERSHIP_BANDS: tuple[tuple[float, str], ...] = (
    (0.6, "similar"),
    (0.75, "different"),
    (np.inf, "very different"),
)
#: Rows per file the membership model uses at most (a seeded random sample beyond).
MEMBERSHIP_MAX_ROWS = 20_000


def band(value: float, bands: tuple[tuple[float, str], ...]) -> str:
    """The words for ``value`` (absolute) in ``bands``; 'not known' for NaN."""
    if not np.isfinite(value):
        return "not known"
    for upper, words in bands:
        if abs(value) < upper:
            return words
    return bands[-1][1]


# --------------------------------------------------------------------------- summaries in the model file


def _numeric_summary(col: pd.Series) -> dict[str, Any]:
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    n = int(finite.size)
    return {
        "kind": "numeric",
        "n": n,
        "missing": float(1 - n / len(values)) if len(values) else 0.0,
        "mean": float(finite.mean()) if n else None,
        "sd": float(finite.std(ddof=1)) if n > 1 else None,
        "min": float(finite.min()) if n else None,
        "max": float(finite.max()) if n else None,
        # the usual range: robust to one extreme value, unlike min / max (absent in older model files)
        "p01": float(np.percentile(finite, 1)) if n else None,
        "p99": float(np.percentile(finite, 99)) if n else None,
    }


def _category_summary(col: pd.Series) -> dict[str, Any]:
    text = col.dropna().astype(str)
    n = int(text.size)
    shares = text.value_counts(normalize=True) if n else pd.Series(dtype=float)
    kept = {str(k): float(v) for k, v in shares.iloc[:MAX_LEVELS].items()}
    rest = float(shares.iloc[MAX_LEVELS:].sum())
    return {
        "kind": "categorical",
        "n": n,
        "missing": float(1 - n / len(col)) if len(col) else 0.0,
        "shares": kept,
        "other": rest,
    }


def feature_summaries(X: pd.DataFrame, feature_types: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Per-feature summaries of the development rows (plain numbers and strings; no rows).

    ``feature_types``: column -> "numeric" or "categorical" (the model file's ``feature_types``).
    """
    out: dict[str, dict[str, Any]] = {}
    for c, kind in feature_types.items():
        if c in X.columns:
            out[str(c)] = _numeric_summary(X[c]) if kind == "numeric" else _category_summary(X[c])
    return out


# --------------------------------------------------------------------------- per-feature drift


@dataclass(frozen=True)
class FeatureDrift:
    """One feature, development summary against the new file.

    smd: standardised mean difference (numeric; NaN for categories). outside_range: share of the new
    file's values below the development minimum or above its maximum. largest_shift: the largest
    absolute change in one category's share (categorical), with that category in ``detail``.
    outside_usual: share of the new values below the development 1st or above its 99th percentile (about
    2 % when nothing changed; NaN when the model file predates the percentiles). unseen:
    share of new rows whose category never occurred in development. verdict: similar / different / very
    different.
    """

    feature: str
    kind: str
    dev_mean: float
    new_mean: float
    smd: float
    outside_range: float
    largest_shift: float
    unseen: float
    missing_dev: float
    missing_new: float
    verdict: str
    detail: str
    outside_usual: float = float("nan")


@dataclass(frozen=True)
class CaseMix:
    """Per-feature drift, most different first, and a one-line summary."""

    features: tuple[FeatureDrift, ...]

    @property
    def n_different(self) -> int:
        """Features whose verdict is not 'similar'."""
        return sum(f.verdict not in ("similar", "not known") for f in self.features)

    def summary(self) -> str:
        """One sentence for a person."""
        very = [f.feature for f in self.features if f.verdict == "very different"]
        diff = [f.feature for f in self.features if f.verdict == "different"]
        if not very and not diff:
            return "The new patients resemble the development patients in every feature summarised."
        parts = []
        if very:
            parts.append(f"very different in {', '.join(very[:6])}{' and more' if len(very) > 6 else ''}")
        if diff:
            parts.append(f"different in {', '.join(diff[:6])}{' and more' if len(diff) > 6 else ''}")
        return "The new patients are " + "; ".join(parts) + "."


def _num(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _numeric_drift(name: str, dev: dict[str, Any], col: pd.Series) -> FeatureDrift:
    new = _numeric_summary(col)
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    lo, hi = _num(dev.get("min")), _num(dev.get("max"))
    outside = float(np.mean((finite < lo) | (finite > hi))) if finite.size and np.isfinite(lo) else 0.0
    sd_dev, sd_new = _num(dev.get("sd")), _num(new["sd"])
    pooled = np.sqrt((sd_dev**2 + sd_new**2) / 2) if np.isfinite(sd_dev) and np.isfinite(sd_new) else np.nan
    diff = _num(new["mean"]) - _num(dev.get("mean"))
    smd = float(diff / pooled) if np.isfinite(pooled) and pooled > 0 else 0.0 if diff == 0 else float("nan")
    order = ("similar", "different", "very different", "not known")
    verdict = max(band(smd, SMD_BANDS), band(outside, SHARE_BANDS), key=order.index)
    outside_text = f"{share_text(outside)} of values outside the development range {lo:.4g} to {hi:.4g}"
    detail = outside_text if outside else ""
    return FeatureDrift(name, "numeric", _num(dev.get("mean")), _num(new["mean"]), smd, outside,
                        float("nan"), 0.0, _num(dev.get("missing")), new["missing"], verdict,
                        detail, outside_usual(finite, dev))  # fmt: skip


#: Share of development values outside their own 1st-99th percentiles (by construction, about 2 %).
USUAL_SHARE = 0.02


def outside_usual(finite: np.ndarray, dev: dict[str, Any]) -> float:
    """Share of ``finite`` new values below the development 1st or above its 99th percentile; NaN when the
    summary has no percentiles (a model file saved before they were recorded) or there are no values."""
    p01, p99 = _num(dev.get("p01")), _num(dev.get("p99"))
    if not (np.isfinite(p01) and np.isfinite(p99)) or finite.size == 0:
        return float("nan")
    return float(np.mean((finite < p01) | (finite > p99)))


def usual_range_sentence(features: tuple[FeatureDrift, ...]) -> str:
    """One sentence on the 'outside the usual range' column, naming the features well above 2 %."""
    known = [f for f in features if f.kind == "numeric" and np.isfinite(f.outside_usual)]
    if not known:
        return (
            "Outside the usual range: not recorded (the model file predates the 1st/99th percentiles; "
            "minimum and maximum are used instead)."
        )
    high = [f.feature for f in known if f.outside_usual > 2.5 * USUAL_SHARE]
    base = (
        "Outside the usual range: the share of new values below the development 1st or above its 99th "
        "percentile, about 2 % when nothing changed (one extreme training value cannot hide a shift, as "
        "it can with the minimum and maximum)"
    )
    if not high:
        return base + "; no feature is well above 2 %."
    return base + f"; well above 2 % in {', '.join(high[:6])}{' and more' if len(high) > 6 else ''}."


def _category_drift(name: str, dev: dict[str, Any], col: pd.Series) -> FeatureDrift:
    new = _category_summary(col)
    dev_shares: dict[str, float] = dict(dev.get("shares", {}))
    text = col.dropna().astype(str)
    # a category pooled into OTHER in development may still have been seen: only count truly unknown
    # levels when development kept all of its levels
    complete = _num(dev.get("other", 0.0)) == 0
    unseen = float((~text.isin(dev_shares)).mean()) if text.size and complete else 0.0
    levels = set(dev_shares) | set(new["shares"])
    shifts = {k: new["shares"].get(k, 0.0) - dev_shares.get(k, 0.0) for k in levels}
    top = max(shifts, key=lambda k: abs(shifts[k])) if shifts else ""
    largest = abs(shifts[top]) if top else 0.0
    order = ("similar", "different", "very different", "not known")
    verdict = max(band(largest, SHARE_BANDS), band(unseen, SHARE_BANDS), key=order.index)
    detail = (
        f"'{top}': {share_text(dev_shares.get(top, 0.0))} in development, "
        f"{share_text(new['shares'].get(top, 0.0))} now"
        if top
        else ""
    )
    if unseen:
        detail += f"; {share_text(unseen)} of rows have a category never seen in development"
    nan = float("nan")
    return FeatureDrift(name, "categorical", nan, nan, nan, 0.0, largest, unseen,
                        _num(dev.get("missing")), new["missing"], verdict, detail)  # fmt: skip


def case_mix(summaries: dict[str, dict[str, Any]], X_new: pd.DataFrame) -> CaseMix:
    """Per-feature drift of ``X_new`` against the development ``summaries`` (most different first)."""
    if not summaries:
        raise DataError(
            "This model file carries no summaries of its development data (it was saved before they "
            "were recorded); save the model again to compare case mix."
        )
    rows = []
    for name, dev in summaries.items():
        if name not in X_new.columns:
            continue
        if dev.get("kind") == "numeric":
            rows.append(_numeric_drift(name, dev, X_new[name]))
        else:
            rows.append(_category_drift(name, dev, X_new[name]))
    rank = {"very different": 0, "different": 1, "similar": 2, "not known": 3}

    def key(f: FeatureDrift) -> tuple[int, float]:
        size = abs(f.smd) if np.isfinite(f.smd) else max(f.largest_shift, f.unseen, f.outside_range)
        return rank[f.verdict], -size

    return CaseMix(tuple(sorted(rows, key=key)))


# --------------------------------------------------------------------------- membership model


@dataclass(frozen=True)
class Membership:
    """Cross-validated AUC of telling development rows from new rows, with the features that tell them.

    top_features: (feature, absolute standardised coefficient), largest first.
    """

    auc: float
    n_dev: int
    n_new: int
    folds: int
    top_features: tuple[tuple[str, float], ...]
    verdict: str

    def summary(self) -> str:
        """One sentence for a person."""
        names = ", ".join(f for f, _ in self.top_features[:3])
        tail = f"; it tells them apart mostly by {names}" if names and self.verdict != "similar" else ""
        return (
            f"A model asked to tell development patients from new patients reaches a cross-validated AUC "
            f"of {self.auc:.2f} ({self.verdict}: 0.5 means it cannot tell them apart){tail}."
        )


def _design(
    dev: pd.DataFrame, new: pd.DataFrame, feature_types: dict[str, str]
) -> tuple[np.ndarray, list[str]]:
    """Numbers standardised (median-imputed, with a missing flag when any is missing) and one-hot
    categories, with the feature each column belongs to."""
    both = pd.concat([dev, new], ignore_index=True)
    blocks: list[np.ndarray] = []
    owner: list[str] = []
    for c, kind in feature_types.items():
        if c not in both.columns:
            continue
        if kind == "numeric":
            v = pd.to_numeric(both[c], errors="coerce").to_numpy(dtype=float)
            miss = ~np.isfinite(v)
            med = float(np.nanmedian(v)) if (~miss).any() else 0.0
            v = np.where(miss, med, v)
            sd = float(v.std())
            blocks.append(((v - v.mean()) / (sd if sd > 0 else 1.0))[:, None])
            owner.append(c)
            if miss.any() and not miss.all():
                blocks.append(((miss - miss.mean()) / max(miss.std(), 1e-12))[:, None])
                owner.append(c)
        else:
            text = both[c].astype(object).where(both[c].notna(), "(missing)").astype(str)
            levels = text.value_counts().index[:MAX_LEVELS]
            for level in levels:
                d = (text == level).to_numpy(dtype=float)
                sd = d.std()
                if sd > 0:
                    blocks.append(((d - d.mean()) / sd)[:, None])
                    owner.append(c)
    if not blocks:
        raise DataError("The two files share no feature to compare.")
    return np.hstack(blocks), owner


def membership_model(
    X_dev: pd.DataFrame, X_new: pd.DataFrame, feature_types: dict[str, str], folds: int = 5, seed: int = 0
) -> Membership:
    """Debray's membership model: cross-validated AUC of 'new file' vs 'development file'."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    rng = np.random.default_rng(seed)

    def cap(frame: pd.DataFrame) -> pd.DataFrame:
        if len(frame) <= MEMBERSHIP_MAX_ROWS:
            return frame
        return frame.iloc[np.sort(rng.choice(len(frame), MEMBERSHIP_MAX_ROWS, replace=False))]

    dev, new = cap(X_dev), cap(X_new)
    if min(len(dev), len(new)) < folds:
        raise DataError(f"The membership model needs at least {folds} patients in each file.")
    X, owner = _design(dev, new, feature_types)
    y = np.r_[np.zeros(len(dev)), np.ones(len(new))]
    model = LogisticRegression(C=1.0, max_iter=1000)
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    scores = cross_val_predict(model, X, y, cv=cv, method="predict_proba")[:, 1]
    auc = float(roc_auc_score(y, scores))
    coef = np.abs(model.fit(X, y).coef_.ravel())
    per: dict[str, float] = {}
    for c, w in zip(owner, coef, strict=True):
        per[c] = max(per.get(c, 0.0), float(w))
    top = tuple(sorted(per.items(), key=lambda kv: -kv[1])[:10])
    return Membership(auc, len(dev), len(new), folds, top, band(auc, MEMBERSHIP_BANDS))
