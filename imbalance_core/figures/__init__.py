"""Figures: plotly builders — a finished result object in, a ``go.Figure`` out, no metric computed.

One module per concern: :mod:`.classes` (class balance and resampling counts), :mod:`.curves` (ROC, PR,
calibration, decision curve, score histogram), :mod:`.calibration` (raw vs recalibrated curves),
:mod:`.decision` (permutation importance bars, subgroup forest plot),
:mod:`.leaderboard` (the Compare table as a chart), :mod:`.projection` (PCA / UMAP maps). Every text
that comes from the data goes through :mod:`.text` so a label can never become live HTML.
:mod:`.stability` draws prediction and calibration instability and the learning curve.
"""

__all__ = ["calibration", "classes", "curves", "decision", "leaderboard", "projection", "stability", "text"]
