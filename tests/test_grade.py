"""Red-team tests of tools/grade.py: hostile submissions earn nothing and harm no one (issue 12).

One small course (notebook 00) is graded once, with every hostile
submission of tests/redteam/submissions.py, each followed by an honest
student (the instructor's notebook), the alternative right answers of
tests/mutants/nb00.py, and an untouched release last. The tests then read
the gradebook, the report, the feedback and the file system. One more test
grades every instructor notebook with grade.py and with plain
``nbgrader autograde`` and compares the times.
"""

from __future__ import annotations

import copy
import hashlib
import html
import importlib.util
import json
import os
import re
import runpy
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbgrader_support as ns
import pytest

pytestmark = [pytest.mark.redteam, pytest.mark.nbgrader]

ROOT = ns.ROOT
NAME = "00_start_here"
NOTEBOOK = ns.NOTEBOOKS_DIR / f"{NAME}.ipynb"
CELL_TIMEOUT = 15  # s; the cells of notebook 00 take well under a second
HONEST = "honest"
UNTOUCHED = "zz-untouched-release"


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


grade_py = _load(ROOT / "tools" / "grade.py", "grade_tool")
from grading import sandbox  # noqa: E402  (tools/ is on sys.path once grade.py is loaded)
from grading.nbgrader_hooks import hidden_lines  # noqa: E402
from grading.scan import scan  # noqa: E402

ATTACKS = runpy.run_path(str(Path(__file__).parent / "redteam" / "submissions.py"))["ATTACKS"]
#: CI sets SANDBOX_TESTS_REQUIRED=1: there a missing bubblewrap fails the tests, never skips them.
_PROBLEM = sandbox.bwrap_problem()
if _PROBLEM and os.environ.get("SANDBOX_TESTS_REQUIRED") == "1":
    raise RuntimeError(_PROBLEM)
NEEDS_BWRAP = pytest.mark.skipif(_PROBLEM is not None, reason="bubblewrap cannot run here")


def _student(i: int, attack: dict) -> str:
    return f"r{i:02d}a-{attack['category']}-{attack['name']}"


def _alternatives() -> list[dict]:
    path = ROOT / "tests" / "mutants" / "nb00.py"
    return runpy.run_path(str(path)).get("ALTERNATIVES", []) if path.exists() else []


def _git_status() -> set[str]:
    out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return set(out.splitlines())


def _fill(source: str, values: dict) -> str:
    for key, value in values.items():
        source = source.replace("{" + key + "!r}", repr(value)).replace("{" + key + "}", value)
    return source


def _sleepers(token_digits: str) -> list[str]:
    """Processes left by the process-flood submission (``sleep 7<digits>``)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if args[:2] == [b"sleep", f"7{token_digits}".encode()]:
            found.append(str(cmdline.parent))
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course of notebook 00, every submission graded by grade.py in one run."""
    if _PROBLEM is not None:
        pytest.skip("bubblewrap cannot run here")
    token = uuid.uuid4().hex[:12]
    values = {"course": "", "repo": str(ROOT), "home": str(Path.home()), "token": token,
              "token_digits": str(int(token, 16) % 10**6)}
    course = ns.Course(tmp_path_factory.mktemp("redteam") / "course", [NOTEBOOK])
    values["course"] = str(course.root)
    ns.build_student.generate_assignments(course.root)
    release = course.release(NAME)

    students = {}
    for i, attack in enumerate(ATTACKS, 1):
        nb = copy.deepcopy(release)
        cell = ns.cell_by_id(nb, "nb00_ex1_solution")
        cell.source = _fill(attack["source"], values).strip("\n")
        for grade_id, meta in attack.get("metadata", {}).items():
            ns.cell_by_id(nb, grade_id).metadata["nbgrader"].update(meta)
        name = _student(i, attack)
        course.submit(name, NAME, nb)
        students[name] = attack
        course.submit_file(f"r{i:02d}b-{HONEST}", NAME, NOTEBOOK)
    for j, pair in enumerate(_pairs(_alternatives()), 1):
        course.submit(f"alt-{j}", NAME, _solved_with(release, pair))
    course.submit_file(UNTOUCHED, NAME, course.release_path(NAME))

    status_before = _git_status()
    home_startup = Path.home() / ".ipython" / "profile_default" / "startup"
    start = time.perf_counter()
    results = grade_py.grade(course.root, NAME, cell_timeout=CELL_TIMEOUT, log=lambda *a: None)
    seconds = time.perf_counter() - start
    db = course.root / "gradebook.db"
    return dict(course=course, results={r.student: r for r in results}, students=students,
                token=token, values=values, status_before=status_before, seconds=seconds,
                home_startup=home_startup, db_hash=hashlib.sha256(db.read_bytes()).hexdigest(),
                ended=time.monotonic())


