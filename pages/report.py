"""Report page: the settings summary, the key numbers, and the downloads (PDF, HTML, model, hold-out CSV).

Everything shown here comes from :func:`imbalance_core.share.report.build_report_content`, the same object the
PDF and HTML are rendered from, so the page and the files cannot disagree. Building the files is an
explicit button press (a PDF takes a second or two); the bytes then sit in this session's state, each
with its own random export id in the file name and content.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from imbalance_core.cli import command_lines
from imbalance_core.errors import DataError
from imbalance_core.evaluation import thresholds
from imbalance_core.evaluation.formatting import percent
from imbalance_core.intake.identifiers import join_key
from imbalance_core.share import model_file, predict, report, report_html, report_likelihood
from imbalance_core.share import report_sentences as sentences
from pages import (
    calibration_view,
    command_block,
    core_cache,
    decision_view,
    image_view,
    kept_inputs,
    plain_text,
    session_state,
    threshold_state,
    validation_view,
)

TRAIN_PAGE = "pages/train.py"
K_EXPORTS = "report_exports"  # {"key": inputs key, "pdf": bytes, ...} of the last prepared downloads
K_CONTENT = "report_content"  # (inputs key, ReportContent) shown on the page
K_PCA = "report_pca_cache"  # {(data_key, settings): PcaView | None}
MANUAL = "manual"


K_REP_PREVALENCE = "report_prevalence_pct"  # (scope, %) the Report's deployment prevalence, per data
CURRENT = "current"


# --- pure helpers -----------------------------------------------------------------------------------------
def _committed_rule() -> tuple[float, float] | None:
    """The Threshold page's rule-out / rule-in pair when that mode is on (the report then states it)."""
    rule = threshold_state.current_rule() if threshold_state.rule_mode() else None
    return None if rule is None else (float(rule["low"]), float(rule["high"]))


def threshold_choices() -> list[str]:
    """Options of the threshold selector: keep the model's current threshold, a suggestion, or type one."""
    return [CURRENT, *thresholds.PICKERS, MANUAL]


def choice_label(key: str, current: thresholds.ChosenThreshold | None) -> str:
    """Readable label of a threshold option."""
    if key == CURRENT:
        if current is None:
            return "The model's current threshold"
        return f"Current: {report.fmt_threshold(current.value)} ({current.origin})"
    if key == MANUAL:
        return "Type a threshold"
    return f"Suggestion: {thresholds.PICKERS[key].name}"


def matching_pick(result: Any, value: float, prevalence: float | None) -> thresholds.ThresholdPick | None:
    """The suggestion (picker at its default value) that gives exactly ``value``, if any."""
    for key in thresholds.PICKERS:
        try:
            pick = thresholds.run_pick(
                thresholds.parse_pick(key), result.y_train, result.oof_scores, prevalence
            )
        except DataError:
            continue
        if abs(pick.threshold - value) < 1e-12:
            return pick
    return None


def report_reason(result: Any, chosen: thresholds.ChosenThreshold, prevalence: float | None) -> str:
    """How the threshold was chosen, for the report: its origin, with the picker's sentence when it is one."""
    pick = matching_pick(result, chosen.value, prevalence)
    if pick is not None:
        return f"{chosen.origin[:1].upper()}{chosen.origin[1:]} — {pick.label}: {pick.reason}"
    return f"{chosen.origin[:1].upper()}{chosen.origin[1:]}."


def pretest_input(prevalence: float | None) -> float | None:
    """The pre-test probability for the report's post-test figures: the one typed in the Threshold
    explorer when there is one (said so), else blank = the deployment prevalence."""
    shown = "the deployment prevalence" if prevalence is None else percent(prevalence, 2)
    typed = st.session_state.get(session_state.K_PRETEST)
    pct = st.number_input(
        "Pre-test probability (%) for the post-test figures", min_value=0.01, max_value=99.99, step=1.0,
        format="%.2f", value=None if typed is None else round(100 * float(typed), 2),
        placeholder=f"blank = {shown}", key="rep_pretest",
        help="A clinician's probability of disease before the test, for 'a positive result raises it to …'. "
        "Blank: the deployment prevalence.",
    )  # fmt: skip
    if typed is not None and pct is not None and abs(pct - 100 * float(typed)) < 0.005:
        st.caption(f"{percent(float(typed), 2)} is the pre-test probability typed on the Threshold page.")
    return None if pct is None else float(pct) / 100.0


