"""Shape explorer (notebook 04, C17): every array of a linear layer drawn to scale.

Three sliders set ``n``, ``d_in`` and ``d_out``; the explorer draws ``X``, ``W``,
``b``, ``Y``, ``dL_dY`` and the three gradients as boxes, one cell per entry,
each labelled with its name and shape. In each matrix product the matching
inner dimension is highlighted: the left factor's columns (its top edge) and
the right factor's rows (its left edge), with a line of text such as
``inner: d_in = 3``. A bug selector replaces the right backward formula by one
from :mod:`helpers.bugzoo`; the explorer runs that buggy backward on seeded
arrays, marks the gradient that comes out wrong (or the product that cannot
be formed) and prints the sentence of
:func:`helpers.diagnose.diagnose_backward_function` beside the row it concerns.

For the browser-test author
---------------------------
CSS classes:

- ``course-explorer`` and ``shape-explorer``: the top-level VBox.
- ``shape-explorer-n``: IntSlider, description ``n``, range 1..8 (default 4),
  the batch size.
- ``shape-explorer-d-in``: IntSlider, description ``d_in``, range 1..8 (default 3).
- ``shape-explorer-d-out``: IntSlider, description ``d_out``, range 1..8 (default 2).
- ``shape-explorer-bug``: Dropdown, description ``bug``, options ``none`` then
  the names of :data:`helpers.bugzoo.BUGS` in their order (default ``none``).
- ``shape-explorer-diagram``: HTML holding one ``<svg role="img">`` with a
  ``<title>`` and an ``aria-label`` (the same text summary). Every box has a
  ``<text class="shape-label">`` such as ``X (4, 3)``; a wrong gradient's label
  has the class ``shape-label shape-wrong`` and reads e.g. ``dL_dW (2, 3) ✗``,
  with a second ``<text class="shape-note">`` ``expected (3, 2)`` or
  ``wrong values`` (or ``right by luck`` when a bug happens to give the right
  numbers at these sizes) right of its box. Each row starts with a title line:
  its formula, a ``<text class="row-title">`` (``   (buggy line)`` appended when
  a bug changed it), then its inner dimension, a ``<text class="inner-dim">``
  such as ``inner: n = 4``. A long text is broken into ``<tspan>`` lines; its
  ``textContent`` is the whole text. Right of the boxes, ``<text
  class="row-report">`` lines draw the report: beside the forward row its first
  sentence (and, without a bug, the second), beside the first row marked wrong
  (or right by luck) the sentences starting ``Caught``/``Not caught`` and
  ``Diagnosis:``.
- ``shape-explorer-report``: HTML with plain sentences, one per line: the whole
  report as text (what :meth:`ShapeExplorer.summary` returns and a screen reader
  reads); it is kept out of sight, since the diagram draws it beside the rows.
- ``shape-explorer-controls``: the HBox of the three sliders and the menu.
- ``course-widget-error``: the error area (hidden unless an update failed).

Fit: at 1280 x 720 with the file browser closed the explorer is at most about
520 px tall at its defaults and 570 px with a preset's sentence, in the large
size too (measured in ``tests/browser/test_browser_projector.py``).

What the text says for the defaults (n=4, d_in=3, d_out=2, bug none):
labels ``X (4, 3)``, ``W (3, 2)``, ``b (2,)``, ``Y (4, 2)``, ``X.T (3, 4)``,
``dL_dY (4, 2)``, ``dL_dW (3, 2)``, ``W.T (2, 3)``, ``dL_dX (4, 3)``,
``dL_db (2,)``; inner-dimension texts ``inner: d_in = 3``, ``inner: n = 4``,
``inner: d_out = 2`` and ``sum over axis 0: the n = 4 rows``; the report's
second line starts ``Every gradient has the shape of what it differentiates``.

What changes:

- ``n`` -> 5: ``X (5, 3)``, ``Y (5, 2)``, ``dL_dY (5, 2)``, ``X.T (3, 5)``,
  ``dL_dX (5, 3)``, ``inner: n = 5``, ``sum over axis 0: the n = 5 rows``.
- ``d_in`` -> 6: ``X (4, 6)``, ``W (6, 2)``, ``dL_dW (6, 2)``, ``inner: d_in = 6``.
- ``d_out`` -> 7: ``W (3, 7)``, ``b (7,)``, ``Y (4, 7)``, ``inner: d_out = 7``.
- bug ``transposed_weight_gradient``: label ``dL_dW (2, 3) ✗``, note
  ``expected (3, 2)``; report lines ``Bug: transposed_weight_gradient``,
  ``Buggy line: dL_dW = dL_dY.T @ X``, ``Caught by the shape check: ...`` and
  ``Diagnosis: dL_dW is transposed: ...``.
- bug ``missing_transpose``: inner text ``inner: 2 ≠ 3 (d_out vs d_in): no
  product``, the ``dL_dX`` box replaced by the text ``dL_dX: ValueError``;
  report ``Caught by a shape error: ...``.
- with n = d_in = d_out (say all 3) every bug gives ``Caught only by the values
  check: ...`` and at least one note ``wrong values``.
- bug ``mean_sum_mismatch`` with n = 1: ``Not caught here: ...`` and three notes
  ``right by luck``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from helpers._checks import int_in_range, shape_str
from helpers.bugzoo import BUGS
from helpers.diagnose import diagnose_backward_function
from helpers.linear import linear_backward
from helpers.plots import OKABE_ITO
from helpers.widgets.base import ERROR_INK, INK, MUTED, Explorer

#: Largest size a slider offers: four rows of 8 x 8 boxes still fit on a screen.
MAX_SIZE = 8

#: The dropdown's options: no bug, then the bug zoo in its order.
BUG_OPTIONS = ("none", *BUGS)

_CELL = 7        # pixels per array entry: an 8 x 8 box is 56 px
_GAP = 32        # width of an operator between two boxes, at the normal size
_LEFT = 10

# Which array is which, by the symbols of its axes: the inner-dimension text names them.
_DIMS = {
    "X": ("n", "d_in"), "X.T": ("d_in", "n"), "X_stale.T": ("d_in", "n"),
    "W": ("d_in", "d_out"), "W.T": ("d_out", "d_in"),
    "dL_dY": ("n", "d_out"), "dL_dY.T": ("d_out", "n"),
}
# Boxes take the colour of the array they belong to; a gradient takes the colour
# of what it differentiates (it has that array's shape).
_COLOUR = {"X": "blue", "W": "orange", "b": "reddish_purple", "Y": "sky_blue",
           "dL_dY": "sky_blue", "X_stale": "black",
           "dL_dX": "blue", "dL_dW": "orange", "dL_db": "reddish_purple"}
# Text and lines in darker shades of Okabe-Ito vermillion and bluish green: 4.5:1 or more
# on white (the pure colours reach 3.9:1 and 3.4:1).
_WRONG = ERROR_INK          # 5.5:1
_MATCH = "#00704F"          # 6.1:1
_SUM = INK

# Compact controls, so that the explorer fits on a projector's screen in both sizes:
# narrower sliders (three and the menu on one line at 1280 px), buttons as wide as
# their text, and the report out of sight (the diagram draws it beside the rows).
_STYLE = """<style>
.shape-explorer.course-explorer .shape-explorer-controls .widget-hslider {
  width: auto; flex: 0 0 auto; margin-right: 14px; }
