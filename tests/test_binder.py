"""The Binder environment: rebuilt from ``binder/`` alone, the way repo2docker builds it.

repo2docker (what mybinder.org runs) reads only ``binder/`` when that folder exists:
it makes a Python of the version in ``runtime.txt``, runs
``pip install -r binder/requirements.txt`` from the repository root, then runs
``binder/postBuild`` there. The slow test below repeats those steps in a fresh
virtual environment under ``tmp_path`` and runs the first notebook in it; the fast
ones keep ``binder/`` in step with ``requirements.txt`` and ``pyproject.toml``.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
START_NOTEBOOK = "00_start_here.ipynb"

#: Packages in requirements.txt that only the tests need, so Binder leaves them out.
TEST_TOOLS = {"nbval"}

#: Upper bounds (seconds) for each build step, so a stuck download fails instead of hanging.
PIP_TIMEOUT = 600
STEP_TIMEOUT = 300


def runtime_version() -> tuple[int, int]:
    """The (major, minor) Python version that ``binder/runtime.txt`` asks for."""
    text = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-(\d+)\.(\d+)", text)
    assert match, f"binder/runtime.txt should hold one line like 'python-3.11', not {text!r}"
    return int(match[1]), int(match[2])


def dotted(version: tuple[int, ...]) -> str:
    return ".".join(str(part) for part in version)


def read_requirements(path: Path) -> list[Requirement]:
    """The requirements listed in a pip requirements file (comments and blanks skipped)."""
    requirements = []
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        assert not line.startswith("-"), (
            f"{path.name}, line {number}: {line!r} is a pip option; list plain pinned "
            f"packages only")
        requirements.append(Requirement(line))
    return requirements


def requirements_for(path: Path, version: tuple[int, int]) -> dict[str, Requirement]:
    """The requirements of ``path`` that apply on Python ``version``, by normalised name."""
    environment = {"python_version": dotted(version),
                   "python_full_version": dotted((*version, 0))}
    selected: dict[str, Requirement] = {}
    for requirement in read_requirements(path):
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        name = canonicalize_name(requirement.name)
        assert name not in selected, (
            f"{path.name} lists {requirement.name} twice for Python {dotted(version)}")
        selected[name] = requirement
    return selected


def exact_pin(requirement: Requirement) -> str | None:
    """The version of an exact ``name==X.Y.Z`` pin, or None for anything looser."""
    specifiers = list(requirement.specifier)
    if len(specifiers) == 1 and specifiers[0].operator == "==" and \
            "*" not in specifiers[0].version:
        return specifiers[0].version
    return None


def requires_python() -> str:
    """``project.requires-python`` from pyproject.toml."""
    text = (ROOT / "pyproject.toml").read_text()
    try:
        import tomllib
    except ImportError:  # Python 3.10 has no tomllib; the key is one plain line
        match = re.search(r'^requires-python\s*=\s*"([^"]+)"', text, re.MULTILINE)
        assert match, "pyproject.toml has no requires-python"
        return match[1]
    return tomllib.loads(text)["project"]["requires-python"]


def require_matching_python() -> None:
    """Fail clearly when this Python is not the one Binder would use."""
    wanted = runtime_version()
    running = sys.version_info[:2]
    if running != wanted:
        pytest.fail(
            f"binder/runtime.txt asks for Python {dotted(wanted)} but the tests run on Python "
            f"{dotted(running)}; run the Binder tests with Python {dotted(wanted)} (or deselect "
            f"them with -m 'not binder')", pytrace=False)


# ---------------------------------------------------------------------------------------
# Fast checks: binder/ agrees with the rest of the repository.
# ---------------------------------------------------------------------------------------

@pytest.mark.binder
def test_binder_pins_agree_with_requirements():
    version = runtime_version()
    course = requirements_for(ROOT / "requirements.txt", version)
    binder = requirements_for(BINDER / "requirements.txt", version)
    problems = []
    for name, requirement in sorted(binder.items()):
        pin = exact_pin(requirement)
        if pin is None:
            problems.append(f"binder/requirements.txt: {requirement} is not pinned with ==")
            continue
        if name in course and exact_pin(course[name]) != pin:
            problems.append(
                f"{requirement.name}: binder/requirements.txt pins {pin}, requirements.txt "
                f"asks for {course[name].specifier} on Python {dotted(version)}")
    for name in sorted(set(course) - set(binder) - TEST_TOOLS):
        problems.append(f"{course[name].name} is in requirements.txt but missing from "
                        f"binder/requirements.txt")
    for name in sorted(set(binder) & TEST_TOOLS):
        problems.append(f"{binder[name].name} is a test tool; Binder does not need it")
    assert not problems, "\n".join(problems)


@pytest.mark.binder
def test_runtime_python_is_supported_and_is_the_one_tested():
    version = runtime_version()
    supported = SpecifierSet(requires_python())
    assert supported.contains(dotted(version)), (
        f"binder/runtime.txt asks for Python {dotted(version)}, outside pyproject.toml's "
        f"requires-python {supported}")
    require_matching_python()


@pytest.mark.binder
def test_post_build_is_an_executable_strict_bash_script():
    script = BINDER / "postBuild"
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env bash\n"), "postBuild must start with a bash shebang"
    assert "set -euo pipefail" in text, "postBuild must stop at its first failing command"
    assert os.access(script, os.X_OK), "postBuild must be executable (chmod +x binder/postBuild)"


# ---------------------------------------------------------------------------------------
# The slow check: build the Binder environment and run the first notebook in it.
# ---------------------------------------------------------------------------------------

def copy_repository(destination: Path) -> Path:
    """Copy the repository as a fresh clone would hold it (nothing git ignores)."""
    ignored = [".git"]
    for line in (ROOT / ".gitignore").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            ignored.append(line.rstrip("/"))
    shutil.copytree(ROOT, destination, ignore=shutil.ignore_patterns(*ignored), symlinks=True)
    return destination


def run(command, *, cwd: Path, env: dict, timeout: float) -> str:
    """Run a build step; on failure show the step and its output."""
    completed = subprocess.run([str(part) for part in command], cwd=cwd, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=timeout, check=False)
    if completed.returncode != 0:
        pytest.fail(f"{' '.join(map(str, command))} exited with {completed.returncode}:\n"
                    f"{completed.stdout[-6000:]}", pytrace=False)
    return completed.stdout


def clean_environment(venv: Path, home: Path) -> dict:
    """This process's environment with the new venv first on PATH and nothing leaking in."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV",
                          "JUPYTER_PATH", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
                          "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"}}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    env["PYTHONNOUSERSITE"] = "1"
    env["JUPYTER_CONFIG_DIR"] = str(home / "jupyter-config")
    env["JUPYTER_DATA_DIR"] = str(home / "jupyter-data")
    env["JUPYTER_RUNTIME_DIR"] = str(home / "jupyter-runtime")
    env["IPYTHONDIR"] = str(home / "ipython")
    env["MPLCONFIGDIR"] = str(home / "matplotlib")
    return env


