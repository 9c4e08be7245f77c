"""Would more patients help? A learning curve beside the Riley minimum sample size.

Cross-validated PR AUC, ROC AUC and calibration slope against the number of training patients:
stratified k-fold repeated (default 5 x 2); in each outer fold the training rows are subsampled to each
share in :data:`SHARES` (stratified, seeded; a smaller share is a subset of a larger one, so the curve
does not wobble from one draw to the next), the pipeline (sampler inside) is fitted on them and judged on
the untouched held-out fold. Each point is the mean over the outer folds with the 2.5th-97.5th
percentile of the fold values as its band (the spread of single folds, not a confidence interval of the
mean; folds overlap, so no interval of the mean is claimed).

Flattened: the PR AUC gained over the last step (the two largest shares) is below :data:`FLAT_GAIN`
(0.01) — then more patients of the same kind are unlikely to help much; otherwise the curve is still
rising. The Riley et al. minimum (:mod:`imbalance_core.evaluation.sample_size`) is shown beside it, with
the C statistic of the full-size points as its anticipated performance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import RepeatedStratifiedKFold
from threadpoolctl import threadpool_limits

from imbalance_core.errors import DataError
from imbalance_core.evaluation.calibration import calibration_slope
from imbalance_core.evaluation.formatting import percent
from imbalance_core.evaluation.sample_size import SampleSizeAdequacy, adequacy
from imbalance_core.intake.task import PreparedData
from imbalance_core.learn import execution, refit
from imbalance_core.learn.training import TrainSettings

SHARES: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8, 1.0)
CURVE_MEASURES = ("pr_auc", "roc_auc", "cal_slope")
#: PR AUC gained over the last step below which the curve counts as flattened.
FLAT_GAIN = 0.01


@dataclass(frozen=True, eq=False)
class CurvePoint:
    """One share of the training rows: patients and events used (mean over folds), and each measure."""

    share: float
    n_train: float
    events: float
    mean: dict[str, float]
    low: dict[str, float]
    high: dict[str, float]


@dataclass(frozen=True, eq=False)
class LearningCurve:
    """The curve's points, whether it flattened, and the Riley minimum (None when it cannot be computed)."""

    points: tuple[CurvePoint, ...]
    folds: int
    repeats: int
    riley: SampleSizeAdequacy | None

    @property
    def last_gain(self) -> float:
        """PR AUC at the largest share minus at the one before."""
        return float(self.points[-1].mean["pr_auc"] - self.points[-2].mean["pr_auc"])

    def flattened(self) -> bool:
        """True when the last step gained less than :data:`FLAT_GAIN` PR AUC."""
        return self.last_gain < FLAT_GAIN

    def sentence(self) -> str:
        """Whether the curve has flattened, in words, with the Riley minimum."""
        a, b = self.points[-2], self.points[-1]
        gain = (
            f"PR AUC {a.mean['pr_auc']:.3f} at {a.n_train:.0f} patients, "
            f"{b.mean['pr_auc']:.3f} at {b.n_train:.0f}"
        )
        if self.flattened():
            said = (
                f"The curve has flattened ({gain}): more patients of the same kind are unlikely to help much."
            )
        else:
            said = f"The curve is still rising ({gain}): more patients would probably help."
        if self.riley is not None:
            minimum = self.riley.criteria.minimum
            said += (
                f" The Riley minimum for this model is {minimum:,} patients; the training folds hold "
                f"{b.n_train:.0f}."
            )
        return said

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly points and the sentence."""

        def clean(d: dict[str, float]) -> dict[str, float | None]:
            return {k: (None if not np.isfinite(v) else float(v)) for k, v in d.items()}

        return {
            "folds": self.folds,
            "repeats": self.repeats,
            "points": [
                {
                    "share": p.share,
                    "n_train": p.n_train,
                    "events": p.events,
                    "mean": clean(p.mean),
                    "low": clean(p.low),
                    "high": clean(p.high),
                }
                for p in self.points
            ],
            "flattened": self.flattened(),
            "riley_minimum": None if self.riley is None else self.riley.criteria.minimum,
            "sentence": self.sentence(),
        }

    def text(self) -> str:
        """Terminal lines."""
        lines = [f"would more patients help? ({self.folds}-fold CV x {self.repeats})"]
        for p in self.points:
            lines.append(
                f"  {percent(p.share, 0):>5} ({p.n_train:>6.0f} patients): PR AUC {p.mean['pr_auc']:.3f}, "
                f"ROC AUC {p.mean['roc_auc']:.3f}, slope {p.mean['cal_slope']:.3f}"
            )
        lines.append("  " + self.sentence())
        return "\n".join(lines)


def nested_subsets(y: np.ndarray, shares: tuple[float, ...], seed: int) -> list[np.ndarray]:
    """Positions (into ``y``) of each share's subset, stratified, each a subset of the next larger one."""
    rng = np.random.default_rng(seed)
    orders = {c: rng.permutation(np.flatnonzero(y == c)) for c in np.unique(y)}
    return [np.sort(np.concatenate([o[: max(2, round(s * len(o)))] for o in orders.values()]))
            for s in shares]  # fmt: skip


