"""What every explorer shares: a guarded update, a visible error area, a keyboard guard,
a course-wide size control, and (where a subclass gives them) Reset and preset buttons.

Keyboard guard
--------------
JupyterLab turns single keys into notebook commands ("a" inserts a cell, "m" makes it
Markdown, ArrowDown moves to the next cell) whenever the focused element matches the
command-mode selector ``.jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus``.
A slider handle, a ``<select>`` or a button inside an output matches it (only text
fields, which are ``:read-write``, set ``jp-mod-readWrite``). Lumino's key matcher walks
from the event's target up to the document and stops at an element that carries the
attribute ``data-lm-suppress-shortcuts``; since the focused element itself is the first
one tested, the attribute must sit on that element. ipywidgets cannot set an attribute,
so :class:`KeyGuard`, a tiny anywidget placed (hidden) in every explorer, puts it on each
control of the explorer as it gains focus. Keys then do what the control does (ArrowDown
changes a dropdown, "a" does nothing, Shift+Enter does not rerun the cell); the one
shortcut let through is Ctrl/Cmd+S, which saves the notebook.

Size
----
One text scale for the whole course: the ``size`` toggle on any explorer switches every
explorer of the kernel (and those made later) between ``normal`` and ``large``. In
``large`` every label, readout and the text inside every drawing is at least
:data:`LARGE_MIN_PX` pixels; a subclass sizes its drawing's text with :meth:`Explorer.px`.

For the browser-test author
---------------------------
Every explorer's top-level VBox has the classes ``course-explorer`` and its own, plus
``course-size-large`` in the large size. Its first row (``course-lecturer-row``) holds the
ToggleButtons ``course-size`` (buttons ``normal text`` and ``large text``) and, for an
explorer with presets, the Button ``course-reset`` (``Reset``) and one Button
``course-preset`` per preset; the HTML ``course-explorer-note`` under the row shows the
last preset's sentence (hidden until a preset is pressed, and again after Reset).
"""

from __future__ import annotations

import contextlib
import html
import traceback
import weakref

import ipywidgets as widgets

try:  # pragma: no cover - the import either works or not, once
    import anywidget
except ImportError:  # pragma: no cover - requirements.txt pins it
    anywidget = None

#: CSS class of the error area, which the browser tests look for.
ERROR_CLASS = "course-widget-error"
#: CSS class of every explorer's top-level box.
EXPLORER_CLASS = "course-explorer"
#: CSS class the top-level box gets in the large size.
LARGE_CLASS = "course-size-large"

#: The size control's settings.
SIZES = ("normal", "large")
#: Smallest text in the ``large`` size, drawings included (pixels at 100% zoom).
LARGE_MIN_PX = 16
#: Text colours of the explorers; each has at least 4.5:1 contrast against white
#: (checked in the tests): body text, secondary text (zeros, ticks, notes), errors.
INK = "#000000"
MUTED = "#595959"      # 7.0:1 on white
ERROR_INK = "#B34700"  # a darker vermillion: 5.5:1 on white

_COURSE = {"size": "normal"}
_LIVE: weakref.WeakSet = weakref.WeakSet()

# The explorers' shared styles. An HTML widget's <style> applies to the whole page,
# so every rule is scoped to the explorer's class.
_STYLE = f"""<style>
.{EXPLORER_CLASS} {{ max-width: 100%; box-sizing: border-box; }}
.{EXPLORER_CLASS} .widget-hbox {{ flex-wrap: wrap; max-width: 100%; }}
.{EXPLORER_CLASS} .widget-hslider {{ flex: 0 0 auto; width: 300px; max-width: 100%; }}
.{EXPLORER_CLASS}.{LARGE_CLASS} .widget-hslider {{ width: 400px; }}
.{EXPLORER_CLASS} .widget-toggle-buttons {{ flex: 0 0 auto; }}
.{EXPLORER_CLASS} .widget-dropdown {{ flex: 0 1 auto; max-width: 100%; }}
.{EXPLORER_CLASS} .widget-dropdown select {{ min-width: 8em; }}
.{EXPLORER_CLASS} .widget-label, .{EXPLORER_CLASS} .widget-readout,
.{EXPLORER_CLASS} .widget-html-content, .{EXPLORER_CLASS} select,
.{EXPLORER_CLASS} button, .{EXPLORER_CLASS} .widget-checkbox,
.{EXPLORER_CLASS} .widget-checkbox label, .{EXPLORER_CLASS} .widget-checkbox span {{
  font-size: var(--jp-content-font-size1, 14px); color: {INK}; }}
.{EXPLORER_CLASS} .widget-label {{ width: auto; min-width: 4em; }}
.{EXPLORER_CLASS} .widget-html-content {{ line-height: 1.35; }}
.{EXPLORER_CLASS} svg {{ max-width: 100%; height: auto; }}
.{EXPLORER_CLASS} .course-note {{ color: {INK}; font-style: italic; }}
.{EXPLORER_CLASS}.{LARGE_CLASS} .widget-label,
.{EXPLORER_CLASS}.{LARGE_CLASS} .widget-readout,
.{EXPLORER_CLASS}.{LARGE_CLASS} .widget-html-content,
.{EXPLORER_CLASS}.{LARGE_CLASS} select, .{EXPLORER_CLASS}.{LARGE_CLASS} button,
.{EXPLORER_CLASS}.{LARGE_CLASS} .widget-checkbox,
.{EXPLORER_CLASS}.{LARGE_CLASS} .widget-checkbox label,
.{EXPLORER_CLASS}.{LARGE_CLASS} .widget-checkbox span {{
  font-size: max(18px, var(--jp-content-font-size2, 18px)); }}
.{EXPLORER_CLASS}.{LARGE_CLASS} .widget-inline-hbox,
.{EXPLORER_CLASS}.{LARGE_CLASS} .widget-toggle-buttons .widget-toggle-button,
.{EXPLORER_CLASS}.{LARGE_CLASS} .widget-button {{ height: auto; min-height: 36px; }}
.{EXPLORER_CLASS}.{LARGE_CLASS} .widget-dropdown select {{ height: 36px; }}
.{EXPLORER_CLASS}.{LARGE_CLASS} .widget-label {{ line-height: 36px; }}
</style>"""

