"""The mutation catalogue: every plausible wrong answer fails, every right one passes.

The catalogue is ``tests/mutants/nbNN.py``, one plain data file per notebook, with two
lists of dicts:

- ``MUTANTS``: a wrong answer to an exercise (``source`` replaces the whole solution
  cell), the words its failure message must contain (``contains``) and must not contain
  (``absent``, a wrong cause), all case-insensitive. A mutant fails the visible tests too,
  with a message that passes the same word checks, unless ``hidden_only`` says why only a
  hidden test can tell it apart; then it must pass the visible tests.
- ``ALTERNATIVES``: a right answer written differently from the reference solution. It
  passes the visible and the hidden tests and prints only the exercise's one
  ``Exercise NN.k: all tests passed.`` line, with nothing on stderr and no warning.

Each notebook's code cells run once, in order, in an in-process IPython shell (as in
JupyterLab: magics work, the working directory is ``notebooks/``); the namespace is
kept just before every solution cell. Each entry then runs its answer and the test cell
in a fresh copy of that namespace: the full test cell as ``nbgrader autograde`` runs it,
and the visible part alone as the learner runs it.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbgrader_support as nbs
import numpy as np
import pytest

from course import NOTEBOOKS, ROOT, cell_source, load_notebook

pytestmark = pytest.mark.mutants

CATALOGUE_DIR = ROOT / "tests" / "mutants"
MUTANT_KEYS = {"exercise", "name", "source", "contains", "absent", "hidden_only"}
ALTERNATIVE_KEYS = {"exercise", "name", "source"}
MIN_MUTANTS_PER_EXERCISE = 5
MIN_MUTANTS_IN_ALL = 125
MIN_ALTERNATIVES_PER_EXERCISE = 2


# --------------------------------------------------------------------------- the notebooks

@dataclass(frozen=True)
class Exercise:
    number: str  # "03.1"
    notebook: str  # file stem
    solution_source: str
    tests_source: str  # visible and hidden, as autograde runs it

    @property
    def visible_source(self) -> str:
        return nbs.build_student.without_regions(self.tests_source,
                                                 (nbs.BEGIN_HIDDEN, nbs.END_HIDDEN))

    @property
    def passed_line(self) -> str:
        return f"Exercise {self.number}: all tests passed.\n"


def _exercises_of(path: Path) -> dict[str, tuple[int, Exercise]]:
    """Exercise number -> (index of its solution cell, exercise), read from the metadata."""
    cells = load_notebook(path)["cells"]
    ids = {nbs.grade_id(c): i for i, c in enumerate(cells) if nbs.grade_id(c)}
    found = {}
    for gid, i in ids.items():
        m = nbs.GRADE_ID.match(gid)
        if not m or m["kind"] != "solution":
            continue
        tests_at = ids.get(f"nb{m['nn']}_ex{m['k']}_tests")
        if tests_at is None:
            continue
        number = f"{m['nn']}.{m['k']}"
        found[number] = (i, Exercise(number, path.stem, cell_source(cells[i]),
                                     cell_source(cells[tests_at])))
    return found


EXERCISES = {number: ex for path in NOTEBOOKS for number, (_, ex) in _exercises_of(path).items()}


@contextlib.contextmanager
def _working_directory(path: Path):
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _fresh_main(shell) -> None:
    """Give the shell a new ``__main__`` namespace. (``shell.reset`` would empty the old dict
    in place, and the functions kept in earlier snapshots use it as their globals.)"""
    import types

    shell.user_module = types.ModuleType("__main__")
    shell.user_ns = shell.user_module.__dict__
    shell.init_user_ns()


@functools.cache
def _snapshots(stem: str) -> dict[str, dict]:
    """Run notebook ``stem`` once; the namespace just before each exercise's solution cell."""
    import matplotlib

    # in this process only: an environment variable would reach the kernels nbval starts later
    matplotlib.use("Agg")
    from IPython.core.interactiveshell import InteractiveShell

    path = next(p for p in NOTEBOOKS if p.stem == stem)
    cells = load_notebook(path)["cells"]
    starts = {i: number for number, (i, _) in _exercises_of(path).items()}
    last = max(starts)  # nothing after the last solution cell is needed
    shell = InteractiveShell.instance()
    _fresh_main(shell)
    snapshots = {}
    with _working_directory(path.parent), contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, cell in enumerate(cells[:last + 1]):
            if i in starts:
                snapshots[starts[i]] = dict(shell.user_ns)
            if cell["cell_type"] != "code" or i == last:
                continue
            result = shell.run_cell(cell_source(cell), silent=True)
            if not result.success:
                raise RuntimeError(f"{stem}: cell {i} failed while preparing the mutants: "
                                   f"{result.error_in_exec or result.error_before_exec!r}")
        import matplotlib.pyplot as plt
        plt.close("all")
    _fresh_main(shell)
    return snapshots


