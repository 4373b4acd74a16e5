"""The course's newer pieces in JupyterLab, operated as a learner does.

- The backward-pass stepper (notebook 11) and the im2col explorer (notebook 12): every
  button clicked or pressed, every slider moved from the keyboard, the dropdown changed,
  the presets and Reset pressed; after each input the display must say what the module
  docstring promises. The expected texts are computed here from the controls' values,
  never by the explorers' own code.
- A learner's workspace (issue 14): a temporary course folder made as `make lab` makes
  it (``work/`` copied from the student edition by tools/lab.py), served by its own
  JupyterLab. In ``work/00_start_here.ipynb`` the exercise hints render collapsed and
  open on a click, the notebook runs, and the progress view's Refresh fills its table.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from test_browser_explorers import notebook_named, settled, the_explorer

ROOT = Path(__file__).resolve().parents[2]


def buttons(explorer, css_class: str):
    """The ipywidgets Button carrying ``css_class`` (the class sits on the <button>)."""
    found = explorer.locator.locator(f"button.{css_class}")
    assert found.count() == 1, f"{explorer.kind}: {found.count()} button(s) .{css_class}"
    return found.first


def press_button(explorer, button, what: str, key: str | None = None):
    """Click ``button`` (or press ``key`` on it, focused) and wait for the display."""
    if key is None:
        return explorer.measure(what, "click", lambda: button.click())
    button.focus()
    return explorer.measure(what, key, lambda: button.press(key))


_JS_DRAWN_FONTS = """(root) => Array.from(root.querySelectorAll('svg text'))
  .map((t) => parseFloat(getComputedStyle(t).fontSize))"""


def check_size_toggle(explorer, check) -> None:
    """The size toggle: "large text" draws no text below 16 px and keeps every fact the
    same (``check()``), "normal text" brings the normal size back."""
    for label, large in (("large text", True), ("normal text", False)):
        button = explorer.locator.locator(".course-size button", has_text=label)
        assert button.count() == 1, f"{explorer.kind}: no size button {label!r}"
        update = press_button(explorer, button.first, label)
        assert explorer.errors() == [], f"{label}: {explorer.errors()}"
        assert update.after == update.before, f"{label} changed the facts shown"
        classes = explorer.locator.get_attribute("class").split()
        assert ("course-size-large" in classes) == large, classes
        fonts = explorer.locator.evaluate(_JS_DRAWN_FONTS)
        assert fonts, f"{explorer.kind}: no text drawn"
        if large:
            assert min(fonts) >= 16, f"{explorer.kind}, large text: {sorted(set(fonts))} px"
        check()


# --------------------------------------------------------------- 11: the stepper

# The two-layer MLP of the stepper (n = 4, 3 -> 5 -> 2), written out from the backward
# rules of notebooks 03 and 06: (node receiving its gradient, g's shape, flows), where a
# flow is (parent, rule, shape). X is data: nothing flows to it.
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
    ("X @ W1", "(4, 5)", [("W1", "X.T @ g", "(3, 5)")]),
    ("W1", "(3, 5)", []),
]
# Graph label -> (number of steps, the data nodes, drawn as constants).
GRAPH_FACTS = {"two-layer MLP": (10, {"X"}), "a weight used twice": (8, {"X"}),
               "one linear layer (notebook 00)": (5, {"X"})}

_JS_NODES = """(root) => Object.fromEntries(Array.from(
  root.querySelectorAll('svg.backward-stepper-svg g.bs-node'))
  .map((g) => [g.getAttribute('data-label'), g.getAttribute('data-state')]))"""


def stepper_state(explorer) -> dict:
    return {"lines": explorer.lines(".backward-stepper-readout"),
            "nodes": explorer.locator.evaluate(_JS_NODES),
            "flows": explorer.locator.locator("svg.backward-stepper-svg line.bs-flow").count()}


def check_stepper(explorer, step, graph, controls) -> dict:
    """The readout, the drawing and the buttons agree with step ``step`` of ``graph``."""
    slider, dropdown, next_b, back_b, reset_b = controls
    total, data = GRAPH_FACTS[graph]
    assert (int(slider.value), slider.bounds) == (step, (0, total)), (
        f"{graph}: slider at {slider.value} of {slider.bounds}, expected {step} of 0..{total}")
    assert slider.readout == str(step) and dropdown.value == graph
    state = stepper_state(explorer)
    lines, nodes = state["lines"], state["nodes"]
    assert {label for label, s in nodes.items() if s == "constant"} == data, nodes
    assert next_b.is_disabled() == (step == total), f"next step at {step} of {total}"
    assert back_b.is_disabled() == (step == 0), f"back at {step}"
    # reset has nothing to do only at step 0 of the starting graph.
    assert reset_b.is_disabled() == (step == 0 and graph == "two-layer MLP"), (step, graph)
    if step == 0:
        assert lines == [f"step 0 of {total}: forward pass done; press next step to start the "
                         f"backward pass at {_loss(graph)} with dL/d{_loss(graph)} = 1"], lines
        assert set(nodes.values()) == {"waiting", "constant"}, nodes
        assert state["flows"] == 0
        return state
    assert lines[0].startswith(f"step {step} of {total}: the gradient has arrived at "), lines
    current = [label for label, s in nodes.items() if s == "current"]
    assert len(current) == 1 and lines[0].startswith(
        f"step {step} of {total}: the gradient has arrived at {current[0]} ("), (lines, nodes)
    assert sum(s == "done" for s in nodes.values()) == step - 1, nodes
    flows = [line for line in lines if line.startswith("flows to ")]
    assert state["flows"] == len(flows), (state["flows"], lines)
    assert (lines[-1] == "backward pass complete: every parameter has its gradient") == \
        (step == total), lines
    if graph == "two-layer MLP":
        node, g_shape, expected = MLP_STEPS[step - 1]
        assert current == [node], (step, current)
        label = f"({node})" if " " in node else node
        assert lines[1] == f"g = dL/d{label}, shape {g_shape}", lines
        assert flows == [f"flows to {p}: {rule}, shape {shape}" for p, rule, shape in expected]
        if not expected:
            assert (f"{node} is a leaf (a parameter): its gradient is final, nothing flows "
                    f"further") in lines, lines
        assert {n for n, s in nodes.items() if s == "done"} == \
            {n for n, _, _ in MLP_STEPS[:step - 1]}
    return state


def _loss(graph: str) -> str:
    return "L" if graph == "one linear layer (notebook 00)" else "loss"


@pytest.mark.browser
def test_backward_stepper_steps_through_the_backward_pass(explorers_in):
    notebook, explorers = explorers_in(notebook_named("11"))
    explorer = the_explorer(explorers, "backward-stepper")
    slider = explorer.slider("backward-stepper-step")
    dropdown = explorer.dropdown("backward-stepper-graph")
    next_b, back_b, reset_b = (buttons(explorer, f"backward-stepper-{name}")
                               for name in ("next", "back", "reset"))
    assert (slider.description, dropdown.description) == ("step", "graph")
    assert dropdown.options == list(GRAPH_FACTS)
    assert [b.text_content().strip() for b in (next_b, back_b, reset_b)] == [
        "next step", "back", "reset"]
    controls = (slider, dropdown, next_b, back_b, reset_b)
    mlp = "two-layer MLP"
    check_stepper(explorer, 0, mlp, controls)
    assert reset_b.is_disabled()

    # Ten presses of "next step", from the keyboard: the transposes appear in order.
    transposes = []
    for step in range(1, 11):
        update = press_button(explorer, next_b, "next step", key="Enter")
        settled(explorer, update, f"next step to {step}")
        state = check_stepper(explorer, step, mlp, controls)
        transposes += re.findall(r"\w+\.T\b", " ".join(state["lines"]))
    assert transposes == ["W2.T", "A1.T", "X.T"]
    assert next_b.is_disabled()  # the last step: nothing further

    settled(explorer, press_button(explorer, back_b, "back"), "back")
    check_stepper(explorer, 9, mlp, controls)
    # The slider from the keyboard: both ends and one step in from each.
    slider.handle.focus()
    for key, step in (("Home", 0), ("ArrowRight", 1), ("End", 10), ("ArrowLeft", 9)):
        settled(explorer, slider.press(key), f"step {key}")
        check_stepper(explorer, step, mlp, controls)
    settled(explorer, press_button(explorer, reset_b, "reset"), "reset")
    check_stepper(explorer, 0, mlp, controls)
    assert reset_b.is_disabled()

    # The other graphs: a new graph starts at step 0 and the slider's range follows.
    twice = "a weight used twice"
    settled(explorer, dropdown.choose(twice), "graph: a weight used twice")
    check_stepper(explorer, 0, twice, controls)
    slider.handle.focus()
    settled(explorer, slider.press("End"), "step End")
    lines = check_stepper(explorer, 8, twice, controls)["lines"]
    assert lines[1] == "g = dL/dW, shape (3, 3)", lines
    assert "W is used 2 times: g is the sum of 2 contributions" in lines, lines
    linear = "one linear layer (notebook 00)"
    settled(explorer, dropdown.choose(linear), "graph: one linear layer")
    check_stepper(explorer, 0, linear, controls)
    for step in range(1, 6):
        settled(explorer, press_button(explorer, next_b, "next step"), f"next step to {step}")
        check_stepper(explorer, step, linear, controls)
    slider.handle.focus()
    settled(explorer, slider.press("ArrowLeft"), "step ArrowLeft")
    assert "flows to W: X.T @ g, shape (2, 2)" in \
        check_stepper(explorer, 4, linear, controls)["lines"]

    # The lecturer's presets, then reset: back to the starting graph at step 0.
    presets = explorer.locator.locator("button.course-preset")
    assert presets.count() >= 3
    for index in range(presets.count()):
        label = presets.nth(index).text_content().strip()
        update = press_button(explorer, presets.nth(index), f"preset {label}")
        assert explorer.errors() == [], f"preset {label}: {explorer.errors()}"
        note = explorer.text(".course-explorer-note")
        assert label in note and update.after != "", (label, note)
        check_stepper(explorer, int(slider.value), dropdown.value, controls)
    assert not reset_b.is_disabled()
    settled(explorer, press_button(explorer, reset_b, "reset"), "reset after the presets")
    check_stepper(explorer, 0, mlp, controls)
    assert explorer.text(".course-explorer-note").strip() == ""
    slider.handle.focus()
    settled(explorer, slider.press("End"), "step End")
    check_size_toggle(explorer, lambda: check_stepper(explorer, 10, mlp, controls))
    assert explorer.errors() == []
    notebook.screenshot("-backward-stepper", element=explorer.locator)


# --------------------------------------------------------------- 12: im2col

IM2COL_DEFAULTS = {"height": 5, "width": 6, "kh": 3, "kw": 2, "stride": 1, "padding": 1,
                   "channels": 1}
IM2COL_RANGES = {"height": (1, 8), "width": (1, 8), "kh": (1, 4), "kw": (1, 4),
                 "stride": (1, 3), "padding": (0, 2), "channels": (1, 3)}


def im2col_expected(height, width, kh, kw, stride, padding, channels, patch):
    """The summary lines, the window's padded cells and the patch row's labels, from the
    convolution's definition (zero padding on every side, windows row by row)."""
    rows_p, cols_p = height + 2 * padding, width + 2 * padding
    h_out, w_out = (rows_p - kh) // stride + 1, (cols_p - kw) // stride + 1
    i, j = divmod(patch, w_out)
    cells = [(i * stride + u, j * stride + v) for u in range(kh) for v in range(kw)]

    def pad(r, c):
        return not (padding <= r < padding + height and padding <= c < padding + width)

    zeros = sum(pad(r, c) for r, c in cells)
    lines = [
        f"padded input: ({height} + 2*{padding}) x ({width} + 2*{padding}) = "
        f"{rows_p} x {cols_p}",
        f"output: h_out = ({height} + 2*{padding} - {kh}) // {stride} + 1 = {h_out}, "
        f"w_out = ({width} + 2*{padding} - {kw}) // {stride} + 1 = {w_out}",
        f"patch matrix: (h_out*w_out, channels*kh*kw) = ({h_out * w_out}, "
        f"{channels * kh * kw})",
        f"patch row {patch} is window (i, j) = ({i}, {j}): padded rows "
        f"{i * stride}..{i * stride + kh - 1}, columns {j * stride}..{j * stride + kw - 1}",
        f"it reads {kh * kw - zeros} input pixels and {zeros} padding zeros per channel"
        + (f" (the same positions in each of the {channels} channels)" if channels > 1 else ""),
    ]
    unread_rows = rows_p - ((h_out - 1) * stride + kh)
    unread_cols = cols_p - ((w_out - 1) * stride + kw)
    if unread_rows or unread_cols:
        lines.append(f"no window reaches the last {unread_rows} padded row(s) and "
                     f"{unread_cols} column(s): they are left out")
    labels = ["0" if pad(r, c) else f"x[{r - padding},{c - padding}]" for r, c in cells]
    return {"lines": lines, "rows": h_out * w_out, "cells": rows_p * cols_p,
            "window": kh * kw, "window_pad": zeros, "labels": labels}


