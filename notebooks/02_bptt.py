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
# # Chapter 2 · Backpropagation through time
#
# Chapter 1 unrolled a recurrent network into a deep feed-forward network whose layers
# share one set of weights. Training it is backpropagation on that unrolled picture:
# *backpropagation through time* (BPTT). Nothing new is needed beyond the chain rule, but
# three things surprise everyone the first time: the gradient of a shared weight is a
# **sum** over steps, every step back multiplies the signal by one more **Jacobian**, and
# a backward pass can be quietly wrong while the network still seems to learn. This
# chapter makes you derive the gradients, compute them, check them, and find real bugs
# with them.
#
# **By the end of this chapter you can**
#
# - trace the backward pass on the unrolled graph: $\partial L/\partial h_t$ arrives from
#   the output at step $t$ and from step $t+1$, through $\tanh'$ and $W_{hh}$;
# - write one step's backward pass and the loop over time, and check them against the
#   library;
# - explain why the gradient of a shared weight is the sum of its per-step contributions,
#   and what averaging would change;
# - compute the chain of Jacobians $\partial h_t/\partial h_{t-1}$ and read its norm over
#   a span of steps;
# - write a centred-difference gradient check, read a relative error, and say why it runs
#   in float64;
# - find five real bugs in a small numpy RNN with gradient checking;
# - say which terms truncated BPTT drops, why memory grows with $T$, and what gradient
#   checkpointing trades.
#
# **Time:** 60 to 90 minutes. **You need:** Chapter 1, backpropagation in a feed-forward
# network, numpy. Run the cells from top to bottom; the exercises check themselves.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import time

import numpy as np

import rnnlab as rl
from rnnlab import buggy_rnn
from rnnlab.checks import (check_find_the_bugs, check_gradient_check, check_rnn_backward,
                           check_rnn_step_backward)
from rnnlab.memory import bptt_memory, checkpoint_states
from rnnlab.optim import Adam
from rnnlab.plots import draw_unrolled, subplots
from rnnlab.plots.gradflow import draw_gradient_flow
from rnnlab.show import show
from rnnlab.style import COLORS, CYCLE
from rnnlab.tasks import counting, counting_accuracy
from rnnlab.train import train
from rnnlab.widgets import BPTTExplorer

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Forward, loss over the steps, backward
#
# We use the vanilla RNN of Chapter 1 with an output at every step:
#
# $$h_t = \tanh(a_t), \quad a_t = x_t W_{xh} + h_{t-1} W_{hh} + b_h, \qquad
#   y_t = h_t W_{hy} + b_y, \qquad L = \sum_{t=0}^{T-1} L_t(y_t, y^*_t).$$
#
# The loss is a **sum over the steps** (here the squared error, averaged over the batch
# as `rl.mse` does). Training needs $\partial L / \partial W$ for every weight. Below, a
# small network on 2 sequences of 5 steps: the forward pass, the loss at each step, and
# `rl.bptt`, which runs the forward pass, the loss and the backward pass in one call.

# %%
rng = np.random.default_rng(0)
T, B, D, H, O = 5, 2, 3, 4, 2
model = rl.RNN(D, H, O, rng=0)
X = rng.standard_normal((T, B, D))                      # (T, B, D)
target = rng.standard_normal((T, B, O))                 # (T, B, O)
h_init = rng.uniform(-0.5, 0.5, (B, H))                 # h_{-1}, (B, H)

trace = model.forward(X, state0=h_init)                 # h_t and y_t of every step
per_step = ((trace.Y - target) ** 2).sum(axis=(1, 2)) / (B * O)
res = rl.bptt(model, X, target, state0=h_init)          # loss and every gradient
print("loss at each step: " + "  ".join(f"{v:.3f}" for v in per_step))
print(f"their sum {per_step.sum():.3f} = the loss rl.bptt computes {res.loss:.3f}")
for name in model.params.names():
    print(f"d{name:<5} shape {str(res.grads[name].shape):>7}   (the shape of {name})")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. The backward pass on the unrolled graph
#
# Walk the unrolled graph from right to left. The state $h_t$ influences the loss in two
# ways: through its own output $y_t$, and through $h_{t+1}$, which it feeds. So its
# gradient (a row vector, like $h_t$) has two parts:
#
# $$\frac{\partial L}{\partial h_t} = \underbrace{\frac{\partial L_t}{\partial y_t}
#   W_{hy}^\top}_{\text{from the output at step } t}
#   + \underbrace{\frac{\partial L}{\partial a_{t+1}} W_{hh}^\top}_{\text{from step } t+1},
#   \qquad \frac{\partial L}{\partial a_t} = \frac{\partial L}{\partial h_t} \odot
#   (1 - h_t^2).$$
#
# The second line is the backward pass through $\tanh$: $\tanh'(a_t) = 1 - h_t^2$,
# applied entry by entry ($\odot$). At the last step there is no step $t+1$, so only the
# output part arrives. In code we write `dh[t]` for $\partial L/\partial h_t$ and `da`
# for $\partial L/\partial a_t$.
#
# In the drawing, the red arrows are the gradient: down from each output into its state,
# and along the arcs from each state back to the one before. Their widths follow the size
# of what they carry (on a log scale), for the network above.

# %% slideshow={"slide_type": "fragment"}
dY = rl.mse(trace.Y, target)[1]                         # dL/dy_t, (T, B, O)
from_output = dY @ model["W_hy"].T                      # the first part, (T, B, H)
sent_back = np.zeros((T, B, H))                         # what step t sends to step t-1
dh_next = np.zeros((B, H))
for t in reversed(range(T)):
    dh_t = from_output[t] + dh_next                     # both parts meet at h_t
    da_t = dh_t * (1 - trace.states["h"][t] ** 2)       # back through tanh
    dh_next = da_t @ model["W_hh"].T                    # back through W_hh, to h_{t-1}
    sent_back[t] = dh_next
    print(f"t = {t}: |dL/dh_t| = {np.linalg.norm(dh_t):.3f}  "
          f"(from y_t {np.linalg.norm(from_output[t]):.3f}, from step t+1 "
          f"{np.linalg.norm(dh_t - from_output[t]):.3f})")
print(f"largest difference from rl.bptt's dL/dh: {np.abs(dh_t - res.dh[0]).max():.0e}"
      if np.abs(dh_t - res.dh[0]).max() > 1e-12 else "the same dL/dh_0 as rl.bptt (to 1e-12)")

