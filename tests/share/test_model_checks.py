"""Model files that pass skops' allow-list yet would crash, hang or flood the process (issue 31, item 2).

Each crafted file is a real saved model with one array rewritten (tests/share/crafted_models.py). Where
today's code would kill or hang the process that scores it, the file is loaded and scored in a child
process: the test checks that the child survives, ends in time and says why in a sentence.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from imbalance_core.errors import DataError
from imbalance_core.share import model_checks, model_file
from tests.share import crafted_models as cm

ROOT = Path(__file__).resolve().parents[2]
#: Load the file named by argv[1] and score the HCV rows with it; print what happened.
SCORER = textwrap.dedent(
    """
    import sys
    from imbalance_core.errors import DataError
    from imbalance_core.share import model_file
    from tests.helpers_training import hcv_numeric
    try:
        saved = model_file.load_model(sys.argv[1])
    except DataError as exc:
        print("REFUSED:", exc)
        raise SystemExit(0)
    saved.scores(hcv_numeric().X)
    print("SCORED")
    """
)


def _score_in_child(raw: bytes, tmp_path: Path, timeout: float = 120.0) -> subprocess.CompletedProcess:
    path = tmp_path / "crafted.skops"
    path.write_bytes(raw)
    try:
        return subprocess.run(
            [sys.executable, "-c", SCORER, str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"scoring the crafted file hung for more than {timeout:.0f} s")


@pytest.mark.parametrize(
    ("classifier", "edit", "reason"),
    [
        ("random_forest", cm.tree_child_out_of_range, "points to a node that does not exist"),
        ("random_forest", cm.tree_cycle, "is not a tree"),
        ("hist_gb", cm.boosting_child_out_of_range, "points to a node that does not exist"),
        ("hist_gb", cm.boosting_cycle, "is not a tree"),
    ],
    ids=["forest-child-out-of-range", "forest-cycle", "boosting-child-out-of-range", "boosting-cycle"],
)
def test_crafted_tree_is_refused_and_the_process_survives(classifier, edit, reason, tmp_path):
    crafted = cm.rewrite_first(cm.saved_model(classifier), edit)
    assert model_file.untrusted_types(crafted)  # the allow-list alone lets it through
    run = _score_in_child(crafted, tmp_path)
    assert run.returncode == 0, f"the scoring process died (code {run.returncode}): {run.stderr[-500:]}"
    assert "REFUSED: The model file was refused:" in run.stdout
    assert reason in run.stdout
    assert "Traceback" not in run.stderr


def test_tree_reading_a_column_that_does_not_exist_is_refused():
    crafted = cm.rewrite_first(cm.saved_model("random_forest"), cm.tree_feature_out_of_range)
    with pytest.raises(DataError, match="splits on a feature that does not exist"):
        model_file.loads(crafted)


def test_neighbour_index_out_of_range_is_refused():
    crafted = cm.rewrite_first(cm.saved_model("knn"), cm.knn_index_out_of_range)
    with pytest.raises(DataError, match="neighbour search tree's index"):
        model_file.loads(crafted)


@pytest.mark.parametrize("classifier", ["random_forest", "hist_gb", "knn", "svm", "logreg", "mlp_seed"])
def test_real_models_pass_the_checks_and_score_as_saved(classifier):
    raw = cm.saved_model(classifier)
    loaded = model_file.loads(raw)
    model_checks.check_structures(loaded.model)
    X = cm.hcv_numeric().X
    assert np.all(np.isfinite(loaded.scores(X)))
    assert model_checks.check_array_sizes(raw) > 0


def test_an_array_larger_than_allowed_is_refused_before_it_is_read(monkeypatch):
    crafted = cm.rewrite_first(cm.saved_model("random_forest"), cm.classes_enlarged)
    model_file.loads(crafted)  # 40 MB: within the default limits, the file loads
    monkeypatch.setattr(model_checks, "ARRAY_LIMITS", model_checks.ArrayLimits(max_array_bytes=16 << 20))
    read = []
    monkeypatch.setattr("skops.io.loads", lambda *a, **k: read.append(1))
    with pytest.raises(DataError, match=r"one array inside it would take 38 MiB of memory"):
        model_file.loads(crafted)
    assert not read  # refused from the header: skops never started


def test_a_declared_1_5_gib_array_is_refused_from_its_header():
    huge = cm.npy_header_only((1536 * 2**20 // 8,))  # 1.5 GiB of float64, a header of 128 bytes
    crafted = cm.with_array(cm.saved_model("random_forest"), huge)
    assert len(crafted) < 5_000_000
    with pytest.raises(DataError, match="1,536 MiB of memory"):
        model_checks.check_array_sizes(crafted)
    with pytest.raises(DataError, match="1,536 MiB of memory"):
        model_file.loads(crafted)


def test_a_header_promising_more_than_the_entry_holds_is_refused():
    short = cm.npy_header_only((1000,))
    crafted = cm.with_array(cm.saved_model("random_forest"), short)
    with pytest.raises(DataError, match="promises more numbers than the file holds"):
        model_checks.check_array_sizes(crafted)


def test_arrays_together_above_the_budget_are_refused():
    raw = cm.saved_model("random_forest")
    total = model_checks.check_array_sizes(raw)
    limits = model_checks.ArrayLimits(max_total_bytes=total - 1)
    with pytest.raises(DataError, match="arrays would take more than"):
        model_checks.check_array_sizes(raw, limits)


def test_support_vector_counts_beyond_the_vectors_are_refused():
    crafted = cm.rewrite_first(cm.saved_model("svm"), cm.svm_counts_inflated)
    with pytest.raises(DataError, match="support-vector model's counts"):
        model_file.loads(crafted)
