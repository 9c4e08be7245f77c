"""Plotly figure builders: a result object in, a ``go.Figure`` out; no metric computation here."""
