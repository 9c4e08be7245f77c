"""Export a fitted model with its threshold and metadata as a skops file, and load it back safely.

Why skops and not pickle: a pickle file runs code when it is opened, so a model file handed around a
hospital would be a way in. ``skops.io`` stores the object tree as data; :func:`load_model` lists the
types the file would create (``skops.io.get_untrusted_types``) and refuses the file unless every one is
on :data:`ALLOWED_TYPES`. A pickle, a zip of something else or a tampered file is refused with a
:class:`~imbalance_core.errors.DataError`; nothing is ever unpickled.

What is saved (DESIGN.md pitfall): the fitted pipeline *without* its resampling step. The sampler does
nothing at prediction time, and a fitted SMOTE keeps minority training rows, which must not leave the
building. The remaining steps are rebuilt into a plain scikit-learn ``Pipeline`` and checked to give the
same scores. A binary model is wrapped in ``sklearn.model_selection.FixedThresholdClassifier`` so the
threshold travels with it; ``predict`` then applies ``score >= threshold``.

Some classifiers themselves keep training data (k-nearest neighbours and the SVM keep whole rows,
gradient boosting keeps individual values in its bin edges): each registry entry declares it
(``ClassifierSpec.stores``), :func:`imbalance_core.learn.model_contents.find_training_data` counts what the
fitted model really holds, and the metadata records both (``training_data``, ``training_rows``,
``training_values``) with a notice in plain words. Writing such a file needs an explicit confirmation
(:func:`confirmation_text` on the page, :func:`check_patient_rows_allowed` in the CLI).
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import secrets
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import FixedThresholdClassifier
from sklearn.pipeline import Pipeline

from imbalance_core.errors import DataError
from imbalance_core.intake.zip_safety import MODEL_LIMITS, check_zip
from imbalance_core.learn import recalibration
from imbalance_core.share.model_checks import check_array_sizes, check_structures

#: Marker stored in every file so a skops file of some other program is recognised as foreign.
FORMAT = "imbalance-lab-model"
#: 2: models on CNN image features were trained on the int8 network (issue 29); 3: on the int8 network
#: with 7-bit weights in its 1 x 1 convolutions, the same on every machine. Files of an earlier version
#: with CNN features are scored with the network they were trained with (images.predict.cnn_precision_of).
FORMAT_VERSION = 3
#: File name extension of exported models.
EXTENSION = ".skops"
#: Packages whose versions are recorded (a model is only guaranteed to load with the same versions).
VERSIONED_PACKAGES = ("scikit-learn", "imbalanced-learn", "numpy", "pandas", "skops")
#: Rows of the training data used to check that the sampler-free pipeline scores identically.
CHECK_ROWS = 200

#: Types outside skops' default trusted set that an Imbalance Lab model may contain. Anything else in a
#: file (for example ``builtins.eval`` in a tampered schema) makes :func:`load_model` refuse it.
ALLOWED_TYPES: frozenset[str] = frozenset({
    "imbalance_core.learn.classifiers.WeightedClassifier",
    "imbalance_core.learn.training._as_object",
    "numpy.dtype",
    "sklearn.model_selection._classification_threshold.FixedThresholdClassifier",
    "sklearn.tree._tree.Tree",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.metrics._dist_metrics.EuclideanDistance64",
    "sklearn.neighbors._kd_tree.KDTree",
    "sklearn.neighbors._ball_tree.BallTree",
    "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "imblearn.pipeline.Pipeline",
    "imbalance_core.learn.recalibration.RecalibratedModel",
    "imbalance_core.learn.recalibration.Calibrator",
    "imblearn.ensemble._forest.BalancedRandomForestClassifier",
    "imblearn.ensemble._easy_ensemble.EasyEnsembleClassifier",
    "imblearn.under_sampling._prototype_selection._random_under_sampler.RandomUnderSampler",
})  # fmt: skip


@dataclass(frozen=True)
class ModelMetadata:
    """What a person (and :mod:`imbalance_core.share.predict`) needs to use the model on new patients.

    feature_types: column -> "numeric" or "categorical", in the order the model expects them.
    class_names: display name per class code; binary: (negative, positive).
    threshold: decision threshold on the positive-class score (None for a multi-class model, which
        predicts the most probable class).
    export_id: random id, also in the download's file name, so two exports never look alike.
    zero_missing: numeric features whose exact zeros were read as "not measured" in training
        (``TaskSpec.zero_missing``); :mod:`imbalance_core.share.predict` turns them into missing values in new
        data too. Files written before this field existed load with ``()``.
    column_medians: numeric columns whose training median the file keeps (to fill missing values);
        every model has them, see :func:`medians_note`. 0 in files written before this field existed.
    """

    feature_names: tuple[str, ...]
    feature_types: dict[str, str]
    label: str
    positive_class: str
    class_names: tuple[str, ...]
    threshold: float | None
    threshold_reason: str
    training_sha256: str
    data_name: str
    settings: dict[str, str]
    versions: dict[str, str]
    created: str
    export_id: str
    notices: tuple[str, ...] = ()
    zero_missing: tuple[str, ...] = ()
    training_data: str = "none"
    training_rows: int = 0
    training_values: int = 0
    # external validation (issue 28): hold-out figures, per-feature summaries of the training rows (no
    # rows), the positive label values, and for an updated model its parent's export id and the update
    development: dict[str, Any] = field(default_factory=dict)
    feature_summary: dict[str, Any] = field(default_factory=dict)
    positive_values: tuple[str, ...] = ()
    parent_id: str = ""
    updating: str = ""
    column_medians: int = 0
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_dict(self) -> dict[str, Any]:
        """Plain, skops-trusted Python values (lists, dicts, strings, floats)."""
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, tuple):
                d[k] = list(v)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelMetadata:
        """Inverse of :meth:`to_dict`; a missing or foreign field is a DataError."""
        try:
            return cls(
                feature_names=tuple(str(x) for x in d["feature_names"]),
                feature_types={str(k): str(v) for k, v in d["feature_types"].items()},
                label=str(d["label"]),
                positive_class=str(d["positive_class"]),
                class_names=tuple(str(x) for x in d["class_names"]),
                threshold=None if d["threshold"] is None else float(d["threshold"]),
                threshold_reason=str(d["threshold_reason"]),
                training_sha256=str(d["training_sha256"]),
                data_name=str(d["data_name"]),
                settings={str(k): str(v) for k, v in d["settings"].items()},
                versions={str(k): str(v) for k, v in d["versions"].items()},
                created=str(d["created"]),
                export_id=str(d["export_id"]),
                notices=tuple(str(x) for x in d.get("notices", ())),
                zero_missing=tuple(str(x) for x in d.get("zero_missing", ())),
                training_data=str(d.get("training_data", "unknown")),
                training_rows=int(d.get("training_rows", 0)),
                training_values=int(d.get("training_values", 0)),
                development=_plain_dict(d.get("development", {})),
                feature_summary=_plain_dict(d.get("feature_summary", {})),
                positive_values=tuple(str(x) for x in d.get("positive_values", ())),
                parent_id=str(d.get("parent_id", "")),
                updating=str(d.get("updating", "")),
                column_medians=int(d.get("column_medians", 0)),
                format=str(d["format"]),
                format_version=int(d["format_version"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            raise DataError(_NOT_OURS) from None


def _plain_dict(value: Any) -> dict[str, Any]:
    """A dict of metadata read back (development figures, feature summaries); anything else is refused."""
    if not isinstance(value, dict):
        raise TypeError("not a dict")
    return dict(value)


@dataclass(frozen=True)
class SavedModel:
    """A fitted, sampler-free model ready for new patients, with its metadata.

    model: ``FixedThresholdClassifier`` around the pipeline (binary) or the pipeline (multi-class).
    """

    model: Any
    metadata: ModelMetadata

    @property
    def pipeline(self) -> Pipeline:
        """The scikit-learn pipeline (preprocessing + classifier) inside the threshold wrapper."""
        return self.model.estimator if isinstance(self.model, FixedThresholdClassifier) else self.model

    @property
    def is_binary(self) -> bool:
        return len(self.metadata.class_names) == 2

    def probabilities(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities, one column per class code."""
        return np.asarray(self.pipeline.predict_proba(X[list(self.metadata.feature_names)]), dtype=float)

    def scores(self, X: pd.DataFrame) -> np.ndarray:
        """Binary: positive-class score per row; multi-class: the probability matrix."""
        proba = self.probabilities(X)
        return proba[:, 1] if self.is_binary else proba

    def decisions(self, X: pd.DataFrame) -> np.ndarray:
        """Class code per row: ``score >= threshold`` (binary, via the wrapper) or the most probable class."""
        return np.asarray(self.model.predict(X[list(self.metadata.feature_names)])).astype(np.int64)