def _slope(y: np.ndarray, p: np.ndarray) -> float:
    try:
        return float(calibration_slope(y.astype(float), p).value)
    except (DataError, np.linalg.LinAlgError):
        return float("nan")


def _point_task(data: PreparedData, fold: int, fit: np.ndarray, held: np.ndarray, settings: TrainSettings):
    """All shares of one outer fold: (fold, [(n, events, pr, roc, slope) per share])."""
    y = np.asarray(data.y, dtype=np.int64)
    out = []
    with threadpool_limits(limits=1):
        for subset in nested_subsets(y[fit], SHARES, settings.seed + fold):
            rows = fit[subset]
            try:
                p = refit.score_rows(refit.fit_rows(data, settings, rows), data, held)
                values = (average_precision_score(y[held], p), roc_auc_score(y[held], p), _slope(y[held], p))
            except DataError:
                values = (float("nan"),) * 3
            out.append((len(rows), int(y[rows].sum()), *values))
    return fold, out


def learning_curve(
    data: PreparedData,
    settings: TrainSettings,
    folds: int = 5,
    repeats: int = 2,
    n_jobs: int = -1,
    scheduler: str | None = "",
    progress: Any = None,
) -> LearningCurve:
    """The learning curve of ``settings`` on ``data`` (two-class tasks); see the module docstring."""
    if len(data.class_names) != 2:
        raise DataError("The learning curve covers two-class tasks (positive vs the rest).")
    y = np.asarray(data.y, dtype=np.int64)
    if np.bincount(y, minlength=2).min() < folds:
        raise DataError("The rarer class has fewer patients than folds; choose fewer folds.")
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=settings.seed)
    items = [(f, fit, held, settings) for f, (fit, held) in enumerate(splitter.split(np.zeros(len(y)), y))]
    address = execution.scheduler_address(scheduler)
    results: dict[int, list] = {}
    for fold, rows in execution.run_tasks(_point_task, data, items, n_jobs=n_jobs, scheduler=address):
        results[fold] = rows
        if progress is not None:
            progress(f"{len(results)} of {len(items)} folds done", len(results) / len(items))
    table = np.array([results[f] for f in sorted(results)], dtype=float)  # (folds, shares, 5)
    points = []
    for s, share in enumerate(SHARES):
        cell = table[:, s, :]
        mean, low, high = {}, {}, {}
        for j, key in enumerate(CURVE_MEASURES):
            values = cell[:, 2 + j][np.isfinite(cell[:, 2 + j])]
            mean[key] = float(values.mean()) if values.size else float("nan")
            low[key], high[key] = (
                (float(np.quantile(values, 0.025)), float(np.quantile(values, 0.975)))
                if values.size
                else (float("nan"), float("nan"))
            )
        points.append(CurvePoint(share, float(cell[:, 0].mean()), float(cell[:, 1].mean()), mean, low, high))
    try:
        c_stat = points[-1].mean["roc_auc"]
        riley = adequacy(
            data, c_statistic=c_stat, c_source="the learning curve's full-size cross-validated C"
        )
    except DataError:
        riley = None
    return LearningCurve(tuple(points), folds, repeats, riley)
