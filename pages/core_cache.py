"""The ``st.cache_resource`` wrappers around the core: reading, preparing a task, the resampled view.

Keyed on content (SHA-256 of the bytes, the task spec, the settings), never on Streamlit hashing a big
frame (it samples frames of 50,000 rows and more). What they return is shared by every session and is
never mutated; a session's own names (a file name may hold a patient's name) are put on by the
non-cached wrapper for that session only.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import streamlit as st

from imbalance_core.intake import bundled, task
from imbalance_core.intake.read import LoadedTable, read_table
from imbalance_core.intake.task import PreparedData, TaskSpec
from pages.session_state import data_key

if TYPE_CHECKING:
    from imbalance_core.learn.training import ResampleView, TrainSettings


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
