"""Explore-page projections: PCA and UMAP times, cold and warm, and the page's responsiveness (issue 5).

Prints figures; not run by pytest. Needs Debian's Chromium (/usr/bin/chromium) for the app part.

- Core, warm process (this one, after UMAP's numba code is compiled by ``umap_warmup.run_warmup``):
  PCA (covariance eigen-decomposition, fit + scores of every row) at 5,000 / 50,000 / 1,000,000 rows
  x 30 features, scikit-learn's ``PCA(svd_solver="full")`` for comparison where it is affordable, the
  whole ``project_resampled`` (standardise, sample, PCA, coordinates of the drawn rows), and UMAP on
  the drawn sample (at most 20,000 rows) with SMOTE's synthetic rows placed by ``transform``.
- Core, cold process: a fresh subprocess per figure (imports and numba compilation included).
- App, in Chromium: (a) cold server — ask for UMAP at once, then change other widgets while numba
  compiles and time each answer; (b) warm server — in a fresh session each time, upload a 6,700-row CSV
  (5,025 training rows), ask for UMAP (no resampling; SMOTE 1:1, whose synthetic rows are placed by
  transform; SMOTE with n_epochs 500) and time until the UMAP chart is visible.

Run: ``.venv/bin/python bench/projection.py`` (a few minutes; the 2-core machine is shared, so figures
move by tens of percent between runs). ``--core-only`` / ``--app-only`` run one half.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from imbalance_core.maps import umap_warmup  # noqa: E402
from imbalance_core.maps.projection import fit_pca, project_resampled, resample_arrays  # noqa: E402

SIZES = (5_000, 50_000, 1_000_000)
FEATURES = 30


def data(n: int, p: int = FEATURES, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n rows of p correlated lab-like features, 5 % positives shifted."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.05).astype(np.int64)
    mix = rng.normal(size=(p, p)) / np.sqrt(p)
    X = rng.normal(size=(n, p)) @ mix + 0.8 * y[:, None]
    return X, y


def timed(fn, repeat: int = 1) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


# --------------------------------------------------------------------------------------------- core


def core_warm() -> None:
    """PCA and UMAP in this process, after the numba warm-up."""
    from sklearn.decomposition import PCA

    t = time.perf_counter()
    umap_warmup.run_warmup()
    print(f"numba warm-up (run_warmup, cold in this process): {time.perf_counter() - t:6.1f} s")
    print(
        f"\n{'rows':>10} {'PCA fit+scores':>15} {'sklearn full':>13} {'project_resampled':>18}"
        f" {'UMAP rows':>10} {'UMAP (SMOTE view)':>18}"
    )
    for n in SIZES:
        X, y = data(n)
        pca = timed(lambda X=X: fit_pca(X, 2).transform(X), repeat=3)
        sk = timed(lambda X=X: PCA(2, svd_solver="full").fit_transform(X)) if n <= 50_000 else float("nan")
        plain = resample_arrays(X, y, "none")
        proj = timed(lambda v=plain: project_resampled(v, "pca", 2), repeat=2)
        view = resample_arrays(X, y, "smote", ratio=1 / 3) if n <= 50_000 else plain
        t = time.perf_counter()
        res = project_resampled(view, "umap", 2)
        um = time.perf_counter() - t
        print(
            f"{n:>10,} {pca:>13.3f} s {sk:>11.3f} s {proj:>16.3f} s {len(res.before_rows):>10,} {um:>16.1f} s"
        )
    print(
        "(UMAP at 1,000,000 rows: no resampling, the 20,000-row stratified sample is embedded; "
        "SMOTE view at 5,000 / 50,000 rows: 1:3, synthetic rows placed with transform)"
    )


COLD_SNIPPET = """
import time; t0 = time.perf_counter()
import numpy as np
from imbalance_core.maps.projection import fit_pca, project_resampled, resample_arrays
rng = np.random.default_rng(0)
n, kind = {n}, "{kind}"
y = (rng.random(n) < 0.05).astype(np.int64)
X = rng.normal(size=(n, 30)) + 0.8 * y[:, None]
t1 = time.perf_counter()
if kind == "pca":
    fit_pca(X, 2).transform(X)
