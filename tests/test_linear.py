"""The linear layer: exact numbers, finite differences, properties over random shapes."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from helpers.gradcheck import adjoint_test, numerical_gradient
from helpers.linear import (
    column_weight_from_row,
    linear_backward,
    linear_forward,
    linear_jacobians,
    row_weight_from_column,
)

# The worked example of the course (C01), with numbers worked out by hand.
X0 = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
W0 = np.array([[2.0, 1.0], [-1.0, 3.0]])
b0 = np.array([0.5, -2.0])


def test_worked_example_forward_matches_hand_computation():
    Y = linear_forward(X0, W0, b0)
    np.testing.assert_array_equal(Y, [[2.5, -1.0], [-0.5, 1.0], [1.5, 2.0]])


def test_worked_example_gradients_of_sum_match_hand_computation():
    dL_dX, dL_dW, dL_db = linear_backward(np.ones((3, 2)), X0, W0)
    np.testing.assert_array_equal(dL_dW, [[2.0, 2.0], [2.0, 2.0]])
    # Each row of dL_dX is ones(2) @ W.T, the row sums of W: [2 + 1, -1 + 3] = [3, 2].
    # ([1, 4], the column sums, is what the missing-transpose bug ones @ W gives.)
    np.testing.assert_array_equal(dL_dX, [[3.0, 2.0], [3.0, 2.0], [3.0, 2.0]])
    np.testing.assert_array_equal(dL_db, [3.0, 3.0])


def _loss_and_grads(n, d_in, d_out, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d_in))
    W = rng.standard_normal((d_in, d_out))
    b = rng.standard_normal(d_out)
    G = rng.standard_normal((n, d_out))  # L = sum(G * Y), so dL/dY = G

    def loss(X_, W_, b_):
        return float(np.sum(G * (X_ @ W_ + b_)))

    return X, W, b, G, loss


def _rel(a, b):
    return np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8))


def _fd_error(analytic, numeric):
    """Worst gap to a finite difference, relative to the gradient's largest entry.

    Central differences carry an absolute round-off of about eps * |L| / h, the same for
    every entry, so an entry near zero cannot be compared entry by entry (-3.3e-5 against
    a round-off of 1e-11 already gives 2e-7); against the gradient's scale it can.
    """
    return np.max(np.abs(analytic - numeric)) / max(np.max(np.abs(numeric)), 1e-8)


dims = st.integers(min_value=1, max_value=5)


@settings(max_examples=40, deadline=None)
@given(n=dims, d_in=dims, d_out=dims, seed=st.integers(0, 2**32 - 1))
@example(n=4, d_in=5, d_out=4, seed=7445647)  # an entry of dL_dX near zero (-3.3e-5)
def test_backward_matches_finite_differences_for_any_shape(n, d_in, d_out, seed):
    X, W, b, G, loss = _loss_and_grads(n, d_in, d_out, seed)
    dL_dX, dL_dW, dL_db = linear_backward(G, X, W)
    assert dL_dX.shape == X.shape and dL_dW.shape == W.shape and dL_db.shape == b.shape
    assert _fd_error(dL_dX, numerical_gradient(lambda X_: loss(X_, W, b), X.copy())) < 1e-7
    assert _fd_error(dL_dW, numerical_gradient(lambda W_: loss(X, W_, b), W.copy())) < 1e-7
    assert _fd_error(dL_db, numerical_gradient(lambda b_: loss(X, W, b_), b.copy())) < 1e-7


@settings(max_examples=40, deadline=None)
@given(n=dims, d_in=dims, d_out=dims, seed=st.integers(0, 2**32 - 1))
def test_backward_is_the_adjoint_of_the_forward_map(n, d_in, d_out, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d_in))
    W = rng.standard_normal((d_in, d_out))
    zero_b = np.zeros(d_out)
    # Y is linear in W for fixed X, and linear in X for fixed W (b = 0).
    in_w = adjoint_test(lambda W_: linear_forward(X, W_, zero_b),
                        lambda G: linear_backward(G, X, W)[1], (d_in, d_out), (n, d_out),
                        seed=seed)
    in_x = adjoint_test(lambda X_: linear_forward(X_, W, zero_b),
                        lambda G: linear_backward(G, X, W)[0], (n, d_in), (n, d_out),
                        seed=seed)
    assert in_w.passed and in_x.passed


@settings(max_examples=30, deadline=None)
@given(n=dims, d_in=dims, d_out=dims, seed=st.integers(0, 2**32 - 1))
def test_batched_gradient_is_the_sum_of_per_example_outer_products(n, d_in, d_out, seed):
    X, W, _, G, _ = _loss_and_grads(n, d_in, d_out, seed)
    looped = sum(np.outer(X[i], G[i]) for i in range(n))
    assert _rel(linear_backward(G, X, W)[1], looped) < 1e-12


def test_jacobians_of_one_example_match_finite_differences():
    rng = np.random.default_rng(1)
    x, W_col, b = rng.standard_normal(3), rng.standard_normal((2, 3)), rng.standard_normal(2)
    dy_dx, dy_dW, dy_db = linear_jacobians(x, W_col)
    assert dy_dx.shape == (2, 3) and dy_dW.shape == (2, 2, 3) and dy_db.shape == (2, 2)
    for i in range(2):  # row i of each Jacobian is the gradient of y_i
        def y_i(v, W_=W_col, b_=b, i=i):
            return float((W_ @ v + b_)[i])
        assert _rel(dy_dx[i], numerical_gradient(y_i, x.copy())) < 1e-8
        assert _rel(dy_dW[i], numerical_gradient(lambda M, i=i: float((M @ x + b)[i]),
                                                 W_col.copy())) < 1e-8
        assert _rel(dy_db[i], numerical_gradient(lambda c, i=i: float((W_col @ x + c)[i]),
                                                 b.copy())) < 1e-8
    assert np.count_nonzero(dy_dW) == 2 * 3  # one non-zero row per slice (C04)


def test_jacobian_contracted_with_upstream_gradient_is_an_outer_product():
    rng = np.random.default_rng(2)
    x, W_col, g = rng.standard_normal(4), rng.standard_normal((3, 4)), rng.standard_normal(3)
    _, dy_dW, _ = linear_jacobians(x, W_col)
    np.testing.assert_allclose(np.einsum("i,ikl->kl", g, dy_dW), np.outer(g, x))


def test_layout_conversions_are_transposes_and_give_the_same_outputs():
    rng = np.random.default_rng(3)
    W_col = rng.standard_normal((2, 3))
    X = rng.standard_normal((4, 3))
    W_row = row_weight_from_column(W_col)
    assert W_row.shape == (3, 2)
    np.testing.assert_allclose(X @ W_row, (W_col @ X.T).T)
    np.testing.assert_array_equal(column_weight_from_row(W_row), W_col)
    W_row[0, 0] += 1.0
    assert W_col[0, 0] != W_row[0, 0]  # a copy, not a view of the caller's array


def test_no_function_mutates_its_inputs():
    rng = np.random.default_rng(4)
    X, W, b, G = (rng.standard_normal(s) for s in [(4, 3), (3, 2), (2,), (4, 2)])
    saved = [a.copy() for a in (X, W, b, G)]
    linear_forward(X, W, b)
    linear_backward(G, X, W)
    linear_jacobians(X[0], W.T)
    for before, after in zip(saved, (X, W, b, G)):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("call, words", [
    (lambda: linear_forward(np.ones((4, 3)), np.ones((2, 3)), np.ones(3)),
     ["X has shape (4, 3)", "W has shape (2, 3)", "X.shape[1] == W.shape[0]"]),
    (lambda: linear_forward(np.ones((4, 3)), np.ones((3, 2)), np.ones(3)),
     ["b has shape (3,)", "(d_out,) = (2,)"]),
    (lambda: linear_forward(np.ones(3), np.ones((3, 2)), np.ones(2)),
     ["X must be 2-D", "shape (3,)"]),
    (lambda: linear_backward(np.ones((4, 3)), np.ones((4, 3)), np.ones((3, 2))),
     ["dL_dY has shape (4, 3)", "(4, 2)"]),
    (lambda: linear_forward(np.ones((0, 3)), np.ones((3, 2)), np.ones(2)),
     ["X is empty", "(0, 3)"]),
    (lambda: linear_forward(np.array([[1.0, np.nan, 0.0]]), np.ones((3, 2)), np.ones(2)),
     ["X", "NaN or Inf"]),
    (lambda: linear_backward(np.full((1, 2), np.inf), np.ones((1, 3)), np.ones((3, 2))),
     ["dL_dY", "NaN or Inf"]),
    (lambda: linear_jacobians(np.ones(3), np.ones((3, 2))),
     ["x has shape (3,)", "W has shape (3, 2)", "column convention"]),
])
def test_bad_input_gets_a_value_error_naming_argument_shapes_and_rule(call, words):
    with pytest.raises(ValueError) as info:
        call()
    for word in words:
        assert word in str(info.value)


def test_non_numeric_input_gets_a_type_error():
    with pytest.raises(TypeError, match="W must hold real numbers"):
        linear_forward(np.ones((2, 3)), np.array([["a", "b"]] * 3), np.ones(2))
    with pytest.raises(TypeError, match="X must hold real numbers"):
        linear_forward(np.ones((2, 3), dtype=complex), np.ones((3, 2)), np.ones(2))


def test_float32_stays_float32_and_integers_are_exact():
    Y32 = linear_forward(np.ones((2, 3), np.float32), np.ones((3, 2), np.float32),
                         np.ones(2, np.float32))
    assert Y32.dtype == np.float32
    Y_int = linear_forward(np.array([[1, 2]]), np.array([[3], [4]]), np.array([5]))
    np.testing.assert_array_equal(Y_int, [[16]])
