"""Data page: choose or upload a data set, pick label and positive class, see class balance and quality.

Widgets only: reading, cleaning and profiling happen in ``imbalance_core``; the choices live in
``st.session_state`` through :mod:`pages.session_state` so they persist across pages and reruns.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from imbalance_core.errors import DataError
from imbalance_core.evaluation import page_sentences
from imbalance_core.figures.classes import class_distribution_figure
from imbalance_core.intake import bundled, label_guess, task
from imbalance_core.intake.profile import DataProfile, profile
from imbalance_core.intake.read import LoadedTable
from imbalance_core.intake.task import PreparedData, TaskSpec
from pages import data_source, image_view, plain_text, sample_size_view, session_state

W_BUNDLED = "data_bundled_choice"
W_UPLOAD = "data_upload"
W_LABEL = "data_label"
W_MODE = "data_mode"
W_POSITIVE = "data_positive"
W_IGNORE = "data_ignore"
W_INCLUDE = "data_include"
W_EXCLUDE = "data_exclude"
W_ZERO_MISSING = "data_zero_missing"
W_GROUP_PREFIX = "data_group_prefix"
W_GROUP_RARE = "data_group_rare"
ZERO_MISSING_LABEL = "Zeros mean 'not measured' in"
MODE_BINARY = "Disease vs the rest (binary)"
MODE_MULTI = "Keep every class (multi-class)"
#: Advice is advice, not an error: red is kept for things that went wrong (issue 12 item 9).
GUIDANCE_STYLE = {"info": st.info, "warning": st.warning, "action": st.warning}


@st.cache_resource(show_spinner=False, max_entries=16)
def _profile_shared(
    table_sha: str, spec: TaskSpec, _table: LoadedTable, _data: PreparedData | None = None
) -> DataProfile:
    """Profile once per (content, task); shared by sessions, so its ``name`` is not this person's.

    ``_data``: this task's prepared data when the session has it (not prepared a second time).
    """
    return profile(_table, spec, _data)


def _profile(table_sha: str, spec: TaskSpec, table: LoadedTable) -> DataProfile:
    """The profile under this session's file name (never another session's, see core_cache._prepare)."""
    data = session_state.current_data() if session_state.current_spec() == spec else None
    return replace(_profile_shared(table_sha, spec, table, data), name=table.name)


@st.cache_resource(show_spinner=False, max_entries=16)
def _label_classes(
    table_sha: str,
    label: str,
    _table: LoadedTable,
    group_prefix: int = 0,
    group_rare: int = 0,
    none_marks: tuple[str, ...] = (),
    missing_marks: tuple[str, ...] = (),
) -> dict[str, int]:
    """Cleaned (and grouped) label values and their counts, for the pickers ('-' as chosen)."""
    return task.label_classes(_table, label, group_prefix, group_rare, none_marks, missing_marks)


def _marks(spec: TaskSpec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return spec.none_marks, spec.missing_marks


# --- callbacks: each turns a widget change into a new task spec --------------------------------
def _on_bundled() -> None:
    key = st.session_state[W_BUNDLED]
    if data_source.use_bundled(key):
        _reset_task_widgets()


def _on_upload() -> None:
    uploaded = st.session_state.get(W_UPLOAD)
    if uploaded is None:
        return
    if uploaded.name.lower().endswith(".zip"):  # an image zip: one folder per class (issue 16)
        if image_view.use_image_zip(uploaded.getvalue(), uploaded.name):
            _reset_task_widgets()
    elif data_source.use_upload(uploaded.getvalue(), uploaded.name):
        _reset_task_widgets()


def _on_label() -> None:
    table = session_state.current_table()
    label = st.session_state[W_LABEL]
    keep_zeros = tuple(c for c in session_state.current_spec().zero_missing if c != label)
    try:
        spec, reasons = label_guess.spec_for(table, label)
        spec = replace(spec, zero_missing=keep_zeros)
    except DataError as exc:
        session_state.remember_error(exc)
        st.session_state[W_LABEL] = session_state.current_spec().label
        return
    if data_source.set_task(spec):
        data_source.remember_positive_reasons(None, reasons)
        _reset_task_widgets(keep_label=True)
    else:
        st.session_state[W_LABEL] = session_state.current_spec().label


def chosen_positive(
    old: tuple[str, ...], picked: list[str], classes: list[str]
) -> tuple[tuple[str, ...], str]:
    """The positive values the picker means, and a notice when it is not literally the selection.

    Picking the other class while every class would then be positive switches to it in one step
    (the values just added); an empty selection keeps the old positive (a binary task needs one) and
    says so. Otherwise the selection is taken as it is.
    """
    picked_t = tuple(picked)
    if not picked_t:
        return old, (
            "A binary task needs a positive class, so it stays as it was. To switch, pick the other class."
        )
    if classes and set(picked_t) >= set(classes):
        added = tuple(p for p in picked_t if p not in old)
        if added and len(added) < len(classes):
            return added, ""
        return old, "Every class was marked positive; at least one class must stay negative."
    return picked_t, ""


def _on_task_change() -> None:
    spec = session_state.current_spec()
    table = session_state.current_table()
    multiclass = st.session_state[W_MODE] == MODE_MULTI
    group_prefix = int(st.session_state.get(W_GROUP_PREFIX, spec.group_prefix) or 0)
    group_rare = int(st.session_state.get(W_GROUP_RARE, spec.group_rare) or 0)
    positive = spec.positive
    if W_POSITIVE in st.session_state and not multiclass:
        data = session_state.current_data()
        old = spec.positive or (data.positive_values if data is not None else ())
        try:
            classes = list(
                _label_classes(table.sha256, spec.label, table, group_prefix, group_rare, *_marks(spec))
            )
        except DataError:
            classes = []
        ignored = set(st.session_state.get(W_IGNORE, spec.ignore))
        positive, notice = chosen_positive(
            old, list(st.session_state[W_POSITIVE]), [c for c in classes if c not in ignored]
        )
        if notice:
            session_state.remember_notice(notice)
    new = replace(
        spec,
        multiclass=multiclass,
        positive=positive,
        ignore=tuple(st.session_state.get(W_IGNORE, spec.ignore)),
        include=tuple(st.session_state.get(W_INCLUDE, spec.include)),
        exclude=tuple(st.session_state.get(W_EXCLUDE, spec.exclude)),
        zero_missing=tuple(st.session_state.get(W_ZERO_MISSING, spec.zero_missing)),
        group_prefix=group_prefix,
        group_rare=group_rare,
    )
    if (new.group_prefix, new.group_rare) != (spec.group_prefix, spec.group_rare):
        new = replace(new, positive=_guessed_positive(new), ignore=())  # old values may be gone
    if not data_source.set_task(new):
        _reset_task_widgets(keep_label=True)
        return
    data = session_state.current_data()
    if not multiclass and data is not None:
        st.session_state[W_POSITIVE] = list(data.positive_values)  # the selection shown is the one used
    if new.positive != spec.positive:  # the person chose: the guessed reasons no longer apply
        guess, _ = data_source.current_guess()
        data_source.remember_positive_reasons(guess, ())


def _guessed_positive(spec: TaskSpec) -> tuple[str, ...]:
    """The positive the label's (grouped) values suggest, or () (the rarest) when they cannot be read."""
    table = session_state.current_table()
    try:
        counts = _label_classes(
            table.sha256, spec.label, table, spec.group_prefix, spec.group_rare, *_marks(spec)
        )
        return label_guess.guess_positive(counts)[0]
    except DataError:
        return ()


