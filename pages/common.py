"""The one place for session-state keys and the cached wrappers around the core.

Pages read and write the user's choices only through the names here, so a choice made on one page
is seen by every other page and survives reruns. Per-user state lives in ``st.session_state``;
what ``st.cache_resource`` returns is shared by every session and is never mutated.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Any

import streamlit as st

from imbalance_core.errors import DataError
from imbalance_core.intake import bundled, label_guess, memory_room, task
from imbalance_core.intake.read import LoadedTable, read_table
from imbalance_core.intake.task import PreparedData, TaskSpec
from imbalance_core.maps import umap_warmup

if TYPE_CHECKING:
    from imbalance_core.evaluation.thresholds import ChosenThreshold
    from imbalance_core.learn.training import ResampleView, TrainResult, TrainSettings

# --- session-state keys -------------------------------------------------------------------------
K_TABLE = "table"  # LoadedTable: what was read (bundled set or upload)
K_SOURCE = "source"  # "bundled:<key>" or "upload:<sha256>"
K_SPEC = "task_spec"  # TaskSpec: label, positive classes, ignored classes, column overrides
K_PREPARED = "prepared"  # PreparedData built from K_TABLE and K_SPEC
K_LAST_ERROR = "last_error"  # the last DataError sentence, shown once on the Data page
K_LAST_NOTICE = "last_notice"  # the last plain notice (e.g. "this file is already loaded"), shown once
K_GUESS = "label_guess"  # (source, LabelGuess | None, positive reasons): why this label and positive
K_TRAIN_SETTINGS = "train_settings"  # TrainSettings last used on the Train page
K_TRAIN_RESULT = "train_result"  # TrainResult of the latest training run
K_TRAIN_CACHE = "train_cache"  # {(data_key, settings): TrainResult} for this session
K_TRAIN_JOBS = "train_jobs"  # {(data_key, settings): TrainingJob} submitted to the worker pool, not yet taken
K_THRESHOLD = "threshold"  # committed decision threshold (float) from the Threshold page
K_COMPARE_RESULT = "compare_result"  # CompareResult of the latest Compare run
K_PREVALENCE = "deployment_prevalence"  # deployment prevalence (fraction) last set on the Threshold page
# Threshold page inputs kept across page changes (see persist); each holds (scope, value).
K_THR_CLASS = "threshold_class"  # class judged one vs the rest (index), scope: data_key()
K_THR_PREVALENCE = "threshold_prevalence_pct"  # + ":<class index>": deployment prevalence (%), scope: data
K_THR_COST = "threshold_cost_ratio"  # FN:FP cost ratio of the lowest-cost suggestion, no scope
K_THR_TARGET = "threshold_target_sensitivity"  # target of the screening suggestion, no scope
K_THR_BETA = "threshold_beta"  # beta of the F-beta suggestion, no scope
K_THRESHOLD_MODEL = "threshold_model"  # model (data key + settings) that K_THRESHOLD was chosen for
K_THRESHOLD_ORIGIN = "threshold_origin"  # how K_THRESHOLD was chosen, in words (with K_THRESHOLD)
K_THRESHOLD_DEFAULT = "threshold_default"  # (TrainResult, ChosenThreshold): the default, computed once
K_RELOADED = "reloaded_with_work"  # True in a session that began as a reload of a tab holding work
#: Query parameter present in the address while the session holds the person's own work (an upload, a
#: changed task, a trained model). It carries no data; a reload keeps it, so the new, empty session can
#: say what was lost instead of silently showing the bundled data again.
WORK_MARK = "work"
K_THR_MODE = "threshold_mode"  # "single" cut-off or "rule" (rule-out / rule-in), Threshold page, no scope
K_RULE = "threshold_rule"  # {"model", "low", "high", "origin"}: committed two-cut-off rule of one model

DEFAULT_BUNDLED = "hcv"
#: Trained results kept per session; older ones are dropped first (each holds a fitted pipeline).
TRAIN_CACHE_SIZE = 8


# --- cached core calls (content-keyed: never rely on Streamlit hashing a big frame) --------------
@st.cache_resource(show_spinner=False, max_entries=4)
def _read_uploaded_shared(sha256: str, _raw: bytes) -> LoadedTable:
    """Parse an upload once per distinct content (keyed on its SHA-256, not a sampled frame hash).

    Shared by every session, so it carries no file name: the name is the person's (it may hold a
    patient's name) and is put on by :func:`_read_uploaded` for this session only.
    """
    return read_table(_raw, name="upload")


def _read_uploaded(sha256: str, raw: bytes, name: str) -> LoadedTable:
    """The upload's table under this session's file name (a copy; the cached table is never changed)."""
    return replace(_read_uploaded_shared(sha256, raw), name=name)


@st.cache_resource(show_spinner=False)
def _read_bundled(key: str) -> LoadedTable:
    """Parse a bundled data set once per process."""
    return bundled.load_bundled(key)


@st.cache_resource(show_spinner=False, max_entries=16)
def _prepare_shared(table_sha: str, spec: TaskSpec, _table: LoadedTable) -> PreparedData:
    """Build features and label for a task; keyed on the table's content hash and the spec.

    Shared by every session that has the same bytes and task: its ``name`` is whichever session came
    first, so it is only ever used through :func:`_prepare`.
    """
    return task.prepare(_table, spec)


def _prepare(table_sha: str, spec: TaskSpec, table: LoadedTable) -> PreparedData:
    """The prepared task named after this session's table (issue 18: a file name, which may hold a
    patient's name, must never come out of a cache shared with another session)."""
    return replace(_prepare_shared(table_sha, spec, table), name=table.name)


