"""helpers.layers: Linear, ReLU and Sequential against numerical gradients, and their errors.

Parameter gradients accumulate (``+=``) until ``zero_grad()``, as in frameworks, so a
layer used twice gets the sum of both uses' gradients (checked numerically below).
"""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from course import central_difference
from helpers.layers import Linear, ReLU, Sequential

SIZES = st.integers(min_value=1, max_value=5)


def away_from_zero(A, gap=0.1):
    """Push entries away from the ReLU kink so finite differences stay on one side."""
    return np.where(A >= 0, A + gap, A - gap)


# ------------------------------------------------------------------ Linear


@settings(max_examples=25, deadline=None)
@given(n=SIZES, d_in=SIZES, d_out=SIZES, seed=st.integers(0, 10_000))
def test_linear_backward_matches_finite_differences(n, d_in, d_out, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d_in))
    W = rng.standard_normal((d_in, d_out))
    b = rng.standard_normal(d_out)
    G = rng.standard_normal((n, d_out))  # L = sum(G * Y), so dL_dY = G

    layer = Linear(W, b)
    Y = layer.forward(X)
    assert Y.shape == (n, d_out)
    dL_dX = layer.backward(G)

    assert np.allclose(dL_dX, central_difference(lambda X_: np.sum(G * (X_ @ W + b)), X),
                       atol=1e-6)
    assert np.allclose(layer.dL_dW, central_difference(lambda W_: np.sum(G * (X @ W_ + b)), W),
                       atol=1e-6)
    assert np.allclose(layer.dL_db, central_difference(lambda b_: np.sum(G * (X @ W + b_)), b),
                       atol=1e-6)
    assert layer.dL_dW.shape == (d_in, d_out) and layer.dL_db.shape == (d_out,)


def test_linear_forward_value_worked_example():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    layer = Linear(np.array([[2.0, 1.0], [-1.0, 3.0]]), np.array([0.5, -2.0]))
    assert np.array_equal(layer.forward(X), [[2.5, -1.0], [-0.5, 1.0], [1.5, 2.0]])
    dL_dX = layer.backward(np.ones((3, 2)))
    assert np.array_equal(dL_dX, [[3.0, 2.0]] * 3)
    assert np.array_equal(layer.dL_dW, [[2.0, 2.0], [2.0, 2.0]])
    assert np.array_equal(layer.dL_db, [3.0, 3.0])


def test_linear_params_and_grads_dicts():
    layer = Linear(np.ones((3, 2)), np.zeros(2))
    assert set(layer.params) == {"W", "b"} and layer.grads == {"W": None, "b": None}
    assert layer.params["W"] is layer.W
    layer.forward(np.ones((4, 3)))
    layer.backward(np.ones((4, 2)))
    assert layer.grads["W"] is layer.dL_dW and layer.grads["b"] is layer.dL_db


def test_linear_input_grad_false_skips_dL_dX_but_stores_parameter_gradients():
    layer = Linear(np.ones((3, 2)), np.zeros(2))
    layer.forward(np.arange(12.0).reshape(4, 3))
    assert layer.backward(np.ones((4, 2)), input_grad=False) is None
    assert np.array_equal(layer.dL_dW, np.arange(12.0).reshape(4, 3).T @ np.ones((4, 2)))


def test_linear_keeps_float32():
    X = np.ones((4, 3), dtype=np.float32)
    layer = Linear(np.ones((3, 2), dtype=np.float32), np.zeros(2, dtype=np.float32))
    Y = layer.forward(X)
    dL_dX = layer.backward(np.ones((4, 2), dtype=np.float32))
    assert Y.dtype == dL_dX.dtype == layer.dL_dW.dtype == layer.dL_db.dtype == np.float32


def test_linear_integer_weights_become_float64():
    layer = Linear(np.ones((3, 2), dtype=int), np.zeros(2, dtype=int))
    assert layer.W.dtype == layer.b.dtype == np.float64


