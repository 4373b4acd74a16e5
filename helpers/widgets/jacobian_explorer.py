"""Jacobian explorer (notebook 01, C04): the 3-tensor dy/dW of one example, slice by slice.

For one example in the column convention, ``y = W x + b`` with ``W`` of shape
``(d_out, d_in)``, the Jacobian of ``y`` with respect to ``W`` has shape
``(d_out, d_out, d_in)``. Slice ``i`` is ``dy_i/dW``, a ``(d_out, d_in)`` matrix
whose only non-zero row is row ``i``, equal to ``x``. The explorer draws every
slice as an inline SVG grid (non-zero cells labelled ``x[l]``, zero cells
``0``) and states the counts in words.

For the browser-test author
---------------------------
CSS classes:

- ``course-explorer`` and ``jacobian-explorer``: the top-level VBox.
- ``jacobian-explorer-d-in``: IntSlider, description ``d_in``, range 1..6
  (default 3): the input size, the number of columns of every slice.
- ``jacobian-explorer-d-out``: IntSlider, description ``d_out``, range 1..6
  (default 2): the output size, the number of slices and of rows per slice.
- ``jacobian-explorer-summary``: HTML with the facts as plain text, one per
  line, e.g. for d_in=3, d_out=2::

      W is (d_out, d_in) = (2, 3)
      dy/dW has shape (d_out, d_out, d_in) = (2, 2, 3): 12 numbers
      non-zero: 6 of 12
      each of the 2 slices dy_i/dW has shape (2, 3) and one non-zero row: row i, equal to x
      dy/dx = W has shape (2, 3); dy/db = I has shape (2, 2)

- ``jacobian-explorer-slices``: HTML holding one ``<svg>`` per slice (class
  ``jacobian-slice``), each with a ``<text>`` title whose text is
  ``slice i=0: dy_0/dW (2, 3)`` (drawn on two lines, two ``<tspan>``); the slices
  stand in one row, shrunk to the width when needed (in the large size, when a full-size
  row would be wider than a projector's screen, they are drawn compact instead, text kept
  at 16 px, non-zero cells labelled ``x0`` for ``x[0]`` and a note saying so); non-zero
  cells are ``<rect class="jx-nonzero">`` with a ``<text>`` ``x[l]``, zero cells
  ``<rect class="jx-zero">`` with a ``<text>`` ``0``.
- ``course-widget-error``: the error area (hidden unless an update failed).

Moving ``d_in`` changes the second and third numbers of every shape and the
non-zero count (``d_out * d_in`` of ``d_out * d_out * d_in``); moving ``d_out``
also changes the number of slices.
"""

from __future__ import annotations

import ipywidgets as widgets

from helpers._checks import int_in_range, positive_int
from helpers.plots import OKABE_ITO
from helpers.widgets.base import INK, MUTED, Explorer

#: Largest size a slider offers: 6 slices of 6 x 6 still fit on a screen.
MAX_SIZE = 6

_CELL = 34  # pixels per Jacobian entry at the normal size
_GAP = 14   # pixels between two slices
#: Colours: the non-zero cells are Okabe-Ito blue with white text (5.1:1); zero cells are
#: white with a dark grey outline and a dark grey "0" (7.0:1 on white).
ZERO_FILL, ZERO_INK = "#FFFFFF", MUTED


#: Widest row of slices (px) the large size draws at full size; wider ones go compact.
_LARGE_ROW = 1100