# --- state set-up --------------------------------------------------------------------------------
def init_state() -> None:
    """Load the default bundled data set and its task the first time a session runs.

    A first run whose address still carries :data:`WORK_MARK` is a reload (or a reopened address) of
    a tab that held work: that work is gone (it lives only in the session), so it is said.
    """
    if K_PREPARED in st.session_state:
        return
    if st.query_params.get(WORK_MARK) is not None:
        st.session_state[K_RELOADED] = True
        del st.query_params[WORK_MARK]
    table = _read_bundled(DEFAULT_BUNDLED)
    st.session_state[K_TABLE] = table
    st.session_state[K_SOURCE] = f"bundled:{DEFAULT_BUNDLED}"
    spec = bundled.BUNDLED[DEFAULT_BUNDLED].default_spec
    st.session_state[K_SPEC] = spec
    st.session_state[K_PREPARED] = _prepare(table.sha256, spec, table)
    st.session_state[K_TRAIN_CACHE] = {}


def use_bundled(key: str) -> bool:
    """Switch to a bundled data set with its default task. False (state unchanged) on failure."""
    try:
        table = _read_bundled(key)
        spec = bundled.BUNDLED[key].default_spec
        prepared = _prepare(table.sha256, spec, table)
    except DataError as exc:
        remember_error(exc)
        return False
    _set_data(table, f"bundled:{key}", spec, prepared)
    return True


def use_upload(raw: bytes, name: str) -> bool:
    """Read an uploaded file and switch to it with the guessed label and positive class.

    Every upload ends in the new data or a message: on a :class:`DataError` the message is remembered
    for display and everything already loaded (data, task, trained results) stays as it was; the same
    content again changes nothing and says so.
    """
    sha = hashlib.sha256(raw).hexdigest()
    if st.session_state.get(K_SOURCE) == f"upload:{sha}":
        remember_notice(
            f"'{name}' has the same content as the file already loaded; nothing changed."
            if name != current_table().name
            else f"'{name}' is already loaded; nothing changed."
        )
        return False
    try:
        memory_room.check_room_to_read(len(raw), memory_room.available_memory())
        table = _read_uploaded(sha, raw, name)
        guess = label_guess.guess_label(table)
        spec = task.TaskSpec(label=guess.label, positive=guess.positive)
        prepared = _prepare(table.sha256, spec, table)
    except DataError as exc:
        remember_error(DataError(f"'{name}' was not loaded: {exc} The previous data stay in use."))
        return False
    _set_data(table, f"upload:{sha}", spec, prepared)
    st.session_state[K_GUESS] = (f"upload:{sha}", guess, guess.positive_reasons)
    return True


def upload_limit_help() -> str:
    """The size limit in words, and what an HTTP error from the upload means.

    A file above the limit that the browser's own check misses (or a proxy in front of the server with
    a smaller limit) fails before any Python runs, and the uploader then shows only "Request failed with
    status code 413". Python cannot replace that text, so every uploader's help says what it means.
    """
    limit = int(st.get_option("server.maxUploadSize"))
    return (
        f'Files up to {limit} MB. If the uploader says "status code 413", the file is larger than this '
        "server (or a proxy in front of it) accepts: upload a smaller extract or ask whoever runs the "
        "server. Other status codes mean the connection to the server failed: reload and try again."
    )


