"""Training in worker processes (imbalance_core.learn.workers) and the Train page's use of it.

Results must come back from the worker identical to an in-process ``training.train`` (checked array by
array), a person's mistake must come back as the same DataError sentence, a dead worker as a sentence,
trainings beyond the bound wait in order with the right "ahead" count, and the app's own interpreter
must not fit (``training.train`` replaced in this process by one that fails: the page still trains).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from imbalance_core.errors import DataError
from imbalance_core.intake import bundled, task
from imbalance_core.learn import training, workers
from pages import session_state

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _prepared(key: str):
    table = bundled.load_bundled(key)
    return task.prepare(table, bundled.BUNDLED[key].default_spec)


@pytest.fixture(scope="module")
def pool():
    p = workers.TrainingPool(max_workers=1)
    p.warm_up()
    yield p
    p.shutdown()


def test_result_from_a_worker_equals_training_here(pool):
    # ILPD: the label's first value is the majority ("1" = liver patient), positives given as codes
    data = _prepared("ilpd")
    settings = training.TrainSettings(sampler="smote", classifier="random_forest", cv=3, seed=4)
    statuses: list[workers.JobStatus] = []
    remote = workers.wait_for(pool, pool.submit(data, settings), statuses.append)
    here = training.train(data, settings)
    assert np.array_equal(remote.test_scores, here.test_scores)
    assert np.array_equal(remote.y_test, here.y_test)
    assert [f.metric("roc_auc") for f in remote.folds] == [f.metric("roc_auc") for f in here.folds]
    assert remote.resampled_counts == here.resampled_counts
    X_test = data.X.iloc[:20]
    assert np.array_equal(remote.pipeline.predict_proba(X_test), here.pipeline.predict_proba(X_test))
    # progress travelled back: fold messages in order, then the final fit (a poll shows the latest
    # message, so a fast fold may be passed over between two polls; the order may never go back)
    messages = [s.message for s in statuses if s.message]
    folds = [int(m.split()[2]) for m in messages if m.startswith("Cross-validation fold ")]
    assert folds and folds == sorted(folds) and set(folds) <= {1, 2, 3}
    final = [i for i, m in enumerate(messages) if m == "Final fit on the whole training part"]
    assert all(i > j for i in final for j, m in enumerate(messages) if m.startswith("Cross-validation"))


def test_a_data_error_comes_back_as_the_same_sentence(pool):
    data = _prepared("pima")  # all numeric: SMOTE-N cannot run
    settings = training.TrainSettings(sampler="smoten", cv=3)
    with pytest.raises(DataError) as here:
        training.train(data, settings)
    with pytest.raises(DataError) as remote:
        workers.wait_for(pool, pool.submit(data, settings), lambda s: None)
    assert str(remote.value) == str(here.value)


def test_trainings_beyond_the_bound_wait_in_order(pool):
    data = _prepared("hcv")
    settings = [training.TrainSettings(classifier="random_forest", cv=3, seed=s) for s in (1, 2, 3)]
    jobs = [pool.submit(data, s) for s in settings]
    third = pool.status(jobs[2])
    assert not third.started and third.ahead == 2  # one running (or about to), one waiting
    assert "2 trainings ahead of yours" in workers.queue_message(third)
    alone = workers.JobStatus(**{**third.__dict__, "ahead": 0})
    assert "ahead" not in workers.queue_message(alone) and "Starting" in workers.queue_message(alone)
    seen: list[workers.JobStatus] = []
    workers.wait_for(pool, jobs[2], seen.append)
    aheads = [s.ahead for s in seen if not s.started]
    assert aheads == sorted(aheads, reverse=True) and aheads[-1] >= 1
    assert 1 in aheads  # the count went down as the first finished
    assert all(j.future.done() for j in jobs[:2])  # finished before the third: in order


def test_a_killed_worker_is_said_in_words_and_the_pool_recovers(pool):
    data = _prepared("hcv")
    slow = training.TrainSettings(classifier="random_forest", cv=10, seed=9)
    job = pool.submit(data, slow)
    deadline = time.monotonic() + 60
    while not pool.status(job).started and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in pool.worker_pids():  # the training's own worker
        os.kill(pid, signal.SIGKILL)
    with pytest.raises(DataError, match="stopped unexpectedly"):
        workers.wait_for(pool, job, lambda s: None)
    again = workers.wait_for(pool, pool.submit(data, training.TrainSettings(cv=3)), lambda s: None)
    assert again.settings.cv == 3


def test_default_bound_leaves_a_core_to_the_server(monkeypatch):
    monkeypatch.delenv(workers.WORKERS_ENV, raising=False)
    assert workers.default_workers(2) == 1
    assert workers.default_workers(8) == 4
    monkeypatch.setenv(workers.WORKERS_ENV, "3")
    assert workers.default_workers(2) == 3


def test_the_train_page_does_not_fit_in_the_server(monkeypatch):
    """Old code called ``training.train`` in the server's interpreter: replaced here by one that fails."""

    def no_fitting_here(*args, **kwargs):
        raise AssertionError("training.train ran in the server's interpreter")

    monkeypatch.delenv(workers.WORKERS_ENV, raising=False)
    monkeypatch.setattr(training, "train", no_fitting_here)
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    at.switch_page("pages/train.py").run()
    at.number_input(key="train_cv").set_value(3).run()
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception, at.exception
    result = at.session_state[session_state.K_TRAIN_RESULT]
    assert result.settings.cv == 3 and len(result.folds) == 3
    assert any("Cross-validation summary" in s.value for s in at.subheader)


