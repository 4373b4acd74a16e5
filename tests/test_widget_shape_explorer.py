"""Headless tests of the shape explorer: move a slider or pick a bug, read what it says."""

from __future__ import annotations

import html
import itertools
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.bugzoo import BUGS
from helpers.diagnose import diagnose_backward_function
from helpers.plots import OKABE_ITO
from helpers.widgets.base import ERROR_CLASS, ERROR_INK, MUTED
from helpers.widgets.shape_explorer import ShapeExplorer

TOP = 8  # the sliders' maximum, as promised in the module docstring


def texts(explorer, css: str) -> list[str]:
    """Contents of the SVG's <text> elements whose class list contains ``css``."""
    found = re.findall(r'<text class="([^"]*)"[^>]*>(.*?)</text>', explorer.diagram.value)
    # A long text is broken into <tspan> lines that join back into it.
    return [html.unescape(re.sub(r"<[^>]+>", "", body)) for classes, body in found
            if css in classes.split()]


def report(explorer) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "\n", explorer.report.value))


def shape(*sizes) -> str:
    # Python's own tuple repr: "(4, 3)" and "(2,)".
    return str(tuple(sizes))


def right_labels(n: int, d_in: int, d_out: int) -> list[str]:
    """Every box label of the bug-free display, row by row."""
    return [f"X {shape(n, d_in)}", f"W {shape(d_in, d_out)}", f"b {shape(d_out)}",
            f"Y {shape(n, d_out)}",
            f"X.T {shape(d_in, n)}", f"dL_dY {shape(n, d_out)}", f"dL_dW {shape(d_in, d_out)}",
            f"dL_dY {shape(n, d_out)}", f"W.T {shape(d_out, d_in)}", f"dL_dX {shape(n, d_in)}",
            f"dL_dY {shape(n, d_out)}", f"dL_db {shape(d_out)}"]


def assert_right(explorer, n: int, d_in: int, d_out: int) -> None:
    assert texts(explorer, "shape-label") == right_labels(n, d_in, d_out)
    inner = texts(explorer, "inner-dim")
    assert inner[0].startswith(f"inner: d_in = {d_in};")
    assert inner[1:] == [f"inner: n = {n}", f"inner: d_out = {d_out}",
                         f"sum over axis 0: the n = {n} rows"]
    assert texts(explorer, "shape-wrong") == []
    text = report(explorer)
    assert (f"dL_dX ({n}, {d_in}) like X, dL_dW ({d_in}, {d_out}) like W, dL_db ({d_out},) "
            f"like b") in text
    assert explorer.errors == []
    assert explorer.error_area.layout.display == "none"


def set_sizes(explorer, n, d_in, d_out) -> None:
    explorer.n.value, explorer.d_in.value, explorer.d_out.value = n, d_in, d_out


def how_caught(bug: str, n: int, d_in: int, d_out: int) -> str:
    """Classify a bug at these sizes by running it here, without the explorer."""
    rng = np.random.default_rng(123)
    X, W = rng.standard_normal((n, d_in)), rng.standard_normal((d_in, d_out))
    dL_dY = rng.standard_normal((n, d_out))
    try:
        got = BUGS[bug](dL_dY, X, W)
    except ValueError:
        return "Caught by a shape error"
    right = (dL_dY @ W.T, X.T @ dL_dY, dL_dY.sum(axis=0))
    if any(g.shape != r.shape for g, r in zip(got, right)):
        return "Caught by the shape check"
    if any(not np.allclose(g, r) for g, r in zip(got, right)):
        return "Caught only by the values check"
    return "Not caught here"


# ------------------------------------------------------------------ structure

def test_classes_controls_and_ranges():
    explorer = ShapeExplorer()
    assert {"course-explorer", "shape-explorer"} <= set(explorer.widget._dom_classes)
    for control, css, desc in ((explorer.n, "shape-explorer-n", "n"),
                               (explorer.d_in, "shape-explorer-d-in", "d_in"),
                               (explorer.d_out, "shape-explorer-d-out", "d_out")):
        assert css in control._dom_classes
        assert control.description == desc
        assert (control.min, control.max) == (1, TOP)
    assert "shape-explorer-bug" in explorer.bug._dom_classes
    assert explorer.bug.description == "bug"
    assert list(explorer.bug.options) == ["none", "missing_transpose",
                                          "transposed_weight_gradient", "wrong_reduction_axis",
                                          "elementwise_instead_of_matmul", "discarded_input",
                                          "mean_sum_mismatch", "swapped_gradients"]
    assert "shape-explorer-diagram" in explorer.diagram._dom_classes
    assert "shape-explorer-report" in explorer.report._dom_classes
    assert ERROR_CLASS in explorer.error_area._dom_classes


