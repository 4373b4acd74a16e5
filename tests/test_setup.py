"""One import mechanism, and every notebook collected by nbval."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from course import NOTEBOOKS, ROOT, cell_source, load_notebook


def test_helpers_is_imported_from_the_repo_without_any_path_setup(tmp_path):
    """`import helpers` works from any directory because the repo is installed in the venv.

    This is the mechanism JupyterLab, nbval, nbgrader (which runs notebooks from a course
    directory elsewhere) and Binder (binder/postBuild) all rely on.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run(
        [sys.executable, "-c", "import helpers, helpers.linear; print(helpers.__file__)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert Path(out).resolve() == (ROOT / "helpers" / "__init__.py").resolve()


def test_no_notebook_edits_sys_path():
    offenders = [p.name for p in NOTEBOOKS
                 for c in load_notebook(p)["cells"]
                 if c["cell_type"] == "code" and re.search(r"sys\.path|PYTHONPATH",
                                                           cell_source(c))]
    assert offenders == []


def test_every_notebook_is_collected_by_nbval():
    """A notebook nbval silently skipped would pass without being run."""
    assert NOTEBOOKS, "no notebooks found"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "notebooks"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for path in NOTEBOOKS:
        code_cells = sum(1 for c in load_notebook(path)["cells"]
                         if c["cell_type"] == "code" and cell_source(c).strip())
        collected = len(re.findall(rf"^notebooks/{re.escape(path.name)}::Cell \d+$",
                                   result.stdout, flags=re.M))
        assert collected == code_cells, (
            f"{path.name}: nbval collected {collected} of its {code_cells} code cells")
