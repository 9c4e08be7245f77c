"""CLI ``project``: the Explore picture from the command line, checked against scikit-learn and imblearn.

The expected numbers come from an independent path: the same training rows (``resample_for_view``) scaled
by scikit-learn's ``StandardScaler`` and projected by its ``PCA``; row counts from imbalanced-learn's own
samplers run on those rows.
"""

from __future__ import annotations

import contextlib
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from imbalance_core.cli import build_parser, main
from imbalance_core.cli.project import parse_request
from imbalance_core.errors import DataError
from imbalance_core.intake.bundled import BUNDLED
from imbalance_core.intake.read import read_table
from imbalance_core.intake.task import TaskSpec, prepare
from imbalance_core.learn.training import ResampleView, TrainSettings, resample_for_view
from imbalance_core.maps.projection import METHODS
from imbalance_core.share import predict

HCV = BUNDLED["hcv"]
SPEC = HCV.default_spec
TASK = ["--label", SPEC.label, "--positive", ",".join(SPEC.positive), "--ignore", ",".join(SPEC.ignore)]


def _run(*args: str) -> tuple[int, str]:
    """``main(["project", HCV, task..., *args])`` with stdout captured (usable in module fixtures)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["project", str(HCV.path), *TASK, *args])
    return status, out.getvalue()


def _project(tmp: Path, *args: str, name: str = "points.csv") -> tuple[dict, pd.DataFrame]:
    """Run with ``--json --out``; the parsed JSON and the points CSV."""
    status, text = _run(*args, "--json", "--out", str(tmp / name))
    assert status == 0
    return json.loads(text), pd.read_csv(tmp / name, keep_default_na=True)


@pytest.fixture(scope="module")
def data():
    """The task the command line gives (label, positive and ignored values), prepared directly."""
    return prepare(
        read_table(HCV.path), TaskSpec(label=SPEC.label, positive=SPEC.positive, ignore=SPEC.ignore)
    )


def _view(data, sampler: str, ratio: float, seed: int) -> ResampleView:
    return resample_for_view(data, TrainSettings(sampler=sampler, ratio=ratio, seed=seed))


def _align_signs(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Per-component sign (+1/-1) that turns ``expected`` into ``got`` (PCA axes have no fixed sign)."""
    return np.where(np.sum(got * expected, axis=0) < 0, -1.0, 1.0)


# --- PCA equals scikit-learn's --------------------------------------------------------------------


@pytest.mark.parametrize("dims", [2, 3])
def test_pca_coordinates_equal_sklearn_on_the_scaled_real_training_rows(tmp_path, data, dims):
    payload, frame = _project(tmp_path, "--sampler", "smote", "--ratio", "1:2", "--seed", "3", "--dims",
                              str(dims))  # fmt: skip
    view = _view(data, "smote", 0.5, 3)
    scaler = StandardScaler().fit(view.X_real)
    pca = PCA(n_components=dims).fit(scaler.transform(view.X_real))
    axes = [f"PC{i + 1}" for i in range(dims)]
    assert payload["n_components"] == dims and [c["axis"] for c in payload["components"]] == axes

    before = frame[frame.panel == "before"].sort_values("train_row")
    assert before.train_row.tolist() == list(range(len(view.X_real)))
    expected = pca.transform(scaler.transform(view.X_real))
    signs = _align_signs(before[axes].to_numpy(), expected)
    np.testing.assert_allclose(before[axes].to_numpy(), expected * signs, atol=1e-7)

    # synthetic rows are placed by the same map (fitted without them)
    after = frame[frame.panel == "after"]
    np.testing.assert_allclose(
        after[axes].to_numpy(), pca.transform(scaler.transform(view.X_after)) * signs, atol=1e-7
    )
    ratios = [c["explained_variance_ratio"] for c in payload["components"]]
    np.testing.assert_allclose(ratios, pca.explained_variance_ratio_, rtol=1e-9)
    for comp, weights, sign in zip(payload["components"], pca.components_, signs, strict=True):
        top = int(np.argmax(np.abs(weights)))
        assert comp["loadings"][0]["feature"] == view.feature_names[top]
        assert comp["loadings"][0]["weight"] == pytest.approx(weights[top] * sign, abs=1e-9)


