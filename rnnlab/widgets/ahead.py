"""Frames ahead: while the learner looks at a picture, the kernel draws the pictures one step
either side of the control they last moved and sends them to the page, which shows the
right one the moment the slider moves again, without waiting for the kernel.

A state is named by the controls' positions, whole numbers both sides compute alike: a
slider's step count from its minimum, an option's index. The kernel tags every frame with
its state (``positions``); the page (``page/figure.js``) reads the same positions off the
controls' own widget models (``specs``), keeps the frames ahead by state, draws the one
for the new state when a control moves, and then does not draw the kernel's own frame for
that state again (it is the same picture), nor an older state's frame over it.

Frames ahead are drawn only once the page has been still for ``AHEAD_AFTER_S`` since the
last move: a drag or a held key (moves closer together than that) costs the kernel
nothing more, and a learner stepping with the arrow keys at a reading pace gets each
picture at once.
"""
import contextlib

AHEAD_AFTER_S = 0.25   # the page still for this long after a move: draw the frames ahead
                       # (None: never, as for a benchmark of the kernel's round trip)


def specs(controls):
    """How the page reads each control's position: ``{"id": model id, "kind": "index"}``
    for options, or ``{"id", "kind": "step", "min", "step"}`` for a slider."""
    out = []
    for c in controls.values():
        if hasattr(c, "options"):
            out.append({"id": c.model_id, "kind": "index"})
        else:
            out.append({"id": c.model_id, "kind": "step", "min": c.min, "step": c.step})
    return out


def position(control, value):
    """The position of ``value`` on ``control``: its index, or its whole number of steps
    from the minimum."""
    if hasattr(control, "options"):
        return list(control.options).index(value)
    return int(round((value - control.min) / control.step))


def positions(controls, values):
    """The state's name: every control's position, in the controls' order."""
    return [position(c, values[name]) for name, c in controls.items()]


def neighbours(control, value):
    """The values one position either side of ``value`` that ``control`` can take."""
    k = position(control, value)
    if hasattr(control, "options"):
        options = list(control.options)
        return [options[j] for j in (k - 1, k + 1) if 0 <= j < len(options)]
    last = int(round((control.max - control.min) / control.step))
    return [control.min + j * control.step for j in (k - 1, k + 1) if 0 <= j <= last]


def draw_ahead(explorer, name):
    """Send the page the frames one position either side of control ``name``, then put
    the figure back as it was. Returns how many frames were sent.

    The explorer's ``_draw`` may change the controls (a slider disabled for an option):
    their messages are held and only the final state, the one before, goes out."""
    canvas, controls = explorer.canvas, explorer.controls
    base, sent = dict(explorer.values), 0
    with contextlib.ExitStack() as held:
        for c in controls.values():
            held.enter_context(c.hold_sync())
        try:
            for value in neighbours(controls[name], base[name]):
                values = {**base, name: explorer._check(name, value)}
                explorer._draw(explorer._compute(values))
                canvas.send_frame(state=positions(controls, values), ahead=True)
                sent += 1
        finally:
            explorer._draw(explorer.data)
    return sent
