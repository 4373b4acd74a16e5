"""Gradient-flow explorer (notebook 08, C28): how the gradient's size changes layer by layer.

A deep stack of ``depth`` layers of width 64 (see :mod:`helpers.dynamics`) is
built from a fixed seed, so every setting always shows the same numbers. The
explorer draws the norm of ``dL/dH_l`` (the gradient with respect to layer
``l``'s output) for every layer on a log scale, and states the ratio of the
first layer's norm to the last layer's in words.

For the browser-test author
---------------------------
CSS classes:

- ``course-explorer`` and ``gradient-flow-explorer``: the top-level VBox.
- ``gradient-flow-depth``: IntSlider, description ``depth``, range 1..50
  (default 20), step 1: the number of layers.
- ``gradient-flow-init``: Dropdown, description ``initialisation``, options
  (label -> value) ``too small`` -> ``too_small``, ``too large`` -> ``too_large``,
  ``Xavier`` -> ``xavier``, ``He`` -> ``he`` (default He).
- ``gradient-flow-activation``: Dropdown, description ``activation``, options
  ``linear`` -> ``linear``, ``tanh`` -> ``tanh``, ``ReLU`` -> ``relu``
  (default ReLU).
- ``gradient-flow-residual``: Checkbox, description ``residual`` (default off):
  every layer becomes ``H + f(H) / sqrt(depth)``.
- ``gradient-flow-summary``: HTML with plain-text lines:

  * ``<div class="gradient-flow-ratio">``: e.g.
    ``depth 20, He, ReLU: layer 1 gradient norm / layer 20 = 6.8e-01``
    (``, residual`` follows the activation when the box is ticked);
  * ``<div class="gradient-flow-verdict">``: one of
    ``verdict: vanishes (ratio < 1e-3)``, ``verdict: explodes (ratio > 1e3)``,
    ``verdict: stable (ratio between 1e-3 and 1e3)``;
  * ``<div class="gradient-flow-factor">``: e.g.
    ``average factor per layer: 0.980 (19 backward steps)``, ``(1 backward step)`` at
    depth 2 (for depth 1:
    ``one layer: no backward step between layer 1 and the output``);
  * with the residual box ticked, a line ``residual branches scaled by 1/sqrt(20)``.

- ``gradient-flow-plot``: HTML holding one ``<svg>`` with a ``<circle>`` per
  layer and ``<text>`` labels, among them ``layer 1: 6.8e-01``-style labels
  for the first and the last layer (``layer 20: 4.6e+01``) and tick labels
  such as ``1e-20``; a legend (``<text class="gradient-flow-legend">``)
  ``solid: norm per layer`` and ``dashed: layer 20's norm, the reference`` for the
  dashed ``<line class="gradient-flow-reference">`` at the last layer's norm.
- ``course-widget-error``: the error area (hidden unless an update failed).

Moving the depth slider changes the depth and last-layer number in every line
and the number of circles; the dropdowns change the label and the ratio
(e.g. too small with ReLU at depth 20: ``1.3e-24``, verdict vanishes; too
large: ``1.3e+14``, explodes); the residual box brings every sensible
initialisation back to ``stable``.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from helpers._checks import positive_int
from helpers.dynamics import (
    ACTIVATION_LABELS,
    ACTIVATIONS,
    INIT_LABELS,
    INIT_SCHEMES,
    gradient_flow,
)
from helpers.plots import OKABE_ITO
from helpers.widgets.base import INK, MUTED, Explorer

#: The grid's colour: 4.5:1 on white, drawn thin and dotted so it stays in the background.
GRID = "#767676"

MIN_DEPTH, MAX_DEPTH = 1, 50
#: Ratios outside [VANISH, EXPLODE] count as vanishing or exploding.
VANISH, EXPLODE = 1e-3, 1e3

_W, _H = 560, 270            # svg size in pixels (the drawing scales down to the width)
_RIGHT = 24

#: The dashed line's legend entry (the tests look for it).
DASHED_LEGEND = "dashed: layer {depth}'s norm, the reference"


def verdict(ratio: float) -> str:
    """The verdict line for a ratio ``layer 1 norm / layer depth norm``."""
    if ratio < VANISH:
        return "verdict: vanishes (ratio < 1e-3)"
    if ratio > EXPLODE:
        return "verdict: explodes (ratio > 1e3)"
    return "verdict: stable (ratio between 1e-3 and 1e3)"


def _ticks(lo: float, hi: float) -> list[int]:
    span = hi - lo
    step = max(1, int(np.ceil(span / 6)))
    first = int(np.ceil(lo / step)) * step
    return list(range(first, int(hi) + 1, step))


def svg_plot(norms: np.ndarray, font=None) -> str:
    """Inline SVG of ``log10(norms)`` against the layer number, labelled in text.

    ``font(px)`` maps a normal text size to the one drawn (the explorer's size
    control); by default sizes are drawn as given."""
    font = font or (lambda px: px)
    title, tick, label = font(14), font(13), font(14)
    depth = len(norms)
    logs = np.log10(np.maximum(norms, 1e-300))  # a dead ReLU stack can give exact zeros
    lo, hi = float(np.floor(logs.min())), float(np.ceil(logs.max()))
    if hi - lo < 2:
        mid = (hi + lo) / 2
        lo, hi = np.floor(mid - 1), np.ceil(mid + 1)
    # Margins follow the text size, so larger text never leaves the frame.
    left = round(0.62 * tick * 5) + 10          # "1e-24" and the tick mark
    top = 2 * title + 12                        # title and legend lines
    bottom = 2 * label + 22                     # layer labels and the axis caption
    width = max(_W, round(label * 0.6 * 64))    # the axis caption fits on one line
    height = _H + (top + bottom - 80)
    plot_w = width - left - _RIGHT
    plot_h = height - top - bottom

    def x_of(layer: int) -> float:
        return left + (0.5 if depth == 1 else (layer - 1) / (depth - 1)) * plot_w

    def y_of(log: float) -> float:
        return top + (hi - log) / (hi - lo) * plot_h

    blue, grey = OKABE_ITO["blue"], MUTED
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" font-family="sans-serif" '
             f'aria-label="gradient norm per layer, log scale">',
             f'<text x="{left}" y="{title + 2}" font-size="{title}" fill="{INK}">gradient '
             f'norm ||dL/dH_l|| per layer (log scale)</text>']
    # The legend: what the solid line and the dashed one are.
    ly = 2 * title + 6
    parts.append(f'<line x1="{left}" y1="{ly - tick / 3:.1f}" x2="{left + 24}" '
                 f'y2="{ly - tick / 3:.1f}" stroke="{blue}" stroke-width="2"/>'
                 f'<text class="gradient-flow-legend" x="{left + 30}" y="{ly}" '
                 f'font-size="{tick}" fill="{INK}">solid: norm per layer</text>')
    lx = left + 30 + round(0.56 * tick * 24)
    parts.append(f'<line x1="{lx}" y1="{ly - tick / 3:.1f}" x2="{lx + 24}" '
                 f'y2="{ly - tick / 3:.1f}" stroke="{grey}" stroke-width="2" '
                 f'stroke-dasharray="5 3"/>'
                 f'<text class="gradient-flow-legend" x="{lx + 30}" y="{ly}" '
                 f'font-size="{tick}" fill="{INK}">'
                 f'{DASHED_LEGEND.format(depth=depth)}</text>')
    for k in _ticks(lo, hi):
        y = y_of(k)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - _RIGHT}" y2="{y:.1f}" '
                     f'stroke="{GRID}" stroke-width="0.6" stroke-dasharray="1 3"/>')
        parts.append(f'<text x="{left - 6}" y="{y + tick / 3:.1f}" font-size="{tick}" '
                     f'text-anchor="end" fill="{INK}">1e{k}</text>')
    y_last = y_of(logs[-1])
    parts.append(f'<line class="gradient-flow-reference" x1="{left}" y1="{y_last:.1f}" '
                 f'x2="{width - _RIGHT}" y2="{y_last:.1f}" stroke="{grey}" stroke-width="2" '
                 f'stroke-dasharray="5 3"/>')
    points = " ".join(f"{x_of(i + 1):.1f},{y_of(v):.1f}" for i, v in enumerate(logs))
    parts.append(f'<polyline points="{points}" fill="none" stroke="{blue}" stroke-width="2"/>')
    for i, v in enumerate(logs):
        parts.append(f'<circle class="gradient-flow-point" cx="{x_of(i + 1):.1f}" '
                     f'cy="{y_of(v):.1f}" r="3.5" fill="{blue}"/>')
    base = height - bottom
    parts.append(f'<text x="{left}" y="{base + label + 6}" font-size="{label}" '
                 f'fill="{INK}">layer 1: {norms[0]:.1e}</text>')
    if depth > 1:
        parts.append(f'<text x="{width - _RIGHT}" y="{base + label + 6}" font-size="{label}" '
                     f'text-anchor="end" fill="{INK}">layer {depth}: {norms[-1]:.1e}</text>')
    axis = ("layer l (1 = next to the input, "
            f"{depth} = next to the loss)" if depth > 1 else "layer 1 (the only layer)")
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{base + 2 * label + 14}" '
                 f'font-size="{label}" text-anchor="middle" fill="{INK}">{axis}</text>')
    parts.append("</svg>")
    return "".join(parts)


class GradientFlowExplorer(Explorer):
    """Per-layer gradient norms of a seeded deep stack; depth, init, activation, residual.

    ``explorer.widget`` is what the notebook displays; ``explorer.norms`` holds
    the norms shown (shape (depth,)); ``explorer.summary`` and ``explorer.plot``
    are the HTML widgets whose text the tests read.
    """

    css_class = "gradient-flow-explorer"

    #: The notebook's "Things to try", one button each (numbers checked in the tests).
    presets = (
        ("He, linear", dict(depth=20, init="he", activation="linear", residual=False),
         "He's factor 2 is meant for ReLU: with no activation the gradient grows by about "
         "1.43 per layer, 9.2e+02 over 20 layers."),
        ("He, tanh", dict(depth=20, init="he", activation="tanh", residual=False),
         "With tanh, He is nearly neutral: about 1.04 per layer, a ratio of 1.9."),
        ("He, ReLU", dict(depth=20, init="he", activation="relu", residual=False),
         "He matches ReLU: about 0.98 per layer, a ratio of 0.68 after 20 layers."),
        ("Xavier, ReLU, 10", dict(depth=10, init="xavier", activation="relu", residual=False),
         "Xavier ignores the half of the units ReLU switches off: about 0.69 per layer, "
         "3.5e-02 at depth 10."),
        ("Xavier, ReLU, 20", dict(depth=20, init="xavier", activation="relu", residual=False),
         "The same factor 0.69 over 19 steps gives 9.3e-04: the gradient vanishes."),
        ("Xavier, ReLU, 50", dict(depth=50, init="xavier", activation="relu", residual=False),
         "Still 0.69 per layer, so the ratio falls geometrically with depth: 1.5e-08."),
        ("too small", dict(depth=20, init="too_small", activation="relu", residual=False),
         "Each backward step multiplies the gradient by about 0.055: 1.3e-24 at depth 20."),
        ("too small + residual", dict(depth=20, init="too_small", activation="relu",
                                      residual=True),
         "The skip connections carry the gradient past every tiny branch: the ratio is "
         "back to 1.0."),
        ("too large + residual", dict(depth=20, init="too_large", activation="relu",
                                      residual=True),
         "Residual connections cannot rescue weights that are too large: the branches "
         "still grow the gradient, 3.9e+04 at depth 20."),
    )

    def __init__(self, depth=20, scheme="he", activation="relu", residual=False,
                 width=64, n=32, seed=0):
        super().__init__()
        depth = positive_int("GradientFlowExplorer", "depth", depth)
        if not MIN_DEPTH <= depth <= MAX_DEPTH:
            raise ValueError(f"GradientFlowExplorer: depth must be between {MIN_DEPTH} and "
                             f"{MAX_DEPTH} (the slider's range), got {depth}")
        if scheme not in INIT_SCHEMES:
            raise ValueError(f"GradientFlowExplorer: unknown scheme {scheme!r}; choose one of "
                             f"{', '.join(INIT_SCHEMES)}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"GradientFlowExplorer: unknown activation {activation!r}; choose "
                             f"one of {', '.join(ACTIVATIONS)}")
        self.width = positive_int("GradientFlowExplorer", "width", width)
        self.n = positive_int("GradientFlowExplorer", "n", n)
        self.seed = seed
        self.norms = None
        style = {"description_width": "initial"}
        self.depth = widgets.IntSlider(value=depth, min=MIN_DEPTH, max=MAX_DEPTH, step=1,
                                       description="depth", continuous_update=False,
                                       style=style)
        self.depth.add_class("gradient-flow-depth")
        self.init = widgets.Dropdown(options=[(INIT_LABELS[k], k) for k in INIT_SCHEMES],
                                     value=scheme, description="initialisation", style=style)
        self.init.add_class("gradient-flow-init")
        self.activation = widgets.Dropdown(
            options=[(ACTIVATION_LABELS[k], k) for k in ACTIVATIONS], value=activation,
            description="activation", style=style)
        self.activation.add_class("gradient-flow-activation")
        self.residual = widgets.Checkbox(value=bool(residual), description="residual",
                                         indent=False)
        self.residual.add_class("gradient-flow-residual")
        self.summary = widgets.HTML()
        self.summary.add_class("gradient-flow-summary")
        self.plot = widgets.HTML()
        self.plot.add_class("gradient-flow-plot")
        controls = [self.depth, self.init, self.activation, self.residual]
        row = widgets.HBox([self.depth, self.init, self.activation, self.residual])
        self.summary.layout = widgets.Layout(flex="1 1 22em", min_width="18em")
        self.plot.layout = widgets.Layout(flex="0 1 auto")
        # The plot beside its readout where the width allows, below it otherwise.
        view = widgets.HBox([self.summary, self.plot])
        self._finish(controls, [row, view])
        # The base adds only ``css_class``; the shared class must be there as well.
        if Explorer.css_class not in self.widget._dom_classes:
            self.widget.add_class(Explorer.css_class)

    def summary_lines(self) -> list[str]:
        """The summary as plain-text lines (what the summary area shows)."""
        depth, norms = self.depth.value, self.norms
        ratio = norms[0] / norms[-1]
        label = f"depth {depth}, {INIT_LABELS[self.init.value]}, " \
                f"{ACTIVATION_LABELS[self.activation.value]}"
        if self.residual.value:
            label += ", residual"
        lines = [f"{label}: layer 1 gradient norm / layer {depth} = {ratio:.1e}",
                 verdict(ratio)]
        if depth == 1:
            lines.append("one layer: no backward step between layer 1 and the output")
        else:
            factor = ratio ** (1.0 / (depth - 1))
            steps = f"{depth - 1} backward step" + ("s" if depth > 2 else "")
            lines.append(f"average factor per layer: {factor:.3f} ({steps})")
        if self.residual.value:
            lines.append(f"residual branches scaled by 1/sqrt({depth})")
        return lines

    def update(self) -> None:
        self.norms = gradient_flow(self.depth.value, self.init.value, self.activation.value,
                                   residual=self.residual.value, width=self.width, n=self.n,
                                   seed=self.seed)
        lines = self.summary_lines()
        classes = ["gradient-flow-ratio", "gradient-flow-verdict", "gradient-flow-factor",
                   "gradient-flow-note"]
        self.summary.value = "".join(f'<div class="{c}">{html.escape(t)}</div>'
                                     for c, t in zip(classes, lines))
        self.plot.value = svg_plot(self.norms, self.px)
