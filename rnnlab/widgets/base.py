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
the page then gets a new picture with the next frame. A frozen part that switches between
a few looks may set ``self.static_layer.state`` to a label of the look instead: each look
is rendered once and sent once. Agg draws (``fig.canvas.draw()``) paste the same picture.

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
import time

import numpy as np
from matplotlib.artist import Artist
from matplotlib.transforms import Bbox

from ..style import COLORS, rnnlab_style
from . import ahead
from .ahead import draw_ahead, positions, specs


# Put in the note (an HTML widget) once a page runs the live canvas: hides the output
# right after the explorer's, its still picture (JupyterLab and Notebook 7 output areas).
LIVE_STYLE = ("<style>.jp-OutputArea-child:has(.rnnlab-note) + .jp-OutputArea-child"
              ":has(> .jp-OutputArea-output[data-mime-type='image/png'], "
              "> .jp-OutputArea-output[data-mime-type='text/html'] > img:only-child) "
              "{ display: none; }</style>")


class StaticLayer(Artist):
    """Draws the artists that never change (axes, ticks, titles, labels) from a cached
    picture, so a redraw renders only what moved.

    The frozen artists are marked ``animated``, which makes matplotlib skip them in a
    normal draw; this layer, drawn first, pastes their picture (rendered again when the
    canvas size or dpi changes, e.g. on a high-dpi screen). ``savefig`` draws everything
    itself (matplotlib includes animated artists when saving), so the layer steps aside.
    """

    max_cached = 8   # pictures kept: (canvas size, dpi, state) combinations
    is_static_layer = True

    def __init__(self, artists):
        super().__init__()
        self.artists = list(artists)
        self.set_zorder(-1e9)
        self.state = None     # a label of how the frozen artists look (e.g. axis limits)
        self.generation = 0   # counts invalidations: the page's picture is then old
        self._cache = {}      # (width, height, dpi, state) -> picture
        self._png = {}        # (dpr, state) -> PNG for the page
        for a in self.artists:
            a.set_animated(True)

    def invalidate(self):
        """Render the frozen artists again at the next draw (after changing one of them)."""
        self._cache.clear()
        self._png.clear()
        self.generation += 1

    def picture(self, dpr=1.0):
        """PNG bytes of the figure's background and frozen artists at ``dpr`` times the
        figure's pixels (a page's device pixel ratio), rendered once per look."""
        from .artists import settle_axes
        from .orders import figure_pixels
        from .pictures import png_rgba

        key = (float(dpr), self.state)
        if key not in self._png:
            if len(self._png) >= self.max_cached:
                self._png.clear()
            fig = self.get_figure(root=True)
            settle_axes(fig)
            dpi = fig.dpi
            w, h = figure_pixels(fig, dpr)
            fig.dpi = dpi * dpr
            try:
                region = self._render(w, h, fig.dpi)
            finally:
                fig.dpi = dpi
            self._png[key] = png_rgba(np.asarray(region))
        return self._png[key]

    def draw(self, renderer):
        fig = self.get_figure(root=True)
        if not self.get_visible() or fig.canvas.is_saving():
            return
        key = (int(renderer.width), int(renderer.height), float(renderer.dpi), self.state)
        if key not in self._cache:
            if len(self._cache) >= self.max_cached:
                self._cache.clear()
            self._cache[key] = self._render(*key[:3])
        pixels = self._cache[key]
        if hasattr(renderer, "restore_region"):   # Agg: a plain copy, no blending
            renderer.restore_region(pixels)
        else:
            gc = renderer.new_gc()
            renderer.draw_image(gc, 0, 0, np.asarray(pixels)[::-1])
            gc.restore()

    def _render(self, width, height, dpi):
        from matplotlib.backends.backend_agg import RendererAgg

        r = RendererAgg(width, height, dpi)
        self.get_figure(root=True).patch.draw(r)
        for a in self.artists:
            a.draw(r)
        return r.copy_from_bbox(Bbox.from_bounds(0, 0, width, height))


COALESCE_S = 0.0        # a move from the page waits for the messages already queued,
COALESCE_MAX_S = 0.05   # and for those that keep arriving, at most this long (_flush)
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


def quiet_echo(controls):
    """No echo of a control's new value from the kernel back to the page (ipywidgets 8
    echoes every change, for other pages showing the same kernel): a slider move then
    costs one message less on the way back, ahead of the frame. A page still shows its own
    moves; the kernel still tells the pages of changes it makes itself (``update``)."""
    for c in controls.values():
        for name in ("value", "index"):       # a value-list slider or dropdown sends its index
            if c.has_trait(name):
                setattr(c, f"_{name}_metadata", {"echo_update": False})


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


def _same(shown, value):
    """A control shows ``value`` already: equal, or a float from the page that differs only
    in the digits ``Explorer._check`` rounds away. Setting it again would send the page a
    value its slider snaps back to its own step, and the page would send that again."""
    if isinstance(shown, float) and isinstance(value, float):
        return abs(shown - value) <= 1e-9 * max(1.0, abs(value))
    return shown == value


def _later():
    """A function ``later(callback, delay=COALESCE_S)`` that runs a callback once the
    kernel has read the messages waiting for it (and ``delay`` seconds have passed), or
    None outside a running event loop (a test, a script: draw at once)."""
    import asyncio

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    return lambda callback, delay=COALESCE_S: loop.call_later(delay, callback)


class Explorer:
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
                if not _same(self.controls[name].value, v):
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

    def _on_change(self, name, value):
        """A control moved: redraw (unless ``update`` itself moved it).

        A move from the page is redrawn once the kernel has taken in the messages already
        waiting (``_later``): moves that arrived while the last frame was computed are
        coalesced into one update with the latest values, so the kernel never works
        through a backlog of frames nobody will see. A move made in Python (setting
        ``control.value``) is drawn at once, as ``update`` is."""
        if self._syncing:
            return
        # ipywidgets locks the properties a page's message sets while it applies them
        from_page = bool(getattr(self.controls[name], "_property_lock", None))
        later = _later() if from_page else None
        if later is None:
            self.update(**{name: value})
            return
        self.page_moves += 1
        first = not self._pending
        self._pending[name] = value
        if first:
            self._waiting = (time.perf_counter(), self.page_moves, later)
            later(self._flush)

    def _flush(self):
        """Draw the moves that came from the page since the last frame, as one update;
        while more keep arriving (a burst waiting in the kernel's queue), take them in
        first, for at most ``COALESCE_MAX_S``."""
        if not self._pending:
            return
        since, moves, later = self._waiting
        if self.page_moves != moves and time.perf_counter() - since < COALESCE_MAX_S:
            self._waiting = (since, self.page_moves, later)
            later(self._flush)
            return
        pending, self._pending = self._pending, {}
        self.page_updates += 1
        self._from_page = True
        try:
            self.update(**pending)
        except Exception:   # pragma: no cover - shown in the kernel's log, as ipywidgets does
            self.canvas.log.exception("rnnlab: update failed")
            return
        finally:
            self._from_page = False
        moves = self.page_moves
        if ahead.AHEAD_AFTER_S is not None:
            later(lambda: self._ahead(list(pending), moves), ahead.AHEAD_AFTER_S)

    def _ahead(self, names, moves):
        """The page has been still since move number ``moves``: send it the frames one
        step either side of the controls moved last (``ahead.py``)."""
        if moves != self.page_moves or self._pending or not self.canvas.connected:
            return
        try:
            for name in names:
                self.ahead_frames += draw_ahead(self, name)
        except Exception:   # pragma: no cover - shown in the kernel's log
            self.canvas.log.exception("rnnlab: frames ahead failed")

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
