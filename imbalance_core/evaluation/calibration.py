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

Bootstrap intervals (Brier, scaled Brier, ICI, E50, E90, Emax): ``n_boot`` resamples (default 200: a
lowess fit per resample makes 1,000 cost several seconds; the other bootstraps of the app use 1,000),
seeded, percentile intervals. Up to :data:`BOOT_ROWS` rows each resample has ``n`` rows (the ordinary
bootstrap). Above that, each resample draws :data:`BOOT_ROWS` rows (the *m-out-of-n* bootstrap), and the
spread of the resampled values around their mean is shrunk by ``sqrt(m / n)`` and placed around the
full-sample estimate — the usual root-n rescaling, an approximation that keeps the time below ~2 s at a
million rows (``bench/calibration.py``). Root-n rescaling does not hold for a maximum, so Emax then has no
interval (said in its method). The result states ``n_boot`` and ``boot_rows``.

Scores at exactly 0 or 1 have no logit. The stated rule (:func:`boundary_clip`): they are set to
``1/(2n)`` and ``1 − 1/(2n)`` (half a patient in ``n``; half the nearest other score when that is closer,
so the order is kept) before the logit; when that touches any score the intercept's and slope's method
say how many, and from 10 % of the rows that the slope is not meaningful as one number.

Intercept and slope come from :func:`fit_logistic`: damped Newton (step-halving), so it cannot diverge;
when the scores separate the classes the unpenalised estimate is infinite and Firth's penalised fit is
used, said in the method. An estimate is missing ("not estimable", with the reason in words) only when
none exists, e.g. every score the same. Nothing here fits a classifier; all functions are pure.
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
#: Default number of bootstrap resamples. Each resample runs a lowess smoother, so 1,000 cost 6-21 s at
#: 300-2,000 rows (bench/bootstrap_1000.py, loaded machine): 200 here, stated with every result (B, seed).
N_BOOT = 200
#: Rows per bootstrap resample above which the m-out-of-n bootstrap is used.
BOOT_ROWS = 2_000
#: Rows above which the lowess smoother runs on a seeded random subsample of this size.
SMOOTH_MAX_ROWS = 20_000
#: lowess settings (statsmodels): span and robustness iterations; delta as a share of the score range.
LOWESS_FRAC = 2 / 3
LOWESS_IT = 0
LOWESS_DELTA = 0.005
#: Why a fit falls back to Firth's penalised likelihood (stated with the estimate).
SEPARATION = "the scores separate the classes completely, so the unpenalised estimate is infinite"
FIRTH = "Firth-penalised maximum likelihood"
#: A fitted linear predictor beyond this (a risk of e^-50) means the maximum-likelihood fit is running to
#: infinity: the classes are separated.
SEPARATED_ETA = 50.0
#: Share of scores at the clip (exactly 0 or 1) from which the slope is called not meaningful as one number.
BOUNDARY_SHARE = 0.10
#: Kept for callers that quote it: why intercept/slope can be missing.
NOT_ESTIMABLE = "The calibration intercept or slope could not be estimated"
#: Why Emax has no interval above BOOT_ROWS rows.
EMAX_NO_INTERVAL = (
    "no interval: above 2,000 rows the bootstrap draws m-out-of-n rows, and the root-n rescaling it relies "
    "on does not hold for a maximum"
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

    @property
    def estimable(self) -> bool:
        """True when there is a number (False: ``method`` says why not)."""
        return bool(np.isfinite(self.value))

    @property
    def has_interval(self) -> bool:
        """True when both ends of the 95 % interval are numbers."""
        return bool(np.isfinite(self.low) and np.isfinite(self.high))

    def covers(self, target: float) -> bool | None:
        """Whether the 95 % interval contains ``target``; None when there is no interval to judge by."""
        if not self.has_interval:
            return None
        return bool(self.low <= target <= self.high)


@dataclass(frozen=True)
class LogisticFit:
    """Maximum-likelihood logistic regression: coefficients, covariance, iterations."""

    coef: np.ndarray
    cov: np.ndarray
    iterations: int
    method: str = "maximum likelihood"
    reason: str = ""


class NotEstimableError(DataError):
    """No estimate exists (not even a penalised one); the message says why in words."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{NOT_ESTIMABLE}: {reason}.")
        self.reason = reason


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
    boundary_note: str = ""

    def estimates(self) -> dict[str, Estimate]:
        """Metric key -> Estimate, in display order."""
        return {key: getattr(self, key) for key in METRIC_KEYS}

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly summary: every metric with value/low/high/method plus the bootstrap set-up."""
        out: dict[str, Any] = {key: est.as_dict() for key, est in self.estimates().items()}
        out.update(n=self.n, events=self.events, n_boot=self.n_boot, boot_rows=self.boot_rows,
                   smooth_rows=self.smooth_rows, seed=self.seed)  # fmt: skip
        out["boundary_note"] = self.boundary_note
        return out

    def is_calibrated(self) -> bool:
        """True when no 95 % interval excludes its ideal (intercept 0, slope 1, E:O 1).

        A metric without an interval (not estimable, said in its ``method``) is no evidence either way: it
        neither passes nor fails the check, and :meth:`unjudged` names it so the caller can say so.
        """
        checks = (self.intercept.covers(0.0), self.slope.covers(1.0), self.e_to_o.covers(1.0))
        return all(c is not False for c in checks) and any(c is True for c in checks)

    def unjudged(self) -> tuple[str, ...]:
        """Display names of intercept / slope / E:O that have no interval (so were not part of the check)."""
        keys = ("intercept", "slope", "e_to_o")
        return tuple(METRIC_NAMES[k] for k in keys if not getattr(self, k).has_interval)


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


def logit(p: Any, eps: float = EPS) -> np.ndarray:
    """log(p / (1 − p)) after clipping to [eps, 1 − eps] (default :data:`EPS`)."""
    q = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return np.log(q) - np.log1p(-q)


def boundary_clip(p: Any) -> float:
    """The stated rule for scores at exactly 0 or 1: half a patient in ``n``, ``1 / (2n)``, order kept.

    A score of 0 or 1 has no logit. A sample of ``n`` patients cannot tell a risk below ``1/(2n)`` from 0,
    so a score of exactly 0 is set to ``1/(2n)`` (1 to ``1 − 1/(2n)``) before the logit, unlike a fixed
    constant (1e-12, 1e-6, ...) that decides the slope by itself. When a score other than 0 (1) lies
    nearer, the bound is half of it instead, so no two different scores are tied and the order (hence
    the AUC) is kept; scores strictly between 0 and 1 are then never moved.
    """
    p = np.asarray(p, dtype=float).ravel()
    eps = 0.5 / max(p.size, 1)
    inner = p[p > 0]
    if inner.size:
        eps = min(eps, float(inner.min()) / 2)
    inner = p[p < 1]
    if inner.size:
        eps = min(eps, (1 - float(inner.max())) / 2)
    return max(eps, EPS)


def boundary_count(p: np.ndarray, eps: float) -> int:
    """How many scores lie at or beyond the clip (``p <= eps`` or ``p >= 1 − eps``)."""
    return int(np.count_nonzero((p <= eps) | (p >= 1 - eps)))


def boundary_text(p: np.ndarray, eps: float | None = None) -> str:
    """The clip rule in words when it touched any score (``''`` otherwise), for beside the number."""
    eps = boundary_clip(p) if eps is None else eps
    k = boundary_count(p, eps)
    exact = int(np.count_nonzero((p == 0) | (p == 1)))
    if k == 0 or exact == 0:  # only scores a hair from 0 or 1 (at the 1e-12 floor): nothing to state
        return ""
    rule = "1/(2n)" if eps == 0.5 / len(p) else "half the nearest other score"
    text = (
        f"{k:,} of {len(p):,} scores ({exact:,} exactly 0 or 1) set to {rule} = {eps:.2g} (or 1 minus it) "
        "before the logit"
    )
    if k >= BOUNDARY_SHARE * len(p):
        text += "; the slope is not meaningful as one number here: it depends on this rule"
    return text


def expit(x: Any) -> np.ndarray:
    """The inverse of :func:`logit` (numerically stable)."""
    return _expit(np.asarray(x, dtype=float))


def _loglik(y: np.ndarray, eta: np.ndarray) -> float:
    """Bernoulli log-likelihood at linear predictor ``eta`` (stable for large |eta|)."""
    return float(np.sum(y * eta - np.logaddexp(0.0, eta)))


def _objective(y: np.ndarray, X: np.ndarray, eta: np.ndarray, firth: bool) -> float:
    """The log-likelihood, plus Firth's penalty 0.5·log det(Fisher information) when ``firth``."""
    ll = _loglik(y, eta)
    if not firth:
        return ll
    mu = expit(eta)
    sign, logdet = np.linalg.slogdet((X.T * (mu * (1 - mu))) @ X)
    return ll + 0.5 * logdet if sign > 0 else -np.inf


def _newton(
    y: np.ndarray, X: np.ndarray, off: np.ndarray, beta: np.ndarray, firth: bool, tol: float, max_iter: int
) -> tuple[np.ndarray, int, bool]:
    """Damped Newton–Raphson: each step is halved until the objective does not fall (at most 40 times).

    Returns (estimate, iterations, converged). Converged when the largest step is below ``tol``. With
    ``firth`` the score is Firth's modified score ``X'(y − μ + h(½ − μ))`` (h: the hat values).
    """
    current = _objective(y, X, off + X @ beta, firth)
    for it in range(1, max_iter + 1):
        mu = expit(off + X @ beta)
        w = mu * (1 - mu)
        info = (X.T * w) @ X
        resid = y - mu
        try:
            if firth:
                inv = np.linalg.inv(info)
                h = np.einsum("ij,jk,ik->i", X, inv, X) * w
                resid = resid + h * (0.5 - mu)
            step = np.linalg.solve(info, X.T @ resid)
        except np.linalg.LinAlgError:
            return beta, it, False
        if not np.isfinite(step).all():
            return beta, it, False
        t = 1.0
        for _ in range(40):
            trial = beta + t * step
            value = _objective(y, X, off + X @ trial, firth)
            if np.isfinite(value) and value >= current - 1e-12 * max(1.0, abs(current)):
                break
            t /= 2
        else:
            return beta, it, False
        beta, current = trial, value
        if np.max(np.abs(t * step)) < tol:
            return beta, it, True
        if np.max(np.abs(off + X @ beta)) > SEPARATED_ETA:
            return beta, it, False
    return beta, max_iter, False


def fit_logistic(
    y: np.ndarray,
    X: np.ndarray,
    offset: np.ndarray | None = None,
    tol: float = 1e-10,
    max_iter: int = 100,
    start: np.ndarray | None = None,
    penalise_if_separated: bool = True,
) -> LogisticFit:
    """Logistic regression by damped Newton–Raphson (step-halving), with an optional offset.

    ``X`` is the design matrix (include a column of ones for an intercept). The one fitter behind every
    calibration, subgroup and recalibration fit (and external updating). Each Newton step is halved until
    the log-likelihood does not fall, so a start far from the estimate (scores of 0.76-0.96 with a
    prevalence of 0.27) cannot diverge. When the maximum-likelihood estimate does not exist (the scores
    separate the classes: a coefficient runs to infinity), Firth's penalised likelihood (Firth 1993;
    always finite for logistic regression) is fitted instead and ``method`` / ``reason`` say so, unless
    ``penalise_if_separated`` is False. Raises :class:`NotEstimableError` (a DataError) with the reason in
    words only when no estimate exists at all (a column without variation, such as identical scores).
    The covariance is the inverse Fisher information at the estimate (Wald intervals).
    """
    y = np.asarray(y, dtype=float).ravel()
    X = np.asarray(X, dtype=float)
    off = np.zeros(len(y)) if offset is None else np.asarray(offset, dtype=float)
    if not (np.isfinite(X).all() and np.isfinite(off).all()):
        raise NotEstimableError("the inputs are not finite numbers")
    if X.shape[1] > 1 and np.linalg.matrix_rank(X) < X.shape[1]:
        raise NotEstimableError("every score is the same, so a slope cannot be estimated")
    beta0 = np.zeros(X.shape[1]) if start is None else np.asarray(start, dtype=float).copy()
    if start is None and offset is None and np.allclose(X[:, 0], 1.0):
        beta0[0] = float(np.log((y.mean() + 1e-6) / (1 - y.mean() + 1e-6)))
    beta, it, ok = _newton(y, X, off, beta0.copy(), False, tol, max_iter)
    method, reason = "maximum likelihood", ""
    if not ok:
        if not penalise_if_separated:
            raise NotEstimableError(SEPARATION)
        beta, it, ok = _newton(y, X, off, np.zeros(X.shape[1]), True, tol, max_iter)
        if not ok:
            raise NotEstimableError(SEPARATION + "; the penalised fit did not converge either")
        method, reason = FIRTH, SEPARATION
    mu = expit(off + X @ beta)
    info = (X.T * (mu * (1 - mu))) @ X
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        raise NotEstimableError("the information matrix is singular") from None
    return LogisticFit(coef=beta, cov=cov, iterations=it, method=method, reason=reason)


def _wald(value: float, var: float, fit: LogisticFit | None = None, note: str = "") -> Estimate:
    se = float(np.sqrt(var))
    how = "Wald (model-based)"
    if fit is not None and fit.method != "maximum likelihood":
        how = f"Wald from the {fit.method} fit ({fit.reason})"
    if note:
        how += f"; {note}"
    return Estimate(float(value), float(value - Z95 * se), float(value + Z95 * se), how)


def calibration_intercept(y: np.ndarray, p: np.ndarray, eps: float | None = None) -> Estimate:
    """Calibration-in-the-large: intercept with logit(p) as offset, Wald 95 % interval.

    ``eps``: the clip before the logit, default :func:`boundary_clip` of the number of rows (stated in
    the method when it touched a score). Under separation the Firth fit, said in the method.
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    eps = boundary_clip(p) if eps is None else eps
    fit = fit_logistic(y, np.ones((len(y), 1)), offset=logit(p, eps))
    return _wald(fit.coef[0], fit.cov[0, 0], fit, boundary_text(p, eps))


def calibration_slope(y: np.ndarray, p: np.ndarray, eps: float | None = None) -> Estimate:
    """Calibration slope: coefficient of logit(p) in a logistic regression with intercept, Wald interval.

    Same clip rule and fallback as :func:`calibration_intercept`. Raises :class:`NotEstimableError` when every
    score is the same (no slope exists).
    """
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    eps = boundary_clip(p) if eps is None else eps
    lp = logit(p, eps)
    fit = fit_logistic(y, np.column_stack([np.ones(len(y)), lp]), start=np.array([0.0, 1.0]))
    return _wald(fit.coef[1], fit.cov[1, 1], fit, boundary_text(p, eps))


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
    if m < len(y):  # root-n rescaling does not hold for a maximum: no interval rather than a wrong one
        nan = float("nan")
        boot[5] = Estimate(float(point[5]), nan, nan, EMAX_NO_INTERVAL)
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
        boundary_note=boundary_text(p),
    )


def _or_missing(
    metric: Callable[[np.ndarray, np.ndarray], Estimate], y: np.ndarray, p: np.ndarray
) -> Estimate:
    """The metric, or NaN with the reason in words as its method when no estimate exists."""
    try:
        return metric(y, p)
    except NotEstimableError as exc:
        nan = float("nan")
        return Estimate(nan, nan, nan, f"not estimable: {exc.reason}")


def estimate_text(est: Estimate, digits: int = 3, ci: str = "95 % CI ", reason: bool = True) -> str:
    """'0.980 (95 % CI 0.910 to 1.050)'; 'not estimable: <why>'; '0.210 (no interval)'. Never 'nan'.

    ``ci`` is the label before the interval ('' in tables whose header says 95 % CI); ``reason`` adds why
    a number or interval is missing (tables leave it to their note).
    """
    if not est.estimable:
        why = est.method.removeprefix("not estimable: ")
        return f"not estimable: {why}" if reason else "not estimable"
    value = f"{est.value:.{digits}f}"
    if not est.has_interval:
        why = est.method.removeprefix("no interval: ")
        return f"{value} (no interval: {why})" if reason else f"{value} (no interval)"
    return f"{value} ({ci}{est.low:.{digits}f} to {est.high:.{digits}f})"


def format_estimate(key: str, est: Estimate) -> str:
    """'0.98 (95 % CI 0.91 to 1.05)' with 3 decimals, or the reason in words (see :func:`estimate_text`)."""
    return estimate_text(est)
