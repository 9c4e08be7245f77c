"""Prepared bundled data for the training-engine tests (samplers, models, training, CLI evaluate).

Everything comes from the real bundled files through the app's own intake
(``bundled.load_bundled`` + ``task.prepare``); variants are derived from it, never invented.
"""

from __future__ import annotations

import dataclasses
from functools import cache

import numpy as np
import pandas as pd

from imbalance_core.intake import bundled, task
from imbalance_core.intake.task import PreparedData, TaskSpec

HCV_SUSPECT = "0s=suspect Blood Donor"


@cache
def hcv() -> PreparedData:
    """HCV: any liver disease vs blood donor (75 vs 533), numeric lab values plus Sex (categorical)."""
    return task.prepare(bundled.load_bundled("hcv"), bundled.BUNDLED["hcv"].default_spec)


@cache
def hcv_numeric() -> PreparedData:
    """HCV binary with the numeric columns only."""
    data = hcv()
    return dataclasses.replace(data, X=data.X[list(data.numeric_features)], categorical_features=())


@cache
def hcv_multiclass() -> PreparedData:
    """HCV with donor, hepatitis, fibrosis and cirrhosis kept separate (suspect donors left out)."""
    spec = TaskSpec(label="Category", multiclass=True, ignore=(HCV_SUSPECT,))
    data = task.prepare(bundled.load_bundled("hcv"), spec)
    return dataclasses.replace(data, X=data.X[list(data.numeric_features)], categorical_features=())


@cache
def hcv_categorical() -> PreparedData:
    """HCV binary with every lab value binned into low/mid/high tertiles plus Sex: all categorical."""
    data = hcv()
    columns = {}
    for name in ("ALB", "ALT", "AST", "BIL", "CHE", "GGT"):
        binned = pd.qcut(data.X[name], 3, labels=["low", "mid", "high"]).astype(object)
        columns[name] = binned.where(binned.notna(), np.nan)
    columns["Sex"] = data.X["Sex"]
    frame = pd.DataFrame(columns)
    return dataclasses.replace(data, X=frame, numeric_features=(), categorical_features=tuple(frame.columns))


@cache
def pima() -> PreparedData:
    """Pima diabetes (268 vs 500), all numeric."""
    return task.prepare(bundled.load_bundled("pima"), bundled.BUNDLED["pima"].default_spec)
