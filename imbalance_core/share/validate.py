"""The saved model on the patients it will meet: external validation, updating, case mix, prevalence.

Glue between a loaded model file (:mod:`imbalance_core.share.model_file`), a new file read with the same
intake as training (:mod:`imbalance_core.share.predict`) and the numbers
(:mod:`imbalance_core.evaluation.external`, :mod:`~imbalance_core.evaluation.case_mix`,
:mod:`~imbalance_core.evaluation.prior_shift`, :mod:`~imbalance_core.evaluation.validation_size`,
:mod:`imbalance_core.learn.updating`). The Validate page and ``python -m imbalance_core validate`` both
call :func:`validate_labelled` or :func:`describe_batch` and draw or print the result.

* A **labelled** new file: validation figures beside the development figures the model file carries,
  threshold transport, updating (cross-validated within the file), case mix, the membership model when
  the development file is given, the sample size the file would need, and the EM prevalence estimate as
  a check against the observed prevalence.
* An **unlabelled** batch: the EM prevalence with its interval, PPV/NPV there, case mix.

:func:`updated_model` turns an update into a new model file whose metadata names its parent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import FixedThresholdClassifier

from imbalance_core.errors import DataError
from imbalance_core.evaluation import case_mix as cm
from imbalance_core.evaluation.calibration import Estimate
from imbalance_core.evaluation.external import (
    SideBySide,
    Transport,
    ValidationFigures,
    side_by_side,
    threshold_transport,
    validation_figures,
)
from imbalance_core.evaluation.prior_shift import PrevalenceEstimate, estimate_prevalence
from imbalance_core.evaluation.validation_size import ValidationSize, validation_size
from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import TaskSpec, prepare
from imbalance_core.learn.recalibration import RecalibratedModel
from imbalance_core.learn.updating import UPDATES, Updating, update_model
from imbalance_core.share.model_file import SavedModel, new_export_id
from imbalance_core.share.predict import features_for_model

NO_DEVELOPMENT_FILE = (
    "The membership model needs the development patients' rows, which a model file never carries; "
    "add the development file to see how well a model can tell the two files apart."
)


@dataclass(frozen=True, eq=False)
class NewPatients:
    """A new file read for the model: its features, outcomes (None when unlabelled) and notices."""

    X: pd.DataFrame
    y: np.ndarray | None
    notices: tuple[str, ...]
    name: str


def _check_binary(saved: SavedModel) -> None:
    if not saved.is_binary or saved.metadata.threshold is None:
        raise DataError("External validation needs a two-class model (a positive class and a threshold).")


def read_new_patients(
    saved: SavedModel,
    source: bytes | str | os.PathLike,
    name: str | None = None,
    label: str | None = None,
    positive: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
) -> NewPatients:
    """Read a new file; with ``label``, its outcomes coded 1 for ``positive`` (default: the model's).

    Rows without an outcome (or with an ``ignore`` value) are left out, as in training.
    """
    _check_binary(saved)
    table = read_table(source, name=name)
    notices = list(table.notices[1:])
    frame = table.frame
    y = None
    if label:
        if label not in frame.columns:
            raise DataError(f"There is no column called '{label}' in the new file. Name the outcome column.")
        wanted = tuple(positive) or saved.metadata.positive_values or (saved.metadata.positive_class,)
        try:
            data = prepare(table, TaskSpec(label=label, positive=wanted, ignore=tuple(ignore)))
        except DataError as exc:
            raise DataError(f"The outcome column could not be used: {exc}") from None
        rows = data.source_rows if data.source_rows is not None else np.arange(len(frame))
        frame = frame.iloc[rows].reset_index(drop=True)
        if label not in saved.metadata.feature_names:  # the outcome is no feature: no "not used" notice
            frame = frame.drop(columns=[label])
        y = np.asarray(data.y, dtype=np.int64)
        notices += [n for n in data.notices if "left out" in n or "without a label" in n]
        notices.append(f"Positive class in the new file: {', '.join(data.positive_values)}.")
    if len(frame) == 0:
        raise DataError("The new file has no patients to score.")
    X, found = features_for_model(frame, saved)
    return NewPatients(X, y, tuple(notices) + found, table.name)


def scores_of(saved: SavedModel, X: pd.DataFrame) -> np.ndarray:
    """The model's positive-class risks, or a DataError in plain words."""
    try:
        return np.asarray(saved.scores(X), dtype=float)
    except ValueError:
        raise DataError(
            "The model could not score these patients; check the columns hold the same kind of values as "
            "in the training data."
        ) from None


@dataclass(frozen=True, eq=False)
class DriftReport:
    """Case mix against the model file's summaries, and the membership model (or why it is not shown)."""

    case_mix: cm.CaseMix | None
    case_mix_note: str
    membership: cm.Membership | None
    membership_note: str


def drift(saved: SavedModel, X_new: pd.DataFrame, X_dev: pd.DataFrame | None, seed: int = 0) -> DriftReport:
    """:class:`DriftReport` of ``X_new`` (``X_dev``: the development file's features, or None)."""
    try:
        mix, note = cm.case_mix(saved.metadata.feature_summary, X_new), ""
    except DataError as exc:
        mix, note = None, str(exc)
    member, member_note = None, NO_DEVELOPMENT_FILE
    if X_dev is not None:
        try:
            member, member_note = (
                cm.membership_model(X_dev, X_new, saved.metadata.feature_types, seed=seed),
                "",
            )
        except DataError as exc:
            member_note = str(exc)
    return DriftReport(mix, note, member, member_note)


def prior_shift_caveat(d: DriftReport, prevalence: PrevalenceEstimate | None) -> str:
    """Why the EM prevalence may mislead here: it assumes only the prevalence changed ("" when no sign)."""
    if prevalence is None:
        return ""
    reasons = []
    if d.case_mix is not None:
        very = [f.feature for f in d.case_mix.features if f.verdict == "very different"]
        if very:
            reasons.append(f"the patients differ in {', '.join(very[:4])}")
    if d.membership is not None and d.membership.verdict != "similar":
        reasons.append(f"a model tells the two files apart (AUC {d.membership.auc:.2f})")
    if prevalence.at_edge:
        reasons.append(
            "the estimate runs to the edge, a sign the risks do not fit these patients (PPV and NPV at it "
            "are not shown)"
        )
    if not reasons:
        return ""
    return (
        "EM assumes only the share of positive patients changed, not what patients of each class look "
        "like; here " + "; ".join(reasons) + ". A change in prevalence alone also moves the features that "
        "predict the outcome, so this is a warning sign, not proof. Treat the estimate with caution; a "
        "labelled sample from the new site settles it."
    )


@dataclass(frozen=True, eq=False)
class LabelledValidation:
    """Everything the Validate page and the CLI show for a labelled new file."""

    name: str
    figures: ValidationFigures
    rows: tuple[SideBySide, ...]
    transport: Transport
    updating: Updating | None
    updating_note: str
    drift: DriftReport
    size: ValidationSize | None
    prevalence: PrevalenceEstimate | None
    notices: tuple[str, ...]
    development_source: str
    prevalence_caveat: str = ""


def validate_labelled(
    saved: SavedModel, new: NewPatients, X_dev: pd.DataFrame | None = None, n_boot: int = 200, seed: int = 0
) -> LabelledValidation:
    """The model's figures on ``new`` (which must carry outcomes), beside its development figures."""
    if new.y is None:
        raise DataError(
            "Name the outcome column to validate the model; without it only the prevalence is shown."
        )
    meta = saved.metadata
    risks = scores_of(saved, new.X)
    figures = validation_figures(new.y, risks, float(meta.threshold), n_boot=n_boot, seed=seed)
    record = meta.development
    dev_sens = float(record.get("sensitivity", float("nan")))
    try:
        updating, updating_note = (
            update_model(new.y, risks, float(meta.threshold), seed=seed, n_boot=n_boot),
            "",
        )
    except DataError as exc:
        updating, updating_note = None, str(exc)
    try:
        size = validation_size(new.y, risks, figures.auc.value)
    except DataError:
        size = None
    try:
        prevalence = estimate_prevalence(
            risks, record, meta.settings, meta.threshold, n_boot=n_boot, seed=seed
        )
    except DataError:
        prevalence = None
    report = drift(saved, new.X, X_dev, seed)
    return LabelledValidation(
        name=new.name,
        figures=figures,
        rows=side_by_side(record, figures),
        transport=threshold_transport(new.y, risks, float(meta.threshold), dev_sens),
        updating=updating,
        updating_note=updating_note,
        drift=report,
        size=size,
        prevalence=prevalence,
        notices=new.notices,
        development_source=str(record.get("source", "")) or "not recorded in this model file",
        prevalence_caveat=prior_shift_caveat(report, prevalence),
    )


@dataclass(frozen=True, eq=False)
class BatchDescription:
    """An unlabelled batch: the EM prevalence (None with the reason when it cannot be estimated), drift."""

    name: str
    n: int
    prevalence: PrevalenceEstimate | None
    prevalence_note: str
    drift: DriftReport
    notices: tuple[str, ...]
    prevalence_caveat: str = ""


def describe_batch(
    saved: SavedModel, new: NewPatients, X_dev: pd.DataFrame | None = None, n_boot: int = 200, seed: int = 0
) -> BatchDescription:
    """Expected prevalence and case mix of a new batch without outcomes."""
    meta = saved.metadata
    risks = scores_of(saved, new.X)
    try:
        prev = estimate_prevalence(
            risks, meta.development, meta.settings, meta.threshold, n_boot=n_boot, seed=seed
        )
        note = ""
    except DataError as exc:
        prev, note = None, str(exc)
    if prev is None and "train_prevalence" not in meta.development:
        note = (
            "This model file does not record the prevalence it was developed at (it was saved before that "
            "was recorded); save the model again to estimate a batch's prevalence."
        )
    report = drift(saved, new.X, X_dev, seed)
    return BatchDescription(
        new.name, len(new.X), prev, note, report, new.notices, prior_shift_caveat(report, prev)
    )


def read_development(
    saved: SavedModel, source: bytes | str | os.PathLike, name: str | None = None
) -> pd.DataFrame:
    """The development file's feature columns (for the membership model)."""
    table = read_table(source, name=name)
    X, _ = features_for_model(table.frame, saved)
    return X


# --------------------------------------------------------------------------- updated model file


def updated_model(saved: SavedModel, validation: LabelledValidation, method: str) -> SavedModel:
    """A new model file whose risks go through the ``method`` update fitted on the whole new file.

    The metadata names the parent (``parent_id``), says what was updated, and carries as its development
    figures the cross-validated test-fold figures on the new file (with the new file's prevalence as the
    prevalence its risks are calibrated to). Features, threshold and feature summaries are the parent's.
    """
    if validation.updating is None:
        raise DataError(validation.updating_note or "The model could not be updated on this file.")
    if method not in UPDATES or method == "none":
        raise DataError("Choose 'intercept' or 'logistic' to save an updated model.")
    chosen = validation.updating.get(method)
    meta = saved.metadata
    scorer = saved.model.estimator if isinstance(saved.model, FixedThresholdClassifier) else saved.model
    model = FixedThresholdClassifier(
        RecalibratedModel(scorer, chosen.calibrator),
        threshold=float(meta.threshold),
        pos_label=1,
        response_method="predict_proba",
    )
    record = dict(chosen.figures.as_record())
    record["train_prevalence"] = chosen.figures.prevalence
    record["source"] = f"{validation.updating.folds}-fold cross-validation within {validation.name}"
    text = f"{chosen.name} on {validation.name}: {chosen.calibrator.describe()}"
    new_meta = replace(
        meta,
        export_id=new_export_id(),
        parent_id=meta.export_id,
        updating=text,
        development=record,
        threshold_reason=f"Kept from the parent model ({meta.threshold_reason.rstrip('.')}).",
        notices=(*meta.notices, f"Updated for a new site: {text}."),
    )
    return SavedModel(model, new_meta)


# --------------------------------------------------------------------------- JSON


def _est(e: Estimate | None) -> dict[str, Any] | None:
    return None if e is None else e.as_dict()


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, np.floating | np.integer):
        return _clean(value.item())
    return value


