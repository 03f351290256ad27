"""How an explorer takes the moves of its controls in the page (``PageMoves``).

A move from the page is drawn once the kernel has read the moves queued behind it, so
moves that arrive faster than frames are drawn become one update with the latest values;
once the page has been still for ``ahead.AHEAD_AFTER_S``, the frames one step either side
are drawn ahead (``ahead.py``). A move made in Python is drawn at once, as ``update`` is.
"""
import time

from . import ahead
from .ahead import draw_ahead

COALESCE_S = 0.0        # a move from the page waits for the messages already queued,
COALESCE_MAX_S = 0.05   # and for those that keep arriving, at most this long (_flush)


def quiet_echo(controls):
    """No echo of a control's new value from the kernel back to the page (ipywidgets 8
    echoes every change, for other pages showing the same kernel): a slider move then
    costs one message less on the way back, ahead of the frame. A page still shows its own
    moves; the kernel still tells the pages of changes it makes itself (``update``)."""
    for c in controls.values():
        for name in ("value", "index"):       # a value-list slider or dropdown sends its index
            if c.has_trait(name):
                setattr(c, f"_{name}_metadata", {"echo_update": False})


def same(shown, value):
    """A control shows ``value`` already: equal, or a float from the page that differs only
    in the digits ``Explorer._check`` rounds away. Setting it again would send the page a
    value its slider snaps back to its own step, and the page would send that again."""
    if isinstance(shown, float) and isinstance(value, float):
        return abs(shown - value) <= 1e-9 * max(1.0, abs(value))
    return shown == value


def later_in_loop():
    """A function ``later(callback, delay=COALESCE_S)`` that runs a callback once the
    kernel has read the messages waiting for it (and ``delay`` seconds have passed), or
    None outside a running event loop (a test, a script: draw at once)."""
    import asyncio

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    return lambda callback, delay=COALESCE_S: loop.call_later(delay, callback)


class PageMoves:
    """The part of ``Explorer`` that takes the page's moves: coalesced, then ahead."""

    def _on_change(self, name, value):
        """A control moved: redraw (unless ``update`` itself moved it).

        A move from the page is redrawn once the kernel has taken in the messages already
        waiting (``later_in_loop``): moves that arrived while the last frame was computed are
        coalesced into one update with the latest values, so the kernel never works
        through a backlog of frames nobody will see. A move made in Python (setting
        ``control.value``) is drawn at once, as ``update`` is."""
        if self._syncing:
            return
        # ipywidgets locks the properties a page's message sets while it applies them
        from_page = bool(getattr(self.controls[name], "_property_lock", None))
        later = later_in_loop() if from_page else None
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