def slice_svg(i: int, d_out: int, d_in: int, font=None, compact: bool = False) -> str:
    """Inline SVG of slice ``i`` of dy/dW: a ``(d_out, d_in)`` grid, row ``i`` non-zero.

    ``font(px)`` maps a normal text size to the one drawn (the explorer's size control);
    cells grow with the text so that ``x[l]`` always fits. ``compact`` (the large size,
    when a full-size row of slices would not fit a projector's width) keeps every text at
    ``font``'s smallest large size but labels a non-zero cell ``x0`` for ``x[0]``, so that
    six 6x6 slices still fit one row."""
    font = font or (lambda px: px)
    title_px, cell_px = font(14), font(13)
    cell = max(_CELL, round(cell_px * 2.5))
    if compact:
        title_px = cell_px = font(0)  # the smallest size the large setting allows
        cell = round(cell_px * 1.65)
    head = 2 * title_px + 10      # two title lines above the grid
    first, second = f"slice i={i}: ", f"dy_{i}/dW ({d_out}, {d_in})"
    # About 0.6 em per character of monospace, so the title is never clipped.
    width = max(d_in * cell, round(0.62 * title_px * len(second))) + 2
    height = head + d_out * cell + 2
    parts = [f'<svg class="jacobian-slice" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" '
             f'xmlns="http://www.w3.org/2000/svg" role="img" '
             f'aria-label="slice i={i} of dy/dW">',
             f'<text x="1" y="{title_px}" font-size="{title_px}" font-family="monospace" '
             f'fill="{INK}"><tspan>{first}</tspan><tspan x="1" dy="{title_px + 3}">'
             f'{second}</tspan></text>']
    for row in range(d_out):
        for col in range(d_in):
            x0, y0 = 1 + col * cell, head + row * cell
            nonzero = row == i
            fill = OKABE_ITO["blue"] if nonzero else ZERO_FILL
            stroke = "#FFFFFF" if nonzero else ZERO_INK
            ink = "#FFFFFF" if nonzero else ZERO_INK
            label = (f"x{col}" if compact else f"x[{col}]") if nonzero else "0"
            css = "jx-nonzero" if nonzero else "jx-zero"
            parts.append(f'<rect class="{css}" x="{x0}" y="{y0}" width="{cell}" '
                         f'height="{cell}" fill="{fill}" stroke="{stroke}"/>')
            parts.append(f'<text x="{x0 + cell / 2}" y="{y0 + cell / 2 + cell_px / 3:.1f}" '
                         f'font-size="{cell_px}" font-family="monospace" text-anchor="middle" '
                         f'fill="{ink}">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)


def summary_lines(d_out: int, d_in: int) -> list[str]:
    """The facts the explorer states for a layer with these sizes, one per line."""
    total = d_out * d_out * d_in
    return [
        f"W is (d_out, d_in) = ({d_out}, {d_in})",
        f"dy/dW has shape (d_out, d_out, d_in) = ({d_out}, {d_out}, {d_in}): {total} numbers",
        f"non-zero: {d_out * d_in} of {total}",
        f"each of the {d_out} slices dy_i/dW has shape ({d_out}, {d_in}) and one non-zero "
        f"row: row i, equal to x",
        f"dy/dx = W has shape ({d_out}, {d_in}); dy/db = I has shape ({d_out}, {d_out})",
    ]


class JacobianExplorer(Explorer):
    """Sliders for ``d_in`` and ``d_out``; shows every slice of dy/dW and counts its non-zeros.

    ``JacobianExplorer(d_in=3, d_out=2)``: starting sizes, whole numbers in
    ``1..max_size`` (default 6). Display it as the last expression of a cell.
    """

    css_class = "jacobian-explorer"

    #: The notebook's questions, one button each (numbers checked in the tests).
    presets = (
        ("d_in + 1", dict(d_in=4, d_out=2),
         "8 non-zero entries, 2 more than at d_in = 3: one more input adds d_out of them, "
         "one per slice."),
        ("d_out + 1", dict(d_in=3, d_out=3),
         "9 non-zero entries, 3 more than at d_out = 2 (d_in of them), and a third slice."),
        ("d_out = 6", dict(d_in=3, d_out=6),
         "18 of 108 entries are non-zero: a fraction 1/d_out = 1/6."),
        ("one row each", dict(d_in=4, d_out=4),
         "Slice i has one non-zero row, row i: output y_i depends only on row i of W."),
    )

    def __init__(self, d_in=3, d_out=2, max_size=MAX_SIZE):
        super().__init__()
        max_size = positive_int("JacobianExplorer", "max_size", max_size)
        d_in = int_in_range("JacobianExplorer", "d_in", d_in, 1, max_size)
        d_out = int_in_range("JacobianExplorer", "d_out", d_out, 1, max_size)
        self.d_in = widgets.IntSlider(value=d_in, min=1, max=max_size, step=1,
                                      description="d_in")
        self.d_in.add_class("jacobian-explorer-d-in")
        self.d_out = widgets.IntSlider(value=d_out, min=1, max=max_size, step=1,
                                       description="d_out")
        self.d_out.add_class("jacobian-explorer-d-out")
        self.summary = widgets.HTML()
        self.summary.add_class("jacobian-explorer-summary")
        self.slices = widgets.HTML()
        self.slices.add_class("jacobian-explorer-slices")
        heading = widgets.HTML("<b>The Jacobian dy/dW of y = W x + b, one slice per output "
                               "y_i</b>")
        self._finish([self.d_in, self.d_out],
                     [heading, widgets.HBox([self.d_in, self.d_out]), self.summary,
                      self.slices])
        # The base adds only ``css_class``; the shared class must be there as well.
        if Explorer.css_class not in self.widget._dom_classes:
            self.widget.add_class(Explorer.css_class)

    def _row_width(self, d_out: int, d_in: int) -> int:
        """Width in px of one full-size row of the ``d_out`` slices at this size."""
        svg = slice_svg(0, d_out, d_in, self.px)
        return d_out * int(svg.split('width="', 1)[1].split('"', 1)[0]) + (d_out - 1) * _GAP

    def update(self) -> None:
        d_in, d_out = self.d_in.value, self.d_out.value
        self.summary.value = ('<div style="font-family:monospace">'
                              + "<br>".join(summary_lines(d_out, d_in)) + "</div>")
        # Every slice on one row. Normal size: shrunk to the width when needed. Large: at
        # full size when the row fits a projector, else compact (text kept at 16 px).
        compact = self.size == "large" and self._row_width(d_out, d_in) > _LARGE_ROW
        gap = _GAP // 2 if compact else _GAP
        note = ('<div style="font-family:monospace">compact labels: x0 stands for x[0], '
                'x1 for x[1], …</div>' if compact else "")
        self.slices.value = (note + f'<div style="display:flex;flex-wrap:nowrap;gap:{gap}px;'
                             f'align-items:flex-start">'
                             + "".join(slice_svg(i, d_out, d_in, self.px, compact)
                                       .replace("<svg ", '<svg style="flex:0 1 auto;'
                                                'min-width:0;height:auto" ', 1)
                                       for i in range(d_out))
                             + "</div>")
