"""Validate page: the model on the patients it will meet (issue 28).

A model (this session's, or an uploaded .skops file, checked before loading) and a new file. With its
outcome column: external validation beside the development figures in the model file, threshold
transport, updating in Steyerberg's order (cross-validated within the file; the updated model can be
downloaded and names its parent), case mix, the sample size for validation. Without it: the batch's
expected prevalence (EM) and its case mix. The membership model needs development rows: this session's
training rows when the model was trained here, otherwise an optional upload of the development file.
All numbers come from :mod:`imbalance_core.share.validate`; this page only draws them.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from imbalance_core.errors import DataError
from imbalance_core.evaluation import validate_sentences as say
from imbalance_core.evaluation.formatting import percent
from imbalance_core.evaluation.threshold_sentences import threshold_text
from imbalance_core.figures.calibration import calibration_curves_figure
from imbalance_core.intake.read import read_table
from imbalance_core.share import model_file
from imbalance_core.share import validate as core
from imbalance_core.share.validate_report import DIFFERENCE_HEADER, difference_text, estimate_text
from pages import data_source, plain_text, session_state, threshold_state

K_MODEL = "validate_model"  # (sha256 or session key, SavedModel)
K_NEW = "validate_new_file"  # (name, bytes) of the new patients' file
K_NEW_TABLE = "validate_new_table"  # (sha256, frame) of the new file as read
K_DEV = "validate_dev_file"  # (name, bytes) of the optional development file
K_RESULT = "validate_result"  # (key, result) of the last computation
K_PDF = "validate_pdf"  # (key, bytes, name) of the prepared external-validation report
K_UPDATED = "validate_updated"  # (key, method, bytes, name) of the prepared updated model file
SESSION = "Model trained in this session"
UPLOAD = "Upload a .skops model"
NO_OUTCOME = "(no outcome column: an unlabelled batch)"
PERCENT = {"sensitivity", "specificity", "ppv", "npv"}


def _session_model() -> tuple[model_file.SavedModel, pd.DataFrame] | None:
    """This session's model as a model file (with its development record) and its training rows."""
    result = st.session_state.get(session_state.K_TRAIN_RESULT)
    data = session_state.current_data()
    if result is None or data is None or not result.is_binary:
        return None
    chosen = threshold_state.current_threshold()
    if chosen is None:
        return None
    reason = chosen.origin[:1].upper() + chosen.origin[1:] + "."
    key = ("session", session_state.data_key(), result.settings, chosen.value)
    kept = st.session_state.get(K_MODEL)
    if kept is None or kept[0] != key:
        saved = model_file.build_saved_model(
            result.pipeline, data, chosen.value, reason, result.settings, result=result
        )
        kept = (key, saved)
        st.session_state[K_MODEL] = kept
    return kept[1], data.X.iloc[np.asarray(result.train_index)]


def _uploaded_model() -> model_file.SavedModel | None:
    upload = st.file_uploader("Model file (.skops)", type=["skops"], key="val_model_file",
                              help=data_source.upload_limit_help())  # fmt: skip
    kept = st.session_state.get(K_MODEL)
    if upload is None:
        return kept[1] if kept is not None and kept[0][0] == "upload" else None
    raw = upload.getvalue()
    key = ("upload", hashlib.sha256(raw).hexdigest())
    if kept is not None and kept[0] == key:
        return kept[1]
    try:
        saved = model_file.loads(raw)
    except DataError as exc:
        plain_text.show_error(exc)
        return None
    st.session_state[K_MODEL] = (key, saved)
    return saved


def _file(label: str, key: str, store: str, help_text: str, images: bool = False) -> tuple[str, bytes] | None:
    """A CSV upload (or, for an image model, a zip of images) kept across page visits as (name, bytes)."""
    types = ["csv", "txt", "tsv", "zip"] if images else ["csv", "txt", "tsv"]
    upload = st.file_uploader(label, type=types, key=key, help=help_text)
    if upload is not None:
        st.session_state[store] = (upload.name, upload.getvalue())
    return st.session_state.get(store)


