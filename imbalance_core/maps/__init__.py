"""Maps: PCA and UMAP pictures of the training rows, before and after resampling.

:mod:`.projection` fits the embedding on real training rows only and places synthetic rows (and marks
rows removed by under-sampling) on the same axes; :mod:`.umap_warmup` compiles UMAP's numba code once
per process in the background so the first map does not wait for it.
"""

__all__ = ["projection", "umap_warmup"]
