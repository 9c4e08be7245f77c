"""Predict page: score new patients with the model of this session or an uploaded .skops model.

An uploaded model is checked before it is loaded (skops, allow-listed types only; a pickle or altered file
is refused with a sentence). The patients' CSV goes through the same intake as training data; missing
columns or text in numeric columns are named, extra columns are reported and ignored. Bad input shows an
error and leaves everything loaded as it was.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from imbalance_core.cli import command_lines
from imbalance_core.errors import DataError
from imbalance_core.images.predict import predict_image_zip
from imbalance_core.share import model_file, predict
from imbalance_core.share import report_sentences as sentences
from pages import command_block, data_source, kept_inputs, plain_text, session_state, threshold_state

K_UPLOADED_MODEL = "predict_uploaded_model"  # (sha256, SavedModel) of the last good upload
K_SESSION_MODEL = "predict_session_model"  # (key, SavedModel) built from this session's training
K_PATIENTS = "predict_patients"  # (name, bytes) of the last patients' file, kept across page changes
K_SOURCE_CHOICE = "predict_source_choice"  # (scope, option) of the model radio, kept across page changes
K_MODEL_NAME = "predict_model_name"  # file name of the model in use, for the equivalent command
#: The session model's file name in the command: as the Report page's download, renamed.
MODEL_NAME = "model.skops"
SESSION = "Model trained in this session"
UPLOAD = "Upload a .skops model"
MAX_SHOWN_ROWS = 1000
#: Said once when an uploaded model file is no longer in the uploader (removed, or the page was left).
FORGOTTEN = (
    "The uploaded model file is no longer in the uploader, so it is no longer used: nothing is scored "
    "with it or at its threshold. Upload it again to use it."
)


def _session_model() -> model_file.SavedModel | None:
    result = st.session_state.get(session_state.K_TRAIN_RESULT)
    data = session_state.current_data()
    if result is None or data is None:
        return None
    chosen = threshold_state.current_threshold()  # the one threshold of the model (None: multi-class)
    threshold = None if chosen is None else chosen.value
    reason = "" if chosen is None else chosen.origin[:1].upper() + chosen.origin[1:] + "."
    key = (session_state.data_key(), result.settings, threshold, reason)
    cached = st.session_state.get(K_SESSION_MODEL)
    if cached is not None and cached[0] == key:
        return cached[1]
    saved = model_file.build_saved_model(
        result.pipeline, data, threshold, reason, result.settings, result=result
    )
    st.session_state[K_SESSION_MODEL] = (key, saved)
    return saved


def _uploaded_model() -> model_file.SavedModel | None:
    upload = st.file_uploader(
        "Model file (.skops)", type=["skops"], key="pred_model_file", help=data_source.upload_limit_help()
    )
    if upload is None:
        # removed from the uploader, or the page was left (the uploader then forgets its file): a model
        # no longer in view must not score patients at its old threshold (issue 23): forget it, say so
        if st.session_state.pop(K_UPLOADED_MODEL, None) is not None:
            st.info(FORGOTTEN, icon=":material/delete:")
        return None
    raw = upload.getvalue()
    st.session_state[K_MODEL_NAME] = upload.name
    sha = hashlib.sha256(raw).hexdigest()
    kept = st.session_state.get(K_UPLOADED_MODEL)
    if kept is not None and kept[0] == sha:
        return kept[1]
    try:
        saved = model_file.loads(raw)
    except DataError as exc:
        plain_text.show_error(exc)
        if kept:
            st.caption("The model loaded before is still in use.")
        return kept[1] if kept else None
    st.session_state[K_UPLOADED_MODEL] = (sha, saved)
    return saved


def _describe(saved: model_file.SavedModel) -> None:
    rows = model_file.describe(saved.metadata).rows
    with st.expander("About this model", expanded=False):
        st.dataframe(pd.DataFrame(list(rows), columns=["Item", "Value"]), hide_index=True)
        st.caption(plain_text.plain(sentences.model_sentence(saved.metadata)))
    for notice in saved.metadata.notices:
        st.warning(plain_text.plain(notice))


def _patients(saved: model_file.SavedModel) -> None:
    names = ", ".join(saved.metadata.feature_names)
    st.caption(f"The file needs these columns: {plain_text.plain(names)}")
    upload = st.file_uploader(
        "New patients (CSV; for an image model a zip of images, in class folders to judge it)",
        type=["csv", "txt", "tsv", "zip"],
        key="pred_patients",
        help=data_source.upload_limit_help(),
    )
    if upload is not None:
        st.session_state[K_PATIENTS] = (upload.name, upload.getvalue())
    kept = st.session_state.get(K_PATIENTS)
    if kept is None:
        return
    name, raw = kept
    if upload is None:  # the uploader forgets its file when the person visits another page; we do not
        left, right = st.columns([4, 1])
        left.caption(
            f"Patients: {plain_text.plain(name)} (uploaded before; upload another file to replace it)"
        )
        if right.button("Remove", key="pred_forget", icon=":material/delete:"):
            st.session_state.pop(K_PATIENTS, None)
            st.rerun()
    try:
        check = None
        if name.lower().endswith(".zip"):  # new patients' images: file, [class], score, decision (issue 29)
            from pages.image_view import prepare_cnn_for  # "Preparing the image network", first use

            prepare_cnn_for(saved)
            scored = predict_image_zip(saved, raw)
            result, check = scored.result, scored.check
        else:
            result = predict.predict_file(saved, raw, name=name)
    except DataError as exc:
        plain_text.show_error(exc)
        return
    st.success(plain_text.plain(result.summary()))
    for notice in result.notices:
        st.info(plain_text.plain(notice))
    if check is not None:  # a labelled zip: judged like a hold-out
        st.text(check.text())
    if name.lower().endswith(".zip"):  # images: file, [class], score, decision (already narrow)
        st.dataframe(result.frame.head(MAX_SHOWN_ROWS), hide_index=True)
        st.caption(plain_text.plain(sentences.predictions_sentence(
            result.scores, result.decisions, result.threshold, result.class_names
        )))  # fmt: skip
    else:  # a CSV: row, identifiers, score, decision on screen (no sideways scroll); the download has all
        screen = predict.screen_table(result, saved)
        headers = {c: st.column_config.Column(h) for c, h in screen.headers.items()}
        st.dataframe(screen.frame.head(MAX_SHOWN_ROWS), hide_index=True, column_config=headers)
        st.caption(plain_text.plain(screen.note))
    if len(result.frame) > MAX_SHOWN_ROWS:
        st.caption(
            f"Showing the first {MAX_SHOWN_ROWS:,} of {len(result.frame):,} rows; the download has all."
        )
    export_id = _export_id(raw, saved)
    command_block.show_command(
        command_lines.predict_command(st.session_state.get(K_MODEL_NAME, MODEL_NAME), name, "predictions.csv")
    )
    st.download_button(
        "Download predictions (CSV)",
        predict.csv_bytes(result.frame, export_id),
        file_name=f"predictions-{export_id}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="pred_download",
    )


def _export_id(raw: bytes, saved: Any) -> str:
    """One random id per (patients file, model) in this session, so reruns do not change the download."""
    ids: dict = st.session_state.setdefault("predict_export_ids", {})
    key = (hashlib.sha256(raw).hexdigest(), saved.metadata.export_id)
    if key not in ids:
        ids[key] = model_file.new_export_id()
    return ids[key]


def main() -> None:
    st.title("Predict new patients")
    has_session = st.session_state.get(session_state.K_TRAIN_RESULT) is not None
    options = [SESSION, UPLOAD] if has_session else [UPLOAD]
    keep = kept_inputs.persist("pred_source", K_SOURCE_CHOICE, options[0])
    if st.session_state["pred_source"] not in options:  # the kept choice no longer exists (no model now)
        st.session_state["pred_source"] = options[0]
    source = st.radio("Model", options, horizontal=True, **keep)
    st.session_state[K_MODEL_NAME] = MODEL_NAME
    try:
        saved = _session_model() if source == SESSION else _uploaded_model()
    except DataError as exc:
        plain_text.show_error(exc)
        return
    if saved is None:
        st.info("Upload a model downloaded from the Report page, or train one on the Train page.")
        return
    if saved.metadata.threshold is not None:
        st.text(
            f"Positive class '{saved.metadata.positive_class}' when the score is at or above "
            f"{saved.metadata.threshold:.4f} ({saved.metadata.threshold_reason.rstrip('.')})."
        )
    _describe(saved)
    _patients(saved)


main()
