"""Explorer controls that fit: widths in CSS px as JupyterLab lays out ipywidgets 8."""
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextPath

WIDGET_FONT_PX = 13        # JupyterLab's widget font size
INLINE_WIDTH = 300         # ipywidgets 8: a slider's or dropdown's default width
LABEL_WIDTH = 80           # ipywidgets 8: a description's default width
READOUT = 64               # a slider's readout
MARGIN = 8                 # the margins around a control
MIN_TRACK = 100            # a slider track shorter than this is hard to drag


def text_px(s, px=WIDGET_FONT_PX):
    """Width in CSS px of ``s`` in DejaVu Sans (wider than most browser sans fonts)."""
    if not s:
        return 0.0
    return float(TextPath((0, 0), s, size=px, prop=FontProperties(family="DejaVu Sans"))
                 .get_extents().width) + 2.0


def _px(value, default):
    if value in (None, "", "initial", "auto"):
        return default
    value = str(value)
    if value.endswith("px"):
        return float(value[:-2])
    raise AssertionError(f"cannot measure a width of {value!r}")


def _description_px(control):
    style = getattr(control, "style", None)
    width = getattr(style, "description_width", "") if style is not None else ""
    if width == "initial":
        return text_px(control.description)
    return _px(width, LABEL_WIDTH if control.description else 0)


def control_width_px(control):
    width = _px(control.layout.width, None)
    if width is None:
        width = max(INLINE_WIDTH, _description_px(control) + READOUT + MIN_TRACK)
    if type(control).__name__ == "SelectionSlider" and not control.readout:
        width += READOUT   # its value is shown by a label beside it
    return width + MARGIN


def explorer_width_px(ex):
    """CSS px the explorer needs: its canvas (figure inches x dpi) or its widest control
    (the controls' row wraps, so one control is the widest thing in it)."""
    fig_px = ex.fig.get_figwidth() * ex.fig.dpi
    return max([fig_px] + [control_width_px(c) for c in ex.controls.values()])


def truncated_labels(ex):
    """Control descriptions (and dropdown options) that do not fit their width."""
    problems = []
    for name, c in ex.controls.items():
        need = text_px(c.description)
        have = _description_px(c)
        if need > have:
            problems.append(f"{name}: description {c.description!r} needs {need:.0f} px, "
                            f"has {have:.0f}")
        total = control_width_px(c) - MARGIN
        rest = total - have
        if hasattr(c, "options") and not hasattr(c, "readout"):   # a dropdown
            widest = max(text_px(str(o)) for o in c.options) + 30   # + the arrow
            if widest > rest:
                problems.append(f"{name}: option text needs {widest:.0f} px, has {rest:.0f}")
        elif hasattr(c, "readout"):
            if rest - READOUT < MIN_TRACK:
                problems.append(f"{name}: slider track is {rest - READOUT:.0f} px "
                                f"(< {MIN_TRACK})")
    return problems


def typed_readouts_ignored(ex):
    """Value-list sliders whose readout a learner can type into (the typing is ignored)."""
    return [f"{name}: a SelectionSlider with an editable readout" for name, c in
            ex.controls.items() if type(c).__name__ == "SelectionSlider" and c.readout]
