"""The study's tasks and its one recipe per cell (``rnnlab.study`` runs them).

Tasks (``TASKS``)::

    adding     H&S 1997 exp. 4, T = 20:   a sequence is solved when |y - y*| < 0.04
    timer      Jaeger's timer, T = 40:    a pulse is timed when it lasts 10 u2 steps +- 1
    long_lag   H&S 1997 exp. 2a, p = 50:  the prediction at step p - 1 recalls the symbol
                                          read at step 0, a lag of p - 1 = 49 steps
                                          (trained with the loss on that prediction only)

Within a task every cell gets the same parameter budget (``matched_widths``), batch,
optimizer (Adam, clipping at norm 1) and number of steps. Initialization, one recipe per
cell for every task (``make_model``)::

    RNN    PyTorch's default (every weight, and each of b_ih and b_hh, U(-1/sqrt(H),
           1/sqrt(H)); rnnlab keeps their sum as one bias)
    GRU    PyTorch's default, the same uniform draw for every gate
    LSTM   PyTorch's default, then forget bias +3 (gates start open: keep) and input
           bias -3 (gates start nearly shut: write little), ``LSTM_BIASES``

A positive forget bias follows Gers, Schmidhuber & Cummins (2000) and Jozefowicz et al.
(2015, who use +1); a negative input bias is Hochreiter & Schmidhuber's (1997) remedy for
"internal state drift" (the cell sums its inputs and saturates). The size 3 is ours: with
+1 and no input bias (``LSTM_FAILING``) the LSTM saturates its cell on the long-lag task
and solves no run (the notebook's saturation lesson).
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import tasks
from .budget import CELLS
from .gru import GRU
from .lstm import LSTM
from .rnn import RNN

TEST_SEED = 4321      # test sequences are drawn from this seed, never from a training seed
LSTM_BIASES = {"forget_bias": 3.0, "input_bias": -3.0}     # the study's LSTM recipe
LSTM_FAILING = {"forget_bias": 1.0, "input_bias": 0.0}     # forget bias 1 alone
P = 50                                                     # the long-lag task's p


@dataclass(frozen=True)
class Task:
    """One task of the study: data, sizes, budget, training length and criterion."""
    name: str
    title: str                          # for tables and figures
    batches: Callable                   # rng -> TaskBatch (a training batch)
    test: Callable                      # () -> TaskBatch (the fixed test set)
    score: Callable                     # (Y, batch) -> fraction in [0, 1]
    criterion: str                      # what the score counts, in words
    goal: float                         # a run succeeds when its final score >= goal
    D: int
    O: int
    budget: int                         # parameters per model (recurrent + output)
    steps: int                          # optimizer steps per run
    B: int                              # sequences per training batch (as ``batches`` draws)
    lr: float = 1e-2


def _long_lag_batch(rng, p=P, B=32):
    """A training batch of the long-lag task with the loss on the last prediction only:
    the other predictions are easy, and the budget goes to the one that needs memory."""
    b = tasks.long_lag(p, B, rng)
    return b._replace(mask=b.mask * (np.arange(p) == p - 1)[:, None])


TASKS = {
    "adding": Task(
        "adding", "adding problem (T = 20)",
        lambda rng: tasks.adding_problem(20, 32, rng),
        lambda: tasks.adding_problem(20, 256, TEST_SEED), tasks.adding_success,
        "sequences with |error| < 0.04 (Hochreiter & Schmidhuber 1997)", 0.9,
        D=2, O=1, budget=600, steps=600, B=32),
    "timer": Task(
        "timer", "Jaeger's timer (T = 40)",
        lambda rng: tasks.timer(40, 16, rng),
        lambda: tasks.timer(120, 64, TEST_SEED), tasks.timer_success,
        "pulses lasting 10 u2 steps, +- 1 (the course's criterion)", 0.9,
        D=2, O=1, budget=600, steps=400, B=16),
    "long_lag": Task(
        "long_lag", f"noise-free long lag (lag {P - 1})",
        _long_lag_batch,
        lambda: tasks.long_lag(P, 64, TEST_SEED), tasks.long_lag_success,
        "sequences whose last symbol is recalled (H&S 1997, exp. 2a)", 1.0,
        D=P + 1, O=P + 1, budget=12_500, steps=1000, B=32),   # loss on the last prediction
}


def make_model(cell, D, H, O, seed, lstm_biases=None):
    """A fresh model with its cell's recipe: RNN and GRU as PyTorch initializes them, the
    LSTM with ``lstm_biases`` (default ``LSTM_BIASES``: forget +3, input -3)."""
    if cell == "RNN":
        return RNN(D, H, O, rng=seed)
    if cell == "LSTM":
        return LSTM(D, H, O, rng=seed, **(LSTM_BIASES if lstm_biases is None else lstm_biases))
    if cell == "GRU":
        return GRU(D, H, O, rng=seed)
    raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")


def recall_gap(trace, batch):
    """The long-lag task's memory signal: the largest difference, over units, between the
    mean h at the last step of the sequences that began with x and of those with y
    (0 when the last state does not depend on the first symbol)."""
    h, first = trace.states["h"][-1], batch.info["first"]
    p = batch.X.shape[0]
    return float(np.abs(h[first == p - 1].mean(axis=0) - h[first == p].mean(axis=0)).max())
