"""Backward-pass stepper (notebook 11, C44): watch each gradient arrive, one node at a time.

The stepper builds a small graph with :mod:`helpers.autodiff`, runs its
backward pass with :func:`helpers.autodiff.backward_steps` and replays it: step
``k`` is the moment the ``k``-th node (in reverse topological order) has its
complete gradient ``g``. The display highlights that node, gives ``g``'s shape,
and lists the parents ``g`` flows to, each with the formula of the backward
rule (``g @ W2.T``, ``A1.T @ g``, ``g * (Z1 > 0)``...) and the shape it
produces, so the transposes appear in the order backprop computes them. A node
used twice says that its gradient is the sum of two contributions.

For the browser-test author
---------------------------
CSS classes:

- ``course-explorer`` and ``backward-stepper``: the top-level VBox.
- ``backward-stepper-graph``: Dropdown, description ``graph``, options
  ``two-layer MLP`` (default), ``a weight used twice`` and
  ``one linear layer (notebook 00)``.
- ``backward-stepper-step``: IntSlider, description ``step``, from 0 to the
  number of steps of the graph (10, 8 and 5 for the three graphs), step 1.
- ``backward-stepper-next`` (Button ``next step``), ``backward-stepper-back``
  (Button ``back``) and ``backward-stepper-reset`` (Button ``reset``): move the
  slider by +1, -1, or to 0. ``next step`` is disabled at the last step,
  ``back`` at step 0, ``reset`` at step 0 of the starting graph. ``reset`` is also
  the explorer's ``course-reset`` (it brings the graph back to the starting one
  too, and hides the preset note): the stepper has one reset button, not two.
- ``course-preset``: one Button per entry of :data:`PRESETS`, in the lecturer's row.
- ``backward-stepper-readout``: HTML with the facts as plain text, one per line:

  * ``step 1 of 10: the gradient has arrived at loss (softmax_cross_entropy)``
    (at step 0: ``step 0 of 10: forward pass done; press next step to start
    the backward pass at loss with dL/dloss = 1``);
  * ``g = dL/dloss, shape ()``;
  * for a node used more than once: ``loss ... is used 2 times: g is the sum
    of 2 contributions`` (the exact wording starts with the node's label);
  * one line per parent: ``flows to logits: g * (softmax(logits) - one_hot(y)) / 4,
    shape (4, 2)``; for a leaf: ``W1 is a leaf (a parameter): its gradient is
    final, nothing flows further``;
  * at the last step, a last line ``backward pass complete: every parameter has
    its gradient``.

- ``backward-stepper-plot``: HTML holding one ``<svg class="backward-stepper-svg">``:
  a ``<g class="bs-node">`` per node with ``data-label`` (its label),
  ``data-state`` (``waiting``, ``current``, ``done`` or ``constant``) and two
  ``<text>`` lines, the label and the shape; a ``<line class="bs-edge">`` per
  forward edge, except that at steps >= 1 the edges between the current node and
  the parents its gradient flows to are drawn the other way, dashed, as
  ``<line class="bs-flow">`` (and those parents' boxes get a vermillion border).
- ``course-widget-error``: the error area (hidden unless an update failed).
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from helpers._checks import int_in_range, shape_str
from helpers.autodiff import (
    Node,
    backward_steps,
    constant,
    graph_layout,
    relu,
    softmax_cross_entropy,
    topological_order,
)
from helpers.plots import OKABE_ITO
from helpers.widgets.base import Explorer


def _two_layer_mlp() -> Node:
    rng = np.random.default_rng(11)
    n, d_in, d_hidden, k = 4, 3, 5, 2
    X = constant(rng.standard_normal((n, d_in)), "X")
    W1 = Node(rng.standard_normal((d_in, d_hidden)), "W1")
    b1 = Node(np.zeros(d_hidden), "b1")
    W2 = Node(rng.standard_normal((d_hidden, k)), "W2")
    b2 = Node(np.zeros(k), "b2")
    XW1 = X @ W1
    XW1.name = "X @ W1"
    Z1 = XW1 + b1
    Z1.name = "Z1"
    A1 = relu(Z1)
    A1.name = "A1"
    A1W2 = A1 @ W2
    A1W2.name = "A1 @ W2"
    logits = A1W2 + b2
    logits.name = "logits"
    loss = softmax_cross_entropy(logits, np.array([0, 1, 1, 0]))
    loss.name = "loss"
    return loss


def _weight_used_twice() -> Node:
    rng = np.random.default_rng(12)
    X = constant(rng.standard_normal((4, 3)), "X")
    W = Node(rng.standard_normal((3, 3)), "W")
    b = Node(rng.standard_normal(3), "b")
    XW = X @ W
    XW.name = "X @ W"
    Z = XW + b
    Z.name = "Z"
    H = relu(Z)
    H.name = "H"
    HW = H @ W
    HW.name = "H @ W"
    Y = HW + b
    Y.name = "Y"
    loss = Y.mean()
    loss.name = "loss"
    return loss


def _one_linear_layer() -> Node:
    # The worked example of notebook 00 (C01): L = sum(X W + b).
    X = constant(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), "X")
    W = Node(np.array([[2.0, 1.0], [-1.0, 3.0]]), "W")
    b = Node(np.array([0.5, -2.0]), "b")
    XW = X @ W
    XW.name = "X @ W"
    Y = XW + b
    Y.name = "Y"
    loss = Y.sum()
    loss.name = "L"
    return loss


#: Dropdown label -> function building the graph (returns its scalar loss node).
GRAPHS = {
    "two-layer MLP": _two_layer_mlp,
    "a weight used twice": _weight_used_twice,
    "one linear layer (notebook 00)": _one_linear_layer,
}

#: The "Things to try" of notebook 11 as preset buttons: (label, controls, what to notice).
PRESETS = (
    ("first transposes", {"graph": "two-layer MLP", "step": 4},
     "Step 4: the gradient of A1 @ W2 flows to A1 as g @ W2.T and to W2 as A1.T @ g, "
     "the first transposes of the pass."),
    ("weight used twice", {"graph": "a weight used twice", "step": 8},
     "W is used 2 times, so its gradient is the sum of 2 contributions, one per use."),
    ("one linear layer", {"graph": "one linear layer (notebook 00)", "step": 5},
     "The worked example of the first notebook: after 5 steps dL/dW = X.T @ g has arrived."),
)


def _summed_axes(g_shape: tuple, shape: tuple) -> tuple:
    extra = len(g_shape) - len(shape)
    return tuple(range(extra)) + tuple(
        extra + i for i, s in enumerate(shape) if s == 1 and g_shape[extra + i] != 1)


def formula(node: Node, index: int) -> str:
    """The backward rule of ``node`` towards its parent number ``index``, in words and code."""
    parents = node.parents
    if node.op == "matmul":
        a, b = parents
        return f"g @ {b.label}.T" if index == 0 else f"{a.label}.T @ g"
    if node.op == "add":
        axes = _summed_axes(node.shape, parents[index].shape)
        if not axes:
            return "g (same shape: passed on unchanged)"
        where = f"axis {axes[0]}" if len(axes) == 1 else f"axes {axes}"
        return f"g summed over {where} (broadcast in the forward pass)"
    if node.op == "relu":
        return f"g * ({parents[0].label} > 0)"
    if node.op == "sum":
        return f"g copied to every entry of {parents[0].label}"
    if node.op == "mean":
        return f"g / {parents[0].value.size} copied to every entry of {parents[0].label}"
    if node.op == "softmax_cross_entropy":
        n = parents[0].shape[0]
        return f"g * (softmax({parents[0].label}) - one_hot(y)) / {n}"
    raise ValueError(f"BackwardStepper: no formula for operation {node.op!r}")


def replay(loss: Node) -> list:
    """The backward pass of ``loss`` as a list of steps, one per node that gets a gradient.

    Each step is a dict: ``node``, ``g_shape``, ``uses`` (how many nodes of the
    graph use this one) and ``flows`` (a list of ``(parent, formula, shape)``).
    """
    order = topological_order(loss)
    uses = {id(n): 0 for n in order}
    for node in order:
        for parent in node.parents:
            uses[id(parent)] += 1
    steps = []
    for node, sent in backward_steps(loss):
        flows, j = [], 0
        for index, parent in enumerate(node.parents):  # sent skips constants, keeps order
            if j < len(sent) and sent[j][0] is parent:
                flows.append((parent, formula(node, index), sent[j][1].shape))
                j += 1
        steps.append({"node": node, "g_shape": node.grad.shape, "uses": uses[id(node)],
                      "flows": flows})
    return steps


def _wrap(label: str) -> str:
    """``(A1 @ W2)`` for a label with spaces, so ``dL/d(A1 @ W2)`` reads right."""
    return f"({label})" if " " in label else label


# SVG geometry in pixels.
_COL, _ROW, _BOX_W, _BOX_H, _MARGIN = 124, 66, 96, 40, 14


class BackwardStepper(Explorer):
    """Step through a backward pass, one node at a time (C44).

    ``BackwardStepper(graph="two-layer MLP", step=0)``: the graph to show (one
    of :data:`GRAPHS`) and the starting step (0 = before the backward pass).
    Display it as the last expression of a cell.
    """

    css_class = "backward-stepper"
    presets = PRESETS

    def __init__(self, graph="two-layer MLP", step=0):
        super().__init__()
        if graph not in GRAPHS:
            raise ValueError(f"BackwardStepper: graph must be one of {tuple(GRAPHS)}, "
                             f"got {graph!r}")
        self._build(graph)
        self._graph_name = graph
        step = int_in_range("BackwardStepper", "step", step, 0, len(self.steps))
        self.graph = widgets.Dropdown(options=list(GRAPHS), value=graph, description="graph")
        self.graph.add_class("backward-stepper-graph")
        self.step = widgets.IntSlider(value=step, min=0, max=len(self.steps), step=1,
                                      description="step")
        self.step.add_class("backward-stepper-step")
        self.next_button = widgets.Button(description="next step")
        self.next_button.add_class("backward-stepper-next")
        self.back_button = widgets.Button(description="back")
        self.back_button.add_class("backward-stepper-back")
        self.reset_button = widgets.Button(description="reset")
        self.reset_button.add_class("backward-stepper-reset")
        self.next_button.on_click(lambda _: self._move(self.step.value + 1))
        self.back_button.on_click(lambda _: self._move(self.step.value - 1))
        self.reset_button.on_click(lambda _: self.reset())
        # Registered before _finish's observer: a new graph starts at step 0, and the
        # slider's range follows at once (a preset then sets a step of the new graph).
        self.graph.observe(self._on_graph, names="value")
        self.readout = widgets.HTML()
        self.readout.add_class("backward-stepper-readout")
        self.plot = widgets.HTML()
        self.plot.add_class("backward-stepper-plot")
        heading = widgets.HTML("<b>The backward pass, one node at a time</b>")
        self._finish([self.step, self.graph],
                     [heading, widgets.HBox([self.graph, self.step]),
                      widgets.HBox([self.back_button, self.next_button, self.reset_button]),
                      self.readout, self.plot])

    def _lecturer_row(self, controls):
        own = self.reset_button
        row = super()._lecturer_row(controls)
        # One reset button: the stepper's own "reset" also does the lecturer's Reset.
        row.children = tuple(child for child in row.children if child is not self.reset_button)
        self.reset_button = own
        own.add_class("course-reset")
        self.defaults["step"] = 0  # the start of a stepper is before the backward pass
        return row

    def _on_graph(self, change) -> None:
        self.step.value = 0
        try:
            self._build(change["new"])
        except Exception:  # noqa: BLE001 - update() builds it again and shows the error
            self._graph_name = None
            return
        self._graph_name = change["new"]
        self.step.max = len(self.steps)

    def _build(self, graph: str) -> None:
        self.loss = GRAPHS[graph]()
        self.steps = replay(self.loss)
        self.layout_ = graph_layout(self.loss)

    def _move(self, value: int) -> None:
        self.step.value = min(max(value, 0), self.step.max)

    def lines(self) -> list:
        """The readout as plain-text lines (what :attr:`readout` shows)."""
        k, total = self.step.value, len(self.steps)
        if k == 0:
            return [f"step 0 of {total}: forward pass done; press next step to start the "
                    f"backward pass at {self.loss.label} with dL/d{self.loss.label} = 1"]
        info = self.steps[k - 1]
        node = info["node"]
        out = [f"step {k} of {total}: the gradient has arrived at {node.label} ({node.op})",
               f"g = dL/d{_wrap(node.label)}, shape {shape_str(info['g_shape'])}"]
        if info["uses"] > 1:
            out.append(f"{node.label} is used {info['uses']} times: g is the sum of "
                       f"{info['uses']} contributions")
        if not node.parents:
            out.append(f"{node.label} is a leaf (a parameter): its gradient is final, "
                       f"nothing flows further")
        for parent, text, shape in info["flows"]:
            out.append(f"flows to {parent.label}: {text}, shape {shape_str(shape)}")
        if k == total:
            out.append("backward pass complete: every parameter has its gradient")
        return out

    def state(self, node: Node) -> str:
        """``constant``, ``waiting``, ``current`` or ``done`` at the current step."""
        if not node.requires_grad:
            return "constant"
        k = self.step.value
        position = next(i for i, s in enumerate(self.steps) if s["node"] is node) + 1
        if position == k:
            return "current"
        return "done" if position < k else "waiting"

    def update(self) -> None:
        if self._graph_name != self.graph.value:
            self._graph_name = None  # until the new graph is built
            self._build(self.graph.value)
            self._graph_name = self.graph.value
            self.step.max = len(self.steps)
        k = self.step.value
        if not 0 <= k <= len(self.steps):
            raise ValueError(f"BackwardStepper: step {k} is outside 0..{len(self.steps)}")
        self.next_button.disabled = k >= len(self.steps)
        self.back_button.disabled = k <= 0
        self.reset_button.disabled = k <= 0 and self.graph.value == self.defaults.get(
            "graph", self.graph.value)
        self.readout.value = ('<div style="font-family:monospace">'
                              + "<br>".join(html.escape(line) for line in self.lines())
                              + "</div>")
        self.plot.value = self._svg()

    def _centre(self, node: Node) -> tuple:
        c, r = self.layout_[node]
        f = self._scale()
        return (f * (_MARGIN + c * _COL + _BOX_W / 2), f * (_MARGIN + 16 + r * _ROW + _BOX_H / 2))

    def _scale(self) -> float:
        # The drawing grows with its text in the large size, so labels stay in their boxes.
        return self.px(12) / 12

    def _svg(self) -> str:
        fills = {"constant": "#EEEEEE", "waiting": "#FFFFFF", "current": OKABE_ITO["orange"],
                 "done": OKABE_ITO["sky_blue"]}
        widths = {"constant": 1, "waiting": 1, "current": 3, "done": 1}
        columns = max(c for c, _ in self.layout_.values()) + 1
        rows = max(r for _, r in self.layout_.values()) + 1
        f = self._scale()
        box_w, box_h, margin = f * _BOX_W, f * _BOX_H, f * _MARGIN
        big, small = self.px(13), self.px(12)
        legend = ("grey arrows: the forward pass; dashed vermillion arrows and borders: the "
                  "parents the current gradient flows to",
                  "orange box: the node whose gradient just arrived; blue: gradient complete; "
                  "white: waiting; grey dashed: data (no gradient)")
        # Wide enough for the legend too (about 0.56 em per character of sans-serif), so a
        # small graph does not cut it off; the viewBox scales the whole drawing down where
        # the page is narrower.
        width = max(round(f * (2 * _MARGIN + (columns - 1) * _COL + _BOX_W)),
                    round(2 * margin + 0.56 * small * max(len(line) for line in legend)))
        height = round(f * (2 * _MARGIN + (rows - 1) * _ROW + _BOX_H + 44))
        parts = [f'<svg class="backward-stepper-svg" width="{width}" height="{height}" '
                 f'viewBox="0 0 {width} {height}" '
                 f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" role="img" '
                 f'aria-label="computational graph, forward edges left to right">',
                 '<defs><marker id="bs-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
                 'markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" '
                 'fill="#555555"/></marker><marker id="bs-flow-arrow" viewBox="0 0 10 10" '
                 f'refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
                 f'<path d="M0,0 L10,5 L0,10 z" fill="{OKABE_ITO["vermillion"]}"/></marker>'
                 '</defs>']
        k = self.step.value
        current = self.steps[k - 1]["node"] if k >= 1 else None
        receiving = {id(p) for p, _, _ in self.steps[k - 1]["flows"]} if k >= 1 else set()
        for node in self.layout_:
            for parent in node.parents:
                if node is current and id(parent) in receiving:
                    # The gradient flows back along this edge: drawn from child to parent.
                    parts.append(self._line(node, parent, "bs-flow", OKABE_ITO["vermillion"],
                                            "6 3", 2.5, "bs-flow-arrow"))
                else:
                    parts.append(self._line(parent, node, "bs-edge", "#555555", "none", 1.2,
                                            "bs-arrow"))
        for node in self.layout_:
            state = self.state(node)
            x, y = self._centre(node)
            dash = ' stroke-dasharray="3 2"' if state == "constant" else ""
            stroke, width = "#000000", widths[state]
            if id(node) in receiving:  # a parent the current gradient flows to
                stroke, width = OKABE_ITO["vermillion"], 2.5
            parts.append(
                f'<g class="bs-node" data-label="{html.escape(node.label)}" '
                f'data-state="{state}"><rect x="{x - box_w / 2:g}" y="{y - box_h / 2:g}" '
                f'width="{box_w:g}" height="{box_h:g}" rx="6" fill="{fills[state]}" '
                f'stroke="{stroke}" stroke-width="{width}"{dash}/>'
                f'<text x="{x:g}" y="{y - 3 * f:g}" font-size="{big}" text-anchor="middle">'
                f'{html.escape(node.label)}</text><text x="{x:g}" y="{y + 13 * f:g}" '
                f'font-size="{small}" text-anchor="middle">{shape_str(node.shape)}</text></g>')
        for line, rise in zip(legend, (22, 6)):
            parts.append(f'<text x="{margin:g}" y="{height - rise * f:g}" '
                         f'font-size="{small}">{line}</text>')
        parts.append("</svg>")
        return "".join(parts)

    def _line(self, start: Node, end: Node, css: str, colour: str, dash: str, width: float,
              marker: str) -> str:
        (x1, y1), (x2, y2) = self._centre(start), self._centre(end)
        # Clip the segment at the two boxes' edges so the arrow heads stay visible.
        dx, dy = x2 - x1, y2 - y1
        f = self._scale()
        scale = max(abs(dx) / (f * _BOX_W / 2), abs(dy) / (f * _BOX_H / 2), 1e-9)
        ox, oy = dx / scale, dy / scale
        return (f'<line class="{css}" x1="{x1 + ox:.1f}" y1="{y1 + oy:.1f}" '
                f'x2="{x2 - ox:.1f}" y2="{y2 - oy:.1f}" stroke="{colour}" '
                f'stroke-width="{width}" stroke-dasharray="{dash}" '
                f'marker-end="url(#{marker})"/>')
