"""Image panels (not a page): image-zip upload into the table flow, the example grid, FN/FP thumbnails, CAM.

An image zip (or the bundled PneumoniaMNIST) becomes a feature table (:func:`imbalance_core.images.
features.image_table`), so every page works on it as on a CSV; the image set itself stays in
``st.session_state[K_IMAGES]`` for the panels here. The Data page calls :func:`use_image_zip`,
:func:`bundled_button` and :func:`example_grid`; the Threshold page calls :func:`threshold_panel` at
its end. Captions say that a heat map shows where the model's evidence came from, not a lesion.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import streamlit as st

from imbalance_core.errors import DataError
from imbalance_core.evaluation.threshold_sentences import threshold_text
from imbalance_core.images.bundled import load_pneumoniamnist
from imbalance_core.images.extractors import (
    CNN_KEY,
    CNN_PRECISION,
    DEFAULT_EXTRACTOR,
    EXTRACTORS,
    PREPARING,
    cnn_model,
    cnn_note,
    cnn_ready,
)
from imbalance_core.images.intake import ImageSet, read_image_zip
from imbalance_core.intake.read import LoadedTable
from imbalance_core.intake.task import PreparedData, TaskSpec
from pages import data_source, plain_text, session_state

if TYPE_CHECKING:  # the study, the audit, the feature table (with augmentation) and the saliency maps pull in
    # scikit-learn and imbalanced-learn (seconds at a cold start): imported where they are used, so the Data
    # page opens without them
    from imbalance_core.images.audit import AuditResult
    from imbalance_core.images.study import StudyResult

K_IMAGES = "image_set"  # (source, ImageSet, extractor) of the image data in use
K_STUDY = "image_study"  # ((image sha256, extractor), StudyResult) of the last study run
K_AUDIT = "image_audit"  # (source, AuditResult) of the image data in use; border check added on request
K_BORDER = "image_audit_border"  # ((image sha256, extractor), BorderCheck) of the last border-only check
K_KEEP_DUPS = "image_keep_duplicates"  # (source, bool): keep duplicate groups on one side of every split
W_KEEP_DUPS = "images_keep_duplicates"  # the Data page's toggle of K_KEEP_DUPS
W_EXTRACTOR = "images_extractor"
W_PICK = "images_cam_pick"
THUMB = 96
PER_CLASS = 8
SHOWN_ERRORS = 12


@st.cache_resource(show_spinner=False, max_entries=2)
def _read_zip_shared(sha256: str, _raw: bytes) -> ImageSet:
    """Decode a zip once per content; shared by sessions, so named "images", never the upload's name."""
    return read_image_zip(_raw)


@st.cache_resource(show_spinner=False)
def _bundled_images() -> ImageSet:
    return load_pneumoniamnist()


