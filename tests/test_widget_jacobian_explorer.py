"""Headless tests of the Jacobian explorer: move a slider, read what the display says."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.widgets.base import ERROR_CLASS
from helpers.widgets.jacobian_explorer import JacobianExplorer


def text_of(html: str) -> str:
    """The readable text of an HTML fragment: tags dropped, line breaks kept."""
    return re.sub(r"<[^>]+>", "", html.replace("<br>", "\n"))


def slice_titles(explorer) -> list[str]:
    # The title is one <text> in two <tspan> lines; its text is what a reader sees.
    plain = re.sub(r"</?tspan[^>]*>", "", explorer.slices.value)
    return re.findall(r"slice i=\d+: dy_\d+/dW \(\d+, \d+\)", plain)


def expected_counts(d_out: int, d_in: int) -> tuple[int, int]:
    # Slice i has exactly one non-zero row (row i, of length d_in), so counting the
    # non-zeros slice by slice gives d_in per slice.
    nonzero = sum(d_in for _ in range(d_out))
    total = 1
    for size in (d_out, d_out, d_in):
        total *= size
    return nonzero, total


def assert_shows(explorer, d_out: int, d_in: int) -> None:
    summary = text_of(explorer.summary.value)
    nonzero, total = expected_counts(d_out, d_in)
    assert f"non-zero: {nonzero} of {total}" in summary
    assert f"= ({d_out}, {d_out}, {d_in}): {total} numbers" in summary
    assert f"W is (d_out, d_in) = ({d_out}, {d_in})" in summary
    assert f"dy/dx = W has shape ({d_out}, {d_in})" in summary
    assert f"dy/db = I has shape ({d_out}, {d_out})" in summary
    assert f"each of the {d_out} slices" in summary
    titles = slice_titles(explorer)
    assert titles == [f"slice i={i}: dy_{i}/dW ({d_out}, {d_in})" for i in range(d_out)]
    svg = explorer.slices.value
    assert svg.count("<svg") == d_out
    assert svg.count('class="jx-nonzero"') == nonzero
    assert svg.count('class="jx-zero"') == total - nonzero
    # Every non-zero cell is labelled with the entry of x it holds, once per slice.
    for col in range(d_in):
        assert svg.count(f">x[{col}]</text>") == d_out
    assert f">x[{d_in}]</text>" not in svg
    assert explorer.errors == []
    assert explorer.error_area.layout.display == "none"


def test_default_shows_the_running_example():
    explorer = JacobianExplorer()
    assert (explorer.d_in.value, explorer.d_out.value) == (3, 2)
    assert "non-zero: 6 of 12" in text_of(explorer.summary.value)
    assert_shows(explorer, 2, 3)


def test_css_classes_and_descriptions():
    explorer = JacobianExplorer()
    assert "course-explorer" in explorer.widget._dom_classes
    assert "jacobian-explorer" in explorer.widget._dom_classes
    assert "jacobian-explorer-d-in" in explorer.d_in._dom_classes
    assert "jacobian-explorer-d-out" in explorer.d_out._dom_classes
    assert "jacobian-explorer-summary" in explorer.summary._dom_classes
    assert "jacobian-explorer-slices" in explorer.slices._dom_classes
    assert ERROR_CLASS in explorer.error_area._dom_classes
    assert (explorer.d_in.description, explorer.d_out.description) == ("d_in", "d_out")
    assert (explorer.d_in.min, explorer.d_in.max) == (1, 6)
    assert (explorer.d_out.min, explorer.d_out.max) == (1, 6)


@pytest.mark.parametrize("d_out", [1, 2, 6])
@pytest.mark.parametrize("d_in", [1, 3, 6])
def test_slider_values_including_extremes(d_in, d_out):
    explorer = JacobianExplorer()
    explorer.d_in.value = d_in
    explorer.d_out.value = d_out
    assert_shows(explorer, d_out, d_in)


def test_moving_one_slider_changes_the_text():
    explorer = JacobianExplorer(d_in=3, d_out=2)
    explorer.d_out.value = 3
    assert "non-zero: 9 of 27" in text_of(explorer.summary.value)
    explorer.d_in.value = 1
    assert "non-zero: 3 of 9" in text_of(explorer.summary.value)
    assert "non-zero: 9 of 27" not in text_of(explorer.summary.value)


def test_one_by_one_layer_is_a_single_non_zero_number():
    explorer = JacobianExplorer(d_in=1, d_out=1)
    assert "non-zero: 1 of 1" in text_of(explorer.summary.value)
    assert slice_titles(explorer) == ["slice i=0: dy_0/dW (1, 1)"]


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6))
def test_any_sizes_in_range(d_in, d_out):
    explorer = JacobianExplorer(d_in=d_in, d_out=d_out)
    assert_shows(explorer, d_out, d_in)


def test_non_zero_row_of_slice_i_is_row_i():
    explorer = JacobianExplorer(d_in=2, d_out=3)
    svgs = re.findall(r"<svg.*?</svg>", explorer.slices.value)
    assert len(svgs) == 3
    for i, svg in enumerate(svgs):
        # Rows in order of their height: the non-zero cells sit on row i only.
        every = sorted({float(y) for y in re.findall(r'<rect class="jx-\w+" x="[\d.]+" '
                                                       r'y="([\d.]+)"', svg)})
        rows = {every.index(float(y)) for y in re.findall(
            r'<rect class="jx-nonzero" x="[\d.]+" y="([\d.]+)"', svg)}
        assert rows == {i}


@pytest.mark.parametrize("kwargs", [{"d_in": 0}, {"d_out": 7}, {"d_in": 7}, {"d_out": -1},
                                    {"max_size": 0}])
def test_sizes_out_of_range_are_rejected(kwargs):
    with pytest.raises(ValueError, match="JacobianExplorer"):
        JacobianExplorer(**kwargs)


@pytest.mark.parametrize("kwargs", [{"d_in": 2.5}, {"d_out": "3"}, {"d_in": True},
                                    {"max_size": None}])
def test_sizes_of_the_wrong_type_are_rejected(kwargs):
    with pytest.raises(TypeError, match="JacobianExplorer"):
        JacobianExplorer(**kwargs)


def test_larger_max_size_widens_the_sliders():
    explorer = JacobianExplorer(d_in=8, d_out=1, max_size=8)
    assert explorer.d_in.max == 8
    assert "non-zero: 8 of 8" in text_of(explorer.summary.value)


def test_a_broken_update_shows_its_error():
    class Broken(JacobianExplorer):
        def update(self):
            if self.d_in.value == 5:
                raise RuntimeError("deliberately broken for d_in = 5")
            super().update()

    explorer = Broken()
    assert explorer.errors == []
    explorer.d_in.value = 5
    assert explorer.errors == ["RuntimeError: deliberately broken for d_in = 5"]
    assert "deliberately broken for d_in = 5" in explorer.error_area.value
    assert explorer.error_area.layout.display is None
    # A later good update clears the visible message but keeps the record.
    explorer.d_in.value = 4
    assert explorer.error_area.value == ""
    assert explorer.error_area.layout.display == "none"
    assert len(explorer.errors) == 1


def test_large_text_keeps_six_slices_on_one_row_at_16_px():
    from helpers.widgets import base

    explorer = JacobianExplorer(d_in=6, d_out=6)
    try:
        base.set_size("large")
        html = explorer.slices.value
    finally:
        base.set_size("normal")
    assert "flex-wrap:nowrap" in html and "x0 stands for x[0]" in html
    widths = [int(w) for w in re.findall(r'class="jacobian-slice"[^>]*? width="(\d+)"', html)]
    fonts = [float(f) for f in re.findall(r'font-size="([\d.]+)"', html)]
    assert len(widths) == 6 and sum(widths) + 5 * 7 <= 1100
    assert min(fonts) >= 16
    assert html.count(">x5</text>") == 6  # row i of slice i holds x[0..5]


def test_large_text_stays_full_size_while_a_row_fits():
    from helpers.widgets import base

    explorer = JacobianExplorer(d_in=3, d_out=2)
    try:
        base.set_size("large")
        html = explorer.slices.value
    finally:
        base.set_size("normal")
    assert "compact" not in html and html.count(">x[2]</text>") == 2
