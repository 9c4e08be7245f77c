"""Maps: PCA and UMAP pictures of the training rows, before and after resampling.

:mod:`.projection` fits the embedding on real training rows only and places synthetic rows (and marks
rows removed by under-sampling) on the same axes; :mod:`.umap_warmup` loads (or, the first time on an
installation, compiles) UMAP's numba code in the background so the first map does not wait for it;
:mod:`.numba_cache` keeps that compiled code on disk once per installation.
"""

__all__ = ["numba_cache", "projection", "umap_warmup"]
