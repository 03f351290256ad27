"""Pictures with alternative text: ``show(fig, alt)`` in a notebook, ``picture_bundle`` for
explorers' still pictures.

    show(fig, alt)                 display a matplotlib figure as a PNG that carries ``alt``
    check_if_asked(fig, alt)       measure ``fig`` first, when RNNLAB_CHECK_FIGURES=1
    picture_bundle(png, alt)       -> (data, metadata): the display bundle behind ``show``
    figure_png(fig)                -> PNG bytes of ``fig`` as the inline backend draws it

Why a bundle of two: ``nbconvert --to html`` (and so nbviewer) and JupyterLab draw an
``image/png`` output as an ``<img>`` without ``alt`` (they ignore ``alt`` in its metadata),
so the bundle also holds a ``text/html`` ``<img alt="...">`` of the same picture, which
they prefer; renderers that only take the PNG still find it, with ``alt`` in its metadata
(IPython's ``Image(alt=...)`` convention). The PNG is stored with a palette of 256
colours, so the two copies together take less room than one full-colour PNG.
``text/plain`` is the alt text itself. nbval skips ``image/png`` and compares the
``text/html`` with the picture's bytes masked (``tests/nbval_sanitize.cfg``), so it
checks the alt text, which must therefore hold on every machine.

With the environment variable ``RNNLAB_CHECK_FIGURES=1`` (the test suite sets it, and
the kernels that nbval starts inherit it), ``show`` first measures the figure
(``rnnlab.figure_checks``: no legend or text over data, no text cut off, data inside its
axes or marked off the scale) and raises ``FigureProblems`` naming what is wrong, so a
notebook figure that cannot be read fails its test.
"""
import base64
import html
import io
import os

CHECK_VARIABLE = "RNNLAB_CHECK_FIGURES"


def quantized_png(png):
    """The PNG ``png`` (bytes) again, with a palette of 256 colours: about a quarter of the
    bytes, and no visible difference on flat-coloured plots."""
    from PIL import Image

    picture = Image.open(io.BytesIO(png))
    if picture.mode == "P":
        return png
    picture = picture.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    picture.save(out, format="png", optimize=True)
    return out.getvalue()


def figure_png(fig):
    """``fig`` as PNG bytes, cropped as ``%matplotlib inline`` crops (``bbox_inches="tight"``),
    at the figure's dpi, with a 256-colour palette."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", dpi=fig.dpi,
                facecolor=fig.get_facecolor())
    return quantized_png(buf.getvalue())


def picture_bundle(png, alt):
    """(data, metadata) that display the PNG bytes ``png`` with the alternative text ``alt``
    (one or two plain sentences saying what the picture shows)."""
    alt = " ".join(str(alt).split())
    if not alt:
        raise ValueError("alt must say what the picture shows, got an empty text")
    b64 = base64.b64encode(png).decode("ascii")
    tag = (f'<img src="data:image/png;base64,{b64}" alt="{html.escape(alt, quote=True)}" '
           f'style="max-width: 100%"/>')
    return ({"image/png": b64, "text/html": tag, "text/plain": alt},
            {"image/png": {"alt": alt}})


def check_if_asked(fig, alt):
    """With ``RNNLAB_CHECK_FIGURES=1``, raise ``rnnlab.figure_checks.FigureProblems`` if
    ``fig`` (about to be shown with the alternative text ``alt``) cannot be read as drawn."""
    if os.environ.get(CHECK_VARIABLE) == "1":
        from .figure_checks import check_figure

        words = " ".join(str(alt).split())
        check_figure(fig, f"The figure {words[:60] + ('...' if len(words) > 60 else '')!r}")


def show(fig, alt):
    """Display ``fig`` (a matplotlib figure) with alternative text ``alt``, and close it, so
    ``%matplotlib inline`` does not show it a second time without the text."""
    from IPython.display import display

    check_if_asked(fig, alt)
    data, metadata = picture_bundle(figure_png(fig), alt)
    display(data, metadata=metadata, raw=True)
    import matplotlib.pyplot as plt

    plt.close(fig)
