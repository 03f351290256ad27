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
# # rnnlab: recurrent neural networks you can touch
#
# This course teaches recurrent neural networks (RNNs) by letting you run them, look
# inside them and break them. Every idea comes with a picture, a slider or a few lines of
# numpy you can change, and every experiment runs on a laptop CPU in seconds.
#
# **What you will learn.** How a network reads a sequence one step at a time and keeps a
# state; how it is trained (backpropagation through time); why plain RNNs struggle to
# learn long-range dependencies (vanishing and exploding gradients); and how the LSTM and
# the GRU get around that with gates. Along the way you reproduce classic experiments:
# Jaeger's timer, Pascanu's error cliff, Hochreiter & Schmidhuber's adding problem.
#
# **Who it is for.** You know what a feed-forward network is, how backpropagation works
# and how to read numpy. No deep-learning framework is needed: the course runs on
# `rnnlab`, a small numpy library whose code follows the equations symbol for symbol.
# Teachers can run one chapter as a 60 to 90 minute class session.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How to use these notebooks
#
# - **Run the cells from top to bottom** (Shift+Enter runs one cell; *Run All* runs the
#   notebook). Later cells use what earlier cells computed.
# - **Sliders.** Explorers show a figure with sliders above it. Drag a slider and the
#   figure changes at once; a sentence under it says what you are seeing. The text of
#   each section tells you what to try. To hit an exact value, click the slider and
#   press the arrow keys (one step per press), or click the number at its right end and
#   type the value, then press Enter. On a static page (GitHub, nbviewer) you see a
#   still picture of the explorer's starting state instead; run the notebook in Jupyter
#   to move it.
# - **Exercises** give you a function to write. Replace
#   `raise NotImplementedError  # your code here` with your code and run the cell: a
#   check runs your function on test inputs and tells you, specifically, what is right or
#   wrong. Until you try, it just says "not attempted yet", so *Run All* always works.
# - **Solutions** sit in the cell right after each exercise, collapsed (a thin bar with
#   "..." in JupyterLab; click it to expand). Try first: the feedback is written to get
#   you there. A solution defines the function under its own name (for example
#   `rnn_forward_solution`) and its check says "(reference solution)": running it, as
#   *Run All* does, never replaces the function you wrote, and the cells after an
#   exercise use the library's version, so a wrong answer cannot break the rest.
# - **Questions at the end** of a chapter have their answers in a collapsed cell too.
# - **Numbers in the text match the outputs.** Every random draw is seeded, so you see
#   the same numbers as the text and as your classmates.
#
# **To run the course on your own machine**, use Python 3.10 or newer, ideally in a fresh
# virtual environment (`python -m venv .venv && . .venv/bin/activate`; on Windows,
# `.venv\Scripts\activate`). Then, in the repository's folder:
#
# ```bash
# pip install -r requirements.txt && jupyter lab notebooks/00_start_here.ipynb
# ```
#
# That installs rnnlab, JupyterLab and the widget extensions, and opens this notebook in
# your browser. In a container where you work as root, add `--allow-root` to the
# `jupyter lab` command.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check that interactive figures work
#
# Run the next two cells. The first loads the library; the second shows a small
# explorer from chapter 1: a recurrent network unrolled over four steps. Drag the
# **t (step)** slider: the highlighted step in the graph and the marker in the plots
# should follow at once, and the sentence underneath should change when you move
# **W_hh** (try typing 1.5 into its readout). If you see a still picture and no
# sliders, the widget extensions are missing: `pip install ipywidgets anywidget`, then
# restart JupyterLab.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import rnnlab as rl
from rnnlab.widgets import UnrollExplorer

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
explorer = UnrollExplorer(T=4, t=0)
explorer

# %% [markdown]
# Under every explorer, a cell like the next one prints the numbers behind the picture,
# so you can read them exactly (and so can the course's automatic tests):

# %% slideshow={"slide_type": "subslide"}
d = explorer.data
print(f"step in focus t = {d['t']}, W_hh = {d['w_hh']:.2f}")
print("hidden state h_t: " + "  ".join(f"h_{t} = {h:+.3f}" for t, h in enumerate(d["h"])))
print(f"note: {explorer.note}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Notation
#
# One set of symbols is used everywhere: in the equations, in the code, in the
# docstrings and in every notebook.
#
# | symbol | meaning |
# |---|---|
# | $T$, $B$, $D$, $H$, $O$ | sizes: steps, batch, input, hidden, output |
# | `X[t]`, $x_t$ | the inputs at step $t$, shape $(B, D)$; sequences are time-major, `X` is $(T, B, D)$ |
# | $h_t$ | the hidden state after step $t$, $(B, H)$; $h_{-1}$ is the initial state |
# | $y_t$, $y^*_t$ | the output at step $t$, $(B, O)$, and its target |
# | $W_{xh}$, $W_{hh}$, $b_h$ | input weights $(D, H)$, recurrent weights $(H, H)$, bias $(H,)$ |
# | $W_{hy}$, $b_y$ | output weights $(H, O)$ and bias $(O,)$ |
# | vanilla RNN | $h_t = \tanh(x_t W_{xh} + h_{t-1} W_{hh} + b_h)$, $\; y_t = h_t W_{hy} + b_y$ |
# | LSTM gates | $f$ forget (keep), $i$ input (write), $g$ candidate ($\tilde c$), $o$ output (read) |
# | LSTM state | $c_t = f \odot c_{t-1} + i \odot g$, $\; h_t = o \odot \tanh(c_t)$ |
# | GRU gates | $r$ reset, $z$ update, $n$ candidate; $h_t = (1 - z) \odot n + z \odot h_{t-1}$ (PyTorch's convention) |
# | gradients | `d<name>` is $\partial L / \partial \text{name}$: `dW_hh`, `dh[t]` $= \partial L / \partial h_t$, `dc[t]` |
#
# Vectors are rows and multiply matrices from the left (`x @ W_xh`), as in numpy. The
# same table opens the package's documentation:

# %% slideshow={"slide_type": "subslide"}
print(rl.__doc__)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The chapters
#
# | | chapter | what you will touch |
# |---|---|---|
# | 01 | [Unrolling](01_unrolling.ipynb): sequences, recurrence, shared weights | a state that remembers a letter; the unrolled graph; input/output arrangements; Jaeger's timer trained in seconds; deep and bidirectional RNNs |
# | 02 | [Backpropagation through time](02_bptt.ipynb): gradients through the unrolled graph | the backward pass step by step on the unrolled graph; why a shared weight's gradient is a sum; the chain of Jacobians; gradient checking and five bugs to find; truncated BPTT and memory |
# | 03 | [Exploding and vanishing gradients](03_exploding_vanishing.ipynb): products of Jacobians and the 1/gamma boundary | repeated multiplication; Pascanu's error cliff and gradient clipping; fixed points and bifurcations; the spectral radius of $W_{hh}$; remedies measured |
# | 04 | [LSTM gates](04_lstm_gates.ipynb): the memory cell and its gates | open and close the gates by hand; store and recall 4.2 across 100 steps; gradient flow beside a vanilla RNN; the adding problem |
# | 05 | [GRU](05_gru.ipynb): the GRU, and the three cells compared | update and reset gates; both conventions side by side; parameter budgets; RNN, LSTM and GRU raced on long lags |
#
# Start with [chapter 1](01_unrolling.ipynb).
