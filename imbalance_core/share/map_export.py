"""The Explore picture as files: the points table (CSV) and the summary that ``project --json`` prints.

Shared by the CLI's ``project`` command and anything else that exports a map, so the columns and keys
have one definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from imbalance_core.intake.task import PreparedData
from imbalance_core.learn.training import ResampleView, TrainSettings
from imbalance_core.maps.projection import (
    ResampledProjection,
)
from imbalance_core.share import predict

#: Fixed columns of the points CSV (a lab value with one of these names gets " (value)" appended).
POINT_COLUMNS = ("panel", "kind", "class", "train_row")


def axis_names(result: ResampledProjection) -> tuple[str, ...]:
    """Coordinate column names: PC1, PC2[, PC3] for PCA, UMAP1, UMAP2 for UMAP."""
    prefix = "PC" if result.method == "pca" else result.method.upper()
    return tuple(f"{prefix}{i + 1}" for i in range(result.n_components))


def _value_names(hover_names: Sequence[str], taken: Sequence[str]) -> list[str]:
    """Lab-value column names, with " (value)" appended where one clashes with a fixed column."""
    reserved = {*taken, predict.EXPORT_ID_COLUMN}
    return [f"{name} (value)" if name in reserved else str(name) for name in hover_names]


def points_frame(result: ResampledProjection, class_names: Sequence[str]) -> pd.DataFrame:
    """One row per point the chart draws, panel by panel (before, after, removed).

    panel: "before" (real training rows), "after" (the resampled set), "removed" (where the rows the
    sampler dropped sat; drawn faintly in the after panel). kind: before -> "kept" / "removed";
    after -> "real" / "synthetic"; removed -> "removed". train_row: the row's position among the real
    training rows (for a copy the row it copies; empty for synthetic rows). Then the coordinates and the
    hover lab values in their own units.
    """
    names = np.asarray(class_names, dtype=object)
    axes = axis_names(result)
    values = _value_names(result.hover_names, (*POINT_COLUMNS, *axes))
    width = len(result.hover_names)
    removed_rows = result.before_rows[result.before_removed]
    blocks = (
        ("before", np.where(result.before_removed, "removed", "kept"), result.before_y,
         result.before_coords, result.before_rows, result.before_hover),
        ("after", np.where(result.after_synthetic, "synthetic", "real"), result.after_y,
         result.after_coords, result.after_source, result.after_hover),
        ("removed", np.full(len(removed_rows), "removed"), result.removed_y,
         result.removed_coords, removed_rows, result.removed_hover),
    )  # fmt: skip
    frames = []
    for panel, kinds, y, coords, rows, hover in blocks:
        rows = np.asarray(rows, dtype=np.int64)
        frame = pd.DataFrame({
            "panel": np.full(len(kinds), panel, dtype=object),
            "kind": np.asarray(kinds, dtype=object),
            "class": names[np.asarray(y, dtype=np.int64)],
            "train_row": pd.Series(rows, dtype="Int64").mask(rows < 0),
        })  # fmt: skip
        coords = np.asarray(coords, dtype=float).reshape(len(kinds), len(axes))
        for i, axis in enumerate(axes):
            frame[axis] = coords[:, i]
        lab = np.full((len(kinds), width), np.nan) if hover is None else np.asarray(hover, dtype=float)
        for j, name in enumerate(values):
            frame[name] = lab[:, j]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _class_counts(codes: np.ndarray, class_names: Sequence[str]) -> dict[str, int]:
    counts = np.bincount(np.asarray(codes, dtype=np.int64), minlength=len(class_names))
    return {str(name): int(n) for name, n in zip(class_names, counts, strict=False)}


def summary_json(
    result: ResampledProjection,
    view: ResampleView,
    data: PreparedData,
    settings: TrainSettings,
    export_id: str,
    files: dict[str, str],
) -> dict[str, Any]:
    """The ``--json`` output: data, settings, method and params, counts, notes, (PCA) components.

    components: per axis its name; PCA adds ``explained_variance_ratio`` and ``loadings``
    ([{feature, weight}], largest |weight| first). drawn: points per panel of the chart / CSV.
    """
    axes = axis_names(result)
    components: list[dict[str, Any]] = [{"axis": a} for a in axes]
    for comp, ratio, loads in zip(components, result.explained_variance_ratio, result.loadings, strict=False):
        comp["explained_variance_ratio"] = float(ratio)
        comp["loadings"] = [{"feature": ld.feature, "weight": float(ld.weight)} for ld in loads]
    return {
        "data": {"name": data.name, "rows": len(data.y), "class_names": list(data.class_names)},
        "settings": {"sampler": settings.sampler, "ratio": settings.ratio, "seed": settings.seed,
                     "test_size": settings.test_size, "clip": settings.clip},
        "method": result.method,
        "n_components": result.n_components,
        "params": {name: value for name, value in result.params},
        "counts": {"real": result.counts.real, "kept": result.counts.kept, "removed": result.counts.removed,
                   "synthetic": result.counts.synthetic, "after": result.counts.after},
        "class_counts": {"before": _class_counts(view.y_real, data.class_names),
                         "after": _class_counts(view.y_after, data.class_names)},
        "drawn": {"before": len(result.before_rows), "after": len(result.after_rows),
                  "removed": len(result.removed_coords)},
        "sample_notes": [n for n in (result.before_note, result.after_note) if n],
        "components": components,
        "hover_values": list(result.hover_names),
        "notices": list(result.notices),
        "export_id": export_id,
        "files": files,
    }  # fmt: skip