def _reset_task_widgets(keep_label: bool = False) -> None:
    """Drop widget values so they are seeded again from the (new) task spec."""
    keys = [W_MODE, W_POSITIVE, W_IGNORE, W_INCLUDE, W_EXCLUDE, W_ZERO_MISSING, W_GROUP_PREFIX, W_GROUP_RARE]
    if not keep_label:
        keys.append(W_LABEL)
    for key in keys:
        st.session_state.pop(key, None)


def _seed(key: str, value: object) -> None:
    """Give a widget its value from the task spec when it has none (e.g. after visiting another page)."""
    if key not in st.session_state:
        st.session_state[key] = value


# --- sections ------------------------------------------------------------------------------------
def source_section() -> None:
    """Bundled data set or upload."""
    left, right = st.columns([1, 1], gap="large")
    with left:
        keys = list(bundled.BUNDLED)
        source = st.session_state.get(session_state.K_SOURCE, "")
        _seed(W_BUNDLED, source.split(":", 1)[1] if source.startswith("bundled:") else keys[0])
        st.selectbox(
            "Bundled data set",
            keys,
            key=W_BUNDLED,
            format_func=lambda k: bundled.BUNDLED[k].title,
            on_change=_on_bundled,
            help="Real, public lab data sets shipped with the app (see sample_data/README.md).",
        )
        if source.startswith(("upload:", "images:")):
            what = "The bundled chest X-rays are" if source.startswith("images:") else "Your uploaded file is"
            st.caption(f"{what} in use. Choose a bundled data set here to switch back to it.")
        else:
            st.caption(bundled.BUNDLED[st.session_state[W_BUNDLED]].description)
    with right:
        st.file_uploader(
            "…or upload a lab-result CSV, or a zip of images with one folder per class",
            type=["csv", "tsv", "txt", "zip"],
            key=W_UPLOAD,
            on_change=_on_upload,
            help="Comma, semicolon, tab or pipe separated; decimal point or comma; any common encoding. "
            "The file is read in memory and never stored. " + data_source.upload_limit_help(),
        )
        image_view.bundled_button()


