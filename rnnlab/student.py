"""Student copies of the course notebooks: the worked solutions removed, outputs cleared.

For teachers, from the repository root::

    python -m rnnlab.student OUT_DIR                      # every notebooks/*.ipynb
    python -m rnnlab.student OUT_DIR notebooks/01_unrolling.ipynb

Each copy drops the cells tagged ``solution``, clears every output and execution count
(with the run's timing metadata and saved widget state) and keeps everything else, so
learners start from a clean notebook that still runs top to bottom: an exercise they
have not done yet prints "not attempted yet" instead of failing.
"""
import argparse
import copy
import json
import sys
from pathlib import Path

SOLUTION_TAG = "solution"


def is_solution(cell):
    """True if the cell is tagged ``solution``."""
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def student_version(nb):
    """Return a copy of notebook ``nb`` (nbformat 4 dict) without solutions or outputs."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("nb must be a notebook: a dict with a 'cells' list (nbformat 4), "
                         f"got {type(nb).__name__}")
    out = copy.deepcopy(nb)
    out["cells"] = [cell for cell in out["cells"] if not is_solution(cell)]
    for cell in out["cells"]:
        cell.get("metadata", {}).pop("execution", None)     # timestamps of the teacher's run
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    out.get("metadata", {}).pop("widgets", None)            # widget state saved with outputs
    return out


def write_student_notebooks(out_dir, notebooks):
    """Write the student version of each notebook path into ``out_dir``; return the paths."""
    out_dir = Path(out_dir)
    pairs = [(Path(path), out_dir / Path(path).name) for path in notebooks]
    for path, target in pairs:
        if target.resolve() == path.resolve():
            raise ValueError(f"OUT_DIR must differ from the folder of {path}: "
                             "the student copy would overwrite the teacher's notebook")
    out_dir.mkdir(parents=True, exist_ok=True)
    for path, target in pairs:
        nb = json.loads(path.read_text(encoding="utf-8"))
        text = json.dumps(student_version(nb), indent=1, ensure_ascii=False) + "\n"
        target.write_text(text, encoding="utf-8")
    return [target for _, target in pairs]


def main(argv=None):
    """Command line: ``python -m rnnlab.student OUT_DIR [NOTEBOOK ...]``."""
    parser = argparse.ArgumentParser(prog="python -m rnnlab.student",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", metavar="OUT_DIR", help="folder for the student copies")
    parser.add_argument("notebooks", metavar="NOTEBOOK", nargs="*",
                        help="notebooks to convert (default: notebooks/*.ipynb)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted(Path("notebooks").glob("*.ipynb"))
    if not notebooks:
        parser.error("no notebooks given and none found in ./notebooks/; "
                     "run from the repository root or name the .ipynb files")
    for path in map(Path, notebooks):
        if path.suffix != ".ipynb" or not path.is_file():
            parser.error(f"expected existing .ipynb notebook files, got {path}")
    try:
        written = write_student_notebooks(args.out_dir, notebooks)
    except ValueError as err:
        parser.error(str(err))
    for target in written:
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
