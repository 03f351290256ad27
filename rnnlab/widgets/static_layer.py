"""``StaticLayer``: an explorer's artists that never change, drawn from one picture."""
import numpy as np
from matplotlib.artist import Artist
from matplotlib.transforms import Bbox


class StaticLayer(Artist):
    """Draws the artists that never change (axes, ticks, titles, labels) from a cached
    picture, so a redraw renders only what moved.

    The frozen artists are marked ``animated``, which makes matplotlib skip them in a
    normal draw; this layer, drawn first, pastes their picture (rendered again when the
    canvas size or dpi changes, e.g. on a high-dpi screen). ``savefig`` draws everything
    itself (matplotlib includes animated artists when saving), so the layer steps aside.
    """

    max_cached = 8   # pictures kept: (canvas size, dpi) combinations
    is_static_layer = True

    def __init__(self, artists):
        super().__init__()
        self.artists = list(artists)
        self.set_zorder(-1e9)
        self.generation = 0   # counts invalidations: the page's picture is then old
        self._cache = {}      # (width, height, dpi) -> picture
        self._png = {}        # dpr -> PNG for the page
        for a in self.artists:
            a.set_animated(True)

    def invalidate(self):
        """Render the frozen artists again at the next draw (after changing one of them)."""
        self._cache.clear()
        self._png.clear()
        self.generation += 1

    def picture(self, dpr=1.0):
        """PNG bytes of the figure's background and frozen artists at ``dpr`` times the
        figure's pixels (a page's device pixel ratio), rendered once per ratio."""
        from .artists import settle_axes
        from .orders import figure_pixels
        from .pictures import png_rgba

        key = float(dpr)
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
        key = (int(renderer.width), int(renderer.height), float(renderer.dpi))
        if key not in self._cache:
            if len(self._cache) >= self.max_cached:
                self._cache.clear()
            self._cache[key] = self._render(*key)
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
