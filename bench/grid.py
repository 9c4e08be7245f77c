"""Benchmark: the Compare grid through ``compare.run_grid`` against a plain imbalanced-learn script.

Grid: 6 samplers x 3 classifiers x 5 CV folds (+ one final fit per pair scored on the hold-out) on a
20,000-row generated set (20 numeric features, 10 % positives). Goal: engine wall time <= 1.05x the
plain script's, both cores busy.

Fairness: both sides run in this one process on the same data, the same stratified hold-out split
and the same stratified folds, fit the same estimators (median impute -> standard scale -> sampler ->
classifier, with the same parameters), compute the same seven fold metrics at 0.5 and score the
hold-out, and both spread the same (pair x fold) task list over all cores with
``joblib.Parallel(n_jobs=-1, return_as="generator_unordered")`` (loky). The order of the two runs
alternates over ``ROUNDS`` rounds and the best and median time of each side are reported, so warm-up
of the worker pool is not charged to one side. CPU utilisation = CPU seconds of this process and its
worker processes during the run / (wall seconds x cores). On a machine shared with other work the
wall times swing widely; the CPU seconds each side consumed are the steadier measure of overhead.

Run: ``.venv/bin/python bench/grid.py`` (about a minute or two on two cores).

``--dask``: the same engine grid on loky (this machine, as the app runs without a scheduler) against a
2-worker ``dask.distributed.LocalCluster`` (worker processes, one thread each, data scattered once;
:mod:`imbalance_core.learn.execution`), alternating over the rounds in this one run (goal: Dask wall
time <= 1.10x loky). Then a grid whose tasks take seconds each: random forest (and random
under-sampling + random forest) on ``--rf-rows`` rows (100,000 by default; the diabetes file when
IMBALANCE_SHARED points at the shared folder, else generated), ``--rf-cv`` folds, once per side.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from imblearn.over_sampling import ADASYN, SMOTE, BorderlineSMOTE, RandomOverSampler
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from joblib import Parallel, delayed
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    f1_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from imbalance_core.intake.task import PreparedData
from imbalance_core.learn import compare, training

N_ROWS = 20_000
N_FEATURES = 20
POSITIVE_SHARE = 0.10
SEED = 0
CV = 5
TEST_SIZE = 0.25
ROUNDS = 3
SAMPLERS = ("none", "random_under", "random_over", "smote", "borderline_smote", "adasyn")
CLASSIFIERS = ("logreg", "hist_gb", "knn")


def make_data(n_rows: int = N_ROWS) -> PreparedData:
    """A generated all-numeric binary task (default 20,000 rows), 10 % positives, a few missing cells."""
    X, y = make_classification(
        n_samples=n_rows,
        n_features=N_FEATURES,
        n_informative=8,
        n_redundant=4,
        weights=[1 - POSITIVE_SHARE],
        flip_y=0.02,
        class_sep=0.8,
        random_state=SEED,
    )
    rng = np.random.default_rng(SEED)
    X[rng.random(X.shape) < 0.01] = np.nan
    cols = [f"x{i:02d}" for i in range(N_FEATURES)]
    return PreparedData(
        X=pd.DataFrame(X, columns=cols),
        y=y.astype(np.int64),
        class_names=("negative", "positive"),
        label="label",
        numeric_features=tuple(cols),
        categorical_features=(),
        name="generated",
        source_sha256="bench",
    )


# --- the plain hand-written script -----------------------------------------------------------------
PLAIN_SAMPLERS = {
    "none": lambda seed: "passthrough",
    "random_under": lambda seed: RandomUnderSampler(random_state=seed),
    "random_over": lambda seed: RandomOverSampler(random_state=seed),
    "smote": lambda seed: SMOTE(random_state=seed),
    "borderline_smote": lambda seed: BorderlineSMOTE(random_state=seed),
    "adasyn": lambda seed: ADASYN(random_state=seed),
}
#: The registry's defaults, written out (models.py): C=1, 2000 iterations; 100 rounds, 31 leaves; k=15.
PLAIN_CLASSIFIERS = {
    "logreg": lambda seed: LogisticRegression(C=1.0, max_iter=2000, random_state=seed),
    "hist_gb": lambda seed: HistGradientBoostingClassifier(
        learning_rate=0.1, max_iter=100, max_leaf_nodes=31, random_state=seed
    ),
    "knn": lambda seed: KNeighborsClassifier(n_neighbors=15, weights="uniform"),
}
#: Models whose features are standardised (as the registry's ``needs_scaling`` says).
SCALED = {"logreg", "knn"}


def plain_pipeline(sampler: str, classifier: str, seed: int) -> Pipeline:
    """Median impute -> sampler -> scale (for models that need it) -> classifier, written out by hand."""
    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median")),
            ("sampler", PLAIN_SAMPLERS[sampler](seed)),
            ("scale", StandardScaler() if classifier in SCALED else "passthrough"),
            ("classifier", PLAIN_CLASSIFIERS[classifier](seed)),
        ]
    )


def plain_metrics(y: np.ndarray, score: np.ndarray) -> dict[str, float]:
    """The seven fold metrics at threshold 0.5."""
    pred = (score >= 0.5).astype(int)
    return {
        "roc_auc": roc_auc_score(y, score),
        "pr_auc": average_precision_score(y, score),
        "balanced_accuracy": balanced_accuracy_score(y, pred),
        "sensitivity": recall_score(y, pred, zero_division=0),
        "specificity": recall_score(y, pred, pos_label=0, zero_division=0),
        "f1": f1_score(y, pred, zero_division=0),
        "accuracy": accuracy_score(y, pred),
    }


def plain_task(X, y, train_idx, eval_idx, sampler, classifier, seed):
    """Fit one pipeline on ``train_idx`` rows and score ``eval_idx`` rows."""
    t0 = time.perf_counter()
    pipe = plain_pipeline(sampler, classifier, seed).fit(X[train_idx], y[train_idx])
    score = pipe.predict_proba(X[eval_idx])[:, 1]
    return sampler, classifier, plain_metrics(y[eval_idx], score), time.perf_counter() - t0


def plain_script(data: PreparedData) -> list:
    """The same folds and final fits, hand-written, over all cores."""
    X = data.X.to_numpy()
    y = data.y
    idx = np.arange(len(y))
    train_idx, test_idx = train_test_split(idx, test_size=TEST_SIZE, stratify=y, random_state=SEED)
    folds = StratifiedKFold(CV, shuffle=True, random_state=SEED).split(train_idx, y[train_idx])
    splits = [(train_idx[a], train_idx[b]) for a, b in folds] + [(train_idx, test_idx)]
    tasks = [
        delayed(plain_task)(X, y, tr, ev, s, c, SEED)
        for s in SAMPLERS
        for c in CLASSIFIERS
        for tr, ev in splits
    ]
    return list(Parallel(n_jobs=-1, return_as="generator_unordered")(tasks))


# --- the engine ------------------------------------------------------------------------------------
def engine(data: PreparedData) -> compare.CompareResult:
    """The same grid through the app's comparison engine."""
    base = training.TrainSettings(cv=CV, test_size=TEST_SIZE, seed=SEED)
    return compare.run_grid(data, SAMPLERS, CLASSIFIERS, base, n_jobs=-1)