def test_linear_owns_copies_of_its_parameters():
    W, b = np.ones((3, 2)), np.zeros(2)
    layer = Linear(W, b)
    layer.W -= 1.0  # training updates in place...
    layer.b += 1.0
    assert np.array_equal(W, np.ones((3, 2))) and np.array_equal(b, np.zeros(2))  # ...not W, b
    W[0, 0] = 99.0
    assert layer.W[0, 0] == 0.0


def test_linear_does_not_mutate_inputs():
    rng = np.random.default_rng(1)
    X, G = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    X0, G0 = X.copy(), G.copy()
    layer = Linear(rng.standard_normal((3, 2)), rng.standard_normal(2))
    layer.forward(X)
    layer.backward(G)
    assert np.array_equal(X, X0) and np.array_equal(G, G0)


def test_linear_backward_before_forward_raises_clear_error():
    layer = Linear(np.ones((3, 2)), np.zeros(2))
    with pytest.raises(RuntimeError, match=r"Linear\.backward: nothing is cached; call forward"):
        layer.backward(np.ones((4, 2)))


def test_linear_cache_holds_the_most_recent_forward_input():
    # The documented (and taught) behaviour: a second forward replaces the cache.
    rng = np.random.default_rng(2)
    X_a, X_b = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    G = rng.standard_normal((4, 2))
    layer = Linear(rng.standard_normal((3, 2)), np.zeros(2))
    layer.forward(X_a)
    layer.forward(X_b)
    layer.backward(G)
    assert np.allclose(layer.dL_dW, X_b.T @ G)
    assert not np.allclose(layer.dL_dW, X_a.T @ G)


def test_linear_backward_with_other_batch_size_names_the_cause():
    layer = Linear(np.ones((3, 2)), np.zeros(2))
    layer.forward(np.ones((6, 3)))
    with pytest.raises(ValueError, match=r"dL_dY has shape \(4, 2\).*\(6, 2\).*batch sizes"):
        layer.backward(np.ones((4, 2)))


def test_linear_backward_wrong_output_width():
    layer = Linear(np.ones((3, 2)), np.zeros(2))
    layer.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"dL_dY has shape \(4, 3\)") as info:
        layer.backward(np.ones((4, 3)))
    assert "batch sizes" not in str(info.value)


@pytest.mark.parametrize("X, error, pattern", [
    (np.ones((4, 2)), ValueError, r"X has shape \(4, 2\) and W has shape \(3, 2\)"),
    (np.ones(3), ValueError, r"X must be 2-D, got shape \(3,\)"),
    (np.ones((0, 3)), ValueError, r"X is empty"),
    (np.array([[1.0, np.nan, 0.0]]), ValueError, r"X \(shape \(1, 3\)\) contains 1 NaN"),
    (np.array([["a", "b", "c"]]), TypeError, r"X must hold real numbers"),
    (np.ones((2, 3), dtype=complex), TypeError, r"X must hold real numbers"),
    ([[1.0, 2.0], [3.0]], TypeError, r"X must be an array of numbers"),
])
def test_linear_forward_bad_input(X, error, pattern):
    layer = Linear(np.ones((3, 2)), np.zeros(2))
    with pytest.raises(error, match=r"Linear\.forward: " + pattern):
        layer.forward(X)


@pytest.mark.parametrize("W, b, error, pattern", [
    (np.ones((3, 2)), np.zeros(3), ValueError, r"b has shape \(3,\) but W has shape \(3, 2\)"),
    (np.ones((3, 2)), np.zeros((1, 2)), ValueError, r"b has shape \(1, 2\)"),
    (np.ones(3), np.zeros(3), ValueError, r"W must be 2-D"),
    (np.ones((3, 2), dtype=bool), np.zeros(2), TypeError, r"W must hold real numbers"),
    (np.full((3, 2), np.inf), np.zeros(2), ValueError, r"W .* NaN or Inf"),
])
def test_linear_constructor_bad_input(W, b, error, pattern):
    with pytest.raises(error, match=r"Linear: " + pattern):
        Linear(W, b)


# ------------------------------------------------------------------ ReLU


