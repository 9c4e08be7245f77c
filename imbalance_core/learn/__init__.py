"""Learn: samplers, classifiers and the cross-validated training that never resamples the hold-out.

:mod:`.samplers` and :mod:`.classifiers` are registries (key -> spec) of the imbalanced-learn
resamplers and scikit-learn classifiers the app offers (:mod:`.clinical_bounds` suggests plausible
limits for synthetic lab values; :mod:`.model_contents` checks what a fitted classifier keeps of its
training rows); :mod:`.settings_check` validates a :class:`~.training.TrainSettings`; :mod:`.training`
splits once (stratified), builds the imbalanced-learn ``Pipeline`` (preprocess -> sampler ->
classifier) so resampling happens inside training folds only, and returns a
:class:`~.training.TrainResult` with out-of-fold and hold-out scores; :mod:`.recalibration` turns
distorted scores back into risks with calibrators fitted on out-of-fold scores only
(:mod:`.calibration_summary` judges whether risks are honest); :mod:`.resampling_effect` answers
"did resampling help?" against the same classifier without it; :mod:`.compare` runs the same pieces
for a grid of sampler x classifier pairs; :mod:`.operating_point` reads a trained model's CV measures
at its own threshold (Train page, Compare grid, report); :mod:`.workers` runs fits in worker processes
so the server stays responsive; :mod:`.summary` shapes results as JSON for the CLI, pages and report;
:mod:`.explain` answers "why this score" (permutation importance, one patient's what-if) without refitting;
:mod:`.updating` re-maps a saved model's risks for a new site (intercept, then intercept + slope).
:mod:`.internal_validation` refits the whole procedure on bootstrap samples or repeated folds (Harrell's
optimism; :mod:`.refit` fits on repeated rows, :mod:`.tuning` tunes inside them, :mod:`.learning_curve`
asks whether more patients would help). :mod:`.fold_counts` counts each CV fold's classes before and
after resampling, and the hold-out's. :mod:`.execution` runs tasks on this machine's cores or a Dask
cluster; :mod:`.fit_memory` lets a worker's task reuse its large temporaries (Dask fixes malloc's
thresholds) and hands the memory back after it.
"""

__all__ = [
    "calibration_summary",
    "classifiers",
    "clinical_bounds",
    "compare",
    "encoding",
    "execution",
    "explain",
    "fit_memory",
    "fold_counts",
    "internal_validation",
    "learning_curve",
    "model_contents",
    "operating_point",
    "recalibration",
    "refit",
    "resampling_effect",
    "samplers",
    "settings_check",
    "splitting",
    "summary",
    "training",
    "tuning",
    "updating",
    "workers",
]
