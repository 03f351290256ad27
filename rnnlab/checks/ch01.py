"""Checks for chapter 1 (unrolling): the forward recurrence, the parameter count, the
timer's target and the input/output arrangements.

Each check compares the learner's answer with the library and with variants computed
with the classic mistakes switched on, and names the mistakes it finds.
"""

import numpy as np

from ..rnn import RNN
from ..tasks import timer
from ._feedback import (NotAttempted, Wrong, answer_array, bullet_list, call, closest_variant,
                        exercise, mistake_variants, same, shape_of)

# ---------------------------------------------------------------- (a) rnn_forward

_PHI = {"tanh": np.tanh, "sigmoid": lambda a: 1 / (1 + np.exp(-a)),
        "relu": lambda a: np.maximum(a, 0), "none": lambda a: a}

_FORWARD_MISTAKES = {
    ("phi", "sigmoid"): "the squashing function is the sigmoid; a vanilla RNN uses tanh, "
                        "whose values lie between -1 and 1.",
    ("phi", "relu"): "the squashing function is ReLU; this RNN uses tanh.",
    ("phi", "none"): "tanh is missing; the whole sum must go through tanh.",
    ("bias", False): "the bias b_h is missing (add + b_h inside the tanh).",
    ("transpose", True): "W_hh is transposed. In the row-vector convention the state "
                         "multiplies from the left, h_prev @ W_hh; W_hh @ h_prev computes "
                         "h_prev @ W_hh.T.",
    ("start", "zeros"): "the first step starts from zeros instead of the given h_init.",
    ("input", "previous"): "step t reads X[t-1], the previous step's input, instead of X[t] "
                           "(and at t = 0, X[-1] is the LAST step's input: Python counts "
                           "negative indices from the end). Step t reads X[t].",
    ("input", "previous_zero"): "step t reads X[t-1], the previous step's input, instead of "
                                "X[t] (and nothing at t = 0). Step t reads X[t].",
    ("swap", True): "W_xh and W_hh are swapped: the input goes through W_hh and the state "
                    "through W_xh. The input's weights are W_xh (D, H), the state's W_hh "
                    "(H, H): X[t] @ W_xh + h_prev @ W_hh.",
    ("store", "frozen"): "the previous state is never updated: every step uses h_init as "
                         "h_{t-1}. Set h = (the new state) at the end of each step.",
    ("store", "before"): "each Hs[t] holds the state from BEFORE step t (so Hs[0] is "
                         "h_init). Store the new state after computing it: Hs[0] already "
                         "includes X[0].",
    ("store", "repeated"): "every Hs[t] equals the last state: the same array object was "
                           "stored T times and then changed in place. Store a new array at "
                           "each step (h = np.tanh(...) makes one).",
}
_FORWARD_OPTIONS = {"phi": ("tanh", "sigmoid", "relu", "none"), "bias": (True, False),
                    "transpose": (False, True), "start": ("h_init", "zeros"),
                    "store": ("after", "frozen", "before", "repeated"),
                    "input": ("now", "previous", "previous_zero"), "swap": (False, True)}


def _forward(X, h_init, W_xh, W_hh, b_h, phi="tanh", bias=True, transpose=False,
             start="h_init", store="after", input="now", swap=False):
    """h_t = phi(x_t W_xh + h_{t-1} W_hh + b_h) for all t, with classic mistakes on request.

    X (T, B, D), h_init (B, H) -> Hs (T, B, H). The options name the mistakes of
    ``_FORWARD_MISTAKES``; the defaults compute the correct recurrence. With ``swap`` the
    result is None unless D = H (otherwise the swapped products do not fit).
    """
    if swap:
        if W_xh.shape != W_hh.shape:
            return None
        W_xh, W_hh = W_hh, W_xh
    W = W_hh.T if transpose else W_hh
    b = b_h if bias else 0.0
    h = h_init if start == "h_init" else np.zeros_like(h_init)
    if input != "now":
        X = np.roll(X, 1, axis=0)                            # X[t-1]; X[-1] at t = 0
        if input == "previous_zero":
            X[0] = 0.0
    first, Hs = h, []
    for x in X:
        new = _PHI[phi](x @ W_xh + (first if store == "frozen" else h) @ W + b)
        Hs.append(h if store == "before" else new)
        h = new
    if store == "repeated":
        Hs = [h] * len(X)
    return np.stack(Hs)


