"""Chapter 1's "try this" steps for the unroll explorer: each step's setting is computed
with ``explorer.compute`` and the effect the step describes is asserted on the numbers."""
import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlab.widgets import UnrollExplorer  # noqa: E402


@pytest.fixture(scope="module")
def explorer():
    return UnrollExplorer(T=12, rng=0)


def test_step_1_the_state_carries_the_pulse(explorer):
    d = explorer.compute()                         # the default: a pulse, W_hh = 0.8
    assert d["pattern"] == "pulse" and d["x_size"] > 0
    assert (d["x"][1:] == 0).all()                 # nothing else ever comes in
    assert (d["h"] > 0).all()                      # yet h_t stays above zero
    assert (d["a_x"][1:] == 0).all()               # from step 1 on, what reaches tanh ...
    np.testing.assert_array_equal(d["a"][1:], d["a_h"][1:])   # ... comes from memory


def test_step_2_no_recurrent_weight_forgets_at_the_next_step(explorer):
    d = explorer.compute(w_hh=0.0)
    assert d["h"][0] != 0 and (d["h"][1:] == 0).all()
    assert "forgets the pulse at the very next step" in explorer.note_for(d)


def test_step_3_memory_fades_more_slowly_and_outlasts_the_window_at_095(explorer):
    runs = {w: explorer.compute(w_hh=w) for w in (0.5, 0.8, 0.95)}
    memory = [runs[w]["memory"] for w in (0.5, 0.8, 0.95)]
    assert memory[0] < memory[1] < memory[2]
    for w, d in runs.items():                       # each step keeps at most |W_hh| of h
        h = np.abs(d["h"])
        assert (h[1:] <= w * h[:-1] + 1e-15).all()
        # a small pulse shrinks to about W_hh^k of its first value (tanh only shrinks it)
        k = np.arange(12)
        assert (h <= h[0] * w ** k + 1e-12).all()
    assert runs[0.95]["memory_text"] == ">= 11"     # outlasts the 12-step window


def test_step_4_w_15_never_forgets_and_keeps_the_sign(explorer):
    d = explorer.compute(w_hh=1.5)
    h_star = d["h"][-1]
    assert d["limit"] == "fixed point" and abs(np.tanh(1.5 * h_star) - h_star) < 1e-3
    assert d["h_limit"] is not None                 # the dashed line
    assert (d["h"] > 0).all()
    flipped = explorer.compute(w_hh=1.5, x=-1.0)
    assert (flipped["h"] < 0).all()                 # the memory keeps the sign
    np.testing.assert_allclose(flipped["h"], -d["h"])


def test_step_5_negative_weights_flip_the_sign(explorer):
    d = explorer.compute(w_hh=-0.8)
    assert (d["h"][1:] * d["h"][:-1] < 0).all()     # flips at every step ...
    assert (np.diff(np.abs(d["h"])) < 0).all()      # ... while it fades
    d = explorer.compute(w_hh=-1.5)
    assert (d["h"][1:] * d["h"][:-1] < 0).all()
    assert d["limit"] == "period-2 orbit"           # flips for ever between two values
    a, b = d["h"][-2:]
    assert a * b < 0 and abs(abs(a) - abs(b)) < 1e-3
    # with a negative weight (and no input) the only fixed point is 0: tanh(w h) = h
    hs = np.linspace(-1, 1, 20001)
    roots = hs[np.abs(np.tanh(-1.5 * hs) - hs) < 1e-4]
    assert np.abs(roots).max() < 1e-3


@pytest.mark.parametrize("pattern", ["step", "noise"])
def test_step_6_a_running_mixture_of_recent_inputs(explorer, pattern):
    """h_t = tanh(x_t + W_hh h_{t-1}): unrolled, a mixture of x_t, x_{t-1}, ... weighted by
    powers of W_hh; the linearised sum (small inputs) shows those weights."""
    d = explorer.compute(pattern=pattern, w_hh=0.5, x=0.1)
    x, h = d["x"], d["h"]
    mixture = np.array([sum(0.5 ** j * x[t - j] for j in range(t + 1)) for t in range(12)])
    np.testing.assert_allclose(h, mixture, atol=0.01)
    np.testing.assert_allclose(d["a_h"][1:], 0.5 * h[:-1])
