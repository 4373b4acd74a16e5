"""Headless tests of the step-size explorer: set a control, read what the display says.

Expected numbers are computed here, independently of the widget's module: the
step comes from an exact fraction, the difference quotients are written out
again, and at h = 0.1 the errors follow from closed forms (for x**3 the forward
quotient is exactly 3x**2 + 3xh + h**2, the central one 3x**2 + h**2).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.widgets.base import ERROR_CLASS
from helpers.widgets.step_size_explorer import StepSizeExplorer

CUBE, SIN, EXP = "x^3 at x = 1.5", "sin(x) at x = 1", "exp(x) at x = 0.5"
FUNCTION_LABELS = [CUBE, SIN, EXP]

# label -> (f, x, f'(x))
TRUTH = {
    CUBE: (lambda v: v * v * v, 1.5, 6.75),
    SIN: (np.sin, 1.0, math.cos(1.0)),
    EXP: (np.exp, 0.5, math.exp(0.5)),
}


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html.replace("<br>", "\n"))


def readout(explorer) -> dict:
    """The readout's lines, keyed by what comes before the first colon."""
    lines = text_of(explorer.readout.value).splitlines()
    keyed = {}
    for line in lines[1:-1]:
        key, _, rest = line.partition(": ")
        keyed[key] = rest
    keyed["first"], keyed["regime"] = lines[0], lines[-1]
    return keyed


def exact_step(k: int) -> float:
    return float(Fraction(10) ** k)  # the double nearest to 10**k


def expected_quotient(label: str, scheme: str, dtype: str, k: int):
    f, x0, _ = TRUTH[label]
    cast = np.float64 if dtype == "float64" else np.float32
    x, h = cast(x0), cast(exact_step(k))
    if scheme == "forward":
        return (f(x + h) - f(x)) / h
    return (f(x + h) - f(x - h)) / (cast(2.0) * h)


def expected_error(label: str, scheme: str, dtype: str, k: int) -> float:
    true = TRUTH[label][2]
    return abs(float(expected_quotient(label, scheme, dtype, k)) - true) / abs(true)


def error_text(err: float) -> str:
    return "0 (exact to the last bit)" if err == 0.0 else f"{err:.1e}"


def expected_best(label: str, scheme: str, dtype: str) -> int:
    errors = {k: expected_error(label, scheme, dtype, k) for k in range(-14, 0)}
    smallest = min(errors.values())
    return max(k for k, e in errors.items() if e == smallest)


def set_controls(explorer, k, scheme, dtype, label):
    explorer.function.value = label
    explorer.dtype.value = dtype
    explorer.scheme.value = scheme
    explorer.log_h.value = k


def test_controls_classes_and_ranges():
    explorer = StepSizeExplorer()
    assert {"course-explorer", "step-size-explorer"} <= set(explorer.widget._dom_classes)
    assert "step-size-log-h" in explorer.log_h._dom_classes
    assert "step-size-scheme" in explorer.scheme._dom_classes
    assert "step-size-dtype" in explorer.dtype._dom_classes
    assert "step-size-function" in explorer.function._dom_classes
    assert "step-size-readout" in explorer.readout._dom_classes
    assert "step-size-plot" in explorer.plot._dom_classes
    assert ERROR_CLASS in explorer.error_area._dom_classes
    assert (explorer.log_h.min, explorer.log_h.max, explorer.log_h.step) == (-14, -1, 1)
    assert explorer.log_h.description == "log10(h)"
    assert explorer.scheme.description == "scheme"
    assert explorer.dtype.description == "dtype"
    assert explorer.function.description == "function"
    assert list(explorer.scheme.options) == ["central", "forward"]
    assert list(explorer.dtype.options) == ["float64", "float32"]
    assert list(explorer.function.options) == FUNCTION_LABELS


def test_defaults_show_central_float64_cube_at_its_best_step():
    explorer = StepSizeExplorer()
    shown = readout(explorer)
    assert shown["first"] == "h = 1e-05 (log10 h = -5), central differences in float64"
    assert shown["true derivative"] == "6.75"
    # The central quotient of x**3 is 3x**2 + h**2 = 6.75 + 1e-10 up to round-off.
    assert abs(float(shown["numerical derivative"]) - 6.75 - 1e-10) < 1e-9
    assert shown["relative error"] == error_text(expected_error(CUBE, "central", "float64", -5))
    assert shown["best step on this curve"].startswith("h = 1e-05 ")
    assert shown["regime"] == "this is the best step on this curve"
    assert explorer.errors == []
    assert explorer.error_area.layout.display == "none"


