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
# # Chapter 1 · Unrolling: sequences, recurrence and shared weights
#
# A feed-forward network maps one input to one output and then forgets everything.
# Language, sound, sensor readings and prices arrive as *sequences*, and what a step
# means depends on the steps before it. This chapter builds the recurrent network from
# that one observation.
#
# **By the end of this chapter you can**
#
# - explain why a model that reads a sequence one step at a time needs a state;
# - write the recurrence $h_t = \tanh(x_t W_{xh} + h_{t-1} W_{hh} + b_h)$, draw it as a
#   cycle and unroll it into a deep feed-forward network whose layers share one set of
#   weights;
# - implement the forward pass yourself and count an RNN's parameters;
# - name the four input/output arrangements and pick one for a task;
# - say why shared weights let one model read sequences of any length, and compare an
#   RNN trained on a text with a lookup table over the last $k$ letters of that text;
# - train an RNN on Jaeger's timer task in a few seconds and read the hidden states of a
#   trained one;
# - say what stacking layers and reading in both directions add.
#
# **Time:** 60 to 90 minutes. **You need:** feed-forward networks, backpropagation, numpy.
# Run the cells from top to bottom; the exercises check themselves.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import time

import numpy as np

import rnnlab as rl
from rnnlab import pretrained
from rnnlab.checks import (check_arrangements, check_param_count, check_rnn_forward,
                           check_timer_target)
from rnnlab.ngram import contexts, table_size, unseen_share
from rnnlab.optim import Adam
from rnnlab.plots import draw_cycle, draw_unrolled, plot_sequence, plot_states, subplots
from rnnlab.sample import sample_text
from rnnlab.show import show
from rnnlab.style import COLORS, OKABE_ITO
from rnnlab.tasks import TEXT, CharVocab, char_batches, timer, timer_success
from rnnlab.train import train
from rnnlab.widgets import TimerExplorer, UnrollExplorer

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Reading one letter at a time
#
# Feed the word *neuron* to a network one letter per step. At the last step the letter
# is an **n**. Is this the start of a word (*n*ew, *n*ose) or its end? The letter alone
# cannot say: the answer lies in the five letters that came before.
#
# A feed-forward network sees only the current input. We encode each letter as a one-hot
# vector and compare what such a network receives at the first and at the last step.

# %%
word = "neuron"
vocab = CharVocab(word)                                 # the letters e, n, o, r, u
X = np.eye(vocab.size)[vocab.encode(word)][:, None]     # (T, B, D) = (6, 1, 5), one-hot

print(f"letters (D = {vocab.size}): {', '.join(vocab.chars)}")
print(f"input at step 0 ('{word[0]}') equals input at step 5 ('{word[5]}'): "
      f"{np.array_equal(X[0], X[5])}")

# %% [markdown]
# Identical inputs, so a feed-forward network gives identical outputs. To tell the two
# **n**s apart, a network must carry something from one step to the next: a **state**.
#
# Here is a recurrent network that does it, with its weights set by hand so that we can
# read its state. A single hidden unit would already tell the two **n**s apart (before
# the last **n** its state is no longer 0); this one has one hidden unit per letter, so
# we can also see *which* letters it remembers. Each letter switches its own unit on
# ($W_{xh} = 2I$), and each unit keeps part of its previous value ($W_{hh} = 0.6\,I$):
#
# $$h_t = \tanh(x_t W_{xh} + h_{t-1} W_{hh} + b_h), \qquad h_{-1} = 0 .$$

# %% slideshow={"slide_type": "subslide"}
memory = rl.RNN(D=5, H=5)
memory["W_xh"] = 2.0 * np.eye(5)      # each letter writes into its own unit
memory["W_hh"] = 0.6 * np.eye(5)      # each unit keeps a part of its last value
memory["b_h"] = np.zeros(5)
Hs = memory(X)[:, 0]                  # (T, H): the state after each letter

d = plot_states(Hs, kind="heatmap", title="the state after each letter of 'neuron'")
d.ax.set_yticks(range(vocab.size), [f"unit '{c}'" for c in vocab.chars])
d.ax.set_xticks(range(len(word)), [f"{t}\n'{c}'" for t, c in enumerate(word)])
d.ax.set_xlabel("step t and the letter read")
for t, letter in enumerate(word):
    held = [f"{c}:{Hs[t, j]:.2f}" for j, c in enumerate(vocab.chars) if Hs[t, j] > 0.005]
    print(f"step {t} reads '{letter}'  ->  state  {'  '.join(held)}")
print(f"distance between the states at step 0 and step 5: {np.linalg.norm(Hs[5] - Hs[0]):.2f}")
show(d.fig, f"Colour map of the state after each letter of '{word}': one row per unit (one "
     f"for each of the letters {', '.join(vocab.chars)}), one column per step. Each letter "
     f"lights up its own unit, which fades over the next steps; at step 5 the second n "
     f"lights the same unit as at step 0 while the other units still hold the rest of the "
     f"word.")

# %% [markdown]
# Read the heatmap column by column. At step 3 the network reads **r**. A feed-forward
# network would now see an **r** and nothing else; the state still holds a faint **n**
# (0.18) next to the brighter **e** and **u**. The past is still there, fading. At
# step 5 the input is the same **n** as at step 0, but the state is not: it carries the
# rest of the word with it.
#
# Two things to take from this tiny example:
#
# - the state is a **summary of everything read so far**, squeezed into $H$ numbers;
# - with $W_{hh} = 0.6\,I$ the summary fades quickly. A larger $W_{hh}$ remembers longer.
#   How long a network can remember, and whether it can *learn* to, is the story of
#   chapters 3 to 5.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. The recurrence and its cycle
#
# A vanilla RNN, also called an Elman network after Jeffrey Elman's paper *Finding
# structure in time* (1990), does the same thing at every step $t = 0, 1, \dots, T-1$:
#
# $$h_t = \tanh(x_t W_{xh} + h_{t-1} W_{hh} + b_h), \qquad y_t = h_t W_{hy} + b_y .$$
#
# | symbol | shape | what it is |
# |---|---|---|
# | $x_t$ | $(B, D)$ | the inputs at step $t$, one row per sequence of the batch |
# | $h_t$ | $(B, H)$ | the hidden state after reading $x_t$; $h_{-1}$ is the initial state (zeros unless given) |
# | $y_t$ | $(B, O)$ | the output at step $t$ |
# | $W_{xh}$, $W_{hh}$, $b_h$ | $(D, H)$, $(H, H)$, $(H,)$ | input weights, recurrent weights, bias |
# | $W_{hy}$, $b_y$ | $(H, O)$, $(O,)$ | output layer |
#
# Vectors are rows and multiply matrices from the left, as in numpy: `x_t @ W_xh`.
# (PyTorch stores the transposed matrices, `weight_ih_l0` $= W_{xh}^\top$.) Sequences
# are **time-major**: `X[t]` is the whole batch at step $t$, so `X` has shape $(T, B, D)$.
#
# Drawn as a picture, the network is three boxes and a loop: the arrow from $h_t$ back
# to itself carries the state to the next step.

