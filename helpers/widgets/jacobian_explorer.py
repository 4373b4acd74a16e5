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
  ``jacobian-slice``), each with a ``<text>`` title ``slice i=0: dy_0/dW (2, 3)``;
  non-zero cells are ``<rect class="jx-nonzero">`` with a ``<text>`` ``x[l]``,
  zero cells ``<rect class="jx-zero">`` with a ``<text>`` ``0``.
- ``course-widget-error``: the error area (hidden unless an update failed).

Moving ``d_in`` changes the second and third numbers of every shape and the
non-zero count (``d_out * d_in`` of ``d_out * d_out * d_in``); moving ``d_out``
also changes the number of slices.
"""

from __future__ import annotations

import ipywidgets as widgets

from helpers._checks import int_in_range, positive_int
from helpers.plots import OKABE_ITO
from helpers.widgets.base import Explorer

#: Largest size a slider offers: 6 slices of 6 x 6 still fit on a screen.
MAX_SIZE = 6

_CELL = 34  # pixels per Jacobian entry
_TITLE = 22  # pixels above the grid for the slice's title


def slice_svg(i: int, d_out: int, d_in: int) -> str:
    """Inline SVG of slice ``i`` of dy/dW: a ``(d_out, d_in)`` grid, row ``i`` non-zero."""
    title = f"slice i={i}: dy_{i}/dW ({d_out}, {d_in})"
    # About 8 px per character of 13 px monospace, so the title is never clipped.
    width = max(d_in * _CELL, 8 * len(title)) + 2
    height = _TITLE + d_out * _CELL + 2
    parts = [f'<svg class="jacobian-slice" width="{width}" height="{height}" '
             f'xmlns="http://www.w3.org/2000/svg" role="img" '
             f'aria-label="slice i={i} of dy/dW">',
             f'<text x="1" y="15" font-size="13" font-family="monospace">{title}</text>']
    for row in range(d_out):
        for col in range(d_in):
            x0, y0 = 1 + col * _CELL, _TITLE + row * _CELL
            nonzero = row == i
            fill = OKABE_ITO["blue"] if nonzero else "#EEEEEE"
            ink = "#FFFFFF" if nonzero else "#777777"
            label = f"x[{col}]" if nonzero else "0"
            css = "jx-nonzero" if nonzero else "jx-zero"
            parts.append(f'<rect class="{css}" x="{x0}" y="{y0}" width="{_CELL}" '
                         f'height="{_CELL}" fill="{fill}" stroke="#FFFFFF"/>')
            parts.append(f'<text x="{x0 + _CELL / 2}" y="{y0 + _CELL / 2 + 4}" '
                         f'font-size="11" font-family="monospace" text-anchor="middle" '
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

    def update(self) -> None:
        d_in, d_out = self.d_in.value, self.d_out.value
        self.summary.value = ('<div style="font-family:monospace">'
                              + "<br>".join(summary_lines(d_out, d_in)) + "</div>")
        self.slices.value = ('<div style="display:flex;flex-wrap:wrap;gap:14px">'
                             + "".join(slice_svg(i, d_out, d_in) for i in range(d_out))
                             + "</div>")
