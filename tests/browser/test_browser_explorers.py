"""Each explorer in JupyterLab shows the right values after a learner moves its controls.

The expected texts are computed here from the sizes the sliders show, following
the contract in each explorer's module docstring; they never come from the
explorer's own code.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


def notebook_named(number: str) -> str:
    found = sorted(NOTEBOOK_DIR.glob(f"{number}_*.ipynb"))
    if not found:
        pytest.skip(f"notebook {number} does not exist yet")
    return found[0].name


def the_explorer(explorers, kind: str):
    matching = [explorer for explorer in explorers if explorer.kind == kind]
    assert len(matching) == 1, (f"expected one .{kind}, found "
                                f"{[explorer.kind for explorer in explorers]}")
    return matching[0]


def settled(explorer, update, what: str) -> None:
    """An input happened, changed the display and raised nothing."""
    assert update is not None, f"{what} could not move"
    assert update.changed, f"{what} did not change the display"
    assert explorer.errors() == [], f"{what}: {explorer.errors()}"


# --------------------------------------------------------------------- 01: Jacobian

_JS_SLICES = """(root) => Array.from(root.querySelectorAll('svg.jacobian-slice')).map((svg) => {
  const rows = (selector) => Array.from(svg.querySelectorAll(selector))
    .map((rect) => Number(rect.getAttribute('y')));
  const all = [...new Set(rows('rect'))].sort((a, b) => a - b);
  const nonzero = [...new Set(rows('rect.jx-nonzero'))];
  const labels = Array.from(svg.querySelectorAll('text')).map((t) => t.textContent.trim());
  return {title: labels[0], rows: all.length, nonzero_rows: nonzero.map((y) => all.indexOf(y)),
          nonzero: svg.querySelectorAll('rect.jx-nonzero').length,
          zero: svg.querySelectorAll('rect.jx-zero').length, labels: labels.slice(1)};
})"""


def check_jacobian(explorer, d_in_slider, d_out_slider) -> None:
    d_in, d_out = int(d_in_slider.value), int(d_out_slider.value)
    assert d_in_slider.readout == str(d_in) and d_out_slider.readout == str(d_out)
    total = d_out * d_out * d_in
    summary = explorer.text(".jacobian-explorer-summary")
    for fact in (f"W is (d_out, d_in) = ({d_out}, {d_in})",
                 f"dy/dW has shape (d_out, d_out, d_in) = ({d_out}, {d_out}, {d_in}): "
                 f"{total} numbers",
                 f"non-zero: {d_out * d_in} of {total}",
                 f"dy/dx = W has shape ({d_out}, {d_in}); dy/db = I has shape "
                 f"({d_out}, {d_out})"):
        assert fact in summary, f"d_in={d_in}, d_out={d_out}: {fact!r} not in {summary!r}"
    slices = explorer.locator.evaluate(_JS_SLICES)
    assert len(slices) == d_out, f"{len(slices)} slices drawn for d_out={d_out}"
    for i, drawn in enumerate(slices):
        assert drawn["title"] == f"slice i={i}: dy_{i}/dW ({d_out}, {d_in})"
        assert drawn["rows"] == d_out
        # Slice i: row i holds x, every other row is zero.
        assert drawn["nonzero_rows"] == [i], f"slice {i}: non-zero rows {drawn['nonzero_rows']}"
        assert drawn["nonzero"] == d_in and drawn["zero"] == (d_out - 1) * d_in
        assert sorted(label for label in drawn["labels"] if label != "0") == \
            sorted(f"x[{col}]" for col in range(d_in))


@pytest.mark.browser
def test_jacobian_explorer_draws_one_slice_per_output(explorers_in):
    notebook, explorers = explorers_in(notebook_named("01"))
    explorer = the_explorer(explorers, "jacobian-explorer")
    d_in = explorer.slider("jacobian-explorer-d-in")
    d_out = explorer.slider("jacobian-explorer-d-out")
    assert (d_in.description, d_out.description) == ("d_in", "d_out")
    assert d_in.bounds == (1, 6) and d_out.bounds == (1, 6)
    check_jacobian(explorer, d_in, d_out)
    d_in.handle.focus()
    for key in ("End", "ArrowLeft", "Home", "ArrowRight"):
        update = d_in.press(key)
        settled(explorer, update, f"d_in {key}")
        check_jacobian(explorer, d_in, d_out)
    d_out.handle.focus()
    for key in ("Home", "ArrowRight", "End", "ArrowLeft"):
        update = d_out.press(key)
        settled(explorer, update, f"d_out {key}")
        check_jacobian(explorer, d_in, d_out)
    notebook.screenshot("-jacobian-explorer", element=explorer.locator)


# --------------------------------------------------------------------- 04: shapes

def correct_labels(n: int, d_in: int, d_out: int) -> set[str]:
    return {f"X ({n}, {d_in})", f"W ({d_in}, {d_out})", f"b ({d_out},)",
            f"Y ({n}, {d_out})", f"X.T ({d_in}, {n})", f"dL_dY ({n}, {d_out})",
            f"dL_dW ({d_in}, {d_out})", f"W.T ({d_out}, {d_in})",
            f"dL_dX ({n}, {d_in})", f"dL_db ({d_out},)"}


def shape_state(explorer):
    return {"labels": set(explorer.texts("text.shape-label")),
            "wrong": explorer.texts("text.shape-wrong"),
            "notes": explorer.texts("text.shape-note"),
            "inner": " | ".join(explorer.texts("text.inner-dim")),
            "report": explorer.text(".shape-explorer-report")}


def check_correct_layer(explorer, n, d_in, d_out):
    state = shape_state(explorer)
    assert state["labels"] == correct_labels(n, d_in, d_out), (
        f"n={n}, d_in={d_in}, d_out={d_out}: labels {sorted(state['labels'])}")
    assert state["wrong"] == [] and state["notes"] == []
    for text in (f"inner: d_in = {d_in}", f"inner: n = {n}", f"inner: d_out = {d_out}",
                 f"sum over axis 0: the n = {n} rows"):
        assert text in state["inner"], f"{text!r} not in {state['inner']!r}"
    assert state["report"].startswith(
        f"Y = X @ W + b: X ({n}, {d_in}) @ W ({d_in}, {d_out}) + b ({d_out},) gives "
        f"Y ({n}, {d_out}).")
    assert "Every gradient has the shape of what it differentiates" in state["report"]


@pytest.mark.browser
def test_shape_explorer_labels_follow_sliders_and_bugs(explorers_in):
    notebook, explorers = explorers_in(notebook_named("04"))
    explorer = the_explorer(explorers, "shape-explorer")
    sliders = {name: explorer.slider(f"shape-explorer-{name.replace('_', '-')}")
               for name in ("n", "d_in", "d_out")}
    bug = explorer.dropdown("shape-explorer-bug")
    assert [s.description for s in sliders.values()] == ["n", "d_in", "d_out"]
    assert all(s.bounds == (1, 8) for s in sliders.values())
    assert bug.description == "bug" and bug.options[0] == "none"
    assert set(bug.options[1:]) >= {"missing_transpose", "transposed_weight_gradient"}

    def sizes():
        return tuple(int(sliders[name].value) for name in ("n", "d_in", "d_out"))

    if bug.value != "none":
        bug.choose("none")
    check_correct_layer(explorer, *sizes())
    # Each slider to its extremes and one step in: every label follows.
    for name, keys in (("n", ("End", "ArrowLeft")), ("d_in", ("Home", "ArrowRight")),
                       ("d_out", ("End", "Home"))):
        sliders[name].handle.focus()
        for key in keys:
            settled(explorer, sliders[name].press(key), f"{name} {key}")
            assert sliders[name].readout == str(int(sliders[name].value))
            check_correct_layer(explorer, *sizes())

    # The module's own example: from the default sizes, n -> 5 gives X (5, 3).
    for name, value in (("n", 4), ("d_in", 3), ("d_out", 2)):
        sliders[name].set_to(value)
    check_correct_layer(explorer, 4, 3, 2)
    sliders["n"].handle.focus()
    settled(explorer, sliders["n"].press("ArrowRight"), "n ArrowRight")
    assert "X (5, 3)" in shape_state(explorer)["labels"]
    check_correct_layer(explorer, 5, 3, 2)
    n, d_in, d_out = sizes()

    # dL_dW = dL_dY.T @ X has shape (d_out, d_in): the shape check catches it.
    settled(explorer, bug.choose("transposed_weight_gradient"), "bug transposed_weight_gradient")
    state = shape_state(explorer)
    assert state["wrong"] == [f"dL_dW ({d_out}, {d_in}) \u2717"], state["wrong"]
    assert f"expected ({d_in}, {d_out})" in state["notes"]
    assert "Bug: transposed_weight_gradient." in state["report"]
    assert "Caught by the shape check" in state["report"]

    # dL_dX = dL_dY @ W cannot be formed: (n, d_out) @ (d_in, d_out) with d_out != d_in.
    settled(explorer, bug.choose("missing_transpose"), "bug missing_transpose")
    state = shape_state(explorer)
    assert "dL_dX: ValueError" in state["wrong"], state["wrong"]
    assert f"inner: {d_out} \u2260 {d_in} (d_out vs d_in): no product" in state["inner"]
    assert "Caught by a shape error" in state["report"]

    # Square sizes hide the transposed gradient from the shape check: only values differ.
    settled(explorer, bug.choose("transposed_weight_gradient"), "bug transposed_weight_gradient")
    for name in ("n", "d_in", "d_out"):
        sliders[name].set_to(3)
    state = shape_state(explorer)
    assert state["wrong"] == ["dL_dW (3, 3) \u2717"], state["wrong"]
    assert "wrong values" in state["notes"]
    assert "Caught only by the values check" in state["report"]
    assert explorer.errors() == []

    settled(explorer, bug.choose("none"), "bug none")
    check_correct_layer(explorer, 3, 3, 3)
    notebook.screenshot("-shape-explorer", element=explorer.locator)


# --------------------------------------------------------------------- 05: step size

# The explorer's functions, their points and true derivatives, computed here.
FUNCTIONS = {
    "x^3 at x = 1.5": (lambda x: x ** 3, 1.5, 3 * 1.5 ** 2),
    "sin(x) at x = 1": (np.sin, 1.0, float(np.cos(1.0))),
    "exp(x) at x = 0.5": (np.exp, 0.5, float(np.exp(0.5))),
}
LOG_STEPS = range(-14, 0)


def my_difference(label: str, log_h: int, scheme: str, dtype: str):
    """The difference quotient, computed here in ``dtype``; and whether x + h == x."""
    f, x0, _ = FUNCTIONS[label]
    t = np.dtype(dtype).type
    x, h = t(x0), t(float(f"1e{log_h}"))
    if scheme == "central":
        value = (f(x + h) - f(x - h)) / (t(2) * h)
    else:
        value = (f(x + h) - f(x)) / h
    return float(value), bool(x + h == x)


def my_best_step(label: str, scheme: str, dtype: str) -> int:
    true = FUNCTIONS[label][2]
    return min(LOG_STEPS, key=lambda k: abs(my_difference(label, k, scheme, dtype)[0] - true))


def parse_error(text: str) -> float:
    return 0.0 if text.startswith("0 (exact") else float(text)


def check_step_size(explorer, slider, scheme_box, dtype_box, function_box) -> str:
    log_h, scheme = int(slider.value), scheme_box.value
    dtype, label = dtype_box.value, function_box.value
    assert slider.readout in (str(log_h), f"\u2212{-log_h}")  # the readout may use a minus sign
    lines = explorer.lines(".step-size-readout")
    assert len(lines) == 6, lines
    assert lines[0] == (f"h = {float(f'1e{log_h}'):.0e} (log10 h = {log_h}), {scheme} "
                        f"differences in {dtype}"), lines[0]
    facts = dict(line.split(": ", 1) for line in lines[1:4])
    true = FUNCTIONS[label][2]
    assert float(facts["true derivative"]) == pytest.approx(true, rel=1e-15)
    shown = float(facts["numerical derivative"])
    mine, lost = my_difference(label, log_h, scheme, dtype)
    eps = float(np.finfo(dtype).eps)
    digits = 16 if dtype == "float64" else 8
    f, x0, _ = FUNCTIONS[label]
    # Same formula, same dtype: equal up to the digits shown and a few roundings of f.
    tolerance = 8 * eps * max(abs(float(f(x0))), 1.0) / float(f"1e{log_h}") \
        + 10.0 ** (1 - digits) * abs(mine)
    assert abs(shown - mine) <= tolerance, (
        f"{label}, {scheme}, {dtype}, h=1e{log_h}: shows {shown}, computed here {mine}")
    error = parse_error(facts["relative error"])
    if error > 100 * 10.0 ** -digits:
        # The error shown is the one of the derivative shown (two significant digits).
        assert error == pytest.approx(abs(shown - true) / abs(true), rel=0.06)
    best = my_best_step(label, scheme, dtype)
    assert lines[4].startswith(f"best step on this curve: h = {float(f'1e{best}'):.0e} "), (
        f"{label}, {scheme}, {dtype}: computed here the best step 1e{best}; shown {lines[4]}")
    if lost:
        assert "x + h rounds to x" in lines[5] and shown == 0.0, lines[5]
    elif log_h == best:
        assert lines[5] == "this is the best step on this curve", lines[5]
    elif log_h > best:
        assert "truncation error dominates" in lines[5], lines[5]
    else:
        assert "round-off error dominates" in lines[5], lines[5]
    marker = explorer.texts("text.step-size-marker-label")
    assert marker == [f"h = {float(f'1e{log_h}'):.0e}: {facts['relative error']}"], marker
    legend = " ".join(explorer.texts(".step-size-svg text"))
    other = "forward" if scheme == "central" else "central"
    assert f"{scheme} (solid)" in legend and f"{other} (dashed)" in legend
    return lines[5]


@pytest.mark.browser
def test_step_size_explorer_errors_follow_the_step(explorers_in):
    notebook, explorers = explorers_in(notebook_named("05"))
    explorer = the_explorer(explorers, "step-size-explorer")
    slider = explorer.slider("step-size-log-h")
    scheme = explorer.dropdown("step-size-scheme")
    dtype = explorer.dropdown("step-size-dtype")
    function = explorer.dropdown("step-size-function")
    assert slider.description == "log10(h)" and slider.bounds == (-14, -1)
    assert scheme.options == ["central", "forward"] and dtype.options == ["float64", "float32"]
    assert set(function.options) == set(FUNCTIONS)
    controls = (explorer, slider, scheme, dtype, function)
    for box, value in ((scheme, "central"), (dtype, "float64"), (function, "x^3 at x = 1.5")):
        box.choose(value)
    check_step_size(*controls)
    slider.handle.focus()
    for key in ("End", "Home", "ArrowRight"):
        settled(explorer, slider.press(key), f"log10(h) {key}")
        check_step_size(*controls)
    slider.set_to(-5)
    assert check_step_size(*controls) == "this is the best step on this curve"
    settled(explorer, scheme.choose("forward"), "scheme forward")
    check_step_size(*controls)
    slider.set_to(-8)
    assert check_step_size(*controls) == "this is the best step on this curve"
    settled(explorer, dtype.choose("float32"), "dtype float32")
    assert "x + h rounds to x" in check_step_size(*controls)
    for label in FUNCTIONS:
        if label != function.value:
            settled(explorer, function.choose(label), f"function {label}")
        for key in ("ArrowRight", "End"):  # out of the lost-step zone, then the far end
            settled(explorer, slider.press(key), f"log10(h) {key}")
            check_step_size(*controls)
        slider.set_to(-8)
    assert explorer.errors() == []
    notebook.screenshot("-step-size-explorer", element=explorer.locator)


# --------------------------------------------------------------------- 08: gradient flow

_RATIO = re.compile(r"depth (\d+), (.+?), (.+?)(, residual)?: layer 1 gradient norm / "
                    r"layer (\d+) = (\S+)$")


def check_gradient_flow(explorer, depth_slider, init_box, activation_box, residual_box):
    depth = int(depth_slider.value)
    assert depth_slider.readout == str(depth)
    ratio_line = explorer.text(".gradient-flow-ratio").strip()
    match = _RATIO.match(ratio_line)
    assert match, ratio_line
    assert int(match[1]) == depth and int(match[5]) == depth, ratio_line
    assert (match[2], match[3]) == (init_box.value, activation_box.value), ratio_line
    assert bool(match[4]) == residual_box.value, ratio_line
    ratio = float(match[6])
    verdict = explorer.text(".gradient-flow-verdict").strip()
    expected = ("vanishes" if ratio < 1e-3 else "explodes" if ratio > 1e3 else "stable")
    assert verdict.startswith(f"verdict: {expected}"), (ratio_line, verdict)
    factor_line = explorer.text(".gradient-flow-factor").strip()
    if depth == 1:
        assert factor_line == "one layer: no backward step between layer 1 and the output"
    else:
        factor_match = re.fullmatch(r"average factor per layer: (\S+) \((\d+) backward steps?\)",
                                    factor_line)
        assert factor_match and int(factor_match[2]) == depth - 1, factor_line
        # norm_1 = norm_last * factor ** (depth - 1); the ratio has two significant digits.
        factor = ratio ** (1 / (depth - 1))
        assert abs(float(factor_match[1]) - factor) <= 0.06 * factor / (depth - 1) + 6e-4, (
            f"{factor_line}, but {ratio:.1e} ** (1/{depth - 1}) = {factor:.4f}")
    summary = explorer.text(".gradient-flow-summary")
    assert (f"residual branches scaled by 1/sqrt({depth})" in summary) == residual_box.value
    plot = explorer.locator.locator(".gradient-flow-plot svg").first
    assert plot.locator("circle").count() == depth
    labels = {t.split(": ")[0]: t.split(": ")[1] for t in plot.locator("text").all_text_contents()
              if re.fullmatch(r"layer \d+: \S+", t.strip())}
    first, last = float(labels["layer 1"]), float(labels[f"layer {depth}"])
    assert first / last == pytest.approx(ratio, rel=0.12), (labels, ratio_line)
    return expected


@pytest.mark.browser
def test_gradient_flow_explorer_shows_vanishing_and_exploding(explorers_in):
    notebook, explorers = explorers_in(notebook_named("08"))
    explorer = the_explorer(explorers, "gradient-flow-explorer")
    depth = explorer.slider("gradient-flow-depth")
    init = explorer.dropdown("gradient-flow-init")
    activation = explorer.dropdown("gradient-flow-activation")
    residual = explorer.checkbox("gradient-flow-residual")
    assert depth.description == "depth" and depth.bounds == (1, 50)
    assert init.options == ["too small", "too large", "Xavier", "He"]
    assert activation.options == ["linear", "tanh", "ReLU"]
    assert residual.description == "residual"
    controls = (explorer, depth, init, activation, residual)
    check_gradient_flow(*controls)
    depth.handle.focus()
    for key in ("End", "Home", "ArrowRight"):
        settled(explorer, depth.press(key), f"depth {key}")
        check_gradient_flow(*controls)
    depth.set_to(20)
    residual.set_to(False)
    activation.choose("ReLU")
    # Variance-preserving initialisations keep the gradient's size; others do not.
    for label, verdict in (("too small", "vanishes"), ("too large", "explodes"),
                           ("He", "stable")):
        if label != init.value:
            settled(explorer, init.choose(label), f"initialisation {label}")
        assert check_gradient_flow(*controls) == verdict, f"{label} with ReLU at depth 20"
    settled(explorer, init.choose("Xavier"), "initialisation Xavier")
    settled(explorer, activation.choose("tanh"), "activation tanh")
    assert check_gradient_flow(*controls) == "stable"
    settled(explorer, residual.toggle(), "residual on")
    for label in ("Xavier", "He"):
        for act in ("linear", "tanh", "ReLU"):
            if label != init.value:
                settled(explorer, init.choose(label), f"initialisation {label}")
            if act != activation.value:
                settled(explorer, activation.choose(act), f"activation {act}")
            assert check_gradient_flow(*controls) == "stable", f"residual, {label}, {act}"
    assert explorer.errors() == []
    notebook.screenshot("-gradient-flow-explorer", element=explorer.locator)
