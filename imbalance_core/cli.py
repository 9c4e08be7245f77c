"""Command-line face of the core: parse arguments, call the library, format the result.

Each subcommand lives in ``imbalance_core/commands/<name>.py`` and exposes ``register(subparsers)``,
which adds its parser with ``set_defaults(func=run)``; ``run(args) -> int`` does the work.
A :class:`~imbalance_core.errors.DataError` becomes one sentence on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from imbalance_core.errors import DataError

#: Subcommand modules, in the order ``--help`` lists them. A missing module is simply not offered.
COMMAND_MODULES = ("profile", "evaluate", "compare", "project", "report", "predict")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every available subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="python -m imbalance_core",
        description="Imbalance Lab: train and judge classifiers on imbalanced medical data.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"imbalance_core.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"imbalance_core.commands.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the process exit status (0 ok, 2 bad input)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
