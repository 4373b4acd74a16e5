"""The four explorers in front of a class: keyboard, size, fit and contrast (issue 15).

At 1280 x 720 with the file browser closed (a projector), each explorer of notebooks
01, 04, 05 and 08 is operated from the keyboard and measured:

- keys pressed inside an explorer never reach JupyterLab's notebook shortcuts: m, a, b,
  d, d and x on every control change no cell, and ArrowDown / ArrowUp change a dropdown;
- Tab reaches every control, in the order they are drawn;
- its bounding box, at its defaults, at its extreme settings and with each preset, in
  both text sizes, is at most 600 px tall (the shape explorer's report sits beside the
  row it concerns);
- in the ``large`` size every piece of text, drawings included, is at least 16 px;
- at 150% browser zoom (emulated: a viewport 1.5 times smaller) with the file browser
  open, every slider keeps a usable width;
- every text colour reaches 4.5:1 against its background (WCAG AA).

Screenshots go to ``artifacts/screenshots/``; the measured heights and font sizes to
``artifacts/explorer_projector.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_browser_explorers import notebook_named, the_explorer

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

PROJECTOR = {"width": 1280, "height": 720}
#: 150% zoom: the page sees a viewport 1.5 times smaller in CSS pixels.
ZOOMED = {"width": round(1280 / 1.5), "height": round(720 / 1.5)}
MAX_HEIGHT = 600          # px: fits under JupyterLab's toolbars at 1280 x 720
LARGE_MIN_PX = 16
MIN_SLIDER_PX = 120       # CSS px: a slider track a hand can still aim at
MIN_CONTRAST = 4.5
RESULTS = ARTIFACTS / "explorer_projector.json"

#: notebook number -> (explorer class, its extreme settings as (kind, css class, action))
EXPLORERS = {
    "01": ("jacobian-explorer", [("slider", "jacobian-explorer-d-in", "End"),
                                 ("slider", "jacobian-explorer-d-out", "End")]),
    "04": ("shape-explorer", [("slider", "shape-explorer-n", "End"),
                              ("slider", "shape-explorer-d-in", "End"),
                              ("slider", "shape-explorer-d-out", "End"),
                              ("dropdown", "shape-explorer-bug",
                               "elementwise_instead_of_matmul")]),
    "05": ("step-size-explorer", [("dropdown", "step-size-dtype", "float32"),
                                  ("slider", "step-size-log-h", "Home")]),
    "08": ("gradient-flow-explorer", [("slider", "gradient-flow-depth", "End"),
                                      ("dropdown", "gradient-flow-init", "too small")]),
}

#: Known defects, one sentence each: the large-text height check fails for these (and is
#: reported as an expected failure) until they are fixed. Remove an entry once it fits.
KNOWN_TOO_TALL_IN_LARGE: dict[str, str] = {}

_JS_CELLS = """(path) => window.__courseCells(window.__coursePanel(path))
  .map((c) => c.type + (c.empty ? ':empty' : ''))"""

# What Tab can reach in an explorer, in document order.
_FOCUSABLE = ("button:not([disabled]), select, input:not([type=hidden]), .noUi-handle, "
              "[contenteditable=true], [tabindex]:not([tabindex='-1'])")

_JS_FOCUSABLE = """([root, selector]) => Array.from(root.querySelectorAll(selector))
  .filter((node) => node.offsetParent !== null)
  .map((node, i) => { node.dataset.courseFocus = String(i); return i; }).length"""

_JS_ACTIVE = """() => { const a = document.activeElement;
  return a && a.dataset && a.dataset.courseFocus !== undefined ? Number(a.dataset.courseFocus)
    : (a ? a.tagName + '.' + a.className : null); }"""

# Every piece of text the explorer shows: its size on screen (an SVG's own scale included)
# and its colour and background.
_JS_TEXTS = """(root) => {
  const out = [];
  const parse = (c) => { const m = c.match(/[\\d.]+/g); return m ? m.map(Number) : null; };
  const background = (node) => {
    for (let n = node; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      const v = parse(c);
      if (v && (v.length < 4 || v[3] > 0.5)) return v.slice(0, 3);
    }
    return [255, 255, 255];
  };
  for (const text of root.querySelectorAll('svg text')) {
    if (!text.textContent.trim()) continue;
    const svg = text.ownerSVGElement;
    const scale = svg.getScreenCTM() ? svg.getScreenCTM().a : 1;
    const box = text.getBBox();
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    // The background: the last filled rect under the text's centre, else the page.
    let bg = [255, 255, 255];
    for (const rect of svg.querySelectorAll('rect')) {
      const fill = rect.getAttribute('fill');
      if (!fill || fill === 'none' || !fill.startsWith('#')) continue;
      const x = +rect.getAttribute('x'), y = +rect.getAttribute('y');
      const w = +rect.getAttribute('width'), h = +rect.getAttribute('height');
      if (cx < x || cx > x + w || cy < y || cy > y + h) continue;
      const a = rect.hasAttribute('fill-opacity') ? +rect.getAttribute('fill-opacity') : 1;
      const rgb = [1, 3, 5].map((i) => parseInt(fill.slice(i, i + 2), 16));
      bg = rgb.map((c, i) => a * c + (1 - a) * bg[i]);
    }
    out.push({text: text.textContent.trim().slice(0, 40),
              px: parseFloat(getComputedStyle(text).fontSize) * scale,
              color: parse(getComputedStyle(text).fill).slice(0, 3), background: bg});
  }
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest('svg') || el.closest('style')) continue;
    if (el.offsetParent === null) continue;
    out.push({text: node.textContent.trim().slice(0, 40),
              px: parseFloat(getComputedStyle(el).fontSize),
              color: parse(getComputedStyle(el).color).slice(0, 3),
              background: background(el)});
  }
  return out;
}"""

# Lines and markers that carry meaning: their colour against the page.
_JS_STROKES = """(root) => {
  const out = [];
  for (const node of root.querySelectorAll('svg line, svg polyline, svg circle')) {
    const colour = node.tagName === 'circle' ? node.getAttribute('fill')
                                             : node.getAttribute('stroke');
    if (!colour || !colour.startsWith('#') || colour.toUpperCase() === '#FFFFFF') continue;
    out.push({what: node.tagName + '.' + (node.getAttribute('class') || ''), colour});
  }
  return out;
}"""

_JS_SLIDERS = """(root) => Array.from(root.querySelectorAll('.widget-hslider'))
  .map((s) => ({label: s.querySelector('.widget-label').textContent.trim(),
                track: s.querySelector('.slider-container').getBoundingClientRect().width,
                right: s.getBoundingClientRect().right}))"""


def _luminance(rgb) -> float:
    channels = [c / 255 for c in rgb]
    channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast(a, b) -> float:
    """WCAG contrast ratio of two sRGB colours given as 0..255 triples."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _hex(colour: str):
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]


