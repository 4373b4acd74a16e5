"""Headless tests of the im2col explorer: move a slider, read what the display says."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.conv2d import im2col
from helpers.widgets.base import ERROR_CLASS
from helpers.widgets.im2col_explorer import (
    RANGES,
    Im2colExplorer,
    entry_labels,
    geometry,
    summary_lines,
    window,
)


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html.replace("<br>", "\n"))


def set_all(explorer, **values):
    for name, value in values.items():
        explorer.sliders[name].value = value


def expected_labels(patch, height, width, kh, kw, stride, padding):
    """What im2col itself puts in patch row ``patch``: each pixel coded as 1 + its index."""
    X = (1 + np.arange(height * width, dtype=float)).reshape(1, 1, height, width)
    row = im2col(X, kh, kw, stride, padding)[patch]
    return ["0" if v == 0 else "x[{},{}]".format(*divmod(int(v) - 1, width)) for v in row]


def assert_consistent(explorer):
    s = {name: slider.value for name, slider in explorer.sliders.items()}
    geo = dict(s)
    del geo["channels"]
    cols = im2col(np.zeros((1, s["channels"], s["height"], s["width"])), s["kh"], s["kw"],
                  s["stride"], s["padding"])
    assert explorer.patch.max == cols.shape[0] - 1
    patch = explorer.patch.value
    summary = text_of(explorer.summary.value)
    assert f"= ({cols.shape[0]}, {cols.shape[1]})" in summary
    assert f"patch row {patch} is window" in summary
    assert explorer.lines() == summary.splitlines()
    labels = expected_labels(patch, **geo)
    assert entry_labels(patch, **geo) == labels
    row_texts = re.findall(r'fill="#000000">([^<]+)</text>', explorer.row.value)
    assert row_texts == labels
    grid = explorer.grid.value
    cells = (s["height"] + 2 * s["padding"]) * (s["width"] + 2 * s["padding"])
    assert len(re.findall(r'<rect class="ix-', grid)) == cells
    window_cells = grid.count('class="ix-window"') + grid.count('class="ix-window-pad"')
    assert window_cells == s["kh"] * s["kw"]
    assert grid.count('class="ix-window-pad"') == labels.count("0")
    assert grid.count('class="ix-pixel"') + grid.count('class="ix-window"') == \
        s["height"] * s["width"]
    # Every label is at least 14 px.
    sizes = [int(v) for v in re.findall(r'font-size="(\d+)"', grid + explorer.row.value)]
    assert sizes and min(sizes) >= 14
    assert explorer.error_area.layout.display == "none"


def test_defaults_are_small_and_shown():
    explorer = Im2colExplorer()
    values = {name: slider.value for name, slider in explorer.sliders.items()}
    assert values == {name: default for name, (_, _, default) in RANGES.items()}
    assert explorer.patch.value == 0
    assert explorer.lines()[:3] == [
        "padded input: (5 + 2*1) x (6 + 2*1) = 7 x 8",
        "output: h_out = (5 + 2*1 - 3) // 1 + 1 = 5, w_out = (6 + 2*1 - 2) // 1 + 1 = 7",
        "patch matrix: (h_out*w_out, channels*kh*kw) = (35, 6)",
    ]
    assert explorer.errors == []
    assert_consistent(explorer)


def test_css_classes_and_descriptions():
    explorer = Im2colExplorer()
    assert {"course-explorer", "im2col-explorer"} <= set(explorer.widget._dom_classes)
    for name, (low, high, _) in RANGES.items():
        slider = explorer.sliders[name]
        assert f"im2col-explorer-{name}" in slider._dom_classes
        assert (slider.description, slider.min, slider.max) == (name, low, high)
    assert "im2col-explorer-patch" in explorer.patch._dom_classes
    assert explorer.patch.description == "patch row"
    for part, css in [(explorer.summary, "summary"), (explorer.grid, "grid"),
                      (explorer.row, "row")]:
        assert f"im2col-explorer-{css}" in part._dom_classes
    assert ERROR_CLASS in explorer.error_area._dom_classes


@pytest.mark.parametrize("name", list(RANGES))
@pytest.mark.parametrize("end", ["min", "max"])
def test_every_slider_at_its_extremes(name, end):
    explorer = Im2colExplorer()
    set_all(explorer, padding=2, height=8, width=8)  # every kernel fits
    explorer.sliders[name].value = getattr(explorer.sliders[name], end)
    for patch in [0, explorer.patch.max]:
        explorer.patch.value = patch
        assert explorer.errors == []
        assert_consistent(explorer)


def test_largest_and_smallest_settings():
    explorer = Im2colExplorer()
    set_all(explorer, height=8, width=8, kh=1, kw=1, stride=1, padding=2, channels=3)
    assert explorer.patch.max == 12 * 12 - 1
    explorer.patch.value = explorer.patch.max
    assert_consistent(explorer)
    set_all(explorer, padding=0, height=1, width=1)
    assert explorer.patch.max == 0 and explorer.patch.value == 0
    assert "patch matrix: (h_out*w_out, channels*kh*kw) = (1, 3)" in explorer.lines()
    assert_consistent(explorer)
    assert explorer.errors == []


def test_patch_slider_follows_the_matrix_and_clamps():
    explorer = Im2colExplorer()
    explorer.patch.value = 34
    assert_consistent(explorer)
    explorer.sliders["stride"].value = 3  # 7 x 8 padded, 3 x 2 kernel: 2 x 3 windows
    assert explorer.patch.max == 5 and explorer.patch.value == 5
    assert_consistent(explorer)
    assert "no window reaches the last 1 padded row(s) and 0 column(s): they are left out" \
        in explorer.lines()


def test_kernel_larger_than_padded_input_shows_an_error_then_recovers():
    explorer = Im2colExplorer()
    set_all(explorer, padding=0, height=2)
    explorer.sliders["kh"].value = 4
    assert explorer.errors and "kernel of size 4 does not fit" in explorer.errors[-1]
    assert explorer.error_area.layout.display is None
    assert "does not fit" in explorer.error_area.value
    assert explorer.grid.value == explorer.row.value == explorer.summary.value == ""
    explorer.sliders["padding"].value = 1  # 2 + 2 = 4 rows: it fits again
    assert explorer.error_area.layout.display == "none"
    assert_consistent(explorer)


def test_window_of_every_row_matches_im2col():
    for patch in range(geometry(5, 6, 3, 2, 2, 1)["rows"]):
        assert entry_labels(patch, 5, 6, 3, 2, 2, 1) == expected_labels(patch, 5, 6, 3, 2, 2, 1)
    assert window(0, 5, 6, 3, 2, 2, 1) == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 8), st.integers(1, 8), st.integers(1, 4), st.integers(1, 4),
       st.integers(1, 3), st.integers(0, 2), st.integers(0, 200))
def test_any_settings_agree_with_im2col(height, width, kh, kw, stride, padding, seed):
    if kh > height + 2 * padding or kw > width + 2 * padding:
        with pytest.raises(ValueError, match="does not fit"):
            geometry(height, width, kh, kw, stride, padding)
        return
    rows = geometry(height, width, kh, kw, stride, padding)["rows"]
    patch = seed % rows
    assert entry_labels(patch, height, width, kh, kw, stride, padding) == \
        expected_labels(patch, height, width, kh, kw, stride, padding)
    lines = summary_lines(patch, height, width, kh, kw, stride, padding)
    assert f"= ({rows}, {kh * kw})" in lines[2]


@pytest.mark.parametrize("kwargs, error", [
    ({"height": 0}, ValueError), ({"width": 9}, ValueError), ({"kh": 5}, ValueError),
    ({"stride": 0}, ValueError), ({"padding": 3}, ValueError), ({"channels": 1.5}, TypeError),
    ({"patch": 35}, ValueError), ({"depth": 2}, TypeError),
])
def test_bad_starting_values_are_refused(kwargs, error):
    with pytest.raises(error):
        Im2colExplorer(**kwargs)


def test_text_stand_in():
    bundle = Im2colExplorer()._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Im2colExplorer (interactive")
