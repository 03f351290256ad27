"""Chapter 5 (the GRU, and the three cells compared): the lesson plan."""
from ..plan import Ask, Chapter, Exercise, Live, Present




CHAPTER = Chapter(5, "05_gru", (
    Present("", "who the chapter is for and what the class will be able to do"),
    Present("1. From the LSTM to the GRU", "one update gate does the forget and input "
            "gates' work"),
    Exercise("check_gru_step", "code"),
    Present("2. Two conventions for one cell", "PyTorch's z keeps, Chung et al.'s z "
            "writes; the reset gate sits in different places", plans=(90,)),
    Exercise("check_pytorch_to_chung", "code", plans=(90,)),
    Present("3. What each cell costs", "gate blocks times the size of one RNN"),
    Exercise("check_matched_widths", "short"),
    Present("4. Explore: the GRU's gates", "the gate decides what gets written"),
    Live("GRUGatesExplorer", (
        Ask({}, "The hand-set unit: what is left of the first pulse by step 19?"),
        Ask({"convention": "Chung et al. 2014"}, "The same weights in Chung's convention: "
            "what changes?"),
        Ask({"b_z": 0.0}, "Lower the update bias: does the unit still hold the value?",
            plans=(90,)),
        Ask({"w_hn": -3.0, "b_r": 6.0}, "A reset gate that lets the old state in, with a "
            "negative w_hn: what happens between the pulses?", plans=(90,)),
    ), kwargs=dict(T=36)),
    Present("5. Explore: the gradient flow of the three cells", "at initialization, the "
            "gate biases set the slope"),
    Live("CellsFlowExplorer", (
        Ask({}, "At the start, which cell carries the gradient furthest?"),
        Ask({"update_bias": 3.0}, "Raise the GRU's update bias: does it overtake?"),
        Ask({"forget_bias": -2.0}, "A negative forget bias: where does the LSTM end up?",
            plans=(90,)),
    ), kwargs=dict(budget=600, rng=0)),
    Present("6. A small race: RNN, LSTM and GRU on long lags", "one fair recipe for every "
            "cell, several seeds each", plans=(90,), skip=("A slice, rerun live",)),
    Present("7. The course in four ideas", plans=(90,)),
), homework=(
    "Exercise 2 (PyTorch's weights to Chung's) if it was not done in class; with PyTorch "
    "installed, check your conversion against `torch.nn.GRU` through `model.to_torch()`.",
    "Remake the race with `python -m rnnlab.study` (the README gives its CPU time) and "
    "read section 6 against your table; then read 'Where to go next'.",
))
