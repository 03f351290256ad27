"""Time series: inputs, outputs and targets over steps, and hidden states as lines or a heatmap.

    plot_sequence(series, ax=None, steps=None, upto=None, ylabel=None, title=None,
                  colors=None) -> Drawing(fig, ax, lines, rest, now, legend)
    plot_states(Hs, ax=None, kind="lines", steps=None, upto=None, bounds=None,
                vmax=None, title=None, cax=None) -> Drawing(fig, ax, lines | image, colorbar, now)

``upto=t`` draws steps 0..t in colour and the rest in grey (an explorer moves t with
``set_upto``-style updates: ``lines[k].set_data``). Series named after a role ("input",
"x", "output", "y", "target", "hidden", "h", ...) take that role's colour; targets are dashed.
Inputs and targets hold one value per step, so they are drawn as steps, each value a full
step wide (``held``): a one-step pulse is a block from t - 1/2 to t + 1/2, the same in
every figure and explorer. Outputs and states are points joined by lines.
"""
import numpy as np

from .._validate import as_array
from ..style import COLORS, CYCLE, DIVERGING_CMAP
from .base import Drawing, get_axes, styled

ROLE_WORDS = {"input": "input", "x": "input", "u": "input", "target": "target", "y*": "target",
              "output": "output", "y": "output", "hidden": "hidden", "h": "hidden"}


def role_of(label):
    """The palette role a series label names ("target y*" -> "target"), or None."""
    word = str(label).strip().lower().replace("$", "").split(" ")[0].split("_")[0]
    if word.startswith("y") and "*" in str(label):
        return "target"
    return ROLE_WORDS.get(word.rstrip("0123456789"))


def _steps(steps, T):
    if steps is None:
        return np.arange(T)
    s = as_array(steps, "steps", ("T",))
    if s.shape[0] != T:
        raise ValueError(f"steps must have shape (T,) = ({T},) like the series, got {s.shape}")
    return s


def _upto(upto, T):
    if upto is None:
        return None
    if isinstance(upto, bool) or not isinstance(upto, (int, np.integer)) or not 0 <= upto < T:
        raise ValueError(f"upto must be None or a step index in 0..{T - 1}, got {upto!r}")
    return int(upto)


STEP_ROLES = ("input", "target")    # drawn as steps: one held value per step


def held(steps, values):
    """(xs, ys) that draw ``values`` as steps a full step wide, with ``drawstyle="steps-mid"``.

    ``steps`` (n,) evenly spaced, ``values`` (n,): the first and last values are repeated
    half a step outside, so the first and last steps are as wide as the others (plain
    "steps-mid" draws them half wide). The points at ``xs[1:-1]`` are the steps themselves
    (``markevery=slice(1, -1)`` puts markers there).
    """
    steps, values = np.asarray(steps, dtype=float), np.asarray(values, dtype=float)
    if len(steps) == 0:
        return steps, values
    half = (steps[1] - steps[0]) / 2 if len(steps) > 1 else 0.5
    return (np.concatenate([[steps[0] - half], steps, [steps[-1] + half]]),
            np.concatenate([values[:1], values, values[-1:]]))


def _line_data(role, steps, values):
    """What a series of ``role`` passes to ``set_data``: held steps or plain points."""
    return held(steps, values) if role in STEP_ROLES else (steps, values)


@styled
def plot_sequence(series, ax=None, steps=None, upto=None, ylabel=None, title=None, colors=None):
    """Plot named sequences over time: ``series`` maps a label to a (T,) array.

    ``steps`` (T,) are the x values (default 0..T-1); ``upto=t`` greys steps after t and
    marks t with a vertical line. ``colors`` maps labels to colours, overriding the roles.
    Inputs and targets are drawn as steps a full step wide (their lines hold the points
    of ``held``); other series as points joined by lines.
    Returns a ``Drawing``: ``lines`` (label -> Line2D, the coloured part), ``rest``
    (label -> the grey full series, empty without ``upto``), ``now`` (the marker or None).
    """
    if not isinstance(series, dict) or not series:
        raise TypeError(f"series must be a non-empty dict label -> (T,) array, "
                        f"got {type(series).__name__}")
    arrays = {k: as_array(v, f"series[{k!r}]", ("T",)) for k, v in series.items()}
    T = len(next(iter(arrays.values())))
    for k, v in arrays.items():
        if v.shape[0] != T or T == 0:
            raise ValueError(f"every series must have the same length T >= 1; "
                             f"series[{k!r}] has {v.shape[0]}, expected {T}")
    t_axis, upto = _steps(steps, T), _upto(upto, T)
    fig, ax = get_axes(ax, (8.0, 2.6))
    lines, rest, used, taken = {}, {}, set(), set()
    for label, y in arrays.items():
        role = role_of(label)
        color = (colors or {}).get(label)
        if color is None:
            color = (COLORS[role] if role and role not in used
                     else next((c for c in CYCLE if c not in taken), CYCLE[len(lines) % len(CYCLE)]))
        used.add(role)
        taken.add(color)
        style = dict(ls="--", lw=1.8, drawstyle="steps-mid") if role == "target" else \
            dict(drawstyle="steps-mid", marker="o", ms=3.5, markevery=slice(1, -1)) \
            if role == "input" else dict(marker="o", ms=3.5)
        if upto is not None:
            rest[label], = ax.plot(*_line_data(role, t_axis, y), color=COLORS["muted"],
                                   alpha=0.6, **style)
        n = T if upto is None else upto + 1
        lines[label], = ax.plot(*_line_data(role, t_axis[:n], y[:n]), color=color,
                                label=str(label), **style)
    now = ax.axvline(t_axis[upto], color=COLORS["highlight"], lw=1.2, alpha=0.8) \
        if upto is not None else None
    ax.set_xlabel("step t")
    ax.set_ylabel(ylabel if ylabel is not None else
                  (str(next(iter(arrays))) if len(arrays) == 1 else "value"))
    if title:
        ax.set_title(title)
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0)) if len(arrays) > 1 else None
    integer_steps(ax)
    return Drawing(fig=fig, ax=ax, lines=lines, rest=rest, now=now, legend=legend)


