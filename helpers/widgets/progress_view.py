"""Your progress as a table in the notebook, with a button that refreshes it.

The table is the one ``make progress`` prints (:mod:`helpers.progress`): every
exercise of the folder's notebooks with its points and status. Refreshing runs each
notebook with a started exercise in a fresh kernel (about a minute for the whole
series), so it happens only when the button is pressed, never when the cell runs.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets

from helpers.progress import FAILING, NOT_STARTED, PASSED, NotebookReport, check_folder
from helpers.widgets.base import Explorer

#: Colour-blind-safe status colours (Okabe-Ito), dark enough for text on white.
STATUS_COLOURS = {PASSED: "#006E4F", FAILING: "#B5400A", NOT_STARTED: "#505050"}


def report_html(reports: list[NotebookReport]) -> str:
    """An HTML table of every exercise: notebook, exercise, points, status."""
    rows = []
    for report in reports:
        if report.problem and not report.exercises:
            rows.append(f"<tr><td>{html.escape(report.name)}</td><td>-</td><td>-</td>"
                        f"<td>{html.escape(report.problem)}</td></tr>")
        for ex in report.exercises:
            colour = STATUS_COLOURS.get(ex.status, "#000000")
            rows.append(f"<tr><td>{html.escape(report.name)}</td><td>{ex.number}</td>"
                        f"<td>{ex.points:g}</td><td style='color:{colour}'>"
                        f"{html.escape(ex.label)}</td></tr>")
    every = [ex for r in reports for ex in r.exercises]
    got = sum(ex.points for ex in every if ex.status == PASSED)
    total = sum(ex.points for ex in every)
    done = sum(ex.status == PASSED for ex in every)
    head = ("<tr><th>notebook</th><th>exercise</th><th>points</th><th>status</th></tr>")
    return (f"<p><b>{got:g} of {total:g} points</b>: {done} of {len(every)} exercises "
            f"passed.</p><table>{head}{''.join(rows)}</table>")


class ProgressView(Explorer):
    """A "Refresh" button over the progress table of ``folder`` (default: work/)."""

    css_class = "course-progress"
    size_control = False  # a table for one learner, not an explorer for a projector

    def __init__(self, folder: str | Path = "../work") -> None:
        super().__init__()
        self.folder = Path(folder)
        self.button = widgets.Button(description="Refresh", icon="refresh",
                                     tooltip="run your exercises' visible tests again")
        self.status = widgets.HTML(value="")
        self.table = widgets.HTML(value="")
        self.reports: list[NotebookReport] = []
        self.button.on_click(lambda _: self.refresh())
        self._armed = False  # the first update, from _finish, must not run every notebook
        self._finish([], [self.button, self.status, self.table])
        self._armed = True
        self.status.value = (f"Press <b>Refresh</b> to run the visible tests of your notebooks "
                             f"in <code>{html.escape(str(self.folder))}/</code> (about a "
                             f"minute for the whole series; nothing is changed).")

    def update(self) -> None:
        if not self._armed:
            return
        if not self.folder.is_dir():
            raise FileNotFoundError(f"{self.folder}/ does not exist; `make lab` creates it")
        self.button.disabled = True
        try:
            def done(report, n, total):
                self.status.value = f"Running… {n} of {total} notebooks checked."
            self.reports = check_folder(self.folder, on_done=done)
        finally:
            self.button.disabled = False
        where = html.escape(str(self.folder))
        self.status.value = f"Checked the notebooks in <code>{where}/</code>."
        self.table.value = report_html(self.reports)

    def counts(self) -> dict[str, int]:
        """How many exercises are passed, failing and not started, after a refresh."""
        every = [ex for r in self.reports for ex in r.exercises]
        return {s: sum(ex.status == s for ex in every) for s in (PASSED, FAILING, NOT_STARTED)}
