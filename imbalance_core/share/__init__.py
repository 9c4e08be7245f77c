"""Share: what leaves the app — the report, the model file and predictions for new patients.

:mod:`.report` gathers a :class:`~.report.ReportContent` (every number as text, every table, the figure
data) from a trained result at the one current threshold (:mod:`.report_calibration` its calibration
section, :mod:`.report_threshold` the threshold interval and rule-out / rule-in text);
:mod:`.report_pdf` and :mod:`.report_html` only lay it out (static figures in
:mod:`.report_figures`); :mod:`.model_file` writes and reads the skops model file (no pickle; the
sampler and its patient rows left out; files of the older flat layout migrated on load), with
:mod:`.model_checks` refusing an uploaded file whose arrays are too large or whose trees, neighbour
indexes or support vectors are inconsistent (what skops' type list cannot judge);
:mod:`.predict` scores a CSV of new patients with a saved model at its saved threshold;
:mod:`.report_decision` adds the subgroup, importance and sample-size sections and :mod:`.checklist`
the TRIPOD+AI / STARD 2015 appendix; :mod:`.validate` judges a saved model on a new site's file
(external validation, updating, drift, prevalence) and :mod:`.validate_report` writes its PDF.
:mod:`.report_validation` is the report's internal-validation and stability section,
:mod:`.report_likelihood` its likelihood-ratio and post-test part, and :mod:`.report_sentences` the plain
sentences the Report and Predict pages print under their tables.
"""

__all__ = [
    "checklist",
    "map_export",
    "model_checks",
    "model_file",
    "predict",
    "report",
    "report_blocks",
    "report_calibration",
    "report_decision",
    "report_figures",
    "report_html",
    "report_likelihood",
    "report_pdf",
    "report_sentences",
    "report_threshold",
    "report_validation",
    "validate",
    "validate_report",
]
