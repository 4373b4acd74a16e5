"""Headless tests of the gradient-flow explorer (notebook 08, C28).

Expected values come from a small re-implementation of the seeded deep stack
written here with plain numpy, following the seeding protocol documented in
``helpers.dynamics.gradient_flow``.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

import helpers.widgets.gradient_flow as gf
from helpers.widgets.gradient_flow import GradientFlowExplorer

STD = {"too_small": lambda d: 0.01, "too_large": lambda d: 1.0,
       "xavier": lambda d: np.sqrt(2.0 / (d + d)), "he": lambda d: np.sqrt(2.0 / d)}
LABEL = {"too_small": "too small", "too_large": "too large", "xavier": "Xavier", "he": "He",
         "linear": "linear", "tanh": "tanh", "relu": "ReLU"}


def expected_norms(depth, scheme, activation, residual, width=64, n=32, seed=0):
    """||dL/dH_l|| for l = 1..depth, by an independent loop over the layers."""
    rng = np.random.default_rng(seed)
    H = rng.standard_normal((n, width))
    Ws = [rng.standard_normal((width, width)) * STD[scheme](width) for _ in range(depth)]
    G = rng.standard_normal((n, width))
    s = 1 / np.sqrt(depth) if residual else 1.0
    inputs, pre = [], []
    for W in Ws:
        Z = H @ W
        A = Z if activation == "linear" else np.tanh(Z) if activation == "tanh" else \
            np.where(Z > 0, Z, 0.0)
        inputs.append(H)
        pre.append(Z)
        H = H + s * A if residual else A
    norms = [np.sqrt(np.sum(G * G))]
    for W, Z in zip(reversed(Ws), reversed(pre)):
        if activation == "linear":
            deriv = np.ones_like(Z)
        elif activation == "tanh":
            deriv = 1 - np.tanh(Z) ** 2
        else:
            deriv = (Z > 0).astype(float)
        G_new = (s * G * deriv) @ W.T
        G = G_new + G if residual else G_new
        norms.append(np.sqrt(np.sum(G * G)))
    return np.array(norms[:-1][::-1])  # drop dL/dX; layer 1 first


def text(widget) -> list[str]:
    """The plain-text lines of an HTML widget, one per <div>."""
    return [re.sub(r"<[^>]+>", "", d).replace("&lt;", "<").replace("&gt;", ">")
            for d in re.findall(r"<div[^>]*>.*?</div>", widget.value)]


def svg_texts(explorer) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", explorer.plot.value)


def test_default_view_states_depth_init_activation_and_ratio():
    ex = GradientFlowExplorer()
    want = expected_norms(20, "he", "relu", False)
    lines = text(ex.summary)
    assert lines[0] == f"depth 20, He, ReLU: layer 1 gradient norm / layer 20 = " \
                       f"{want[0] / want[-1]:.1e}"
    assert lines[1] == "verdict: stable (ratio between 1e-3 and 1e3)"
    assert lines[2] == f"average factor per layer: {(want[0] / want[-1]) ** (1 / 19):.3f} " \
                       f"(19 backward steps)"
    assert ex.errors == []


def test_css_classes_and_controls():
    ex = GradientFlowExplorer()
    classes = ex.widget._dom_classes
    assert "course-explorer" in classes and "gradient-flow-explorer" in classes
    assert "gradient-flow-depth" in ex.depth._dom_classes
    assert (ex.depth.min, ex.depth.max, ex.depth.step) == (1, 50, 1)
    assert ex.depth.description == "depth"
    assert "gradient-flow-init" in ex.init._dom_classes
    assert ex.init.description == "initialisation"
    assert [label for label, _ in ex.init.options] == ["too small", "too large", "Xavier", "He"]
    assert "gradient-flow-activation" in ex.activation._dom_classes
    assert [label for label, _ in ex.activation.options] == ["linear", "tanh", "ReLU"]
    assert "gradient-flow-residual" in ex.residual._dom_classes
    assert ex.residual.description == "residual"
    assert "gradient-flow-summary" in ex.summary._dom_classes
    assert "gradient-flow-plot" in ex.plot._dom_classes


@pytest.mark.parametrize("depth,scheme,activation,residual", list(itertools.product(
    [1, 50], ["too_small", "too_large", "xavier", "he"], ["linear", "tanh", "relu"],
    [False, True])))
def test_every_option_at_both_ends_of_the_slider(depth, scheme, activation, residual):
    ex = GradientFlowExplorer(depth=20)
    ex.depth.value = depth
    ex.init.value = scheme
    ex.activation.value = activation
    ex.residual.value = residual
    want = expected_norms(depth, scheme, activation, residual)
    np.testing.assert_allclose(ex.norms, want, rtol=1e-9)
    ratio = want[0] / want[-1]
    lines = text(ex.summary)
    tag = f"depth {depth}, {LABEL[scheme]}, {LABEL[activation]}" + (", residual" if residual
                                                                   else "")
    assert lines[0] == f"{tag}: layer 1 gradient norm / layer {depth} = {ratio:.1e}"
    circles = re.findall(r'<circle class="gradient-flow-point"', ex.plot.value)
    assert len(circles) == depth
    labels = svg_texts(ex)
    assert f"layer 1: {want[0]:.1e}" in labels
    if depth > 1:
        assert f"layer {depth}: {want[-1]:.1e}" in labels
    if residual:
        assert lines[-1] == f"residual branches scaled by 1/sqrt({depth})"
    assert ex.errors == []


def test_depth_one_has_ratio_one_and_says_so():
    ex = GradientFlowExplorer(depth=1, scheme="too_small", activation="tanh")
    lines = text(ex.summary)
    assert lines[0].endswith("layer 1 gradient norm / layer 1 = 1.0e+00")
    assert lines[2] == "one layer: no backward step between layer 1 and the output"


@pytest.mark.parametrize("scheme,activation,residual,verdict", [
    ("too_small", "relu", False, "verdict: vanishes (ratio < 1e-3)"),
    ("too_small", "tanh", False, "verdict: vanishes (ratio < 1e-3)"),
    ("xavier", "relu", False, "verdict: vanishes (ratio < 1e-3)"),
    ("too_large", "linear", False, "verdict: explodes (ratio > 1e3)"),
    ("too_large", "relu", False, "verdict: explodes (ratio > 1e3)"),
    ("he", "relu", False, "verdict: stable (ratio between 1e-3 and 1e3)"),
    ("xavier", "tanh", False, "verdict: stable (ratio between 1e-3 and 1e3)"),
    ("too_small", "relu", True, "verdict: stable (ratio between 1e-3 and 1e3)"),
    ("xavier", "relu", True, "verdict: stable (ratio between 1e-3 and 1e3)"),
])
def test_verdicts_at_depth_20(scheme, activation, residual, verdict):
    ex = GradientFlowExplorer(depth=20, scheme=scheme, activation=activation, residual=residual)
    ratio = expected_norms(20, scheme, activation, residual)
    ratio = ratio[0] / ratio[-1]
    # the verdict must agree with the independent ratio and the thresholds 1e-3, 1e3
    assert (ratio < 1e-3) == verdict.startswith("verdict: vanishes")
    assert (ratio > 1e3) == verdict.startswith("verdict: explodes")
    assert text(ex.summary)[1] == verdict


def test_moving_the_slider_changes_the_text():
    ex = GradientFlowExplorer(depth=20, scheme="too_small", activation="relu")
    before = text(ex.summary)[0]
    ex.depth.value = 10
    after = text(ex.summary)[0]
    assert before != after and after.startswith("depth 10, too small, ReLU")
    assert "layer 10:" in " ".join(svg_texts(ex))


def test_same_settings_give_the_same_numbers():
    a = GradientFlowExplorer(depth=33, scheme="xavier", activation="tanh")
    b = GradientFlowExplorer(depth=20)
    b.depth.value, b.init.value, b.activation.value = 33, "xavier", "tanh"
    assert a.summary.value == b.summary.value
    assert a.plot.value == b.plot.value


def test_broken_update_shows_its_error(monkeypatch):
    ex = GradientFlowExplorer()
    assert ex.error_area.layout.display == "none"

    def broken(*args, **kwargs):
        raise RuntimeError("deliberately broken for the test")

    monkeypatch.setattr(gf, "gradient_flow", broken)
    ex.depth.value = 7
    assert ex.errors == ["RuntimeError: deliberately broken for the test"]
    assert "deliberately broken for the test" in ex.error_area.value
    assert ex.error_area.layout.display != "none"
    monkeypatch.undo()
    ex.depth.value = 8
    assert ex.error_area.layout.display == "none"
    assert text(ex.summary)[0].startswith("depth 8, He, ReLU")


@pytest.mark.parametrize("kwargs,error", [
    ({"depth": 0}, ValueError), ({"depth": 51}, ValueError), ({"depth": 2.5}, TypeError),
    ({"scheme": "orthogonal"}, ValueError), ({"activation": "sigmoid"}, ValueError),
    ({"width": 0}, ValueError),
])
def test_bad_arguments_are_rejected(kwargs, error):
    with pytest.raises(error, match="GradientFlowExplorer"):
        GradientFlowExplorer(**kwargs)


def test_one_backward_step_is_singular_and_more_are_plural():
    ex = GradientFlowExplorer(depth=2)
    assert text(ex.summary)[2].endswith("(1 backward step)")
    ex.depth.value = 3
    assert text(ex.summary)[2].endswith("(2 backward steps)")


@pytest.mark.parametrize("depth", [1, 2, 20, 50])
def test_the_dashed_reference_line_has_a_legend_entry(depth):
    ex = GradientFlowExplorer(depth=depth)
    svg = ex.plot.value
    assert svg.count('class="gradient-flow-reference"') == 1
    assert 'stroke-dasharray="5 3"' in re.search(r'<line class="gradient-flow-reference"[^>]*>',
                                                 svg).group(0)
    legend = [t for t in svg_texts(ex) if t.startswith("dashed:")]
    assert legend == [f"dashed: layer {depth}'s norm, the reference"]
    assert "solid: norm per layer" in svg_texts(ex)


def test_every_label_stays_inside_the_drawing():
    for depth in (1, 9, 50):
        ex = GradientFlowExplorer(depth=depth, scheme="too_small")
        for size in ("normal", "large"):
            ex.size_toggle.value = size
            svg = ex.plot.value
            width = float(re.search(r'<svg[^>]* width="(\d+)"', svg).group(1))
            height = float(re.search(r'<svg[^>]* height="(\d+)"', svg).group(1))
            for match in re.finditer(r'<text x="([\d.]+)" y="([\d.]+)" font-size="(\d+)"'
                                     r'([^>]*)>([^<]*)<', svg):
                x, y, px = float(match[1]), float(match[2]), float(match[3])
                anchor = "end" if 'text-anchor="end"' in match[4] else \
                    "middle" if 'text-anchor="middle"' in match[4] else "start"
                span = 0.6 * px * len(match[5])  # a generous width for sans-serif text
                left = {"start": x, "middle": x - span / 2, "end": x - span}[anchor]
                assert 0 <= left and left + span <= width + 1 and px <= y <= height, (
                    size, depth, match[5])
        ex.size_toggle.value = "normal"
