"""Images: chest X-rays (or any two-or-more-class image folders) into the same imbalance workbench.

:mod:`.intake` reads a zip of class folders from bytes in memory (optional ``train/`` + ``test/`` split;
bad files skipped and named; archive checked by :mod:`imbalance_core.intake.zip_safety`) and
:mod:`.bundled` loads the bundled PneumoniaMNIST demo; :mod:`.extractors` is the registry of feature
extractors (EfficientNet-Lite0 on onnxruntime, HOG, downsampled pixels) with an in-memory cache keyed by
content hash; :mod:`.features` turns an image set into the feature table + labels
(:class:`~imbalance_core.intake.task.PreparedData`) the rest of the core takes; :mod:`.augment` is
augmentation as an over-sampler of minority training-fold images only; :mod:`.study` trains on a fixed
hold-out (the zip's ``test/`` folder) and builds the chest X-ray study's technique table;
:mod:`.saliency` computes class-activation maps (exact for CNN + linear head, occlusion otherwise) and
picks the FN/FP images; :mod:`.predict` scores a zip of new patients' images with a saved model;
:mod:`.cnn_runtime` holds the bundled CNN's file check, session settings and input step, shared by
:mod:`.extractors` and :mod:`.quantize` (the int8 network).

The room sits just under the CLI: it may use every other room of the core (it trains through
:mod:`imbalance_core.learn.training`'s public pieces); nothing in the core below imports it.
"""

__all__ = ["augment", "bundled", "extractors", "features", "intake", "predict", "saliency", "study"]
