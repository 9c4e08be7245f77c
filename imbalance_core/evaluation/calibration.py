"""Calibration metrics with 95 % intervals: are the model's scores honest risks?

Every metric compares predicted risks ``p`` with observed outcomes ``y`` (1 = positive) on rows the
model was not fitted on (the hold-out, or out-of-fold training scores):

* **calibration-in-the-large** (``intercept``): the intercept ``a`` of the logistic model
  ``logit P(y=1) = a + logit(p)`` (``logit(p)`` as an offset). 0 = on average right; below 0 = risks too
  high. Interval: Wald, from the model's standard error (model-based).
* **calibration slope** (``slope``): ``b`` in ``logit P(y=1) = a + b·logit(p)``. 1 = ideal; below 1 =
  risks too extreme (overfitting); above 1 = too modest. Interval: Wald (model-based).
* **E:O** (``e_to_o``): expected / observed events, ``sum(p) / sum(y)``. Interval: the observed count
  taken as Poisson, ``E:O · exp(±1.96 / sqrt(O))`` (Debray et al. 2017; model-based).
* **ICI, E50, E90, Emax** (Austin & Steyerberg 2019): mean, median, 90th percentile and maximum of
  ``|smoothed observed risk − p|`` over the rows, where the smoothed observed risk is statsmodels'
  ``lowess(y, p)`` with ``frac=2/3`` (its default span), ``it=0`` (no robustness iterations: they would
  down-weight the rare events as outliers) and ``delta = 0.005 × range(p)`` (local fits at most ~200
  anchor points, linear interpolation between them). Above :data:`SMOOTH_MAX_ROWS` rows the smoother
  runs on a seeded random subsample of that many rows (stated in the result).
* **Brier** (mean squared error of ``p``) and **scaled Brier** (``1 − Brier / (ȳ(1 − ȳ))``, 0 = no better
  than predicting the prevalence for everybody, 1 = perfect).

Bootstrap intervals (Brier, scaled Brier, ICI, E50, E90, Emax): ``n_boot`` resamples (default 200),
seeded, percentile intervals. Up to :data:`BOOT_ROWS` rows each resample has ``n`` rows (the ordinary
bootstrap). Above that, each resample draws :data:`BOOT_ROWS` rows (the *m-out-of-n* bootstrap), and the
spread of the resampled values around their mean is shrunk by ``sqrt(m / n)`` and placed around the
full-sample estimate — the usual root-n rescaling, an approximation that keeps the time below ~2 s at a
million rows (``bench/calibration.py``). The result states ``n_boot`` and ``boot_rows``.

Scores are clipped to ``[1e-12, 1 − 1e-12]`` before the logit (a score of exactly 0 or 1 has no logit).
Nothing here fits a classifier; all functions are pure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import expit as _expit
from scipy.stats import norm

from imbalance_core.errors import DataError

#: Scores are clipped to [EPS, 1 - EPS] before taking the logit.
EPS = 1e-12
#: Default number of bootstrap resamples.
N_BOOT = 200
#: Rows per bootstrap resample above which the m-out-of-n bootstrap is used.
BOOT_ROWS = 2_000
#: Rows above which the lowess smoother runs on a seeded random subsample of this size.
SMOOTH_MAX_ROWS = 20_000
#: lowess settings (statsmodels): span and robustness iterations; delta as a share of the score range.
LOWESS_FRAC = 2 / 3
LOWESS_IT = 0
LOWESS_DELTA = 0.005
#: Why intercept/slope can be missing: scores of exactly 0 and 1 (kNN, trees) leave no information.
NOT_ESTIMABLE = (
    "The calibration intercept or slope could not be estimated: the scores sit at 0 and 1 or separate the "
    "classes completely."
)
#: Two-sided 95 %.
Z95 = float(norm.ppf(0.975))


@dataclass(frozen=True)
class Estimate:
    """One metric with its 95 % interval and how the interval was obtained."""

    value: float
    low: float
    high: float
    method: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly: value, low, high, method (NaN becomes None)."""
        items = self.__dict__.items()
        return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in items}


@dataclass(frozen=True)
class LogisticFit:
    """Maximum-likelihood logistic regression: coefficients, covariance, iterations."""

    coef: np.ndarray
    cov: np.ndarray
    iterations: int


