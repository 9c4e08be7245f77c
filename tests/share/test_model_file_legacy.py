"""Model files written before the core moved into rooms (flat ``imbalance_core.models`` etc.) still load.

The fixture ``tests/fixtures/model_flat_layout.skops`` was written by commit 5f16b3e (the last flat
layout) with ``evaluate ... --weighting balanced --pick youden --model-out``; its predictions on the first
20 HCV rows were saved beside it by that version's ``predict``. Loading must migrate the old module paths
and give the same scores and decisions.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from imbalance_core.errors import DataError
from imbalance_core.share import model_file, predict

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OLD_MODEL = FIXTURES / "model_flat_layout.skops"


def test_old_layout_file_names_old_module_paths() -> None:
    """The fixture really is an old-layout file (else this test would prove nothing)."""
    raw = OLD_MODEL.read_bytes()
    assert "imbalance_core.models.WeightedClassifier" in model_file.untrusted_types(raw)


def test_old_layout_file_loads_and_scores_as_it_did() -> None:
    saved = model_file.load_model(OLD_MODEL.read_bytes())
    expected = pd.read_csv(FIXTURES / "predictions_flat_layout.csv")
    result = predict.predict_file(saved, FIXTURES / "new_patients.csv")
    np.testing.assert_allclose(result.scores, expected["model_score"].to_numpy(), rtol=0, atol=1e-9)
    assert saved.metadata.threshold == pytest.approx(0.4772, abs=5e-5)
    decided = [result.class_names[int(d)] for d in result.decisions]
    assert decided == expected["model_decision"].astype(str).tolist()


def test_migration_does_not_widen_what_is_trusted() -> None:
    """Only the listed old paths are mapped; an unknown old-looking module is still refused."""
    raw = model_file.migrate_legacy_paths(OLD_MODEL.read_bytes())
    assert not any(t.startswith("imbalance_core.models") for t in model_file.untrusted_types(raw))
    tampered = _with_schema(raw, lambda text: text.replace("imbalance_core.learn.classifiers", "os"))
    assert "os.WeightedClassifier" in model_file.untrusted_types(tampered)
    with pytest.raises(DataError, match="refused"):
        model_file.loads(tampered)


def _with_schema(raw: bytes, edit: Callable[[str], str]) -> bytes:
    """The same archive with its schema.json text edited (a well-formed, re-zipped file)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, edit(data.decode()).encode() if info.filename == "schema.json" else data)
    return out.getvalue()
