"""Every exercise of every notebook carries nbgrader metadata that nbgrader accepts.

The format (course brief): a markdown heading ``### Exercise NN.k: Title (P points)``,
a solution cell ``nbNN_exK_solution`` whose function body sits between
``### BEGIN SOLUTION`` and ``### END SOLUTION``, then a locked test cell
``nbNN_exK_tests`` worth P points, possibly with ``### BEGIN/END HIDDEN TESTS``.
These tests read the notebooks only (no kernel, no course directory), so they
are quick; the committed student edition is checked for leaks here as well.
"""

from __future__ import annotations

import copy
from collections import Counter

import nbformat
import nbgrader_support as ns
import pytest
from nbgrader.nbgraderformat import SCHEMA_VERSION, MetadataValidator
from nbgrader.preprocessors import CheckCellMetadata, ClearHiddenTests, ClearSolutions

NOTEBOOKS = ns.notebooks()
ALL = [pytest.param(p, id=p.stem) for p in NOTEBOOKS]

SOLUTION_META = {"grade": False, "locked": False, "schema_version": 3, "solution": True,
                 "task": False}
TESTS_META = {"grade": True, "locked": True, "schema_version": 3, "solution": False,
              "task": False}


def _marker_lines(source: str, marker: str) -> list[int]:
    return [i for i, line in enumerate(source.split("\n")) if marker in line]


def _format_problems(path) -> list[str]:
    """Everything in one notebook that breaks the exercise format, as sentences."""
    nb = ns.read(path)
    nn = path.name[:2]
    problems = []
    seen = {}  # (k, kind) -> cell index
    headings = {}  # k -> (cell index, points)
    for index, cell in enumerate(nb.cells):
        where = f"cell {index}"
        if cell.cell_type == "markdown":
            for m in ns.HEADING.finditer(cell.source):
                if m["nn"] != nn:
                    problems.append(f"{where}: heading 'Exercise {m['nn']}.{m['k']}' in "
                                    f"notebook {nn}")
                headings[int(m["k"])] = (index, float(m["points"]))
        meta = ns.nbgrader_meta(cell)
        if not meta:
            for marker in ns.MARKERS:
                if marker in cell.source:
                    problems.append(f"{where}: {marker!r} in a cell without nbgrader metadata "
                                    f"(nbgrader would refuse or rewrite it)")
            continue
        gid = str(meta.get("grade_id", ""))
        m = ns.GRADE_ID.match(gid)
        if m is None or m["nn"] != nn:
            problems.append(f"{where}: grade_id {gid!r} is not nb{nn}_exK_solution/_tests")
            continue
        k, kind = int(m["k"]), m["kind"]
        where = f"{where} ({gid})"
        if (k, kind) in seen:
            problems.append(f"{where}: a second {kind} cell for exercise {k}")
        seen[(k, kind)] = index
        if cell.cell_type != "code":
            problems.append(f"{where}: is a {cell.cell_type} cell, not a code cell")
        wanted = SOLUTION_META if kind == "solution" else TESTS_META
        for key, value in wanted.items():
            if meta.get(key) != value:
                problems.append(f"{where}: {key} is {meta.get(key)!r}, should be {value!r}")
        if kind == "solution":
            begins = _marker_lines(cell.source, ns.BEGIN_SOLUTION)
            ends = _marker_lines(cell.source, ns.END_SOLUTION)
            lines = cell.source.split("\n")
            if len(begins) != 1 or len(ends) != 1 or begins[0] > ends[0]:
                problems.append(f"{where}: needs one '### BEGIN SOLUTION' line, then one "
                                f"'### END SOLUTION' line")
            else:
                if lines[begins[0]].strip() != "### BEGIN SOLUTION" or \
                        lines[ends[0]].strip() != "### END SOLUTION":
                    problems.append(f"{where}: the solution markers must be lines of their own, "
                                    f"'### BEGIN SOLUTION' and '### END SOLUTION'")
                if not any(line.strip() for line in lines[begins[0] + 1:ends[0]]):
                    problems.append(f"{where}: the solution is empty")
            if "def " not in cell.source:
                problems.append(f"{where}: defines no function")
            for marker in (ns.BEGIN_HIDDEN, ns.END_HIDDEN):
                if marker in cell.source:
                    problems.append(f"{where}: hidden tests in a solution cell")
        else:
            points = meta.get("points")
            if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
                problems.append(f"{where}: points {points!r} is not a positive number")
            begins = _marker_lines(cell.source, ns.BEGIN_HIDDEN)
            ends = _marker_lines(cell.source, ns.END_HIDDEN)
            if len(begins) != len(ends) or any(
                    b > e for b, e in zip(begins, ends)) or any(
                    e > b for e, b in zip(ends, begins[1:])):
                problems.append(f"{where}: unpaired or nested HIDDEN TESTS markers")
            for marker in (ns.BEGIN_SOLUTION, ns.END_SOLUTION):
                if marker in cell.source:
                    problems.append(f"{where}: a solution region in a test cell")
            try:
                if not ns.last_statement_is_print(cell.source):
                    problems.append(f"{where}: does not end with a print(...) call")
            except SyntaxError as exc:
                problems.append(f"{where}: is not valid Python ({exc})")
    numbers = sorted({k for k, _ in seen})
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"exercises are numbered {numbers}, not 1, 2, ...")
    for k in numbers:
        sol, tests = seen.get((k, "solution")), seen.get((k, "tests"))
        if sol is None or tests is None:
            problems.append(f"exercise {k} lacks its {'solution' if sol is None else 'test'} "
                            f"cell")
            continue
        if sol > tests:
            problems.append(f"exercise {k}: the test cell comes before the solution cell")
        if k not in headings:
            problems.append(f"exercise {k}: no '### Exercise {nn}.{k}: Title (P points)' heading")
            continue
        heading_index, heading_points = headings[k]
        if heading_index > sol:
            problems.append(f"exercise {k}: the heading comes after the solution cell")
        points = ns.nbgrader_meta(nb.cells[tests]).get("points")
        if isinstance(points, (int, float)) and heading_points != float(points):
            problems.append(f"exercise {k}: the heading says {heading_points:g} points, "
                            f"the test cell gives {points}")
    for k in sorted(set(headings) - set(numbers)):
        problems.append(f"exercise {k}: a heading but no nbgrader cells")
    return problems