def test_default_shows_the_running_example():
    explorer = ShapeExplorer()
    assert (explorer.n.value, explorer.d_in.value, explorer.d_out.value) == (4, 3, 2)
    assert explorer.bug.value == "none"
    assert_right(explorer, 4, 3, 2)
    assert "X (4, 3)" in texts(explorer, "shape-label")


def test_svg_has_alt_text_and_only_colour_blind_safe_colours():
    explorer = ShapeExplorer(bug="transposed_weight_gradient")
    svg = explorer.diagram.value
    assert svg.count("<svg") == 1 and 'role="img"' in svg
    title = re.search(r"<title>([^<]+)</title>", svg).group(1)
    label = re.search(r'aria-label="([^"]+)"', svg).group(1)
    assert title == label
    assert "X (4, 3) @ W (3, 2)" in html.unescape(title)
    assert "dL_dW is transposed" in html.unescape(title)
    colours = {c.upper() for c in re.findall(r'(?:fill|stroke)="(#[0-9A-Fa-f]{6})"', svg)}
    # Okabe-Ito, and the darker text shades of its vermillion and green (4.5:1 on white).
    allowed = {c.upper() for c in OKABE_ITO.values()} | {"#FFFFFF", MUTED, ERROR_INK,
                                                         "#00704F"}
    assert colours and colours <= allowed


def test_boxes_are_drawn_to_scale():
    explorer = ShapeExplorer(n=5, d_in=2, d_out=7)
    rects = re.findall(r'<rect x="[^"]+" y="[^"]+" width="(\d+)" height="(\d+)" fill="none"',
                       explorer.diagram.value)
    sizes = [(int(w), int(h)) for w, h in rects]
    # X is 5 x 2 and W is 2 x 7: widths and heights in the ratio of columns and rows.
    (xw, xh), (ww, wh) = sizes[0], sizes[1]
    assert xw * 5 == xh * 2
    assert ww * 2 == wh * 7
    assert xw == wh  # the inner dimension d_in has one length in both boxes


# ------------------------------------------------------------------- sliders

def test_moving_n_relabels_live():
    explorer = ShapeExplorer()
    explorer.n.value = 5
    assert "X (5, 3)" in texts(explorer, "shape-label")
    assert_right(explorer, 5, 3, 2)


@pytest.mark.parametrize("name", ["n", "d_in", "d_out"])
@pytest.mark.parametrize("value", [1, 5, TOP])
def test_each_slider_over_its_range(name, value):
    explorer = ShapeExplorer()
    getattr(explorer, name).value = value
    sizes = {"n": 4, "d_in": 3, "d_out": 2, name: value}
    assert_right(explorer, sizes["n"], sizes["d_in"], sizes["d_out"])


@pytest.mark.parametrize("sizes", list(itertools.product([1, TOP], repeat=3)))
def test_every_corner_of_the_size_cube(sizes):
    explorer = ShapeExplorer()
    set_sizes(explorer, *sizes)
    assert_right(explorer, *sizes)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, TOP), st.integers(1, TOP), st.integers(1, TOP),
       st.sampled_from(["none", *BUGS]))
def test_forward_row_is_always_right(n, d_in, d_out, bug):
    explorer = ShapeExplorer(bug=bug)
    set_sizes(explorer, n, d_in, d_out)
    labels = texts(explorer, "shape-label")
    assert labels[:4] == right_labels(n, d_in, d_out)[:4]
    assert explorer.errors == []


# ---------------------------------------------------------------------- bugs

# What each bug shows at n=4, d_in=3, d_out=2: (marked labels, notes, caught how).
AT_4_3_2 = {
    "missing_transpose": (["dL_dX: ValueError"], ["no result:", "expected (4, 3)"],
                          "Caught by a shape error"),
    "transposed_weight_gradient": (["dL_dW (2, 3) \u2717"], ["expected (3, 2)"],
                                   "Caught by the shape check"),
    "wrong_reduction_axis": (["dL_db (4,) \u2717"], ["expected (2,)"],
                             "Caught by the shape check"),
    "elementwise_instead_of_matmul": (["dL_dW: ValueError"], ["no result:", "expected (3, 2)"],
                                      "Caught by a shape error"),
    "discarded_input": (["dL_dW (3, 2) \u2717"], ["wrong values"],
                        "Caught only by the values check"),
    "mean_sum_mismatch": (["dL_dW (3, 2) \u2717", "dL_dX (4, 3) \u2717", "dL_db (2,) \u2717"],
                          ["wrong values"] * 3, "Caught only by the values check"),
    "swapped_gradients": (["dL_dW (4, 3) \u2717", "dL_dX (3, 2) \u2717"],
                          ["expected (3, 2)", "expected (4, 3)"], "Caught by the shape check"),
}