_NOT_OURS = (
    "This is not an Imbalance Lab model file. Choose a .skops file downloaded from the Report page "
    "or written by the command line (--model-out)."
)


def package_versions() -> dict[str, str]:
    """Installed versions of the packages a saved model depends on."""
    out: dict[str, str] = {}
    for name in VERSIONED_PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def new_export_id() -> str:
    """A short random id for an export's file name and content (downloads must never look alike).

    Twelve hex digits with at least one letter: an all-digit id (about 1 in 280) would be read back as
    a number by pandas and spreadsheets (and lose its leading zeros), so it no longer matched its file.
    """
    while True:
        candidate = secrets.token_hex(6)
        if not candidate.isdigit():
            return candidate


def strip_samplers(pipeline: Any) -> Pipeline:
    """The fitted pipeline rebuilt as a scikit-learn ``Pipeline`` without any resampling step.

    A step counts as a sampler when it has ``fit_resample`` (imbalanced-learn's face); such steps are
    skipped at prediction time anyway, and a fitted SMOTE keeps minority training rows.
    """
    steps = getattr(pipeline, "steps", None)
    if steps is None:
        return Pipeline([("model", pipeline)])
    kept = [
        (name, step) for name, step in steps if not hasattr(step, "fit_resample") and step != "passthrough"
    ]
    if not kept:
        raise DataError("The trained pipeline has no classifier step to export.")
    return Pipeline(kept)


