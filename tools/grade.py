"""Autograde the course's notebooks safely: nbgrader autograde, one sandbox per submission.

    python tools/grade.py --course-dir DIR ASSIGNMENT [...]         # every student
    python tools/grade.py --course-dir DIR ASSIGNMENT --student ID  # one student
    python tools/grade.py --course-dir DIR ASSIGNMENT --feedback    # feedback without hidden tests
    python tools/grade.py --course-dir DIR --report                 # what lost points, and why

DIR is the nbgrader course made by ``tools/build_student.py --course-dir DIR``
(submissions collected into DIR/submitted/). Scores land in DIR/gradebook.db
as with ``nbgrader autograde``; the formgrader and ``nbgrader export`` read
them as usual. What grade.py adds:

1. Each submission is graded by its own ``nbgrader autograde`` process whose
   kernel runs in a bubblewrap sandbox (tools/grading/sandbox.py): fresh
   HOME, read-only installed copy of ``helpers``, no view of the course
   directory or this repository, no network, limits on memory, CPU time and
   processes, everything killed at the end. A submission that breaks
   nbgrader (bad metadata, a dead kernel) scores 0, flagged, and the others
   are still graded.
2. A test cell keeps its points only if it raised nothing, printed its own
   ``Exercise NN.k: all tests passed.`` line last and once, showed no result
   or display, and the guard (tools/grading/guard.py) found the grader's
   references intact before and after it. Anything else scores 0; anything
   but a plain test failure is also flagged for manual grading.
3. Learners' code cells are scanned for tampering (tools/grading/scan.py);
   a flag zeroes and flags every test cell after the flagged cell.

The report (DIR/grading_report.json) says what lost points and why.
"""

from __future__ import annotations

import argparse
import atexit
import compileall
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

import nbformat  # noqa: E402
from build_student import GRADE_ID, ROOT, nbgrader_env, nbgrader_meta  # noqa: E402
from grading import sandbox  # noqa: E402
from grading.runner import Runner  # noqa: E402
from grading.scan import scan  # noqa: E402

REPORT = "grading_report.json"
LOGS = "grading_logs"  # nbgrader's log of each submission, in the course directory
GUARD_SOURCE = TOOLS / "grading" / "guard.py"
GUARD_MODULE = "course_grading_guard"
NO_SANDBOX_WARNING = ("WARNING: graded WITHOUT a sandbox (--no-sandbox): a hostile submission "
                      "could read the hidden tests, change files or the gradebook, and reach "
                      "the network. Do not trust these scores.")

CONFIG_TEMPLATE = """\
# Written by tools/grade.py for one nbgrader run; nbgrader reads it before the course's config.
c = get_config()  # noqa: F821
from nbgrader.converters.autograde import Autograde
from nbgrader.converters.generate_feedback import GenerateFeedback
from nbgrader.preprocessors import Execute
from grading.nbgrader_hooks import GuardedExecute, SanitizeFeedback
c.Autograde.autograde_preprocessors = [
    GuardedExecute if p is Execute else p
    for p in Autograde.class_traits()["autograde_preprocessors"].default()]
c.GenerateFeedback.preprocessors = [SanitizeFeedback] + list(
    GenerateFeedback.class_traits()["preprocessors"].default())
"""


# --------------------------------------------------------------------------- course

def course_id(course_dir: Path) -> str:
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    return config.CourseDirectory.course_id or "default_course"


def gradebook(course_dir: Path):
    from nbgrader.api import Gradebook

    return Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", course_id(course_dir))


def expected_line(grade_id: str) -> str | None:
    """``nb03_ex1_tests`` -> ``Exercise 03.1: all tests passed.``"""
    m = GRADE_ID.match(grade_id or "")
    if m is None or m["kind"] != "tests":
        return None
    return f"Exercise {m['nn']}.{int(m['k'])}: all tests passed."


