"""im2col explorer (notebook 12, C47): which input pixels make one row of the patch matrix.

A 2-D convolution of an image of ``height x width`` pixels (``channels`` channels) with a
``kh x kw`` kernel, stride ``s`` and ``padding`` zeros on every side takes its windows at
``h_out = (height + 2*padding - kh) // s + 1`` by ``w_out`` positions. ``im2col`` turns
each window into one row of the patch matrix, of shape
``(h_out*w_out, channels*kh*kw)`` for one image (rows ordered by window position, row by
row; columns by channel, then kernel row, then kernel column, as
:func:`helpers.conv2d.im2col`). The explorer draws the padded input grid with the
window of the selected row highlighted, and that row of the patch matrix with the pixel
each of its entries comes from.

For the browser-test author
---------------------------
CSS classes:

- ``course-explorer`` and ``im2col-explorer``: the top-level VBox.
- IntSliders, each with the description in brackets: ``im2col-explorer-height``
  (``height``, 1..8, default 5), ``im2col-explorer-width`` (``width``, 1..8, default 6),
  ``im2col-explorer-kh`` (``kh``, 1..4, default 3), ``im2col-explorer-kw`` (``kw``, 1..4,
  default 2), ``im2col-explorer-stride`` (``stride``, 1..3, default 1),
  ``im2col-explorer-padding`` (``padding``, 0..2, default 1), ``im2col-explorer-channels``
  (``channels``, 1..3, default 1) and ``im2col-explorer-patch`` (``patch row``, 0..rows-1,
  default 0; its maximum follows the patch matrix's number of rows).
- ``im2col-explorer-summary``: HTML with the facts as plain text, one per line, e.g. for
  the defaults::

      padded input: (5 + 2*1) x (6 + 2*1) = 7 x 8
      output: h_out = (5 + 2*1 - 3) // 1 + 1 = 5, w_out = (6 + 2*1 - 2) // 1 + 1 = 7
      patch matrix: (h_out*w_out, channels*kh*kw) = (35, 6)
      patch row 0 is window (i, j) = (0, 0): padded rows 0..2, columns 0..1
      it reads 2 input pixels and 4 padding zeros per channel

  and, when a stride leaves the bottom or right edge unread, a last line
  ``no window reaches the last 1 padded row(s) and 0 column(s): they are left out``.

- ``im2col-explorer-grid``: HTML holding one ``<svg class="im2col-grid">`` of the padded
  input: input pixels are ``<rect class="ix-pixel">`` labelled ``r,c`` (unpadded
  coordinates), padding cells ``<rect class="ix-pad">`` labelled ``0``; the cells of the
  selected window are drawn instead as ``<rect class="ix-window">`` (an input pixel) or
  ``<rect class="ix-window-pad">`` (a padding zero).
- ``im2col-explorer-row``: HTML holding one ``<svg class="im2col-row">``: the selected
  row of the patch matrix for channel 0, ``kh*kw`` cells ``<rect class="ix-entry">`` each
  labelled with the pixel it copies, ``x[r,c]``, or ``0`` for padding.
- ``course-widget-error``: the error area, shown with the message when the settings are
  impossible, e.g. a kernel larger than the padded input.
- ``course-reset`` (``Reset``) and one ``course-preset`` Button per entry of
  :data:`PRESETS`, in the lecturer's row; each slider is also an attribute named as its
  setting (``explorer.stride``), which the presets set.

Text is at least 14 px (at least 16 px in the large size, the drawings grown with it);
colours are Okabe-Ito (orange window, sky-blue pixels, grey padding), and every state is
also told by the label and the hatching, not colour alone.
"""

from __future__ import annotations

import ipywidgets as widgets

from helpers._checks import int_in_range
from helpers.conv2d import output_size
from helpers.plots import OKABE_ITO
from helpers.widgets.base import Explorer

#: Slider ranges: (minimum, maximum, default) of each setting.
RANGES = {
    "height": (1, 8, 5),
    "width": (1, 8, 6),
    "kh": (1, 4, 3),
    "kw": (1, 4, 2),
    "stride": (1, 3, 1),
    "padding": (0, 2, 1),
    "channels": (1, 3, 1),
}