def _formula(options):
    """The recurrence a set of mistakes computes, written out."""
    prev = "h_init" if options["store"] == "frozen" else "h_prev"
    Wx, Wh = ("W_hh", "W_xh") if options["swap"] else ("W_xh", "W_hh")
    W = f"{Wh}.T" if options["transpose"] else Wh
    x = "X[t]" if options["input"] == "now" else "X[t-1]"
    bias = " + b_h" if options["bias"] else ""
    total = f"{x} @ {Wx} + {prev} @ {W}{bias}"
    return total if options["phi"] == "none" else f"{options['phi']}({total})"


def _forward_case(T, B, D, H, seed):
    """A test case: arguments of rnn_forward with well-spread values, and the sizes."""
    rng = np.random.default_rng(seed)
    args = (rng.standard_normal((T, B, D)), rng.uniform(-0.8, 0.8, (B, H)),
            0.6 * rng.standard_normal((D, H)), 0.6 * rng.standard_normal((H, H)),
            0.6 * rng.standard_normal(H))
    return args, {"T": T, "B": B, "D": D, "H": H}


def _library_states(X, h_init, W_xh, W_hh, b_h):
    """Hs (T, B, H) from rnnlab's RNN with the given weights."""
    model = RNN(X.shape[2], W_hh.shape[0])
    model["W_xh"], model["W_hh"], model["b_h"] = W_xh, W_hh, b_h
    return model.forward(X, state0=h_init).states["h"]


_RIGHT_CHOICE = {name: choices[0] for name, choices in _FORWARD_OPTIONS.items()}


def _forward_mistakes(Hs, args):
    """(mistakes, formula) of the variant that Hs equals, fewest mistakes first, or (None, None)."""
    variants = mistake_variants(_FORWARD_OPTIONS, _FORWARD_MISTAKES,
                                lambda **choice: _forward(*args, **choice), max_mistakes=3)
    hit = closest_variant(Hs, [(m, v) for m, _, v in variants])
    if not hit:
        return None, None
    return hit, next(_formula(choice) for m, choice, _ in variants if m == hit)


def _judge_forward(rnn_forward, args, sizes):
    """Raise Wrong with a diagnosis unless rnn_forward(*args) matches the library."""
    ref = _library_states(*args)
    out = call(rnn_forward, "rnn_forward", *args)
    T, B, H = sizes["T"], sizes["B"], sizes["H"]
    shape = shape_of(out)
    if shape == (B, H) and same(out, ref[-1]):
        raise Wrong("you returned only the last state (shape (B, H)). Return all T states "
                    "stacked into one array of shape (T, B, H), e.g. np.stack(Hs).")
    if shape == (T + 1, B, H) and same(np.asarray(out)[1:], ref):
        raise Wrong("your Hs starts with h_init, so it has T + 1 entries. Leave h_init out: "
                    "Hs[t] is the state after reading X[t].")
    if shape == (B, T, H) and same(np.swapaxes(out, 0, 1), ref):
        raise Wrong("the numbers are right, but the axes are (B, T, H). The course is "
                    "time-major: stack the states along a new FIRST axis, shape (T, B, H).")
    Hs = answer_array(out, "the returned Hs", ("T", "B", "H"), sizes)
    if same(Hs, ref):
        return
    hit, formula = _forward_mistakes(Hs, args)
    if hit:
        right = _formula(_RIGHT_CHOICE)
        lead = (f"your Hs[t] equals {formula}, not {right}" if formula != right else
                f"each step computes {right} correctly, but")
        raise Wrong(f"{lead}:\n{bullet_list(hit)}" if len(hit) > 1 else f"{lead}: {hit[0]}")
    wrong = [t for t in range(T) if not same(Hs[t], ref[t])]
    if wrong[0] == 0:
        raise Wrong("already the first state Hs[0] differs from "
                    "tanh(X[0] @ W_xh + h_init @ W_hh + b_h). Check each term of the sum and "
                    "the shapes: X[t] (B, D) @ W_xh (D, H) and h (B, H) @ W_hh (H, H).")
    raise Wrong(f"Hs[0] to Hs[{wrong[0] - 1}] are right, but Hs[{wrong[0]}] differs. Check "
                f"how the state is carried from one step to the next.")