def _check_same_scores(original: Any, stripped: Pipeline, X: pd.DataFrame) -> None:
    """The sampler-free pipeline must score like the fitted one (it should: samplers skip predict)."""
    sample = X.iloc[:CHECK_ROWS]
    if len(sample) == 0:
        return
    a = np.asarray(original.predict_proba(sample), dtype=float)
    b = np.asarray(stripped.predict_proba(sample), dtype=float)
    if a.shape != b.shape or not np.allclose(a, b, rtol=0, atol=1e-12, equal_nan=True):
        raise DataError("The model could not be exported: without its resampling step it scores differently.")


def _classifier_spec(pipeline: Pipeline) -> Any:
    """The registry entry of the pipeline's classifier step, or None for a foreign estimator."""
    from imbalance_core.learn.classifiers import CLASSIFIERS

    key = getattr(pipeline.steps[-1][1], "key", None)
    return CLASSIFIERS.get(key) if isinstance(key, str) else None


@dataclass(frozen=True)
class TrainingDataInside:
    """What a model file carries of its training data: the declared kind (raised to what was found),
    the counts found, and the plain-words reason."""

    kind: str
    rows: int
    values: int
    reason: str
    model_name: str

    @property
    def needs_confirmation(self) -> bool:
        """Rows or individual values of patients: the person must confirm before the file is written."""
        return self.kind in ("rows", "values")

    def notice(self) -> str:
        """One sentence for the model file's notes, the pages and the CLI ("" when nothing is kept)."""
        if self.kind == "rows":
            what = f"{self.rows:,} training patients' rows" if self.rows else "training patients' rows"
        elif self.kind == "values":
            what = (
                f"{self.values:,} individual training values" if self.values else "individual training values"
            )
        elif self.kind == "midpoints":
            return f"{self.model_name}: {self.reason}"
        else:
            return ""
        return (
            f"This model ({self.model_name}) keeps {what} inside the file. {self.reason} "
            "Share it only where the training data may go."
        )


def training_data_inside(stripped: Pipeline, X: pd.DataFrame) -> TrainingDataInside:
    """The classifier's declaration checked against the fitted model (rows and values of ``X`` found)."""
    from imbalance_core.learn.model_contents import find_training_data

    spec = _classifier_spec(stripped)
    found = find_training_data(stripped, X)
    declared = spec.stores if spec is not None else "none"
    found_kind, found_values = found.found, found.values
    if declared == "none" and found_kind == "values":
        # A weights-only model (logistic regression, the network) holds no measured value: a weight mapped
        # back through the scaler lands near its column's mean and can equal some patient's value by
        # chance (seen on 1,764 image features). Whole rows found would still count.
        found_kind, found_values = "none", 0
    order = ("none", "midpoints", "values", "rows")
    kind = max(declared, found_kind, key=order.index)
    if spec is not None and kind == declared:
        reason, name = spec.stores_reason, spec.name
    else:  # found more than declared (never expected; the registry test guards it): say what was found
        reason = f"It holds training {'rows' if found.rows else 'values'} as they were measured."
        name = spec.name if spec is not None else type(stripped.steps[-1][1]).__name__
    return TrainingDataInside(kind, found.rows, found_values, reason, name)


