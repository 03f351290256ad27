"""Checks for chapter 4 (LSTM gates), one module per exercise:

    ch04_forward    check_lstm_step_forward    one step forward
    ch04_cell       check_lstm_cell_backward   the backward of the cell state
    ch04_storecall  check_store_recall         a cell wired by hand to store and recall

Each check compares the learner's answer with the library and with variants computed
with the classic mistakes switched on, and names the mistakes it finds.
"""
from .ch04_cell import check_lstm_cell_backward  # noqa: F401
from .ch04_forward import check_lstm_step_forward  # noqa: F401
from .ch04_storecall import check_store_recall, wiring_problems  # noqa: F401