def students_of(course_dir: Path, assignment: str) -> list[str]:
    submitted = course_dir / "submitted"
    if not submitted.is_dir():
        return []
    return sorted(p.name for p in submitted.iterdir() if (p / assignment).is_dir())


# --------------------------------------------------------------------------- scan

@dataclass
class CellFlag:
    index: int
    cell: str
    line: int
    reason: str

    def as_dict(self) -> dict:
        return {"cell": self.cell, "index": self.index, "line": self.line, "reason": self.reason}


def scan_submission(submitted, source) -> list[CellFlag]:
    """Flags in the learner's code cells of ``submitted`` (the instructor's ``source`` notebook).

    Test cells and other locked cells of the source are skipped (nbgrader puts
    back the instructor's version); unchanged lesson cells too. Every solution
    cell, edited lesson cell and cell the learner added is scanned.
    """
    locked, lesson = set(), set()
    for cell in source.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") or meta.get("locked"):
            locked.add(meta.get("grade_id"))
        elif cell.cell_type == "code" and not meta.get("solution"):
            lesson.add(cell.source)
    flags = []
    for index, cell in enumerate(submitted.cells):
        if cell.get("cell_type") != "code":
            continue
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if grade_id in locked:
            continue
        if not meta.get("solution") and cell.source in lesson:
            continue
        name = grade_id or f"code cell {index + 1}"
        flags += [CellFlag(index, name, f.line, f.reason) for f in scan(cell.source)]
    return flags


# --------------------------------------------------------------------------- verdicts

def verdict(cell, guard: dict | None) -> tuple[str, str]:
    """("passed" | "failed" | "flagged", reason) for one executed test cell."""
    if guard is None:
        return "flagged", "the guard did not run around this test cell"
    for when in ("before", "after"):
        said = guard.get(when, "")
        if said != "ok":
            return "flagged", f"the guard, {when} the test: {said}"
    outputs = cell.get("outputs", [])
    errors = [o for o in outputs if o.get("output_type") == "error"]
    if errors:
        first = str(errors[0].get("evalue", "")).strip().splitlines()
        text = f"{errors[0].get('ename', 'Error')}: {first[0] if first else ''}"[:300]
        return "failed", f"the test raised {text}"
    shown = [o for o in outputs if o.get("output_type") in ("execute_result", "display_data")]
    if shown:
        return "flagged", ("the test cell showed a result or display, which nbgrader could "
                           "read as a score")
    stderr = "".join(str(o.get("text", "")) for o in outputs
                     if o.get("output_type") == "stream" and o.get("name") == "stderr")
    if stderr.strip():
        return "failed", f"the test wrote to stderr: {stderr.strip().splitlines()[0][:200]}"
    want = expected_line(nbgrader_meta(cell).get("grade_id"))
    if want is None:
        return "flagged", "not a test cell of the course (unknown grade_id)"
    lines = [line.strip() for o in outputs
             if o.get("output_type") == "stream" and o.get("name") == "stdout"
             for line in str(o.get("text", "")).splitlines() if line.strip()]
    if lines.count(want) != 1 or lines[-1] != want:
        return "flagged", (f"the test did not print its own line {want!r} exactly once, "
                           "as its last line")
    return "passed", ""


@dataclass
class Result:
    assignment: str
    student: str
    sandbox: bool
    seconds: float = 0.0
    error: str | None = None
    cells: dict = field(default_factory=dict)
    scan: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"assignment": self.assignment, "student": self.student,
                "sandbox": self.sandbox,
                "warning": None if self.sandbox else NO_SANDBOX_WARNING,
                "seconds": round(self.seconds, 1), "error": self.error,
                "cells": self.cells, "scan": self.scan}


