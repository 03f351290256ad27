"""Text from a character-level model: read a prompt, then draw one character at a time.

Equations::

    h_t = cell(onehot(c_t), h_{t-1})          the model reads the last character drawn
    p_t = softmax(y_t / temperature)           (V,) the next character's distribution
    c_{t+1} = the first k with p_0 + ... + p_k > u,   u ~ U[0, 1) from ``rng``

    sample_text(model, vocab, prompt, n, rng, temperature=1.0) -> str (n characters)

``model`` is an rnnlab RNN, LSTM or GRU with D = O = V (one-hot in, logits out), ``vocab``
the ``CharVocab`` it was trained with. Drawing by the cumulative sum makes the text a
function of the seed alone (a draw changes only if u falls within rounding of a boundary).
"""
import numpy as np

from ._validate import check_positive_int
from .activations import softmax
from .init import as_rng


def sample_text(model, vocab, prompt, n, rng, temperature=1.0):
    """``n`` characters drawn from ``model`` after it has read ``prompt`` (a str)."""
    n = check_positive_int(n, "n (characters to draw)")
    if getattr(model, "D", None) != vocab.size or getattr(model, "O", None) != vocab.size:
        raise ValueError(f"model must read and predict the {vocab.size} characters of vocab "
                         f"(D = O = {vocab.size}), got {model!r}")
    if not isinstance(prompt, str) or not prompt:
        raise ValueError(f"prompt must be a non-empty str, got {prompt!r:.40}")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    rng, eye = as_rng(rng), np.eye(vocab.size)
    tr = model.forward(eye[vocab.encode(prompt)][:, None])             # (T, 1, V)
    drawn = []
    for _ in range(n):
        p = softmax(tr.Y[-1, 0] / temperature)                          # (V,)
        k = min(int(np.searchsorted(np.cumsum(p), rng.random(), side="right")), vocab.size - 1)
        drawn.append(k)
        state = tuple(tr.states[name][-1] for name in model.state_names)  # each (1, H)
        tr = model.forward(eye[[k]][:, None], state0=state)
    return vocab.decode(np.array(drawn, dtype=np.int64))
