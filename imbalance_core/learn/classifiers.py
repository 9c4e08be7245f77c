"""Classifiers: a registry of scikit-learn / imbalanced-learn models and a weighting wrapper.

Every model a person can choose is a :class:`ClassifierSpec` in :data:`CLASSIFIERS` (key -> spec),
with its few hyper-parameters that matter as :class:`ParamSpec` rows the Train page turns into widgets.
Every model yields ``predict_proba``; the SVM gets it from Platt scaling via
``CalibratedClassifierCV(SVC(), ensemble=False)`` (scikit-learn 1.9 deprecates ``SVC(probability=True)``).

Cost-sensitive weighting is done by :class:`WeightedClassifier`, the last pipeline step. It builds the
registry model when it is fitted and computes the class weights from the labels it is fitted on —
that is *after* resampling, so weights and resampling combine correctly. The weights reach the
model as ``class_weight`` where it accepts one, else as ``sample_weight``.
"""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from imblearn.ensemble import BalancedRandomForestClassifier, EasyEnsembleClassifier
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC

from imbalance_core.errors import DataError

WEIGHTINGS: dict[str, str] = {
    "none": "No weights: every patient counts the same.",
    "balanced": "Weights inversely proportional to class size, so each class counts the same in total.",
    "tradeoff": "Rare-class weight = (common / rare rows) x t; t = 1 favours sensitivity, lower t less so.",
    "custom": "Weights you give per class.",
}


@dataclass(frozen=True)
class ParamSpec:
    """One exposed hyper-parameter.

    kind: "int", "float", "choice" or "bool". ``min``/``max`` bound numbers; ``choices`` lists options.
    log: a float best chosen on a log scale (e.g. regularisation strength C).
    """

    name: str
    label: str
    kind: str
    default: Any
    min: float | None = None
    max: float | None = None
    choices: tuple[Any, ...] = ()
    help: str = ""
    log: bool = False


@dataclass(frozen=True)
class ClassifierSpec:
    """One classifier as a person sees it, plus how to build it.

    needs_scaling: the model is sensitive to feature units; training standardises features for it.
    supports_class_weight: weights go in as ``class_weight`` (else as ``sample_weight``, see
        ``supports_sample_weight``; a model with neither ignores weighting, with a notice).
    build: ``build(params, class_weight, seed)`` -> an unfitted estimator with ``predict_proba``.
    stores: what the fitted model keeps of its training data, a key of
        :data:`imbalance_core.learn.model_contents.STORES` ("none", "midpoints", "values", "rows");
        checked by a test over every entry (:func:`imbalance_core.learn.model_contents.find_training_data`).
        "rows" and "values" make a model export need an explicit confirmation.
    stores_reason: why, in plain words, for the export's confirmation and the model file's notes.
    """

    key: str
    name: str
    explanation: str
    needs_scaling: bool
    supports_class_weight: bool
    supports_sample_weight: bool
    params: tuple[ParamSpec, ...]
    build: Callable[[Mapping[str, Any], dict[int, float] | None, int], Any]
    stores: str = "none"
    stores_reason: str = "It keeps only weights learnt from all patients together, no patient's row or value."

    @property
    def keeps_training_rows(self) -> bool:
        """True when the fitted model holds whole training rows (kNN, SVM)."""
        return self.stores == "rows"

    @property
    def carries_patient_data(self) -> bool:
        """True when a model file holds training rows or individual training values (needs confirmation)."""
        return self.stores in ("rows", "values")

    def defaults(self) -> dict[str, Any]:
        """Default value of every exposed parameter."""
        return {p.name: p.default for p in self.params}

    def resolve(self, params: Mapping[str, Any] | tuple[tuple[str, Any], ...] = ()) -> dict[str, Any]:
        """Defaults overridden by ``params``; unknown names or out-of-range values raise DataError."""
        given = dict(params)
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise DataError(
                f"{self.name} has no setting named {', '.join(unknown)}; "
                f"its settings are: {', '.join(known) or 'none'}."
            )
        out = self.defaults()
        for name, value in given.items():
            out[name] = _checked(known[name], value)
        return out


def _checked(p: ParamSpec, value: Any) -> Any:
    """``value`` converted to the parameter's type and checked against its range."""
    try:
        if p.kind == "int":
            value = int(value)
        elif p.kind == "float":
            value = float(value)
        elif p.kind == "bool":
            value = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
    except (TypeError, ValueError):
        raise DataError(f"The setting '{p.label}' needs a number.") from None
    if p.kind == "float" and not math.isfinite(value):  # nan passes every range check below
        raise DataError(f"The setting '{p.label}' needs a finite number (not nan or infinity).")
    if p.kind == "choice" and value not in p.choices:
        raise DataError(f"The setting '{p.label}' must be one of: {', '.join(map(str, p.choices))}.")
    if (p.min is not None and value < p.min) or (p.max is not None and value > p.max):
        raise DataError(f"The setting '{p.label}' must lie between {p.min} and {p.max}.")
    return value


