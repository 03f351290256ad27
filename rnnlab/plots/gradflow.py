"""The backward pass drawn on the unrolled graph: gradients flowing right to left.

    draw_gradient_flow(graph, outputs=True) -> GradientFlow

Adds to an ``UnrolledGraph`` (one layer, one direction) an arc under the states for every
step back, h_{t+1} -> h_t (and h_0 -> h_{-1}), and with ``outputs`` a short arrow from
each output y_t down into h_t: the two ways dL/dh_t is fed. ``GradientFlow.set_values``
sets their widths from the sizes of the gradients they carry and hides the arcs the
backward sweep has not reached yet; nothing else of the graph changes.
"""
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba

from ..style import COLORS
from .base import Drawing

DIP = 0.3        # how far an arc sags below the boxes' bottom edge (data units)
GRADIENT = np.array(to_rgba(COLORS["gradient"]))


def _bezier(p0, p1, p2, p3, n=16):
    """n points along the cubic Bezier curve with control points p0..p3."""
    s = np.linspace(0, 1, n)[:, None]
    p0, p1, p2, p3 = (np.asarray(p, dtype=float) for p in (p0, p1, p2, p3))
    return (1 - s) ** 3 * p0 + 3 * s * (1 - s) ** 2 * p1 + 3 * s ** 2 * (1 - s) * p2 + s ** 3 * p3


class GradientFlow(Drawing):
    """Keys: ``lines`` (a LineCollection: T arcs, back[t] carrying the gradient from step t
    to step t-1 (t = 0: into h_{-1}), then T arrows y_t -> h_t), ``heads`` (two scatter
    collections, "back" and "down": the arrow heads), ``T``.

    Two collections instead of 2T patches, so an explorer redraws them fast."""

    def set_values(self, back, down=None, upto=0, scale="log"):
        """Widths from |back| (T,) and |down| (T,): arc t carries back[t] to step t-1.

        Arrows of steps below ``upto`` (not yet reached by the sweep) are hidden.
        ``scale="log"`` spreads six decades below the largest value, "linear" is
        proportional. Zero values draw hair-thin arrows.
        """
        T = self["T"]
        back = np.abs(np.asarray(back, dtype=float))
        down = np.zeros(T) if down is None else np.abs(np.asarray(down, dtype=float))
        if back.shape != (T,) or down.shape != (T,):
            raise ValueError(f"back and down must have shape (T,) = ({T},), got {back.shape} "
                             f"and {down.shape}")
        top = max(back.max(), down.max())
        strength = np.zeros((2, T)) if not top > 0 else _strength(np.stack([back, down]) / top,
                                                                  scale)
        shown = (np.arange(T) >= upto)[None, :] & np.ones((2, 1), dtype=bool)
        if not self["outputs"]:
            shown[1] = False
        colors = np.tile(GRADIENT, (2, T, 1))
        colors[..., 3] = np.where(shown, 0.3 + 0.7 * strength, 0.0)
        self["lines"].set_linewidths((0.4 + 4.6 * strength).ravel())
        self["lines"].set_colors(colors.reshape(-1, 4))
        for row, key in enumerate(("back", "down")):
            self["heads"][key].set_sizes((5 + 6 * strength[row]) ** 2)
            self["heads"][key].set_facecolors(colors[row])


def _strength(v, scale):
    if scale == "linear":
        return v
    if scale != "log":
        raise ValueError(f"scale must be 'log' or 'linear', got {scale!r}")
    with np.errstate(divide="ignore"):
        return np.clip(1 + np.log10(np.maximum(v, 1e-300)) / 6, 0, 1)


def draw_gradient_flow(graph, outputs=True):
    """Arcs h_{t+1} -> h_t under the states and arrows y_t -> h_t on ``graph`` (an
    ``UnrolledGraph`` of one layer and one direction). Returns a ``GradientFlow``."""
    lay, ax, T = graph["layout"], graph["ax"], graph["T"]
    if graph["layers"] != 1 or any(k[0] == "h" and k[2] == "b" for k in lay.nodes):
        raise ValueError("draw_gradient_flow draws one layer in one direction")
    bw, bh = lay.bw, 0.2
    arcs, drops, back_tips, down_tips = [], [], [], []
    for t in range(T):
        x, y = lay.nodes[("h", 0, "f", t)]
        if t > 0:
            x0 = lay.nodes[("h", 0, "f", t - 1)][0] + bw * 0.6
        else:
            x0 = lay.nodes[("init", 0, "f")][0] + 0.1 if ("init", 0, "f") in lay.nodes \
                else x - 0.6
        x1, y1 = x - bw * 0.6, y - bh
        tip = (x0, y1 - 0.09)
        arcs.append(_bezier((x1, y1), (x1, y1 - DIP), (x0, y1 - DIP), tip))
        back_tips.append(tip)
        yx, yy = lay.nodes.get(("y", t), (x, y + 1.0))
        drops.append(np.array([(yx - 0.1, yy - bh), (x - 0.1, y + bh + 0.09)]))
        down_tips.append((x - 0.1, y + bh + 0.09))
    lines = LineCollection(arcs + drops, zorder=7, capstyle="round")
    ax.add_collection(lines, autolim=False)
    heads = {key: ax.scatter(*np.array(tips).T, marker=marker, s=20, zorder=8, linewidths=0)
             for key, tips, marker in (("back", back_tips, "^"), ("down", down_tips, "v"))}
    flow = GradientFlow(fig=graph["fig"], ax=ax, lines=lines, heads=heads, T=T, outputs=outputs)
    flow.set_values(np.ones(T), np.ones(T))
    return flow