def _pairs(alternatives: list[dict]) -> list[dict]:
    """Alternatives of 00.1 and 00.2 paired up, so each submission answers both exercises."""
    by_ex = {}
    for alt in alternatives:
        by_ex.setdefault(alt["exercise"], []).append(alt["source"])
    count = max((len(v) for v in by_ex.values()), default=0)
    return [{ex: srcs[k % len(srcs)] for ex, srcs in by_ex.items()} for k in range(count)]


def _solved_with(release, pair: dict):
    nb = copy.deepcopy(release)
    for exercise, source in pair.items():
        k = exercise.split(".")[1]
        ns.cell_by_id(nb, f"nb00_ex{k}_solution").source = source.strip("\n")
    return nb


def _scores(graded, student) -> dict:
    return {k: g.score for k, g in graded["course"].grades(student, NAME).items()}


def _points() -> dict:
    return {ex.tests_id: ex.points for ex in ns.exercises(NOTEBOOK)}


# --------------------------------------------------------------------------- hostile ones

@NEEDS_BWRAP
@pytest.mark.parametrize("index", range(1, len(ATTACKS) + 1),
                         ids=[f"{a['category']}-{a['name']}" for a in ATTACKS])
def test_hostile_submission_scores_zero_and_is_flagged(graded, index):
    attack = ATTACKS[index - 1]
    student = _student(index, attack)
    result = graded["results"][student]
    scores = _scores(graded, student)
    assert scores == dict.fromkeys(_points(), 0.0), f"{student} earned points: {scores}"
    reasons = [c["reason"] for c in result.cells.values() if c["status"] != "passed"]
    assert len(reasons) == len(_points()), result.as_dict()
    if attack["category"] == 2:  # the guard saw it, whatever the scan found
        assert any("the guard" in r for r in reasons), reasons
    if attack["category"] == 7:  # the tests name the helper that was called
        assert any("linear_forward" in r for r in reasons), reasons
    elif attack.get("flag", True):  # flagged: by the scan, the guard, or a failed run
        flagged = (result.scan or result.error
                   or any(c["status"] == "flagged" for c in result.cells.values()))
        assert flagged, result.as_dict()


@NEEDS_BWRAP
@pytest.mark.parametrize("index", range(1, len(ATTACKS) + 1),
                         ids=[f"after-{a['category']}-{a['name']}" for a in ATTACKS])
def test_honest_student_after_each_hostile_one_scores_full(graded, index):
    student = f"r{index:02d}b-{HONEST}"
    result = graded["results"][student]
    assert _scores(graded, student) == _points(), result.as_dict()
    assert not result.scan and not result.error
    assert all(c["status"] == "passed" for c in result.cells.values())
    grades = graded["course"].grades(student, NAME)
    assert not any(g.needs_manual_grade for g in grades.values())


@NEEDS_BWRAP
def test_alternative_answers_score_full_unflagged(graded):
    alts = [s for s in graded["results"] if s.startswith("alt-")]
    if not alts:
        pytest.skip("tests/mutants/nb00.py has no ALTERNATIVES yet")
    for student in alts:
        result = graded["results"][student]
        assert _scores(graded, student) == _points(), result.as_dict()
        assert not result.scan and not result.error, result.as_dict()