_GUARD_ESM = """
const ATTR = "data-lm-suppress-shortcuts";
function mark(node) {
  if (node instanceof Element && !node.hasAttribute(ATTR)) node.setAttribute(ATTR, "true");
}
function guard(root) {
  if (root.dataset.courseKeyGuard === "on") return;
  root.dataset.courseKeyGuard = "on";
  // Lumino tests the focused element first: the attribute must be on it.
  root.addEventListener("focusin", (event) => mark(event.target));
  root.addEventListener("keydown", (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey &&
        event.key.toLowerCase() === "s") {
      // Save (Ctrl/Cmd+S) is the one shortcut let through: it changes no cell, and the
      // browser's own "save page" dialog would take its place.
      target.removeAttribute(ATTR);
      setTimeout(() => mark(target), 0);
    } else {
      mark(target);
    }
  }, true);
}
export default {
  render({ el }) {
    el.classList.add("course-key-guard");
    let tries = 0;
    // The view is drawn before its box puts it in the page: wait for the explorer.
    const find = () => {
      const root = el.closest(".course-explorer");
      if (root) guard(root);
      else if (tries++ < 600) requestAnimationFrame(find);
    };
    find();
  },
};
"""

if anywidget is not None:
    class KeyGuard(anywidget.AnyWidget):
        """Invisible: keeps the keys pressed in its explorer away from JupyterLab's
        notebook shortcuts (see the module docstring)."""

        _esm = _GUARD_ESM
else:  # pragma: no cover - requirements.txt pins anywidget
    KeyGuard = None


def course_size() -> str:
    """The course-wide size of every explorer: ``"normal"`` or ``"large"``."""
    return _COURSE["size"]


def set_size(size: str) -> None:
    """Set every explorer's size (``"normal"`` or ``"large"``), those made later included."""
    if size not in SIZES:
        raise ValueError(f"set_size: size must be one of {', '.join(SIZES)}, got {size!r}")
    _COURSE["size"] = size
    for explorer in list(_LIVE):
        if explorer.size_toggle is not None and explorer.size_toggle.value != size:
            explorer.size_toggle.value = size  # its observer restyles and redraws


