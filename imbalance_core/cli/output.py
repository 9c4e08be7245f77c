"""Writing the files a subcommand produces (reports, model files, tables), with plain-words errors."""

from __future__ import annotations

import sys
from pathlib import Path

from imbalance_core.errors import DataError
from imbalance_core.share import model_file


def write_bytes(path: str, payload: bytes, what: str) -> None:
    """Write an output file; a DataError in plain words when the folder is missing or read-only."""
    try:
        Path(path).write_bytes(payload)
    except OSError:
        raise DataError(
            f"The {what} could not be written; check the folder exists and is writable."
        ) from None


def write_model(
    result: object, data: object, threshold: float, reason: str, path: str, allow_patient_rows: bool = False
) -> model_file.SavedModel:
    """Export the trained pipeline (no sampler) with its threshold to ``path`` (also used by ``evaluate``).

    The model file's notes (e.g. training rows kept inside) are printed to stderr as ``note: ...``.
    What the *fitted* model holds decides, not only the classifier's declaration: a random forest
    declared to keep split midpoints can keep real values (a midpoint between two values of one
    bootstrap sample that is another patient's value), and such a file is written only with
    ``--allow-patient-rows`` (DataError, exit 2, nothing written otherwise).
    """
    saved = model_file.build_saved_model(
        result.pipeline, data, threshold, reason, result.settings, result=result
    )
    meta = saved.metadata
    if model_file.confirmation_text(meta) is not None and not allow_patient_rows:
        if meta.training_data == "rows":
            what = f"{meta.training_rows:,} training patients' rows"
        else:
            what = f"{meta.training_values:,} individual training values (real patients' measurements)"
        raise DataError(
            f"The model file would contain {what}; add {model_file.ALLOW_FLAG} to write it anyway, "
            "only where the training data may go."
        )
    write_bytes(path, model_file.dumps(saved), "model file")
    for notice in (*saved.metadata.notices, model_file.medians_note(saved.metadata)):
        if notice:
            print(f"note: {notice}", file=sys.stderr)
    return saved


def add_allow_patient_rows_arg(group: object) -> None:
    """``--allow-patient-rows``: needed by ``--model-out`` when the classifier keeps training rows/values."""
    group.add_argument(
        model_file.ALLOW_FLAG,
        action="store_true",
        help="allow --model-out to write a model that keeps training patients' rows or values inside "
        "(k-nearest neighbours, SVM, gradient boosting)",
    )