@pytest.mark.parametrize("label", FUNCTION_LABELS)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("scheme", ["central", "forward"])
@pytest.mark.parametrize("k", [-14, -1])
def test_every_option_at_both_ends_of_the_slider(k, scheme, dtype, label):
    explorer = StepSizeExplorer()
    set_controls(explorer, k, scheme, dtype, label)
    shown = readout(explorer)
    h_text = "1e-14" if k == -14 else "1e-01"
    assert shown["first"] == f"h = {h_text} (log10 h = {k}), {scheme} differences in {dtype}"
    value = float(expected_quotient(label, scheme, dtype, k))
    # Shown with the digits the dtype carries: 16 significant for float64, 8 for float32.
    rel = 1e-15 if dtype == "float64" else 1e-7
    assert float(shown["numerical derivative"]) == pytest.approx(value, rel=rel, abs=0)
    err = expected_error(label, scheme, dtype, k)
    assert shown["relative error"] == error_text(err)
    best = expected_best(label, scheme, dtype)
    assert shown["best step on this curve"].startswith(f"h = 1e{best:+03d} ")
    label_text = re.search(r'class="step-size-marker-label"[^>]*>([^<]*)<', explorer.plot.value)
    assert label_text.group(1) == f"h = {h_text}: {error_text(err)}"
    assert explorer.errors == []


@pytest.mark.parametrize("scheme, label, error", [
    # forward: (3x^2 + 3xh + h^2 - 3x^2) / 3x^2 with x = 1.5, h = 0.1: 0.46 / 6.75
    ("forward", CUBE, "6.8e-02"),
    # central: h^2 / 3x^2 = 0.01 / 6.75
    ("central", CUBE, "1.5e-03"),
    # sin(x+h) - sin(x-h) = 2 cos(x) sin(h): relative error 1 - sin(h)/h
    ("central", SIN, f"{1 - math.sin(0.1) / 0.1:.1e}"),
    # exp(x+h) - exp(x-h) = 2 exp(x) sinh(h): relative error sinh(h)/h - 1
    ("central", EXP, f"{math.sinh(0.1) / 0.1 - 1:.1e}"),
    # exp(x+h) - exp(x) = exp(x)(e^h - 1): relative error (e^h - 1)/h - 1
    ("forward", EXP, f"{math.expm1(0.1) / 0.1 - 1:.1e}"),
])
def test_truncation_error_at_the_largest_step_matches_closed_forms(scheme, label, error):
    explorer = StepSizeExplorer()
    set_controls(explorer, -1, scheme, "float64", label)
    shown = readout(explorer)
    assert shown["relative error"] == error
    assert shown["regime"] == "h is larger than the best step: truncation error dominates"


def test_central_quotient_of_the_cube_is_exactly_six_point_seven_six_at_h_one_tenth():
    explorer = StepSizeExplorer(log10_h=-1)
    assert float(readout(explorer)["numerical derivative"]) == pytest.approx(6.76, abs=1e-13)
    explorer.scheme.value = "forward"
    assert float(readout(explorer)["numerical derivative"]) == pytest.approx(7.21, abs=1e-13)


@pytest.mark.parametrize("label", FUNCTION_LABELS)
@pytest.mark.parametrize("scheme", ["central", "forward"])
def test_float32_loses_the_smallest_step(scheme, label):
    explorer = StepSizeExplorer()
    set_controls(explorer, -14, scheme, "float32", label)
    shown = readout(explorer)
    assert shown["numerical derivative"] == "0"
    assert shown["relative error"] == "1.0e+00"
    assert shown["regime"].startswith("x + h rounds to x in float32")


@pytest.mark.parametrize("label", FUNCTION_LABELS)
def test_float32_loses_every_step_from_1e_minus_8_down(label):
    f, x0, _ = TRUTH[label]
    explorer = StepSizeExplorer(dtype="float32", function=label)
    for k in range(-14, 0):
        explorer.log_h.value = k
        lost = np.float32(x0) + np.float32(exact_step(k)) == np.float32(x0)
        assert lost == (k <= -8)
        assert readout(explorer)["regime"].startswith("x + h rounds to x") == lost


def test_the_legend_follows_the_scheme():
    explorer = StepSizeExplorer(scheme="forward")
    svg_text = re.findall(r"<text[^>]*>([^<]*)</text>", explorer.plot.value)
    assert "forward (solid)" in svg_text and "central (dashed)" in svg_text


def test_round_off_regime_below_the_best_step():
    explorer = StepSizeExplorer(log10_h=-12)
    assert readout(explorer)["regime"] == (
        "h is smaller than the best step: round-off error dominates")


