"""``LiveCanvas``: an ipympl canvas that answers a slider move with one message.

ipympl's own path for a redraw takes two trips between kernel and page: ``draw_idle``
sends "draw" to the page, the page asks back for a frame, and only then the kernel
renders and sends the picture. An explorer knows when it has changed, so ``LiveCanvas``
renders and sends the frame at once (``send_frame``) when a page is connected. Each
frame is the whole figure, a PNG compressed for speed, not size (``png_rgba``: a local
connection carries 100 kB in well under a millisecond, while PIL's encoder at its usual
level costs tens of milliseconds on a high-dpi frame; with the optional ``isal`` package,
ISA-L's deflate encodes a high-dpi frame in about 2 ms instead of about 20).

The picture of the figure (``_data_url``) is never put into the widget state, which is
what a notebook saves: the still picture that static renderers show is a separate PNG
(see ``Explorer``), and a saved notebook stays small.
"""
import struct
import warnings
import zlib

import numpy as np
from ipympl.backend_nbagg import Canvas, FigureManager

try:   # ISA-L's deflate writes the same zlib stream as zlib, about 6-10x faster
    from isal.isal_zlib import compress as deflate
except ImportError:   # pragma: no cover - isal is an optional speed-up (extra "fast")
    from zlib import compress as deflate

PNG_LEVEL = 1   # zlib level of the frames: fast; a changed line or two is a few kB anyway


def png_rgba(pixels, level=PNG_LEVEL):
    """PNG bytes of an (h, w, 4) uint8 RGBA array: no row filters, one zlib stream.

    Several times faster than PIL's encoder, which tries a filter per row; frames are
    mostly zeros (unchanged pixels) or flat colours, which zlib packs well unfiltered.
    """
    h, w = pixels.shape[:2]
    rows = np.zeros((h, 4 * w + 1), np.uint8)   # each row: filter byte 0, then RGBA
    rows[:, 1:] = pixels.reshape(h, 4 * w)

    def chunk(tag, body):
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)   # 8 bits, RGBA, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", deflate(rows.tobytes(), level)) + chunk(b"IEND", b""))


class LiveCanvas(Canvas):
    """An ipympl ``Canvas`` for explorers: one-trip redraws, fast frames, no saved picture.

    ``connected`` is True once a page has shown the canvas (ipympl's "initialized"
    message); ``on_connect`` callbacks run then.
    """

    def __init__(self, figure, *args, **kwargs):
        super().__init__(figure, *args, **kwargs)
        self.syncing_data_url = False     # never the picture in the widget state
        self.connected = False
        self.on_connect = []

    def _handle_message(self, obj, content, buffers):
        super()._handle_message(obj, content, buffers)
        if content.get("type") == "closing":      # the page dropped the canvas
            self.connected = False
        elif content.get("type") == "initialized" and not self.connected:
            self.connected = True
            for callback in self.on_connect:
                callback()

    def send_frame(self):
        """Render now and send the frame if a page is connected, else ask for a redraw."""
        if self.connected:
            self.draw()
        else:
            self.draw_idle()

    def get_diff_image(self):
        """The new frame as PNG bytes: always the whole figure.

        ipympl can send only the changed pixels ("diff" frames), which the page paints
        over its last picture; but a page that skips a frame (a newer one arrived before
        it was decoded) then paints later diffs over a stale or blank picture. Frames
        pushed without being asked for arrive close together, so each one is whole.
        """
        if not self._png_is_old:
            return None
        self.set_image_mode("full")
        pixels = np.asarray(self.get_renderer().buffer_rgba())
        self._force_full = self._png_is_old = False
        return png_rgba(pixels)


def live_canvas(fig):
    """A ``LiveCanvas`` for ``fig`` with a hidden toolbar, header and footer, fixed size."""
    canvas = LiveCanvas(fig)
    with warnings.catch_warnings():
        # ipympl's toolbar passes its canvas on to traitlets, which calls that deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        FigureManager(canvas, 0)
    canvas.header_visible = False   # no "Figure 0" title bar
    canvas.footer_visible = False
    canvas.toolbar_visible = False
    canvas.resizable = False
    canvas.capture_scroll = False
    return canvas
