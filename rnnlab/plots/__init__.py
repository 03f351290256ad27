"""The course's figures. Every function takes ``ax=None`` (a new figure when None) and
returns a ``Drawing``: a dict of the artists it drew, readable as attributes.

    draw_cycle(ax=None)                          the folded RNN x -> h (self-loop) -> y
    draw_unrolled(T, ax=None, highlight=None, arrangement="many-to-many", layers=1,
                  bidirectional=False, show_weights=True, edge_values=None, ...)
                                                 the unrolled graph -> UnrolledGraph
    plot_sequence(series, ax=None, steps=None, upto=None, ...)
                                                 inputs / outputs / targets over time
    plot_states(Hs, ax=None, kind="lines" | "heatmap", ...)
                                                 hidden states (T, H) over time
    subplots(nrows=1, ncols=1, figsize=None)     a figure with the course's look

Importing this module imports matplotlib (``import rnnlab`` does not).
"""
from .base import Drawing, subplots
from .graph import UnrolledGraph, draw_cycle, draw_unrolled
from .layout import ARRANGEMENTS, GraphLayout, io_steps, unrolled_layout
from .series import plot_sequence, plot_states, role_of

__all__ = ["Drawing", "UnrolledGraph", "GraphLayout", "ARRANGEMENTS", "subplots", "draw_cycle",
           "draw_unrolled", "plot_sequence", "plot_states", "unrolled_layout", "io_steps",
           "role_of"]
