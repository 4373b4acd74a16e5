"""What every explorer shares: a guarded update and a visible error area."""

from __future__ import annotations

import html
import traceback

import ipywidgets as widgets

#: CSS class of the error area, which the browser tests look for.
ERROR_CLASS = "course-widget-error"
#: CSS class of every explorer's top-level box.
EXPLORER_CLASS = "course-explorer"


class Explorer:
    """Base of the course's explorers.

    A subclass builds its controls and output widgets, then calls
    :meth:`_finish` with the controls to observe and the children to show.
    ``widget`` is the top-level ``VBox``; ``errors`` lists every exception a
    callback raised, newest last, as ``"TypeName: message"``.
    """

    #: The explorer's own CSS class; every explorer also gets :data:`EXPLORER_CLASS`.
    css_class = "course-explorer"

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.error_area = widgets.HTML(value="", layout=widgets.Layout(display="none"))
        self.error_area.add_class(ERROR_CLASS)
        self.widget: widgets.VBox | None = None

    def update(self) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def refresh(self, change=None) -> None:
        """Run :meth:`update`; show any error in the error area instead of losing it."""
        try:
            self.update()
        except Exception as exc:  # noqa: BLE001 - every error must reach the learner
            text = f"{type(exc).__name__}: {exc}"
            self.errors.append(text)
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            self.error_area.value = (
                f'<div style="color:#D55E00;font-weight:bold">This explorer hit an error: '
                f'{html.escape(last)}</div>')
            self.error_area.layout.display = None
        else:
            self.error_area.value = ""
            self.error_area.layout.display = "none"

    def _finish(self, controls, children) -> None:
        for control in controls:
            control.observe(self.refresh, names="value")
        self.widget = widgets.VBox([*children, self.error_area])
        self.widget.add_class(EXPLORER_CLASS)
        self.widget.add_class(self.css_class)
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        # The widget view is what JupyterLab shows; the short text stands in for it
        # where no widget can render (a static view of the notebook, nbval).
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = (f"{type(self).__name__} (interactive: run this notebook in "
                                f"JupyterLab to use it)")
        return bundle