class _Shared:
    """One shared result per key, computed by the first session that asks, *outside* any cached function.

    A cached function must not call ``st.*``: Streamlit records the elements it draws and replays them
    for the next session, and a progress bar created outside the function made the second session
    that uploaded the same zip fail (``CacheReplayClosureError``). So the cache holds only this box
    (no element is drawn inside it); the first caller fills it while drawing its own progress bar,
    later callers (any session) wait on the lock and take the value. It holds no user name.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.value: Any = None

    def get(self, compute: Callable[[], Any]) -> Any:
        with self.lock:
            if self.value is None:
                self.value = compute()
            return self.value


@st.cache_resource(show_spinner=False, max_entries=4)
def _table_box(image_sha: str, extractor: str) -> _Shared:
    """The box of the feature table per (content, extractor); see :class:`_Shared`."""
    return _Shared()


def _table_shared(image_sha: str, extractor: str, images: ImageSet, progress) -> LoadedTable:
    """Features once per (content, extractor); shared by sessions, so named "images"."""
    from imbalance_core.images.features import image_table  # lazy: see the TYPE_CHECKING import

    return _table_box(image_sha, extractor).get(lambda: image_table(images, extractor, "images", progress))


def prepare_cnn(extractor: str, precision: str = CNN_PRECISION) -> None:
    """Before the first CNN run in this server process: a status line while the int8 network is built
    (3-8 s, once; a second session asking meanwhile waits for the same build). Nothing otherwise."""
    if extractor != CNN_KEY or cnn_ready(precision):
        return
    bar = st.progress(0.0, text=PREPARING)
    try:
        cnn_model(precision, progress=lambda message, f: bar.progress(f, text=f"{PREPARING} {message}."))
    finally:
        bar.empty()


def prepare_cnn_for(saved: Any) -> None:
    """:func:`prepare_cnn` for a saved image model (Predict, Validate): the status shows only when the
    model's features come from the int8 network and it is not built yet. DataError for a model not
    trained on image features (as scoring it would raise)."""
    from imbalance_core.images.predict import cnn_network_of

    precision = cnn_network_of(saved)
    if precision is not None:
        prepare_cnn(CNN_KEY, precision)


def _table(images: ImageSet, extractor: str, name: str) -> LoadedTable:
    """The feature table under this session's name, with a progress bar (images/s, time left)."""
    prepare_cnn(extractor)
    bar = st.progress(0.0, text="Extracting image features…")

    def progress(done: int, total: int, rate: float, left: float) -> None:
        bar.progress(
            done / total, text=f"Features: {done:,}/{total:,} images, {rate:.0f} images/s, {left:.0f} s left"
        )

    try:
        return replace(_table_shared(images.sha256, extractor, images, progress), name=name)
    finally:
        bar.empty()


@st.cache_resource(show_spinner=False, max_entries=4)
def _audit_shared(image_sha: str, _images: ImageSet, _raw: bytes | None) -> AuditResult:
    """Duplicates and image properties once per content (the border check runs on request)."""
    from imbalance_core.images.audit import audit_images  # lazy: see the TYPE_CHECKING import

    return audit_images(_images, _raw, border=False)


@st.cache_resource(show_spinner=False, max_entries=4)
def _border_shared(image_sha: str, extractor: str, _images: ImageSet):
    from imbalance_core.images.audit import border_check  # lazy: see the TYPE_CHECKING import

    return border_check(_images, extractor)


def _use(images: ImageSet, name: str, source: str, raw: bytes | None = None) -> bool:
    extractor = st.session_state.get(W_EXTRACTOR, DEFAULT_EXTRACTOR)
    try:
        table = _table(images, extractor, name)
    except DataError as exc:
        session_state.remember_error(exc)
        return False
    previous = {k: st.session_state.get(k) for k in (session_state.K_TABLE, session_state.K_SOURCE)}
    st.session_state[session_state.K_TABLE] = table
    st.session_state[session_state.K_SOURCE] = source
    from imbalance_core.images.features import LABEL

    if not data_source.set_task(TaskSpec(label=LABEL, positive=(images.class_names[1],))):
        st.session_state.update(previous)
        return False
    st.session_state[K_IMAGES] = (source, images, extractor)
    st.session_state.pop(session_state.K_GUESS, None)
    with st.spinner("Auditing the images for duplicates and shortcuts…"):
        st.session_state[K_AUDIT] = (source, _audit_shared(images.sha256, images, raw))
    attach_duplicate_groups()  # the grouping travels with the data; the toggle decides whether it is used
    return True


def use_image_zip(raw: bytes, name: str) -> bool:
    """Read an uploaded image zip and switch to its features. False (state unchanged) on a DataError."""
    sha = hashlib.sha256(raw).hexdigest()
    try:
        images = _read_zip_shared(sha, raw)
    except DataError as exc:
        session_state.remember_error(
            DataError(f"'{name}' was not loaded: {exc} The previous data stay in use.")
        )
        return False
    return _use(images, name, f"upload:{sha}", raw)


def current_images() -> tuple[ImageSet, str] | None:
    """The image set in use and its extractor, or None when the data in use are not images."""
    stored = st.session_state.get(K_IMAGES)
    if not stored or stored[0] != st.session_state.get(session_state.K_SOURCE):
        return None
    return stored[1], stored[2]