_JS_IM2COL = """(root) => {
  const count = (selector) => root.querySelectorAll(selector).length;
  const row = Array.from(root.querySelectorAll('svg.im2col-row text'))
    .map((t) => t.textContent.trim()).filter((t) => !t.startsWith('col '));
  return {cells: count('svg.im2col-grid rect[class^="ix-"]'),
          window: count('svg.im2col-grid rect.ix-window'),
          window_pad: count('svg.im2col-grid rect.ix-window-pad'),
          entries: count('svg.im2col-row rect.ix-entry'), labels: row};
}"""


def check_im2col(explorer, sliders, patch) -> dict:
    values = {name: int(slider.value) for name, slider in sliders.items()}
    for name, slider in sliders.items():
        assert slider.readout == str(values[name]), (name, slider.readout)
    want = im2col_expected(**values, patch=int(patch.value))
    assert patch.bounds == (0, want["rows"] - 1), (
        f"{values}: patch row slider 0..{patch.bounds[1]}, the matrix has {want['rows']} rows")
    lines = explorer.lines(".im2col-explorer-summary")
    assert lines == want["lines"], f"{values}, patch {patch.value}:\n{lines}\n!=\n{want['lines']}"
    drawn = explorer.locator.evaluate(_JS_IM2COL)
    assert drawn["cells"] == want["cells"], (values, drawn)
    assert drawn["window"] + drawn["window_pad"] == want["window"], (values, drawn)
    assert drawn["window_pad"] == want["window_pad"], (values, drawn)
    assert drawn["entries"] == want["window"] and drawn["labels"] == want["labels"], (
        values, drawn["labels"], want["labels"])
    assert explorer.errors() == []
    return want


