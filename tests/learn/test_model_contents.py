"""Patient rows and values inside fitted models: every registry declaration checked against the fitted object.

The data are planted: every numeric cell is a unique, non-whole number, so a stored number equal to one
of them can only have come from that patient. The checker walks every array of the fitted classifier
(and, for scaled models, the arrays after the scaler's inverse transform); an independent count from
scikit-learn's own attributes (the SVM's ``support_``) pins the number it reports.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import TaskSpec, prepare
from imbalance_core.learn import training
from imbalance_core.learn.classifiers import CLASSIFIERS
from imbalance_core.learn.model_contents import CONFIRM, STORES, StoredTraining, find_training_data
from imbalance_core.share import model_file

QUICK = {"n_estimators": 10, "max_iter": 30, "epochs": 20}
PLANTED = 123.456789  # one lab value that must come back out of an SVM model exactly


@cache
def planted_data(tmp_dir: str):
    """600 patients, 4 lab values each unique and non-whole, a sex column, 15 % positives (label last)."""
    rng = np.random.default_rng(7)
    n = 600
    sick = rng.random(n) < 0.15
    frame = pd.DataFrame(
        {
            f"lab{i}": np.round(rng.normal(100 + 8 * sick, 15, n), 4) + 1e-4 * np.arange(n) * (i + 1)
            for i in range(4)
        }
    )
    frame.loc[0, "lab0"] = PLANTED
    frame["sex"] = rng.choice(["f", "m"], n)
    frame["diagnosis"] = np.where(sick, "disease", "healthy")
    path = f"{tmp_dir}/planted.csv"
    frame.to_csv(path, index=False)
    return prepare(read_table(path), TaskSpec(label="diagnosis", positive=("disease",)))


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return planted_data(str(tmp_path_factory.mktemp("planted")))


def _fit(data, key: str, sampler: str = "smote"):
    params = tuple((p.name, QUICK[p.name]) for p in CLASSIFIERS[key].params if p.name in QUICK)
    settings = training.TrainSettings(sampler=sampler, classifier=key, params=params, seed=1)
    pipe = training.build_pipeline(data, settings).fit(data.X, data.y)
    return model_file.strip_samplers(pipe)


def declaration_holds(declared: str, found: StoredTraining) -> bool:
    """A declaration is true when the fitted model holds exactly that much and no more."""
    if declared in ("none", "midpoints"):
        return found.rows == 0 and found.values == 0
    if declared == "values":
        return found.rows == 0 and found.values > 0
    return found.rows > 0


def test_every_entry_declares_a_known_kind_with_a_reason():
    for spec in CLASSIFIERS.values():
        assert spec.stores in STORES, spec.key
        assert len(spec.stores_reason) > 30, spec.key
        assert spec.carries_patient_data == (spec.stores in CONFIRM)


@pytest.mark.parametrize("key", list(CLASSIFIERS))
def test_declaration_matches_the_fitted_model(data, key):
    found = find_training_data(_fit(data, key), data.X)
    assert declaration_holds(CLASSIFIERS[key].stores, found), (key, CLASSIFIERS[key].stores, found)


def test_the_check_can_fail_a_false_no_rows_declaration(data):
    # kNN keeps every row: declared "none" it would be caught.
    found = find_training_data(_fit(data, "knn"), data.X)
    assert not declaration_holds("none", found)
    assert not declaration_holds("midpoints", found)


def test_svm_rows_found_equal_its_real_support_vectors_and_give_back_lab_values(data):
    settings = training.TrainSettings(sampler="smote", classifier="svm", seed=1)
    pipe = training.build_pipeline(data, settings).fit(data.X, data.y)
    svc = pipe.named_steps["classifier"].estimator_.calibrated_classifiers_[0].estimator
    # Independent count: SMOTE output keeps the real rows first, synthetic ones after.
    n_real = len(data.y)
    expected = int((svc.support_ < n_real).sum())
    assert expected > 0
    found = find_training_data(model_file.strip_samplers(pipe), data.X)
    assert found.rows == expected
    # The scaler in the same file turns support vectors back into lab values (lab0 is the first column).
    back = pipe.named_steps["scale"].inverse_transform(svc.support_vectors_)
    lab0 = np.round(np.asarray(data.X["lab0"], dtype=float), 6)
    assert np.isin(np.round(back[:, 0], 6), lab0).sum() == expected


def test_knn_gives_the_planted_value_back_exactly(data):
    pipe = _fit(data, "knn")
    stored = pipe.named_steps["classifier"].estimator_._fit_X
    back = pipe.named_steps["scale"].inverse_transform(stored)
    assert np.isclose(back[:, 0], PLANTED, rtol=0, atol=1e-9).sum() == 1


def test_hist_gb_bin_edges_are_individual_training_values(data):
    pipe = _fit(data, "hist_gb")
    edges = pipe.named_steps["classifier"].estimator_._bin_mapper.bin_thresholds_[0]
    lab0 = np.asarray(data.X["lab0"], dtype=float)
    assert np.isin(edges, lab0).sum() > 100  # exact measured values, not midpoints
    tree = _fit(data, "random_forest").named_steps["classifier"].estimator_.estimators_[0].tree_
    assert not np.isin(tree.threshold, np.asarray(data.X.select_dtypes("number"), dtype=float)).any()


def test_saved_model_metadata_counts_rows_and_round_trips(data):
    settings = training.TrainSettings(sampler="smote", classifier="svm", seed=1)
    pipe = training.build_pipeline(data, settings).fit(data.X, data.y)
    saved = model_file.build_saved_model(pipe, data, 0.4, "test", settings)
    meta = saved.metadata
    assert meta.training_data == "rows"
    assert meta.training_rows == find_training_data(model_file.strip_samplers(pipe), data.X).rows > 0
    text = model_file.confirmation_text(meta)
    assert text is not None and f"{meta.training_rows:,} training rows" in text
    assert any("support vectors" in n and f"{meta.training_rows:,}" in n for n in meta.notices)
    loaded = model_file.loads(model_file.dumps(saved)).metadata
    assert (loaded.training_data, loaded.training_rows) == ("rows", meta.training_rows)


def test_logreg_export_needs_no_confirmation(data):
    settings = training.TrainSettings(sampler="smote", classifier="logreg", seed=1)
    pipe = training.build_pipeline(data, settings).fit(data.X, data.y)
    meta = model_file.build_saved_model(pipe, data, 0.5, "test", settings).metadata
    assert (meta.training_data, meta.training_rows, meta.training_values) == ("none", 0, 0)
    assert model_file.confirmation_text(meta) is None
    assert meta.notices == ()


def test_older_files_without_the_fields_load_as_unknown():
    meta = model_file.ModelMetadata.from_dict(
        {
            "feature_names": ["a"], "feature_types": {"a": "numeric"}, "label": "y", "positive_class": "1",
            "class_names": ["0", "1"], "threshold": 0.5, "threshold_reason": "", "training_sha256": "x",
            "data_name": "d", "settings": {}, "versions": {}, "created": "", "export_id": "e",
            "format": model_file.FORMAT, "format_version": 1,
        }
    )  # fmt: skip
    assert meta.training_data == "unknown" and model_file.confirmation_text(meta) is None


def test_values_confirmation_without_a_count_still_asks():
    meta = model_file.ModelMetadata.from_dict(
        {
            "feature_names": ["a"], "feature_types": {"a": "numeric"}, "label": "y", "positive_class": "1",
            "class_names": ["0", "1"], "threshold": 0.5, "threshold_reason": "", "training_sha256": "x",
            "data_name": "d", "settings": {}, "versions": {}, "created": "", "export_id": "e",
            "format": model_file.FORMAT, "format_version": 1, "training_data": "values", "training_values": 0,
        }
    )  # fmt: skip
    assert model_file.confirmation_text(meta).startswith("I understand this file may contain individual")
