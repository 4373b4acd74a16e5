"""The nbgrader round trip, from the instructor's notebooks to scores in the gradebook.

Temporary nbgrader courses holding every notebook (split over two courses so
that two nbgrader processes grade side by side), one ``generate_assignment``
and one ``autograde`` run per course serve most tests; the endless-loop test
grades once more with a short time limit per cell. Scores are read from the
gradebook (nbgrader.api.Gradebook), never from exit codes.

Every notebook is checked for (1) a release free of solutions and hidden tests,
(2) full marks for the instructor's notebook, (3) zero, quickly, for the
untouched release. On one or two notebooks: (4) one exercise solved gives
exactly its points, (5) edited or deleted test cells gain nothing, (6) an
endless loop is stopped and the rest of the notebook is still graded.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

import nbgrader_support as ns
import pytest

pytestmark = pytest.mark.nbgrader

NOTEBOOKS = ns.notebooks()
#: Notebooks used for tests 4-6, in order of preference: the batched linear
#: layer and transpose chaining (short notebooks whose exercises are the heart
#: of the course); other notebooks stand in while these do not exist.
PREFERRED = ("03_", "06_")


def _focus(count: int) -> list[Path]:
    usable = [p for p in NOTEBOOKS if ns.exercises(p)]
    chosen = [p for prefix in PREFERRED for p in usable if p.name.startswith(prefix)]
    chosen += [p for p in usable if p not in chosen]
    return chosen[:count]


FOCUS = _focus(2)
ALL = [pytest.param(p, id=p.stem) for p in NOTEBOOKS]
TWO = [pytest.param(p, id=p.stem) for p in FOCUS]

# Students of the shared grading run.
INSTRUCTOR = "instructor-as-is"
UNTOUCHED = "untouched-release"
ONE_SOLVED = "one-exercise-solved"
EDITED = "tests-edited"
DELETED = "tests-deleted"
DELETED_EXERCISE = "exercise-deleted"
LOOPING = "endless-loop"

#: A test cell a learner rewrote to pass whatever the answer.
TRIVIAL_TEST = 'print("all tests passed.")'
#: A learner's cell that never ends.
ENDLESS = "while True:\n    pass"

SLOW_TEST_CELL = 10.0  # seconds; test cells of the course run in well under a second

#: A learner's cell that shows which Python runs the notebook.
PRINT_PREFIX = "import sys\nprint('KERNEL PREFIX', sys.prefix)"


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """Every notebook released by nbgrader, and the submissions below autograded."""
    assert NOTEBOOKS, "no notebooks in notebooks/"
    series = ns.Series(tmp_path_factory.mktemp("series"), NOTEBOOKS)
    series.generate = series.nbgrader_each("generate_assignment", "*", "--force")
    series.student_edition = series.courses[0].root.parent / "student-edition"
    series.student_edition_error = None
    try:
        ns.build_student.write_student_edition(
            [series[name].root / "release" / name for name in series.names],
            series.student_edition)
    except RuntimeError as exc:
        series.student_edition_error = str(exc)

    for name in series.names:
        course = series[name]
        course.submit_file(INSTRUCTOR, name, course.paths[name])
        if course.release_path(name).exists():
            course.submit_file(UNTOUCHED, name, course.release_path(name))
    for path in FOCUS:
        name, course = path.stem, series[path.stem]
        if not course.release_path(name).exists():
            continue
        instructor, release = course.source(name), course.release(name)
        found = ns.exercises(path)
        first = found[0]
        one = ns.solved(release, instructor, [first.solution_id])
        one.cells.insert(1, ns.new_code_cell(PRINT_PREFIX))
        course.submit(ONE_SOLVED, name, one)

        edited = ns.solved(release, instructor, [])
        for ex in found:
            cell = ns.cell_by_id(edited, ex.tests_id)
            cell.source = TRIVIAL_TEST
            cell.metadata["nbgrader"]["points"] = 1000
            cell.metadata["nbgrader"]["locked"] = False
            cell.metadata["editable"] = True
        course.submit(EDITED, name, edited)

        solved_then_deleted = ns.solved(release, instructor, [first.solution_id])
        course.submit(DELETED, name,
                      ns.without_cells(solved_then_deleted, [ex.tests_id for ex in found]))
        course.submit(DELETED_EXERCISE, name,
                      ns.without_cells(release, [first.solution_id, first.tests_id]))

    start = time.perf_counter()
    series.autograde = series.nbgrader_each("autograde", "*", timeout=3600)
    series.autograde_seconds = time.perf_counter() - start
    return series


def _log(proc) -> str:
    return f"\n--- nbgrader log (end) ---\n{ns.log_tail(proc.stdout)}"


def _released(series, name):
    course = series[name]
    assert course.release_path(name).exists(), (
        "nbgrader released nothing for this notebook" + _log(series.generate[course]))
    return course.release(name)


def _grades(series, student, name):
    course = series[name]
    assert course.autograded_path(student, name).exists(), (
        f"nbgrader did not autograde {student}'s {name}" + _log(series.autograde[course]))
    return course.grades(student, name)


def _points(path):
    return {ex.tests_id: ex.points for ex in ns.exercises(path)}


# --------------------------------------------------------------------------- 1: release

@pytest.mark.parametrize("path", ALL)
def test_release_holds_no_solution_and_no_hidden_test(series, path):
    release = _released(series, path.stem)
    problems = ns.leaks(path, release)
    assert not problems, "\n".join(problems)
    # the release keeps every exercise, with its points
    released_points = {ns.grade_id(c): float(ns.nbgrader_meta(c)["points"])
                       for c in release.cells if ns.nbgrader_meta(c).get("grade")}
    assert released_points == _points(path)


# --------------------------------------------------------------------------- 2, 3: grading

@pytest.mark.parametrize("path", ALL)
def test_instructor_notebook_gets_full_marks(series, path):
    name = path.stem
    grades = _grades(series, INSTRUCTOR, name)
    expected = _points(path)
    assert {k: g.max_score for k, g in grades.items()} == expected
    assert {k: g.score for k, g in grades.items()} == expected, _log(series.autograde[series[name]])
    graded = series[name].autograded(INSTRUCTOR, name)
    errors = [(i, ns.error_names(c)) for i, c in enumerate(graded.cells)
              if ns.error_names(c) and "raises-exception" not in c.metadata.get("tags", [])]
    assert not errors, f"cells that raised under nbgrader (index, error): {errors}"


@pytest.mark.parametrize("path", ALL)
def test_untouched_release_scores_zero_quickly(series, path):
    name = path.stem
    grades = _grades(series, UNTOUCHED, name)
    assert set(grades) == set(_points(path))
    assert {k: g.score for k, g in grades.items()} == dict.fromkeys(grades, 0.0)
    assert not any(g.needs_manual_grade for g in grades.values())
    graded = series[name].autograded(UNTOUCHED, name)
    for cell in graded.cells:
        names = ns.error_names(cell)
        assert not ns.TIMEOUT_ERRORS & set(names), f"a cell ran into the time limit: {cell.source}"
        if ns.nbgrader_meta(cell).get("grade"):
            assert names, f"{ns.grade_id(cell)} passed without a solution"
            seconds = ns.cell_seconds(cell)
            assert seconds is not None and seconds < SLOW_TEST_CELL, (
                f"{ns.grade_id(cell)} took {seconds} s to fail without a solution")


# --------------------------------------------------------------------------- 4: one solved

@pytest.mark.parametrize("path", TWO)
def test_one_solved_exercise_gets_exactly_its_points(series, path):
    name = path.stem
    grades = _grades(series, ONE_SOLVED, name)
    first = ns.exercises(path)[0]
    expected = {k: (v if k == first.tests_id else 0.0) for k, v in _points(path).items()}
    assert {k: g.score for k, g in grades.items()} == expected, _log(series.autograde[series[name]])


def test_autograding_kernel_is_this_environment(series):
    assert FOCUS, "no notebook with exercises"
    name = FOCUS[0].stem
    graded = series[name].autograded(ONE_SOLVED, name)
    printed = [str(o.get("text", "")) for c in graded.cells for o in c.get("outputs", [])]
    prefixes = [line.split(" ", 2)[2] for text in printed for line in text.splitlines()
                if line.startswith("KERNEL PREFIX ")]
    assert prefixes == [sys.prefix]


# --------------------------------------------------------------------------- 5: tampering

@pytest.mark.parametrize("path", TWO)
def test_edited_test_cells_are_graded_by_the_real_tests(series, path):
    name = path.stem
    grades = _grades(series, EDITED, name)
    expected = _points(path)
    assert {k: g.max_score for k, g in grades.items()} == expected  # not 1000
    assert {k: g.score for k, g in grades.items()} == dict.fromkeys(expected, 0.0)
    graded = series[name].autograded(EDITED, name)
    instructor = ns.read(path)
    for test_id in expected:
        cell = ns.cell_by_id(graded, test_id)
        assert cell.source == ns.cell_by_id(instructor, test_id).source  # hidden tests too
        assert float(ns.nbgrader_meta(cell)["points"]) == expected[test_id]


@pytest.mark.parametrize("path", TWO)
def test_deleted_test_cells_gain_no_points(series, path):
    # The first exercise is solved, yet without its test cell it scores nothing;
    # the formgrader flags every deleted test cell for manual grading.
    name = path.stem
    grades = _grades(series, DELETED, name)
    expected = _points(path)
    assert {k: g.score for k, g in grades.items()} == dict.fromkeys(expected, 0.0)
    assert all(g.auto_score is None and g.needs_manual_grade for g in grades.values())
    # Deleting a whole exercise (solution and tests) neither stops the grading
    # of the notebook nor earns anything.
    grades = _grades(series, DELETED_EXERCISE, name)
    assert {k: g.score for k, g in grades.items()} == dict.fromkeys(expected, 0.0)


# --------------------------------------------------------------------------- 6: endless loop

@pytest.fixture(scope="module")
def looping(series):
    """Grade, with a short time limit per cell, a notebook that loops forever twice.

    The notebook is the instructor's with a learner's endless cell after the
    first solution, and the last exercise's function body replaced by an
    endless loop. The time limit is three times the slowest cell of the same
    notebook in the shared run, and at least 10 s.
    """
    assert FOCUS, "no notebook with exercises"
    path = FOCUS[0]
    name, course = path.stem, series[path.stem]
    found = ns.exercises(path)
    slowest = max((ns.cell_seconds(c) or 0.0) for c in course.autograded(INSTRUCTOR, name).cells)
    limit = max(10, math.ceil(3 * slowest))
    nb = ns.with_cell_after(ns.read(path), found[0].solution_id, ENDLESS)
    last = ns.cell_by_id(nb, found[-1].solution_id)
    last.source = ns.solution_replaced(last.source, ENDLESS.split("\n"))
    course.submit(LOOPING, name, nb)
    start = time.perf_counter()
    proc = course.nbgrader("autograde", name, "--student", LOOPING,
                           f"--Execute.timeout={limit}", timeout=20 * limit + 600)
    return path, limit, proc, time.perf_counter() - start


def test_endless_loop_is_stopped_and_the_rest_graded(series, looping):
    path, limit, proc, seconds = looping
    name, course = path.stem, series[path.stem]
    assert course.autograded_path(LOOPING, name).exists(), _log(proc)
    grades = course.grades(LOOPING, name)
    found = ns.exercises(path)
    expected = {ex.tests_id: ex.points for ex in found}
    expected[found[-1].tests_id] = 0.0
    assert {k: g.score for k, g in grades.items()} == expected, _log(proc)
    graded = course.autograded(LOOPING, name)
    stopped = [c for c in graded.cells if ns.TIMEOUT_ERRORS & set(ns.error_names(c))]
    assert len(stopped) == 2, "expected the learner's cell and the last test cell to time out"
    assert stopped[0].source == ENDLESS
    assert stopped[1] is ns.cell_by_id(graded, found[-1].tests_id)
    for cell in stopped:
        assert limit - 1 <= ns.cell_seconds(cell) < limit + 30
    assert seconds < 2 * limit + 300


# --------------------------------------------------------------------------- student/

def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _cells(nb) -> list[tuple]:
    return [(c.cell_type, c.source, ns.nbgrader_meta(c)) for c in nb.cells]


def test_committed_student_edition_is_up_to_date(series):
    """student/ is what ``make student`` builds from notebooks/ now (cell by cell)."""
    logs = "".join(_log(proc) for proc in series.generate.values())
    assert series.student_edition_error is None, series.student_edition_error + logs
    fresh = series.student_edition
    assert ns.STUDENT_DIR.is_dir(), "student/ is missing: run `make student`"
    assert _files(ns.STUDENT_DIR) == _files(fresh), "student/ is out of date: run `make student`"
    for rel in _files(fresh):
        built, committed = fresh / rel, ns.STUDENT_DIR / rel
        if built.suffix == ".ipynb":
            assert _cells(ns.read(committed)) == _cells(ns.read(built)), (
                f"student/{rel} differs from a fresh build: run `make student`")
        else:
            assert committed.read_bytes() == built.read_bytes(), (
                f"student/{rel} differs from a fresh build: run `make student`")
