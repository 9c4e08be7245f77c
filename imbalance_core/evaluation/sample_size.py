"""Sample size adequacy: was the data set big enough to build a prediction model at all?

Implements the minimum sample size for a prediction model with a binary outcome of Riley et al.
(BMJ 2020;368:m441, "Calculating the sample size required for developing a clinical prediction model";
method of Riley et al., Stat Med 2019;38:1276-1296). With ``P`` candidate predictor *parameters*,
outcome prevalence ``phi`` and an anticipated Cox-Snell R² ``R2cs``, the minimum ``n`` is the largest of

(i)   expected uniform shrinkage ``S >= 0.9`` (at most 10 % overfitting)::

          n1 = P / ((S - 1) ln(1 - R2cs / S))

(ii)  optimism in Nagelkerke's R² at most ``delta = 0.05``; with
      ``max R2cs = 1 - exp(2 lnL_null / n)`` and ``lnL_null / n = phi ln phi + (1 - phi) ln(1 - phi)``::

          S2 = R2cs / (R2cs + delta max R2cs),   n2 = P / ((S2 - 1) ln(1 - R2cs / S2))

(iii) the overall risk (the intercept) estimated within ``+-0.05`` (95 %)::

          n3 = (1.96 / 0.05)^2 phi (1 - phi)

Each criterion is rounded *up* to a whole patient, as in the authors' software (pmsampsize's
``ceiling``), and events per parameter at the minimum are ``n phi / P`` (reported to 2 decimals there).
The paper's worked example (P = 24, phi = 0.174, R2cs = 0.288) gives 623 / 662 / 221, minimum 662,
EPP 4.8 (``tests/evaluation/test_sample_size.py``). Written from the published formulas (pmsampsize is GPL).

The anticipated R2cs needs an assumption, always stated with the result:

* before training, Riley et al.'s conservative default: 15 % of the maximum possible R2cs
  (:func:`conservative_r2cs`);
* after training, from the cross-validated model's C statistic (:func:`r2cs_from_c`): the conversion of
  Riley, Van Calster & Collins (Stat Med 2021;40:859-864) assumes the linear predictor is normal with the
  same variance in events and non-events (then ``C = Phi(d / sqrt 2)``, ``d`` the standardised mean
  difference), where they simulate a million patients and fit a logistic regression. Under that
  assumption the true log-odds are exactly linear in the predictor, so here the expected log-likelihood
  per patient is integrated numerically (Gauss-Hermite, 200 nodes) instead of simulated: the same
  quantity without simulation noise.

Candidate predictor parameters (:func:`count_parameters`): one per numeric feature and ``levels - 1`` per
categorical feature (the reference level takes none; a missing value is imputed, not a level), which is
what a regression model estimates; flexible models estimate more, so the figure is a lower bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from imbalance_core.errors import DataError

#: Target expected shrinkage (criterion i), Nagelkerke optimism (ii) and risk margin (iii).
SHRINKAGE = 0.9
DELTA = 0.05
MARGIN = 0.05
#: Share of the maximum R2cs assumed before training (Riley et al.'s conservative suggestion).
CONSERVATIVE_SHARE = 0.15
Z95 = 1.96
_GH_NODES = 200


@dataclass(frozen=True)
class ParameterCount:
    """Candidate predictor parameters and how they were counted (numeric + sum of levels - 1)."""

    total: int
    numeric: int
    categorical: dict[str, int]
    rule: str = (
        "one parameter per numeric feature and levels - 1 per categorical feature (one-hot coding "
        "with a reference level); flexible models estimate more, so this is a lower bound"
    )


@dataclass(frozen=True)
class RileyCriteria:
    """The three Riley et al. criteria (each rounded up), the minimum and what it rests on."""

    parameters: int
    prevalence: float
    r2cs: float
    max_r2cs: float
    n_shrinkage: int
    n_optimism: int
    n_risk: int
    shrinkage_target: float
    shrinkage_optimism: float

    @property
    def minimum(self) -> int:
        """The minimum sample size: the largest of the three criteria."""
        return max(self.n_shrinkage, self.n_optimism, self.n_risk)

    @property
    def epp_at_minimum(self) -> float:
        """Events per candidate parameter at the minimum sample size (n phi / P)."""
        return self.minimum * self.prevalence / self.parameters


@dataclass(frozen=True)
class SampleSizeAdequacy:
    """The data at hand against the Riley minimum, with the R2cs assumption in words."""

    n: int
    events: int
    parameters: ParameterCount
    criteria: RileyCriteria
    assumption: str

    @property
    def epp(self) -> float:
        """Events per candidate predictor parameter in the data at hand."""
        return self.events / self.parameters.total if self.parameters.total else float("nan")

    @property
    def adequate(self) -> bool:
        """True when the data reach the minimum sample size."""
        return self.n >= self.criteria.minimum

    def sentence(self) -> str:
        """One plain sentence: adequate or not, with the numbers."""
        c = self.criteria
        verdict = "meets" if self.adequate else "falls short of"
        return (
            f"{self.n:,} patients with {self.events:,} events ({self.epp:.1f} events per candidate "
            f"parameter, {self.parameters.total} parameters) {verdict} the minimum of {c.minimum:,} "
            f"(Riley et al., BMJ 2020: shrinkage {c.n_shrinkage:,}, optimism {c.n_optimism:,}, "
            f"overall risk {c.n_risk:,}), assuming {self.assumption}."
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly block (``profile --json`` and ``evaluate --json``)."""
        c = self.criteria
        return {
            "n": self.n,
            "events": self.events,
            "parameters": self.parameters.total,
            "parameters_numeric": self.parameters.numeric,
            "parameters_categorical": dict(self.parameters.categorical),
            "parameter_rule": self.parameters.rule,
            "events_per_parameter": round(self.epp, 2),
            "prevalence": round(c.prevalence, 6),
            "anticipated_r2cs": round(c.r2cs, 6),
            "max_r2cs": round(c.max_r2cs, 6),
            "assumption": self.assumption,
            "criteria": {
                "shrinkage": c.n_shrinkage,
                "optimism": c.n_optimism,
                "overall_risk": c.n_risk,
            },
            "shrinkage_target": c.shrinkage_target,
            "shrinkage_for_optimism": round(c.shrinkage_optimism, 4),
            "minimum_n": c.minimum,
            "events_per_parameter_at_minimum": round(c.epp_at_minimum, 2),
            "adequate": self.adequate,
            "source": "Riley et al., BMJ 2020;368:m441",
        }


