"""Chapter 2 (backpropagation through time): the lesson plan."""
from ..plan import Ask, Chapter, Exercise, Live, Present



CHAPTER = Chapter(2, "02_bptt", (
    Present("", "who the chapter is for and what the class will be able to do"),
    Present("1. Forward, loss over the steps, backward", "one loss per step, added up"),
    Present("2. The backward pass on the unrolled graph", "dL/dh_t arrives from the output "
            "at step t and from step t+1"),
    Exercise("check_rnn_step_backward", "code"),
    Exercise("check_rnn_backward", "code", plans=(90,)),
    Present("3. Why the gradient of a shared weight is a sum", "a shared weight's gradient "
            "is the sum of its per-step contributions"),
    Present("4. The initial state is a parameter too", plans=(90,)),
    Present("5. The chain of Jacobians", "each step back multiplies by a Jacobian"),
    Live("BPTTExplorer", (
        Ask({"step": 11}, "Start the sweep at the last step: which contribution comes first?",
            plans=(90,)),
        Ask({"step": 0}, "All contributions added: does the running sum only climb?"),
        Ask({"loss": "last step"}, "Only the last output has a loss: how much of its error "
            "reaches step 0?"),
        Ask({"k": 1}, "Truncate to one step: how wrong is dW_hh now?"),
        Ask({"loss": "last step", "w_hh": 1.0}, "Which W_hh carries the error furthest "
            "back? Start with 1."),
        Ask({"loss": "last step", "w_hh": 2.0}, "And at 2?", plans=(90,)),
    ), kwargs=dict(T=12, rng=0)),
    Present("6. Gradient checking", "centred differences, a relative error, float64"),
    Exercise("check_gradient_check", "code"),
    Present("7. Find the bugs", "introduce the bug hunt as homework: a gradient check "
            "points at the wrong gradients, and one bug is in no gradient", plans=(90,)),
    Exercise("check_find_the_bugs", "code", plans=()),
    Present("8. Truncated BPTT", "chunks of k steps: cheaper, but blind beyond k",
            plans=(90,)),
    Present("9. Memory grows with $T$", plans=(90,)),
), homework=(
    "Exercise 3 (find the bugs) if it was not done in class: it rewards working alone "
    "with a gradient check.",
    "Section 10 runs the counting task end to end with the library: change the chunk "
    "length k and the hidden size and watch the learning curve.",
))