@dataclass(frozen=True, eq=False)
class CalibrationMetrics:
    """All calibration metrics of one set of risks, each with a 95 % interval.

    curve_p / curve_observed: the smoothed calibration curve (sorted by p, at most ~200 points) for drawing.
    smooth_rows: rows the smoother saw; n_boot / boot_rows: resamples and rows per resample.
    """

    n: int
    events: int
    intercept: Estimate
    slope: Estimate
    e_to_o: Estimate
    ici: Estimate
    e50: Estimate
    e90: Estimate
    emax: Estimate
    brier: Estimate
    scaled_brier: Estimate
    n_boot: int
    boot_rows: int
    smooth_rows: int
    seed: int
    curve_p: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))
    curve_observed: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))

    def estimates(self) -> dict[str, Estimate]:
        """Metric key -> Estimate, in display order."""
        return {key: getattr(self, key) for key in METRIC_KEYS}

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly summary: every metric with value/low/high/method plus the bootstrap set-up."""
        out: dict[str, Any] = {key: est.as_dict() for key, est in self.estimates().items()}
        out.update(n=self.n, events=self.events, n_boot=self.n_boot, boot_rows=self.boot_rows,
                   smooth_rows=self.smooth_rows, seed=self.seed)  # fmt: skip
        return out

    def is_calibrated(self) -> bool:
        """True when slope 1, intercept 0 and E:O 1 all lie inside their 95 % intervals."""
        return (
            self.intercept.low <= 0 <= self.intercept.high
            and self.slope.low <= 1 <= self.slope.high
            and self.e_to_o.low <= 1 <= self.e_to_o.high
        )


#: Metric key -> display name (CLI, pages, report).
METRIC_NAMES: dict[str, str] = {
    "intercept": "Calibration intercept (in the large)",
    "slope": "Calibration slope",
    "e_to_o": "E:O ratio",
    "ici": "ICI",
    "e50": "E50",
    "e90": "E90",
    "emax": "Emax",
    "brier": "Brier score",
    "scaled_brier": "Scaled Brier score",
}
METRIC_KEYS = tuple(METRIC_NAMES)


# --------------------------------------------------------------------------- pieces


def _check(y: Any, p: Any) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float).ravel()
    p = np.asarray(p, dtype=float).ravel()
    if y.shape != p.shape or y.size == 0:
        raise DataError("Calibration needs one predicted risk per patient with a known outcome.")
    if not np.isin(y, (0.0, 1.0)).all():
        raise DataError("The outcomes must be coded 1 for the positive class and 0 for the others.")
    if not np.isfinite(p).all() or (p < 0).any() or (p > 1).any():
        raise DataError("Predicted risks must be numbers between 0 and 1.")
    if y.min() == y.max():
        raise DataError("Calibration needs patients of both classes among the rows it is judged on.")
    return y, p


def logit(p: Any) -> np.ndarray:
    """log(p / (1 − p)) after clipping to [EPS, 1 − EPS]."""
    q = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    return np.log(q) - np.log1p(-q)


def expit(x: Any) -> np.ndarray:
    """The inverse of :func:`logit` (numerically stable)."""
    return _expit(np.asarray(x, dtype=float))


def fit_logistic(
    y: np.ndarray,
    X: np.ndarray,
    offset: np.ndarray | None = None,
    tol: float = 1e-10,
    max_iter: int = 100,
    start: np.ndarray | None = None,
) -> LogisticFit:
    """Unpenalised logistic regression by Newton–Raphson (IRLS), with an optional offset.

    ``X`` is the design matrix (include a column of ones for an intercept). Converges when the largest
    step is below ``tol``. The covariance is the inverse Fisher information at the estimate.
    """
    X = np.asarray(X, dtype=float)
    off = np.zeros(len(y)) if offset is None else np.asarray(offset, dtype=float)
    beta = np.zeros(X.shape[1]) if start is None else np.asarray(start, dtype=float).copy()
    if start is None and offset is None:
        beta[0] = float(logit(np.clip(y.mean(), 1e-6, 1 - 1e-6)))
    info = np.eye(X.shape[1])
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 (the count is reported)
        mu = expit(off + X @ beta)
        info = (X.T * (mu * (1 - mu))) @ X
        try:
            step = np.linalg.solve(info, X.T @ (y - mu))
        except np.linalg.LinAlgError:
            raise DataError(NOT_ESTIMABLE) from None
        beta = beta + step
        if not np.isfinite(beta).all():
            raise DataError(NOT_ESTIMABLE)
        if np.max(np.abs(step)) < tol:
            break
    else:
        raise DataError(NOT_ESTIMABLE)
    mu = expit(off + X @ beta)
    info = (X.T * (mu * (1 - mu))) @ X
    return LogisticFit(coef=beta, cov=np.linalg.inv(info), iterations=it)


def _wald(value: float, var: float) -> Estimate:
    se = float(np.sqrt(var))
    return Estimate(float(value), float(value - Z95 * se), float(value + Z95 * se), "Wald (model-based)")


def calibration_intercept(y: np.ndarray, p: np.ndarray) -> Estimate:
    """Calibration-in-the-large: intercept with logit(p) as offset, Wald 95 % interval."""
    fit = fit_logistic(y, np.ones((len(y), 1)), offset=logit(p))
    return _wald(fit.coef[0], fit.cov[0, 0])


def calibration_slope(y: np.ndarray, p: np.ndarray) -> Estimate:
    """Calibration slope: coefficient of logit(p) in a logistic regression with intercept, Wald interval."""
    lp = logit(p)
    X = np.column_stack([np.ones(len(y)), lp])
    try:  # start at "calibrated" (fast when nearly so); scores at 0 and 1 need the plain start
        fit = fit_logistic(y, X, start=np.array([0.0, 1.0]))
    except (DataError, np.linalg.LinAlgError):
        fit = fit_logistic(y, X)
    return _wald(fit.coef[1], fit.cov[1, 1])


def e_to_o(y: np.ndarray, p: np.ndarray) -> Estimate:
    """Expected / observed events, interval from a Poisson observed count: E:O·exp(±z/sqrt(O))."""
    expected, observed = float(p.sum()), float(y.sum())
    ratio = expected / observed
    half = Z95 / np.sqrt(observed)
    low, high = ratio * float(np.exp(-half)), ratio * float(np.exp(half))
    return Estimate(ratio, low, high, "Poisson count of events")


def smoothed_observed(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """lowess-smoothed observed risk at each p (statsmodels; settings in the module docstring)."""
    from statsmodels.nonparametric.smoothers_lowess import lowess

    span = float(p.max() - p.min())
    with np.errstate(invalid="ignore", divide="ignore"):  # a window of tied scores gives NaN, dropped below
        fitted = lowess(y, p, frac=LOWESS_FRAC, it=LOWESS_IT, delta=LOWESS_DELTA * span, return_sorted=False)
    return np.clip(np.asarray(fitted, dtype=float), 0.0, 1.0)


def gap_summary(gap: np.ndarray) -> np.ndarray:
    """(ICI, E50, E90, Emax): mean, median, 90th percentile and max of the absolute gaps (NaN dropped)."""
    gap = gap[np.isfinite(gap)]
    if gap.size == 0:
        return np.full(4, np.nan)
    return np.array([gap.mean(), np.median(gap), np.quantile(gap, 0.9), gap.max()])


def ici_family(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """(ICI, E50, E90, Emax) of |smoothed observed − p| (Austin & Steyerberg 2019)."""
    return gap_summary(np.abs(smoothed_observed(y, p) - p))


def brier_pair(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """(Brier, scaled Brier)."""
    brier = float(np.mean((p - y) ** 2))
    prev = float(y.mean())
    return np.array([brier, 1 - brier / (prev * (1 - prev))])


def _boot_stats(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The bootstrapped statistics of one (re)sample: Brier, scaled Brier, ICI, E50, E90, Emax."""
    if y.min() == y.max():
        return np.full(6, np.nan)
    return np.concatenate([brier_pair(y, p), ici_family(y, p)])