_CELL = 44  # pixels per grid cell: room for a 14 px label "7,7"
_ENTRY = 64  # pixels per patch-row cell: room for "x[7,7]"
_FONT = 14

_SAME = {"height": 5, "width": 6, "kh": 3, "kw": 2, "stride": 1, "padding": 1, "channels": 1,
         "patch": 0}
#: The "Things to try" of notebook 12 as preset buttons: (label, controls, what to notice).
PRESETS = (
    ("stride 2", {**_SAME, "stride": 2},
     "Stride 2: the windows jump 2 pixels, so only 12 of them fit; move patch row to watch "
     "them jump."),
    ("3 channels", {**_SAME, "channels": 3},
     "With 3 channels each row holds 3 x 3 x 2 = 18 entries: the same 6 positions, read in "
     "each channel."),
    ("no padding", {**_SAME, "padding": 0},
     "Without padding every window stays inside the image: 15 rows, none reading a zero."),
    ("kernel = image", {**_SAME, "height": 4, "width": 4, "kh": 4, "kw": 4, "padding": 0},
     "A 4 x 4 kernel fits a 4 x 4 image once: the patch matrix is one row of 16 entries."),
)


def geometry(height, width, kh, kw, stride=1, padding=0, channels=1):
    """The sizes of the convolution: a dict with ``h_out``, ``w_out``, ``rows`` and ``cols``
    of the patch matrix of one image. Raises ValueError (from
    :func:`helpers.conv2d.output_size`) when the kernel does not fit the padded input."""
    h_out = output_size(height, kh, stride, padding)
    w_out = output_size(width, kw, stride, padding)
    return {"h_out": h_out, "w_out": w_out, "rows": h_out * w_out,
            "cols": channels * kh * kw}


def window(patch, height, width, kh, kw, stride=1, padding=0):
    """The window of patch row ``patch``: a list of ``kh*kw`` padded-grid positions
    ``(row, col)``, in the order of the patch matrix's columns for one channel."""
    g = geometry(height, width, kh, kw, stride, padding)
    patch = int_in_range("window", "patch", patch, 0, g["rows"] - 1)
    i, j = divmod(patch, g["w_out"])
    return [(i * stride + u, j * stride + v) for u in range(kh) for v in range(kw)]


def is_padding(r, c, height, width, padding):
    """Whether the padded-grid position ``(r, c)`` is a padding zero."""
    return not (padding <= r < padding + height and padding <= c < padding + width)


def entry_labels(patch, height, width, kh, kw, stride=1, padding=0):
    """What each entry of patch row ``patch`` copies (channel 0): ``"x[r,c]"`` (unpadded
    coordinates) or ``"0"`` for padding, in column order."""
    return ["0" if is_padding(r, c, height, width, padding) else f"x[{r - padding},{c - padding}]"
            for r, c in window(patch, height, width, kh, kw, stride, padding)]


def summary_lines(patch, height, width, kh, kw, stride=1, padding=0, channels=1):
    """The facts the explorer states, one per line."""
    g = geometry(height, width, kh, kw, stride, padding, channels)
    cells = window(patch, height, width, kh, kw, stride, padding)
    zeros = sum(is_padding(r, c, height, width, padding) for r, c in cells)
    i, j = divmod(patch, g["w_out"])
    return [
        f"padded input: ({height} + 2*{padding}) x ({width} + 2*{padding}) = "
        f"{height + 2 * padding} x {width + 2 * padding}",
        f"output: h_out = ({height} + 2*{padding} - {kh}) // {stride} + 1 = {g['h_out']}, "
        f"w_out = ({width} + 2*{padding} - {kw}) // {stride} + 1 = {g['w_out']}",
        f"patch matrix: (h_out*w_out, channels*kh*kw) = ({g['rows']}, {g['cols']})",
        f"patch row {patch} is window (i, j) = ({i}, {j}): padded rows "
        f"{i * stride}..{i * stride + kh - 1}, columns {j * stride}..{j * stride + kw - 1}",
        f"it reads {len(cells) - zeros} input pixels and {zeros} padding zeros per channel"
        + (f" (the same positions in each of the {channels} channels)" if channels > 1 else ""),
    ] + _unread_line(height, width, kh, kw, stride, padding, g)


