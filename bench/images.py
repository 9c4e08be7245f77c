"""Image figures: images per second per extractor (224 x 224 input), memory peak for 5,000 images, and the
study table's run time on the bundled PneumoniaMNIST.

* speed: each extractor over ``--speed-images`` random grey 224 x 224 images (after one warm-up batch),
  in this process;
* memory: a fresh subprocess per extractor builds a zip of ``--images`` (5,000) grey PNGs of
  ``--side`` pixels in memory, reads it with ``read_image_zip`` and extracts features; it prints its peak
  resident memory (ru_maxrss) — zip bytes, decoded images and features together;
* study: ``study_table`` on PneumoniaMNIST (4,406 training / 624 test images), 5-fold CV, wall time; its
  augmentation row runs through the ``augment`` registry sampler (the Train page's and Compare's path);
* audit: :func:`imbalance_core.images.audit.audit_images` on the first ``--audit-images`` (5,000)
  PneumoniaMNIST images (duplicates, properties, border-only check with ``--audit-extractor``), wall time.

* first use (unless ``--skip-first-use``; first, so nothing has built it yet): wall time of the int8
  network's build as a person meets it (``cnn_model("int8", progress)``), its progress steps, peak memory
  so far and which weights the network has (7-bit in the 1 x 1 convolutions, on every machine);
* int8 check (unless ``--skip-int8``): the CNN extractor's float32 and int8 models in the same run —
  images/s session only and end to end, interleaved rounds — and both hold-out ROC AUCs (624 test images);
  plus the 8-bit build (``reduce_range`` off: the network of version-2 model files);
* cnn sweep (``--cnn-sweep``): the CNN path's knobs — old vs lookup-table input, default vs tuned
  onnxruntime SessionOptions, batch 1-64 — best of ``--sweep-rounds`` interleaved rounds, and the hold-out
  ROC AUC of the old and the new path on the same images.

Run: ``.venv/bin/python bench/images.py [--speed-images 64] [--images 5000] [--side 224]
[--memory-extractors hog,pixels] [--study hog] [--skip-study] [--skip-first-use] [--skip-int8]
[--cnn-sweep]``.
Prints one line per figure.
Figures depend on what else runs: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from imbalance_core.images.bundled import load_pneumoniamnist  # noqa: E402
from imbalance_core.images.extractors import EXTRACTORS, compute_features  # noqa: E402
from imbalance_core.images.study import format_study, study_table  # noqa: E402


def speed(n: int, side: int) -> None:
    """Images per second of every extractor on random grey images of side x side."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, side, side, 1), dtype=np.uint8)
    for key in EXTRACTORS:
        compute_features(images[:8], key)  # warm-up (model load, imports)
        t0 = time.perf_counter()
        compute_features(images, key)
        seconds = time.perf_counter() - t0
        print(
            f"speed {key}: {n / seconds:.1f} images/s ({1000 * seconds / n:.1f} ms an image), {side}x{side}"
        )


def _memory_child(key: str, n: int, side: int) -> None:
    from imbalance_core.images.intake import read_image_zip, write_image_zip

    rng = np.random.default_rng(1)
    labels = ["NORMAL" if i % 10 == 0 else "PNEUMONIA" for i in range(n)]
    images = rng.integers(0, 256, (n, side, side, 1), dtype=np.uint8)
    raw = write_image_zip(images, labels)
    del images
    t0 = time.perf_counter()
    image_set = read_image_zip(raw, max_images=n)
    read_s = time.perf_counter() - t0
    compute_features(image_set.images, key)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"memory {key}: peak {peak_mb:.0f} MB for {n} images {side}x{side} "
        f"(zip {len(raw) / 2**20:.0f} MB, read {read_s:.1f} s, total {time.perf_counter() - t0:.1f} s)"
    )


def memory(keys: list[str], n: int, side: int) -> None:
    """Peak resident memory of reading + extracting ``n`` images, one fresh process per extractor."""
    for key in keys:
        out = subprocess.run(
            [sys.executable, __file__, "--child", key, "--images", str(n), "--side", str(side)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=False,
        )
        print(out.stdout.strip() or f"memory {key}: failed: {out.stderr.strip()[-300:]}")


def first_use() -> None:
    """The int8 network's first use in this process, timed as the page and the CLI meet it."""
    from imbalance_core.images.extractors import cnn_model, cnn_note

    steps: list[str] = []
    t0 = time.perf_counter()
    cnn_model("int8", lambda message, fraction: steps.append(message))
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"first use: int8 network built in {seconds:.1f} s, {len(steps)} progress reports, peak memory so "
        f"far {peak_mb:.0f} MB (load {os.getloadavg()[0]:.1f}, UNDER LOAD); {cnn_note()}"
    )


