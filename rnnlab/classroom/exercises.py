"""The graded exercises of every chapter: points, and the library's own versions.

``EXERCISES`` maps each check (without ``check_``) to an ``Exercise``: its chapter, its
points and the rnnlab functions that already do what the exercise asks a learner to write
or builds the models it asks to count (the hidden copy test of an assignment fails an
answer that uses one of them). Points
follow the work: a few answers to choose or count earn 1 to 2 points, a loop or a backward
pass to write 3 to 4, and each chapter's points add up to ``CHAPTER_POINTS``.
"""
from typing import NamedTuple

CHAPTER_POINTS = 10
"""The points of every chapter's assignment with the table's points."""
QUESTION_POINTS = 1
"""Points per open question, graded by hand (``--questions``), on top of CHAPTER_POINTS."""


class Exercise(NamedTuple):
    """One graded exercise: its ``chapter`` (notebook stem), ``points``, and ``library``,
    the dotted names of rnnlab's own versions of it (empty: nothing to copy)."""
    chapter: str
    points: float
    library: tuple = ()


EXERCISES = {
    # Chapter 1: the forward loop is the core; counting and the timer's target are shorter.
    "rnn_forward": Exercise("01_unrolling", 4, ("rnnlab.rnn.rnn_step_forward",
                                                "rnnlab.rnn.rnn_recur", "rnnlab.rnn.RNN")),
    "arrangements": Exercise("01_unrolling", 1),
    "param_count": Exercise("01_unrolling", 2, ("rnnlab.budget.param_count", "rnnlab.rnn.RNN")),
    "timer_target": Exercise("01_unrolling", 3, ("rnnlab.tasks.timer",)),
    # Chapter 2: rl.rnn_step_backward is allowed in the loop (the exercise says so).
    "rnn_step_backward": Exercise("02_bptt", 2, ("rnnlab.rnn.rnn_step_backward",
                                                 "rnnlab.rnn.rnn_recur_backward")),
    "rnn_backward": Exercise("02_bptt", 3, ("rnnlab.bptt.bptt", "rnnlab.bptt.backward")),
    "gradient_check": Exercise("02_bptt", 2, ("rnnlab.gradcheck.numerical_gradient",
                                              "rnnlab.gradcheck.relative_error",
                                              "rnnlab.gradcheck.compare_gradients",
                                              "rnnlab.gradcheck.gradcheck")),
    "find_the_bugs": Exercise("02_bptt", 3, ("rnnlab.buggy_rnn.loss_and_grads",
                                             "rnnlab.buggy_rnn.update")),
    # Chapter 3: six predictions to reason out, a 50-step backward pass, a short clip.
    "predictions": Exercise("03_exploding_vanishing", 3),
    "one_unit_grad": Exercise("03_exploding_vanishing", 4, ("rnnlab.cliff.one_unit_loss",
                                                            "rnnlab.cliff.descend")),
    "clip_by_norm": Exercise("03_exploding_vanishing", 3, ("rnnlab.clip.clip_global_norm",
                                                           "rnnlab.clip.global_norm")),
    # Chapter 4: the LSTM step, one line of its backward pass, eight numbers to choose.
    "lstm_step_forward": Exercise("04_lstm_gates", 4, ("rnnlab.lstm.lstm_step_forward",
                                                       "rnnlab.lstm.lstm_recur",
                                                       "rnnlab.lstm.LSTM")),
    "lstm_cell_backward": Exercise("04_lstm_gates", 3, ("rnnlab.lstm.lstm_step_backward",
                                                        "rnnlab.lstm.lstm_recur_backward")),
    "store_recall": Exercise("04_lstm_gates", 3),
    # Chapter 5: the GRU step, a weight conversion, a parameter count.
    "gru_step": Exercise("05_gru", 4, ("rnnlab.gru.gru_step_forward", "rnnlab.gru.gru_recur",
                                       "rnnlab.gru.GRU")),
    "pytorch_to_chung": Exercise("05_gru", 3, ("rnnlab.gru_convert.pytorch_to_chung",
                                               "rnnlab.gru_convert.convert")),
    "matched_widths": Exercise("05_gru", 3, ("rnnlab.budget.matched_widths",
                                             "rnnlab.budget.matched_width",
                                             "rnnlab.budget.param_count", "rnnlab.rnn.RNN",
                                             "rnnlab.lstm.LSTM", "rnnlab.gru.GRU")),
}


def exercise(name):
    """The ``Exercise`` of check ``name`` (``"clip_by_norm"`` or ``"check_clip_by_norm"``).

    Raises ValueError for a check the table does not list.
    """
    key = name[len("check_"):] if name.startswith("check_") else name
    if key not in EXERCISES:
        raise ValueError(f"no points for the exercise {key!r}: add it to "
                         f"rnnlab.classroom.exercises.EXERCISES")
    return EXERCISES[key]