def confirmation_text(meta: ModelMetadata) -> str | None:
    """The check-box sentence a person must tick before downloading a model that carries patient data;
    None when the file carries no training rows or values."""
    if meta.training_data == "rows":
        return (
            f"I understand this file contains {meta.training_rows:,} training rows (real patients' values) "
            "and may only go where the training data may go."
        )
    if meta.training_data == "values":
        # whole numbers are not counted (see model_contents), so "none found" is not "none inside"
        what = (
            f"contains {meta.training_values:,} individual training values"
            if meta.training_values
            else "may contain individual training values"
        )
        return (
            f"I understand this file {what} (real patients' measurements) and may only go where the "
            "training data may go."
        )
    return None


#: The CLI flag that allows writing a model file with patient rows or values.
ALLOW_FLAG = "--allow-patient-rows"


def check_patient_rows_allowed(classifier: str, allowed: bool) -> None:
    """Refuse (DataError, exit 2) to write a model whose classifier keeps training rows or values unless
    the person said so with :data:`ALLOW_FLAG`; checked before training so no time is lost."""
    from imbalance_core.learn.classifiers import get_classifier

    spec = get_classifier(classifier)
    if spec.carries_patient_data and not allowed:
        kind = "training patients' rows" if spec.stores == "rows" else "individual training values"
        raise DataError(
            f"The model file would contain {kind}: {spec.stores_reason} Add {ALLOW_FLAG} to write it "
            "anyway, only where the training data may go, or choose another classifier."
        )


def build_saved_model(
    pipeline: Any,
    data: Any,
    threshold: float | None,
    threshold_reason: str = "",
    settings: Any = None,
    export_id: str | None = None,
    result: Any = None,
) -> SavedModel:
    """Wrap a fitted pipeline for export: no sampler, the threshold attached, metadata filled in.

    Parameters
    ----------
    pipeline : fitted imbalanced-learn or scikit-learn pipeline (``TrainResult.pipeline``).
    data : PreparedData the pipeline was trained on (names, types, label, classes, SHA-256, and the
        features whose zeros were read as missing, ``zero_missing_counts``).
    threshold : decision threshold on the positive-class score; ignored for multi-class data.
    threshold_reason : how the threshold was chosen, in words.
    settings : TrainSettings or None; recorded as text.
    result : the TrainResult (optional): its hold-out figures at ``threshold`` and summaries of its
        training rows are recorded for external validation (:mod:`imbalance_core.share.validate`).
    """
    stripped = strip_samplers(pipeline)
    features = [str(c) for c in data.X.columns]
    _check_same_scores(pipeline, stripped, data.X[features])
    binary = len(data.class_names) == 2
    if binary:
        t = 0.5 if threshold is None else float(threshold)
        scorer = recalibration.wrap(stripped, getattr(pipeline, "recalibrator_", None))  # recalibrated risks
        model: Any = FixedThresholdClassifier(
            scorer, threshold=t, pos_label=1, response_method="predict_proba"
        )
    else:
        t, model = None, stripped
    numeric = set(data.numeric_features)
    zero_counts = getattr(data, "zero_missing_counts", None) or {}
    inside = training_data_inside(stripped, data.X[features])
    from imbalance_core.learn.model_contents import column_summaries

    meta = ModelMetadata(
        feature_names=tuple(features),
        feature_types={c: ("numeric" if c in numeric else "categorical") for c in features},
        label=str(data.label),
        positive_class=str(data.class_names[1]) if binary else "",
        class_names=tuple(str(c) for c in data.class_names),
        threshold=t,
        threshold_reason=threshold_reason or ("" if t is None else "Threshold set by hand."),
        training_sha256=str(data.source_sha256),
        data_name=str(data.name),
        settings=_settings_text(settings),
        versions=package_versions(),
        created=datetime.now(UTC).replace(microsecond=0).isoformat(),
        export_id=export_id or new_export_id(),
        notices=tuple(n for n in (inside.notice(),) if n),
        zero_missing=tuple(c for c in features if c in zero_counts and c in numeric),
        training_data=inside.kind,
        training_rows=inside.rows,
        training_values=inside.values,
        **_validation_fields(result, data, features, numeric, t),
        column_medians=column_summaries(stripped),
    )
    return SavedModel(model, meta)