# --------------------------------------------------------------------------- one run

@dataclass(frozen=True)
class Outcome:
    error: str  # "" when the test cell raised nothing, else "TypeName: message"
    stdout: str
    stderr: str
    warnings: tuple[str, ...]


def _fresh_namespace(exercise: Exercise) -> dict:
    # arrays are copied so that an answer that writes into a notebook's array
    # cannot change what later entries see
    return {k: (v.copy() if isinstance(v, np.ndarray) else v)
            for k, v in _snapshots(exercise.notebook)[exercise.number].items()}


def _run(answer: str, tests: str, exercise: Exercise) -> tuple[str, Outcome]:
    """Run ``answer`` then ``tests`` in a fresh namespace; the answer's own error (if it
    raised) and the outcome of the test cell, as a learner would see it."""
    ns = _fresh_namespace(exercise)
    notebook_dir = ROOT / "notebooks"
    answer_error = ""
    with _working_directory(notebook_dir):
        with contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                exec(compile(answer, f"<answer {exercise.number}>", "exec"), ns)
            except Exception as exc:  # the answer cell fails; the test cell still runs
                answer_error = f"{type(exc).__name__}: {exc}"
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                exec(compile(tests, f"<tests {exercise.number}>", "exec"), ns)
                error = ""
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
    seen = tuple(f"{w.category.__name__}: {w.message}" for w in caught)
    return answer_error, Outcome(error, out.getvalue(), err.getvalue(), seen)


def _assert_passes_quietly(outcome: Outcome, exercise: Exercise, what: str) -> None:
    assert not outcome.error, f"{what} fails the tests of {exercise.number}: {outcome.error}"
    assert outcome.stdout == exercise.passed_line, (
        f"{what}: the test cell of {exercise.number} printed {outcome.stdout!r}, not exactly "
        f"{exercise.passed_line!r}")
    assert not outcome.stderr, f"{what}: stderr {outcome.stderr!r}"
    assert not outcome.warnings, f"{what}: warnings {outcome.warnings}"


def _check_message(message: str, entry: dict, run: str) -> None:
    low = message.lower()
    missing = [w for w in entry.get("contains", []) if w.lower() not in low]
    wrong = [w for w in entry.get("absent", []) if w.lower() in low]
    assert not missing and not wrong, (
        f"{run} message of mutant {entry['exercise']} {entry['name']!r} "
        f"lacks {missing} / has {wrong}:\n{message}")


# --------------------------------------------------------------------------- the catalogue