# %% slideshow={"slide_type": "fragment"}
d = draw_cycle()
show(d.fig, "Diagram of the folded RNN: the input x_t feeds the hidden state h_t through "
     "W_xh, h_t feeds the output y_t through W_hy, and a loop from h_t back to itself "
     "through W_hh carries the state to the next step (one step later).")

# %% [markdown] slideshow={"slide_type": "subslide"}
# One turn of the loop is one call of the step function. A model's weights are named
# after the symbols (`model["W_hh"]`), and the step function takes them explicitly:

# %%
rng = np.random.default_rng(0)
model = rl.RNN(D=3, H=4, O=2, rng=0)
x_0 = rng.standard_normal((2, 3))                       # (B, D): step 0 of 2 sequences
h_init = np.zeros((2, 4))                               # (B, H): h_{-1}
h_0, _ = rl.rnn_step_forward(x_0, h_init, model["W_xh"], model["W_hh"], model["b_h"])
y_0 = h_0 @ model["W_hy"] + model["b_y"]
for name, a in [("x_0", x_0), ("W_xh", model["W_xh"]), ("W_hh", model["W_hh"]),
                ("b_h", model["b_h"]), ("h_0", h_0), ("W_hy", model["W_hy"]), ("y_0", y_0)]:
    print(f"{name:>5} {str(a.shape):>7}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Unrolling: a deep network whose layers share one set of weights
#
# The loop hides the time axis. To see it, draw one copy of the cell per step and
# connect the copies through their states. This is **unrolling**. The result is an
# ordinary feed-forward network, $T$ layers deep, with one special property: every
# layer uses **the same** $W_{xh}$, $W_{hh}$ and $b_h$ (and every output the same
# $W_{hy}$, $b_y$). The labels on the arrows below say so.

# %% slideshow={"slide_type": "fragment"}
fig, ax = subplots(figsize=(8, 3), layout=None)
g = draw_unrolled(5, ax=ax)
show(fig, "Diagram of the RNN unrolled over 5 steps, t = 0 to 4: in each column the input "
     "x_t feeds the state h_t, which feeds the output y_t and the next step's state. Every "
     "arrow is labelled with its weights, the same W_xh, W_hh and W_hy at every step.")

# %% [markdown]
# Sharing is what sets the unrolled RNN apart from an ordinary deep network:
#
# - the number of weights does not depend on $T$, so one model reads sequences of any
#   length, including lengths it never saw in training;
# - whatever the network learns about step 3 also applies to step 300;
# - in training (chapter 2), each shared weight collects a gradient from *every* copy,
#   and those contributions add up.
#
# The unrolled picture is not just a drawing. Run the step function $T$ times, passing
# the state along and handing the same three arrays to every step, and you get exactly
# what the library's `RNN` computes:

# %% slideshow={"slide_type": "subslide"}
T, B = 6, 2
X = rng.standard_normal((T, B, 3))                      # (T, B, D)
h, states = np.zeros((B, 4)), []
for t in range(T):                                      # one copy of the cell per step
    h, _ = rl.rnn_step_forward(X[t], h, model["W_xh"], model["W_hh"], model["b_h"])
    states.append(h)
unrolled = np.stack(states)                             # (T, B, H)
library = model.forward(X).states["h"]                  # (T, B, H)
same = np.allclose(unrolled, library, rtol=0, atol=1e-12)   # the last bits may differ
print(f"the unrolled loop and rl.RNN agree to within 1e-12 at every step: {same}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Explore: step through time
#
# The explorer below is the smallest RNN there is: one hidden unit, $W_{xh} = 1$,
# $b_h = 0$, $h_{-1} = 0$, and the output reads the state out ($y_t = h_t$). It is
# unrolled over 12 steps. On top, the graph, with step $t$ and everything that feeds it
# highlighted; in the middle, the state $h_t$; at the bottom, what goes into the tanh at
# each step, $a_t = x_t W_{xh} + h_{t-1} W_{hh}$, split into the input's part and the
# memory's part. The sentence under the figure says what is going on.
#
# Drag a slider, or click the number beside it, type a value (0.95, say) and press
# Enter. The arrow keys move a slider by one step.
#
# **Try this:**
#
# 1. Drag **t** from 0 to 11. A pulse enters at step 0 and nothing else ever comes in,
#    yet $h_t$ stays above zero: the state carries the pulse along the chain. In the
#    bottom panel, from step 1 on everything that reaches the tanh comes from memory.
# 2. Set **W_hh** to 0. Now $h_t$ forgets the pulse at the next step: without the
#    recurrent weight this is a feed-forward network applied step by step.
# 3. Try W_hh = 0.5, 0.8, 0.95. The memory fades more and more slowly: each step keeps
#    at most a fraction $|W_{hh}|$ of the state (tanh only shrinks), so after $k$ steps
#    a small pulse has shrunk to about $W_{hh}^k$ of its first value. At 0.95 it outlasts
#    the 12-step window.
# 4. Try W_hh = 1.5. The pulse is never forgotten: $h_t$ settles at a value that
#    $\tanh(1.5\,h)$ maps to itself (the dashed line). Flip the sign of **x size**: the
#    memory keeps the sign.
# 5. Try W_hh = -0.8. The state flips sign at every step while it fades. At W_hh = -1.5
#    it flips for ever, between two values of opposite sign: with a negative weight the
#    only fixed point is 0.
# 6. Switch **input** to *step* (the same input at every step) or *noise*: the state
#    becomes a running mixture of the recent inputs, weighted by powers of $W_{hh}$.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
explorer = UnrollExplorer(T=12, rng=0)
explorer

# %% [markdown] slideshow={"slide_type": "notes"}
# The numbers behind the picture, then the same numbers for the settings suggested
# above, computed without moving the explorer (`explorer.compute`), and the sentence
# the explorer writes for W_hh = -0.8:

# %% slideshow={"slide_type": "skip"}
settings = [{"w_hh": w} for w in (0.0, 0.5, 0.95, 1.5, -0.8, -1.5)]
for d in [explorer.data] + [explorer.compute(**s) for s in settings]:
    states = " ".join(f"{v:+.2f}" for v in d["h"][:6])
    print(f"W_hh = {d['w_hh']:+.2f}: h_0..h_5 = {states}   "
          f"remembered {d['memory_text']:>5} steps")
print(f"note at W_hh = -0.8: {explorer.note_for(explorer.compute(w_hh=-0.8))}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1: the forward pass by hand
#
# Write `rnn_forward(X, h_init, W_xh, W_hh, b_h)`: run the recurrence over all $T$ steps
# of a batch and return every state, stacked into one array `Hs` of shape $(T, B, H)$,
# where `Hs[t]` is $h_t$, the state after reading `X[t]`. Use `np.tanh`, `@` and a loop
# over time, without calling `rl.rnn_step_forward`: the point is to write the step
# yourself. The check compares your states with `rl.RNN` and, if they differ, tells you
# which classic slip yours look like.

# %%
def rnn_forward(X, h_init, W_xh, W_hh, b_h):
    """All hidden states of a tanh RNN. X (T, B, D), h_init (B, H) -> Hs (T, B, H)."""
    raise NotImplementedError  # your code here


check_rnn_forward(rnn_forward)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def rnn_forward_solution(X, h_init, W_xh, W_hh, b_h):
    """All hidden states of a tanh RNN. X (T, B, D), h_init (B, H) -> Hs (T, B, H)."""
    h, Hs = h_init, []
    for x_t in X:                                       # x_t (B, D): one step of the batch
        h = np.tanh(x_t @ W_xh + h @ W_hh + b_h)        # (B, H), a new array each step
        Hs.append(h)
    return np.stack(Hs)                                 # (T, B, H)


check_rnn_forward(rnn_forward_solution, solution=True)   # your rnn_forward stays as it is

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Inputs and outputs: four arrangements
#
# Nothing forces an RNN to take an input and give an output at every step. The same
# recurrent core serves four kinds of task, depending on where inputs go in and where
# outputs come out:
#
# - **one-to-many**: one input, then a sequence out. *Write a caption for a photo*: the
#   image goes in at the first step, then the network produces one word per step.
# - **many-to-one**: a sequence in, one output at the end. *Is this film review
#   positive?* The final state summarizes the whole review.
# - **many-to-many, aligned**: one output per input, in step. *Tag each word as noun,
#   verb, ...*, or predict the next character of a text.
# - **encoder-decoder**: read the whole input first, then write an output sequence of
#   its own length. *Translate a sentence*: French word order and length differ from
#   English, so the network must have read the whole sentence before it writes. The
#   encoder's last state is all the decoder gets to see of the input. Encoder and
#   decoder are usually two RNNs with **weights of their own**, each shared across its
#   own steps (Sutskever, Vinyals & Le 2014 used two LSTMs; Cho et al. 2014 two RNNs with
#   the gated unit that became the GRU); the decoder also reads the word it wrote last, which the drawing leaves
#   out.
#
# (One-to-one, a single input and a single output, is a plain feed-forward network.)

# %% slideshow={"slide_type": "subslide"}
fig, axes = subplots(2, 2, figsize=(10, 5.0))
examples = {"one-to-many": "one-to-many: caption a photo",
            "many-to-one": "many-to-one: rate a review",
            "many-to-many": "many-to-many (aligned): tag each word",
            "encoder-decoder": "encoder-decoder: translate a sentence"}
for ax, (arrangement, title) in zip(axes.flat, examples.items()):
    draw_unrolled(5, ax=ax, arrangement=arrangement, show_weights=False)
    ax.set_title(title)
# encoder (steps 0-2) and decoder (steps 3-4): two RNNs, each with its own weights
ax = axes.flat[-1]
for x0, x1, name, colour in [(-0.5, 2.5, "encoder: its own weights", "sky_blue"),
                             (2.5, 4.5, "decoder: other weights", "orange")]:
    ax.axvspan(x0, x1, color=OKABE_ITO[colour], alpha=0.12, lw=0, zorder=0)
    ax.text((x0 + x1) / 2, -0.3, name, ha="center", va="top", color=COLORS["text"])
ax.set_ylim(ax.get_ylim()[0] - 0.3, ax.get_ylim()[1])
show(fig, "Four unrolled RNNs over 5 steps. One-to-many (caption a photo): one input at "
     "step 0, an output at every step. Many-to-one (rate a review): an input at every "
     "step, one output at the last. Many-to-many, aligned (tag each word): an input and an "
     "output at every step. Encoder-decoder (translate a sentence): inputs at steps 0 to "
     "2, read by an encoder with its own weights, outputs at steps 3 and 4, written by a "
     "decoder with other weights.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: which arrangement?
#
# For each task, replace `...` with one of `"one-to-many"`, `"many-to-one"`,
# `"many-to-many aligned"` or `"encoder-decoder"`.

# %%
my_arrangements = {
    "write a caption for a photo": ...,
    "decide whether a film review is positive": ...,
    "tag each word of a sentence as noun, verb, ...": ...,
    "translate an English sentence into French": ...,
    "predict the next letter at every step of a text": ...,
}
check_arrangements(my_arrangements)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
my_arrangements_solution = {
    "write a caption for a photo": "one-to-many",
    "decide whether a film review is positive": "many-to-one",
    "tag each word of a sentence as noun, verb, ...": "many-to-many aligned",
    "translate an English sentence into French": "encoder-decoder",
    "predict the next letter at every step of a text": "many-to-many aligned",
}
check_arrangements(my_arrangements_solution, solution=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Why share weights? An RNN against a window and a lookup table
#
# Say we want to predict the next letter of a text. Three older designs show what
# sharing buys.
#
# - **A window, with no sharing inside it.** A feed-forward network reads the last $n$
#   letters at once, with its own weights for each position of the window. It can
#   slide along a text of any length, predicting every next letter from the $n$ before
#   it. Its limits are elsewhere: it never sees further back than $n$ letters (a fixed
#   context), and what it learns about a word at one position of the window does not
#   carry over to the other positions. Its first layer alone has $n \cdot V \cdot H$
#   weights for a vocabulary of $V$ symbols, so a longer context costs more weights.
# - **A $k$-th order Markov model** keeps one table, reused at every position: for each
#   context of $k$ symbols, the probabilities of the next one. It too sees only $k$
#   symbols back, and the table has $V^k$ contexts with $V - 1$ free probabilities each.
# - **A hidden Markov model** (HMM) also reuses its tables at every step, with a hidden
#   state that is one value out of $S$. To remember $m$ independent yes/no facts it
#   needs $2^m$ states, and its transition table has $S^2$ entries.
#
# An RNN shares its weights across steps like the Markov models, so it reads any length.
# Its state is $H$ real numbers that can hold many facts at once, and its weights do not
# grow with the context it uses. Let us see it on a real text: the short essay on
# recurrent networks that ships with rnnlab (`rnnlab.tasks.TEXT`).

# %%
text_vocab = CharVocab(TEXT)
V = text_vocab.size
ids = text_vocab.encode(TEXT)                           # (1891,) character ids
print(f"{len(TEXT):,} characters, V = {V} distinct ones. It begins:")
print(TEXT[:160])

# %% [markdown] slideshow={"slide_type": "subslide"}
# An RNN with $H = 64$ units reads one character per step (one-hot, $D = V$) and gives
# a score for each possible next character ($O = V$): next-letter prediction, the
# many-to-many aligned arrangement. Trained with a softmax cross-entropy loss on
# batches of 16 windows of 32 characters, it starts at about $\ln V$ nats per character
# (a uniform guess) and goes down from there:

# %% slideshow={"slide_type": "fragment"}
start = time.perf_counter()
char_net = rl.RNN(D=V, H=64, O=V, rng=0)
char_history = train(char_net, lambda rng: char_batches(32, 16, rng), Adam(lr=0.01),
                     steps=150, clip=5.0, rng=0)
seconds = time.perf_counter() - start
per_char = char_history.loss / 32                       # nats per character

fig, ax = subplots(figsize=(7, 2.2))
ax.plot(per_char, color=COLORS["output"])
ax.axhline(np.log(V), ls=":", color=COLORS["muted"])
ax.set_xlabel("training step")
ax.set_ylabel("loss per character")
print(f"{len(char_history)} training steps in {seconds:.1f} s")
print(f"a uniform guess costs ln {V} = {np.log(V):.2f} nats per character; after training, "
      f"the mean of the last 20 steps is {'below' if per_char[-20:].mean() < 1.8 else 'above'}"
      f" 1.8")
show(fig, f"Line chart of the loss per character against the training step, 0 to "
     f"{len(char_history) - 1}, with a dotted line at ln {V} = {np.log(V):.2f}, the cost of a "
     f"uniform guess. The loss falls; its last 20 steps average "
     f"{'below' if per_char[-20:].mean() < 1.8 else 'above'} 1.8.")

# %% [markdown]
# Below 1.8 nats per character after a few seconds, for every seed from 0 to 9 and
# every BLAS kernel we tried; the exact curve depends on both (see the timer in
# section 6 for why). Trained longer (2000 steps of 32 windows, the learning rate lowered
# at the end), the same network knows much of this short text by heart. That network
# ships with rnnlab: `pretrained.char_rnn()` loads it, `python -m rnnlab.pretrained`
# remakes it. Let it write: prime it with a few letters, then repeatedly draw the next
# character from its softmax and feed it back in. The draws are seeded, so you see the
# same lines.

# %% slideshow={"slide_type": "subslide"}
writer = pretrained.char_rnn()                          # RNN(D=40, H=64, O=40), trained
X_text = np.eye(V)[ids[:-1]][:, None]                   # (T, 1, V): the whole text, one-hot
loss = rl.cross_entropy(writer(X_text), ids[1:, None])[0] / len(X_text)   # nats per character
print(f"the shipped network on the whole text: {loss:.2f} nats per character")
for seed, prompt in enumerate(["The ", "A recurrent ", "Each step "]):
    line = prompt + sample_text(writer, text_vocab, prompt, 90, rng=seed)
    print(repr(line.replace("\n", " ")))

# %% [markdown]
# Where the prompt starts a sentence of the text, the network carries on with that
# sentence word for word for a while; then it slips, and goes on with pieces of other
# phrases and words of its own making. It has learned many of the text's words and
# phrases, with one $64 \times 64$ recurrent matrix reused at every step.
#
# Now the table. An order-$k$ table fitted to the first 80% of the text has counts only
# for the contexts it met there. How often does the last 20% bring a context it never
# saw?

# %%
cut = int(0.8 * len(ids))                               # fit on ids[:cut], test on the rest
print(f"{'k':>2} {'possible contexts':>18} {'in the text':>12} {'unseen in the last 20%':>23}")
for k in range(1, 7):
    print(f"{k:>2} {V ** k:>18,} {len(contexts(ids, k)):>12,} "
          f"{unseen_share(ids[:cut], ids[cut:], k):>23.0%}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Already at $k = 3$ the text fills only a small fraction of the rows, and with
# $k = 5$ most of the contexts in the last part of the text were never seen in the
# first part: the table has nothing to say there but a guess. The RNN has no rows to
# fill: every context, seen or not, leads to some state, and the same weights turn that
# state into a guess. And the sizes, for this text's $V = 40$ and $H = 64$ (note the
# log scale):

# %% slideshow={"slide_type": "fragment"}
H_char = 64
sizes = {f"RNN, H = {H_char}": char_net.n_params}       # W_xh, W_hh, b_h, W_hy, b_y
for n in (10, 100):                                     # one block of weights per position
    sizes[f"window of {n} letters"] = n * V * H_char + H_char + H_char * V + V
for k in (1, 2, 3, 4, 5, 6):                            # V^k contexts x (V - 1)
    sizes[f"order-{k} table"] = table_size(V, k)
for m in (8, 16):                                       # S states: S^2 transitions, S (V-1) emissions
    sizes[f"HMM, {m} bits (S = {2 ** m:,})"] = 4 ** m + 2 ** m * (V - 1)
fig, ax = subplots(figsize=(7, 3.2))
ax.barh(list(sizes), list(sizes.values()), color=[COLORS["hidden"]] + [COLORS["muted"]] * 10)
ax.set_xscale("log")
ax.invert_yaxis()
ax.set_xlabel("parameters (log scale)")
for name, size in sizes.items():
    print(f"{name:<28} {size:>22,}")
rnn_name = next(iter(sizes))
smaller = [name for name, size in sizes.items() if size < sizes[rnn_name]]
show(fig, f"Horizontal bar chart of parameter counts on a log scale: the {rnn_name} needs "
     f"{sizes[rnn_name]:,}; windows of 10 and 100 letters, order-1 to order-6 tables (up to "
     f"{sizes['order-6 table']:,}) and hidden Markov models with 8 and 16 bits of state need "
     f"more" + "".join(f", except the {name} ({sizes[name]:,})" for name in smaller) + ".")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The window grows with the context it reads; an order-2 table is already several times
# the size of the whole RNN, an order-6 table has about 160 billion entries, and most
# of its rows never occur in any text you could train on. The RNN pays for its compactness
# differently: it must *learn* what to keep in its state, and chapter 3 shows why that
# is hard over long stretches.
#
# Because of sharing, an RNN's size cannot depend on $T$. Check that you can count it.
#
# ### Exercise 3: count the parameters
#
# Write `count_params(D, H, O, T)`: the number of scalar parameters of a tanh RNN with
# input size `D`, hidden size `H` and an output layer of size `O`, used on sequences of
# length `T`. (Yes, `T` is an argument. Should it matter?)

# %%
def count_params(D, H, O, T):
    """Number of scalar parameters of an RNN with an output layer, on sequences of length T."""
    raise NotImplementedError  # your code here


check_param_count(count_params)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def count_params_solution(D, H, O, T):
    """Number of scalar parameters of an RNN with an output layer, on sequences of length T."""
    return D * H + H * H + H + H * O + O               # W_xh, W_hh, b_h, W_hy, b_y; no T


check_param_count(count_params_solution, solution=True)   # your count_params stays as it is

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Jaeger's timer: a task that needs a clock
#
# Herbert Jaeger's tutorial on training recurrent networks (2002, section 1.4) uses a
# small task that needs memory. There are two inputs:
#
# - $u_1$, a "go" signal: 0 almost always, 1 for a single step now and then (a pulse);
# - $u_2$, a duration: one of $0.1, 0.2, \dots, 1.0$, drawn anew at each pulse and held
#   until the next.
#
# The target output is **0.5 for $10 \times u_2$ steps starting at the pulse, and 0
# otherwise**. So output pulses last from 1 to 10 steps. A retelling of this task that
# has been copied widely says the output lasts $1000 \times u_2$ steps. **That is wrong**:
# the original says 10, and with 1000 the "timer" would run for hundreds of steps, far
# past the next pulse.
#
# At the moment of the pulse, everything the network needs is in the input. A few steps
# later the input says nothing (u1 is back to 0, u2 is just a constant), yet the output
# must switch off at exactly the right step. A feed-forward network that sees only the
# current step cannot do that. One that reads a window of the last 10 steps could (the
# go pulse is somewhere in the window, and its position says how long ago it came); an
# RNN reads one step at a time, so it has to count, and the count can live only in its
# state.
#
# Jaeger solved it with an echo state network, whose recurrent weights stay random while
# only the output weights are fitted. Here we train all the weights, with
# backpropagation through time. `rnnlab.tasks.timer` draws batches of the task:

# %% slideshow={"slide_type": "subslide"}
demo = timer(70, 1, rng=3)                   # X (T, B, 2) = [u1, u2], target (T, B, 1)
INPUTS = {"u1 (go)": COLORS["input"], "u2 (duration)": OKABE_ITO["sky_blue"]}  # line colours
u1, u2, target = demo.X[:, 0, 0], demo.X[:, 0, 1], demo.target[:, 0, 0]
fig, (top, bottom) = subplots(2, 1, figsize=(9, 4.2), sharex=True)
plot_sequence({"u1 (go)": u1, "u2 (duration)": u2}, ax=top, ylabel="inputs", colors=INPUTS)
plot_sequence({"target y*": target}, ax=bottom, ylabel="target")
top.set_xlabel("")
bottom.set_ylim(-0.05, 0.6)
for t, k in zip(demo.info["pulse_times"][0], demo.info["durations"][0]):
    print(f"pulse at t = {t:>2}, u2 = {u2[t]:.1f} -> 0.5 for {k:>2} steps, t = {t} to {t + k - 1}")
pulses = "; ".join(f"at t = {t}, u2 = {u2[t]:.1f}, {k} steps"
                   for t, k in zip(demo.info["pulse_times"][0], demo.info["durations"][0]))
show(fig, f"Two panels against the step t, 0 to {len(u1) - 1}. Top: the inputs, go pulses on "
     f"u1 with the duration on u2. Bottom: the target, 0.5 for 10 x u2 steps from each "
     f"pulse and 0 otherwise ({pulses}).")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4: build the target
#
# The task in Jaeger's terms: whenever the go input $u_1$ spikes, the output must give a
# rectangular pulse of height 0.5 whose length is $10\,u_2$ steps, $u_2$ read at the
# spike; at all other times the output is 0. The pulse starts at the spike step itself.
#
# Write `timer_target(u1, u2)`: given the two input sequences of one example, each of
# shape $(T,)$, return the target $y^*$ of shape $(T,)$. Before you type, decide how you
# find the spikes, what you do at each one, and how you turn $10\,u_2$ into a whole
# number of steps. Pulses never overlap here (the next spike comes at least 12 steps
# later).
#
# *Going further:* write it without a Python loop over the spikes. Hint: at every step,
# how many steps ago was the last spike, and what did $u_2$ say then?

# %%
def timer_target(u1, u2):
    """Target of Jaeger's timer: u1, u2 (T,) -> y* (T,)."""
    raise NotImplementedError  # your code here


check_timer_target(timer_target)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
def timer_target_solution(u1, u2):
    """Target of Jaeger's timer: u1, u2 (T,) -> y* (T,)."""
    y = np.zeros(len(u1))
    for t in np.flatnonzero(u1 == 1):                   # the spike steps
        k = int(round(10 * u2[t]))                      # 1 to 10 steps, NOT 1000 x u2
        y[t:t + k] = 0.5
    return y


def timer_target_vectorised(u1, u2):
    """The same without a loop: steps since the last spike against that spike's 10 u2."""
    steps = np.arange(len(u1))
    last = np.maximum.accumulate(np.where(u1 == 1, steps, -1))   # last spike so far, or -1
    k = np.round(10 * u2[np.maximum(last, 0)])                    # its duration in steps
    return np.where((last >= 0) & (steps - last < k), 0.5, 0.0)


check_timer_target(timer_target_solution, solution=True)   # your timer_target stays as it is
check_timer_target(timer_target_vectorised, solution=True)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training an RNN on the timer
#
# A tanh RNN with 16 hidden units and one linear output, trained with Adam on batches of
# 16 sequences of 40 steps, a fresh batch at every training step. `train` runs
# backpropagation through time (chapter 2) at each step; `clip=1.0` caps the length of
# the gradient, an insurance against rare huge steps that chapter 3 explains. The loss
# is the squared error summed over the 40 steps; divided by 40 it is the mean squared
# error per step.
#
# A pulse counts as timed when the output is above 0.25 at the go step and stays there
# for $10 \times u_2$ steps, give or take one (`timer_success`); with `tolerance=0` it
# must last exactly $10 \times u_2$ steps. We test on 50 new sequences of 200 steps,
# five times longer than the training sequences.

# %% slideshow={"slide_type": "fragment"}
start = time.perf_counter()
timer_net = rl.RNN(D=2, H=16, O=1, rng=0)
history = train(timer_net, lambda rng: timer(40, 16, rng), Adam(lr=0.02), steps=500,
                clip=1.0, rng=0)
seconds = time.perf_counter() - start
mse = history.loss / 40                                 # per step

fig, ax = subplots(figsize=(7, 2.2))
ax.semilogy(mse, color=COLORS["output"])
ax.set_xlabel("training step")
ax.set_ylabel("MSE per step (log)")

test = timer(200, 50, rng=1234)                         # new, and 5 times longer
before = timer_success(rl.RNN(D=2, H=16, O=1, rng=0)(test.X), test)
after = timer_success(timer_net(test.X), test)
print(f"{len(history)} training steps in {seconds:.1f} s")
print(f"mean squared error per step, mean of the last 20 training steps: "
      f"{'below' if mse[-20:].mean() < 0.01 else 'above'} 0.01 (at the start: {mse[0]:.2f})")
print(f"pulses timed to within one step: {before:.0%} before training, "
      f"{'at least 99%' if after >= 0.99 else 'fewer than 99%'} after")
show(fig, f"Line chart on a log scale of the mean squared error per step against the "
     f"training step, 0 to {len(history) - 1}: it falls from {mse[0]:.2f} at the start to "
     f"{'below' if mse[-20:].mean() < 0.01 else 'above'} 0.01 on average over the last 20 "
     f"steps.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The network trained on 40-step sequences and times pulses in sequences five times as
# long, which it never saw. It can, because the same weights run at every step: nothing
# in the model knows or cares how long the sequence is.
#
# Why do the printed results say "below 0.01" and "at least 99%" rather than the exact
# numbers? Because those depend on the machine. Training amplifies rounding: a
# different BLAS kernel or CPU rounds the last digit of a sum differently, and after
# hundreds of steps the weights differ in the third decimal. We trained this cell with
# seeds 0 to 9 on several BLAS kernels: every run got below 0.01 and timed at least 99%
# of the pulses to within one step, while the share timed *exactly* ranged from about
# half to 97%. Getting every length exactly right takes longer training.
#
# So the rest of this chapter looks at a network trained with the same recipe for 2000
# steps, with the learning rate lowered in two stages, and shipped with rnnlab:
# `pretrained.timer_rnn()` loads it, and `python -m rnnlab.pretrained` remakes it. Its
# numbers are the same on every machine.

# %%
timer_rnn = pretrained.timer_rnn()                      # RNN(D=2, H=16, O=1), trained
Y = timer_rnn(test.X)
print(f"the shipped network on the same 50 test sequences: "
      f"{timer_success(Y, test):.1%} of pulses timed to within one step, "
      f"{timer_success(Y, test, tolerance=0):.1%} exactly")

# %% [markdown]
# Look inside. Below, one test sequence: the inputs, the output against the target, and
# the 16 hidden units.

# %% slideshow={"slide_type": "subslide"}
tr = timer_rnn.forward(test.X[:90, :1])                 # the first 90 steps of one sequence
fig, axes = subplots(3, 1, figsize=(8.5, 6.2), sharex=True)
plot_sequence({"u1 (go)": tr.X[:, 0, 0], "u2 (duration)": tr.X[:, 0, 1]}, ax=axes[0],
              ylabel="inputs", colors=INPUTS)
plot_sequence({"target y*": test.target[:90, 0, 0], "output y": tr.Y[:, 0, 0]}, ax=axes[1],
              ylabel="output")
plot_states(tr.states["h"][:, 0], ax=axes[2], kind="heatmap")
axes[2].set_ylabel("hidden unit")
for ax in axes[:2]:                                     # legends above the panels
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2)
    ax.set_xlabel("")
err = np.abs(tr.Y[:, 0, 0] - test.target[:90, 0, 0])
print(f"largest |y - y*| over these 90 steps: {err.max():.2f}; mean: {err.mean():.3f}")
Hs = tr.states["h"][:, 0]                               # (T, H)
for j in (8, 11):
    print(f"unit {j:>2}, steps 11 to 22: " + " ".join(f"{v:+.2f}" for v in Hs[11:23, j]))
show(fig, f"Three panels against the step t, 0 to 89, for the shipped timer network on a new "
     f"sequence. Top: the inputs u1 (go) and u2 (duration). Middle: the target and the "
     f"network's output, at most {err.max():.2f} apart. Bottom: its {Hs.shape[1]} hidden "
     f"states as a colour map.")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Follow the long pulse at step 11 ($u_2 = 1.0$, ten steps, so the output must be on
# from step 11 to step 20). At the go signal several units jump; some of them then
# climb back step by step, like the hand of a clock: unit 8 drops to $-1.00$ at step 12,
# then climbs, slowly at first and faster later, and crosses zero between steps 19 and
# 20. Unit 11 sits at $-1$ from step 13 and flips back to $+0.94$ at step 21, the first
# step after the pulse. Other units take a level that depends on $u_2$ (compare the rows
# before and after step 30, where $u_2$ drops from 1.0 to 0.2): they set how fast the
# clock runs out. Nobody told the network to count this way; training found it.
#
# ### Explore: ask the trained network for any duration
#
# The explorer runs the shipped network on a single go pulse. Slide **u2** from 0.1 to
# 1.0 (or type a value into the readout) and watch the output pulse grow from 1 to 10
# steps (the shaded band is the pulse as measured: the steps where the output stays
# above 0.25). Move the pulse with **go at t**: the network answers the same way
# wherever the pulse falls, because the same weights run at every step. In the hidden
# states, look for the units that ramp during the pulse, and for those whose colour
# before the pulse already depends on u2.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
timer_explorer = TimerExplorer(timer_rnn, T=40)
timer_explorer

# %% [markdown]
# The pulse the network produces for each duration, computed without moving the
# explorer, and the output itself for the two shortest, from the go step on:

# %% slideshow={"slide_type": "skip"}
runs = [timer_explorer.compute(u2=u2) for u2 in np.arange(1, 11) / 10]
print("  u2   target   output   (pulse length in steps)")
for d in runs:
    print(f"  {d['u2']:.1f}   {d['k_target']:>6}   {d['k_measured']:>6}")
for d in runs[:2]:
    y = d["y"][d["pulse_at"]:d["pulse_at"] + 4]
    print(f"u2 = {d['u2']:.1f}: y = " + " ".join(f"{v:+.2f}" for v in y) + " ...")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Every length is right. The two shortest pulses are not clean switches, though: they
# decay rather than switch off. After a one-step pulse the output is still at 0.16 the
# next step, and a two-step pulse's second step reaches only 0.33 before the output
# falls to about 0. Both cross the 0.25 threshold the right number of times, but they
# are slopes, not steps; the explorer shows that longer pulses end with a drop from
# 0.5 to about 0 in a single step.
#
# ## 7. Deeper and in both directions
#
# Two extensions of the single chain appear everywhere in practice.
#
# **Stacked (deep) RNNs.** Feed the sequence of states of one RNN into a second RNN as
# its inputs, and so on. Each layer has its own weights, shared across time as before
# ($W^{(1)}_{xh}, W^{(1)}_{hh}$ for the first layer, $W^{(2)}_{xh}, W^{(2)}_{hh}$ for the
# second). Higher layers work on a re-description of the sequence rather than the raw
# input, which helps on hard tasks such as speech recognition and translation. The
# network is now deep in two directions, along time and across layers.
#
# **Bidirectional RNNs** (Schuster & Paliwal 1997). One RNN reads left to right, a
# second one right to left, and the output at step $t$ sees both states,
# $[\overrightarrow{h}_t ; \overleftarrow{h}_t]$.
# So every output depends on the whole sequence, past *and future*. That suits tasks
# where the whole input is known before any output is needed (tagging words, filling a
# gap), and rules out generating text or predicting the next step, where the future is
# not there yet.

# %% slideshow={"slide_type": "subslide"}
fig, axes = subplots(1, 2, figsize=(10.5, 3.7))
panels = {"stacked: two layers, each with its own weights": {"layers": 2},
          "bidirectional: a forward and a backward chain": {"bidirectional": True}}
for ax, (title, options) in zip(axes, panels.items()):
    draw_unrolled(4, ax=ax, **options)
    ax.set_title(title)
show(fig, "Two diagrams over 4 steps. Left, stacked: two RNN layers, each with its own "
     "weights; the first layer's state h_t is the second layer's input. Right, "
     "bidirectional: a forward chain and a backward chain of states, and each output reads "
     "both.")

# %% [markdown]
# A bidirectional layer is nothing more than two ordinary RNNs and a flip of the time
# axis. Change only the **last** input and see which states at step 0 notice:

# %% slideshow={"slide_type": "subslide"}
fwd, bwd = rl.RNN(D=3, H=4, rng=1), rl.RNN(D=3, H=4, rng=2)
X = rng.standard_normal((5, 1, 3))                      # (T, B, D)
X_changed = X.copy()
X_changed[-1] += 2.0                                    # change only the last step
for name, rnn, flip in [("forward ", fwd, False), ("backward", bwd, True)]:
    # the backward RNN reads X[::-1]; flipping its states back puts them in time order
    before = rnn(X[::-1])[::-1] if flip else rnn(X)
    after = rnn(X_changed[::-1])[::-1] if flip else rnn(X_changed)
    print(f"{name} state at step 0 moves by {np.abs(after[0] - before[0]).max():.4f}")
print(f"parameters: one RNN {fwd.n_params}, a bidirectional layer {2 * fwd.n_params}, "
      f"a second stacked layer on top of it {rl.RNN(D=8, H=4).n_params} more")

# %% [markdown]
# **Layer normalization** often comes with deep stacks. At every step it rescales the
# pre-activation $a_t = x_t W_{xh} + h_{t-1} W_{hh} + b_h$ across its $H$ units to mean 0
# and variance 1, then applies a learned gain $g$ and shift $s$ (vectors of $H$ numbers),
# before the tanh: $h_t = \tanh(g \odot (a_t - \mu_t)/\sigma_t + s)$ (Ba, Kiros & Hinton,
# 2016).
# Whatever the size of the weights, at every step and in every layer, the tanh then
# receives values on the same scale, where it still responds to its input (unless the
# learned gain asks for more). Below, the pre-activations of a network with over-large
# weights, before and after normalization ($g = 1$, $s = 0$):

# %% slideshow={"slide_type": "subslide"}
big = rl.RNN(D=3, H=16, init="normal", rng=3)
big["W_hh"] = 3.0 * big["W_hh"]                         # far too large: tanh saturates
tr_big = big.forward(X)
a = tr_big.X[3] @ big["W_xh"] + tr_big.states["h"][2] @ big["W_hh"] + big["b_h"]  # a_3 (B, H)
a_norm = (a - a.mean(axis=1, keepdims=True)) / a.std(axis=1, keepdims=True)
fig, (left, right) = subplots(1, 2, figsize=(10, 2.8), sharey=True)
for ax, values, title in [(left, a[0], "$a_3$ as computed"),
                          (right, a_norm[0], "$a_3$ layer-normalized")]:
    ax.bar(range(16), values, color=COLORS["hidden"])
    for level in (-2.0, 2.0):
        ax.axhline(level, ls=":", color=COLORS["muted"])
    ax.set_title(title)
    ax.set_xlabel("hidden unit")
left.set_ylabel("pre-activation")
print(f"units with |a| > 2 (tanh saturated): {(np.abs(a) > 2).sum()} of 16 before, "
      f"{(np.abs(a_norm) > 2).sum()} of 16 after")
show(fig, f"Two bar charts of the 16 pre-activations a_3 of a network whose W_hh is far too "
     f"large, with dotted lines at -2 and 2, beyond which tanh saturates. Left, as computed: "
     f"{(np.abs(a) > 2).sum()} of 16 units lie beyond them. Right, layer-normalized: "
     f"{(np.abs(a_norm) > 2).sum()} of 16.")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
#
# - A sequence model needs a **state**: a summary of the past that is updated at every
#   step, $h_t = \tanh(x_t W_{xh} + h_{t-1} W_{hh} + b_h)$.
# - **Unrolled**, the recurrence is a feed-forward network $T$ layers deep whose layers
#   all share $W_{xh}, W_{hh}, b_h$. Sharing makes the parameter count independent of
#   $T$ and lets one model read any length.
# - Inputs and outputs can be arranged **one-to-many, many-to-one, many-to-many
#   (aligned) or encoder-decoder**, with the same recurrent core.
# - A window network has its own weights for every position of its fixed context; a
#   $k$-th order Markov table sees $k$ symbols back with $V^k$ contexts $\times (V-1)$
#   probabilities, and on a real text most of its long contexts are never seen; an
#   RNN's distributed state costs $H^2$ recurrent weights whatever the length.
# - On **Jaeger's timer** (output 0.5 for $10 \times u_2$ steps, not 1000) a 16-unit RNN
#   learns to time pulses to within one step in a few seconds and works on longer
#   sequences than it was trained on; exact lengths take longer training.
# - Long training gives slightly different weights on different machines, so the
#   trained networks the text describes are shipped files (`rnnlab.pretrained`).
# - **Stacking** adds depth across layers; **bidirectional** layers let each output see
#   the future too, when the future is available; **layer normalization** keeps each
#   step's pre-activations on one scale.
#
# ## Questions to think about
#
# 1. In the *neuron* example, change $W_{hh} = 0.6\,I$ to $0.9\,I$, then to $1.5\,I$,
#    and rerun the cells. What happens to the trace of the first **n**? Is remembering
#    everything forever a good thing?
# 2. The timer network was trained on 40 steps and works on 200. Would a feed-forward
#    network that reads a window of the last 40 inputs work on 200-step sequences? Would
#    it solve the task at all?
# 3. In training (next chapter), each shared weight receives one gradient contribution
#    per step of the unrolled graph. Should they be added or averaged? What would change?
# 4. An encoder-decoder squeezes a whole sentence into one state vector. What might go
#    wrong with very long sentences?
# 5. Why can a bidirectional RNN not be used to generate text one character at a time?

# %% [markdown] jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["solution"]
# **Answers** (one way to see each; yours may be better).
#
# 1. With $0.9\,I$ the first **n** fades more slowly and is still clearly there at step
#    5; with $1.5\,I$ each unit that was switched on stays near a fixed point of
#    $\tanh(1.5\,h)$, so after one step the state says only *which* letters occurred,
#    not in which order or how long ago, and it can never forget. A useful memory keeps
#    what matters for the task and lets the rest go; which is which must be learned (the
#    gates of chapters 4 and 5 do exactly that).
# 2. Yes: a window slides, so it works on any length. It would even solve the task,
#    since a pulse lasts at most 10 steps: a window of the last 10 steps of $u_1$ (plus
#    the current $u_2$) tells how long ago the last go pulse came. It needs weights for
#    every position of the window, though, and it would fail on a variant whose pulses
#    outlast the window. The RNN carries the count in its state instead.
# 3. Added: the loss depends on $W_{hh}$ through every step, and the chain rule sums
#    the contributions. Averaging divides the gradient by $T$, which only rescales it
#    (a learning rate could undo that), but then sequences of different lengths get
#    different step sizes.
# 4. A fixed-size state must hold the whole sentence, and the start of a long sentence
#    has faded by the time the encoder finishes; translations of long sentences get
#    worse. Reading the source backwards (Sutskever et al. 2014) and, later, attention
#    over all encoder states (Bahdanau, Cho & Bengio 2015) were answers to this.
# 5. Its backward half reads the sequence from the end, so every output depends on
#    characters that come later. When generating, those characters do not exist yet:
#    each one is drawn only after the output for the step before it.
