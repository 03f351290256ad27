"""Trained networks the course describes, shipped as small files in ``rnnlab/data/``.

    timer_rnn()    a tanh RNN (H = 16) trained on Jaeger's timer (Chapter 1)
    char_rnn()     a tanh RNN (H = 64) trained to predict the next character of
                   ``rnnlab.tasks.TEXT`` (Chapter 1, section 5)

Long training amplifies rounding: the same seeded recipe ends in slightly different
weights on another CPU, BLAS kernel or thread count. The notebooks therefore describe
these files, whose numbers are the same everywhere, and train live only to show the
learning curve. To remake the files (seeded; it prints what it made), run from anywhere::

    python -m rnnlab.pretrained              # both networks
    python -m rnnlab.pretrained timer        # only one of them

``train_timer`` and ``train_char`` are the recipes; ``timer_scores`` is the success
criterion the timer network meets (tests check that a fresh run of the recipe meets it
too, on any machine).
"""
import argparse
import time
from pathlib import Path

import numpy as np

from .optim import Adam
from .rnn import RNN
from .tasks import CharVocab, TEXT, char_batches, timer, timer_success
from .train import train

DATA = Path(__file__).resolve().parent / "data"
FILES = {"timer": "timer_rnn.npz", "char": "char_rnn.npz"}
TIMER_TEST_SEED = 1234   # fresh test sequences: never drawn in training (those use `seed`)


def _schedule(optimizer, lr, steps):
    """A callback: the learning rate ``lr``, then lr/4 after half the steps, lr/20 after 3/4."""
    def callback(step, history):
        optimizer.lr = lr if step < steps // 2 else lr / 4 if step < 3 * steps // 4 else lr / 20
    return callback


def train_timer(steps=2000, seed=0):
    """The timer recipe: RNN(D=2, H=16, O=1), Adam, batches of 16 x 40 steps, clip 1.0.

    Learning rate 0.02, divided by 4 after half the steps and by 20 after three quarters.
    Returns ``(model, history)``.
    """
    model = RNN(D=2, H=16, O=1, rng=seed)
    opt = Adam(lr=0.02)
    history = train(model, lambda rng: timer(40, 16, rng), opt, steps=steps, clip=1.0,
                    rng=seed, callback=_schedule(opt, 0.02, steps))
    return model, history


def timer_scores(model, T=200, B=50, rng=TIMER_TEST_SEED):
    """Pulses timed on fresh sequences: ``{"within_one": ..., "exact": ...}`` (fractions).

    ``within_one`` is ``timer_success`` (the output lasts round(10 u2) steps, +-1), and
    ``exact`` the same with no tolerance. The shipped network reaches at least 0.99 and
    0.95; so does a fresh run of ``train_timer`` on any machine.
    """
    batch = timer(T, B, rng)
    Y = model(batch.X)
    return {"within_one": timer_success(Y, batch), "exact": timer_success(Y, batch, tolerance=0)}


def train_char(steps=2000, seed=0, text=TEXT):
    """The character recipe: RNN(D=V, H=64, O=V) on windows of 32 characters of ``text``,
    batches of 32, Adam, clip 5.0; learning rate 0.01 with the timer's schedule.

    Returns ``(model, history)``; ``history.loss / 32`` is the loss per character (nats).
    """
    V = CharVocab(text).size
    model = RNN(D=V, H=64, O=V, rng=seed)
    opt = Adam(lr=0.01)
    history = train(model, lambda rng: char_batches(32, 32, rng, text=text), opt, steps=steps,
                    clip=5.0, rng=seed, callback=_schedule(opt, 0.01, steps))
    return model, history


def save(model, path, recipe):
    """Write the weights of an RNN with an output layer to ``path`` (.npz, no pickles)."""
    arrays = {name: np.asarray(model[name]) for name in ("W_xh", "W_hh", "b_h", "W_hy", "b_y")}
    np.savez_compressed(path, **arrays, recipe=np.array(recipe))


def load(path):
    """An RNN (tanh, with an output layer) with the weights stored in ``path``."""
    with np.load(path, allow_pickle=False) as f:
        arrays = {name: f[name] for name in ("W_xh", "W_hh", "b_h", "W_hy", "b_y")}
    D, H = arrays["W_xh"].shape
    model = RNN(D=D, H=H, O=arrays["W_hy"].shape[1])
    for name, value in arrays.items():
        model[name] = value
    return model


def timer_rnn():
    """The shipped timer network: RNN(D=2, H=16, O=1), made by ``train_timer()``."""
    return load(DATA / FILES["timer"])


def char_rnn():
    """The shipped character network: RNN(D=V, H=64, O=V) for ``CharVocab(TEXT)``, made
    by ``train_char()``."""
    return load(DATA / FILES["char"])


def _make(name, out):
    start = time.perf_counter()
    if name == "timer":
        model, history = train_timer()
        scores = timer_scores(model)
        summary = (f"pulses timed on fresh data: {scores['within_one']:.1%} within one step, "
                   f"{scores['exact']:.1%} exactly")
        recipe = "rnnlab.pretrained.train_timer(steps=2000, seed=0)"
    else:
        model, history = train_char()
        summary = f"loss per character, last 50 steps: {history.loss[-50:].mean() / 32:.3f} nats"
        recipe = "rnnlab.pretrained.train_char(steps=2000, seed=0)"
    seconds = time.perf_counter() - start
    path = Path(out) / FILES[name]
    save(model, path, recipe)
    print(f"wrote {path} ({path.stat().st_size:,} bytes): {model!r}, {model.n_params:,} "
          f"parameters, {len(history)} training steps in {seconds:.1f} s; {summary}")


def main(argv=None):
    """``python -m rnnlab.pretrained [timer] [char] [--out DIR]``: retrain, rewrite the files."""
    parser = argparse.ArgumentParser(prog="python -m rnnlab.pretrained",
                                     description="Retrain the shipped networks (seeded) and "
                                                 "rewrite their files.")
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"which networks, of {', '.join(FILES)} (default: all)")
    parser.add_argument("--out", default=str(DATA), help=f"folder for the files ({DATA})")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in FILES]
    if unknown:
        parser.error(f"unknown network {unknown[0]!r}; choose from {', '.join(FILES)}")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    for name in args.names or list(FILES):
        _make(name, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