def test_workers_do_not_rerun_the_app_script(tmp_path, monkeypatch):
    """Under ``streamlit run`` the app script is ``__main__``: spawn must not re-run it in each worker."""
    import sys
    import types

    marker = tmp_path / "ran"
    script = tmp_path / "fake_app.py"
    script.write_text(f"open({str(marker)!r}, 'a').write('ran')\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    fresh = workers.TrainingPool(max_workers=1)
    try:
        result = workers.wait_for(fresh, fresh.submit(_prepared("hcv"), training.TrainSettings(cv=2)), print)
    finally:
        fresh.shutdown()
    assert result.settings.cv == 2
    assert not marker.exists()
    assert sys.modules["__main__"] is fake_main  # put back


def test_workers_end_when_the_server_is_killed(tmp_path):
    """A server killed with SIGKILL leaves no training process behind."""
    import subprocess
    import sys

    code = (
        "import sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})\n"
        "from imbalance_core.learn import workers\n"
        "if __name__ == '__main__':\n"
        "    pool = workers.TrainingPool(max_workers=1)\n"
        "    pool.warm_up()\n"
        "    time.sleep(5)\n"
        "    print(*pool.worker_pids(), flush=True)\n"
        "    time.sleep(600)\n"
    )
    script = tmp_path / "server.py"
    script.write_text(code)
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert pids and all(Path(f"/proc/{p}").exists() for p in pids)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 20
    while any(Path(f"/proc/{p}").exists() for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(Path(f"/proc/{p}").exists() for p in pids)


def test_the_server_stops_promptly_while_a_training_runs(tmp_path):
    """concurrent.futures waits for running jobs at exit; a stopped server must not hang on them."""
    import subprocess
    import sys

    code = (
        "import sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})\n"
        "from imbalance_core.intake import bundled, task\n"
        "from imbalance_core.learn import training, workers\n"
        "if __name__ == '__main__':\n"
        "    t = bundled.load_bundled('hcv')\n"
        "    d = task.prepare(t, bundled.BUNDLED['hcv'].default_spec)\n"
        "    pool = workers.TrainingPool(max_workers=1)\n"
        "    s = training.TrainSettings(classifier='random_forest', cv=10, seed=1)\n"
        "    jobs = [pool.submit(d, s) for _ in range(4)]\n"
        "    while not pool.status(jobs[0]).started:\n"
        "        time.sleep(0.1)\n"
        "    print('started', flush=True)\n"
    )
    script = tmp_path / "server.py"
    script.write_text(code)
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "started"
    started = time.monotonic()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the process waited for its trainings at exit")
    assert time.monotonic() - started < 20


def test_worker_pids_are_exactly_the_pools_live_worker_processes():
    """The pool knows its workers from their own report (no private executor attributes)."""
    import multiprocessing

    pool = workers.TrainingPool(max_workers=2)
    try:
        pool.warm_up()
        deadline = time.monotonic() + 60
        while len(pool.worker_pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        children = {p.pid for p in multiprocessing.active_children()}
        assert len(pool.worker_pids()) == 2 and pool.worker_pids() <= children
        pool.stop_workers()
        deadline = time.monotonic() + 20
        while pool.worker_pids() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pool.worker_pids() == set()
    finally:
        pool.shutdown()


def _wait_until(condition, seconds: float, what: str, every: float = 0.01) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``seconds`` (never silently)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(every)


def _messages_until_done(pool, job, seconds: float = 240) -> list[str]:
    """Every progress message ``job`` shows from now until it ends, polled every few milliseconds.

    A message stays the job's latest until the next report (a fold message for the whole fold, the
    final-fit message for the whole final fit), so a report is not passed over between two polls.
    """
    seen: list[str] = []

    def done() -> bool:
        seen.append(pool.status(job).message)
        return job.future.done()

    _wait_until(done, seconds, "the job ended", every=0.005)
    return [m for m in seen if m]


def _fold(message: str) -> int:
    """1-based fold number of a "Cross-validation fold i of k" message (0 for any other message)."""
    return int(message.split()[2]) if message.startswith("Cross-validation fold ") else 0


def test_a_training_nobody_waits_for_is_cancelled_and_the_next_one_does_not_wait(pool):
    """Issue 31: a training abandoned by a reload ran to its end; the next 1-second training waited
    80.7 s. The page's wait now asks "is my browser still connected?"; once not, the job stops at
    its next fold and the one queued behind it starts.

    Measured in folds, not seconds (a wall-clock comparison with an earlier run failed under load):
    the abandoned run is cancelled as soon as it reports its first fold, and must stop long before
    its last fold and its final fit."""
    data = _prepared("hcv")
    slow = training.TrainSettings(classifier="random_forest", cv=10, seed=11)
    quick = training.TrainSettings(classifier="logreg", cv=2, seed=12)
    abandoned = pool.submit(data, slow)
    _wait_until(lambda: _fold(pool.status(abandoned).message) >= 1, 240, "the slow training reached a fold")
    next_one = pool.submit(data, quick)  # queued behind the abandoned one (one worker)
    assert pool.status(next_one).ahead == 1
    with pytest.raises(workers.TrainingCancelledError, match="closed or reloaded"):
        workers.wait_for(pool, abandoned, lambda s: None, still_wanted=lambda: False, grace_seconds=0.0)
    after_cancel = _messages_until_done(pool, abandoned)
    result = workers.wait_for(pool, next_one, lambda s: None)
    assert result.settings == quick
    assert abandoned.future.done()
    with pytest.raises(DataError, match="closed or reloaded"):
        pool.result(abandoned)
    # the abandoned training stopped at a fold: no final fit, and nowhere near its last fold, so the
    # next one waited far less than a whole slow run (it starts only once the abandoned one ended)
    assert not any(m.startswith("Final fit") or m == "Done" for m in after_cancel), after_cancel
    assert max(map(_fold, after_cancel), default=0) <= slow.cv // 2, after_cancel


def test_a_waiting_training_nobody_wants_never_trains(pool):
    """Cancelled while queued: it never starts, or (already handed to a worker's call queue) stops
    at its first progress report, before any fold: it never reports anything."""
    from concurrent.futures import CancelledError

    data = _prepared("hcv")
    slow = training.TrainSettings(classifier="random_forest", cv=6, seed=13)
    first = pool.submit(data, slow)
    queued = pool.submit(data, slow)
    pool.cancel(queued)
    assert not first.future.done()  # cancelled while the first one still had its folds to run
    reported = _messages_until_done(pool, queued)
    assert reported == [], reported  # not even "Starting": the cancellation is checked before each report
    with pytest.raises((CancelledError, DataError)):
        queued.future.result(timeout=0)
    workers.wait_for(pool, first, lambda s: None)