def _explain_crash(rnn_forward, crash):
    """A Wrong for a function that raised on the main test case: why, when that shows.

    Swapping W_xh and W_hh makes the products' shapes clash unless D = H. So the function
    is run once more with D = H; if it computes a variant with the weights swapped there,
    the message names the swap. Otherwise it is the crash itself, with a hint on shapes
    when a product did not fit.
    """
    args, sizes = _forward_case(T=4, B=2, D=5, H=5, seed=11)
    try:
        Hs = answer_array(call(rnn_forward, "rnn_forward", *args), "Hs", ("T", "B", "H"), sizes)
    except (Wrong, NotAttempted):
        Hs = None
    swap = _FORWARD_MISTAKES["swap", True]
    hit, formula = _forward_mistakes(Hs, args) if Hs is not None else (None, None)
    if hit and swap in hit:
        others = [m for m in hit if m != swap]
        also = f"\nAnd also: {bullet_list(others)}" if others else ""
        return Wrong(f"{swap}\nThat is why {crash}\nWith D = H = 5, where the swapped "
                     f"products fit, your Hs[t] equals {formula}.{also}")
    message = str(crash)
    if "matmul" in message or "shapes" in message or "broadcast" in message:
        message += ("\nCheck each product's shapes: X[t] (B, D) @ W_xh (D, H) and "
                    "h_prev (B, H) @ W_hh (H, H) both give (B, H).")
    return Wrong(message)


@exercise("rnn_forward")
def check_rnn_forward(rnn_forward):
    """Check ``rnn_forward(X, h_init, W_xh, W_hh, b_h) -> Hs (T, B, H)`` against the library."""
    args, sizes = _forward_case(T=5, B=3, D=4, H=6, seed=2024)
    try:
        _judge_forward(rnn_forward, args, sizes)
    except Wrong as err:
        if str(err).startswith("your function raised"):
            raise _explain_crash(rnn_forward, err) from None
        raise
    args2, sizes2 = _forward_case(T=7, B=1, D=2, H=3, seed=7)
    try:
        _judge_forward(rnn_forward, args2, sizes2)
    except Wrong as err:
        raise Wrong(f"right for T=5, B=3, D=4, H=6, but not for T=7, B=1, D=2, H=3. Is a "
                    f"size written into your code instead of read from the inputs' shapes? "
                    f"There: {err}") from None
    return ("the states match rnnlab's RNN on two test batches (T=5, B=3, D=4, H=6 and "
            "T=7, B=1, D=2, H=3). One loop, the same three arrays at every step.")


# ---------------------------------------------------------------- (b) count_params

def _correct_count(D, H, O, T):
    return D * H + H * H + H + H * O + O


