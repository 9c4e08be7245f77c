"""Issue 23 defect 4: settings carried from one file to another are reset, with a sentence naming each,
before any training (:func:`imbalance_core.learn.settings_check.fit_to_data`)."""

from __future__ import annotations

import dataclasses

import numpy as np

from imbalance_core.learn.settings_check import MIN_EVENTS_TO_RECALIBRATE, fit_to_data
from imbalance_core.learn.training import TrainSettings
from tests.helpers_training import hcv, hcv_multiclass


def test_settings_that_fit_are_returned_unchanged():
    settings = TrainSettings(recalibrate="platt", clip_bounds=(("ALT", 0.0, 500.0),))
    fitted = fit_to_data(settings, hcv())
    assert fitted.settings is settings and fitted.changes == ()


def test_recalibration_on_a_multiclass_task_is_reset_and_named():
    fitted = fit_to_data(TrainSettings(recalibrate="platt"), hcv_multiclass())
    assert fitted.settings.recalibrate == "none"
    assert fitted.changes == (
        "Recalibration (Platt (logistic)) applies to two-class tasks only and this task has 4 classes: "
        "it is set back to None.",
    )


def test_recalibration_with_too_few_events_is_reset():
    data = hcv()
    keep = np.sort(np.concatenate([np.flatnonzero(data.y == 0), np.flatnonzero(data.y == 1)[:12]]))
    few = dataclasses.replace(data, X=data.X.iloc[keep].reset_index(drop=True), y=data.y[keep])
    train_rare = int(min(few.class_counts.values()) * 0.75)
    assert train_rare < MIN_EVENTS_TO_RECALIBRATE  # precondition
    fitted = fit_to_data(TrainSettings(recalibrate="isotonic"), few)
    assert fitted.settings.recalibrate == "none" and "Isotonic" in fitted.changes[0]
    assert fit_to_data(TrainSettings(recalibrate="prior"), few).changes == ()  # analytic: nothing to fit


def test_bounds_group_and_weights_of_another_file_are_reset():
    settings = TrainSettings(
        clip_bounds=(("ALT", 0.0, 500.0), ("glucose", 2.0, 40.0)),
        group_by="patient_nbr",
        weighting="custom",
        custom_weights=(1.0, 5.0, 9.0),
    )
    fitted = fit_to_data(settings, hcv())
    assert fitted.settings.clip_bounds == (("ALT", 0.0, 500.0),)
    assert fitted.settings.group_by == ""
    assert (fitted.settings.weighting, fitted.settings.custom_weights) == ("none", ())
    text = " ".join(fitted.changes)
    assert "glucose" in text and "patient_nbr" in text and "3 classes" in text and len(fitted.changes) == 3
