"""``PageCanvas``: an explorer's figure drawn in the page; the kernel sends numbers.

The figure's static layer (background, axes, ticks, labels, frozen artists: see
``StaticLayer``) is rendered once by matplotlib and sent to the page as a PNG in a
message of its own, at the page's device pixel ratio. On every update the kernel sends
only the moving artists as drawing orders (``artists.frame_ops``: vertices in CSS pixels
and the styles read from the artists), and the page's module (``page/figure.js``, an
anywidget ES module shipped in the package) paints the static picture and the orders on
one canvas. A frame is tens to hundreds of numbers instead of a whole PNG: no picture is
encoded in the kernel for a slider move, none decoded in the page.

Every frame names the state it shows (the controls' positions); once the page has been
still, frames one step ahead are sent too (``ahead.py``) and the page paints one the
moment its controls reach that state.

Nothing drawn is put into the widget state, which is what a notebook saves: only the
figure's size is. The still picture that static renderers show is a separate PNG (see
``Explorer``). Clicks on the figure come back as matplotlib ``button_press_event``s on
the figure's own canvas (``mpl_connect``), with the data coordinates filled in.

The static layer and the artists the page cannot draw itself are PNGs made by
``pictures.png_rgba``, compressed for speed, not size.
"""
from pathlib import Path

import anywidget
import traitlets
from matplotlib.backend_bases import MouseEvent

from .artists import frame_ops
from .orders import figure_pixels


class PageCanvas(anywidget.AnyWidget):
    """The page's view of an explorer's figure: a static picture plus drawing orders.

    ``connected`` is True once a page has shown the figure ("ready", with its device pixel
    ratio); ``on_connect`` callbacks run then. ``send_frame()`` sends the moving artists
    when a page is connected and does nothing otherwise (no page: nothing to draw).
    ``static_layer`` (set by the explorer) says which artists are frozen.
    """

    _esm = Path(__file__).parent / "page" / "figure.js"
    width = traitlets.Int(0).tag(sync=True)     # CSS px: the figure at its own dpi
    height = traitlets.Int(0).tag(sync=True)

    def __init__(self, figure, **kwargs):
        w, h = figure_pixels(figure)
        super().__init__(width=w, height=h, **kwargs)
        self.figure = figure
        self.static_layer = None
        self.connected = False
        self.on_connect = []
        self.dpr = 1.0
        self.frames = 0
        self.controls = []     # how the page reads the controls' positions (``ahead.py``)
        self._static_sent = set()
        self._state = None     # what the last frame showed (the controls' positions)
        self._pictures = {}    # artists the page cannot draw, rendered once per look
        self.on_msg(self._handle_message)

    def fit(self):
        """Take the figure's size (an explorer may set it while building)."""
        self.width, self.height = figure_pixels(self.figure)

    def mpl_connect(self, name, callback):
        """Connect ``callback`` to a matplotlib event of the figure (clicks in the page)."""
        return self.figure.canvas.mpl_connect(name, callback)

    def _handle_message(self, widget, content, buffers):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ready":
            dpr = content.get("dpr")
            self.dpr = float(dpr) if isinstance(dpr, (int, float)) and 0.25 <= dpr <= 8 else 1.0
            self._static_sent.clear()    # a new view (or a new ratio) has no picture yet
            self._pictures.clear()       # nor the pictures that orders kept refer to
            first = not self.connected
            self.connected = True
            if first:
                for callback in self.on_connect:
                    callback()
            self.send({"type": "controls", "controls": self.controls})
            self.send_frame(state=self._state)
        elif kind == "closing":
            self.connected = False
        elif kind == "click":
            self._click(content)

    def _click(self, content):
        """A click at CSS px (x, y down) of the page's figure, as a matplotlib event."""
        try:
            x, y = float(content["x"]), float(content["y"])
            button = int(content.get("button", 1))
        except (KeyError, TypeError, ValueError):
            return
        canvas = self.figure.canvas
        MouseEvent("button_press_event", canvas, x, self.figure.bbox.height - y,
                   button=button)._process()

    def _static_key(self):
        layer = self.static_layer
        return f"{self.dpr:g}/{layer.generation}" if layer else f"{self.dpr:g}"

    def _send_static(self, key):
        png = self.static_layer.picture(self.dpr) if self.static_layer else b""
        self.send({"type": "static", "key": key}, [png])
        self._static_sent.add(key)

    def send_frame(self, state=None, ahead=False, moved=False):
        """Send the moving artists (and the static picture if the page lacks it).

        ``state`` names what the figure shows (the controls' positions, ``ahead.py``);
        ``ahead=True`` sends a frame the page keeps for when its controls reach ``state``
        instead of one to draw now; ``moved=True`` says the frame draws moves of the
        page's own controls (the page may have drawn it ahead already)."""
        if not ahead:
            self._state = state
        if not self.connected:
            return
        key = self._static_key()
        if key not in self._static_sent:
            self._send_static(key)
        frozen = self.static_layer.artists if self.static_layer else []
        ops, buffers = frame_ops(self.figure, frozen, self.dpr, self._pictures)
        message = {"type": "ahead" if ahead else "frame", "static": key, "ops": ops,
                   "state": state}
        if not ahead:
            self.frames += 1
            message.update(seq=self.frames, moved=moved)
        self.send(message, buffers)
