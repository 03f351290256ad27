"""``python -m rnnlab.classroom nbgrader COURSE_DIR [NOTEBOOK ...]``."""
import sys

from .course import main

sys.exit(main())