def holdout_frame(data: Any, result: Any, threshold: float | None) -> pd.DataFrame:
    """Hold-out rows: true class, score(s) and decision (binary: at ``threshold``) first, then features."""
    frame = data.X.iloc[result.test_index].reset_index(drop=True).copy()
    names = np.asarray(result.class_names, dtype=object)
    scores = np.asarray(result.test_scores, dtype=float)
    codes = (scores >= threshold).astype(int) if scores.ndim == 1 else np.argmax(scores, axis=1)
    out = predict.results_first(frame, scores, names[codes], tuple(result.class_names))
    out.insert(0, "true_class", names[np.asarray(result.y_test, dtype=int)])
    table = session_state.current_table()  # the file's ID column, else the 1-based input row (issue 24)
    key, values = join_key(table.frame if table is not None else None, data, result.test_index)
    out = out.drop(columns=[key], errors="ignore")
    out.insert(0, key, values)
    return out


def _link(page: str, label: str, icon: str) -> None:
    """A link to another page; nothing when the page is run on its own (tests, no navigation)."""
    with contextlib.suppress(StreamlitAPIException):
        st.page_link(page, label=label, icon=icon)


# --- state ------------------------------------------------------------------------------------------------
def _pca(data: Any, result: Any) -> report.PcaView | None:
    """The report's PCA picture for ``result``'s settings, once per (data, settings) in this session."""
    settings = result.settings
    cache = st.session_state.setdefault(K_PCA, {})
    key = (session_state.data_key(), settings)
    if key not in cache:
        seconds = float(result.timings.get("final_fit", 0.0))
        expect = (
            f" (the final fit, which resampled the same rows, took {seconds:.0f} s)" if seconds >= 2 else ""
        )
        try:
            cache.clear()
            with st.spinner(f"Resampling the training part for the PCA picture{expect}…", show_time=True):
                view = core_cache.resample_view(data, settings)
            cache[key] = report.pca_view(data, settings, seed=settings.seed, view=view)
        except DataError:
            cache[key] = None
    return cache[key]


def _apply_choice(result: Any) -> None:
    """Selector callback: a suggestion becomes the model's current threshold (for every page), then the
    selector returns to "Current" so a later change on the Threshold page is not overridden."""
    choice = st.session_state.get("rep_choice")
    if choice in thresholds.PICKERS:
        prevalence = float(st.session_state.get("rep_prevalence", 0.0)) / 100.0 or None
        request = thresholds.parse_pick(choice)
        pick = thresholds.run_pick(request, result.y_train, result.oof_scores, prevalence)
        threshold_state.set_threshold(pick.threshold, f"suggestion on the Report page: {pick.label}")
        st.session_state["rep_choice"] = CURRENT


def _apply_manual() -> None:
    """Typed-threshold callback: the typed value becomes the model's current threshold."""
    threshold_state.set_threshold(float(st.session_state["rep_manual"]), "typed on the Report page")


