"""``Explorer``: the base of every interactive explorer (a figure updated in place + sliders).

An explorer owns a matplotlib ``Figure`` on a plain Agg canvas and, in Jupyter, a
``PageCanvas`` widget (``canvas.py``) that shows the figure in the page: a notebook stays
on the default inline backend, static figures remain PNGs that GitHub and nbviewer show,
and only explorers are live. Moving a slider calls ``update``, which recomputes, changes
the existing artists (``set_data``, ``set_color``, ``set_text``) and sends the moving
artists to the page (``PageCanvas.send_frame``). Nothing needs a browser: ``update``
works in a plain kernel or a test.

Subclasses define::

    _make_controls() -> dict name -> ipywidgets control   (sliders, dropdowns)
    _build(fig)      create every artist once; call _freeze_axes(ax, *artists) for
                     what never changes (frame, ticks, titles, legends, fixed labels)
    _compute(values) -> dict                               the numbers behind the picture
    _draw(data)      move the artists to show ``data``
    _note(data)      -> str                                one plain-words sentence

Speed: frozen artists are rendered once into a picture (``StaticLayer``): the page gets
it once, and each slider move sends only the artists that are not frozen, as numbers the
page draws (``artists.py``); texts, ticks and mathtext (the slow part of a matplotlib
frame) are never drawn again. An axis whose range moves with the settings stays live
(``_freeze_axes(ax, live_y=True)``): the page draws its ticks and labels with the lines.
After changing something frozen (a new title), call ``self.static_layer.invalidate()``;
the page then gets a new picture with the next frame. Agg draws (``fig.canvas.draw()``)
paste the same picture.

Slider moves that arrive faster than the kernel answers are coalesced twice: the page's
widget model keeps at most one change in flight and sends only the latest value once the
kernel is idle again, and the kernel draws the moves queued for it as one update with the
latest values (``Explorer._on_change``), so a drag never builds a backlog.

Displaying an explorer (last line of a cell, or ``display(ex)``) shows the controls, the
figure and the note as one widget, then a PNG of the current state as its own output for
renderers without widgets (GitHub, nbviewer, ``nbconvert --to html``, a PDF export); a
page running the live figure hides that PNG. No picture is put into the saved widget
state.
"""
import base64
import io
import numbers

from ..style import COLORS, rnnlab_style
from .ahead import positions, specs
from .moves import PageMoves, quiet_echo, same
from .static_layer import StaticLayer


# Put in the note (an HTML widget) once a page runs the live canvas: hides the output
# right after the explorer's, its still picture (JupyterLab and Notebook 7 output areas).
LIVE_STYLE = ("<style>.jp-OutputArea-child:has(.rnnlab-note) + .jp-OutputArea-child"
              ":has(> .jp-OutputArea-output[data-mime-type='image/png'], "
              "> .jp-OutputArea-output[data-mime-type='text/html'] > img:only-child) "
              "{ display: none; }</style>")


LABEL_PX_PER_CHAR = 8.0   # a description's width per character at the widgets' 13 px font
TRACK_PX = 150            # what a slider's track keeps beside its description and readout
READOUT_PX = 64


def fit_labels(controls):
    """Give every control's description room to show whole (no 'W_hh sc...'), the same
    room for all so that the controls line up, and keep each slider's track long.

    A value-list slider (``SelectionSlider``) gets no typed-in readout: the browser would
    ignore what is typed and then blank it; the value shows as a plain label next to it
    instead (see ``_with_readout``).
    """
    widest = max((len(c.description) for c in controls.values()), default=0)
    label = int(LABEL_PX_PER_CHAR * widest + 8)
    for c in controls.values():
        if type(c).__name__ == "SelectionSlider":
            c.readout = False
        current = c.style.description_width
        if not current or not current.endswith("px") or float(current[:-2]) < label:
            c.style.description_width = f"{label}px"
        width = c.layout.width
        need = label + READOUT_PX + TRACK_PX
        if not width or (width.endswith("px") and float(width[:-2]) < need):
            c.layout.width = f"{max(need, 300)}px"


def _with_readout(control):
    """A value-list slider beside a label showing its value; other controls as they are."""
    if type(control).__name__ != "SelectionSlider" or control.readout:
        return control
    import ipywidgets as W

    label = W.Label(str(control.value), layout=W.Layout(width=f"{READOUT_PX - 8}px"))
    control.observe(lambda change: setattr(label, "value", str(change["new"])), names="value")
    return W.HBox([control, label], layout=W.Layout(width="auto"))


