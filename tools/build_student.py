"""Build the student edition of the course with nbgrader, into student/.

    python tools/build_student.py                  # rebuild student/ from notebooks/
    python tools/build_student.py --output DIR     # write the student edition to DIR instead
    python tools/build_student.py --course-dir DIR # also keep a ready nbgrader course in DIR
    python tools/build_student.py --table          # print the table of exercises and points

Each notebook notebooks/NN_name.ipynb is one nbgrader assignment called
NN_name holding that one notebook, so that an instructor can release, collect
and grade the series notebook by notebook. The build makes a course directory
(a temporary one unless --course-dir is given): the instructor configuration
instructor/nbgrader_config.py, source/NN_name/NN_name.ipynb for every
notebook, then ``nbgrader generate_assignment`` for all of them. nbgrader
replaces each solution with ``raise NotImplementedError()``, removes the
hidden tests, locks the test cells and clears all outputs. The released
notebooks are then copied side by side into student/, where the links from
one notebook to the next still work.

Needs nbgrader (requirements-test.txt); the student edition itself does not.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
STUDENT = ROOT / "student"
CONFIG = ROOT / "instructor" / "nbgrader_config.py"

BEGIN_SOLUTION, END_SOLUTION = "BEGIN SOLUTION", "END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"

#: ``### Exercise 03.2: Title (3 points)``, the heading above every exercise.
HEADING = re.compile(
    r"^###\s+Exercise\s+(?P<nn>\d+)\.(?P<k>\d+):\s*(?P<title>.+?)\s*"
    r"\((?P<points>\d+(?:\.\d+)?)\s+points?\)\s*$",
    re.MULTILINE,
)
#: ``nb03_ex2_solution`` / ``nb03_ex2_tests``.
GRADE_ID = re.compile(r"^nb(?P<nn>\d{2})_ex(?P<k>\d+)_(?P<kind>solution|tests)$")

STUDENT_README = """\
# Student edition

The same notebooks as in `../notebooks/`, with the solutions of the exercises
taken out and the hidden tests removed. Work through a notebook here: at each
exercise, write your code in the cell that says `raise NotImplementedError()`
and run the test cell below it at once; it tells you what is still wrong.
When you are done (or stuck), compare with the worked solution in the same
notebook in `../notebooks/`.

This folder is generated from `../notebooks/` by `make student`; do not edit it.
"""


# --------------------------------------------------------------------------- notebooks

def course_notebooks(notebooks_dir: Path = NOTEBOOKS) -> list[Path]:
    """The notebooks of the series, in order."""
    return sorted(Path(notebooks_dir).glob("*.ipynb"))


def supporting_files(notebooks_dir: Path = NOTEBOOKS) -> list[Path]:
    """Files next to the notebooks that they may read (data, images), if any."""
    found = []
    for path in sorted(Path(notebooks_dir).rglob("*")):
        rel = path.relative_to(notebooks_dir)
        if path.is_dir() or path.suffix == ".ipynb":
            continue
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            continue
        found.append(path)
    return found


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def region_lines(source: str, begin: str, end: str) -> list[str]:
    """The lines strictly between ``begin`` and ``end`` marker lines."""
    lines, inside = [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            lines.append(line)
    return lines


def without_regions(source: str, *pairs: tuple[str, str]) -> str:
    """``source`` with every marked region (markers included) left out."""
    kept, inside = [], False
    for line in source.split("\n"):
        if any(begin in line for begin, _ in pairs):
            inside = True
        elif any(end in line for _, end in pairs):
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: its solution cell and its test cell."""

    notebook: str  # file stem, also the nbgrader assignment name
    number: str  # "03.2"
    title: str  # from the markdown heading ("" if there is none)
    points: float  # of the test cell
    solution_id: str
    tests_id: str
    solution_lines: tuple[str, ...]  # between BEGIN/END SOLUTION
    hidden_lines: tuple[str, ...]  # between BEGIN/END HIDDEN TESTS

    @property
    def has_hidden_tests(self) -> bool:
        return any(line.strip() for line in self.hidden_lines)


def exercises(path: Path) -> list[Exercise]:
    """The exercises of one notebook, in order, read from their nbgrader metadata.

    Pairs ``nbNN_exK_solution`` with ``nbNN_exK_tests``; an exercise missing
    either cell is left out (the metadata tests report it).
    """
    nb = nbformat.read(path, as_version=4)
    titles, solutions, tests = {}, {}, {}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for m in HEADING.finditer(cell.source):
                titles[f"{int(m['nn']):02d}.{int(m['k'])}"] = m["title"]
        m = GRADE_ID.match(str(nbgrader_meta(cell).get("grade_id", "")))
        if m is None:
            continue
        key = f"{m['nn']}.{int(m['k'])}"
        (solutions if m["kind"] == "solution" else tests)[key] = cell
    found = []
    for key, test_cell in tests.items():
        if key not in solutions:
            continue
        solution_cell = solutions[key]
        found.append(Exercise(
            notebook=path.stem,
            number=key,
            title=titles.get(key, ""),
            points=float(nbgrader_meta(test_cell).get("points", 0)),
            solution_id=nbgrader_meta(solution_cell)["grade_id"],
            tests_id=nbgrader_meta(test_cell)["grade_id"],
            solution_lines=tuple(region_lines(solution_cell.source, BEGIN_SOLUTION, END_SOLUTION)),
            hidden_lines=tuple(region_lines(test_cell.source, BEGIN_HIDDEN, END_HIDDEN)),
        ))
    return sorted(found, key=lambda ex: int(ex.number.split(".")[1]))


def _points(value: float) -> str:
    return f"{value:g}"