def guess_section(spec: TaskSpec) -> None:
    """Why this label and positive class were chosen (an upload's guess), and label problems said."""
    guess, positive_reasons = data_source.current_guess()
    if guess is not None:
        for problem in guess.problems:
            st.warning(plain_text.plain(problem), icon=":material/warning:")
    reasons = (guess.label_reasons if guess is not None and guess.label == spec.label else ()) + tuple(
        positive_reasons
    )
    if reasons:
        st.info(
            "**Why this label and positive class**\n\n" + "\n\n".join(plain_text.plain(r) for r in reasons),
            icon=":material/lightbulb:",
        )


def grouping_section(spec: TaskSpec, n_values: int) -> None:
    """Grouping of code labels (ICD, lab flags): by first characters, rare codes into 'other'."""
    if n_values <= task.MAX_CLASSES and not (spec.group_prefix or spec.group_rare):
        return
    st.caption(
        f"This label holds {n_values} values. A binary task takes any number (choose the positive codes); "
        f"a multi-class task keeps at most {task.MAX_CLASSES} classes, so group the codes first."
    )
    g1, g2 = st.columns(2)
    _seed(W_GROUP_PREFIX, spec.group_prefix)
    g1.number_input(
        "Group codes by their first N characters (0 = off)",
        min_value=0,
        max_value=20,
        step=1,
        key=W_GROUP_PREFIX,
        on_change=_on_task_change,
        help="E.g. 1 groups ICD-10 codes by chapter letter, 3 by category (E11.9 -> E11).",
    )
    _seed(W_GROUP_RARE, spec.group_rare)
    g2.number_input(
        f"Codes with fewer rows than this become '{task.OTHER_CLASS}' (0 = off)",
        min_value=0,
        max_value=1_000_000,
        step=1,
        key=W_GROUP_RARE,
        on_change=_on_task_change,
    )