@styled
def plot_states(Hs, ax=None, kind="lines", steps=None, upto=None, bounds=None, vmax=None,
                title=None, cax=None):
    """Hidden states over time: ``Hs`` (T, H), one line per unit or a units x steps heatmap.

    ``kind`` "lines" or "heatmap". ``bounds=(lo, hi)`` draws dashed lines at the
    activation's limits (e.g. (-1, 1) for tanh); ``vmax`` is the heatmap's colour limit
    (default: the largest |h|, at least 1e-12); ``cax`` an axes for its colour bar (default:
    space taken from ``ax``). ``upto`` as in ``plot_sequence``.
    Returns a ``Drawing``: lines: ``lines`` (unit j -> Line2D), ``rest``; heatmap:
    ``image``, ``colorbar``; both ``now``.
    """
    if kind not in ("lines", "heatmap"):
        raise ValueError(f"kind must be 'lines' or 'heatmap', got {kind!r}")
    Hs = as_array(Hs, "Hs", ("T", "H"))
    T, H = Hs.shape
    if T == 0 or H == 0:
        raise ValueError(f"Hs must have at least one step and one unit, got shape {Hs.shape}")
    t_axis, upto = _steps(steps, T), _upto(upto, T)
    fig, ax = get_axes(ax, (8.0, 2.6))
    out = Drawing(fig=fig, ax=ax)
    if kind == "lines":
        lines, rest = {}, {}
        n = T if upto is None else upto + 1
        for j in range(H):
            color = CYCLE[j % len(CYCLE)] if H > 1 else COLORS["hidden"]
            if upto is not None:
                rest[j], = ax.plot(t_axis, Hs[:, j], color=COLORS["muted"], alpha=0.5, lw=1.2)
            lines[j], = ax.plot(t_axis[:n], Hs[:n, j], color=color, lw=1.6 if H > 4 else 2.0,
                                marker="o" if H <= 4 else None, ms=3.5, label=f"unit {j}")
        if bounds is not None:
            lo, hi = as_array(bounds, "bounds", ("2",))
            for b in (lo, hi):
                ax.axhline(b, color=COLORS["muted"], ls=":", lw=1.2)
        ax.set_ylabel("hidden state $h_t$")
        if 1 < H <= 6:
            ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        out.update(lines=lines, rest=rest)
    else:
        top = float(np.abs(Hs).max()) if vmax is None else float(vmax)
        top = max(top, 1e-12)
        dt = float(t_axis[1] - t_axis[0]) if T > 1 else 1.0
        image = ax.imshow(Hs.T, aspect="auto", origin="lower", cmap=DIVERGING_CMAP,
                          vmin=-top, vmax=top, interpolation="nearest",
                          extent=(t_axis[0] - dt / 2, t_axis[-1] + dt / 2, -0.5, H - 0.5))
        ax.grid(False)
        colorbar = fig.colorbar(image, cax=cax) if cax is not None else \
            fig.colorbar(image, ax=ax, pad=0.01, fraction=0.05)
        colorbar.set_label("$h_t$")
        ax.set_ylabel("unit")
        out.update(image=image, colorbar=colorbar)
    out["now"] = ax.axvline(t_axis[upto], color=COLORS["highlight"], lw=1.2) \
        if upto is not None else None
    ax.set_xlabel("step t")
    integer_steps(ax)
    if title:
        ax.set_title(title)
    return out


def integer_steps(ax):
    """Ticks on whole steps only."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
