# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # Chapter 5 · The GRU, and the three cells compared
#
# The LSTM of [Chapter 4](04_lstm_gates.ipynb) keeps its memory on a lane of its own and
# guards it with three gates. In 2014 Cho and colleagues proposed a lighter cell with the
# same trick, a state that is copied forward unless a gate says otherwise, but with two
# gates and no separate lane: the **gated recurrent unit** (GRU). This last chapter
# builds the GRU from the LSTM, sorts out the two ways it is written (a classic source of
# bugs when weights move between libraries), counts what each cell costs, and then races
# the tanh RNN, the LSTM and the GRU against each other at equal size on the course's
# long-lag tasks.
#
# **By the end of this chapter you can**
#
# - derive the GRU from the LSTM: one update gate for "forget" and "write", a reset gate,
#   and the cell state merged into the hidden state;
# - explain the GRU as a learned leaky integrator, and why the gradient along its copy
#   path is multiplied by $z_t$ per step;
# - write one GRU step in PyTorch's convention, and convert its weights to Chung et
#   al.'s convention, saying exactly where the two can and cannot agree;
# - count the parameters of the RNN, LSTM and GRU and choose widths that match a budget;
# - read the gradient flow of the three cells side by side and say what the gate biases
#   change;
# - run, read and judge a small comparison of the three cells over seeds, and set it
#   beside Chung et al. (2014) and Jozefowicz et al. (2015);
# - tie the course's four ideas together and move your weights to PyTorch.
#
# **Time:** 60 to 90 minutes. **You need:** Chapters 1 to 4 (the LSTM's gates, gradient
# flow against the lag), numpy. Run the cells from top to bottom; the exercises check
# themselves.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import numpy as np

import rnnlab as rl
from rnnlab import study
from rnnlab.study_tasks import LSTM_BIASES
from rnnlab.budget import CELLS, matched_widths, param_count
from rnnlab.checks import check_gru_step, check_matched_widths, check_pytorch_to_chung
from rnnlab.gru_convert import convert, pytorch_to_chung
from rnnlab.plots import subplots
from rnnlab.plots.study import CELL_COLORS, LiveCurves, plot_saturation, plot_study
from rnnlab.show import show
from rnnlab.style import COLORS
from rnnlab.widgets import CellsFlowExplorer, GRUGatesExplorer
from rnnlab.widgets.flow import format_ratio
from rnnlab.widgets.gru_gates import share_text

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. From the LSTM to the GRU
#
# Recall the LSTM's memory: $c_t = f_t \odot c_{t-1} + i_t \odot g_t$, read out as
# $h_t = o_t \odot \tanh(c_t)$. Three simplifications give the GRU.
#
# 1. **One gate for keeping and writing.** The forget gate $f$ and the input gate $i$
#    usually move in opposite directions: keep the old value or write a new one. The GRU
#    ties them together with one **update gate** $z_t$: keep the fraction $z_t$ of the
#    old state and write $1 - z_t$ of the new candidate. The sum of the two weights is
#    always 1, so the state is a weighted *average* of old and new.
# 2. **No separate cell.** The state that is carried forward is the state that is shown:
#    there is no $c_t$ and no output gate.
# 3. **A reset gate** $r_t$ decides how much of the old state the candidate $n_t$ may
#    look at: with $r_t = 0$ the candidate is computed from the input alone, as if the
#    sequence started afresh.
#
# In PyTorch's convention (the one `rl.GRU` uses by default, with gate order $r, z, n$):
#
# $$\begin{aligned}
# r_t &= \sigma(x_t W_{xr} + h_{t-1} W_{hr} + b_r), \qquad
# z_t = \sigma(x_t W_{xz} + h_{t-1} W_{hz} + b_z),\\
# n_t &= \tanh\big(x_t W_{xn} + b_n + r_t \odot (h_{t-1} W_{hn} + b_{hn})\big),\\
# h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}.
# \end{aligned}$$
#
# ### The GRU as a learned leaky integrator
#
# If $z_t$ were a constant $z$, the last line would be an exponential moving average:
# $h_t = z\,h_{t-1} + (1 - z)\,n_t$, a *leaky integrator* that forgets a fraction
# $1 - z$ per step. The GRU learns $z_t$, per unit and per step: near 1 it copies the
# state, near 0 it overwrites it. Along the copy path the Jacobian is
# $\partial h_t / \partial h_{t-1} = z_t$ (plus terms through the gates and the
# candidate), so the gradient that travels back $k$ steps is multiplied by
# $z^k$: close to 1 when $z$ is close to 1. Below, one unit set by hand: the update
# gate's bias is 4 and it reads neither the input nor the state, the candidate reads only
# the input ($W_{hn} = 0$), and the loss sits at the last of 60 steps. `rl.bptt` gives
# $\partial L/\partial h_t$ at every step; its ratio to the last step's is exactly
# $z^k$.

# %% slideshow={"slide_type": "subslide"}
T = 60
leaky = rl.GRU(D=1, H=1, O=1, rng=0)
leaky["W_x"] = [[0.0, 0.0, 1.0]]          # r, z, n: only the candidate reads the input
leaky["W_h"] = [[0.0, 0.0, 0.0]]          # no recurrent weights at all
leaky["b"], leaky["b_hn"] = [0.0, 4.0, 0.0], [0.0]
leaky["W_hy"], leaky["b_y"] = [[1.0]], [0.0]
x = np.random.default_rng(0).uniform(-1, 1, (T, 1, 1))
mask = np.zeros(T)
mask[-1] = 1.0                            # the loss at the last step only
res = rl.bptt(leaky, x, np.zeros((T, 1, 1)), mask=mask)
z = float(res.trace.caches[0].z[0, 0])
for k in (1, 10, 50):
    ratio = res.dh[T - 1 - k, 0, 0] / res.dh[T - 1, 0, 0]
    print(f"lag {k:>2}: dL/dh ratio {ratio:.4f}   z^{k} = {z ** k:.4f}")