def task_section(table: LoadedTable, spec: TaskSpec) -> None:
    """Label column, positive class(es), classes to leave out, grouping of codes."""
    columns = [str(c) for c in table.frame.columns]
    _seed(W_LABEL, spec.label)
    c1, c2 = st.columns([1, 2], gap="large")
    with c1:
        st.selectbox(
            "Label column (what the model should predict)", columns, key=W_LABEL, on_change=_on_label
        )
        _seed(W_MODE, MODE_MULTI if spec.multiclass else MODE_BINARY)
        st.radio("Task", [MODE_BINARY, MODE_MULTI], key=W_MODE, on_change=_on_task_change)
    classes = _label_classes(
        table.sha256, spec.label, table, spec.group_prefix, spec.group_rare, *_marks(spec)
    )
    names = list(classes)
    data = session_state.current_data()
    with c2:
        if st.session_state[W_MODE] == MODE_BINARY:
            default_pos = list(data.positive_values) if data and data.is_binary else list(spec.positive)
            _seed(W_POSITIVE, [p for p in default_pos if p in names])
            st.multiselect(
                "Positive (disease) class — one or more label values",
                names,
                key=W_POSITIVE,
                on_change=_on_task_change,
                format_func=lambda n: f"{n}  ({classes[n]:,} rows)",
                help="Rows with these label values are the positive class; all other kept rows are negative. "
                "With two classes, picking the other one switches to it.",
            )
        _seed(W_IGNORE, [i for i in spec.ignore if i in names])
        st.multiselect(
            "Leave out rows with these label values",
            names,
            key=W_IGNORE,
            on_change=_on_task_change,
            format_func=lambda n: f"{n}  ({classes[n]:,} rows)",
            help="For example suspect blood donors, whose status is uncertain. They are counted, reported.",
        )
    raw_values = (
        _label_classes(table.sha256, spec.label, table) if spec.group_prefix or spec.group_rare else classes
    )
    grouping_section(spec, len(raw_values))
    guess_section(spec)


# --- the right patients (issue 24): label marks, guessed IDs, copies, columns after the outcome --------
def _on_mark(mark: str, as_class: bool) -> None:
    """Read a label mark ('-', '.') as a class of its own or as missing; the positive is guessed again."""
    spec, table = session_state.current_spec(), session_state.current_table()
    none = tuple(m for m in spec.none_marks if m != mark) + ((mark,) if as_class else ())
    missing = tuple(m for m in spec.missing_marks if m != mark) + (() if as_class else (mark,))
    try:
        counts = task.label_classes(table, spec.label, spec.group_prefix, spec.group_rare, none, missing)
        positive, _ = label_guess.guess_positive(counts)
    except DataError as exc:
        session_state.remember_error(exc)
        return
    new = replace(spec, none_marks=none, missing_marks=missing, positive=positive, ignore=())
    if data_source.set_task(new):
        _reset_task_widgets(keep_label=True)


def _on_spec_change(**changes: object) -> None:
    """Apply one change of the task spec (a click on the patients section)."""
    if data_source.set_task(replace(session_state.current_spec(), **changes)):
        _reset_task_widgets(keep_label=True)


def patients_section(spec: TaskSpec) -> None:
    """Which patients and columns the task uses: '-' as 'no diagnosis', guessed IDs, copies, and columns
    that may be recorded after the outcome — each said in words, each undone with one click."""
    data = session_state.current_data()
    if data is None:
        return
    for m in data.label_marks:
        st.info(plain_text.plain(m.text), icon=":material/label:")
        other = "Read it as missing (not recorded)" if m.as_class else "Read it as a class ('no diagnosis')"
        st.button(
            f"{other}: '{m.mark}'",
            key=f"data_mark_{m.mark}",
            on_click=_on_mark,
            args=(m.mark, not m.as_class),
        )
    for found in data.repeated_ids:
        st.info(plain_text.plain(found.text), icon=":material/group:")
        if found.guessed:
            st.button(
                f"'{found.column}' is not a patient ID: use it as a feature",
                key=f"data_not_id_{found.column}",
                on_click=_on_spec_change,
                kwargs={"include": (*spec.include, found.column)},
            )
    if data.duplicate_rows:
        st.info(plain_text.plain(data.duplicates_text), icon=":material/content_copy:")
        drop = spec.duplicates == "drop"
        st.button(
            "Keep the copies (together)" if drop else "Drop the copies (keep the first of each)",
            key="data_duplicates",
            on_click=_on_spec_change,
            kwargs={"duplicates": "together" if drop else "drop"},
        )
    for a in data.after_outcome:
        st.warning(plain_text.plain(a.text), icon=":material/schedule:")
        st.button(
            plain_text.plain(
                f"Exclude '{a.column}'"
            ),  # a label is markdown: a column name must not become a link
            key=f"data_after_{a.column}",
            on_click=_on_spec_change,
            kwargs={"exclude": (*spec.exclude, a.column)},
        )


