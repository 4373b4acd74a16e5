"""What grade.py plugs into nbgrader (loaded by the nbgrader process, never by a kernel).

- ``SandboxKernelManager`` starts each kernel inside the sandbox that
  grade.py prepared for the submission (a bubblewrap command line, read from
  the JSON file named by the environment variable ``COURSE_GRADING_SPEC``),
  with the guard installed before any learner code. The kernel talks to
  nbgrader over Unix sockets in a scratch directory (the sandbox has no
  network), whatever the notebook's kernelspec says.
- ``GuardedExecute`` replaces nbgrader's ``Execute``: around every test cell
  it asks the guard to put back the grader's references and, afterwards, to
  check them; the verdicts go to a JSON file that grade.py reads.
- ``SanitizeFeedback`` runs first in ``generate_feedback``: it removes the
  hidden tests from the test cells and any output line that shows a hidden
  test line, so feedback never carries hidden-test source.
"""

from __future__ import annotations

import json
import os
import re
import secrets

from jupyter_client.manager import AsyncKernelManager
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import default

GUARD_MODULE = "course_grading_guard"
BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"
GUARD_LINE = re.compile(r"^COURSE-GUARD (\S+) (ok|tampered: .*)$")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
REDACTED = "[a line of the hidden tests, removed from the feedback]"


def spec() -> dict:
    with open(os.environ["COURSE_GRADING_SPEC"], encoding="utf-8") as f:
        return json.load(f)


class SandboxKernelManager(AsyncKernelManager):
    """Starts ``python -m ipykernel_launcher`` in the submission's sandbox, over IPC."""

    @default("transport")
    def _transport_default(self):
        return "ipc"

    @default("ip")
    def _ip_default(self):
        return spec()["ipc_path"]

    @default("connection_file")
    def _connection_file_default(self):
        return os.path.join(os.path.dirname(spec()["ipc_path"]), "kernel.json")

    def format_kernel_cmd(self, extra_arguments=None):
        s = spec()
        # bwrap does not pass signals on: interrupt a cell that ran out of time by a message.
        self.kernel_spec.interrupt_mode = "message"
        if s.get("uid") is not None:  # the sandbox runs as an unprivileged user of its own
            os.chown(self.connection_file, s["uid"], s["gid"])
        return [*s["prefix"], s["python"], "-m", "ipykernel_launcher", "-f", self.connection_file,
                f"--IPKernelApp.exec_lines=__import__({GUARD_MODULE!r}).install()",
                *(extra_arguments or [])]


def is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade"))


class GuardedExecute(Execute):
    """nbgrader's Execute, in the sandbox, with the guard called around every test cell."""

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)
        self.verdicts: dict[str, dict] = {}

    def _guard(self, call: str, index: int) -> str:
        token = secrets.token_hex(8)
        probe = NotebookNode(cell_type="code", metadata={}, outputs=[], execution_count=None,
                             source=f"__import__({GUARD_MODULE!r}).{call}({token!r})")
        real = self.nb.cells[index]
        try:
            self.execute_cell(probe, index, store_history=False)
        except Exception as exc:  # noqa: BLE001 -- a dead kernel is reported, not raised here
            return f"the guard could not run ({type(exc).__name__})"
        finally:
            self.nb.cells[index] = real  # nbclient stores the executed cell at its index
        lines = [m for out in probe.outputs if out.get("output_type") == "stream"
                 for line in str(out.get("text", "")).splitlines()
                 if (m := GUARD_LINE.match(line.strip()))]
        mine = [m[2] for m in lines if m[1] == token]
        if len(mine) != 1 or len(lines) != 1:
            return "the guard's answer is missing or forged"
        if any(out.get("output_type") == "error" for out in probe.outputs):
            return "the guard raised an error"
        return mine[0]

    def preprocess_cell(self, cell, resources, index):
        if not is_test_cell(cell):
            return super().preprocess_cell(cell, resources, index)
        grade_id = cell.metadata["nbgrader"].get("grade_id", f"cell-{index}")
        before = self._guard("enter", index)
        cell, resources = super().preprocess_cell(cell, resources, index)
        after = self._guard("check", index)
        self.verdicts[grade_id] = {"before": before, "after": after}
        self._save()
        return cell, resources

    def _save(self) -> None:
        path = spec().get("verdicts")
        if path:
            with open(path, "w", encoding="utf-8") as f:
                json.dump(self.verdicts, f, indent=1)


# --------------------------------------------------------------------------- feedback

def hidden_lines(nb) -> list[str]:
    """The non-trivial lines between the hidden-test markers of every test cell."""
    found = []
    for cell in nb.cells:
        inside = False
        for line in cell.get("source", "").split("\n"):
            if BEGIN_HIDDEN in line:
                inside = True
            elif END_HIDDEN in line:
                inside = False
            elif inside and len(line.strip()) >= 6 and not line.strip().startswith("#"):
                found.append(line.strip())
    return found


def without_hidden(source: str) -> str:
    kept, inside = [], False
    for line in source.split("\n"):
        if BEGIN_HIDDEN in line:
            inside = True
        elif END_HIDDEN in line:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def redact(text: str, secret_lines: list[str]) -> str:
    """``text`` with every line that shows a hidden line (or a marker) replaced."""
    out = []
    for line in text.split("\n"):
        plain = ANSI.sub("", line)
        if (BEGIN_HIDDEN in plain or END_HIDDEN in plain
                or any(s in plain for s in secret_lines)):
            out.append(REDACTED)
        else:
            out.append(line)
    return "\n".join(out)


def sanitize(nb) -> NotebookNode:
    """Remove the hidden tests from sources and outputs of ``nb`` (in place; returned)."""
    secret_lines = hidden_lines(nb)
    for cell in nb.cells:
        if BEGIN_HIDDEN in cell.get("source", ""):
            cell.source = without_hidden(cell.source)
        for out in cell.get("outputs", []):
            if "text" in out:
                out["text"] = redact(str(out["text"]), secret_lines)
            for key, value in list(out.get("data", {}).items()):
                if isinstance(value, str):
                    out["data"][key] = redact(value, secret_lines)
                elif isinstance(value, list):
                    out["data"][key] = [redact(str(v), secret_lines) for v in value]
            if "traceback" in out:
                out["traceback"] = [redact(t, secret_lines) for t in out["traceback"]]
            if "evalue" in out:
                out["evalue"] = redact(str(out["evalue"]), secret_lines)
    return nb


class SanitizeFeedback(NbGraderPreprocessor):
    """First preprocessor of generate_feedback: no hidden test reaches a learner."""

    def preprocess(self, nb, resources):
        return sanitize(nb), resources
