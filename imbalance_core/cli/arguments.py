"""argparse types for every number the CLI takes: finite and in range, or a sentence naming the flag.

``type=float`` lets ``nan``, ``inf`` and ``1e400`` through (they crash far from the flag, or give
meaningless results); ``type=int`` lets a negative seed through. Each type here checks one flag's
value where it is typed and raises :class:`argparse.ArgumentTypeError`, which argparse turns into
``error: argument --threshold: must be ...`` and exit status 2.

Checks that need the data (one class weight per class, folds against the rarest class) happen in the
core, :func:`imbalance_core.learn.settings_check.check_settings`, so the pages get the same sentence.

:func:`parse_keys` reads a comma-separated list of registry keys (``--samplers``, ``--techniques``);
it lives here, below every command, so the commands that take such lists need not import each other.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Mapping
from typing import Any

from imbalance_core.errors import DataError

#: numpy's random seeds (``RandomState``, ``train_test_split``) must lie in [0, 2**32 - 1].
MAX_SEED = 2**32 - 1
#: More folds than this is never sensible here (and would take hours).
MAX_FOLDS = 100


def _finite(text: str, flag: str, example: str) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"must be a number, e.g. {example}.") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number (not nan or infinity), e.g. {example}.")
    return value


def number(
    flag: str, low: float, high: float, example: str, *, open_interval: bool = False
) -> Callable[[str], float]:
    """An argparse type for a finite float in [low, high] (or (low, high) with ``open_interval``)."""

    def parse(text: str) -> float:
        value = _finite(text, flag, example)
        inside = low < value < high if open_interval else low <= value <= high
        if not inside:
            bounds = "strictly between" if open_interval else "from"
            joiner = "and" if open_interval else "to"
            raise argparse.ArgumentTypeError(
                f"must be a number {bounds} {low:g} {joiner} {high:g}, e.g. {example}."
            )
        return value

    parse.__name__ = flag.lstrip("-").replace("-", "_")
    return parse


def integer(
    flag: str, low: int, high: int, example: str, *, also: tuple[int, ...] = ()
) -> Callable[[str], int]:
    """An argparse type for a whole number in [low, high] (or one of ``also``, e.g. -1 for every core)."""

    def parse(text: str) -> int:
        try:
            value = int(str(text).strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, e.g. {example}.") from None
        if value in also:
            return value
        if not low <= value <= high:
            extra = "".join(f" or {v}" for v in also)
            raise argparse.ArgumentTypeError(
                f"must be a whole number from {low} to {high:,}{extra}, e.g. {example}."
            )
        return value

    parse.__name__ = flag.lstrip("-").replace("-", "_")
    return parse


threshold = number("--threshold", 0, 1, "0.3")
prevalence = number("--prevalence", 0, 1, "0.05 for 5 %", open_interval=True)
test_size = number("--test-size", 0, 1, "0.25", open_interval=True)
tradeoff = number("--tradeoff", 0, 1, "0.5")
seed = integer("--seed", 0, MAX_SEED, "42")
folds = integer("--cv", 2, MAX_FOLDS, "5")
jobs = integer("--jobs", 1, 1024, "4", also=(-1,))
pretest = number("--pretest", 0, 1, "0.1 for 10 %", open_interval=True)

#: ``--pretest``'s help, the same in every command that takes it. The fallback when the flag is absent is
#: the same everywhere too (evaluate's add_likelihood_ratios, share/report_likelihood.pretest_and_source).
PRETEST_HELP = (
    "pre-test probability of disease for the post-test probabilities after a positive and a negative "
    "result (likelihood ratios; default: the deployment prevalence --prevalence, else the hold-out's own "
    "prevalence)"
)


def add_pretest(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """Add ``--pretest P`` (0 < P < 1, default None: fall back to the prevalence) to a command or group.

    Declared once so ``evaluate`` and ``report`` accept and refuse the same values with the same help.
    """
    parser.add_argument("--pretest", type=pretest, metavar="P", help=PRETEST_HELP)


def class_weights(text: str) -> str:
    """``--class-weights W0,W1,...``: finite numbers above 0, comma-separated; returned as given.

    The count (one per class) is checked once the data is read (settings_check); empty means none.
    """
    flag, example = "--class-weights", "1,10"
    if not str(text).strip():
        return ""  # the default (argparse passes string defaults through the type too)
    parts = [p.strip() for p in str(text).split(",")]
    if not parts or any(not p for p in parts):
        raise argparse.ArgumentTypeError(f"must be numbers separated by commas, e.g. {example}.")
    values = [_finite(p, flag, example) for p in parts]
    if any(v <= 0 for v in values):
        raise argparse.ArgumentTypeError(
            f"must all be above 0 (a weight of 0 makes the model ignore that class), e.g. {example}."
        )
    return ",".join(parts)


def clip_bound(text: str) -> tuple[str, float, float]:
    """``--clip-bound COLUMN:LOW:HIGH`` with finite LOW < HIGH; the column name may contain colons."""
    flag, example = "--clip-bound", "Age:0:120"
    try:
        column, low, high = str(text).rsplit(":", 2)
    except ValueError:
        raise argparse.ArgumentTypeError(f"write it as COLUMN:LOW:HIGH, e.g. {example}.") from None
    lo, hi = _finite(low, flag, example), _finite(high, flag, example)
    if not column or lo >= hi:
        raise argparse.ArgumentTypeError(f"needs a column name and LOW below HIGH, e.g. {example}.")
    return column, lo, hi


def parse_keys(text: str, registry: Mapping[str, Any], what: str) -> list[str]:
    """Comma-separated registry keys, in order, duplicates dropped; DataError names the valid keys."""
    keys = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [k for k in keys if k not in registry]
    if unknown or not keys:
        raise DataError(f"Unknown or missing {what}; choose from: {', '.join(registry)}.")
    return keys
