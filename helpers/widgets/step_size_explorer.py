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
from helpers.widgets.base import INK, MUTED, Explorer

#: The current step's marker: a dark orange (4.8:1 on white), outlined in black.
MARKER = "#B35900"

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

# Plot size in pixels at the normal text size, and the decades shown on the error axis.
_W, _H = 520, 300
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

    #: The notebook's "Things to try", one button each (numbers checked in the tests).
    presets = (
        ("1. central, float64",
         dict(log_h=-5, scheme="central", dtype="float64", function="x^3 at x = 1.5"),
         "Down to the best step, 1e-05, the error falls about a hundredfold per step "
         "(slope 2); below it, round-off makes the error climb again."),
        ("2. forward",
         dict(log_h=-8, scheme="forward", dtype="float64", function="x^3 at x = 1.5"),
         "Forward differences gain only tenfold per step (slope 1), and the best step moves "
         "to 1e-08."),
        ("3. float32",
         dict(log_h=-2, scheme="central", dtype="float32", function="x^3 at x = 1.5"),
         "In float32 the best step is 1e-02; from 1e-08 down x + h rounds to x, so the "
         "estimate is 0."),
        ("4a. sin(x)",
         dict(log_h=-5, scheme="central", dtype="float64", function="sin(x) at x = 1"),
         "The same V shape for sin: best step 1e-05 again, with other constants."),
        ("4b. exp(x)",
         dict(log_h=-5, scheme="central", dtype="float64", function="exp(x) at x = 0.5"),
         "And for exp: best step 1e-05, relative error 1.2e-11."),
    )

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
        self.readout.layout = widgets.Layout(flex="1 1 24em", min_width="18em")
        self.plot.layout = widgets.Layout(flex="0 1 auto")
        self._finish([self.log_h, self.scheme, self.dtype, self.function],
                     [heading,
                      widgets.HBox([self.log_h, self.scheme, self.dtype, self.function]),
                      # The plot beside its readout where the width allows.
                      widgets.HBox([self.readout, self.plot])])
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

    def _geometry(self) -> dict:
        """Plot size and margins in pixels, grown with the text so no label leaves the frame."""
        tick, label = self.px(12), self.px(14)
        # The plot keeps its size (so it still fits beside the readout); the margins grow.
        return {"tick": tick, "label": label, "W": _W, "H": _H,
                "left": round(tick * 0.62 * 6) + 2 * label, "right": 16,
                "top": 2 * label + 12, "bottom": tick + label + 22}

    @staticmethod
    def _xy(k: float, err: float, g: dict) -> tuple[float, float]:
        width = g["W"] - g["left"] - g["right"]
        height = g["H"] - g["top"] - g["bottom"]
        u = (k - LOG_H_MIN) / (LOG_H_MAX - LOG_H_MIN)
        e = min(max(math.log10(max(err, PLOT_FLOOR)), _Y_MIN), _Y_MAX)
        v = (e - _Y_MIN) / (_Y_MAX - _Y_MIN)
        return round(g["left"] + u * width, 1), round(g["top"] + (1 - v) * height, 1)

    def _svg(self, curve: dict, other_curve: dict, k: int, scheme: str, other: str) -> str:
        g = self._geometry()
        tick, label, W, H = g["tick"], g["label"], g["W"], g["H"]
        left, top = g["left"], g["top"]
        blue, grey = OKABE_ITO["blue"], MUTED
        bottom, right = H - g["bottom"], W - g["right"]
        parts = [f'<svg class="step-size-svg" width="{W}" height="{H}" '
                 f'viewBox="0 0 {W} {H}" '
                 f'xmlns="http://www.w3.org/2000/svg" role="img" font-family="sans-serif" '
                 f'aria-label="relative error against step size h, log-log">',
                 f'<rect x="{left}" y="{top}" width="{right - left}" '
                 f'height="{bottom - top}" fill="none" stroke="{grey}"/>']
        for j in range(LOG_H_MIN, LOG_H_MAX + 1, 2):
            px, _ = self._xy(j, 1.0, g)
            parts.append(f'<line x1="{px}" y1="{bottom}" x2="{px}" y2="{bottom + 4}" '
                         f'stroke="{grey}"/><text x="{px}" y="{bottom + 6 + tick}" '
                         f'font-size="{tick}" text-anchor="middle" fill="{INK}">'
                         f'{fmt_h(j)}</text>')
        for e in range(_Y_MIN + 1, _Y_MAX + 1, 4):
            _, py = self._xy(LOG_H_MIN, 10.0 ** e, g)
            parts.append(f'<line x1="{left - 4}" y1="{py}" x2="{left}" y2="{py}" '
                         f'stroke="{grey}"/><text x="{left - 6}" y="{py + tick / 3:.1f}" '
                         f'font-size="{tick}" text-anchor="end" fill="{INK}">1e{e:+03d}</text>')
        parts.append(f'<text x="{(left + right) / 2}" y="{H - 6}" font-size="{label}" '
                     f'text-anchor="middle" fill="{INK}">step size h</text>')
        mid = (top + bottom) / 2
        parts.append(f'<text x="{label}" y="{mid}" font-size="{label}" text-anchor="middle" '
                     f'fill="{INK}" transform="rotate(-90 {label} {mid})">relative error</text>')
        for css, data, colour, dash in (("step-size-other", other_curve, grey, "6 4"),
                                        ("step-size-curve", curve, blue, "none")):
            points = " ".join(f"{px},{py}" for px, py in
                              (self._xy(j, e, g) for j, e in sorted(data.items())))
            parts.append(f'<polyline class="{css}" points="{points}" fill="none" '
                         f'stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/>')
        # The legend sits above the frame, so it never covers the curves.
        parts.append(f'<line x1="{left}" y1="{label + 2 - label / 3:.1f}" x2="{left + 26}" '
                     f'y2="{label + 2 - label / 3:.1f}" stroke="{blue}" stroke-width="2.5"/>'
                     f'<text x="{left + 32}" y="{label + 2}" font-size="{label}" '
                     f'fill="{INK}">{scheme} (solid)</text>')
        lx = left + 32 + round(0.6 * label * 16)
        parts.append(f'<line x1="{lx}" y1="{label + 2 - label / 3:.1f}" x2="{lx + 26}" '
                     f'y2="{label + 2 - label / 3:.1f}" stroke="{grey}" stroke-width="2.5" '
                     f'stroke-dasharray="6 4"/><text x="{lx + 32}" y="{label + 2}" '
                     f'font-size="{label}" fill="{INK}">{other} (dashed)</text>')
        px, py = self._xy(k, curve[k], g)
        text = f"h = {fmt_h(k)}: {fmt_error(curve[k])}"
        span = 0.6 * label * len(text)  # bold sans-serif, generously
        # Right of the marker when the text fits there, else left of it: inside the frame.
        anchor = "start" if px + 10 + span <= right else "end"
        dx = 10 if anchor == "start" else -10
        if anchor == "end":
            px_text = max(px - 10, left + span)
            dx = px_text - px
        # The label stays inside the frame: below the marker when it is near the top.
        ty = py - 10 if py - 10 - label >= top else py + 10 + label
        ty = min(ty, bottom - 4)
        parts.append(f'<circle class="step-size-marker" cx="{px}" cy="{py}" r="7" '
                     f'fill="{MARKER}" stroke="{INK}" stroke-width="1.5"/>')
        parts.append(f'<text class="step-size-marker-label" x="{px + dx}" y="{ty}" '
                     f'font-size="{label}" text-anchor="{anchor}" fill="{INK}" '
                     f'font-weight="bold">{text}</text>')
        parts.append("</svg>")
        return "".join(parts)