def zero_missing_section(table: LoadedTable, spec: TaskSpec, prof: DataProfile) -> None:
    """Which numeric columns read 0 as "not measured"; a warning names the columns that look like it."""
    suspects = {z.column: z for z in prof.suspect_zeros}
    open_suspects = [z for z in prof.suspect_zeros if not z.chosen]
    if open_suspects:
        listed = "; ".join(
            f"{plain_text.plain(z.column)} ({z.zeros:,} zeros, smallest other value {z.smallest_nonzero:g})"
            for z in open_suspects
        )
        st.warning(
            f"Zeros that look like 'not measured': {listed}. If a 0 is impossible in these columns, "
            f'choose them under "{ZERO_MISSING_LABEL}" so the zeros are imputed instead of being '
            "used as real values."
        )
    options = list(task.numeric_columns(table, spec.label))
    _seed(W_ZERO_MISSING, [c for c in spec.zero_missing if c in options])
    st.multiselect(
        ZERO_MISSING_LABEL,
        options,
        key=W_ZERO_MISSING,
        on_change=_on_task_change,
        format_func=lambda c: f"{c}  ({suspects[c].zeros:,} zeros look like missing)" if c in suspects else c,
        help="In some files a 0 stands for a measurement that was not taken (a blood pressure or BMI "
        "cannot be 0). Zeros in the columns chosen here become missing values and are filled by the "
        "model's imputation, in training and when a saved model scores new patients.",
    )


def columns_section(spec: TaskSpec, prof: DataProfile) -> None:
    """Columns excluded by default (with reasons) and the user's overrides."""
    data = session_state.current_data()
    with st.expander(
        f"Feature columns: {len(data.X.columns)} used, {len(data.excluded)} excluded", expanded=False
    ):
        if data.excluded:
            st.dataframe(
                pd.DataFrame(
                    {"column": list(data.excluded), "why it is excluded": list(data.excluded.values())}
                ),
                hide_index=True,
                width="stretch",
            )
            st.caption(excluded_sentence(len(data.excluded), len(data.X.columns)))
        auto_excluded = sorted(set(data.excluded) | set(spec.include))
        _seed(W_INCLUDE, list(spec.include))
        st.multiselect(
            "Put back excluded columns",
            auto_excluded,
            key=W_INCLUDE,
            on_change=_on_task_change,
            help="Only do this when you are sure the column is a real predictor, not an ID or a leak.",
        )
        _seed(W_EXCLUDE, list(spec.exclude))
        st.multiselect(
            "Also exclude",
            sorted(set(data.X.columns) | set(spec.exclude)),
            key=W_EXCLUDE,
            on_change=_on_task_change,
        )
        if data.categorical_features:
            st.caption(
                "Categorical (text) features: " + plain_text.plain(", ".join(data.categorical_features))
            )


def balance_section(prof: DataProfile) -> None:
    """Class distribution chart, ratio and plain-language guidance."""
    data = session_state.current_data()
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Rows used", f"{prof.rows:,}")
    m2.metric("Features", f"{len(data.X.columns)}")
    m3.metric("Smallest class", f"{prof.minority_count:,} rows")
    m4.metric("Imbalance ratio", f"{prof.imbalance_ratio:.1f} : 1")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.plotly_chart(class_distribution_figure(prof), width="stretch", key="class_chart")
        st.caption(plain_text.plain(balance_sentence(prof)))
    with right:
        st.subheader("What this means", anchor=False)
        for item in prof.guidance:
            GUIDANCE_STYLE.get(item.level, st.info)(plain_text.plain(item.text))