def _logreg(p: Mapping[str, Any], cw: dict[int, float] | None, seed: int) -> LogisticRegression:
    return LogisticRegression(C=p["C"], max_iter=2000, class_weight=cw, random_state=seed)


def _random_forest(p: Mapping[str, Any], cw: dict[int, float] | None, seed: int) -> RandomForestClassifier:
    return RandomForestClassifier(
        n_estimators=p["n_estimators"],
        max_depth=p["max_depth"] or None,
        min_samples_leaf=p["min_samples_leaf"],
        class_weight=cw,
        random_state=seed,
        n_jobs=1,
    )


def _hist_gb(p: Mapping[str, Any], cw: dict[int, float] | None, seed: int) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        learning_rate=p["learning_rate"],
        max_iter=p["max_iter"],
        max_leaf_nodes=p["max_leaf_nodes"],
        class_weight=cw,
        random_state=seed,
    )


def _svm(p: Mapping[str, Any], cw: dict[int, float] | None, seed: int) -> CalibratedClassifierCV:
    svc = SVC(C=p["C"], kernel=p["kernel"], gamma="scale", class_weight=cw, random_state=seed)
    return CalibratedClassifierCV(svc, method="sigmoid", cv=3, ensemble=False)


def _knn(p: Mapping[str, Any], cw: dict[int, float] | None, seed: int) -> KNeighborsClassifier:
    return KNeighborsClassifier(n_neighbors=p["n_neighbors"], weights=p["weights"])


def _mlp_seed(p: Mapping[str, Any], cw: dict[int, float] | None, seed: int) -> MLPClassifier:
    """The bacteriuria study's network: 3 tanh -> 2 tanh -> sigmoid, plain SGD, a fixed number of epochs.

    Keras' SGD defaults are mirrored (learning rate 0.01, no momentum, batch 32), and early stopping is
    disabled (``n_iter_no_change`` = epochs) so it runs exactly ``epochs`` passes.
    """
    epochs = int(p["epochs"])
    return MLPClassifier(
        hidden_layer_sizes=(3, 2),
        activation="tanh",
        solver="sgd",
        learning_rate_init=p["learning_rate"],
        momentum=0.0,
        nesterovs_momentum=False,
        batch_size=32,
        max_iter=epochs,
        n_iter_no_change=epochs,
        tol=0.0,
        alpha=0.0,
        random_state=seed,
    )


def _balanced_rf(
    p: Mapping[str, Any], cw: dict[int, float] | None, seed: int
) -> BalancedRandomForestClassifier:
    return BalancedRandomForestClassifier(
        n_estimators=p["n_estimators"],
        sampling_strategy="all",
        replacement=True,
        bootstrap=False,
        class_weight=cw,
        random_state=seed,
        n_jobs=1,
    )


def _easy_ensemble(p: Mapping[str, Any], cw: dict[int, float] | None, seed: int) -> EasyEnsembleClassifier:
    return EasyEnsembleClassifier(n_estimators=p["n_estimators"], random_state=seed, n_jobs=1)


_MIDPOINTS = (
    "Each split sits halfway between two neighbouring training values of a feature (e.g. 57.5 between 57 "
    "and 58), so no value is stored as measured; with one patient per leaf, a leaf can still narrow one "
    "patient down to a small box of values."
)
_C = ParamSpec("C", "Inverse regularisation C (higher = less regularised)", "float", 1.0, 1e-3, 1e3, log=True)

