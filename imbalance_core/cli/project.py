"""``project``: the Explore page's PCA / UMAP picture of the training rows, from the command line.

    python -m imbalance_core project FILE --label COL [evaluate's data flags] --sampler KEY
        [--ratio R] [--seed S] [--test-size F] [--no-clip] [--clip-bound COL:LOW:HIGH] [...]
        [--method pca|umap] [--dims 2|3] [--n-neighbors N] [--min-dist D] [--n-epochs E]
        [--max-points N] [--out POINTS.csv] [--html FIGURE.html] [--json]

The rows are the ones training uses (:func:`imbalance_core.learn.training.resample_for_view`: same split,
preprocessing and sampler) and the map is :func:`imbalance_core.maps.projection.project_resampled`, fitted on
the
real training rows only — exactly the Explore page's path, so the same settings give the same picture.
Prints the row counts, the sampling notes and (PCA) the explained variance and top loadings;
``--out`` writes one CSV row per drawn point, ``--html`` the page's plotly figure as a standalone file
with plotly.js inline (opens offline). The data and training flags are evaluate's
(:mod:`imbalance_core.cli.evaluate`); classifier settings are accepted but do not change the picture.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from imbalance_core.cli.options import (
    add_common_training_args,
    add_data_args,
    add_model_args,
    load_prepared,
    settings_from_args,
)
from imbalance_core.cli.output import write_bytes
from imbalance_core.errors import DataError
from imbalance_core.evaluation.formatting import percent
from imbalance_core.figures.projection import resampled_projection_figure
from imbalance_core.learn.samplers import SAMPLERS
from imbalance_core.learn.training import TrainSettings, resample_for_view
from imbalance_core.maps.projection import (
    MAX_POINTS,
    METHODS,
    hover_columns,
    project_resampled,
)
from imbalance_core.share import predict, report_html
from imbalance_core.share.map_export import points_frame, summary_json
from imbalance_core.share.model_file import new_export_id

#: Fewest points a panel may be cut down to with ``--max-points``.
MIN_MAX_POINTS = 100
#: UMAP-only flags (refused with PCA rather than silently ignored): argparse dest -> flag.
UMAP_FLAGS = {"n_neighbors": "--n-neighbors", "min_dist": "--min-dist", "n_epochs": "--n-epochs"}


@dataclass(frozen=True)
class ProjectionRequest:
    """The checked projection flags: method key, dimensions, method settings, points per panel."""

    method: str
    dims: int
    params: tuple[tuple[str, Any], ...]
    max_points: int


# --------------------------------------------------------------------------- checking the flags


#: Upper bounds of the UMAP settings: far above any useful value, low enough that a typo (an extra
#: few zeros) is a sentence instead of an overflow deep inside UMAP or hours of optimisation.
MAX_N_NEIGHBORS = 1_000
MAX_N_EPOCHS = 10_000
MAX_MAX_POINTS = 1_000_000


def _whole_number(text: str, flag: str, lowest: int, example: int, highest: int | None = None) -> int:
    """``text`` as a whole number from ``lowest`` to ``highest``; DataError naming ``flag`` otherwise."""
    try:
        value = int(str(text).strip())
    except ValueError:
        raise DataError(f"{flag} needs a whole number, e.g. {flag} {example}.") from None
    if value < lowest:
        raise DataError(f"{flag} must be at least {lowest}.")
    if highest is not None and value > highest:
        raise DataError(f"{flag} must be at most {highest:,}, e.g. {flag} {example}.")
    return value


def _number_between(text: str, flag: str, low: float, high: float) -> float:
    """``text`` as a finite number in [low, high]; DataError naming ``flag`` otherwise."""
    try:
        value = float(str(text).strip())
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and low <= value <= high):
        raise DataError(f"{flag} needs a number from {low:g} to {high:g}, e.g. {flag} 0.1.")
    return value


def parse_request(
    method: str,
    dims: str | None = None,
    n_neighbors: str | None = None,
    min_dist: str | None = None,
    n_epochs: str | None = None,
    max_points: str | None = None,
) -> ProjectionRequest:
    """Check the projection flags (given as the typed text) and fill in the method's defaults.

    Why here and not argparse types: a mistake must be a :class:`DataError` sentence (exit 2 through
    ``cli.main``), and flags that would be silently ignored (UMAP settings with PCA, 3-D UMAP) are refused.
    """
    key = str(method).strip().lower()
    if key not in METHODS:
        raise DataError(f"Unknown projection method; choose one of: {', '.join(METHODS)}.")
    spec = METHODS[key]
    n_dims = 2 if dims is None else _whole_number(dims, "--dims", 2, 2)
    if n_dims not in (2, 3):
        raise DataError("--dims must be 2 or 3.")
    if n_dims > spec.max_components:
        raise DataError(
            f"{spec.name} draws {spec.max_components}-D maps only; leave out --dims, "
            "or use --method pca for a 3-D picture."
        )
    given = {"n_neighbors": n_neighbors, "min_dist": min_dist, "n_epochs": n_epochs}
    if key != "umap":
        extra = [UMAP_FLAGS[name] for name, value in given.items() if value is not None]
        if extra:
            raise DataError(
                f"UMAP settings ({', '.join(extra)}) do not apply to {spec.name}; "
                "add --method umap or leave them out."
            )
    params: dict[str, Any] = dict(spec.defaults)
    if n_neighbors is not None:
        params["n_neighbors"] = _whole_number(n_neighbors, "--n-neighbors", 2, 15, MAX_N_NEIGHBORS)
    if min_dist is not None:
        params["min_dist"] = _number_between(min_dist, "--min-dist", 0.0, 1.0)
    if n_epochs is not None:
        params["n_epochs"] = _whole_number(n_epochs, "--n-epochs", 1, 200, MAX_N_EPOCHS)
    points = (
        MAX_POINTS
        if max_points is None
        else _whole_number(max_points, "--max-points", MIN_MAX_POINTS, 5000, MAX_MAX_POINTS)
    )
    return ProjectionRequest(method=key, dims=n_dims, params=tuple(sorted(params.items())), max_points=points)


def request_from_args(args: argparse.Namespace) -> ProjectionRequest:
    """:func:`parse_request` on the parsed command line."""
    return parse_request(
        args.method, args.dims, args.n_neighbors, args.min_dist, args.n_epochs, args.max_points
    )


# --------------------------------------------------------------------------- the projection


def projection_html(figure: go.Figure) -> str:
    """A standalone HTML page of ``figure`` with plotly.js inline (no CDN; opens offline), as the report."""
    return pio.to_html(figure, include_plotlyjs=True, full_html=True, config=report_html.PLOTLY_CONFIG)


# --------------------------------------------------------------------------- output


def format_text(payload: dict[str, Any]) -> str:
    """A readable summary of :func:`summary_json`'s dict for a terminal."""
    s, c = payload["settings"], payload["counts"]
    method = METHODS[payload["method"]].name
    params = ", ".join(f"{k} {v}" for k, v in payload["params"].items())
    lines = [
        f"{payload['data']['name']}: {method} ({payload['n_components']}-D{', ' + params if params else ''}) "
        f"of the training rows, sampler {SAMPLERS[s['sampler']].name}, ratio {s['ratio']:.3g}, "
        f"seed {s['seed']}",
        f"rows: {c['real']} real training rows ({c['kept']} kept, {c['removed']} removed by the sampler), "
        f"{c['synthetic']} synthetic, {c['after']} after resampling",
    ]
    for when in ("before", "after"):
        counts = payload["class_counts"][when]
        lines.append(f"classes {when}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    lines += payload["sample_notes"]
    for comp in payload["components"]:
        if "explained_variance_ratio" in comp:
            top = ", ".join(f"{ld['feature']} ({ld['weight']:+.2f})" for ld in comp["loadings"])
            lines.append(f"{comp['axis']}: {percent(comp['explained_variance_ratio'])} of the variance; "
                         f"top loadings {top}")  # fmt: skip
    lines += [f"note: {n}" for n in payload["notices"]]
    lines += [f"wrote {what}: {path}" for what, path in payload["files"].items()]
    return "\n".join(lines)


# --------------------------------------------------------------------------- the subcommand


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``project`` subcommand."""
    p = sub.add_parser(
        "project",
        help="the Explore page's PCA/UMAP picture of the training rows before and after resampling",
        description="Split and preprocess like training, run the sampler on the training part, fit a PCA or "
        "UMAP map on the real training rows only and place the resampled rows on it (as the Explore page "
        "does). Prints counts and, for PCA, explained variance and loadings; writes the points (--out) "
        "and the interactive figure (--html). Classifier settings are accepted but do not change it.",
    )
    add_data_args(p)
    add_model_args(
        p,
        classifier_help="classifier --param is checked against (the picture does not depend on it; "
        f"default {TrainSettings().classifier})",
    )
    add_common_training_args(p)
    g = p.add_argument_group("projection")
    g.add_argument(
        "--method", default="pca", metavar="METHOD", help=f"projection: {', '.join(METHODS)} (default pca)"
    )
    g.add_argument("--dims", metavar="2|3", help="dimensions: 2 or 3 (3 for PCA only; default 2)")
    defaults = dict(METHODS["umap"].defaults)
    g.add_argument(
        "--n-neighbors", metavar="N", help=f"UMAP neighbours, at least 2 (default {defaults['n_neighbors']})"
    )
    g.add_argument(
        "--min-dist", metavar="D", help=f"UMAP minimum distance, 0 to 1 (default {defaults['min_dist']})"
    )
    g.add_argument(
        "--n-epochs", metavar="E", help=f"UMAP layout passes, at least 1 (default {defaults['n_epochs']})"
    )
    g.add_argument(
        "--max-points",
        metavar="N",
        help=f"draw a stratified sample of at most N rows per panel, at least {MIN_MAX_POINTS} "
        f"(default {MAX_POINTS:,})",
    )
    o = p.add_argument_group("output")
    o.add_argument(
        "--out",
        metavar="POINTS.csv",
        help="write one row per drawn point: panel, kind, class, training row, coordinates, lab values",
    )
    o.add_argument(
        "--html", metavar="FIGURE.html", help="write the interactive figure as a standalone HTML file"
    )
    o.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the flags, resample, project, write the files asked for, print the summary."""
    request = request_from_args(args)
    data = load_prepared(args)
    settings = settings_from_args(args, args.sampler, args.classifier, data)
    view = resample_for_view(data, settings)
    say = (lambda msg: print(f"{msg}…", file=sys.stderr)) if request.method == "umap" else None
    result = project_resampled(
        view,
        request.method,
        request.dims,
        params=dict(request.params),
        seed=settings.seed,
        max_points=request.max_points,
        hover_features=hover_columns(view, data.numeric_features),
        progress=say,
    )
    export_id = new_export_id()
    files: dict[str, str] = {}
    if args.out:
        csv = predict.csv_bytes(points_frame(result, data.class_names), export_id=export_id)
        write_bytes(args.out, csv, "points file")
        files["points"] = args.out
    if args.html:
        figure = resampled_projection_figure(result, data.class_names, SAMPLERS[settings.sampler].name)
        write_bytes(args.html, projection_html(figure).encode("utf-8"), "HTML figure")
        files["html"] = args.html
    payload = summary_json(result, view, data, settings, export_id, files)
    print(json.dumps(payload, indent=2, ensure_ascii=False) if args.json else format_text(payload))
    return 0