# --- counts equal imbalanced-learn's own samplers -------------------------------------------------


def test_removed_rows_are_those_random_under_sampling_leaves_out(tmp_path, data):
    payload, frame = _project(tmp_path, "--sampler", "random_under", "--ratio", "1:3", "--seed", "5")
    view = _view(data, "random_under", 1 / 3, 5)
    rus = RandomUnderSampler(sampling_strategy=1 / 3, random_state=5)
    rus.fit_resample(view.X_real, view.y_real)
    left_out = set(range(len(view.y_real))) - {int(i) for i in rus.sample_indices_}
    assert payload["counts"] == {
        "real": len(view.y_real),
        "kept": len(rus.sample_indices_),
        "removed": len(left_out),
        "synthetic": 0,
        "after": len(rus.sample_indices_),
    }
    assert set(frame.train_row[(frame.panel == "before") & (frame.kind == "removed")]) == left_out
    assert set(frame.train_row[frame.panel == "removed"]) == left_out
    # the faint "where it was" markers sit exactly where the removed rows sit in the before panel
    gone = frame[frame.panel == "removed"].sort_values("train_row")
    was = frame[(frame.panel == "before") & (frame.kind == "removed")].sort_values("train_row")
    np.testing.assert_array_equal(gone[["PC1", "PC2"]].to_numpy(), was[["PC1", "PC2"]].to_numpy())


def test_synthetic_count_equals_smote_output(tmp_path, data):
    payload, frame = _project(tmp_path, "--sampler", "smote", "--ratio", "0.5", "--seed", "1")
    view = _view(data, "smote", 0.5, 1)
    X_res, y_res = SMOTE(sampling_strategy=0.5, random_state=1).fit_resample(view.X_real, view.y_real)
    n_new = len(X_res) - len(view.X_real)
    assert payload["counts"]["synthetic"] == n_new > 0
    assert payload["counts"]["after"] == len(X_res)
    after = frame[frame.panel == "after"]
    synthetic = after[after.kind == "synthetic"]
    assert len(synthetic) == n_new and synthetic.train_row.isna().all()
    names = dict(enumerate(data.class_names))
    assert (synthetic["class"] == names[1]).all()
    assert payload["class_counts"]["after"] == {names[c]: int(np.sum(y_res == c)) for c in names}


def test_copies_name_their_source_row_and_sit_on_it(tmp_path, data):
    _, frame = _project(tmp_path, "--sampler", "random_over", "--ratio", "0.5", "--seed", "2")
    view = _view(data, "random_over", 0.5, 2)
    ros = RandomOverSampler(sampling_strategy=0.5, random_state=2)
    ros.fit_resample(view.X_real, view.y_real)
    after = frame[frame.panel == "after"]
    assert (after.kind == "real").all()
    copies = np.bincount(after.train_row.astype(int), minlength=len(view.y_real))
    np.testing.assert_array_equal(copies, np.bincount(ros.sample_indices_, minlength=len(view.y_real)))
    before = frame[frame.panel == "before"].set_index("train_row")
    np.testing.assert_allclose(
        after[["PC1", "PC2"]].to_numpy(), before.loc[after.train_row, ["PC1", "PC2"]].to_numpy()
    )


# --- the CSV --------------------------------------------------------------------------------------


