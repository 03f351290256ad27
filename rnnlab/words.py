"""The course's qualitative words, each with one threshold, defined once.

A note under an explorer, a "try this" step or an exercise's feedback may use one of
these words only when the number it describes passes the word's test here; the tests
check every note against these same functions, so a word means the same thing in every
chapter. Nothing happens on import.

Gates (values in [0, 1]):

    is_open(g)      g >= OPEN (0.9)        "open", "lets through"
    is_shut(g)      g <= SHUT (0.1)        "shut", "stays shut", "barely opens"
    gate_state(g)   either, or between     "open", "shut", "partly open"

Fractions of something kept (a state copied, a value stored, a gradient carried):

    keeps_most(r)   r >= MOST (0.9)        "keeps most", "nearly all"
    keeps_little(r) r <= LITTLE (0.1)      "little left", "loses", "barely"

Gradients compared with their value at lag 0 (ratios, > 0):

    vanished(r)     r <= VANISHED (1e-3)   "vanishes", "has vanished", "dies out"
    exploded(r)     r >= EXPLODED (1e3)    "explodes", "blows up"

Numbers in text print at their control's precision: ``at_step(value, step)``.
"""
import math

OPEN = 0.9
SHUT = 0.1
MOST = 0.9
LITTLE = 0.1
VANISHED = 1e-3
EXPLODED = 1e3


def is_open(g):
    """A gate value counts as open (>= 0.9)."""
    return g >= OPEN


def is_shut(g):
    """A gate value counts as shut (<= 0.1): 'barely opens' and 'stays shut' use this."""
    return g <= SHUT


def keeps_most(r):
    """A kept fraction counts as 'most' (>= 0.9)."""
    return r >= MOST


def keeps_little(r):
    """A kept fraction counts as 'little' (<= 0.1): 'barely', 'loses' use this."""
    return r <= LITTLE


def vanished(r):
    """A gradient ratio to its value at lag 0 counts as vanished (<= 1e-3)."""
    return r <= VANISHED


def exploded(r):
    """A gradient ratio to its value at lag 0 counts as exploded (>= 1e3)."""
    return r >= EXPLODED


def at_step(value, step):
    """``value`` printed with as many decimals as the control's ``step`` has, and without a
    minus sign on zero: ``at_step(3.99999, 0.25) == '4.00'``, ``at_step(-1e-9, 0.5) == '0.0'``.
    """
    if not (isinstance(step, (int, float)) and step > 0 and math.isfinite(step)):
        raise ValueError(f"step must be a positive finite number, got {step!r}")
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
    if step < 1 and round(step * 10 ** decimals, 9) % 1:
        decimals += 1          # e.g. 0.25 needs two decimals, 0.5 one
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def factor_text(x):
    """A multiplying factor (>= 0) in words where a number would mislead: ``'zero'`` for 0
    (never ``'0e+00'``), one significant digit in scientific notation below 0.01 or from 100
    on (``'4e-04'``), else two decimals (``'0.19'``)."""
    x = float(x)
    if x == 0:
        return "zero"
    if not math.isfinite(x):
        return "too large to represent"
    return f"{x:.0e}" if abs(x) < 0.01 or abs(x) >= 100 else f"{x:.2f}"


def gate_state(g):
    """A gate value in words: ``'open'`` (is_open), ``'shut'`` (is_shut), else
    ``'partly open'``; no third threshold."""
    return "open" if is_open(g) else "shut" if is_shut(g) else "partly open"


def fraction_text(r):
    """A kept fraction in [0, 1] as text: a percentage with one decimal from 0.001 on
    (``'97.8%'``), one significant digit below (``'2e-39'``; ``'zero'`` for 0), so nothing
    rounds to 0%, and more decimals just below 1 (``'99.998%'``), so only 1 reads 100%."""
    if r < 0.001:
        return "zero" if r == 0 else f"{r:.0e}"
    decimals = 1
    while r < 1 and f"{r:.{decimals}%}".startswith("100") and decimals < 12:
        decimals += 1
    return f"{r:.{decimals}%}"