def _figures_table(v: core.LabelledValidation) -> pd.DataFrame:
    rows = []
    for r in v.rows:
        pct = r.key in PERCENT
        rows.append({"Figure": r.name, "Development": estimate_text(r.development, pct),
                     "This file": estimate_text(r.external, pct),
                     DIFFERENCE_HEADER: difference_text(r.difference, pct)})  # fmt: skip
    return pd.DataFrame(rows)


def _show_drift(d: core.DriftReport) -> None:
    st.subheader("Case mix: who are the new patients?")
    if d.case_mix is None:
        st.info(plain_text.plain(d.case_mix_note))
    else:
        st.write(plain_text.plain(d.case_mix.summary()))
        rows = [{"Feature": f.feature, "Verdict": f.verdict,
                 "SMD": "—" if not np.isfinite(f.smd) else f"{f.smd:+.2f}",
                 "Outside the development range": percent(f.outside_range) if f.kind == "numeric" else "—",
                 "Largest change in a category's share": "—" if not np.isfinite(f.largest_shift)
                 else percent(f.largest_shift),
                 "Unseen categories": percent(f.unseen) if f.kind == "categorical" else "—",
                 } for f in d.case_mix.features]  # fmt: skip
        # Every feature in view (no inner scroll) and no long text column (no sideways scroll at 1,400 px):
        # the details follow as lines.
        st.dataframe(pd.DataFrame(rows), hide_index=True, height="content", key="val_case_mix")
        details = [f"{f.feature}: {f.detail}" for f in d.case_mix.features if f.detail]
        if details:
            st.caption(plain_text.plain("Details: " + "; ".join(details) + "."))
        # The membership model's AUC is said once, under its own heading below.
        st.caption(plain_text.plain(say.case_mix_sentence([f.verdict for f in d.case_mix.features])))
        st.caption(
            "Verdicts: |SMD| below 0.1 similar, to 0.25 different, above very different; shares (outside "
            "the range, category changes, unseen categories) below 5 % similar, to 15 % different. "
            "Conventions, not tests."
        )
    st.markdown("**Membership model** (can a model tell the two files apart?)")
    if d.membership is None:
        st.info(plain_text.plain(d.membership_note))
    else:
        st.write(plain_text.plain(d.membership.summary()))


def _show_prevalence(p: Any, note: str, caveat: str, threshold: float, observed: float | None = None) -> None:
    if p is None:
        st.info(plain_text.plain(note or "The prevalence could not be estimated."))
        return
    if p.warning:
        st.warning(plain_text.plain(p.warning), icon=":material/warning:")
    if caveat:
        st.warning(plain_text.plain(caveat), icon=":material/warning:")
    cols = st.columns(3)
    cols[0].metric("Expected prevalence (EM)", percent(p.em.value),
                   help="Saerens, Latinne & Decaestecker 2002, on the model's risks")  # fmt: skip
    cols[0].caption(f"95 % CI {percent(p.em.low)} to {percent(p.em.high)} ({p.em.method})")
    cols[1].metric("Adjusted classify-and-count",
                   "—" if not np.isfinite(p.adjusted_count) else percent(p.adjusted_count))  # fmt: skip
    cols[2].metric("Developed at", percent(p.train_prevalence))
    if observed is not None:
        st.caption(f"Observed in this file: {percent(observed)} (the estimate did not use the outcomes).")
    if p.ppv is not None and not p.at_edge:
        st.write(f"At that prevalence and the saved threshold {threshold_text(threshold)}: PPV "
                 f"{estimate_text(p.ppv, True)}, NPV {estimate_text(p.npv, True)}.")  # fmt: skip


