"""Hyper-parameter tuning inside the training rows only, so a validation around it sees its optimism.

A small stated grid per classifier (its main hyper-parameters, :data:`GRIDS`) crossed with the sampler's
target ratio (:data:`RATIO_GRID`, for samplers that use one). When the crossed grid has more than
``max_candidates`` points, a seeded random subset of that many is tried (a random search over the grid);
the current settings are always among the candidates. Each candidate is scored by cross-validation
*inside the rows given* (:func:`imbalance_core.learn.refit.patient_folds`: copies of one patient stay in
one fold), on the pooled out-of-fold scores, by PR AUC (average precision, higher is better) or log-loss
(lower is better). Ties keep the earlier candidate (the current settings come first).

:func:`tune` sees only the rows it is given. Internal validation calls it inside every bootstrap sample
or outer fold (nested), so the reported corrected performance includes the tuning's own optimism.
The sampler's neighbours are not tuned: :class:`~imbalance_core.learn.training.TrainSettings` has no
setting for them, so a tuned value could not be carried into the saved model.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, log_loss

from imbalance_core.errors import DataError
from imbalance_core.intake.task import PreparedData
from imbalance_core.learn import refit
from imbalance_core.learn.classifiers import get_classifier
from imbalance_core.learn.samplers import get_sampler
from imbalance_core.learn.training import TrainSettings

#: Classifier key -> {hyper-parameter: values tried}. Small on purpose: each point costs one CV.
GRIDS: dict[str, dict[str, tuple[Any, ...]]] = {
    "logreg": {"C": (0.01, 0.1, 1.0, 10.0)},
    "random_forest": {"min_samples_leaf": (1, 5, 20), "max_depth": (0, 6)},
    "hist_gb": {"learning_rate": (0.03, 0.1, 0.3), "max_leaf_nodes": (7, 31)},
    "svm": {"C": (0.1, 1.0, 10.0)},
    "knn": {"n_neighbors": (5, 15, 45)},
    "mlp_seed": {"learning_rate": (0.001, 0.01, 0.1)},
    "balanced_rf": {"n_estimators": (50, 100, 200)},
    "easy_ensemble": {"n_estimators": (5, 10, 20)},
}
#: Target ratios tried for samplers that use one (1:3, 1:2, 1:1).
RATIO_GRID: tuple[float, ...] = (1 / 3, 1 / 2, 1.0)
#: Scoring rules: key -> (display name, higher is better).
SCORINGS: dict[str, tuple[str, bool]] = {"pr_auc": ("PR AUC", True), "log_loss": ("log-loss", False)}
#: Candidates tried at most (a seeded random subset of a larger grid); folds of the tuning CV.
MAX_CANDIDATES = 8
TUNE_FOLDS = 3


@dataclass(frozen=True)
class TuneSpec:
    """How to tune: scoring rule, candidates at most, folds of the inner CV, seed."""

    scoring: str = "pr_auc"
    max_candidates: int = MAX_CANDIDATES
    folds: int = TUNE_FOLDS
    seed: int = 0


@dataclass(frozen=True)
class Candidate:
    """One grid point: classifier hyper-parameters and the sampler's ratio."""

    params: tuple[tuple[str, Any], ...]
    ratio: float

    def label(self) -> str:
        """'C=0.1, ratio 1:2' for tables."""
        parts = [f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.params]
        if self.ratio:
            parts.append(f"ratio 1:{1 / self.ratio:.3g}")
        return ", ".join(parts) or "defaults"


@dataclass(frozen=True)
class TuneResult:
    """The chosen settings, every candidate's cross-validated score and how it was tuned."""

    settings: TrainSettings
    chosen: Candidate
    candidates: tuple[Candidate, ...]
    scores: tuple[float, ...]
    spec: TuneSpec
    grid_size: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly: the chosen values, each candidate's score, the rule."""
        return {
            "scoring": self.spec.scoring,
            "folds": self.spec.folds,
            "grid_size": self.grid_size,
            "tried": len(self.candidates),
            "chosen": {"params": dict(self.chosen.params), "ratio": self.chosen.ratio or None},
            "candidates": [
                {"label": c.label(), "score": None if not np.isfinite(s) else s}
                for c, s in zip(self.candidates, self.scores, strict=True)
            ],
        }