def exercise_table(paths: list[Path]) -> str:
    """A Markdown table of every exercise with its points; each notebook's total by its name."""
    rows = ["| Notebook | Exercise | Points | Hidden tests |", "|---|---|---|---|"]
    total, count = 0.0, 0
    for path in paths:
        found = exercises(path)
        subtotal = sum(ex.points for ex in found)
        for i, ex in enumerate(found):
            notebook = f"`{path.stem}` ({_points(subtotal)} points)" if i == 0 else ""
            rows.append(f"| {notebook} | {ex.number} {ex.title} | {_points(ex.points)} | "
                        f"{'yes' if ex.has_hidden_tests else 'no'} |")
        total += subtotal
        count += len(found)
    rows.append(f"| **All {len(paths)} notebooks** | **{count} exercises** | "
                f"**{_points(total)}** | |")
    return "\n".join(rows) + "\n"


# --------------------------------------------------------------------------- nbgrader

def nbgrader_env(scratch: Path) -> dict[str, str]:
    """Environment for running nbgrader with this Python; ``scratch`` is an empty folder.

    nbgrader runs the ``alembic`` script of its environment by name, so that
    environment's bin directory goes first on PATH. Jupyter and IPython config
    folders of its own (in ``scratch``) keep a personal
    ``~/.jupyter/nbgrader_config.py`` or IPython startup file from changing the
    result; the course's own nbgrader_config.py is still read.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["JUPYTER_CONFIG_DIR"] = str(Path(scratch) / "jupyter-config")
    env["IPYTHONDIR"] = str(Path(scratch) / "ipython")
    env.pop("JUPYTER_CONFIG_PATH", None)
    return env


def run_nbgrader(course_dir: Path, *args: str, timeout: float | None = None,
                 check: bool = True) -> subprocess.CompletedProcess:
    """Run ``python -m nbgrader ARGS`` in ``course_dir``; the log is in ``.stdout``."""
    with tempfile.TemporaryDirectory(prefix="nbgrader-env-") as scratch:
        proc = subprocess.run(
            [sys.executable, "-m", "nbgrader", *args], cwd=Path(course_dir).resolve(),
            env=nbgrader_env(Path(scratch)), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, timeout=timeout,
        )
    if check and proc.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(args)} failed (exit {proc.returncode}):\n"
                           f"{proc.stdout}")
    return proc


def setup_course(course_dir: Path, notebooks: list[Path] | None = None,
                 config: Path = CONFIG) -> list[str]:
    """Make ``course_dir`` an nbgrader course holding the series; returns the assignment names.

    Copies the configuration (unless the course already has one, which is then
    kept) and every notebook to source/NN_name/NN_name.ipynb, together with
    any supporting files from notebooks/.
    """
    course_dir = Path(course_dir)
    notebooks = course_notebooks() if notebooks is None else list(notebooks)
    course_dir.mkdir(parents=True, exist_ok=True)
    if not (course_dir / "nbgrader_config.py").exists():
        shutil.copyfile(config, course_dir / "nbgrader_config.py")
    names = []
    for path in notebooks:
        target = course_dir / "source" / path.stem
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target / path.name)
        for extra in supporting_files(path.parent):
            dest = target / extra.relative_to(path.parent)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(extra, dest)
        names.append(path.stem)
    return names


def generate_assignments(course_dir: Path, check: bool = True) -> subprocess.CompletedProcess:
    """``nbgrader generate_assignment`` for every assignment in source/ (one run)."""
    return run_nbgrader(course_dir, "generate_assignment", "*", "--force", check=check)


def write_student_edition(releases: list[Path], output: Path) -> None:
    """Put the released assignments (release/NN_name folders) side by side in ``output``.

    ``output`` is replaced as a whole, so notebooks that left the series leave it too.
    """
    output = Path(output)
    staging = Path(tempfile.mkdtemp(prefix="student-", dir=output.parent))
    try:
        for release in releases:
            if not Path(release).is_dir():
                raise RuntimeError(f"nbgrader released nothing for {Path(release).name}")
            for path in sorted(Path(release).rglob("*")):
                if path.is_file():
                    dest = staging / path.relative_to(release)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(path, dest)
        (staging / "README.md").write_text(STUDENT_README, encoding="utf-8")
        if output.exists():
            shutil.rmtree(output)
        staging.rename(output)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def build(output: Path = STUDENT, course_dir: Path | None = None,
          notebooks: list[Path] | None = None) -> list[str]:
    """Build the student edition into ``output``; returns the assignment names."""
    notebooks = course_notebooks() if notebooks is None else notebooks
    if not notebooks:
        raise RuntimeError(f"no notebooks in {NOTEBOOKS.relative_to(ROOT)}/")
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nbgrader-course-") as tmp:
        course = Path(course_dir).resolve() if course_dir is not None else Path(tmp)
        names = setup_course(course, notebooks)
        generate_assignments(course)
        write_student_edition([course / "release" / name for name in names], output)
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=STUDENT,
                        help="where to write the student edition (default: student/)")
    parser.add_argument("--course-dir", type=Path, default=None,
                        help="keep the nbgrader course directory here (for grading)")
    parser.add_argument("--table", action="store_true",
                        help="only print the Markdown table of exercises and points")
    args = parser.parse_args(argv)
    if args.table:
        print(exercise_table(course_notebooks()), end="")
        return 0
    names = build(args.output.resolve(), args.course_dir)
    for name in names:
        found = exercises(NOTEBOOKS / f"{name}.ipynb")
        print(f"{name}: {len(found)} exercises, "
              f"{_points(sum(ex.points for ex in found))} points")
    where = args.output.resolve()
    shown = where.relative_to(ROOT) if where.is_relative_to(ROOT) else where
    print(f"student edition written to {shown}/")
    if args.course_dir is not None:
        print(f"nbgrader course ready in {args.course_dir} (run nbgrader from there)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
