"""Seeded synthetic scores and the explorer payload the core builds from them (for tests and bench)."""

from __future__ import annotations

import numpy as np

from imbalance_core.evaluation.thresholds import build_explorer_data

#: The positive class's name: an HTML-injection attempt that must be shown as literal text.
MALICIOUS_LABEL = "<img src=x onerror=alert(1)>"
NEGATIVE_LABEL = "healthy"


def synthetic_scores(rows: int, prevalence: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels (1 = disease) and scores in [0, 1]: positives score higher, with overlap and some ties."""
    rng = np.random.default_rng(seed)
    y = (rng.random(rows) < prevalence).astype(int)
    y[:2] = [0, 1]  # both classes present even for tiny samples
    logits = rng.normal(-1.5, 1.0, rows) + 2.0 * y
    scores = np.round(1.0 / (1.0 + np.exp(-logits)), 4)  # rounding creates ties, as real models do
    return y, scores


def synthetic_payload(rows: int, prevalence: float, seed: int = 7) -> dict:
    """The explorer payload of ``rows`` hold-out scores (out-of-fold scores: another seeded draw)."""
    y, s = synthetic_scores(rows, prevalence, seed)
    y_oof, s_oof = synthetic_scores(max(rows, 500), prevalence, seed + 1)
    data = build_explorer_data(
        y, s, y_oof, s_oof, positive_label=MALICIOUS_LABEL, negative_label=NEGATIVE_LABEL, n_boot=50
    )
    return data.to_payload()