_SPEC_ROWS: tuple[ClassifierSpec, ...] = (
    ClassifierSpec(
        "logreg",
        "Logistic regression",
        "A weighted sum of the features turned into a probability; easy to read and a sound baseline.",
        True,
        True,
        True,
        (_C,),
        _logreg,
        stores="none",
        stores_reason="It keeps one weight per feature, learnt from all patients together.",
    ),
    ClassifierSpec(
        "random_forest",
        "Random forest",
        "Many decision trees, each on a random part of the data, vote on the class.",
        False,
        True,
        True,
        (
            ParamSpec("n_estimators", "Number of trees", "int", 100, 10, 1000),
            ParamSpec("max_depth", "Maximum tree depth (0 = unlimited)", "int", 0, 0, 50),
            ParamSpec("min_samples_leaf", "Fewest patients per leaf", "int", 1, 1, 50),
        ),
        _random_forest,
        stores="midpoints",
        stores_reason=_MIDPOINTS,
    ),
    ClassifierSpec(
        "hist_gb",
        "Gradient boosting",
        "Trees built one after another, each correcting the errors of the ones before.",
        False,
        True,
        True,
        (
            ParamSpec("learning_rate", "Learning rate", "float", 0.1, 0.01, 1.0),
            ParamSpec("max_iter", "Number of boosting rounds", "int", 100, 10, 1000),
            ParamSpec("max_leaf_nodes", "Leaves per tree", "int", 31, 2, 255),
        ),
        _hist_gb,
        stores="values",
        stores_reason="Its bin edges come from the training values: in a column with more than 255 "
        "distinct values the edges are individual training values as measured (with fewer, midpoints).",
    ),
    ClassifierSpec(
        "svm",
        "Support vector machine",
        "Finds the widest margin between the classes; scores are turned into probabilities (Platt scaling).",
        True,
        True,
        True,
        (_C, ParamSpec("kernel", "Kernel", "choice", "rbf", choices=("rbf", "linear"))),
        _svm,
        stores="rows",
        stores_reason="It keeps its support vectors: whole rows of the training patients nearest the border "
        "between the classes (standardised; the file's scaler turns them back into the lab values).",
    ),
    ClassifierSpec(
        "knn",
        "k-nearest neighbours",
        "A patient gets the class of the most similar patients in the training data.",
        True,
        False,
        False,
        (
            ParamSpec("n_neighbors", "Number of neighbours", "int", 15, 1, 100),
            ParamSpec("weights", "Neighbour weighting", "choice", "uniform", choices=("uniform", "distance")),
        ),
        _knn,
        stores="rows",
        stores_reason="It keeps every training patient's row: it needs them to find the neighbours of a new "
        "patient.",
    ),
    ClassifierSpec(
        "mlp_seed",
        "Small neural network (bacteriuria study)",
        "The study's network: 3 then 2 tanh units and a sigmoid output, trained by plain SGD for 100 epochs.",
        True,
        False,
        True,
        (
            ParamSpec("epochs", "Epochs", "int", 100, 10, 1000),
            ParamSpec("learning_rate", "Learning rate", "float", 0.01, 1e-4, 1.0, log=True),
        ),
        _mlp_seed,
        stores="none",
        stores_reason="It keeps only the network's weights, learnt from all patients together.",
    ),
    ClassifierSpec(
        "balanced_rf",
        "Balanced random forest",
        "A random forest where every tree sees the rare class and an equal-sized random part of the "
        "common class.",
        False,
        True,
        True,
        (ParamSpec("n_estimators", "Number of trees", "int", 100, 10, 1000),),
        _balanced_rf,
        stores="midpoints",
        stores_reason=_MIDPOINTS,
    ),
    ClassifierSpec(
        "easy_ensemble",
        "Easy ensemble",
        "Several boosted models, each trained on all rare patients and a random equal share of common ones.",
        False,
        False,
        False,
        (ParamSpec("n_estimators", "Number of models", "int", 10, 2, 100),),
        _easy_ensemble,
        stores="midpoints",
        stores_reason="Its one-split trees split halfway between two neighbouring training values; it also "
        "keeps which row numbers each model was trained on, but no row or value.",
    ),
)

#: Every classifier, by key, in the order the app lists them.
CLASSIFIERS: dict[str, ClassifierSpec] = {spec.key: spec for spec in _SPEC_ROWS}


def get_classifier(key: str) -> ClassifierSpec:
    """The spec for ``key``, or a DataError that lists the valid keys."""
    try:
        return CLASSIFIERS[key]
    except KeyError:
        raise DataError(f"Unknown classifier; choose one of: {', '.join(CLASSIFIERS)}.") from None


def class_weights(
    y: np.ndarray,
    n_classes: int,
    weighting: str,
    tradeoff: float = 0.5,
    custom: tuple[float, ...] = (),
) -> dict[int, float] | None:
    """Weight per class code computed from the labels ``y`` the model is fitted on; None for "none".

    balanced: n / (k x n_c). tradeoff: every class smaller than the largest gets
    (n_largest / n_c) x t, the largest 1 — for two classes the positive weight is n_neg / n_pos x t.
    custom: ``custom[c]`` for class code c (missing codes weigh 1).
    """
    if weighting == "none":
        return None
    counts = np.bincount(np.asarray(y, dtype=np.int64), minlength=n_classes).astype(float)
    present = counts > 0
    if weighting == "balanced":
        w = np.where(present, counts.sum() / (present.sum() * np.maximum(counts, 1)), 1.0)
    elif weighting == "tradeoff":
        if not 0 <= tradeoff <= 1:
            raise DataError("The trade-off t must lie between 0 and 1.")
        n_max = counts.max()
        w = np.where(present & (counts < n_max), n_max / np.maximum(counts, 1) * tradeoff, 1.0)
    elif weighting == "custom":
        if len(custom) > n_classes or any(float(v) < 0 for v in custom):
            raise DataError("Give one non-negative weight per class, in class order.")
        w = np.ones(n_classes)
        w[: len(custom)] = [float(v) for v in custom]
    else:
        raise DataError(f"Unknown weighting; choose one of: {', '.join(WEIGHTINGS)}.")
    return {c: float(w[c]) for c in range(n_classes)}


