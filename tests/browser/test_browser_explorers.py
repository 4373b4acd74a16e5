"""Each explorer in JupyterLab shows the right values after a learner moves its controls.

The expected texts are computed here from the sizes the sliders show, following
the contract in each explorer's module docstring; they never come from the
explorer's own code.
"""

from __future__ import annotations

from pathlib import Path

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

    # The brief's example: from the default sizes, n -> 5 gives X (5, 3).
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
