"""``python -m rnnlab.teaching FOLDER``: write the instructor's guides into FOLDER."""
import argparse
import sys

import matplotlib

from . import write_guides


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m rnnlab.teaching",
                                     description="Write an instructor's guide per chapter.")
    parser.add_argument("folder", help="where to write (the repository keeps them in teaching/)")
    args = parser.parse_args(argv)
    matplotlib.use("Agg")          # the explorers compute their notes; nothing is shown
    for path in write_guides(args.folder):
        print(f"wrote {path}")


if __name__ == "__main__":
    sys.exit(main())
