"""The mistakes each exercise's check recognises, read from the checks themselves.

``CATALOGUES`` names, for every check, the module-level catalogues in ``rnnlab.checks``
that it uses; ``mistakes(check)`` reads them now, so a mistake added to a check appears in
the guide when it is generated again. Two checks explain answers case by case rather than
from a list: ``check_predictions`` (one explanation per matrix and wrong answer, from the
check's own ``_why``) and ``check_store_recall`` (what its diagnosis says when one knob of
the wiring is left at 0). ``catalogue_names()`` lists every catalogue-like name in the
checks, so a test can tell when a new catalogue is not in ``CATALOGUES``.
"""
import importlib
import pkgutil
import re

CATALOGUES = {
    "check_rnn_forward": (("ch01", "_FORWARD_MISTAKES"),),
    "check_arrangements": (("ch01", "ARRANGEMENT_TASKS"),),
    "check_param_count": (("ch01", "_COUNT_VARIANTS"),),
    "check_timer_target": (("ch01", "_TIMER_MISTAKES"),),
    "check_rnn_step_backward": (("ch02", "_STEP_MISTAKES"),),
    "check_rnn_backward": (("ch02", "_LOOP_MISTAKES"),),
    "check_gradient_check": (("ch02", "_NUMGRAD_VARIANTS"), ("ch02", "_RELERR_MISTAKES")),
    "check_find_the_bugs": (("ch02", "BUG_NAMES"), ("ch02", "BUG_HINTS")),
    "check_predictions": (("ch03", "PREDICT_CASES"),),
    "check_one_unit_grad": (("ch03", "_UNIT_MISTAKES"),),
    "check_clip_by_norm": (("ch03", "_CLIP_MISTAKES"),),
    "check_lstm_step_forward": (("ch04_forward", "_FORWARD_MISTAKES"),),
    "check_lstm_cell_backward": (("ch04_cell", "_CELL_MISTAKES"),),
    "check_store_recall": (("ch04_storecall", "wiring_problems"),),
    "check_gru_step": (("ch05", "_STEP_MISTAKES"),),
    "check_pytorch_to_chung": (("ch05", "_CONVERT_MISTAKES"),),
    "check_matched_widths": (("ch05", "_WIDTH_MISTAKES"),),
}
CATALOGUE_NAME = re.compile(r"^_?[A-Z_]*(MISTAKES|VARIANTS)$|^BUG_NAMES$|^PREDICT_CASES$")


def _module(name):
    return importlib.import_module(f"rnnlab.checks.{name}")


def catalogue_names():
    """Every (module, name) in ``rnnlab.checks`` that looks like a catalogue of mistakes."""
    import rnnlab.checks as checks

    out = []
    for info in pkgutil.iter_modules(checks.__path__):
        out += [(info.name, n) for n in vars(_module(info.name)) if CATALOGUE_NAME.match(n)]
    return sorted(out)


def _sentence(text):
    """``text`` ending with a full stop (unless it ends with . ? or ! already)."""
    return text if text.endswith((".", "?", "!")) else text + "."


def _predictions(module):
    """The check's explanation for every matrix and every wrong answer to it."""
    out = []
    for label, (W, act) in module.PREDICT_CASES.items():
        right = module.predict_answer(W, act)
        said = {}
        for wrong in module.ANSWERS:
            if wrong != right:
                said.setdefault(module._why(label, W, act, wrong), []).append(repr(wrong))
        out += [f"answering {' or '.join(w)} for {label}: {why}" for why, w in said.items()]
    return out


def _store_recall(module):
    """What the check says when one knob of the library's wiring is left at 0."""
    from ..storecall import WIRING

    out = []
    for knob, value in WIRING.items():
        if value == 0:
            continue
        found = module.wiring_problems({**WIRING, knob: 0.0}, module._SCENARIOS[0])
        out += [f"{knob} left at 0: {p}" for p in found]
    return out


def _entries(module, name):
    """The sentences of one catalogue, in its own order."""
    data = getattr(module, name)
    if name == "PREDICT_CASES":
        return _predictions(module)
    if name == "wiring_problems":
        return _store_recall(module)
    if name == "ARRANGEMENT_TASKS":
        return [_sentence(f"{task}: {right}, because {why}") for task, (right, why) in data.items()]
    if name == "BUG_NAMES":
        return [_sentence(f"bug: {fix}") for fix in data.values()]
    if name == "BUG_HINTS":
        return [_sentence(f"hint while the {bug} bug is there: {hint}")
                for bug, hint in data.items()]
    if isinstance(data, dict):
        return list(data.values())
    return [entry[0] for entry in data]       # (sentence, how it is computed) pairs


def mistakes(check):
    """The sentences that ``check`` (a name such as "check_rnn_forward") can say about a
    wrong answer, from its catalogues; raises KeyError for a check without one."""
    if check not in CATALOGUES:
        raise KeyError(f"no catalogue registered for {check!r}; known: {sorted(CATALOGUES)}")
    out = []
    for module, name in CATALOGUES[check]:
        out += [e for e in _entries(_module(module), name) if e not in out]
    return out