.shape-explorer.course-explorer .shape-explorer-controls .slider-container {
  flex: 0 0 140px; width: 140px; }
.shape-explorer.course-explorer .shape-explorer-controls .widget-label { min-width: 0; }
.shape-explorer.course-explorer .shape-explorer-controls .widget-readout {
  min-width: 1.5em; width: 1.5em; }
.shape-explorer .shape-explorer-bug { width: auto; }
.shape-explorer .shape-explorer-bug select { width: auto; padding-right: 28px; }
.shape-explorer .course-lecturer-row .widget-button,
.shape-explorer .course-lecturer-row .widget-toggle-button { width: auto; padding: 0 6px; }
.shape-explorer.course-size-large .course-lecturer-row button {
  font-size: max(16px, calc(var(--jp-content-font-size2, 18px) - 2px)); }
.shape-explorer .shape-explorer-report { position: absolute !important; width: 1px;
  height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.shape-explorer .shape-explorer-diagram svg { display: block; }
</style>"""


@dataclass(frozen=True)
class _Rule:
    """How one returned gradient is computed: ``kind`` is ``"matmul"`` (``a @ b``),
    ``"elementwise"`` (``a * b``) or ``"sum"`` (``a.sum(axis=axis)``)."""

    kind: str
    a: str
    b: str = ""
    axis: int = 0
    scaled: bool = False  # divided by n afterwards

    def text(self) -> str:
        if self.kind == "sum":
            core = f"{self.a}.sum(axis={self.axis})"
        else:
            core = f"{self.a} {'@' if self.kind == 'matmul' else '*'} {self.b}"
        return core + (" / n" if self.scaled else "")


_RIGHT = {"dL_dW": _Rule("matmul", "X.T", "dL_dY"),
          "dL_dX": _Rule("matmul", "dL_dY", "W.T"),
          "dL_db": _Rule("sum", "dL_dY")}

#: For each bug, the rules that differ from the right ones (what the buggy lines compute).
BUGGY_RULES = {
    "missing_transpose": {"dL_dX": _Rule("matmul", "dL_dY", "W")},
    "transposed_weight_gradient": {"dL_dW": _Rule("matmul", "dL_dY.T", "X")},
    "wrong_reduction_axis": {"dL_db": _Rule("sum", "dL_dY", axis=1)},
    "elementwise_instead_of_matmul": {"dL_dW": _Rule("elementwise", "X", "dL_dY")},
    "discarded_input": {"dL_dW": _Rule("matmul", "X_stale.T", "dL_dY")},
    "mean_sum_mismatch": {name: _Rule(r.kind, r.a, r.b, r.axis, scaled=True)
                          for name, r in _RIGHT.items()},
    "swapped_gradients": {"dL_dX": _Rule("matmul", "X.T", "dL_dY"),
                          "dL_dW": _Rule("matmul", "dL_dY", "W.T")},
}

_ORDER = ("dL_dW", "dL_dX", "dL_db")          # rows of the diagram, top to bottom
_RETURNED = ("dL_dX", "dL_dW", "dL_db")       # order of a backward's return value
_OF = {"dL_dX": "X", "dL_dW": "W", "dL_db": "b"}


def _product_shape(rule: _Rule, shapes: dict) -> tuple | None:
    """Shape ``rule`` produces, or None when numpy would raise a ValueError."""
    a = shapes[rule.a]
    if rule.kind == "sum":
        return tuple(s for k, s in enumerate(a) if k != rule.axis)
    b = shapes[rule.b]
    if rule.kind == "matmul":
        return (a[0], b[1]) if a[1] == b[0] else None
    try:
        return tuple(np.broadcast_shapes(a, b))
    except ValueError:
        return None


@dataclass
class _Finding:
    """What came out of one returned slot: ``status`` is ``"ok"``, ``"harmless"``
    (bug, but right at these sizes), ``"wrong_shape"``, ``"wrong_values"`` or ``"error"``."""

    name: str
    rule: _Rule
    shape: tuple | None
    expected: tuple
    status: str
    detail: str = ""


class ShapeExplorer(Explorer):
    """Sliders for ``n``, ``d_in``, ``d_out`` and a bug selector; boxes drawn to scale.

    ``ShapeExplorer(n=4, d_in=3, d_out=2, bug="none", seed=0)``: the sizes must
    be whole numbers from 1 to ``MAX_SIZE`` and ``bug`` one of
    :data:`BUG_OPTIONS`. The arrays behind the display are drawn with
    ``np.random.default_rng(seed)``, so every reading is reproducible.
    """

    css_class = "shape-explorer"

    #: The notebook's "Things to try", one button each (what they say is checked in the tests).
    presets = (
        ("transposed", dict(n=4, d_in=3, d_out=2, bug="transposed_weight_gradient"),
         "dL_dW comes out (2, 3) where W is (3, 2): the shape check catches it."),
        ("transposed, d_in = d_out", dict(n=4, d_in=3, d_out=3,
                                          bug="transposed_weight_gradient"),
         "The \u2717 stays, but the note says \"wrong values\": with a square W only the "
         "values check can tell."),
        ("mean/sum, n = 1", dict(n=1, d_in=3, d_out=2, bug="mean_sum_mismatch"),
         "Dividing by n = 1 changes nothing: every gradient is right by luck, and nothing "
         "catches the bug here."),
        ("elementwise, d_in = 1", dict(n=4, d_in=1, d_out=2,
                                       bug="elementwise_instead_of_matmul"),
         "numpy accepts X * dL_dY, broadcasting (4, 1) and (4, 2) to (4, 2): no error, but "
         "the shape check still sees (4, 2) where W is (1, 2)."),
        ("all sizes 3", dict(n=3, d_in=3, d_out=3, bug="missing_transpose"),
         "With every size equal the shapes catch nothing: each bug in the menu is caught "
         "only by the values check."),
    )

    def __init__(self, n=4, d_in=3, d_out=2, bug="none", seed=0) -> None:
        super().__init__()
        sizes = {name: int_in_range("ShapeExplorer", name, value, 1, MAX_SIZE)
                 for name, value in (("n", n), ("d_in", d_in), ("d_out", d_out))}
        if not isinstance(bug, str):
            raise TypeError(f"ShapeExplorer: bug must be a string, got {type(bug).__name__}")
        if bug not in BUG_OPTIONS:
            raise ValueError(f"ShapeExplorer: bug must be one of {', '.join(BUG_OPTIONS)}, "
                             f"got {bug!r}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"ShapeExplorer: seed must be a whole number, "
                            f"got {type(seed).__name__}")
        if seed < 0:
            raise ValueError(f"ShapeExplorer: seed must be >= 0, got {seed}")
        self.seed = int(seed)
        style = {"description_width": "initial"}
        self.n = widgets.IntSlider(value=sizes["n"], min=1, max=MAX_SIZE, description="n",
                                   style=style, continuous_update=True)
        self.d_in = widgets.IntSlider(value=sizes["d_in"], min=1, max=MAX_SIZE,
                                      description="d_in", style=style, continuous_update=True)
        self.d_out = widgets.IntSlider(value=sizes["d_out"], min=1, max=MAX_SIZE,
                                       description="d_out", style=style,
                                       continuous_update=True)
        self.bug = widgets.Dropdown(options=list(BUG_OPTIONS), value=bug, description="bug",
                                    style=style)
        for control, css in ((self.n, "n"), (self.d_in, "d-in"), (self.d_out, "d-out"),
                             (self.bug, "bug")):
            control.add_class(f"shape-explorer-{css}")
        self.diagram = widgets.HTML()
        self.diagram.add_class("shape-explorer-diagram")
        self.report = widgets.HTML()
        self.report.add_class("shape-explorer-report")
        controls = [self.n, self.d_in, self.d_out, self.bug]
        self.diagram.layout = widgets.Layout(width="100%")
        row = widgets.HBox([self.n, self.d_in, self.d_out, self.bug])
        row.add_class("shape-explorer-controls")
        css = widgets.HTML(_STYLE, layout=widgets.Layout(display="none"))
        # The report is drawn in the diagram, beside the rows; the report widget keeps the
        # same sentences as text (for a screen reader and summary()), out of sight.
        self._finish(controls, [css, row, self.diagram, self.report])
        # The base adds only ``css_class``; the class every explorer shares must be there too.
        if Explorer.css_class not in self.widget._dom_classes:
            self.widget.add_class(Explorer.css_class)

    # ----------------------------------------------------------------- logic

    def _arrays(self, n, d_in, d_out):
        rng = np.random.default_rng(self.seed)
        X = rng.standard_normal((n, d_in))
        W = rng.standard_normal((d_in, d_out))
        dL_dY = rng.standard_normal((n, d_out))
        return X, W, dL_dY

    def _findings(self, n, d_in, d_out, bug):
        """Run the chosen backward; one :class:`_Finding` per returned gradient."""
        shapes = {name: tuple({"n": n, "d_in": d_in, "d_out": d_out}[s] for s in dims)
                  for name, dims in _DIMS.items()}
        expected = {"dL_dX": (n, d_in), "dL_dW": (d_in, d_out), "dL_db": (d_out,)}
        rules = {**_RIGHT, **BUGGY_RULES.get(bug, {})}
        X, W, dL_dY = self._arrays(n, d_in, d_out)
        right = dict(zip(_RETURNED, linear_backward(dL_dY, X, W)))
        got, raised, diagnosis = None, None, None
        if bug != "none":
            try:
                got = dict(zip(_RETURNED, BUGS[bug](dL_dY.copy(), X.copy(), W.copy())))
            except ValueError as exc:
                raised = exc
            diagnosis = diagnose_backward_function(BUGS[bug], X, W, dL_dY)
        findings = {}
        for name in _ORDER:
            rule = rules[name]
            shape = _product_shape(rule, shapes)
            buggy = name in BUGGY_RULES.get(bug, {})
            if shape is None:
                findings[name] = _Finding(name, rule, None, expected[name], "error")
                continue
            status, detail = "ok", ""
            if got is not None:
                actual = got[name]
                if tuple(actual.shape) != shape:
                    # The drawing must show what the bug zoo really computes.
                    raise RuntimeError(f"ShapeExplorer: the drawing expects {name} of shape "
                                       f"{shape_str(shape)} for bug {bug!r}, but the bug "
                                       f"returned {shape_str(actual.shape)}")
                if shape != expected[name]:
                    status = "wrong_shape"
                elif not np.allclose(actual, right[name], rtol=1e-9, atol=1e-12):
                    status = "wrong_values"
                    gap = np.abs(actual - right[name])
                    idx = np.unravel_index(int(np.argmax(gap)), gap.shape)
                    where = ", ".join(str(int(i)) for i in idx)
                    detail = (f"{name}[{where}] is {_num(actual[idx])} where it should be "
                              f"{_num(right[name][idx])}")
                elif buggy:
                    status = "harmless"
            elif buggy:
                # numpy stopped at an earlier line of the bug: this line never ran.
                status = "wrong_shape" if shape != expected[name] else "ok"
            findings[name] = _Finding(name, rule, shape, expected[name], status, detail)
        if raised is not None and all(f.status != "error" for f in findings.values()):
            raise RuntimeError(f"ShapeExplorer: bug {bug!r} raised {raised!r}, but the drawing "
                               f"found every product well defined")
        return shapes, findings, diagnosis

    def update(self) -> None:
        n, d_in, d_out, bug = self.n.value, self.d_in.value, self.d_out.value, self.bug.value
        shapes, findings, diagnosis = self._findings(n, d_in, d_out, bug)
        lines = self._report_lines(n, d_in, d_out, bug, findings, diagnosis)
        alt = " ".join(lines)
        # Beside the forward row: what the layer computes (and, without a bug, that every
        # gradient has its array's shape). Beside the first row that comes out wrong
        # (or right by luck): how the bug is caught, and the diagnosis.
        if bug == "none":
            blocks = [(0, [(lines[0], False), (lines[1], False)], INK)]
        else:
            row = next((k for k, name in enumerate(_ORDER, start=1)
                        if findings[name].status != "ok"), 1)
            blocks = [(0, [(lines[0], False)], INK),
                      (row, [(lines[3], True), (lines[4], False)], INK)]
        self.diagram.value = self._svg(n, d_in, d_out, shapes, findings, alt, blocks)
        self.report.value = "<br>".join(html.escape(line) for line in lines)

    def summary(self) -> str:
        """The report as plain text, one sentence per line (what the display says)."""
        text = self.report.value.replace("<br>", "\n")
        return html.unescape(text)

    # ---------------------------------------------------------------- report

    @staticmethod
    def _report_lines(n, d_in, d_out, bug, findings, diagnosis) -> list[str]:
        head = (f"Y = X @ W + b: X ({n}, {d_in}) @ W ({d_in}, {d_out}) + b ({d_out},) "
                f"gives Y ({n}, {d_out}).")
        if bug == "none":
            return [head,
                    f"Every gradient has the shape of what it differentiates: dL_dX "
                    f"({n}, {d_in}) like X, dL_dW ({d_in}, {d_out}) like W, dL_db "
                    f"({d_out},) like b."]
        buggy = [findings[name] for name in _ORDER if name in BUGGY_RULES[bug]]
        lines = [head, f"Bug: {bug}.",
                 "Buggy line: " + "; ".join(f"{f.name} = {f.rule.text()}" for f in buggy) + "."]
        errors = [f for f in findings.values() if f.status == "error"]
        shapes = [f for f in findings.values() if f.status == "wrong_shape"]
        values = [f for f in findings.values() if f.status == "wrong_values"]
        if errors:
            f = errors[0]
            lines.append(f"Caught by a shape error: numpy cannot form {f.rule.text()} with "
                         f"these shapes, so {f.name} is never computed.")
        elif shapes:
            lines.append("Caught by the shape check: " + "; ".join(
                f"{f.name} is {shape_str(f.shape)} but {_OF[f.name]} is "
                f"{shape_str(f.expected)}" for f in shapes) + ".")
        elif values:
            lines.append("Caught only by the values check: every shape is right, yet "
                         + "; ".join(f.detail for f in values) + ".")
        else:
            lines.append("Not caught here: at these sizes the buggy line computes exactly the "
                         "right numbers (a size of 1 or a square W hides it); move a slider.")
        lines.append(f"Diagnosis: {diagnosis}")
        return lines

    # ------------------------------------------------------------------- SVG

    def _geometry(self, bug: str = "none") -> dict:
        """Sizes in pixels, all grown with the text (the size control).

        A row is one line of title (the formula, then its inner dimension), one line of
        box labels and the boxes (at most ``MAX_SIZE`` cells high). The boxes keep to
        the left part, as wide as the widest row ``bug`` draws at the largest sizes (so
        nothing moves while a slider does); the right-hand column holds the report,
        beside the row it concerns."""
        label, title, op = self.px(12), self.px(13), self.px(16)
        large = self.size == "large"
        cell = 7 if large else 6
        body = self.px(11.5)                  # the report column: 16 px in large
        g = {"label": label, "title": title, "op": op, "cell": cell, "body": body,
             "cw": 0.61 * label, "tw": 0.61 * title,   # a monospace character's width
             "line": round(1.3 * body), "gap": round(1.3 * op),
             "label_y": title + 4 + label, "box_top": title + 4 + label + 5}
        g["row"] = g["box_top"] + MAX_SIZE * cell + (8 if large else 7)
        rules = {**_RIGHT, **BUGGY_RULES.get(bug, {})}
        widest = max(self._row_width(g, rule) for rule in rules.values())
        forward = 3 * self._slot(g, "X (8, 8)") + self._slot(g, "b (8,)") + 3 * g["gap"]
        g["text_x"] = _LEFT + max(widest, forward) + 8
        g["width"] = 1080 if large else 900
        g["chars"] = int((g["width"] - g["text_x"] - _LEFT) / (0.61 * body))
        return g

    @staticmethod
    def _slot(g, *labels) -> int:
        """Width of a box's slot: its box at the largest size, or its longest label."""
        longest = max(len(text) for text in labels)
        return max(MAX_SIZE * g["cell"], round(longest * g["cw"])) + 12

    def _row_width(self, g, rule) -> int:
        widths = []
        for name in (rule.a, rule.b):
            if name:
                widths.append(self._slot(g, f"{name} (8, 8)"))
        ops = 2 * g["gap"] if rule.kind == "matmul" or rule.kind == "elementwise" else \
            g["gap"] + self._op_width(g, f"sum(axis={rule.axis})")
        return sum(widths) + ops + self._result_slot(g)

    def _result_slot(self, g) -> int:
        return self._slot(g, "dL_dW (8, 8) \u2717", "dL_dW: ValueError")

    @staticmethod
    def _op_width(g, text) -> int:
        return g["gap"] if len(text) == 1 else round(len(text) * g["cw"]) + 16

    def _svg(self, n, d_in, d_out, shapes, findings, alt, report) -> str:
        g = self._geometry(self.bug.value)
        sizes = {"n": n, "d_in": d_in, "d_out": d_out}
        parts = []
        titles = []   # per row: (top, right end of its title line)
        # Row 0: the forward pass.
        title = "Forward: Y = X @ W + b"
        boxes = [("X", shapes["X"]), "@", ("W", shapes["W"]), "+", ("b", (d_out,)), "=",
                 ("Y", (n, d_out))]
        placed = self._place(g, boxes, 0, parts)
        titles.append(self._title(g, 0, title, INK, parts, self._inner(
            g, placed[0], placed[1], 0, parts,
            extra=f"; b is added to each of the n = {n} rows")))
        # Rows 1..3: the backward pass, one returned gradient each.
        for row, name in enumerate(_ORDER, start=1):
            top = row * g["row"]
            f = findings[name]
            buggy = f.rule != _RIGHT[name]
            rule = f.rule
            if rule.kind == "sum":
                items = [(rule.a, shapes[rule.a]), f"sum(axis={rule.axis})"]
            else:
                items = [(rule.a, shapes[rule.a]), "@" if rule.kind == "matmul" else "*",
                         (rule.b, shapes[rule.b])]
            items += ["=", f]
            placed = self._place(g, items, top, parts)
            if rule.kind == "matmul":
                inner = self._inner(g, placed[0], placed[1], top, parts)
            elif rule.kind == "elementwise":
                a, b = placed[0][1], placed[1][1]
                inner = ((f"elementwise: {shape_str(a)} * {shape_str(b)} gives "
                          f"{shape_str(f.shape)}, no sum over n", _WRONG) if f.shape else
                         (f"elementwise: {shape_str(a)} and {shape_str(b)} do not "
                          f"broadcast", _WRONG))
            else:
                inner = self._sum_note(g, placed[0], rule.axis, sizes, top, parts)
            title = f"{name} = {rule.text()}" + ("   (buggy line)" if buggy else "")
            titles.append(self._title(g, top, title, _WRONG if buggy else INK, parts, inner))
        bottom = self._column(g, report, titles, parts)
        height = max(4 * g["row"], bottom + 6)
        width = g["width"]
        label = html.escape(alt, quote=True)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
                f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{label}" '
                f'style="max-width:100%;height:auto;font-family:monospace">'
                f'<title>{html.escape(alt)}</title>' + "".join(parts) + "</svg>")

    def _title(self, g, top, title, colour, parts, inner) -> tuple:
        """The row's title line: its formula in bold, then its inner dimension. Returns
        the line's top and where it ends (the report column steps over a long one)."""
        y = top + g["title"]
        parts.append(_text(g, _LEFT, y, title, "row-title", weight="bold", fill=colour,
                           size=g["title"]))
        x = _LEFT + round(len(title) * g["tw"]) + g["gap"] // 2
        text, fill = inner
        parts.append(_text(g, x, y, text, "inner-dim", fill=fill))
        return top, x + round(len(text) * g["cw"])

    def _column(self, g, report, titles, parts) -> int:
        """Write the report in the right-hand column: each block beside the row it
        concerns, stepping over title lines that reach into the column. Returns the
        bottom of the last line."""
        y = 0
        for row, lines, fill in report:
            y = max(y, row * g["row"])
            for sentence, bold in lines:
                for piece in _wrap(sentence, g["chars"]):
                    while any(top - 2 < y + g["line"] and y < top + g["title"] + 6
                              and end > g["text_x"] - 8 for top, end in titles):
                        y += g["line"]
                    parts.append(_text(g, g["text_x"], y + g["body"], piece, "row-report",
                                       fill=fill, size=g["body"],
                                       weight="bold" if bold else "normal"))
                    y += g["line"]
        return y

    def _place(self, g, items, top, parts):
        """Draw boxes and operators left to right; return the boxes' (name, shape, x, y)."""
        x = _LEFT
        placed = []
        for item in items:
            if isinstance(item, str):
                gap = self._op_width(g, item)
                parts.append(_text(g, x + gap / 2, top + g["box_top"] + 2 * g["cell"] + 6,
                                   item, "operator", anchor="middle",
                                   size=g["op"] if len(item) == 1 else g["label"]))
                x += gap
                continue
            if isinstance(item, _Finding):
                parts.append(self._result(g, item, x, top))
                placed.append((item.name, item.shape, x, top + g["box_top"]))
                x += self._result_slot(g)
                continue
            name, shape = item
            base = name.split(".")[0]
            parts.append(_box(g, x, top + g["box_top"], shape, OKABE_ITO[_COLOUR[base]]))
            parts.append(_text(g, x, top + g["label_y"], f"{name} {shape_str(shape)}",
                               "shape-label"))
            placed.append((name, shape, x, top + g["box_top"]))
            x += self._slot(g, f"{name} (8, 8)")
        return placed

    def _result(self, g, f: _Finding, x, top) -> str:
        """The returned gradient: its box and label; a wrong one marked, with a note right
        of its box (what was expected)."""
        y = top + g["box_top"]
        line = g["label"] + 3
        colour = OKABE_ITO[_COLOUR[f.name]]
        if f.status == "error":
            return (_text(g, x, top + g["label_y"], f"{f.name}: ValueError",
                          "shape-label shape-wrong", fill=_WRONG)
                    + _text(g, x, y + line, "no result:", "shape-note", fill=_WRONG)
                    + _text(g, x, y + 2 * line, f"expected {shape_str(f.expected)}",
                            "shape-note", fill=_WRONG))
        width = max(_box_width(g, f.shape), _box_width(g, f.expected))
        note_x = x + width + 6
        room = int((self._result_slot(g) - 12 - width - 6) / g["cw"])
        if f.status in ("ok", "harmless"):
            note = ("" if f.status == "ok" else
                    _text(g, note_x, y + line, "right by luck", "shape-note", wrap=room))
            return (_box(g, x, y, f.shape, colour)
                    + _text(g, x, top + g["label_y"], f"{f.name} {shape_str(f.shape)}",
                            "shape-label")
                    + note)
        # Wrong: a dashed ghost of the expected shape, the actual box marked on top.
        note = (f"expected {shape_str(f.expected)}" if f.status == "wrong_shape"
                else "wrong values")
        ghost = _box(g, x, y, f.expected, "#FFFFFF", stroke=MUTED, dash="3,3", opacity=0)
        actual = _box(g, x, y, f.shape, _WRONG, stroke=_WRONG, dash="6,3", width=3)
        return (ghost + actual
                + _text(g, x, top + g["label_y"], f"{f.name} {shape_str(f.shape)} \u2717",
                        "shape-label shape-wrong", fill=_WRONG)
                + _text(g, note_x, y + line, note, "shape-note", fill=_WRONG, wrap=room))

    @staticmethod
    def _inner(g, left, right, top, parts, extra="") -> tuple:
        """Highlight the inner dimension of ``left @ right``: columns of one, rows of the
        other. Returns the sentence that names it and its colour."""
        (lname, lshape, lx, ly), (rname, rshape, rx, ry) = left, right
        lsym, rsym = _DIMS[lname][1], _DIMS[rname][0]
        match = lshape[1] == rshape[0]
        colour, dash = (_MATCH, "") if match else (_WRONG, "5,3")
        cell = g["cell"]
        # Left factor: its top edge spans its columns; right factor: its left edge its rows.
        parts.append(_line(lx, ly, lx + lshape[1] * cell, ly, colour, dash)
                     + _line(rx, ry, rx, ry + rshape[0] * cell, colour, dash))
        if match and lsym == rsym:
            msg = f"inner: {lsym} = {lshape[1]}"
        elif match:
            msg = f"inner: {lsym} = {rsym} = {lshape[1]} (only at these sizes)"
        else:
            msg = f"inner: {lshape[1]} \u2260 {rshape[0]} ({lsym} vs {rsym}): no product"
        return msg + extra, colour

    @staticmethod
    def _sum_note(g, box, axis, sizes, top, parts) -> tuple:
        name, shape, x, y = box
        sym = _DIMS[name][axis]
        what = "rows" if axis == 0 else "columns"
        cell = g["cell"]
        if axis == 0:
            parts.append(_line(x, y, x, y + shape[0] * cell, _SUM, "2,2"))
        else:
            parts.append(_line(x, y, x + shape[1] * cell, y, _SUM, "2,2"))
        return (f"sum over axis {axis}: the {sym} = {sizes[sym]} {what}",
                INK if axis == 0 else _WRONG)


