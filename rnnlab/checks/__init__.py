"""Instant feedback on the course's exercises: ``check_<exercise>(your_answer)``.

Each check runs your function on test inputs, compares the result with the library and
with variants computed with the classic mistakes, prints what it found and returns a
``CheckResult(passed, message, attempted)``. An exercise not yet done prints a
"not attempted yet" line instead of a traceback, so a notebook always runs top to bottom.

    from rnnlab.checks import check_rnn_forward
    check_rnn_forward(rnn_forward)

A hidden solution cell checks the reference solution under its own name, so running it
(Run All does) never replaces the learner's function, and says so:

    check_rnn_forward(rnn_forward_solution, solution=True)

Chapter 1 (unrolling): check_rnn_forward, check_param_count, check_timer_target,
check_arrangements.
"""
from ._feedback import CheckResult
from .ch02 import check_find_the_bugs, check_gradient_check, check_rnn_backward, check_rnn_step_backward  # noqa: E501
from .ch03 import check_clip_by_norm, check_one_unit_grad, check_predictions  # noqa: F401
from .ch04 import check_lstm_cell_backward, check_lstm_step_forward, check_store_recall  # noqa: E501
from .ch05 import check_gru_step, check_matched_widths, check_pytorch_to_chung  # noqa: F401
from .ch01 import (ARRANGEMENT_TASKS, ARRANGEMENTS, check_arrangements, check_param_count,
                   check_rnn_forward, check_timer_target)

__all__ = ["CheckResult", "check_rnn_forward", "check_param_count", "check_timer_target",
           "check_arrangements", "ARRANGEMENTS", "ARRANGEMENT_TASKS"]
