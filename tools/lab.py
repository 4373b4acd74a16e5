"""Open the course in JupyterLab: what `make lab` and `make lab-solutions` run.

    python tools/lab.py               # your workspace: work/00_start_here.ipynb
    python tools/lab.py --solutions   # the instructor edition, every exercise solved
    python tools/lab.py --prepare     # set up work/ and the settings, do not start JupyterLab

Three things happen before JupyterLab starts:

1. **Your workspace.** The first time, the student edition (student/) is copied into
   work/, a folder git ignores, and JupyterLab opens work/00_start_here.ipynb. Later
   runs never overwrite a notebook that is already in work/; a notebook the course has
   gained since is added, and said so in one line.
2. **The course's JupyterLab settings** go into this environment's own overrides file
   (``<venv>/share/jupyter/lab/settings/overrides.json``), never your home: the
   "official Jupyter news" pop-up is off, so it never covers an explorer.
3. **Root.** Containers and cloud shells run as root, where JupyterLab refuses to start
   without ``--allow-root``; it is passed only when the user is root.

Extra arguments after ``--`` go to ``jupyter lab`` (``-- --no-browser --port 9000``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STUDENT = ROOT / "student"
WORK = ROOT / "work"
NOTEBOOKS = ROOT / "notebooks"
START = "00_start_here.ipynb"

#: JupyterLab settings the course sets for everyone who opens it through this environment.
OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false"},
}


def sync_workspace(student: Path = STUDENT, work: Path = WORK) -> list[str]:
    """Copy every student notebook that ``work`` lacks; never overwrite one.

    Returns the names of the notebooks added, in order."""
    work.mkdir(parents=True, exist_ok=True)
    added = []
    for source in sorted(student.glob("*.ipynb")):
        target = work / source.name
        if not target.exists():
            shutil.copyfile(source, target)
            added.append(source.name)
    return added


def write_overrides(prefix: Path = Path(sys.prefix)) -> Path:
    """Merge the course's settings into this environment's JupyterLab overrides file."""
    path = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    current = {}
    if path.exists():
        try:
            current = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            current = {}
    for plugin, settings in OVERRIDES.items():
        current.setdefault(plugin, {}).update(settings)
    path.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
    return path


def lab_command(target: Path, extra: list[str], is_root: bool) -> list[str]:
    """The ``jupyter lab`` command line that opens ``target``. The server's root is the
    repository, so that links from work/ to the solved notebooks/ resolve."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT}",
               f"--LabApp.default_url=/lab/tree/{target.relative_to(ROOT).as_posix()}"]
    if is_root:
        command.append("--allow-root")
    return command + extra


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    own = argv[:argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solutions", action="store_true",
                        help="open the instructor edition (notebooks/) instead of work/")
    parser.add_argument("--prepare", action="store_true",
                        help="set up work/ and the settings only")
    args = parser.parse_args(own)

    added = sync_workspace()
    if added and len(added) == len(list(STUDENT.glob("*.ipynb"))):
        print(f"Created your workspace work/ with the {len(added)} notebooks of the student "
              f"edition.")
    elif added:
        print(f"Added to work/ the course's new notebook{'s' * (len(added) > 1)}: "
              f"{', '.join(added)} (nothing else in work/ was touched).")
    write_overrides()
    print("Your copy: work/ (yours to edit, never overwritten) · solved edition: notebooks/ "
          "(make lab-solutions)")
    if args.prepare:
        return 0
    target = (NOTEBOOKS if args.solutions else WORK) / START
    command = lab_command(target, extra, is_root=hasattr(os, "geteuid") and os.geteuid() == 0)
    os.chdir(ROOT)
    os.execv(command[0], command)


if __name__ == "__main__":
    sys.exit(main())