@NEEDS_BWRAP
def test_untouched_release_graded_last_scores_zero(graded):
    # persistence from any earlier submission would show here (issue 12, category 3)
    assert _scores(graded, UNTOUCHED) == dict.fromkeys(_points(), 0.0)


# --------------------------------------------------------------------------- no harm done

@NEEDS_BWRAP
def test_nothing_changed_outside_the_course(graded):
    token = graded["token"]
    after = _git_status()
    if os.environ.get("SANDBOX_TESTS_REQUIRED") == "1":  # CI: nobody else edits the clone
        assert after == graded["status_before"], "grading changed the repository"
    # Elsewhere others may edit the tree meanwhile: every hostile write carries the token.
    for line in sorted(after - graded["status_before"]):
        path = ROOT / line[3:].strip().strip('"')
        assert token not in line, f"a submission created {line}"
        if path.is_file():
            assert token.encode() not in path.read_bytes(), f"a submission wrote to {path}"
    for path in (ROOT / "helpers").rglob("*.py"):
        assert token not in path.read_text(encoding="utf-8"), f"a submission changed {path}"
    leftovers = [p for p in (Path("/tmp"), Path("/var/tmp"), ROOT, graded["course"].root)
                 if (p / f"redteam-{token}").exists()]
    startup = graded["home_startup"] / f"00-redteam-{token}.py"
    assert not leftovers and not startup.exists(), (leftovers, startup)
    assert not _sleepers(graded["values"]["token_digits"]), "a submission's process survived"
    expected = {"nbgrader_config.py", "gradebook.db", "source", "release", "submitted",
                "autograded", grade_py.REPORT, grade_py.LOGS}
    assert {p.name for p in graded["course"].root.iterdir()} <= expected | {"feedback"}


@NEEDS_BWRAP
def test_feedback_holds_no_hidden_test(graded):
    course = graded["course"].root
    assert grade_py.feedback(course, NAME) == 0
    pages = list((course / "feedback").glob(f"*/{NAME}/*.html"))
    assert len(pages) == len(graded["results"]) - _failed_runs(graded)
    secrets = hidden_lines(ns.read(NOTEBOOK))
    assert secrets
    leaking = student = None
    for page in pages:
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
        if "BEGIN HIDDEN TESTS" in text or any(s in text for s in secrets):
            leaking, student = page, page.parent.parent.name
    assert leaking is None, f"feedback of {student} shows hidden tests"


def _failed_runs(graded) -> int:
    return sum(1 for s in graded["results"]
               if not graded["course"].autograded_path(s, NAME).exists())


@NEEDS_BWRAP
def test_report_lists_every_flag(graded, capsys):
    assert grade_py.print_report(graded["course"].root, NAME, None) == 0
    out = capsys.readouterr().out
    for i, attack in enumerate(ATTACKS, 1):
        assert f"{NAME}/{_student(i, attack)}: 0/5" in out
    assert "tamper scan" in out and "FLAGGED" in out


@NEEDS_BWRAP
def test_gradebook_unchanged_60_seconds_after_grading(graded):
    time.sleep(max(0.0, 60 - (time.monotonic() - graded["ended"])))
    db = graded["course"].root / "gradebook.db"
    assert hashlib.sha256(db.read_bytes()).hexdigest() == graded["db_hash"]


# --------------------------------------------------------------------------- the tools

def test_instructor_answers_and_alternatives_raise_no_scan_flag():
    flags = []
    for path in ns.notebooks():
        nb = ns.read(path)
        flags += [(path.stem, f) for f in grade_py.scan_submission(nb, nb)]
    for path in sorted((ROOT / "tests" / "mutants").glob("nb*.py")):
        for alt in runpy.run_path(str(path)).get("ALTERNATIVES", []):
            flags += [(path.stem, alt["exercise"], alt.get("name"), f)
                      for f in scan(alt["source"])]
    assert not flags, flags