@settings(max_examples=25, deadline=None)
@given(n=SIZES, d=SIZES, seed=st.integers(0, 10_000))
def test_relu_backward_matches_finite_differences(n, d, seed):
    rng = np.random.default_rng(seed)
    Z = away_from_zero(rng.standard_normal((n, d)))
    G = rng.standard_normal((n, d))
    relu = ReLU()
    A = relu.forward(Z)
    assert np.array_equal(A, np.where(Z > 0, Z, 0.0))
    dL_dZ = relu.backward(G)
    assert np.allclose(dL_dZ, central_difference(lambda Z_: np.sum(G * np.maximum(Z_, 0)), Z),
                       atol=1e-6)


def test_relu_derivative_at_zero_is_zero_and_dtype_kept():
    relu = ReLU()
    Z = np.array([[0.0, 1.0, -1.0]], dtype=np.float32)
    assert relu.forward(Z).dtype == np.float32
    dL_dZ = relu.backward(np.full((1, 3), 2.0, dtype=np.float32))
    assert dL_dZ.dtype == np.float32
    assert np.array_equal(dL_dZ, [[0.0, 2.0, 0.0]])


def test_relu_does_not_mutate_inputs():
    Z = np.array([[-1.0, 2.0]])
    G = np.array([[3.0, 4.0]])
    relu = ReLU()
    relu.forward(Z)
    relu.backward(G)
    assert np.array_equal(Z, [[-1.0, 2.0]]) and np.array_equal(G, [[3.0, 4.0]])


def test_relu_backward_before_forward_raises_clear_error():
    with pytest.raises(RuntimeError, match=r"ReLU\.backward: nothing is cached.*mask"):
        ReLU().backward(np.ones((2, 2)))


def test_relu_bad_input():
    relu = ReLU()
    with pytest.raises(ValueError, match=r"ReLU\.forward: Z must be 2-D"):
        relu.forward(np.ones(3))
    relu.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"ReLU\.backward: dL_dA has shape \(2, 2\)"):
        relu.backward(np.ones((2, 2)))


# ------------------------------------------------------------------ Sequential


@settings(max_examples=20, deadline=None)
@given(n=SIZES, d_in=SIZES, d_hidden=SIZES, d_out=SIZES, seed=st.integers(0, 10_000))
def test_sequential_gradients_match_finite_differences(n, d_in, d_hidden, d_out, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d_in))
    W1, b1 = rng.standard_normal((d_in, d_hidden)), rng.standard_normal(d_hidden)
    W2, b2 = rng.standard_normal((d_hidden, d_out)), rng.standard_normal(d_out)
    assume(np.abs(X @ W1 + b1).min() > 1e-3)  # no ReLU kink within reach of the step h
    G = rng.standard_normal((n, d_out))

    def loss(X_=X, W1_=W1, b1_=b1, W2_=W2, b2_=b2):
        return np.sum(G * (np.maximum(X_ @ W1_ + b1_, 0) @ W2_ + b2_))

    net = Sequential([Linear(W1, b1), ReLU(), Linear(W2, b2)])
    net.forward(X)
    dL_dX = net.backward(G)
    grads = net.grads
    assert set(grads) == {"W1", "b1", "W2", "b2"}
    expected = {
        "W1": central_difference(lambda p: loss(W1_=p), W1),
        "b1": central_difference(lambda p: loss(b1_=p), b1),
        "W2": central_difference(lambda p: loss(W2_=p), W2),
        "b2": central_difference(lambda p: loss(b2_=p), b2),
    }
    for name, want in expected.items():
        assert grads[name].shape == want.shape
        assert np.allclose(grads[name], want, atol=1e-5), name
    assert np.allclose(dL_dX, central_difference(lambda p: loss(X_=p), X), atol=1e-5)


def test_sequential_params_are_the_layers_arrays_and_named_by_position():
    first, second = Linear(np.ones((3, 5)), np.zeros(5)), Linear(np.ones((5, 2)), np.zeros(2))
    net = Sequential([first, ReLU(), second])
    params = net.params
    assert list(params) == ["W1", "b1", "W2", "b2"]
    assert params["W1"] is first.W and params["b2"] is second.b
    assert net.grads == {"W1": None, "b1": None, "W2": None, "b2": None}


