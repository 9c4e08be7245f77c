"""``validate``: external validation from the command line, its numbers checked on the scores that
``predict`` writes for the same file (scikit-learn, statsmodels), the updated model file, exit 2."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from sklearn.metrics import roc_auc_score

from imbalance_core.cli import main
from imbalance_core.evaluation.calibration import logit
from imbalance_core.share import model_file
from tests.conftest import SAMPLE_DATA


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("validate")
    frame = pd.read_csv(SAMPLE_DATA / "pima_diabetes.csv")
    young, old = frame[frame.Age < 30], frame[frame.Age >= 30]
    paths = {name: folder / f"{name}.csv" for name in ("young", "old", "old_unlabelled")}
    young.to_csv(paths["young"], index=False)
    old.to_csv(paths["old"], index=False)
    old.drop(columns="Outcome").to_csv(paths["old_unlabelled"], index=False)
    paths["model"] = folder / "young.skops"
    code = main(["evaluate", str(paths["young"]), "--label", "Outcome", "--positive", "1",
                 "--sampler", "none", "--classifier", "logreg", "--cv", "3",
                 "--model-out", str(paths["model"])])  # fmt: skip
    assert code == 0
    paths["scores"] = folder / "scores.csv"
    assert main(["predict", str(paths["model"]), str(paths["old"]), "--out", str(paths["scores"])]) == 0
    return paths


def test_json_figures_match_the_written_scores(files, capsys) -> None:
    capsys.readouterr()
    assert main(["validate", str(files["model"]), str(files["old"]), "--label", "Outcome", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    written = pd.read_csv(files["scores"])
    y, p = written["Outcome"].to_numpy(), written["model_score"].to_numpy()
    fig = out["figures"]
    assert fig["auc"]["external"]["value"] == pytest.approx(roc_auc_score(y, p), abs=1e-9)
    glm = sm.GLM(y, sm.add_constant(logit(p)), family=sm.families.Binomial()).fit()
    assert fig["slope"]["external"]["value"] == pytest.approx(glm.params[1], abs=1e-6)
    assert fig["slope"]["external"]["low"] == pytest.approx(glm.conf_int()[1][0], abs=1e-5)
    glm0 = sm.GLM(y, np.ones((len(y), 1)), family=sm.families.Binomial(), offset=logit(p)).fit()
    assert fig["intercept"]["external"]["value"] == pytest.approx(glm0.params[0], abs=1e-6)
    assert fig["e_to_o"]["external"]["value"] == pytest.approx(p.sum() / y.sum(), rel=1e-9)
    t = out["threshold"]
    assert out["table"]["tp"] == int(((p >= t) & (y == 1)).sum())
    assert fig["auc"]["development"]["value"] is not None
    assert fig["auc"]["difference"] == pytest.approx(
        fig["auc"]["external"]["value"] - fig["auc"]["development"]["value"]
    )
    assert out["updating"]["recommended"] in ("intercept", "logistic")
    assert out["drift"]["membership"] is None and out["drift"]["membership_note"]
    assert out["sample_size"]["events_needed"] > 0


def test_text_output_with_development_file_and_update_out(files, capsys, tmp_path) -> None:
    target = tmp_path / "updated.skops"
    code = main(["validate", str(files["model"]), str(files["old"]), "--label", "Outcome",
                 "--development", str(files["young"]), "--update", "logistic",
                 "--update-out", str(target)])  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0
    assert "ROC AUC" in text and "Threshold transport" in text and "Membership model" in text
    assert "cross-validated AUC" in text and not re.search(r"\bnan\b", text)
    parent = model_file.load_model(str(files["model"]))
    child = model_file.load_model(str(target))
    assert child.metadata.parent_id == parent.metadata.export_id
    assert "Logistic recalibration" in child.metadata.updating


def test_unlabelled_batch(files, capsys) -> None:
    capsys.readouterr()
    assert main(["validate", str(files["model"]), str(files["old_unlabelled"]), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 0 <= out["prevalence"]["em"]["value"] <= 1
    assert out["prevalence_caveat"]  # older patients: the prior-shift assumption is doubtful, said so


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--label", "Nope"], "no column called 'Nope'"),
        (["--update-out", "x.skops"], "--update-out needs --label"),
    ],
)
def test_bad_input_exits_2_with_one_sentence(files, capsys, extra, message) -> None:
    code = main(["validate", str(files["model"]), str(files["old_unlabelled"]), *extra])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


def test_a_file_that_is_not_a_model_exits_2(files, capsys) -> None:
    assert main(["validate", str(files["old"]), str(files["old"]), "--label", "Outcome"]) == 2
    assert "not an Imbalance Lab model" in capsys.readouterr().err