fig, ax = subplots(figsize=(8, 3.2), layout=None)
graph = draw_unrolled(T, ax=ax, show_weights=False)
ax.set_ylim(-0.65, graph["layout"].ylim[1])
flow = draw_gradient_flow(graph)
flow.set_values(np.linalg.norm(sent_back, axis=(1, 2)), np.linalg.norm(from_output, axis=(1, 2)))
ax.set_title("gradient flowing right to left: from each output, and from step t+1 to step t",
             fontsize=11)
dh_sizes = np.linalg.norm(res.dh, axis=(1, 2))
show(fig, f"Diagram of the RNN unrolled over {T} steps with the gradient as red arrows: down "
     f"from each output y_t into its state h_t, and along arcs from each state back to the "
     f"one before, their widths following the size of what they carry on a log scale. "
     f"|dL/dh_t| is {dh_sizes[-1]:.3f} at step {T - 1} and {dh_sizes[0]:.3f} at step 0.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Every state collects its output's gradient plus what the next step sends back. The
# arcs carry the part from step $t+1$: its size depends on $\tanh'$ and on $W_{hh}$,
# which is where Chapter 3 begins. The last arc, out of $h_0$, goes into the initial
# state $h_{-1}$: it too receives a gradient (section 4).
#
# ### Exercise 1a: one step backward
#
# Write `rnn_step_backward(dh, cache)`: given `dh` $= \partial L/\partial h_t$ of shape
# $(B, H)$ and the `cache` that `rl.rnn_step_forward` returns (fields `x`, `h_prev`, `h`,
# `W_xh`, `W_hh`), return the tuple `(dx, dh_prev, dW_xh, dW_hh, db_h)`. Equations:
#
# $$da = dh \odot (1 - h^2), \quad dx = da\,W_{xh}^\top, \quad
#   dh_{\text{prev}} = da\,W_{hh}^\top, \quad dW_{xh} = x^\top da, \quad
#   dW_{hh} = h_{\text{prev}}^\top da, \quad db_h = \textstyle\sum_b da.$$
#
# Each weight's gradient is "the input it multiplied, transposed, times $da$". The check
# compares your gradients with the library's and names the classic slips.

# %%
def rnn_step_backward(dh, cache):
    """One step of the tanh RNN backward: dh (B, H) -> (dx, dh_prev, dW_xh, dW_hh, db_h)."""
    raise NotImplementedError  # your code here


check_rnn_step_backward(rnn_step_backward)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def rnn_step_backward_solution(dh, cache):
    """One step of the tanh RNN backward: dh (B, H) -> (dx, dh_prev, dW_xh, dW_hh, db_h)."""
    da = dh * (1 - cache.h ** 2)                        # back through tanh, (B, H)
    dx = da @ cache.W_xh.T                              # (B, D)
    dh_prev = da @ cache.W_hh.T                         # (B, H), to step t-1
    dW_xh = cache.x.T @ da                              # (D, H)
    dW_hh = cache.h_prev.T @ da                         # (H, H): h_{t-1}, not h_t
    db_h = da.sum(axis=0)                               # (H,)
    return dx, dh_prev, dW_xh, dW_hh, db_h


check_rnn_step_backward(rnn_step_backward_solution, solution=True)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1b: the loop over time
#
# Now the whole backward pass. Write `rnn_backward(dH, caches)`: `dH` $(T, B, H)$ holds
# the gradient arriving at each $h_t$ **from its output** (what we called `from_output`
# above), `caches` is the list of the $T$ step caches. Walk $t$ from $T-1$ down to 0,
# add what step $t+1$ sent back, take one step backward (use your `rnn_step_backward` or
# `rl.rnn_step_backward`) and collect the results. Return
# `(dX, dh_init, dW_xh, dW_hh, db_h)`: `dX` $(T, B, D)$ holds every step's `dx`, and
# `dh_init` is the gradient of the initial state $h_{-1}$.

# %%
def rnn_backward(dH, caches):
    """BPTT for a tanh RNN: dH (T, B, H) from the outputs -> (dX, dh_init, dW_xh, dW_hh, db_h)."""
    raise NotImplementedError  # your code here


check_rnn_backward(rnn_backward)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def rnn_backward_solution(dH, caches):
    """BPTT for a tanh RNN: dH (T, B, H) from the outputs -> (dX, dh_init, dW_xh, dW_hh, db_h)."""
    T = len(caches)
    dX = [None] * T
    dW_xh, dW_hh = np.zeros_like(caches[0].W_xh), np.zeros_like(caches[0].W_hh)
    db_h = np.zeros(dH.shape[2])
    dh_next = np.zeros_like(dH[0])                      # nothing comes from after the end
    for t in reversed(range(T)):
        g = rl.rnn_step_backward(dH[t] + dh_next, caches[t])  # both parts of dL/dh_t
        dX[t] = g.dx
        dW_xh += g.dW_xh                                # shared weights: SUM over steps
        dW_hh += g.dW_hh
        db_h += g.db_h
        dh_next = g.dh_prev                             # carried to step t-1
    return np.stack(dX), dh_next, dW_xh, dW_hh, db_h    # dh_next is now dL/dh_{-1}


check_rnn_backward(rnn_backward_solution, solution=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Why the gradient of a shared weight is a sum
#
# In the unrolled picture each step has its own copy of $W_{hh}$. If the copies were
# different weights $W_{hh}^{(0)}, \dots, W_{hh}^{(T-1)}$, each would get its own
# gradient $h_{t-1}^\top \, da_t$. They are one weight, so a small change $\Delta$ of
# $W_{hh}$ changes **every** copy by $\Delta$, and the loss changes by the sum of what
# each copy contributes:
#
# $$\frac{\partial L}{\partial W_{hh}} = \sum_{t=0}^{T-1} h_{t-1}^\top \,
#   \big(\tfrac{\partial L}{\partial h_t} \odot (1 - h_t^2)\big).$$
#
# Below, the $T = 5$ contributions to one entry of $dW_{hh}$, and their running sum
# from the right, as the backward pass adds them.

# %% slideshow={"slide_type": "fragment"}
Hs = trace.states["h"]                                   # (T, B, H)
H_prev = np.concatenate([h_init[None], Hs[:-1]])        # h_{t-1} for every t
dA = res.dh * (1 - Hs ** 2)                              # dL/da_t, (T, B, H)
contrib = np.einsum("tbi,tbj->tij", H_prev, dA)          # (T, H, H): h_{t-1}^T da_t
i, j = 0, 1                                              # the entry W_hh[0, 1]
fig, ax = subplots(figsize=(7, 2.8))
ax.bar(range(T), contrib[:, i, j], color=COLORS["gradient"], width=0.6, label="step t's contribution")
ax.plot(range(T), np.cumsum(contrib[::-1, i, j])[::-1], "o-", color=COLORS["text"],
        label="running sum, from the right")
ax.axhline(res.grads["W_hh"][i, j], ls="--", color=COLORS["text"], lw=1, label="dW_hh[0, 1]")
ax.set_xlabel("step t")
ax.set_ylabel("dL/dW_hh[0, 1]")
ax.legend(loc="lower left", bbox_to_anchor=(0, 1), ncols=3)
print("contributions to dW_hh[0, 1]: " + "  ".join(f"{c:+.4f}" for c in contrib[:, i, j]))
print(f"their sum {contrib[:, i, j].sum():+.4f} = rl.bptt's dW_hh[0, 1] "
      f"{res.grads['W_hh'][i, j]:+.4f}")
print(f"all H x H entries: the sum of the {T} matrices equals rl.bptt's dW_hh: "
      f"{np.allclose(contrib.sum(axis=0), res.grads['W_hh'], rtol=1e-12, atol=1e-14)}")
print(f"the mean of the contributions is exactly 1/T of that: sum / mean = "
      f"{contrib.sum(axis=0)[i, j] / contrib.mean(axis=0)[i, j]:.1f} = T")
show(fig, f"Bar chart of each step's contribution to dW_hh[0, 1], t = 0 to {T - 1}, with their "
     f"running sum from the right as a line of dots; at step 0 it reaches the dashed line "
     f"at dW_hh[0, 1] = {res.grads['W_hh'][i, j]:+.4f}, rl.bptt's gradient.")

# %% [markdown]
# **Averaging instead of summing** divides every weight's gradient by $T$: it points in
# the same direction, so it only rescales, exactly like a learning rate $T$ times
# smaller. It is the gradient of a different loss, the *mean* over the steps. Either
# convention works if you stay consistent; rnnlab sums over time and averages over the
# batch. What goes wrong is mixing them: a backward pass that averages a loss that was
# summed gives gradients $T$ times too small, and a gradient check flags it at once
# (the relative error of $g$ against $g/T$ is $(T-1)/(T+1)$, printed below for our
# $T = 5$).

# %% slideshow={"slide_type": "subslide"}
print(f"relative error between dW_hh and dW_hh / T for T = {T}: "
      f"{rl.relative_error(res.grads['W_hh'], res.grads['W_hh'] / T):.2f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. The initial state is a parameter too
#
# The chain of states starts at $h_{-1}$. Most code sets it to zeros, but nothing stops
# us from learning it: $\partial L/\partial h_{-1}$ is what step 0 sends back, the last
# `dh_prev` of the loop. `rl.bptt` returns it as `res.dstate0`. A learned $h_{-1}$ helps
# when every sequence should start from a particular state (a short sequence, or a
# network that must "know" it is at the beginning). Its gradient is checked like any
# other:

# %%
dh_init = res.dstate0[0]                                 # dL/dh_{-1}, (B, H)
h0 = h_init.copy()


def loss_from_h0():
    return rl.mse(model(X, state0=h0), target)[0]


numeric = rl.numerical_gradient(loss_from_h0, h0)
print(f"dL/dh_(-1) for sequence 0: " + "  ".join(f"{v:+.4f}" for v in dh_init[0]))
print(f"centred differences agree to better than 1e-8: "
      f"{rl.relative_error(dh_init, numeric) < 1e-8}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. The chain of Jacobians
#
# How much does $h_{t-1}$ move $h_t$? Differentiating $h_t = \tanh(x_t W_{xh} + h_{t-1}
# W_{hh} + b_h)$ with row vectors gives a matrix, the Jacobian of one step:
#
# $$\frac{\partial h_t}{\partial h_{t-1}} = \operatorname{diag}(1 - h_t^2)\, W_{hh}^\top
#   \quad\text{(row-vector form: } dh_{t-1} = dh_t \,\operatorname{diag}(1 - h_t^2)\,
#   W_{hh}^\top\text{)}.$$
#
# A gradient that travels from step $t$ back to step $t - k$ is multiplied by $k$ of
# these matrices. Below, an example (one network of 8 units, one sequence of 60 steps,
# one seed): we form the product over the last $k$ steps and print its norm (the largest
# factor by which it can stretch a gradient), for a recurrent matrix scaled to spectral
# radius 0.9 and 1.5.

# %%
T_long, H8 = 60, 8
X_long = np.random.default_rng(1).standard_normal((T_long, 1, 3))
lags = (1, 5, 10, 20, 40)
print("   k  " + "  ".join(f"{'radius ' + str(r):>12}" for r in (0.9, 1.5)))
norms = {}
for radius in (0.9, 1.5):
    net = rl.RNN(3, H8, 1, init="orthogonal", rng=2)
    net["W_hh"] = radius * net["W_hh"]                   # orthogonal: every |eigenvalue| = radius
    hs = net.forward(X_long).states["h"][:, 0]           # (T, H)
    P = np.eye(H8)                                       # d h_{T-1} / d h_{T-1-k}, built up
    norms[radius] = []
    for k in range(1, max(lags) + 1):
        J = np.diag(1 - hs[T_long - k] ** 2) @ net["W_hh"].T   # dh_t/dh_{t-1}, t = T-k
        P = P @ J
        if k in lags:
            norms[radius].append(np.linalg.norm(P, 2))
for n, k in enumerate(lags):
    print(f"{k:>4}  " + "  ".join(f"{norms[r][n]:>12.1e}" for r in (0.9, 1.5)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# In this example, with radius 0.9 the product shrinks geometrically: the loss at the
# end of the sequence hardly reaches 40 steps back. With 1.5 it shrinks too, more slowly,
# because large weights push $h_t$ towards $\pm 1$ where $\tanh' = 1 - h_t^2$ is small. Whether the
# product vanishes or explodes, and what to do about it, is **Chapter 3**. The product
# is not a separate theory: it is exactly what BPTT multiplies the gradient by. Check it
# against `rl.bptt` with a loss at the last step only:

# %%
net = rl.RNN(3, H8, 1, init="orthogonal", rng=2)
net["W_hh"] = 0.9 * net["W_hh"]
last_only = np.zeros(T_long)
last_only[-1] = 1.0                                      # a mask: loss at step T-1 only
r = rl.bptt(net, X_long, np.zeros((T_long, 1, 1)), mask=last_only)
hs = r.trace.states["h"][:, 0]
P = np.eye(H8)
for k in range(1, 11):
    P = P @ np.diag(1 - hs[T_long - k] ** 2) @ net["W_hh"].T
agree = np.allclose(r.dh[-1, 0] @ P, r.dh[-11, 0], rtol=1e-10, atol=1e-14)
print(f"dL/dh_(T-1) times the product of 10 Jacobians equals rl.bptt's dL/dh_(T-11): {agree}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Explore: the gradient through time
#
# The explorer shows the smallest network again, one unit ($W_{xh} = W_{hy} = 1$,
# $h_{-1} = 0.5$), unrolled over 12 steps, so $dW_{hh}$ is a single number and each
# step's contribution is a bar. On top, the backward pass on the graph: red arrows down
# from each output and arcs from each state back to the one before, their width
# following (on a log scale) the size of the gradient they carry. Below, the bars and
# their running sum, added from the right as BPTT does.
#
# **Try this:**
#
# 1. Drag **back to t** from 11 down to 0 and watch the sweep: the arcs appear right to
#    left, and the running sum takes in one contribution per step until, at $t = 0$, it
#    reaches the dashed line, the full $dW_{hh}$. It does not only climb: step 9's
#    contribution is negative.
# 2. Set **loss at** to *last step*. Only $y_{11}$ sends a gradient, and every step back
#    multiplies it by $|W_{hh}|(1 - h_t^2) < 1$: $|\partial L/\partial h_t|$ shrinks at
#    every step to the left, and the note says that the factor from step 11 to step 0
#    has vanished.
# 3. Set **loss at** back to *every step* and **truncate k** to 1: each step keeps only
#    its own loss's gradient. The last bar stays as it was (no loss lies after step 11);
#    the others change, and some *kept* bars are taller than the *full BPTT* ones, because
#    the dropped terms pulled the other way. The note gives the truncated $dW_{hh}$ and its
#    relative error. Raise k again: the error shrinks to 0 at k = 12, though not at every
#    step (terms of both signs can cancel).
# 4. With the loss at the last step, set **W_hh** to 0: only the last bar is left, since
#    no gradient passes from a step to the one before. Then try 0.5, 1.0, 1.5 and 2.0:
#    the factor in the note is largest at 1.0. Small weights shrink the gradient at every
#    step; large ones saturate $\tanh$, so $1 - h_t^2$ shrinks it instead. A negative
#    weight flips the gradient's sign at every step back. That is Chapter 3's question in
#    one slider.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
explorer = BPTTExplorer(T=12, rng=0)
explorer

# %% [markdown] slideshow={"slide_type": "notes"}
# The numbers behind the picture for the default setting and for the suggestions above,
# computed without moving the explorer:

# %% slideshow={"slide_type": "skip"}
settings = [{}, {"step": 9}, {"loss": "last step"}, {"k": 1}, {"k": 6}, {"k": 7}, {"k": 8},
            {"w_hh": 0.0, "loss": "last step"}, {"w_hh": 0.5, "loss": "last step"},
            {"w_hh": 1.0, "loss": "last step"}, {"w_hh": 1.5, "loss": "last step"},
            {"w_hh": 2.0, "loss": "last step"}]
for s in settings:
    d = explorer.compute(**s)
    print(f"W_hh {d['w_hh']:+.2f}, loss at {d['loss']}, k = {d['k']}, back to t = {d['step']}:")
    print(f"    {explorer.note_for(d)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Gradient checking
#
# A backward pass has many places for a slip, and a slightly wrong gradient often still
# lowers the loss, so training "works" and the bug survives. The cure is to compare with
# the definition of the derivative. For each entry $w_j$ of a parameter,
#
# $$\frac{\partial L}{\partial w_j} \approx \frac{L(w + \varepsilon e_j) -
#   L(w - \varepsilon e_j)}{2\varepsilon}.$$
#
# This **centred** difference is off by about $\varepsilon^2 L'''/6$; the forward
# difference $(L(w + \varepsilon e_j) - L(w))/\varepsilon$ is off by about
# $\varepsilon L''/2$, far worse for the same $\varepsilon$. A smaller $\varepsilon$ is
# not always better: $L$ itself is rounded to about 16 significant digits in float64, and
# that rounding error is divided by $2\varepsilon$.
#
# To compare two gradients we use the **relative error**
# $\lVert g_a - g_n \rVert / (\lVert g_a \rVert + \lVert g_n \rVert)$: it ignores the
# gradients' size, so one threshold fits tiny and huge gradients. Rough scale, in float64:
#
# | relative error | what it usually means |
# |---|---|
# | below $10^{-7}$ | the backward pass is right |
# | $10^{-7}$ to $10^{-4}$ | suspicious: check $\varepsilon$, kinks (ReLU, clipping), tiny gradients |
# | above $10^{-4}$ | almost surely a bug |
# | near 1 | a gradient of the wrong sign, or one of two is (nearly) zero |
#
# ### Exercise 2: a gradient check of your own
#
# Write `numerical_gradient(f, w, eps=...)`: the centred-difference gradient of the
# scalar `f()` with respect to the array `w`, which `f` reads. Perturb `w` **in place**,
# one entry at a time (`np.ndindex(w.shape)` visits them all), and put every entry back.
# Choose the default step `eps` yourself. Then write `relative_error(a, b)`.

# %% slideshow={"slide_type": "subslide"}
def numerical_gradient(f, w, eps=...):
    """Centred differences: the gradient of f() (a number) with respect to the array w."""
    raise NotImplementedError  # your code here


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||), and 0 when both are 0."""
    raise NotImplementedError  # your code here


check_gradient_check(numerical_gradient, relative_error)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def numerical_gradient_solution(f, w, eps=1e-6):
    """Centred differences: the gradient of f() (a number) with respect to the array w."""
    grad = np.zeros(w.shape)
    for j in np.ndindex(w.shape):
        old = w[j]
        w[j] = old + eps
        f_plus = f()
        w[j] = old - eps
        f_minus = f()
        w[j] = old                                      # put it back
        grad[j] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error_solution(a, b):
    """||a - b|| / (||a|| + ||b||), and 0 when both are 0."""
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


check_gradient_check(numerical_gradient_solution, relative_error_solution, solution=True)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How small should $\varepsilon$ be, and why float64?
#
# Below, the relative error between `rl.bptt`'s $dW_{hh}$ and centred differences, for
# steps $\varepsilon$ from $10^{-1}$ to $10^{-12}$, once with the network in float64 and
# once in float32. Right of the minimum the truncation error ($\propto \varepsilon^2$)
# dominates, left of it the rounding error ($\propto 1/\varepsilon$). float32 keeps only
# about 7 significant digits, so its best error is large enough to hide a real bug.
# The exact values depend on your CPU; the printed claims do not. (One network and one
# batch: an example of what every float64 and float32 gradient check meets.)

# %% slideshow={"slide_type": "fragment"}
steps = 10.0 ** -np.arange(1, 13)
best = {}
fig, ax = subplots(figsize=(7, 3))
for dtype, color in ((np.float64, CYCLE[0]), (np.float32, CYCLE[1])):
    net = rl.RNN(3, 4, 2, rng=1, dtype=dtype)
    Xc = np.random.default_rng(0).standard_normal((5, 2, 3)).astype(dtype)
    Yc = np.random.default_rng(1).standard_normal((5, 2, 2)).astype(dtype)
    analytic = rl.bptt(net, Xc, Yc).grads["W_hh"]
    errors = [rl.relative_error(analytic, rl.numerical_gradient(
        lambda: rl.mse(net(Xc), Yc)[0], net["W_hh"], eps)) for eps in steps]
    best[dtype.__name__] = min(errors)
    ax.loglog(steps, np.maximum(errors, 1e-17), "o-", color=color, label=dtype.__name__)
ax.axhline(1e-7, ls=":", color=COLORS["muted"])
ax.invert_xaxis()
ax.set_xlabel("step eps")
ax.set_ylabel("relative error")
ax.legend(framealpha=1)
print(f"float64: the best step gives a relative error below 1e-8: {best['float64'] < 1e-8}")
print(f"float32: even the best step leaves a relative error above 1e-6: {best['float32'] > 1e-6}")
show(fig, f"Log-log chart of the relative error of the numerical gradient of W_hh against the "
     f"step eps, from 1e-1 down to 1e-12 (smaller steps to the right), in float64 and in "
     f"float32, with a dotted line at 1e-7. The best float64 step gives an error "
     f"{'below' if best['float64'] < 1e-8 else 'above'} 1e-8; float32's best stays "
     f"{'above' if best['float32'] > 1e-6 else 'below'} 1e-6.")

# %% [markdown]
# `rl.gradcheck` does all of this for a model: every parameter, the inputs and the
# initial state, in float64 (it refuses a float32 model). And here is what a real bug
# looks like on the same scale: the gradients of the small RNN of section 7 (`rnnlab.
# buggy_rnn`) when its backward pass forgets the path from step $t+1$, against the
# right ones.

# %% slideshow={"slide_type": "subslide"}
report = rl.gradcheck(model, X[:3], target[:3])
print(f"rl.gradcheck on the model of section 1: all {len(report)} arrays agree: {report.ok}")
seq = buggy_rnn.counting_sequence(10)
p = buggy_rnn.init_params(9, 6, rng=0)
_, g_right, _ = buggy_rnn.loss_and_grads(seq[:-1], seq[1:], np.zeros(6), p)
_, g_bug, _ = buggy_rnn.loss_and_grads(seq[:-1], seq[1:], np.zeros(6), p,
                                       bugs=["no_recurrent_backprop"])
for name in ("W_xh", "W_hh"):
    print(f"d{name} without the path from step t+1: relative error "
          f"{rl.relative_error(g_bug[name], g_right[name]):.0e}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Find the bugs
#
# One widely read introduction to RNNs trains a small numpy network on exactly the task
# of this chapter: read a number of the cycle $0, 1, \dots, 8, 0, 1, \dots$ and predict
# the next one. Its code has real bugs (its "sigmoid" is a softmax, its backward pass
# skips terms), yet it runs and its loss goes down. Below is a network written for this
# course in the same style, with **five** bugs of that kind. It uses a sigmoid hidden
# layer, a softmax output and the cross-entropy loss, one sequence at a time, with the
# state `h_prev` carried over from the previous chunk.
#
# **Exercise 3.** Find and fix all five. Use gradient checking: `rl.compare_gradients`
# (or your own `numerical_gradient`) on `loss_fn` tells you which gradients are wrong,
# and the check below counts the bugs that are left and gives a hint for each (the
# bugs and their fixes are listed only in the hidden solution). One bug is not in the
# gradients at all. Edit the code in this cell and run it again.

# %% slideshow={"slide_type": "skip"}
def sigmoid(a):
    """Squash the pre-activations of the hidden units."""
    e = np.exp(a - a.max())
    return e / e.sum()


def loss_fn(inputs, targets, h_prev, p):
    """Loss, gradients and last state of the counting RNN on one sequence of numbers."""
    T, n = len(inputs), p["W_xh"].shape[0]
    xs, hs, ps = np.zeros((T, n)), np.zeros((T, len(h_prev))), np.zeros((T, n))
    loss = 0.0
    for t in range(T):                                   # forward
        xs[t, inputs[t]] = 1                             # one-hot input
        hs[t] = sigmoid(xs[t] @ p["W_xh"] + hs[t - 1] @ p["W_hh"] + p["b_h"])
        z = hs[t] @ p["W_hy"] + p["b_y"]
        ps[t] = np.exp(z - z.max()) / np.exp(z - z.max()).sum()   # softmax over numbers
        loss += -np.log(ps[t, targets[t]])               # cross-entropy
    g = {k: np.zeros_like(v) for k, v in p.items()}
    da_next = np.zeros_like(h_prev)
    for t in reversed(range(T - 1)):                     # backward
        dz = ps[t].copy()
        dz[targets[t]] -= 1                              # through softmax + cross-entropy
        g["W_hy"] += np.outer(hs[t], dz)
        g["b_y"] += dz
        dh = dz @ p["W_hy"].T                            # from the output
        da = dh * hs[t] * (1 - hs[t])                    # through the sigmoid
        g["W_xh"] += np.outer(xs[t], da)
        g["W_hh"] += np.outer(hs[t - 1], da)
        g["b_h"] += da
        da_next = da
    return loss, g, hs[-1]


def update(p, g, lr):
    """One step of gradient descent, in place."""
    for k in p:
        p[k] -= lr * np.sign(g[k])


check_find_the_bugs(loss_fn, update)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def sigmoid_solution(a):
    """The logistic sigmoid, unit by unit (bug 1: the original was a softmax)."""
    return 1 / (1 + np.exp(-a))


def loss_fn_solution(inputs, targets, h_prev, p):
    """Loss, gradients and last state of the counting RNN on one sequence of numbers."""
    T, n = len(inputs), p["W_xh"].shape[0]
    xs, hs, ps = np.zeros((T, n)), np.zeros((T, len(h_prev))), np.zeros((T, n))
    loss = 0.0
    for t in range(T):                                   # forward
        xs[t, inputs[t]] = 1
        before = hs[t - 1] if t > 0 else h_prev          # bug 4: hs[-1] is the LAST row
        hs[t] = sigmoid_solution(xs[t] @ p["W_xh"] + before @ p["W_hh"] + p["b_h"])
        z = hs[t] @ p["W_hy"] + p["b_y"]
        ps[t] = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        loss += -np.log(ps[t, targets[t]])
    g = {k: np.zeros_like(v) for k, v in p.items()}
    da_next = np.zeros_like(h_prev)
    for t in reversed(range(T)):                         # bug 3: start at T-1
        dz = ps[t].copy()
        dz[targets[t]] -= 1
        g["W_hy"] += np.outer(hs[t], dz)
        g["b_y"] += dz
        dh = dz @ p["W_hy"].T + da_next @ p["W_hh"].T    # bug 2: + what step t+1 sends
        da = dh * hs[t] * (1 - hs[t])
        before = hs[t - 1] if t > 0 else h_prev          # bug 4 again, in dW_hh
        g["W_xh"] += np.outer(xs[t], da)
        g["W_hh"] += np.outer(before, da)
        g["b_h"] += da
        da_next = da
    return loss, g, hs[-1]


def update_solution(p, g, lr):
    """One step of gradient descent, in place (bug 5: the original kept only the sign)."""
    for k in p:
        p[k] -= lr * g[k]


check_find_the_bugs(loss_fn_solution, update_solution, solution=True)

# %% [markdown]
# Four of the five bugs show up as gradients that disagree with centred differences. The
# fifth, the sign-only update, passes every gradient check: the gradients are right, the
# step is not. (Keeping only the sign is a real method, signSGD, but not what this code
# claims to do, and it moves every weight by the same amount however flat the loss is.)
# The bug at $t = 0$ is the nastiest: numpy reads `hs[-1]` without complaint, as the
# last row, so the code runs and the loss looks reasonable.
#
# The repaired network (the library's copy, `rnnlab.buggy_rnn`, with every bug switched
# off) against the original, both trained for 300 chunks of 9 numbers with the same
# learning rate (one run each, from the same seed: an example, not a finding):

# %% slideshow={"slide_type": "subslide"}
start = time.perf_counter()
fixed = buggy_rnn.train_counting(buggy_rnn.loss_and_grads, buggy_rnn.update)
broken = buggy_rnn.train_counting(
    lambda *a: buggy_rnn.loss_and_grads(*a, bugs=buggy_rnn.BUGS),
    lambda p, g, lr: buggy_rnn.update(p, g, lr, bugs=buggy_rnn.BUGS))
seconds = time.perf_counter() - start
fig, ax = subplots(figsize=(7, 2.6))
ax.semilogy(fixed[1], color=CYCLE[0], label="all five bugs fixed")
ax.semilogy(broken[1], color=CYCLE[1], label="the original, with its bugs")
ax.set_xlabel("chunk of 9 numbers")
ax.set_ylabel("cross-entropy per step")
ax.legend(framealpha=1)
print(f"both trained in {seconds:.1f} s")
print(f"fixed: the next number is the top guess, with probability above 1/2, for "
      f"{fixed[2]:.0%} of the 18 numbers after training")
print(f"the original: {broken[2]:.0%} of them; its loss per step went from "
      f"{broken[1][:10].mean():.2g} (first 10 chunks) to {broken[1][-10:].mean():.2g} "
      f"(last 10), the fixed network's from {fixed[1][:10].mean():.2g} to "
      f"{fixed[1][-10:].mean():.2g}")
show(fig, f"Line chart on a log scale of the cross-entropy per step against the chunk of 9 "
     f"numbers, for the network with all five bugs fixed and for the original with its "
     f"bugs. Averaged over the first and the last 10 chunks, the fixed network's loss goes "
     f"from {fixed[1][:10].mean():.2g} to {fixed[1][-10:].mean():.2g}, the original's from "
     f"{broken[1][:10].mean():.2g} to {broken[1][-10:].mean():.2g}.")

# %% [markdown]
# In this example (one run of each) the original's loss even rises, while its top guess
# is still right for 89% of the numbers: a glance at the predictions would not reveal
# the bugs. A gradient check does.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. Truncated BPTT
#
# Full BPTT walks back over the whole sequence for every update. For a text of a million
# characters that is impossible, so in practice the backward pass is **truncated** to
# $k$ steps. `rl.bptt(..., k=k)` has both kinds:
#
# - **chunks** (`truncation="chunk"`, the usual practice): cut the sequence into pieces
#   of $k$ steps. The forward pass carries the state from one chunk to the next, but no
#   gradient crosses a chunk boundary. A loss near the end of a chunk reaches back
#   almost $k$ steps, one at its start only itself.
# - **windows** (`truncation="window"`, Williams & Peng 1990): every loss $L_t$ reaches
#   back exactly $k$ steps, to $t, t-1, \dots, t-k+1$. Fairer, but $k$ times the work.
#
# Both drop the terms $\partial L_s / \partial h_t$ with $s - t$ large: the influence of
# a state on losses far in its future. How much that matters depends on how much of the
# gradient travels that far, which section 5's example showed: with a shrinking Jacobian
# product, little. Below, the relative error of the truncated $dW_{hh}$ against $k$, for
# 5 networks of 8 units (seeds 0 to 4; $W_{hh}$ orthogonal, scaled to spectral radius
# 0.9), each on its own 4 sequences of 64 steps:

# %% slideshow={"slide_type": "subslide"}
ks = (1, 2, 4, 8, 16, 32, 64)
n_seeds = 5
trunc_errors = {"chunk": [], "window": []}               # [seed][k]
for seed in range(n_seeds):
    net = rl.RNN(3, 8, 2, init="orthogonal", rng=seed)
    net["W_hh"] = 0.9 * net["W_hh"]
    draw = np.random.default_rng(100 + seed)
    Xt, Yt = draw.standard_normal((64, 4, 3)), draw.standard_normal((64, 4, 2))
    full = rl.bptt(net, Xt, Yt).grads["W_hh"]
    for kind in trunc_errors:
        trunc_errors[kind].append([rl.relative_error(rl.bptt(net, Xt, Yt, k=k, truncation=kind)
                                                     .grads["W_hh"], full) for k in ks])
trunc_errors = {kind: np.array(errs) for kind, errs in trunc_errors.items()}   # (seeds, k)
fig, ax = subplots(figsize=(7, 2.8))
for (kind, errs), color in zip(trunc_errors.items(), CYCLE):
    for n, row in enumerate(errs):
        ax.loglog(ks[:-1], row[:-1], "o-", color=color, lw=1, ms=3, alpha=0.8,
                  label=f"{kind}s of k steps" if n == 0 else None)
ax.set_xlabel("k (steps the gradient may travel back)")
ax.set_ylabel("relative error of dW_hh")
ax.legend(framealpha=1)
chunk, window = trunc_errors["chunk"], trunc_errors["window"]
print(f"relative error of dW_hh, smallest to largest of {n_seeds} networks")
print("   k            chunks            windows")
for n, k in enumerate(ks):
    print(f"{k:>4}  {chunk[:, n].min():7.1e} to {chunk[:, n].max():7.1e}  "
          f"{window[:, n].min():7.1e} to {window[:, n].max():7.1e}")
k_window = next(k for n, k in enumerate(ks) if (window[:, n:] < 1e-3).all())
i16, i32 = ks.index(16), ks.index(32)
print(f"k = 16: windows at most {window[:, i16].max():.1e}, chunks at least "
      f"{chunk[:, i16].min():.1e}, in all {n_seeds} networks")
print(f"windows: below 1e-3 from k = {k_window} on, in all {n_seeds} networks")
print(f"k = 32 (half the sequence): chunks still at least {chunk[:, i32].min():.1e}")
print(f"windows lose no more than chunks at every k, in all {n_seeds} networks: "
      f"{(window <= chunk * (1 + 1e-12)).all()}")
print(f"both errors fall at every doubling of k, in all {n_seeds} networks: "
      f"{(np.diff(chunk, axis=1) < 0).all() and (np.diff(window, axis=1) < 0).all()}")
falls = (np.diff(chunk, axis=1) < 0).all() and (np.diff(window, axis=1) < 0).all()
show(fig, f"Log-log chart of the relative error of dW_hh against k, {ks[0]} to {ks[-2]}, for "
     f"truncation in chunks and in windows of k steps, one line per network ({n_seeds} "
     f"networks each). {'Both errors fall' if falls else 'The errors do not all fall'} at "
     f"every doubling of k; windows fall below 1e-3 from k = {k_window} on, while chunks "
     f"at k = 32 still err by at least {chunk[:, i32].min():.1e}.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Windows lose no more than chunks of the same length (every loss keeps $k$ steps of its
# past), and at $k = T$ both are full BPTT. The two kinds differ most in *how fast* the
# error falls. With windows, the dropped terms are only those that travel more than $k$
# steps, and those have faded: at $k = 16$ the error is at most $1.5 \times 10^{-3}$ in
# the five networks, and from $k = 32$ on it is below $10^{-3}$ in all of them. With
# chunks, a loss near the start of a chunk keeps only a few steps of its past however
# large $k$ is, so the error falls slowly: at $k = 16$ it is at least
# $2.5 \times 10^{-2}$, at $k = 32$, half the sequence, still at least
# $2.0 \times 10^{-2}$. "The dropped terms are tiny anyway" is true of windows
# that span the gradient's reach, not of chunks.
#
# Practitioners accept truncation, usually in chunks, because (1) it bounds the memory
# and the time of an update, whatever the length of the data, and (2) the state still
# carries information forward across the cut, so the network can *use* context older
# than $k$ steps, it just cannot *learn* to keep it from the gradient alone. The price is
# a biased gradient even for short dependencies, and for tasks whose cause and effect lie
# more than $k$ steps apart, no gradient connects them at all.
#
# ## 9. Memory grows with $T$
#
# The backward pass at step $t$ needs $x_t$, $h_{t-1}$ and $h_t$. So the forward pass must
# keep them for all $T$ steps until the backward pass has used them. `rnnlab.memory`
# counts the bytes a forward pass of `rl.RNN` keeps for that (inputs, states, outputs and
# the step caches; the weights are not counted). It reads them from the arrays' sizes, so
# the count is exact.

# %% slideshow={"slide_type": "subslide"}
counter = rl.RNN(D=9, H=32, O=9, rng=0)                 # the counting task's size
Ts = np.array([10, 100, 1_000, 10_000])
kept = bptt_memory(counter, Ts)
fig, ax = subplots(figsize=(6, 2.8))
ax.loglog(Ts, kept, "o-", color=COLORS["hidden"])
ax.set_xlabel("sequence length T")
ax.set_ylabel("bytes kept for BPTT")
for T_, b in zip(Ts, kept):
    print(f"T = {T_:>6,}: {b:>12,} bytes")
print(f"{(kept[-1] - kept[-2]) // (Ts[-1] - Ts[-2])} bytes per step, for one sequence: "
      f"multiply by the batch size")
show(fig, f"Log-log chart of the bytes kept for BPTT against the sequence length T, "
     f"{Ts[0]:,} to {Ts[-1]:,}, for one sequence of the counting task's network: the bytes "
     f"grow linearly in T, from {kept[0]:,} to {kept[-1]:,}, "
     f"{(kept[-1] - kept[-2]) // (Ts[-1] - Ts[-2])} bytes per step.")

# %% [markdown]
# The memory is proportional to $T$ (times the batch size and the width). For long
# sequences and big networks, it, not the arithmetic, is what runs out. **Gradient
# checkpointing** trades memory for time: keep the state only at every $c$-th step, and
# during the backward pass recompute each segment of $c$ steps from its checkpoint. With
# $c = \sqrt{T}$ the peak is about $2\sqrt{T}$ stored states instead of $T$, for the cost
# of one extra forward pass:

# %%
for T_ in (100, 10_000):
    c = int(np.sqrt(T_))
    print(f"T = {T_:>6,}: {T_:>6,} states without checkpoints, "
          f"{checkpoint_states(T_, c):>4} with a checkpoint every {c} steps")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 10. The counting task, end to end, with the library
#
# Finally, the chapter's task with the library's tanh RNN: one-hot numbers in, a
# softmax over the 9 numbers out, the cross-entropy loss. First your own backward pass
# of Exercise 1b on this network, against `rl.bptt`; then training with Adam (one run,
# seed 0: an example).

# %%
counter = rl.RNN(D=9, H=16, O=9, rng=0)
batch = counting(18, 4, rng=0)                           # X (18, 4, 9), labels (18, 4)
tr = counter.forward(batch.X)
_, dZ = rl.cross_entropy(tr.Y, batch.target)            # dL/d(logits), (T, B, 9)
lib = rl.bptt(counter, batch.X, batch.target, loss="cross_entropy")
try:
    mine = rnn_backward(dZ @ counter["W_hy"].T, tr.caches)
    print(f"your dW_hh on the counting network matches rl.bptt's: "
          f"{np.allclose(mine[3], lib.grads['W_hh'], rtol=1e-9, atol=1e-12)}")
except NotImplementedError:
    print("(your rnn_backward is not written yet: once it is, this cell compares it with "
          "rl.bptt on the counting network)")

# %% slideshow={"slide_type": "subslide"}
start = time.perf_counter()
counter = rl.RNN(D=9, H=16, O=9, rng=0)
history = train(counter, lambda rng: counting(18, 16, rng), Adam(lr=0.05), steps=150, rng=0)
seconds = time.perf_counter() - start
fig, ax = subplots(figsize=(7, 2.6))
ax.semilogy(history.loss / 18, color=COLORS["output"])
ax.set_xlabel("training step")
ax.set_ylabel("cross-entropy per step")
test = counting(40, 100, rng=123)
print(f"{len(history)} training steps in {seconds:.1f} s")
print(f"next number predicted on 100 new sequences of 40 steps: "
      f"{counting_accuracy(counter(test.X), test):.0%}")
print(f"loss fell by more than a factor of 100: {history.loss[-10:].mean() < history.loss[0] / 100}")
show(fig, f"Line chart on a log scale of the cross-entropy per step against the training "
     f"step, 0 to {len(history) - 1}: the loss of the last 10 steps is "
     f"{'less than 1/100' if history.loss[-10:].mean() < history.loss[0] / 100 else 'more than 1/100'}"
     f" of the first step's.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The task needs no memory at all (the next number depends only on the current one),
# which makes it a good first test of a backward pass and a poor test of a recurrent
# network. Tasks whose answer lies many steps back are where BPTT's products of
# Jacobians start to matter: Chapter 3.
#
# ## Recap
#
# - BPTT is backpropagation on the unrolled graph. $\partial L/\partial h_t$ is fed by the
#   output at step $t$ and by step $t+1$; it passes back through $\tanh'$
#   ($1 - h_t^2$) and $W_{hh}^\top$.
# - A shared weight's gradient is the **sum** of its per-step contributions, e.g.
#   $dW_{hh} = \sum_t h_{t-1}^\top da_t$. Averaging only rescales by $1/T$; mixing the
#   two conventions is a bug a gradient check catches.
# - The initial state $h_{-1}$ gets a gradient, the last `dh_prev`, and can be learned.
# - A step back multiplies by $\operatorname{diag}(1 - h_t^2) W_{hh}^\top$; over many
#   steps these products shrink or grow geometrically.
# - Check gradients with **centred** differences in **float64**, $\varepsilon$ around
#   $10^{-5}$ to $10^{-6}$, and the relative error: below $10^{-7}$ good, above
#   $10^{-4}$ a bug. float32 cannot get below about $10^{-5}$.
# - Gradient checking finds bugs that training hides, but not bugs outside the gradient
#   (an update rule).
# - **Truncated BPTT** (chunks, or windows of $k$ steps) drops the long-range terms;
#   **memory** grows with $T$; **checkpointing** trades it for recomputation.
#
# ## Questions to think about
#
# 1. In the explorer, with the loss at the last step only, why does the bar of step 0
#    shrink as $|W_{hh}|$ gets small, but also when $W_{hh}$ is very large?
# 2. A friend averages the loss over time in the forward pass and sums the gradients in
#    the backward pass. What does a gradient check report? Does training still work?
# 3. Why can a bug like `hs[t - 1]` at $t = 0$ go unnoticed for a long time? What
#    changes if the initial state is always zero?
# 4. With chunks of $k = 20$ steps, can a network learn to use an input from 50 steps
#    ago? Can it *use* such an input if it has already learned to keep it?
# 5. Gradient checkpointing keeps $\sqrt{T}$ states. What would keeping only the first
#    state cost in time? Is there a network whose backward pass needs no stored states
#    at all?

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
# Answers to the questions
#
# 1. Each step back multiplies the gradient by (1 - h_t^2) W_hh. Small |W_hh| makes the
#    factor small directly. A very large W_hh saturates tanh (h_t near +-1), so
#    1 - h_t^2 is near 0 and the product is small again. Only in between does the
#    gradient travel far.
# 2. The gradients are T times too large for the loss that was computed: the relative
#    error of g against T g is (T - 1)/(T + 1), far above 1e-4. Training still works,
#    as with a learning rate T times larger, which may be too large.
# 3. The code runs, the shapes fit and the loss goes down, because the other gradients
#    are right. With a zero initial state the forward pass even computes the right
#    numbers; only dW_hh (and the carried state between chunks) is wrong. Only a
#    gradient check, or a very careful reader, notices.
# 4. It cannot learn to keep it: no gradient connects the loss to an input more than 20
#    steps back. It can use it if its state already holds it, because the forward pass
#    carries the state across chunk boundaries.
# 5. Keeping only h_{-1} means recomputing the forward pass from the start for every
#    step of the backward pass: T^2/2 steps instead of T. A network whose step can be
#    inverted (a reversible RNN) can recompute h_{t-1} from h_t and needs no stored
#    states.