def test_sequential_input_grad_false_returns_none():
    net = Sequential([Linear(np.ones((3, 5)), np.zeros(5)), ReLU(), Linear(np.ones((5, 2)),
                                                                           np.zeros(2))])
    net.forward(np.ones((4, 3)))
    assert net.backward(np.ones((4, 2)), input_grad=False) is None
    assert net.grads["W1"].shape == (3, 5)


def test_sequential_backward_before_forward_raises_clear_error():
    net = Sequential([Linear(np.ones((3, 2)), np.zeros(2))])
    with pytest.raises(RuntimeError, match="call forward before backward"):
        net.backward(np.ones((4, 2)))


# ------------------------------------------------------------------ accumulation


def test_linear_used_on_two_batches_gets_the_sum_of_both_gradients():
    # Shared weights: L = sum(G_a * lin(X_a)) + sum(G_b * lin(X_b)), one forward and one
    # backward per use. With `=` instead of `+=` only the second use's gradient would remain.
    rng = np.random.default_rng(20)
    X_a, X_b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3))
    G_a, G_b = rng.standard_normal((4, 2)), rng.standard_normal((2, 2))
    W, b = rng.standard_normal((3, 2)), rng.standard_normal(2)

    def loss(W_=W, b_=b):
        return np.sum(G_a * (X_a @ W_ + b_)) + np.sum(G_b * (X_b @ W_ + b_))

    lin = Linear(W, b)
    lin.forward(X_a)
    lin.backward(G_a)
    lin.forward(X_b)
    lin.backward(G_b)
    want_W = central_difference(lambda p: loss(W_=p), W)
    want_b = central_difference(lambda p: loss(b_=p), b)
    assert np.allclose(lin.dL_dW, want_W, atol=1e-6)
    assert np.allclose(lin.dL_db, want_b, atol=1e-6)
    assert not np.allclose(lin.dL_dW, X_b.T @ G_b, atol=1e-3)  # what `=` would leave


@settings(max_examples=20, deadline=None)
@given(n=SIZES, d=SIZES, seed=st.integers(0, 10_000))
def test_sequential_with_one_layer_used_twice_matches_finite_differences(n, d, seed):
    # Y = relu(X W + b) W + b with the same (d, d) layer at positions 0 and 2.
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    W, b = rng.standard_normal((d, d)), rng.standard_normal(d)
    assume(np.abs(X @ W + b).min() > 1e-3)  # no ReLU kink within reach of the step h
    G = rng.standard_normal((n, d))

    def loss(X_=X, W_=W, b_=b):
        return np.sum(G * (np.maximum(X_ @ W_ + b_, 0) @ W_ + b_))

    shared = Linear(W, b)
    net = Sequential([shared, ReLU(), shared])
    assert list(net.params) == ["W1", "b1"] and net.params["W1"] is shared.W
    net.forward(X)
    dL_dX = net.backward(G)
    want_W = central_difference(lambda p: loss(W_=p), W)
    assert np.allclose(net.grads["W1"], want_W, atol=1e-5)
    assert np.allclose(net.grads["b1"], central_difference(lambda p: loss(b_=p), b), atol=1e-5)
    assert np.allclose(dL_dX, central_difference(lambda p: loss(X_=p), X), atol=1e-5)
    # Each use alone (what overwriting would keep) is not the gradient, unless it is tiny.
    A = np.maximum(X @ W + b, 0)
    second_use = A.T @ G
    first_use = want_W - second_use
    if min(np.abs(first_use).max(), np.abs(second_use).max()) > 1e-3:
        assert not np.allclose(net.grads["W1"], second_use, atol=1e-6)
        assert not np.allclose(net.grads["W1"], first_use, atol=1e-6)


