"""A cell run again prints what it printed the first time.

A learner presses Shift+Enter twice, runs a cell again after reading on, or runs the
whole notebook a second time in the same kernel. Each notebook is executed in one
kernel as: every code cell twice in a row, then Run All once more. The text each cell
printed (streams and plain-text results, sanitized as nbval sanitizes them) must be
the same all three times. Timing cells (``# NBVAL_IGNORE_OUTPUT``, which must say so)
are the only ones exempt.
"""

from __future__ import annotations

import configparser
import re

import nbformat
import pytest
from nbclient import NotebookClient

from course import NOTEBOOKS, ROOT, cell_source

pytestmark = pytest.mark.rerun


def _sanitizers() -> list[tuple[re.Pattern, str]]:
    parser = configparser.ConfigParser()
    parser.read(ROOT / "tests" / "nbval_sanitize.cfg")
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


SANITIZERS = _sanitizers()


def _text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            # the kernel splits a stream into chunks by timing: join a chunk to the last one
            label = f"[{out['name']}] "
            if parts and parts[-1].startswith(label):
                parts[-1] += out["text"]
            else:
                parts.append(label + out["text"])
        elif out["output_type"] in ("execute_result", "display_data"):
            parts.append(str(out.get("data", {}).get("text/plain", "")))
        elif out["output_type"] == "error":
            parts.append(f"[error] {out['ename']}: {out['evalue']}")
    text = "".join(parts)
    for pattern, replacement in SANITIZERS:
        text = pattern.sub(replacement, text)
    return text


def _is_timing_cell(source: str) -> bool:
    return source.lstrip().startswith("# NBVAL_IGNORE_OUTPUT")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_cell_prints_the_same_when_run_again(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and cell_source(c).strip()]
    index = {id(c): i for i, c in enumerate(nb.cells)}
    runs = []
    for i, cell in enumerate(code):  # each cell twice in a row ...
        runs += [(i, 0, cell), (i, 1, cell)]
    runs += [(i, 2, cell) for i, cell in enumerate(code)]  # ... then Run All again
    plan = nbformat.v4.new_notebook(metadata=nb.metadata)
    plan.cells = [nbformat.v4.new_code_cell(cell_source(cell)) for _, _, cell in runs]
    NotebookClient(plan, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()

    texts: dict[int, list[str]] = {}
    for (i, _, _), executed in zip(runs, plan.cells):
        texts.setdefault(i, []).append(_text(executed))
    changed = []
    for i, cell in enumerate(code):
        first, again, rerun_all = texts[i]
        if _is_timing_cell(cell_source(cell)):
            continue
        if "[error]" in first:
            changed.append(f"cell {index[id(cell)]} raised on its first run: {first[-300:]}")
        elif again != first or rerun_all != first:
            which = "run twice in a row" if again != first else "after Run All again"
            head = cell_source(cell).splitlines()[0][:60]
            changed.append(f"cell {index[id(cell)]} ({head!r}) prints "
                           f"something else {which}:\n  first: {first[:300]!r}\n  again: "
                           f"{(again if again != first else rerun_all)[:300]!r}")
    assert not changed, f"{path.name}:\n" + "\n".join(changed)