def _validation_fields(
    result: Any, data: Any, features: list[str], numeric: set[str], threshold: float | None
) -> dict[str, Any]:
    """Development figures and feature summaries for external validation (issue 28)."""
    from imbalance_core.evaluation.case_mix import feature_summaries
    from imbalance_core.evaluation.external import development_record

    types = {c: ("numeric" if c in numeric else "categorical") for c in features}
    rows = data.X[features]
    out: dict[str, Any] = {"positive_values": tuple(str(v) for v in getattr(data, "positive_values", ()))}
    if result is not None:
        rows = rows.iloc[np.asarray(result.train_index)]
        if threshold is not None and getattr(result, "is_binary", False):
            out["development"] = development_record(
                result.y_test, result.test_scores, threshold, result.y_train,
                f"hold-out of {data.name}",
            )  # fmt: skip
    out["feature_summary"] = feature_summaries(rows, types)
    return out


def _settings_text(settings: Any) -> dict[str, str]:
    if settings is None:
        return {}
    try:
        items = asdict(settings).items()
    except TypeError:
        items = dict(settings).items()
    return {str(k): str(v) for k, v in items}


# --------------------------------------------------------------------------- bytes


def dumps(saved: SavedModel) -> bytes:
    """The skops file's bytes: ``{"format", "metadata", "model"}`` (no pickle inside)."""
    import skops.io as sio

    payload = {"format": FORMAT, "metadata": saved.metadata.to_dict(), "model": saved.model}
    return sio.dumps(payload)


def save_model(saved: SavedModel, path: str) -> None:
    """Write :func:`dumps` to ``path``."""
    with open(path, "wb") as fh:
        fh.write(dumps(saved))


#: Where types of files written before the core moved into rooms (flat ``imbalance_core.models`` ...)
#: live now. :func:`migrate_legacy_paths` rewrites exactly these ``__module__`` entries of the schema;
#: nothing else is trusted because of it.
LEGACY_MODULES: dict[str, str] = {
    "imbalance_core.models": "imbalance_core.learn.classifiers",
    "imbalance_core.training": "imbalance_core.learn.training",
    "imbalance_core.recalibration": "imbalance_core.learn.recalibration",
}
SCHEMA = "schema.json"


def _renamed_modules(node: Any, moves: dict[str, str]) -> bool:
    """Rewrite ``__module__`` values found in ``moves`` in a parsed skops schema, in place."""
    changed = False
    if isinstance(node, dict):
        module = node.get("__module__")
        if isinstance(module, str) and module in moves:
            node["__module__"] = moves[module]
            changed = True
        for value in node.values():
            changed = _renamed_modules(value, moves) or changed
    elif isinstance(node, list):
        for value in node:
            changed = _renamed_modules(value, moves) or changed
    return changed


def migrate_legacy_paths(raw: bytes) -> bytes:
    """A model file of the flat layout with its types' module paths moved to today's rooms.

    skops records each type by module path, so a file written before ``imbalance_core/`` was split
    into rooms names ``imbalance_core.models.WeightedClassifier``. The schema is rewritten in memory
    (:data:`LEGACY_MODULES`); the arrays are copied unchanged. Files without such paths come back as
    they were. The result still goes through the same allowlist check as any other file.
    """
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        return raw
    check_zip(raw, MODEL_LIMITS, "model file")
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        if SCHEMA not in archive.namelist():
            return raw
        try:
            schema = json.loads(archive.read(SCHEMA))
        except ValueError:
            return raw
        if not _renamed_modules(schema, LEGACY_MODULES):
            return raw
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as rewritten:
            for info in archive.infolist():
                data = json.dumps(schema).encode() if info.filename == SCHEMA else archive.read(info)
                rewritten.writestr(info, data)
    return out.getvalue()


