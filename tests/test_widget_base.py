"""What every explorer inherits from helpers.widgets.base.Explorer."""

import html
import re

import ipywidgets as widgets
import pytest

from helpers.widgets import base
from helpers.widgets.backward_stepper import BackwardStepper
from helpers.widgets.base import ERROR_CLASS, EXPLORER_CLASS, LARGE_CLASS
from helpers.widgets.gradient_flow import GradientFlowExplorer
from helpers.widgets.im2col_explorer import Im2colExplorer
from helpers.widgets.jacobian_explorer import JacobianExplorer
from helpers.widgets.shape_explorer import ShapeExplorer
from helpers.widgets.step_size_explorer import StepSizeExplorer

EXPLORERS = {
    "jacobian-explorer": JacobianExplorer,
    "shape-explorer": ShapeExplorer,
    "step-size-explorer": StepSizeExplorer,
    "gradient-flow-explorer": GradientFlowExplorer,
    "backward-stepper": BackwardStepper,
    "im2col-explorer": Im2colExplorer,
}


@pytest.mark.parametrize("css_class", sorted(EXPLORERS))
def test_text_stand_in_names_the_explorer_without_an_address(css_class):
    cls = EXPLORERS[css_class]
    text = cls()._repr_mimebundle_()["text/plain"]
    assert text.startswith(f"{cls.__name__} (interactive")
    assert "0x" not in text  # nbval compares this text: it must not vary between runs


@pytest.mark.parametrize("css_class", sorted(EXPLORERS))
def test_every_explorer_carries_the_shared_and_its_own_css_class(css_class):
    explorer = EXPLORERS[css_class]()
    assert {EXPLORER_CLASS, css_class} <= set(explorer.widget._dom_classes)
    assert ERROR_CLASS in explorer.error_area._dom_classes
    assert explorer.error_area.layout.display == "none" and explorer.errors == []


# ------------------------------------------------------------ keyboard guard

def all_widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from all_widgets(child)


@pytest.mark.parametrize("css_class", sorted(EXPLORERS))
def test_every_explorer_carries_the_keyboard_guard(css_class):
    explorer = EXPLORERS[css_class]()
    guards = [w for w in all_widgets(explorer.widget) if isinstance(w, base.KeyGuard)]
    assert len(guards) == 1
    # Lumino stops matching shortcuts at an element with this attribute, starting with the
    # focused element itself: the guard puts it on each control as it gains focus.
    assert "data-lm-suppress-shortcuts" in guards[0]._esm
    assert "focusin" in guards[0]._esm
    assert guards[0].layout.display == "none"


# -------------------------------------------------------------------- size

@pytest.fixture
def normal_size():
    base.set_size("normal")
    yield
    base.set_size("normal")


def drawn_font_sizes(explorer) -> list[float]:
    """Every font-size attribute in the explorer's HTML outputs (its drawings' text)."""
    sizes = []
    for widget in all_widgets(explorer.widget):
        if isinstance(widget, widgets.HTML) and "<svg" in widget.value:
            sizes += [float(v) for v in re.findall(r'font-size="([\d.]+)"', widget.value)]
    return sizes


def test_one_size_toggle_switches_every_explorer(normal_size):
    first, second = JacobianExplorer(), StepSizeExplorer()
    assert first.size == second.size == "normal"
    first.size_toggle.value = "large"
    assert second.size_toggle.value == "large" and base.course_size() == "large"
    assert LARGE_CLASS in second.widget._dom_classes
    later = ShapeExplorer()
    assert later.size == "large" and LARGE_CLASS in later.widget._dom_classes
    base.set_size("normal")
    assert first.size == second.size == later.size == "normal"
    assert LARGE_CLASS not in first.widget._dom_classes
    with pytest.raises(ValueError, match="size must be one of normal, large"):
        base.set_size("huge")