def _threshold_inputs(result: Any) -> tuple[float, str, float]:
    """The current threshold (the one Predict and the model file use) and the deployment prevalence.

    Choosing a suggestion or typing a value here changes the model's one current threshold, so the PDF,
    the model download and the Predict page keep agreeing. The prevalence and the typed value persist
    across page changes for the same data (``kept_inputs.persist``).
    """
    hold_prev = float(np.mean(result.y_test))
    default_pct = round(100 * float(st.session_state.get(session_state.K_PREVALENCE, hold_prev)), 2)
    c1, c2 = st.columns([3, 1])
    prevalence_pct = c2.number_input(
        "Deployment prevalence (%)", min_value=0.01, max_value=99.99, step=0.5, format="%.2f",
        **kept_inputs.persist(
            "rep_prevalence", K_REP_PREVALENCE, default_pct, scope=session_state.data_key()
        ),
    )  # fmt: skip
    prevalence = prevalence_pct / 100.0
    current = threshold_state.current_threshold()
    if st.session_state.get("rep_choice") not in threshold_choices():
        st.session_state["rep_choice"] = CURRENT
    choice = c1.selectbox(
        "Decision threshold", threshold_choices(), format_func=lambda k: choice_label(k, current),
        key="rep_choice", on_change=_apply_choice, args=(result,),
    )  # fmt: skip
    if choice == MANUAL:
        st.number_input(
            "Threshold (a patient is positive when the score is at or above it)",
            min_value=0.0, max_value=1.0, step=0.01, format="%.4f", on_change=_apply_manual,
            key="rep_manual",
            value=float(current.value) if current is not None else 0.5,
        )  # fmt: skip
    current = threshold_state.current_threshold()
    if current is None:
        raise DataError("No threshold could be set for this model.")
    return current.value, report_reason(result, current, prevalence), prevalence


def table_frame(block: report.TableBlock) -> pd.DataFrame:
    """A report table as ``st.table`` shows it: the same strings, markdown-escaped, first column as index.

    ``st.table`` renders every cell, header and index value as markdown, and the cells hold class and
    column names from the data, so each string goes through :func:`plain_text.plain`.
    """
    header = [plain_text.plain(h) for h in block.header]
    rows = [[plain_text.plain(cell) for cell in row] for row in block.rows]
    return pd.DataFrame(rows, columns=header).set_index(header[0])


def _show_block(block: report.TableBlock) -> None:
    """A report table exactly as the PDF has it (the same strings), wrapped, without an index column."""
    st.markdown(f"**{plain_text.plain(block.title)}**")
    st.table(table_frame(block))
    if block.note:
        st.caption(plain_text.plain(block.note))


def _sentence(text: str) -> None:
    """The plain sentence under a table (share/report_sentences.py), escaped: it may quote class names."""
    st.caption(plain_text.plain(text))


def _binary_tables(
    content: report.ReportContent, result: Any, threshold: float, prevalence: float, pretest: float | None
) -> None:
    """The 2x2, per-1,000, accuracy and likelihood-ratio tables, each with its sentence."""
    row = report.holdout_row(result, threshold, prevalence)
    left, right = st.columns([3, 2])
    with left:
        _show_block(content.table("Hold-out 2x2 table"))
        _sentence(sentences.two_by_two_sentence(
            int(row["tp"]), int(row["fp"]), int(row["fn"]), int(row["tn"]), threshold, result.class_names[1]
        ))  # fmt: skip
    with right:
        _show_block(content.table("Of 1,000 patients at the deployment prevalence"))
        _sentence(sentences.per_thousand_sentence(
            row["per1000_flagged"], row["per1000_true_pos"], row["per1000_missed"], row["prevalence_deploy"]
        ))  # fmt: skip
    _show_block(content.table("Diagnostic accuracy on the hold-out set"))
    _sentence(sentences.accuracy_sentence(row))
    part = report_likelihood.likelihood_part(row, pretest, prevalence)
    left, right = st.columns(2)
    with left:
        _show_block(content.table(report_likelihood.LR_TITLE))
        _sentence(part.paragraphs[0])
    with right:
        _show_block(content.table(report_likelihood.FAGAN_TITLE))
        _sentence(part.paragraphs[1])


