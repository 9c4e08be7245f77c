"""Model export: skops round trip, no sampler and no patient rows inside, refusal of unsafe files."""

from __future__ import annotations

import dataclasses
import io
import json
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from imbalance_core.errors import DataError
from imbalance_core.learn import training
from imbalance_core.learn.classifiers import CLASSIFIERS
from imbalance_core.share import model_file
from tests.helpers_training import hcv, hcv_numeric


@pytest.fixture(scope="module")
def smote_result():
    data = hcv()
    settings = training.TrainSettings(sampler="smote", classifier="logreg", ratio=0.5, cv=2, seed=3)
    return data, training.train(data, settings)


@pytest.fixture(scope="module")
def smote_saved(smote_result):
    data, result = smote_result
    saved = model_file.build_saved_model(result.pipeline, data, 0.3, "test pick", result.settings)
    return saved, model_file.dumps(saved)


def _training_matrices(data, result) -> list[np.ndarray]:
    """Training rows as the sampler sees them (after imputation/encoding) and as the classifier sees them."""
    X_train = data.X.iloc[result.train_index]
    pipe = result.pipeline
    pre = pipe.named_steps["preprocess"].transform(X_train)
    full = pipe[:-1].transform(X_train) if len(pipe.steps) > 2 else pre
    return [np.asarray(pre, dtype=float), np.asarray(full, dtype=float)]


def _stored_rows_matching(raw: bytes, matrices: list[np.ndarray]) -> int:
    """How many training rows appear verbatim as a row of any 2-D array stored in the skops file."""
    found = 0
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        for name in z.namelist():
            if not name.endswith(".npy"):
                continue
            arr = np.load(io.BytesIO(z.read(name)), allow_pickle=False)
            if arr.ndim != 2 or arr.dtype.kind != "f":
                continue
            for m in matrices:
                if arr.shape[1] != m.shape[1]:
                    continue
                stored = {tuple(np.round(r, 9)) for r in arr}
                found += sum(tuple(np.round(r, 9)) in stored for r in m)
    return found


def test_round_trip_gives_identical_scores_and_decisions(smote_result, smote_saved):
    data, result = smote_result
    _, raw = smote_saved
    loaded = model_file.loads(raw)
    X_test = data.X.iloc[result.test_index]
    expected = result.pipeline.predict_proba(X_test)[:, 1]  # the original, fitted imblearn pipeline
    np.testing.assert_array_equal(loaded.scores(X_test), expected)
    np.testing.assert_array_equal(expected, result.test_scores)
    # FixedThresholdClassifier applies score >= threshold.
    np.testing.assert_array_equal(loaded.decisions(X_test), (expected >= 0.3).astype(int))
    assert loaded.metadata.threshold == 0.3
    assert loaded.metadata.threshold_reason == "test pick"


def test_metadata_describes_features_label_and_data(smote_result, smote_saved):
    data, _ = smote_result
    meta = model_file.loads(smote_saved[1]).metadata
    assert meta.feature_names == tuple(data.X.columns)
    assert {c for c, t in meta.feature_types.items() if t == "categorical"} == set(data.categorical_features)
    assert meta.label == data.label
    assert meta.positive_class == data.class_names[1]
    assert meta.class_names == data.class_names
    assert meta.training_sha256 == data.source_sha256 and len(meta.training_sha256) == 64
    assert meta.versions["scikit-learn"] and meta.versions["skops"]
    assert meta.settings["sampler"] == "smote"
    assert meta.created.endswith("+00:00")


def test_saved_model_has_no_sampler_and_no_training_rows(smote_result, smote_saved):
    data, result = smote_result
    saved, raw = smote_saved
    assert any(hasattr(step, "fit_resample") for _, step in result.pipeline.steps)  # the original has one
    loaded = model_file.loads(raw)
    assert not any(hasattr(step, "fit_resample") for _, step in loaded.pipeline.steps)
    assert "imbalance_core.learn.samplers.ResamplingStep" not in sio.get_untrusted_types(data=raw)
    assert _stored_rows_matching(raw, _training_matrices(data, result)) == 0
    assert saved.metadata.notices == ()


def test_knn_model_keeps_rows_and_says_so():
    data = hcv_numeric()
    result = training.train(data, training.TrainSettings(sampler="smote", classifier="knn", cv=2))
    saved = model_file.build_saved_model(result.pipeline, data, 0.5)
    raw = model_file.dumps(saved)
    # The row check above is able to fail: a kNN model really does hold the training rows.
    assert _stored_rows_matching(raw, _training_matrices(data, result)) > 0
    assert any("k-nearest" in n for n in saved.metadata.notices)
    assert model_file.loads(raw).metadata.notices == saved.metadata.notices


@pytest.mark.parametrize("key", list(CLASSIFIERS))
def test_every_classifier_round_trips(key):
    data = hcv_numeric()
    quick = ("n_estimators", "max_iter", "epochs")  # the fewest allowed: keep the test fast
    params = tuple((p.name, int(p.min)) for p in CLASSIFIERS[key].params if p.name in quick)
    settings = training.TrainSettings(sampler="random_over", classifier=key, params=params)
    pipe = training.build_pipeline(data, settings).fit(data.X, data.y)
    raw = model_file.dumps(model_file.build_saved_model(pipe, data, 0.4))
    loaded = model_file.loads(raw)
    np.testing.assert_array_equal(loaded.scores(data.X), pipe.predict_proba(data.X)[:, 1])