def int8(n_speed: int, per_class: int, rounds: int = 3) -> None:
    """float32 vs int8 EfficientNet-Lite0 in one run (the extractor's two precisions, ``cnn_model``):
    images/s at 224 x 224 — session only and end to end (input preparation + session), batch
    :data:`BATCH`, ``rounds`` interleaved rounds, best kept, load average printed — and the hold-out ROC
    AUC of logistic regression on ``feat`` (``per_class`` training images per class; the 624 test images)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from imbalance_core.images.extractors import BATCH, cnn_input, cnn_model
    from imbalance_core.images.quantize import quantize_cnn_bytes

    t0 = time.perf_counter()
    size = len(quantize_cnn_bytes())
    print(
        f"int8 build (once per process; pre-process, calibrate on 64 images, quantise): "
        f"{time.perf_counter() - t0:.1f} s, {size / 2**20:.1f} MB (load {os.getloadavg()[0]:.1f})"
    )
    from imbalance_core.images.quantize import int8_session

    sessions = {
        "float32": cnn_model("float32"),
        "int8": cnn_model("int8"),
        "int8 8-bit (version-2 model files)": int8_session(reduce_range=False),
    }
    noise = np.random.default_rng(0).integers(0, 256, (n_speed, 224, 224, 1), dtype=np.uint8)
    x = cnn_input(noise)
    for session in sessions.values():
        session.run(["feat"], {"x": x[:8]})  # warm-up
    best: dict[tuple[str, str], float] = {}
    loads = []
    for _ in range(rounds):
        loads.append(round(os.getloadavg()[0], 1))
        for name, session in sessions.items():
            for kind in ("session", "end to end"):
                t0 = time.perf_counter()
                for i in range(0, n_speed, BATCH):
                    batch = x[i : i + BATCH] if kind == "session" else cnn_input(noise[i : i + BATCH])
                    session.run(["feat"], {"x": batch})
                seconds = time.perf_counter() - t0
                best[name, kind] = min(best.get((name, kind), np.inf), seconds)
    data = load_pneumoniamnist(per_class=per_class)
    train, test = ~data.is_test, data.is_test
    print(f"int8 check: {n_speed} images, batch {BATCH}, best of {rounds} rounds, load {loads} (UNDER LOAD)")
    for name, session in sessions.items():
        X = np.concatenate(
            [
                session.run(["feat"], {"x": cnn_input(data.images[i : i + BATCH])})[0]
                for i in range(0, data.n_images, BATCH)
            ]
        )
        model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000))
        model.fit(X[train], data.y[train])
        auc = roc_auc_score(data.y[test], model.predict_proba(X[test])[:, 1])
        print(
            f"int8 check {name}: session {n_speed / best[name, 'session']:.1f} images/s, end to end "
            f"{n_speed / best[name, 'end to end']:.1f} images/s at 224x224; hold-out ROC AUC {auc:.4f} "
            f"({int(train.sum())} training / {int(test.sum())} test images)"
        )


def _old_cnn_input(images: np.ndarray) -> np.ndarray:
    """The CNN input as computed before issue 29's fast path (RGB copy, float arithmetic, transpose)."""
    from PIL import Image

    from imbalance_core.images.cnn_runtime import CNN_SIDE, IMAGENET_MEAN, IMAGENET_STD

    arr = np.asarray(images, dtype=np.uint8)
    rgb = np.repeat(arr, 3, axis=3) if arr.shape[-1] == 1 else arr
    if rgb.shape[1:3] != (CNN_SIDE, CNN_SIDE):
        rgb = np.stack(
            [
                np.asarray(Image.fromarray(im).resize((CNN_SIDE, CNN_SIDE), Image.Resampling.BILINEAR))
                for im in rgb
            ]
        )
    x = (rgb.astype(np.float32) / 255.0 - IMAGENET_MEAN) / IMAGENET_STD
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def cnn_sweep(n: int, rounds: int, per_class: int) -> None:
    """The CNN path's knobs (issue 29), each timed ``rounds`` times interleaved, best round kept (the
    figure least disturbed by other processes; the load average is printed with each):

    * preprocessing: the old per-pixel input vs the lookup-table input (ms an image, 224 and 28 pixels);
    * onnxruntime: default SessionOptions vs the tuned ones (``cnn_runtime.session_options``) x batch
      1, 8, 16, 32, 64 — session time only, then end to end (preprocessing + session) at each batch;
    * the hold-out ROC AUC of logistic regression on the features of the old and new path (same images).
    """
    import onnxruntime as ort
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from imbalance_core.images.cnn_runtime import MODEL_PATH, cnn_input, session_options

    rng = np.random.default_rng(0)
    big = rng.integers(0, 256, (n, 224, 224, 1), dtype=np.uint8)
    small = rng.integers(0, 256, (n, 28, 28, 1), dtype=np.uint8)
    best: dict[str, float] = {}

    def timed(label: str, fn) -> None:
        t0 = time.perf_counter()
        fn()
        best[label] = min(best.get(label, np.inf), time.perf_counter() - t0)

    plain = ort.SessionOptions()
    plain.log_severity_level = 3
    sessions = {
        "default": ort.InferenceSession(str(MODEL_PATH), plain, providers=["CPUExecutionProvider"]),
        "tuned": ort.InferenceSession(str(MODEL_PATH), session_options(), providers=["CPUExecutionProvider"]),
    }
    x = cnn_input(big)
    for session in sessions.values():
        session.run(["feat"], {"x": x[:8]})  # warm-up
    loads = []
    for _ in range(rounds):
        loads.append(os.getloadavg()[0])
        for side, imgs in (("224", big), ("28", small)):
            timed(f"prep old {side}", lambda imgs=imgs: _old_cnn_input(imgs))
            timed(f"prep new {side}", lambda imgs=imgs: cnn_input(imgs))
        for name, session in sessions.items():
            for b in (1, 8, 16, 32, 64):
                timed(
                    f"session {name} batch {b}",
                    lambda s=session, b=b: [s.run(["feat"], {"x": x[i : i + b]}) for i in range(0, n, b)],
                )
        for b in (8, 16, 32, 64):
            timed(
                f"end to end tuned + new input, batch {b}",
                lambda b=b: [
                    sessions["tuned"].run(["feat"], {"x": cnn_input(big[i : i + b])}) for i in range(0, n, b)
                ],
            )
            timed(
                f"end to end default + old input, batch {b}",
                lambda b=b: [
                    sessions["default"].run(["feat"], {"x": _old_cnn_input(big[i : i + b])})
                    for i in range(0, n, b)
                ],
            )
    print(
        f"cnn sweep: {n} images, best of {rounds} rounds; load average during the rounds {loads} (UNDER LOAD)"
    )
    for label, seconds in best.items():
        unit = (
            f"{1000 * seconds / n:.2f} ms an image"
            if label.startswith("prep")
            else f"{n / seconds:.1f} images/s"
        )
        print(f"  {label}: {unit}")
    data = load_pneumoniamnist(per_class=per_class)
    train, test = ~data.is_test, data.is_test
    for name, prep, session in (
        ("old input, default session", _old_cnn_input, sessions["default"]),
        ("new input, tuned session", cnn_input, sessions["tuned"]),
    ):
        X = np.concatenate(
            [
                session.run(["feat"], {"x": prep(data.images[i : i + 32])})[0]
                for i in range(0, data.n_images, 32)
            ]
        )
        model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000)).fit(
            X[train], data.y[train]
        )
        auc = roc_auc_score(data.y[test], model.predict_proba(X[test])[:, 1])
        print(f"  hold-out ROC AUC, {name}: {auc:.6f} ({int(train.sum())} training / {int(test.sum())} test)")