def _show_updating(v: core.LabelledValidation, saved: model_file.SavedModel, key: Any) -> None:
    st.subheader("Updating (Steyerberg's order)")
    if v.updating is None:
        st.info(plain_text.plain(v.updating_note))
        return
    st.caption(
        f"Each update is judged by {v.updating.folds}-fold cross-validation within this file: every "
        "patient's updated risk comes from a map fitted on the other folds (test-fold figures)."
    )
    rows = []
    for r in v.updating.results:
        e = r.figures.estimates()
        named = (("AUC", "auc"), ("Intercept", "intercept"), ("Slope", "slope"), ("E:O", "e_to_o"))
        cells = {name: estimate_text(e[key], False) for name, key in named}
        rows.append({"Update": r.name, **cells})  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="val_updating")
    # The maps are long formulas: as lines under the table, not a column that scrolls it sideways.
    maps = "; ".join(f"{r.name}: {r.calibrator.describe()}" for r in v.updating.results)
    st.caption(plain_text.plain(f"Maps fitted on all rows: {maps}."))
    st.caption(plain_text.plain(_updating_sentence(v)))
    st.write(plain_text.plain(f"Recommended: {core.UPDATES[v.updating.recommended]} — {v.updating.reason}."))
    methods = {"intercept": core.UPDATES["intercept"], "logistic": core.UPDATES["logistic"]}
    default = v.updating.recommended if v.updating.recommended in methods else "intercept"
    method = st.radio(
        "Update to save",
        list(methods),
        format_func=methods.get,
        index=list(methods).index(default),
        horizontal=True,
        key="val_update_method",
    )
    if st.button("Prepare the updated model file", key="val_prepare_update", icon=":material/build:"):
        try:
            updated = core.updated_model(saved, v, method)
        except DataError as exc:
            plain_text.show_error(exc)
            return
        name = f"model-updated-{updated.metadata.export_id}.skops"
        st.session_state[K_UPDATED] = (key, method, model_file.dumps(updated), name)
    prepared = st.session_state.get(K_UPDATED)
    if prepared is not None and prepared[0] == key and prepared[1] == method:
        st.download_button("Download the updated model (.skops)", prepared[2], file_name=prepared[3],
                           mime="application/octet-stream", icon=":material/download:", on_click="ignore",
                           key="val_download_update")  # fmt: skip
        st.caption(f"Its parent is model {saved.metadata.export_id}; the file records that.")


def _updating_sentence(v: core.LabelledValidation) -> str:
    """The updating table's sentence: what the recommended update changes (cross-validated figures)."""
    cal = v.figures.calibration
    if v.updating is None or v.updating.recommended == "none":
        return say.updating_sentence("", cal.slope.value, None, cal.e_to_o.value, None)
    best = v.updating.get(v.updating.recommended).figures.calibration
    return say.updating_sentence(
        core.UPDATES[v.updating.recommended],
        cal.slope.value,
        best.slope.value,
        cal.e_to_o.value,
        best.e_to_o.value,
    )


def _show_labelled(v: core.LabelledValidation, saved: model_file.SavedModel, key: Any) -> None:
    f = v.figures
    st.success(plain_text.plain(
        f"{f.n:,} patients, {f.events:,} with the outcome ({percent(f.prevalence)}); threshold "
        f"{threshold_text(f.threshold)}."
    ))  # fmt: skip
    st.subheader("Development vs this file")
    st.caption(plain_text.plain(
        f"Development figures: {v.development_source}. Sensitivity, specificity, PPV and NPV at the saved "
        f"threshold {f.threshold:.4f}."
    ))  # fmt: skip
    st.dataframe(_figures_table(v), hide_index=True)
    st.caption(plain_text.plain(say.figures_sentence(v.rows)))
    t = f.table
    st.markdown(f"**2x2 at the saved threshold {f.threshold:.4f}**")
    st.dataframe(pd.DataFrame({"": ["Called positive", "Called negative"],
                               "Has the outcome": [t.tp, t.fn], "Does not": [t.fp, t.tn]}),
                 hide_index=True)  # fmt: skip
    st.caption(plain_text.plain(say.table_sentence(t)))
    curves = [("raw", "This file, as saved", f.calibration)]
    if v.updating is not None and v.updating.recommended != "none":
        best = v.updating.get(v.updating.recommended)
        curves.append(("recalibrated", f"{best.name} (cross-validated)", best.figures.calibration))
    st.plotly_chart(calibration_curves_figure(curves, f.threshold), key="val_calibration")
    cal = f.calibration
    st.caption(plain_text.plain(say.calibration_sentence(cal.intercept, cal.slope, cal.e_to_o)))
    st.subheader("Threshold transport")
    st.write(plain_text.plain(v.transport.summary()))
    _show_updating(v, saved, key)
    _show_drift(v.drift)
    st.subheader("Sample size for validation")
    if v.size is not None:
        st.write(plain_text.plain(v.size.summary()))
        st.dataframe(pd.DataFrame([{"Figure": c.name, "Target 95 % CI width": c.width,
                                    "Patients needed": c.n_needed, "Events needed": c.events_needed,
                                    "Width this file gives": round(c.achieved_width, 3),
                                    "Met": "yes" if c.met else "no"} for c in v.size.criteria]),
                     hide_index=True)  # fmt: skip
        st.caption(plain_text.plain(f"Assumptions: {v.size.assumption}."))  # the source is named in it
    st.subheader("Prevalence from the risks alone")
    _show_prevalence(v.prevalence, "", v.prevalence_caveat, f.threshold, observed=f.prevalence)
    _report_download(v, saved, key)


