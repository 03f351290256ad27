"""Chapter 3 (exploding and vanishing gradients): the lesson plan."""
from ..plan import Ask, Chapter, Exercise, Live, Present






CHAPTER = Chapter(3, "03_exploding_vanishing", (
    Present("", "who the chapter is for and what the class will be able to do"),
    Present("1. Repeated multiplication", "a factor per step, raised to the number of steps"),
    Live("RepeatExplorer", (
        Ask({"factor": 0.99, "steps": 100}, "Is a factor this close to 1 harmless over a "
            "hundred steps?"),
        Ask({"factor": 1.01, "steps": 100}, "And just above 1?"),
    )),
    Present("2. Activation derivatives and products of Jacobians", "the slope of the "
            "activation joins W_hh in every factor", plans=(90,)),
    Present("3. Pascanu's conditions", "gamma sigma_max below 1 is sufficient for "
            "vanishing; above 1 is only necessary for exploding"),
    Present("4. Explorer: the gradient flow of a real RNN", "the gradient against the lag, "
            "with the bound beside it"),
    Live("GradientFlowExplorer", (
        Ask({}, "Orthogonal W_hh, exactly on the boundary: will the gradient survive?"),
        Ask({"init": "identity"}, "Identity instead: what changes, and why?"),
        Ask({"activation": "sigmoid", "scale": 3.0}, "A sigmoid with a stretching W_hh: "
            "can we say anything for sure?"),
        Ask({"activation": "relu", "init": "random", "scale": 2.0, "T": 300}, "ReLU, a random "
            "W_hh scaled by 2, a long sequence: what do you expect?", plans=(90,)),
    )),
    Exercise("check_predictions", "short"),
    Present("5. Pascanu's one-unit network and its cliff", "one unit, two parameters, a wall",
            plans=(90,)),
    Exercise("check_one_unit_grad", "code", plans=(90,)),
    Present("6. The dynamical-systems view", "attractors, basins and the fold", plans=(90,)),
    Live("BifurcationExplorer", (
        Ask({"w": 5.0, "b": -2.5, "x0": 0.5}, "Inside the range: how many attractors?"),
        Ask({"w": 5.0, "b": -2.7, "x0": 0.5}, "Just past the fold: where does the start "
            "end up?"),
    ), plans=(90,)),
    Present("7. Gradient descent on the cliff, and clipping", "clip by the norm: keep the "
            "direction, cap the length"),
    Live("CliffExplorer", (
        Ask({"clip": "off"}, "No clipping: what does the step that hits the wall do?"),
        Ask({"clip": "norm", "threshold": 1.0}, "Clip by norm: does the descent survive?"),
    )),
    Exercise("check_clip_by_norm", "code"),
    Present("8. Remedies, measured: how far back does each one carry the credit?",
            "what each remedy buys, measured over seeds", plans=(90,)),
), homework=(
    "Exercise 1 (the one-unit gradient) if it was not done in class, then compare your "
    "gradient with the cliff explorer's at a start on the wall.",
    "Remake the remedies study with `python -m rnnlab.experiments.remedies` (the "
    "README gives its CPU time) and compare its table with the notebook's.",
))