else:
    project_resampled(resample_arrays(X, y, "none"), "umap", 2)
print(f"{{t1 - t0:.2f}} {{time.perf_counter() - t1:.2f}}")
"""


def core_cold() -> None:
    """Each figure in a fresh Python process: import time, then the work (numba compile included)."""
    print("\ncold process (fresh subprocess each):")
    for kind, n in (("pca", 1_000_000), ("umap", 5_000)):
        out = subprocess.run(
            [sys.executable, "-c", COLD_SNIPPET.format(n=n, kind=kind)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        print(
            f"  {kind.upper():4} {n:>9,} rows x 30: imports+data {float(out[0]):5.1f} s, "
            f"work {float(out[1]):6.1f} s"
        )


# ------------------------------------------------------------------------------- mixed data (issue 12.10)


def stroke_like(n: int = 5110, seed: int = 0):
    """A registry shaped like the public stroke data set: an ID, 6 numeric columns (integer ages, two 0/1
    flags, glucose, BMI with "N/A") and 5 text columns (one-hot coded for SMOTE), about 5 % positives."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    age = rng.integers(0, 83, n).astype(float)
    kids = age < 2
    age[kids] = np.round(rng.uniform(0.08, 1.9, kids.sum()), 2)
    stroke = rng.random(n) < 0.35 / (1 + np.exp(-(age - 75) / 6))
    work = ["Private", "Self-employed", "Govt_job", "Never_worked"]
    smoking = ["never smoked", "Unknown", "formerly smoked", "smokes"]
    frame = pd.DataFrame({
        "id": rng.permutation(70000)[:n],
        "gender": rng.choice(["Male", "Female"], n, p=[0.41, 0.59]),
        "age": age,
        "hypertension": (rng.random(n) < 0.1 + 0.2 * stroke).astype(int),
        "heart_disease": (rng.random(n) < 0.05 + 0.1 * stroke).astype(int),
        "ever_married": np.where(age > 25, rng.choice(["Yes", "No"], n, p=[0.85, 0.15]), "No"),
        "work_type": np.where(age < 16, "children", rng.choice(work, n, p=[0.6, 0.2, 0.18, 0.02])),
        "Residence_type": rng.choice(["Urban", "Rural"], n),
        "avg_glucose_level": np.round(55 + rng.lognormal(3.8, 0.45, n), 2),
        "bmi": np.round(rng.normal(29, 7, n).clip(10, 90), 1).astype(object),
        "smoking_status": rng.choice(smoking, n, p=[0.37, 0.3, 0.17, 0.16]),
        "stroke": stroke.astype(int),
    })  # fmt: skip
    frame.loc[rng.random(n) < 0.04, "bmi"] = "N/A"
    return frame


MIXED_SNIPPET = """
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, "bench")
from projection import mixed_view
from imbalance_core.maps.projection import project_resampled
view = mixed_view({n}, "{sampler}")
t1 = time.perf_counter()
project_resampled(view, "umap", 2)
print(t1 - t0, time.perf_counter() - t1, len(view.X_real), len(view.X_after))
"""


def mixed_view(n: int, sampler: str):
    """The Explore page's resampled view of :func:`stroke_like` data (``n`` rows, the app's intake)."""
    import tempfile as tf

    from imbalance_core.intake.read import read_table
    from imbalance_core.intake.task import TaskSpec, prepare
    from imbalance_core.learn.training import TrainSettings, resample_for_view

    with tf.TemporaryDirectory() as folder:
        path = Path(folder) / "stroke_like.csv"
        stroke_like(n).to_csv(path, index=False)
        data = prepare(read_table(str(path)), TaskSpec(label="stroke", positive=("1",)))
    return resample_for_view(data, TrainSettings(sampler=sampler))


