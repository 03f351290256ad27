"""Pascanu's cliff drawn: the one-unit loss over (w, b) as a map or in 3-D, and the map
x -> w s(x) + b with its fixed points.

    cliff_surface(window=WINDOW, n=(201, 151)) -> (W, B, L)      the grid, computed once
    plot_cliff_map(ax=None, window=WINDOW, surface=None, wall=True) -> Drawing
    plot_cliff_3d(ax=None, window=WINDOW, surface=None, wall=True) -> Drawing
    plot_unit_map(w, b, ax=None, xlim=(-8, 8)) -> Drawing         f(x) against the diagonal

``wall`` draws the curve b = 0.5 - w s(0.5) for w > 1/s'(0.5) ~ 4.26, where x_0 = 0.5
is an unstable fixed point (``rnnlab.cliff.wall_b``).
"""
import functools

import numpy as np

from ..cliff import fixed_points, one_unit_loss, wall_b, wall_w_min
from ..style import COLORS
from .base import Drawing, get_axes, styled

WINDOW = (0.0, 10.0, -6.0, 0.0)     # w from 0 to 10, b from -6 to 0
CMAP = "viridis"


@functools.lru_cache(maxsize=4)
def cliff_surface(window=WINDOW, n=(201, 151)):
    """(W, B, L): a grid of n = (n_w, n_b) points over ``window`` and the loss on it, in
    one vectorised call of ``one_unit_loss``; computed once per window (cached, read-only)."""
    w0, w1, b0, b1 = window
    W, B = np.meshgrid(np.linspace(w0, w1, n[0]), np.linspace(b0, b1, n[1]))
    out = W, B, one_unit_loss(W, B).loss
    for a in out:
        a.flags.writeable = False
    return out


def wall_curve(window=WINDOW, n=100):
    """(w, b) points of the wall inside ``window`` (w > 1/s'(0.5))."""
    w0, w1, b0, b1 = window
    w = np.linspace(max(w0, wall_w_min()), w1, n)
    b = wall_b(w)
    keep = (b >= b0) & (b <= b1)
    return w[keep], b[keep]


@styled
def plot_cliff_map(ax=None, window=WINDOW, surface=None, wall=True, cax=None):
    """The loss (s(x_50) - 0.7)^2 over (w, b) as a coloured map (colour bar in ``cax``, or
    beside ``ax``); returns a Drawing with ``image``, ``colorbar``, ``wall`` (a Line2D or
    None), ``surface`` (W, B, L)."""
    fig, ax = get_axes(ax, (6.4, 4.2))
    W, B, L = surface if surface is not None else cliff_surface(window)
    image = ax.imshow(L, origin="lower", extent=window, aspect="auto", cmap=CMAP,
                      interpolation="nearest")
    colorbar = fig.colorbar(image, cax=cax) if cax is not None else \
        fig.colorbar(image, ax=ax, pad=0.02, fraction=0.05)
    ax.grid(False)
    colorbar.set_label("loss L")
    line = None
    if wall:
        line, = ax.plot(*wall_curve(window), color=COLORS["gradient"], ls="--", lw=1.6,
                        label="wall: b = 0.5 - w s(0.5)")
        ax.legend(loc="upper right", fontsize=9)
    ax.set_xlim(window[0], window[1])
    ax.set_ylim(window[2], window[3])
    ax.set_xlabel("w (recurrent weight)")
    ax.set_ylabel("b (bias)")
    return Drawing(fig=fig, ax=ax, image=image, colorbar=colorbar, wall=line,
                   surface=(W, B, L))


@styled
def plot_cliff_3d(ax=None, window=WINDOW, surface=None, wall=True, view=(35, -120)):
    """The same loss as a 3-D surface seen from ``view`` = (elevation, azimuth), so the
    wall stands up; returns a Drawing with ``surface_artist``, ``wall``, ``surface``."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig = plt.figure(figsize=(6.4, 4.8))
        ax = fig.add_subplot(projection="3d")
    fig = ax.figure
    W, B, L = surface if surface is not None else cliff_surface(window, n=(121, 91))
    art = ax.plot_surface(W, B, L, cmap=CMAP, rstride=1, cstride=1, linewidth=0,
                          antialiased=False)
    line = None
    if wall:
        w, b = wall_curve(window)
        line, = ax.plot(w, b, np.full(len(w), float(L.max())), color=COLORS["gradient"],
                        ls="--", lw=1.6)
    ax.view_init(*view)
    ax.set_xlabel("w")
    ax.set_ylabel("b")
    ax.set_zlabel("loss L")
    return Drawing(fig=fig, ax=ax, surface_artist=art, wall=line, surface=(W, B, L))


@styled
def plot_unit_map(w, b, ax=None, xlim=(-8.0, 8.0)):
    """f(x) = w s(x) + b against the diagonal y = x: where they cross are the fixed points,
    filled when stable (|w s'(x*)| < 1), open when unstable. Returns a Drawing with
    ``curve``, ``diagonal``, ``stable``, ``unstable`` and ``points`` (the FixedPoints)."""
    fig, ax = get_axes(ax, (4.4, 4.0))
    x = np.linspace(*xlim, 400)
    s = 1 / (1 + np.exp(-x))
    diagonal, = ax.plot(xlim, xlim, color=COLORS["muted"], lw=1.2, label="y = x")
    curve, = ax.plot(x, w * s + b, color=COLORS["hidden"], lw=2, label="f(x) = w s(x) + b")
    points = [p for p in fixed_points(w, b) if xlim[0] <= p.x <= xlim[1]]
    st = [p.x for p in points if p.stable]
    un = [p.x for p in points if not p.stable]
    stable = ax.scatter(st, st, s=60, color=COLORS["text"], zorder=4, label="stable")
    unstable = ax.scatter(un, un, s=60, facecolor="white", edgecolor=COLORS["text"], zorder=4,
                          label="unstable")
    ax.set_xlim(*xlim)
    ax.set_ylim(*xlim)
    ax.set_xlabel("x_{t-1}")
    ax.set_ylabel("x_t")
    ax.legend(loc="upper left", fontsize=9)
    return Drawing(fig=fig, ax=ax, curve=curve, diagonal=diagonal, stable=stable,
                   unstable=unstable, points=points)