def quality_section(table: LoadedTable, prof: DataProfile) -> None:
    """Per-column quality, duplicates and what the reader detected."""
    st.subheader("Data quality", anchor=False)
    rows = [
        {
            "column": q.name,
            "type": q.kind,
            "missing": q.missing,
            "below/above detection limit": q.detection_limit,
            "zeros read as missing": q.zeros_as_missing,
            "excluded because": q.excluded_reason or "",
        }
        for q in prof.quality
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(
        plain_text.plain(
            page_sentences.quality_sentence({q.name: q.missing for q in prof.quality}, prof.rows)
        )
    )
    data = session_state.current_data()
    done = " — dropped" if data is not None and data.duplicates == "drop" else " — kept together"
    st.caption(
        f"Rows used: {prof.rows:,} of {prof.rows_read:,} read. Exact duplicate rows: {prof.duplicated_rows:,}"
        + (done if prof.duplicated_rows else "")
        + "."
    )
    notes = list(prof.notices) + [w for w in prof.warnings if w not in {g.text for g in prof.guidance}]
    if notes:
        with st.expander(f"What was detected and changed while reading ({len(notes)})", expanded=False):
            for note in notes:
                st.text(f"• {note}")


# --- sentences under the figures and tables (issue 26) --------------------------------------------------
def balance_sentence(prof: DataProfile) -> str:
    """Under the class chart: how many patients have the disease, as a share and as "1 in N"."""
    positive = prof.positive_name if not prof.multiclass else None
    return page_sentences.class_balance_sentence(dict(prof.task_classes), positive)


def excluded_sentence(n_excluded: int, n_used: int) -> str:
    """Under the excluded-columns table."""
    return (
        f"{n_excluded} column{'s are' if n_excluded != 1 else ' is'} left out of the features and {n_used} "
        "used; put one back below only if it is a real predictor, not an ID or a leak."
    )


def preview_sentence(n_rows: int) -> str:
    """Under the preview: what it shows."""
    shown = min(n_rows, 200)
    return f"The first {shown:,} of {n_rows:,} rows as read, before any column is left out or filled in."


DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def read_summary(table: LoadedTable) -> str:
    """One line saying how the file was read, so a person can check the detection."""
    delimiter = DELIMITER_NAMES.get(table.delimiter, repr(table.delimiter))
    decimal = "comma" if table.decimal == "," else "point"
    return (
        f"Read {table.n_rows:,} rows × {len(table.columns)} columns; fields separated by {delimiter}, "
        f"decimal {decimal}, encoding {table.encoding}."
    )


def main() -> None:
    """Draw the Data page."""
    st.title("Data", anchor=False)
    st.caption(
        "Choose the data, the label and the positive (disease) class. Everything here is computed in "
        "memory; nothing is stored."
    )
    # One fixed slot for messages, drawn before the uploader on every run whether or not there is a
    # message: a box that comes and goes above the uploader shifts it mid-upload and the next file is
    # lost in silence (issue 18 item 3).
    slot = st.empty()
    error, notice = session_state.pop_error(), session_state.pop_notice()
    with slot.container():
        if error:
            plain_text.show_error(error)
        if notice:
            st.info(plain_text.plain(notice), icon=":material/info:")
    source_section()
    table = session_state.current_table()
    spec = session_state.current_spec()
    if table is None or spec is None:
        st.info("Choose a bundled data set or upload a CSV file.")
        return
    st.divider()
    st.subheader(f"Task — {plain_text.plain(table.name)}", anchor=False)
    st.caption(read_summary(table))
    task_section(table, spec)
    spec = session_state.current_spec()
    prof = _profile(table.sha256, spec, table)
    patients_section(spec)
    columns_section(spec, prof)
    is_images = image_view.current_images() is not None  # feature columns: no zero/quality checks per column
    if not is_images:
        zero_missing_section(table, spec, prof)
    balance_section(prof)
    image_view.example_grid()
    sample_size_view.sample_size_note(
        session_state.current_data()
    )  # is the data set big enough? (Riley et al.)
    if not is_images:
        quality_section(table, prof)
    with st.expander("Preview (first 200 rows)"):
        st.dataframe(table.frame.head(200), width="stretch")
        st.caption(preview_sentence(table.n_rows))


main()
