"""`make progress` (helpers.progress) and its table in notebook 00 (ProgressView)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from course import NOTEBOOK_DIR, ROOT
from helpers.progress import FAILING, NOT_STARTED, PASSED, check_folder, check_notebook, table
from helpers.widgets.progress_view import ProgressView

STUDENT = ROOT / "student"


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _statuses(reports):
    return {ex.number: ex for r in reports for ex in r.exercises}


def test_untouched_student_edition_is_all_not_started():
    reports = check_folder(STUDENT)
    statuses = _statuses(reports)
    assert len(statuses) >= 25
    assert {ex.status for ex in statuses.values()} == {NOT_STARTED}
    assert table(reports).splitlines()[-1].startswith("0 of ")


def test_instructor_edition_passes_every_exercise_and_is_left_unchanged(tmp_path):
    for path in NOTEBOOK_DIR.glob("*.ipynb"):
        shutil.copy2(path, tmp_path / path.name)
    before = _digest(tmp_path)
    result = subprocess.run([sys.executable, "-m", "helpers.progress", str(tmp_path)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    rows = [ln for ln in result.stdout.splitlines() if re.match(r"\d\d_", ln)]
    assert len(rows) >= 25 and all(ln.rstrip().endswith("  passed") for ln in rows), result.stdout
    assert result.stdout.rstrip().endswith(f"{len(rows)} passed, 0 failing, 0 not started.")
    assert "[" in result.stderr and "/" in result.stderr  # the progress bar
    assert _digest(tmp_path) == before


def test_one_broken_exercise_is_the_only_failure_with_its_message(tmp_path):
    nb = nbformat.read(NOTEBOOK_DIR / "03_batched_linear_layer.ipynb", as_version=4)
    solution = next(c for c in nb.cells
                    if c.metadata.get("nbgrader", {}).get("grade_id") == "nb03_ex1_solution")
    solution.source = ("def batched_backward(dL_dY, X, W):\n"
                       "    return dL_dY @ W.T, X.T @ dL_dY, dL_dY.sum(axis=0) * 0\n")
    nbformat.write(nb, tmp_path / "03_batched_linear_layer.ipynb")
    statuses = _statuses([check_notebook(tmp_path / "03_batched_linear_layer.ipynb")])
    assert statuses["03.2"].status == PASSED
    broken = statuses["03.1"]
    assert broken.status == FAILING
    assert broken.message.startswith("AssertionError:") and "dL_db" in broken.message


def test_a_corrupted_notebook_is_reported_and_the_others_counted(tmp_path):
    shutil.copy2(STUDENT / "00_start_here.ipynb", tmp_path)
    (tmp_path / "01_broken.ipynb").write_text('{"cells": [', encoding="utf-8")
    (tmp_path / "02_not_a_notebook.ipynb").write_text(json.dumps({"a": 1}), encoding="utf-8")
    reports = check_folder(tmp_path)
    assert [r.name for r in reports] == ["00_start_here", "01_broken", "02_not_a_notebook"]
    assert reports[1].problem.startswith("cannot be read: not valid JSON")
    assert reports[2].problem == "cannot be read: not a Jupyter notebook of format 4"
    assert {ex.status for ex in reports[0].exercises} == {NOT_STARTED}
    text = table(reports)
    assert "01_broken" in text and "2 notebook(s) could not be read" in text


def test_a_missing_folder_says_how_to_make_one(tmp_path):
    result = subprocess.run([sys.executable, "-m", "helpers.progress", str(tmp_path / "work")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "make lab" in result.stdout


def test_progress_view_runs_only_when_refreshed(tmp_path):
    shutil.copy2(STUDENT / "00_start_here.ipynb", tmp_path)
    view = ProgressView(tmp_path)
    assert view.reports == [] and "Refresh" in view.status.value  # nothing ran yet
    view.button.click()
    assert view.counts() == {PASSED: 0, FAILING: 0, NOT_STARTED: 2}
    assert "00.1" in view.table.value and "not started" in view.table.value
    assert view.errors == []


def test_progress_view_shows_a_missing_folder_as_an_error(tmp_path):
    view = ProgressView(tmp_path / "nowhere")
    view.button.click()
    assert view.errors and "does not exist" in view.errors[-1]
    assert "make lab" in view.error_area.value


@pytest.mark.parametrize("path", sorted(STUDENT.glob("*.ipynb")), ids=lambda p: p.stem)
def test_student_edition_holds_no_progress_outputs(path):
    # the release must not carry a learner's table: the cell shows only its stand-in
    text = path.read_text(encoding="utf-8")
    assert "points</b>:" not in text