@pytest.mark.parametrize("bug", list(BUGS))
def test_every_bug_at_distinct_sizes(bug):
    explorer = ShapeExplorer()
    explorer.bug.value = bug
    marked, notes, caught = AT_4_3_2[bug]
    assert texts(explorer, "shape-wrong") == marked
    assert texts(explorer, "shape-note") == notes
    text = report(explorer)
    assert f"Bug: {bug}." in text
    assert caught in text
    rng = np.random.default_rng(0)
    X, W = rng.standard_normal((4, 3)), rng.standard_normal((3, 2))
    dL_dY = rng.standard_normal((4, 2))
    sentence = str(diagnose_backward_function(BUGS[bug], X, W, dL_dY))
    assert f"Diagnosis: {sentence}" in text
    assert explorer.errors == []


def test_buggy_lines_are_shown():
    explorer = ShapeExplorer()
    lines = {"missing_transpose": "dL_dX = dL_dY @ W",
             "transposed_weight_gradient": "dL_dW = dL_dY.T @ X",
             "wrong_reduction_axis": "dL_db = dL_dY.sum(axis=1)",
             "elementwise_instead_of_matmul": "dL_dW = X * dL_dY",
             "discarded_input": "dL_dW = X_stale.T @ dL_dY",
             "mean_sum_mismatch": "dL_dX = dL_dY @ W.T / n",
             "swapped_gradients": "dL_dX = X.T @ dL_dY"}
    for bug, line in lines.items():
        explorer.bug.value = bug
        assert line in report(explorer)
        assert f"{line}   (buggy line)" in texts(explorer, "row-title")
    assert explorer.errors == []


def test_mismatched_inner_dimension_is_named():
    explorer = ShapeExplorer(bug="missing_transpose")
    assert "inner: 2 \u2260 3 (d_out vs d_in): no product" in texts(explorer, "inner-dim")


def test_square_shapes_hide_every_bug_from_the_shapes():
    explorer = ShapeExplorer()
    set_sizes(explorer, 3, 3, 3)
    for bug in BUGS:
        explorer.bug.value = bug
        assert "Caught only by the values check" in report(explorer), bug
        assert not any("ValueError" in t for t in texts(explorer, "shape-label"))
        assert "wrong values" in texts(explorer, "shape-note")
    assert explorer.errors == []


def test_a_bug_that_happens_to_be_right_is_said_to_be_so():
    explorer = ShapeExplorer(bug="mean_sum_mismatch")
    explorer.n.value = 1  # dividing by n = 1 changes nothing
    assert "Not caught here" in report(explorer)
    assert texts(explorer, "shape-wrong") == []
    assert texts(explorer, "shape-note") == ["right by luck"] * 3


@pytest.mark.parametrize("bug", ["none", *BUGS])
@pytest.mark.parametrize("sizes", list(itertools.product([1, TOP], repeat=3))
                         + [(4, 3, 2), (2, 1, 3), (3, 3, 3)])
def test_every_bug_at_extreme_sizes(bug, sizes):
    explorer = ShapeExplorer()
    set_sizes(explorer, *sizes)
    explorer.bug.value = bug
    assert explorer.errors == []
    text = report(explorer)
    if bug == "none":
        assert_right(explorer, *sizes)
        return
    assert how_caught(bug, *sizes) in text
    assert "Diagnosis: " in text
    # Untouched rows keep their right labels.
    assert texts(explorer, "shape-label")[:4] == right_labels(*sizes)[:4]


def test_summary_is_the_report_as_text():
    explorer = ShapeExplorer(bug="wrong_reduction_axis")
    lines = explorer.summary().splitlines()
    assert lines[1] == "Bug: wrong_reduction_axis."
    assert lines[3] == "Caught by the shape check: dL_db is (4,) but b is (2,)."


# -------------------------------------------------------------------- errors

def test_a_broken_update_shows_in_the_error_area():
    explorer = ShapeExplorer()

    def broken(*args, **kwargs):
        raise ZeroDivisionError("drawing failed on purpose")

    explorer._svg = broken
    explorer.n.value = 6
    assert explorer.errors == ["ZeroDivisionError: drawing failed on purpose"]
    assert "drawing failed on purpose" in explorer.error_area.value
    assert explorer.error_area.layout.display != "none"
    del explorer._svg  # the class's method again
    explorer.n.value = 5
    assert explorer.error_area.layout.display == "none"
    assert explorer.error_area.value == ""
    assert "X (5, 3)" in texts(explorer, "shape-label")
    assert len(explorer.errors) == 1  # the list keeps the history


