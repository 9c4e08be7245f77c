"""evaluate's calibration flags and output: ``--calibration-boot`` and ``--compare-baseline``.

``--recalibrate`` itself is a training setting (see ``add_common_training_args``). The JSON this adds
(``calibration`` and, with ``--compare-baseline``, ``resampling_effect``) is documented in
``docs/CALIBRATION.md``.
"""

from __future__ import annotations

import argparse
from typing import Any

from imbalance_core.cli import arguments
from imbalance_core.errors import DataError
from imbalance_core.evaluation.calibration import N_BOOT
from imbalance_core.learn.calibration_summary import calibration_summary, format_summary

#: Most bootstrap resamples accepted: 100x the default; each refits a calibration curve.
MAX_BOOT = 20_000


def add_calibration_args(parser: argparse.ArgumentParser) -> None:
    """Add the calibration group to a subcommand."""
    g = parser.add_argument_group("calibration")
    g.add_argument(
        "--calibration-boot",
        type=arguments.integer("--calibration-boot", 20, MAX_BOOT, str(N_BOOT)),
        default=N_BOOT,
        metavar="B",
        help=f"bootstrap resamples for the calibration intervals (default {N_BOOT}, 20 to {MAX_BOOT:,})",
    )
    g.add_argument(
        "--compare-baseline",
        action="store_true",
        help="also fit the same classifier without resampling or weights and report 'did resampling help?'",
    )


def add_calibration_output(payload: dict[str, Any], result: Any, data: Any, args: argparse.Namespace) -> str:
    """Put ``calibration`` (and ``resampling_effect``) into ``payload``; return extra text lines."""
    payload["calibration"] = None
    payload["resampling_effect"] = None
    if not result.is_binary:
        return ""
    boot = int(getattr(args, "calibration_boot", N_BOOT))
    if boot < 20:
        raise DataError("--calibration-boot needs at least 20 resamples.")
    summary = calibration_summary(result, n_boot=boot, seed=int(result.settings.seed))
    payload["calibration"] = summary.as_dict()
    text = "\n" + format_summary(summary)
    if getattr(args, "compare_baseline", False):
        from imbalance_core.learn import resampling_effect
        from imbalance_core.learn.training import train

        base = train(data, resampling_effect.baseline_settings(result.settings))
        effect = resampling_effect.compare_to_baseline(
            result, base, n_boot=boot, seed=int(result.settings.seed)
        )
        payload["resampling_effect"] = effect.as_dict()
        text += "\ndid resampling help? " + effect.sentence
    return text