@pytest.mark.browser
def test_im2col_explorer_follows_every_slider_and_shows_impossible_settings(explorers_in):
    notebook, explorers = explorers_in(notebook_named("12"))
    explorer = the_explorer(explorers, "im2col-explorer")
    sliders = {name: explorer.slider(f"im2col-explorer-{name}") for name in IM2COL_DEFAULTS}
    patch = explorer.slider("im2col-explorer-patch")
    assert [s.description for s in sliders.values()] == list(IM2COL_DEFAULTS)
    assert patch.description == "patch row"
    for name, slider in sliders.items():
        assert slider.bounds == IM2COL_RANGES[name], (name, slider.bounds)
        assert int(slider.value) == IM2COL_DEFAULTS[name], (name, slider.value)
    assert int(patch.value) == 0
    want = check_im2col(explorer, sliders, patch)
    assert want["rows"] == 35 and want["lines"][2].endswith("= (35, 6)")

    # Every slider to both ends and back to its default, from the keyboard.
    for name, slider in sliders.items():
        default = IM2COL_DEFAULTS[name]
        slider.handle.focus()
        for key in ("End", "Home", "ArrowRight"):
            update = slider.press(key)
            if update is None:
                continue
            settled(explorer, update, f"{name} {key}")
            check_im2col(explorer, sliders, patch)
        slider.set_to(default)
        check_im2col(explorer, sliders, patch)

    # The patch row: the last window, then a stride that shrinks the matrix clamps it.
    patch.handle.focus()
    settled(explorer, patch.press("End"), "patch row End")
    assert int(patch.value) == 34
    check_im2col(explorer, sliders, patch)
    sliders["stride"].handle.focus()
    settled(explorer, sliders["stride"].press("ArrowRight"), "stride ArrowRight")
    want = check_im2col(explorer, sliders, patch)
    assert want["rows"] == 12 and int(patch.value) == 11, (want["rows"], patch.value)
    settled(explorer, sliders["stride"].press("End"), "stride End")
    want = check_im2col(explorer, sliders, patch)
    assert want["lines"][-1].startswith("no window reaches the last 1 padded row(s)"), want
    sliders["stride"].set_to(1)

    # Three channels: the row grows by kh*kw entries per channel, same positions.
    sliders["channels"].handle.focus()
    settled(explorer, sliders["channels"].press("End"), "channels End")
    assert check_im2col(explorer, sliders, patch)["lines"][2].endswith("= (35, 18)")
    sliders["channels"].set_to(1)

    # Extreme: a 4-row kernel on a 1-row image without padding does not fit. The error
    # shows in the explorer; one more padding row makes it fit again.
    sliders["kh"].set_to(4)
    sliders["height"].set_to(1)
    sliders["padding"].handle.focus()
    update = sliders["padding"].press("Home")
    assert update is not None and int(sliders["padding"].value) == 0
    shown = explorer.errors()
    assert shown and "does not fit" in shown[0] and "4" in shown[0], shown
    assert explorer.text(".im2col-explorer-summary").strip() == ""  # no stale facts
    # Still too small at padding 1 (1 + 2 = 3 rows < 4); fits at padding 2.
    update = sliders["padding"].press("ArrowRight")
    assert update is not None and explorer.errors(), "padding 1: the 4-row kernel still fits?"
    settled(explorer, sliders["padding"].press("End"), "padding End")
    want = check_im2col(explorer, sliders, patch)
    assert want["lines"][1].startswith("output: h_out = (1 + 2*2 - 4) // 1 + 1 = 2"), want

    # The lecturer's presets and Reset.
    presets = explorer.locator.locator("button.course-preset")
    assert presets.count() >= 3
    for index in range(presets.count()):
        label = presets.nth(index).text_content().strip()
        settled(explorer, press_button(explorer, presets.nth(index), f"preset {label}"),
                f"preset {label}")
        assert label in explorer.text(".course-explorer-note")
        check_im2col(explorer, sliders, patch)
    settled(explorer, press_button(explorer, buttons(explorer, "course-reset"), "Reset"),
            "Reset")
    assert {name: int(s.value) for name, s in sliders.items()} == IM2COL_DEFAULTS
    assert int(patch.value) == 0
    check_im2col(explorer, sliders, patch)
    check_size_toggle(explorer, lambda: check_im2col(explorer, sliders, patch))
    notebook.screenshot("-im2col-explorer", element=explorer.locator)


