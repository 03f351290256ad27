"""Time rnnlab's forward + backward against PyTorch on CPU at teaching sizes.

Usage::

    python benchmarks/bench_engine.py               # the full grid (a few minutes)
    python benchmarks/bench_engine.py --quick       # fewer sizes
    python benchmarks/bench_engine.py --repeat 9    # timed runs per entry (default 7)
    python benchmarks/bench_engine.py --stat median # median instead of best of N
    python benchmarks/bench_engine.py --dtype float64  # one dtype only

What is timed, per cell (RNN tanh, LSTM, GRU), dtype (float64, float32), T, B, H:

- rnnlab: one ``rl.bptt(model, X, zeros, loss="mse")``: forward, the loss
  L = sum(Y^2) / (B H) and the full backward, which always gives every parameter's
  gradient, dX and the initial state's gradient.
- torch: ``out = layer(X, h0)``, the same loss ``(out ** 2).sum() / (B * H)`` and
  ``backward()``, with ``requires_grad`` on X and h0 (and c0) so it computes the same
  gradients; parameter gradients are reset to None before each run.

No output layer (O = None), D = H (so D = 1 when H = 1), zero initial states, weights copied
from rnnlab into torch (the two losses are compared once per entry as a check). Each entry
is warmed up twice, then timed ``--repeat`` times, rnnlab and torch in turn (so that a change
in the machine's load falls on both alike); the table shows the BEST (minimum) time in ms,
the one least disturbed by other processes (``--stat median`` for the median).
torch runs with as many threads as numpy's BLAS uses (both are printed).
ratio = rnnlab / torch (above 1: rnnlab is slower). For float32 LSTM an extra column times
torch with oneDNN disabled: PyTorch's float32 LSTM on CPU otherwise runs oneDNN's fused
whole-sequence kernel, which is why rnnlab's ratio is above 1 there.
"""
import argparse
import ctypes
import glob
import itertools
import os
import statistics
import time
import warnings

import numpy as np

import rnnlab as rl

try:
    import torch
except ImportError:  # rnnlab's times only
    torch = None

CELLS = {"RNN tanh": (rl.RNN, "RNN"), "LSTM": (rl.LSTM, "LSTM"), "GRU": (rl.GRU, "GRU")}
DTYPES = {"float64": np.float64, "float32": np.float32}
GRID = {"T": (50, 200), "B": (1, 16, 64), "H": (1, 32, 128)}
QUICK = {"T": (50,), "B": (1, 16), "H": (1, 32)}


def blas_threads():
    """(threads, how we know) for numpy's BLAS."""
    try:
        from threadpoolctl import threadpool_info
        n = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
        if n:
            return n[0], "threadpoolctl"
    except ImportError:
        pass
    libs = os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "*openblas*")
    for path in glob.glob(libs):
        lib = ctypes.CDLL(path)
        for sym in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                    "openblas_get_num_threads"):
            if hasattr(lib, sym):
                return int(getattr(lib, sym)()), f"OpenBLAS {sym}()"
    return os.cpu_count() or 1, "unknown BLAS: assumed os.cpu_count()"


def time_ms(fn, repeat, stat, warmup=2):
    """Best or median wall time of ``fn()`` in ms over ``repeat`` runs after ``warmup``."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * (min(times) if stat == "min" else statistics.median(times))


def time_ms_alternating(fns, repeat, stat, warmup=2):
    """``time_ms`` of several functions run in turn (f1, f2, ..., f1, f2, ...), so that a
    change in the machine's load falls on all of them alike: one time per function."""
    for _ in range(warmup):
        for fn in fns:
            fn()
    times = [[] for _ in fns]
    for _ in range(repeat):
        for fn, ts in zip(fns, times):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    pick = min if stat == "min" else statistics.median
    return [1e3 * pick(ts) for ts in times]


def rnnlab_case(cell, dtype, T, B, H, rng):
    """An rnnlab model (D = H), inputs X (T, B, H) and a closure: bptt with mse to zeros."""
    m = CELLS[cell][0](H, H, rng=0, dtype=dtype)
    X = rng.standard_normal((T, B, H)).astype(dtype)
    zeros = np.zeros((T, B, H), dtype=dtype)
    return m, X, lambda: rl.bptt(m, X, zeros, loss="mse").loss


