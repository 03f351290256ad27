"""Replay the notebooks with nbval under several BLAS kernels and thread counts.

What nbval compares, and what the prose states, must be the same on any CPU, BLAS kernel
and thread count. This script proves it for the machine it runs on: it replays the
notebooks (all of ``notebooks/*.ipynb``, or the ones given as arguments) with
``python -m pytest -p no:cacheprovider <notebooks>`` from the repository root, so nbval
runs in strict mode with the repository's sanitizer (pyproject.toml), once for every
combination of

* ``OPENBLAS_CORETYPE``: the machine's default (the variable unset), ``Prescott`` (an
  old SSE3 kernel) and ``Haswell`` (AVX2);
* ``OPENBLAS_NUM_THREADS`` and ``OMP_NUM_THREADS``: 1 and 2.

It prints one row per run: the kernel and thread count that threadpoolctl reports for
numpy's BLAS under that environment, passed or failed, and the failing cells. It exits
with status 1 if any run fails (2 for bad arguments). Other variables (for example
``OPENBLAS_L2_SIZE``) are passed through unchanged and printed at the top.

Run it by hand, never from the test suite (6 full replays take several minutes)::

    python tools/check_portable.py                                # every notebook
    python tools/check_portable.py notebooks/01_unrolling.ipynb   # some of them
    python tools/check_portable.py --coretypes default Prescott --threads 1

threadpoolctl (``pip install threadpoolctl``) is optional: without it the kernel column
says "unknown". OpenBLAS builds with a reduced kernel list may report a neighbour's
name for a forced core type (for example "Katmai" for Prescott): the column shows what
the library really uses.
"""
import argparse
import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CORETYPES = ["default", "Prescott", "Haswell"]
THREADS = [1, 2]

PROBE = """
try:
    import numpy, threadpoolctl
except ImportError:
    print("unknown")
else:
    infos = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    print(", ".join(f"{i['internal_api']} {i.get('architecture') or '?'} "
                    f"x{i['num_threads']}" for i in infos) or "no BLAS found")
"""


def run_env(coretype, threads):
    """os.environ with the BLAS kernel and thread count of one run."""
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    if coretype != "default":
        env["OPENBLAS_CORETYPE"] = coretype
    env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = str(threads)
    return env


def blas_kernel(env):
    """What threadpoolctl sees in a fresh interpreter with `env`, or "unknown"."""
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, cwd=REPO_ROOT)
    return out.stdout.strip() or "unknown"


def replay(notebooks, env):
    """(passed, failing cells, summary line) of one nbval replay of `notebooks`."""
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfE",
           "--color=no", "-c", "pyproject.toml", "--rootdir", ".", *notebooks]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=REPO_ROOT)
    lines = out.stdout.splitlines()
    failing = [m.group(1).split("/")[-1] for m in
               (re.match(r"(?:FAILED|ERROR) (.+?)(?: - .*)?$", ln) for ln in lines) if m]
    summary = lines[-1] if lines else out.stderr.strip()[-200:]
    return out.returncode == 0, failing, summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="default: notebooks/*.ipynb")
    parser.add_argument("--coretypes", nargs="+", default=CORETYPES,
                        help="OPENBLAS_CORETYPE values; 'default' unsets the variable")
    parser.add_argument("--threads", nargs="+", type=int, default=THREADS)
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted(
        str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "notebooks").glob("*.ipynb"))
    missing = [nb for nb in notebooks if not (REPO_ROOT / nb).is_file()
               and not Path(nb).is_file()]
    if missing or not notebooks:
        print(f"no such notebook: {', '.join(missing) or 'notebooks/*.ipynb'}")
        return 2
    notebooks = [os.path.relpath(Path(nb).resolve(), REPO_ROOT) for nb in notebooks]

    inherited = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")}
    print(f"notebooks: {', '.join(Path(nb).name for nb in notebooks)}")
    print(f"inherited: {inherited or 'no OPENBLAS_* variables'}")
    header = f"{'OPENBLAS_CORETYPE':<18} {'threads':>7}  {'kernel (threadpoolctl)':<28} result"
    print(header)
    print("-" * len(header))
    all_passed = True
    for coretype, threads in itertools.product(args.coretypes, args.threads):
        env = run_env(coretype, threads)
        kernel = blas_kernel(env)
        passed, failing, summary = replay(notebooks, env)
        all_passed &= passed
        result = "passed" if passed else "FAILED: " + (", ".join(failing) or summary)
        print(f"{coretype:<18} {threads:>7}  {kernel:<28} {result}", flush=True)
    print("all runs passed" if all_passed else "some runs failed")
    return 0 if all_passed else 1


if __name__ == "__main__":
    sys.exit(main())
