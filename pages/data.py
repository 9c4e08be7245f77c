"""Data page: choose or upload a data set, pick label and positive class, see class balance and quality.

Widgets only: reading, cleaning and profiling happen in ``imbalance_core``; the choices live in
``st.session_state`` through :mod:`pages.common` so they persist across pages and reruns.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from imbalance_core import bundled, dataset
from imbalance_core.data import LoadedTable
from imbalance_core.dataset import TaskSpec
from imbalance_core.errors import DataError
from imbalance_core.figures.classes import class_distribution_figure
from imbalance_core.profile import DataProfile, profile
from pages import common

W_BUNDLED = "data_bundled_choice"
W_UPLOAD = "data_upload"
W_LABEL = "data_label"
W_MODE = "data_mode"
W_POSITIVE = "data_positive"
W_IGNORE = "data_ignore"
W_INCLUDE = "data_include"
W_EXCLUDE = "data_exclude"
W_ZERO_MISSING = "data_zero_missing"
ZERO_MISSING_LABEL = "Zeros mean 'not measured' in"
MODE_BINARY = "Disease vs the rest (binary)"
MODE_MULTI = "Keep every class (multi-class)"
GUIDANCE_STYLE = {"info": st.info, "warning": st.warning, "action": st.error}


@st.cache_resource(show_spinner=False, max_entries=16)
def _profile(table_sha: str, spec: TaskSpec, _table: LoadedTable) -> DataProfile:
    """Profile once per (content, task)."""
    return profile(_table, spec)


@st.cache_resource(show_spinner=False, max_entries=16)
def _label_classes(table_sha: str, label: str, _table: LoadedTable) -> dict[str, int]:
    """Cleaned label values and their counts, for the pickers."""
    return dataset.label_classes(_table, label)


# --- callbacks: each turns a widget change into a new task spec --------------------------------
def _on_bundled() -> None:
    key = st.session_state[W_BUNDLED]
    if common.use_bundled(key):
        _reset_task_widgets()


def _on_upload() -> None:
    uploaded = st.session_state.get(W_UPLOAD)
    if uploaded is None:
        return
    if common.use_upload(uploaded.getvalue(), uploaded.name):
        _reset_task_widgets()


def _on_label() -> None:
    table = common.current_table()
    label = st.session_state[W_LABEL]
    keep_zeros = tuple(c for c in common.current_spec().zero_missing if c != label)
    try:
        spec = replace(dataset.default_spec(table, label), zero_missing=keep_zeros)
    except DataError as exc:
        common.remember_error(exc)
        st.session_state[W_LABEL] = common.current_spec().label
        return
    if common.set_task(spec):
        _reset_task_widgets(keep_label=True)
    else:
        st.session_state[W_LABEL] = common.current_spec().label


def _on_task_change() -> None:
    spec = common.current_spec()
    multiclass = st.session_state[W_MODE] == MODE_MULTI
    new = replace(
        spec,
        multiclass=multiclass,
        positive=tuple(st.session_state.get(W_POSITIVE, spec.positive)),
        ignore=tuple(st.session_state.get(W_IGNORE, spec.ignore)),
        include=tuple(st.session_state.get(W_INCLUDE, spec.include)),
        exclude=tuple(st.session_state.get(W_EXCLUDE, spec.exclude)),
        zero_missing=tuple(st.session_state.get(W_ZERO_MISSING, spec.zero_missing)),
    )
    if not common.set_task(new):
        _reset_task_widgets(keep_label=True)


def _reset_task_widgets(keep_label: bool = False) -> None:
    """Drop widget values so they are seeded again from the (new) task spec."""
    keys = [W_MODE, W_POSITIVE, W_IGNORE, W_INCLUDE, W_EXCLUDE, W_ZERO_MISSING]
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
        source = st.session_state.get(common.K_SOURCE, "")
        _seed(W_BUNDLED, source.split(":", 1)[1] if source.startswith("bundled:") else keys[0])
        st.selectbox(
            "Bundled data set",
            keys,
            key=W_BUNDLED,
            format_func=lambda k: bundled.BUNDLED[k].title,
            on_change=_on_bundled,
            help="Real, public lab data sets shipped with the app (see sample_data/README.md).",
        )
        if source.startswith("upload:"):
            st.caption("Your uploaded file is in use. Choose a bundled data set here to switch back to it.")
        else:
            st.caption(bundled.BUNDLED[st.session_state[W_BUNDLED]].description)
    with right:
        st.file_uploader(
            "…or upload a lab-result CSV",
            type=["csv", "tsv", "txt"],
            key=W_UPLOAD,
            on_change=_on_upload,
            help="Comma, semicolon, tab or pipe separated; decimal point or comma; any common encoding. "
            "The file is read in memory and never stored.",
        )


def task_section(table: LoadedTable, spec: TaskSpec) -> None:
    """Label column, positive class(es), classes to leave out."""
    columns = [str(c) for c in table.frame.columns]
    _seed(W_LABEL, spec.label)
    c1, c2 = st.columns([1, 2], gap="large")
    with c1:
        st.selectbox(
            "Label column (what the model should predict)", columns, key=W_LABEL, on_change=_on_label
        )
        _seed(W_MODE, MODE_MULTI if spec.multiclass else MODE_BINARY)
        st.radio("Task", [MODE_BINARY, MODE_MULTI], key=W_MODE, on_change=_on_task_change)
    classes = _label_classes(table.sha256, spec.label, table)
    names = list(classes)
    data = common.current_data()
    with c2:
        if st.session_state[W_MODE] == MODE_BINARY:
            default_pos = list(spec.positive) or ([data.positive_name] if data and data.is_binary else [])
            _seed(W_POSITIVE, [p for p in default_pos if p in names])
            st.multiselect(
                "Positive (disease) class — one or more label values",
                names,
                key=W_POSITIVE,
                on_change=_on_task_change,
                format_func=lambda n: f"{n}  ({classes[n]:,} rows)",
                help="Rows with these label values are the positive class; all other kept rows are negative.",
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


def zero_missing_section(table: LoadedTable, spec: TaskSpec, prof: DataProfile) -> None:
    """Which numeric columns read 0 as "not measured"; a warning names the columns that look like it."""
    suspects = {z.column: z for z in prof.suspect_zeros}
    open_suspects = [z for z in prof.suspect_zeros if not z.chosen]
    if open_suspects:
        listed = "; ".join(
            f"{common.plain(z.column)} ({z.zeros:,} zeros, smallest other value {z.smallest_nonzero:g})"
            for z in open_suspects
        )
        st.warning(
            f"Zeros that look like 'not measured': {listed}. If a 0 is impossible in these columns, "
            f'choose them under "{ZERO_MISSING_LABEL}" so the zeros are imputed instead of being '
            "used as real values."
        )
    options = list(dataset.numeric_columns(table, spec.label))
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
    data = common.current_data()
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
            st.caption("Categorical (text) features: " + common.plain(", ".join(data.categorical_features)))


def balance_section(prof: DataProfile) -> None:
    """Class distribution chart, ratio and plain-language guidance."""
    data = common.current_data()
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Rows used", f"{prof.rows:,}")
    m2.metric("Features", f"{len(data.X.columns)}")
    m3.metric("Smallest class", f"{prof.minority_count:,} rows")
    m4.metric("Imbalance ratio", f"{prof.imbalance_ratio:.1f} : 1")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.plotly_chart(class_distribution_figure(prof), width="stretch", key="class_chart")
    with right:
        st.subheader("What this means", anchor=False)
        for item in prof.guidance:
            GUIDANCE_STYLE.get(item.level, st.info)(common.plain(item.text))


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
    st.caption(f"Duplicated rows: {prof.duplicated_rows:,}.")
    notes = list(prof.notices) + [w for w in prof.warnings if w not in {g.text for g in prof.guidance}]
    if notes:
        with st.expander(f"What was detected and changed while reading ({len(notes)})", expanded=False):
            for note in notes:
                st.text(f"• {note}")


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
    error = common.pop_error()
    if error:
        common.show_error(error)
    source_section()
    table = common.current_table()
    spec = common.current_spec()
    if table is None or spec is None:
        st.info("Choose a bundled data set or upload a CSV file.")
        return
    st.divider()
    st.subheader(f"Task — {common.plain(table.name)}", anchor=False)
    st.caption(read_summary(table))
    task_section(table, spec)
    spec = common.current_spec()
    prof = _profile(table.sha256, spec, table)
    columns_section(spec, prof)
    zero_missing_section(table, spec, prof)
    balance_section(prof)
    quality_section(table, prof)
    with st.expander("Preview (first 200 rows)"):
        st.dataframe(table.frame.head(200), width="stretch")


main()