def test_csv_one_row_per_drawn_point_with_lab_values_in_their_units(tmp_path, data):
    payload, frame = _project(tmp_path, "--sampler", "smote", "--max-points", "150")
    drawn = payload["drawn"]
    assert len(frame) == drawn["before"] + drawn["after"] + drawn["removed"]
    assert frame.panel.value_counts().to_dict() == {k: v for k, v in drawn.items() if v}
    assert drawn["before"] <= 150 and drawn["after"] <= 150 and len(payload["sample_notes"]) == 2
    view = _view(data, "smote", 1.0, 0)
    # the rare class is kept whole when it fits in half the budget (56 training rows here)
    before = frame[frame.panel == "before"]
    assert int(np.sum(before["class"] == data.class_names[1])) == int(np.sum(view.y_real == 1)) <= 75
    assert list(frame.columns[:6]) == ["panel", "kind", "class", "train_row", "PC1", "PC2"]
    assert frame.columns[-1] == predict.EXPORT_ID_COLUMN
    assert (frame[predict.EXPORT_ID_COLUMN] == payload["export_id"]).all()
    labs = payload["hover_values"]
    assert list(frame.columns[6:-1]) == labs and set(labs) <= set(data.numeric_features)
    # lab values are the patients' own values (where the file had one) for the drawn real rows
    rows = view.train_index[before.train_row.to_numpy(dtype=int)]
    original = data.X.iloc[rows][labs].to_numpy(dtype=float)
    seen = ~np.isnan(original)
    np.testing.assert_allclose(before[labs].to_numpy()[seen], original[seen])


def test_csv_neutralises_formula_cells(tmp_path):
    raw = pd.read_csv(HCV.path)
    raw = raw[raw.Category != "0s=suspect Blood Donor"]
    raw["Category"] = np.where(raw.Category == "0=Blood Donor", "=1+1", "@SUM(A1)")
    raw = raw.rename(columns={"GGT": "-GGT", "AST": "+AST"})
    raw.to_csv(tmp_path / "formula.csv", index=False)
    status = main(["project", str(tmp_path / "formula.csv"), "--label", "Category", "--positive", "@SUM(A1)",
                   "--sampler", "smote", "--out", str(tmp_path / "p.csv")])  # fmt: skip
    assert status == 0
    frame = pd.read_csv(tmp_path / "p.csv")
    assert set(frame["class"]) == {"'=1+1", "'@SUM(A1)"}
    assert {"'-GGT", "'+AST"} <= set(frame.columns)
    for col in frame.columns:
        assert not str(col).startswith(predict.FORMULA_START)
        if frame[col].dtype == object:
            assert not frame[col].dropna().astype(str).str.startswith(predict.FORMULA_START).any()


# --- text, JSON, HTML -----------------------------------------------------------------------------


def test_text_summary_and_json_agree(tmp_path):
    status, text = _run("--sampler", "smote", "--ratio", "1:2")
    assert status == 0
    payload, _ = _project(tmp_path, "--sampler", "smote", "--ratio", "1:2")
    c = payload["counts"]
    assert f"{c['real']} real training rows ({c['kept']} kept, {c['removed']} removed" in text
    assert f"{c['synthetic']} synthetic, {c['after']} after resampling" in text
    first = payload["components"][0]
    share = Decimal(first["explained_variance_ratio"]) * 100  # formatting.percent's rule, by hand
    assert f"PC1: {share.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)} % of the variance" in text
    assert first["loadings"][0]["feature"] in text
    assert payload["method"] == "pca" and payload["params"] == {}
    assert payload["settings"]["sampler"] == "smote" and payload["settings"]["ratio"] == pytest.approx(0.5)


def test_html_is_the_page_figure_with_plotly_inline(output_dir):
    path = output_dir / "cli_project_pca.html"
    status, text = _run("--sampler", "random_under", "--ratio", "1:2", "--html", str(path))
    assert status == 0 and str(path) in text
    page = path.read_text(encoding="utf-8")
    assert "<script src=" not in page and "plotly.js v" in page  # inline, no CDN
    assert "Before resampling\\u003cbr\\u003e456 real training rows" in page  # two-line title (issue 26)
    assert "removed by the sampler" in page


# --- UMAP (one test: the first UMAP in a process compiles numba code) -----------------------------