def _multiclass_tables(content: report.ReportContent, result: Any) -> None:
    """Confusion matrix, per-class accuracy and the overall table, with a sentence under the first two."""
    names = tuple(result.class_names)
    y = np.asarray(result.y_test, dtype=int)
    pred = np.argmax(np.asarray(result.test_scores, dtype=float), axis=1)
    cm = np.zeros((len(names), len(names)), dtype=np.int64)
    np.add.at(cm, (y, pred), 1)
    _show_block(content.table("Hold-out confusion matrix"))
    _sentence(sentences.confusion_sentence(cm, names))
    totals = cm.sum(axis=1)
    found = {n: (cm[i, i] / totals[i] if totals[i] else None) for i, n in enumerate(names)}
    _show_block(content.table("Per-class accuracy on the hold-out set"))
    _sentence(sentences.per_class_sentence(found))
    _show_block(content.table("Overall"))


def _content(inputs: report.ReportInputs, key: str) -> report.ReportContent:
    """The report content for these inputs, built once per distinct key in this session."""
    cached = st.session_state.get(K_CONTENT)
    if cached is not None and cached[0] == key:
        return cached[1]
    with st.spinner("Building the report…", show_time=True):
        content = report.build_report_content(inputs)
    st.session_state[K_CONTENT] = (key, content)
    return content


def _prepare_exports(inputs: report.ReportInputs, key: str) -> None:
    """Render every download once, with a fresh export id (file names and contents) per press."""
    data, result = inputs.data, inputs.result
    with st.spinner("Building the PDF, HTML and model files…"):
        content = report.build_report_content(
            dataclasses.replace(inputs, export_id=model_file.new_export_id())
        )
        saved = model_file.build_saved_model(
            result.pipeline,
            data,
            inputs.threshold,
            inputs.threshold_reason,
            result.settings,
            export_id=content.export_id,
            result=result,
        )
        st.session_state[K_EXPORTS] = {
            "key": key,
            "id": content.export_id,
            "pdf": report.render_pdf(content),
            "html": report_html.render_html(content).encode("utf-8"),
            "model": model_file.dumps(saved),
            "csv": predict.csv_bytes(holdout_frame(data, result, inputs.threshold), content.export_id),
            "notices": saved.metadata.notices,
            "medians_note": model_file.medians_note(saved.metadata),
            "model_confirm": model_file.confirmation_text(saved.metadata),
        }


def _on_click(data: bytes) -> Callable[[], bytes]:
    """The file for a download button, made into a media file only when the person clicks.

    Bytes given to ``st.download_button`` directly become a ``/media/...`` file as soon as the button
    is drawn (even disabled), and ``/media/`` is served to anyone who has the URL (issue 31).
    """
    return lambda: data


def _downloads(exports: dict) -> None:
    eid = exports["id"]
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button(
        "Download PDF report",
        _on_click(exports["pdf"]),
        file_name=f"imbalance-report-{eid}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        key="dl_pdf",
    )
    c2.download_button(
        "Download HTML report",
        _on_click(exports["html"]),
        file_name=f"imbalance-report-{eid}.html",
        mime="text/html",
        icon=":material/html:",
        on_click="ignore",
        key="dl_html",
    )
    confirm = exports.get("model_confirm")  # the model keeps training rows or values: ask first
    # a disabled button with a callable registers no file: before the tick, no URL exists at all
    c3.download_button(
        "Download model (.skops)",
        _on_click(exports["model"]),
        file_name=f"imbalance-model-{eid}.skops",
        mime="application/octet-stream",
        icon=":material/deployed_code:",
        on_click="ignore",
        key="dl_model",
        disabled=bool(confirm) and not st.session_state.get(f"dl_model_confirm_{eid}", False),
    )
    if confirm:
        c3.checkbox(confirm, key=f"dl_model_confirm_{eid}")
    c4.download_button(
        "Download hold-out predictions (CSV)",
        _on_click(exports["csv"]),
        file_name=f"holdout-predictions-{eid}.csv",
        mime="text/csv",
        icon=":material/table:",
        on_click="ignore",
        key="dl_csv",
    )
    for notice in exports.get("notices", ()):
        st.warning(plain_text.plain(notice))
    st.caption(
        f"Export id {eid}. The model file holds the fitted pipeline without its resampling step, the "
        "threshold and metadata; load it on the Predict page or with `python -m imbalance_core predict`. "
        + exports.get("medians_note", "")
    )