def _unread_line(height, width, kh, kw, stride, padding, g):
    # With a stride, the last window may stop short of the padded grid's edge.
    rows = height + 2 * padding - ((g["h_out"] - 1) * stride + kh)
    cols = width + 2 * padding - ((g["w_out"] - 1) * stride + kw)
    if rows == cols == 0:
        return []
    return [f"no window reaches the last {rows} padded row(s) and {cols} column(s): "
            f"they are left out"]


def _text(x, y, label, ink, font=_FONT):
    return (f'<text x="{x:g}" y="{y:g}" font-size="{font}" font-family="monospace" '
            f'text-anchor="middle" fill="{ink}">{label}</text>')


def grid_svg(patch, height, width, kh, kw, stride=1, padding=0, font=_FONT):
    """Inline SVG of the padded input with the window of patch row ``patch`` highlighted;
    ``font`` is the labels' size in pixels (the cells grow with it)."""
    cell = round(_CELL * font / _FONT)
    inside = set(window(patch, height, width, kh, kw, stride, padding))
    rows, cols = height + 2 * padding, width + 2 * padding
    parts = [f'<svg class="im2col-grid" width="{cols * cell + 2}" height="{rows * cell + 2}" '
             f'xmlns="http://www.w3.org/2000/svg" role="img" '
             f'aria-label="padded input grid, window of patch row {patch} highlighted">',
             '<defs><pattern id="ix-hatch" width="6" height="6" patternUnits="userSpaceOnUse">'
             '<path d="M0,6 L6,0" stroke="#999999" stroke-width="1"/></pattern></defs>']
    for r in range(rows):
        for c in range(cols):
            x0, y0 = 1 + c * cell, 1 + r * cell
            pad = is_padding(r, c, height, width, padding)
            if (r, c) in inside:
                css = "ix-window-pad" if pad else "ix-window"
                fill, ink = OKABE_ITO["orange"], "#000000"
            else:
                css = "ix-pad" if pad else "ix-pixel"
                fill, ink = ("#E8E8E8", "#555555") if pad else (OKABE_ITO["sky_blue"], "#000000")
            stroke = ' stroke="#000000" stroke-width="2"' if (r, c) in inside else \
                ' stroke="#FFFFFF"'
            parts.append(f'<rect class="{css}" x="{x0}" y="{y0}" width="{cell}" '
                         f'height="{cell}" fill="{fill}"{stroke}/>')
            if pad:  # hatching tells padding apart without colour
                parts.append(f'<rect x="{x0}" y="{y0}" width="{cell}" height="{cell}" '
                             f'fill="url(#ix-hatch)" fill-opacity="0.6"/>')
            label = "0" if pad else f"{r - padding},{c - padding}"
            parts.append(_text(x0 + cell / 2, y0 + cell / 2 + 5 * font / _FONT, label, ink,
                               font))
    parts.append("</svg>")
    return "".join(parts)