_COUNT_VARIANTS = (
    ("W_hh is counted once per step. The same W_hh is reused at every step, so it counts "
     "once, whatever T is.", lambda D, H, O, T: D * H + T * H * H + H + H * O + O),
    ("W_xh, W_hh and b_h are counted once per step. The unrolled network reuses the same "
     "arrays at every step: they count once, whatever T is.",
     lambda D, H, O, T: T * (D * H + H * H + H) + H * O + O),
    ("everything is counted once per step. The unrolled network reuses the same arrays at "
     "every step: the count does not depend on T.",
     lambda D, H, O, T: T * _correct_count(D, H, O, T)),
    ("the biases b_h (H numbers) and b_y (O numbers) are missing.",
     lambda D, H, O, T: D * H + H * H + H * O),
    ("the bias b_h (H numbers) is missing.", lambda D, H, O, T: D * H + H * H + H * O + O),
    ("the bias b_y (O numbers) is missing.", lambda D, H, O, T: D * H + H * H + H + H * O),
    ("the output layer W_hy (H x O) and b_y (O) is missing.",
     lambda D, H, O, T: D * H + H * H + H),
    ("W_hh is counted as H numbers, but it is a full H x H matrix: every unit of the "
     "previous state feeds every unit of the new one.",
     lambda D, H, O, T: D * H + H + H + H * O + O),
    ("that is PyTorch's count, which keeps two bias vectors b_ih and b_hh of H numbers "
     "each. They are only ever added, so rnnlab keeps their sum b_h: count H, not 2H.",
     lambda D, H, O, T: _correct_count(D, H, O, T) + H),
)