def _tamper(raw: bytes, old: str, new: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.namelist():
            payload = src.read(item)
            if item == "schema.json":
                text = payload.decode()
                assert old in text
                payload = text.replace(old, new).encode()
            dst.writestr(item, payload)
    return out.getvalue()


def test_tampered_file_is_refused_naming_the_type(smote_saved):
    raw = smote_saved[1]
    bad = _tamper(raw, '"__class__": "WeightedClassifier",\n', '"__class__": "system",\n')
    bad = _tamper(bad, '"__module__": "imbalance_core.learn.classifiers"', '"__module__": "os"')
    with pytest.raises(DataError, match=r"imbalance_core|os\.system"):
        model_file.loads(bad)
    try:
        model_file.loads(bad)
    except DataError as exc:
        assert "os.system" in str(exc)


def test_pickle_file_is_refused_and_never_unpickled(tmp_path: Path):
    marker = tmp_path / "was_unpickled"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (marker,))

    raw = pickle.dumps(Evil())
    with pytest.raises(DataError, match="not an Imbalance Lab model"):
        model_file.loads(raw)
    assert not marker.exists()
    pickle.loads(raw)  # the payload really does act when unpickled
    assert marker.exists()


@pytest.mark.parametrize(
    "raw",
    [b"", b"garbage bytes that are not a model", b"PK\x03\x04broken zip"],
    ids=["empty", "garbage", "broken-zip"],
)
def test_garbage_is_refused(raw):
    with pytest.raises(DataError):
        model_file.loads(raw)


def test_foreign_skops_file_and_other_zip_are_refused():
    X = np.arange(20, dtype=float).reshape(10, 2)
    y = np.array([0, 1] * 5)
    with pytest.raises(DataError, match="not an Imbalance Lab model"):
        model_file.loads(sio.dumps(LogisticRegression().fit(X, y)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("schema.json", json.dumps({"hello": 1}))
    with pytest.raises(DataError):
        model_file.loads(buf.getvalue())


def test_multiclass_model_predicts_most_probable_class():
    from tests.helpers_training import hcv_multiclass

    data = hcv_multiclass()
    settings = training.TrainSettings(sampler="none", classifier="logreg")
    pipe = training.build_pipeline(data, settings).fit(data.X, data.y)
    loaded = model_file.loads(model_file.dumps(model_file.build_saved_model(pipe, data, 0.3)))
    assert loaded.metadata.threshold is None
    proba = pipe.predict_proba(data.X)
    np.testing.assert_array_equal(loaded.decisions(data.X), np.argmax(proba, axis=1))


def test_load_model_from_path_and_missing_path(tmp_path: Path, smote_saved):
    path = tmp_path / "m.skops"
    model_file.save_model(smote_saved[0], str(path))
    assert model_file.load_model(str(path)).metadata.export_id == smote_saved[0].metadata.export_id
    with pytest.raises(DataError, match="could not be read"):
        model_file.load_model(str(tmp_path / "nope.skops"))


def test_exports_are_unique(smote_result):
    data, result = smote_result
    a = model_file.build_saved_model(result.pipeline, data, 0.3)
    b = model_file.build_saved_model(result.pipeline, data, 0.3)
    assert a.metadata.export_id != b.metadata.export_id
    assert model_file.dumps(a) != model_file.dumps(b)
    assert dataclasses.asdict(a.metadata)["threshold"] == 0.3


# --------------------------------------------------------------------------- zeros that mean "not measured"

PIMA_DOCUMENTED = ("Glucose", "BloodPressure", "SkinThickness", "Insulin", "BMI")


@pytest.fixture(scope="module")
def pima_saved():
    from tests.helpers_training import pima

    data = pima()
    settings = training.TrainSettings(sampler="none", classifier="logreg", cv=2)
    pipe = training.build_pipeline(data, settings).fit(data.X, data.y)
    return model_file.build_saved_model(pipe, data, 0.4, "test", settings)


def test_pima_preset_model_records_its_zero_missing_columns(pima_saved):
    assert set(pima_saved.metadata.zero_missing) == set(PIMA_DOCUMENTED)
    loaded = model_file.loads(model_file.dumps(pima_saved))
    assert loaded.metadata.zero_missing == pima_saved.metadata.zero_missing
    rows = dict(model_file.describe(loaded.metadata).rows)
    assert all(c in rows["Zeros read as 'not measured'"] for c in PIMA_DOCUMENTED)


def test_model_saved_before_zero_missing_existed_still_loads(pima_saved):
    metadata = pima_saved.metadata.to_dict()
    del metadata["zero_missing"]  # what files written before the field look like
    raw = sio.dumps({"format": model_file.FORMAT, "metadata": metadata, "model": pima_saved.model})
    loaded = model_file.loads(raw)
    assert loaded.metadata.zero_missing == ()
    assert loaded.metadata.feature_names == pima_saved.metadata.feature_names


def test_export_id_is_never_read_back_as_a_number(monkeypatch):
    """An all-digit id (e.g. '123456789012') became a float in pandas and lost its match with the file."""
    draws = iter(["123456789012", "000000000042", "0a1b2c3d4e5f"])
    monkeypatch.setattr(model_file.secrets, "token_hex", lambda n: next(draws))
    assert model_file.new_export_id() == "0a1b2c3d4e5f"
    monkeypatch.undo()
    ids = {model_file.new_export_id() for _ in range(2000)}
    assert len(ids) == 2000 and all(len(i) == 12 and not i.isdigit() for i in ids)
    assert all(int(i, 16) >= 0 for i in ids)