def _record(key: str, value) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    data[key] = value
    RESULTS.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def _left_area(page, collapsed: bool) -> None:
    page.evaluate("""(collapsed) => { const shell = window.jupyterapp.shell;
      if (collapsed) shell.collapseLeft(); else shell.expandLeft(); }""", collapsed)
    page.wait_for_timeout(300)  # the layout settles in one animation frame or two


def _height(explorer) -> float:
    box = explorer.locator.bounding_box()
    return round(box["height"], 1)


def _set_size(explorer, size: str) -> None:
    toggle = explorer.locator.locator(".course-size button", has_text=size).first
    if "mod-active" in (toggle.get_attribute("class") or ""):
        return
    _press(explorer, toggle, f"size {size}")


def _go_to_extremes(explorer, actions) -> None:
    for kind, css, action in actions:
        if kind == "slider":
            slider = explorer.slider(css)
            slider.handle.focus()
            slider.press(action)
        else:
            explorer.dropdown(css).choose(action)


def _press(explorer, button, what: str) -> None:
    """Press a button from the keyboard (Enter), and wait for the explorer to settle."""
    button.focus()
    explorer.measure(what, "Enter", lambda: button.press("Enter"))


def _reset(explorer) -> None:
    _press(explorer, explorer.locator.locator(".course-reset").first, "Reset")


# The shape explorer's rows (their title lines) and its report lines, in screen pixels.
_JS_SHAPE_ROWS = """(root) => {
  const box = (n) => { const r = n.getBoundingClientRect();
                       return {text: n.textContent, top: r.top, bottom: r.bottom}; };
  return {rows: Array.from(root.querySelectorAll('svg text.row-title')).map(box),
          report: Array.from(root.querySelectorAll('svg text.row-report')).map(box),
          bottom: root.querySelector('svg').getBoundingClientRect().bottom};
}"""


