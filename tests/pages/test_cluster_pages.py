"""AppTest: a Dask scheduler that cannot be reached -> a plain message and a button; the grid runs here
only after the person presses it, with the same choices. The sidebar names the configured scheduler."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.learn import execution
from pages import cluster_view, session_state

APP = str(Path(__file__).resolve().parents[2] / "app.py")
DEAD = "tcp://127.0.0.1:9"  # loopback, nothing listens: refused at once, no outside connection


@pytest.fixture
def at(monkeypatch) -> AppTest:
    monkeypatch.setenv(execution.ENV_VAR, DEAD)
    monkeypatch.setattr(execution, "CONNECT_TIMEOUT", 1.0)
    app = AppTest.from_file(APP, default_timeout=300)
    app.run()
    assert any(DEAD in c.value for c in app.sidebar.caption)  # the sidebar names the scheduler
    app.switch_page("pages/compare.py")
    app.run()
    assert not app.exception
    app.number_input(key="compare_cv").set_value(3).run()
    app.multiselect(key="compare_samplers").set_value(["none"]).run()
    return app


def test_unreachable_scheduler_offers_a_local_run(at) -> None:
    next(b for b in at.button if b.label == "Compare").click().run()
    assert not at.exception
    assert any("could not be reached" in e.value for e in at.error)
    assert (
        session_state.K_COMPARE_RESULT not in at.session_state
    )  # nothing ran elsewhere, nothing silently here
    next(b for b in at.button if b.label == "Run on this machine instead").click().run()
    assert not at.exception
    result = at.session_state[session_state.K_COMPARE_RESULT]
    assert [row.sampler for row in result.rows] == ["none"] and result.settings.cv == 3
    assert not any("could not be reached" in e.value for e in at.error)


def test_time_left() -> None:
    assert cluster_view.time_left(0.0, 0.5, now=10.0) == " · about 10 s left"
    assert cluster_view.time_left(0.0, 0.25, now=60.0) == " · about 3 min left"
    assert cluster_view.time_left(0.0, 0.0, now=5.0) == ""


def test_a_scheduler_from_secrets_reaches_training_workers_started_before_it(monkeypatch) -> None:
    """The Train page names the scheduler to its worker process explicitly: a worker keeps the
    environment it started with, so a ``secrets.toml`` scheduler copied into the environment later
    never reached it (the folds silently ran here). 'Run on this machine instead' trains in a worker
    process too, not in the server (``training.train`` here is replaced by one that fails)."""
    from imbalance_core.learn import training, workers

    monkeypatch.setenv(execution.ENV_VAR, "")  # nothing in the environment; restored afterwards
    monkeypatch.delenv(workers.WORKERS_ENV, raising=False)
    workers.shared_pool().warm_up()  # the workers start before the secret is read

    def no_fitting_here(*args, **kwargs):
        raise AssertionError("training.train ran in the server's interpreter")

    monkeypatch.setattr(training, "train", no_fitting_here)
    app = AppTest.from_file(APP, default_timeout=300)
    app.secrets["dask"] = {"scheduler": DEAD}
    app.run()
    assert any(DEAD in c.value for c in app.sidebar.caption)
    app.switch_page("pages/train.py").run()
    app.number_input(key="train_cv").set_value(3).run()
    next(b for b in app.button if b.label == "Train").click().run()
    assert not app.exception, app.exception
    assert any("could not be reached" in e.value for e in app.error)
    assert session_state.K_TRAIN_RESULT not in app.session_state
    next(b for b in app.button if b.label == "Run on this machine instead").click().run()
    assert not app.exception, app.exception
    assert app.session_state[session_state.K_TRAIN_RESULT].settings.cv == 3
    assert not any("could not be reached" in e.value for e in app.error)