def _num(value) -> str:
    """Three decimals, and never "-0.000"."""
    text = f"{float(value):.3f}"
    return "0.000" if text == "-0.000" else text


# ------------------------------------------------------------ SVG primitives

def _box_width(g, shape) -> int:
    return (shape[1] if len(shape) == 2 else shape[0]) * g["cell"]


def _wrap(text: str, chars: int) -> list[str]:
    """Break ``text`` at spaces into lines of at most ``chars`` characters (a longer
    word keeps a line of its own; a shape such as ``(4, 3)`` is never split); each line
    but the last keeps its trailing space, so that the pieces join back into ``text``."""
    words, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == " " and depth <= 0:
            words.append(current)
            current = ""
        else:
            current += char
    words.append(current)
    lines, current = [], ""
    for word in words:
        if current and len(current) + len(word) > chars:
            lines.append(current)
            current = ""
        current += word + " "
    lines.append(current[:-1])
    return lines


def _box(g, x, y, shape, fill, stroke=INK, dash="", width=1, opacity=0.35) -> str:
    """A ``shape`` box at (x, y), one cell per entry; a 1-D array is one row of cells."""
    cell = g["cell"]
    rows, cols = (shape if len(shape) == 2 else (1, shape[0]))
    w, h = cols * cell, rows * cell
    grid = "".join(f'<line x1="{x + c * cell}" y1="{y}" x2="{x + c * cell}" y2="{y + h}" '
                   f'stroke="#FFFFFF" stroke-width="1"/>' for c in range(1, cols))
    grid += "".join(f'<line x1="{x}" y1="{y + r * cell}" x2="{x + w}" y2="{y + r * cell}" '
                    f'stroke="#FFFFFF" stroke-width="1"/>' for r in range(1, rows))
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}" '
            f'fill-opacity="{opacity}"/>' + grid
            + f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="none" stroke="{stroke}" '
            f'stroke-width="{width}"{dash_attr}/>')


def _line(x1, y1, x2, y2, colour, dash="") -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" '
            f'stroke-width="4"{dash_attr}/>')


def _text(g, x, y, text, css, fill=INK, anchor="start", size=None, weight="normal",
          wrap=0) -> str:
    """One ``<text>``; with ``wrap`` (characters per line) a long one is broken into
    ``<tspan>`` lines, whose text still joins back into ``text``."""
    size = g["label"] if size is None else size
    pieces = _wrap(text, wrap) if wrap else [text]
    if len(pieces) == 1:
        body = html.escape(text)
    else:
        step = round(1.2 * size)
        body = "".join(f'<tspan x="{x}" dy="{0 if k == 0 else step}">{html.escape(p)}</tspan>'
                       for k, p in enumerate(pieces))
    return (f'<text class="{css}" x="{x}" y="{y}" font-size="{size}" fill="{fill}" '
            f'text-anchor="{anchor}" font-weight="{weight}">{body}</text>')
