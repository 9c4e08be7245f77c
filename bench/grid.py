"""Benchmark: the Compare grid through ``compare.run_grid`` against a plain imbalanced-learn script.

Grid: 6 samplers x 3 classifiers x 5 CV folds (+ one final fit per pair scored on the hold-out) on a
20,000-row generated set (20 numeric features, 10 % positives). Goal: engine wall time <= 1.05x the
plain script's, both cores busy.

Fairness: both sides run in this one process on the same data, the same stratified hold-out split
and the same stratified folds, fit the same estimators (median impute -> standard scale -> sampler ->
classifier, with the same parameters), compute the same seven fold metrics at 0.5 and score the
hold-out, and both spread the same (pair x fold) task list over all cores with
``joblib.Parallel(n_jobs=-1, return_as="generator_unordered")`` (loky). The order of the two runs
alternates over ``ROUNDS`` rounds and the best time of each side is reported, so warm-up of the
worker pool is not charged to one side. CPU utilisation = CPU seconds of this process and its
worker processes during the run / (wall seconds x cores).

Run: ``.venv/bin/python bench/grid.py`` (about a minute or two on two cores).
"""

from __future__ import annotations

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

from imbalance_core import compare, training
from imbalance_core.dataset import PreparedData

N_ROWS = 20_000
N_FEATURES = 20
POSITIVE_SHARE = 0.10
SEED = 0
CV = 5
TEST_SIZE = 0.25
ROUNDS = 2
SAMPLERS = ("none", "random_under", "random_over", "smote", "borderline_smote", "adasyn")
CLASSIFIERS = ("logreg", "hist_gb", "knn")


def make_data() -> PreparedData:
    """A 20,000-row all-numeric binary task with 10 % positives and a few missing cells."""
    X, y = make_classification(
        n_samples=N_ROWS,
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
PLAIN_CLASSIFIERS = {
    "logreg": lambda seed: LogisticRegression(max_iter=1000),
    "hist_gb": lambda seed: HistGradientBoostingClassifier(random_state=seed),
    "knn": lambda seed: KNeighborsClassifier(n_neighbors=15),
}


def plain_pipeline(sampler: str, classifier: str, seed: int) -> Pipeline:
    """Median impute -> scale -> sampler -> classifier, written out by hand."""
    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median")),
            ("scale", StandardScaler()),
            ("sampler", PLAIN_SAMPLERS[sampler](seed)),
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


def main() -> None:
    """Run both sides ROUNDS times (alternating order) and print the figures."""
    data = make_data()
    n_tasks = len(SAMPLERS) * len(CLASSIFIERS) * (CV + 1)
    print(f"data: {N_ROWS:,} rows x {N_FEATURES} features, {int(data.y.sum()):,} positives; "
          f"cores: {os.cpu_count()}")
    print(f"grid: {len(SAMPLERS)} samplers x {len(CLASSIFIERS)} classifiers x ({CV} folds + final fit) "
          f"= {n_tasks} tasks")
    best = {"plain": (np.inf, 0.0), "engine": (np.inf, 0.0)}
    for r in range(ROUNDS):
        order = (("plain", plain_script), ("engine", engine))
        for name, fn in order if r % 2 == 0 else order[::-1]:
            wall, util, out = measure(fn, data)
            print(f"round {r + 1} {name:>6}: {wall:7.2f} s wall, CPU utilisation {util:5.1%}")
            if name == "engine":
                failed = [row.label for row in out.rows if row.error]
                if failed:
                    print(f"   failed pairs: {failed}")
            best[name] = min(best[name], (wall, util))
    ratio = best["engine"][0] / best["plain"][0]
    print(f"plain script: {best['plain'][0]:.2f} s (CPU {best['plain'][1]:.0%})")
    print(f"engine      : {best['engine'][0]:.2f} s (CPU {best['engine'][1]:.0%})")
    print(f"ratio engine/plain: {ratio:.3f} (goal <= 1.05) -> {'MET' if ratio <= 1.05 else 'NOT MET'}")


if __name__ == "__main__":
    main()
