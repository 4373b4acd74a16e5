"""What the nbgrader tests share: the notebooks of the series, their exercises,
the text a release must not contain, and a temporary nbgrader course.

The course is built with the same code as ``make student``
(tools/build_student.py) and the instructor configuration
(instructor/nbgrader_config.py), so the tests grade exactly what an instructor
would. nbgrader runs as ``python -m nbgrader`` with this environment's Python,
so its kernels are this environment's ``python3`` (where ``helpers`` is
installed).
"""

from __future__ import annotations

import ast
import copy
import importlib.util
import re
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
STUDENT_DIR = ROOT / "student"
CONFIG = ROOT / "instructor" / "nbgrader_config.py"


def _load_build_student():
    path = ROOT / "tools" / "build_student.py"
    spec = importlib.util.spec_from_file_location("build_student", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


build_student = _load_build_student()

BEGIN_SOLUTION = build_student.BEGIN_SOLUTION
END_SOLUTION = build_student.END_SOLUTION
BEGIN_HIDDEN = build_student.BEGIN_HIDDEN
END_HIDDEN = build_student.END_HIDDEN
MARKERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN)
STUB = "raise NotImplementedError()"

GRADE_ID = build_student.GRADE_ID
HEADING = build_student.HEADING
Exercise = build_student.Exercise


def notebooks() -> list[Path]:
    """Every notebook in notebooks/, looked up when the tests are collected."""
    return build_student.course_notebooks(NOTEBOOKS_DIR)


def read(path: Path):
    return nbformat.read(path, as_version=4)


def exercises(path: Path) -> list[Exercise]:
    return build_student.exercises(path)


def nbgrader_meta(cell) -> dict:
    return build_student.nbgrader_meta(cell)


def grade_id(cell) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def cell_by_id(nb, wanted: str):
    for cell in nb.cells:
        if grade_id(cell) == wanted:
            return cell
    raise KeyError(f"no cell with grade_id {wanted!r}")


def last_statement_is_print(source: str) -> bool:
    """Whether the code's last top-level statement is a ``print(...)`` call.

    A test cell whose last line is an expression would show its value, and
    nbgrader reads a number shown there as a partial score.
    """
    body = ast.parse(source).body
    if not body:
        return False
    last = body[-1]
    return (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
            and isinstance(last.value.func, ast.Name) and last.value.func.id == "print")


# --------------------------------------------------------------------------- secrets

_KEYWORD_LINES = {"continue", "finally:", "return None", "raise", "else:", "try:"}


def is_trivial(line: str) -> bool:
    """Lines too plain to give an answer away (they may well appear in a release)."""
    s = line.strip()
    return (len(s) < 8 or s.startswith("#") or s in _KEYWORD_LINES
            or not any(ch.isalnum() for ch in s))


def public_text(nb) -> str:
    """Everything a learner may see: every cell's source minus solutions and hidden tests."""
    pairs = ((BEGIN_SOLUTION, END_SOLUTION), (BEGIN_HIDDEN, END_HIDDEN))
    return "\n".join(build_student.without_regions(cell.source, *pairs) for cell in nb.cells)


@dataclass(frozen=True)
class Secret:
    grade_id: str  # the cell it comes from
    kind: str  # "solution" or "hidden test"
    line: str  # stripped


def secrets(path: Path) -> list[Secret]:
    """Lines of the solutions and hidden tests that a release must not contain.

    Trivial lines are ignored, and so are lines that the notebook shows anyway
    outside solutions and hidden tests (a formula derived in the lesson may
    reappear in a solution).
    """
    public = public_text(read(path))
    found = []
    for ex in exercises(path):
        for kind, cell_id, lines in (("solution", ex.solution_id, ex.solution_lines),
                                     ("hidden test", ex.tests_id, ex.hidden_lines)):
            for line in lines:
                if not is_trivial(line) and line.strip() not in public:
                    found.append(Secret(cell_id, kind, line.strip()))
    return found


def visible_text(nb) -> list[str]:
    """Each cell's source and every text in its outputs."""
    texts = []
    for cell in nb.cells:
        texts.append(cell.source)
        for output in cell.get("outputs", []):
            if "text" in output:
                texts.append(str(output["text"]))
            for value in output.get("data", {}).values():
                texts.append(value if isinstance(value, str) else str(value))
            texts.extend(output.get("traceback", []))
    return texts


def leaks(path: Path, released) -> list[str]:
    """What of the instructor notebook ``path`` shows in the released notebook ``released``."""
    texts = visible_text(released)
    problems = [f"{s.kind} line of {s.grade_id} is visible: {s.line!r}"
                for s in secrets(path) if any(s.line in text for text in texts)]
    for marker in MARKERS:
        if any(marker in text for text in texts):
            problems.append(f"the marker {marker!r} is still there")
    for ex in exercises(path):
        try:
            cell = cell_by_id(released, ex.solution_id)
        except KeyError:
            problems.append(f"the solution cell {ex.solution_id} is missing")
            continue
        if STUB not in cell.source:
            problems.append(f"{ex.solution_id} does not hold the stub {STUB}")
    return problems


# --------------------------------------------------------------------------- submissions