def bundled_button() -> None:
    """Extractor choice and the button that loads the bundled chest X-rays."""
    st.selectbox(
        "Image features",
        list(EXTRACTORS),
        key=W_EXTRACTOR,
        format_func=lambda k: EXTRACTORS[k].name,
        help="How an image becomes numbers; applies to the next image zip or the bundled X-rays. "
        + " ".join(f"{s.name}: {s.explanation} ({s.cost})." for s in EXTRACTORS.values())
        + " "
        + cnn_note(),
    )
    if st.button("Use the bundled chest X-rays (PneumoniaMNIST)", key="images_bundled"):
        _use(_bundled_images(), "PneumoniaMNIST (bundled)", "images:pneumoniamnist")
        st.rerun()


def _thumb(image: np.ndarray) -> np.ndarray:
    """An image scaled to THUMB pixels wide for display (nearest neighbour: pixels stay visible)."""
    from PIL import Image

    arr = image[..., 0] if image.shape[2] == 1 else image
    scale = max(1, THUMB // max(arr.shape[:2]))
    return np.asarray(
        Image.fromarray(arr).resize((arr.shape[1] * scale, arr.shape[0] * scale), Image.Resampling.NEAREST)
    )


def example_grid() -> None:
    """A row of example images per class (Data page), with the notes from reading the zip."""
    current = current_images()
    if current is None:
        return
    images, extractor = current
    st.subheader("Images", anchor=False)
    st.caption(
        f"{images.n_images:,} images; features: {EXTRACTORS[extractor].name}. "
        + (
            "The zip's test/ folder is the hold-out on every page (never resampled or augmented)."
            if images.is_test is not None
            else ""
        )
    )
    for notice in images.notices:
        st.info(plain_text.plain(notice), icon=":material/info:")
    for code, name in enumerate(images.class_names):
        rows = np.flatnonzero(images.y == code)[:PER_CLASS]
        st.markdown(f"**{plain_text.plain(name)}** — {int((images.y == code).sum()):,} images")
        st.image([_thumb(images.images[i]) for i in rows], width=THUMB)
    audit_panel(images, extractor)


def current_audit() -> AuditResult | None:
    """The audit of the image data in use (with the border check when it was run), or None."""
    stored = st.session_state.get(K_AUDIT)
    current = current_images()
    if not stored or current is None or stored[0] != st.session_state.get(session_state.K_SOURCE):
        return None
    result: AuditResult = stored[1]
    kept = st.session_state.get(K_BORDER)
    if kept and kept[0] == (current[0].sha256, current[1]):
        from imbalance_core.images.audit import findings_for  # lazy: see the TYPE_CHECKING import

        findings = findings_for(result.duplicates, result.properties, kept[1])
        result = replace(result, border=kept[1], findings=tuple(findings))
    return result


def audit_panel(images: ImageSet, extractor: str) -> None:
    """The shortcut and leakage audit's findings (duplicates, image properties; the border-only check on
    request), each with what to do."""
    stored = st.session_state.get(K_AUDIT)
    if not stored or stored[0] != st.session_state.get(session_state.K_SOURCE):
        return
    result: AuditResult = stored[1]
    st.subheader("Shortcut and leakage audit", anchor=False)
    st.caption(
        "Chest X-ray models are known to learn the hospital, the scanner or burned-in markers instead of the "
        "lungs, and public X-ray folders carry duplicates across train/ and test/. Checked before any result."
    )
    key = (images.sha256, extractor)
    if st.button("Check the image border only (centre painted over)", key="images_audit_border"):
        with st.spinner("Extracting features of the masked images…"):
            st.session_state[K_BORDER] = (key, _border_shared(*key, images))
    kept = st.session_state.get(K_BORDER)
    border = kept[1] if kept and kept[0] == key else None
    from imbalance_core.images.audit import findings_for  # lazy: see the TYPE_CHECKING import

    found = findings_for(result.duplicates, result.properties, border)
    for finding in found:
        text = plain_text.plain(finding.sentence)
        if finding.level == "warn":
            st.warning(text, icon=":material/warning:")
            st.caption("What to do: " + plain_text.plain(finding.action))
        else:
            st.success(text, icon=":material/check:")
    duplicates_toggle(result, images)


# --------------------------------------------------------------------------- duplicate groups kept together


def keep_duplicates_sentence(n_groups: int, n_images: int, across: int, fixed_holdout: bool) -> str:
    """What the "keep duplicates together" toggle does, for the numbers the audit found."""
    groups = f"{n_groups:,} group{'s' if n_groups != 1 else ''}"
    text = (
        f"The audit found {groups} of identical or nearly identical images ({n_images:,} images). With "
        "this on, every group stays wholly in the training part or wholly in the hold-out, and in one "
        "cross-validation fold, so the model is never scored on a copy of an image it learned from."
    )
    if fixed_holdout:
        text += " The zip's test/ folder fixes the hold-out, so here it keeps groups within one CV fold" + (
            f"; {across:,} group{'s' if across != 1 else ''} already cross train/ and test/ (see above)."
            if across
            else "."
        )
    return text


def _duplicates_source() -> tuple[str, AuditResult] | None:
    """(source, audit) of the image data in use when the audit found duplicate groups, else None."""
    stored = st.session_state.get(K_AUDIT)
    source = st.session_state.get(session_state.K_SOURCE)
    if not stored or stored[0] != source or current_images() is None:
        return None
    return (source, stored[1]) if stored[1].duplicates.near_groups > 0 else None


def keep_duplicates_together() -> bool:
    """True when splits should keep each duplicate image group on one side: the Data page's toggle, on by
    default whenever the audit found duplicates; False for tables and for image sets without duplicates."""
    found = _duplicates_source()
    if found is None:
        return False
    stored = st.session_state.get(K_KEEP_DUPS)
    return bool(stored[1]) if stored and stored[0] == found[0] else True


def attach_duplicate_groups() -> PreparedData | None:
    """Put the audit's duplicate groups on the data in use as the grouping ``DUPLICATE_GROUPS`` (training
    with ``group_by`` set to it keeps every group together); the data in use, or None without duplicates."""
    found = _duplicates_source()
    data = session_state.current_data()
    if found is None or data is None:
        return None
    from imbalance_core.images.audit import DUPLICATE_GROUPS, with_duplicate_groups  # lazy: see above

    if DUPLICATE_GROUPS not in data.groups:
        data = with_duplicate_groups(data, found[1].duplicates)
        st.session_state[session_state.K_PREPARED] = (
            data  # a new object: the shared cached one is not mutated
        )
    return data


def duplicates_toggle(result: AuditResult, images: ImageSet) -> None:
    """Data page: "Keep duplicate images on one side of every split" (on by default when duplicates were
    found), with a sentence saying what it does."""
    if _duplicates_source() is None:
        return
    attach_duplicate_groups()
    source = st.session_state.get(session_state.K_SOURCE)
    st.session_state[W_KEEP_DUPS] = keep_duplicates_together()

    def keep() -> None:
        st.session_state[K_KEEP_DUPS] = (source, bool(st.session_state[W_KEEP_DUPS]))

    st.toggle("Keep duplicate images on one side of every split", key=W_KEEP_DUPS, on_change=keep)
    dup = result.duplicates
    st.caption(
        plain_text.plain(
            keep_duplicates_sentence(
                dup.near_groups, dup.images_in_groups, dup.across, images.is_test is not None
            )
        )
    )
    if not st.session_state[W_KEEP_DUPS]:
        st.warning(
            "Off: copies of one image can sit on both sides of a split, which flatters the test score.",
            icon=":material/warning:",
        )


def threshold_panel(result, threshold: float | None, committed: bool = True) -> None:
    """False negatives and false positives at the page's threshold, and a heat map for one of them.

    committed: False when nothing was committed yet and ``threshold`` is the model's default (said so).
    """
    from imbalance_core.images.saliency import CAPTION, errors_at, overlay, saliency  # lazy: see above

    current = current_images()
    data = session_state.current_data()
    if current is None or data is None or threshold is None or not result.is_binary:
        return
    images, extractor = current
    rows = np.asarray(data.source_rows if data.source_rows is not None else np.arange(len(data.y)))
    picks = errors_at(rows[result.test_index], result.y_test, result.test_scores, threshold)
    st.subheader("Images the model got wrong", anchor=False)
    st.caption(
        f"At the {'committed' if committed else 'default (nothing committed yet)'} threshold "
        f"{threshold_text(threshold)}: {len(picks.false_negatives)} false negatives "
        f"({plain_text.plain(images.class_names[1])} called "
        f"{plain_text.plain(images.class_names[0])}; lowest score "
        f"first) and {len(picks.false_positives)} false positives (highest score first), hold-out images."
    )
    for title, chosen in (
        ("False negatives", picks.false_negatives),
        ("False positives", picks.false_positives),
    ):
        st.markdown(f"**{title}**")
        if chosen:
            st.image([_thumb(images.images[i]) for i in chosen[:SHOWN_ERRORS]], width=THUMB)
        else:
            st.caption("None.")
    options = list(picks.false_negatives[:SHOWN_ERRORS]) + list(picks.false_positives[:SHOWN_ERRORS])
    if not options:
        return
    labels = {i: ("FN" if i in picks.false_negatives else "FP") + f" {n + 1}" for n, i in enumerate(options)}
    pick = st.selectbox("Heat map for", options, key=W_PICK, format_func=lambda i: labels[i])
    heat = saliency(images.images[pick], result.pipeline, extractor)
    method = (
        "class-activation map (exact: CNN + linear model)"
        if heat.method == "cam"
        else "occlusion sensitivity"
    )
    left, right = st.columns(2)
    left.image(_thumb(images.images[pick]), caption="Image", width=2 * THUMB)
    right.image(
        _thumb(overlay(images.images[pick], heat.heat)),
        caption=f"{method}; score {heat.score:.3f}",
        width=2 * THUMB,
    )
    st.caption(plain_text.plain(CAPTION.format(positive=images.class_names[1])))


@st.cache_resource(show_spinner=False, max_entries=4)
def _study_box(image_sha: str, extractor: str) -> _Shared:
    """The box of the study's table per (content, extractor); see :class:`_Shared`."""
    return _Shared()


def _study_shared(image_sha: str, extractor: str, images: ImageSet, progress) -> StudyResult:
    """The study's table once per (content, extractor); holds no user name."""
    from imbalance_core.images.study import study_table

    return _study_box(image_sha, extractor).get(lambda: study_table(images, extractor, progress=progress))


def study_panel() -> None:
    """Compare page, image data only: the chest X-ray study's technique table on the hold-out."""
    current = current_images()
    if current is None or len(current[0].class_names) != 2:
        return
    images, extractor = current
    st.divider()
    st.subheader("The chest X-ray study's table", anchor=False)
    hold_out = "the zip's test/ folder" if images.is_test is not None else "a stratified 25 % hold-out"
    st.caption(
        "Every technique of the study (plus class weights and a moved threshold) with logistic regression "
        f"on {EXTRACTORS[extractor].name}, scored on {hold_out}. Takes minutes: each technique is "
        "cross-validated."
    )
    key = (images.sha256, extractor)
    if st.button("Run the study's table", key="images_study_run", icon=":material/table:"):
        bar = st.progress(0.0, text="Starting…")
        st.session_state[K_STUDY] = (
            key,
            _study_shared(*key, images, lambda text, f: bar.progress(f, text=text)),
        )
        bar.empty()
    stored = st.session_state.get(K_STUDY)
    if not stored or stored[0] != key:
        return
    result = stored[1]
    frame = pd.DataFrame(
        [
            {
                "Technique": r.name,
                "Threshold": r.threshold,
                "Balanced accuracy": r.balanced_accuracy,
                "Recall": r.recall,
                "F1": r.f1,
                "TP": r.tp,
                "TN": r.tn,
                "FP": r.fp,
                "FN": r.fn,
                "ROC AUC": r.roc_auc,
            }
            for r in result.rows
        ]
    )
    counts = " / ".join(f"{n} {plain_text.plain(name)}" for name, n in result.test_counts.items())
    st.caption(
        f"Hold-out: {result.n_test} images ({counts}); positive class {plain_text.plain(result.positive)}."
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    st.caption(plain_text.plain(result.note))
