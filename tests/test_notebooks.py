"""Every notebook is a lesson of the same shape, runs clean, and prints the same everywhere."""

from __future__ import annotations

import json
import re

import pytest

from course import NOTEBOOK_DIR, NOTEBOOKS, ROOT, cell_source, load_notebook

SERIES = [
    "00_start_here", "01_single_example_jacobian", "02_vjp_and_adjoints",
    "03_batched_linear_layer", "04_shape_discipline", "05_gradient_checking",
    "06_transpose_chaining", "07_two_layer_mlp", "08_training_dynamics", "09_beyond_dense",
    "10_cost_of_backprop", "11_computational_graphs", "12_mixing_layers",
]

REQUIRED_HEADINGS = ["## What you will learn", "## What this notebook assumes", "## Exercises",
                     "## Summary", "## What comes next"]


def _markdown(nb):
    return [cell_source(c) for c in nb["cells"] if c["cell_type"] == "markdown"]


def _headings(nb):
    return [line.strip() for md in _markdown(nb) for line in md.splitlines()
            if line.startswith("#")]


def test_the_series_is_complete_and_numbered():
    assert [p.stem for p in NOTEBOOKS] == SERIES


def test_title_is_the_only_h1_and_comes_first(notebook):
    path, nb = notebook
    first = cell_source(nb["cells"][0])
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert first.startswith(f"# {path.stem[:2]} · "), first.splitlines()[0]
    h1 = [h for h in _headings(nb) if re.match(r"#\s", h)]
    assert len(h1) == 1, h1


def test_lesson_sections_appear_in_order(notebook):
    _, nb = notebook
    headings = _headings(nb)
    positions = []
    for required in REQUIRED_HEADINGS:
        hits = [i for i, h in enumerate(headings) if h == required]
        assert hits, f"missing heading {required!r}"
        positions.append(hits[0])
    assert positions == sorted(positions), "lesson sections out of order"
    numbered = [h for h in headings if re.match(r"## \d+\. ", h)]
    assert len(numbered) >= 2, "content needs numbered sections (## 1. ...)"


def test_what_comes_next_links_to_the_next_notebook(notebook):
    path, nb = notebook
    index = SERIES.index(path.stem)
    cells = _markdown(nb)
    start = next(i for i, md in enumerate(cells) if "## What comes next" in md)
    tail = "\n".join(cells[start:])
    if index + 1 < len(SERIES):
        assert f"({SERIES[index + 1]}.ipynb)" in tail
    else:
        assert "(00_start_here.ipynb)" in tail


def test_every_relative_link_points_to_an_existing_file(notebook):
    _, nb = notebook
    for md in _markdown(nb):
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", md):
            if re.match(r"[a-z]+://", target):
                continue
            assert (NOTEBOOK_DIR / target).exists(), f"broken link {target!r}"


def test_notebook_was_run_top_to_bottom_without_errors(notebook):
    _, nb = notebook
    counts = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or not cell_source(cell).strip():
            continue
        assert cell["execution_count"] is not None, "a code cell was not run"
        counts.append(cell["execution_count"])
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", cell_source(cell)[:200]
            if out["output_type"] == "stream" and out["name"] == "stderr":
                pytest.fail(f"stderr output stored: {''.join(out['text'])[:300]}")
    assert counts == list(range(1, len(counts) + 1)), "not run in order from a fresh kernel"


def test_no_saved_widget_state_and_standard_kernel(notebook):
    _, nb = notebook
    assert "widgets" not in nb["metadata"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_ignored_outputs_are_only_timings_and_say_why(notebook):
    _, nb = notebook
    for cell in nb["cells"]:
        src = cell_source(cell)
        tags = cell.get("metadata", {}).get("tags", [])
        assert "nbval-skip" not in tags and "# NBVAL_SKIP" not in src, "no cell may be skipped"
        if "NBVAL_IGNORE_OUTPUT" in src or "nbval-ignore-output" in tags:
            lines = src.splitlines()
            assert lines[0].strip() == "# NBVAL_IGNORE_OUTPUT"
            assert lines[1].lstrip().startswith("#") and "tim" in lines[1].lower(), (
                "an ignored cell must say (on its second line) that timings vary")


def test_every_figure_has_a_caption(notebook):
    _, nb = notebook
    cells = nb["cells"]
    for i, cell in enumerate(cells):
        images = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        if images:
            nxt = cells[i + 1] if i + 1 < len(cells) else None
            assert nxt is not None and nxt["cell_type"] == "markdown" and \
                cell_source(nxt).lstrip().startswith("*Figure:"), (
                    f"figure in cell {i} has no '*Figure:' caption after it")


def test_no_machine_paths_or_memory_addresses_in_outputs(notebook):
    _, nb = notebook
    text = json.dumps(nb)
    assert not re.search(r"/(work|tmp|root|home|Users)/[A-Za-z]", text)
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            plain = "".join(out.get("text", "")) + "".join(data.get("text/plain", ""))
            assert " object at 0x" not in plain, f"a repr with a memory address: {plain[:200]}"


def test_at_least_two_exercises_with_their_headings(notebook):
    path, nb = notebook
    nn = path.stem[:2]
    titles = [h for h in _headings(nb) if h.startswith(f"### Exercise {nn}.")]
    solutions = [c for c in nb["cells"]
                 if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    assert len(titles) >= 2 and len(solutions) == len(titles), (titles, len(solutions))
    for title in titles:
        assert re.search(r"\(\d+ points?\)$", title), f"points missing in {title!r}"


def test_every_concept_id_is_taught_where_the_readme_map_says():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*\[(\d\d)[^\]]*\]\(notebooks/([\w]+)\.ipynb\)\s*\|(.*)$",
                      readme, flags=re.M)
    assert len(rows) == len(SERIES), "the README's course map must list every notebook"
    seen = set()
    for _, stem, rest in rows:
        ids = set(re.findall(r"C\d\d", rest))
        text = json.dumps(load_notebook(NOTEBOOK_DIR / f"{stem}.ipynb"))
        missing = sorted(i for i in ids if i not in text)
        assert not missing, f"{stem} is mapped to {missing} but never mentions them"
        seen |= ids
    assert seen >= {f"C{i:02d}" for i in range(1, 50)}, sorted(
        {f"C{i:02d}" for i in range(1, 50)} - seen)