# --------------------------------------------------------------- a learner's work/

WORK_START = "work/00_start_here.ipynb"

# In the rendered notebook: the statement cells with hints, each with its hints' state.
_JS_HINT_CELLS = """(path) => {
  const panel = window.__coursePanel(path);
  const found = [];
  panel.content.widgets.forEach((cell, index) => {
    if (cell.model.type !== 'markdown') return;
    if (!/<summary>Hint 1<\\/summary>/.test(cell.model.sharedModel.getSource())) return;
    found.push(index);
  });
  return found;
}"""

_JS_SHOW_CELL = """async ([path, index]) => {
  const panel = window.__coursePanel(path);
  panel.content.activeCellIndex = index;
  await panel.content.scrollToItem(index, 'center');
  const cell = panel.content.widgets[index];
  document.querySelectorAll('[data-course-hint-cell]').forEach(
    (node) => node.removeAttribute('data-course-hint-cell'));
  cell.node.setAttribute('data-course-hint-cell', String(index));
}"""


def open_work_notebook(workspace_pages, relative: str):
    """A notebook of the temporary work/ folder, open in the workspace's JupyterLab."""
    name = relative.replace("/", "_")
    return workspace_pages.get(name, relative)


@pytest.mark.browser
def test_hints_in_a_work_notebook_render_collapsed_until_clicked(workspace, workspace_pages):
    source = json.loads((workspace / WORK_START).read_text(encoding="utf-8"))
    statements = [cell for cell in source["cells"] if cell["cell_type"] == "markdown"
                  and "<summary>Hint 1</summary>" in "".join(cell["source"])]
    assert statements, f"{WORK_START} has no exercise with hints"
    notebook = open_work_notebook(workspace_pages, WORK_START)
    page = notebook.page
    indices = page.evaluate(_JS_HINT_CELLS, notebook.path)
    assert len(indices) == len(statements), (indices, len(statements))
    for index in indices:
        page.evaluate(_JS_SHOW_CELL, [notebook.path, index])
        cell = page.locator(f"[data-course-hint-cell='{index}']")
        details = cell.locator(".jp-RenderedMarkdown details")
        details.first.wait_for(state="attached")
        count = details.count()
        assert count >= 2, f"cell {index}: {count} <details> rendered, expected at least 2 hints"
        for k in range(count):
            hint = details.nth(k)
            summary = hint.locator("summary")
            assert summary.text_content().strip() == f"Hint {k + 1}", summary.text_content()
            body = hint.locator(":scope > :not(summary)").first
            text = body.text_content().strip()
            assert text, f"cell {index}: Hint {k + 1} is empty"
            # Collapsed as rendered: the summary shows, the hint's text does not.
            assert hint.evaluate("(d) => d.open") is False, f"cell {index}: Hint {k + 1} open"
            assert summary.is_visible() and not body.is_visible(), (
                f"cell {index}: Hint {k + 1}'s text is visible before its summary is clicked")
        first, second = details.nth(0), details.nth(1)
        first.locator("summary").click()
        first_body = first.locator(":scope > :not(summary)").first
        first_body.wait_for(state="visible")
        assert first.evaluate("(d) => d.open") is True
        # Opening one hint leaves the next one closed: the hints are graduated.
        assert not second.locator(":scope > :not(summary)").first.is_visible()
        second.locator("summary").click()
        second.locator(":scope > :not(summary)").first.wait_for(state="visible")
        first.locator("summary").click()
        first_body.wait_for(state="hidden")
    # Clicking a summary changed no cell: still markdown, still rendered.
    assert page.evaluate(_JS_HINT_CELLS, notebook.path) == indices
    assert page.locator("[data-course-hint-cell].jp-MarkdownCell.jp-mod-rendered").count() == 1
    notebook.screenshot("-hints", element=page.locator("[data-course-hint-cell]").first)


