"""Every control of every explorer, operated in JupyterLab as a learner would.

Sliders are moved with the keyboard on their handle (End, Home, ArrowRight,
ArrowLeft); dropdowns get each of their options; checkboxes are toggled with the
space bar. After each input the test waits
until the kernel has answered and the display has settled, then checks that the
display changed, shows no error, and is the same whenever the controls are the
same. The time from input to settled display is recorded for the latency summary.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def widget_notebooks() -> list[Path]:
    """The notebooks that display one of the course's explorers."""
    return [path for path in sorted((ROOT / "notebooks").glob("*.ipynb"))
            if "helpers.widgets" in path.read_text(encoding="utf-8")]


NOTEBOOKS = widget_notebooks()


def assert_good_update(explorer, update, what):
    assert update.changed, f"{explorer.kind}: {what} did not change the display"
    assert not explorer.errors(), f"{explorer.kind}: {what} -> {explorer.errors()}"


@pytest.mark.browser
@pytest.mark.parametrize("name", [path.name for path in NOTEBOOKS],
                         ids=[path.stem for path in NOTEBOOKS])
def test_every_control_of_every_explorer_updates_the_display(explorers_in, name):
    notebook, explorers = explorers_in(name)
    assert explorers, f"{name} uses helpers.widgets but shows no .course-explorer"
    for explorer in explorers:
        sliders, dropdowns = explorer.sliders(), explorer.dropdowns()
        # A view with buttons only (the progress table of notebook 00) has nothing to move.
        own_buttons = explorer.locator.locator(
            ".widget-button:not(.course-reset):not(.course-preset)").count()
        assert sliders or dropdowns or own_buttons, (
            f"{explorer.kind} has no slider, no dropdown and no button of its own")
        assert not explorer.errors(), f"{explorer.kind} starts with {explorer.errors()}"
        for slider in sliders:
            what = f"slider {slider.description!r}"
            start_value, start_display = slider.value, explorer.text()
            low, high = slider.bounds
            assert low < high, f"{what} cannot move: range {low}..{high}"
            slider.handle.focus()
            at_high = slider.press("End")
            if at_high is not None:
                assert_good_update(explorer, at_high, f"{what} End")
            assert slider.value == high, f"{what}: End left it at {slider.value}, not {high}"
            at_low = slider.press("Home")
            assert_good_update(explorer, at_low, f"{what} Home")
            assert slider.value == low, f"{what}: Home left it at {slider.value}, not {low}"
            step_up = slider.press("ArrowRight")
            assert_good_update(explorer, step_up, f"{what} ArrowRight")
            assert low < slider.value <= high, f"{what}: ArrowRight went to {slider.value}"
            step_down = slider.press("ArrowLeft")
            assert_good_update(explorer, step_down, f"{what} ArrowLeft")
            assert slider.value == low
            # Same controls, same display: nothing depends on the path taken.
            assert step_down.after == at_low.after, (
                f"{what}: the display at {low} differs after Home and after ArrowLeft")
            slider.set_to(start_value)
            assert explorer.text() == start_display, (
                f"{what}: back at {start_value}, the explorer shows something else")
        for dropdown in dropdowns:
            what = f"dropdown {dropdown.description!r}"
            start_value, start_display = dropdown.value, explorer.text()
            options = dropdown.options
            assert len(options) > 1, f"{what} offers only {options}"
            for option in options:
                update = dropdown.choose(option)
                if update is not None:
                    assert_good_update(explorer, update, f"{what} -> {option!r}")
                assert dropdown.value == option
            dropdown.choose(start_value)
            assert explorer.text() == start_display, (
                f"{what}: back at {start_value!r}, the explorer shows something else")
        for checkbox in explorer.checkboxes():
            what = f"checkbox {checkbox.description!r}"
            start_value, start_display = checkbox.value, explorer.text()
            assert_good_update(explorer, checkbox.toggle(), f"{what} toggled")
            assert checkbox.value != start_value
            assert_good_update(explorer, checkbox.toggle(), f"{what} toggled back")
            assert checkbox.value == start_value
            assert explorer.text() == start_display, (
                f"{what}: back at {start_value}, the explorer shows something else")
    notebook.screenshot("-controls", element=explorers[-1].locator)