def _as_count(value, args):
    """The learner's count as an int, or raise Wrong."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                     np.floating)):
        raise Wrong(f"count_params{args} returned a {type(value).__name__} ({value!r:.40}); "
                    f"it should return a whole number.")
    if isinstance(value, (float, np.floating)) and not (np.isfinite(value)
                                                       and value == int(value)):
        raise Wrong(f"count_params{args} returned {value}, which is not a whole number.")
    return int(value)


@exercise("count_params")
def check_param_count(count_params):
    """Check ``count_params(D, H, O, T) -> int``, the size of an RNN with an output layer."""
    cases = ((3, 5, 2, 10), (3, 5, 2, 1000), (10, 32, 10, 50), (1, 4, 7, 3))
    answers = [_as_count(call(count_params, "count_params", *c), c) for c in cases]
    truth = [RNN(D, H, O).n_params for D, H, O, T in cases]
    if answers == truth:
        return ("D*H + H*H + H + H*O + O, the same for every T: one set of weights serves "
                f"every step. With D=3, H=5, O=2 that is {truth[0]} numbers for T = 10 and "
                f"for T = 1000.")
    for mistake, f in _COUNT_VARIANTS:
        if answers == [f(*c) for c in cases]:
            raise Wrong(f"for D=3, H=5, O=2, T=10 you count {answers[0]}: {mistake}")
    if answers[0] != answers[1]:
        raise Wrong(f"your count changes with the length of the sequence (D=3, H=5, O=2: "
                    f"{answers[0]} for T = 10, {answers[1]} for T = 1000). The same W_xh, "
                    f"W_hh, b_h are used at every step, so a longer sequence needs no new "
                    f"parameters.")
    wrong = next(i for i in range(len(cases)) if answers[i] != truth[i])
    D, H, O, T = cases[wrong]
    raise Wrong(f"for D={D}, H={H}, O={O}, T={T} you count {answers[wrong]}, which is not "
                f"right. List the five arrays of the model with their shapes (W_xh, W_hh, "
                f"b_h, W_hy, b_y) and add up their sizes.")


# ---------------------------------------------------------------- (c) timer_target

_TIMER_MISTAKES = {
    ("scale", 1000): "your pulses run on until the end of the sequence, as they do if they "
                     "last 1000 x u2 steps. That is the number in a widely copied retelling "
                     "of the task, and it is wrong: in Jaeger's tutorial the output lasts "
                     "10 x u2 steps, from 1 to 10.",
    ("scale", 1): "your pulses last round(u2) steps; u2 is a fraction (0.1 to 1.0) and the "
                  "output lasts 10 x u2 steps.",
    ("shift", 1): "your output switches on one step after the pulse; it should switch on at "
                  "the pulse step itself (where u1[t] = 1).",
    ("shift", -1): "your output switches on one step before the pulse; it should switch on "
                   "at the pulse step itself (where u1[t] = 1).",
    ("extra", 1): "each output lasts one step too long: round(10 x u2) steps, so y[t:t+k] "
                  "with k = round(10 * u2[t]).",
    ("extra", -1): "each output lasts one step too short: round(10 x u2) steps, so y[t:t+k] "
                   "with k = round(10 * u2[t]).",
    ("height", 1.0): "the output is 1.0 while it is on; the target's height is 0.5.",
    ("height", "u2"): "the output's height is u2; it should always be 0.5 (u2 sets the "
                      "duration, not the height).",
    ("read", -1): "you read u2 one step before the pulse, where it still holds the previous "
                  "duration; read it at the pulse step.",
    ("first_only", True): "only the first pulse produces an output; every pulse starts a "
                          "new one.",
}
_TIMER_OPTIONS = {"scale": (10, 1000, 1), "shift": (0, 1, -1), "extra": (0, 1, -1),
                  "height": (0.5, 1.0, "u2"), "read": (0, -1), "first_only": (False, True)}


def _timer_target(u1, u2, scale=10, shift=0, extra=0, height=0.5, read=0, first_only=False):
    """y*_t = 0.5 for round(10 u2) steps from each pulse, with classic mistakes on request.

    u1, u2 (T,) -> y (T,). The options name the mistakes of ``_TIMER_MISTAKES``.
    """
    y = np.zeros(len(u1))
    pulses = np.flatnonzero(u1 > 0.5)
    for p in pulses[:1] if first_only else pulses:
        k = int(round(scale * u2[max(p + read, 0)])) + extra
        start = max(p + shift, 0)
        y[start:start + max(k, 0)] = u2[p] if height == "u2" else height
    return y


def _timer_case():
    """A hand-made sequence: pulses at 3, 18, 33 lasting 3, 10 and 1 steps, T = 48."""
    u1, u2 = np.zeros(48), np.full(48, 0.6)
    for t, k in ((3, 3), (18, 10), (33, 1)):
        u1[t], u2[t:] = 1.0, k / 10
    return u1, u2


def _judge_timer(timer_target, u1, u2, ref):
    """Raise Wrong with a diagnosis unless timer_target(u1, u2) equals ``ref``."""
    T = len(u1)
    out = call(timer_target, "timer_target", u1, u2)
    if shape_of(out) == (T, 1):
        out = np.asarray(out)[:, 0]
    y = answer_array(out, "the returned target", ("T",), {"T": T})
    if same(y, ref):
        return
    variants = mistake_variants(_TIMER_OPTIONS, _TIMER_MISTAKES,
                                lambda **choice: _timer_target(u1, u2, **choice), max_mistakes=2)
    hit = closest_variant(y, [(m, v) for m, _, v in variants])
    if hit:
        raise Wrong(bullet_list(hit) if len(hit) == 1 else "two things:\n" + bullet_list(hit))
    if same(y > 0, ref > 0):
        heights = ", ".join(f"{v:g}" for v in np.unique(y[ref > 0])[:4])
        raise Wrong(f"the output is on at the right steps, but its height there is {heights}; "
                    f"it should be 0.5 (and 0 elsewhere).")
    for p in np.flatnonzero(u1 > 0.5):
        window = slice(p, min(p + 12, T))
        if not same(y[window], ref[window]):
            k = int(round(10 * u2[p]))
            on = np.flatnonzero(y[window] != 0) + p
            yours = f"at steps {on.tolist()}" if len(on) else "nowhere"
            raise Wrong(f"for the pulse at t = {p} with u2 = {u2[p]:.1f}, the target is 0.5 "
                        f"for {k} steps, t = {p} to {p + k - 1}; yours is nonzero {yours}.")
    raise Wrong("the output is nonzero where no pulse asks for it: between pulses the "
                "target is 0.")


@exercise("timer_target")
def check_timer_target(timer_target):
    """Check ``timer_target(u1, u2) -> y (T,)``, the target of Jaeger's timer."""
    u1, u2 = _timer_case()
    _judge_timer(timer_target, u1, u2, _timer_target(u1, u2))
    batch = timer(60, 1, rng=5)
    X = batch.X[:, 0]
    try:
        _judge_timer(timer_target, X[:, 0], X[:, 1], batch.target[:, 0, 0])
    except Wrong as err:
        raise Wrong(f"right for the hand-made sequence, but not for one drawn by "
                    f"rnnlab.tasks.timer: {err}") from None
    return ("0.5 for round(10 x u2) steps from each pulse, 0 elsewhere: the same target as "
            "rnnlab.tasks.timer.")


