"""Command-line face of the core: parse arguments, call the library, format the result.

Each subcommand lives in ``imbalance_core/cli/<name>.py`` and exposes ``register(subparsers)``,
which adds its parser with ``set_defaults(func=run)``; ``run(args) -> int`` does the work.
A :class:`~imbalance_core.errors.DataError` becomes one sentence on stderr and exit status 2.
Shared flags are in :mod:`.options` (value checks in :mod:`.arguments`, calibration flags in
:mod:`.calibration_args`), file writing in :mod:`.output`; :mod:`.command_lines` turns a task and
settings back into the command line a page prints. A subcommand parses, calls the library and
formats; JSON shaping lives in the library (:mod:`imbalance_core.learn.summary`).
:mod:`.validation_args` adds evaluate's and report's internal-validation flags.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from imbalance_core.errors import DataError

#: Subcommand modules, in the order ``--help`` lists them. A missing module is simply not offered.
COMMAND_MODULES = ("profile", "evaluate", "compare", "project", "report", "predict", "images", "validate")

__all__ = [
    "COMMAND_MODULES",
    "arguments",
    "build_parser",
    "calibration_args",
    "command_lines",
    "compare",
    "evaluate",
    "images",
    "main",
    "options",
    "output",
    "predict",
    "profile",
    "project",
    "report",
    "validate",
    "validation_args",
]


class _ValueRefusedError(Exception):
    """A flag's value refused by its type (see cli/arguments.py): one sentence, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, except that a value refused by a flag's type is one plain line, not usage + error.

    argparse calls :meth:`error` inside the ``except ArgumentError`` that wraps the type's
    ``ArgumentTypeError``; other mistakes (unknown choice, missing flag) keep argparse's usage text.
    """

    def error(self, message: str) -> NoReturn:
        current = sys.exc_info()[1]
        if isinstance(current, argparse.ArgumentError) and isinstance(
            current.__context__, argparse.ArgumentTypeError
        ):
            raise _ValueRefusedError(message)
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every available subcommand registered."""
    parser = _Parser(
        prog="python -m imbalance_core",
        description="Imbalance Lab: train and judge classifiers on imbalanced medical data.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"imbalance_core.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"imbalance_core.cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _ValueRefusedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
