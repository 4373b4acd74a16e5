"""`make lab` on a fresh copy: it makes the learner's work/, serves work/00 and keeps edits.

The course is copied (Makefile, tools, student edition, requirements) into a temporary
folder, and `make lab` runs there with this repository's environment (``VENV=``, with
``-o`` so that make never re-installs into it). It runs as the current user and, when that
is root (containers, CI), also as the unprivileged user ``nobody`` where the machine has
one that may use this environment, since JupyterLab treats the two differently.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from course import ROOT

VENV = ROOT / ".venv"
TOKEN = "course-lab-test"
COPIED = ["Makefile", "tools", "student", "notebooks", "requirements.txt", "requirements-test.txt",
          "pyproject.toml"]


def _nobody_can_use_the_environment() -> bool:
    """Whether ``nobody`` exists and may run this environment's Python (a venv made from
    an interpreter inside root's home cannot be used by anyone else)."""
    try:
        pwd.getpwnam("nobody")
    except KeyError:
        return False
    if not shutil.which("runuser"):
        return False
    probe = subprocess.run(["runuser", "-u", "nobody", "--", str(VENV / "bin" / "python"), "-c",
                            "import jupyterlab"], capture_output=True, cwd="/")
    return probe.returncode == 0


def _users() -> list[str]:
    if os.geteuid() != 0:
        return ["current user"]
    return ["root", "nobody"] if _nobody_can_use_the_environment() else ["root"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _copy_course(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    return dest


def _get(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, b""
    except urllib.error.URLError:  # not listening yet
        return 0, b""


def _make_lab(course: Path, user: str, port: int, env: dict) -> subprocess.Popen:
    args = ["make", "-o", str(VENV / ".installed-lab"), "lab", f"VENV={VENV}", f"PORT={port}",
            f"LAB_ARGS=--no-browser --IdentityProvider.token={TOKEN} --ip=127.0.0.1"]
    if user == "nobody":
        args = ["runuser", "-u", "nobody", "--", *args]
    return subprocess.Popen(args, cwd=course, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _stop(proc: subprocess.Popen) -> str:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    return out


@pytest.mark.parametrize("user", _users())
def test_make_lab_serves_the_learners_copy_of_notebook_00(tmp_path, user):
    course = _copy_course(tmp_path / "course")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
    env.update(HOME=str(home), BROWSER="true")
    if user == "nobody":
        for path in [tmp_path, *tmp_path.rglob("*")]:
            os.chown(path, pwd.getpwnam("nobody").pw_uid, -1)
    port = _free_port()
    proc = _make_lab(course, user, port, env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            status, body = _get(f"{base}/api/contents/work/00_start_here.ipynb?content=0")
            if status == 200:
                break
            time.sleep(0.5)
        assert status == 200, f"work/00_start_here.ipynb not served ({status})"
        page_status, _ = _get(f"{base}/lab/tree/work/00_start_here.ipynb")
        assert page_status == 200
        solved, _ = _get(f"{base}/api/contents/notebooks/00_start_here.ipynb?content=0")
        assert solved == 200, "the solved edition must be reachable from the same server"
        opened = urllib.request.urlopen(urllib.request.Request(
            f"{base}/?token={TOKEN}"), timeout=5).geturl()
        assert opened.split("?")[0].endswith("/lab/tree/work/00_start_here.ipynb"), opened
        _, settings = _get(f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification")
        # the course's overrides become the setting's default ("none", asking, out of the box)
        schema = json.loads(settings)["schema"]["properties"]["fetchNews"]
        assert schema["default"] == "false", "the news pop-up would ask on first launch"
    finally:
        output = _stop(proc) if proc.poll() is None else proc.stdout.read()
    assert "Running as root is not recommended" not in output
    assert "Created your workspace work/" in output, output
    assert "solved edition: notebooks/" in output, output
    student = sorted(p.name for p in (course / "student").glob("*.ipynb"))
    assert sorted(p.name for p in (course / "work").glob("*.ipynb")) == student


def test_a_second_run_keeps_the_learners_edits_and_adds_new_notebooks(tmp_path):
    course = _copy_course(tmp_path / "course")
    lab = [str(VENV / "bin" / "python"), "tools/lab.py", "--prepare"]
    first = subprocess.run(lab, cwd=course, capture_output=True, text=True, check=True)
    assert "Created your workspace work/ with the" in first.stdout
    edited = course / "work" / "00_start_here.ipynb"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Exercise", "My exercise"),
                      encoding="utf-8")
    kept = edited.read_bytes()
    (course / "work" / "03_batched_linear_layer.ipynb").unlink()  # as if 03 were new
    second = subprocess.run(lab, cwd=course, capture_output=True, text=True, check=True)
    assert edited.read_bytes() == kept
    assert second.stdout.splitlines()[0] == (
        "Added to work/ the course's new notebook: 03_batched_linear_layer.ipynb "
        "(nothing else in work/ was touched).")
    third = subprocess.run(lab, cwd=course, capture_output=True, text=True, check=True)
    assert "Added" not in third.stdout and "Created" not in third.stdout
