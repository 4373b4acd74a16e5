"""Grading cost: tools/grade.py (a sandbox per submission) against plain nbgrader autograde.

One student submits every instructor notebook of the series; both graders grade all of
them, in alternating order over two rounds, and the ratio of the median times is
reported. The target (issue 12) is at most twice plain nbgrader.
"""

from __future__ import annotations

import importlib.util
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 2.0


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def measure(rounds: int = 2) -> dict:
    sys.path.insert(0, str(ROOT / "tests"))
    import nbgrader_support as ns

    grade_py = _load("grade", ROOT / "tools" / "grade.py")
    paths = [p for p in ns.notebooks() if ns.exercises(p)]
    scratch = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        course = ns.Course(scratch / "course", paths)
        ns.build_student.generate_assignments(course.root)
        for path in paths:
            course.submit_file("instructor", path.stem, path)

        def plain():
            done = course.nbgrader("autograde", "*", "--student", "instructor", "--force")
            assert done.returncode == 0, ns.log_tail(done.stdout)

        def sandboxed():
            for path in paths:
                grade_py.grade(course.root, path.stem, "instructor", log=lambda *a: None)

        times = {"plain": [], "sandboxed": []}
        for r in range(rounds):
            order = [("plain", plain), ("sandboxed", sandboxed)]
            for name, run in (order if r % 2 == 0 else order[::-1]):
                start = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - start)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    plain_s, safe_s = (statistics.median(times[k]) for k in ("plain", "sandboxed"))
    return {"notebooks": len(paths), "plain_s": plain_s, "sandboxed_s": safe_s,
            "ratio": safe_s / plain_s, "rounds": rounds}


def grading_vs_nbgrader(report) -> None:
    """A section of bench/run.py's report: both times, the ratio and the 2x target."""
    if not shutil.which("bwrap"):
        report.section("8. Grading one student's whole series")
        report.row("  not measured: bubblewrap is missing (apt-get install bubblewrap)")
        return
    result = measure()
    report.section(f"8. Grading one student's {result['notebooks']} notebooks: tools/grade.py "
                   f"against plain nbgrader autograde")
    report.row(f"  plain nbgrader autograde   {result['plain_s']:7.1f} s")
    report.row(f"  tools/grade.py (sandboxed) {result['sandboxed_s']:7.1f} s   ratio "
               f"{result['ratio']:.2f} (medians of {result['rounds']} alternating rounds)")
    report.target(result["ratio"] <= TARGET_RATIO, f"grading <= {TARGET_RATIO:g}x plain nbgrader")


if __name__ == "__main__":
    out = measure()
    print(f"plain {out['plain_s']:.1f} s, tools/grade.py {out['sandboxed_s']:.1f} s, "
          f"ratio {out['ratio']:.2f} over {out['notebooks']} notebooks")
