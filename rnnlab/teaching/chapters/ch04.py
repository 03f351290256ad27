"""Chapter 4 (LSTM gates): the lesson plan."""
from ..plan import Ask, Chapter, Exercise, Live, Present






CHAPTER = Chapter(4, "04_lstm_gates", (
    Present("", "who the chapter is for and what the class will be able to do"),
    Present("1. A memory that neither fades nor blows up", "a self-loop of weight 1: the "
            "constant error carousel"),
    Present("2. Gates: doors that open by degrees", "sigmoid gates multiply; the candidate "
            "is a tanh"),
    Exercise("check_lstm_step_forward", "code"),
    Present("3. The backward pass through the cell", "along the cell the gradient is "
            "multiplied by f alone", plans=(90,)),
    Exercise("check_lstm_cell_backward", "code", plans=(90,)),
    Present("4. Store and recall, wired by hand", "write, keep, read, erase: one gate each"),
    Live("StoreRecallExplorer", (
        Ask({}, "The wired cell over a hundred steps: what does it read out?"),
        Ask({"b_f": 5.0}, "A smaller keep bias: how much is left at the read?"),
        Ask({"between": "zeros"}, "Zeros in between: can the plain tanh unit keep up?",
            plans=(90,)),
    )),
    Exercise("check_store_recall", "short"),
    Present("5. All four gates at once", "every slider is a gate's bias or the weight from "
            "its signal"),
    Live("GatesExplorer", (
        Ask({"b_f": 0.0}, "Keep bias 0: how long does the value last?"),
        Ask({"b_i": 2.0}, "A positive write bias: what gets into the cell?"),
    )),
    Present("6. Gates set to a plain RNN", plans=(90,)),
    Present("7. The cost: four layers instead of one", plans=(90,)),
    Present("8. Gradient flow: the LSTM beside the RNN", "an untrained LSTM is no magic: "
            "the forget bias decides"),
    Live("LSTMFlowExplorer", (
        Ask({"forget_bias": 0.0}, "Forget gates starting at one half: does the cell "
            "gradient survive?"),
        Ask({"forget_bias": 5.0}, "A large forget bias: how far back does it reach now?"),
    )),
    Present("9. An error surface for the gated cell", "plateaus and ramps instead of a "
            "cliff", plans=(90,)),
    Live("GateSurfaceExplorer", (
        Ask({"b_f": 0.0, "b_i": -6.0}, "Keep bias 0: where on the surface are we?"),
        Ask({"b_f": 10.0, "b_i": -10.0}, "The hand-wired cell's biases, b_f = 10 and "
            "b_i = -10: where now?"),
    ), plans=(90,)),
    Present("10. History, and what the forget bias does", plans=(90,)),
    Present("11. The adding problem", "the starting biases decide whether training leaves "
            "the plateau", plans=(90,), skip=("Against the published count", "A live slice")),
), homework=(
    "Exercise 2 (the gradient along the carousel) if it was not done in class.",
    "Read 'Against the published count' in section 11 and run its live slice; then "
    "remake the study with `python -m rnnlab.experiments.adding` (the README "
    "gives its CPU time).",
))