def row_svg(patch, height, width, kh, kw, stride=1, padding=0, font=_FONT):
    """Inline SVG of patch row ``patch`` (channel 0): one labelled cell per entry;
    ``font`` is the labels' size in pixels (the cells grow with it)."""
    labels = entry_labels(patch, height, width, kh, kw, stride, padding)
    f = font / _FONT
    entry = round(_ENTRY * f)
    parts = [f'<svg class="im2col-row" width="{len(labels) * entry + 2}" '
             f'height="{round(f * (_ENTRY // 2 + 24))}" xmlns="http://www.w3.org/2000/svg" '
             f'role="img" aria-label="row {patch} of the patch matrix">']
    for k, label in enumerate(labels):
        x0 = 1 + k * entry
        fill = "#E8E8E8" if label == "0" else OKABE_ITO["orange"]
        parts.append(f'<rect class="ix-entry" x="{x0}" y="1" width="{entry}" '
                     f'height="{entry // 2}" fill="{fill}" stroke="#000000"/>')
        parts.append(_text(x0 + entry / 2, f * (_ENTRY // 4 + 6), label, "#000000", font))
        parts.append(_text(x0 + entry / 2, f * (_ENTRY // 2 + 19), f"col {k}", "#555555",
                           font))
    parts.append("</svg>")
    return "".join(parts)


class Im2colExplorer(Explorer):
    """Sliders for the image size, kernel size, stride, padding, channels and the patch row.

    ``Im2colExplorer(height=5, width=6, kh=3, kw=2, stride=1, padding=1, channels=1,
    patch=0)``: starting values within :data:`RANGES`. Display it as the last expression of
    a cell; :meth:`lines` gives the summary as text.
    """

    css_class = "im2col-explorer"
    presets = PRESETS

    def __init__(self, patch=0, **settings):
        super().__init__()
        unknown = set(settings) - set(RANGES)
        if unknown:
            raise TypeError(f"Im2colExplorer: unknown setting(s) {sorted(unknown)}; choose "
                            f"from {list(RANGES)}")
        self.sliders = {}
        for name, (low, high, default) in RANGES.items():
            value = int_in_range("Im2colExplorer", name, settings.get(name, default), low, high)
            slider = widgets.IntSlider(value=value, min=low, max=high, step=1, description=name)
            slider.add_class(f"im2col-explorer-{name}")
            self.sliders[name] = slider
            setattr(self, name, slider)  # the presets and Reset set controls by name
        rows = geometry(**self._settings())["rows"]
        patch = int_in_range("Im2colExplorer", "patch", patch, 0, rows - 1)
        self.patch = widgets.IntSlider(value=patch, min=0, max=rows - 1, step=1,
                                       description="patch row")
        self.patch.add_class("im2col-explorer-patch")
        self.summary = widgets.HTML()
        self.summary.add_class("im2col-explorer-summary")
        self.grid = widgets.HTML()
        self.grid.add_class("im2col-explorer-grid")
        self.row = widgets.HTML()
        self.row.add_class("im2col-explorer-row")
        self._busy = False
        heading = widgets.HTML("<b>im2col: each window of the padded input becomes one row of "
                               "the patch matrix</b>")
        s = self.sliders
        controls = [*s.values(), self.patch]
        self._finish(controls, [
            heading,
            widgets.HBox([s["height"], s["width"], s["channels"]]),
            widgets.HBox([s["kh"], s["kw"]]),
            widgets.HBox([s["stride"], s["padding"]]),
            self.patch, self.summary,
            widgets.HTML("<b>Padded input</b> (orange: the window of the selected row)"),
            self.grid,
            widgets.HTML("<b>That row of the patch matrix</b> (channel 0)"),
            self.row])

    def _settings(self) -> dict:
        return {name: slider.value for name, slider in self.sliders.items()}

    def refresh(self, change=None) -> None:
        # Moving the patch slider's maximum may move its value, which calls refresh again:
        # the outer call draws the final state once.
        if self._busy:
            return
        self._busy = True
        try:
            super().refresh(change)
        finally:
            self._busy = False

    def update(self) -> None:
        settings = self._settings()
        try:
            rows = geometry(**settings)["rows"]
        except ValueError:
            self.summary.value = self.grid.value = self.row.value = ""
            raise
        self.patch.max = rows - 1  # clamps the value when the matrix shrinks
        patch = self.patch.value
        del settings["channels"]  # the drawings show one channel: all share the positions
        self.summary.value = ('<div style="font-family:monospace;font-size:14px">'
                              + "<br>".join(self.lines()) + "</div>")
        font = self.px(_FONT)
        self.grid.value = grid_svg(patch, **settings, font=font)
        self.row.value = row_svg(patch, **settings, font=font)

    def lines(self) -> list[str]:
        """The summary for the current settings, one fact per line."""
        return summary_lines(self.patch.value, **self._settings())
