"""Initialisation, the deep stack's backward pass, clipping, momentum and micro-batches."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from helpers.dynamics import (
    StackCache,
    accumulate_gradients,
    activation_derivative,
    activation_forward,
    clip_by_global_norm,
    global_norm,
    gradient_flow,
    init_std,
    init_weights,
    micro_batches,
    momentum_step,
    stack_backward,
    stack_forward,
)
from helpers.gradcheck import numerical_gradient

# ---------------------------------------------------------------- initialisation


@pytest.mark.parametrize("scheme,d_in,d_out,want", [
    ("too_small", 64, 64, 0.01), ("too_large", 64, 64, 1.0),
    ("xavier", 64, 64, 0.125),            # sqrt(2 / 128) = 1/8
    ("xavier", 30, 20, 0.2),              # sqrt(2 / 50)
    ("he", 64, 64, 0.1767766952966369),   # sqrt(2 / 64) = 1 / sqrt(32)
    ("he", 8, 3, 0.5),                    # sqrt(2 / 8)
])
def test_init_std_closed_forms(scheme, d_in, d_out, want):
    assert init_std(scheme, d_in, d_out) == pytest.approx(want, rel=1e-12)


def test_init_weights_shape_scale_and_seed():
    W = init_weights("he", 200, 300, np.random.default_rng(3))
    assert W.shape == (200, 300) and W.dtype == np.float64
    assert W.std() == pytest.approx(np.sqrt(2 / 200), rel=0.02)  # 60 000 samples
    assert abs(W.mean()) < 0.003
    again = init_weights("he", 200, 300, np.random.default_rng(3))
    assert np.array_equal(W, again)
    raw = np.random.default_rng(3).standard_normal((200, 300))
    np.testing.assert_allclose(W, raw * np.sqrt(2 / 200), rtol=1e-15)


@pytest.mark.parametrize("args,error", [
    (("glorot", 3, 2), ValueError), ((None, 3, 2), TypeError), (("he", 0, 2), ValueError),
    (("he", 3, 2.0), TypeError),
])
def test_init_std_rejects_bad_input(args, error):
    with pytest.raises(error, match="init_std"):
        init_std(*args)


def test_init_weights_needs_a_generator():
    with pytest.raises(TypeError, match="init_weights: rng"):
        init_weights("he", 3, 2, 0)


# ---------------------------------------------------------------- activations

@pytest.mark.parametrize("name", ["linear", "tanh", "relu"])
def test_activation_derivative_matches_finite_differences(name):
    Z = np.array([[-2.0, -0.3, 0.4], [1.7, -1.1, 0.05]])  # no entry at ReLU's kink
    numeric = numerical_gradient(lambda z: float(np.sum(activation_forward(name, z))), Z)
    np.testing.assert_allclose(activation_derivative(name, Z), numeric, rtol=1e-7, atol=1e-9)


def test_activation_values_by_hand():
    Z = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(activation_forward("relu", Z), [0.0, 0.0, 2.0])
    np.testing.assert_array_equal(activation_derivative("relu", Z), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(activation_forward("linear", Z), Z)
    np.testing.assert_allclose(activation_forward("tanh", Z), [-0.7615941559557649, 0.0,
                                                               0.9640275800758169])


def test_activation_rejects_unknown_names_and_bad_arrays():
    with pytest.raises(ValueError, match="activation_forward: unknown name 'sigmoid'"):
        activation_forward("sigmoid", np.zeros(2))
    with pytest.raises(ValueError, match="activation_derivative"):
        activation_derivative("tanh", np.array([np.nan]))


# ---------------------------------------------------------------- deep stack

def _small_stack(residual, activation, seed=0):
    rng = np.random.default_rng(seed)
    if residual:
        sizes = [4, 4, 4, 4]
    else:
        sizes = [5, 4, 3, 2]  # non-square, pairwise distinct
    X = rng.standard_normal((6, sizes[0]))
    Ws = [rng.standard_normal((a, b)) * 0.6 for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [rng.standard_normal(b) * 0.1 for b in sizes[1:]]
    G = rng.standard_normal((6, sizes[-1]))
    return X, Ws, bs, G


@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("activation", ["linear", "tanh", "relu"])
def test_stack_backward_agrees_with_finite_differences(residual, activation):
    X, Ws, bs, G = _small_stack(residual, activation)
    kw = dict(activation=activation, residual=residual, branch_scale=0.7 if residual else 1.0)

    def loss(_):
        Y, _cache = stack_forward(X, Ws, bs, **kw)
        return float(np.sum(G * Y))

    _, cache = stack_forward(X, Ws, bs, **kw)
    grads = stack_backward(G, cache)
    np.testing.assert_allclose(grads.dL_dX, numerical_gradient(loss, X), rtol=1e-6, atol=1e-8)
    for W, b, dW, db in zip(Ws, bs, grads.dL_dW, grads.dL_db):
        np.testing.assert_allclose(dW, numerical_gradient(loss, W), rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(db, numerical_gradient(loss, b), rtol=1e-6, atol=1e-8)
    assert np.array_equal(grads.dL_dH[-1], G)
    assert [g.shape for g in grads.dL_dH] == [(6, W.shape[1]) for W in Ws]


def test_residual_gradient_is_identity_plus_branch():
    # one residual block with a linear branch: Y = X + s X W, so dL/dX = G + s G W^T
    rng = np.random.default_rng(1)
    X, W, G = rng.standard_normal((3, 4)), rng.standard_normal((4, 4)), rng.standard_normal((3, 4))
    _, cache = stack_forward(X, [W], activation="linear", residual=True, branch_scale=0.5)
    np.testing.assert_allclose(stack_backward(G, cache).dL_dX, G + 0.5 * G @ W.T, rtol=1e-12)


def test_stack_forward_does_not_mutate_its_inputs():
    X, Ws, bs, G = _small_stack(True, "tanh")
    saved = [a.copy() for a in (X, G, *Ws, *bs)]
    _, cache = stack_forward(X, Ws, bs, activation="tanh", residual=True)
    stack_backward(G, cache)
    for a, b in zip((X, G, *Ws, *bs), saved):
        assert np.array_equal(a, b)


def test_gradient_flow_of_a_linear_stack_is_a_product_of_transposes():
    depth, width, n = 5, 6, 4
    norms = gradient_flow(depth, "xavier", "linear", width=width, n=n, seed=7)
    rng = np.random.default_rng(7)
    rng.standard_normal((n, width))  # X, unused by a linear stack's backward pass
    Ws = [rng.standard_normal((width, width)) * np.sqrt(2 / (2 * width)) for _ in range(depth)]
    G = rng.standard_normal((n, width))
    want = []
    for layer in range(1, depth + 1):  # dL/dH_l = G W_L^T ... W_{l+1}^T
        g = G
        for W in reversed(Ws[layer:]):
            g = g @ W.T
        want.append(np.linalg.norm(g))
    np.testing.assert_allclose(norms, want, rtol=1e-12)


def test_gradient_flow_depth_one_is_the_upstream_norm():
    rng = np.random.default_rng(0)
    rng.standard_normal((32, 64))
    rng.standard_normal((64, 64))
    G = rng.standard_normal((32, 64))
    np.testing.assert_allclose(gradient_flow(1, "he", "relu"), [np.linalg.norm(G)], rtol=1e-12)


def test_gradient_flow_verdicts_of_the_notebook():
    def ratio(*args, **kw):
        g = gradient_flow(20, *args, **kw)
        return g[0] / g[-1]

    assert ratio("too_small", "relu") < 1e-20
    assert ratio("too_large", "relu") > 1e12
    assert 0.1 < ratio("he", "relu") < 10
    assert ratio("xavier", "relu") < 1e-2        # Xavier ignores ReLU's halving
    assert 0.5 < ratio("too_small", "relu", residual=True) < 2


@pytest.mark.parametrize("call,error,match", [
    (lambda X, Ws: stack_forward(X, Ws[0]), TypeError, "weights must be a list"),
    (lambda X, Ws: stack_forward(X, []), ValueError, "weights is empty"),
    (lambda X, Ws: stack_forward(X, Ws[::-1]), ValueError, r"weights\[0\] has shape \(3, 2\)"),
    (lambda X, Ws: stack_forward(X, Ws, residual=True), ValueError, "residual block"),
    (lambda X, Ws: stack_forward(X, Ws, residual="yes"), TypeError, "residual must be"),
    (lambda X, Ws: stack_forward(X, Ws, biases=[np.zeros(4)]), ValueError, "2 weights but 1"),
    (lambda X, Ws: stack_forward(X, Ws, biases=np.zeros(4)), TypeError, "biases must be"),
    (lambda X, Ws: stack_forward(X, Ws, activation="gelu"), ValueError, "unknown activation"),
    (lambda X, Ws: stack_forward(X, Ws, branch_scale=0), ValueError, "branch_scale"),
    (lambda X, Ws: stack_forward(X[0], Ws), ValueError, "X must be 2-D"),
    (lambda X, Ws: stack_backward(np.ones((6, 3)), stack_forward(X, Ws)[1]), ValueError,
     r"dL_dY has shape \(6, 3\)"),
    (lambda X, Ws: stack_backward(np.ones((6, 2)), {"H": X}), TypeError, "StackCache"),
    (lambda X, Ws: gradient_flow(0, "he", "relu"), ValueError, "depth"),
    (lambda X, Ws: gradient_flow(3, "he", "relu", seed=1.5), TypeError, "seed"),
])
def test_stack_rejects_bad_input(call, error, match):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6, 5))
    Ws = [rng.standard_normal((5, 3)), rng.standard_normal((3, 2))]
    with pytest.raises(error, match=match):
        call(X, Ws)


def test_stack_cache_is_a_frozen_record():
    _, cache = stack_forward(np.ones((2, 3)), [np.ones((3, 3))])
    assert isinstance(cache, StackCache) and cache.activation == "tanh"
    with pytest.raises(AttributeError):
        cache.residual = True


# ---------------------------------------------------------------- clipping

def test_global_norm_is_the_norm_of_everything_concatenated():
    grads = [np.array([[3.0, 0.0]]), np.array([0.0, 4.0, 12.0])]
    assert global_norm(grads) == 13.0  # sqrt(9 + 16 + 144)


def test_clipping_a_known_example():
    grads = [np.array([[3.0, 0.0]]), np.array([0.0, 4.0, 12.0])]
    clipped, norm = clip_by_global_norm(grads, 6.5)
    assert norm == 13.0
    np.testing.assert_allclose(clipped[0], [[1.5, 0.0]])
    np.testing.assert_allclose(clipped[1], [0.0, 2.0, 6.0])
    unclipped, _ = clip_by_global_norm(grads, 20.0)
    assert all(np.array_equal(a, b) for a, b in zip(unclipped, grads))
    assert unclipped[0] is not grads[0]  # new arrays, never the caller's


@settings(max_examples=40, deadline=None)
@given(a=arrays(np.float64, (3, 2), elements=st.floats(-1e3, 1e3)),
       b=arrays(np.float64, (4,), elements=st.floats(-1e3, 1e3)),
       max_norm=st.floats(1e-3, 1e3))
def test_clipping_properties(a, b, max_norm):
    saved = (a.copy(), b.copy())
    clipped, norm = clip_by_global_norm([a, b], max_norm)
    direct = np.sqrt(np.sum(a**2) + np.sum(b**2))
    assert norm == pytest.approx(direct, rel=1e-12, abs=1e-300)
    new_norm = np.sqrt(np.sum(clipped[0] ** 2) + np.sum(clipped[1] ** 2))
    assert new_norm == pytest.approx(min(direct, max_norm), rel=1e-9, abs=1e-300)
    # one common factor: the direction of the concatenated gradient is unchanged
    flat, flat_c = np.concatenate([a.ravel(), b]), np.concatenate([c.ravel() for c in clipped])
    if direct > 0:
        assert float(flat @ flat_c) == pytest.approx(direct * new_norm, rel=1e-9)
    assert np.array_equal(a, saved[0]) and np.array_equal(b, saved[1])


@pytest.mark.parametrize("grads,max_norm,error,match", [
    (np.ones(3), 1.0, TypeError, "grads must be a list"),
    ([], 1.0, ValueError, "grads is empty"),
    ([np.ones(3)], 0.0, ValueError, "max_norm"),
    ([np.ones(3)], "big", TypeError, "max_norm"),
    ([np.array([1.0, np.inf])], 1.0, ValueError, "NaN or Inf"),
    ([np.array(["a"])], 1.0, TypeError, "real numbers"),
])
def test_clipping_rejects_bad_input(grads, max_norm, error, match):
    with pytest.raises(error, match=match):
        clip_by_global_norm(grads, max_norm)


# ---------------------------------------------------------------- momentum

def test_momentum_velocity_is_a_discounted_sum_of_gradients():
    rng = np.random.default_rng(5)
    gs = rng.standard_normal((7, 3, 2))
    beta, lr = 0.8, 0.1
    theta, v = np.zeros((3, 2)), np.zeros((3, 2))
    for t, g in enumerate(gs, start=1):
        theta, v = momentum_step(theta, g, v, lr, beta)
        unrolled = sum(beta ** (t - k) * gs[k - 1] for k in range(1, t + 1))
        np.testing.assert_allclose(v, unrolled, rtol=1e-12)
    steps = sum(sum(beta ** (t - k) * gs[k - 1] for k in range(1, t + 1)) for t in range(1, 8))
    np.testing.assert_allclose(theta, -lr * steps, rtol=1e-12)


def test_momentum_with_beta_zero_is_gradient_descent_and_mutates_nothing():
    p, g, v = np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array([3.0, 3.0])
    saved = (p.copy(), g.copy(), v.copy())
    p_new, v_new = momentum_step(p, g, v, lr=0.1, beta=0.0)
    np.testing.assert_allclose(p_new, [0.95, 2.1])
    np.testing.assert_array_equal(v_new, g)
    assert all(np.array_equal(a, b) for a, b in zip((p, g, v), saved))


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(grad=np.ones(3)), ValueError, r"grad has shape \(3,\)"),
    (dict(velocity=np.ones((2, 1))), ValueError, "velocity has shape"),
    (dict(lr=-0.1), ValueError, "lr"),
    (dict(beta=1.0), ValueError, "beta must satisfy"),
    (dict(beta="high"), TypeError, "beta must be a number"),
])
def test_momentum_rejects_bad_input(kwargs, error, match):
    args = dict(param=np.ones(2), grad=np.ones(2), velocity=np.zeros(2), lr=0.1, beta=0.9)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        momentum_step(**args)


# ---------------------------------------------------------------- micro-batches

def test_micro_batches_cover_every_row_once():
    assert micro_batches(10, 4) == [slice(0, 4), slice(4, 8), slice(8, 10)]
    assert micro_batches(3, 5) == [slice(0, 3)]
    with pytest.raises(ValueError, match="micro_batch_size"):
        micro_batches(3, 0)


def _mse_grads(X, T, W, b):
    """Gradients of (1 / (2 m)) sum ||x W + b - t||^2 over the m rows given."""
    R = X @ W + b - T
    return X.T @ R / len(X), R.sum(axis=0) / len(X)


@pytest.mark.parametrize("micro", [1, 3, 4, 7, 10, 25])
def test_weighted_micro_batch_means_equal_the_full_batch(micro):
    rng = np.random.default_rng(2)
    X, T = rng.standard_normal((10, 3)), rng.standard_normal((10, 2))
    W, b = rng.standard_normal((3, 2)), rng.standard_normal(2)
    full = _mse_grads(X, T, W, b)
    acc = accumulate_gradients(lambda x, t: _mse_grads(x, t, W, b), X, T, micro)
    for a, f in zip(acc, full):
        np.testing.assert_allclose(a, f, rtol=1e-12, atol=1e-14)


def test_sum_reduction_adds_and_plain_mean_of_means_is_wrong():
    rng = np.random.default_rng(4)
    X, T = rng.standard_normal((10, 3)), rng.standard_normal((10, 2))
    W, b = rng.standard_normal((3, 2)), rng.standard_normal(2)

    def sum_grads(x, t):
        R = x @ W + b - t
        return x.T @ R, R.sum(axis=0)

    full_sum = sum_grads(X, T)
    acc = accumulate_gradients(sum_grads, X, T, 4, reduction="sum")
    np.testing.assert_allclose(acc[0], full_sum[0], rtol=1e-12)
    # the pitfall: averaging means of micro-batches of sizes 4, 4, 2 gives something else
    naive = sum(_mse_grads(X[s], T[s], W, b)[0] for s in micro_batches(10, 4)) / 3
    assert not np.allclose(naive, _mse_grads(X, T, W, b)[0])


@pytest.mark.parametrize("grad_fn,X,T,kwargs,error,match", [
    ("nope", np.ones((4, 2)), np.ones((4, 1)), {}, TypeError, "grad_fn must be callable"),
    (lambda x, t: (x,), np.ones((4, 2)), np.ones((3, 1)), {}, ValueError, "same number of rows"),
    (lambda x, t: x, np.ones((4, 2)), np.ones((4, 1)), {}, TypeError, "tuple of gradient"),
    (lambda x, t: (x,), np.ones((4, 2)), np.ones((4, 1)), {}, ValueError, "same shapes"),
    (lambda x, t: (x.sum(0),), np.ones((4, 2)), np.ones((4, 1)), {"reduction": "avg"},
     ValueError, "unknown reduction"),
    (lambda x, t: (x.sum(0),), np.ones((4, 2)), np.ones((4, 1)), {"micro_batch_size": 0},
     ValueError, "micro_batch_size"),
])
def test_accumulate_rejects_bad_input(grad_fn, X, T, kwargs, error, match):
    args = dict(micro_batch_size=3)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        accumulate_gradients(grad_fn, X, T, **args)
