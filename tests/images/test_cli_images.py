"""CLI ``images-features`` and ``images-study`` on generated zips; ``evaluate`` reads the feature table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from imbalance_core.cli import main
from imbalance_core.images.extractors import compute_features
from imbalance_core.images.intake import read_image_zip
from tests.images.shapes import shapes_zip


def test_features_csv_round_trips_and_evaluate_reads_it(tmp_path: Path, capsys) -> None:
    raw = shapes_zip(12, 48, side=16)
    zip_path = tmp_path / "shapes.zip"
    zip_path.write_bytes(raw)
    out = tmp_path / "features.csv"
    assert main(["images-features", str(zip_path), "--extractor", "pixels", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    images = read_image_zip(raw)
    assert table.shape == (60, 2 + 784)
    np.testing.assert_allclose(
        table.iloc[:, 2:].to_numpy(), compute_features(images.images, "pixels"), atol=1e-6
    )
    assert table["class"].value_counts().to_dict() == {"SQUARE": 48, "DISC": 12}
    capsys.readouterr()
    code = main(
        [
            "evaluate",
            str(out),
            "--label",
            "class",
            "--positive",
            "DISC",
            "--sampler",
            "smote",
            "--classifier",
            "logreg",
            "--cv",
            "3",
            "--json",
        ]
    )
    got = capsys.readouterr()
    assert code == 0, got.err
    payload = json.loads(got.out)
    assert payload["test"]["tp"] + payload["test"]["fn"] == 3  # 25 % of the 12 discs


def test_study_prints_the_table_for_a_split_zip(tmp_path: Path, capsys) -> None:
    zip_path = tmp_path / "split.zip"
    zip_path.write_bytes(shapes_zip(24, 216, side=16, split=True))
    argv = [
        "images-study",
        str(zip_path),
        "--extractor",
        "pixels",
        "--techniques",
        "baseline,smote",
        "--cv",
        "2",
    ]
    assert main([*argv, "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [r["key"] for r in payload["rows"]] == ["baseline", "smote"]
    assert payload["n_test"] == 60 and payload["test_counts"] == {"SQUARE": 54, "DISC": 6}
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "balanced" not in text.split("\n")[0] and "bal.acc" in text and "SMOTE" in text


def test_bad_zip_and_bad_technique_exit_2(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    assert main(["images-features", str(bad), "--out", str(tmp_path / "x.csv")]) == 2
    assert "not a zip archive" in capsys.readouterr().err
    assert main(["images-study", str(bad), "--techniques", "magic"]) == 2
    assert "Unknown or missing techniques" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_compare_takes_an_image_zip_directly(tmp_path: Path, capsys) -> None:
    zip_path = tmp_path / "shapes.zip"
    zip_path.write_bytes(shapes_zip(12, 48, side=16))
    argv = [
        "compare",
        str(zip_path),
        "--label",
        "class",
        "--samplers",
        "none,smote",
        "--classifiers",
        "logreg",
    ]
    code = main([*argv, "--cv", "3", "--jobs", "1", "--json"])
    got = capsys.readouterr()
    assert code == 0, got.err
    rows = [json.loads(line) for line in got.out.splitlines() if line.strip()]
    assert [r["sampler"] for r in rows] == ["none", "smote"]
    assert all(r["test"]["tp"] + r["test"]["fn"] == 3 for r in rows)  # DISC, the rarer class, is positive


def test_predict_scores_a_zip_of_new_images_like_the_saved_model(tmp_path: Path, capsys) -> None:
    import io
    import zipfile

    from imbalance_core.images.extractors import compute_features
    from imbalance_core.share import model_file
    from tests.images.shapes import shape_images

    zip_path = tmp_path / "train.zip"
    zip_path.write_bytes(shapes_zip(12, 48, side=16))
    model = tmp_path / "m.skops"
    argv = ["evaluate", str(zip_path), "--label", "class", "--sampler", "none", "--classifier", "logreg"]
    assert main([*argv, "--cv", "3", "--threshold", "0.5", "--model-out", str(model)]) == 0, (
        capsys.readouterr().err
    )
    new_images, _ = shape_images(3, 3, side=20, seed=9)  # another size: features do not depend on it
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i, arr in enumerate(new_images):
            png = io.BytesIO()
            from PIL import Image

            Image.fromarray(arr[..., 0]).save(png, "PNG")
            archive.writestr(f"ward 3/patient_{i}.png", png.getvalue())
        archive.writestr("notes.txt", b"not an image")
    new_zip = tmp_path / "new.zip"
    new_zip.write_bytes(buffer.getvalue())
    out = tmp_path / "pred.csv"
    capsys.readouterr()
    assert main(["predict", str(model), str(new_zip), "--out", str(out)]) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "1 file(s) were skipped" in err and "notes.txt" in err
    pred = pd.read_csv(out)
    assert pred["file"].tolist() == [f"ward 3/patient_{i}.png" for i in range(6)]
    saved = model_file.load_model(str(model))
    feats = compute_features(new_images, "hog").astype(float)
    X = pd.DataFrame(feats, columns=[f"hog_{i:04d}" for i in range(feats.shape[1])])
    np.testing.assert_allclose(pred["score"], saved.scores(X), atol=1e-9)


def test_rank_extractors_orders_by_cv_auc(tmp_path: Path, capsys) -> None:
    from imbalance_core.images.intake import read_image_zip
    from imbalance_core.images.study import rank_extractors, train_images
    from imbalance_core.learn.training import TrainSettings

    raw = shapes_zip(16, 48, side=16, split=True)
    ranks = rank_extractors(read_image_zip(raw), ["pixels", "hog"], cv=3)
    assert [r.cv_roc_auc for r in ranks] == sorted((r.cv_roc_auc for r in ranks), reverse=True)
    direct = train_images(read_image_zip(raw), "hog", TrainSettings(cv=3))
    hog = next(r for r in ranks if r.key == "hog")
    assert hog.cv_roc_auc == direct.cv_summary["roc_auc"].mean
    zip_path = tmp_path / "s.zip"
    zip_path.write_bytes(raw)
    assert main(["images-study", str(zip_path), "--rank-extractors", "pixels,hog", "--cv", "3"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1].split()[0] == ranks[0].key


def test_report_takes_an_image_zip(tmp_path: Path, capsys) -> None:
    zip_path = tmp_path / "shapes.zip"
    zip_path.write_bytes(shapes_zip(12, 48, side=16))
    argv = ["report", str(zip_path), "--label", "class", "--sampler", "smote", "--classifier", "logreg"]
    argv += ["--cv", "2", "--threshold", "0.5", "--no-pca", "--json", "--out", str(tmp_path / "r.pdf")]
    assert main(argv) == 0, capsys.readouterr().err
    payload = json.loads(capsys.readouterr().out)
    assert payload["threshold"] == 0.5 and (tmp_path / "r.pdf").stat().st_size > 0