def test_series_has_notebooks():
    assert NOTEBOOKS, "no notebooks in notebooks/"


@pytest.mark.parametrize("path", ALL)
def test_exercise_cells_follow_the_course_format(path):
    problems = _format_problems(path)
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", ALL)
def test_at_least_two_graded_exercises(path):
    found = ns.exercises(path)
    assert len(found) >= 2, f"{path.name} has {len(found)} graded exercise(s)"


@pytest.mark.parametrize("path", ALL)
def test_nbgrader_accepts_the_metadata(path):
    nb = ns.read(path)
    nbformat.validate(nb)
    assert SCHEMA_VERSION == 3
    MetadataValidator().validate_nb(nb)  # schema 3, grade ids, points: raises if wrong
    CheckCellMetadata().preprocess(copy.deepcopy(nb), {})
    graded = [c for c in nb.cells if ns.nbgrader_meta(c).get("grade")]
    assert graded, "no graded cell"


@pytest.mark.parametrize("path", ALL)
def test_nbgrader_makes_a_student_version(path):
    """nbgrader's own preprocessors take the solutions and hidden tests out."""
    nb = copy.deepcopy(ns.read(path))
    resources = {}
    nb, resources = ClearSolutions().preprocess(nb, resources)
    nb, resources = ClearHiddenTests().preprocess(nb, resources)
    problems = ns.leaks(path, nb)
    assert not problems, "\n".join(problems)


def test_grade_ids_are_unique_across_the_series():
    ids = Counter(ns.grade_id(cell) for path in NOTEBOOKS for cell in ns.read(path).cells
                  if ns.grade_id(cell))
    assert NOTEBOOKS
    assert [gid for gid, count in ids.items() if count > 1] == []


@pytest.mark.parametrize("path", ALL)
def test_committed_student_edition_hides_the_answers(path):
    """The committed student/ copy of this notebook exists and gives nothing away."""
    student = ns.STUDENT_DIR / path.name
    assert student.exists(), f"student/{path.name} is missing: run `make student`"
    problems = ns.leaks(path, ns.read(student))
    assert not problems, "\n".join(problems)


def test_student_edition_has_no_stray_notebooks():
    names = {p.name for p in NOTEBOOKS}
    stray = sorted(p.name for p in ns.STUDENT_DIR.glob("*.ipynb") if p.name not in names)
    assert ns.STUDENT_DIR.is_dir() and stray == [], f"stale in student/: {stray}"


def test_nbgrader_stays_out_of_the_learners_requirements():
    """Learners (Binder, ``make lab``) never need nbgrader; the test tools bring it."""
    def mentions_nbgrader(path):
        lines = path.read_text(encoding="utf-8").lower().splitlines()
        return any("nbgrader" in line.split("#", 1)[0] for line in lines)

    learner_files = [ns.ROOT / "requirements.txt"]
    learner_files += sorted(p for p in (ns.ROOT / "binder").glob("*") if p.is_file())
    assert [p.name for p in learner_files if mentions_nbgrader(p)] == []
    assert mentions_nbgrader(ns.ROOT / "requirements-test.txt")
