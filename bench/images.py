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

Run: ``.venv/bin/python bench/images.py [--speed-images 64] [--images 5000] [--side 224]
[--memory-extractors hog,pixels] [--study hog] [--skip-study]``. Prints one line per figure.
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
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        _memory_child(args.child, args.images, args.side)
        return
    print(f"cores: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
    if not args.skip_speed:
        speed(args.speed_images, 224)
    if not args.skip_memory:
        memory([k for k in args.memory_extractors.split(",") if k], args.images, args.side)
    if args.audit_images:
        audit(args.audit_images, args.audit_extractor)
    if not args.skip_study:
        study(args.study)


if __name__ == "__main__":
    main()