def _load_catalogue(path: Path):
    spec = importlib.util.spec_from_file_location(f"mutants_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(getattr(module, "MUTANTS", [])), list(getattr(module, "ALTERNATIVES", []))


CATALOGUES = {p.stem: _load_catalogue(p) for p in sorted(CATALOGUE_DIR.glob("nb*.py"))}
MUTANTS = [m for mutants, _ in CATALOGUES.values() for m in mutants]
ALTERNATIVES = [a for _, alternatives in CATALOGUES.values() for a in alternatives]


def _entry_id(entry: dict) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", entry.get("name", "?").lower()).strip("-")
    return f"nb{entry.get('exercise', '?')[:2]}-{entry.get('exercise', '?')}-{slug}"


def test_every_catalogue_entry_is_well_formed():
    problems = []
    for stem, (mutants, alternatives) in CATALOGUES.items():
        for kind, entries, keys in [("mutant", mutants, MUTANT_KEYS),
                                    ("alternative", alternatives, ALTERNATIVE_KEYS)]:
            seen = set()
            for e in entries:
                where = f"{stem} {kind} {e.get('exercise')} {e.get('name')!r}"
                if set(e) - keys or not {"exercise", "name", "source"} <= set(e):
                    problems.append(f"{where}: keys {sorted(e)}")
                if e.get("exercise") not in EXERCISES or not e["exercise"].startswith(stem[2:]):
                    problems.append(f"{where}: no such exercise in notebook {stem[2:]}")
                if (e.get("exercise"), e.get("name")) in seen:
                    problems.append(f"{where}: the name is used twice")
                seen.add((e.get("exercise"), e.get("name")))
                if kind == "mutant" and not e.get("contains"):
                    problems.append(f"{where}: say which words the message must contain")
    assert not problems, "\n".join(problems)


def test_catalogue_covers_every_exercise():
    per_mutants = {n: 0 for n in EXERCISES}
    per_alternatives = {n: 0 for n in EXERCISES}
    for m in MUTANTS:
        per_mutants[m["exercise"]] = per_mutants.get(m["exercise"], 0) + 1
    for a in ALTERNATIVES:
        per_alternatives[a["exercise"]] = per_alternatives.get(a["exercise"], 0) + 1
    thin = {n: c for n, c in per_mutants.items() if c < MIN_MUTANTS_PER_EXERCISE}
    few = {n: c for n, c in per_alternatives.items() if c < MIN_ALTERNATIVES_PER_EXERCISE}
    assert not thin, f"exercises with fewer than {MIN_MUTANTS_PER_EXERCISE} mutants: {thin}"
    assert not few, f"exercises with fewer than {MIN_ALTERNATIVES_PER_EXERCISE} alternatives: {few}"
    assert len(MUTANTS) >= MIN_MUTANTS_IN_ALL, len(MUTANTS)


@pytest.mark.parametrize("number", sorted(EXERCISES), ids=lambda n: f"nb{n[:2]}-{n}")
def test_reference_solution_passes_quietly(number):
    exercise = EXERCISES[number]
    for tests, run in [(exercise.tests_source, "all tests"),
                       (exercise.visible_source, "visible tests")]:
        answer_error, outcome = _run(exercise.solution_source, tests, exercise)
        assert not answer_error, answer_error
        _assert_passes_quietly(outcome, exercise, f"the reference solution ({run})")


@pytest.mark.parametrize("entry", MUTANTS, ids=_entry_id)
def test_mutant_fails_with_a_message_naming_the_mistake(entry):
    exercise = EXERCISES[entry["exercise"]]
    _, full = _run(entry["source"], exercise.tests_source, exercise)
    assert full.error, f"mutant {entry['name']!r} passes every test of {exercise.number}"
    _check_message(full.error, entry, "the autograde")
    _, visible = _run(entry["source"], exercise.visible_source, exercise)
    if entry.get("hidden_only"):
        assert not visible.error, (
            f"mutant {entry['name']!r} is marked hidden_only but fails the visible tests too "
            f"({visible.error}); drop hidden_only")
    else:
        assert visible.error, (
            f"mutant {entry['name']!r} passes the visible tests of {exercise.number}; make a "
            f"visible test catch it, or say in hidden_only why none can")
        _check_message(visible.error, entry, "the visible")


@pytest.mark.parametrize("entry", ALTERNATIVES, ids=_entry_id)
def test_alternative_right_answer_passes(entry):
    exercise = EXERCISES[entry["exercise"]]
    for tests, run in [(exercise.tests_source, "all tests"),
                       (exercise.visible_source, "visible tests")]:
        answer_error, outcome = _run(entry["source"], tests, exercise)
        assert not answer_error, f"the answer cell raised {answer_error}"
        _assert_passes_quietly(outcome, exercise, f"alternative {entry['name']!r} ({run})")