def _assert_report_beside_its_row(explorer, setting: str) -> None:
    """The sentence saying how a bug is caught starts beside the first row marked wrong
    (or right by luck): below that row's title line and above the next row's."""
    layout = explorer.locator.evaluate(_JS_SHAPE_ROWS)
    rows, report = layout["rows"], layout["report"]
    marked = explorer.locator.locator("svg text.shape-wrong, svg text.shape-note").all()
    if not marked:
        return
    first_marked = min(m.bounding_box()["y"] for m in marked)
    row = max(k for k, r in enumerate(rows) if r["top"] <= first_marked)
    end = rows[row + 1]["top"] if row + 1 < len(rows) else layout["bottom"]
    caught = next(line for line in report
                  if line["text"].startswith(("Caught", "Not caught")))
    assert rows[row]["top"] <= caught["top"] < end, (
        f"shape explorer, {setting}: {caught['text']!r} at y = {caught['top']:.0f}, not "
        f"beside row {rows[row]['text']!r} ({rows[row]['top']:.0f} to {end:.0f})")


@pytest.fixture
def projector_explorer(explorers_in, request):
    """The explorer of notebook ``request.param`` at 1280 x 720, file browser closed."""
    number = request.param
    kind, extremes = EXPLORERS[number]
    notebook, explorers = explorers_in(notebook_named(number))
    explorer = the_explorer(explorers, kind)
    page = notebook.page
    page.set_viewport_size(PROJECTOR)
    _left_area(page, collapsed=True)
    yield notebook, explorer, extremes
    if not page.is_closed():  # a failed test closes its page
        page.set_viewport_size({"width": 1400, "height": 1000})
        _left_area(page, collapsed=False)


@pytest.mark.browser
@pytest.mark.parametrize("projector_explorer", sorted(EXPLORERS), indirect=True)
def test_keys_typed_in_an_explorer_change_no_cell(projector_explorer):
    notebook, explorer, _ = projector_explorer
    page = notebook.page
    before = page.evaluate(_JS_CELLS, notebook.path)
    targets = explorer.locator.locator(
        ".noUi-handle, select, button, input[type=checkbox]").all()
    assert targets, f"{explorer.kind}: no control found"
    for target in targets:
        target.focus()
        for key in ("m", "a", "b", "d", "d", "x"):
            page.keyboard.press(key)
        page.wait_for_timeout(150)  # a shortcut would have run by now
        after = page.evaluate(_JS_CELLS, notebook.path)
        label = target.evaluate("(n) => n.outerHTML.slice(0, 80)")
        assert after == before, (f"{explorer.kind}: m a b d d x on {label} changed the "
                                 f"cells:\n{before}\n-> {after}")
    assert explorer.locator.is_visible(), f"{explorer.kind} disappeared"
    # Running cells from inside an explorer is off too: it would rebuild the explorer.
    counts = notebook.execution_counts()
    explorer.locator.locator(".noUi-handle").first.focus()
    for key in ("Shift+Enter", "Control+Enter", "Alt+Enter", "Escape"):
        page.keyboard.press(key)
    page.wait_for_timeout(500)
    assert notebook.execution_counts() == counts, f"{explorer.kind}: a cell was run"
    assert page.evaluate(_JS_CELLS, notebook.path) == before
    # Typing into a <select> picks options by their first letter: back to the start.
    page.wait_for_timeout(500)
    _reset(explorer)
    # ArrowDown and ArrowUp change a dropdown, and JupyterLab stays on this cell.
    for dropdown in explorer.dropdowns():
        dropdown.select.focus()
        start = dropdown.value
        options = dropdown.options
        index = options.index(start)
        first, second = ("ArrowDown", "ArrowUp") if index + 1 < len(options) \
            else ("ArrowUp", "ArrowDown")
        update = explorer.measure(dropdown.description, first,
                                  lambda key=first: page.keyboard.press(key))
        moved = dropdown.value
        assert moved != start and update.changed, (
            f"{explorer.kind}: {first} on {dropdown.description!r} left {start!r}")
        assert moved == options[index + (1 if first == "ArrowDown" else -1)]
        explorer.measure(dropdown.description, second, lambda key=second: page.keyboard.press(key))
        assert dropdown.value == start, f"{second} did not bring back {start!r}"
        assert page.evaluate(_JS_CELLS, notebook.path) == before
    assert explorer.errors() == []


