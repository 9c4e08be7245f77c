"""Many-valued code columns (ICD-9 diag_*): rare codes grouped, the rest coded as before."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from sklearn.preprocessing import OneHotEncoder

from imbalance_core.learn.encoding import MAX_LEVELS, grouped_columns
from imbalance_core.learn.training import TrainSettings, build_pipeline, split_indices, train
from tests.learn.test_splitting import diabetes_head


def test_diag_columns_are_features_with_rare_codes_grouped() -> None:
    data = diabetes_head()
    assert {"diag_1", "diag_2", "diag_3"} <= set(data.categorical_features)
    grouped = {g.column: g for g in grouped_columns(data.X, data.categorical_features)}
    assert set(grouped) >= {"diag_1", "diag_2", "diag_3"}
    assert grouped["diag_1"].levels == data.X["diag_1"].nunique()
    settings = TrainSettings(classifier="logreg")
    train_idx, _ = split_indices(data, settings)
    X_train, y_train = data.X.iloc[train_idx], data.y[train_idx]
    pipe = build_pipeline(data, settings)
    pipe.fit(X_train, y_train)
    names = list(pipe.named_steps["preprocess"].get_feature_names_out())
    diag = [n for n in names if n.startswith("diag_1_")]
    assert len(diag) == MAX_LEVELS
    # independent count: the 29 most frequent training codes after most-frequent imputation are kept
    filled = X_train["diag_1"].fillna(X_train["diag_1"].mode().iloc[0])
    counts = filled.value_counts()
    kept = {n.removeprefix("diag_1_") for n in diag} - {"infrequent_sklearn"}
    assert len(kept) == MAX_LEVELS - 1
    assert counts[list(kept)].min() >= counts.drop(list(kept)).max()
    # a few-valued column is coded exactly as a plain one-hot encoder does
    race = [n for n in names if n.startswith("race_")]
    plain = OneHotEncoder(sparse_output=False).fit(
        X_train[["race"]].fillna(X_train["race"].mode().iloc[0]).astype(object)
    )
    assert race == list(plain.get_feature_names_out())


def test_training_summary_says_what_was_grouped() -> None:
    data = diabetes_head(2500)
    keep = [*data.numeric_features[:4], "diag_1", "race"]
    small = dataclasses.replace(
        data,
        X=data.X[keep],
        numeric_features=data.numeric_features[:4],
        categorical_features=("diag_1", "race"),
    )
    result = train(small, TrainSettings(sampler="smotenc", ratio=0.5, cv=3))
    text = " ".join(result.notices)
    n = small.X["diag_1"].nunique()
    assert f"diag_1: {n:,} codes -> {MAX_LEVELS} columns, {n - MAX_LEVELS + 1:,} rare codes grouped" in text
    assert "race:" not in text
    assert np.isfinite(result.oof_scores).all()
    assert isinstance(small.X, pd.DataFrame)