def grid_for(settings: TrainSettings) -> list[Candidate]:
    """Every grid point for the classifier and sampler of ``settings`` (the current settings first)."""
    grid = GRIDS.get(settings.classifier, {})
    uses_ratio = get_sampler(settings.sampler).uses_ratio
    names = list(grid)
    ratios = RATIO_GRID if uses_ratio else (0.0,)
    resolved = get_classifier(settings.classifier).resolve(settings.params)
    current = Candidate(
        _merged(settings, {n: resolved[n] for n in names}), settings.ratio if uses_ratio else 0.0
    )
    out = [current]
    for values in itertools.product(*(grid[n] for n in names)):
        for ratio in ratios:
            cand = Candidate(_merged(settings, dict(zip(names, values, strict=True))), ratio)
            if cand not in out:
                out.append(cand)
    return out


def _merged(settings: TrainSettings, new: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    params = dict(settings.params)
    params.update(new)
    return tuple(sorted(params.items()))


def candidates_for(settings: TrainSettings, spec: TuneSpec) -> tuple[list[Candidate], int]:
    """The candidates to try (current first, then a seeded random subset) and the full grid's size."""
    grid = grid_for(settings)
    if len(grid) <= spec.max_candidates:
        return grid, len(grid)
    rng = np.random.default_rng(spec.seed)
    rest = rng.choice(np.arange(1, len(grid)), size=spec.max_candidates - 1, replace=False)
    return [grid[0], *(grid[int(i)] for i in sorted(rest))], len(grid)


def applied(settings: TrainSettings, candidate: Candidate) -> TrainSettings:
    """``settings`` with the candidate's hyper-parameters and ratio."""
    ratio = candidate.ratio if candidate.ratio else settings.ratio
    return replace(settings, params=candidate.params, ratio=float(ratio))


def _score(y: np.ndarray, oof: np.ndarray, scoring: str) -> float:
    if scoring == "pr_auc":
        return float(average_precision_score(y, oof))
    return float(log_loss(y, np.clip(oof, 1e-12, 1 - 1e-12), labels=[0, 1]))


def tune(data: PreparedData, settings: TrainSettings, rows: np.ndarray, spec: TuneSpec) -> TuneResult:
    """Choose hyper-parameters by cross-validation on ``rows`` only (positions into data.X; repeats allowed).

    Nothing outside ``rows`` is fitted on or scored. A candidate that cannot be fitted (too few patients
    for it) scores as the worst possible and is never chosen unless all fail (then DataError).
    """
    if spec.scoring not in SCORINGS:
        raise DataError(f"Unknown tuning score; choose one of: {', '.join(SCORINGS)}.")
    if len(data.class_names) != 2:
        raise DataError("Tuning covers two-class tasks (positive vs the rest).")
    rows = np.asarray(rows, dtype=np.int64)
    y = np.asarray(data.y, dtype=np.int64)[rows]
    folds = refit.patient_folds(rows, y, spec.folds, spec.seed)
    candidates, size = candidates_for(settings, spec)
    higher = SCORINGS[spec.scoring][1]
    scores = []
    for cand in candidates:
        try:
            oof = refit.out_of_fold(data, applied(settings, cand), rows, folds)
            scores.append(_score(y, oof, spec.scoring))
        except DataError:
            scores.append(float("nan"))
    values = np.array(scores, dtype=float)
    if not np.isfinite(values).any():
        raise DataError("No candidate of the tuning grid could be fitted on these patients.")
    ranked = np.where(np.isfinite(values), values if higher else -values, -np.inf)
    best = int(np.argmax(ranked))  # first of ties: the current settings win a tie
    chosen = candidates[best]
    return TuneResult(applied(settings, chosen), chosen, tuple(candidates), tuple(scores), spec, size)
