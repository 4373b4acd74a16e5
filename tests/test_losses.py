"""helpers.losses: softmax cross-entropy against an independent computation."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course import central_difference
from helpers.losses import softmax, softmax_cross_entropy


def reference(logits, y):
    """Plain Python, one example at a time, with math.fsum: an independent oracle."""
    n, k = len(logits), len(logits[0])
    total, grad = [], []
    for row, label in zip(logits, y):
        m = max(row)
        exps = [math.exp(z - m) for z in row]
        s = math.fsum(exps)
        total.append(math.log(s) - (row[label] - m))
        grad.append([(e / s - (1.0 if j == label else 0.0)) / n for j, e in enumerate(exps)])
    assert all(len(g) == k for g in grad)
    return math.fsum(total) / n, np.array(grad)




@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 6), k=st.integers(1, 5), scale=st.sampled_from([0.1, 1.0, 10.0]),
       seed=st.integers(0, 10_000))
def test_matches_independent_computation(n, k, scale, seed):
    rng = np.random.default_rng(seed)
    Z = scale * rng.standard_normal((n, k))
    y = rng.integers(0, k, size=n)
    loss, grad = softmax_cross_entropy(Z, y)
    want_loss, want_grad = reference(Z.tolist(), y.tolist())
    assert isinstance(loss, float)
    assert loss == pytest.approx(want_loss, rel=1e-12, abs=1e-12)
    assert grad.shape == (n, k)
    assert np.allclose(grad, want_grad, rtol=1e-10, atol=1e-14)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 4), k=st.integers(2, 4), seed=st.integers(0, 10_000))
def test_gradient_matches_finite_differences(n, k, seed):
    rng = np.random.default_rng(seed)
    Z = 2.0 * rng.standard_normal((n, k))
    y = rng.integers(0, k, size=n)
    _, grad = softmax_cross_entropy(Z, y)
    numeric = central_difference(lambda Z_: reference(Z_.tolist(), y.tolist())[0], Z)
    assert np.allclose(grad, numeric, atol=1e-8)


def test_known_values():
    # Equal logits: probability 1/k each, loss log k, gradient (1/k - one_hot) / n.
    loss, grad = softmax_cross_entropy(np.zeros((2, 4)), np.array([1, 3]))
    assert loss == pytest.approx(math.log(4))
    assert np.allclose(grad, [[0.125, -0.375, 0.125, 0.125], [0.125, 0.125, 0.125, -0.375]])
    # Logits [2, 1, 0], label 0: log(1 + e^-1 + e^-2).
    loss, _ = softmax_cross_entropy(np.array([[2.0, 1.0, 0.0]]), np.array([0]))
    assert loss == pytest.approx(math.log(1 + math.exp(-1) + math.exp(-2)))


@pytest.mark.parametrize("shift", [1000.0, -1000.0, 1e6])
def test_stable_for_huge_logits(shift):
    Z = np.array([[2.0, 1.0, 0.0], [0.5, -0.5, 3.0]])
    y = np.array([0, 2])
    base_loss, base_grad = softmax_cross_entropy(Z, y)
    loss, grad = softmax_cross_entropy(Z + shift, y)
    assert np.isfinite(loss) and np.isfinite(grad).all()
    assert loss == pytest.approx(base_loss, rel=1e-9)
    assert np.allclose(grad, base_grad, atol=1e-9)


def test_very_wrong_prediction_gives_large_finite_loss():
    loss, grad = softmax_cross_entropy(np.array([[0.0, 5000.0]]), np.array([0]))
    assert loss == pytest.approx(5000.0)
    assert np.allclose(grad, [[-1.0, 1.0]])


def test_rows_of_gradient_sum_to_zero():
    rng = np.random.default_rng(3)
    _, grad = softmax_cross_entropy(rng.standard_normal((5, 4)), np.array([0, 1, 2, 3, 0]))
    assert np.allclose(grad.sum(axis=1), 0.0, atol=1e-15)


def test_dtypes():
    Z32 = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    loss, grad = softmax_cross_entropy(Z32, np.array([2]))
    assert grad.dtype == np.float32 and isinstance(loss, float)
    _, grad = softmax_cross_entropy(np.array([[1, 2, 3]]), np.array([2], dtype=np.uint8))
    assert grad.dtype == np.float64
    _, grad = softmax_cross_entropy([[1.0, 2.0]], [1])  # lists are fine
    assert grad.shape == (1, 2)


def test_does_not_mutate_inputs():
    Z = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]])
    y = np.array([0, 1])
    Z0, y0 = Z.copy(), y.copy()
    softmax_cross_entropy(Z, y)
    softmax(Z)
    assert np.array_equal(Z, Z0) and np.array_equal(y, y0)


def test_softmax_rows_sum_to_one_and_match_formula():
    Z = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 1000.0]])
    P = softmax(Z)
    e = np.exp([1.0, 2.0, 3.0])
    assert np.allclose(P[0], e / e.sum())
    assert np.allclose(P[1], 1 / 3)
    assert np.allclose(P.sum(axis=1), 1.0)


@pytest.mark.parametrize("logits, y, error, pattern", [
    (np.zeros((2, 3)), np.array([0.0, 1.0]), TypeError, r"y must hold integer class labels"),
    (np.zeros((2, 3)), np.array([True, False]), TypeError, r"y must hold integer class labels"),
    (np.zeros((2, 3)), np.array([0, 3]), ValueError, r"y holds labels from 0 to 3 .* k = 3"),
    (np.zeros((2, 3)), np.array([-1, 0]), ValueError,
     r"y holds labels from -1 to 0 .* every label must be in 0\.\.2"),
    (np.zeros((2, 3)), np.array([0, 1, 2]), ValueError, r"y has shape \(3,\) .* 2 rows"),
    (np.zeros((2, 3)), np.array([[0], [1]]), ValueError, r"y has shape \(2, 1\)"),
    (np.zeros(3), np.array([0]), ValueError, r"logits must be 2-D"),
    (np.array([[0.0, np.inf]]), np.array([0]), ValueError, r"logits .* NaN or Inf"),
    (np.array([["a", "b"]]), np.array([0]), TypeError, r"logits must hold real numbers"),
])
def test_bad_input(logits, y, error, pattern):
    with pytest.raises(error, match=r"softmax_cross_entropy: " + pattern):
        softmax_cross_entropy(logits, y)