def default_label(table: LoadedTable) -> str:
    """The label column a clinician would pick (:func:`imbalance_core.intake.label_guess.guess_label`)."""
    return label_guess.guess_label(table).label


def current_guess() -> tuple[label_guess.LabelGuess | None, tuple[str, ...]]:
    """Why the current label and positive were chosen: (the label guess of an upload or None when the
    person chose the label, reasons for the positive). Empty for bundled sets (their task is documented)."""
    stored = st.session_state.get(K_GUESS)
    if not stored or stored[0] != st.session_state.get(K_SOURCE):
        return None, ()
    return stored[1], stored[2]


def remember_positive_reasons(guess: label_guess.LabelGuess | None, reasons: tuple[str, ...]) -> None:
    """Keep why the positive class was chosen for the current source (after the person chose a label)."""
    st.session_state[K_GUESS] = (st.session_state.get(K_SOURCE), guess, reasons)


def set_task(spec: TaskSpec) -> bool:
    """Apply a changed task (label, positives, columns). False and state unchanged on failure."""
    table: LoadedTable = st.session_state[K_TABLE]
    try:
        prepared = _prepare(table.sha256, spec, table)
    except DataError as exc:
        remember_error(exc)
        return False
    st.session_state[K_SPEC] = spec
    st.session_state[K_PREPARED] = prepared
    _forget_results()
    return True


def _set_data(table: LoadedTable, source: str, spec: TaskSpec, prepared: PreparedData) -> None:
    """Replace the current data and task, and drop results that belong to the old data."""
    st.session_state[K_TABLE] = table
    st.session_state[K_SOURCE] = source
    st.session_state[K_SPEC] = spec
    st.session_state[K_PREPARED] = prepared
    st.session_state.pop(K_LAST_ERROR, None)
    st.session_state.pop(K_GUESS, None)
    _forget_results()


def _forget_results() -> None:
    """Results shown on later pages describe the old data: remove them (the cache keeps them keyed)."""
    for key in (K_TRAIN_RESULT, K_THRESHOLD, K_THRESHOLD_ORIGIN, K_COMPARE_RESULT, K_PREVALENCE):
        st.session_state.pop(key, None)


def remember_error(exc: DataError) -> None:
    """Keep a person-facing error sentence so the page can show it after the rerun."""
    st.session_state[K_LAST_ERROR] = str(exc)


def remember_notice(text: str) -> None:
    """Keep a plain notice (not an error) so the page can show it once after the rerun."""
    st.session_state[K_LAST_NOTICE] = text


def pop_notice() -> str | None:
    """The remembered notice, removed so it is shown once."""
    return st.session_state.pop(K_LAST_NOTICE, None)


