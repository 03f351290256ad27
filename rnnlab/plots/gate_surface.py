"""An error surface over two gate biases of the hand-wired store-and-recall cell.

    storecall_surface(b_f, b_i, lags, noise=1.0) -> loss (nf, ni), or lag -> loss
    plot_surface(b_f, b_i, loss, ax=None, cax=None) -> Drawing    log10 of the loss, a map

The cell is ``rnnlab.storecall``'s (``WIRING``), with the forget bias b_f and the input
bias b_i varied. It stores 4.2 and -3.0 (two sequences) at step 2 and is read ``lag``
steps later; with ``noise`` the value line carries random values in [-noise, noise] at
every other step (no erase). The loss is the mean squared error of the read-out, divided by the
mean square of the stored values (1 = the cell returns nothing useful). Because the cell
has W_h = 0, the gates do not depend on the state and the whole grid runs as one array.
"""
import numpy as np

from ..activations import sigmoid
from ..storecall import STORED, WIRING, store_recall_inputs
from ..style import COLORS
from .base import Drawing, get_axes, styled

WRITE_AT = 2
VALUES = (STORED, -3.0)


def storecall_surface(b_f, b_i, lags, noise=1.0):
    """Normalized loss (len(b_f), len(b_i)) of the wired cell read ``lag`` steps after the
    write, for every pair of forget bias b_f and input bias b_i; a dict lag -> loss when
    ``lags`` is a sequence (one pass over the longest sequence serves every lag)."""
    single = np.ndim(lags) == 0
    lags = [int(lags)] if single else [int(k) for k in lags]
    bf, bi = np.meshgrid(np.asarray(b_f, float), np.asarray(b_i, float), indexing="ij")
    w = WIRING
    T = WRITE_AT + max(lags) + 1
    i_gate = {0.0: sigmoid(bi), 1.0: sigmoid(w["w_write_i"] + bi)}     # write signal 0 / 1
    f = sigmoid(bf)                                                    # no erase signal
    o = sigmoid(w["w_read_o"] + w["b_o"])                              # the read step's o
    loss = {lag: np.zeros_like(bf) for lag in lags}
    for k, value in enumerate(VALUES):
        X = store_recall_inputs(T, WRITE_AT, T - 1, value=value, noise=noise, rng=k)[:, 0]
        c = np.zeros_like(bf)
        for t in range(T):
            c *= f
            c += i_gate[X[t, 1]] * np.tanh(w["w_value_g"] * X[t, 0])
            if t - WRITE_AT in loss:
                loss[t - WRITE_AT] += (w["W_hy"] * o * np.tanh(c) - value) ** 2
    norm = sum(v * v for v in VALUES)
    out = {lag: v / norm for lag, v in loss.items()}
    return out[lags[0]] if single else out


@styled
def plot_surface(b_f, b_i, loss, ax=None, cax=None, vmin=-6, vmax=1):
    """log10 of ``loss`` (len(b_f), len(b_i)) as a map: b_f across, b_i up. Returns a
    Drawing with ``image`` (set_data moves it) and ``colorbar``."""
    fig, ax = get_axes(ax, (6.0, 4.0))
    with np.errstate(divide="ignore"):
        z = np.log10(np.maximum(loss, 10.0 ** vmin)).T
    extent = (b_f[0], b_f[-1], b_i[0], b_i[-1])
    image = ax.imshow(z, origin="lower", extent=extent, aspect="auto", vmin=vmin, vmax=vmax,
                      cmap="viridis")
    colorbar = fig.colorbar(image, cax=cax, ax=None if cax is not None else ax)
    colorbar.set_label("log10 loss (0 = nothing recalled)")
    ax.set_xlabel("forget bias b_f (keep)")
    ax.set_ylabel("input bias b_i (write)")
    ax.grid(False)
    ax.tick_params(colors=COLORS["text"])
    return Drawing(fig=fig, ax=ax, image=image, colorbar=colorbar)
