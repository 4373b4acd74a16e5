"""helpers.conv2d: im2col and col2im are adjoint; the convolution matches a direct loop and
finite differences on non-square sizes, with stride and padding."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course import central_difference
from helpers.conv2d import col2im, conv2d_backward, conv2d_forward, im2col, output_size


def direct_conv(X, K, b, stride, padding):
    """A loop over output pixels, written from the definition (cross-correlation)."""
    N, C, H, W = X.shape
    C_out, _, kh, kw = K.shape
    Xp = np.zeros((N, C, H + 2 * padding, W + 2 * padding))
    Xp[:, :, padding:padding + H, padding:padding + W] = X
    Ho = (H + 2 * padding - kh) // stride + 1
    Wo = (W + 2 * padding - kw) // stride + 1
    Y = np.zeros((N, C_out, Ho, Wo))
    for n in range(N):
        for o in range(C_out):
            for i in range(Ho):
                for j in range(Wo):
                    window = Xp[n, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                    Y[n, o, i, j] = np.sum(window * K[o]) + b[o]
    return Y


geometry = st.tuples(st.integers(1, 2), st.integers(1, 3), st.integers(3, 7), st.integers(2, 6),
                     st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(0, 2),
                     st.integers(1, 3))


def _case(g, seed):
    N, C, H, W, kh, kw, stride, padding, C_out = g
    kh, kw = min(kh, H + 2 * padding), min(kw, W + 2 * padding)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, C, H, W))
    K = rng.standard_normal((C_out, C, kh, kw))
    b = rng.standard_normal(C_out)
    return X, K, b, stride, padding


def test_output_size_follows_the_formula_and_drops_unreachable_pixels():
    assert output_size(7, 3, stride=2, padding=1) == 4
    assert output_size(6, 3, stride=2, padding=0) == 2  # the last column is never reached
    with pytest.raises(ValueError, match="a kernel of size 5 does not fit an axis of 2 pixels"):
        output_size(2, 5)


def test_im2col_rows_are_the_windows():
    X = np.arange(2 * 3 * 4, dtype=float).reshape(1, 2, 3, 4)
    cols = im2col(X, 2, 3, stride=1, padding=0)
    assert cols.shape == (1 * 2 * 2, 2 * 2 * 3)
    np.testing.assert_array_equal(cols[3], X[0, :, 1:3, 1:4].ravel())


@settings(max_examples=30, deadline=None)
@given(g=geometry, seed=st.integers(0, 2**32 - 1))
def test_forward_matches_a_direct_loop(g, seed):
    X, K, b, stride, padding = _case(g, seed)
    Y, _ = conv2d_forward(X, K, b, stride=stride, padding=padding)
    np.testing.assert_allclose(Y, direct_conv(X, K, b, stride, padding), atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(g=geometry, seed=st.integers(0, 2**32 - 1))
def test_col2im_is_the_adjoint_of_im2col(g, seed):
    X, K, _, stride, padding = _case(g, seed)
    kh, kw = K.shape[2:]
    cols = im2col(X, kh, kw, stride, padding)
    C = np.random.default_rng(seed ^ 1).standard_normal(cols.shape)
    lhs = np.sum(cols * C)
    rhs = np.sum(X * col2im(C, X.shape, kh, kw, stride, padding))
    assert abs(lhs - rhs) <= 1e-10 * max(1.0, abs(lhs))


@settings(max_examples=20, deadline=None)
@given(g=geometry, seed=st.integers(0, 2**32 - 1))
def test_backward_matches_finite_differences(g, seed):
    X, K, b, stride, padding = _case(g, seed)
    Y, cache = conv2d_forward(X, K, b, stride=stride, padding=padding)
    G = np.random.default_rng(seed ^ 2).standard_normal(Y.shape)
    dX, dK, db = conv2d_backward(G, cache)

    def loss(X_=X, K_=K, b_=b):
        return np.sum(G * direct_conv(X_, K_, b_, stride, padding))

    for got, want in [(dX, central_difference(lambda a: loss(X_=a), X.copy())),
                      (dK, central_difference(lambda a: loss(K_=a), K.copy())),
                      (db, central_difference(lambda a: loss(b_=a), b.copy()))]:
        np.testing.assert_allclose(got, want, atol=1e-6 * max(1.0, np.max(np.abs(want))))


def test_inputs_are_not_changed():
    X, K, b, stride, padding = _case((2, 3, 5, 4, 2, 3, 2, 1, 2), seed=4)
    kept = [a.copy() for a in (X, K, b)]
    Y, cache = conv2d_forward(X, K, b, stride=stride, padding=padding)
    G = np.ones_like(Y)
    conv2d_backward(G, cache)
    assert all(np.array_equal(a, k) for a, k in zip((X, K, b), kept))
    assert np.all(G == 1)


@pytest.mark.parametrize("call,message", [
    (lambda: conv2d_forward(np.ones((2, 3, 4)), np.ones((1, 3, 2, 2)), np.ones(1)),
     r"X has shape \(2, 3, 4\); it must be 4-D, \(N, C, H, W\)"),
    (lambda: conv2d_forward(np.ones((1, 3, 4, 4)), np.ones((2, 2, 2, 2)), np.ones(2)),
     r"K must be \(C_out, C, kh, kw\) with C = 3"),
    (lambda: conv2d_forward(np.ones((1, 3, 4, 4)), np.ones((2, 3, 2, 2)), np.ones(3)),
     r"b has shape \(3,\)"),
    (lambda: conv2d_forward(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), np.ones(1), stride=0),
     r"stride must be at least 1"),
    (lambda: conv2d_forward(np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), np.ones(1), padding=-1),
     r"padding must be a whole number >= 0"),
    (lambda: col2im(np.ones((3, 4)), (1, 1, 3, 3), 2, 2), r"cols has shape \(3, 4\)"),
    (lambda: conv2d_backward(np.ones((1, 2, 3, 3)), conv2d_forward(
        np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), np.ones(1))[1]),
     r"dL_dY has shape \(1, 2, 3, 3\)"),
])
def test_bad_input_is_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