print(f"z = sigmoid(4) = {z:.4f}: each step back keeps {z:.1%} of the gradient")

# %% [markdown]
# A tanh RNN gets a factor $1 - h_t^2$ times its weight at every step, and both move as
# the state moves. Here the factor is just the gate's value, which the network can learn
# to hold near 1 for as long as it needs to remember. That is the LSTM's constant error
# carousel (Chapter 4) with one gate instead of two.
#
# ### Exercise 1: one GRU step, PyTorch's convention
#
# Write `gru_step(x, h_prev, W_x, W_h, b, b_hn)` that returns $h_t$ of shape $(B, H)$.
# The fused arrays hold the gates side by side in the order $r, z, n$: `W_x` is
# $(D, 3H)$, `W_h` is $(H, 3H)$, `b` is $(3H,)$ and `b_hn` is $(H,)$. Follow the four
# equations above. The check compares with `rl.gru_step_forward` and names the classic
# slips: the other convention's update, the reset in the wrong place, `b_hn` outside
# the reset, the gates read in the wrong order.

# %% slideshow={"slide_type": "subslide"}
def gru_step(x, h_prev, W_x, W_h, b, b_hn):
    """One GRU step, PyTorch's convention: x (B, D), h_prev (B, H) -> h (B, H)."""
    raise NotImplementedError  # your code here


check_gru_step(gru_step)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def gru_step_solution(x, h_prev, W_x, W_h, b, b_hn):
    """One GRU step, PyTorch's convention: x (B, D), h_prev (B, H) -> h (B, H)."""
    H = h_prev.shape[1]
    a = x @ W_x + b                                     # (B, 3H): all input terms
    sig = lambda v: 1 / (1 + np.exp(-v))                # noqa: E731
    r = sig(a[:, :H] + h_prev @ W_h[:, :H])             # reset gate
    z = sig(a[:, H:2 * H] + h_prev @ W_h[:, H:2 * H])   # update gate
    n = np.tanh(a[:, 2 * H:] + r * (h_prev @ W_h[:, 2 * H:] + b_hn))   # reset AFTER
    return (1 - z) * n + z * h_prev                     # z near 1 keeps the old state