#: Characters with a markdown meaning wherever they stand: links and images ([ ] !), emphasis (* _ ~),
#: code (`), HTML, autolinks and entities (< > &), maths ($), tables (|), headings (#), braces, and ':'
#: of emoji shortcodes (:smile:) and colour directives (:red[..]). '(' ')' '.' '-' '+' only matter after
#: a '[' or at the start of a line (_LINE_START), so numbers such as "0.87 (0.80-0.92)" and names such
#: as "SMOTE-N" pass unchanged. Checked in Chromium: no image is fetched and nothing is formatted. A bare
#: URL ("www.x.org", "http://x", "a@x.org") would still become a clickable link: GitHub-flavoured markdown
#: links them after escapes are resolved, so :data:`_AUTOLINK` breaks them with an invisible word joiner.
_MARKDOWN_INLINE = frozenset("`*_{}[]<>#|~$!&:@")
#: Where GFM's autolink literals start (after the escapes above): "www." , "://" and "@". A word joiner
#: (U+2060, invisible, no width) after "www", after "\:" before "//" and after "\@" stops the match.
_AUTOLINK = re.compile(r"(?i)(?<![A-Za-z0-9])www(?=\.)|\\:(?=//)|\\@")
_WORD_JOINER = "\u2060"
#: Block markers at the start of a line: an ordered item ("1. ", "2) "), a bullet ("- ", "+ "), a rule or
#: setext underline ("---", "==="). The group 'mark' gets a backslash; "-5.2" and "0.87" are left alone.
_LINE_START = re.compile(
    r"^(?P<lead>[ \t]*\d{0,9})(?P<mark>(?<=\d)[.)](?=\s|$)|(?<![\d])[-+=](?=[\s\-+=]|$))", re.M
)
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def plain(text: object) -> str:
    r"""``text`` made inert for Streamlit's markdown: it displays exactly as written, with no formatting.

    For user-supplied strings (column names, label values, file names) and whole sentences from the
    core (notices, warnings, DataError messages) shown through a markdown-rendering call
    (``st.error``/``st.warning``/``st.info``/``st.success``/``st.markdown``/``st.caption``, widget
    labels, ``st.table`` cells). Without it a column called ``![x](http://host/t.png)`` would make the
    browser fetch that image — telling a third party that the file was opened — and ``a_b_c`` would
    turn italic. Markdown the page writes itself (``**bold**`` in fixed text) stays outside the call.

    Each character with a markdown meaning gets a backslash (CommonMark's escape, which Streamlit
    renders as the bare character). A backslash is escaped when it would otherwise escape what
    follows (punctuation, a line break or the end of the text, which may be followed by the page's
    own text); elsewhere it already shows as itself, so ``True class \ predicted`` is unchanged.

    Examples
    --------
    >>> plain("![x](http://example.com/t.png)")
    '\\!\\[x\\](http\\:\u2060//example.com/t.png)'
    >>> plain("0.873 (0.812–0.915)")
    '0.873 (0.812–0.915)'
    """
    text = str(text)
    out = []
    for i, ch in enumerate(text):
        if ch == "\\":
            following = text[i + 1 : i + 2]
            out.append("\\\\" if following in _ASCII_PUNCTUATION or following in ("", "\n", "\r") else ch)
        elif ch in _MARKDOWN_INLINE:
            out.append("\\" + ch)
        else:
            out.append(ch)
    escaped = _LINE_START.sub(lambda m: f"{m['lead']}\\{m['mark']}", "".join(out))
    return _AUTOLINK.sub(lambda m: m.group(0) + _WORD_JOINER, escaped)


def show_error(exc: DataError | str) -> None:
    """Show a person-facing error sentence (never a traceback, never a cell value), markdown-escaped."""
    st.error(plain(str(exc)), icon=":material/error:")


def pop_error() -> str | None:
    """The remembered error sentence, removed so it is shown once."""
    return st.session_state.pop(K_LAST_ERROR, None)


# --- accessors used by every page ---------------------------------------------------------------
def current_table() -> LoadedTable | None:
    """The table that was read (bundled or uploaded)."""
    return st.session_state.get(K_TABLE)


def current_spec() -> TaskSpec | None:
    """The task chosen on the Data page."""
    return st.session_state.get(K_SPEC)


def current_data() -> PreparedData | None:
    """Features and label of the current task, or None before any data is loaded."""
    return st.session_state.get(K_PREPARED)


def require_data() -> PreparedData:
    """The current task's data; stops the page with a pointer to the Data page when there is none."""
    data = current_data()
    if data is None:
        st.info("Load a data set on the Data page first (in the menu on the left).")
        st.stop()
    return data