def main() -> None:
    st.title("Report")
    result = st.session_state.get(session_state.K_TRAIN_RESULT)
    data = session_state.current_data()
    if result is None or data is None:
        st.info("Train a model first: the report describes the trained model and its chosen threshold.")
        _link(TRAIN_PAGE, "Go to Train", ":material/model_training:")
        return
    if result.is_binary:
        try:
            threshold, reason, prevalence = _threshold_inputs(result)
        except DataError as exc:
            plain_text.show_error(exc)
            return
    else:
        threshold, reason, prevalence = None, "Multi-class: each patient gets the most probable class.", None
    pretest = pretest_input(prevalence) if result.is_binary else None
    picked = matching_pick(result, threshold, prevalence) if threshold is not None else None
    c1, c2 = st.columns(2)
    with_pca = c1.checkbox("Include before/after resampling PCA", value=True, key="rep_pca")
    compare = st.session_state.get(session_state.K_COMPARE_RESULT)
    with_compare = c2.checkbox(
        "Include the Compare leaderboard",
        value=compare is not None,
        disabled=compare is None,
        key="rep_compare",
    )
    settings = result.settings
    inputs = report.ReportInputs(
        data=data,
        result=result,
        threshold=threshold,
        threshold_reason=reason,
        prevalence=prevalence,
        table=session_state.current_table(),
        compare=compare if with_compare else None,
        projection=_pca(data, result) if with_pca else None,
        resampling_effect=calibration_view.cached_effect(result),  # "did resampling help?", if computed
        decision=decision_view.report_request(result),  # subgroups and importance chosen on Threshold
        rule=_committed_rule(),
        validation=validation_view.latest(settings),  # internal validation run on the Train page, if any
        audit=image_view.current_audit(),  # image data: the shortcut and leakage audit's findings
        pretest=pretest,  # post-test probabilities (share/report_likelihood.py)
        pick=None if picked is None else picked.key,  # the suggestion's uncertainty band, named
    )
    key = (
        repr(
            (
                session_state.data_key(),
                settings,
                threshold,
                reason,
                prevalence,
                with_pca,
                with_compare,
                id(compare),
            )
        )
        + str(inputs.resampling_effect is not None)
        + repr(inputs.rule)
        + str(id(inputs.validation))
        + repr((pretest, inputs.pick))
    )
    key += repr((inputs.decision.subgroups, id(inputs.decision.importance)))  # decision_view choices
    try:
        content = _content(inputs, key)
    except DataError as exc:
        plain_text.show_error(exc)
        return
    st.subheader(plain_text.plain(content.subtitle))
    if result.is_binary:
        st.caption(f"How the threshold was chosen: {plain_text.plain(reason)}")
        _binary_tables(content, result, threshold, prevalence, pretest)
    else:
        st.caption(plain_text.plain(reason))
        _multiclass_tables(content, result)
    with st.expander("Data and method as written in the report"):
        _show_block(content.table("Data set"))
        if data.zero_missing_counts:
            _show_block(content.table(report.ZERO_MISSING_TITLE))
        _show_block(content.table("Method"))
        _show_block(content.table("Cross-validation (mean ± sd over folds)"))
    exports = st.session_state.get(K_EXPORTS)
    if st.button("Prepare downloads", type="primary", icon=":material/download:", key="rep_prepare"):
        try:
            _prepare_exports(inputs, key)
        except DataError as exc:
            plain_text.show_error(exc)
        exports = st.session_state.get(K_EXPORTS)
    if exports and exports.get("key") == key:
        _downloads(exports)
    elif exports:
        st.caption("The settings changed since the downloads were prepared: press the button again.")
    command_block.equivalent_command(  # the report's twin (issue 23); the Compare leaderboard has its own
        lambda file_arg, spec: command_lines.report_command(
            file_arg, spec, settings, threshold, prevalence, inputs.rule, pretest=pretest
        )
    )


main()
