"""Settings for every test session started from the repository root, whichever paths it
runs (``python -m pytest``, or one notebook: ``python -m pytest notebooks/01_unrolling.ipynb``).

``RNNLAB_CHECK_FIGURES=1``: ``rnnlab.show.show`` measures each static figure before it
displays it (``rnnlab.figure_checks``) and raises naming what cannot be read. The kernels
that nbval and the other notebook tests start inherit this environment, so a notebook
figure with a legend over data, a cut-off text or data off its axes fails its test.
Set ``RNNLAB_CHECK_FIGURES=0`` to run the tests without it.
"""
import os


def pytest_configure(config):
    os.environ.setdefault("RNNLAB_CHECK_FIGURES", "1")