def drift_json(d: DriftReport) -> dict[str, Any]:
    """The drift report as plain values."""
    features = [] if d.case_mix is None else [f.__dict__ for f in d.case_mix.features]
    member = None
    if d.membership is not None:
        m = d.membership
        member = {"auc": m.auc, "verdict": m.verdict, "folds": m.folds, "n_development": m.n_dev,
                  "n_new": m.n_new, "top_features": [list(t) for t in m.top_features]}  # fmt: skip
    return _clean({"case_mix": features, "case_mix_note": d.case_mix_note, "membership": member,
                   "membership_note": d.membership_note})  # fmt: skip


def prevalence_json(p: PrevalenceEstimate | None) -> dict[str, Any] | None:
    """The prevalence estimate as plain values."""
    if p is None:
        return None
    return _clean({"em": _est(p.em), "adjusted_count": p.adjusted_count, "called_share": p.called_share,
                   "mean_risk": p.mean_risk, "train_prevalence": p.train_prevalence, "ppv": _est(p.ppv),
                   "npv": _est(p.npv), "warning": p.warning})  # fmt: skip


def labelled_json(v: LabelledValidation) -> dict[str, Any]:
    """Everything of :class:`LabelledValidation` as JSON-ready values."""
    t = v.transport
    out: dict[str, Any] = {
        "file": v.name,
        "n": v.figures.n,
        "events": v.figures.events,
        "threshold": v.figures.threshold,
        "development_source": v.development_source,
        "table": v.figures.table.__dict__,
        "figures": {
            r.key: {
                "development": _est(r.development),
                "external": _est(r.external),
                "difference": r.difference,
            }
            for r in v.rows
        },
        "transport": {
            "development_sensitivity": t.dev_sensitivity,
            "kept_threshold": t.kept_threshold,
            "kept_table": None if t.kept_table is None else t.kept_table.__dict__,
        },
        "drift": drift_json(v.drift),
        "prevalence": prevalence_json(v.prevalence),
        "prevalence_caveat": v.prevalence_caveat,
        "notices": list(v.notices),
    }
    if v.updating is not None:
        out["updating"] = {
            "folds": v.updating.folds,
            "recommended": v.updating.recommended,
            "reason": v.updating.reason,
            "p_values": v.updating.p_values,
            "methods": {
                r.method: {
                    "a": r.calibrator.a,
                    "b": r.calibrator.b,
                    "cross_validated": {k: _est(e) for k, e in r.figures.estimates().items()},
                }
                for r in v.updating.results
            },
        }
    else:
        out["updating"] = {"note": v.updating_note}
    if v.size is not None:
        out["sample_size"] = {"n_needed": v.size.n_needed, "events_needed": v.size.events_needed,
                              "assumption": v.size.assumption,
                              "criteria": [c.__dict__ | {"met": c.met} for c in v.size.criteria]}  # fmt: skip
    return _clean(out)


def batch_json(b: BatchDescription) -> dict[str, Any]:
    """An unlabelled batch's description as JSON-ready values."""
    return _clean({"file": b.name, "n": b.n, "prevalence": prevalence_json(b.prevalence),
                   "prevalence_note": b.prevalence_note, "prevalence_caveat": b.prevalence_caveat,
                   "drift": drift_json(b.drift),
                   "notices": list(b.notices)})  # fmt: skip
