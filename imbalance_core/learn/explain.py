"""Why this score: permutation importance on the hold-out, and one patient's what-if. Never retrains.

Both work on the *fitted* pipeline of a :class:`~imbalance_core.learn.training.TrainResult` (with its
calibrator when the scores were recalibrated, so the what-if shows the same risk the Threshold page
judges). Nothing here calls ``fit``: a test replaces every ``fit`` with one that fails.

* **Permutation importance** (:func:`permutation_importance_of`): scikit-learn's
  ``sklearn.inspection.permutation_importance`` on the hold-out rows: each feature column (as in the
  data, before one-hot coding) is shuffled ``n_repeats`` times (seeded) and the drop in the score is its
  importance. Scored by average precision (PR AUC, the default: it looks at the rare class) or by
  log-loss (``neg_log_loss``, which also sees calibration). Predictions only: about
  ``n_features x n_repeats`` scorings of the hold-out.
* **What-if** (:func:`score_rows`, :func:`nearest_flips`): the score of edited patient rows, and for each
  feature the smallest single change that moves the decision across the threshold — searched along a
  grid of the feature's observed range in the development data (:data:`GRID_POINTS` evenly spaced values
  between its minimum and maximum plus every observed quantile step; each category for a categorical
  feature), one feature at a time, all candidates scored in one batch. When none crosses: "no single
  change within the observed range flips it".
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance
from sklearn.metrics import average_precision_score, log_loss

from imbalance_core.errors import DataError
from imbalance_core.learn.recalibration import wrap
from imbalance_core.learn.training import predict_scores

#: Scorers of the permutation importance: key -> (display name, function of (y, scores)).
SCORERS: dict[str, tuple[str, Any]] = {
    "average_precision": ("PR AUC (average precision)", average_precision_score),
    "neg_log_loss": ("log-loss", lambda y, p: -log_loss(y, np.clip(p, 1e-15, 1 - 1e-15), labels=[0, 1])),
}
#: Default number of shuffles per feature.
N_REPEATS = 5
#: Points of the evenly spaced part of the what-if grid for a numeric feature.
GRID_POINTS = 41
NO_FLIP = "no single change within the observed range flips it"


@dataclass(frozen=True)
class Importance:
    """Permutation importance per feature (drop in the score when the column is shuffled), largest first."""

    features: tuple[str, ...]
    mean: np.ndarray
    sd: np.ndarray
    scoring: str
    n_repeats: int
    seed: int
    n_rows: int
    baseline: float
    seconds: float

    @property
    def scoring_name(self) -> str:
        """Display name of the score."""
        return SCORERS[self.scoring][0]

    def description(self) -> str:
        """How it was computed, in one sentence (page caption, report)."""
        return (
            f"Permutation importance on the {self.n_rows:,} hold-out patients: each feature shuffled "
            f"{self.n_repeats} times (seed {self.seed}); the bar is the mean drop in "
            f"{self.scoring_name} (baseline {self.baseline:.3f}), the line ± 1 SD over the shuffles. "
            "A feature the model leans on loses most when shuffled; correlated features share credit."
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly."""
        return {
            "scoring": self.scoring,
            "n_repeats": self.n_repeats,
            "seed": self.seed,
            "n_rows": self.n_rows,
            "baseline": round(self.baseline, 6),
            "features": [
                {"feature": f, "mean": round(float(m), 6), "sd": round(float(s), 6)}
                for f, m, s in zip(self.features, self.mean, self.sd, strict=True)
            ],
        }