HINT = re.compile(r"<details><summary>Hint (\d+)</summary>\n\n(.+?)\n\n</details>", re.S)
EXERCISE_HEADING = re.compile(r"^### (Exercise (\d\d)\.(\d+):.*)$", re.M)


def _exercise_statements(nb):
    """(number, heading text, markdown) of every exercise statement."""
    for md in _markdown(nb):
        for m in EXERCISE_HEADING.finditer(md):
            yield f"{m[2]}.{m[3]}", m[1].strip(), md


def test_every_exercise_has_graduated_hints_that_open_on_click(notebook):
    _, nb = notebook
    statements = list(_exercise_statements(nb))
    assert statements
    for number, _, md in statements:
        hints = HINT.findall(md)
        assert len(hints) >= 2, f"Exercise {number}: at least two hints, each in <details>"
        assert [int(k) for k, _ in hints] == list(range(1, len(hints) + 1)), number
        assert md.count("<details>") == len(hints), f"Exercise {number}: a malformed hint"
        assert all(text.strip() for _, text in hints)


def test_after_each_test_cell_a_line_says_what_the_hidden_tests_check(notebook):
    path, nb = notebook
    anchors = {heading.replace(" ", "-") for _, heading, _ in _exercise_statements(nb)}
    cells = nb["cells"]
    for i, cell in enumerate(cells):
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        m = re.fullmatch(r"nb(\d\d)_ex(\d+)_tests", gid)
        if not m:
            continue
        after = cells[i + 1] if i + 1 < len(cells) else {"cell_type": "none", "source": ""}
        text = cell_source(after)
        assert after["cell_type"] == "markdown" and "nbgrader" not in after.get("metadata", {})
        assert text.startswith(f"**After Exercise {m[1]}.{m[2]}.**"), text[:80]
        assert "hidden tests" in text and "BEGIN HIDDEN" not in text
        link = re.search(r"\[Worked solution\]\(\.\./notebooks/([\w]+)\.ipynb#(.+)\)\s*$", text)
        assert link and link[1] == path.stem, f"no link to the worked solution in {text!r}"
        assert link[2] in anchors, f"the anchor {link[2]!r} is no exercise heading"


def test_student_edition_keeps_every_hint(notebook):
    path, nb = notebook
    student = load_notebook(ROOT / "student" / path.name)
    hints = [h for _, _, md in _exercise_statements(nb) for h in HINT.findall(md)]
    student_hints = [h for _, _, md in _exercise_statements(student) for h in HINT.findall(md)]
    assert student_hints == hints


def _callout_sections(nb) -> set[str]:
    """The sections ("5", "1.4") holding a **Misconception (C40)** callout."""
    found, section = set(), None
    for md in _markdown(nb):
        events = [(m.start(), m[1]) for m in re.finditer(r"^##+ (\d+(?:\.\d+)?)[. ]", md, re.M)]
        events += [(m.start(), None) for m in re.finditer(r"Misconception \(C40\)", md)]
        for _, value in sorted(events, key=lambda e: e[0]):
            if value is None:
                found.add(section)
            else:
                section = value
    return found


def test_readme_misconception_table_points_at_real_callouts():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Misconceptions answered"):]
    rows = [r for r in table.split("\n") if r.startswith('| "')]
    assert len(rows) == 4
    stems = {p.stem[:2]: p for p in NOTEBOOKS}
    for row in rows:
        places = row.rstrip(" |").split(" | ")[-1]
        for nn, sections in re.findall(r"(\d\d) (§[\d.]+(?: and §[\d.]+)?)", places):
            have = _callout_sections(load_notebook(stems[nn]))
            for section in re.findall(r"§([\d.]+)", sections):
                assert section in have, f"README: no misconception callout in {nn} §{section}"
