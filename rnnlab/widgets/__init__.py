"""Interactive explorers: sliders that move a figure in place, plus a plain-words note.

    UnrollExplorer(T=12, rng=0, t=None, w_hh=0.8, x=1.0, pattern="pulse")
    TimerExplorer(model, T=40, u2=0.5, pulse_at=None)      # None: step 5 (or T - 11)

Each is an ``Explorer``: ``ex.update(name=value, ...) -> ex.data`` (works without a
browser), ``ex.data`` (the numbers behind the picture), ``ex.note`` (one sentence),
``ex.controls`` (name -> ipywidgets slider or dropdown), ``ex.fig``. Show one by leaving
it as the last line of a cell: the live widget appears in Jupyter, a PNG elsewhere.
"""
from .base import Explorer
from .bptt import BPTTExplorer
from .gate_surface import GateSurfaceExplorer
from .gates import GatesExplorer
from .lstm_flow import LSTMFlowExplorer
from .storecall import StoreRecallExplorer
from .cells_flow import CellsFlowExplorer
from .bifurcation import BifurcationExplorer
from .cliff import CliffExplorer
from .flow import GradientFlowExplorer
from .repeat import RepeatExplorer
from .gru_gates import GRUGatesExplorer
from .timer import TimerExplorer
from .unroll import UnrollExplorer

__all__ = ["Explorer", "UnrollExplorer", "TimerExplorer", "GradientFlowExplorer", "CliffExplorer",
           "BifurcationExplorer", "RepeatExplorer"]
