"""Imbalance Lab core: data intake, resampling, training, threshold metrics, curves, projections, report.

Plain Python with no Streamlit import, so every result the app shows can be reproduced from a script,
a notebook or the command line (``python -m imbalance_core ...``).
"""

__version__ = "0.1.0"
