"""Freezing the long-lived objects out of the garbage collector's way, once per process (slider latency)."""

from __future__ import annotations

import gc

from imbalance_core.maps import umap_warmup

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