def apply_verdicts(course_dir: Path, result: Result, notebooks: dict) -> None:
    """Lower the gradebook's scores to the verdicts; flag what needs a person's eyes."""
    with gradebook(course_dir) as gb:
        for name, (graded, guards, flags) in notebooks.items():
            submission = gb.find_submission_notebook(name, result.assignment, result.student)
            by_id = {g.name: g for g in submission.grades}
            cells = {nbgrader_meta(c).get("grade_id"): (i, c) for i, c in enumerate(graded.cells)
                     if nbgrader_meta(c).get("grade")}
            for grade_id, grade in by_id.items():
                if grade_id not in cells:
                    status, reason = "flagged", "the test cell is missing (deleted?)"
                    index = None
                else:
                    index, cell = cells[grade_id]
                    status, reason = verdict(cell, guards.get(grade_id))
                earlier = [f for f in flags if index is None or f.index < index]
                if earlier and status != "flagged":
                    reason = ("code before this test was flagged: " + "; ".join(
                        f"{f.cell} line {f.line}: {f.reason}" for f in earlier[:5])
                        + (f" (and {reason})" if reason else ""))
                    status = "flagged"
                if status != "passed":
                    if grade.auto_score is None or grade.auto_score > 0:
                        grade.auto_score = 0.0
                    if status == "flagged":
                        grade.needs_manual_grade = True
                result.cells[grade_id] = {
                    "notebook": name, "status": status, "reason": reason,
                    "max_score": float(grade.max_score), "score": float(grade.score or 0)}
        gb.db.commit()