def _report_download(v: core.LabelledValidation, saved: model_file.SavedModel, key: Any) -> None:
    """The external-validation PDF, built only when the person asks for it (DESIGN: /media pitfall)."""
    from imbalance_core.share.validate_report import render_validation_pdf

    st.subheader("Report")
    if st.button("Prepare the validation report (PDF)", key="val_prepare_pdf", icon=":material/description:"):
        export_id = model_file.new_export_id()
        with st.spinner("Writing the PDF…"):
            pdf = render_validation_pdf(v, saved, export_id)
        st.session_state[K_PDF] = (key, pdf, f"external-validation-{export_id}.pdf")
    prepared = st.session_state.get(K_PDF)
    if prepared is not None and prepared[0] == key:
        st.download_button("Download the validation report (PDF)", prepared[1], file_name=prepared[2],
                           mime="application/pdf", icon=":material/download:", on_click="ignore",
                           key="val_download_pdf")  # fmt: skip


def _columns_of(new_file: tuple[str, bytes]) -> pd.DataFrame:
    """The new file as read (kept for this session by content, so a rerun does not read it again)."""
    sha = hashlib.sha256(new_file[1]).hexdigest()
    kept = st.session_state.get(K_NEW_TABLE)
    if kept is None or kept[0] != sha:
        kept = (sha, read_table(new_file[1], name=new_file[0]).frame)
        st.session_state[K_NEW_TABLE] = kept
    return kept[1]


def _outcome_choice(saved: model_file.SavedModel, frame: pd.DataFrame) -> tuple[str | None, tuple[str, ...]]:
    columns = [str(c) for c in frame.columns]
    options = [NO_OUTCOME, *columns]
    default = saved.metadata.label if saved.metadata.label in columns else NO_OUTCOME
    label = st.selectbox("Outcome column", options, index=options.index(default), key="val_label")
    if label == NO_OUTCOME:
        return None, ()
    values = sorted({str(v) for v in frame[label].dropna().unique()})[:200]
    wanted = [v for v in (saved.metadata.positive_values or (saved.metadata.positive_class,)) if v in values]
    positive = st.multiselect("Positive values", values, default=wanted, key="val_positive")
    return label, tuple(positive)


def _compute(
    saved: model_file.SavedModel,
    new_file: tuple[str, bytes],
    label: str | None,
    positive: tuple[str, ...],
    dev_X: pd.DataFrame | None,
    dev_tag: str,
) -> tuple[Any, Any]:
    key = (saved.metadata.export_id, hashlib.sha256(new_file[1]).hexdigest(), label, positive, dev_tag)
    kept = st.session_state.get(K_RESULT)
    if kept is not None and kept[0] == key:
        return key, kept[1]
    with st.spinner("Scoring, validating, updating…"):
        if _is_image_zip(saved, new_file):
            from imbalance_core.images.validation import read_new_images
            from pages.image_view import prepare_cnn_for

            prepare_cnn_for(saved)  # "Preparing the image network" on its first use
            new = read_new_images(saved, new_file[1], name=new_file[0])
        else:
            new = core.read_new_patients(saved, new_file[1], name=new_file[0], label=label, positive=positive)
        result = (
            core.validate_labelled(saved, new, dev_X)
            if new.y is not None
            else core.describe_batch(saved, new, dev_X)
        )
    st.session_state[K_RESULT] = (key, result)
    return key, result