#: Class weights within this factor of each other count as "all the same" (nothing left to balance).
EQUAL_WEIGHTS = 1.05


def weights_changed_nothing(weighting: str, weights: dict[int, float] | None, y: np.ndarray) -> list[str]:
    """A notice when balanced or trade-off weights came out (nearly) equal for the classes present.

    Why: the weights are computed on the rows the model is fitted on, i.e. after resampling; after a
    1:1 sampler the classes are equal in size, every weight is about 1, and the weighting changes
    nothing. Custom weights are the person's own numbers and always act.
    """
    if weights is None or weighting not in ("balanced", "tradeoff"):
        return []
    present = [weights[int(c)] for c in np.unique(y)]
    if not present or max(present) > EQUAL_WEIGHTS * min(present):
        return []
    return [
        f"The '{weighting}' class weights had nothing left to balance: the classes the model was fitted on "
        "(after resampling) were already about equal in size, so every weight is about 1 and the model is "
        "the same as without weights. Choose a target ratio below 1:1 to leave the weights some imbalance, "
        "or no weighting."
    ]


def _accepts_sample_weight(estimator: Any) -> bool:
    return "sample_weight" in inspect.signature(estimator.fit).parameters


class WeightedClassifier(ClassifierMixin, BaseEstimator):
    """The pipeline's classifier step: a registry model plus class weights computed at fit time.

    Parameters
    ----------
    key : str
        A key of :data:`CLASSIFIERS`.
    params : tuple of (name, value)
        Hyper-parameters overriding the spec's defaults.
    weighting, tradeoff, custom_weights
        See :func:`class_weights`.
    n_classes : int
        Number of classes of the task (a resampled fold always has all of them, but be explicit).
    seed : int
        Random state for the model.

    Attributes: ``estimator_`` (the fitted model), ``classes_``, ``weights_`` (dict or None),
    ``notices_``.
    """

    def __init__(
        self,
        key: str = "logreg",
        params: tuple[tuple[str, Any], ...] = (),
        weighting: str = "none",
        tradeoff: float = 0.5,
        custom_weights: tuple[float, ...] = (),
        n_classes: int = 2,
        seed: int = 0,
    ) -> None:
        self.key = key
        self.params = params
        self.weighting = weighting
        self.tradeoff = tradeoff
        self.custom_weights = custom_weights
        self.n_classes = n_classes
        self.seed = seed

    def fit(self, X: Any, y: Any) -> WeightedClassifier:
        """Build the model, weigh the classes of ``y`` and fit."""
        spec = get_classifier(self.key)
        y = np.asarray(y)
        weights = class_weights(y, self.n_classes, self.weighting, self.tradeoff, tuple(self.custom_weights))
        self.weights_ = weights
        notices: list[str] = []
        fit_kwargs: dict[str, Any] = {}
        if weights is not None and spec.supports_class_weight:
            model = spec.build(spec.resolve(self.params), weights, int(self.seed))
        else:
            model = spec.build(spec.resolve(self.params), None, int(self.seed))
            if weights is not None and spec.supports_sample_weight and _accepts_sample_weight(model):
                fit_kwargs["sample_weight"] = np.array([weights[int(c)] for c in y])
            elif weights is not None:
                notices.append(f"{spec.name} cannot use class weights, so the weighting was ignored.")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            try:
                model.fit(X, y, **fit_kwargs)
            except ValueError as exc:  # e.g. too few rows of a class for the SVM's internal calibration
                raise DataError(
                    f"{spec.name} could not be trained on a training fold with these settings "
                    "(probably too few patients of one class); try fewer folds, another "
                    "resampling method or another classifier."
                ) from exc
        notices += weights_changed_nothing(self.weighting, weights, y)
        self.estimator_ = model
        self.classes_ = model.classes_
        self.notices_ = tuple(notices)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities (columns follow ``classes_``)."""
        return self.estimator_.predict_proba(X)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class."""
        return self.estimator_.predict(X)
