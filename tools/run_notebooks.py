"""Execute course notebooks in place and save them with their outputs.

    python tools/run_notebooks.py                      # every notebook in notebooks/
    python tools/run_notebooks.py notebooks/03_*.ipynb # some of them

Each notebook runs top to bottom in a fresh kernel of this environment, with
``notebooks/`` as its working directory, exactly as nbval will rerun it. The
saved file keeps its outputs (nbval compares them) but no widget state and no
execution timing metadata, so that re-running an unchanged notebook changes
nothing but its execution counts. Its ``language_info`` is exactly the one the
kernel reports: JupyterLab writes the kernel's ``language_info`` into a notebook as
soon as its kernel starts, and any difference would mark the notebook unsaved the
moment a learner opens it. Prints each notebook's run time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

#: Notebook metadata every course notebook carries (and nothing from a machine).
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def clean(nb) -> None:
    """Drop what varies by run and is not an output.

    The ``language_info`` the kernel reported (nbclient stores it while the notebook
    runs) is kept as it is, so that JupyterLab, opening the notebook with the same
    kernel, finds nothing to change."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    if not nb.metadata.get("language_info", {}).get("version"):  # not run by a kernel
        nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def run(path: Path, timeout: int = 300) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=False)
    client.execute()
    elapsed = time.perf_counter() - start
    clean(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.paths or sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in paths:
        seconds = run(path.resolve())
        print(f"{path.name}: ran in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