# ---------------------------------------------------------------- (d) arrangements

ARRANGEMENTS = ("one-to-many", "many-to-one", "many-to-many aligned", "encoder-decoder")

ARRANGEMENT_TASKS = {
    "write a caption for a photo":
        ("one-to-many", "one input (the photo) goes in and a sequence of words comes out"),
    "decide whether a film review is positive":
        ("many-to-one", "the whole review is read, and one verdict comes out at the end"),
    "tag each word of a sentence as noun, verb, ...":
        ("many-to-many aligned", "one tag comes out for each word, as the word is read"),
    "translate an English sentence into French":
        ("encoder-decoder", "the French sentence has its own length and word order, so the "
                            "network reads the whole English sentence before it writes"),
    "predict the next letter at every step of a text":
        ("many-to-many aligned", "a guess comes out at every step, as each letter is read: "
                                 "the output at step t is the guess for the letter at "
                                 "step t + 1"),
}

_ALIASES = {
    "one-to-many": "one-to-many", "many-to-one": "many-to-one",
    "many-to-many-aligned": "many-to-many aligned", "aligned": "many-to-many aligned",
    "aligned-many-to-many": "many-to-many aligned",
    "encoder-decoder": "encoder-decoder", "seq2seq": "encoder-decoder",
    "sequence-to-sequence": "encoder-decoder", "many-to-many-encoder-decoder": "encoder-decoder",
}


def _label(value):
    """A learner's label, normalized to one of ARRANGEMENTS, "many-to-many", or None."""
    if not isinstance(value, str):
        return None
    key = "-".join(value.lower().replace("(", " ").replace(")", " ").replace(",", " ")
                   .replace("_", " ").replace("-", " ").split())
    return "many-to-many" if key == "many-to-many" else _ALIASES.get(key)


@exercise("arrangements", yours="Your own answers are unchanged.")
def check_arrangements(answers):
    """Check a dict {task: arrangement} for the tasks of ``ARRANGEMENT_TASKS``."""
    if not isinstance(answers, dict):
        raise Wrong(f"pass the dict of answers, {{task: arrangement}}, not a "
                    f"{type(answers).__name__}.")
    unknown = [k for k in answers if k not in ARRANGEMENT_TASKS]
    if unknown:
        raise Wrong(f"{unknown[0]!r} is not one of the tasks; keep the task names as given "
                    f"and change only the answers.")
    given = {k: v for k, v in answers.items() if v is not None and v is not Ellipsis}
    if not given:
        raise NotAttempted("Replace each ... with one of " + ", ".join(ARRANGEMENTS) + ".")
    lines, n_right = [], 0
    for task, (right, why) in ARRANGEMENT_TASKS.items():
        if task not in given:
            lines.append(f"  - {task}: no answer yet.")
            continue
        label = _label(given[task])
        if label == right:
            n_right += 1
            lines.append(f"  - {task}: yes, {right}.")
        elif label == "many-to-many":
            lines.append(f"  - {task}: many-to-many, but which one, aligned or "
                         f"encoder-decoder?")
        elif label is None:
            lines.append(f"  - {task}: {given[task]!r:.40} is not one of "
                         f"{', '.join(ARRANGEMENTS)}.")
        else:
            lines.append(f"  - {task}: not {label}: {why}, so {right}.")
    summary = "\n".join(lines)
    if n_right == len(ARRANGEMENT_TASKS):
        return f"all {n_right} right.\n{summary}"
    raise Wrong(f"{n_right} of {len(ARRANGEMENT_TASKS)} right.\n{summary}")