def torch_case(cell, m, X):
    """A torch layer with rnnlab's weights and a closure doing the same work."""
    T, B, H = X.shape[0], X.shape[1], m.H
    tdtype = torch.float64 if X.dtype == np.float64 else torch.float32
    layer = getattr(torch.nn, CELLS[cell][1])(H, H).to(tdtype)
    layer.load_state_dict(m.to_torch())                  # torch tensors, PyTorch layout
    Xt = torch.from_numpy(X).requires_grad_(True)
    s0 = [torch.zeros(1, B, H, dtype=tdtype, requires_grad=True) for _ in m.state_names]
    leaves = list(layer.parameters()) + [Xt] + s0
    state0 = tuple(s0) if len(s0) > 1 else s0[0]

    def run():
        for p in leaves:
            p.grad = None
        out, _ = layer(Xt, state0)
        loss = (out ** 2).sum() / (B * H)  # rnnlab's mse against zeros
        loss.backward()
        return loss.item()
    return run


def bench_entry(cell, dname, T, B, H, args, rng):
    """(rnnlab ms, torch ms or None, torch without oneDNN ms or None) for one entry."""
    m, X, run = rnnlab_case(cell, DTYPES[dname], T, B, H, rng)
    if torch is None:
        return time_ms(run, args.repeat, args.stat), None, None
    trun = torch_case(cell, m, X)
    if not np.isclose(trun(), run(), rtol=1e-4 if dname == "float32" else 1e-10):
        print(f"warning: rnnlab and torch losses differ for {cell} {dname} {T} {B} {H}")
    if cell != "LSTM" or dname != "float32":
        return (*time_ms_alternating([run, trun], args.repeat, args.stat), None)

    def plain_run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # a note about TF32 on Intel GPUs
            with torch.backends.mkldnn.flags(enabled=False):
                return trun()
    return tuple(time_ms_alternating([run, trun, plain_run], args.repeat, args.stat))


def fmt(x, width):
    """``x`` with two decimals right-aligned in ``width`` characters, or "-" if None."""
    return f"{'-':>{width}}" if x is None else f"{x:>{width}.2f}"


def print_header(args):
    n_blas, how = blas_threads()
    print(f"numpy {np.__version__}: BLAS threads = {n_blas} ({how})")
    if torch is None:
        print("torch not importable: rnnlab times only")
    else:
        torch.set_num_threads(n_blas)
        print(f"torch {torch.__version__}: intra-op threads = {torch.get_num_threads()}, "
              f"oneDNN available = {torch.backends.mkldnn.is_available()}")
    what = "best" if args.stat == "min" else "median"
    print(f"{what} of {args.repeat} runs after 2 warm-up runs; D = H; times in ms; "
          "ratio = rnnlab / torch;\n'-oneDNN' = torch with oneDNN disabled (float32 LSTM only)\n")
    head = (f"{'cell':<9}{'dtype':<9}{'T':>5}{'B':>4}{'H':>5}{'rnnlab ms':>11}{'torch ms':>10}"
            f"{'ratio':>7}{'torch -oneDNN ms':>18}{'ratio -oneDNN':>15}")
    print(head + "\n" + "-" * len(head))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per entry")
    parser.add_argument("--dtype", choices=tuple(DTYPES), action="append",
                        help="only this dtype (may be repeated; default: both)")
    parser.add_argument("--stat", choices=("min", "median"), default="min",
                        help="best of the runs (default) or their median")
    args = parser.parse_args()
    grid = QUICK if args.quick else GRID
    print_header(args)
    rng = np.random.default_rng(0)
    dtypes = args.dtype or tuple(DTYPES)
    for cell, dname, T, B, H in itertools.product(CELLS, dtypes, grid["T"], grid["B"], grid["H"]):
        ours, theirs, plain = bench_entry(cell, dname, T, B, H, args, rng)
        ratio = None if theirs is None else ours / theirs
        ratio_plain = None if plain is None else ours / plain
        print(f"{cell:<9}{dname:<9}{T:>5}{B:>4}{H:>5}{ours:>11.2f}{fmt(theirs, 10)}"
              f"{fmt(ratio, 7)}{fmt(plain, 18)}{fmt(ratio_plain, 15)}", flush=True)


if __name__ == "__main__":
    main()
