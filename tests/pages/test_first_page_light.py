"""The first page at once: drawing the Data page on a cold server imports none of the heavy libraries
(scikit-learn, imbalanced-learn, scipy.stats, umap); they load when a page that uses them opens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FIRST_RUN = f"""
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(ROOT / "app.py")!r}, default_timeout=120)
at.run()
heavy = ["sklearn", "imblearn", "scipy.stats", "umap", "reportlab", "matplotlib", "onnxruntime"]
print(json.dumps({{"titles": [t.value for t in at.title], "errors": len(at.exception),
                   "charts": len(at.get("plotly_chart")),
                   "loaded": [m for m in heavy if m in sys.modules]}}))
"""


def test_the_data_page_draws_without_the_heavy_libraries():
    env = {**os.environ, "IMBALANCE_LAB_UMAP_WARMUP": "off"}
    out = subprocess.run(
        [sys.executable, "-c", FIRST_RUN], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["titles"] == ["Data"] and seen["errors"] == 0 and seen["charts"] >= 1
    # Before: the Data page imported scikit-learn, imbalanced-learn and scipy.stats (image study, sample
    # size, the sidebar's threshold module), about 2-4 s of a cold start on this machine.
    assert seen["loaded"] == [], seen["loaded"]