def solution_replaced(source: str, body: list[str]) -> str:
    """``source`` with the lines of its solution region replaced by ``body``, indented alike."""
    out, inside = [], False
    for line in source.split("\n"):
        if BEGIN_SOLUTION in line:
            inside = True
            indent = re.match(r"\s*", line).group(0)
            out.extend(indent + b for b in body)
        elif END_SOLUTION in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def solved(released, instructor, ids: list[str]):
    """A copy of ``released`` with the solution cells ``ids`` filled in as the instructor did."""
    nb = copy.deepcopy(released)
    for wanted in ids:
        cell_by_id(nb, wanted).source = cell_by_id(instructor, wanted).source
    return nb


def without_cells(nb, ids):
    nb = copy.deepcopy(nb)
    nb.cells = [cell for cell in nb.cells if grade_id(cell) not in set(ids)]
    return nb


def with_cell_after(nb, after_id: str, source: str):
    """A copy of ``nb`` with a learner's own code cell right after the cell ``after_id``."""
    nb = copy.deepcopy(nb)
    index = next(i for i, cell in enumerate(nb.cells) if grade_id(cell) == after_id)
    nb.cells.insert(index + 1, new_code_cell(source))
    return nb


# --------------------------------------------------------------------------- course

@dataclass(frozen=True)
class Grade:
    score: float
    max_score: float
    auto_score: float | None
    needs_manual_grade: bool


class Course:
    """A temporary nbgrader course directory holding the notebooks of the series."""

    def __init__(self, root: Path, paths: list[Path]):
        self.root = Path(root)
        self.paths = {path.stem: path for path in paths}
        self.names = build_student.setup_course(self.root, paths, CONFIG)
        self.course_id = self._course_id()

    def _course_id(self) -> str:
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        return config.CourseDirectory.course_id

    def nbgrader(self, *args: str, timeout: float | None = None):
        """Run nbgrader in the course; returns the finished process (log in ``.stdout``)."""
        return build_student.run_nbgrader(self.root, *args, timeout=timeout, check=False)

    def source(self, name: str):
        return read(self.root / "source" / name / f"{name}.ipynb")

    def release_path(self, name: str) -> Path:
        return self.root / "release" / name / f"{name}.ipynb"

    def release(self, name: str):
        return read(self.release_path(name))

    def submit(self, student: str, name: str, nb) -> None:
        """Put ``nb`` where ``nbgrader collect`` would: submitted/STUDENT/NAME/NAME.ipynb."""
        folder = self.root / "submitted" / student / name
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{name}.ipynb")

    def submit_file(self, student: str, name: str, path: Path) -> None:
        folder = self.root / "submitted" / student / name
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, folder / f"{name}.ipynb")

    def autograded_path(self, student: str, name: str) -> Path:
        return self.root / "autograded" / student / name / f"{name}.ipynb"

    def autograded(self, student: str, name: str):
        return read(self.autograded_path(student, name))

    def grades(self, student: str, name: str) -> dict[str, Grade]:
        """Scores in the gradebook for one submitted notebook, by test cell grade_id."""
        from nbgrader.api import Gradebook

        db_url = f"sqlite:///{self.root / 'gradebook.db'}"
        with Gradebook(db_url, self.course_id) as gb:
            submitted = gb.find_submission_notebook(name, name, student)
            return {g.name: Grade(float(g.score), float(g.max_score),
                                  None if g.auto_score is None else float(g.auto_score),
                                  bool(g.needs_manual_grade))
                    for g in submitted.grades}


class Series:
    """The series split over a few courses that nbgrader works on side by side.

    One nbgrader process runs one notebook at a time; two courses (each with
    its own gradebook) let both cores grade. Notebooks alternate between them.
    """

    def __init__(self, root: Path, paths: list[Path], shards: int = 2):
        groups = [paths[i::shards] for i in range(shards) if paths[i::shards]]
        self.courses = [Course(Path(root) / f"course-{i + 1}", group)
                        for i, group in enumerate(groups)]
        self.names = [p.stem for p in paths]
        self._course_of = {name: c for c in self.courses for name in c.names}

    def __getitem__(self, name: str) -> Course:
        return self._course_of[name]

    def nbgrader_each(self, *args: str, timeout: float | None = None) -> dict:
        """Run the same nbgrader command in every course at once; the processes by course."""
        with ThreadPoolExecutor(max_workers=len(self.courses)) as pool:
            futures = {c: pool.submit(c.nbgrader, *args, timeout=timeout) for c in self.courses}
        return {c: f.result() for c, f in futures.items()}


def cell_seconds(cell) -> float | None:
    """How long a cell ran when nbgrader executed it (from its timing metadata)."""
    timing = cell.get("metadata", {}).get("execution", {})
    start = timing.get("iopub.execute_input")
    end = timing.get("shell.execute_reply") or timing.get("iopub.status.idle")
    if not start or not end:
        return None
    parse = lambda stamp: datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def error_names(cell) -> list[str]:
    return [o.get("ename", "") for o in cell.get("outputs", []) if o.get("output_type") == "error"]


TIMEOUT_ERRORS = {"CellTimeoutError", "KeyboardInterrupt", "TimeoutError"}


def log_tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.splitlines()[-lines:])