@pytest.mark.parametrize("kwargs, error", [
    ({"n": 0}, ValueError), ({"d_in": TOP + 1}, ValueError), ({"d_out": -2}, ValueError),
    ({"n": 2.5}, TypeError), ({"d_in": True}, TypeError), ({"d_out": "3"}, TypeError),
    ({"bug": "no_such_bug"}, ValueError), ({"bug": 3}, TypeError),
    ({"seed": -1}, ValueError), ({"seed": 1.5}, TypeError),
])
def test_bad_arguments_are_refused_with_a_clear_message(kwargs, error):
    with pytest.raises(error, match="ShapeExplorer"):
        ShapeExplorer(**kwargs)


# -------------------------------------------------------------------- layout

def placed(explorer, css: str) -> list[tuple[float, float, str]]:
    """(x, y, text) of each SVG <text> whose class list contains ``css``, in order."""
    found = re.findall(r'<text class="([^"]*)" x="([^"]+)" y="([^"]+)"[^>]*>(.*?)</text>',
                       explorer.diagram.value)
    return [(float(x), float(y), html.unescape(re.sub(r"<[^>]+>", "", body)))
            for classes, x, y, body in found if css in classes.split()]


def svg_height(explorer) -> float:
    return float(re.search(r'<svg[^>]* height="([\d.]+)"', explorer.diagram.value).group(1))


@pytest.mark.parametrize("bug", ["none", *BUGS])
@pytest.mark.parametrize("sizes", [(4, 3, 2), (3, 3, 3), (1, 3, 2), (TOP, TOP, TOP),
                                   (4, 1, 2)])
def test_the_report_is_drawn_beside_the_row_it_concerns(bug, sizes):
    explorer = ShapeExplorer(bug=bug)
    set_sizes(explorer, *sizes)
    rows = [y for _, y, _ in placed(explorer, "row-title")]
    assert len(rows) == 4 and rows == sorted(rows)
    report_lines = placed(explorer, "row-report")
    drawn = "".join(text for _, _, text in report_lines)
    lines = explorer.summary().splitlines()
    # The first sentence beside the forward row (above the first gradient's row).
    assert drawn.startswith(lines[0]) and report_lines[0][1] < rows[1]
    if bug == "none":
        assert drawn == lines[0] + lines[1]
    else:
        # How the bug is caught, then the diagnosis, starting beside the first row marked
        # wrong (or right by luck).
        assert drawn == lines[0] + lines[3] + lines[4]
        marked = [y for _, y, _ in placed(explorer, "shape-wrong") + placed(explorer,
                                                                          "shape-note")]
        row = max(k for k, top in enumerate(rows) if top <= min(marked))
        end = rows[row + 1] if row + 1 < 4 else svg_height(explorer)
        caught = next(y for _, y, text in report_lines
                      if text.startswith(("Caught", "Not caught")))
        assert rows[row] < caught < end, (bug, sizes, rows, caught)
    # One line each, in one column, never on a title line.
    ys = [y for _, y, _ in report_lines]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)
    assert len({x for x, _, _ in report_lines}) == 1
    assert not set(ys) & set(rows)


@pytest.mark.parametrize("bug", ["none", *BUGS])
def test_nothing_moves_while_a_slider_does(bug):
    """The rows and the report's column stay where they are, whatever the sizes."""
    explorer = ShapeExplorer(bug=bug)
    columns, rows = set(), set()
    for sizes in itertools.product([1, TOP], repeat=3):
        set_sizes(explorer, *sizes)
        columns |= {x for x, _, _ in placed(explorer, "row-report")}
        rows.add(tuple(y for _, y, _ in placed(explorer, "row-title")))
    assert len(columns) == 1 and len(rows) == 1


@pytest.fixture
def large():
    from helpers.widgets.base import set_size
    set_size("large")
    try:
        yield
    finally:
        set_size("normal")


@pytest.mark.parametrize("bug", ["none", *BUGS])
def test_large_text_is_16_px_and_the_diagram_stays_short(large, bug):
    explorer = ShapeExplorer(bug=bug)
    assert explorer.size == "large"
    for sizes in itertools.product([1, TOP], repeat=3):
        set_sizes(explorer, *sizes)
        svg = explorer.diagram.value
        fonts = [int(px) for px in re.findall(r'font-size="(\d+)"', svg)]
        assert fonts and min(fonts) >= 16
        # Drawn at its own width (1080 px) on a 1280 px screen, so nothing shrinks; 4 rows
        # and the report beside them leave room for the controls in 600 px.
        assert re.search(r'<svg[^>]* width="1080"', svg)
        assert svg_height(explorer) <= 500, (bug, sizes, svg_height(explorer))
    assert explorer.errors == []