def untrusted_types(raw: bytes) -> list[str]:
    """Types the file would create beyond skops' defaults; DataError when it is not a skops file."""
    import skops.io as sio

    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise DataError(_NOT_OURS)
    check_zip(raw, MODEL_LIMITS, "model file")  # bombs, traversal, overlaps: before skops reads it
    try:
        return list(sio.get_untrusted_types(data=raw))
    except Exception:  # a damaged archive or schema: skops raises many kinds
        raise DataError(_NOT_OURS) from None


def loads(raw: bytes) -> SavedModel:
    """Load model bytes after checking every type against :data:`ALLOWED_TYPES`.

    Raises
    ------
    DataError
        Not a skops file (a pickle, garbage), a type outside the allowlist (named in the message),
        or a skops file that is not an Imbalance Lab model.
    """
    import skops.io as sio

    raw = migrate_legacy_paths(raw)
    found = untrusted_types(raw)
    unexpected = sorted(t for t in found if t not in ALLOWED_TYPES)
    if unexpected:
        raise DataError(
            "The model file was refused: it contains types an Imbalance Lab model never holds "
            f"({', '.join(unexpected[:5])}). It may have been altered; do not use it."
        )
    check_array_sizes(raw)  # from the arrays' headers, before skops allocates them
    try:
        payload = sio.loads(raw, trusted=found)
    except Exception:  # a damaged archive or schema
        raise DataError(_NOT_OURS) from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT or "model" not in payload:
        raise DataError(_NOT_OURS)
    meta = ModelMetadata.from_dict(payload.get("metadata") or {})
    model = payload["model"]
    if not hasattr(model, "predict_proba"):
        raise DataError(_NOT_OURS)
    check_structures(model)  # trees, neighbour indexes, support vectors: before any prediction
    return SavedModel(model, meta)


def load_model(source: bytes | str) -> SavedModel:
    """Load a model from bytes or a path (see :func:`loads`)."""
    if isinstance(source, bytes | bytearray):
        return loads(bytes(source))
    try:
        with open(source, "rb") as fh:
            raw = fh.read()
    except OSError:
        raise DataError("The model file could not be read. Check the path.") from None
    return loads(raw)


@dataclass(frozen=True)
class ModelSummary:
    """Metadata as (label, value) rows for a page or a report table."""

    rows: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def _inside_text(meta: ModelMetadata) -> str:
    if meta.training_data == "rows":
        return f"{meta.training_rows:,} training rows"
    if meta.training_data == "values":
        return f"{meta.training_values:,} individual training values"
    return {"none": "none", "midpoints": "no rows or values (split points between values)"}.get(
        meta.training_data, "not recorded (older file)"
    )


def medians_note(meta: ModelMetadata) -> str:
    """The sentence every model file needs: it keeps each numeric column's training median ("" if none)."""
    if meta.column_medians <= 0:
        return ""
    return (
        f"The file also keeps the training data's median of each of its {meta.column_medians} numeric "
        "columns (used to fill missing values in new patients): summaries of real patients' "
        "measurements, each of which can be one patient's value."
    )


def describe(meta: ModelMetadata) -> ModelSummary:
    """A person-readable summary of a model's metadata."""
    rows = [
        ("Data set", meta.data_name),
        ("Training data SHA-256", meta.training_sha256),
        ("Label", meta.label),
        ("Classes", ", ".join(meta.class_names)),
        ("Positive class", meta.positive_class or "multi-class: most probable class"),
        ("Threshold", "—" if meta.threshold is None else f"{meta.threshold:.3f}"),
        ("How the threshold was chosen", meta.threshold_reason or "—"),
        ("Features", f"{len(meta.feature_names)}: " + ", ".join(meta.feature_names)),
        ("Zeros read as 'not measured'", ", ".join(meta.zero_missing) or "none"),
        ("Training data inside the file", _inside_text(meta)),
        ("Column medians inside the file", medians_note(meta) or "none recorded (older file)"),
        ("Created (UTC)", meta.created),
        ("Export id", meta.export_id),
        ("Versions", ", ".join(f"{k} {v}" for k, v in meta.versions.items())),
    ]
    rows += [(k, v) for k, v in meta.settings.items() if k in ("sampler", "classifier", "ratio", "weighting")]
    source = meta.development.get("source") if meta.development else None
    rows.append(
        ("Development figures (for validation)", str(source) if source else "not recorded (older file)")
    )
    if meta.parent_id:
        rows += [("Parent model (export id)", meta.parent_id), ("Update", meta.updating)]
    return ModelSummary(tuple(rows))