@pytest.mark.browser
@pytest.mark.parametrize("projector_explorer", sorted(EXPLORERS), indirect=True)
def test_tab_reaches_every_control_in_order(projector_explorer):
    notebook, explorer, _ = projector_explorer
    page = notebook.page
    total = explorer.locator.evaluate(
        f"(root) => ({_JS_FOCUSABLE})([root, {json.dumps(_FOCUSABLE)}])")
    assert total >= 3, f"{explorer.kind}: only {total} focusable controls"
    explorer.locator.locator("[data-course-focus='0']").first.focus()
    visited = [page.evaluate(_JS_ACTIVE)]
    for _ in range(total - 1):
        page.keyboard.press("Tab")
        visited.append(page.evaluate(_JS_ACTIVE))
    assert visited == list(range(total)), (
        f"{explorer.kind}: Tab visited {visited}, expected 0..{total - 1} in order")
    # Shift+Tab goes back the same way.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(_JS_ACTIVE) == total - 2


@pytest.mark.browser
@pytest.mark.parametrize("projector_explorer", sorted(EXPLORERS), indirect=True)
def test_explorer_fits_a_projector_and_large_text_is_large(projector_explorer):
    notebook, explorer, extremes = projector_explorer
    heights = {}
    _set_size(explorer, "normal")
    heights["normal, defaults"] = _height(explorer)
    notebook.screenshot(f"-{explorer.kind}-1280x720", element=explorer.locator)
    _go_to_extremes(explorer, extremes)
    heights["normal, extremes"] = _height(explorer)
    notebook.screenshot(f"-{explorer.kind}-1280x720-extremes", element=explorer.locator)
    # Each preset shows its sentence under the buttons: the explorer must still fit.
    for index, preset in enumerate(explorer.locator.locator(".course-preset").all()):
        _press(explorer, preset, f"preset {index + 1}")
        heights[f"normal, preset {index + 1}"] = _height(explorer)
    _set_size(explorer, "large")
    for index, preset in enumerate(explorer.locator.locator(".course-preset").all()):
        _press(explorer, preset, f"large preset {index + 1}")
        heights[f"large, preset {index + 1}"] = _height(explorer)
        if explorer.kind == "shape-explorer":
            _assert_report_beside_its_row(explorer, f"large, preset {index + 1}")
    _reset(explorer)
    _go_to_extremes(explorer, extremes)
    heights["large, extremes"] = _height(explorer)
    notebook.screenshot(f"-{explorer.kind}-1280x720-large-extremes", element=explorer.locator)
    texts = explorer.locator.evaluate(_JS_TEXTS)
    smallest = min(texts, key=lambda t: t["px"])
    _reset(explorer)
    heights["large, defaults"] = _height(explorer)
    large_defaults = explorer.locator.evaluate(_JS_TEXTS)
    notebook.screenshot(f"-{explorer.kind}-1280x720-large", element=explorer.locator)
    width = explorer.locator.bounding_box()["width"]
    _set_size(explorer, "normal")
    _record(explorer.kind, {"heights_px": heights, "width_px": round(width, 1),
                            "large_min_font_px": round(smallest["px"], 2),
                            "large_min_font_text": smallest["text"]})
    small = [t for t in texts + large_defaults if t["px"] < LARGE_MIN_PX - 0.05]
    assert not small, f"{explorer.kind}, large: text below {LARGE_MIN_PX} px: {small[:5]}"
    assert width <= PROJECTOR["width"], f"{explorer.kind} is {width} px wide"
    assert explorer.errors() == []
    # Both sizes: large text must fit as well as normal text.
    too_tall = {setting: height for setting, height in heights.items()
                if height > MAX_HEIGHT}
    assert not {s: h for s, h in too_tall.items() if s.startswith("normal")}, (
        f"{explorer.kind}: taller than {MAX_HEIGHT} px: {too_tall}")
    if too_tall and explorer.kind in KNOWN_TOO_TALL_IN_LARGE:
        pytest.xfail(f"{explorer.kind}: {KNOWN_TOO_TALL_IN_LARGE[explorer.kind]}; "
                     f"measured {too_tall}")
    assert not too_tall, f"{explorer.kind}: taller than {MAX_HEIGHT} px: {too_tall}"