class Explorer:
    """Base of the course's explorers.

    A subclass builds its controls and output widgets, then calls
    :meth:`_finish` with the controls to observe and the children to show.
    ``widget`` is the top-level ``VBox``; ``errors`` lists every exception a
    callback raised, newest last, as ``"TypeName: message"``.

    A subclass may set :attr:`presets`: ``(label, {control attribute: value}, note)``
    triples, one per "Things to try". Each becomes a button that sets those controls
    and shows the note; a Reset button then restores the values the controls had when
    the explorer was made.
    """

    #: The explorer's own CSS class; every explorer also gets :data:`EXPLORER_CLASS`.
    css_class = "course-explorer"
    #: Whether the explorer shows the course-wide size toggle.
    size_control = True
    #: ``(label, {attribute name of a control: value}, sentence)`` per preset.
    presets: tuple = ()

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.error_area = widgets.HTML(value="", layout=widgets.Layout(display="none"))
        self.error_area.add_class(ERROR_CLASS)
        self.widget: widgets.VBox | None = None
        self.size_toggle: widgets.ToggleButtons | None = None
        self.reset_button: widgets.Button | None = None
        self.preset_buttons: list[widgets.Button] = []
        self.note: widgets.HTML | None = None
        self.defaults: dict = {}
        self._holding = False

    def update(self) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    # ------------------------------------------------------------------ size

    @property
    def size(self) -> str:
        """This explorer's size, ``"normal"`` or ``"large"`` (the course-wide one)."""
        return self.size_toggle.value if self.size_toggle is not None else course_size()

    def px(self, normal: float) -> int:
        """A text size in pixels for the drawing: ``normal`` in the normal size; in the
        large size 1.4 times that, and never below :data:`LARGE_MIN_PX`."""
        if self.size == "large":
            return max(LARGE_MIN_PX, round(normal * 1.4))
        return round(normal)

    def _on_size(self, change) -> None:
        if change["new"] != _COURSE["size"]:
            set_size(change["new"])  # every other explorer follows
        self._style_size()
        self.refresh()

    def _style_size(self) -> None:
        if self.widget is None:
            return
        if self.size == "large":
            self.widget.add_class(LARGE_CLASS)
        else:
            self.widget.remove_class(LARGE_CLASS)

    # ------------------------------------------------------------- updating

    def refresh(self, change=None) -> None:
        """Run :meth:`update`; show any error in the error area instead of losing it."""
        if self._holding:
            return
        try:
            self.update()
        except Exception as exc:  # noqa: BLE001 - every error must reach the learner
            text = f"{type(exc).__name__}: {exc}"
            self.errors.append(text)
            last = traceback.format_exception_only(type(exc), exc)[-1].strip()
            self.error_area.value = (
                f'<div style="color:{ERROR_INK};font-weight:bold">This explorer hit an '
                f'error: {html.escape(last)}</div>')
            self.error_area.layout.display = None
        else:
            self.error_area.value = ""
            self.error_area.layout.display = "none"

    @contextlib.contextmanager
    def holding(self):
        """Set several controls at once: one :meth:`refresh` at the end, not one each."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
        self.refresh()

    def set_values(self, values: dict) -> None:
        """Set controls by attribute name (``{"d_in": 3}``), then redraw once."""
        with self.holding():
            for name, value in values.items():
                getattr(self, name).value = value

    def reset(self) -> None:
        """Put every control back to the value it had when the explorer was made."""
        self.set_values(self.defaults)
        if self.note is not None:
            self.note.value = ""
            self.note.layout.display = "none"  # an empty line would still take its height

    def apply_preset(self, index: int) -> None:
        """Set the controls of preset ``index`` (0-based) and show what to notice."""
        label, values, sentence = self.presets[index]
        self.set_values(values)
        if self.note is not None:
            self.note.value = (f'<div class="course-note"><b>{html.escape(label)}:</b> '
                               f'{html.escape(sentence)}</div>')
            self.note.layout.display = None

    # ------------------------------------------------------------- building

    def _lecturer_row(self, controls) -> widgets.Widget | None:
        items = []
        if self.size_control:
            # No description: each button names itself ("large text").
            self.size_toggle = widgets.ToggleButtons(
                options=[(f"{size} text", size) for size in SIZES], value=course_size(),
                tooltips=["normal text size", "large text, for a projector (every explorer)"],
                style={"button_width": "auto"}, layout=widgets.Layout(width="auto"))
            self.size_toggle.add_class("course-size")
            self.size_toggle.observe(self._on_size, names="value")
            items.append(self.size_toggle)
        if self.presets:
            names = [name for name, value in vars(self).items()
                     if any(value is control for control in controls)]
            self.defaults = {name: getattr(self, name).value for name in names}
            self.reset_button = widgets.Button(description="Reset",
                                               tooltip="every control back to its start")
            self.reset_button.add_class("course-reset")
            self.reset_button.on_click(lambda _: self.reset())
            items.append(self.reset_button)
            for index, (label, _values, sentence) in enumerate(self.presets):
                button = widgets.Button(description=label, tooltip=sentence,
                                        layout=widgets.Layout(width="auto"))
                button.add_class("course-preset")
                button.on_click(lambda _, i=index: self.apply_preset(i))
                self.preset_buttons.append(button)
                items.append(button)
            self.note = widgets.HTML("", layout=widgets.Layout(display="none"))
            self.note.add_class("course-explorer-note")
        if not items:
            return None
        row = widgets.HBox(items)
        row.add_class("course-lecturer-row")
        return row

    def _finish(self, controls, children) -> None:
        for control in controls:
            control.observe(self.refresh, names="value")
        head = [widgets.HTML(_STYLE, layout=widgets.Layout(display="none"))]
        if KeyGuard is not None:
            head.append(KeyGuard(layout=widgets.Layout(display="none")))
        row = self._lecturer_row(controls)
        tail = [row] if row is not None else []
        if self.note is not None:
            tail.append(self.note)
        # The lecturer's row first: the presets stay on screen with the drawing.
        self.widget = widgets.VBox([*head, *tail, *children, self.error_area])
        self.widget.add_class(EXPLORER_CLASS)
        self.widget.add_class(self.css_class)
        self._style_size()
        _LIVE.add(self)
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        # The widget view is what JupyterLab shows; the short text stands in for it
        # where no widget can render (a static view of the notebook, nbval).
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = (f"{type(self).__name__} (interactive: run this notebook in "
                                f"JupyterLab to use it)")
        return bundle