@dataclass(frozen=True)
class Flip:
    """The nearest single change of one feature that moves the decision, or why there is none."""

    feature: str
    current: Any
    new_value: Any
    new_score: float
    change: float | None
    flips: bool

    def sentence(self, threshold: float) -> str:
        """Plain words: 'ALT from 32 to 58 (+26) -> score 0.61, above the threshold 0.40'."""
        if not self.flips:
            return f"{self.feature}: {NO_FLIP}."
        side = "at or above" if self.new_score >= threshold else "below"
        if self.change is None:
            what = f"{self.feature} from {_show(self.current)} to {_show(self.new_value)}"
        else:
            what = (
                f"{self.feature} from {_show(self.current)} to {_show(self.new_value)} ({self.change:+.4g})"
            )
        return f"{what} -> score {self.new_score:.3f}, {side} the threshold {threshold:.4g}."


def _show(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return "missing" if not np.isfinite(value) else f"{float(value):.4g}"
    return str(value)


def _require_binary(result: Any) -> None:
    if not result.is_binary:
        raise DataError(
            "Why-this-score works for two-class models; choose a positive class on the Data page."
        )


def score_rows(result: Any, rows: pd.DataFrame) -> np.ndarray:
    """Positive-class scores of ``rows`` (feature columns of the data) as the Threshold page sees them.

    The fitted pipeline's score, recalibrated when the result carries a calibrator. Predictions only.
    """
    _require_binary(result)
    scores = predict_scores(result.pipeline, rows, 2)
    calibrator = getattr(result, "calibrator", None)
    return scores if calibrator is None else calibrator.transform(scores)


def holdout_rows(data: Any, result: Any) -> pd.DataFrame:
    """The hold-out patients' feature rows (positions ``result.test_index`` of ``data.X``), index kept."""
    return data.X.iloc[np.asarray(result.test_index, dtype=np.int64)]


def permutation_importance_of(
    data: Any,
    result: Any,
    scoring: str = "average_precision",
    n_repeats: int = N_REPEATS,
    seed: int | None = None,
) -> Importance:
    """Permutation importance of every feature on the hold-out rows (see the module docstring)."""
    _require_binary(result)
    if scoring not in SCORERS:
        raise DataError(f"Unknown importance score; choose one of: {', '.join(SCORERS)}.")
    if n_repeats < 1:
        raise DataError("Permutation importance needs at least one shuffle per feature.")
    X = holdout_rows(data, result)
    y = np.asarray(result.y_test, dtype=np.int64)
    if len(np.unique(y)) < 2:
        raise DataError("Permutation importance needs both classes in the hold-out set.")
    metric = SCORERS[scoring][1]
    model = wrap(result.pipeline, getattr(result, "calibrator", None))

    def scorer(estimator: Any, X_: pd.DataFrame, y_: np.ndarray) -> float:
        return float(metric(y_, score_rows(result, X_)))

    rng_seed = int(result.settings.seed if seed is None else seed)
    t0 = time.perf_counter()
    found = permutation_importance(model, X, y, scoring=scorer, n_repeats=n_repeats, random_state=rng_seed)
    seconds = time.perf_counter() - t0
    order = np.argsort(-found.importances_mean, kind="stable")
    return Importance(
        features=tuple(str(X.columns[i]) for i in order),
        mean=np.asarray(found.importances_mean)[order],
        sd=np.asarray(found.importances_std)[order],
        scoring=scoring,
        n_repeats=int(n_repeats),
        seed=rng_seed,
        n_rows=len(X),
        baseline=float(metric(y, score_rows(result, X))),
        seconds=seconds,
    )


def feature_grid(data: Any, feature: str, points: int = GRID_POINTS) -> np.ndarray:
    """Candidate values of ``feature`` for the flip search: its observed range (numeric) or categories."""
    values = data.X[feature].dropna()
    if feature in data.categorical_features:
        return np.asarray(sorted(values.astype(str).unique()), dtype=object)
    v = values.to_numpy(dtype=float)
    if v.size == 0:
        return np.zeros(0)
    even = np.linspace(v.min(), v.max(), points)
    steps = np.quantile(v, np.linspace(0, 1, points))
    return np.unique(np.concatenate([even, steps]))


def nearest_flips(
    data: Any, result: Any, row: pd.DataFrame, threshold: float, features: tuple[str, ...]
) -> tuple[Flip, ...]:
    """For each feature, the smallest single change (within its observed range) that crosses ``threshold``.

    ``row``: one patient's feature row. Numeric features: the grid value nearest to the current one
    (missing counts as the median) whose score falls on the other side; categorical: the first other
    category (in sorted order) that does. All candidates of all features are scored in one batch.
    """
    if len(row) != 1:
        raise DataError("The what-if needs exactly one patient row.")
    current_score = float(score_rows(result, row)[0])
    called = current_score >= threshold
    batches, owners = [], []
    for feature in features:
        grid = feature_grid(data, feature)
        if grid.size == 0:
            continue
        block = pd.concat([row] * len(grid), ignore_index=True)
        block[feature] = grid if feature in data.categorical_features else grid.astype(float)
        batches.append(block)
        owners.append((feature, grid))
    if not batches:
        return tuple(Flip(f, row[f].iloc[0], None, current_score, None, False) for f in features)
    scores = score_rows(result, pd.concat(batches, ignore_index=True).astype(row.dtypes.to_dict()))
    out, start = [], 0
    for feature, grid in owners:
        s = scores[start : start + len(grid)]
        start += len(grid)
        current = row[feature].iloc[0]
        crosses = (s >= threshold) != called
        if feature in data.categorical_features:
            crosses &= grid != str(current)
            hit = np.flatnonzero(crosses)
            if hit.size:
                i = int(hit[0])
                out.append(Flip(feature, current, grid[i], float(s[i]), None, True))
                continue
        else:
            base = float(current) if pd.notna(current) else float(data.X[feature].median())
            dist = np.where(crosses, np.abs(grid.astype(float) - base), np.inf)
            if np.isfinite(dist).any():
                i = int(np.argmin(dist))
                change = float(grid[i]) - base
                out.append(Flip(feature, current, float(grid[i]), float(s[i]), change, True))
                continue
        out.append(Flip(feature, current, None, current_score, None, False))
    done = {f.feature for f in out}
    out += [Flip(f, row[f].iloc[0], None, current_score, None, False) for f in features if f not in done]
    return tuple(out)


#: How far beyond the development data's observed range a what-if value may go before it is flagged,
#: in multiples of that range (a value twice as far out as the data spread is no longer "a patient").
PLAUSIBLE_SPAN = 1.0


def implausible_values(data: Any, row: pd.DataFrame, features: tuple[str, ...]) -> tuple[str, ...]:
    """One sentence per edited numeric value the model cannot judge: not finite, or far outside the
    development data's observed range (beyond :data:`PLAUSIBLE_SPAN` times that range on either side).

    The model still scores such a value (a tree answers as for the largest value it saw, a linear
    model extrapolates without bound), so the page says the score is not to be trusted rather than
    showing it bare. Names are the data's own column names: show them through ``common.plain``.
    """
    out = []
    for feature in features:
        if feature not in getattr(data, "numeric_features", ()) or feature not in row:
            continue
        value = pd.to_numeric(row[feature], errors="coerce").astype(float).iloc[0]
        if pd.isna(value):
            continue  # missing: the imputer fills it, as for any patient
        observed = pd.to_numeric(data.X[feature], errors="coerce").astype(float)
        observed = observed[np.isfinite(observed)]
        if not np.isfinite(value):
            out.append(f"{feature}: the value is not a finite number; the score for it means nothing.")
            continue
        if observed.empty:
            continue
        low, high = float(observed.min()), float(observed.max())
        span = (high - low if high > low else max(abs(high), 1.0)) * PLAUSIBLE_SPAN
        if value < low - span or value > high + span:
            out.append(
                f"{feature}: {value:.4g} lies far outside the development data ({low:.4g} to "
                f"{high:.4g}); the model never saw such a value, so its score here is not to be trusted."
            )
    return tuple(out)