def _new_canvas(fig):
    """The page's view of ``fig`` (a widget, see ``canvas.py``); ``fig`` gets an Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from .canvas import PageCanvas

    FigureCanvasAgg(fig)
    return PageCanvas(fig)


class Explorer(PageMoves):
    """Base class: a figure on its own canvas, ipywidgets ``controls``, ``update``, ``note``.

    Attributes: ``fig`` (matplotlib Figure), ``controls`` (name -> ipywidgets control;
    sliders have ``min``, ``max``, ``step``; dropdowns ``options``), ``values`` (name ->
    current value), ``data`` (the numbers behind the picture, set by ``update``), ``note``
    (a plain-words sentence on what the picture shows, also shown under the plot).
    """

    figsize = (8.0, 5.0)
    dpi = 100

    def __init__(self, **initial):
        """Build the figure and controls, then ``update(**initial)`` (values checked)."""
        from matplotlib.figure import Figure

        with rnnlab_style():
            self.fig = Figure(figsize=self.figsize, dpi=self.dpi)
            self.canvas = _new_canvas(self.fig)
            self.controls = self._make_controls()
            fit_labels(self.controls)
            quiet_echo(self.controls)
            self.values = {name: w.value for name, w in self.controls.items()}
            self.data, self.note = {}, ""
            self._frozen = []
            self._build(self.fig)
            self.static_layer = StaticLayer(self._frozen)
            self.fig.add_artist(self.static_layer)
            self.canvas.static_layer = self.static_layer
            self.canvas.fit()
        self._widget = None
        self._syncing = False
        self._pending = {}     # moves from the page not drawn yet (see _on_change)
        self._from_page = False   # update() is drawing moves from the page
        self.page_moves = self.page_updates = self.ahead_frames = 0
        self.canvas.controls = specs(self.controls)   # how the page reads their positions
        self.update(**initial)
        for name, control in self.controls.items():
            control.observe(lambda change, name=name: self._on_change(name, change["new"]),
                            names="value")

    # -- what subclasses write -----------------------------------------------------------
    def _make_controls(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _build(self, fig):  # pragma: no cover - abstract
        raise NotImplementedError

    def _compute(self, values):  # pragma: no cover - abstract
        raise NotImplementedError

    def _draw(self, data):  # pragma: no cover - abstract
        raise NotImplementedError

    def _note(self, data):  # pragma: no cover - abstract
        raise NotImplementedError

    def _freeze(self, *artists):
        """Mark artists that will never change, so redraws paste them from a picture."""
        self._frozen.extend(artists)

    def _freeze_axes(self, ax, *artists, live_y=False):
        """Freeze an axes' frame, ticks, tick labels, axis labels, titles and legend (and
        ``artists``); its lines and patches stay live. Call after the axes is labelled.

        ``live_y=True`` leaves the y axis live: a y range that moves with the settings
        then costs no new static picture, as the page draws the new ticks and labels."""
        ax.patch.set_visible(False)   # the figure's white shows through the layer
        titles = [ax.title, ax._left_title, ax._right_title]
        legend = [ax.get_legend()] if ax.get_legend() is not None else []
        axes = [ax.xaxis] if live_y else [ax.xaxis, ax.yaxis]
        frame = [*axes, *ax.spines.values()] if ax.axison else []
        self._freeze(*frame, *titles, *legend, *artists)

    # -- the public interface ------------------------------------------------------------
    def update(self, **values):
        """Set some controls (by name), recompute, redraw in place; returns ``self.data``.

        Each value must lie in its slider's [min, max] (or be one of a dropdown's options).
        Called with no arguments it redraws the current state.
        """
        checked = {name: self._check(name, v) for name, v in values.items()}
        self.values.update(checked)
        self._syncing = True
        try:
            for name, v in checked.items():
                if not same(self.controls[name].value, v):
                    self.controls[name].value = v
        finally:
            self._syncing = False
        self.data = self._compute(dict(self.values))
        self._draw(self.data)
        self.note = self._note(self.data)
        # one trip: the frame goes out with this update (see canvas.py), not on request,
        # and before the note, so the page paints the figure before it lays out the text
        self.canvas.send_frame(state=positions(self.controls, self.values),
                               moved=self._from_page)
        if self._widget is not None:
            self._note_html.value = self._note_markup()
        return self.data

    def compute(self, **values):
        """The numbers behind the picture for ``values`` (others as now), without drawing.

        Neither the controls nor the picture change: cells that demonstrate a setting use
        this, so the live explorer stays where the learner left it.
        """
        checked = {name: self._check(name, v) for name, v in values.items()}
        return self._compute({**self.values, **checked})

    def note_for(self, data):
        """The note for ``data`` from ``compute``, without moving the explorer."""
        return self._note(data)

    def _check(self, name, value):
        """``value`` for control ``name``, or an error naming what the control accepts."""
        if name not in self.controls:
            raise TypeError(f"{type(self).__name__} has no control {name!r}; "
                            f"expected one of {list(self.controls)}")
        control = self.controls[name]
        if hasattr(control, "options"):
            options = list(control.options)
            if value not in options:
                raise ValueError(f"{name} must be one of {options}, got {value!r}")
            return value
        lo, hi = control.min, control.max
        is_int = isinstance(control.value, numbers.Integral)
        ok_type = isinstance(value, numbers.Integral if is_int else numbers.Real) \
            and not isinstance(value, bool)
        if not ok_type or not lo - 1e-9 <= value <= hi + 1e-9:
            kind = "an integer" if is_int else "a number"
            raise ValueError(f"{name} must be {kind} in [{lo}, {hi}], got {value!r}")
        if is_int:
            return int(value)
        # no float dust from slider arithmetic: 0.8, not 0.7999999999999999
        return round(float(min(max(value, lo), hi)), 12)

    @property
    def widget(self):
        """The controls, the canvas and the note as one ipywidgets ``VBox``."""
        if self._widget is None:
            import ipywidgets as W

            row = W.HBox([_with_readout(c) for c in self.controls.values()],
                         layout=W.Layout(flex_flow="row wrap"))
            self._note_html = W.HTML(self._note_markup())
            self._widget = W.VBox([row, self.canvas, self._note_html])
            self.canvas.on_connect.append(
                lambda: setattr(self._note_html, "value", self._note_markup()))
        return self._widget

    def _note_markup(self):
        import html

        # once a page shows the live canvas, hide the still picture displayed after it
        live = LIVE_STYLE if getattr(self.canvas, "connected", False) else ""
        return (f'{live}<div class="rnnlab-note" style="font-size: 14px; '
                f'color: {COLORS["text"]}; padding: 2px 0 6px 4px">'
                f"{html.escape(self.note)}</div>")

    def to_png(self):
        """The current picture as PNG bytes (what renderers without widgets show).

        Stored with a palette of 256 colours: a quarter of the bytes of a full-colour
        PNG, and no visible difference on these flat-coloured plots.
        """
        from PIL import Image

        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=self.dpi)
        picture = Image.open(buf).convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)
        out = io.BytesIO()
        picture.save(out, format="png", optimize=True)
        return out.getvalue()

    def display_bundles(self):
        """What displaying the explorer shows: the live widget, then the still picture.

        Two outputs, so that every renderer finds its picture: a static render of the
        notebook (``nbconvert --to html``, nbviewer, GitHub) cannot draw the widget and
        shows the PNG after it; in Jupyter the live canvas hides the PNG once it is shown
        (``LIVE_STYLE``), so the picture is not there twice.
        """
        return [self._live(), self._still()[0]]

    def _live(self):
        """The live widget's display bundle (no picture in it)."""
        return {**self.widget._repr_mimebundle_(),
                "text/plain": f"{type(self).__name__}: {self.note}"}

    def alt_text(self, data=None):
        """What the still picture shows, in words (its alternative text), for ``data`` (by
        default the current state): from the subclass's ``_alt(data)``, or None when it
        has none (the still picture is then a plain PNG)."""
        alt = getattr(self, "_alt", None)
        return None if alt is None else alt(self.data if data is None else data)

    def _still(self):
        """(data, metadata) of the still picture: with its alternative text when the
        explorer has one (``rnnlab.show.picture_bundle``), else a plain PNG."""
        alt = self.alt_text()
        if alt is not None:
            from ..show import picture_bundle

            return picture_bundle(self.to_png(), alt)
        return {"image/png": base64.b64encode(self.to_png()).decode("ascii"),
                "text/plain": f"{type(self).__name__} (still picture)"}, {}

    def _ipython_display_(self):
        from IPython.display import display

        display(self._live(), raw=True)
        still, metadata = self._still()
        display(still, metadata=metadata or None, raw=True)

    def __repr__(self):
        values = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        return f"{type(self).__name__}({values})"
