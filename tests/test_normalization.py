"""helpers.normalization: batch norm and layer norm agree with finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course import central_difference
from helpers.normalization import (
    batch_norm_backward,
    batch_norm_forward,
    layer_norm_backward,
    layer_norm_forward,
)

PAIRS = [(batch_norm_forward, batch_norm_backward), (layer_norm_forward, layer_norm_backward)]


def _case(n, d, seed):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, d)) * 3 + 1, rng.standard_normal(d) + 1.5,
            rng.standard_normal(d), rng.standard_normal((n, d)))


def test_batch_norm_standardises_each_column_with_the_biased_variance():
    X = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 40.0]])
    Y, _ = batch_norm_forward(X, np.ones(2), np.zeros(2), eps=1e-12)
    # column 0: mean 3, biased variance 8/3
    np.testing.assert_allclose(Y[:, 0], np.array([-2.0, 0.0, 2.0]) / np.sqrt(8 / 3))
    np.testing.assert_allclose(Y.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Y.var(axis=0), 1, rtol=1e-9)


def test_layer_norm_standardises_each_row():
    X = np.array([[1.0, 2.0, 6.0], [0.0, 0.0, 3.0]])
    Y, _ = layer_norm_forward(X, np.ones(3), np.zeros(3), eps=1e-12)
    np.testing.assert_allclose(Y.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(Y.var(axis=1), 1, rtol=1e-9)


@pytest.mark.parametrize("forward,backward", PAIRS, ids=["batch", "layer"])
@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 6), d=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_every_gradient_matches_finite_differences(forward, backward, n, d, seed):
    X, gamma, beta, G = _case(n, d, seed)
    dX, dgamma, dbeta = backward(G, forward(X, gamma, beta)[1])
    for got, arg, f in [
        (dX, X, lambda X_: np.sum(G * forward(X_, gamma, beta)[0])),
        (dgamma, gamma, lambda g_: np.sum(G * forward(X, g_, beta)[0])),
        (dbeta, beta, lambda b_: np.sum(G * forward(X, gamma, b_)[0])),
    ]:
        want = central_difference(f, arg.copy())
        scale = max(np.max(np.abs(want)), 1.0)
        assert np.max(np.abs(got - want)) / scale < 1e-6


def test_batch_norm_couples_the_examples_and_layer_norm_does_not():
    X, gamma, beta, _ = _case(5, 4, seed=3)
    G = np.zeros((5, 4))
    G[0] = 1.0  # a loss that reads example 0 only
    dX_batch = batch_norm_backward(G, batch_norm_forward(X, gamma, beta)[1])[0]
    dX_layer = layer_norm_backward(G, layer_norm_forward(X, gamma, beta)[1])[0]
    assert np.all(np.abs(dX_batch[1:]) > 1e-6)  # every other example gets a gradient
    assert np.all(dX_layer[1:] == 0)


def test_inputs_are_not_changed():
    X, gamma, beta, G = _case(4, 3, seed=5)
    kept = [a.copy() for a in (X, gamma, beta, G)]
    for forward, backward in PAIRS:
        backward(G, forward(X, gamma, beta)[1])
    assert all(np.array_equal(a, k) for a, k in zip((X, gamma, beta, G), kept))


@pytest.mark.parametrize("call,message", [
    (lambda: batch_norm_forward(np.ones((3, 2)), np.ones(3), np.zeros(2)),
     r"gamma has shape \(3,\) but X has shape \(3, 2\)"),
    (lambda: layer_norm_forward(np.ones(3), np.ones(3), np.zeros(3)), r"X"),
    (lambda: batch_norm_forward(np.ones((3, 2)), np.ones(2), np.zeros(2), eps=0), r"eps"),
    (lambda: batch_norm_backward(np.ones((2, 2)),
                                 batch_norm_forward(np.ones((3, 2)), np.ones(2), np.zeros(2))[1]),
     r"dL_dY has shape \(2, 2\) but the forward output had shape \(3, 2\)"),
    (lambda: layer_norm_backward(np.ones((3, 2)), None), r"cache must be the NormCache"),
])
def test_bad_input_is_a_clear_error(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