def zero_submission(course_dir: Path, result: Result) -> None:
    """A submission nbgrader could not grade: every test cell 0 and flagged."""
    with gradebook(course_dir) as gb:
        gb.update_or_create_student(result.student)
        try:
            submission = gb.find_submission(result.assignment, result.student)
        except Exception:  # noqa: BLE001 -- MissingEntry: nbgrader stopped before creating it
            submission = gb.update_or_create_submission(result.assignment, result.student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0.0
                grade.manual_score = None
                grade.needs_manual_grade = True
                result.cells[grade.name] = {
                    "notebook": notebook.name, "status": "flagged", "reason": result.error,
                    "max_score": float(grade.max_score), "score": 0.0}
        gb.db.commit()


# --------------------------------------------------------------------------- grading

def prepare_site(run_dir: Path) -> Path:
    """A read-only site directory: an installed copy of helpers and the guard."""
    site = run_dir / "site"
    shutil.copytree(ROOT / "helpers", site / "helpers",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copyfile(GUARD_SOURCE, site / f"{GUARD_MODULE}.py")
    compileall.compile_dir(site, quiet=1)
    for path in [site, *site.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    return site


def _chown_tree(path: Path, uid: int) -> None:
    for p in [path, *path.rglob("*")]:
        os.lchown(p, uid, uid)


def grade_one(course_dir: Path, assignment: str, student: str, run_dir: Path, site: Path,
              limits: sandbox.Limits, use_sandbox: bool, timeout: float,
              cell_timeout: int | None, runner: Runner) -> Result:
    result = Result(assignment, student, use_sandbox)
    start = time.perf_counter()
    submitted = course_dir / "submitted" / student / assignment
    source_dir = course_dir / "source" / assignment
    work_root = Path(tempfile.mkdtemp(prefix="sub-", dir=run_dir))
    work_root.chmod(0o755)
    try:
        # 1. scan the learner's cells (outside any kernel)
        flags_by_nb = {}
        for source_nb in sorted(source_dir.glob("*.ipynb")):
            path = submitted / source_nb.name
            try:
                nb = nbformat.read(path, as_version=4) if path.exists() else None
            except Exception as exc:  # noqa: BLE001 -- unreadable JSON: nbgrader reports it too
                result.error = f"{source_nb.name} cannot be read: {type(exc).__name__}"
                nb = None
            flags = scan_submission(nb, nbformat.read(source_nb, as_version=4)) if nb else []
            flags_by_nb[source_nb.stem] = flags
            result.scan += [dict(f.as_dict(), notebook=source_nb.stem) for f in flags]
        # 2. the sandbox's folders
        home, work, runtime, out = (work_root / n for n in ("home", "work", "runtime", "out"))
        for folder in (home, work, runtime, out):
            folder.mkdir()
        for folder in (submitted, source_dir):  # data files only, never a notebook
            for extra in folder.rglob("*"):
                if extra.is_file() and extra.suffix != ".ipynb":
                    dest = work / extra.relative_to(folder)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(extra, dest)
        uid = sandbox.sandbox_uid() if use_sandbox else None
        if uid is not None:
            for folder in (home, work, runtime):
                _chown_tree(folder, uid)
        work_at = course_dir / "autograded" / student / assignment
        prefix = sandbox.command_prefix(
            hide=[ROOT, course_dir], site=site, home=home, work=work, work_at=work_at,
            runtime=runtime, limits=limits, uid=uid, sandbox=use_sandbox)
        spec = {"prefix": prefix, "python": sys.executable, "ipc_path": str(runtime / "k"),
                "uid": uid, "gid": uid, "verdicts": str(out / "verdicts.json")}
        (out / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        (out / "jupyter-config").mkdir()
        (out / "jupyter-config" / "nbgrader_config.py").write_text(CONFIG_TEMPLATE,
                                                                    encoding="utf-8")
        # 3. nbgrader autograde for this one submission
        env = nbgrader_env(out)
        env["JUPYTER_CONFIG_DIR"] = str(out / "jupyter-config")
        env["JUPYTER_RUNTIME_DIR"] = str(runtime)
        env["COURSE_GRADING_SPEC"] = str(out / "spec.json")
        env["PYTHONPATH"] = str(TOOLS)
        args = ["autograde", assignment, "--student", student, "--force"]
        if cell_timeout:
            args.append(f"--Execute.timeout={int(cell_timeout)}")
        logs = course_dir / LOGS
        logs.mkdir(exist_ok=True)
        log_path = logs / f"{assignment}--{student}.log"
        code = runner.run(args, env, course_dir, timeout, log_path)
        log = log_path.read_text(encoding="utf-8", errors="replace")
        guards = {}
        if (out / "verdicts.json").exists():
            guards = json.loads((out / "verdicts.json").read_text(encoding="utf-8"))
        graded_dir = course_dir / "autograded" / student / assignment
        notebooks = {}
        for name, flags in flags_by_nb.items():
            path = graded_dir / f"{name}.ipynb"
            if path.exists() and (submitted / f"{name}.ipynb").exists():
                notebooks[name] = (nbformat.read(path, as_version=4), guards, flags)
        if code != 0 or result.error or len(notebooks) != len(flags_by_nb):
            result.error = result.error or (
                f"nbgrader could not grade this submission "
                f"({'timed out' if code is None else f'exit {code}'}): {_log_reason(log)}")
            zero_submission(course_dir, result)
        else:
            apply_verdicts(course_dir, result, notebooks)
    except Exception as exc:  # noqa: BLE001 -- one submission never stops the others
        result.error = f"grading failed: {type(exc).__name__}: {exc}"[:500]
        try:
            zero_submission(course_dir, result)
        except Exception as inner:  # noqa: BLE001
            result.error += f" (and the gradebook could not be updated: {inner})"
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
        result.seconds = time.perf_counter() - start
    return result


def _log_reason(log: str) -> str:
    """The most telling line of a failed nbgrader run: its exception, else its first error."""
    lines = [line.strip() for line in log.splitlines()]
    raised = [line for line in lines if re.match(r"^[\w.]+(Error|Exception): ", line)]
    errors = [line.split("ERROR]", 1)[1].strip() for line in lines if "ERROR]" in line]
    errors = [e for e in errors if e and not e.startswith("Traceback")]
    found = raised[-1:] or errors[:1]
    return (found[0][:300] + f" (log: {LOGS}/)") if found else f"see the log in {LOGS}/"


_RUNNER: list[Runner] = []


def shared_runner() -> Runner:
    """One nbgrader server per grading process, started at first use (see grading/runner.py)."""
    if not _RUNNER or (_RUNNER[0].proc is not None and _RUNNER[0].proc.poll() is not None):
        _RUNNER[:] = [Runner(TOOLS)]
        atexit.register(_RUNNER[0].close)
    return _RUNNER[0]


def save_report(course_dir: Path, results: list[Result]) -> None:
    path = course_dir / REPORT
    report = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for r in results:
        report[f"{r.assignment}/{r.student}"] = r.as_dict()
    path.write_text(json.dumps(report, indent=1, sort_keys=True), encoding="utf-8")


def grade(course_dir: Path, assignment: str, student: str | None = None,
          use_sandbox: bool = True, limits: sandbox.Limits | None = None,
          timeout: float = 3600, cell_timeout: int | None = None, log=print) -> list[Result]:
    """Grade ``assignment`` for one student or all; returns the results (also in the report)."""
    course_dir = Path(course_dir).resolve()
    limits = limits or sandbox.Limits()
    for needed in ("nbgrader_config.py", "gradebook.db", f"source/{assignment}"):
        if not (course_dir / needed).exists():
            raise SystemExit(f"{course_dir / needed} is missing: make the course with "
                             "`python tools/build_student.py --course-dir DIR` first.")
    if use_sandbox:
        problem = sandbox.bwrap_problem()
        if problem:
            raise SystemExit(problem)
    else:
        log(NO_SANDBOX_WARNING)
    students = [student] if student else students_of(course_dir, assignment)
    if not students:
        raise SystemExit(f"no submissions in {course_dir}/submitted/*/{assignment}")
    results = []
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        run_dir = Path(tmp)
        run_dir.chmod(0o755)
        site = prepare_site(run_dir)
        try:
            runner = shared_runner()
            for name in students:
                result = grade_one(course_dir, assignment, name, run_dir, site, limits,
                                   use_sandbox, timeout, cell_timeout, runner)
                results.append(result)
                save_report(course_dir, [result])
                log(summary_line(result))
        finally:
            for path in [site, *site.rglob("*")]:  # read-only on purpose; writable to remove
                path.chmod(0o755 if path.is_dir() else 0o644)
    return results


def summary_line(r: Result) -> str:
    score = sum(c["score"] for c in r.cells.values())
    total = sum(c["max_score"] for c in r.cells.values())
    flagged = sum(c["status"] == "flagged" for c in r.cells.values())
    text = f"{r.assignment} {r.student}: {score:g}/{total:g}"
    if flagged or r.scan:
        text += f"  FLAGGED ({flagged} test cells, {len(r.scan)} scan flags; see --report)"
    if r.error:
        text += f"  ERROR: {r.error}"
    if not r.sandbox:
        text += "  [no sandbox]"
    return text


def print_report(course_dir: Path, assignment: str | None, student: str | None) -> int:
    path = Path(course_dir) / REPORT
    if not path.exists():
        print(f"no report yet in {course_dir}: run grade.py first")
        return 1
    report = json.loads(path.read_text(encoding="utf-8"))
    for key, entry in sorted(report.items()):
        if (assignment and entry["assignment"] != assignment) or (
                student and entry["student"] != student):
            continue
        cells = entry["cells"]
        score = sum(c["score"] for c in cells.values())
        total = sum(c["max_score"] for c in cells.values())
        print(f"{key}: {score:g}/{total:g}")
        if entry.get("warning"):
            print(f"  {entry['warning']}")
        if entry.get("error"):
            print(f"  error: {entry['error']}")
        for flag in entry.get("scan", []):
            print(f"  tamper scan: {flag['notebook']} {flag['cell']} line {flag['line']}: "
                  f"{flag['reason']}")
        for grade_id, cell in sorted(cells.items()):
            if cell["status"] != "passed":
                mark = "FLAGGED, needs manual grading" if cell["status"] == "flagged" else "failed"
                print(f"  {grade_id}: 0/{cell['max_score']:g} {mark}: {cell['reason']}")
    return 0


# --------------------------------------------------------------------------- feedback

def feedback(course_dir: Path, assignment: str, student: str | None = None) -> int:
    """nbgrader generate_feedback with the hidden tests removed; checks the HTML for leaks."""
    import html
    import re

    from grading.nbgrader_hooks import hidden_lines

    course_dir = Path(course_dir).resolve()
    with tempfile.TemporaryDirectory(prefix="course-feedback-") as tmp:
        out = Path(tmp)
        (out / "jupyter-config").mkdir()
        (out / "jupyter-config" / "nbgrader_config.py").write_text(CONFIG_TEMPLATE,
                                                                    encoding="utf-8")
        env = nbgrader_env(out)
        env["JUPYTER_CONFIG_DIR"] = str(out / "jupyter-config")
        env["PYTHONPATH"] = str(TOOLS)
        args = ["generate_feedback", assignment, "--force"]
        if student:
            args += ["--student", student]
        code = shared_runner().run(args, env, course_dir, 3600, out / "feedback.log")
        log = (out / "feedback.log").read_text(encoding="utf-8", errors="replace")
    secrets = set()
    for source in (course_dir / "source" / assignment).glob("*.ipynb"):
        secrets.update(hidden_lines(nbformat.read(source, as_version=4)))
    leaks = 0
    for page in (course_dir / "feedback").glob(f"{student or '*'}/{assignment}/*.html"):
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
        if "HIDDEN TESTS" in text or any(s in text for s in secrets):
            page.unlink()
            leaks += 1
            print(f"{page}: showed a hidden test; removed, not released")
    print(log if code else f"feedback written to {course_dir / 'feedback'} (hidden tests removed)")
    return 1 if code or leaks else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", metavar="ASSIGNMENT",
                        help="e.g. 03_batched_linear_layer (several: graded in turn)")
    parser.add_argument("--course-dir", type=Path, required=True)
    parser.add_argument("--student", help="grade this student only")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="grade without bubblewrap (unsafe; marked in output and report)")
    parser.add_argument("--report", action="store_true",
                        help="list what lost points and every flag, then stop")
    parser.add_argument("--feedback", action="store_true",
                        help="generate feedback (hidden tests removed) instead of grading")
    parser.add_argument("--memory-gb", type=float, default=4.0,
                        help="address-space limit of a kernel (default 4)")
    parser.add_argument("--cpu-seconds", type=int, default=900,
                        help="CPU-time limit of a kernel (default 900)")
    parser.add_argument("--processes", type=int, default=128,
                        help="process limit in a sandbox (default 128, plus one per core)")
    parser.add_argument("--cell-timeout", type=int, default=None,
                        help="time limit per cell in seconds (default: the course's "
                             "Execute.timeout)")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="wall-clock limit for grading one submission (default 3600 s)")
    args = parser.parse_args(argv)
    if args.report:
        return max([print_report(args.course_dir, a, args.student)
                    for a in args.assignments or [None]])
    if not args.assignments:
        parser.error("ASSIGNMENT is needed (or --report)")
    if args.feedback:
        return max(feedback(args.course_dir, a, args.student) for a in args.assignments)
    limits = sandbox.Limits(memory_bytes=int(args.memory_gb * 2**30),
                            cpu_seconds=args.cpu_seconds, processes=args.processes)
    results = [r for a in args.assignments
               for r in grade(args.course_dir, a, args.student,
                              use_sandbox=not args.no_sandbox, limits=limits,
                              timeout=args.timeout, cell_timeout=args.cell_timeout)]
    if args.no_sandbox:
        print(NO_SANDBOX_WARNING)
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
