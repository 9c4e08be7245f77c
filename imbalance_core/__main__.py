"""Entry point for ``python -m imbalance_core``."""

from imbalance_core.cli import main

raise SystemExit(main())