def data_key() -> str:
    """SHA-256 of the source bytes and the task spec: the cache key part that names the data."""
    table = current_table()
    spec = current_spec()
    if table is None or spec is None:
        return ""
    payload = json.dumps({"sha": table.sha256, "spec": asdict(spec)}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


@st.cache_resource(show_spinner=False, max_entries=8)
def _resample_view_shared(key: str, settings: TrainSettings, _data: PreparedData) -> ResampleView:
    """Resample once per (data, settings) in this server; the view is content-derived and never mutated."""
    from imbalance_core.learn.training import resample_for_view

    return resample_for_view(_data, settings)


def resample_view(data: PreparedData, settings: TrainSettings) -> ResampleView:
    """The training part before and after resampling — the Explore map's rows and the Report page's PCA
    picture share it, so whichever page comes second does not resample again (SMOTE-NC on the
    76,000 training rows of a 100,000-row file takes about 8 s)."""
    return _resample_view_shared(data_key(), settings, data)


def train_cached(
    settings: TrainSettings, progress: Callable[[str, float], None] | None = None, local: bool = False
) -> TrainResult:
    """Train once per (data, settings) in this session; revisiting the same settings is instant.

    Kept in ``st.session_state`` rather than ``st.cache_resource`` so one person's patients'
    model is never handed to another session, and so a progress callback can draw this run's bar.
    The fit itself runs in a worker process (:func:`_train_in_worker`); ``local``: the person chose
    to run on this machine after the Dask scheduler could not be reached (still in a worker process).
    """
    cache: dict[tuple[str, Any], TrainResult] = st.session_state.setdefault(K_TRAIN_CACHE, {})
    key = (data_key(), settings)
    if key in cache:
        result = cache.pop(key)  # re-insert: most recently used last
    else:
        data = require_data()
        result = _train_in_worker(key, data, settings, progress, local)
    cache[key] = result
    while len(cache) > TRAIN_CACHE_SIZE:
        cache.pop(next(iter(cache)))
    changed = st.session_state.get(K_TRAIN_RESULT) is not result
    st.session_state[K_TRAIN_SETTINGS] = settings
    st.session_state[K_TRAIN_RESULT] = result
    committed_threshold(model_key(settings))  # a threshold chosen for another model goes
    if changed:
        refresh_sidebar()  # the sidebar was drawn before this run trained: show the new model now
    return result


# --- training in worker processes ---------------------------------------------------------------
def _train_in_worker(
    key: tuple[str, Any],
    data: PreparedData,
    settings: TrainSettings,
    progress: Callable[[str, float], None] | None,
    local: bool = False,
) -> TrainResult:
    """Run :func:`imbalance_core.learn.training.train` in the shared worker pool and wait for it here.

    The server's interpreter only waits (asleep, holding no lock), so other people's pages stay quick
    while this fit runs (bench/train_load.py). While it waits behind other trainings, ``progress``
    gets "N trainings ahead of yours"; then the fit's own fold messages. A rerun while waiting (the
    person changed a widget) leaves the job running: it is kept in this session (``K_TRAIN_JOBS``)
    and the next call for the same key picks it up instead of starting another.
    ``IMBALANCE_LAB_TRAIN_WORKERS=0`` trains in this process (debugging).
    The Dask scheduler (environment or ``secrets.toml``; "" when ``local``) is passed to the worker
    explicitly: a worker process keeps the environment it was started with.
    """
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    from imbalance_core.learn import workers
    from imbalance_core.learn.training import train
    from pages import cluster_view  # late: it imports this module

    scheduler = "" if local else cluster_view.configured_scheduler()
    if workers.in_process():
        return train(data, settings, progress=progress, scheduler=scheduler)
    jobs: dict[tuple[str, Any], workers.TrainingJob] = st.session_state.setdefault(K_TRAIN_JOBS, {})
    pool = workers.shared_pool()
    job = jobs.get(key)
    if job is None:
        job = jobs[key] = pool.submit(data, settings, scheduler)

    def on_status(status: workers.JobStatus) -> None:
        if progress is None:
            return
        if not status.started:
            progress(workers.queue_message(status), 0.0)
        elif status.message:
            progress(status.message, status.fraction)

    try:
        return workers.wait_for(pool, job, on_status, still_wanted=_browser_connected())
    except StopException:  # the person pressed Stop, or the session ended: nobody waits for it
        pool.cancel(job)
        raise
    finally:
        if job.future.done():
            jobs.pop(key, None)


def _browser_connected() -> Callable[[], bool]:
    """Whether this session's browser is still connected, for a training's wait (issue 31: a training
    abandoned by a reload ran on while the next person's waited). Always yes where there is no
    connected session to ask about (AppTest, a bare script run)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists() or not Runtime.instance().is_active_session(ctx.session_id):
        return lambda: True
    runtime, session_id = Runtime.instance(), ctx.session_id
    return lambda: runtime.is_active_session(session_id)


def model_key(settings: TrainSettings) -> str:
    """Names one trained model: the data key and the training settings (one seed, one model)."""
    return f"{data_key()}|{settings!r}"


def committed_threshold(key: str) -> float | None:
    """The committed threshold if it was chosen for the model ``key``; one chosen for another is dropped.

    A cut-off is a point on one model's score scale: after a retrain (other settings or data) the same
    number flags different patients, so it is not carried over — not to the Threshold page and not to
    the Report and Predict pages, which read ``K_THRESHOLD`` too. The current model is remembered with
    it (``K_THRESHOLD_MODEL``); a threshold set without that note (e.g. by a test) counts as this
    model's.
    """
    state = st.session_state
    if state.get(K_THRESHOLD_MODEL, key) != key:
        state.pop(K_THRESHOLD, None)
        state.pop(K_THRESHOLD_ORIGIN, None)
    state[K_THRESHOLD_MODEL] = key
    return state.get(K_THRESHOLD)


def set_threshold(value: float, origin: str) -> None:
    """Make ``value`` the current model's threshold everywhere (Threshold, Report, Predict, sidebar)."""
    st.session_state[K_THRESHOLD] = float(value)
    st.session_state[K_THRESHOLD_ORIGIN] = str(origin)


def set_rule(low: float, high: float, origin: str) -> None:
    """Commit the rule-out / rule-in pair for the current model (Threshold page, sidebar, Report)."""
    result = st.session_state.get(K_TRAIN_RESULT)
    key = model_key(result.settings) if result is not None else ""
    st.session_state[K_RULE] = {"model": key, "low": float(low), "high": float(high), "origin": str(origin)}


def current_rule() -> dict[str, Any] | None:
    """The committed two-cut-off rule of the current model (``low``, ``high``, ``origin``), else None.

    Like the threshold, a rule chosen for another model (other settings or data) is not carried over.
    """
    rule = st.session_state.get(K_RULE)
    result = st.session_state.get(K_TRAIN_RESULT)
    if not isinstance(rule, dict) or result is None or not result.is_binary:
        return None
    return rule if rule.get("model") == model_key(result.settings) else None


def rule_mode() -> bool:
    """True when the Threshold page is in rule-out / rule-in (two cut-offs) mode."""
    stored = st.session_state.get(K_THR_MODE)  # (scope, value), kept by persist() on the Threshold page
    return isinstance(stored, tuple) and len(stored) == 2 and stored[1] == "rule"


def current_threshold() -> ChosenThreshold | None:
    """The one threshold of the current two-class model: the person's choice, else the documented default.

    The single session path every page reads (the Threshold page's opening position, the Report, the
    Predict page, the model download, the sidebar). Before the person moves it, it is
    :func:`imbalance_core.evaluation.thresholds.default_threshold` (Youden on cross-validated training
    scores).
    None when no two-class model is trained (a multi-class model calls the most probable class).
    """
    result = st.session_state.get(K_TRAIN_RESULT)
    if result is None or not result.is_binary:
        return None
    from imbalance_core.evaluation import thresholds  # here: scikit-learn is not needed before a model

    chosen = committed_threshold(model_key(result.settings))
    if chosen is not None:
        origin = st.session_state.get(K_THRESHOLD_ORIGIN) or "chosen by hand"
        return thresholds.ChosenThreshold(float(chosen), origin, False)
    return _default_of(result)


def _default_of(result: TrainResult) -> ChosenThreshold:
    """The default threshold of a trained result, computed once per result object (kept in the session)."""
    from imbalance_core.evaluation import thresholds

    cached = st.session_state.get(K_THRESHOLD_DEFAULT)
    if cached is not None and cached[0] is result:
        return cached[1]
    chosen = thresholds.default_for_result(result)
    st.session_state[K_THRESHOLD_DEFAULT] = (result, chosen)
    return chosen


def is_trained(settings: TrainSettings) -> bool:
    """True when this session already holds a result for (current data, settings)."""
    return (data_key(), settings) in st.session_state.get(K_TRAIN_CACHE, {})


# --- widget values that outlive the page --------------------------------------------------------
def persist(widget_key: str, store_key: str, default: Any, scope: str = "") -> dict[str, Any]:
    """Keyword arguments that make an input widget keep the person's value when they leave the page.

    Streamlit deletes a widget's session-state entry at the end of every run that does not draw it, so
    without this an input comes back at its default after a visit to another page. The person's value
    is copied (by the returned ``on_change`` callback) to ``store_key``, a plain session-state key that
    Streamlit never deletes, as ``(scope, value)``. Before the widget is drawn, a missing widget key is
    re-seeded from the store when the stored scope equals ``scope``, else from ``default``.

    Parameters
    ----------
    widget_key
        The widget's ``key``.
    store_key
        Where the person's value is kept (a ``K_*`` constant, optionally with a suffix).
    default
        The value before the person has set one (or when the stored one belongs to another scope).
    scope
        What a stored value is valid for, e.g. :func:`data_key` for a value that only makes sense for
        this data; ``""`` keeps it for the whole session.

    Returns
    -------
    dict
        ``{"key": widget_key, "on_change": callback}``; pass as ``st.number_input(..., **persist(...))``
        and give no ``value``/``index``: the seeded session state is the widget's value.

    Examples
    --------
    >>> st.number_input("F-beta", min_value=0.1, **persist("thr_beta", K_THR_BETA, 2.0))  # doctest: +SKIP
    """
    state = st.session_state
    if widget_key not in state:
        stored = state.get(store_key)
        state[widget_key] = stored[1] if stored is not None and stored[0] == scope else default

    def keep() -> None:
        state[store_key] = (scope, state[widget_key])

    return {"key": widget_key, "on_change": keep}


#: Prefix of the session-state keys that hold a page's kept inputs (see keep_inputs).
K_KEPT_INPUTS = "kept_inputs:"


def keep_inputs(page: str, keys: Iterable[str], prefixes: Iterable[str] = (), scope: str = "") -> None:
    """Before a page draws its inputs: put back the values Streamlit dropped while the person was away.

    The same guarantee as :func:`persist`, for a whole page at once (and for widgets whose keys are
    made on the fly, e.g. one per class or per hyper-parameter, named by ``prefixes``): the values
    :func:`remember_inputs` kept for ``page`` re-seed every missing widget key, when they were kept
    for the same ``scope`` (e.g. :func:`data_key`: values for other data are not brought back).
    """
    kept = st.session_state.get(K_KEPT_INPUTS + page)
    if kept is None or kept[0] != scope:
        return
    wanted = set(keys)
    for key, value in kept[1].items():
        if (key in wanted or key.startswith(tuple(prefixes))) and key not in st.session_state:
            st.session_state[key] = value


def remember_inputs(page: str, keys: Iterable[str], prefixes: Iterable[str] = (), scope: str = "") -> None:
    """Right after a page drew its inputs: keep their current values for :func:`keep_inputs`."""
    state = st.session_state
    starts = tuple(prefixes)
    names = [k for k in state if isinstance(k, str) and starts and k.startswith(starts)]
    values = {key: state[key] for key in (*keys, *names) if key in state}
    state[K_KEPT_INPUTS + page] = (scope, values)


def equivalent_command(build: Callable[[str, TaskSpec], str]) -> None:
    """Show "Equivalent command": ``build(file argument, task spec)``'s CLI line for the current data.

    Nothing is shown before data are loaded. The file argument is the bundled file's path or the
    uploaded file's name (:func:`imbalance_core.cli.command_lines.file_argument`).
    """
    from imbalance_core.cli import command_lines  # imports training: only pages that show a command

    spec = current_spec()
    table = current_table()
    if spec is None or table is None:
        return
    from pages import image_view  # image data: the extractor is part of the command (issue 16)

    file_arg = command_lines.file_argument(st.session_state.get(K_SOURCE, ""), table.name)
    current = image_view.current_images()
    show_command(command_lines.with_extractor(build(file_arg, spec), current[1] if current else None))


def show_command(line: str) -> None:
    """The "Equivalent command" block: one CLI line that reproduces what the page shows."""
    st.markdown("**Equivalent command**")
    st.code(line, language="bash", wrap_lines=True)


# --- chrome shared by all pages -----------------------------------------------------------------
def holds_work() -> bool:
    """True when the session holds something of the person's own: an upload, a changed task, a model."""
    source = st.session_state.get(K_SOURCE, "")
    default_spec = bundled.BUNDLED[DEFAULT_BUNDLED].default_spec
    return (
        not source.startswith(f"bundled:{DEFAULT_BUNDLED}")
        or st.session_state.get(K_SPEC) != default_spec
        or bool(st.session_state.get(K_TRAIN_CACHE))
        or K_TRAIN_RESULT in st.session_state
    )


def mark_work_in_address() -> None:
    """Keep :data:`WORK_MARK` in the address while the session holds work (see :func:`init_state`)."""
    if not holds_work():
        return
    st.session_state.pop(K_RELOADED, None)
    if st.query_params.get(WORK_MARK) != "1":
        st.query_params[WORK_MARK] = "1"


#: Said in the sidebar of a session that began as a reload of a tab that held work.
RELOAD_NOTICE = (
    "This tab was reloaded (or its address reopened): the data, settings and models of the earlier "
    "session are gone. They live only in the open tab and are never stored on the server. Load your "
    "file again on the Data page."
)


K_SIDEBAR_SLOT = "sidebar_status_slot"  # this run's sidebar placeholder (see refresh_sidebar)


def sidebar_status() -> None:
    """A short status of the current data and model in the sidebar, in a placeholder kept for this run.

    The sidebar is drawn before the page; a page that changes the model (training) calls
    :func:`refresh_sidebar` so the status shows the new model's threshold in the same run (issue 23).
    """
    from pages import cluster_view  # late: it imports this module

    cluster_view.sidebar_line()
    slot = st.sidebar.empty()
    st.session_state[K_SIDEBAR_SLOT] = slot
    _draw_status(slot)


def refresh_sidebar() -> None:
    """Redraw this run's sidebar status (after training changed the current model or threshold)."""
    slot = st.session_state.get(K_SIDEBAR_SLOT)
    if slot is not None:
        _draw_status(slot)


def _draw_status(slot: Any) -> None:
    """The status lines, drawn into ``slot`` (replacing what it held)."""
    data = current_data()
    with slot.container():
        if st.session_state.get(K_RELOADED):
            st.warning(RELOAD_NOTICE, icon=":material/refresh:")
        if data is None:
            st.caption("No data loaded.")
            return
        counts = data.class_counts
        st.caption("Current data")
        st.text(data.name)
        st.text(f"{len(data.y):,} rows · {len(data.X.columns)} features")
        if data.is_binary:
            st.text(f"Positive: {data.positive_name} ({counts[data.positive_name]:,})")
        else:
            st.text(f"{len(data.class_names)} classes (multi-class)")
        if K_TRAIN_RESULT in st.session_state:
            settings = st.session_state.get(K_TRAIN_SETTINGS)
            if settings is not None:
                st.text(f"Model: {settings.sampler} + {settings.classifier}")
        chosen = current_threshold()
        if chosen is not None:
            st.caption(plain(f"Threshold {chosen.value:.4f} · {chosen.origin}"))
        rule = current_rule() if rule_mode() else None
        if rule is not None:
            st.caption(plain(f"Rule out below {rule['low']:.4g} · rule in at or above {rule['high']:.4g}"))


_FROZEN_AFTER: set[str] = set()  # moments after which freeze_long_lived already ran in this process


def after_first_run() -> None:
    """Move everything allocated by the heavy imports out of the garbage collector's way, once.

    Streamlit runs ``gc.collect()`` after every script run; with pandas, scikit-learn and plotly
    loaded, that full collection blocks the server for tens of milliseconds each time. Objects that
    live for the whole process (modules, classes, the bundled tables) are frozen after the first
    run so later collections only walk what a run allocated (see bench/slider_latency.py).
    """
    _freeze_once("first run")
    umap_warmup.note_first_page_drawn()  # the start-up warm-up waits for this (a cold first page first)


def freeze_after_first_umap() -> None:
    """:func:`freeze_long_lived` once per process after a UMAP ran without the start-up warm-up
    (``IMBALANCE_LAB_UMAP_WARMUP=off``): its first use imported and compiled the same objects."""
    _freeze_once("first UMAP")


def _freeze_once(moment: str) -> None:
    """:func:`freeze_long_lived` the first time ``moment`` is reached in this process."""
    if moment not in _FROZEN_AFTER:
        _FROZEN_AFTER.add(moment)
        freeze_long_lived()


def freeze_long_lived() -> None:
    """Collect garbage once, then freeze what is left (process-wide; no per-user state involved).

    Also called when UMAP's code has been imported and compiled (warm-up or first use): umap, numba
    and pynndescent leave about 245,000 long-lived objects, which made every after-run collection
    take about 120 ms. The Explore page's progress poll reruns twice a second, so unfrozen, those
    collections held the interpreter lock for a quarter of the time and slowed the UMAP worker
    itself (5,025 rows with SMOTE: 3.1 s in the app with the collections out of the way, 4.6 s with
    them; bench/projection.py).
    """
    gc.collect()
    gc.freeze()