def test_backward_twice_without_zero_grad_doubles_and_zero_grad_resets():
    rng = np.random.default_rng(21)
    X, G = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    net = Sequential([Linear(rng.standard_normal((3, 5)), np.zeros(5)), ReLU(),
                      Linear(rng.standard_normal((5, 2)), np.zeros(2))])
    net.forward(X)
    net.backward(G)
    once = net.grads
    kept = {name: g.copy() for name, g in once.items()}
    net.forward(X)
    net.backward(G)
    for name, g in net.grads.items():
        assert np.allclose(g, 2 * kept[name]), name
        assert np.array_equal(once[name], kept[name]), f"{name}: an array read earlier changed"
    assert net.zero_grad() is net
    for name, g in net.grads.items():
        assert g.shape == net.params[name].shape and not g.any(), name
        assert np.array_equal(once[name], kept[name]), f"{name}: zero_grad changed an old array"
    net.forward(X)
    net.backward(G)
    for name, g in net.grads.items():
        assert np.array_equal(g, kept[name]), name  # 0 + g is g, to the last digit


def test_zero_grad_on_single_layers_and_dtype():
    lin = Linear(np.ones((3, 2), dtype=np.float32), np.zeros(2, dtype=np.float32))
    assert lin.grads == {"W": None, "b": None}
    assert lin.zero_grad() is lin
    assert lin.dL_dW.dtype == lin.dL_db.dtype == np.float32
    assert np.array_equal(lin.dL_dW, np.zeros((3, 2))) and np.array_equal(lin.dL_db, [0, 0])
    lin.forward(np.ones((4, 3), dtype=np.float32))
    lin.backward(np.ones((4, 2), dtype=np.float32))
    assert lin.dL_dW.dtype == np.float32 and np.array_equal(lin.dL_dW, np.full((3, 2), 4.0))
    relu = ReLU()
    assert relu.zero_grad() is relu and relu.grads == {}


def test_accumulating_mixed_dtypes_promotes():
    lin = Linear(np.ones((3, 2)), np.zeros(2))
    lin.forward(np.ones((4, 3), dtype=np.float32))
    lin.backward(np.ones((4, 2), dtype=np.float32))   # float32 gradient first
    lin.forward(np.ones((4, 3)))
    lin.backward(np.ones((4, 2)))                      # then a float64 one
    assert lin.dL_dW.dtype == np.float64 and np.array_equal(lin.dL_dW, np.full((3, 2), 8.0))


def test_sequential_shared_layer_keeps_one_cache_per_position():
    # The cache restored for each position is that position's input, not the last one.
    shared = Linear(np.eye(2) * 2.0, np.zeros(2))
    net = Sequential([shared, shared])
    X = np.array([[1.0, 3.0]])
    assert np.array_equal(net.forward(X), [[4.0, 12.0]])
    net.backward(np.ones((1, 2)))
    # dL/dW = (input of use 2).T @ g2 + (input of use 1).T @ g1, with g2 = 1 and g1 = 1 @ W.T.
    want = np.array([[2.0], [6.0]]) @ np.ones((1, 2)) + X.T @ (np.ones((1, 2)) @ shared.W.T)
    assert np.array_equal(shared.dL_dW, want)


def test_sequential_shared_layer_without_cache_and_zero_grad_errors():
    class Scale:
        params, grads = {"s": np.ones(1)}, {"s": None}

        def forward(self, X):
            return X

        def backward(self, g, input_grad=True):
            return g

    odd = Scale()
    with pytest.raises(TypeError, match=r"Sequential: layers\[0\] \(Scale\) appears more than "
                                        r"once but has no cache"):
        Sequential([odd, odd])
    with pytest.raises(TypeError, match=r"Sequential\.zero_grad: Scale has parameters but no "
                                        r"zero_grad"):
        Sequential([odd]).zero_grad()


def test_sequential_bad_layers():
    with pytest.raises(ValueError, match=r"Sequential: layers is empty"):
        Sequential([])
    with pytest.raises(TypeError, match=r"Sequential: layers\[1\] \(int\) has no forward"):
        Sequential([ReLU(), 3])
