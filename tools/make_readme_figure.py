"""Write docs/unrolled.png, the picture in the README: Chapter 1's explorer at step 6.

Run from the repository root: ``python tools/make_readme_figure.py``.
"""
import pathlib

import matplotlib

matplotlib.use("Agg")

from rnnlab.widgets import UnrollExplorer  # noqa: E402

out = pathlib.Path(__file__).resolve().parents[1] / "docs" / "unrolled.png"
explorer = UnrollExplorer(T=12, t=6, w_hh=0.8)
out.write_bytes(explorer.to_png())
print(f"wrote {out}: {explorer.note}")