def bootstrap(
    y: np.ndarray,
    p: np.ndarray,
    stat: Callable[[np.ndarray, np.ndarray], np.ndarray],
    point: np.ndarray,
    n_boot: int,
    seed: int,
    boot_rows: int = BOOT_ROWS,
) -> tuple[np.ndarray, np.ndarray]:
    """Percentile 95 % intervals (low, high) of ``stat`` by a seeded bootstrap.

    With ``n <= boot_rows`` the ordinary bootstrap; otherwise m-out-of-n with root-n rescaling around
    ``point`` (see the module docstring).
    """
    rng = np.random.default_rng(seed)
    n = len(y)
    m = min(n, boot_rows)
    draws = np.array([stat(y[idx], p[idx]) for idx in (rng.integers(0, n, m) for _ in range(n_boot))])
    if m == n:
        low, high = np.nanquantile(draws, [0.025, 0.975], axis=0)
        return low, high
    centred = (draws - np.nanmean(draws, axis=0)) * np.sqrt(m / n)
    q_low, q_high = np.nanquantile(centred, [0.025, 0.975], axis=0)
    return point + q_low, point + q_high


def _subsample(y: np.ndarray, p: np.ndarray, rows: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    if len(y) <= rows:
        return y, p
    idx = np.random.default_rng(seed + 1).choice(len(y), rows, replace=False)
    return y[idx], p[idx]


def thin_curve(p: np.ndarray, observed: np.ndarray, max_points: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """The calibration curve as (p, observed), sorted by p, thinned to about ``max_points``."""
    order = np.argsort(p, kind="stable")
    ps, obs = p[order], observed[order]
    keep = np.unique(np.linspace(0, len(ps) - 1, min(len(ps), max_points)).astype(int))
    return ps[keep], obs[keep]


# --------------------------------------------------------------------------- entry point


def calibration_metrics(
    y_true: Any, risks: Any, n_boot: int = N_BOOT, seed: int = 0, boot_rows: int = BOOT_ROWS
) -> CalibrationMetrics:
    """Every calibration metric of ``risks`` against ``y_true`` with a 95 % interval.

    Raises DataError on mismatched lengths, labels other than 0/1, risks outside [0, 1] or one class only.
    """
    y, p = _check(y_true, risks)
    if n_boot < 20:
        raise DataError("Use at least 20 bootstrap resamples for a 95 % interval.")
    ys, ps = _subsample(y, p, SMOOTH_MAX_ROWS, seed)
    observed = smoothed_observed(ys, ps)
    point = np.concatenate([brier_pair(y, p), gap_summary(np.abs(observed - ps))])
    low, high = bootstrap(y, p, _boot_stats, point, n_boot, seed, boot_rows)
    m = min(len(y), boot_rows)
    how = f"bootstrap, {n_boot} resamples" + ("" if m == len(y) else f" of {m:,} rows (m-out-of-n)")
    low[2:] = np.maximum(low[2:], 0.0)  # absolute gaps cannot be negative (m-out-of-n can overshoot)
    boot = [Estimate(float(v), float(lo), float(hi), how) for v, lo, hi in zip(point, low, high, strict=True)]
    curve_p, curve_obs = thin_curve(ps, observed)
    return CalibrationMetrics(
        n=len(y),
        events=int(y.sum()),
        intercept=_or_missing(calibration_intercept, y, p),
        slope=_or_missing(calibration_slope, y, p),
        e_to_o=e_to_o(y, p),
        ici=boot[2],
        e50=boot[3],
        e90=boot[4],
        emax=boot[5],
        brier=boot[0],
        scaled_brier=boot[1],
        n_boot=int(n_boot),
        boot_rows=int(m),
        smooth_rows=len(ys),
        seed=int(seed),
        curve_p=curve_p,
        curve_observed=curve_obs,
    )


def _or_missing(
    metric: Callable[[np.ndarray, np.ndarray], Estimate], y: np.ndarray, p: np.ndarray
) -> Estimate:
    """The metric, or NaN with the reason as its method when the model cannot be fitted."""
    try:
        return metric(y, p)
    except (DataError, np.linalg.LinAlgError):
        nan = float("nan")
        return Estimate(nan, nan, nan, "not estimable (scores at 0 and 1 or complete separation)")


def format_estimate(key: str, est: Estimate) -> str:
    """'0.98 (95 % CI 0.91 to 1.05)' with 3 significant decimals."""
    return f"{est.value:.3f} (95 % CI {est.low:.3f} to {est.high:.3f})"
