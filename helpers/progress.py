"""Your progress through the exercises: which pass, which fail, which wait for you.

    python -m helpers.progress            # your workspace, work/
    python -m helpers.progress student    # any folder of course notebooks
    make progress

Each notebook that has a started exercise runs top to bottom in a fresh kernel, on a
copy in memory, with the visible tests only (as you run them yourself): your files are
never changed. An exercise whose answer cell still says ``raise NotImplementedError()``
is "not started" and needs no run. A notebook that cannot be read (not JSON, not a
notebook) is reported as such, and the others are still counted.

The result is a table: notebook, exercise, points and status (passed; failing, with the
first line of the test's message; not started).
"""

from __future__ import annotations

import json
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

STUB = "raise NotImplementedError()"
HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?",
                    re.MULTILINE | re.DOTALL)
GRADE_ID = re.compile(r"^nb(?P<nn>\d{2})_ex(?P<k>\d+)_(?P<kind>solution|tests)$")
PASSED, FAILING, NOT_STARTED = "passed", "failing", "not started"


@dataclass
class ExerciseStatus:
    notebook: str
    number: str  # "03.1"
    points: float
    status: str = NOT_STARTED
    message: str = ""  # first line of the failure, for "failing"

    @property
    def label(self) -> str:
        return f"{self.status}: {self.message}" if self.message else self.status


@dataclass
class NotebookReport:
    name: str
    exercises: list[ExerciseStatus] = field(default_factory=list)
    problem: str = ""  # why the notebook could not be read or run


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _grade_id(cell: dict) -> str:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "") or ""


def _is_stub(source: str) -> bool:
    code = [ln.strip() for ln in source.splitlines() if ln.strip() and not
            ln.strip().startswith("#")]
    return STUB in code or not code


def _read(path: Path) -> dict:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ValueError("not a text file") from None
    except json.JSONDecodeError as err:
        raise ValueError(f"not valid JSON (line {err.lineno}: {err.msg})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list) \
            or nb.get("nbformat") != 4:
        raise ValueError("not a Jupyter notebook of format 4")
    return nb


def _first_line(text: str) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", text).strip()
    return text.splitlines()[0][:160] if text else ""


def _exercises(name: str, nb: dict) -> list[tuple[ExerciseStatus, int, int]]:
    """(status, solution cell index, tests cell index) for every exercise, in order."""
    ids = {_grade_id(c): i for i, c in enumerate(nb["cells"]) if _grade_id(c)}
    found = []
    for gid, i in ids.items():
        m = GRADE_ID.match(gid)
        tests = ids.get(f"nb{m['nn']}_ex{m['k']}_tests") if m else None
        if not m or m["kind"] != "solution" or tests is None:
            continue
        points = nb["cells"][tests].get("metadata", {}).get("nbgrader", {}).get("points", 0)
        found.append((ExerciseStatus(name, f"{m['nn']}.{m['k']}", float(points)), i, tests))
    return found


def _run(nb: dict, notebook_dir: Path, timeout: int):
    """Execute a visible-tests-only copy of ``nb``; its cells with their outputs."""
    import nbformat
    from nbclient import NotebookClient

    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.source = HIDDEN.sub("", _source(cell))
            cell.outputs = []
    import subprocess

    # the kernel's own start-up warnings would interleave with the progress bar
    NotebookClient(copy, timeout=timeout, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(notebook_dir)}}).execute(
        stderr=subprocess.DEVNULL)
    return copy.cells


def check_notebook(path: Path, timeout: int = 120) -> NotebookReport:
    """The status of every exercise of the notebook at ``path`` (never modified)."""
    report = NotebookReport(path.stem)
    try:
        nb = _read(path)
    except (OSError, ValueError) as err:
        report.problem = f"cannot be read: {err}"
        return report
    found = _exercises(path.stem, nb)
    report.exercises = [status for status, _, _ in found]
    started = [(s, t) for s, i, t in found if not _is_stub(_source(nb["cells"][i]))]
    if not started:
        return report
    try:
        cells = _run(nb, path.parent, timeout)
    except Exception as err:  # a dead kernel, a cell over the time limit
        report.problem = f"could not run: {_first_line(f'{type(err).__name__}: {err}')}"
        for status, _ in started:
            status.status, status.message = FAILING, "the notebook could not be run"
        return report
    for status, tests in started:
        outputs = cells[tests].get("outputs", [])
        errors = [o for o in outputs if o.get("output_type") == "error"]
        text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
        if errors:
            status.status = FAILING
            status.message = _first_line(f"{errors[0]['ename']}: {errors[0]['evalue']}")
        elif f"Exercise {status.number}: all tests passed." in text:
            status.status = PASSED
        else:
            status.status = FAILING
            status.message = "the test cell did not report success"
    return report


def check_folder(folder: Path, workers: int = 2, on_done=None) -> list[NotebookReport]:
    """Every notebook of ``folder``, two at a time; ``on_done(report, done, total)`` is
    called as each finishes (for a progress bar)."""
    paths = sorted(Path(folder).glob("*.ipynb"))
    reports: dict[Path, NotebookReport] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for path, report in zip(paths, pool.map(check_notebook, paths)):
            reports[path] = report
            if on_done:
                on_done(report, len(reports), len(paths))
    return [reports[p] for p in paths]


def table(reports: list[NotebookReport]) -> str:
    """The plain-text table of every exercise, and a one-line total."""
    rows = [("notebook", "exercise", "points", "status")]
    for report in reports:
        if report.problem and not report.exercises:
            rows.append((report.name, "-", "-", report.problem))
        for ex in report.exercises:
            rows.append((report.name, ex.number, f"{ex.points:g}", ex.label))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["  ".join(r[i].ljust(widths[i]) for i in range(3)) + "  " + r[3] for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 6)
    every = [ex for r in reports for ex in r.exercises]
    got = sum(ex.points for ex in every if ex.status == PASSED)
    total = sum(ex.points for ex in every)
    counts = {s: sum(ex.status == s for ex in every) for s in (PASSED, FAILING, NOT_STARTED)}
    unread = sum(bool(r.problem) and not r.exercises for r in reports)
    lines.append("")
    lines.append(f"{got:g} of {total:g} points: {counts[PASSED]} passed, {counts[FAILING]} "
                 f"failing, {counts[NOT_STARTED]} not started"
                 + (f"; {unread} notebook(s) could not be read" if unread else "") + ".")
    return "\n".join(lines)


def _bar(report: NotebookReport, done: int, total: int) -> None:
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
                     f"{report.name:<32}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m helpers.progress",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="work", type=Path,
                        help="a folder of course notebooks (default: work/)")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"{args.folder}/ does not exist. `make lab` creates your workspace work/; or "
              f"name a folder of notebooks, for example: python -m helpers.progress student")
        return 2
    if not list(args.folder.glob("*.ipynb")):
        print(f"{args.folder}/ holds no notebooks.")
        return 2
    print(table(check_folder(args.folder, on_done=_bar)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
