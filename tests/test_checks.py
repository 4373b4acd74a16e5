"""The input checks every public helper uses: each names the function, argument and rule."""

import numpy as np
import pytest

from helpers._checks import as_real_array, as_scalar, int_in_range, positive_float


@pytest.mark.parametrize("value, ndim, exc, words", [
    ([[1.0, 2.0], [3.0]], None, TypeError, ["f: A must be an array of numbers"]),
    (np.array([True, False]), None, TypeError, ["A must hold real numbers", "dtype bool"]),
    (np.array([1 + 2j]), None, TypeError, ["A must hold real numbers", "complex"]),
    (np.array(["a"]), None, TypeError, ["A must hold real numbers"]),
    (np.zeros((2, 0)), None, ValueError, ["A is empty", "(2, 0)"]),
    (np.array([[np.nan, 1.0]]), None, ValueError, ["A (shape (1, 2)) contains 1 NaN or Inf"]),
    (np.ones(3), 2, ValueError, ["A must be 2-D", "(3,)"]),
])
def test_as_real_array_rejects_with_a_clear_message(value, ndim, exc, words):
    with pytest.raises(exc) as info:
        as_real_array("f", "A", value, ndim=ndim)
    for word in words:
        assert word in str(info.value)


def test_as_real_array_returns_float_arrays_without_copying():
    a = np.ones((2, 3))
    assert as_real_array("f", "A", a) is a


def test_as_scalar_accepts_zero_d_arrays_and_rejects_vectors():
    assert as_scalar("f", "loss", np.float64(2.5)) == 2.5
    assert as_scalar("f", "loss", np.array(3)) == 3.0
    with pytest.raises(ValueError, match=r"loss must return a scalar.*shape \(1,\)"):
        as_scalar("f", "loss", np.array([1.0]))


def test_positive_float_and_int_in_range():
    assert positive_float("f", "h", "1e-5") == 1e-5
    with pytest.raises(ValueError, match="h must be a finite number > 0"):
        positive_float("f", "h", float("inf"))
    assert int_in_range("f", "n", np.int64(3), 1, 8) == 3
    with pytest.raises(ValueError, match=r"n must be between 1 and 8 \(the slider's range\)"):
        int_in_range("f", "n", 9, 1, 8)
    with pytest.raises(TypeError, match="n must be a whole number, got bool"):
        int_in_range("f", "n", True, 1, 8)
