"""Step-size explorer (notebook 05, C21): how the step h of a finite difference sets its error.

A finite difference estimates f'(x) from two values of f. A large step h
leaves a truncation error (of order h for forward differences, h**2 for
central ones); a small step makes f(x + h) and f(x) agree in most of their
digits, so their difference is mostly round-off, which grows like eps / h.
The explorer computes the numerical derivative for the chosen step, scheme,
dtype and function, compares it with the true derivative, and draws the
relative error against h for every step the slider offers, with a marker at
the current one.

For the browser-test author
---------------------------
CSS classes:

- ``course-explorer`` and ``step-size-explorer``: the top-level VBox.
- ``step-size-log-h``: IntSlider, description ``log10(h)``, range -14..-1,
  step 1 (default -5): the step is ``h = 10**value``.
- ``step-size-scheme``: Dropdown, description ``scheme``, options
  ``central`` (default) and ``forward``.
- ``step-size-dtype``: Dropdown, description ``dtype``, options ``float64``
  (default) and ``float32``.
- ``step-size-function``: Dropdown, description ``function``, options
  ``x^3 at x = 1.5`` (default), ``sin(x) at x = 1`` and ``exp(x) at x = 0.5``.
- ``step-size-readout``: HTML with the facts as plain text, one per line, e.g.
  for the defaults::

      h = 1e-05 (log10 h = -5), central differences in float64
      numerical derivative: 6.75000000014414
      true derivative: 6.75
      relative error: 2.1e-11
      best step on this curve: h = 1e-05 (relative error 2.1e-11)
      this is the best step on this curve

  The numerical derivative shows the digits the dtype carries (16 significant
  for float64, 8 for float32); the relative error has two significant digits,
  or reads ``0 (exact to the last bit)``.

  The last line says ``truncation error dominates`` when h is larger than the
  best step, ``round-off error dominates`` when it is smaller, and adds
  ``x + h rounds to x`` when the step is lost entirely (float32 with a tiny h).
- ``step-size-plot``: HTML holding one ``<svg class="step-size-svg">``: the
  error curve of the chosen scheme (``<polyline class="step-size-curve">``),
  the other scheme dashed (``<polyline class="step-size-other">``), a marker
  ``<circle class="step-size-marker">`` at the current h, labelled by a
  ``<text class="step-size-marker-label">`` such as ``h = 1e-05: 2.1e-11``,
  and axis labels ``step size h`` and ``relative error``, plus a legend
  ``central (solid)`` / ``forward (dashed)`` (the other way round when the
  scheme is ``forward``).
- ``course-widget-error``: the error area (hidden unless an update failed).

Moving the slider changes the first line, the numerical derivative, the
relative error, the last line and the marker (position and label). Changing
the scheme or the dtype changes the whole curve and the best step (central
float64: 1e-05; forward float64: 1e-08; central float32: 1e-02 for x^3 and
sin, 1e-03 for exp). With float32 and log10(h) <= -8, the last line reads
``x + h rounds to x in float32: ...`` and the numerical derivative is ``0``.
Changing the function changes the true derivative as well.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from helpers._checks import int_in_range
from helpers.plots import OKABE_ITO
from helpers.widgets.base import Explorer

#: Slider range for log10(h).
LOG_H_MIN, LOG_H_MAX = -14, -1

#: Label -> (f, x, f'(x)). Every f takes and returns a numpy scalar of one dtype.
FUNCTIONS = {
    "x^3 at x = 1.5": (lambda x: x * x * x, 1.5, 6.75),
    "sin(x) at x = 1": (np.sin, 1.0, math.cos(1.0)),
    "exp(x) at x = 0.5": (np.exp, 0.5, math.exp(0.5)),
}
SCHEMES = ("central", "forward")
DTYPES = ("float64", "float32")

#: Relative errors below this are drawn at this height (a log axis has no zero).
PLOT_FLOOR = 1e-17

# Plot geometry in pixels: the axes box and the decades shown on the error axis.
_W, _H = 460, 280
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 16, 14, 44
_Y_MIN, _Y_MAX = -17, 1


def step(log10_h: int) -> float:
    """The step ``10**log10_h``, parsed from its decimal form so it is the nearest float."""
    return float(f"1e{int(log10_h)}")


def difference(f, x: float, h: float, scheme: str, dtype: str):
    """Forward or central difference of ``f`` at ``x`` with step ``h``, computed in ``dtype``.

    Returns ``(value, step_lost)``: the difference quotient as a numpy scalar of
    ``dtype``, and whether ``x + h`` rounds back to ``x`` in that dtype.
    """
    t = np.dtype(dtype).type
    x, h = t(x), t(h)
    if scheme == "central":
        value = (f(x + h) - f(x - h)) / (t(2) * h)
    elif scheme == "forward":
        value = (f(x + h) - f(x)) / h
    else:
        raise ValueError(f"StepSizeExplorer: scheme must be one of {SCHEMES}, got {scheme!r}")
    return value, bool(x + h == x)


def relative_error(value, true: float) -> float:
    """``|value - true| / |true|`` in float64 (``true`` is never zero here)."""
    return abs(float(value) - true) / abs(true)


def fmt_error(err: float) -> str:
    return "0 (exact to the last bit)" if err == 0 else f"{err:.1e}"


def fmt_value(value, dtype: str) -> str:
    # As many significant digits as the dtype carries, so the wrong ones are visible.
    digits = 16 if dtype == "float64" else 8
    return f"{float(value):.{digits}g}"


def fmt_h(log10_h: int) -> str:
    return f"{step(log10_h):.0e}"


class StepSizeExplorer(Explorer):
    """A slider for log10(h) and dropdowns for scheme, dtype and function (C21).

    ``StepSizeExplorer(log10_h=-5, scheme="central", dtype="float64",
    function="x^3 at x = 1.5")``: the starting settings (see :data:`FUNCTIONS`,
    :data:`SCHEMES`, :data:`DTYPES`; ``log10_h`` a whole number in -14..-1).
    Display it as the last expression of a cell.
    """

    css_class = "step-size-explorer"

    def __init__(self, log10_h=-5, scheme="central", dtype="float64",
                 function="x^3 at x = 1.5"):
        super().__init__()
        log10_h = int_in_range("StepSizeExplorer", "log10_h", log10_h, LOG_H_MIN, LOG_H_MAX)
        for name, value, options in (("scheme", scheme, SCHEMES), ("dtype", dtype, DTYPES),
                                     ("function", function, tuple(FUNCTIONS))):
            if value not in options:
                raise ValueError(f"StepSizeExplorer: {name} must be one of {options}, "
                                 f"got {value!r}")
        self.log_h = widgets.IntSlider(value=int(log10_h), min=LOG_H_MIN, max=LOG_H_MAX,
                                       step=1, description="log10(h)")
        self.log_h.add_class("step-size-log-h")
        self.scheme = widgets.Dropdown(options=list(SCHEMES), value=scheme,
                                       description="scheme")
        self.scheme.add_class("step-size-scheme")
        self.dtype = widgets.Dropdown(options=list(DTYPES), value=dtype, description="dtype")
        self.dtype.add_class("step-size-dtype")
        self.function = widgets.Dropdown(options=list(FUNCTIONS), value=function,
                                         description="function")
        self.function.add_class("step-size-function")
        self.readout = widgets.HTML()
        self.readout.add_class("step-size-readout")
        self.plot = widgets.HTML()
        self.plot.add_class("step-size-plot")
        heading = widgets.HTML("<b>Finite-difference error against the step size h</b>")
        self._finish([self.log_h, self.scheme, self.dtype, self.function],
                     [heading, widgets.HBox([self.log_h, self.scheme]),
                      widgets.HBox([self.dtype, self.function]), self.readout, self.plot])
        # The base adds only ``css_class``; the shared class must be there as well.
        if Explorer.css_class not in self.widget._dom_classes:
            self.widget.add_class(Explorer.css_class)

    def curve(self, scheme: str) -> dict:
        """``{log10_h: relative error}`` over the slider's range for ``scheme``."""
        f, x, true = FUNCTIONS[self.function.value]
        return {k: relative_error(difference(f, x, step(k), scheme, self.dtype.value)[0], true)
                for k in range(LOG_H_MIN, LOG_H_MAX + 1)}

    def update(self) -> None:
        k, scheme, dtype = self.log_h.value, self.scheme.value, self.dtype.value
        f, x, true = FUNCTIONS[self.function.value]
        value, step_lost = difference(f, x, step(k), scheme, dtype)
        err = relative_error(value, true)
        curve = self.curve(scheme)
        best = min(curve, key=lambda j: (curve[j], -j))  # ties: the larger step
        if step_lost:
            regime = (f"x + h rounds to x in {dtype}: the step is lost, so the numerical "
                      f"derivative is 0")
        elif k > best:
            regime = "h is larger than the best step: truncation error dominates"
        elif k < best:
            regime = "h is smaller than the best step: round-off error dominates"
        else:
            regime = "this is the best step on this curve"
        lines = [
            f"h = {fmt_h(k)} (log10 h = {k}), {scheme} differences in {dtype}",
            f"numerical derivative: {fmt_value(value, dtype)}",
            f"true derivative: {true:.16g}",
            f"relative error: {fmt_error(err)}",
            f"best step on this curve: h = {fmt_h(best)} (relative error "
            f"{fmt_error(curve[best])})",
            regime,
        ]
        self.readout.value = ('<div style="font-family:monospace">'
                              + "<br>".join(lines) + "</div>")
        other = SCHEMES[1 - SCHEMES.index(scheme)]
        self.plot.value = self._svg(curve, self.curve(other), k, scheme, other)

    @staticmethod
    def _xy(k: float, err: float) -> tuple[float, float]:
        width, height = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
        u = (k - LOG_H_MIN) / (LOG_H_MAX - LOG_H_MIN)
        e = min(max(math.log10(max(err, PLOT_FLOOR)), _Y_MIN), _Y_MAX)
        v = (e - _Y_MIN) / (_Y_MAX - _Y_MIN)
        return round(_LEFT + u * width, 1), round(_TOP + (1 - v) * height, 1)

    def _svg(self, curve: dict, other_curve: dict, k: int, scheme: str, other: str) -> str:
        blue, orange, grey = OKABE_ITO["blue"], OKABE_ITO["orange"], "#888888"
        bottom, right = _H - _BOTTOM, _W - _RIGHT
        parts = [f'<svg class="step-size-svg" width="{_W}" height="{_H}" '
                 f'xmlns="http://www.w3.org/2000/svg" role="img" font-family="sans-serif" '
                 f'aria-label="relative error against step size h, log-log">',
                 f'<rect x="{_LEFT}" y="{_TOP}" width="{right - _LEFT}" '
                 f'height="{bottom - _TOP}" fill="none" stroke="{grey}"/>']
        for j in range(LOG_H_MIN, LOG_H_MAX + 1, 2):
            px, _ = self._xy(j, 1.0)
            parts.append(f'<line x1="{px}" y1="{bottom}" x2="{px}" y2="{bottom + 4}" '
                         f'stroke="{grey}"/><text x="{px}" y="{bottom + 16}" font-size="10" '
                         f'text-anchor="middle">{fmt_h(j)}</text>')
        for e in range(_Y_MIN + 1, _Y_MAX + 1, 4):
            _, py = self._xy(LOG_H_MIN, 10.0 ** e)
            parts.append(f'<line x1="{_LEFT - 4}" y1="{py}" x2="{_LEFT}" y2="{py}" '
                         f'stroke="{grey}"/><text x="{_LEFT - 6}" y="{py + 3}" font-size="10" '
                         f'text-anchor="end">1e{e:+03d}</text>')
        parts.append(f'<text x="{(_LEFT + right) / 2}" y="{_H - 6}" font-size="12" '
                     f'text-anchor="middle">step size h</text>')
        parts.append(f'<text x="12" y="{(_TOP + bottom) / 2}" font-size="12" '
                     f'text-anchor="middle" transform="rotate(-90 12 {(_TOP + bottom) / 2})">'
                     f'relative error</text>')
        for css, data, colour, dash in (("step-size-other", other_curve, grey, "5 4"),
                                        ("step-size-curve", curve, blue, "none")):
            points = " ".join(f"{px},{py}" for px, py in
                              (self._xy(j, e) for j, e in sorted(data.items())))
            parts.append(f'<polyline class="{css}" points="{points}" fill="none" '
                         f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>')
        parts.append(f'<text x="{right - 4}" y="{_TOP + 14}" font-size="11" text-anchor="end" '
                     f'fill="{blue}">{scheme} (solid)</text>')
        parts.append(f'<text x="{right - 4}" y="{_TOP + 28}" font-size="11" text-anchor="end" '
                     f'fill="{grey}">{other} (dashed)</text>')
        px, py = self._xy(k, curve[k])
        anchor = "start" if k < (LOG_H_MIN + LOG_H_MAX) / 2 else "end"
        dx = 9 if anchor == "start" else -9
        parts.append(f'<circle class="step-size-marker" cx="{px}" cy="{py}" r="6" '
                     f'fill="{orange}" stroke="#000000"/>')
        parts.append(f'<text class="step-size-marker-label" x="{px + dx}" y="{py - 8}" '
                     f'font-size="12" text-anchor="{anchor}">h = {fmt_h(k)}: '
                     f'{fmt_error(curve[k])}</text>')
        parts.append("</svg>")
        return "".join(parts)
