"""rnnlab: the small numpy engine behind the rnnlab course on recurrent neural networks.

Notation (the same symbols in code, docstrings and notebooks)::

    T steps, B batch, D input size, H hidden size, O output size; time-major X[t] (B, D)
    vanilla RNN   h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)     y_t = h_t W_hy + b_y
    LSTM          gates i (input/write), f (forget/keep), g (candidate c~), o (output/read)
                  c_t = f * c_{t-1} + i * g                    h_t = o * tanh(c_t)
    GRU           gates r (reset), z (update), n (candidate)
                  h_t = (1 - z) * n + z * h_{t-1}              (PyTorch; Chung: z -> 1 - z)
    gradients     d<name>: dW_hh = dL/dW_hh, dh[t] = dL/dh_t, dc[t] = dL/dc_t

Importing rnnlab loads numpy only: plots and widgets live in their own modules.
"""
from . import tasks
from .activations import relu, sigmoid, softmax, tanh
from .bptt import BPTTResult, backward, bptt
from .clip import clip_elementwise, clip_global_norm, global_norm
from .gradcheck import compare_gradients, gradcheck, numerical_gradient, relative_error
from .gru import GRU, gru_chung_step_backward, gru_chung_step_forward, gru_step_backward, \
    gru_step_forward
from .losses import cross_entropy, mse
from .lstm import LSTM, lstm_step_backward, lstm_step_forward
from .model import Trace
from .optim import SGD, Adagrad, Adam, Momentum
from ._validate import BatchMajorWarning
from .overflow import ExplosionWarning
from .params import Params
from .rnn import RNN, rnn_step_backward, rnn_step_forward
from .train import History, train

__version__ = "0.1.0"

__all__ = [
    "tasks", "RNN", "LSTM", "GRU", "Params", "Trace", "BPTTResult", "bptt", "backward",
    "rnn_step_forward", "rnn_step_backward", "lstm_step_forward", "lstm_step_backward",
    "gru_step_forward", "gru_step_backward", "gru_chung_step_forward", "gru_chung_step_backward",
    "mse", "cross_entropy", "sigmoid", "tanh", "relu", "softmax",
    "gradcheck", "compare_gradients", "numerical_gradient", "relative_error",
    "SGD", "Momentum", "Adagrad", "Adam", "train", "History",
    "clip_global_norm", "clip_elementwise", "global_norm", "ExplosionWarning",
    "BatchMajorWarning",
]
