"""``LSTMFlowExplorer``: gradient flow in an LSTM beside a vanilla RNN (Chapter 3's explorer).

    LSTMFlowExplorer(forget_bias=1.0, scale=1.0, T=100, H=16, rng=0)

Both networks (H units, seeded PyTorch-style LSTM weights, an orthogonal tanh RNN) read
T steps of standard-normal input with the loss at the last step. The picture, from
``GradientFlowExplorer``, shows ||dL/dc_t|| (dashed) and ||dL/dh_t|| of the LSTM and
||dL/dh_t|| of the RNN against the lag, on a log scale. Controls: ``forget_bias`` (added
to b_f), ``scale`` (multiplies both recurrent matrices, W_h and W_hh) and ``T``.

``data``: as ``GradientFlowExplorer``'s (``dh`` label -> (T,)), plus ``dc`` (the LSTM's
||dL/dc_t||), ``lstm_ratio``/``rnn_ratio`` (log10 of ||dL/dc|| or ||dL/dh|| at lag T-1
over lag 0, None past the float range) and ``mean_f`` (the mean of sigmoid(b_f), where
the forget gates start).
"""
import numpy as np

from ..activations import sigmoid
from ..lstm import LSTM
from ..plots.flow import shown
from ..rnn import RNN
from ..style import CELL_COLORS
from .flow import SCALES, GradientFlowExplorer, format_ratio

FORGET_BIASES = (-3.0, -2.0, -1.0, 0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 7.0, 10.0)
LSTM_SCALES = tuple(s for s in SCALES if s <= 5.0)


def _log_ratio(values):
    with np.errstate(all="ignore"):
        r = np.log10(values[-1]) - np.log10(values[0])
    return float(r) if np.isfinite(r) else None


class LSTMFlowExplorer(GradientFlowExplorer):
    """||dL/dc_t|| and ||dL/dh_t|| of an LSTM against ||dL/dh_t|| of a tanh RNN."""

    jacobian_panel = False
    colors = {"LSTM": CELL_COLORS["LSTM"], "RNN": CELL_COLORS["RNN"]}

    def _make_controls(self):
        import ipywidgets as W

        style, lay = {"description_width": "80px"}, W.Layout(width="300px")
        c = {"forget_bias": W.SelectionSlider(options=list(FORGET_BIASES), value=1.0,
                                              description="forget bias"),
             "scale": W.SelectionSlider(options=list(LSTM_SCALES), value=1.0,
                                        description="W_h scale"),
             "T": W.IntSlider(value=100, min=10, max=300, step=10, description="steps T")}
        for w in c.values():
            w.style, w.layout = style, lay
        return c

    def _models(self, values):
        lstm = LSTM(1, self.H, forget_bias=values["forget_bias"], rng=self.seed)
        lstm["W_h"] = lstm["W_h"] * values["scale"]
        rnn = RNN(1, self.H, init="orthogonal", rng=self.seed)
        rnn["W_hh"] = rnn["W_hh"] * values["scale"]
        return {"LSTM": lstm, "RNN": rnn}

    def _compute(self, v):
        d = super()._compute(v)
        lstm, rnn = d["results"]["LSTM"], d["results"]["RNN"]
        d["dc"] = shown(lstm.dc)[0]
        d["lstm_ratio"], d["rnn_ratio"] = _log_ratio(lstm.dc), _log_ratio(rnn.dh)
        # where the forget gates start: it depends on the forget bias only
        d["mean_f"] = self._kept.get(("mean_f", v["forget_bias"]), lambda: float(
            np.mean(sigmoid(self._models(v)["LSTM"]["b_f"]))))
        return d

    def _note(self, d):
        T = len(d["lag"])

        def said(ratio):
            return "past the float range" if ratio is None else format_ratio(ratio)
        return (f"At lag {T - 1} the LSTM's cell gradient ||dL/dc_t|| is "
                f"{said(d['lstm_ratio'])} of its value at the loss (its forget gates start "
                f"from sigmoid(b_f) = {d['mean_f']:.2f} on average, before the input and W_h "
                f"move them); the RNN's ||dL/dh_t|| is {said(d['rnn_ratio'])} of its own.")