# --------------------------------------------------------------------------- formulas


def _check_prevalence(prevalence: float) -> None:
    if not 0 < prevalence < 1:
        raise DataError("The outcome prevalence must lie strictly between 0 and 1 for a sample size.")


def null_loglik_per_patient(prevalence: float) -> float:
    """lnL_null / n of the intercept-only model: phi ln phi + (1 - phi) ln(1 - phi)."""
    _check_prevalence(prevalence)
    p = float(prevalence)
    return p * math.log(p) + (1 - p) * math.log(1 - p)


def max_r2cs(prevalence: float) -> float:
    """The largest Cox-Snell R² possible at this prevalence: 1 - exp(2 lnL_null / n)."""
    return 1.0 - math.exp(2.0 * null_loglik_per_patient(prevalence))


def conservative_r2cs(prevalence: float) -> float:
    """Riley et al.'s conservative anticipated R2cs before any model exists: 15 % of the maximum."""
    return CONSERVATIVE_SHARE * max_r2cs(prevalence)


def _n_for_shrinkage(parameters: int, r2cs: float, shrinkage: float) -> int:
    return math.ceil(parameters / ((shrinkage - 1.0) * math.log(1.0 - r2cs / shrinkage)))


def riley_binary(
    parameters: int,
    prevalence: float,
    r2cs: float,
    shrinkage: float = SHRINKAGE,
    delta: float = DELTA,
    margin: float = MARGIN,
) -> RileyCriteria:
    """Riley et al.'s three criteria for a binary outcome (formulas in the module docstring)."""
    if parameters < 1:
        raise DataError("The sample size needs at least one candidate predictor parameter.")
    _check_prevalence(prevalence)
    top = max_r2cs(prevalence)
    if not 0 < r2cs < top:
        raise DataError(
            "The anticipated Cox-Snell R2 must lie between 0 and its maximum for this prevalence."
        )
    if not 0 < shrinkage < 1 or r2cs >= shrinkage:
        raise DataError("The target shrinkage must lie between the anticipated R2 and 1 (for example 0.9).")
    s2 = r2cs / (r2cs + delta * top)
    n3 = math.ceil((Z95 / margin) ** 2 * prevalence * (1.0 - prevalence))
    return RileyCriteria(
        parameters=int(parameters),
        prevalence=float(prevalence),
        r2cs=float(r2cs),
        max_r2cs=top,
        n_shrinkage=_n_for_shrinkage(parameters, r2cs, shrinkage),
        n_optimism=_n_for_shrinkage(parameters, r2cs, s2),
        n_risk=n3,
        shrinkage_target=float(shrinkage),
        shrinkage_optimism=s2,
    )


