"""Every notebook, opened in JupyterLab and run with Restart Kernel and Run All Cells."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


@pytest.mark.browser
@pytest.mark.parametrize("name", [path.name for path in NOTEBOOKS],
                         ids=[path.stem for path in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab_without_errors(open_notebook, notebook_pages, name):
    notebook = open_notebook(name)
    notebook.restart_and_run_all()
    problems = notebook.problems()
    # The screenshot shows the first problem if there is one, else the first explorer.
    page = notebook.page
    target = page.locator(".jp-OutputArea-output[data-mime-type="
                          "'application/vnd.jupyter.stderr'], .course-explorer").first
    notebook.screenshot(element=target if target.count() else None)
    assert not problems, f"{name} in JupyterLab:\n" + "\n".join(problems)
    counts = notebook.execution_counts()
    # A fresh kernel numbers the cells 1, 2, 3, ...: every cell ran, in order, once.
    assert counts == list(range(1, len(counts) + 1)), (
        f"{name}: execution counts after Restart and Run All are {counts}")
    if not page.locator(".course-explorer").count():
        notebook_pages.release(name)  # the widget tests will not need this page again