def _image_model(saved: model_file.SavedModel) -> bool:
    """True for a model trained on image features (its new patients may come as a zip of images)."""
    from imbalance_core.images.validation import is_image_model  # lazy: the image room for images only

    return is_image_model(saved)


def _is_image_zip(saved: model_file.SavedModel, upload: tuple[str, bytes]) -> bool:
    """True when ``upload`` is a zip and the model an image model (the zip is then read as images)."""
    from imbalance_core.images.validation import is_zip

    return is_zip(upload[1], upload[0]) and _image_model(saved)


def _read_development(saved: model_file.SavedModel, dev_file: tuple[str, bytes]) -> pd.DataFrame:
    if _is_image_zip(saved, dev_file):
        from imbalance_core.images.validation import read_development_images

        return read_development_images(saved, dev_file[1])
    return core.read_development(saved, dev_file[1], name=dev_file[0])


def main() -> None:
    st.title("Validate on new patients")
    st.caption(
        "Will the model work on the patients it will meet? Give it a file from the new site: with the "
        "outcome, it is validated and can be updated; without, the batch's prevalence is estimated."
    )
    session = _session_model()
    options = [SESSION, UPLOAD] if session is not None else [UPLOAD]
    source = st.radio("Model", options, horizontal=True, key="val_source")
    dev_X, dev_tag = None, ""
    if source == SESSION and session is not None:
        saved, dev_X = session
        dev_tag = "session"
    else:
        saved = _uploaded_model()
    if saved is None:
        st.info(
            "Upload a model downloaded from the Report page, or train a two-class model on the Train page."
        )
        return
    if not saved.is_binary or saved.metadata.threshold is None:
        st.info("Validation needs a two-class model (a positive class and a threshold).")
        return
    images = _image_model(saved)
    what = "CSV, or a zip of images in class folders" if images else "CSV"
    new_file = _file(f"New patients ({what})", "val_new", K_NEW, data_source.upload_limit_help(), images)
    if dev_X is None:
        with st.expander("Development file (optional: for the membership model)"):
            dev_file = _file(
                f"Development file ({what})", "val_dev", K_DEV, data_source.upload_limit_help(), images
            )
            if dev_file is not None:
                try:
                    dev_X = _read_development(saved, dev_file)
                    dev_tag = hashlib.sha256(dev_file[1]).hexdigest()
                except DataError as exc:
                    plain_text.show_error(exc)
    else:
        st.caption("The membership model uses this session's training rows as the development patients.")
    if new_file is None:
        return
    if _is_image_zip(saved, new_file):
        label, positive = None, ()
        st.caption(
            plain_text.plain(
                "A zip of images: each image's outcome is its class folder, and the positive class is the "
                f"model's ({saved.metadata.positive_class}); features come from the model's own extractor. "
                "Without class folders the zip is an unlabelled batch."
            )
        )
    else:
        try:
            frame = _columns_of(new_file)
        except DataError as exc:
            plain_text.show_error(exc)
            return
        label, positive = _outcome_choice(saved, frame)
    try:
        key, result = _compute(saved, new_file, label, positive, dev_X, dev_tag)
    except DataError as exc:
        plain_text.show_error(exc)
        return
    for notice in result.notices:
        st.info(plain_text.plain(notice))
    if isinstance(result, core.LabelledValidation):
        _show_labelled(result, saved, key)
    else:
        st.success(plain_text.plain(f"{result.n:,} patients without outcomes."))
        st.subheader("Expected prevalence of this batch")
        _show_prevalence(
            result.prevalence, result.prevalence_note, result.prevalence_caveat, saved.metadata.threshold
        )
        _show_drift(result.drift)
    _command(saved, new_file[0], label, positive, dev_tag)


def _command(saved: model_file.SavedModel, file_name: str, label: str | None, positive: tuple[str, ...],
             dev_tag: str) -> None:  # fmt: skip
    from imbalance_core.cli import command_lines

    dev = st.session_state.get(K_DEV)
    development = dev[0] if dev is not None and dev_tag not in ("", "session") else None
    line = command_lines.validate_command("model.skops", file_name, label, positive, development)
    st.markdown("**Equivalent command** (with this model saved as model.skops)")
    st.code(line, language="bash", wrap_lines=True)


main()