def solve_exercises(work_copy: Path, solved: Path) -> None:
    """Put the solution cells of ``solved`` (the instructor edition) into ``work_copy``,
    matched by their nbgrader grade_id, as a learner who has done the exercises."""
    answers = {cell["metadata"]["nbgrader"]["grade_id"]: cell["source"]
               for cell in json.loads(solved.read_text(encoding="utf-8"))["cells"]
               if cell["metadata"].get("nbgrader", {}).get("solution")}
    notebook = json.loads(work_copy.read_text(encoding="utf-8"))
    filled = 0
    for cell in notebook["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if cell["metadata"].get("nbgrader", {}).get("solution") and grade_id in answers:
            cell["source"] = answers[grade_id]
            filled += 1
    assert filled, f"{work_copy.name}: no solution cell to fill"
    work_copy.write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")


def _hashes(folder: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.glob("*.ipynb"))}


def _exercises(path: Path) -> list[tuple[str, str]]:
    """(exercise number, points) of every exercise heading of the notebook at ``path``."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = []
    for cell in cells:
        if cell["cell_type"] == "markdown":
            found += re.findall(r"^### Exercise (\d+\.\d+): .*\((\d+(?:\.\d+)?) points?\)\s*$",
                                "".join(cell["source"]), flags=re.MULTILINE)
    return found


_JS_TABLE = """(root) => Array.from(root.querySelectorAll('table tr'))
  .map((tr) => Array.from(tr.querySelectorAll('td, th')).map((c) => c.textContent.trim()))"""


@pytest.mark.browser
def test_work_start_notebook_runs_and_its_progress_view_refreshes(
        workspace, workspace_pages, explorer_in_page):
    work = workspace / "work"
    # A learner who has solved the exercises of notebook 00 in their copy (an unsolved
    # exercise's tests stop Run All before the progress cell): those pass, every other
    # exercise of the series is not started.
    solved = Path(WORK_START).name
    workspace_pages.release(solved_name := WORK_START.replace("/", "_"))
    solve_exercises(workspace / WORK_START, ROOT / "notebooks" / solved)
    before = _hashes(work)
    notebook = open_work_notebook(workspace_pages, WORK_START)
    assert notebook.name == solved_name
    notebook.restart_and_run_all()
    problems = notebook.problems()
    assert not problems, f"{WORK_START} in JupyterLab:\n" + "\n".join(problems)
    counts = notebook.execution_counts()
    assert counts == list(range(1, len(counts) + 1)), counts
    views = notebook.page.locator(".course-explorer.course-progress")
    assert views.count() == 1, f"{WORK_START} shows {views.count()} progress views"
    # Refresh runs notebooks: seconds, not an explorer's redraw; kept out of the latencies.
    view = explorer_in_page(notebook, views.first, timed=False)
    refresh = view.locator.locator("button", has_text="Refresh")
    assert refresh.count() == 1 and refresh.is_enabled()
    assert view.locator.locator("table").count() == 0  # nothing is run before the press
    assert "Press Refresh" in view.text()

    update = view.measure("Refresh", "click", lambda: refresh.click())
    assert update.changed and view.errors() == [], view.errors()
    rows = view.locator.evaluate(_JS_TABLE)
    assert rows and rows[0] == ["notebook", "exercise", "points", "status"], rows[:1]
    shown = {(r[0], r[1]): (r[2], r[3]) for r in rows[1:]}
    expected = {}
    for path in sorted(work.glob("*.ipynb")):
        for number, points in _exercises(path):
            status = "passed" if path.name == solved else "not started"
            expected[(path.stem, number)] = (f"{float(points):g}", status)
    assert expected and set(shown) == set(expected), (
        sorted(set(shown) ^ set(expected)))
    wrong = {key: (shown[key], want) for key, want in expected.items()
             if shown[key][0] != want[0] or not shown[key][1].startswith(want[1])}
    assert not wrong, f"rows that differ (shown, expected): {wrong}"
    passed = [key for key, want in expected.items() if want[1] == "passed"]
    got = sum(float(expected[key][0]) for key in passed)
    total = sum(float(points) for points, _ in expected.values())
    assert f"{got:g} of {total:g} points: {len(passed)} of {len(expected)} exercises " \
           f"passed." in view.text(), view.text()
    assert "Checked the notebooks in" in view.text()
    assert refresh.is_enabled()
    # The progress view never changes the learner's files.
    assert _hashes(work) == before
    notebook.screenshot("-progress", element=view.locator)