check_gru_step(gru_step_solution, solution=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Two conventions for one cell
#
# The GRU is written in two ways, and both are everywhere.
#
# | | update | reset | used by |
# |---|---|---|---|
# | **PyTorch** | $h_t = (1 - z_t) n_t + z_t h_{t-1}$ | after the product: $r_t \odot (h_{t-1} W_{hn} + b_{hn})$ | `torch.nn.GRU`, cuDNN, Keras with `reset_after=True` (its default in TensorFlow 2) |
# | **Chung et al. 2014** | $h_t = (1 - z_t) h_{t-1} + z_t n_t$ | before the product: $(r_t \odot h_{t-1}) W_{hn}$ | Chung, Gulcehre, Cho & Bengio (2014), and many tutorials that follow it |
#
# Cho et al. (2014), the paper that introduced the cell, put $z$ on the old state as
# PyTorch does, but applied the reset before the product as Chung et al. do; so do
# Keras with `reset_after=False` and the d2l textbook. Whenever you read a GRU, check
# both lines.
#
# **The update part converts exactly.** $z^{\text{Chung}}_t = 1 - z^{\text{PyTorch}}_t$,
# and $1 - \sigma(a) = \sigma(-a)$: negate the update gate's weights *and* its bias, and
# one convention's gate becomes the other's. **The reset part does not.**
# $r \odot (h W)$ and $(r \odot h) W$ are different vectors unless $r = 1$ (or $W$ is
# diagonal): in the first, unit $j$'s reset scales the finished sum of unit $j$; in the
# second, it scales what unit $j$ *contributes* to every sum. Chung's cell also has no
# $b_{hn}$; where $r = 1$ it can be folded into $b_n$.
#
# `rnnlab.gru_convert.convert(model)` does exactly that. The demonstration: a GRU with 3
# units in PyTorch's convention and its converted twin, first with the reset gate
# pinned at 1 ($b_r = 40$, so $\sigma(b_r + \dots)$ rounds to 1), then with the weights as
# drawn.

# %% slideshow={"slide_type": "subslide"}
X = np.random.default_rng(1).standard_normal((12, 4, 2))   # T=12 steps, B=4, D=2
pt = rl.GRU(D=2, H=3, O=1, rng=3)
pt["b_r"] = 40.0                                           # r_t = 1: the reset does nothing
ch = convert(pt)                                           # Chung's convention, converted
tp, tc = pt.forward(X), ch.forward(X)
z_pt, z_ch = tp.caches[5].z, tc.caches[5].z
print(f"r = 1:  z_Chung = 1 - z_PyTorch at step 5 (to 1e-14): "
      f"{np.abs(z_ch - (1 - z_pt)).max() < 1e-14}")
print(f"r = 1:  the two outputs agree to 1e-12 over all 12 steps: "
      f"{np.abs(tp.Y - tc.Y).max() < 1e-12}")

pt2 = rl.GRU(D=2, H=3, O=1, rng=3)                         # the same cell, r as drawn
tp2, tc2 = pt2.forward(X), convert(pt2).forward(X)
r = tp2.caches[5].r
print(f"r as drawn (between {r.min():.2f} and {r.max():.2f} at step 5): the outputs "
      f"differ by up to {np.abs(tp2.Y - tc2.Y).max():.2f}")

# %% [markdown]
# Where exactly does the reset placement bite? Take one step, the same $h_{t-1}$, the
# same $W_{hn}$ and the same reset values, and compute the recurrent part of the
# candidate both ways. With $r = 1$ they coincide; with $r$ between 0 and 1 they do not,
# and no choice of weights can make them coincide for every $h_{t-1}$ (a weight matrix
# cannot know which unit's reset to apply to which sum).

# %% slideshow={"slide_type": "subslide"}
rng = np.random.default_rng(4)
h_prev = rng.uniform(-1, 1, (1, 3))
W_hn = rng.standard_normal((3, 3))
for label, r in (("r = 1", np.ones((1, 3))), ("r = (0.9, 0.2, 0.5)", np.array([[0.9, 0.2, 0.5]]))):
    after = r * (h_prev @ W_hn)                 # PyTorch: reset the finished sums
    before = (r * h_prev) @ W_hn                # Chung: reset what each unit contributes
    print(f"{label:<20} after: {np.array2string(after[0], precision=3, sign='+')}   "
          f"before: {np.array2string(before[0], precision=3, sign='+')}   "
          f"same: {np.allclose(after, before, atol=1e-12)}")

# %% [markdown]
# So when you move a trained GRU between libraries, check the update sign (negate
# $W_{xz}, W_{hz}, b_z$ if the conventions differ) *and* the reset placement. If the
# placements differ, there is no exact conversion: the converted network is a different
# network, close only where its reset gates are nearly open. (rnnlab's `to_torch()`
# refuses a Chung-convention GRU for that reason.)
#
# ### Exercise 2: convert PyTorch's weights to Chung's
#
# Write `pytorch_to_chung(W_x, W_h, b, b_hn)` that returns `(W_x, W_h, b)` for a GRU in
# Chung's convention that computes the same states **where it can**, that is wherever the
# reset gate is 1. The check builds both cells with the reset pinned at 1 and compares
# their states over a sequence. Do not change the arrays you are given (work on copies).

# %%
def pytorch_to_chung(W_x, W_h, b, b_hn):
    """PyTorch-convention GRU weights -> Chung-convention (W_x, W_h, b)."""
    raise NotImplementedError  # your code here


check_pytorch_to_chung(pytorch_to_chung)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def pytorch_to_chung_solution(W_x, W_h, b, b_hn):
    """PyTorch-convention GRU weights -> Chung-convention (W_x, W_h, b)."""
    H = W_h.shape[0]
    W_x, W_h, b = W_x.copy(), W_h.copy(), b.copy()
    W_x[:, H:2 * H] *= -1                 # z_Chung = 1 - z = sigmoid(-a_z): negate all of a_z
    W_h[:, H:2 * H] *= -1
    b[H:2 * H] *= -1
    b[2 * H:] += b_hn                     # where r = 1, r * (h W_hn + b_hn) = h W_hn + b_hn
    return W_x, W_h, b


check_pytorch_to_chung(pytorch_to_chung_solution, solution=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. What each cell costs
#
# Each gate is a small layer of its own: input weights $D \times H$, recurrent weights
# $H \times H$ and a bias $H$. The tanh RNN has one such block, the GRU three
# ($r, z, n$, plus $b_{hn}$), the LSTM four ($i, f, g, o$). The output layer
# $W_{hy}, b_y$ is the same for all. So at the same width the GRU costs about 3 times
# and the LSTM about 4 times the recurrent weights of the RNN; at the same *budget* the
# GRU is wider than the LSTM and narrower than the RNN. `rnnlab.budget.param_count`
# counts as `model.n_params` does (PyTorch keeps two biases per gate, `pytorch=True`
# counts those).

# %%
D, O = 2, 1
for H in (16, 64):
    counts = {c: param_count(c, D, H, O) for c in CELLS}
    rec = {c: param_count(c, D, H) for c in CELLS}              # without the output layer
    print(f"H = {H:>2}: " + ", ".join(f"{c} {n:>6,}" for c, n in counts.items())
          + f"   recurrent part / RNN's: " + ", ".join(f"{rec[c] / rec['RNN']:.2f}" for c in CELLS))
print(f"the models agree: {rl.GRU(D, 16, O).n_params == param_count('GRU', D, 16, O)}, "
      f"{rl.LSTM(D, 16, O).n_params == param_count('LSTM', D, 16, O)}")
print(f"PyTorch's count for the GRU at H = 16 (two biases per gate): "
      f"{param_count('GRU', D, 16, O, pytorch=True):,}")

# %% [markdown]
# The ratios approach 3 and 4 as $H$ grows, because the $H \times H$ blocks dominate.
# Comparing cells fairly means comparing them at the same number of parameters: the
# widest model of each kind that fits the budget.
#
# ### Exercise 3: widths for a budget
#
# Write `matched_widths(budget, D, O)` that returns a dict `{"RNN": H, "LSTM": H,
# "GRU": H}`: for each cell the largest width whose parameter count (rnnlab's count,
# output layer included) does not exceed `budget`. Count with a formula of your own
# rather than by building models; the check tries five budgets and names the classic
# miscounts.

# %% slideshow={"slide_type": "subslide"}
def matched_widths_mine(budget, D, O):
    """{"RNN": H, "LSTM": H, "GRU": H}: the widest of each cell within ``budget``."""
    raise NotImplementedError  # your code here


check_matched_widths(matched_widths_mine)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def matched_widths_solution(budget, D, O):
    """{"RNN": H, "LSTM": H, "GRU": H}: the widest of each cell within ``budget``."""
    def count(cell, H):
        G = {"RNN": 1, "LSTM": 4, "GRU": 3}[cell]
        extra = H if cell == "GRU" else 0                 # b_hn
        return G * (D * H + H * H + H) + extra + H * O + O
    widths = {}
    for cell in ("RNN", "LSTM", "GRU"):
        H = 1
        while count(cell, H + 1) <= budget:
            H += 1
        widths[cell] = H
    return widths


check_matched_widths(matched_widths_solution, solution=True)

# %% [markdown]
# The widths that the rest of the chapter uses, from the library's `matched_widths`:

# %%
for budget, D_, O_ in ((600, 2, 1), (1800, 51, 51), (12_500, 51, 51), (20_000, 2, 1)):
    w = matched_widths(budget, D_, O_)
    print(f"budget {budget:>6,} (D={D_}, O={O_}): " + ", ".join(
        f"{c} H={w[c]} ({param_count(c, D_, w[c], O_):,})" for c in CELLS))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Explore: the GRU's gates
#
# One GRU unit, set by hand, reads an input with two pulses: $+1$ at steps 2 to 4 and
# $-1$ at steps 20 and 21. Its update gate reads only the input, $z_t =
# \sigma(w_{xz} x_t + b_z)$; its reset gate is a constant $r = \sigma(b_r)$; the candidate
# is $n_t = \tanh(2 x_t + r\,(w_{hn} h_{t-1}))$. With the starting values, $b_z = 3$ holds
# $z$ near 0.95 (keep) and $w_{xz} = -6$ drops it near 0 while the input is $+1$ (write):
# a unit that stores the first pulse and holds it. The second pulse pushes $z$ *up*
# ($-6 \times -1 = +6$), so this unit ignores negative pulses: the gate decides what gets
# written. Between the pulses the copy path alone would keep $z^{15} = 0.953^{15}$, about
# half of $h_4$, over the 15 steps to $h_{19}$; the candidate, which reads the old state
# through $r\,w_{hn}$, writes some of it back, and the note under the figure says how
# much.
#
# **Try this** (the cell below the explorer prints each setting's numbers):
#
# 1. Switch **convention** to *Chung et al. 2014*. The same weights now mean the
#    opposite. Between the pulses $z \approx 0.95$ now *writes* the candidate at every
#    step, so whatever the state held is gone by step 19. During the $+1$ pulse $z$ falls
#    to 0.05 and the unit barely writes ($h_4 = 0.13$); the $-1$ pulse pushes $z$ to 1 and
#    is written at once ($h_{21} = -0.99$). Set $b_z = -3$ and $w_{xz} = 6$ and you are
#    back to the storing unit.
# 2. In PyTorch's convention, lower **b_z** from 3 to 0 and watch the stored value leak
#    away: $h_{19}$ keeps 1% of $h_4$. Raise it to 6: during the pulse the gate now falls
#    only to $\sigma(6 - 6) = 0.5$, yet three steps of writing half still give
#    $h_4 = 0.86$, and copying 99.8% per step keeps 98% of it to step 19, the best of any
#    $b_z$. To stop the writing, $w_{xz}$ must not cancel $b_z$: with $b_z = 6$ and
#    $w_{xz} = -2$ the gate stays at $\sigma(4) = 0.98$ during the pulse, the unit barely
#    writes, and $h_4$ is only 0.05.
# 3. Set **w_hn** to $-3$, then move **b_r** from $-6$ to 6. The reset gate
#    $r = \sigma(b_r)$ sets how much of the old state the candidate sees. While the unit
#    writes, that changes little ($h_4$ stays between 0.80 and 0.96). Between the pulses
#    the candidate gets only $1 - z = 0.05$ of each step, but one that sees the state
#    pushes against it for 15 steps: $h_{19}$ keeps 48% of $h_4$ at $b_r = -6$ (what the
#    copy alone keeps) and only 9% at $b_r = 6$.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
gates = GRUGatesExplorer(T=36)
gates

# %% [markdown] slideshow={"slide_type": "notes"}
# The numbers behind the picture for the default setting and the suggestions, computed
# without moving the explorer:

# %% slideshow={"slide_type": "skip"}
print(f"the copy alone at the start: z^15 = {gates.compute()['copy_alone']:.3f} of h_4\n")
for s in [{}, {"convention": "Chung et al. 2014"},
          {"convention": "Chung et al. 2014", "b_z": -3.0, "w_xz": 6.0},
          {"b_z": 0.0}, {"b_z": 6.0}, {"b_z": 6.0, "w_xz": -2.0},
          {"w_hn": -3.0, "b_r": -6.0}, {"w_hn": -3.0, "b_r": 6.0}]:
    d = gates.compute(**s)
    print(f"{d['convention']:<17} b_z {d['b_z']:+.1f} w_xz {d['w_xz']:+.1f} b_r {d['b_r']:+.1f} "
          f"w_hn {d['w_hn']:+.1f}:\n    z in the +1 pulse {d['z'][3]:.2f}, h_4 = "
          f"{d['h_after']:+.2f}; copies {share_text(d['keep_gap'])} per step, alone "
          f"{share_text(d['copy_alone'])} of h_4 over 15 steps; h_19 = {d['h_before']:+.2f} "
          f"({share_text(d['held'])} of h_4); z in the -1 pulse {d['z'][20]:.2f}, "
          f"h_21 = {d['h'][21]:+.2f}")
b_r_slider = np.round(np.arange(-6.0, 6.05, 0.1), 1)
h4 = [gates.compute(w_hn=-3.0, b_r=float(b))["h_after"] for b in b_r_slider]
print(f"\nw_hn = -3, b_r from -6 to 6: h_4 between {min(h4):.2f} and {max(h4):.2f}")
b_z_slider = np.round(np.arange(-6.0, 6.05, 0.1), 1)
best = max(b_z_slider, key=lambda b: gates.compute(b_z=float(b))["held"])
print(f"b_z that keeps the largest share of h_4 to step 19: {best:+.1f}")
print(f"\nthe note at the start: {gates.note_for(gates.compute())}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Explore: the gradient flow of the three cells
#
# Chapters 3 and 4 drew $\|\partial L/\partial h_t\|$ against the lag for one cell at a
# time. Here are all three at the same budget of at most 600 parameters (one input, no
# output layer): a tanh RNN of 23 units, an LSTM of 11 and a GRU of 13, each with
# PyTorch's random initialization, reading standard-normal input with the loss at the
# last step. The LSTM's dashed line is $\|\partial L/\partial c_t\|$.
#
# **Try this:**
#
# 1. At the start the LSTM (forget bias $+1$, as Jozefowicz et al. recommend) carries the
#    gradient furthest; the GRU, whose update gate starts around $\sigma(0) = 0.5$, fades
#    even faster than the RNN.
# 2. Raise **GRU b_z +** to 2, 3, 4: the update gate moves towards 1 and the GRU's line
#    flattens, past the LSTM's. **LSTM b_f +** does the same for the LSTM (at 5 its line
#    ends at 6e-03 instead of 1e-07); take it to $-2$ and it falls below the RNN.
# 3. Change **steps T**: from $T = 30$ on, each line falls by about the same factor per
#    step at every T (printed below: about 0.6 for the RNN and the GRU, 0.79 to 0.86 for
#    the LSTM), so a longer sequence only runs further down its line. The gate biases
#    set the slope, and with it how far back a gradient can reach.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
flow = CellsFlowExplorer(budget=600, rng=0)
flow

# %% slideshow={"slide_type": "skip"}
print("widths:", ", ".join(f"{c} H={flow.widths[c]} ({flow.compute()['n_params'][c]} params)"
                           for c in CELLS))
for s in [{}, {"update_bias": 2.0}, {"update_bias": 3.0}, {"update_bias": 4.0},
          {"forget_bias": 5.0}, {"forget_bias": -2.0}, {"forget_bias": 3.0, "T": 150}]:
    d = flow.compute(**s)
    ratios = ", ".join(f"{c} {format_ratio(d['log10_ratio'][flow.labels[c]])}" for c in CELLS)
    print(f"T {d['T']:>3}, LSTM b_f {d['forget_bias']:+.1f}, GRU b_z {d['update_bias']:+.1f}: "
          f"lag {d['T'] - 1} / lag 0 = {ratios}")
per_step = {c: [] for c in CELLS}
for T in range(30, 151, 10):
    d = flow.compute(T=T)
    for c in CELLS:
        per_step[c].append(10 ** (d["log10_ratio"][flow.labels[c]] / (T - 1)))
print("factor per step at T = 30, 40, ..., 150: " + ", ".join(
    f"{c} {min(f):.2f} to {max(f):.2f}" for c, f in per_step.items()))

# %% [markdown]
# A gated cell does not *guarantee* a long reach: at initialization its gates sit
# wherever their biases put them. What it gives is a path whose factor per step is a
# gate value that training can push towards 1, cheaply, through one bias per unit.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. A small race: RNN, LSTM and GRU on long lags
#
# Chung, Gulcehre, Cho & Bengio (2014) compared tanh units, LSTM and GRU on polyphonic
# music (the Nottingham, JSB Chorales, MuseData and Piano-midi datasets) and on two
# speech datasets from Ubisoft, with roughly equal parameter counts within each task
# (their Table 1): about 20,000 for the music models (100 tanh units, 46 GRU units, 36
# LSTM units) and about 170,000 for speech (400 tanh units, 200 GRU units, 126 LSTM
# units). On the music data the three cells came out close: the GRU was best on most
# datasets but not all, and the tanh units stayed competitive. On the speech data the
# gated units were clearly ahead of the tanh units. Between the LSTM and the GRU they
# found no clear winner. Jozefowicz, Zaremba & Sutskever (2015) searched over ten
# thousand architectures and found the GRU ahead of the LSTM on most tasks except
# language modelling, and the gap mostly closed once the LSTM's forget bias was
# initialized to 1.
#
# We run the same kind of race at toy scale, on the course's three long-lag tasks, each
# judged by its own criterion:
#
# - the **adding problem** (Hochreiter & Schmidhuber 1997, experiment 4) at $T = 20$: a
#   sequence is solved when the answer is within 0.04;
# - **Jaeger's timer** at $T = 40$: a pulse is timed when the output lasts $10 u_2$
#   steps, $\pm 1$;
# - the **noise-free long-lag task** (Hochreiter & Schmidhuber 1997, experiment 2a) with
#   $p = 50$: the first symbol is read at step $t = 0$ and must be predicted at step
#   $t = p - 1 = 49$, a lag of 49 steps.
#
# **A fair recipe.** Within a task every cell gets the same parameter budget, the same
# batches, the same optimizer (Adam, learning rate 0.01, gradient clipping at norm 1) and
# the same number of steps. Each cell starts from its standard initialization: the RNN
# and the GRU as PyTorch initializes them (every weight, and each of PyTorch's two biases
# per gate, uniform in $\pm 1/\sqrt{H}$); the LSTM the same, then with forget bias $+3$
# and input bias $-3$ added.
# A positive forget bias (gates open, keep the cell) follows Gers, Schmidhuber & Cummins
# (2000) and Jozefowicz et al. (2015, who add 1); a negative input bias (gates nearly
# shut, write little) is Hochreiter & Schmidhuber's (1997) remedy for what they call
# internal state drift. The size 3 is our choice, made after forget bias 1 alone had
# failed (the subsection after the race shows how; Question 4 asks whether that is fair). The long-lag task's budget is 12,500 parameters: its 51
# inputs and 51 outputs take most of a small budget (at 1,800 the LSTM keeps 6 units,
# see the widths printed in Section 3), and at 12,500 every cell has room. The long-lag
# task is trained with the loss on its last prediction only: the other predictions need
# no memory, and the budget goes to the one that does. Five seeds per cell; a run
# *succeeds* when its final score on fresh test sequences reaches the task's goal.

# %% slideshow={"slide_type": "subslide"}
for t in study.TASKS.values():
    w = matched_widths(t.budget, t.D, t.O)
    print(f"{t.title:<28} budget {t.budget:>6,} (H: " + ", ".join(f"{c} {w[c]}" for c in CELLS)
          + f"), batch {t.B}, {t.steps} steps, Adam lr {t.lr}; goal {t.goal:.0%} of {t.criterion}")
print(f"LSTM biases added to PyTorch's initialization: forget {LSTM_BIASES['forget_bias']:+g}, "
      f"input {LSTM_BIASES['input_bias']:+g}; RNN and GRU: PyTorch's initialization as it is")

# %% [markdown]
# The whole study takes about a quarter of an hour, too long for a notebook cell, so it
# ships as `rnnlab/data/study.npz`, made by
#
# ```bash
# python -m rnnlab.study        # 3 tasks x 3 cells x 5 seeds, a progress line per run
# ```
#
# The shipped file, and the wall time of each run on the machine that made it (a machine
# shared with other jobs, its load average printed below, so the times are only a rough
# guide):

# %% slideshow={"slide_type": "subslide"}
results = study.load()
print(results.table())
print(f"\nthe whole study: {len(results.tasks) * len(results.cells) * len(results.seeds)} "
      f"runs + {len(results.failing['final'])} with the failing LSTM recipe (next section) "
      f"in {results.total_seconds / 60:.1f} min; load average "
      f"{results.load_average[0]:.1f} at the start, {results.load_average[1]:.1f} at the end")

# %% slideshow={"slide_type": "subslide"}
drawing = plot_study(results)
titles = {name: study.TASKS[name].title for name in results.tasks}
show(drawing.fig, f"Three panels, one per task ({'; '.join(titles.values())}): the test score "
     f"against the training step for the {', '.join(results.cells)}, the mean over "
     f"{len(results.seeds)} seeds as a line, the lowest to the highest seed as a band and "
     f"the goal dotted. Solved of {len(results.seeds)}: " + "; ".join(
         f"{titles[name]}: " + ", ".join(f"{c} {results.solved(name, c)}" for c in results.cells)
         for name in results.tasks) + ".")

# %% [markdown]
# The lines are the mean test score over the five seeds at each evaluation step, the
# bands the lowest and highest seed, the dotted line the goal. The numbers behind the
# claims below:

# %% slideshow={"slide_type": "skip"}
n = len(results.seeds)
for name in results.tasks:
    print(f"{name:<9} solved of {n}: " + ", ".join(f"{c} {results.solved(name, c)}"
                                                  for c in results.cells))
first = {c: results.first_solved("long_lag", c) for c in ("LSTM", "GRU")}
for cell in ("LSTM", "GRU"):
    steps = [s for s in first[cell] if s is not None]
    print(f"long lag, {cell}: the solved runs reached the goal at steps {steps}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# What the five seeds per cell say:
#
# - **Tanh units lose where the lag is long.** The RNN solves none of its 5 runs on the
#   adding problem and none on the long-lag task, although it is the widest model of
#   each budget. On the timer, whose pulses last at most 10 steps, it solves 4 of 5, about
#   as well as the gated cells. That is the direction of Chung et al.'s gap between gated
#   and tanh units; like them, we see it large on one kind of data and small on another.
# - **No clear winner among the gated cells.** The LSTM solves 5 of 5 runs of the adding
#   problem and the GRU 3; on the long-lag task the GRU solves 5 of 5 and the LSTM 4. The
#   GRU gets there first on the long-lag task (every solved run by step 100, the LSTM's
#   between steps 200 and 500). A difference of one or two runs in five is not evidence
#   either way. No clear winner between the two is also what Chung et al. found, on very
#   different data and at a much larger scale.
# - **Spread over seeds is large.** Several cells solve some seeds and not others: five
#   seeds tell a clear difference from a small one, not more.
#
# What they do not say: everything here was small and short, with one learning rate for
# all cells. A longer budget, a per-cell learning rate or a different width would move
# these numbers (Jozefowicz et al. tuned every architecture separately). Treat the
# table as an experiment you can rerun and change, not as a verdict on the cells.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why the LSTM needs its biases: a saturating cell
#
# The same study with the LSTM's forget bias at 1 and no input bias (Jozefowicz et al.'s
# recommendation) ships in the same file: the same
# budget, seeds, batches and 1,000 steps. It solves none of its 5 runs of the long-lag
# task. Why?
#
# Look at what the last prediction is asked for. The softmax has 51 outputs, and the
# loss rewards two things: choosing between $x$ and $y$ (which needs the memory) and
# pushing down the 49 symbols $a_1 \dots a_{49}$ that never come last (which needs
# none). The second is the easy and quick win, and the LSTM takes it with large,
# confident outputs: it drives its cell values $|c_t|$ up, so that $h_t = o_t \odot
# \tanh(c_t)$ sits near $\pm 1$. But where $|c_t|$ is large, $\tanh$ is flat
# ($\tanh'(c) = 1 - \tanh^2(c)$, printed below for $|c| = 5$): the gradient that reaches
# the cell through $h_t$ vanishes, and the small trace that the first symbol left in the
# cell no longer shows in $h_{49}$. Hochreiter & Schmidhuber (1997) describe a related
# problem of the original LSTM, *internal state drift* (a cell whose inputs keep one sign
# drifts into the flat part of its squashing function), and their remedy: start the
# input gates biased towards zero.
#
# Two quantities, measured on the test sequences during training, for the 5 runs of each
# recipe. Left, the largest cell value $\max |c_t|$. Right, the **recall gap**: the
# largest difference, over units, between the mean $h_{49}$ of the sequences that began
# with $x$ and of those that began with $y$. It is 0 when the last state has forgotten
# the first symbol, and about 2 when some unit reads $+1$ for one and $-1$ for the other.

# %% slideshow={"slide_type": "fragment"}
sat = plot_saturation(results)
runs = {"failing": results.failing,
        "study": {q: getattr(results, q)["long_lag"][results.cells.index("LSTM")]
                  for q in ("max_c", "gap")}}
eval_steps = results.eval_steps["long_lag"]
early = (eval_steps >= 50) & (eval_steps <= 300)
show(sat.fig, f"Two panels against the training step, one thin line per run of the LSTM on the "
     f"long-lag task: forget bias +1 alone (the failing recipe, dashed) beside forget +3 and "
     f"input -3 (the study's). Left, on a log scale: the largest cell value max |c_t|, "
     f"{min(r['max_c'][:, list(eval_steps).index(50)].min() for r in runs.values()):.0f} or "
     f"more by step 50 with either recipe. Right, on a log scale: the recall gap at the last "
     f"step, over steps 50 to 300 at most {runs['failing']['gap'][:, early].max():.0e} with "
     f"the failing recipe and at least {runs['study']['gap'][:, early].min():.0e} with the "
     f"study's.")

# %% slideshow={"slide_type": "subslide"}
steps = results.eval_steps["long_lag"]
lstm = results.cells.index("LSTM")
recipes = {"forget +1 alone (failing)": (results.failing["max_c"], results.failing["gap"],
                                         results.failing["success"]),
           "forget +3, input -3 (study)": (results.max_c["long_lag"][lstm],
                                          results.gap["long_lag"][lstm],
                                          results.success[results.tasks.index("long_lag"), lstm])}
at50, early = list(steps).index(50), (steps >= 50) & (steps <= 300)
print(f"the slope of tanh at |c| = 5: {1 - np.tanh(5.0) ** 2:.1e}")
for label, (max_c, gap, ok) in recipes.items():
    print(f"{label:<28} solved {int(ok.sum())}/{len(ok)}; max |c|: {max_c[:, 0].max():.1f} or "
          f"less at the start, {max_c[:, at50].min():.0f} or more at step 50")
gap_failing, gap_study = recipes["forget +1 alone (failing)"][1], recipes["forget +3, input -3 (study)"][1]
print(f"recall gap over steps 50-300: failing recipe at most {gap_failing[:, early].max():.0e}, "
      f"study recipe at least {gap_study[:, early].min():.0e}")
solved_ll = recipes["forget +3, input -3 (study)"][2]
print(f"recall gap at step {steps[-1]} of the {int(solved_ll.sum())} solved runs: "
      f"{gap_study[solved_ll, -1].min():.2f} to {gap_study[solved_ll, -1].max():.2f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# What the two recipes show, run by run:
#
# - **The cell saturates with either recipe.** Every run starts with $\max |c_t|$ below
#   2 and passes 30 within 50 updates; the biases slow the climb a little, they do not
#   stop it.
# - **Only the failing recipe loses the first symbol.** With forget bias 1 alone, the
#   recall gap falls below $10^{-8}$ in every run by step 50 and stays there up to step
#   300: the last state no longer depends on the first symbol, and no gradient can say
#   which way to change it. With forget $+3$ and input $-3$, the gap stays above
#   $10^{-5}$ in every run over the same steps, small but alive, and in 4 of the 5 runs it
#   jumps to about 2 when the run learns the task.
#
# So the input gates that start nearly shut keep the first symbol's trace from being
# washed out while the rest of the network saturates. Why the trace survives in one
# recipe and not in the other, unit by unit, is a good question for your own
# experiment: `study.run("long_lag", "LSTM", seed, lstm_biases={...})` trains one run
# with the biases you choose. The GRU needs no such care here: its state is a weighted
# average of old state and a $\tanh$ candidate, so it cannot grow past 1, and its copy
# path does not pass through a flat $\tanh$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A slice, rerun live
#
# The first 150 of the long-lag race's 1,000 steps, seed 0, rerun here for the RNN and
# the GRU (about 10 s on a laptop; every shipped GRU run had reached the goal by step
# 100). The training loss is the cross-entropy of the last prediction. Long training
# amplifies rounding, so your curve may differ in detail from ours; the verdicts below
# hold on any machine (we checked them with seeds 0 to 9).

# %% slideshow={"slide_type": "fragment"} tags=["nbval-ignore-output"]
SLICE = 150
live = LiveCurves(["RNN", "GRU"], SLICE, "training loss", colors=CELL_COLORS, every=10)
slice_runs = {}
for cell in ("RNN", "GRU"):
    slice_runs[cell] = study.run("long_lag", cell, seed=0, steps=SLICE,
                                 callback=lambda step, h, c=cell: live.update(c, step,
                                                                              h.loss[-1]))
last_loss = {c: r["loss"][-20:].mean() for c, r in slice_runs.items()}   # the last 20 steps
live.close(alt=f"Line chart of the training loss, on a log scale, against the training step, "
               f"0 to {SLICE - 1}, for the RNN and the GRU on the long-lag task (seed 0). "
               f"Over the last 20 steps the RNN's loss averages "
               f"{'above' if last_loss['RNN'] > 0.5 else 'below'} 0.5, near ln 2 (a coin "
               f"toss between x and y), and the GRU's "
               f"{'below' if last_loss['GRU'] < 0.1 * last_loss['RNN'] else 'above'} a "
               f"tenth of the RNN's.")
for cell, r in slice_runs.items():
    print(f"{cell}: {r['seconds']:.1f} s")

# %%
for cell, r in slice_runs.items():
    print(f"{cell}: after {SLICE} steps recalls the first symbol on all "
          f"{study.TASKS['long_lag'].test().X.shape[1]} test sequences: {r['success']}")
print(f"the RNN's loss stays above 0.5, near ln 2 = {np.log(2):.3f} (a coin toss between "
      f"x and y): {last_loss['RNN'] > 0.5}")
print(f"the GRU's loss ends below a tenth of the RNN's: {last_loss['GRU'] < 0.1 * last_loss['RNN']}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. The course in four ideas
#
# 1. **Unrolling** ([Chapter 1](01_unrolling.ipynb)). A recurrent network is one cell
#    applied at every step, its state carried forward; unrolled, it is a deep
#    feed-forward network whose layers share their weights, so one model reads sequences
#    of any length.
# 2. **Backpropagation through time** ([Chapter 2](02_bptt.ipynb)). Training is
#    backpropagation on that unrolled graph: a shared weight's gradient is the sum of its
#    per-step parts, and every step back multiplies the signal by one more Jacobian.
# 3. **Products vanish or explode** ([Chapter 3](03_exploding_vanishing.ipynb)). Those
#    products shrink or grow geometrically, bounded by $\gamma\,\sigma_{\max}(W_{hh})$
#    per step; clipping tames the growth, nothing so simple restores a vanished signal.
# 4. **Gates make the factor learnable** ([Chapter 4](04_lstm_gates.ipynb) and this
#    chapter). The LSTM's cell and the GRU's state are carried by a multiplication with a
#    gate value, $f_t$ or $z_t$, instead of a weight matrix and a squashing slope; the
#    network learns to hold it near 1 for as long as it must remember. The price is
#    parameters (3 or 4 blocks instead of 1) and time per step.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - The GRU merges the LSTM's forget and input gates into one update gate $z$, drops the
#   separate cell and the output gate, and adds a reset gate $r$ on the candidate.
# - It is a learned leaky integrator: along the copy path, $\partial h_t/\partial h_{t-1} =
#   z_t$.
# - PyTorch: $h_t = (1 - z) n + z h_{t-1}$, reset after the product. Chung et al.:
#   $z$ and $1 - z$ swapped, reset before the product. The update converts exactly by
#   negating $W_{xz}, W_{hz}, b_z$; the reset placement converts only where $r = 1$.
# - Per width the recurrent weights cost 1, 3 and 4 blocks (RNN, GRU, LSTM); compare
#   cells at matched parameter counts.
# - At initialization the gate biases decide how far a gradient reaches; training moves
#   them.
# - A fair race gives every cell the same budget, optimizer, batches and steps, and each
#   its standard initialization. In ours (5 seeds per cell) the tanh RNN solved no run
#   where the lag was long, and neither gated cell won everywhere: Chung et al. (2014)
#   likewise found gated units ahead of tanh units (by far on speech, narrowly on music)
#   and no clear winner between the LSTM and the GRU.
# - An LSTM can saturate its cell and lose a long-lag memory before it has learned it:
#   with forget bias 1 alone it solved none of 5 long-lag runs, with forget $+3$ and
#   input $-3$ it solved 4.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where to go next
#
# - **PyTorch.** `model.to_torch()` gives the weights of any rnnlab RNN, LSTM or GRU (in
#   PyTorch's convention) as tensors for `torch.nn.RNN/LSTM/GRU(...).load_state_dict`,
#   and `model.load_torch(state_dict)` brings them back. Build the layer with
#   `batch_first=False` (rnnlab is time-major) and call `.double()` for float64.
# - **Attention.** Every cell in this course squeezes the past into one state vector.
#   Attention lets each step look back at *all* earlier states directly, with weights it
#   computes; a gradient then reaches step $t - k$ in one hop instead of $k$. It began as
#   an addition to recurrent encoder-decoders (Bahdanau, Cho & Bengio 2014) and became,
#   without the recurrence, the Transformer (Vaswani et al. 2017).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Questions to think about
#
# 1. With $z_t = 1$ at every step, what does a GRU compute, and what gradient reaches its
#    weights? Why is that not a good place to *start* training?
# 2. The LSTM has an output gate and the GRU does not. What can an LSTM do with it that
#    a GRU cannot do as directly?
# 3. A colleague converts a Keras GRU trained with `reset_after=False` to PyTorch by
#    negating the update gate's weights. The outputs are close but not equal. Why, and
#    when would they be exactly equal?
# 4. With forget bias 1 alone, the LSTM solved none of its 5 long-lag runs, and we then
#    changed its biases until it worked. Is the race still fair to the RNN and the GRU?
#    What would make it fairer?
# 5. The GRU's gradient flow at initialization fell faster than the RNN's. Does that
#    predict that the GRU trains worse? What does the race say?

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
# Answers to the questions
#
# 1. h_t = h_{t-1}: the state never changes, so the output is constant. The gradient
#    along the copy path passes back unchanged, but every weight's gradient is zero
#    (the gates are saturated, sigmoid' = 0, and (1 - z) multiplies the candidate), so
#    nothing learns. A start near (not at) 1, for example b_z around 1 to 3, keeps both
#    a long reach and a gradient.
# 2. It can keep a value in its cell without showing it: o = 0 hides c_t from the rest
#    of the network (and from the output) while it is stored. A GRU shows everything it
#    stores; it must encode "hidden" values in directions the readout ignores.
# 3. reset_after=False applies the reset before the product (Chung's placement), PyTorch
#    after it; negating the update gate fixes only the update. The outputs agree exactly
#    where the reset gates are 1 (or W_hn is diagonal), otherwise only approximately.
#    (Keras also keeps its own bias layout.)
# 4. Only partly. Both biases come from the literature (a positive forget bias from
#    Gers et al. 2000 and Jozefowicz et al. 2015, a negative input bias from Hochreiter
#    & Schmidhuber 1997), but their size 3 was picked after seeing the LSTM fail, and
#    the RNN and the GRU got no such second look. Fairer: give every cell the same
#    tuning budget (a few initializations and learning rates each, chosen on other
#    seeds than the ones reported), as Jozefowicz et al. did for all their architectures.
# 5. No: the flow at initialization describes the starting point, and a gate bias is
#    one of the first things training moves. The race shows the GRU solving the
#    long-lag task in all 5 of its runs, all by step 100, although its initial flow was
#    the weakest.

# %% [markdown]
# *About the numbers in this notebook.* Everything printed above is the same on every
# machine: the study's numbers come from the shipped file, the live slice prints only
# verdicts that hold whatever the rounding, and the gradient-flow ratios are printed to
# one significant digit. The notebook was replayed with nbval under the default OpenBLAS
# kernel, `OPENBLAS_CORETYPE=Prescott`, and 1 and 2 threads, with the same outputs.
