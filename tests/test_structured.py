"""The 1-D convolution and its Toeplitz matrix (notebook 09)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.gradcheck import adjoint_test
from helpers.structured import conv1d, conv1d_matrix


def test_conv1d_matrix_by_hand():
    C = conv1d_matrix([2.0, -1.0, 0.5], 5)
    want = np.array([[2.0, -1.0, 0.5, 0.0, 0.0],
                     [0.0, 2.0, -1.0, 0.5, 0.0],
                     [0.0, 0.0, 2.0, -1.0, 0.5]])
    np.testing.assert_array_equal(C, want)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 9), k=st.integers(1, 9), m=st.integers(1, 3), seed=st.integers(0, 99))
def test_matrix_and_rowwise_convolution_agree_with_numpy(n, k, m, seed):
    if k > n:
        k = n
    rng = np.random.default_rng(seed)
    X, w = rng.standard_normal((m, n)), rng.standard_normal(k)
    C = conv1d_matrix(w, n)
    assert C.shape == (n - k + 1, n)
    want = np.array([np.correlate(x, w, mode="valid") for x in X])
    np.testing.assert_allclose(X @ C.T, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(conv1d(X, w), want, rtol=1e-12, atol=1e-12)


def test_transpose_is_the_full_convolution():
    w = np.array([0.3, -1.2, 2.0, 0.7])
    C = conv1d_matrix(w, 9)
    result = adjoint_test(lambda x: C @ x, lambda g: np.convolve(g, w, mode="full"), (9,), (6,))
    assert result.passed


def test_signal_length_is_a_keyword_s():
    np.testing.assert_array_equal(conv1d_matrix([1.0, 2.0], s=3), [[1.0, 2.0, 0.0],
                                                                   [0.0, 1.0, 2.0]])


def test_inputs_are_not_mutated():
    X, w = np.ones((2, 5)), np.array([1.0, 2.0])
    conv1d(X, w)
    conv1d_matrix(w, 5)
    assert np.array_equal(X, np.ones((2, 5))) and np.array_equal(w, [1.0, 2.0])


@pytest.mark.parametrize("call,error,match", [
    (lambda: conv1d_matrix(np.ones(4), 3), ValueError,
     r"conv1d_matrix: the kernel w has shape \(4,\)"),
    (lambda: conv1d_matrix(np.ones((2, 2)), 3), ValueError, "w must be 1-D"),
    (lambda: conv1d_matrix(np.ones(2), 0), ValueError, "s must be at least 1"),
    (lambda: conv1d_matrix(np.ones(2), 3.0), TypeError, "s must be a whole number"),
    (lambda: conv1d_matrix(["a"], 3), TypeError, "real numbers"),
    (lambda: conv1d(np.ones(5), np.ones(2)), ValueError, "X must be 2-D"),
    (lambda: conv1d(np.ones((2, 3)), np.ones(4)), ValueError, "len\\(w\\) <= s"),
    (lambda: conv1d(np.ones((2, 3)), np.array([np.nan])), ValueError, "NaN"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
