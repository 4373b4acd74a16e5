"""Headless tests of the backward-pass stepper: press a button, read what the display says.

Expected shapes and formulas are written out here from the course's backward rules
(notebooks 03 and 06), not read from the widget's module.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from helpers.autodiff import Node
from helpers.widgets.backward_stepper import GRAPHS, BackwardStepper
from helpers.widgets.base import ERROR_CLASS, EXPLORER_CLASS

MLP, TWICE, LINEAR = "two-layer MLP", "a weight used twice", "one linear layer (notebook 00)"

# The two-layer MLP (n = 4, d_in = 3, d_hidden = 5, k = 2), step by step:
# (node that receives its gradient, g's shape, [(parent, formula, shape), ...]).
MLP_STEPS = [
    ("loss", "()", [("logits", "g * (softmax(logits) - one_hot(y)) / 4", "(4, 2)")]),
    ("logits", "(4, 2)", [("A1 @ W2", "g (same shape: passed on unchanged)", "(4, 2)"),
                          ("b2", "g summed over axis 0 (broadcast in the forward pass)",
                           "(2,)")]),
    ("b2", "(2,)", []),
    ("A1 @ W2", "(4, 2)", [("A1", "g @ W2.T", "(4, 5)"), ("W2", "A1.T @ g", "(5, 2)")]),
    ("W2", "(5, 2)", []),
    ("A1", "(4, 5)", [("Z1", "g * (Z1 > 0)", "(4, 5)")]),
    ("Z1", "(4, 5)", [("X @ W1", "g (same shape: passed on unchanged)", "(4, 5)"),
                      ("b1", "g summed over axis 0 (broadcast in the forward pass)", "(5,)")]),
    ("b1", "(5,)", []),
    ("X @ W1", "(4, 5)", [("W1", "X.T @ g", "(3, 5)")]),   # X is data: no dL/dX
    ("W1", "(3, 5)", []),
]


def text_of(value: str) -> str:
    return re.sub(r"<[^>]+>", "", value.replace("<br>", "\n")).replace("&gt;", ">")


def shown(stepper) -> list:
    return text_of(stepper.readout.value).splitlines()


def node_states(stepper) -> dict:
    return dict(re.findall(r'<g class="bs-node" data-label="([^"]+)" data-state="(\w+)"',
                           stepper.plot.value))


def test_controls_classes_and_ranges():
    s = BackwardStepper()
    assert {EXPLORER_CLASS, "backward-stepper"} <= set(s.widget._dom_classes)
    for widget, css in [(s.graph, "graph"), (s.step, "step"), (s.next_button, "next"),
                        (s.back_button, "back"), (s.reset_button, "reset"),
                        (s.readout, "readout"), (s.plot, "plot")]:
        assert f"backward-stepper-{css}" in widget._dom_classes
    assert ERROR_CLASS in s.error_area._dom_classes
    assert list(s.graph.options) == [MLP, TWICE, LINEAR]
    assert (s.step.min, s.step.max, s.step.step, s.step.value) == (0, 10, 1, 0)
    assert s.graph.description == "graph" and s.step.description == "step"
    assert [b.description for b in (s.next_button, s.back_button, s.reset_button)] == [
        "next step", "back", "reset"]


def test_step_zero_is_before_the_backward_pass():
    s = BackwardStepper()
    assert shown(s) == ["step 0 of 10: forward pass done; press next step to start the "
                        "backward pass at loss with dL/dloss = 1"]
    states = node_states(s)
    assert states["X"] == "constant"
    assert {v for k, v in states.items() if k != "X"} == {"waiting"}
    assert 'class="bs-flow"' not in s.plot.value
    assert s.back_button.disabled and s.reset_button.disabled and not s.next_button.disabled


def test_every_press_takes_one_backward_step_in_reverse_topological_order():
    s = BackwardStepper()
    for k, (node, g_shape, flows) in enumerate(MLP_STEPS, start=1):
        s.next_button.click()
        lines = shown(s)
        assert s.step.value == k
        assert lines[0] == f"step {k} of 10: the gradient has arrived at {node} " + lines[0][
            lines[0].index("("):]
        label = f"({node})" if " " in node else node
        assert lines[1] == f"g = dL/d{label}, shape {g_shape}"
        expected = [f"flows to {p}: {f}, shape {sh}" for p, f, sh in flows]
        assert [line for line in lines if line.startswith("flows to")] == expected
        if not flows:
            assert f"{node} is a leaf (a parameter): its gradient is final, nothing flows " \
                   f"further" in lines
        states = node_states(s)
        assert states[node] == "current"
        done = {n for n, _, _ in MLP_STEPS[:k - 1]}
        assert {n for n, st in states.items() if st == "done"} == done
        assert s.plot.value.count('class="bs-flow"') == len(flows)
    assert shown(s)[-1] == "backward pass complete: every parameter has its gradient"
    assert s.next_button.disabled and not s.back_button.disabled


def test_the_transposes_appear_in_backward_order():
    s = BackwardStepper(step=10)
    transposes = []
    for k in range(1, 11):
        s.step.value = k
        transposes += re.findall(r"\w+\.T", " ".join(shown(s)))
    assert transposes == ["W2.T", "A1.T", "X.T"]


def test_extremes_of_the_slider_and_the_buttons_stop_there():
    s = BackwardStepper(step=10)
    s.next_button.click()
    assert s.step.value == 10 and s.errors == []
    s.reset_button.click()
    assert s.step.value == 0
    s.back_button.click()
    assert s.step.value == 0 and s.errors == []
    s.step.value = 3
    s.back_button.click()
    assert s.step.value == 2


@pytest.mark.parametrize("graph, steps", [(MLP, 10), (TWICE, 8), (LINEAR, 5)])
def test_every_graph_at_both_ends(graph, steps):
    s = BackwardStepper(graph=graph)
    assert s.step.max == steps
    s.step.value = steps
    assert shown(s)[0].startswith(f"step {steps} of {steps}: ")
    assert set(node_states(s).values()) <= {"done", "current", "constant"}
    s.step.value = 0
    assert set(node_states(s).values()) <= {"waiting", "constant"}
    assert s.errors == []


def test_a_weight_used_twice_receives_the_sum_of_two_contributions():
    s = BackwardStepper(graph=TWICE)
    s.step.value = s.step.max
    lines = shown(s)
    assert lines[1] == "g = dL/dW, shape (3, 3)"
    assert "W is used 2 times: g is the sum of 2 contributions" in lines
    # ... and the widget's gradient is that sum: checked against central differences.
    loss = s.loss
    W = next(n for n in s.layout_ if n.name == "W")
    X = next(n for n in s.layout_ if n.name == "X").value
    b = next(n for n in s.layout_ if n.name == "b").value

    def f(Wv):
        H = np.maximum(X @ Wv + b, 0)
        return np.mean(H @ Wv + b)

    numeric = np.zeros_like(W.value)
    for idx in np.ndindex(W.shape):
        e = np.zeros_like(W.value)
        e[idx] = 1e-6
        numeric[idx] = (f(W.value + e) - f(W.value - e)) / 2e-6
    assert np.allclose(W.grad, numeric, atol=1e-8)
    assert loss.value.shape == ()


def test_the_worked_example_of_notebook_00_gives_its_gradients():
    s = BackwardStepper(graph=LINEAR)
    W = next(n for n in s.layout_ if n.name == "W")
    b = next(n for n in s.layout_ if n.name == "b")
    assert np.array_equal(W.grad, [[2.0, 2.0], [2.0, 2.0]])
    assert np.array_equal(b.grad, [3.0, 3.0])
    s.step.value = 4   # L, Y, b, then X @ W
    assert shown(s)[2:] == ["flows to W: X.T @ g, shape (2, 2)"]


def test_switching_graph_goes_back_to_step_zero_with_the_new_range():
    s = BackwardStepper(step=7)
    s.graph.value = LINEAR
    assert (s.step.value, s.step.max) == (0, 5)
    assert shown(s)[0].startswith("step 0 of 5: ") and "L with dL/dL = 1" in shown(s)[0]
    assert "W1" not in node_states(s)
    s.graph.value = MLP
    assert (s.step.value, s.step.max) == (0, 10) and s.errors == []


def test_node_boxes_show_shapes_and_forward_edges_point_right():
    s = BackwardStepper()
    boxes = re.findall(r'data-label="([^"]+)"[^>]*>.*?<text[^>]*>[^<]*</text><text[^>]*>'
                       r'([^<]*)</text>', s.plot.value)
    assert dict(boxes)["W1"] == "(3, 5)" and dict(boxes)["loss"] == "()"
    assert dict(boxes)["logits"] == "(4, 2)"
    edges = re.findall(r'<line class="bs-edge" x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"',
                       s.plot.value)
    assert len(edges) == 10 and all(float(x2) > float(x1) for x1, x2 in edges)


@pytest.mark.parametrize("kwargs, error", [
    ({"graph": "conv"}, ValueError), ({"step": 11}, ValueError), ({"step": -1}, ValueError),
    ({"step": 2.0}, TypeError), ({"step": True}, TypeError)])
def test_bad_settings_are_rejected_with_the_widgets_name(kwargs, error):
    with pytest.raises(error, match="BackwardStepper"):
        BackwardStepper(**kwargs)


def test_text_stand_in_names_the_stepper():
    text = BackwardStepper()._repr_mimebundle_()["text/plain"]
    assert text == "BackwardStepper (interactive: run this notebook in JupyterLab to use it)"


def test_a_broken_graph_shows_its_error_in_the_widget(monkeypatch):
    def broken():
        a = Node(np.ones((2, 3)), "A")
        return (a @ Node(np.ones((2, 3)), "B")).sum()

    s = BackwardStepper()
    monkeypatch.setitem(GRAPHS, LINEAR, broken)
    s.graph.value = LINEAR
    assert len(s.errors) >= 1 and "(2, 3)" in s.errors[-1]
    assert "This explorer hit an error" in s.error_area.value
    assert s.error_area.layout.display is None
    s.graph.value = MLP
    assert s.error_area.layout.display == "none"


def test_the_gradient_is_drawn_flowing_back_along_the_edges_to_its_parents():
    s = BackwardStepper(step=4)   # A1 @ W2 sends g @ W2.T to A1 and A1.T @ g to W2
    flows = re.findall(r'<line class="bs-flow" x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"',
                       s.plot.value)
    assert len(flows) == 2 and all(float(x2) < float(x1) for x1, x2 in flows)
    assert s.plot.value.count('class="bs-edge"') == 8     # the other forward edges
    borders = dict(re.findall(r'data-label="([^"]+)" data-state="\w+"><rect [^>]*stroke="'
                              r'([^"]+)"', s.plot.value))
    assert {k for k, v in borders.items() if v != "#000000"} == {"A1", "W2"}