def core_mixed() -> None:
    """UMAP on mixed data (numbers + 5 one-hot text columns) after SMOTE / SMOTE-NC, cold and warm."""
    cases = ((5_110, "smote"), (6_700, "smote"), (6_700, "smotenc"))
    print("\nmixed data, UMAP of the resampled view (200 passes), cold = fresh process incl. numba compile:")
    for n, sampler in cases:
        out = subprocess.run(
            [sys.executable, "-c", MIXED_SNIPPET.format(n=n, sampler=sampler)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        print(
            f"  cold {n:>6,} rows {sampler:8}: {out[2]} training rows -> {out[3]} after; "
            f"data+resampling {float(out[0]):5.1f} s, UMAP {float(out[1]):6.1f} s"
        )
    umap_warmup.run_warmup()
    for n, sampler in cases:
        view = mixed_view(n, sampler)
        seconds = [timed(lambda v=view: project_resampled(v, "umap", 2)) for _ in range(3)]
        print(
            f"  warm {n:>6,} rows {sampler:8}: {len(view.X_real):,} training rows -> {len(view.X_after):,} "
            f"after; UMAP median of 3 {statistics.median(seconds):5.1f} s (min {min(seconds):.1f})"
        )


# ---------------------------------------------------------------------------------------------- app


def _chart_has(pg, text: str, timeout: float) -> None:
    pg.wait_for_function(
        "t => [...document.querySelectorAll('.js-plotly-plot')].some(p => p.textContent.includes(t))",
        arg=text,
        timeout=timeout,
    )


def _open_explore(pg, url: str) -> None:
    from tests.e2e.conftest import wait_for_app

    pg.goto(url)
    wait_for_app(pg)
    pg.get_by_role("link", name="Explore", exact=True).first.click()
    pg.get_by_text("Resampling method").first.wait_for()
    wait_for_app(pg)
    _chart_has(pg, "PC1 (", 60_000)


def _answer_times(pg, rounds: int) -> list[float]:
    """Toggle 2-D / 3-D (a PCA redraw) and time each until the new chart is shown."""
    is_3d = "[...document.querySelectorAll('.js-plotly-plot')].some(p => p.querySelector('#scene'))"
    times = []
    for i in range(rounds):
        target, check = ("3-D", f"() => {is_3d}") if i % 2 == 0 else ("2-D", f"() => !{is_3d}")
        t = time.perf_counter()
        pg.get_by_text(target, exact=True).click()
        pg.wait_for_function(check, timeout=120_000)
        times.append(time.perf_counter() - t)
    return times


WARM_REPEATS = 3


def _warm_umap_seconds(pg, url: str, csv: Path, sampler: str, epochs: str | None) -> float:
    """Upload ``csv`` in a new session, open Explore with ``sampler``, and time UMAP from click to chart.

    With ``epochs`` the default map is shown first and the time runs from moving the n_epochs slider
    to its end (``epochs`` passes) until that map is drawn.
    """
    from tests.e2e.conftest import wait_for_app

    pg.goto(url)
    wait_for_app(pg)
    pg.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(csv))
    pg.get_by_text(csv.name).first.wait_for()
    wait_for_app(pg)
    pg.get_by_role("link", name="Explore", exact=True).first.click()
    pg.get_by_text("Resampling method").first.wait_for()
    wait_for_app(pg)
    if sampler != "No resampling":
        pg.locator('[data-testid="stSelectbox"]').filter(has_text="Resampling method").click()
        pg.get_by_role("option", name=sampler, exact=True).click()
        wait_for_app(pg)
        _chart_has(pg, "synthetic", 120_000)
    _chart_has(pg, "5,025", 120_000)
    if epochs:  # default map first, then time the change of the n_epochs slider until its map shows
        pg.get_by_role("radio", name="UMAP", exact=True).click()
        _chart_has(pg, "UMAP 1", 300_000)
        wait_for_app(pg)
        time.sleep(1.0)
        t = time.perf_counter()
        pg.locator('[data-testid="stSlider"]').filter(has_text="Layout passes").get_by_role("slider").focus()
        pg.keyboard.press("End")
        pg.get_by_text(f"n_epochs = {epochs}").first.wait_for(timeout=300_000)
        return time.perf_counter() - t
    time.sleep(1.0)
    t = time.perf_counter()
    pg.get_by_role("radio", name="UMAP", exact=True).click()
    _chart_has(pg, "UMAP 1", 300_000)
    return time.perf_counter() - t


def warm_figures(browser, url: str) -> None:
    """UMAP of a 6,700-row upload (5,025 training rows) in a warm server, a fresh session per run."""
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "bench_6700.csv"
        X, y = data(6_700, 12, seed=1)
        lines = [",".join([f"lab{i + 1}" for i in range(12)] + ["diagnosis"])]
        lines += [
            ",".join([f"{v:.4f}" for v in row] + ["sick" if c else "healthy"])
            for row, c in zip(X, y, strict=True)
        ]
        csv.write_text("\n".join(lines) + "\n")
        print("app, warm server, 6,700-row upload (5,025 training rows), UMAP asked for in a fresh session:")
        for sampler, epochs in (("No resampling", None), ("SMOTE", None), ("SMOTE", "500")):
            times = []
            for _ in range(WARM_REPEATS):
                pg = browser.new_page(viewport={"width": 1400, "height": 1000})
                pg.set_default_timeout(120_000)
                times.append(_warm_umap_seconds(pg, url, csv, sampler, epochs))
                pg.close()
            label = f"{sampler}, n_epochs {epochs or 'default (200)'}"
            runs = ", ".join(f"{t:.1f}" for t in times)
            print(
                f"  {label:34} visible after asking: median {statistics.median(times):.1f} s "
                f"(runs: {runs}; goal < 5 s)"
            )


def app_figures() -> None:
    """Responsiveness during the cold compile, and UMAP of ~5,000 rows in a warm app."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_streamlit

    proc, url = start_streamlit()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            pg = browser.new_page(viewport={"width": 1400, "height": 1000})
            pg.set_default_timeout(120_000)
            t0 = time.perf_counter()
            _open_explore(pg, url)
            print(
                f"\napp, cold server: Explore with PCA shown {time.perf_counter() - t0:.1f} s after loading"
            )
            t = time.perf_counter()
            pg.get_by_role("radio", name="UMAP", exact=True).click()
            pg.wait_for_selector('[data-testid="stProgress"]')
            print(f"  ask for UMAP -> progress bar (page answered): {time.perf_counter() - t:.2f} s")
            pg.get_by_role("radio", name="PCA", exact=True).click()
            pg.get_by_text("Dimensions").wait_for()
            during = _answer_times(pg, 6)
            print(
                f"  meanwhile, 6 widget changes (2-D/3-D redraw): median {statistics.median(during):.2f} s,"
                f" max {max(during):.2f} s"
            )
            pg.get_by_role("radio", name="UMAP", exact=True).click()
            _chart_has(pg, "UMAP 1", 600_000)
            print(f"  UMAP chart visible {time.perf_counter() - t:.1f} s after asking (cold server, HCV)")
            pg.get_by_role("radio", name="PCA", exact=True).click()
            pg.get_by_text("Dimensions").wait_for()
            after = _answer_times(pg, 6)
            print(f"  warm, same changes: median {statistics.median(after):.2f} s, max {max(after):.2f} s")

            pg.close()
            warm_figures(browser, url)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--core-only", action="store_true")
    parser.add_argument("--app-only", action="store_true")
    parser.add_argument("--mixed-only", action="store_true", help="only the mixed-data UMAP case")
    args = parser.parse_args()
    if args.mixed_only:
        core_mixed()
        return 0
    if not args.app_only:
        core_cold()
        core_warm()
        core_mixed()
    if not args.core_only:
        app_figures()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
