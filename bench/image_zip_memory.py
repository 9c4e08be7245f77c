"""Peak memory of reading an image zip of huge images (issue 31, item 5): before/after the pixel caps.

Builds, in memory, zips of N PNGs of SIDE x SIDE pixels (a few hundred kB each: flat grey with a
noisy stripe, so they decode to SIDE^2 bytes per channel) and reads each in a fresh child process,
printing the child's peak resident memory above its size before reading (``VmHWM``, reset first).
``--intake FILE`` reads with another copy of ``imbalance_core/images/intake.py`` to compare with the
code before the change (``git show main:imbalance_core/images/intake.py > /tmp/old.py``).

    .venv/bin/python bench/image_zip_memory.py                       # 12 x 7000^2 and 12 x 6000^2
    .venv/bin/python bench/image_zip_memory.py --intake /tmp/old.py  # the same with the old reader
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import importlib.util, sys, time
sys.path.insert(0, {root!r})
from imbalance_core.errors import DataError
spec = importlib.util.spec_from_file_location("intake_under_test", {intake!r})
intake = importlib.util.module_from_spec(spec); sys.modules[spec.name] = intake
spec.loader.exec_module(intake)
raw = open({zip_path!r}, "rb").read()
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
open("/proc/self/clear_refs", "w").write("5")  # resets the peak (VmHWM) to the current size
base = status("VmRSS")
t = time.perf_counter()
try:
    got = intake.read_image_zip(raw)
    what = f"read {{got.n_images}} images of {{got.images.shape[1:]}}"
except DataError as exc:
    what = "refused: " + str(exc)[:110]
peak = status("VmHWM")
took = time.perf_counter() - t
print(f"{{(peak - base) / 1024:6.0f}} MB above the {{base / 1024:.0f}} MB start, {{took:5.1f}} s: {{what}}")
"""


def image_png(side: int, seed: int, colour: bool) -> bytes:
    rng = np.random.default_rng(seed)
    shape = (side, side, 3) if colour else (side, side)
    arr = np.full(shape, 128, np.uint8)
    arr[: side // 400] = rng.integers(0, 255, arr[: side // 400].shape, dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(arr).save(out, "PNG", compress_level=9)
    return out.getvalue()


def make_zip(n: int, side: int, colour: bool) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for i in range(n):
            archive.writestr(f"{'A' if i % 2 else 'B'}/{i:03d}.png", image_png(side, i, colour))
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intake", default=str(ROOT / "imbalance_core" / "images" / "intake.py"))
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--sides", default="7000,6000")
    parser.add_argument("--colour", action="store_true", help="RGB images (default grey)")
    args = parser.parse_args()
    for side in (int(s) for s in args.sides.split(",")):
        raw = make_zip(args.n, side, args.colour)
        with tempfile.NamedTemporaryFile(suffix=".zip") as fh:
            fh.write(raw)
            fh.flush()
            code = CHILD.format(root=str(ROOT), intake=args.intake, zip_path=fh.name)
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
        print(
            f"{args.n} x {side}^2 {'RGB' if args.colour else 'grey'} ({len(raw) / 1e6:.1f} MB zip):", end=" "
        )
        print(out.stdout.strip() or out.stderr.strip()[-300:])


if __name__ == "__main__":
    main()