@pytest.mark.parametrize("css_class", sorted(EXPLORERS))
def test_large_size_draws_no_text_below_16_px(css_class, normal_size):
    explorer = EXPLORERS[css_class]()
    normal = drawn_font_sizes(explorer)
    explorer.size_toggle.value = "large"
    large = drawn_font_sizes(explorer)
    assert normal and large
    assert min(large) >= base.LARGE_MIN_PX, sorted(set(large))
    assert min(normal) >= 12  # the normal size is readable too
    assert explorer.errors == []


# --------------------------------------------------------- reset and presets

def numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?(?:e[+-]\d+)?", text)


def display_text(explorer) -> str:
    texts = [w.value for w in all_widgets(explorer.widget)
             if isinstance(w, widgets.HTML) and w is not explorer.note
             and not w.value.startswith("<style")]
    return html.unescape(re.sub(r"<[^>]+>", " ", " ".join(texts)))


def shown(token: str, values: list[str]) -> bool:
    """``token`` is shown, or is one of the numbers shown rounded to its own digits."""
    if token in values:
        return True
    if "e" in token:
        return False
    decimals = len(token.split(".")[1]) if "." in token else 0
    return any(abs(float(v) - float(token)) <= 0.5 * 10 ** -decimals + 1e-12 for v in values)


@pytest.mark.parametrize("css_class", sorted(EXPLORERS))
def test_presets_set_the_controls_and_say_what_the_display_shows(css_class, normal_size):
    explorer = EXPLORERS[css_class]()
    assert len(explorer.presets) >= 3 and len(explorer.preset_buttons) == len(explorer.presets)
    assert explorer.note.layout.display == "none"
    for index, (label, values, sentence) in enumerate(explorer.presets):
        explorer.preset_buttons[index].click()
        for name, value in values.items():
            assert getattr(explorer, name).value == value, (label, name)
        assert label in explorer.note.value and html.escape(sentence, quote=True) \
            in explorer.note.value
        assert explorer.note.layout.display is None
        assert sentence.count(".") >= 1 and len(sentence) < 200  # one sentence, short
        on_screen = numbers(display_text(explorer))
        # Every measured number the sentence quotes is on screen (digits 0-9 are prose:
        # "slope 2", "d_in = 3").
        quoted = [t for t in numbers(sentence) if len(t) > 1]
        missing = [t for t in quoted if not shown(t, on_screen)]
        assert not missing, f"{label}: {missing} not shown; the display: {on_screen}"
    assert explorer.errors == []


@pytest.mark.parametrize("css_class", sorted(EXPLORERS))
def test_reset_restores_the_start_in_one_update(css_class, normal_size):
    explorer = EXPLORERS[css_class]()
    start = {name: getattr(explorer, name).value for name in explorer.defaults}
    before = display_text(explorer)
    explorer.apply_preset(len(explorer.presets) - 1)
    assert {name: getattr(explorer, name).value for name in start} != start
    calls = []
    original = explorer.update
    explorer.update = lambda: (calls.append(1), original())
    explorer.reset_button.click()
    assert calls == [1]  # every control back, then one redraw
    assert {name: getattr(explorer, name).value for name in start} == start
    assert display_text(explorer) == before
    assert explorer.note.value == "" and explorer.note.layout.display == "none"


def test_an_explorer_without_presets_has_only_the_size_toggle(normal_size):
    class Plain(base.Explorer):
        def __init__(self):
            super().__init__()
            self.slider = widgets.IntSlider(value=1, min=0, max=3)
            self.out = widgets.HTML()
            self._finish([self.slider], [self.slider, self.out])

        def update(self):
            self.out.value = f"<p>{self.slider.value}</p>"

    plain = Plain()
    assert plain.reset_button is None and plain.preset_buttons == [] and plain.note is None
    assert plain.size_toggle is not None
    assert plain._repr_mimebundle_()["text/plain"] == (
        "Plain (interactive: run this notebook in JupyterLab to use it)")