def r2cs_from_c(c_statistic: float, prevalence: float) -> float:
    """Anticipated Cox-Snell R² from a C statistic (binormal, equal variances; module docstring).

    With the linear predictor ``x ~ N(0, 1)`` in non-events and ``N(d, 1)`` in events,
    ``d = sqrt(2) Phi^-1(C)`` and ``logit P(y=1 | x) = logit(phi) + d x - d^2 / 2``; the expected
    log-likelihood ratio per patient gives ``R2cs = 1 - exp(-2 (E lnL_model - lnL_null) / n)``.
    """
    _check_prevalence(prevalence)
    if not 0.5 < c_statistic < 1:
        raise DataError("The C statistic must lie above 0.5 and below 1 to anticipate an R2.")
    d = math.sqrt(2.0) * NormalDist().inv_cdf(float(c_statistic))  # stdlib: scipy.stats is slow to import
    nodes, weights = np.polynomial.hermite_e.hermegauss(_GH_NODES)
    weights = weights / weights.sum()  # expectation under N(0, 1)
    base = math.log(prevalence / (1 - prevalence)) - d * d / 2

    def log_lik(x: np.ndarray, event: bool) -> np.ndarray:
        eta = base + d * x
        return -np.logaddexp(0.0, -eta) if event else -np.logaddexp(0.0, eta)

    expected = prevalence * float(weights @ log_lik(nodes + d, True)) + (1 - prevalence) * float(
        weights @ log_lik(nodes, False)
    )
    gain = expected - null_loglik_per_patient(prevalence)
    return 1.0 - math.exp(-2.0 * gain)


# --------------------------------------------------------------------------- data at hand


def count_parameters(data: Any) -> ParameterCount:
    """Candidate predictor parameters of a :class:`~imbalance_core.intake.task.PreparedData`.

    One per numeric feature; ``levels - 1`` per categorical feature (distinct non-missing values).
    """
    cats = {str(c): max(int(data.X[c].dropna().nunique()) - 1, 0) for c in data.categorical_features}
    numeric = len(data.numeric_features)
    return ParameterCount(total=numeric + sum(cats.values()), numeric=numeric, categorical=cats)


def adequacy(data: Any, c_statistic: float | None = None, c_source: str = "") -> SampleSizeAdequacy:
    """Sample size adequacy of a two-class task's data (all rows: development data).

    ``c_statistic`` given (e.g. the cross-validated ROC AUC): R2cs from it; else the conservative default.
    ``c_source`` names where the C statistic came from, for the assumption sentence.
    """
    if not getattr(data, "is_binary", False):
        raise DataError("The sample size check is defined for a two-class outcome.")
    y = np.asarray(data.y)
    n, events = len(y), int((y == 1).sum())
    prevalence = events / n if n else 0.0
    _check_prevalence(prevalence)
    params = count_parameters(data)
    if params.total < 1:
        raise DataError("There are no candidate predictor parameters to size the model for.")
    if c_statistic is not None and math.isfinite(c_statistic) and 0.5 < c_statistic < 1:
        r2 = r2cs_from_c(c_statistic, prevalence)
        assumption = (
            f"a Cox-Snell R2 of {r2:.3f}, converted from the C statistic {c_statistic:.3f}"
            f"{' (' + c_source + ')' if c_source else ''} (Riley, Van Calster & Collins 2021; binormal "
            "linear predictor)"
        )
    else:
        r2 = conservative_r2cs(prevalence)
        assumption = (
            f"a Cox-Snell R2 of {r2:.3f}, the conservative 15 % of its maximum {max_r2cs(prevalence):.3f} "
            "at this prevalence (Riley et al.; no model trained yet)"
        )
    return SampleSizeAdequacy(
        n=n,
        events=events,
        parameters=params,
        criteria=riley_binary(params.total, prevalence, r2),
        assumption=assumption,
    )