# --- measurement -----------------------------------------------------------------------------------
def _cpu_seconds_of_tree() -> float:
    """CPU seconds (user + system) of this process and its live descendants, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        parents[pid] = int(fields[1])
        times[pid] = (int(fields[11]) + int(fields[12])) / tick
    me = os.getpid()
    total = 0.0
    for pid in times:
        p = pid
        while p not in (0, 1) and p in parents:
            if p == me:
                total += times[pid]
                break
            p = parents[p]
    return total


def measure(fn, data) -> tuple[float, float, object]:
    """Wall seconds, CPU utilisation (0-1 over all cores) and the result of ``fn(data)``."""
    cpu0, t0 = _cpu_seconds_of_tree(), time.perf_counter()
    out = fn(data)
    wall = time.perf_counter() - t0
    cpu = _cpu_seconds_of_tree() - cpu0
    return wall, cpu / (wall * (os.cpu_count() or 1)), out


def _engine_on(scheduler: str, samplers, classifiers, cv: int = CV):
    """The engine grid on loky (scheduler "") or on the Dask scheduler at ``scheduler``."""

    def run(data: PreparedData) -> compare.CompareResult:
        base = training.TrainSettings(cv=cv, test_size=TEST_SIZE, seed=SEED)
        return compare.run_grid(data, samplers, classifiers, base, n_jobs=-1, scheduler=scheduler)

    return run


def _rf_data(rows: int) -> PreparedData:
    """The diabetes file (first ``rows`` encounters, split by patient) if present, else generated rows."""
    shared = Path(os.environ.get("IMBALANCE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    path = shared / "data" / "diabetes_130_hospitals.csv"
    if not path.exists():
        return make_data(rows)
    from imbalance_core.intake.read import read_table
    from imbalance_core.intake.task import TaskSpec, prepare

    table = read_table(path)
    data = prepare(table, TaskSpec(label="readmitted", positive=("<30",)))
    if rows < len(data.y):
        keep = np.arange(rows)
        data = PreparedData(
            **{
                **data.__dict__,
                "X": data.X.iloc[keep].reset_index(drop=True),
                "y": data.y[keep],
                "groups": {k: v[keep] for k, v in data.groups.items()},
            }
        )
    return data


def dask_main(args: argparse.Namespace) -> None:
    """loky vs a 2-worker LocalCluster on the same grid, alternating, then the random-forest grid."""
    from dask.distributed import LocalCluster

    data = make_data(args.rows)
    n_tasks = len(SAMPLERS) * len(CLASSIFIERS) * (CV + 1)
    print(f"data: {args.rows:,} rows x {N_FEATURES} features; grid {n_tasks} tasks; cores: {os.cpu_count()}")
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1"
    ) as cluster:
        address = cluster.scheduler_address
        sides = (
            ("loky", _engine_on("", SAMPLERS, CLASSIFIERS)),
            ("dask", _engine_on(address, SAMPLERS, CLASSIFIERS)),
        )
        runs: dict[str, list[float]] = {"loky": [], "dask": []}
        results = {}
        for r in range(args.rounds):
            for name, fn in sides if r % 2 == 0 else sides[::-1]:
                wall, util, out = measure(fn, data)
                results[name] = out
                runs[name].append(wall)
                print(f"round {r + 1} {name:>4}: {wall:7.2f} s wall, CPU utilisation {util:5.1%}", flush=True)
        same = all(
            np.array_equal(a.result.oof_scores, b.result.oof_scores)
            for a, b in zip(results["loky"].rows, results["dask"].rows, strict=True)
            if a.result is not None
        )
        best = min(runs["dask"]) / min(runs["loky"])
        median = float(np.median(runs["dask"]) / np.median(runs["loky"]))
        print(
            f"loky best {min(runs['loky']):.2f} s, dask best {min(runs['dask']):.2f} s; "
            f"identical scores: {same}"
        )
        print(
            f"ratio dask/loky: best {best:.3f}, median {median:.3f} (goal <= 1.10) -> "
            f"{'MET' if best <= 1.10 else 'NOT MET'} on best times"
        )
        if args.rf_rows <= 0:
            return
        rf = _rf_data(args.rf_rows)
        pairs = (("none", "random_under"), ("random_forest",))
        n_rf = len(pairs[0]) * (args.rf_cv + 1)
        print(
            f"random-forest grid: {len(rf.y):,} rows x {rf.X.shape[1]} columns ({rf.name}), "
            f"{n_rf} tasks ({args.rf_cv} folds + final fit per pair)",
            flush=True,
        )
        walls = {}
        for name, scheduler in (("loky", ""), ("dask", address)):
            wall, util, out = measure(_engine_on(scheduler, *pairs, cv=args.rf_cv), rf)
            walls[name] = wall
            errors = [row.error for row in out.rows if row.error]
            print(f"  {name:>4}: {wall:7.2f} s wall, CPU utilisation {util:5.1%} {errors or ''}", flush=True)
        print(f"  ratio dask/loky on the random-forest grid: {walls['dask'] / walls['loky']:.3f}")


def main() -> None:
    """Run both sides ROUNDS times (alternating order) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=N_ROWS, help="rows of the generated set")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="alternating rounds per side")
    parser.add_argument("--dask", action="store_true", help="loky vs a 2-worker Dask LocalCluster")
    parser.add_argument("--rf-rows", type=int, default=100_000, help="--dask: rows of the random-forest grid")
    parser.add_argument("--rf-cv", type=int, default=2, help="--dask: folds of the random-forest grid")
    args = parser.parse_args()
    if args.dask:
        dask_main(args)
        return
    data = make_data(args.rows)
    n_tasks = len(SAMPLERS) * len(CLASSIFIERS) * (CV + 1)
    print(
        f"data: {args.rows:,} rows x {N_FEATURES} features, {int(data.y.sum()):,} positives; "
        f"cores: {os.cpu_count()}"
    )
    print(
        f"grid: {len(SAMPLERS)} samplers x {len(CLASSIFIERS)} classifiers x ({CV} folds + final fit) "
        f"= {n_tasks} tasks"
    )
    runs: dict[str, list[tuple[float, float]]] = {"plain": [], "engine": []}
    for r in range(args.rounds):
        order = (("plain", plain_script), ("engine", engine))
        for name, fn in order if r % 2 == 0 else order[::-1]:
            wall, util, out = measure(fn, data)
            cpu = util * wall * (os.cpu_count() or 1)
            print(
                f"round {r + 1} {name:>6}: {wall:7.2f} s wall, {cpu:6.1f} CPU s, CPU utilisation {util:5.1%}",
                flush=True,
            )
            if name == "engine":
                failed = [row.label for row in out.rows if row.error]
                if failed:
                    print(f"   failed pairs: {failed}")
            runs[name].append((wall, util))
    cores = os.cpu_count() or 1
    for name, values in runs.items():
        walls = sorted(w for w, _ in values)
        best_util = min(values)[1]
        cpu = float(np.median([w * u * cores for w, u in values]))
        print(
            f"{name:<7}: best {walls[0]:.2f} s (CPU {best_util:.0%} of {cores} cores), "
            f"median {float(np.median(walls)):.2f} s, median {cpu:.1f} CPU s"
        )
    best_ratio = min(w for w, _ in runs["engine"]) / min(w for w, _ in runs["plain"])
    median_ratio = float(np.median([w for w, _ in runs["engine"]]) / np.median([w for w, _ in runs["plain"]]))
    cpu_of = {name: float(np.median([w * u for w, u in values])) for name, values in runs.items()}
    cpu_ratio = cpu_of["engine"] / cpu_of["plain"]
    print(f"CPU-seconds ratio engine/plain (insensitive to other load on the machine): {cpu_ratio:.3f}")
    print(
        f"ratio engine/plain: best {best_ratio:.3f}, median {median_ratio:.3f} (goal <= 1.05) -> "
        f"{'MET' if best_ratio <= 1.05 else 'NOT MET'} on best times"
    )


if __name__ == "__main__":
    main()