def test_scan_flags_what_tampers():
    values = {"course": "/c", "repo": "/r", "home": "/h", "token": "t", "token_digits": "1"}
    for attack in ATTACKS:
        if attack["category"] in (1, 2, 3, 4, 5):
            assert scan(_fill(attack["source"], values)), attack["name"]
    assert scan("!rm -rf ~")  # IPython syntax is scanned as what it runs
    assert scan("m = np\nm.allclose = None")
    assert not scan("J = np.zeros((2, 2))\nJ[np.arange(2), np.arange(2)] = 1.0")


def test_guard_restores_and_reports_monkeypatching():
    code = (
        "import numpy as np, course_grading_guard as g\n"
        "g.install(); real = np.allclose\n"
        "np.allclose = lambda *a, **k: True\n"
        "g.enter('t1'); assert np.allclose is real\n"
        "import helpers.gradcheck as gc\n"
        "gc.rel_error.__code__ = (lambda *a, **k: 0.0).__code__\n"
        "g.check('t2'); g.check('t3')\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tools"))
    proc = subprocess.run([sys.executable, "-c", f"import sys; sys.modules['course_grading_guard']"
                           f" = __import__('grading.guard').guard\n{code}"],
                          cwd=ROOT / "tools", env=env, capture_output=True, text=True)
    lines = proc.stdout.splitlines()
    assert proc.returncode == 0, proc.stderr
    assert lines[0].startswith("COURSE-GUARD t1 tampered: numpy.allclose replaced"), lines
    assert lines[1].startswith("COURSE-GUARD t2 tampered: the code of"), lines
    assert lines[2] == "COURSE-GUARD t3 ok", lines  # restored by the check before


def test_missing_bubblewrap_stops_with_install_hint(tmp_path, monkeypatch, capsys):
    course = ns.Course(tmp_path / "course", [NOTEBOOK])
    (course.root / "gradebook.db").write_bytes(b"")
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on PATH
    with pytest.raises(SystemExit) as stop:
        grade_py.main(["--course-dir", str(course.root), NAME])
    assert "apt-get install bubblewrap" in str(stop.value)
    assert "--no-sandbox" in str(stop.value)


def test_no_sandbox_grades_with_a_warning(tmp_path, capsys):
    course = ns.Course(tmp_path / "course", [NOTEBOOK])
    ns.build_student.generate_assignments(course.root)
    course.submit_file("one", NAME, NOTEBOOK)
    code = grade_py.main(["--course-dir", str(course.root), NAME, "--no-sandbox",
                          f"--cell-timeout={CELL_TIMEOUT}"])
    out = capsys.readouterr().out
    assert code == 0 and "WARNING: graded WITHOUT a sandbox" in out
    assert course.grades("one", NAME) and _grades_full(course, "one")
    report = json.loads((course.root / grade_py.REPORT).read_text())
    assert report[f"{NAME}/one"]["warning"].startswith("WARNING")
    grade_py.print_report(course.root, NAME, None)
    assert "WITHOUT a sandbox" in capsys.readouterr().out


def _grades_full(course, student) -> bool:
    return {k: g.score for k, g in course.grades(student, NAME).items()} == _points()


# --------------------------------------------------------------------------- the whole series

@NEEDS_BWRAP
def test_every_instructor_notebook_scores_full_and_unflagged(tmp_path):
    # How long this takes against plain `nbgrader autograde` is measured by `make bench`.
    paths = [p for p in ns.notebooks() if ns.exercises(p)]
    course = ns.Course(tmp_path / "course", paths)
    ns.build_student.generate_assignments(course.root)
    for path in paths:
        course.submit_file("instructor", path.stem, path)
    results = [r for path in paths
               for r in grade_py.grade(course.root, path.stem, "instructor",
                                       log=lambda *a: None)]
    problems = {r.assignment: (r.error, r.scan, {k: c["reason"] for k, c in r.cells.items()
                                                 if c["status"] != "passed"})
                for r in results if r.error or r.scan
                or any(c["status"] != "passed" for c in r.cells.values())}
    assert not problems, problems
    for path in paths:
        assert {k: g.score for k, g in course.grades("instructor", path.stem).items()} == {
            ex.tests_id: ex.points for ex in ns.exercises(path)}