@pytest.mark.slow
def test_umap_same_seed_same_points_other_seed_other_points(tmp_path):
    umap_args = ("--sampler", "smote", "--ratio", "0.5", "--method", "umap", "--n-epochs", "20")
    p0, a = _project(tmp_path, *umap_args, "--seed", "0", name="a.csv")
    _, b = _project(tmp_path, *umap_args, "--seed", "0", name="b.csv")
    _, c = _project(tmp_path, *umap_args, "--seed", "1", name="c.csv")
    assert p0["params"] == {"n_neighbors": 15, "min_dist": 0.1, "n_epochs": 20} and p0["components"] == [
        {"axis": "UMAP1"},
        {"axis": "UMAP2"},
    ]
    # byte for byte the same file apart from the random export id every export carries
    texts = [
        (tmp_path / name).read_text(encoding="utf-8").replace(frame[predict.EXPORT_ID_COLUMN].iloc[0], "")
        for name, frame in (("a.csv", a), ("b.csv", b))
    ]
    assert texts[0] == texts[1]
    pd.testing.assert_frame_equal(
        a.drop(columns=predict.EXPORT_ID_COLUMN), b.drop(columns=predict.EXPORT_ID_COLUMN)
    )
    assert not np.allclose(a[["UMAP1", "UMAP2"]].to_numpy(), c[["UMAP1", "UMAP2"]].to_numpy())
    # kept rows sit where they sat before; synthetic rows were placed by the map's transform
    before = a[a.panel == "before"].set_index("train_row")
    real_after = a[(a.panel == "after") & (a.kind == "real")]
    np.testing.assert_array_equal(
        real_after[["UMAP1", "UMAP2"]].to_numpy(), before.loc[real_after.train_row, ["UMAP1", "UMAP2"]]
    )
    assert np.isfinite(a[["UMAP1", "UMAP2"]].to_numpy()).all()
    assert int((a.kind == "synthetic").sum()) == p0["counts"]["synthetic"] > 0


# --- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--method", "tsne"], "Unknown projection method"),
        (["--method", "umap", "--dims", "3"], "2-D maps only"),
        (["--dims", "4"], "--dims must be 2 or 3"),
        (["--dims", "three"], "--dims needs a whole number"),
        (["--n-neighbors", "10"], "do not apply to PCA"),
        (["--method", "umap", "--n-neighbors", "1"], "--n-neighbors must be at least 2"),
        (["--method", "umap", "--n-neighbors", "7.5"], "--n-neighbors needs a whole number"),
        (["--method", "umap", "--min-dist", "abc"], "--min-dist needs a number from 0 to 1"),
        (["--method", "umap", "--min-dist", "nan"], "--min-dist needs a number from 0 to 1"),
        (["--method", "umap", "--n-epochs", "0"], "--n-epochs must be at least 1"),
        (["--max-points", "10"], "--max-points must be at least 100"),
        (["--out", "/nonexistent-folder/p.csv"], "could not be written"),
    ],
)
def test_bad_arguments_exit_2_with_one_plain_line(capsys, extra, needle):
    assert main(["project", str(HCV.path), *TASK, "--sampler", "smote", *extra]) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_unknown_sampler_is_an_argparse_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["project", str(HCV.path), *TASK, "--sampler", "nope"])
    assert exc.value.code == 2 and "--sampler" in capsys.readouterr().err


def test_parse_request_fills_the_method_defaults():
    umap = parse_request("UMAP", min_dist="0.3")
    assert dict(umap.params) == {**dict(METHODS["umap"].defaults), "min_dist": 0.3}
    assert (umap.method, umap.dims) == ("umap", 2)
    pca = parse_request("pca", dims="3", max_points="500")
    assert (pca.method, pca.dims, pca.params, pca.max_points) == ("pca", 3, (), 500)
    with pytest.raises(DataError):
        parse_request("pca", n_epochs="50")


def test_project_has_help_text():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    helps = {a.dest: a.help for a in sub.choices["project"]._actions}
    assert all(helps[d] for d in ("sampler", "method", "dims", "n_neighbors", "min_dist", "n_epochs",
                                  "max_points", "out", "html", "json"))  # fmt: skip