def audit(n: int, key: str) -> None:
    """Wall time of the whole audit on ``n`` PneumoniaMNIST images, and what it found."""
    import dataclasses

    from imbalance_core.images.audit import audit_images, format_audit
    from imbalance_core.images.intake import content_hash

    full = load_pneumoniamnist()
    keep = slice(0, min(n, full.n_images))
    images, y, is_test = full.images[keep], full.y[keep], full.is_test[keep]
    part = dataclasses.replace(
        full,
        images=images,
        y=y,
        is_test=is_test,
        names=full.names[keep],
        sha256=content_hash(images, y, is_test),
    )
    t0 = time.perf_counter()
    result = audit_images(part, None, key)
    print(f"audit: {time.perf_counter() - t0:.1f} s wall for {part.n_images} images (border check: {key})")
    print(format_audit(result))


def study(key: str) -> None:
    """The study table on the bundled PneumoniaMNIST, with its wall time."""
    t0 = time.perf_counter()
    result = study_table(load_pneumoniamnist(), key)
    print(f"study {key}: {time.perf_counter() - t0:.1f} s wall (features included)")
    print(format_study(result))


def main() -> None:
    """Parse the flags and print the figures."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--speed-images", type=int, default=64)
    p.add_argument("--images", type=int, default=5000)
    p.add_argument("--side", type=int, default=224)
    p.add_argument("--memory-extractors", default="pixels,hog,efficientnet_lite0")
    p.add_argument("--study", default="hog")
    p.add_argument("--skip-study", action="store_true")
    p.add_argument("--audit-images", type=int, default=5000)
    p.add_argument("--audit-extractor", default="hog")
    p.add_argument("--skip-speed", action="store_true")
    p.add_argument("--skip-memory", action="store_true")
    p.add_argument("--skip-first-use", action="store_true", help="skip timing the int8 network's build")
    p.add_argument("--skip-int8", action="store_true", help="skip float32 vs int8 CNN speed and AUC")
    p.add_argument("--int8-per-class", type=int, default=300)
    p.add_argument("--cnn-sweep", action="store_true", help="CNN input, session options and batch sweep")
    p.add_argument("--sweep-rounds", type=int, default=3)
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        _memory_child(args.child, args.images, args.side)
        return
    print(f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
    if not args.skip_first_use:
        first_use()
    if not args.skip_speed:
        speed(args.speed_images, 224)
    if not args.skip_memory:
        memory([k for k in args.memory_extractors.split(",") if k], args.images, args.side)
    if not args.skip_int8:
        int8(args.speed_images, args.int8_per_class, args.sweep_rounds)
    if args.cnn_sweep:
        cnn_sweep(args.speed_images, args.sweep_rounds, args.int8_per_class)
    if args.audit_images:
        audit(args.audit_images, args.audit_extractor)
    if not args.skip_study:
        study(args.study)


if __name__ == "__main__":
    main()
