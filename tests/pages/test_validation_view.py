"""AppTest of the Train page's internal-validation section on the bundled HCV data (75 events).

The default is bootstrap with its reason; a run shows apparent / optimism / corrected equal to the
library's own run with the same settings, the stability sentence, and the equivalent command.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.learn.internal_validation import ValidationSettings, validate
from pages import session_state

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def trained() -> AppTest:
    """The Train page after training the default settings with 3 folds."""
    at = AppTest.from_file(APP, default_timeout=600)
    at.run()
    at.switch_page("pages/train.py")
    at.run()
    at.number_input(key="train_cv").set_value(3).run()
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception
    return at


def test_bootstrap_is_the_default_on_small_data_and_says_why(trained):
    at = trained
    box = at.selectbox(key="validation_method")
    assert box.value == "auto"
    assert "Automatic: optimism-corrected bootstrap" in box.format_func(box.value)
    captions = " ".join(c.value for c in at.caption)
    assert "75 events, fewer than 200" in captions
    assert any(b.label == "Run internal validation" for b in at.button)
    codes = " ".join(c.value for c in at.code)
    assert "--validation bootstrap --bootstrap-b 200" in codes


def test_running_it_shows_the_library_numbers_and_the_stability_sentence(trained):
    at = trained
    at.number_input(key="validation_b").set_value(20).run()
    at.button(key="validation_run").click().run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Optimism" in d.value.columns)  # not the CV table
    settings = at.session_state[session_state.K_TRAIN_SETTINGS]
    data = at.session_state[session_state.K_PREPARED]
    direct = validate(data, settings, ValidationSettings(n_boot=20, folds=settings.cv))
    for m in direct.measures:
        row = table[table["Measure"] == m.name].iloc[0]
        assert row["Corrected"] == f"{m.corrected:.3f}"
        assert row["Optimism"] == f"{m.optimism:.3f}"
    info = " ".join(i.value for i in at.info)
    assert "patients would be classified differently" in info or "No patient" in info
    assert "nan" not in table.to_string()
    auc = direct.measure("roc_auc")  # the sentence under the table (issue 26)
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert any(
        f"ROC AUC is {auc.corrected:.3f} instead of the apparent {auc.apparent:.3f}" in c for c in captions
    )
    # a rerun shows the stored result without refitting
    at.run()
    assert len(at.session_state["validation_results"]) == 1
