"""Seat data and a trained model in a page test's session state, as the app leaves them.

Page tests train outside the app (fast, and with settings the test chooses) and then put the result where
the pages read it. "A trained model is current" means what ``pages.model_cache.train_cached`` leaves
behind: ``K_TRAIN_RESULT`` and ``K_TRAIN_SETTINGS`` (the result's own settings); the data it was trained
on is ``K_TABLE``/``K_SPEC``/``K_SOURCE`` (whose hash names the model, see ``pages.threshold_state``) and
``K_PREPARED``; a committed threshold is ``K_THRESHOLD``. Several test files copied these lines; they
call these two functions instead, so a new key the pages come to need is added here once.
:func:`train_on_bundled` trains the model they seat on a bundled data set, as several fixtures did.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from streamlit.testing.v1 import AppTest

from imbalance_core.intake import bundled, task
from imbalance_core.learn import training
from pages import session_state


def train_on_bundled(
    settings: training.TrainSettings, key: str = "hcv", spec: task.TaskSpec | None = None
) -> tuple[Any, task.TaskSpec, task.PreparedData, training.TrainResult]:
    """A bundled data set read and prepared through the app's own intake, and a model trained on it.

    spec: the task (default: the data set's own default task). Returns ``(table, spec, data, result)``;
    the training runs here, not in the app (no worker process), so page tests stay fast.
    """
    table = bundled.load_bundled(key)
    spec = spec if spec is not None else bundled.BUNDLED[key].default_spec
    data = task.prepare(table, spec)
    return table, spec, data, training.train(data, settings)


def _state(target: Any) -> MutableMapping[str, Any]:
    """The session state of an ``AppTest``, or ``target`` itself (``st.session_state`` inside a script)."""
    return target.session_state if isinstance(target, AppTest) else target


def seat_data(
    target: Any,
    *,
    table: Any = None,
    spec: Any = None,
    source: str | None = None,
    data: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> Any:
    """Put the loaded table, task spec, source name and prepared data (those given) in session state.

    target: an ``AppTest`` (before ``run``) or a session-state mapping. ``extra``: further keys set
    as they are (a page's own inputs). Returns ``target``, so a call can end in ``.run()``.
    """
    state = _state(target)
    for key, value in (
        (session_state.K_TABLE, table),
        (session_state.K_SPEC, spec),
        (session_state.K_SOURCE, source),
        (session_state.K_PREPARED, data),
    ):
        if value is not None:
            state[key] = value
    for key, value in (extra or {}).items():
        state[key] = value
    return target


def seat_model(
    target: Any,
    result: Any,
    *,
    table: Any = None,
    spec: Any = None,
    source: str | None = None,
    data: Any = None,
    threshold: float | None = None,
    settings: bool = True,
    extra: Mapping[str, Any] | None = None,
) -> Any:
    """Make ``result`` the current trained model, on the data given (see :func:`seat_data`).

    settings: also set ``K_TRAIN_SETTINGS`` to the result's settings, as training on the Train page
    does (False reproduces a session that holds the result alone). threshold: a committed threshold
    (``K_THRESHOLD``); None leaves the documented default in force. Returns ``target``.
    """
    seat_data(target, table=table, spec=spec, source=source, data=data)
    state = _state(target)
    state[session_state.K_TRAIN_RESULT] = result
    if settings:
        state[session_state.K_TRAIN_SETTINGS] = result.settings
    if threshold is not None:
        state[session_state.K_THRESHOLD] = threshold
    for key, value in (extra or {}).items():
        state[key] = value
    return target