@pytest.mark.parametrize("scheme, dtype, best", [
    ("central", "float64", -5), ("forward", "float64", -8),
])
def test_best_step_of_the_cube_sits_near_eps_to_a_third_or_a_half(scheme, dtype, best):
    # eps**(1/3) = 6e-6 and eps**(1/2) = 1.5e-8 for float64.
    explorer = StepSizeExplorer(scheme=scheme, dtype=dtype)
    assert expected_best(CUBE, scheme, dtype) == best
    assert readout(explorer)["best step on this curve"].startswith(f"h = 1e{best:+03d} ")


def test_float32_best_error_is_far_worse_than_float64():
    explorer = StepSizeExplorer()
    best64 = float(re.search(r"relative error ([0-9.e+-]+)\)",
                             readout(explorer)["best step on this curve"]).group(1))
    explorer.dtype.value = "float32"
    best32 = float(re.search(r"relative error ([0-9.e+-]+)\)",
                             readout(explorer)["best step on this curve"]).group(1))
    assert best32 > 1000 * best64


def test_the_marker_moves_right_as_h_grows_and_the_curve_has_every_step():
    explorer = StepSizeExplorer()
    xs = []
    for k in range(-14, 0):
        explorer.log_h.value = k
        marker = re.search(r'<circle class="step-size-marker" cx="([\d.]+)"', explorer.plot.value)
        xs.append(float(marker.group(1)))
    assert xs == sorted(xs) and len(set(xs)) == 14
    for css in ("step-size-curve", "step-size-other"):
        points = re.search(rf'<polyline class="{css}" points="([^"]+)"', explorer.plot.value)
        assert len(points.group(1).split()) == 14
    svg_text = re.findall(r"<text[^>]*>([^<]*)</text>", explorer.plot.value)
    assert "step size h" in svg_text and "relative error" in svg_text
    assert "central (solid)" in svg_text and "forward (dashed)" in svg_text


@settings(max_examples=30, deadline=None)
@given(st.integers(-14, -1), st.sampled_from(["central", "forward"]),
       st.sampled_from(["float64", "float32"]), st.sampled_from(FUNCTION_LABELS))
def test_any_setting_reports_the_independently_computed_error(k, scheme, dtype, label):
    explorer = StepSizeExplorer(log10_h=k, scheme=scheme, dtype=dtype, function=label)
    assert readout(explorer)["relative error"] == error_text(
        expected_error(label, scheme, dtype, k))
    assert explorer.errors == []


@pytest.mark.parametrize("kwargs", [{"log10_h": 0}, {"log10_h": -15}, {"scheme": "backward"},
                                    {"dtype": "float16"}, {"function": "cos"}])
def test_settings_out_of_range_are_rejected(kwargs):
    with pytest.raises(ValueError, match="StepSizeExplorer"):
        StepSizeExplorer(**kwargs)


@pytest.mark.parametrize("value", [-5.0, "-5", True])
def test_a_step_exponent_of_the_wrong_type_is_rejected(value):
    with pytest.raises(TypeError, match="StepSizeExplorer"):
        StepSizeExplorer(log10_h=value)


def test_a_broken_update_shows_its_error():
    class Broken(StepSizeExplorer):
        def update(self):
            if self.dtype.value == "float32":
                raise RuntimeError("deliberately broken for float32")
            super().update()

    explorer = Broken()
    assert explorer.errors == []
    explorer.dtype.value = "float32"
    assert explorer.errors == ["RuntimeError: deliberately broken for float32"]
    assert "deliberately broken for float32" in explorer.error_area.value
    assert explorer.error_area.layout.display is None
    explorer.dtype.value = "float64"
    assert explorer.error_area.layout.display == "none"
    assert len(explorer.errors) == 1


@pytest.mark.parametrize("size", ["normal", "large"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_marker_label_stays_inside_the_plot_frame(size, dtype):
    explorer = StepSizeExplorer(dtype=dtype)
    explorer.size_toggle.value = size
    try:
        for scheme in ("central", "forward"):
            for k in range(-14, 0):
                set_controls(explorer, k, scheme, dtype, "x^3 at x = 1.5")
                svg = explorer.plot.value
                frame = re.search(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" '
                                  r'height="([\d.]+)"', svg)
                fx, fy, fw, fh = (float(v) for v in frame.groups())
                label = re.search(r'<text class="step-size-marker-label" x="([\d.]+)" '
                                  r'y="([\d.]+)" font-size="(\d+)" text-anchor="(\w+)"'
                                  r'[^>]*>([^<]+)<', svg)
                x, y, px = float(label[1]), float(label[2]), float(label[3])
                span = 0.6 * px * len(label[5])  # bold sans-serif, generously
                left = x if label[4] == "start" else x - span
                where = f"{scheme}, {dtype}, log10 h = {k}, {size}: {label[5]}"
                assert fx <= left and left + span <= fx + fw, where
                assert fy + px <= y <= fy + fh, where
    finally:
        explorer.size_toggle.value = "normal"
