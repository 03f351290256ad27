"""What every plot function shares: the ``Drawing`` it returns and how it gets its axes."""
import functools

from ..style import rnnlab_style


class Drawing(dict):
    """What a plot function drew: a dict of artists, also readable as attributes.

    Always holds ``fig`` and ``ax``; each function documents its other keys. The repr is
    one short line, so a drawing left as a cell's last value does not flood the output.
    """

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} has no {name!r}; "
                                 f"it holds {sorted(self)}") from None

    def __repr__(self):
        parts = []
        for key, value in self.items():
            if key in ("fig", "ax", "overlay_keys"):
                continue
            parts.append(f"{key}[{len(value)}]" if isinstance(value, (dict, list))
                         else key)
        return f"<{type(self).__name__}: {', '.join(parts)}>"


def styled(func):
    """Run a plot function inside ``rnnlab_style()``, so every figure has the course's look."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with rnnlab_style():
            return func(*args, **kwargs)
    return wrapper


def get_axes(ax, figsize, layout="constrained"):
    """``ax`` checked, or a new pyplot figure of ``figsize`` inches (shown inline by Jupyter)."""
    from matplotlib.axes import Axes

    if ax is None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=figsize, layout=layout)
        return fig, ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax.figure, ax


@styled
def subplots(nrows=1, ncols=1, figsize=None, **kwargs):
    """``plt.subplots`` in the course's look (constrained layout); returns ``(fig, axes)``.

    Use it to put several rnnlab plots side by side: ``fig, (a, b) = subplots(1, 2)``,
    then ``plot_sequence(..., ax=a)``.
    """
    import matplotlib.pyplot as plt

    kwargs.setdefault("layout", "constrained")
    if figsize is None:
        figsize = (8.0, 2.8 * nrows)
    return plt.subplots(nrows, ncols, figsize=figsize, **kwargs)
