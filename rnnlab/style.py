"""The course's one look: an Okabe-Ito palette with named roles, readable fonts, a light grid.

Nothing happens on import (this module does not even import matplotlib). The plot
functions of ``rnnlab.plots`` and the explorers of ``rnnlab.widgets`` draw inside
``rnnlab_style()`` themselves, so a figure looks the same whether or not a notebook
calls anything here. To draw your own figures in the same look::

    from rnnlab.style import COLORS, rnnlab_style
    with rnnlab_style():
        fig, ax = plt.subplots()
        ax.plot(h, color=COLORS["hidden"])

Roles: ``input`` (x), ``hidden`` (h), ``output`` (y), ``target`` (y*), ``gradient`` (dL/d.),
``highlight`` (the step or path being looked at), ``muted`` (what is not in focus).
The palette is Okabe & Ito's (2008), distinguishable with the common colour-vision
deficiencies; roles also differ in line style where it matters (targets are dashed).
"""
from contextlib import contextmanager

# Okabe & Ito (2008), "Color Universal Design": eight colours safe for colour-blind readers.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7",
}

COLORS = {
    "input": OKABE_ITO["blue"],
    "hidden": OKABE_ITO["bluish_green"],
    "output": OKABE_ITO["orange"],
    "target": OKABE_ITO["black"],
    "gradient": OKABE_ITO["vermillion"],
    "highlight": OKABE_ITO["reddish_purple"],
    "muted": "#B8B8B8",
    "text": "#222222",
}

# One look per cell type, the same in every chapter: colour plus line style, so that
# the cells are told apart without colour too. Use as ``ax.plot(..., **CELL_STYLE["LSTM"])``.
CELL_STYLE = {
    "RNN": {"color": OKABE_ITO["orange"], "ls": "-."},
    "LSTM": {"color": OKABE_ITO["bluish_green"], "ls": "-"},
    "GRU": {"color": OKABE_ITO["blue"], "ls": "--"},
}
CELL_COLORS = {cell: style["color"] for cell, style in CELL_STYLE.items()}


def cell_style(label):
    """The look of the cell named in ``label`` ("LSTM", "GRU (Chung)", "tanh RNN", ...)."""
    for cell in ("LSTM", "GRU", "RNN"):
        if cell in label.upper():
            return dict(CELL_STYLE[cell])
    raise ValueError(f"{label!r} names no cell type; expected one of {list(CELL_STYLE)}")


# A text's box that hides the gridlines and reference lines behind it: ``ax.text(...,
# bbox=TEXT_BOX)``.
TEXT_BOX = {"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none"}

# gid of a data artist that may leave its axes because the picture says it is off the scale
OFF_SCALE = "off-scale"

# Line colours in order, for plots with several unnamed series (hidden units, seeds, ...).
CYCLE = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion",
                                "reddish_purple", "sky_blue", "yellow", "black")]

# Diverging colour map for signed values such as hidden states in [-1, 1].
DIVERGING_CMAP = "PuOr_r"

rc = {
    "figure.figsize": (8.0, 3.2),          # notebook width
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.frameon": True,              # an opaque box: no gridline strikes through a legend
    "legend.framealpha": 1.0,
    "legend.facecolor": "white",
    "legend.edgecolor": "#DDDDDD",
    "legend.fancybox": False,
    "axes.prop_cycle": "cycler('color', [" + ", ".join(f"'{c}'" for c in CYCLE) + "])",
    "axes.edgecolor": "#555555",
    "axes.labelcolor": COLORS["text"],
    "axes.titlecolor": COLORS["text"],
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E3E3E3",
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "lines.linewidth": 2.0,
    "lines.markersize": 5.0,
    "image.cmap": "viridis",
    "mathtext.fontset": "dejavusans",
}


@contextmanager
def rnnlab_style():
    """Draw inside this block with the course's look (a ``matplotlib.rc_context(rc)``)."""
    import matplotlib
    import matplotlib.pyplot  # noqa: F401  imported outside the context: a first import
    # inside it would have its backend set-up (interactive mode) undone on exit

    with matplotlib.rc_context(rc):
        yield


def tint(color, amount):
    """``color`` mixed with white: amount 0 is white, 1 is the colour itself. Returns RGB."""
    from matplotlib.colors import to_rgb

    if not 0.0 <= amount <= 1.0:
        raise ValueError(f"amount must be in [0, 1], got {amount!r}")
    return tuple(1.0 - amount * (1.0 - c) for c in to_rgb(color))
