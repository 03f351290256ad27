"""Chapter 1 (unrolling): the lesson plan."""
from ...pretrained import timer_rnn
from ..plan import Ask, Chapter, Exercise, Live, Present


CHAPTER = Chapter(1, "01_unrolling", (
    Present("", "who the chapter is for and what the class will be able to do"),
    Present("1. Reading one letter at a time", "a sequence model needs a state that "
            "summarises what it has read"),
    Present("2. The recurrence and its cycle", "one formula, applied at every step, with the "
            "same weights"),
    Present("3. Unrolling: a deep network whose layers share one set of weights",
            "unrolled, the cycle is a deep feed-forward network whose layers share weights"),
    Live("UnrollExplorer", (
        Ask({"w_hh": 0.0}, "With no recurrent weight, how long does the network remember "
            "the pulse?"),
        Ask({"w_hh": 0.5}, "Halfway: how many steps until the pulse is mostly gone?"),
        Ask({"w_hh": 0.95}, "Close to 1: does the memory outlast the window?"),
        Ask({"w_hh": 1.5}, "Above 1: is the pulse ever forgotten?", plans=(90,)),
        Ask({"w_hh": -0.8}, "A negative weight: what happens to the sign of the state?"),
    ), kwargs=dict(T=12, rng=0)),
    Exercise("check_rnn_forward", "code"),
    Present("4. Inputs and outputs: four arrangements", "the same recurrent core under four "
            "input/output arrangements"),
    Exercise("check_arrangements", "short"),
    Present("5. Why share weights? An RNN against a window and a lookup table",
            "what sharing buys against a window network and an n-gram table", plans=(90,)),
    Exercise("check_param_count", "short", plans=(90,)),
    Present("6. Jaeger's timer: a task that needs a clock", "a task that needs a clock, "
            "and a network trained for it", skip=("Training an RNN on the timer",)),
    Exercise("check_timer_target", "code", plans=(90,)),
    Live("TimerExplorer", (
        Ask({"u2": 0.1}, "The shortest duration: is the output a clean switch?"),
        Ask({"u2": 1.0}, "The longest duration: does the pulse stop on time?"),
    ), kwargs=dict(T=40), model=timer_rnn),
    Present("7. Deeper and in both directions", "stacking, bidirectional layers and layer "
            "normalization, drawn", plans=(90,)),
), homework=(
    "Exercise 4 (the timer's target) if it was not done in class, then retrain the timer "
    "with the notebook's training cell and compare your learning curve with the shipped "
    "network's.",
    "Extend `count_params` to an LSTM (four gate blocks) and compare it with "
    "`rl.LSTM(D, H, O).n_params` for a few sizes.",
))
