"""Parameter counts of the three cells, and the widths that fit a parameter budget.

Equations (rnnlab's layout: one bias per gate, as the sum PyTorch's b_ih + b_hh)::

    one gate block     D*H + H*H + H          (W_x*, W_h*, b_*)
    RNN                1 block                 LSTM   4 blocks (i, f, g, o)
    GRU                3 blocks (r, z, n) + H  (b_hn, PyTorch's convention only)
    output layer       H*O + O                 (W_hy, b_y), when O is given

PyTorch keeps both b_ih and b_hh for every gate: G*H more numbers (``pytorch=True``).
So per width the recurrent part costs 1x, 3x and 4x H*H: at one budget the GRU is wider
than the LSTM and narrower than the RNN.
"""
from ._validate import check_positive_int

CELLS = ("RNN", "LSTM", "GRU")
GATE_BLOCKS = {"RNN": 1, "LSTM": 4, "GRU": 3}


def param_count(cell, D, H, O=None, convention="pytorch", pytorch=False):
    """Number of scalar parameters of ``cell`` ("RNN", "LSTM", "GRU") with these sizes.

    Equals ``model.n_params`` of the rnnlab model; ``pytorch=True`` counts PyTorch's two
    bias vectors per gate instead (what ``sum(p.numel() for p in layer.parameters())``
    gives for the recurrent layer, plus the output layer).
    """
    if cell not in GATE_BLOCKS:
        raise ValueError(f"cell must be one of {CELLS}, got {cell!r}")
    D, H = check_positive_int(D, "D"), check_positive_int(H, "H")
    G = GATE_BLOCKS[cell]
    n = G * (D * H + H * H + H)
    if pytorch:
        n += G * H                                  # b_hh beside b_ih (b_hn is among them)
    elif cell == "GRU" and convention == "pytorch":
        n += H                                      # b_hn, kept apart: r multiplies it
    if O is not None:
        n += H * check_positive_int(O, "O") + O
    return n


def matched_width(cell, budget, D, O=None, convention="pytorch"):
    """The largest H whose ``param_count`` does not exceed ``budget`` (at least 1)."""
    budget = check_positive_int(budget, "budget")
    if param_count(cell, D, 1, O, convention) > budget:
        raise ValueError(f"a budget of {budget} parameters cannot hold even one {cell} unit "
                         f"with D={D}, O={O} ({param_count(cell, D, 1, O, convention)} needed)")
    H = 1
    while param_count(cell, D, H + 1, O, convention) <= budget:
        H += 1
    return H


def matched_widths(budget, D, O=None):
    """``{"RNN": H, "LSTM": H, "GRU": H}``: each cell's widest fit within ``budget``."""
    return {cell: matched_width(cell, budget, D, O) for cell in CELLS}