@pytest.mark.browser
@pytest.mark.parametrize("projector_explorer", sorted(EXPLORERS), indirect=True)
def test_every_text_and_line_has_contrast(projector_explorer):
    notebook, explorer, extremes = projector_explorer
    found = []
    for stage in ("defaults", "extremes"):
        if stage == "extremes":
            _go_to_extremes(explorer, extremes)
        for text in explorer.locator.evaluate(_JS_TEXTS):
            ratio = contrast(text["color"], text["background"])
            if ratio < MIN_CONTRAST:
                found.append((stage, text["text"], text["color"], text["background"],
                              round(ratio, 2)))
        for stroke in explorer.locator.evaluate(_JS_STROKES):
            ratio = contrast(_hex(stroke["colour"]), [255, 255, 255])
            if ratio < MIN_CONTRAST:
                found.append((stage, stroke["what"], stroke["colour"], "page", round(ratio, 2)))
    _reset(explorer)
    assert not found, f"{explorer.kind}: below {MIN_CONTRAST}:1: {found[:8]}"


@pytest.mark.browser
@pytest.mark.parametrize("projector_explorer", sorted(EXPLORERS), indirect=True)
def test_sliders_keep_their_width_at_150_percent_zoom(projector_explorer):
    notebook, explorer, _ = projector_explorer
    page = notebook.page
    page.set_viewport_size(ZOOMED)
    _left_area(page, collapsed=False)
    try:
        explorer.locator.scroll_into_view_if_needed()
        sliders = explorer.locator.evaluate(_JS_SLIDERS)
        right = explorer.locator.evaluate(
            "(root) => root.closest('.jp-OutputArea-output').getBoundingClientRect().right")
        notebook.screenshot(f"-{explorer.kind}-150pc-sidebar", element=explorer.locator)
    finally:
        page.set_viewport_size(PROJECTOR)
        _left_area(page, collapsed=True)
    _record(f"{explorer.kind} at 150%", sliders)
    narrow = [s for s in sliders if s["track"] < MIN_SLIDER_PX]
    assert not narrow, f"{explorer.kind} at 150% zoom: sliders shrank: {narrow}"
    clipped = [s for s in sliders if s["right"] > right + 1]
    assert not clipped, f"{explorer.kind} at 150% zoom: sliders cut off: {clipped}"


@pytest.mark.browser
def test_no_news_pop_up(open_notebook):
    notebook = open_notebook(notebook_named("01"))
    page = notebook.page
    # Without the course's setting JupyterLab asks within 5 s of starting (checked by hand:
    # a JupyterLab without the overrides file showed the question within 5 s).
    page.wait_for_timeout(5000)
    toasts = page.locator(".Toastify__toast, .jp-Notification-Toast").all_text_contents()
    assert not [t for t in toasts if "news" in t.lower()], toasts
    assert "official Jupyter news" not in page.locator("body").text_content()


_JS_DIRTY = """(path) => { const panel = window.__coursePanel(path);
  return panel ? panel.context.model.dirty : null; }"""


@pytest.mark.browser
def test_opening_a_saved_notebook_does_not_mark_it_unsaved(lab, notebook_pages):
    """A notebook saved by tools/run_notebooks.py opens clean: its kernel, once started,
    finds the same language_info and kernelspec, so JupyterLab changes nothing. (The
    same notebook saved with a shortened language_info is the control: it opens marked
    unsaved.)"""
    import shutil
    import sys

    # The browser suite's own conftest (tests/conftest.py is another module).
    NotebookPage = sys.modules[type(notebook_pages).__module__].NotebookPage
    sys.path.insert(0, str(ARTIFACTS.parent / "tools"))
    import run_notebooks

    folder = ARTIFACTS / "unsaved-check"
    folder.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS.parent / "notebooks" / "00_start_here.ipynb"
    results = {}
    for case in ("shortened", "run_notebooks"):
        target = folder / f"{case}.ipynb"
        shutil.copyfile(source, target)
        if case == "run_notebooks":
            run_notebooks.run(target)
        else:
            data = json.loads(target.read_text(encoding="utf-8"))
            data["metadata"]["language_info"] = {"name": "python",
                                                 "pygments_lexer": "ipython3"}
            target.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        page = notebook_pages.context.new_page()
        try:
            notebook = NotebookPage(page, lab, target.name)
            notebook.path = target.relative_to(ARTIFACTS.parent).as_posix()
            notebook.open()
            page.wait_for_timeout(2000)  # JupyterLab updates the metadata once connected
            results[case] = page.evaluate(_JS_DIRTY, notebook.path)
        finally:
            page.close()
            for session in lab.api("sessions"):
                if session.get("path", "").startswith("artifacts/unsaved-check/"):
                    lab.api(f"sessions/{session['id']}", method="DELETE")
    assert results == {"shortened": True, "run_notebooks": False}, results