def imported_modules(notebook: Path) -> set[str]:
    """Top-level names of the modules a notebook's code cells import."""
    names = set()
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines()
                           if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue  # an exercise stub; the notebook tests judge the notebook itself
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


def run_notebook_with(python: Path, notebook: Path, kernels: Path, env: dict):
    """Execute ``notebook`` in a kernel started by ``python``; return the executed copy."""
    spec = kernels / "binder-python"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Binder environment", "language": "python",
        "env": {key: env[key] for key in ("PATH", "VIRTUAL_ENV", "PYTHONNOUSERSITE",
                                          "IPYTHONDIR", "MPLCONFIGDIR")},
    }))
    manager = KernelManager(kernel_name="binder-python",
                            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    nb = nbformat.read(notebook, as_version=4)
    # A last cell reports which Python ran the notebook and where helpers came from.
    nb.cells.append(nbformat.v4.new_code_cell(
        "import sys, helpers\nprint(sys.executable)\nprint(helpers.__file__)"))
    client = NotebookClient(nb, km=manager, timeout=120, startup_timeout=120,
                            resources={"metadata": {"path": str(notebook.parent)}})
    client.execute()
    return nb


@pytest.mark.binder
def test_binder_environment_builds_and_runs_the_first_notebook(tmp_path):
    require_matching_python()
    repo = copy_repository(tmp_path / "repo")
    venv = tmp_path / "venv"
    env = clean_environment(venv, tmp_path / "home")
    python = venv / "bin" / "python"

    # The steps repo2docker takes for binder/requirements.txt and binder/postBuild.
    run([sys.executable, "-m", "venv", venv], cwd=repo, env=env, timeout=STEP_TIMEOUT)
    run([python, "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"],
        cwd=repo, env=env, timeout=PIP_TIMEOUT)
    post_build = repo / "binder" / "postBuild"
    post_build.chmod(post_build.stat().st_mode | 0o111)  # repo2docker does this too
    run(["./binder/postBuild"], cwd=repo, env=env, timeout=STEP_TIMEOUT)

    # postBuild made the learner's workspace and turned the news pop-up off, as make lab does.
    assert (repo / "work" / START_NOTEBOOK).exists(), "postBuild did not create work/"
    overrides = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    notification = json.loads(overrides.read_text())["@jupyterlab/apputils-extension:notification"]
    assert notification["fetchNews"] == "false"

    # helpers is importable from anywhere, and it is the repository's own package.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    found = run([python, "-c", "import helpers; print(helpers.__file__)"],
                cwd=elsewhere, env=env, timeout=STEP_TIMEOUT).strip().splitlines()[-1]
    assert Path(found).resolve().is_relative_to((repo / "helpers").resolve()), (
        f"helpers was imported from {found}, not from the repository's helpers/")

    # JupyterLab there can draw the explorers: the widget extension is installed.
    extensions = run([venv / "bin" / "jupyter", "labextension", "list"],
                     cwd=repo, env=env, timeout=STEP_TIMEOUT)
    manager = r"@jupyter-widgets/jupyterlab-manager\S*\s+v[\d.]+\s+\S*enabled"
    assert re.search(manager, extensions), (
        f"the ipywidgets extension is not enabled in the Binder environment:\n{extensions}")

    # Every module any notebook imports can be found there (a missing pin breaks Binder).
    notebooks = sorted((repo / "notebooks").glob("*.ipynb"))
    modules = sorted(set().union(*(imported_modules(path) for path in notebooks)))
    if modules:
        check = ("import importlib.util, sys\n"
                 "missing = [m for m in sys.argv[1:] if importlib.util.find_spec(m) is None]\n"
                 "print(' '.join(missing))")
        missing = run([python, "-c", check, *modules], cwd=elsewhere, env=env,
                      timeout=STEP_TIMEOUT).strip()
        assert not missing, (f"the notebooks import {missing}, which binder/requirements.txt "
                             f"does not install")

    start = repo / "notebooks" / START_NOTEBOOK
    assert start.exists(), f"notebooks/{START_NOTEBOOK} is missing"
    executed = run_notebook_with(python, start, tmp_path / "kernels", env)
    errors = [output for cell in executed.cells for output in cell.get("outputs", [])
              if output.output_type == "error"]
    assert not errors, f"{START_NOTEBOOK} raised {errors[0].ename}: {errors[0].evalue}"
    report = executed.cells[-1].outputs[0].text.split()
    assert Path(report[0]).parent == venv / "bin", (
        f"the notebook ran in {report[0]}, not in the Binder environment's Python")
    assert Path(report[1]).resolve().is_relative_to((repo / "helpers").resolve())
